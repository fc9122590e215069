//! Where the money went: a cause owner's expenses and a page owner's payouts. Every function
//! authenticates the caller and passes their id to the domain, which touches only pages the
//! caller owns (anything else is `NotFound`). Forms are plain posts that redirect back.

use crate::api::client::CsrfClient;
use crate::error::AppError;
use crate::model::trail::{ExpensesPage, PayoutsPage};
#[cfg(feature = "ssr")]
use crate::t;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    crate::api::ssr,
    crate::domain::payouts::expenses::{self, ExpenseError, ExpenseForm},
    crate::domain::payouts::{self, PayoutError, RecordedBy},
    crate::domain::recipients::budget_lines::{self, BudgetLineError},
    crate::i18n::arg,
};

/// An amount for a message, written as the reader's language writes it.
#[cfg(feature = "ssr")]
fn money(m: crate::money::Money) -> fluent_templates::fluent_bundle::FluentValue<'static> {
    arg(crate::i18n::current().money(m))
}

#[cfg(feature = "ssr")]
impl From<ExpenseError> for AppError {
    fn from(e: ExpenseError) -> Self {
        use crate::i18n::arg;
        match e {
            ExpenseError::Field(field, message) => AppError::invalid(field, message.read()),
            ExpenseError::MoreThanUnspent { unspent } => AppError::invalid(
                "amount",
                t!(
                    "studio-error-expense-more-than-unspent",
                    unspent = money(unspent)
                ),
            ),
            ExpenseError::HeldByDisputes { available, held } => AppError::invalid(
                "amount",
                t!(
                    "studio-error-expense-held-by-disputes",
                    available = money(available),
                    held = money(held)
                ),
            ),
            ExpenseError::MoreThanUnearmarked { available } => AppError::invalid(
                "amount",
                t!(
                    "studio-error-expense-more-than-unearmarked",
                    available = money(available)
                ),
            ),
            ExpenseError::MoreThanLine { line, available } => AppError::invalid(
                "amount",
                t!(
                    "studio-error-expense-more-than-line",
                    line = arg(line),
                    available = money(available)
                ),
            ),
            ExpenseError::NotYours => AppError::NotFound,
            ExpenseError::AlreadyCorrected => {
                AppError::rejected(t!("studio-error-expense-already-corrected"))
            }
            ExpenseError::PaidOut => AppError::rejected(t!("studio-error-expense-paid-out")),
            ExpenseError::Db(e) => AppError::internal(e),
            ExpenseError::Ledger(e) => AppError::internal(e),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<BudgetLineError> for AppError {
    fn from(e: BudgetLineError) -> Self {
        match e {
            BudgetLineError::Field(field, message) => AppError::invalid(field, message.read()),
            BudgetLineError::NotYours => AppError::NotFound,
            BudgetLineError::NotACause => AppError::rejected(t!("studio-error-line-not-a-cause")),
            BudgetLineError::AlreadyRetired => {
                AppError::rejected(t!("studio-error-line-already-retired"))
            }
            BudgetLineError::Db(e) => AppError::internal(e),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<PayoutError> for AppError {
    fn from(e: PayoutError) -> Self {
        match e {
            PayoutError::Field(field, message) => AppError::invalid(field, message.read()),
            PayoutError::MoreThanAvailable { available } => AppError::invalid(
                "amount",
                t!(
                    "studio-error-payout-more-than-available",
                    available = money(available)
                ),
            ),
            PayoutError::NotYours => AppError::NotFound,
            PayoutError::AlreadyPaid => AppError::rejected(t!("studio-error-payout-already-paid")),
            PayoutError::SentByProcessor => {
                AppError::rejected(t!("studio-error-payout-sent-by-processor"))
            }
            PayoutError::Db(e) => AppError::internal(e),
            PayoutError::Ledger(e) => AppError::internal(e),
        }
    }
}

/// The expenses page of the caller's cause.
#[server(endpoint = "trail/expenses", client = CsrfClient)]
pub async fn get_expenses(recipient_id: i64) -> Result<ExpensesPage, AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    Ok(expenses::studio_page(&state.db, user.user_id, recipient_id).await?)
}

/// Records an expense of the caller's cause.
#[server(endpoint = "trail/record_expense", client = CsrfClient)]
pub async fn record_expense(
    recipient_id: i64,
    amount: Option<String>,
    description: Option<String>,
    spent_on: Option<String>,
    receipt_url: Option<String>,
    budget_line_id: Option<String>,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    payouts::recipient_of(&state.db, recipient_id, Some(user.user_id)).await?;
    ssr::require_two_factor(&state, &user, "two-factor-for-recording-expenses").await?;
    expenses::record(
        &state.db,
        user.user_id,
        recipient_id,
        &ExpenseForm {
            amount: amount.as_deref().unwrap_or_default(),
            description: description.as_deref().unwrap_or_default(),
            spent_on: spent_on.as_deref().unwrap_or_default(),
            receipt_url: receipt_url.as_deref().unwrap_or_default(),
            budget_line: budget_line_id.as_deref().unwrap_or_default(),
        },
    )
    .await?;
    leptos_axum::redirect(&format!("/studio/p/{recipient_id}/expenses?saved=expense"));
    Ok(())
}

/// Adds a budget line to the caller's cause.
#[server(endpoint = "trail/create_budget_line", client = CsrfClient)]
pub async fn create_budget_line(
    recipient_id: i64,
    name: Option<String>,
    description: Option<String>,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    budget_lines::create(
        &state.db,
        user.user_id,
        recipient_id,
        name.as_deref().unwrap_or_default(),
        description.as_deref().unwrap_or_default(),
    )
    .await?;
    leptos_axum::redirect(&format!(
        "/studio/p/{recipient_id}/expenses?saved=budget_line#budget-lines"
    ));
    Ok(())
}

/// Retires a budget line of the caller's cause: it takes no new earmarks or expenses.
#[server(endpoint = "trail/retire_budget_line", client = CsrfClient)]
pub async fn retire_budget_line(recipient_id: i64, budget_line_id: i64) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    budget_lines::retire(&state.db, user.user_id, recipient_id, budget_line_id).await?;
    leptos_axum::redirect(&format!(
        "/studio/p/{recipient_id}/expenses?saved=budget_line_retired#budget-lines"
    ));
    Ok(())
}

/// Corrects (reverses) an expense of the caller's cause.
#[server(endpoint = "trail/correct_expense", client = CsrfClient)]
pub async fn correct_expense(
    recipient_id: i64,
    expense_id: i64,
    reason: Option<String>,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    // The expense must belong to this page too, so the redirect goes back where it came from.
    let page = expenses::studio_page(&state.db, user.user_id, recipient_id).await?;
    if !page.expenses.iter().any(|e| e.id == expense_id) {
        return Err(AppError::NotFound);
    }
    ssr::require_two_factor(&state, &user, "two-factor-for-correcting-expenses").await?;
    expenses::correct(
        &state.db,
        Some(user.user_id),
        expense_id,
        reason.as_deref().unwrap_or_default(),
    )
    .await?;
    leptos_axum::redirect(&format!(
        "/studio/p/{recipient_id}/expenses?saved=corrected"
    ));
    Ok(())
}

/// The payouts page of the caller's page.
#[server(endpoint = "trail/payouts", client = CsrfClient)]
pub async fn get_payouts(recipient_id: i64) -> Result<PayoutsPage, AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    Ok(payouts::studio_page(
        &state.db,
        user.user_id,
        recipient_id,
        state.stripe.is_some(),
    )
    .await?)
}

/// Records a payout the caller received outside Chipin.
#[server(endpoint = "trail/record_payout", client = CsrfClient)]
pub async fn record_payout(
    recipient_id: i64,
    amount: Option<String>,
    paid_on: Option<String>,
    reference: Option<String>,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let (_, currency) = payouts::recipient_of(&state.db, recipient_id, Some(user.user_id)).await?;
    let new = payouts::parse_fields(
        recipient_id,
        currency,
        amount.as_deref().unwrap_or_default(),
        paid_on.as_deref().unwrap_or_default(),
        reference.as_deref().unwrap_or_default(),
        RecordedBy::Recipient,
    )?;
    payouts::record(&state.db, new).await?;
    leptos_axum::redirect(&format!("/studio/p/{recipient_id}/payouts?saved=payout"));
    Ok(())
}

/// Sends the caller to Stripe's onboarding for payouts of one of their pages (creating the
/// page's Stripe account the first time). Stripe sends them back to the payouts page.
#[server(endpoint = "trail/start_stripe_payouts", client = CsrfClient)]
pub async fn start_stripe_payouts(recipient_id: i64) -> Result<(), AppError> {
    use crate::domain::payouts::connect::ConnectError;
    use crate::domain::payouts::onboarding;
    let state = ssr::state()?;
    let session = ssr::session().ok_or(AppError::Unauthenticated)?;
    let user = session.user.clone();
    payouts::recipient_of(&state.db, recipient_id, Some(user.user_id)).await?;
    // Payout settings decide where the money goes: two-factor sign-in must be on, and checked
    // in the last ten minutes; otherwise the owner confirms with a code and comes back.
    ssr::require_two_factor(&state, &user, "two-factor-for-connecting-payouts").await?;
    if !crate::domain::accounts::two_factor::session_is_fresh(&state.db, &session.token)
        .await
        .map_err(AppError::internal)?
    {
        let back = format!("/studio/p/{recipient_id}/payouts");
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("next", &back)
            .finish();
        leptos_axum::redirect(&format!("/account/confirm?{query}"));
        return Ok(());
    }
    match onboarding::start_onboarding(&state, user.user_id, recipient_id).await {
        Ok(url) => {
            leptos_axum::redirect(&url);
            Ok(())
        }
        Err(ConnectError::NotYours) => Err(AppError::NotFound),
        Err(ConnectError::Db(e)) => Err(AppError::internal(e)),
        Err(ConnectError::Payout(e)) => Err(AppError::internal(e)),
        Err(ConnectError::Processor(e)) => {
            tracing::warn!(error = %e, "could not start Stripe onboarding");
            Err(AppError::rejected(t!("studio-stripe-unreachable")))
        }
        Err(ConnectError::NotConfigured) => Err(AppError::rejected(t!(
            "studio-error-connect-not-configured"
        ))),
        Err(e) => Err(AppError::rejected(e.to_string())),
    }
}

/// Marks one of the caller's payouts as arrived.
#[server(endpoint = "trail/mark_payout_paid", client = CsrfClient)]
pub async fn mark_payout_paid(recipient_id: i64, payout_id: i64) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    payouts::mark_paid(&state.db, payout_id, Some(user.user_id)).await?;
    leptos_axum::redirect(&format!("/studio/p/{recipient_id}/payouts?saved=paid"));
    Ok(())
}

/// Where one of the caller's donations went; someone else's is `NotFound`.
#[server(endpoint = "trail/donation", client = CsrfClient)]
pub async fn get_donation_trail(
    item_id: i64,
) -> Result<crate::model::trail::DonationTrail, AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let mut trail = crate::domain::books::trail::donation(&state.db, user.user_id, item_id)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    let (refunds, request, ask_until, others) = crate::domain::giving::refund_requests::for_trail(
        &state.db,
        &state.settings,
        user.user_id,
        item_id,
    )
    .await
    .map_err(AppError::internal)?;
    trail.refunds = refunds;
    trail.request = request;
    trail.ask_until = ask_until;
    trail.other_donations = others;
    Ok(trail)
}
