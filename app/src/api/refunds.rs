//! Refunds a page's owner makes from the studio: what a refund would do, shown before
//! confirming, and the refund itself. The domain checks that the caller owns the page (and
//! may refund the donation); a donation is refunded at most once however often this is called.

use crate::api::client::CsrfClient;
use crate::error::AppError;
use crate::model::trail::RefundPreview;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    crate::api::ssr,
    crate::domain::billing::refunds::{self, RefundError, Refunder, Why},
};

#[cfg(feature = "ssr")]
impl From<RefundError> for AppError {
    fn from(e: RefundError) -> Self {
        match e {
            RefundError::NotYours => AppError::NotFound,
            RefundError::NothingToRefund
            | RefundError::TooLarge { .. }
            | RefundError::InProgress
            | RefundError::Spent => AppError::rejected(e.to_string()),
            RefundError::Processor(e) => AppError::internal(e),
            RefundError::Db(e) => AppError::internal(e),
            RefundError::Ledger(e) => AppError::internal(e),
            RefundError::Inconsistent(m) => AppError::internal(RefundError::Inconsistent(m)),
        }
    }
}

/// What refunding donation `item_id` of page `recipient_id` would do (owner only).
#[server(endpoint = "refunds/preview", client = CsrfClient)]
pub async fn get_refund_preview(
    recipient_id: i64,
    item_id: i64,
) -> Result<RefundPreview, AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    refunds::preview(&state.db, user.user_id, recipient_id, item_id)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)
}

/// Refunds what is left of donation `item_id` to page `recipient_id` (owner only), with a
/// reason from [`refunds::REASONS`] and an optional note; back to the supporters page.
#[server(endpoint = "refunds/refund_donation", client = CsrfClient)]
pub async fn refund_donation(
    recipient_id: i64,
    item_id: i64,
    reason: Option<String>,
    note: Option<String>,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let reason = reason.unwrap_or_default();
    if !refunds::REASONS.iter().any(|(code, _)| *code == reason) {
        return Err(AppError::invalid(
            "reason",
            "Choose why you are refunding it.",
        ));
    }
    let note = note.unwrap_or_default();
    if note.chars().count() > 500 {
        return Err(AppError::invalid(
            "note",
            "Keep the note under 500 characters.",
        ));
    }
    // Only a donation to this page: anything else is not found.
    if refunds::preview(&state.db, user.user_id, recipient_id, item_id)
        .await
        .map_err(AppError::internal)?
        .is_none()
    {
        return Err(AppError::NotFound);
    }
    refunds::refund_item_as(
        &state.db,
        state.processor.as_ref(),
        item_id,
        Refunder::Owner(user.user_id),
        &Why {
            reason,
            note: note.trim().to_owned(),
        },
    )
    .await?;
    leptos_axum::redirect(&format!(
        "/studio/p/{recipient_id}/supporters?refunded={item_id}"
    ));
    Ok(())
}
