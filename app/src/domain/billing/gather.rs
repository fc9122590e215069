//! Phase one of a run: for each supporter whose billing day has come, gather the due items and
//! commit the decision (charge or carry forward) with the charge intent.

use super::{BillingConfig, BillingError, Progress, RunSummary, cycle_of, end_of_day};
use crate::domain::Db;
use crate::domain::db::Backend;
use crate::domain::sql::{list, typed_values};
use crate::money::Currency;
use chrono::{Datelike as _, NaiveDate};

/// The idempotency key of a charge attempt: the same supporter, currency, cycle and attempt
/// always give the same key, across restarts and instances.
pub fn idempotency_key(supporter: i64, currency: Currency, cycle: &str, attempt: i64) -> String {
    format!("chipin-charge-{supporter}-{currency}-{cycle}-{attempt}")
}

/// Gathers every due supporter, a batch per transaction.
pub async fn gather(
    db: &Db,
    config: &BillingConfig,
    as_of: NaiveDate,
    summary: &mut RunSummary,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<(), BillingError> {
    let cycle = cycle_of(as_of);
    let now = end_of_day(as_of);
    let day = i64::from(as_of.day());
    let lock = match db.backend() {
        Backend::Postgres => " for update skip locked",
        Backend::Sqlite => "",
    };
    let mut after = 0i64;
    let mut seen = 0u64;
    loop {
        let mut tx = db.pool().begin().await?;
        let batch: Vec<(i64,)> = sqlx::query_as(&format!(
            "select user_id from billing_profiles where billing_day <= $1 and user_id > $2 \
             order by user_id limit $3{lock}"
        ))
        .bind(day)
        .bind(after)
        .bind(config.batch_size as i64)
        .fetch_all(&mut *tx)
        .await?;
        let Some(&(last,)) = batch.last() else {
            tx.commit().await?;
            break;
        };
        after = last;
        let ids: Vec<i64> = batch.into_iter().map(|(id,)| id).collect();
        gather_batch(&mut tx, config, &cycle, now, &ids, summary).await?;
        tx.commit().await?;
        seen += ids.len() as u64;
        progress(Progress::Gathered(seen));
    }
    summary.supporters_due = seen;
    Ok(())
}

async fn gather_batch(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    config: &BillingConfig,
    cycle: &str,
    now: i64,
    supporters: &[i64],
    summary: &mut RunSummary,
) -> Result<(), BillingError> {
    let in_list = list(3, supporters.len());
    let totals_list = list(2, supporters.len());
    // One period of every pledge that is still running, unless this cycle is already decided
    // for its currency (a pledge made after the decision waits for the next cycle).
    let sql = format!(
        "insert into donation_items (supporter_id, recipient_id, currency, gross_minor, pledge_id, period, status, created_at) \
         select p.supporter_id, p.recipient_id, p.currency, p.amount_minor, p.id, $1, 'pending', $2 \
         from pledges p where p.status in ('active', 'past_due') and p.supporter_id in ({in_list}) \
         and not exists (select 1 from billing_cycles c where c.supporter_id = p.supporter_id \
                         and c.currency = p.currency and c.cycle = $1) \
         on conflict (pledge_id, period) do nothing"
    );
    let mut q = sqlx::query(&sql).bind(cycle).bind(now);
    for id in supporters {
        q = q.bind(*id);
    }
    q.execute(&mut **tx).await?;

    let sql = format!(
        "select i.supporter_id, i.currency, cast(sum(i.gross_minor) as bigint), max(i.carried_cycles), count(*) \
         from donation_items i where i.status = 'pending' and i.supporter_id in ({totals_list}) \
         and not exists (select 1 from billing_cycles c where c.supporter_id = i.supporter_id \
                         and c.currency = i.currency and c.cycle = $1) \
         group by i.supporter_id, i.currency order by i.supporter_id, i.currency"
    );
    let mut q = sqlx::query_as::<_, (i64, String, i64, i64, i64)>(&sql).bind(cycle);
    for id in supporters {
        q = q.bind(*id);
    }
    let due = q.fetch_all(&mut **tx).await?;
    if due.is_empty() {
        return Ok(());
    }

    struct Decision {
        supporter: i64,
        currency: Currency,
        total: i64,
        items: i64,
        charge: bool,
    }
    let mut decisions = Vec::with_capacity(due.len());
    for (supporter, currency, total, max_carried, items) in due {
        let currency: Currency = currency
            .parse()
            .map_err(|_| BillingError::Inconsistent(format!("unknown currency {currency}")))?;
        let charge = total >= config.min_charge(currency) || max_carried >= config.max_carry_cycles;
        decisions.push(Decision {
            supporter,
            currency,
            total,
            items,
            charge,
        });
    }

    // Record the decisions; a decision already taken (by an overlapping run) wins.
    let mut decided: Vec<(i64, String)> = Vec::with_capacity(decisions.len());
    for chunk in decisions.chunks(500) {
        let sql = format!(
            "insert into billing_cycles (supporter_id, currency, cycle, outcome, total_minor, created_at) values {} \
             on conflict (supporter_id, currency, cycle) do nothing returning supporter_id, currency",
            crate::domain::sql::placeholders(chunk.len(), 6)
        );
        let mut q = sqlx::query_as::<_, (i64, String)>(&sql);
        for d in chunk {
            q = q
                .bind(d.supporter)
                .bind(d.currency.code())
                .bind(cycle)
                .bind(if d.charge {
                    "charged"
                } else {
                    "carried_forward"
                })
                .bind(d.total)
                .bind(now);
        }
        decided.extend(q.fetch_all(&mut **tx).await?);
    }
    let won = |d: &Decision| {
        decided
            .iter()
            .any(|(s, c)| *s == d.supporter && c == d.currency.code())
    };
    let (charges, carries): (Vec<&Decision>, Vec<&Decision>) =
        decisions.iter().filter(|d| won(d)).partition(|d| d.charge);

    for chunk in carries.chunks(500) {
        let sql = format!(
            "update donation_items set carried_cycles = carried_cycles + 1 \
             where status = 'pending' and (supporter_id, currency) in (values {})",
            typed_values(chunk.len(), &["bigint", "text"], 1)
        );
        let mut q = sqlx::query(&sql);
        for d in chunk {
            q = q.bind(d.supporter).bind(d.currency.code());
        }
        q.execute(&mut **tx).await?;
        summary.supporters_carried_forward += chunk.len() as u64;
        summary.items_carried_forward += chunk.iter().map(|d| d.items as u64).sum::<u64>();
    }

    for chunk in charges.chunks(500) {
        let sql = format!(
            "insert into charges (supporter_id, currency, cycle, attempt, amount_minor, idempotency_key, status, created_at, updated_at) \
             values {}",
            crate::domain::sql::placeholders(chunk.len(), 9)
        );
        let mut q = sqlx::query(&sql);
        for d in chunk {
            q = q
                .bind(d.supporter)
                .bind(d.currency.code())
                .bind(cycle)
                .bind(1i64)
                .bind(d.total)
                .bind(idempotency_key(d.supporter, d.currency, cycle, 1))
                .bind("pending")
                .bind(now)
                .bind(now);
        }
        q.execute(&mut **tx).await?;
        let sql = format!(
            "update donation_items set status = 'charging', charge_id = \
               (select c.id from charges c where c.supporter_id = donation_items.supporter_id \
                and c.currency = donation_items.currency and c.cycle = $1 and c.attempt = 1) \
             where status = 'pending' and (supporter_id, currency) in (values {})",
            typed_values(chunk.len(), &["bigint", "text"], 2)
        );
        let mut q = sqlx::query(&sql).bind(cycle);
        for d in chunk {
            q = q.bind(d.supporter).bind(d.currency.code());
        }
        q.execute(&mut **tx).await?;
        summary.charges_created += chunk.len() as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_and_distinct_per_attempt() {
        let a = idempotency_key(7, Currency::USD, "2026-11", 1);
        assert_eq!(a, idempotency_key(7, Currency::USD, "2026-11", 1));
        assert_ne!(a, idempotency_key(7, Currency::USD, "2026-11", 2));
        assert_ne!(a, idempotency_key(7, Currency::EUR, "2026-11", 1));
        assert_ne!(a, idempotency_key(7, Currency::USD, "2026-12", 1));
    }
}
