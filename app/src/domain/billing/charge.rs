//! Phase two of a run: send committed charge intents to the processor and commit what came
//! back; and the retry schedule for declined charges.

use super::fee_split;
use super::gather::idempotency_key;
use super::{BillingConfig, BillingError, FaultPoint, Progress, RunSummary};
use crate::domain::Db;
use crate::domain::books::journal;
use crate::domain::mail::{self, templates};
use crate::domain::platform::clock::now as wall_clock;
use crate::domain::platform::db::Backend;
use crate::domain::platform::sql::{json_ids, json_param, json_rows};
use crate::domain::processors::fees::percentage_fee;
use crate::domain::processors::{ChargeOutcome, ChargeRequest, PaymentProcessor, ProcessorError};
use crate::money::{Currency, Money};
use futures::{SinkExt as _, StreamExt as _};
use std::collections::HashMap;

#[derive(sqlx::FromRow)]
struct PendingRow {
    id: i64,
    supporter_id: i64,
    currency: String,
    cycle: String,
    attempt: i64,
    amount_minor: i64,
    idempotency_key: String,
}

impl PendingRow {
    /// The charge as the send and settle code needs it, without its payment method yet.
    fn into_pending(self) -> Result<Pending, BillingError> {
        Ok(Pending {
            id: self.id,
            supporter: self.supporter_id,
            currency: self.currency.parse().map_err(|_| {
                BillingError::Inconsistent(format!(
                    "charge {}: currency {}",
                    self.id, self.currency
                ))
            })?,
            cycle: self.cycle,
            attempt: self.attempt,
            amount: self.amount_minor,
            key: self.idempotency_key,
            payment_method: None,
            customer: None,
        })
    }
}

/// A claimed charge, ready to send.
#[derive(Clone, Debug)]
struct Pending {
    id: i64,
    supporter: i64,
    currency: Currency,
    cycle: String,
    attempt: i64,
    amount: i64,
    key: String,
    payment_method: Option<String>,
    customer: Option<String>,
}

/// The status a charge sent by the scheduler leaves.
const PENDING: &str = "'pending'";
/// The statuses of a charge the processor settles later (by webhook).
const AWAITING: &str = "'processing', 'requires_action'";
/// The statuses a webhook naming the charge itself may settle: also a charge whose call's
/// answer was lost, still `pending`. A charge already settled is never moved again.
const UNSETTLED: &str = "'pending', 'processing', 'requires_action'";

/// What came back for one claimed charge.
type Outcome = (Pending, Result<ChargeOutcome, ProcessorError>);

/// How long an outcome may wait for others before its batch is committed anyway.
const COMMIT_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

