//! Phase two of a run: send committed charge intents to the processor and commit what came
//! back; and the retry schedule for declined charges.

use super::fee_split;
use super::gather::idempotency_key;
use super::processor::{ChargeOutcome, ChargeRequest, PaymentProcessor, ProcessorError};
use super::{BillingConfig, BillingError, FaultPoint, Progress, RunSummary};
use crate::domain::Db;
use crate::domain::db::{Backend, now as wall_clock};
use crate::domain::ledger::{self, Account, EntryKind, Line, NewEntry};
use crate::domain::mail::{self, templates};
use crate::domain::sql::{list, typed_values};
use crate::money::{Currency, Money};
use futures::StreamExt as _;
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
    payment_method: Option<String>,
    processor_customer: Option<String>,
}

/// One item's share of a successful charge, as stored in `allocations`.
struct Allocation {
    item: i64,
    charge: i64,
    recipient: i64,
    currency: Currency,
    gross: i64,
    fee: i64,
    platform_fee: i64,
    net: i64,
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

/// Sends every pending charge once (those already pending when the run reaches them), in
/// batches: claim, call concurrently, commit.
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
    let mut after = 0i64;
    let mut done = 0u64;
    let mut first_batch = true;
    loop {
        let batch = claim(db, config, after).await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        let outcomes: Vec<(Pending, Result<ChargeOutcome, ProcessorError>)> =
            futures::stream::iter(batch)
                .map(|p| async move {
                    let outcome = match &p.payment_method {
                        None => Ok(ChargeOutcome::Declined {
                            processor_ref: None,
                            code: "payment_method_missing".into(),
                        }),
                        Some(method) => {
                            processor
                                .charge(ChargeRequest {
                                    idempotency_key: p.key.clone(),
                                    amount: Money::new(p.amount, p.currency),
                                    customer: p.customer.clone(),
                                    payment_method: method.clone(),
                                    charge_id: p.id,
                                    supporter_id: p.supporter,
                                    cycle: p.cycle.clone(),
                                })
                                .await
                        }
                    };
                    (p, outcome)
                })
                .buffer_unordered(config.concurrency.max(1))
                .collect()
                .await;
        if config.fault == Some(FaultPoint::AfterProcessorCalls) {
            return Err(BillingError::Injected(FaultPoint::AfterProcessorCalls));
        }
        done += outcomes.len() as u64;
        commit_outcomes(db, config, outcomes, now, summary).await?;
        progress(Progress::Charged(done));
        if first_batch && config.fault == Some(FaultPoint::AfterFirstResults) {
            return Err(BillingError::Injected(FaultPoint::AfterFirstResults));
        }
        first_batch = false;
    }
    Ok(())
}

