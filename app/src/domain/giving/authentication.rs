//! What does the page that asks a supporter to authenticate a charge show? The charge with its
//! donations, and how to confirm it: the simulated processor's test challenge, or what
//! Stripe.js needs. Settling the answer is `billing::authenticate`.

use crate::domain::Db;
use crate::domain::billing::authenticate::{
    AuthenticationError, commit_authenticated, return_path,
};
use crate::domain::billing::{BillingConfig, BillingError};
use crate::domain::processors::stripe::{OnSessionState, StripeProcessor};
use crate::model::{ChargeAuthentication, ChargeStatus, ConfirmWith, StripeConfirmation};

/// `supporter`'s charge `charge` as its authentication page shows it, as of `now`; `None` when
/// there is no such charge or it belongs to someone else.
///
/// With Stripe (`stripe`), a charge still waiting is looked up there: while it needs the
/// supporter, the page gets what Stripe.js needs to confirm it; when it has finished meanwhile
/// (confirmed in another window before the webhook came), that outcome is committed first, as
/// the return from Stripe.js would, and the page shows the result.
pub async fn page(
    db: &Db,
    config: &BillingConfig,
    stripe: Option<&StripeProcessor>,
    supporter: i64,
    charge: i64,
    now: i64,
) -> Result<Option<ChargeAuthentication>, AuthenticationError> {
    let Some(shown) = super::charges::charge_of(db, supporter, charge).await? else {
        return Ok(None);
    };
    if shown.status != ChargeStatus::RequiresAction {
        return Ok(Some(ChargeAuthentication {
            charge: shown,
            confirm_with: None,
        }));
    }
    let Some(stripe) = stripe else {
        return Ok(Some(ChargeAuthentication {
            charge: shown,
            confirm_with: Some(ConfirmWith::SimulatedChallenge),
        }));
    };
    let processor_ref = waiting_reference(db, charge).await?;
    match stripe.on_session_state(&processor_ref).await? {
        OnSessionState::NeedsAction(confirmation) => {
            let publishable_key = stripe.publishable_key().ok_or_else(|| {
                BillingError::Inconsistent("Stripe has no publishable key".to_owned())
            })?;
            Ok(Some(ChargeAuthentication {
                charge: shown,
                confirm_with: Some(ConfirmWith::StripeJs(StripeConfirmation {
                    publishable_key: publishable_key.to_owned(),
                    client_secret: confirmation.client_secret.0,
                    payment_method: confirmation.payment_method,
                    return_url: return_path(charge),
                })),
            }))
        }
        OnSessionState::Finished(outcome) => {
            commit_authenticated(db, config, charge, outcome, now).await?;
            Ok(super::charges::charge_of(db, supporter, charge)
                .await?
                .map(|charge| ChargeAuthentication {
                    charge,
                    confirm_with: None,
                }))
        }
    }
}

/// The processor's reference of a charge waiting for authentication.
async fn waiting_reference(db: &Db, charge: i64) -> Result<String, AuthenticationError> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("select processor_ref from charges where id = $1")
            .bind(charge)
            .fetch_optional(db.pool())
            .await?;
    row.and_then(|(r,)| r).ok_or_else(|| {
        AuthenticationError::Billing(BillingError::Inconsistent(format!(
            "charge {charge}: no processor reference"
        )))
    })
}