/// Sends every pending charge once (those already pending when the run reaches them).
///
/// Claiming, calling and committing overlap: batches of pending charges are claimed as the
/// calls need them, up to `concurrency` calls are in flight at any moment, and outcomes are
/// committed a batch per transaction while the next calls are already under way. A slow or
/// rate-limited processor therefore sets the pace, not the round trips between phases.
pub async fn send_pending(
    db: &Db,
    processor: &dyn PaymentProcessor,
    config: &BillingConfig,
    now: i64,
    summary: &mut RunSummary,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<(), BillingError> {
    let (to_send,): (i64,) =
        sqlx::query_as("select count(*) from charges where status = 'pending'")
            .fetch_one(db.pool())
            .await?;
    progress(Progress::ChargesToSend(to_send as u64));
    let batch = config.batch_size.max(1);
    let writer = Writer::for_backend(db.backend());
    let writer = &writer;
    let pace = config.calls_per_second.map(|n| {
        // One call at a time, evenly spaced: never a burst the processor would refuse.
        governor::RateLimiter::direct(
            governor::Quota::per_second(n).allow_burst(std::num::NonZeroU32::MIN),
        )
    });
    let pace = pace.as_ref();
    let (mut outcomes_in, mut outcomes) = futures::channel::mpsc::channel::<Outcome>(batch);

    let calls = async move {
        let concurrency = config.concurrency.max(1);
        let mut in_flight = futures::stream::FuturesUnordered::new();
        let mut queue: std::collections::VecDeque<Pending> = std::collections::VecDeque::new();
        let mut after = 0i64;
        let mut claimed_all = false;
        loop {
            while in_flight.len() < concurrency {
                if queue.is_empty() && !claimed_all {
                    let batch = claim(db, writer, config, after).await?;
                    match batch.last() {
                        Some(last) => after = last.id,
                        None => claimed_all = true,
                    }
                    queue.extend(batch);
                }
                let Some(p) = queue.pop_front() else { break };
                in_flight.push(call(processor, pace, p));
            }
            let Some(outcome) = in_flight.next().await else {
                return Ok(());
            };
            if outcomes_in.send(outcome).await.is_err() {
                // The committer stopped; its error is the run's.
                return Ok(());
            }
        }
    };

    let commits = async move {
        let mut done = 0u64;
        let mut first = true;
        loop {
            let Some(outcome) = outcomes.next().await else {
                return Ok(());
            };
            let mut chunk = Vec::with_capacity(batch);
            chunk.push(outcome);
            let deadline = tokio::time::Instant::now() + COMMIT_AFTER;
            while chunk.len() < batch {
                match tokio::time::timeout_at(deadline, outcomes.next()).await {
                    Ok(Some(outcome)) => chunk.push(outcome),
                    Ok(None) | Err(_) => break,
                }
            }
            if config.fault == Some(FaultPoint::AfterProcessorCalls) {
                return Err(BillingError::Injected(FaultPoint::AfterProcessorCalls));
            }
            done += chunk.len() as u64;
            commit_outcomes(db, writer, config, chunk, now, summary).await?;
            progress(Progress::Charged(done));
            if first && config.fault == Some(FaultPoint::AfterFirstResults) {
                return Err(BillingError::Injected(FaultPoint::AfterFirstResults));
            }
            first = false;
        }
    };

    let (called, committed): (Result<(), BillingError>, Result<(), BillingError>) =
        futures::join!(calls, commits);
    committed?;
    called
}

/// Takes turns between a run's claims and commits where the database has one writer at a
/// time. SQLite makes a blocked writer sleep and poll; queueing here instead hands the lock
/// over the moment it is free. PostgreSQL locks rows, so there both go ahead at once.
struct Writer(Option<tokio::sync::Mutex<()>>);

impl Writer {
    fn for_backend(backend: Backend) -> Self {
        Self(matches!(backend, Backend::Sqlite).then(|| tokio::sync::Mutex::new(())))
    }

    async fn turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match &self.0 {
            Some(lock) => Some(lock.lock().await),
            None => None,
        }
    }
}

/// How often a call refused by the processor's rate limit is sent again in one run, and the
/// first wait before doing so (doubled each time).
const RATE_LIMIT_RETRIES: u32 = 6;
const RATE_LIMIT_BACKOFF: std::time::Duration = std::time::Duration::from_millis(100);

/// Sends one claimed charge, at the run's pace; a charge without a payment method is declined
/// without a call. A call refused for the rate limit is sent again, with the same idempotency
/// key, after a growing wait; if it is still refused the charge stays pending.
async fn call(
    processor: &dyn PaymentProcessor,
    pace: Option<&governor::DefaultDirectRateLimiter>,
    p: Pending,
) -> Outcome {
    let Some(method) = &p.payment_method else {
        let declined = ChargeOutcome::Declined {
            processor_ref: None,
            code: "payment_method_missing".into(),
        };
        return (p, Ok(declined));
    };
    let request = ChargeRequest {
        idempotency_key: p.key.clone(),
        amount: Money::new(p.amount, p.currency),
        customer: p.customer.clone(),
        payment_method: method.clone(),
        charge_id: p.id,
        supporter_id: p.supporter,
        cycle: p.cycle.clone(),
    };
    let mut backoff = RATE_LIMIT_BACKOFF;
    let mut retries = 0;
    loop {
        if let Some(pace) = pace {
            pace.until_ready().await;
        }
        match processor.charge(request.clone()).await {
            Err(ProcessorError::RateLimited) if retries < RATE_LIMIT_RETRIES => {
                tokio::time::sleep(backoff).await;
                backoff *= 2;
                retries += 1;
            }
            outcome => return (p, outcome),
        }
    }
}

