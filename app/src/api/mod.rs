//! Server functions, grouped by noun. Each one is thin: find the caller, check what they may
//! touch, call the domain, map its errors to [`AppError`](crate::error::AppError).

pub mod accounts;
pub mod api_tokens;
pub mod button;
pub mod client;
pub mod hooks;
pub mod pledges;
pub mod recipients;
pub mod refunds;
pub mod reports;
pub mod studio;
pub mod trail;
pub mod two_factor;

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    //! The request's context as server functions and pages see it.

    use crate::domain::AppState;
    use crate::domain::accounts::{AccountError, CurrentSession, SessionUser};
    use crate::error::AppError;
    use crate::web::{ClientAddr, RequestSession};
    use http::request::Parts;
    use leptos::prelude::*;

    /// The application state provided by the server.
    pub fn state() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from the Leptos context");
            AppError::Internal
        })
    }

    /// The session of the calling request, if logged in.
    pub fn session() -> Option<CurrentSession> {
        use_context::<Parts>()
            .and_then(|p| p.extensions.get::<RequestSession>().cloned())
            .and_then(|s| s.0)
    }

    /// The logged-in caller, or [`AppError::Unauthenticated`].
    pub fn require_user() -> Result<SessionUser, AppError> {
        session().map(|s| s.user).ok_or(AppError::Unauthenticated)
    }

    /// The caller's network address, for throttling.
    pub fn client_addr() -> Option<String> {
        use_context::<Parts>()
            .and_then(|p| p.extensions.get::<ClientAddr>().cloned())
            .map(|a| a.0)
    }

    /// The value of cookie `name` on the calling request.
    pub fn cookie(name: &str) -> Option<String> {
        let parts = use_context::<Parts>()?;
        parts
            .headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|h| h.to_str().ok())
            .find_map(|h| crate::web::cookie_value(h, name).map(str::to_owned))
    }

    /// Adds a `Set-Cookie` header to the response.
    pub fn set_cookie(value: &str) {
        if let (Some(res), Ok(v)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::HeaderValue::from_str(value),
        ) {
            res.append_header(http::header::SET_COOKIE, v);
        }
    }

    /// Page owners need two-factor sign-in on before they move money out of Chipin
    /// (payouts, expenses); `what` completes "before …".
    pub async fn require_two_factor(
        state: &AppState,
        user: &SessionUser,
        what: &str,
    ) -> Result<(), AppError> {
        let on = crate::domain::accounts::two_factor::is_enabled(&state.db, user.user_id)
            .await
            .map_err(AppError::internal)?;
        if on {
            Ok(())
        } else {
            let l = crate::i18n::current();
            Err(AppError::rejected(crate::t_in!(
                l,
                "two-factor-needed",
                what = crate::i18n::arg(l.text(what))
            )))
        }
    }

    impl From<AccountError> for AppError {
        fn from(e: AccountError) -> Self {
            use crate::i18n::num;
            use crate::t;
            match e {
                AccountError::Field(field, problem) => {
                    AppError::invalid(field, crate::api::accounts::field_message(problem))
                }
                AccountError::Throttled(seconds) => AppError::RateLimited {
                    message: t!("acct-throttled", seconds = num(seconds)),
                },
                AccountError::TooManyEmails(seconds) => AppError::RateLimited {
                    message: t!("acct-too-many-emails", minutes = num((seconds + 59) / 60)),
                },
                AccountError::WrongCredentials => AppError::rejected(t!("acct-wrong-credentials")),
                AccountError::EmailNotVerified(true) => {
                    AppError::rejected(t!("acct-email-not-verified-sent"))
                }
                AccountError::EmailNotVerified(false) => {
                    AppError::rejected(t!("acct-email-not-verified"))
                }
                AccountError::InvalidLink => AppError::rejected(t!("acct-invalid-link")),
                AccountError::Db(e) => AppError::internal(e),
                AccountError::Hash(e) => AppError::internal(e),
            }
        }
    }
}
