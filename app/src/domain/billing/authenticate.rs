//! A charge whose bank asked the supporter to authenticate it (3-D Secure): what the page the
//! email links to shows, and how the supporter's on-session answer is settled — exactly as an
//! off-session outcome of a run is, through the same code.
//!
//! With the simulated processor the page shows a test challenge. With Stripe it loads Stripe.js,
//! which confirms the PaymentIntent in the supporter's browser and then sends them to
//! [`return_path`]; there Chipin asks Stripe how the PaymentIntent ended and commits that. The
//! `payment_intent.succeeded` / `payment_intent.payment_failed` webhooks settle the same charge
//! through the same conditional updates, so whichever arrives first wins and the other changes
//! nothing.

use super::settle::{Settled, WAITING_FOR_THE_SUPPORTER, settle_charge};
use super::{BillingConfig, BillingError};
use crate::domain::Db;
use crate::domain::processors::simulated;
use crate::domain::processors::stripe::{OnSessionState, StripeProcessor};
use crate::domain::processors::{ChargeOutcome, ProcessorError};
use crate::model::ChargeStatus;

use crate::money::{Currency, Money};

/// The supporter's answer to the authentication request.
#[derive(Clone, Copy, Debug)]
pub enum Confirmation<'a> {
    /// The simulated processor's test challenge, passed or failed on purpose.
    SimulatedChallenge { passes: bool },
    /// Stripe.js confirmed the PaymentIntent in the supporter's browser (or they gave up):
    /// Stripe is asked what became of it, and that is committed.
    Stripe(&'a StripeProcessor),
}

/// What became of a charge the supporter answered for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finished {
    /// Paid and settled: allocations, the journal entry, the items paid.
    Succeeded,
    /// Declined: the charge is retried on the usual schedule (or its items voided).
    Declined,
    /// The processor still wants the supporter to authenticate it.
    StillWaiting,
    /// The processor is processing it; its webhook settles it.
    Processing,
    /// It was not waiting any more (settled before); nothing changed.
    AlreadySettled,
}

impl Finished {
    /// The word the authentication page's `result` parameter uses for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Succeeded => "paid",
            Self::Declined => "declined",
            Self::StillWaiting => "waiting",
            Self::Processing => "processing",
            Self::AlreadySettled => "settled",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuthenticationError {
    /// No such charge, or it is someone else's.
    #[error("no such charge")]
    NotFound,
    /// The processor could not say how the payment stands; nothing changed.
    #[error("the payment processor could not be asked: {0}")]
    Processor(#[from] ProcessorError),
    #[error(transparent)]
    Billing(#[from] BillingError),
}

impl From<sqlx::Error> for AuthenticationError {
    fn from(e: sqlx::Error) -> Self {
        Self::Billing(e.into())
    }
}

/// Where Stripe.js sends the supporter once it has confirmed charge `charge`.
pub fn return_path(charge: i64) -> String {
    format!("/account/billing/authenticate/{charge}/return")
}

/// Settles `supporter`'s waiting charge `charge` with their answer, as of `now`.
pub async fn finish(
    db: &Db,
    config: &BillingConfig,
    supporter: i64,
    charge: i64,
    confirmation: Confirmation<'_>,
    now: i64,
) -> Result<Finished, AuthenticationError> {
    let row: Option<(i64, String, i64, String, Option<String>)> = sqlx::query_as(
        "select supporter_id, status, amount_minor, currency, processor_ref from charges where id = $1",
    )
    .bind(charge)
    .fetch_optional(db.pool())
    .await?;
    let Some((owner, status, amount, currency, processor_ref)) = row else {
        return Err(AuthenticationError::NotFound);
    };
    if owner != supporter {
        return Err(AuthenticationError::NotFound);
    }
    if ChargeStatus::parse_db(&status) != Some(ChargeStatus::RequiresAction) {
        return Ok(Finished::AlreadySettled);
    }
    let inconsistent = |what: &str| {
        AuthenticationError::Billing(BillingError::Inconsistent(format!(
            "charge {charge}: {what}"
        )))
    };
    let currency: Currency = currency.parse().map_err(|_| inconsistent("currency"))?;
    let processor_ref = processor_ref.ok_or_else(|| inconsistent("no processor reference"))?;
    let outcome = match confirmation {
        Confirmation::SimulatedChallenge { passes } => {
            simulated::finish_authentication(&processor_ref, Money::new(amount, currency), passes)
        }
        Confirmation::Stripe(stripe) => match stripe.on_session_state(&processor_ref).await? {
            OnSessionState::NeedsAction(_) => return Ok(Finished::StillWaiting),
            OnSessionState::Finished(outcome) => outcome,
        },
    };
    let finished = match outcome {
        ChargeOutcome::Succeeded { .. } => Finished::Succeeded,
        ChargeOutcome::Declined { .. } => Finished::Declined,
        ChargeOutcome::RequiresAuthentication { .. } => Finished::StillWaiting,
        ChargeOutcome::Processing { .. } => Finished::Processing,
    };
    if commit_authenticated(db, config, charge, outcome, now).await? {
        Ok(finished)
    } else {
        Ok(Finished::AlreadySettled)
    }
}

/// Commits the supporter's on-session answer for `charge` through the one settle path, from
/// "waiting for the supporter" only. False when it changed nothing (another request or the
/// webhook settled it first, or it still waits).
pub async fn commit_authenticated(
    db: &Db,
    config: &BillingConfig,
    charge: i64,
    outcome: ChargeOutcome,
    at: i64,
) -> Result<bool, BillingError> {
    match settle_charge(db, config, charge, outcome, WAITING_FOR_THE_SUPPORTER, at).await? {
        Settled::Changed => Ok(true),
        Settled::Unchanged => Ok(false),
        Settled::FeeRefused => Err(BillingError::Inconsistent(format!(
            "charge {charge}: the processor reported a fee outside its amount"
        ))),
    }
}
