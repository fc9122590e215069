//! Account server functions: sign up, log in and out, reset and change the password, and who
//! the caller is.

use crate::api::client::CsrfClient;
use crate::error::AppError;
use crate::model::{GettingStarted, Me};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {crate::api::ssr, crate::domain::accounts, crate::domain::giving::first_run, crate::web};

/// The logged-in person, or `None` for a visitor.
#[server(endpoint = "current_user", client = CsrfClient)]
pub async fn current_user() -> Result<Option<Me>, AppError> {
    let Some(s) = ssr::session() else {
        return Ok(None);
    };
    let state = ssr::state()?;
    let owns_pages = first_run::owns_pages(&state.db, s.user.user_id)
        .await
        .map_err(AppError::internal)?;
    Ok(Some(Me {
        display_name: s.user.display_name,
        email: s.user.email,
        is_admin: s.user.is_admin,
        owns_pages,
    }))
}

/// The caller's first-run path: card, billing day, someone to support.
#[server(endpoint = "first_run_steps", client = CsrfClient)]
pub async fn first_run_steps() -> Result<GettingStarted, AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    first_run::getting_started(&state.db, user.user_id)
        .await
        .map_err(AppError::internal)
}

/// Creates an account and sends the confirmation email; then shows "check your inbox".
#[server(endpoint = "sign_up", client = CsrfClient)]
pub async fn sign_up(
    email: String,
    password: String,
    display_name: String,
    next: Option<String>,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    // Only a local path survives; anything else is dropped (the account page is the default).
    let next = next
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .map(|n| safe_next(Some(n)))
        .filter(|n| n != "/account");
    accounts::sign_up(
        &state,
        accounts::SignUp {
            email: &email,
            password: &password,
            display_name: &display_name,
            next: next.as_deref(),
            language: crate::i18n::current(),
        },
        ssr::client_addr().as_deref(),
    )
    .await?;
    leptos_axum::redirect("/signup/check-email");
    Ok(())
}

/// Logs in and goes to `next` (a local path) or the account page.
#[server(endpoint = "log_in", client = CsrfClient)]
pub async fn log_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let state = ssr::state()?;
    let settings = &state.settings;
    let token =
        match accounts::log_in(&state, &email, &password, ssr::client_addr().as_deref()).await? {
            accounts::LoggedIn::Session(token) => token,
            accounts::LoggedIn::SecondFactor(challenge) => {
                ssr::set_cookie(&web::challenge_cookie(
                    &challenge,
                    settings.secure_cookies(),
                    accounts::two_factor::CHALLENGE_SECS,
                ));
                let next = safe_next(next.as_deref());
                let query: String = url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("next", &next)
                    .finish();
                leptos_axum::redirect(&format!("/login/two-factor?{query}"));
                return Ok(());
            }
        };
    start_session(&state, &token).await?;
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}

/// The second step of a login to an account with two-factor sign-in: a code from the app or
/// a recovery code, for the challenge the password step left in its cookie.
#[server(endpoint = "log_in_second_factor", client = CsrfClient)]
pub async fn log_in_second_factor(code: String, next: Option<String>) -> Result<(), AppError> {
    let state = ssr::state()?;
    let challenge = ssr::cookie(web::CHALLENGE_COOKIE).unwrap_or_default();
    let token = accounts::two_factor::complete_login(
        &state,
        &challenge,
        &code,
        ssr::client_addr().as_deref(),
    )
    .await?;
    ssr::set_cookie(&web::challenge_cookie(
        "",
        state.settings.secure_cookies(),
        0,
    ));
    start_session(&state, &token).await?;
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}

/// Sets the cookie of a new session; the session the browser had before is ended.
#[cfg(feature = "ssr")]
async fn start_session(state: &crate::domain::AppState, token: &str) -> Result<(), AppError> {
    // Rotate: whatever session the browser had before is ended.
    if let Some(old) = ssr::session() {
        accounts::sessions::delete(&state.db, &old.token)
            .await
            .map_err(AppError::internal)?;
    }
    let settings = &state.settings;
    ssr::set_cookie(&web::session_cookie(
        token,
        settings.secure_cookies(),
        settings.session_absolute_timeout_secs,
    ));
    Ok(())
}

/// Switches the language pages are shown in, then goes back to `back` (a local path). A
/// signed-in person's choice is saved on the account (their emails follow it); anyone's is
/// kept in a cookie for a year.
#[server(endpoint = "set_language", client = CsrfClient)]
pub async fn set_language(language: String, back: Option<String>) -> Result<(), AppError> {
    let state = ssr::state()?;
    let Some(locale) = crate::i18n::Locale::from_tag(&language) else {
        return Err(AppError::invalid(
            "language",
            crate::t!("language-unknown"),
        ));
    };
    if let Some(session) = ssr::session() {
        accounts::set_language(&state.db, session.user.user_id, locale)
            .await
            .map_err(AppError::internal)?;
    }
    ssr::set_cookie(&format!(
        "{}={}; Path=/; SameSite=Lax; Max-Age=31536000{}",
        crate::i18n::LANGUAGE_COOKIE,
        locale.tag(),
        if state.settings.secure_cookies() { "; Secure" } else { "" }
    ));
    leptos_axum::redirect(&safe_next(back.as_deref().or(Some("/"))));
    Ok(())
}