/// Claims the next batch of pending charges after `after` for this instance.
async fn claim(db: &Db, config: &BillingConfig, after: i64) -> Result<Vec<Pending>, BillingError> {
    let wall = wall_clock();
    let lock = match db.backend() {
        Backend::Postgres => " for update of c skip locked",
        Backend::Sqlite => "",
    };
    let mut tx = db.pool().begin().await?;
    let rows: Vec<PendingRow> = sqlx::query_as(&format!(
        "select c.id, c.supporter_id, c.currency, c.cycle, c.attempt, c.amount_minor, c.idempotency_key, \
                b.payment_method, b.processor_customer \
         from charges c left join billing_profiles b on b.user_id = c.supporter_id \
         where c.status = 'pending' and c.id > $1 and (c.claimed_until is null or c.claimed_until <= $2) \
         order by c.id limit $3{lock}"
    ))
    .bind(after)
    .bind(wall)
    .bind(config.batch_size as i64)
    .fetch_all(&mut *tx)
    .await?;
    if rows.is_empty() {
        tx.commit().await?;
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let sql = format!(
        "update charges set claimed_until = $1 where id in ({})",
        list(2, ids.len())
    );
    let mut q = sqlx::query(&sql).bind(wall + config.claim_lease_secs);
    for id in &ids {
        q = q.bind(*id);
    }
    q.execute(&mut *tx).await?;
    tx.commit().await?;
    rows.into_iter()
        .map(|r| {
            Ok(Pending {
                id: r.id,
                supporter: r.supporter_id,
                currency: r.currency.parse().map_err(|_| {
                    BillingError::Inconsistent(format!("charge {}: currency {}", r.id, r.currency))
                })?,
                cycle: r.cycle,
                attempt: r.attempt,
                amount: r.amount_minor,
                key: r.idempotency_key,
                payment_method: r.payment_method,
                customer: r.processor_customer,
            })
        })
        .collect()
}

/// Commits a batch of outcomes in one transaction. Each charge moves out of `pending` only
/// once, so an outcome that another instance already committed is skipped.
async fn commit_outcomes(
    db: &Db,
    config: &BillingConfig,
    outcomes: Vec<(Pending, Result<ChargeOutcome, ProcessorError>)>,
    now: i64,
    summary: &mut RunSummary,
) -> Result<(), BillingError> {
    // Retries are scheduled from the run's "now" (the end of its as-of day).
    let at = now;
    let mut tx = db.pool().begin().await?;
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
                if decline(&mut tx, config, &p, processor_ref, &code, at, summary).await? {
                    summary.charges_declined += 1;
                }
            }
            Ok(ChargeOutcome::RequiresAuthentication { processor_ref }) => {
                if set_status(&mut tx, p.id, "requires_action", Some(&processor_ref), at).await? {
                    summary.charges_requiring_action += 1;
                    notify_authentication(&mut tx, config, &p).await?;
                }
            }
            Ok(ChargeOutcome::Processing { processor_ref }) => {
                if set_status(&mut tx, p.id, "processing", Some(&processor_ref), at).await? {
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
        let sql = format!(
            "update charges set claimed_until = null where status = 'pending' and id in ({})",
            list(1, unreachable.len())
        );
        let mut q = sqlx::query(&sql);
        for id in &unreachable {
            q = q.bind(*id);
        }
        q.execute(&mut *tx).await?;
        summary.charges_unreachable += unreachable.len() as u64;
    }
    settle_successes(&mut tx, config, succeeded, at, summary).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves one charge out of `pending`; false if it had already left.
async fn set_status(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    charge: i64,
    status: &str,
    processor_ref: Option<&str>,
    at: i64,
) -> Result<bool, BillingError> {
    let done = sqlx::query(
        "update charges set status = $1, processor_ref = $2, updated_at = $3, claimed_until = null \
         where id = $4 and status = 'pending'",
    )
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
async fn settle_successes(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    config: &BillingConfig,
    succeeded: Vec<(Pending, String, i64)>,
    at: i64,
    summary: &mut RunSummary,
) -> Result<(), BillingError> {
    for chunk in succeeded.chunks(500) {
        // Claim the transition in one statement; only charges still pending come back.
        let sql = format!(
            "update charges set status = 'succeeded', processor_ref = v.column2, fee_minor = v.column3, \
                    platform_fee_minor = 0, updated_at = $1, claimed_until = null \
             from (values {}) as v where charges.id = v.column1 and charges.status = 'pending' \
             returning charges.id",
            typed_values(chunk.len(), &["bigint", "text", "bigint"], 2)
        );
        let mut q = sqlx::query_as::<_, (i64,)>(&sql).bind(at);
        for (p, reference, fee) in chunk {
            q = q.bind(p.id).bind(reference.clone()).bind(*fee);
        }
        let won: Vec<i64> = q
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .map(|(id,)| id)
            .collect();
        if won.is_empty() {
            continue;
        }
        let sql = format!(
            "select id, charge_id, recipient_id, gross_minor from donation_items \
             where status = 'charging' and charge_id in ({}) order by charge_id, id",
            list(1, won.len())
        );
        let mut q = sqlx::query_as::<_, (i64, i64, i64, i64)>(&sql);
        for id in &won {
            q = q.bind(*id);
        }
        let items = q.fetch_all(&mut **tx).await?;
        let mut by_charge: HashMap<i64, Vec<(i64, i64, i64)>> = HashMap::new();
        for (item, charge, recipient, gross) in items {
            by_charge
                .entry(charge)
                .or_default()
                .push((item, recipient, gross));
        }

        let mut allocations: Vec<Allocation> = Vec::new();
        let mut entries: Vec<NewEntry> = Vec::with_capacity(won.len());
        let mut platform_fees: Vec<(i64, i64)> = Vec::new();
        for (p, _, fee) in chunk.iter().filter(|(p, _, _)| won.contains(&p.id)) {
            let items = by_charge.get(&p.id).map(Vec::as_slice).unwrap_or_default();
            let grosses: Vec<i64> = items.iter().map(|i| i.2).collect();
            if grosses.iter().sum::<i64>() != p.amount {
                return Err(BillingError::Inconsistent(format!(
                    "charge {} is for {} but its items add up to {}",
                    p.id,
                    p.amount,
                    grosses.iter().sum::<i64>()
                )));
            }
            let fee_shares = fee_split::split(*fee, &grosses).ok_or_else(|| {
                BillingError::Inconsistent(format!("charge {}: cannot split fee {fee}", p.id))
            })?;
            let platform_total =
                fee_split::percentage_fee(p.amount, config.platform_fee_bps, 0).min(p.amount - fee);
            let platform_shares =
                fee_split::split(platform_total.max(0), &grosses).ok_or_else(|| {
                    BillingError::Inconsistent(format!(
                        "charge {}: cannot split platform fee",
                        p.id
                    ))
                })?;
            platform_fees.push((p.id, platform_total.max(0)));
            let mut lines = Vec::with_capacity(items.len() * 4);
            for ((&(item, recipient, gross), &f), &pf) in
                items.iter().zip(&fee_shares).zip(&platform_shares)
            {
                let net = gross - f - pf;
                allocations.push(Allocation {
                    item,
                    charge: p.id,
                    recipient,
                    currency: p.currency,
                    gross,
                    fee: f,
                    platform_fee: pf,
                    net,
                });
                let c = p.currency;
                lines.push(Line {
                    account: Account::SupporterPayments,
                    currency: c,
                    amount_minor: -gross,
                    item_id: Some(item),
                });
                if f != 0 {
                    lines.push(Line {
                        account: Account::ProcessorFees,
                        currency: c,
                        amount_minor: f,
                        item_id: Some(item),
                    });
                }
                if pf != 0 {
                    lines.push(Line {
                        account: Account::PlatformFees,
                        currency: c,
                        amount_minor: pf,
                        item_id: Some(item),
                    });
                }
                if net != 0 {
                    lines.push(Line {
                        account: Account::Recipient(recipient),
                        currency: c,
                        amount_minor: net,
                        item_id: Some(item),
                    });
                }
            }
            entries.push(NewEntry {
                kind: EntryKind::Charge,
                charge_id: Some(p.id),
                reverses_entry_id: None,
                memo: format!("consolidated charge {} for {}", p.id, p.cycle),
                lines,
            });
            let t = summary.totals.entry(p.currency).or_default();
            t.gross_minor += p.amount;
            t.fee_minor += fee;
            t.platform_fee_minor += platform_total.max(0);
            summary.charges_succeeded += 1;
            summary.items_charged += items.len() as u64;
        }
        for alloc_chunk in allocations.chunks(2000) {
            let sql = format!(
                "insert into allocations (item_id, charge_id, recipient_id, currency, gross_minor, fee_minor, platform_fee_minor, net_minor) values {}",
                crate::domain::sql::placeholders(alloc_chunk.len(), 8)
            );
            let mut q = sqlx::query(&sql);
            for a in alloc_chunk {
                q = q
                    .bind(a.item)
                    .bind(a.charge)
                    .bind(a.recipient)
                    .bind(a.currency.code())
                    .bind(a.gross)
                    .bind(a.fee)
                    .bind(a.platform_fee)
                    .bind(a.net);
            }
            q.execute(&mut **tx).await?;
        }
        if platform_fees.iter().any(|(_, f)| *f != 0) {
            for (charge, fee) in &platform_fees {
                sqlx::query("update charges set platform_fee_minor = $1 where id = $2")
                    .bind(*fee)
                    .bind(*charge)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        ledger::post_many(tx, &entries).await?;
        let sql = format!(
            "update donation_items set status = 'paid' where status = 'charging' and charge_id in ({})",
            list(1, won.len())
        );
        let mut q = sqlx::query(&sql);
        for id in &won {
            q = q.bind(*id);
        }
        q.execute(&mut **tx).await?;
        // A pledge that was past due is in good standing again.
        let sql = format!(
            "update pledges set status = 'active' where status = 'past_due' and id in \
             (select pledge_id from donation_items where charge_id in ({}) and pledge_id is not null)",
            list(1, won.len())
        );
        let mut q = sqlx::query(&sql);
        for id in &won {
            q = q.bind(*id);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Records a decline: schedules the next attempt, or after the last one voids the items and
/// pauses the pledges. The supporter is emailed either way. False if already recorded.
async fn decline(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    config: &BillingConfig,
    p: &Pending,
    processor_ref: Option<String>,
    code: &str,
    at: i64,
    summary: &mut RunSummary,
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
    let done = sqlx::query(
        "update charges set status = 'failed', processor_ref = $1, decline_code = $2, next_retry_at = $3, \
         updated_at = $4, claimed_until = null where id = $5 and status = 'pending'",
    )
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
    let who: Option<(String, String)> =
        sqlx::query_as("select email, display_name from users where id = $1")
            .bind(p.supporter)
            .fetch_optional(&mut **tx)
            .await?;
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

async fn notify_authentication(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    config: &BillingConfig,
    p: &Pending,
) -> Result<(), BillingError> {
    let who: Option<(String, String)> =
        sqlx::query_as("select email, display_name from users where id = $1")
            .bind(p.supporter)
            .fetch_optional(&mut **tx)
            .await?;
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
        let mut tx = db.pool().begin().await?;
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