/// Claims the next batch of pending charges after `after` for this instance, in one
/// statement: the lease is taken as the rows are chosen, so two instances never share one.
async fn claim(
    db: &Db,
    writer: &Writer,
    config: &BillingConfig,
    after: i64,
) -> Result<Vec<Pending>, BillingError> {
    let _turn = writer.turn().await;
    let wall = wall_clock();
    let lock = match db.backend() {
        Backend::Postgres => " for update skip locked",
        Backend::Sqlite => "",
    };
    let mut rows: Vec<PendingRow> = sqlx::query_as(&format!(
        "update charges set claimed_until = $1 where id in \
           (select id from charges where status = 'pending' and id > $2 \
            and (claimed_until is null or claimed_until <= $3) order by id limit $4{lock}) \
         returning id, supporter_id, currency, cycle, attempt, amount_minor, idempotency_key"
    ))
    .bind(wall + config.claim_lease_secs)
    .bind(after)
    .bind(wall)
    .bind(config.batch_size as i64)
    .fetch_all(db.pool())
    .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    rows.sort_unstable_by_key(|r| r.id);
    let ids: Vec<i64> = rows.iter().map(|r| r.supporter_id).collect();
    let methods: HashMap<i64, (Option<String>, Option<String>)> =
        sqlx::query_as::<_, (i64, Option<String>, Option<String>)>(&format!(
            "select user_id, payment_method, processor_customer from billing_profiles \
         where user_id in ({})",
            json_ids(db.backend(), 1)
        ))
        .bind(json_param(&ids))
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|(user, method, customer)| (user, (method, customer)))
        .collect();
    rows.into_iter()
        .map(|r| {
            let (payment_method, customer) =
                methods.get(&r.supporter_id).cloned().unwrap_or_default();
            Ok(Pending {
                payment_method,
                customer,
                ..r.into_pending()?
            })
        })
        .collect()
}

/// Commits a batch of outcomes in one transaction. Each charge moves out of `pending` only
/// once, so an outcome that another instance already committed is skipped.
async fn commit_outcomes(
    db: &Db,
    writer: &Writer,
    config: &BillingConfig,
    outcomes: Vec<Outcome>,
    now: i64,
    summary: &mut RunSummary,
) -> Result<(), BillingError> {
    // Retries are scheduled from the run's "now" (the end of its as-of day).
    let at = now;
    let backend = db.backend();
    let _turn = writer.turn().await;
    let mut tx = db.begin_write().await?;
    let mut succeeded: Vec<(Pending, String, i64)> = Vec::new();
    let mut unreachable: Vec<i64> = Vec::new();
    for (p, outcome) in outcomes {
        match outcome {
            Ok(ChargeOutcome::Succeeded {
                processor_ref,
                fee_minor,
            }) => succeeded.push((p, processor_ref, fee_minor)),
            Ok(ChargeOutcome::Declined {
                processor_ref,
                code,
            }) => {
                if decline(
                    &mut tx,
                    config,
                    &p,
                    processor_ref,
                    &code,
                    summary,
                    Transition { at, from: PENDING },
                )
                .await?
                {
                    summary.charges_declined += 1;
                }
            }
            Ok(ChargeOutcome::RequiresAuthentication { processor_ref }) => {
                if set_status(
                    &mut tx,
                    p.id,
                    "requires_action",
                    Some(&processor_ref),
                    at,
                    PENDING,
                )
                .await?
                {
                    summary.charges_requiring_action += 1;
                    notify_authentication(&mut tx, config, &p).await?;
                }
            }
            Ok(ChargeOutcome::Processing { processor_ref }) => {
                if set_status(
                    &mut tx,
                    p.id,
                    "processing",
                    Some(&processor_ref),
                    at,
                    PENDING,
                )
                .await?
                {
                    summary.charges_processing += 1;
                }
            }
            Err(e) => {
                tracing::warn!(charge = p.id, error = %e, "charge not sent; it stays pending for the next run");
                unreachable.push(p.id);
            }
        }
    }
    if !unreachable.is_empty() {
        sqlx::query(&format!(
            "update charges set claimed_until = null where status = 'pending' and id in ({})",
            json_ids(backend, 1)
        ))
        .bind(json_param(&unreachable))
        .execute(&mut *tx)
        .await?;
        summary.charges_unreachable += unreachable.len() as u64;
    }
    settle_successes(&mut tx, backend, config, succeeded, at, summary, PENDING).await?;
    tx.commit().await?;
    Ok(())
}