/// Ends the caller's session.
#[server(endpoint = "log_out", client = CsrfClient)]
pub async fn log_out() -> Result<(), AppError> {
    let state = ssr::state()?;
    if let Some(session) = ssr::session() {
        accounts::sessions::delete(&state.db, &session.token)
            .await
            .map_err(AppError::internal)?;
    }
    ssr::set_cookie(&web::clear_session_cookie(state.settings.secure_cookies()));
    leptos_axum::redirect("/");
    Ok(())
}

/// Emails a reset link if the address has an account; the answer is the same either way.
#[server(endpoint = "request_password_reset", client = CsrfClient)]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    let state = ssr::state()?;
    accounts::request_password_reset(&state, &email, ssr::client_addr().as_deref()).await?;
    leptos_axum::redirect("/forgot-password/sent");
    Ok(())
}

/// Sets a new password from a reset link.
#[server(endpoint = "reset_password", client = CsrfClient)]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    let state = ssr::state()?;
    accounts::reset_password(&state, &token, &password).await?;
    if ssr::session().is_some() {
        // Every session already ended in the database; forget the cookie too.
        ssr::set_cookie(&web::clear_session_cookie(state.settings.secure_cookies()));
    }
    leptos_axum::redirect("/login?reset=1");
    Ok(())
}

/// True if a reset link can still be used.
#[server(endpoint = "reset_link_valid", client = CsrfClient)]
pub async fn reset_link_valid(token: String) -> Result<bool, AppError> {
    let state = ssr::state()?;
    Ok(accounts::reset_link_is_valid(&state, &token).await?)
}

/// Changes the caller's password; other sessions end and this one is renewed.
#[server(endpoint = "change_password", client = CsrfClient)]
pub async fn change_password(
    current_password: String,
    new_password: String,
    code: Option<String>,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    let session = ssr::session().ok_or(AppError::Unauthenticated)?;
    let user = session.user.clone();
    // With two-factor sign-in on, a session not checked in the last ten minutes needs a code.
    accounts::two_factor::step_up(
        &state,
        &user,
        &session.token,
        code.as_deref(),
        ssr::client_addr().as_deref(),
    )
    .await?;
    let token = accounts::change_password(&state, &user, &current_password, &new_password).await?;
    let settings = &state.settings;
    ssr::set_cookie(&web::session_cookie(
        &token,
        settings.secure_cookies(),
        settings.session_absolute_timeout_secs,
    ));
    leptos_axum::redirect("/account?changed=1");
    Ok(())
}

/// Deletes the caller's account once they confirm with their password and the word
/// "delete"; see [`crate::domain::privacy::erase`] for what goes and what stays.
#[server(endpoint = "delete_account", client = CsrfClient)]
pub async fn delete_account(
    password: String,
    confirm: String,
    code: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::privacy::erase::{self, EraseError};
    let state = ssr::state()?;
    let session = ssr::session().ok_or(AppError::Unauthenticated)?;
    let user = session.user.clone();
    if !confirm.trim().eq_ignore_ascii_case("delete") {
        return Err(AppError::invalid(
            "confirm",
            "Type the word delete to confirm.",
        ));
    }
    accounts::confirm_password(&state, &user, &password, "password").await?;
    // With two-factor sign-in on, a session not checked in the last ten minutes needs a code.
    accounts::two_factor::step_up(
        &state,
        &user,
        &session.token,
        code.as_deref(),
        ssr::client_addr().as_deref(),
    )
    .await?;
    match erase::erase(&state.db, user.user_id).await {
        Ok(erased) => {
            tracing::info!(
                account = user.user_id,
                pledges_ended = erased.pledges_ended,
                donations_voided = erased.donations_voided,
                pages_closed = erased.pages_closed,
                "account deleted"
            );
        }
        Err(EraseError::NotNow(reason)) => return Err(AppError::rejected(reason)),
        Err(EraseError::AlreadyDeleted) => return Err(AppError::Unauthenticated),
        Err(e @ EraseError::Db(_)) => return Err(AppError::internal(e)),
    }
    ssr::set_cookie(&web::clear_session_cookie(state.settings.secure_cookies()));
    leptos_axum::redirect("/account/deleted");
    Ok(())
}

