//! Payouts through Stripe Connect: each page owner onboards an Express account, and a payout
//! run sends every ready page its available balance as transfers from the platform balance.
//!
//! Onboarding (the page's Express account) is [`super::onboarding`]; a page is *ready* when
//! Stripe has the owner's details and payouts are enabled.
//!
//! **Transfers, exactly once.** A run works like a charge run, in phases committed one by one:
//! 1. *Plan*: for every ready page, in one transaction, everything available is taken as
//!    payouts (see [`crate::domain::payouts`]: disputed charges stay frozen, refunded money
//!    paid out earlier is netted). The shares are grouped by the consolidated charge they came
//!    from, one payout per charge, each with one planned `stripe_transfers` row whose
//!    idempotency key is derived from the payout and the charge. Nothing is sent yet.
//! 2. *Send*: every planned transfer is sent with its key (`source_transaction` = the charge's
//!    Stripe charge where known, `transfer_group` = the payout), and its answer recorded: sent
//!    (the payout is marked paid), refused (the transfer fails with Stripe's reason and the
//!    payout is returned: its journal entry reversed and its shares unpaid again), or no
//!    answer (network, 5xx, 429: it stays planned and the next run sends the same key, so
//!    Stripe answers with the transfer it may already have made).
//!
//! **Lost answers, forgotten keys.** The time a transfer is first sent is committed before
//! the call. A planned transfer that has such a time may exist at Stripe already, and Stripe
//! forgets an idempotency key after 24 hours, so before it is sent again it is looked up by
//! its transfer group (`chipin-payout-<payout>`); found, it is recorded as made, not created
//! a second time.
//!
//! **One page never stops the others.** An error planning one page or recording one
//! transfer is logged, counted in the summary ([`ConnectRunSummary::errors`]) and left for
//! the next run; the run goes on with the other pages and transfers. Only a payout run may
//! mark a Stripe payout arrived ([`payouts::mark_transfer_arrived`]); page owners and the
//! operator cannot ([`PayoutError::SentByProcessor`]), so nothing outside the run changes a
//! transfer's payout under it.
//!
//! A `transfer.reversed` webhook returns the payout of a wholly reversed transfer the same way.

use crate::domain::Db;
use crate::domain::books::shares;
use crate::domain::payouts::{self, NewPayout, PayoutError, RecordedBy};
use crate::domain::platform::clock::now;
use crate::domain::processors::ProcessorError;
use crate::domain::processors::stripe::{StripeProcessor, TransferOutcome, TransferRequest};
use crate::money::{Currency, Money};
use chrono::NaiveDate;
use std::collections::HashMap;

/// Why onboarding or a payout run did not go through.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("Payouts through Stripe are not set up on this site.")]
    NotConfigured,
    #[error("There is no such page, or it is not yours.")]
    NotYours,
    #[error("Stripe could not be reached. Please try again in a minute.")]
    Processor(#[source] ProcessorError),
    #[error("the run was stopped at {0:?} (fault injection)")]
    Injected(ConnectFault),
    #[error("database")]
    Db(#[from] sqlx::Error),
    #[error("payout")]
    Payout(#[from] PayoutError),
}

/// Where a crash test may stop a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectFault {
    /// Payouts and transfers planned and committed, Stripe not called.
    AfterPlan,
    /// The first transfer sent and answered, its answer not recorded.
    AfterFirstTransfer,
}

/// The smallest amount a run pays out to one page: one unit of its currency (100 for the
/// currencies without minor units), so no page gets a stream of tiny transfers.
pub fn min_payout(currency: Currency) -> i64 {
    currency.minor_per_major().max(100)
}

/// What a payout run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConnectRunSummary {
    /// Payouts (one transfer each) planned by this run.
    pub planned: usize,
    /// Transfers Stripe made.
    pub sent: usize,
    pub sent_minor: HashMap<Currency, i64>,
    /// Transfers Stripe refused: (transfer row, page, reason). Their payouts were returned.
    pub failed: Vec<(i64, i64, String)>,
    /// Transfers without an answer, left planned for the next run.
    pub waiting: usize,
    /// Ready pages whose Stripe charges could not be looked up; planned next run.
    pub skipped: usize,
    /// Transfers Stripe had made under an earlier attempt whose answer was lost, found by
    /// their transfer group and recorded instead of being sent again (counted in `sent` too).
    pub found: usize,
    /// Pages or transfers this run could not handle: (page, transfer row when one, what went
    /// wrong). Nothing of them was changed; the next run tries again, and the run went on.
    pub errors: Vec<(i64, Option<i64>, String)>,
}

