//! What does an event Stripe sends change? Each event, its signature checked, applied exactly
//! once through the scheduler's, the payouts' and the billing profile's own code.
//!
//! An event is recorded in `stripe_events` and its effect applied in **one** transaction: a
//! second delivery of the same event finds its id and changes nothing, and a failure rolls
//! both back so Stripe delivers it again. Events arrive in any order, so every handler moves
//! state forward only: a charge that succeeded is never failed by a late decline, a refund is
//! recorded once whichever of its events comes first, a closed dispute is not reopened, and
//! an older account status does not overwrite a newer one.
//!
//! Events handled (anything else is recorded and acknowledged):
//! - `payment_intent.succeeded`: a pending, processing or requires-action charge succeeds
//!   with its exact fee. The fee is the expanded `latest_charge.balance_transaction.fee` when
//!   the event carries it (in the charge's currency); otherwise Chipin asks the processor
//!   ([`PaymentProcessor::payment_fee`]) before opening the transaction. Stripe does not
//!   expand objects in webhooks, so in practice the fee is looked up; when it cannot be, the
//!   event is refused (HTTP 500) and Stripe delivers it again later.
//! - `payment_intent.payment_failed`: the decline code (`last_payment_error.decline_code`,
//!   else its `code`) goes into the retry schedule like a decline answered at once — except
//!   `authentication_required`, Stripe's event for an off-session attempt the bank wants
//!   confirmed: that charge waits for its supporter to confirm it with Stripe.js.
//! - `setup_intent.succeeded`, and `checkout.session.completed` in setup mode when its
//!   `setup_intent` is expanded: the payment method becomes the default of the supporter whose
//!   billing profile has that Stripe customer, through the card-testing gate (a verified
//!   email, the velocity limits; see [`crate::domain::giving::cards`]).
//! - `refund.created`, `refund.updated` and `charge.refunded` (each refund with status
//!   `succeeded`): a refund of one of Chipin's charges is recorded once (see
//!   [`crate::domain::billing::refunds::record`]). Its items come from the refund's `chipin_refund_key`
//!   metadata (the idempotency key Chipin sent) when the amount is exactly what is left of
//!   them; any other refund (partial, or made in Stripe's Dashboard) is spread over the
//!   charge's unrefunded money by largest remainder, so refunded money is never paid out.
//! - `charge.dispute.created`, `.updated`, `.closed`: the dispute is recorded and its charge's
//!   recipient amounts frozen (see [`crate::domain::billing::disputes`]).
//! - `account.updated` (Connect): the recipient with that account records whether it has
//!   submitted its details and can take charges and receive payouts.
//! - `transfer.reversed` (Connect): a wholly reversed transfer of a payout returns the payout,
//!   so the donations it paid are unpaid again (see [`crate::domain::payouts::connect`]).
//!
//! An event of a connected account (Stripe sets its `account`) is recorded but not applied,
//! except `account.updated` about that same account: a connected account's payments and
//! refunds are not the platform's.
//!
//! Charges are found by their PaymentIntent (`charges.processor_ref`), or — for a charge whose
//! call was cut off before Chipin recorded the PaymentIntent — by the `chipin_charge_id`
//! metadata Chipin sends with it.
//!
//! May import: platform, security, processors, books, billing, giving, payouts, hooks.

mod events;

use events::{
    Account, Charge, CheckoutSession, Dispute, Event, PaymentIntent, Refund, SetupIntent, Transfer,
    id_of, object,
};

use crate::domain::Db;
use crate::domain::billing::settle::{NOT_YET_SETTLED, Settled, settle_one};
use crate::domain::billing::{BillingConfig, BillingError, disputes, refunds};
use crate::domain::platform::clock::now;
use crate::domain::processors::ChargeOutcome;
use crate::domain::processors::PaymentProcessor;
use crate::model::ChargeStatus;
use serde_json::Value;

