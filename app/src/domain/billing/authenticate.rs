//! A charge whose bank asked the supporter to authenticate it (3-D Secure): what the page the
//! email links to shows, and how the supporter's on-session answer is settled — exactly as an
//! off-session outcome of a run is, through the same code.

use super::charge::commit_authenticated;
use super::processor::ChargeOutcome;
use super::{BillingConfig, BillingError, simulated};
use crate::domain::{Db, dashboard};
use crate::model::{ChargeAuthentication, ChargeStatus, ConfirmWith};
use crate::money::{Currency, Money};

/// The supporter's answer to the authentication request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confirmation {
    /// The simulated processor's test challenge, passed or failed on purpose.
    SimulatedChallenge { passes: bool },
    // With Stripe, the page confirms the PaymentIntent on-session with Stripe.js instead, and
    // the outcome Stripe then reports for it is committed by `finish` the same way.
}

/// What became of a charge the supporter answered for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finished {
    /// Paid and settled: allocations, the journal entry, the items paid.
    Succeeded,
    /// Declined: the charge is retried on the usual schedule (or its items voided).
    Declined,
    /// The processor still wants something from the supporter, or is processing.
    StillWaiting,
    /// It was not waiting any more (settled before); nothing changed.
    AlreadySettled,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthenticationError {
    /// No such charge, or it is someone else's.
    #[error("no such charge")]
    NotFound,
    #[error(transparent)]
    Billing(#[from] BillingError),
}

impl From<sqlx::Error> for AuthenticationError {
    fn from(e: sqlx::Error) -> Self {
        Self::Billing(e.into())
    }
}

/// How a waiting charge is confirmed on this site. The simulated processor is the only one so
/// far; with Stripe configured this is where the page learns to load Stripe.js instead.
fn confirm_with() -> ConfirmWith {
    ConfirmWith::SimulatedChallenge
}

/// `supporter`'s charge `charge` as its authentication page shows it; `None` when there is no
/// such charge or it belongs to someone else.
pub async fn page(
    db: &Db,
    supporter: i64,
    charge: i64,
) -> Result<Option<ChargeAuthentication>, sqlx::Error> {
    Ok(dashboard::charge_of(db, supporter, charge)
        .await?
        .map(|charge| ChargeAuthentication {
            confirm_with: (charge.status == ChargeStatus::RequiresAction).then(confirm_with),
            charge,
        }))
}

/// Settles `supporter`'s waiting charge `charge` with their answer, as of `now`.
pub async fn finish(
    db: &Db,
    config: &BillingConfig,
    supporter: i64,
    charge: i64,
    confirmation: Confirmation,
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
    if status != "requires_action" {
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
    };
    let finished = match outcome {
        ChargeOutcome::Succeeded { .. } => Finished::Succeeded,
        ChargeOutcome::Declined { .. } => Finished::Declined,
        ChargeOutcome::RequiresAuthentication { .. } | ChargeOutcome::Processing { .. } => {
            Finished::StillWaiting
        }
    };
    if commit_authenticated(db, config, charge, outcome, now).await? {
        Ok(finished)
    } else {
        Ok(Finished::AlreadySettled)
    }
}