/// Commits the outcome of a charge its supporter authenticated on-session, through the same
/// code a run commits an off-session outcome with. False when it was no longer waiting
/// (another request settled it first), and then nothing changes.
pub async fn commit_authenticated(
    db: &Db,
    config: &BillingConfig,
    charge: i64,
    outcome: ChargeOutcome,
    at: i64,
) -> Result<bool, BillingError> {
    const WAITING: &str = "'requires_action'";
    let mut tx = db.begin_write().await?;
    let Some(p) = load_charge(&mut tx, charge).await? else {
        return Ok(false);
    };
    let mut summary = RunSummary::default();
    let changed = match outcome {
        ChargeOutcome::Succeeded {
            processor_ref,
            fee_minor,
        } => {
            settle_successes(
                &mut tx,
                db.backend(),
                config,
                vec![(p, processor_ref, fee_minor)],
                at,
                &mut summary,
                WAITING,
            )
            .await?;
            summary.charges_succeeded == 1
        }
        ChargeOutcome::Declined {
            processor_ref,
            code,
        } => {
            decline(
                &mut tx,
                config,
                &p,
                processor_ref,
                &code,
                &mut summary,
                Transition { at, from: WAITING },
            )
            .await?
        }
        // Still waiting: nothing to commit.
        ChargeOutcome::RequiresAuthentication { .. } => false,
        ChargeOutcome::Processing { processor_ref } => {
            set_status(
                &mut tx,
                p.id,
                "processing",
                Some(&processor_ref),
                at,
                WAITING,
            )
            .await?
        }
    };
    tx.commit().await?;
    Ok(changed)
}