/// Why an event was not applied.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// The body is not a Stripe event (answered 400).
    #[error("not a Stripe event: {0}")]
    Malformed(String),
    /// The fee of a succeeded payment is not known yet (answered 500; Stripe retries).
    #[error("the fee of {0} is not known yet")]
    FeeUnavailable(String),
    /// The fee reported for a succeeded payment lies outside its amount (answered 500).
    #[error("the fee reported for {0} lies outside its amount")]
    FeeRefused(String),
    #[error("database")]
    Db(#[from] sqlx::Error),
    #[error("billing")]
    Billing(#[from] BillingError),
    #[error("refund")]
    Refund(#[from] refunds::RefundError),
    #[error("payout")]
    Payout(#[from] crate::domain::payouts::PayoutError),
}

/// What became of a delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Processed {
    /// First delivery: applied (or, for an event that asks nothing of Chipin, just recorded).
    Recorded { outcome: String },
    /// The event was already processed; nothing changed.
    Duplicate,
}

/// The fee an expanded `latest_charge.balance_transaction` reports, if it is in `currency`.
fn expanded_fee(pi: &PaymentIntent) -> Option<i64> {
    let bt = pi.latest_charge.as_ref()?.get("balance_transaction")?;
    let same_currency = bt
        .get("currency")
        .and_then(Value::as_str)
        .is_some_and(|c| c.eq_ignore_ascii_case(&pi.currency));
    same_currency.then(|| bt.get("fee")?.as_i64()).flatten()
}

/// Chipin's charge for a PaymentIntent: (id, status, amount, currency).
async fn find_charge<'e, E>(
    executor: E,
    pi: &PaymentIntent,
) -> Result<Option<(i64, String, i64, String)>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let by_metadata = pi
        .metadata
        .get("chipin_charge_id")
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    sqlx::query_as(
        "select id, status, amount_minor, currency from charges \
         where processor_ref = $1 or (id = $2 and processor_ref is null) \
         order by case when processor_ref = $1 then 0 else 1 end limit 1",
    )
    .bind(&pi.id)
    .bind(by_metadata)
    .fetch_optional(executor)
    .await
}

/// Whether a `charges.status` value is one a webhook may still settle.
fn settleable(status: &str) -> bool {
    ChargeStatus::parse_db(status).is_some_and(|s| NOT_YET_SETTLED.contains(&s))
}

/// Verifies nothing: `body` must already have passed
/// [`crate::domain::processors::stripe::signature::verify_signature`]. Records the event
/// and applies it in one transaction; see the module documentation for what each type does.
pub async fn process(
    db: &Db,
    config: &BillingConfig,
    processor: &dyn PaymentProcessor,
    body: &[u8],
) -> Result<Processed, WebhookError> {
    let event: Event =
        serde_json::from_slice(body).map_err(|e| WebhookError::Malformed(e.to_string()))?;
    // The one network call happens before the transaction opens.
    let mut looked_up_fee = None;
    if event.kind == "payment_intent.succeeded" && event.account.is_none() {
        let pi: PaymentIntent = object(&event)?;
        let waiting = find_charge(db.pool(), &pi)
            .await?
            .is_some_and(|(_, status, _, _)| settleable(&status));
        let known: Option<(i64,)> = sqlx::query_as("select 1 from stripe_events where id = $1")
            .bind(&event.id)
            .fetch_optional(db.pool())
            .await?;
        if waiting && known.is_none() && expanded_fee(&pi).is_none() {
            looked_up_fee = match processor.payment_fee(&pi.id).await {
                Ok(Some(fee)) => Some(fee),
                Ok(None) => return Err(WebhookError::FeeUnavailable(pi.id)),
                Err(e) => {
                    tracing::warn!(payment_intent = %pi.id, error = %e, "could not look up a payment's fee");
                    return Err(WebhookError::FeeUnavailable(pi.id));
                }
            };
        }
    }

    let at = now();
    let mut tx = db.begin_write().await?;
    let first = sqlx::query(
        "insert into stripe_events (id, type, created, received_at, outcome) \
         values ($1, $2, $3, $4, 'processing') on conflict (id) do nothing",
    )
    .bind(&event.id)
    .bind(&event.kind)
    .bind(event.created)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    if first.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(Processed::Duplicate);
    }
    let outcome = apply(&mut tx, db, config, &event, looked_up_fee, at).await?;
    sqlx::query("update stripe_events set outcome = $1 where id = $2")
        .bind(&outcome)
        .bind(&event.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    // Payments, refunds, disputes and saved cards all change what public pages show.
    db.note_public_change();
    Ok(Processed::Recorded { outcome })
}

