//! One click must not destroy. A destructive button (delete a post, cancel a pledge, retire a
//! tier) first asks: it posts its form to [`CONFIRM_ASK_PATH`], which keeps the form in a
//! one-time flash and shows `/confirm`, a page that says what will happen and posts the same
//! form to the real action only when the person says yes. Plain forms, so it works without
//! WebAssembly too.

use crate::components::form::{CsrfField, Typed, came_back_failed};
use crate::components::meta::PageMeta;
use crate::i18n::arg;
use crate::t;
use leptos::prelude::*;

/// Where destructive buttons post first.
pub const CONFIRM_ASK_PATH: &str = "/confirm/ask";

/// The flash path the asked-for form waits under.
pub const CONFIRM_PATH: &str = "/confirm";

/// A submit button that asks before it posts its form to `action`. `question` says what will
/// happen ("Delete the post “Sketchbook tour”? This cannot be undone.").
#[component]
pub fn ConfirmButton(
    action: &'static str,
    #[prop(into)] question: String,
    #[prop(into)] label: String,
    #[prop(into)] aria_label: String,
) -> impl IntoView {
    view! {
        <input type="hidden" name="confirm_question" value=question/>
        <input type="hidden" name="confirm_label" value=label.clone()/>
        <button type="submit" class="button button-small button-danger" formaction=CONFIRM_ASK_PATH
            name="confirm_action" value=action aria-label=aria_label>{label}</button>
    }
}

/// True for a server function address a confirmation may post to.
pub fn is_action(path: &str) -> bool {
    path.starts_with("/api/")
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_-".contains(&b))
}

/// True for a same-site page address a confirmation may go back to.
pub fn is_back(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_-?=&#.%".contains(&b))
}

/// `/confirm`: the question, yes (posts the kept form), or no (back to the page).
#[component]
pub fn ConfirmPage() -> impl IntoView {
    let asked = Typed::at(CONFIRM_PATH);
    let failed = came_back_failed();
    // After a "yes" that failed, the failed form (with its `confirm_back`) is the flash.
    let failure = failed.then(failed_message).flatten();
    let back = asked
        .find("confirm_back")
        .or_else(failed_back)
        .filter(|b| is_back(b))
        .unwrap_or_else(|| "/".to_owned());
    let action = asked.find("confirm_action").filter(|a| is_action(a));
    let body = match (failure, action) {
        (Some(message), _) => view! {
            <h1>{t!("pub-confirm-failed")}</h1>
            <div class="alert alert-error" role="alert" tabindex="-1" autofocus=true>{message}</div>
            <p><a class="button button-secondary" href=back>{t!("pub-confirm-go-back")}</a></p>
        }
        .into_any(),
        (None, Some(action)) => {
            let question = asked.get("confirm_question");
            let label = asked
                .find("confirm_label")
                .unwrap_or_else(|| t!("pub-confirm-yes-default"));
            let fields = asked
                .0
                .iter()
                .filter(|(k, _)| !k.starts_with("confirm_"))
                .map(|(k, v)| view! { <input type="hidden" name=k.clone() value=v.clone()/> })
                .collect_view();
            view! {
                <h1>{t!("pub-confirm-title")}</h1>
                <p class="lead" id="confirm-question">{question}</p>
                <form method="post" action=action class="button-row" aria-describedby="confirm-question">
                    <CsrfField/>
                    {fields}
                    <input type="hidden" name="confirm_back" value=back.clone()/>
                    <button type="submit" class="button button-danger" autofocus=true>{t!("pub-confirm-yes", label = arg(label.to_lowercase()))}</button>
                    <a class="button button-secondary" href=back>{t!("pub-confirm-no")}</a>
                </form>
            }
            .into_any()
        }
        (None, None) => view! {
            <h1>{t!("pub-confirm-nothing")}</h1>
            <p class="lead">{t!("pub-confirm-nothing-lead")}</p>
            <p><a class="button button-secondary" href=back>{t!("pub-confirm-go-back")}</a></p>
        }
        .into_any(),
    };
    view! {
        <PageMeta title=t!("pub-confirm-title") description=t!("pub-confirm-description")/>
        <section class="page narrow">{body}</section>
    }
}

/// The message of the failed "yes", if this page load is its return.
fn failed_message() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        use server_fn::error::ServerFnUrlError;
        let flash = use_context::<crate::domain::platform::form_flash::FormFlash>()?;
        let error = ServerFnUrlError::<crate::error::AppError>::decode_err(&flash.error);
        Some(error.to_string())
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// Where the failed "yes" came from.
fn failed_back() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::domain::platform::form_flash::FormFlash>()
            .and_then(|f| f.value("confirm_back").map(str::to_owned))
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_actions_and_pages_of_this_site_are_accepted() {
        assert!(is_action("/api/cancel_pledge"));
        assert!(is_action("/api/studio/delete_post"));
        assert!(!is_action("https://evil.example/api/x"));
        assert!(!is_action("/studio/p/1"));
        assert!(!is_action("/api/x?y=<"));
        assert!(is_back("/account/billing#pledges"));
        assert!(is_back("/studio/p/3?saved=tier#tiers"));
        assert!(!is_back("//evil.example"));
        assert!(!is_back("https://evil.example"));
        assert!(!is_back("/a\"><script>"));
    }
}
