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
    let mut rereads = 0;
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
        let ids: Vec<i64> = batch.into_iter().map(|(id,)| id).collect();
        let gathered = match gather_batch(&mut tx, db.backend(), config, &cycle, now, &ids).await {
            Ok(g) => g,
            Err(Gather::Billing(e)) => return Err(e),
            // A pledge period was booked by another transaction since this one read the
            // pledges (a supporter stopping a pledge whose first month is owed): the batch is
            // read again, and then sees that period among the booked items.
            Err(Gather::PeriodBooked) if rereads < 3 => {
                rereads += 1;
                tx.rollback().await?;
                continue;
            }
            Err(Gather::PeriodBooked) => {
                return Err(BillingError::Inconsistent(
                    "pledge periods kept being booked while their supporters were gathered"
                        .to_owned(),
                ));
            }
        };
        super::pause_at(config, super::PausePoint::Gather).await;
        tx.commit().await?;
        after = last;
        rereads = 0;
        summary.supporters_carried_forward += gathered.supporters_carried_forward;
        summary.items_carried_forward += gathered.items_carried_forward;
        summary.charges_created += gathered.charges_created;
        seen += ids.len() as u64;
        progress(Progress::Gathered(seen));
    }
    summary.supporters_due = seen;
    Ok(())
}

/// What a batch decided, added to the run's summary once the batch commits.
#[derive(Debug, Default)]
struct Gathered {
    supporters_carried_forward: u64,
    items_carried_forward: u64,
    charges_created: u64,
}

/// Why a batch was not gathered.
#[derive(Debug)]
enum Gather {
    /// A period this batch meant to book was booked meanwhile: the batch is read again.
    PeriodBooked,
    Billing(BillingError),
}

impl<E: Into<BillingError>> From<E> for Gather {
    fn from(e: E) -> Self {
        Self::Billing(e.into())
    }
}

/// A pledge's period for this cycle, booked as an item with its supporter's decision.
struct Period {
    pledge: i64,
    recipient: i64,
    gross: i64,
    /// The pledge's earmark while its budget line is open; once the line is retired, new
    /// periods go where the cause needs them most.
    budget_line: Option<i64>,
}

/// One supporter's due items in one currency, and what to do with them.
struct Decision {
    supporter: i64,
    currency: Currency,
    total: i64,
    /// Items booked before: tips, and periods carried forward or owed.
    items: Vec<i64>,
    /// This cycle's pledge periods, written once the decision is known.
    periods: Vec<Period>,
    max_carried: i64,
    charge: bool,
}

impl Decision {
    fn add(&mut self, gross: i64) -> Result<(), BillingError> {
        self.total = self.total.checked_add(gross).ok_or_else(|| {
            BillingError::Inconsistent(format!(
                "supporter {}: {} total overflows",
                self.supporter, self.currency
            ))
        })?;
        Ok(())
    }
}

/// SQL saying the cycle (`$1`) is not yet decided for the supporter and currency of `row`.
fn undecided(row: &str) -> String {
    format!(
        "not exists (select 1 from billing_cycles c where c.supporter_id = {row}.supporter_id \
         and c.currency = {row}.currency and c.cycle = $1)"
    )
}

/// The decision for `supporter` in the currency coded `code`, begun empty if this batch has
/// none yet.
fn decision_for<'a>(
    decisions: &'a mut Vec<Decision>,
    index: &mut HashMap<(i64, Currency), usize>,
    supporter: i64,
    code: &str,
) -> Result<&'a mut Decision, BillingError> {
    let currency = code
        .parse::<Currency>()
        .map_err(|_| BillingError::Inconsistent(format!("unknown currency {code}")))?;
    let at = *index.entry((supporter, currency)).or_insert_with(|| {
        decisions.push(Decision {
            supporter,
            currency,
            total: 0,
            items: Vec::new(),
            periods: Vec::new(),
            max_carried: 0,
            charge: false,
        });
        decisions.len() - 1
    });
    Ok(&mut decisions[at])
}