async fn apply(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    db: &Db,
    config: &BillingConfig,
    event: &Event,
    looked_up_fee: Option<i64>,
    at: i64,
) -> Result<String, WebhookError> {
    if let Some(outcome) = connected_account_event(event) {
        return Ok(outcome);
    }
    Ok(match event.kind.as_str() {
        "payment_intent.succeeded" => {
            payment_succeeded(tx, db, config, object(event)?, looked_up_fee, at).await?
        }
        "payment_intent.payment_failed" => {
            payment_failed(tx, db, config, object(event)?, at).await?
        }
        "setup_intent.succeeded" => {
            let si: SetupIntent = object(event)?;
            if si.status != "succeeded" {
                format!("ignored: setup intent is {}", si.status)
            } else {
                saved(
                    tx,
                    db,
                    config,
                    id_of(si.customer.as_ref()),
                    si.payment_method.as_ref(),
                    at,
                )
                .await?
            }
        }
        "checkout.session.completed" => {
            let session: CheckoutSession = object(event)?;
            if session.mode != "setup" {
                format!("ignored: a {} session", session.mode)
            } else {
                match session.setup_intent.as_ref().filter(|v| v.is_object()) {
                    Some(si) => {
                        let customer =
                            id_of(session.customer.as_ref()).or_else(|| id_of(si.get("customer")));
                        saved(tx, db, config, customer, si.get("payment_method"), at).await?
                    }
                    None => "ignored: its setup_intent.succeeded event carries the payment method"
                        .to_owned(),
                }
            }
        }
        "refund.created" | "refund.updated" => refunded(tx, object(event)?, at).await?,
        "charge.refunded" => {
            let charge: Charge = object(event)?;
            let mut outcomes = Vec::new();
            for mut refund in charge.refunds.map(|l| l.data).unwrap_or_default() {
                if refund.payment_intent.is_none() {
                    refund.payment_intent = charge.payment_intent.clone();
                }
                outcomes.push(refunded(tx, refund, at).await?);
            }
            if outcomes.is_empty() {
                "ignored: its refund events carry the refunds".to_owned()
            } else {
                outcomes.join("; ")
            }
        }
        "charge.dispute.created" | "charge.dispute.updated" | "charge.dispute.closed" => {
            let d: Dispute = object(event)?;
            let report = disputes::DisputeReport {
                dispute_ref: &d.id,
                payment_intent: id_of(d.payment_intent.as_ref()),
                amount_minor: d.amount,
                currency: &d.currency,
                reason: d.reason.as_deref().unwrap_or_default(),
                status: &d.status,
                created: d.created,
                evidence_due_by: d.evidence_details.as_ref().and_then(|e| e.due_by),
            };
            match disputes::record(tx, &report, at).await? {
                Some(charge) => {
                    tracing::warn!(dispute = %d.id, charge, status = %d.status, "a charge is disputed");
                    format!("applied: dispute {} on charge {charge}", d.status)
                }
                None => {
                    tracing::warn!(dispute = %d.id, status = %d.status, "a dispute for a payment Chipin cannot match");
                    format!("recorded: dispute {} for an unknown payment", d.status)
                }
            }
        }
        "account.updated" => {
            let account: Account = object(event)?;
            let done = sqlx::query(
                "update recipients set stripe_charges_enabled = $1, stripe_payouts_enabled = $2, \
                 stripe_account_synced_at = $3, stripe_details_submitted = $5 where stripe_account_id = $4 \
                 and (stripe_account_synced_at is null or stripe_account_synced_at <= $3)",
            )
            .bind(i64::from(account.charges_enabled))
            .bind(i64::from(account.payouts_enabled))
            .bind(event.created)
            .bind(&account.id)
            .bind(i64::from(account.details_submitted))
            .execute(&mut **tx)
            .await?;
            if done.rows_affected() == 1 {
                "applied".to_owned()
            } else {
                "ignored: no recipient with a newer status for that account".to_owned()
            }
        }
        "transfer.reversed" => {
            let t: Transfer = object(event)?;
            let chipin_id = t
                .metadata
                .get("chipin_transfer_id")
                .and_then(|v| v.parse::<i64>().ok());
            let fully = t.reversed || (t.amount > 0 && t.amount_reversed >= t.amount);
            crate::domain::payouts::connect::transfer_reversed(tx, &t.id, chipin_id, fully, at)
                .await?
        }
        _ => "unknown type".to_owned(),
    })
}