/// What went wrong, cause by cause, for the log and the operator (never a secret: Chipin's
/// errors do not carry keys).
fn describe(e: &ConnectError) -> String {
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out.chars().take(500).collect()
}

/// Runs the payouts: plans every ready page's available balance, then sends every planned
/// transfer (this run's and any a previous run left). `as_of` is the payouts' date.
pub async fn run(
    db: &Db,
    stripe: &StripeProcessor,
    as_of: NaiveDate,
    fault: Option<ConnectFault>,
) -> Result<ConnectRunSummary, ConnectError> {
    let started = std::time::Instant::now();
    let result = run_unmeasured(db, stripe, as_of, fault).await;
    let outcome = if result.is_ok() { "ok" } else { "error" };
    metrics::counter!("chipin_payout_runs_total", "outcome" => outcome).increment(1);
    metrics::histogram!("chipin_payout_run_duration_seconds")
        .record(started.elapsed().as_secs_f64());
    if let Ok(s) = &result {
        for (outcome, n) in [
            ("sent", s.sent),
            ("failed", s.failed.len()),
            ("waiting", s.waiting),
        ] {
            metrics::counter!("chipin_payout_transfers_total", "outcome" => outcome)
                .increment(n as u64);
        }
    }
    result
}

async fn run_unmeasured(
    db: &Db,
    stripe: &StripeProcessor,
    as_of: NaiveDate,
    fault: Option<ConnectFault>,
) -> Result<ConnectRunSummary, ConnectError> {
    let mut summary = ConnectRunSummary::default();
    let paid_on = as_of
        .and_hms_opt(0, 0, 0)
        .map_or_else(now, |t| t.and_utc().timestamp());
    let ready: Vec<(i64, String, String, String)> = sqlx::query_as(
        "select id, kind, currency, stripe_account_id from recipients \
         where stripe_account_id is not null and stripe_details_submitted = 1 \
           and stripe_payouts_enabled = 1 order by id",
    )
    .fetch_all(db.pool())
    .await?;
    for (recipient, kind, currency, account) in ready {
        let Ok(currency) = currency.parse::<Currency>() else {
            tracing::error!(recipient, currency = %currency, "a ready page has an unknown currency; not paid");
            summary
                .errors
                .push((recipient, None, format!("unknown currency {currency}")));
            continue;
        };
        if let Err(e) = look_up_charges(db, stripe, recipient, kind == "cause").await {
            tracing::warn!(recipient, error = %e, "could not look up the Stripe charges of a payout");
            summary.skipped += 1;
            continue;
        }
        match plan(db, recipient, kind == "cause", currency, &account, paid_on).await {
            Ok(n) => summary.planned += n,
            Err(e) => {
                let why = describe(&e);
                tracing::error!(recipient, error = %why, "could not plan a page's payouts; the run goes on with the others");
                summary.errors.push((recipient, None, why));
            }
        }
    }
    if fault == Some(ConnectFault::AfterPlan) {
        return Err(ConnectError::Injected(ConnectFault::AfterPlan));
    }
    send_planned(db, stripe, fault, &mut summary).await?;
    Ok(summary)
}

