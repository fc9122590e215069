//! Two-factor sign-in server functions: set it up, see the recovery codes once, turn it off,
//! and confirm it is you before a sensitive change.

use crate::api::client::CsrfClient;
use crate::error::AppError;
use crate::model::TwoFactorPage;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {crate::api::accounts::safe_next, crate::api::ssr, crate::domain::accounts::two_factor};

/// The caller's two-factor state, with the QR code and key of a set-up in progress.
#[server(endpoint = "two_factor/status", client = CsrfClient)]
pub async fn two_factor_status() -> Result<TwoFactorPage, AppError> {
    use base64::Engine as _;
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let status = two_factor::status(&state.db, user.user_id)
        .await
        .map_err(AppError::internal)?;
    let enrolment = if status.enabled {
        None
    } else {
        two_factor::enrolment(&state, &user).await?
    };
    Ok(TwoFactorPage {
        enabled: status.enabled,
        recovery_codes_left: status.recovery_codes_left,
        enrolment: enrolment.map(|e| crate::model::TwoFactorEnrolment {
            secret: e
                .secret
                .as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join(" "),
            qr_data_uri: format!(
                "data:image/svg+xml;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(e.qr_svg)
            ),
        }),
    })
}

/// Starts setting up two-factor sign-in (a new secret), then shows it.
#[server(endpoint = "two_factor/begin", client = CsrfClient)]
pub async fn begin_two_factor() -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    two_factor::begin(&state, &user).await?;
    leptos_axum::redirect("/account/two-factor");
    Ok(())
}

/// Finishes the set-up with a first code from the app, then shows the recovery codes once.
#[server(endpoint = "two_factor/confirm", client = CsrfClient)]
pub async fn confirm_two_factor(code: String) -> Result<(), AppError> {
    let state = ssr::state()?;
    let session = ssr::session().ok_or(AppError::Unauthenticated)?;
    two_factor::confirm(
        &state,
        &session.user,
        &session.token,
        &code,
        ssr::client_addr().as_deref(),
    )
    .await?;
    leptos_axum::redirect("/account/two-factor/recovery-codes");
    Ok(())
}

/// The recovery codes of the set-up just finished; `None` once they have been shown.
#[server(endpoint = "two_factor/recovery_codes", client = CsrfClient)]
pub async fn take_recovery_codes() -> Result<Option<Vec<String>>, AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    Ok(two_factor::take_recovery_codes(&state, user.user_id).await?)
}

/// Turns two-factor sign-in off, with a current code or a recovery code.
#[server(endpoint = "two_factor/disable", client = CsrfClient)]
pub async fn disable_two_factor(code: String) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    two_factor::disable(&state, &user, &code, ssr::client_addr().as_deref()).await?;
    leptos_axum::redirect("/account/two-factor?off=1");
    Ok(())
}

/// Confirms it is the account's owner with a code, for sensitive changes in the next ten
/// minutes; then goes back to `next`.
#[server(endpoint = "two_factor/step_up", client = CsrfClient)]
pub async fn confirm_it_is_you(code: String, next: Option<String>) -> Result<(), AppError> {
    let state = ssr::state()?;
    let session = ssr::session().ok_or(AppError::Unauthenticated)?;
    two_factor::step_up(
        &state,
        &session.user,
        &session.token,
        Some(&code),
        ssr::client_addr().as_deref(),
    )
    .await?;
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}