/// Why an event of a connected account (Stripe sets `account` on Connect events) is not
/// applied, or `None` for a platform event or one Chipin routes. A connected account's
/// payments, refunds, disputes and payouts happen in that account, not in the platform's, so
/// they must never settle, refund or freeze a platform charge that happens to share an id or
/// metadata; only `account.updated` about that same account is applied (the status of a
/// page's payout account).
fn connected_account_event(event: &Event) -> Option<String> {
    let account = event.account.as_deref()?;
    let about_itself =
        event.kind == "account.updated" && id_of(Some(&event.data.object)) == Some(account);
    (!about_itself).then(|| format!("ignored: {} of connected account {account}", event.kind))
}

async fn payment_succeeded(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    db: &Db,
    config: &BillingConfig,
    pi: PaymentIntent,
    looked_up_fee: Option<i64>,
    at: i64,
) -> Result<String, WebhookError> {
    if pi.status != "succeeded" {
        return Ok(format!("ignored: payment intent is {}", pi.status));
    }
    let Some((id, status, amount, currency)) = find_charge(&mut **tx, &pi).await? else {
        return Ok("ignored: not a Chipin charge".to_owned());
    };
    if !settleable(&status) {
        if status == "failed" {
            tracing::error!(charge = id, payment_intent = %pi.id, "a payment succeeded for a charge recorded as failed");
        }
        return Ok(format!("ignored: charge {id} is already {status}"));
    }
    if amount != pi.amount || !currency.eq_ignore_ascii_case(&pi.currency) {
        tracing::error!(charge = id, payment_intent = %pi.id, "a payment's amount differs from its charge");
        return Ok(format!("ignored: amount differs from charge {id}"));
    }
    let Some(fee) = expanded_fee(&pi).or(looked_up_fee) else {
        return Err(WebhookError::FeeUnavailable(pi.id));
    };
    let outcome = ChargeOutcome::Succeeded {
        processor_ref: pi.id.clone(),
        fee_minor: fee,
    };
    match settle_one(tx, db.backend(), config, id, outcome, NOT_YET_SETTLED, at).await? {
        Settled::Changed => Ok(format!("applied: charge {id} succeeded")),
        Settled::Unchanged => Ok(format!("ignored: charge {id} already settled")),
        // Refused with 500: Stripe delivers it again while the operator looks into it.
        Settled::FeeRefused => Err(WebhookError::FeeRefused(pi.id)),
    }
}

async fn payment_failed(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    db: &Db,
    config: &BillingConfig,
    pi: PaymentIntent,
    at: i64,
) -> Result<String, WebhookError> {
    if pi.status == "succeeded" {
        return Ok("ignored: payment intent succeeded".to_owned());
    }
    let Some((id, status, _, _)) = find_charge(&mut **tx, &pi).await? else {
        return Ok("ignored: not a Chipin charge".to_owned());
    };
    if !settleable(&status) {
        return Ok(format!("ignored: charge {id} is already {status}"));
    }
    let error = pi.last_payment_error.as_ref();
    let code = error
        .and_then(|e| e.decline_code.as_deref().or(e.code.as_deref()))
        .filter(|c| !c.is_empty() && c.len() <= 100)
        .unwrap_or("payment_failed");
    if code == "authentication_required" {
        // An off-session attempt the bank wants confirmed: the charge waits for its supporter,
        // whose confirmation (or its own later event) settles it.
        return Ok(format!("ignored: charge {id} waits for authentication"));
    }
    let outcome = ChargeOutcome::Declined {
        processor_ref: Some(pi.id.clone()),
        code: code.to_owned(),
    };
    match settle_one(tx, db.backend(), config, id, outcome, NOT_YET_SETTLED, at).await? {
        Settled::Changed => Ok(format!("applied: charge {id} declined ({code})")),
        _ => Ok(format!("ignored: charge {id} already settled")),
    }
}