/// Where to go after logging in: `next` when it is a local absolute path, otherwise the
/// account page. This is the one place a `next` address is accepted.
///
/// The value is first cleaned the way a browser cleans a URL before parsing it (WHATWG URL
/// standard): leading and trailing C0 controls and spaces are stripped, every ASCII tab and
/// newline (`\t`, `\n`, `\r`) is removed wherever it is, and a backslash counts as a slash in
/// `http`/`https` addresses. Only then is it judged, so `/\t/evil.example` or `/\evil.example`
/// (both `//evil.example` to a browser, a link to another site) fall back like
/// `//evil.example` itself. What is accepted starts with exactly one `/`, so it has no scheme
/// and no host. Percent-encoded characters are kept as they are (a browser does not decode
/// them, so `/%2F%2Fevil.example` stays a path on this site); anything else a `Location`
/// header cannot carry (controls, spaces, non-ASCII) is percent-encoded as a browser would.
pub fn safe_next(next: Option<&str>) -> String {
    const FALLBACK: &str = "/account";
    let Some(raw) = next else {
        return FALLBACK.to_owned();
    };
    let cleaned: String = raw
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .map(|c| if c == '\\' { '/' } else { c })
        .collect();
    let mut chars = cleaned.chars();
    if chars.next() != Some('/') || chars.next() == Some('/') {
        return FALLBACK.to_owned();
    }
    let mut local = String::with_capacity(cleaned.len());
    for c in cleaned.chars() {
        if c.is_ascii_graphic() {
            local.push(c);
        } else {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                local.push_str(&format!("%{b:02X}"));
            }
        }
    }
    local
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(safe_next(Some("/c/mara-draws")), "/c/mara-draws");
        assert_eq!(
            safe_next(Some("/studio/p/4/expenses?x=1#top")),
            "/studio/p/4/expenses?x=1#top"
        );
        assert_eq!(safe_next(Some("/")), "/");
        assert_eq!(safe_next(Some("//evil.example")), "/account");
        assert_eq!(safe_next(Some("https://evil.example")), "/account");
        assert_eq!(safe_next(Some("/\\evil.example")), "/account");
        assert_eq!(safe_next(None), "/account");
        assert_eq!(safe_next(Some("")), "/account");
        assert_eq!(safe_next(Some("account")), "/account");
        assert_eq!(safe_next(Some("c/mara-draws")), "/account");
    }

    #[test]
    fn tabs_and_newlines_are_removed_before_judging_as_a_browser_does() {
        for sneaky in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\r\n/evil.example",
            "\t//evil.example",
            "/\t\\evil.example",
            "\\/evil.example",
            "\\\\evil.example",
            "/\\/evil.example",
            " //evil.example",
            "\u{0}//evil.example",
            "\u{1f}\t//evil.example",
            "//evil.example\u{0}",
            "ht\ttps://evil.example",
            "https:\n//evil.example",
            "javascript:alert(1)",
            "java\tscript:alert(1)",
            " javascript:alert(1)",
            "JavaScript:alert(document.cookie)",
            "data:text/html,<script>alert(1)</script>",
            "http:/evil.example",
            "%2F%2Fevil.example",
            "%2f%2fevil.example",
            "%5C%5Cevil.example",
        ] {
            assert_eq!(safe_next(Some(sneaky)), "/account", "{sneaky:?}");
        }
    }

    #[test]
    fn what_is_kept_is_the_cleaned_local_path() {
        // Cleaned as a browser would, and then local.
        assert_eq!(safe_next(Some(" /account/billing\n")), "/account/billing");
        assert_eq!(safe_next(Some("/acc\tount")), "/account");
        assert_eq!(safe_next(Some("/c\\mara-draws")), "/c/mara-draws");
        // Encoded slashes and backslashes stay encoded: a path on this site, not a host.
        assert_eq!(
            safe_next(Some("/%2F%2Fevil.example")),
            "/%2F%2Fevil.example"
        );
        assert_eq!(safe_next(Some("/%5Cevil.example")), "/%5Cevil.example");
        assert_eq!(safe_next(Some("/%09/evil.example")), "/%09/evil.example");
        // A scheme-looking text after the first slash is only a path or a query.
        assert_eq!(
            safe_next(Some("/javascript:alert(1)")),
            "/javascript:alert(1)"
        );
        assert_eq!(
            safe_next(Some("/go?to=https://evil.example")),
            "/go?to=https://evil.example"
        );
        // Dot segments are left to the browser, which resolves them on this site.
        assert_eq!(safe_next(Some("/..//evil.example")), "/..//evil.example");
        // What a Location header cannot carry is percent-encoded, never a panic.
        assert_eq!(safe_next(Some("/c/마라")), "/c/%EB%A7%88%EB%9D%BC");
        assert_eq!(safe_next(Some("/a b\u{0}c\u{7f}")), "/a%20b%00c%7F");
    }
}