/// Moves one charge out of one of the statuses `from`; false if it had already left.
async fn set_status(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    charge: i64,
    status: &str,
    processor_ref: Option<&str>,
    at: i64,
    from: &str,
) -> Result<bool, BillingError> {
    let done = sqlx::query(&format!(
        "update charges set status = $1, processor_ref = $2, updated_at = $3, claimed_until = null \
         where id = $4 and status in ({from})"
    ))
    .bind(status)
    .bind(processor_ref)
    .bind(at)
    .bind(charge)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records successful charges: allocations with the fee split exactly, one journal entry per
/// charge whose lines reference every item, and the items paid.
///
/// Only the fee split is worked out here; everything else is derived by the database from
/// rows it already has, a few statements per batch whatever its size.
async fn settle_successes(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    config: &BillingConfig,
    succeeded: Vec<(Pending, String, i64)>,
    at: i64,
    summary: &mut RunSummary,
    from: &str,
) -> Result<(), BillingError> {
    if succeeded.is_empty() {
        return Ok(());
    }
    // The platform's cut of each charge, taken from what the processor left.
    let rows: Vec<(i64, &str, i64, i64)> = succeeded
        .iter()
        .map(|(p, reference, fee)| {
            let platform = percentage_fee(p.amount, config.platform_fee_bps, 0).min(p.amount - fee);
            (p.id, reference.as_str(), *fee, platform.max(0))
        })
        .collect();
    // Claim the transition in one statement; only charges still in `from` come back.
    let won: std::collections::HashSet<i64> = sqlx::query_as::<_, (i64,)>(&format!(
        "update charges set status = 'succeeded', processor_ref = v.reference, fee_minor = v.fee, \
                platform_fee_minor = v.platform_fee, updated_at = $1, claimed_until = null \
         from ({}) as v where charges.id = v.id and charges.status in ({from}) \
         returning charges.id",
        json_rows(
            backend,
            2,
            &[
                ("id", "bigint"),
                ("reference", "text"),
                ("fee", "bigint"),
                ("platform_fee", "bigint"),
            ]
        )
    ))
    .bind(at)
    .bind(json_param(&rows))
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|(id,)| id)
    .collect();
    if won.is_empty() {
        return Ok(());
    }
    let won_ids: Vec<i64> = {
        let mut ids: Vec<i64> = won.iter().copied().collect();
        ids.sort_unstable();
        ids
    };
    let won_json = json_param(&won_ids);
    let items: Vec<(i64, i64, i64)> = sqlx::query_as(&format!(
        "select id, charge_id, gross_minor from donation_items \
         where status = 'charging' and charge_id in ({}) order by charge_id, id",
        json_ids(backend, 1)
    ))
    .bind(&won_json)
    .fetch_all(&mut **tx)
    .await?;
    let mut by_charge: HashMap<i64, Vec<(i64, i64)>> = HashMap::with_capacity(won.len());
    for (item, charge, gross) in items {
        by_charge.entry(charge).or_default().push((item, gross));
    }

    // (item, fee share, platform fee share) for every item of every charge won.
    let mut shares: Vec<(i64, i64, i64)> = Vec::new();
    for ((p, _, fee), (_, _, _, platform)) in succeeded.iter().zip(&rows) {
        if !won.contains(&p.id) {
            continue;
        }
        let items = by_charge.get(&p.id).map(Vec::as_slice).unwrap_or_default();
        let grosses: Vec<i64> = items.iter().map(|&(_, gross)| gross).collect();
        let total: i64 = grosses.iter().sum();
        if total != p.amount {
            return Err(BillingError::Inconsistent(format!(
                "charge {} is for {} but its items add up to {total}",
                p.id, p.amount
            )));
        }
        let fee_shares = fee_split::split(*fee, &grosses).ok_or_else(|| {
            BillingError::Inconsistent(format!("charge {}: cannot split fee {fee}", p.id))
        })?;
        let platform_shares = fee_split::split(*platform, &grosses).ok_or_else(|| {
            BillingError::Inconsistent(format!("charge {}: cannot split platform fee", p.id))
        })?;
        for ((&(item, _), f), pf) in items.iter().zip(fee_shares).zip(platform_shares) {
            shares.push((item, f, pf));
        }
        let t = summary.totals.entry(p.currency).or_default();
        t.gross_minor += p.amount;
        t.fee_minor += fee;
        t.platform_fee_minor += platform;
        summary.charges_succeeded += 1;
        summary.items_charged += items.len() as u64;
    }

    // The table's check constraint holds every row to gross = fee + platform fee + net.
    sqlx::query(&format!(
        "insert into allocations (item_id, charge_id, recipient_id, currency, gross_minor, fee_minor, platform_fee_minor, net_minor) \
         select i.id, i.charge_id, i.recipient_id, i.currency, i.gross_minor, v.fee, v.platform_fee, \
                i.gross_minor - v.fee - v.platform_fee \
         from ({}) as v join donation_items i on i.id = v.item",
        json_rows(
            backend,
            1,
            &[("item", "bigint"), ("fee", "bigint"), ("platform_fee", "bigint")]
        )
    ))
    .bind(json_param(&shares))
    .execute(&mut **tx)
    .await?;
    journal::post_charges(tx, backend, &won_json).await?;
    sqlx::query(&format!(
        "update donation_items set status = 'paid' where status = 'charging' and charge_id in ({})",
        json_ids(backend, 1)
    ))
    .bind(&won_json)
    .execute(&mut **tx)
    .await?;
    // A pledge that was past due is in good standing again.
    sqlx::query(&format!(
        "update pledges set status = 'active' where status = 'past_due' and id in \
         (select pledge_id from donation_items where charge_id in ({}) and pledge_id is not null)",
        json_ids(backend, 1)
    ))
    .bind(&won_json)
    .execute(&mut **tx)
    .await?;
    // Each charge owes a receipt; the mail worker writes it ([`write_receipts`]).
    sqlx::query(&format!(
        "insert into receipts_due (charge_id, created_at) select c.id, $2 from charges c \
         where c.id in ({})",
        json_ids(backend, 1)
    ))
    .bind(&won_json)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes the receipts successful charges owe, up to `limit` of them, into the email outbox:
/// every donation with its fee shares and a link to its trail page on `site_url`. A receipt
/// is taken off the list in the transaction that queues its email, so it is written once even
/// with several workers. Returns how many were written.
pub async fn write_receipts(db: &Db, site_url: &str, limit: i64) -> Result<u64, BillingError> {
    let backend = db.backend();
    // Most polls find nothing owed; they should not take the write lock to learn that.
    let owed: Option<(i64,)> = sqlx::query_as("select charge_id from receipts_due limit 1")
        .fetch_optional(db.pool())
        .await?;
    if owed.is_none() {
        return Ok(0);
    }
    let mut tx = db.begin_write().await?;
    let taken: Vec<i64> = sqlx::query_as::<_, (i64,)>(
        "delete from receipts_due where charge_id in \
           (select charge_id from receipts_due order by charge_id limit $1) returning charge_id",
    )
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|(id,)| id)
    .collect();
    if taken.is_empty() {
        return Ok(0);
    }
    queue_receipts(
        &mut tx,
        backend,
        site_url,
        &json_param(&taken),
        wall_clock(),
    )
    .await?;
    tx.commit().await?;
    Ok(taken.len() as u64)
}

