//! Refunds a page's owner makes from the studio: what a refund would do, shown before
//! confirming, and the refund itself. The domain checks that the caller owns the page (and
//! may refund the donation); a donation is refunded at most once however often this is called.

use crate::api::client::CsrfClient;
use crate::error::AppError;
use crate::model::trail::{PageDonationRow, RefundPreview, RefundsStudio};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    crate::api::ssr,
    crate::domain::billing::disputes,
    crate::domain::billing::refunds::{self, RefundError, Refunder, Why},
    crate::domain::giving::refund_requests::{self, RequestError},
    crate::i18n::{arg, num},
    crate::t,
};

#[cfg(feature = "ssr")]
impl From<RequestError> for AppError {
    fn from(e: RequestError) -> Self {
        match e {
            RequestError::NotYours => AppError::NotFound,
            RequestError::Reason => AppError::invalid("reason", t!("studio-error-request-reason")),
            RequestError::WindowClosed { days, charged_on } => AppError::rejected(t!(
                "studio-error-request-window-closed",
                days = num(days),
                day = arg(charged_on)
            )),
            RequestError::AlreadyRefunded => {
                AppError::rejected(t!("studio-error-request-already-refunded"))
            }
            RequestError::AlreadyAsked => {
                AppError::rejected(t!("studio-error-request-already-asked"))
            }
            RequestError::Answered => AppError::rejected(t!("studio-error-request-answered")),
            RequestError::Refund(e) => e.into(),
            RequestError::Db(e) => AppError::internal(e),
        }
    }
}

/// How many of a page's latest donations the studio lists.
#[cfg(feature = "ssr")]
const DONATIONS_SHOWN: i64 = 50;

/// The page `recipient_id` if the caller owns it: its name and currency.
#[cfg(feature = "ssr")]
async fn owned_page(recipient_id: i64) -> Result<(String, String), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let page: Option<(String, String)> = sqlx::query_as(
        "select name, currency from recipients where id = $1 and owner_user_id = $2",
    )
    .bind(recipient_id)
    .bind(user.user_id)
    .fetch_optional(state.db.pool())
    .await
    .map_err(AppError::internal)?;
    page.ok_or(AppError::NotFound)
}

/// The caller's page's refund requests, the disputes touching its donations and its latest
/// donations with their refunds.
#[server(endpoint = "refunds/studio", client = CsrfClient)]
pub async fn get_refunds_studio(recipient_id: i64) -> Result<RefundsStudio, AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let (name, currency) = owned_page(recipient_id).await?;
    let requests = refund_requests::for_page(&state.db, user.user_id, recipient_id)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    let disputes = disputes::for_page(&state.db, recipient_id)
        .await
        .map_err(AppError::internal)?;
    let donations = refunds::page_donations(&state.db, recipient_id, DONATIONS_SHOWN)
        .await
        .map_err(AppError::internal)?;
    Ok(RefundsStudio {
        recipient_id,
        name,
        currency,
        requests,
        disputes,
        donations,
    })
}

/// The caller's page's latest donations with their refunds (the supporters and income pages).
#[server(endpoint = "refunds/donations", client = CsrfClient)]
pub async fn get_page_donations(recipient_id: i64) -> Result<Vec<PageDonationRow>, AppError> {
    let state = ssr::state()?;
    owned_page(recipient_id).await?;
    refunds::page_donations(&state.db, recipient_id, DONATIONS_SHOWN)
        .await
        .map_err(AppError::internal)
}

/// The supporter asks for donation `item_id` back (with `whole_charge` = "1", every donation
/// of its charge), saying why; back to the donation's page.
#[server(endpoint = "refunds/ask", client = CsrfClient)]
pub async fn ask_for_refund(
    item_id: i64,
    reason: Option<String>,
    whole_charge: Option<String>,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    refund_requests::ask(
        &state.db,
        &state.settings,
        user.user_id,
        item_id,
        whole_charge.as_deref() == Some("1"),
        reason.as_deref().unwrap_or_default(),
    )
    .await?;
    leptos_axum::redirect(&format!("/account/donations/{item_id}?asked=1"));
    Ok(())
}

/// The page's owner approves refund request `request_id`: the donation is refunded.
#[server(endpoint = "refunds/approve", client = CsrfClient)]
pub async fn approve_refund_request(recipient_id: i64, request_id: i64) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    refund_requests::approve(
        &state.db,
        state.processor.as_ref(),
        user.user_id,
        request_id,
    )
    .await?;
    leptos_axum::redirect(&format!("/studio/p/{recipient_id}/refunds?done=approved"));
    Ok(())
}

/// The page's owner declines refund request `request_id`, with a reason the supporter is sent.
#[server(endpoint = "refunds/decline", client = CsrfClient)]
pub async fn decline_refund_request(
    recipient_id: i64,
    request_id: i64,
    reason: Option<String>,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    refund_requests::decline(
        &state.db,
        &state.settings,
        user.user_id,
        request_id,
        reason.as_deref().unwrap_or_default(),
    )
    .await?;
    leptos_axum::redirect(&format!("/studio/p/{recipient_id}/refunds?done=declined"));
    Ok(())
}

#[cfg(feature = "ssr")]
impl From<RefundError> for AppError {
    fn from(e: RefundError) -> Self {
        match e {
            RefundError::NotYours => AppError::NotFound,
            RefundError::NothingToRefund => {
                AppError::rejected(t!("studio-error-refund-nothing-left"))
            }
            RefundError::TooLarge { refundable } => AppError::rejected(t!(
                "studio-error-refund-too-large",
                refundable = arg(crate::i18n::current().money(refundable))
            )),
            RefundError::InProgress => AppError::rejected(t!("studio-error-refund-in-progress")),
            RefundError::Spent => AppError::rejected(t!("studio-error-refund-spent")),
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
    let (mut preview, refused) = refunds::preview(&state.db, user.user_id, recipient_id, item_id)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    preview.refused = refused.map(|e| AppError::from(e).to_string());
    Ok(preview)
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
    if !refunds::REASONS.contains(&reason.as_str()) {
        return Err(AppError::invalid(
            "reason",
            t!("studio-error-refund-reason"),
        ));
    }
    let note = note.unwrap_or_default();
    if note.chars().count() > 500 {
        return Err(AppError::invalid("note", t!("studio-error-refund-note")));
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
