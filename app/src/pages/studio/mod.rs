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
use crate::pages::not_found::ErrorPanel;
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
pub(crate) fn saved_message(saved: &str) -> Option<&'static str> {
    // A post that failed since: the earlier "saved" in the address is stale beside its error.
    if crate::components::form::came_back_failed() {
        return None;
    }
    Some(match saved {
        "created" => {
            "Your page is live. Add tiers and a first post so supporters know what to expect."
        }
        "page" => "Page details saved.",
        "tier" => "Tier saved.",
        "order" => "Tier order saved.",
        "retired" => {
            "Tier retired. Its supporters keep their pledges; new supporters cannot choose it."
        }
        "post" => "Post saved.",
        "deleted" => "Post deleted.",
        "expense" => "Expense recorded and published on your page.",
        "corrected" => "Expense corrected: its money is unspent again.",
        "budget_line" => "Budget line added. Donors can now earmark tips and pledges to it.",
        "budget_line_retired" => {
            "Budget line retired. It takes no new earmarks or expenses; its history stays."
        }
        "payout" => "Payout recorded. Mark it arrived once the money is in your account.",
        "paid" => "Payout marked as arrived.",
        "stripe" => "Your Stripe account's status is updated below.",
        "hook_created" => "Endpoint added. Copy its signing secret now: it is shown only once.",
        "hook_rotated" => {
            "New signing secret made. The old one keeps signing beside it for 24 hours."
        }
        "hook_enabled" => "Endpoint enabled. Deliveries waiting for it are sent now.",
        "hook_disabled" => "Endpoint disabled. Deliveries for it wait until you enable it.",
        "hook_deleted" => "Endpoint deleted.",
        "hook_resent" => "The delivery is queued to be sent again.",
        _ => return None,
    })
}
