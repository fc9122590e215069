//! Supporter server functions: pledge, tip, preview the fee, and manage pledges, the billing
//! day and the payment method. Every one authenticates the caller and passes their id to the
//! domain, which only ever touches that supporter's own rows.

use crate::api::client::CsrfClient;
use crate::error::AppError;
use crate::model::{
    BillingDashboard, ChargeAuthentication, DonationPreview, FeeExample, GiveContext,
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    crate::api::ssr,
    crate::domain::billing::authenticate::{self, AuthenticationError, Confirmation},
    crate::domain::giving::dashboard,
    crate::domain::giving::large_gifts,
    crate::domain::giving::pending_tips::{self, TipChange},
    crate::domain::giving::pledges::{self, NewPledge, NewTip, PledgeError},
    crate::t,
};

#[cfg(feature = "ssr")]
impl From<PledgeError> for AppError {
    fn from(e: PledgeError) -> Self {
        match e {
            PledgeError::Field(field, message) => AppError::invalid(field, message.for_reader()),
            PledgeError::NoSuchRecipient | PledgeError::NoSuchPledge | PledgeError::NoSuchTip => {
                AppError::NotFound
            }
            PledgeError::NeedsConfirmation(question) => {
                AppError::invalid(crate::model::CONFIRM_LARGE_FIELD, question.for_reader())
            }
            PledgeError::SelfSupport => AppError::rejected(t!("give-err-self-support")),
            PledgeError::Closed => AppError::rejected(t!("give-err-closed")),
            PledgeError::Conflict(message) => AppError::rejected(message.for_reader()),
            PledgeError::Limited(field, message) => AppError::invalid(field, message.for_reader()),
            PledgeError::Db(e) => AppError::internal(e),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<AuthenticationError> for AppError {
    fn from(e: AuthenticationError) -> Self {
        match e {
            AuthenticationError::NotFound => AppError::NotFound,
            AuthenticationError::Processor(e) => {
                tracing::warn!(error = %e, "could not ask the payment processor about a charge");
                AppError::rejected(t!("give-err-processor-check"))
            }
            AuthenticationError::Billing(e) => AppError::internal(e),
        }
    }
}

#[cfg(feature = "ssr")]
fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The recipient at `slug`, or `NotFound`.
#[cfg(feature = "ssr")]
async fn recipient_id(state: &crate::domain::AppState, slug: &str) -> Result<i64, AppError> {
    dashboard::recipient_id(&state.db, slug)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)
}

/// What the caller may do on the page at `slug`: whether they own it, and their open pledge.
#[server(endpoint = "give_context", client = CsrfClient)]
pub async fn get_give_context(slug: String) -> Result<GiveContext, AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    dashboard::give_context(&state.db, user.user_id, &slug)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)
}

/// The caller's next charge in the page's currency with `amount` added, and the fee it bears.
#[server(endpoint = "preview_donation", client = CsrfClient)]
pub async fn preview_donation(slug: String, amount: String) -> Result<DonationPreview, AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    Ok(dashboard::preview(&state, user.user_id, &slug, &amount, today()).await?)
}

/// Everything on the caller's billing page.
#[server(endpoint = "billing_dashboard", client = CsrfClient)]
pub async fn get_billing_dashboard() -> Result<BillingDashboard, AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    dashboard::billing(&state, user.user_id, today())
        .await
        .map_err(AppError::internal)
}

/// Pledges monthly to the page at `slug`: at a tier's price (`tier_id` is a tier's id) or a
/// custom `amount` (`tier_id` is `custom` or absent), optionally earmarked to one of a cause's
/// budget lines (`budget_line_id`; empty is where it's needed most). An amount above the
/// large-gift threshold is refused until `confirm_large` repeats it (in minor units).
#[server(endpoint = "create_pledge", client = CsrfClient)]
pub async fn create_pledge(
    slug: String,
    tier_id: Option<String>,
    amount: Option<String>,
    visibility: Option<String>,
    budget_line_id: Option<String>,
    confirm_large: Option<String>,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let recipient = recipient_id(&state, &slug).await?;
    let custom = amount.unwrap_or_default();
    let (tier, amount) = match tier_id.as_deref().map(str::trim) {
        None | Some("" | "custom") => {
            if custom.trim().is_empty() && tier_id.is_none() {
                return Err(AppError::invalid("tier_id", t!("give-err-tier-or-amount")));
            }
            (None, custom)
        }
        Some(raw) => {
            let tier: i64 = raw
                .parse()
                .map_err(|_| AppError::invalid("tier_id", t!("give-err-tier-choose")))?;
            let price = dashboard::tier_price(&state.db, recipient, tier)
                .await
                .map_err(AppError::internal)?
                .ok_or_else(|| AppError::invalid("tier_id", t!("give-err-tier-choose")))?;
            (Some(tier), price.to_string())
        }
    };
    large_gifts::check_new(&state, recipient, &amount, confirm_large.as_deref()).await?;
    pledges::create_pledge(
        &state,
        user.user_id,
        NewPledge {
            recipient_id: recipient,
            amount: &amount,
            tier_id: tier,
            visibility: visibility.as_deref().unwrap_or_default(),
            budget_line: budget_line_id.as_deref().unwrap_or_default(),
        },
    )
    .await?;
    leptos_axum::redirect("/account/billing?added=pledge");
    Ok(())
}