/// Finds the Stripe charge of every succeeded Stripe charge whose money this page may be
/// paid, so the transfers can name it as `source_transaction`.
async fn look_up_charges(
    db: &Db,
    stripe: &StripeProcessor,
    recipient: i64,
    cause: bool,
) -> Result<(), ConnectError> {
    let mut conn = db.pool().acquire().await?;
    let open = payouts::open_shares_of(&mut conn, recipient, cause).await?;
    drop(conn);
    if shares::available(&open) < 1 {
        return Ok(());
    }
    let missing: Vec<(i64, String)> = sqlx::query_as(
        "select distinct c.id, c.processor_ref from charges c join allocations a on a.charge_id = c.id \
         where a.recipient_id = $1 and c.status = 'succeeded' and c.processor_charge_ref is null \
           and c.processor_ref like 'pi%' order by c.id",
    )
    .bind(recipient)
    .fetch_all(db.pool())
    .await?;
    let open_items: std::collections::HashSet<i64> = open.iter().map(|(i, _)| *i).collect();
    let charge_of = charges_of(db, recipient).await?;
    for (charge, payment_intent) in missing {
        let needed = charge_of
            .iter()
            .any(|(item, c)| *c == charge && open_items.contains(item));
        if !needed {
            continue;
        }
        if let Some(ch) = stripe
            .payment_charge(&payment_intent)
            .await
            .map_err(ConnectError::Processor)?
        {
            sqlx::query("update charges set processor_charge_ref = $1 where id = $2")
                .bind(&ch)
                .bind(charge)
                .execute(db.pool())
                .await?;
        }
    }
    Ok(())
}

async fn charges_of(db: &Db, recipient: i64) -> Result<HashMap<i64, i64>, sqlx::Error> {
    let rows: Vec<(i64, i64)> =
        sqlx::query_as("select item_id, charge_id from allocations where recipient_id = $1")
            .bind(recipient)
            .fetch_all(db.pool())
            .await?;
    Ok(rows.into_iter().collect())
}

/// The open shares grouped into transfers, one per source charge in the order the shares
/// come (oldest first). A negative share (money paid out earlier for a donation refunded
/// since) is netted from the first groups that can take it while keeping a positive amount;
/// what no group can take stays open for a later run.
pub fn group_by_charge(
    open: &[(i64, i64)],
    charge_of: &HashMap<i64, i64>,
) -> Vec<(i64, Vec<(i64, i64)>)> {
    // (charge, its shares, their sum so far)
    type Group = (i64, Vec<(i64, i64)>, i64);
    let mut groups: Vec<Group> = Vec::new();
    for &(item, amount) in open.iter().filter(|(_, a)| *a > 0) {
        let Some(&charge) = charge_of.get(&item) else {
            continue;
        };
        match groups.iter_mut().find(|g| g.0 == charge) {
            Some(g) => {
                g.1.push((item, amount));
                g.2 += amount;
            }
            None => groups.push((charge, vec![(item, amount)], amount)),
        }
    }
    for &(item, amount) in open.iter().filter(|(_, a)| *a < 0) {
        let mut owed = -amount;
        for g in groups.iter_mut() {
            let take = owed.min(g.2 - 1);
            if take > 0 {
                g.1.push((item, -take));
                g.2 -= take;
                owed -= take;
            }
            if owed == 0 {
                break;
            }
        }
    }
    groups
        .into_iter()
        .filter(|g| g.2 > 0)
        .map(|(charge, shares, _)| (charge, shares))
        .collect()
}

/// The idempotency key of the transfer paying payout `payout` from charge `charge`.
pub fn transfer_key(payout: i64, charge: i64) -> String {
    format!("chipin-transfer-{payout}-{charge}")
}

