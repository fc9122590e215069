//! Form pieces: the CSRF field every form carries, error messages next to their fields, and
//! what a failed plain post typed, so the form comes back filled in and focused on its error.

use crate::error::AppError;
use crate::i18n::arg;
use crate::t;
use leptos::prelude::*;

/// This page's CSRF token: from the request on the server, from the cookie in the browser.
pub fn csrf_token() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<crate::web::RequestCsrf>().cloned())
            .map(|t| t.0)
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        crate::api::client::csrf_from_document().unwrap_or_default()
    }
}

/// The hidden field that proves a form post came from a Chipin page.
#[component]
pub fn CsrfField() -> impl IntoView {
    view! { <input type="hidden" name=crate::CSRF_FIELD_NAME value=csrf_token()/> }
}

/// The error of a server action, if its last result was an error.
pub fn action_error<T: Send + Sync + 'static>(
    value: impl With<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
) -> Signal<Option<AppError>> {
    Signal::derive(move || value.with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned())))
}

/// Where the Markdown editors' Preview buttons post (a page's bio, a post): the typed form
/// comes back through the one-time flash under this path, never through the address.
pub const PREVIEW_PATH: &str = "/studio/preview";

/// Where the tip and pledge forms' "Preview fee" buttons post without WebAssembly: the typed
/// form comes back through the one-time flash under `{GIVE_PREVIEW_PATH}/tip` (or `/pledge`)
/// and the page shows the fee for the amount typed, without asking for it again.
pub const GIVE_PREVIEW_PATH: &str = "/give/preview";

/// What a form typed before its post to server function `S` failed (passwords, codes and the
/// CSRF token are never kept). Read on the server from the one-time flash the failed post left
/// (see `server::middleware::form_flash`); islands get it as a prop. Empty otherwise.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Typed(pub Vec<(String, String)>);

impl Typed {
    /// The values typed into the last failed post to `S`.
    pub fn of<S: server_fn::ServerFn>() -> Self {
        Self::at(S::PATH)
    }

    /// The values a form posted to `path` before coming back (a failed post, or a preview).
    pub fn at(path: &str) -> Self {
        #[cfg(feature = "ssr")]
        {
            use_context::<crate::domain::platform::form_flash::FormFlash>()
                .filter(|f| f.path == path)
                .map(|f| Typed(f.fields))
                .unwrap_or_default()
        }
        #[cfg(not(feature = "ssr"))]
        {
            let _ = path;
            Typed::default()
        }
    }

    /// True if nothing came back.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every value sent under `name` (checkboxes).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The value typed into `name` (empty if none).
    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// The value typed into `name`, if the form had that field.
    pub fn find(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    /// True if `name` was sent with `value` (a checked radio button or a selected option).
    pub fn chose(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == value)
    }
}

/// True when this page load is the return of a form post that failed: a success notice still
/// in the address (`?added=`, `?saved=`) from an earlier post is then stale and not shown
/// beside the new error.
pub fn came_back_failed() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::domain::platform::form_flash::FormFlash>()
            .is_some_and(|f| !f.error.is_empty())
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

/// `autofocus` for the input whose field has the error: a page that comes back from a failed
/// post opens scrolled to the first (and only) error and focused on it, with or without
/// WebAssembly.
pub fn focus_if_invalid(error: Signal<Option<AppError>>, field: &'static str) -> bool {
    error
        .get_untracked()
        .is_some_and(|e| e.field() == Some(field))
}

/// The message for `field`, shown under its input and announced to screen readers. Its id is
/// `{field}-error` unless `id` is given (for pages with two forms sharing a field name).
#[component]
pub fn FieldError(
    error: Signal<Option<AppError>>,
    field: &'static str,
    #[prop(optional, into)] id: Option<String>,
) -> impl IntoView {
    let message = move || {
        error
            .get()
            .filter(|e| e.field() == Some(field))
            .map(|e| e.to_string())
    };
    let id = id.unwrap_or_else(|| format!("{field}-error"));
    view! {
        <Show when=move || message().is_some()>
            <p class="field-error" id=id.clone() role="alert">{message}</p>
        </Show>
    }
}

/// `aria-invalid` for an input whose field has an error.
pub fn invalid(
    error: Signal<Option<AppError>>,
    field: &'static str,
) -> impl Fn() -> &'static str + Send + Sync + Copy {
    move || {
        if error.get().is_some_and(|e| e.field() == Some(field)) {
            "true"
        } else {
            "false"
        }
    }
}

/// A form-level error (anything not tied to one field).
#[component]
pub fn FormAlert(error: Signal<Option<AppError>>) -> impl IntoView {
    let message = move || {
        error
            .get()
            .filter(|e| e.field().is_none())
            .map(|e| e.to_string())
    };
    view! {
        // Focused on arrival when it is the page's error, so a phone shows it without scrolling.
        <Show when=move || message().is_some()>
            <div class="alert alert-error" role="alert" tabindex="-1"
                autofocus=error.get_untracked().is_some_and(|e| e.field().is_none())>{message}</div>
        </Show>
    }
}

/// The question a large amount asks before it is recorded, at the amount field: "Give
/// $250.00 to Riverside Library?" and a button that sends the same form again, confirming
/// exactly that amount (`confirm_large`, in minor units).
#[component]
pub fn ConfirmLarge(
    #[prop(into)] prefix: String,
    error: Signal<Option<AppError>>,
    /// The amount the form holds, as typed.
    amount: String,
    currency: String,
    /// "Yes, give" or "Yes, pledge", in the reader's language.
    #[prop(into)]
    yes: String,
) -> impl IntoView {
    let asked = error
        .get_untracked()
        .filter(|e| e.field() == Some(crate::model::CONFIRM_LARGE_FIELD))?;
    let money = currency
        .parse::<crate::money::Currency>()
        .ok()
        .and_then(|c| crate::money::Money::parse(&amount, c, i64::MAX).ok())?;
    let id = format!("{prefix}-confirm_large");
    Some(view! {
        <div class="confirm-large" id=id role="alert">
            <p>{asked.to_string()}</p>
            <button type="submit" class="button" name=crate::model::CONFIRM_LARGE_FIELD value=money.minor.to_string()
                autofocus=true>{t!("give-confirm-large-button", yes = arg(yes), amount = arg(crate::i18n::current().money(money)))}</button>
        </div>
    })
}

/// The second-factor code a sensitive form asks for again when two-factor sign-in is on and
/// the session's last check is older than ten minutes (field `code`).
#[component]
pub fn StepUpCodeField(error: Signal<Option<AppError>>) -> impl IntoView {
    view! {
        <div class="field">
            <label for="code">{t!("give-step-up-code")}</label>
            <input id="code" name="code" type="text" autocomplete="one-time-code"
                inputmode="numeric" maxlength="40"
                aria-invalid=invalid(error, "code") aria-describedby="code-help code-error"/>
            <p class="help" id="code-help">{t!("give-step-up-code-help")}</p>
            <FieldError error field="code"/>
        </div>
    }
}