/// Tips the page at `slug` once, optionally earmarked to one of a cause's budget lines; it is
/// collected with the caller's next charge. An amount above the large-gift threshold is
/// refused until `confirm_large` repeats it (in minor units).
#[server(endpoint = "create_tip", client = CsrfClient)]
pub async fn create_tip(
    slug: String,
    amount: String,
    message: Option<String>,
    visibility: Option<String>,
    budget_line_id: Option<String>,
    confirm_large: Option<String>,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let recipient = recipient_id(&state, &slug).await?;
    large_gifts::check_new(&state, recipient, &amount, confirm_large.as_deref()).await?;
    pledges::create_tip(
        &state,
        user.user_id,
        NewTip {
            recipient_id: recipient,
            amount: &amount,
            message: message.as_deref().unwrap_or_default(),
            visibility: visibility.as_deref().unwrap_or_default(),
            budget_line: budget_line_id.as_deref().unwrap_or_default(),
        },
    )
    .await?;
    leptos_axum::redirect("/account/billing?added=tip");
    Ok(())
}

/// Changes the monthly amount of one of the caller's pledges, from the next cycle (a large
/// new amount only with `confirm_large`).
#[server(endpoint = "change_pledge_amount", client = CsrfClient)]
pub async fn change_pledge_amount(
    pledge_id: i64,
    amount: String,
    confirm_large: Option<String>,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    large_gifts::check_pledge_change(
        &state,
        user.user_id,
        pledge_id,
        &amount,
        confirm_large.as_deref(),
    )
    .await?;
    pledges::change_amount(&state, user.user_id, pledge_id, &amount).await?;
    leptos_axum::redirect("/account/billing?done=changed#pledges");
    Ok(())
}

/// Changes the amount and message of one of the caller's tips that no charge has claimed
/// yet (a large new amount only with `confirm_large`).
#[server(endpoint = "change_tip", client = CsrfClient)]
pub async fn change_tip(
    tip_id: i64,
    amount: String,
    message: Option<String>,
    confirm_large: Option<String>,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    pending_tips::change(
        &state,
        user.user_id,
        TipChange {
            tip_id,
            amount: &amount,
            message: message.as_deref().unwrap_or_default(),
            confirmed: confirm_large.as_deref(),
        },
    )
    .await?;
    leptos_axum::redirect("/account/billing?done=tip_changed#upcoming");
    Ok(())
}

/// Removes one of the caller's tips that no charge has claimed yet.
#[server(endpoint = "remove_tip", client = CsrfClient)]
pub async fn remove_tip(tip_id: i64) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    pending_tips::remove(&state, user.user_id, tip_id).await?;
    leptos_axum::redirect("/account/billing?done=tip_removed#upcoming");
    Ok(())
}

/// The home page's example of what one shared card fee saves, from the fee model the billing
/// run uses (five $1 tips).
#[server(endpoint = "fee_example", client = CsrfClient)]
pub async fn get_fee_example() -> Result<Option<FeeExample>, AppError> {
    let state = ssr::state()?;
    let usd = crate::money::Currency::USD;
    Ok(dashboard::fee_example(
        state.processor.as_ref(),
        usd,
        usd.minor_per_major(),
        5,
    ))
}

/// Pauses one of the caller's pledges.
#[server(endpoint = "pause_pledge", client = CsrfClient)]
pub async fn pause_pledge(pledge_id: i64) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    pledges::pause(&state, user.user_id, pledge_id).await?;
    leptos_axum::redirect("/account/billing?done=paused#pledges");
    Ok(())
}

/// Resumes one of the caller's paused pledges.
#[server(endpoint = "resume_pledge", client = CsrfClient)]
pub async fn resume_pledge(pledge_id: i64) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    pledges::resume(&state, user.user_id, pledge_id).await?;
    leptos_axum::redirect("/account/billing?done=resumed#pledges");
    Ok(())
}