/// Plans one page's payouts and transfers in one transaction; returns how many.
async fn plan(
    db: &Db,
    recipient: i64,
    cause: bool,
    currency: Currency,
    account: &str,
    paid_on: i64,
) -> Result<usize, ConnectError> {
    let charge_of = charges_of(db, recipient).await?;
    let mut tx = db.begin_write().await?;
    shares::lock_recipient(&mut tx, recipient).await?;
    let open = payouts::open_shares_in(&mut tx, recipient, cause).await?;
    if shares::available(&open) < min_payout(currency) {
        tx.rollback().await?;
        return Ok(0);
    }
    let groups = group_by_charge(&open, &charge_of);
    let refs: Vec<(i64, Option<String>)> = sqlx::query_as(
        "select distinct c.id, c.processor_charge_ref from charges c join allocations a on a.charge_id = c.id \
         where a.recipient_id = $1",
    )
    .bind(recipient)
    .fetch_all(&mut *tx)
    .await?;
    let refs: HashMap<i64, Option<String>> = refs.into_iter().collect();
    let at = now();
    for (charge, shares) in &groups {
        let amount: i64 = shares.iter().map(|(_, a)| a).sum();
        let payout = NewPayout {
            recipient_id: recipient,
            amount: Money::new(amount, currency),
            paid_on,
            reference: format!("Stripe transfer for charge #{charge}"),
            by: RecordedBy::Processor,
        };
        let id = payouts::insert_payout(&mut tx, &payout, cause, shares).await?;
        sqlx::query(
            "insert into stripe_transfers (payout_id, recipient_id, charge_id, destination, \
               source_transaction, currency, amount_minor, idempotency_key, status, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, 'planned', $9, $9)",
        )
        .bind(id)
        .bind(recipient)
        .bind(*charge)
        .bind(account)
        .bind(refs.get(charge).cloned().flatten())
        .bind(currency.code())
        .bind(amount)
        .bind(transfer_key(id, *charge))
        .bind(at)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(groups.len())
}

/// A planned transfer as read back: (row, payout, page, charge, destination, source
/// transaction, currency, amount, key, first sent at).
type Planned = (
    i64,
    i64,
    i64,
    Option<i64>,
    String,
    Option<String>,
    String,
    i64,
    String,
    Option<i64>,
);

/// Sends every planned transfer, oldest first, and records each answer. An error with one
/// transfer is logged and counted, and the others are still sent.
async fn send_planned(
    db: &Db,
    stripe: &StripeProcessor,
    fault: Option<ConnectFault>,
    summary: &mut ConnectRunSummary,
) -> Result<(), ConnectError> {
    let planned: Vec<Planned> = sqlx::query_as(
        "select id, payout_id, recipient_id, charge_id, destination, source_transaction, currency, \
           amount_minor, idempotency_key, first_sent_at from stripe_transfers \
         where status = 'planned' order by id",
    )
    .fetch_all(db.pool())
    .await?;
    for row in planned {
        let (id, recipient) = (row.0, row.2);
        match send_one(db, stripe, row, fault, summary).await {
            Ok(()) => {}
            Err(e @ ConnectError::Injected(_)) => return Err(e),
            Err(e) => {
                let why = describe(&e);
                tracing::error!(transfer = id, recipient, error = %why, "could not send or record a transfer; it stays planned and the run goes on");
                summary.errors.push((recipient, Some(id), why));
            }
        }
    }
    Ok(())
}

/// Sends one planned transfer, or finds it at Stripe when an earlier attempt may have made
/// it, and records the answer.
async fn send_one(
    db: &Db,
    stripe: &StripeProcessor,
    row: Planned,
    fault: Option<ConnectFault>,
    summary: &mut ConnectRunSummary,
) -> Result<(), ConnectError> {
    let (id, payout, recipient, charge, destination, source, currency, amount, key, sent_before) =
        row;
    let currency = currency.parse::<Currency>().map_err(|_| {
        ConnectError::Payout(PayoutError::Field(
            "currency",
            crate::domain::platform::words::Words::new("money-unknown-currency"),
        ))
    })?;
    let request = TransferRequest {
        idempotency_key: key,
        amount: Money::new(amount, currency),
        destination,
        source_transaction: source,
        transfer_group: format!("chipin-payout-{payout}"),
        metadata: vec![
            ("chipin_transfer_id".to_owned(), id.to_string()),
            ("chipin_payout_id".to_owned(), payout.to_string()),
            ("chipin_recipient_id".to_owned(), recipient.to_string()),
            (
                "chipin_charge_id".to_owned(),
                charge.map(|c| c.to_string()).unwrap_or_default(),
            ),
        ],
    };
    if sent_before.is_some() {
        // Sent before without a recorded answer: Stripe may have made it, and may have
        // forgotten the key since. Look before sending again.
        match stripe.find_transfer(&request).await {
            Ok(Some(transfer_ref)) => {
                record_sent(db, id, payout, &transfer_ref, false).await?;
                tracing::info!(transfer = id, recipient, transfer_ref = %transfer_ref, "found a transfer Stripe had made; recorded, not sent again");
                summary.found += 1;
                summary.sent += 1;
                *summary.sent_minor.entry(currency).or_default() += amount;
                return Ok(());
            }
            Ok(None) => {}
            Err(e) => {
                record_no_answer(db, id, &e.to_string(), false).await?;
                tracing::warn!(transfer = id, recipient, error = %e, "could not look up a transfer sent before; it is looked up again next run");
                summary.waiting += 1;
                return Ok(());
            }
        }
    }
    sqlx::query(
        "update stripe_transfers set first_sent_at = $1 where id = $2 and first_sent_at is null",
    )
    .bind(now())
    .bind(id)
    .execute(db.pool())
    .await?;
    let answer = stripe.transfer(&request).await;
    if fault == Some(ConnectFault::AfterFirstTransfer) {
        return Err(ConnectError::Injected(ConnectFault::AfterFirstTransfer));
    }
    match answer {
        Ok(TransferOutcome::Sent { transfer_ref }) => {
            record_sent(db, id, payout, &transfer_ref, true).await?;
            summary.sent += 1;
            *summary.sent_minor.entry(currency).or_default() += amount;
        }
        Ok(TransferOutcome::Refused { reason }) => {
            let reason: String = reason.chars().take(300).collect();
            let mut tx = db.begin_write().await?;
            let done = sqlx::query(
                "update stripe_transfers set status = 'failed', failure_reason = $1, \
                 attempts = attempts + 1, updated_at = $2 where id = $3 and status = 'planned'",
            )
            .bind(&reason)
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 1 {
                payouts::return_payout(
                    &mut tx,
                    payout,
                    &format!("Stripe refused the transfer: {reason}"),
                )
                .await?;
            }
            tx.commit().await?;
            tracing::warn!(transfer = id, recipient, reason = %reason, "Stripe refused a transfer; its payout was returned");
            summary.failed.push((id, recipient, reason));
        }
        Err(e) => {
            record_no_answer(db, id, &e.to_string(), true).await?;
            tracing::warn!(transfer = id, recipient, error = %e, "a transfer got no answer; it is looked up, then sent again with the same key, next run");
            summary.waiting += 1;
        }
    }
    Ok(())
}

/// Records a transfer Stripe made and marks its payout arrived, in one transaction.
async fn record_sent(
    db: &Db,
    id: i64,
    payout: i64,
    transfer_ref: &str,
    attempted: bool,
) -> Result<(), ConnectError> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "update stripe_transfers set status = 'sent', transfer_ref = $1, \
         attempts = attempts + $2, last_error = null, updated_at = $3 \
         where id = $4 and status = 'planned'",
    )
    .bind(transfer_ref)
    .bind(i64::from(attempted))
    .bind(now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 1 {
        // The money is on the connected account's Stripe balance: arrived.
        payouts::mark_transfer_arrived(&mut tx, payout).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Notes a call without an answer on a transfer that stays planned.
async fn record_no_answer(
    db: &Db,
    id: i64,
    error: &str,
    attempted: bool,
) -> Result<(), ConnectError> {
    let error: String = error.chars().take(300).collect();
    sqlx::query(
        "update stripe_transfers set attempts = attempts + $1, last_error = $2, updated_at = $3 \
         where id = $4 and status = 'planned'",
    )
    .bind(i64::from(attempted))
    .bind(&error)
    .bind(now())
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Applies a `transfer.reversed` event in the webhook's transaction: a wholly reversed
/// transfer of Chipin's is marked reversed and its payout returned (its shares unpaid again).
/// Found by its id or, when Chipin has not recorded the answer yet, by its metadata.
pub async fn transfer_reversed(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    transfer_ref: &str,
    chipin_id: Option<i64>,
    fully: bool,
    at: i64,
) -> Result<String, PayoutError> {
    let row: Option<(i64, i64, String)> = sqlx::query_as(
        "select id, payout_id, status from stripe_transfers \
         where transfer_ref = $1 or (id = $2 and transfer_ref is null) \
         order by case when transfer_ref = $1 then 0 else 1 end limit 1",
    )
    .bind(transfer_ref)
    .bind(chipin_id.unwrap_or(0))
    .fetch_optional(&mut **tx)
    .await?;
    let Some((id, payout, status)) = row else {
        return Ok(format!("ignored: {transfer_ref} is not a Chipin transfer"));
    };
    if !fully {
        tracing::warn!(
            transfer = id,
            "a Stripe transfer was partly reversed; the operator must settle it"
        );
        return Ok(format!(
            "recorded: {transfer_ref} partly reversed, left to the operator"
        ));
    }
    if status != "planned" && status != "sent" {
        return Ok(format!("ignored: transfer {id} is already {status}"));
    }
    let done = sqlx::query(
        "update stripe_transfers set status = 'reversed', transfer_ref = $1, \
         failure_reason = 'reversed by Stripe', updated_at = $2 \
         where id = $3 and status in ('planned', 'sent')",
    )
    .bind(transfer_ref)
    .bind(at)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 1 {
        payouts::return_payout(tx, payout, "the Stripe transfer was reversed").await?;
    }
    tracing::warn!(
        transfer = id,
        payout,
        "a Stripe transfer was reversed; its payout was returned"
    );
    Ok(format!(
        "applied: transfer {id} reversed, payout {payout} returned"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_group_by_charge_in_order_and_refunds_are_netted_keeping_each_positive() {
        let charge_of = HashMap::from([(1, 10), (2, 11), (3, 10), (4, 12), (5, 11)]);
        let open = [(1, 500), (2, 300), (3, 200), (4, -650), (5, 100)];
        let groups = group_by_charge(&open, &charge_of);
        assert_eq!(
            groups,
            vec![
                (10, vec![(1, 500), (3, 200), (4, -650)]),
                (11, vec![(2, 300), (5, 100)]),
            ]
        );
        // 650 is more than charge 10 can take while staying positive: 699 of it, then the rest.
        let open = [(1, 500), (2, 300), (3, 200), (4, -750)];
        let groups = group_by_charge(&open, &charge_of);
        assert_eq!(
            groups,
            vec![
                (10, vec![(1, 500), (3, 200), (4, -699)]),
                (11, vec![(2, 300), (4, -51)]),
            ]
        );
        let total: i64 = groups.iter().flat_map(|g| g.1.iter()).map(|s| s.1).sum();
        assert_eq!(total, 1000 - 750);
        // A refund bigger than everything else leaves nothing to transfer.
        let groups = group_by_charge(&[(1, 100), (4, -500)], &charge_of);
        assert_eq!(groups, vec![(10, vec![(1, 100), (4, -99)])]);
    }

    #[test]
    fn keys_name_the_payout_and_the_charge() {
        assert_eq!(transfer_key(7, 42), "chipin-transfer-7-42");
    }
}