async fn gather_batch(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    config: &BillingConfig,
    cycle: &str,
    now: i64,
    supporters: &[i64],
) -> Result<Gathered, Gather> {
    let supporters = json_param(supporters);
    // This cycle's period of every pledge that is still running and has none yet, unless the
    // cycle is already decided for its currency (a pledge made after the decision waits for
    // the next cycle). A period is written once, with its decision: as part of a charge or
    // carried forward; never written pending and then changed.
    let periods: Vec<(i64, i64, i64, String, i64, Option<i64>)> = sqlx::query_as(&format!(
        "select p.id, p.supporter_id, p.recipient_id, p.currency, p.amount_minor, \
           (select b.id from budget_lines b where b.id = p.budget_line_id and b.retired_at is null) \
         from pledges p where p.status in ('active', 'past_due') and p.supporter_id in ({}) \
         and {} \
         and not exists (select 1 from donation_items i where i.pledge_id = p.id and i.period = $1)",
        json_ids(backend, 2),
        undecided("p")
    ))
    .bind(cycle)
    .bind(&supporters)
    .fetch_all(&mut **tx)
    .await?;

    // The due items booked before, not just their sums: the amount of a charge and the items
    // it settles must be one set. On PostgreSQL a tip can commit between two statements of
    // this transaction, so the set is locked here and later statements name its items by id;
    // a tip committed after this read stays pending for the next cycle. (SQLite serialises
    // writers with `begin immediate`, so nothing can commit in between there.) A pending item
    // has no charge yet; saying so lets both databases use their index of unbilled items.
    let lock = match backend {
        Backend::Postgres => " for update of i",
        Backend::Sqlite => "",
    };
    let items: Vec<(i64, i64, String, i64, i64)> = sqlx::query_as(&format!(
        "select i.id, i.supporter_id, i.currency, i.gross_minor, i.carried_cycles \
         from donation_items i where i.status = 'pending' and i.charge_id is null \
         and i.supporter_id in ({}) and {} \
         order by i.supporter_id, i.currency, i.id{lock}",
        json_ids(backend, 2),
        undecided("i")
    ))
    .bind(cycle)
    .bind(&supporters)
    .fetch_all(&mut **tx)
    .await?;
    super::pause_at(config, super::PausePoint::GatherRead).await;
    if items.is_empty() && periods.is_empty() {
        return Ok(Gathered::default());
    }

    let mut decisions: Vec<Decision> = Vec::new();
    let mut index: HashMap<(i64, Currency), usize> = HashMap::new();
    for (item, supporter, currency, gross, carried) in items {
        let d = decision_for(&mut decisions, &mut index, supporter, &currency)?;
        d.add(gross)?;
        d.items.push(item);
        d.max_carried = d.max_carried.max(carried);
    }
    for (pledge, supporter, recipient, currency, gross, budget_line) in periods {
        let d = decision_for(&mut decisions, &mut index, supporter, &currency)?;
        d.add(gross)?;
        d.periods.push(Period {
            pledge,
            recipient,
            gross,
            budget_line,
        });
    }
    decisions.sort_unstable_by_key(|d| (d.supporter, d.currency));
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

    let mut gathered = Gathered::default();
    // The periods to write: (pledge, supporter, recipient, currency, gross, status, carried
    // cycles, charge, budget line).
    type PeriodRow<'a> = (
        i64,
        i64,
        i64,
        &'a str,
        i64,
        &'a str,
        i64,
        Option<i64>,
        Option<i64>,
    );
    let mut period_rows: Vec<PeriodRow> = Vec::new();
    if !carries.is_empty() {
        let items: Vec<i64> = carries
            .iter()
            .flat_map(|d| d.items.iter().copied())
            .collect();
        if !items.is_empty() {
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
                ))
                .into());
            }
        }
        for d in &carries {
            period_rows.extend(d.periods.iter().map(|p| {
                let (status, carried) = ("pending", 1);
                (
                    p.pledge,
                    d.supporter,
                    p.recipient,
                    d.currency.code(),
                    p.gross,
                    status,
                    carried,
                    None,
                    p.budget_line,
                )
            }));
        }
        gathered.supporters_carried_forward = carries.len() as u64;
        gathered.items_carried_forward = carries
            .iter()
            .map(|d| (d.items.len() + d.periods.len()) as u64)
            .sum();
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
            let charge = *charge_of
                .get(&(d.supporter, d.currency.code().to_owned()))
                .ok_or_else(|| {
                    BillingError::Inconsistent(format!(
                        "no charge created for supporter {} in {}",
                        d.supporter, d.currency
                    ))
                })?;
            marks.extend(d.items.iter().map(|&item| (item, charge)));
            period_rows.extend(d.periods.iter().map(|p| {
                (
                    p.pledge,
                    d.supporter,
                    p.recipient,
                    d.currency.code(),
                    p.gross,
                    "charging",
                    0,
                    Some(charge),
                    p.budget_line,
                )
            }));
        }
        // Exactly the items summed into each charge's amount, by id.
        if !marks.is_empty() {
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
                ))
                .into());
            }
        }
        gathered.charges_created = charges.len() as u64;
    }

    if !period_rows.is_empty() {
        let written = sqlx::query(&format!(
            "insert into donation_items (pledge_id, supporter_id, recipient_id, currency, gross_minor, status, carried_cycles, charge_id, budget_line_id, period, created_at) \
             select v.pledge, v.supporter, v.recipient, v.currency, v.gross, v.status, v.carried, v.charge, v.budget_line, $1, $2 \
             from ({}) as v where true on conflict (pledge_id, period) do nothing",
            json_rows(
                backend,
                3,
                &[
                    ("pledge", "bigint"),
                    ("supporter", "bigint"),
                    ("recipient", "bigint"),
                    ("currency", "text"),
                    ("gross", "bigint"),
                    ("status", "text"),
                    ("carried", "bigint"),
                    ("charge", "bigint"),
                    ("budget_line", "bigint"),
                ]
            )
        ))
        .bind(cycle)
        .bind(now)
        .bind(json_param(&period_rows))
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if written != period_rows.len() as u64 {
            return Err(Gather::PeriodBooked);
        }
    }
    Ok(gathered)
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
