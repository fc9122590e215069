//! Sending: pending charges are claimed a batch at a time, sent to the processor with their
//! idempotency keys, and what came back is committed a batch per transaction through
//! [`settle`], the one settle path.

use super::settle::{CHARGE_COLUMNS, Charge, ChargeRow, SENT_BY_A_RUN, Settled, settle};
use super::{BillingConfig, BillingError, FaultPoint, Progress, RunSummary};
use crate::domain::Db;
use crate::domain::platform::clock::now as wall_clock;
use crate::domain::platform::db::Backend;
use crate::domain::platform::sql::{json_ids, json_param};
use crate::domain::processors::{ChargeOutcome, ChargeRequest, PaymentProcessor, ProcessorError};
use crate::model::ChargeStatus;
use crate::money::Money;
use futures::{SinkExt as _, StreamExt as _};
use std::collections::HashMap;

/// A claimed charge with what sending it needs.
#[derive(Clone, Debug)]
struct Claimed {
    charge: Charge,
    payment_method: Option<String>,
    customer: Option<String>,
}

/// What came back for one claimed charge.
type Outcome = (Claimed, Result<ChargeOutcome, ProcessorError>);

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
    let (to_send,): (i64,) = sqlx::query_as("select count(*) from charges where status = $1")
        .bind(ChargeStatus::Pending.as_db())
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
    // This run's name on the claims it takes: it renews only its own, and tells apart the
    // charges another run holds.
    let run = run_id();
    let run = run.as_str();
    let (finished, mut finished_rx) = tokio::sync::watch::channel(false);

    let calls = async move {
        let concurrency = config.concurrency.max(1);
        let mut in_flight = futures::stream::FuturesUnordered::new();
        let mut queue: std::collections::VecDeque<Claimed> = std::collections::VecDeque::new();
        let mut after = 0i64;
        let mut claimed_all = false;
        loop {
            while in_flight.len() < concurrency {
                if queue.is_empty() && !claimed_all {
                    let (batch, last) = claim(db, writer, config, run, after, now).await?;
                    match last {
                        Some(last) => after = last,
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

    let counts = &mut *summary;
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
            super::pause_at(config, super::PausePoint::AfterProcessorCalls).await;
            done += chunk.len() as u64;
            commit_outcomes(db, writer, config, chunk, now, counts).await?;
            progress(Progress::Charged(done));
            if first && config.fault == Some(FaultPoint::AfterFirstResults) {
                return Err(BillingError::Injected(FaultPoint::AfterFirstResults));
            }
            first = false;
        }
    };

    // While calls and commits go on, the claims this run still holds are renewed every third
    // of the lease, so the lease can be short: a killed run's charges are free again soon.
    let renewals = async move {
        if config.claim_lease_secs <= 0 {
            return Ok(());
        }
        let every =
            std::time::Duration::from_millis((config.claim_lease_secs as u64 * 1000 / 3).max(100));
        loop {
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = finished_rx.changed() => return Ok(()),
            }
            renew(db, writer, config, run).await?;
        }
    };
    let work = async move {
        let done = futures::join!(calls, commits);
        let _ = finished.send(true);
        done
    };
    type Step = Result<(), BillingError>;
    let ((called, committed), renewed): ((Step, Step), Step) = futures::join!(work, renewals);
    committed?;
    called?;
    renewed?;
    leased_elsewhere(db, run, summary).await
}

/// A name for one run's claims, unique across runs and instances.
fn run_id() -> String {
    use rand::Rng as _;
    let mut rng = rand::thread_rng();
    let tail: String = (0..12)
        .map(|_| char::from(b'a' + rng.gen_range(0..26)))
        .collect();
    format!("run-{}-{tail}", std::process::id())
}

/// Extends the leases this run still holds (and only those still in force: a lease that ran
/// out may already be another run's). On PostgreSQL the rows this run's own commit is
/// settling right now are skipped, not waited for: a renewal that waited on the commit's row
/// locks while holding others stalled the run (measured: 6.9 s in a 42 s run) and could
/// deadlock with it; those charges leave `pending` with that commit anyway.
async fn renew(
    db: &Db,
    writer: &Writer,
    config: &BillingConfig,
    run: &str,
) -> Result<(), BillingError> {
    let _turn = writer.turn().await;
    let wall = wall_clock();
    let lock = match db.backend() {
        Backend::Postgres => " for update skip locked",
        Backend::Sqlite => "",
    };
    sqlx::query(&format!(
        "update charges set claimed_until = $1 where id in \
           (select id from charges where status = $3 and claimed_by = $2 \
            and claimed_until > $4 order by id{lock})"
    ))
    .bind(wall + config.claim_lease_secs)
    .bind(run)
    .bind(ChargeStatus::Pending.as_db())
    .bind(wall)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Counts, into `summary`, the pending charges that another run holds a claim on now and
/// when the last of those claims runs out: what this run could not take, and why.
async fn leased_elsewhere(
    db: &Db,
    run: &str,
    summary: &mut RunSummary,
) -> Result<(), BillingError> {
    let (count, until): (i64, Option<i64>) = sqlx::query_as(
        "select count(*), max(claimed_until) from charges where status = $1          and claimed_until > $2 and (claimed_by is null or claimed_by <> $3)",
    )
    .bind(ChargeStatus::Pending.as_db())
    .bind(wall_clock())
    .bind(run)
    .fetch_one(db.pool())
    .await?;
    summary.charges_leased_elsewhere = count as u64;
    summary.leased_until = until;
    if count > 0 {
        tracing::info!(
            charges = count,
            until,
            "pending charges left to the run that holds their claim"
        );
    }
    Ok(())
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
    claimed: Claimed,
) -> Outcome {
    let Some(method) = &claimed.payment_method else {
        let declined = ChargeOutcome::Declined {
            processor_ref: None,
            code: "payment_method_missing".into(),
        };
        return (claimed, Ok(declined));
    };
    let c = &claimed.charge;
    let request = ChargeRequest {
        idempotency_key: c.key.clone(),
        amount: Money::new(c.amount, c.currency),
        customer: claimed.customer.clone(),
        payment_method: method.clone(),
        charge_id: c.id,
        supporter_id: c.supporter,
        cycle: c.cycle.clone(),
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
            outcome => return (claimed, outcome),
        }
    }
}

/// Claims the next batch of pending charges after `after` for this instance, in one
/// statement: the lease is taken as the rows are chosen, so two instances never share one,
/// and each charge records the fingerprint of the card it is about to be sent to. Charges of
/// an account or a card past its failed charges in the 24 hours before `now` are held (see
/// [`held`]). Returns the charges to send and the last id claimed (`None`: nothing left).
async fn claim(
    db: &Db,
    writer: &Writer,
    config: &BillingConfig,
    run: &str,
    after: i64,
    now: i64,
) -> Result<(Vec<Claimed>, Option<i64>), BillingError> {
    let _turn = writer.turn().await;
    let wall = wall_clock();
    let lock = match db.backend() {
        Backend::Postgres => " for update skip locked",
        Backend::Sqlite => "",
    };
    let rows: Vec<ChargeRow> = sqlx::query_as(&format!(
        "update charges set claimed_until = $1, claimed_by = $6, card_fingerprint = \
           (select payment_method_fingerprint from billing_profiles where user_id = charges.supporter_id) \
         where id in \
           (select id from charges where status = $5 and id > $2 \
            and (claimed_until is null or claimed_until <= $3) order by id limit $4{lock}) \
         returning {CHARGE_COLUMNS}"
    ))
    .bind(wall + config.claim_lease_secs)
    .bind(after)
    .bind(wall)
    .bind(config.batch_size as i64)
    .bind(ChargeStatus::Pending.as_db())
    .bind(run)
    .fetch_all(db.pool())
    .await?;
    if rows.is_empty() {
        return Ok((Vec::new(), None));
    }
    let mut charges = rows
        .into_iter()
        .map(Charge::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    charges.sort_unstable_by_key(|c| c.id);
    let last = charges.last().map(|c| c.id);
    let charges = held(db, config, charges, now).await?;
    let ids: Vec<i64> = charges.iter().map(|c| c.supporter).collect();
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
    let claimed = charges
        .into_iter()
        .map(|charge| {
            let (payment_method, customer) =
                methods.get(&charge.supporter).cloned().unwrap_or_default();
            Claimed {
                charge,
                payment_method,
                customer,
            }
        })
        .collect();
    Ok((claimed, last))
}

/// Holds back the claimed charges whose account, or whose card (by fingerprint), has had
/// `failed_charges_per_account_day` / `failed_charges_per_card_day` failed charges in the 24
/// hours before `now` — what a card tester's run of declines looks like. A held charge is
/// not sent: its claim is released and it stays pending for a later run, once the window
/// has passed. Each account or card held is recorded as a security event. Returns the
/// charges to send.
async fn held(
    db: &Db,
    config: &BillingConfig,
    charges: Vec<Charge>,
    now: i64,
) -> Result<Vec<Charge>, BillingError> {
    use crate::domain::security::{self, Kind, Report};
    let backend = db.backend();
    let since = now - 24 * 3600;
    let limits = &config.limits;
    let supporters: Vec<i64> = charges.iter().map(|c| c.supporter).collect();
    let over_accounts: HashMap<i64, i64> = sqlx::query_as::<_, (i64, i64)>(&format!(
        "select supporter_id, count(*) from charges where status = 'failed' and updated_at >= $1 \
         and supporter_id in ({}) group by supporter_id having count(*) >= $3",
        json_ids(backend, 2)
    ))
    .bind(since)
    .bind(json_param(&supporters))
    .bind(limits.failed_charges_per_account_day)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .collect();
    let fingerprints: Vec<(i64, Option<String>)> = sqlx::query_as(&format!(
        "select id, card_fingerprint from charges where id in ({})",
        json_ids(backend, 1)
    ))
    .bind(json_param(
        &charges.iter().map(|c| c.id).collect::<Vec<_>>(),
    ))
    .fetch_all(db.pool())
    .await?;
    let fingerprint_of: HashMap<i64, String> = fingerprints
        .into_iter()
        .filter_map(|(id, f)| f.map(|f| (id, f)))
        .collect();
    let mut cards: Vec<&String> = fingerprint_of.values().collect();
    cards.sort_unstable();
    cards.dedup();
    let over_cards: HashMap<String, i64> = if cards.is_empty() {
        HashMap::new()
    } else {
        let texts = match backend {
            Backend::Sqlite => "select value from json_each($2)".to_owned(),
            Backend::Postgres => {
                "select value from json_array_elements_text(cast($2 as text)::json)".to_owned()
            }
        };
        sqlx::query_as::<_, (String, i64)>(&format!(
            "select card_fingerprint, count(*) from charges where status = 'failed' \
             and updated_at >= $1 and card_fingerprint in ({texts}) \
             group by card_fingerprint having count(*) >= $3"
        ))
        .bind(since)
        .bind(json_param(&cards))
        .bind(limits.failed_charges_per_card_day)
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .collect()
    };
    if over_accounts.is_empty() && over_cards.is_empty() {
        return Ok(charges);
    }
    let mut send = Vec::with_capacity(charges.len());
    let mut hold = Vec::new();
    let mut reports: Vec<(Kind, i64, String)> = Vec::new();
    for charge in charges {
        let card = fingerprint_of.get(&charge.id);
        if let Some(n) = over_accounts.get(&charge.supporter) {
            reports.push((
                Kind::FailedChargesPerAccount,
                charge.supporter,
                format!(
                    "charge {} held: {n} failed charges of the account in 24 h (limit {})",
                    charge.id, limits.failed_charges_per_account_day
                ),
            ));
            hold.push(charge.id);
        } else if let Some((card, n)) = card.and_then(|f| over_cards.get(f).map(|n| (f, n))) {
            reports.push((
                Kind::FailedChargesPerCard,
                charge.supporter,
                format!(
                    "charge {} held: {n} failed charges with card {card} in 24 h (limit {})",
                    charge.id, limits.failed_charges_per_card_day
                ),
            ));
            hold.push(charge.id);
        } else {
            send.push(charge);
        }
    }
    let mut tx = db.begin_write().await?;
    sqlx::query(&format!(
        "update charges set claimed_until = null where status = $1 and id in ({})",
        json_ids(backend, 2)
    ))
    .bind(ChargeStatus::Pending.as_db())
    .bind(json_param(&hold))
    .execute(&mut *tx)
    .await?;
    for (kind, user, detail) in &reports {
        let report = Report {
            kind: *kind,
            user: Some(*user),
            client_addr: None,
            detail,
        };
        security::record_in(
            &mut tx,
            config.operator_email.as_deref(),
            report,
            wall_clock(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(send)
}

/// Commits a batch of outcomes in one transaction. Each charge moves out of `pending` only
/// once, so an outcome that another instance already committed is skipped. A call that
/// produced no outcome leaves its charge pending, its claim released, for the next run.
async fn commit_outcomes(
    db: &Db,
    writer: &Writer,
    config: &BillingConfig,
    outcomes: Vec<Outcome>,
    now: i64,
    summary: &mut RunSummary,
) -> Result<(), BillingError> {
    let backend = db.backend();
    let _turn = writer.turn().await;
    let mut tx = db.begin_write().await?;
    let mut answered: Vec<(Charge, ChargeOutcome)> = Vec::with_capacity(outcomes.len());
    let mut unreachable: Vec<i64> = Vec::new();
    for (claimed, outcome) in outcomes {
        match outcome {
            Ok(outcome) => answered.push((claimed.charge, outcome)),
            Err(e) => {
                tracing::warn!(charge = claimed.charge.id, error = %e, "charge not sent; it stays pending for the next run");
                unreachable.push(claimed.charge.id);
            }
        }
    }
    // Retries are scheduled from the run's "now" (the end of its as-of day).
    let settled = settle(
        &mut tx,
        backend,
        config,
        answered,
        SENT_BY_A_RUN,
        now,
        summary,
    )
    .await?;
    unreachable.extend(
        settled
            .iter()
            .filter(|(_, s)| *s == Settled::FeeRefused)
            .map(|(id, _)| *id),
    );
    if !unreachable.is_empty() {
        sqlx::query(&format!(
            "update charges set claimed_until = null where status = $1 and id in ({})",
            json_ids(backend, 2)
        ))
        .bind(ChargeStatus::Pending.as_db())
        .bind(json_param(&unreachable))
        .execute(&mut *tx)
        .await?;
        summary.charges_unreachable += unreachable.len() as u64;
    }
    super::pause_at(config, super::PausePoint::Settle).await;
    tx.commit().await?;
    Ok(())
}
