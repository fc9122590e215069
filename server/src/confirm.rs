//! The first step of a destructive button (see `app::components::confirm`): keep the posted
//! form in a one-time flash and show the question at `/confirm`. Nothing changes here.

use app::components::confirm::{CONFIRM_PATH, is_action, is_back};
use app::domain::AppState;
use app::domain::platform::form_flash::{self, FLASH_SECS, FormFlash};
use app::web::RequestSession;
use axum::extract::{Extension, Form};
use axum::response::{IntoResponse, Redirect, Response};
use http::header::{REFERER, SET_COOKIE};
use http::{HeaderMap, HeaderValue};

/// The page the button was pressed on: the Referer's path and query, if it is this site's.
fn back_from(headers: &HeaderMap, origin: &str) -> String {
    headers
        .get(REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.strip_prefix(origin))
        .filter(|p| is_back(p))
        .unwrap_or("/")
        .to_owned()
}

/// `POST /confirm/ask`: keep the form, then ask.
pub async fn ask(
    Extension(state): Extension<AppState>,
    Extension(session): Extension<RequestSession>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if session.0.is_none() {
        return Redirect::to("/login").into_response();
    }
    let action_ok = fields
        .iter()
        .any(|(k, v)| k == "confirm_action" && is_action(v));
    if !action_ok {
        return Redirect::to("/").into_response();
    }
    let back = back_from(&headers, state.settings.origin().as_str());
    let mut kept: Vec<(String, String)> = fields
        .into_iter()
        .filter(|(k, _)| k != "confirm_back")
        .collect();
    kept.push(("confirm_back".to_owned(), back));
    let flash = FormFlash::new(CONFIRM_PATH.to_owned(), String::new(), kept);
    let mut res = Redirect::to(CONFIRM_PATH).into_response();
    match form_flash::put(&state.db, &flash).await {
        Ok(token) => {
            let cookie = form_flash::cookie(&token, state.settings.secure_cookies(), FLASH_SECS);
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                res.headers_mut().append(SET_COOKIE, v);
            }
        }
        Err(e) => tracing::error!(error = %e, "could not keep a form to confirm"),
    }
    res
}

#[cfg(test)]
mod tests {
    use super::back_from;
    use http::{HeaderMap, HeaderValue};

    #[test]
    fn only_this_sites_pages_are_gone_back_to() {
        let back = |referer: &str| {
            let mut h = HeaderMap::new();
            h.insert("referer", HeaderValue::from_str(referer).unwrap());
            back_from(&h, "https://chipin.example")
        };
        assert_eq!(
            back("https://chipin.example/account/billing"),
            "/account/billing"
        );
        assert_eq!(back("https://evil.example/account/billing"), "/");
        assert_eq!(back("https://chipin.example//evil.example"), "/");
        assert_eq!(back_from(&HeaderMap::new(), "https://chipin.example"), "/");
    }
}
