//! Account server functions: sign up, log in and out, reset and change the password, and who
//! the caller is.

use crate::api::client::CsrfClient;
use crate::error::AppError;
use crate::model::Me;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {crate::api::ssr, crate::domain::accounts, crate::web};

/// The logged-in person, or `None` for a visitor.
#[server(endpoint = "current_user", client = CsrfClient)]
pub async fn current_user() -> Result<Option<Me>, AppError> {
    Ok(ssr::session().map(|s| Me {
        display_name: s.user.display_name,
        email: s.user.email,
        is_admin: s.user.is_admin,
    }))
}

/// Creates an account and sends the confirmation email; then shows "check your inbox".
#[server(endpoint = "sign_up", client = CsrfClient)]
pub async fn sign_up(
    email: String,
    password: String,
    display_name: String,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    accounts::sign_up(
        &state,
        accounts::SignUp {
            email: &email,
            password: &password,
            display_name: &display_name,
        },
    )
    .await?;
    leptos_axum::redirect("/signup/check-email");
    Ok(())
}

/// Logs in and goes to `next` (a local path) or the account page.
#[server(endpoint = "log_in", client = CsrfClient)]
pub async fn log_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let state = ssr::state()?;
    let token = accounts::log_in(&state, &email, &password, ssr::client_addr().as_deref()).await?;
    // Rotate: whatever session the browser had before is ended.
    if let Some(old) = ssr::session() {
        accounts::sessions::delete(&state.db, &old.token)
            .await
            .map_err(AppError::internal)?;
    }
    let settings = &state.settings;
    ssr::set_cookie(&web::session_cookie(
        &token,
        settings.secure_cookies(),
        settings.session_absolute_timeout_secs,
    ));
    leptos_axum::redirect(&safe_next(next.as_deref()));
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
    accounts::request_password_reset(&state, &email).await?;
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
) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
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

/// Where to go after logging in: a local path only, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.contains("://") =>
        {
            n.to_owned()
        }
        _ => "/account".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(safe_next(Some("/c/mara-draws")), "/c/mara-draws");
        assert_eq!(safe_next(Some("//evil.example")), "/account");
        assert_eq!(safe_next(Some("https://evil.example")), "/account");
        assert_eq!(safe_next(Some("/\\evil.example")), "/account");
        assert_eq!(safe_next(None), "/account");
    }
}
