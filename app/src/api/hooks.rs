//! The studio's webhook server functions: a page's owner registers endpoints, rotates their
//! secrets, disables, enables and deletes them, and sends a delivery again. Each authenticates
//! the caller and lets the domain touch only endpoints of pages the caller owns (anything else
//! is `NotFound`). Plain posts that redirect back to `/studio/p/ID/webhooks`.

use crate::api::client::CsrfClient;
use crate::error::AppError;
use crate::model::hooks::HooksPage;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    crate::api::ssr,
    crate::domain::hooks::{HookError, endpoints},
    crate::domain::platform::clock::now,
};

#[cfg(feature = "ssr")]
impl From<HookError> for AppError {
    fn from(e: HookError) -> Self {
        match e {
            HookError::Field(field, message) => AppError::invalid(field, message.read()),
            HookError::NotYours => AppError::NotFound,
            HookError::Db(e) => AppError::internal(e),
        }
    }
}

#[cfg(feature = "ssr")]
fn back(recipient: i64, saved: &str) {
    leptos_axum::redirect(&format!("/studio/p/{recipient}/webhooks?saved={saved}"));
}

/// The caller's page's endpoints with their recent deliveries; a new secret shows once.
#[server(endpoint = "hooks/page", client = CsrfClient)]
pub async fn get_hooks_page(recipient_id: i64) -> Result<HooksPage, AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    Ok(endpoints::studio_page(
        &state.db,
        &state.settings,
        user.user_id,
        recipient_id,
        now(),
    )
    .await?)
}

/// Registers an endpoint: its address and the events it wants (checkboxes `events[]`).
#[server(endpoint = "hooks/create", client = CsrfClient)]
pub async fn create_hook_endpoint(
    recipient_id: i64,
    url: Option<String>,
    events: Option<Vec<String>>,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    endpoints::create(
        &state.db,
        &state.settings,
        user.user_id,
        recipient_id,
        url.as_deref().unwrap_or_default(),
        &events.unwrap_or_default(),
        now(),
    )
    .await?;
    back(recipient_id, "hook_created");
    Ok(())
}

/// A new signing secret; the old one keeps signing beside it for a day.
#[server(endpoint = "hooks/rotate", client = CsrfClient)]
pub async fn rotate_hook_secret(endpoint_id: i64) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let recipient = endpoints::rotate_secret(&state.db, user.user_id, endpoint_id, now()).await?;
    back(recipient, "hook_rotated");
    Ok(())
}

/// Stops (`action` = `disable`) or resumes (`enable`) sending to an endpoint.
#[server(endpoint = "hooks/switch", client = CsrfClient)]
pub async fn switch_hook_endpoint(endpoint_id: i64, action: String) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let enabled = match action.as_str() {
        "enable" => true,
        "disable" => false,
        _ => {
            return Err(AppError::invalid(
                "action",
                crate::t!("studio-error-hook-action"),
            ));
        }
    };
    let recipient =
        endpoints::set_enabled(&state.db, user.user_id, endpoint_id, enabled, now()).await?;
    back(
        recipient,
        if enabled {
            "hook_enabled"
        } else {
            "hook_disabled"
        },
    );
    Ok(())
}

/// Deletes an endpoint and its delivery log.
#[server(endpoint = "hooks/delete", client = CsrfClient)]
pub async fn delete_hook_endpoint(endpoint_id: i64) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let recipient = endpoints::delete(&state.db, user.user_id, endpoint_id).await?;
    back(recipient, "hook_deleted");
    Ok(())
}

/// Sends a finished delivery again, with the same `webhook-id`.
#[server(endpoint = "hooks/send_again", client = CsrfClient)]
pub async fn send_hook_again(delivery_id: i64) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let recipient = endpoints::send_again(&state.db, user.user_id, delivery_id, now()).await?;
    back(recipient, "hook_resent");
    Ok(())
}