/// Saves a card a SetupIntent saved, through the same gate as every other way to save one
/// ([`crate::domain::giving::billing_profile::save_for_customer`]: a verified email and the
/// velocity limits). The card's fingerprint is read when the event carries the payment method
/// expanded.
async fn saved(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    db: &Db,
    config: &BillingConfig,
    customer: Option<&str>,
    payment_method: Option<&Value>,
    at: i64,
) -> Result<String, WebhookError> {
    let (Some(customer), Some(method)) = (customer, id_of(payment_method)) else {
        return Ok("ignored: no customer or payment method".to_owned());
    };
    let fingerprint = payment_method
        .and_then(|m| m.get("card"))
        .and_then(|c| c.get("fingerprint"))
        .and_then(Value::as_str);
    let policy = crate::domain::giving::cards::Policy {
        limits: &config.limits,
        operator_email: config.operator_email.as_deref(),
        backend: db.backend(),
    };
    let saved = crate::domain::giving::billing_profile::save_for_customer(
        tx,
        policy,
        customer,
        method,
        fingerprint,
        None,
        at,
    )
    .await?;
    Ok(match saved {
        Some(Ok(_)) => "applied".to_owned(),
        Some(Err(refused)) => format!("refused: {}", refused.kind().as_str()),
        None => "ignored: no supporter with that customer".to_owned(),
    })
}

async fn refunded(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    refund: Refund,
    at: i64,
) -> Result<String, WebhookError> {
    let status = refund.status.as_deref().unwrap_or("unknown");
    if status != "succeeded" {
        return Ok(format!("ignored: refund {} is {status}", refund.id));
    }
    let Some(pi) = id_of(refund.payment_intent.as_ref()) else {
        return Ok(format!(
            "ignored: refund {} has no payment intent",
            refund.id
        ));
    };
    let charge: Option<(i64, String)> = sqlx::query_as(
        "select id, currency from charges where processor_ref = $1 and status = 'succeeded'",
    )
    .bind(pi)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((charge_id, currency)) = charge else {
        return Ok(format!(
            "ignored: refund {} is not for a Chipin charge",
            refund.id
        ));
    };
    if !currency.eq_ignore_ascii_case(&refund.currency) {
        return Ok(format!("ignored: refund {} currency differs", refund.id));
    }
    let named = refund
        .metadata
        .get("chipin_refund_key")
        .and_then(|k| refunds::parse_refund_key(k))
        .filter(|(charge, _)| *charge == charge_id)
        .map(|(_, items)| items);
    let target = match named {
        Some(items) => refunds::Target::Items(items),
        None => refunds::Target::Spread,
    };
    let made_here = refund.metadata.contains_key("chipin_refund_key");
    let why = refunds::Why {
        reason: refund.reason.clone().unwrap_or_default(),
        note: String::new(),
    };
    let by = if made_here { "operator" } else { "processor" };
    match refunds::record(
        tx,
        charge_id,
        &target,
        refund.amount,
        &refund.id,
        by,
        &why,
        at,
    )
    .await
    {
        Ok(Some(r)) => Ok(format!(
            "applied: refund {} of {} items",
            refund.id,
            r.items.len()
        )),
        Ok(None) => Ok(format!("ignored: refund {} already recorded", refund.id)),
        Err(refunds::RefundError::TooLarge { refundable }) => {
            tracing::error!(refund = %refund.id, charge = charge_id, %refundable, "a refund larger than what is left of its charge");
            Ok(format!(
                "ignored: refund {} is larger than the {refundable} left to refund",
                refund.id
            ))
        }
        Err(e) => Err(e.into()),
    }
}