/// Cancels one of the caller's pledges.
#[server(endpoint = "cancel_pledge", client = CsrfClient)]
pub async fn cancel_pledge(pledge_id: i64) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    pledges::cancel(&state, user.user_id, pledge_id).await?;
    leptos_axum::redirect("/account/billing?done=cancelled#pledges");
    Ok(())
}

/// Sets the day of the month (1–28) on which the caller is charged.
#[server(endpoint = "set_billing_day", client = CsrfClient)]
pub async fn set_billing_day(billing_day: String) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let day: i64 = billing_day
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("billing_day", t!("give-err-billing-day")))?;
    pledges::set_billing_day(&state, user.user_id, day).await?;
    leptos_axum::redirect("/account/billing?saved=billing_day#billing-day");
    Ok(())
}

/// Saves the payment method the caller's charges use (a test method of the local checkout),
/// then goes back to `next` (a local path, e.g. the chip-in window that sent them) if given.
#[server(endpoint = "set_payment_method", client = CsrfClient)]
pub async fn set_payment_method(
    payment_method: Option<String>,
    next: Option<String>,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    if state.stripe.is_some() {
        return Err(AppError::invalid(
            "payment_method",
            t!("give-err-card-on-stripe"),
        ));
    }
    pledges::set_payment_method(
        &state,
        user.user_id,
        payment_method.as_deref().unwrap_or_default(),
        ssr::client_addr().as_deref(),
    )
    .await?;
    match next.filter(|n| !n.trim().is_empty()) {
        Some(n) => leptos_axum::redirect(&crate::api::accounts::safe_next(Some(&n))),
        None => leptos_axum::redirect("/account/billing?saved=payment_method#payment-method"),
    }
    Ok(())
}

/// Sends the caller to Stripe Checkout to save (or replace) the card their charges use.
/// Stripe sends them back to `/account/billing/stripe-return`, which stores the card.
#[server(endpoint = "start_card_setup", client = CsrfClient)]
pub async fn start_card_setup(next: Option<String>) -> Result<(), AppError> {
    use crate::domain::giving::billing_profile::{self, PaymentMethodError};
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    match billing_profile::start_checkout(
        &state,
        user.user_id,
        ssr::client_addr().as_deref(),
        next.as_deref(),
    )
    .await
    {
        Ok(url) => {
            leptos_axum::redirect(&url);
            Ok(())
        }
        Err(PaymentMethodError::Db(e)) => Err(AppError::internal(e)),
        Err(PaymentMethodError::Processor(e)) => {
            tracing::warn!(error = %e, "could not start Stripe Checkout");
            Err(AppError::rejected(t!("give-err-stripe-unreachable")))
        }
        Err(PaymentMethodError::NotConfigured) => {
            Err(AppError::rejected(t!("give-err-stripe-not-set-up")))
        }
        Err(PaymentMethodError::Refused(refused)) => Err(AppError::rejected(
            pledges::card_refusal(refused).for_reader(),
        )),
        Err(e @ PaymentMethodError::NotSaved(_)) => {
            // The English reason is for the log; the reader gets the billing page's words.
            tracing::info!(reason = %e, "a card was not saved");
            Err(AppError::rejected(t!("bill-card-not-saved")))
        }
    }
}

/// One of the caller's charges, as the page that asks them to authenticate it shows it.
#[server(endpoint = "charge_authentication", client = CsrfClient)]
pub async fn get_charge_authentication(charge_id: i64) -> Result<ChargeAuthentication, AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    crate::domain::giving::authentication::page(
        &state.db,
        &state.billing,
        state.stripe.as_deref(),
        user.user_id,
        charge_id,
        chrono::Utc::now().timestamp(),
    )
    .await?
    .ok_or(AppError::NotFound)
}

/// Answers the bank's authentication request for one of the caller's charges with the
/// simulated processor's test challenge: `answer` is `pass` or `fail`.
#[server(endpoint = "authenticate_charge", client = CsrfClient)]
pub async fn authenticate_charge(charge_id: i64, answer: String) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    if state.stripe.is_some() {
        // With Stripe the bank's challenge is answered on Stripe's own page, not a test one.
        return Err(AppError::invalid(
            "answer",
            t!("give-err-confirm-with-stripe"),
        ));
    }
    let passes = match answer.as_str() {
        "pass" => true,
        "fail" => false,
        _ => {
            return Err(AppError::invalid("answer", t!("give-err-test-challenge")));
        }
    };
    let finished = authenticate::finish(
        &state.db,
        &state.billing,
        user.user_id,
        charge_id,
        Confirmation::SimulatedChallenge { passes },
        chrono::Utc::now().timestamp(),
    )
    .await?;
    let result = finished.as_str();
    leptos_axum::redirect(&format!(
        "/account/billing/authenticate/{charge_id}?result={result}"
    ));
    Ok(())
}