/// Queues a receipt for every charge in `won` (a JSON array of charge ids): one read of their
/// donations and one insert into the outbox for them all.
async fn queue_receipts(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    site_url: &str,
    won: &str,
    at: i64,
) -> Result<(), BillingError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        charge_id: i64,
        currency: String,
        amount_minor: i64,
        charge_fee: i64,
        email: String,
        display_name: String,
        item_id: i64,
        recipient: String,
        period: Option<String>,
        gross_minor: i64,
        fee_minor: i64,
        platform_fee_minor: i64,
        net_minor: i64,
        budget_line: Option<String>,
    }
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "select c.id as charge_id, c.currency, c.amount_minor, coalesce(c.fee_minor, 0) as charge_fee,                 u.email, u.display_name, a.item_id, r.name as recipient, i.period,                 a.gross_minor, a.fee_minor, a.platform_fee_minor, a.net_minor, b.name as budget_line          from charges c join users u on u.id = c.supporter_id          join allocations a on a.charge_id = c.id join donation_items i on i.id = a.item_id          join recipients r on r.id = a.recipient_id          left join budget_lines b on b.id = i.budget_line_id          where c.id in ({}) order by c.id, a.item_id",
        json_ids(backend, 1)
    ))
    .bind(won)
    .fetch_all(&mut **tx)
    .await?;
    let mut emails: Vec<(String, String, String, String)> = Vec::new();
    let mut start = 0;
    while start < rows.len() {
        let first = &rows[start];
        let end = rows[start..]
            .iter()
            .position(|r| r.charge_id != first.charge_id)
            .map_or(rows.len(), |n| start + n);
        let m = |minor: i64| crate::money::format_money(minor, &first.currency);
        let lines: Vec<templates::ReceiptLine> = rows[start..end]
            .iter()
            .map(|r| templates::ReceiptLine {
                recipient: r.recipient.clone(),
                label: {
                    let kind = match &r.period {
                        Some(p) => format!("monthly pledge, {p}"),
                        None => "tip".to_owned(),
                    };
                    match &r.budget_line {
                        Some(line) => format!("{kind}, earmarked for {line}"),
                        None => kind,
                    }
                },
                gross: m(r.gross_minor),
                fee: m(r.fee_minor),
                platform_fee: m(r.platform_fee_minor),
                net: m(r.net_minor),
                link: format!("{site_url}/account/donations/{}", r.item_id),
            })
            .collect();
        let e = templates::charge_receipt(
            &first.email,
            &first.display_name,
            first.charge_id,
            &m(first.amount_minor),
            &m(first.charge_fee),
            &lines,
        );
        emails.push((e.to, e.subject, e.text, e.html));
        start = end;
    }
    if emails.is_empty() {
        return Ok(());
    }
    sqlx::query(&format!(
        "insert into email_outbox (to_address, subject, body_text, body_html, created_at, next_attempt_at)          select v.to_address, v.subject, v.body_text, v.body_html, $1, $1 from ({}) as v",
        json_rows(
            backend,
            2,
            &[
                ("to_address", "text"),
                ("subject", "text"),
                ("body_text", "text"),
                ("body_html", "text"),
            ]
        )
    ))
    .bind(at)
    .bind(json_param(&emails))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// When a charge changes status, and the statuses it may change from.
#[derive(Clone, Copy)]
struct Transition<'a> {
    at: i64,
    from: &'a str,
}

