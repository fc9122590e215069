//! The Markdown editors' Preview buttons (a page's bio, a post). The button posts the whole
//! form here; the typed values wait in a one-time form flash, and the editor page they return
//! to renders them back with the sanitised preview. A GET would have put the CSRF token, the
//! title and the body into the address, and so into history, logs and Referer headers.

use app::components::form::{GIVE_PREVIEW_PATH, PREVIEW_PATH};
use app::domain::AppState;
use app::domain::platform::form_flash::{self, FLASH_SECS, FormFlash};
use app::web::RequestSession;
use axum::extract::{Extension, Form};
use axum::response::{IntoResponse, Redirect, Response};
use http::HeaderValue;
use http::header::SET_COOKIE;

/// The editor page to go back to: the Preview button's value, if it is a studio address.
fn back_to(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .find(|(k, _)| k == "preview")
        .map(|(_, v)| v.as_str())
        .filter(|v| {
            v.starts_with("/studio/p/")
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"/-_#".contains(&b))
        })
        .unwrap_or("/studio")
        .to_owned()
}

/// `POST /studio/preview`: keep the typed form for the editor's next page load and go back.
pub async fn preview(
    Extension(state): Extension<AppState>,
    Extension(session): Extension<RequestSession>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if session.0.is_none() {
        return Redirect::to("/login?next=/studio").into_response();
    }
    let back = back_to(&fields);
    let flash = FormFlash::new(PREVIEW_PATH.to_owned(), String::new(), fields);
    back_keeping(&state, &flash, &back).await
}

/// A redirect to `back` that keeps `flash` (the typed form) for that page's next load.
async fn back_keeping(state: &AppState, flash: &FormFlash, back: &str) -> Response {
    let mut res = Redirect::to(back).into_response();
    match form_flash::put(&state.db, flash).await {
        Ok(token) => {
            let cookie = form_flash::cookie(&token, state.settings.secure_cookies(), FLASH_SECS);
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                res.headers_mut().append(SET_COOKIE, v);
            }
        }
        Err(e) => tracing::error!(error = %e, "could not keep a preview"),
    }
    res
}

/// The give form a "Preview fee" button belongs to (`tip` or `pledge`) and the page to go
/// back to (`/c/{slug}#tip`), if the form names a well-formed slug.
fn give_back_to(fields: &[(String, String)]) -> Option<(&'static str, String)> {
    let value = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let kind = match value("preview")? {
        "tip" => "tip",
        "pledge" => "pledge",
        _ => return None,
    };
    let slug = value("slug").filter(|s| {
        !s.is_empty()
            && s.len() <= 100
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    })?;
    Some((kind, format!("/c/{slug}#{kind}")))
}

/// `POST /give/preview`: the tip or pledge form's "Preview fee" button. Keeps the typed form
/// for the page's next load, which shows the fee for the amount typed; nothing is given.
pub async fn give_preview(
    Extension(state): Extension<AppState>,
    Extension(session): Extension<RequestSession>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if session.0.is_none() {
        return Redirect::to("/login").into_response();
    }
    let Some((kind, back)) = give_back_to(&fields) else {
        return Redirect::to("/").into_response();
    };
    let flash = FormFlash::new(format!("{GIVE_PREVIEW_PATH}/{kind}"), String::new(), fields);
    back_keeping(&state, &flash, &back).await
}

#[cfg(test)]
mod tests {
    use super::{back_to, give_back_to};

    #[test]
    fn fee_previews_go_back_only_to_a_give_form() {
        let f = |kind: &str, slug: &str| {
            vec![
                ("slug".to_owned(), slug.to_owned()),
                ("preview".to_owned(), kind.to_owned()),
            ]
        };
        assert_eq!(
            give_back_to(&f("tip", "riverside-library")),
            Some(("tip", "/c/riverside-library#tip".to_owned()))
        );
        assert_eq!(
            give_back_to(&f("pledge", "mara")),
            Some(("pledge", "/c/mara#pledge".to_owned()))
        );
        assert_eq!(give_back_to(&f("tip", "../../evil")), None);
        assert_eq!(give_back_to(&f("tip", "")), None);
        assert_eq!(give_back_to(&f("other", "mara")), None);
    }

    #[test]
    fn only_studio_addresses_are_gone_back_to() {
        let f = |v: &str| vec![("preview".to_owned(), v.to_owned())];
        assert_eq!(
            back_to(&f("/studio/p/3/write#post-preview")),
            "/studio/p/3/write#post-preview"
        );
        assert_eq!(back_to(&f("//evil.example/studio/p/")), "/studio");
        assert_eq!(back_to(&f("https://evil.example")), "/studio");
        assert_eq!(back_to(&f("/studio/p/3?x=<script>")), "/studio");
        assert_eq!(back_to(&[]), "/studio");
    }
}
