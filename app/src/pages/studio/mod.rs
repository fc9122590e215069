//! The creator studio under `/studio`: an owner's pages, and for each one its details, image,
//! tiers and posts. Every form is a plain post to a server function (or, for the image, a
//! multipart post) that redirects back here, so the studio works before the WebAssembly loads.

pub mod button;
pub mod editor;
pub mod expenses;
pub mod home;
pub mod income;
pub mod payouts;
pub mod post;
pub mod refund;
pub mod refunds;
pub mod supporters;
pub mod tier;
pub mod webhooks;

use crate::error::AppError;
use crate::model::RecipientKind;
use crate::pages::not_found::ErrorPanel;
use crate::t;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;

/// A numeric route parameter (`None` when absent or not a number).
pub(crate) fn id_param(name: &'static str) -> Memo<Option<i64>> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get(name).and_then(|v| v.parse::<i64>().ok())))
}

/// What a studio page shows when its data did not load: the login page for a visitor,
/// otherwise the error.
pub(crate) fn load_failed(error: AppError, here: String) -> AnyView {
    match error {
        AppError::Unauthenticated => {
            view! { <Redirect path=format!("/login?next={here}")/> }.into_any()
        }
        e => view! { <ErrorPanel error=e/> }.into_any(),
    }
}

/// A success message for `?saved=…` after a form post.
pub(crate) fn saved_message(saved: &str) -> Option<String> {
    // A post that failed since: the earlier "saved" in the address is stale beside its error.
    if crate::components::form::came_back_failed() {
        return None;
    }
    Some(match saved {
        "created" => t!("studio-saved-created"),
        "page" => t!("studio-saved-page"),
        "tier" => t!("studio-saved-tier"),
        "order" => t!("studio-saved-order"),
        "retired" => t!("studio-saved-retired"),
        "post" => t!("studio-saved-post"),
        "deleted" => t!("studio-saved-deleted"),
        "expense" => t!("studio-saved-expense"),
        "corrected" => t!("studio-saved-corrected"),
        "budget_line" => t!("studio-saved-budget-line"),
        "budget_line_retired" => t!("studio-saved-budget-line-retired"),
        "payout" => t!("studio-saved-payout"),
        "paid" => t!("studio-saved-paid"),
        "stripe" => t!("studio-saved-stripe"),
        "hook_created" => t!("studio-saved-hook-created"),
        "hook_rotated" => t!("studio-saved-hook-rotated"),
        "hook_enabled" => t!("studio-saved-hook-enabled"),
        "hook_disabled" => t!("studio-saved-hook-disabled"),
        "hook_deleted" => t!("studio-saved-hook-deleted"),
        "hook_resent" => t!("studio-saved-hook-resent"),
        _ => return None,
    })
}

/// A page's kind as the reader's language names it.
pub(crate) fn kind_name(kind: RecipientKind) -> String {
    match kind {
        RecipientKind::Creator => t!("studio-kind-creator"),
        RecipientKind::Cause => t!("studio-kind-cause"),
    }
}

/// Why an upload was refused (the code the upload handler put in the address), in the
/// reader's language; `fallback` when the code is unknown.
pub(crate) fn upload_refusal_text(code: &str, fallback: String) -> String {
    match code {
        "empty" => t!("studio-upload-empty"),
        "size" => t!("studio-upload-size"),
        "type" => t!("studio-upload-type"),
        "receipt_size" => t!("studio-upload-receipt-size"),
        "receipt_type" => t!("studio-upload-receipt-type"),
        "receipt_quota" => t!("studio-upload-receipt-quota"),
        _ => fallback,
    }
}