/// Records a decline: schedules the next attempt, or after the last one voids the items and
/// pauses the pledges. The supporter is emailed either way. False if already recorded.
async fn decline(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    config: &BillingConfig,
    p: &Pending,
    processor_ref: Option<String>,
    code: &str,
    summary: &mut RunSummary,
    Transition { at, from }: Transition<'_>,
) -> Result<bool, BillingError> {
    let retry_index = (p.attempt - 1) as usize;
    let next_retry_at = config.retry_days.get(retry_index).map(|days| {
        let previous = if retry_index == 0 {
            0
        } else {
            config.retry_days[retry_index - 1]
        };
        at + (days - previous) * 86_400
    });
    let done = sqlx::query(&format!(
        "update charges set status = 'failed', processor_ref = $1, decline_code = $2, next_retry_at = $3, \
         updated_at = $4, claimed_until = null where id = $5 and status in ({from})"
    ))
    .bind(processor_ref)
    .bind(code)
    .bind(next_retry_at)
    .bind(at)
    .bind(p.id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    let final_attempt = next_retry_at.is_none();
    if final_attempt {
        let voided = sqlx::query("update donation_items set status = 'voided' where charge_id = $1 and status = 'charging'")
            .bind(p.id)
            .execute(&mut **tx)
            .await?;
        summary.items_voided += voided.rows_affected();
        sqlx::query(
            "update pledges set status = 'paused', updated_at = $1 where status in ('active', 'past_due') and id in \
             (select pledge_id from donation_items where charge_id = $2 and pledge_id is not null)",
        )
        .bind(at)
        .bind(p.id)
        .execute(&mut **tx)
        .await?;
    } else {
        sqlx::query(
            "update pledges set status = 'past_due', updated_at = $1 where status = 'active' and id in \
             (select pledge_id from donation_items where charge_id = $2 and pledge_id is not null)",
        )
        .bind(at)
        .bind(p.id)
        .execute(&mut **tx)
        .await?;
    }
    let who = supporter_contact(tx, p.supporter).await?;
    if let Some((email, name)) = who {
        let amount = Money::new(p.amount, p.currency).to_string();
        mail::enqueue(
            &mut **tx,
            &templates::payment_failed(
                &email,
                &name,
                &amount,
                code,
                final_attempt,
                &format!("{}/account/billing", config.site_url),
            ),
        )
        .await?;
    }
    Ok(true)
}

/// A supporter's email address and display name, for the mail a charge's outcome sends.
async fn supporter_contact(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    supporter: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("select email, display_name from users where id = $1")
        .bind(supporter)
        .fetch_optional(&mut **tx)
        .await
}

async fn notify_authentication(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    config: &BillingConfig,
    p: &Pending,
) -> Result<(), BillingError> {
    let who = supporter_contact(tx, p.supporter).await?;
    if let Some((email, name)) = who {
        let amount = Money::new(p.amount, p.currency).to_string();
        let path = format!("{}/account/billing/authenticate/{}", config.site_url, p.id);
        mail::enqueue(
            &mut **tx,
            &templates::authentication_required(&email, &name, &amount, &path),
        )
        .await?;
    }
    Ok(())
}

/// Creates the next attempt of every declined charge whose retry is due.
pub async fn schedule_retries(
    db: &Db,
    config: &BillingConfig,
    now: i64,
    summary: &mut RunSummary,
) -> Result<(), BillingError> {
    let lock = match db.backend() {
        Backend::Postgres => " for update skip locked",
        Backend::Sqlite => "",
    };
    loop {
        let mut tx = db.begin_write().await?;
        let due: Vec<(i64, i64, String, String, i64, i64)> = sqlx::query_as(&format!(
            "select id, supporter_id, currency, cycle, attempt, amount_minor from charges \
             where status = 'failed' and next_retry_at is not null and next_retry_at <= $1 \
             order by id limit $2{lock}"
        ))
        .bind(now)
        .bind(config.batch_size as i64)
        .fetch_all(&mut *tx)
        .await?;
        if due.is_empty() {
            tx.commit().await?;
            return Ok(());
        }
        for (id, supporter, currency, cycle, attempt, amount) in due {
            let taken = sqlx::query("update charges set next_retry_at = null where id = $1 and next_retry_at is not null")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            if taken.rows_affected() == 0 {
                continue;
            }
            let c: Currency = currency.parse().map_err(|_| {
                BillingError::Inconsistent(format!("charge {id}: currency {currency}"))
            })?;
            let next = attempt + 1;
            let (new_id,): (i64,) = sqlx::query_as(
                "insert into charges (supporter_id, currency, cycle, attempt, amount_minor, idempotency_key, status, created_at, updated_at) \
                 values ($1, $2, $3, $4, $5, $6, 'pending', $7, $7) returning id",
            )
            .bind(supporter)
            .bind(c.code())
            .bind(&cycle)
            .bind(next)
            .bind(amount)
            .bind(idempotency_key(supporter, c, &cycle, next))
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("update donation_items set charge_id = $1 where charge_id = $2 and status = 'charging'")
                .bind(new_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            summary.retries_scheduled += 1;
        }
        tx.commit().await?;
    }
}

/// What settling a charge the processor finished later did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settled {
    /// The charge with this id took the outcome.
    Charge(i64),
    /// No charge was waiting under that processor reference (unknown, or already settled).
    Nothing,
}

/// Settles a charge left `processing` or `requires_action` once the processor reports how it
/// ended (a webhook, or the supporter's on-session confirmation), inside the caller's
/// transaction: a success records allocations, fee split and journal exactly as the scheduler
/// does; a failure goes into the retry schedule with its decline code; `processing` moves a
/// charge that waited for authentication on. Repeating it changes nothing.
pub async fn settle_awaiting(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    config: &BillingConfig,
    outcome: &ChargeOutcome,
    at: i64,
) -> Result<Settled, BillingError> {
    let processor_ref = match outcome {
        ChargeOutcome::Succeeded { processor_ref, .. }
        | ChargeOutcome::RequiresAuthentication { processor_ref }
        | ChargeOutcome::Processing { processor_ref } => processor_ref.as_str(),
        ChargeOutcome::Declined { processor_ref, .. } => match processor_ref {
            Some(r) => r.as_str(),
            None => return Ok(Settled::Nothing),
        },
    };
    let row: Option<PendingRow> = sqlx::query_as(&format!(
        "select id, supporter_id, currency, cycle, attempt, amount_minor, idempotency_key \
         from charges where processor_ref = $1 and status in ({AWAITING})"
    ))
    .bind(processor_ref)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(p) = row.map(PendingRow::into_pending).transpose()? else {
        return Ok(Settled::Nothing);
    };
    let id = p.id;
    let mut summary = RunSummary::default();
    let changed = match outcome {
        ChargeOutcome::Succeeded { fee_minor, .. } => {
            let fee = (*fee_minor).clamp(0, p.amount);
            settle_successes(
                tx,
                backend,
                config,
                vec![(p, processor_ref.to_owned(), fee)],
                at,
                &mut summary,
                AWAITING,
            )
            .await?;
            summary.charges_succeeded == 1
        }
        ChargeOutcome::Declined { code, .. } => {
            decline(
                tx,
                config,
                &p,
                Some(processor_ref.to_owned()),
                code,
                &mut summary,
                Transition { at, from: AWAITING },
            )
            .await?
        }
        ChargeOutcome::Processing { .. } => {
            set_status(
                tx,
                id,
                "processing",
                Some(processor_ref),
                at,
                "'requires_action'",
            )
            .await?
        }
        ChargeOutcome::RequiresAuthentication { .. } => false,
    };
    Ok(if changed {
        Settled::Charge(id)
    } else {
        Settled::Nothing
    })
}

/// [`settle_awaiting`] in a transaction of its own.
pub async fn settle_charge(
    db: &Db,
    config: &BillingConfig,
    outcome: &ChargeOutcome,
) -> Result<Settled, BillingError> {
    let mut tx = db.begin_write().await?;
    let settled = settle_awaiting(&mut tx, db.backend(), config, outcome, wall_clock()).await?;
    tx.commit().await?;
    Ok(settled)
}

/// A charge as the settle functions need it, read in the caller's transaction.
async fn load_charge(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    charge_id: i64,
) -> Result<Option<Pending>, BillingError> {
    let row: Option<PendingRow> = sqlx::query_as(
        "select id, supporter_id, currency, cycle, attempt, amount_minor, idempotency_key \
         from charges where id = $1",
    )
    .bind(charge_id)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(PendingRow::into_pending).transpose()
}

/// Settles one charge as succeeded when the processor reports it later (a webhook naming the
/// charge): the same allocations, journal entry and item and pledge updates as a success
/// answered at once, in the caller's transaction. False when the charge had already succeeded
/// or failed, so a repeated or late report changes nothing.
pub async fn settle_success(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    config: &BillingConfig,
    charge_id: i64,
    processor_ref: &str,
    fee_minor: i64,
    at: i64,
) -> Result<bool, BillingError> {
    let Some(p) = load_charge(tx, charge_id).await? else {
        return Ok(false);
    };
    if fee_minor < 0 || fee_minor > p.amount {
        return Err(BillingError::Inconsistent(format!(
            "charge {charge_id}: fee {fee_minor} for an amount of {}",
            p.amount
        )));
    }
    let mut summary = RunSummary::default();
    settle_successes(
        tx,
        backend,
        config,
        vec![(p, processor_ref.to_owned(), fee_minor)],
        at,
        &mut summary,
        UNSETTLED,
    )
    .await?;
    Ok(summary.charges_succeeded == 1)
}

/// Records a decline the processor reports later (a webhook naming the charge), exactly like a
/// decline answered at once: the retry schedule, or after the last attempt voided items and
/// paused pledges, and the supporter's email. False when the charge had already succeeded or
/// failed.
pub async fn settle_decline(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    config: &BillingConfig,
    charge_id: i64,
    processor_ref: &str,
    code: &str,
    at: i64,
) -> Result<bool, BillingError> {
    let Some(p) = load_charge(tx, charge_id).await? else {
        return Ok(false);
    };
    let mut summary = RunSummary::default();
    decline(
        tx,
        config,
        &p,
        Some(processor_ref.to_owned()),
        code,
        &mut summary,
        Transition {
            at,
            from: UNSETTLED,
        },
    )
    .await
}
