//! Phase one of a run: for each supporter whose billing day has come, gather the due items and
//! commit the decision (charge or carry forward) with the charge intent.

use super::{BillingConfig, BillingError, Progress, RunSummary, cycle_of, end_of_day};
use crate::domain::Db;
use crate::domain::platform::db::Backend;
use crate::domain::platform::sql::{json_ids, json_param, json_rows};
use crate::money::Currency;
use chrono::{Datelike as _, NaiveDate};
use std::collections::{HashMap, HashSet};

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
        let mut tx = db.begin_write().await?;
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
        gather_batch(&mut tx, db.backend(), config, &cycle, now, &ids, summary).await?;
        super::pause_at(config, super::PausePoint::Gather).await;
        tx.commit().await?;
        seen += ids.len() as u64;
        progress(Progress::Gathered(seen));
    }
    summary.supporters_due = seen;
    Ok(())
}

async fn gather_batch(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    config: &BillingConfig,
    cycle: &str,
    now: i64,
    supporters: &[i64],
    summary: &mut RunSummary,
) -> Result<(), BillingError> {
    let supporters = json_param(supporters);
    // One period of every pledge that is still running, unless this cycle is already decided
    // for its currency (a pledge made after the decision waits for the next cycle). The period
    // carries the pledge's earmark while its budget line is open; once the line is retired,
    // new periods go where the cause needs them most.
    sqlx::query(&format!(
        "insert into donation_items (supporter_id, recipient_id, currency, gross_minor, pledge_id, period, status, created_at, budget_line_id) \
         select p.supporter_id, p.recipient_id, p.currency, p.amount_minor, p.id, $1, 'pending', $2, \
           (select b.id from budget_lines b where b.id = p.budget_line_id and b.retired_at is null) \
         from pledges p where p.status in ('active', 'past_due') and p.supporter_id in ({}) \
         and not exists (select 1 from billing_cycles c where c.supporter_id = p.supporter_id \
                         and c.currency = p.currency and c.cycle = $1) \
         on conflict (pledge_id, period) do nothing",
        json_ids(backend, 3)
    ))
    .bind(cycle)
    .bind(now)
    .bind(&supporters)
    .execute(&mut **tx)
    .await?;

    // The due items themselves, not just their sums: the amount of a charge and the items it
    // settles must be one set. On PostgreSQL a tip can commit between two statements of this
    // transaction, so the set is locked here and later statements name its items by id; a tip
    // committed after this read stays pending for the next cycle. (SQLite serialises writers
    // with `begin immediate`, so nothing can commit in between there.) A pending item has no
    // charge yet; saying so lets both databases use their index of unbilled items.
    let lock = match backend {
        Backend::Postgres => " for update of i",
        Backend::Sqlite => "",
    };
    let rows: Vec<(i64, i64, String, i64, i64)> = sqlx::query_as(&format!(
        "select i.id, i.supporter_id, i.currency, i.gross_minor, i.carried_cycles \
         from donation_items i where i.status = 'pending' and i.charge_id is null \
         and i.supporter_id in ({}) \
         and not exists (select 1 from billing_cycles c where c.supporter_id = i.supporter_id \
                         and c.currency = i.currency and c.cycle = $1) \
         order by i.supporter_id, i.currency, i.id{lock}",
        json_ids(backend, 2)
    ))
    .bind(cycle)
    .bind(&supporters)
    .fetch_all(&mut **tx)
    .await?;
    if rows.is_empty() {
        return Ok(());
    }

    struct Decision {
        supporter: i64,
        currency: Currency,
        total: i64,
        items: Vec<i64>,
        max_carried: i64,
        charge: bool,
    }
    let mut decisions: Vec<Decision> = Vec::new();
    for (item, supporter, currency, gross, carried) in rows {
        let currency: Currency = currency
            .parse()
            .map_err(|_| BillingError::Inconsistent(format!("unknown currency {currency}")))?;
        let same = decisions
            .last()
            .is_some_and(|d| d.supporter == supporter && d.currency == currency);
        if !same {
            decisions.push(Decision {
                supporter,
                currency,
                total: 0,
                items: Vec::new(),
                max_carried: 0,
                charge: false,
            });
        }
        let d = decisions.last_mut().expect("pushed above");
        d.total = d.total.checked_add(gross).ok_or_else(|| {
            BillingError::Inconsistent(format!("supporter {supporter}: {currency} total overflows"))
        })?;
        d.items.push(item);
        d.max_carried = d.max_carried.max(carried);
    }
    for d in &mut decisions {
        d.charge =
            d.total >= config.min_charge(d.currency) || d.max_carried >= config.max_carry_cycles;
    }

    // Record the decisions; a decision already taken (by an overlapping run) wins.
    let rows: Vec<(i64, &str, &str, i64)> = decisions
        .iter()
        .map(|d| {
            let outcome = if d.charge {
                "charged"
            } else {
                "carried_forward"
            };
            (d.supporter, d.currency.code(), outcome, d.total)
        })
        .collect();
    let decided: HashSet<(i64, String)> = sqlx::query_as::<_, (i64, String)>(&format!(
        "insert into billing_cycles (supporter_id, currency, cycle, outcome, total_minor, created_at) \
         select v.supporter, v.currency, $1, v.outcome, v.total, $2 from ({}) as v where true \
         on conflict (supporter_id, currency, cycle) do nothing returning supporter_id, currency",
        json_rows(
            backend,
            3,
            &[
                ("supporter", "bigint"),
                ("currency", "text"),
                ("outcome", "text"),
                ("total", "bigint"),
            ]
        )
    ))
    .bind(cycle)
    .bind(now)
    .bind(json_param(&rows))
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .collect();
    let (charges, carries): (Vec<&Decision>, Vec<&Decision>) = decisions
        .iter()
        .filter(|d| decided.contains(&(d.supporter, d.currency.code().to_owned())))
        .partition(|d| d.charge);

    if !carries.is_empty() {
        let items: Vec<i64> = carries
            .iter()
            .flat_map(|d| d.items.iter().copied())
            .collect();
        let carried = sqlx::query(&format!(
            "update donation_items set carried_cycles = carried_cycles + 1 \
             where status = 'pending' and id in ({})",
            json_ids(backend, 1)
        ))
        .bind(json_param(&items))
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if carried != items.len() as u64 {
            return Err(BillingError::Inconsistent(format!(
                "carried {carried} items forward but gathered {}",
                items.len()
            )));
        }
        summary.supporters_carried_forward += carries.len() as u64;
        summary.items_carried_forward += items.len() as u64;
    }

    if !charges.is_empty() {
        let intents: Vec<(i64, &str, i64, String)> = charges
            .iter()
            .map(|d| {
                (
                    d.supporter,
                    d.currency.code(),
                    d.total,
                    idempotency_key(d.supporter, d.currency, cycle, 1),
                )
            })
            .collect();
        let created: Vec<(i64, i64, String)> = sqlx::query_as(&format!(
            "insert into charges (supporter_id, currency, cycle, attempt, amount_minor, idempotency_key, status, created_at, updated_at) \
             select v.supporter, v.currency, $1, 1, v.total, v.idempotency_key, 'pending', $2, $2 from ({}) as v \
             returning id, supporter_id, currency",
            json_rows(
                backend,
                3,
                &[
                    ("supporter", "bigint"),
                    ("currency", "text"),
                    ("total", "bigint"),
                    ("idempotency_key", "text"),
                ]
            )
        ))
        .bind(cycle)
        .bind(now)
        .bind(json_param(&intents))
        .fetch_all(&mut **tx)
        .await?;
        let charge_of: HashMap<(i64, String), i64> = created
            .into_iter()
            .map(|(id, supporter, currency)| ((supporter, currency), id))
            .collect();
        let mut marks: Vec<(i64, i64)> = Vec::new();
        for d in &charges {
            let charge = charge_of
                .get(&(d.supporter, d.currency.code().to_owned()))
                .ok_or_else(|| {
                    BillingError::Inconsistent(format!(
                        "no charge created for supporter {} in {}",
                        d.supporter, d.currency
                    ))
                })?;
            marks.extend(d.items.iter().map(|&item| (item, *charge)));
        }
        // Exactly the items summed into each charge's amount, by id.
        let marked = sqlx::query(&format!(
            "update donation_items set status = 'charging', charge_id = v.charge \
             from ({}) as v where donation_items.id = v.item and donation_items.status = 'pending'",
            json_rows(backend, 1, &[("item", "bigint"), ("charge", "bigint")])
        ))
        .bind(json_param(&marks))
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if marked != marks.len() as u64 {
            return Err(BillingError::Inconsistent(format!(
                "marked {marked} items charging but gathered {}",
                marks.len()
            )));
        }
        summary.charges_created += charges.len() as u64;
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
