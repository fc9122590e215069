//! Settling a charge: turning what the processor answered into the charge's new status and
//! everything that follows from it, through **one** function ([`settle`]) whoever brings the
//! answer — a billing run, the supporter's on-session authentication, or a webhook — and
//! whenever it comes. The caller says which statuses the charge may leave; a charge that has
//! already left them is not touched, so an answer repeated, raced or late changes nothing.
//!
//! - **Succeeded**: allocations with the fee split exactly, one journal entry per charge whose
//!   lines reference every item, items paid, past-due pledges active again, a receipt owed.
//! - **Declined**: the next attempt on the retry schedule, or after the last one the items
//!   voided and the pledges paused; the supporter is emailed either way.
//! - **Requires authentication**: the charge waits for its supporter, who is emailed a link.
//! - **Processing**: the charge waits for the processor's final word.
//!
//! The fee policy is one for every path: a reported fee must lie within `0..=amount`. One
//! outside it is never clamped into the books: that charge is left as it was (the processor's
//! answer is logged as an error for the operator, and [`Settled::FeeRefused`] says so), while
//! the other charges of the batch settle as usual.

use super::fee_split;
use super::{BillingConfig, BillingError, RunSummary};
use crate::domain::Db;
use crate::domain::books::journal;
use crate::domain::hooks::{self, Event, EventType};
use crate::domain::mail::{self, templates};
use crate::domain::platform::db::Backend;
use crate::domain::platform::sql::{json_ids, json_param, json_rows, list};
use crate::domain::processors::ChargeOutcome;
use crate::domain::processors::fees::percentage_fee;
use crate::model::ChargeStatus;
use crate::money::{Currency, Money};
use std::collections::HashMap;

/// Where an answer may move a charge from. A run sends only pending charges; the supporter's
/// confirmation answers a charge that waits for them; the processor's own report (a webhook)
/// may settle any charge not yet settled, including one whose call's answer was lost.
pub const SENT_BY_A_RUN: &[ChargeStatus] = &[ChargeStatus::Pending];
pub const WAITING_FOR_THE_SUPPORTER: &[ChargeStatus] = &[ChargeStatus::RequiresAction];
pub const NOT_YET_SETTLED: &[ChargeStatus] = &[
    ChargeStatus::Pending,
    ChargeStatus::Processing,
    ChargeStatus::RequiresAction,
];

/// A charge as settling needs it.
#[derive(Clone, Debug)]
pub struct Charge {
    pub id: i64,
    pub supporter: i64,
    pub currency: Currency,
    pub cycle: String,
    pub attempt: i64,
    pub amount: i64,
    pub key: String,
}

/// A `charges` row as read for [`Charge`].
#[derive(sqlx::FromRow)]
pub(super) struct ChargeRow {
    id: i64,
    supporter_id: i64,
    currency: String,
    cycle: String,
    attempt: i64,
    amount_minor: i64,
    idempotency_key: String,
}

/// The columns of a [`ChargeRow`], for `select` and `returning` lists.
pub(super) const CHARGE_COLUMNS: &str =
    "id, supporter_id, currency, cycle, attempt, amount_minor, idempotency_key";

impl TryFrom<ChargeRow> for Charge {
    type Error = BillingError;

    fn try_from(row: ChargeRow) -> Result<Self, BillingError> {
        Ok(Charge {
            id: row.id,
            supporter: row.supporter_id,
            currency: row.currency.parse().map_err(|_| {
                BillingError::Inconsistent(format!("charge {}: currency {}", row.id, row.currency))
            })?,
            cycle: row.cycle,
            attempt: row.attempt,
            amount: row.amount_minor,
            key: row.idempotency_key,
        })
    }
}

/// What settling one charge did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settled {
    /// The charge took the outcome.
    Changed,
    /// The charge was no longer in a status the outcome may move it from (settled already,
    /// or still waiting where the outcome says it waits): nothing changed.
    Unchanged,
    /// The processor reported a fee outside `0..=amount`: nothing changed.
    FeeRefused,
}

/// Settles each charge with its outcome, in the caller's transaction, moving it only out of
/// one of the statuses `from`; see the module documentation. Returns what happened to each
/// charge, by id (successes, settled together at the end, come last), and counts it in
/// `summary`.
pub async fn settle(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    config: &BillingConfig,
    outcomes: Vec<(Charge, ChargeOutcome)>,
    from: &[ChargeStatus],
    at: i64,
    summary: &mut RunSummary,
) -> Result<Vec<(i64, Settled)>, BillingError> {
    let mut results = Vec::with_capacity(outcomes.len());
    let mut succeeded: Vec<(Charge, String, i64)> = Vec::new();
    for (charge, outcome) in outcomes {
        let id = charge.id;
        let settled = match outcome {
            ChargeOutcome::Succeeded {
                processor_ref,
                fee_minor,
            } => {
                if (0..=charge.amount).contains(&fee_minor) {
                    succeeded.push((charge, processor_ref, fee_minor));
                    continue;
                }
                tracing::error!(
                    charge = id,
                    fee = fee_minor,
                    amount = charge.amount,
                    "the processor reported a fee outside the charge's amount; the charge is left unsettled"
                );
                Settled::FeeRefused
            }
            ChargeOutcome::Declined {
                processor_ref,
                code,
            } => {
                let voided = decline(
                    tx,
                    config,
                    &charge,
                    processor_ref.as_deref(),
                    &code,
                    from,
                    at,
                )
                .await?;
                if let Some(voided) = voided {
                    summary.charges_declined += 1;
                    summary.items_voided += voided;
                }
                voided.is_some().into()
            }
            ChargeOutcome::RequiresAuthentication { processor_ref } => {
                let from = without(from, ChargeStatus::RequiresAction);
                let changed = set_status(
                    tx,
                    id,
                    ChargeStatus::RequiresAction,
                    &processor_ref,
                    &from,
                    at,
                )
                .await?;
                if changed {
                    summary.charges_requiring_action += 1;
                    notify_authentication(tx, config, &charge).await?;
                }
                changed.into()
            }
            ChargeOutcome::Processing { processor_ref } => {
                let from = without(from, ChargeStatus::Processing);
                let changed =
                    set_status(tx, id, ChargeStatus::Processing, &processor_ref, &from, at).await?;
                if changed {
                    summary.charges_processing += 1;
                }
                changed.into()
            }
        };
        results.push((id, settled));
    }
    let ids: Vec<i64> = succeeded.iter().map(|(c, ..)| c.id).collect();
    let won = succeed(tx, backend, config, succeeded, at, summary, from).await?;
    results.extend(ids.into_iter().map(|id| {
        let settled = if won.contains(&id) {
            Settled::Changed
        } else {
            Settled::Unchanged
        };
        (id, settled)
    }));
    Ok(results)
}

impl From<bool> for Settled {
    fn from(changed: bool) -> Self {
        if changed {
            Self::Changed
        } else {
            Self::Unchanged
        }
    }
}

/// Settles the charge `charge_id` with `outcome` in the caller's transaction; see [`settle`].
/// [`Settled::Unchanged`] for a charge that does not exist.
pub async fn settle_one(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    config: &BillingConfig,
    charge_id: i64,
    outcome: ChargeOutcome,
    from: &[ChargeStatus],
    at: i64,
) -> Result<Settled, BillingError> {
    let row: Option<ChargeRow> = sqlx::query_as(&format!(
        "select {CHARGE_COLUMNS} from charges where id = $1"
    ))
    .bind(charge_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(charge) = row.map(Charge::try_from).transpose()? else {
        return Ok(Settled::Unchanged);
    };
    let mut summary = RunSummary::default();
    let results = settle(
        tx,
        backend,
        config,
        vec![(charge, outcome)],
        from,
        at,
        &mut summary,
    )
    .await?;
    Ok(results.first().map_or(Settled::Unchanged, |(_, s)| *s))
}

/// [`settle_one`] in a transaction of its own.
pub async fn settle_charge(
    db: &Db,
    config: &BillingConfig,
    charge_id: i64,
    outcome: ChargeOutcome,
    from: &[ChargeStatus],
    at: i64,
) -> Result<Settled, BillingError> {
    let mut tx = db.begin_write().await?;
    let settled = settle_one(&mut tx, db.backend(), config, charge_id, outcome, from, at).await?;
    tx.commit().await?;
    if settled != Settled::Unchanged {
        // Paid items and cards found unusable change public totals and tip messages.
        db.note_public_change();
    }
    Ok(settled)
}

/// `statuses` without `status`.
fn without(statuses: &[ChargeStatus], status: ChargeStatus) -> Vec<ChargeStatus> {
    statuses.iter().copied().filter(|s| *s != status).collect()
}

/// Moves one charge to `status` out of one of the statuses `from`; false if it was in none
/// of them (or `from` is empty).
async fn set_status(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    charge: i64,
    status: ChargeStatus,
    processor_ref: &str,
    from: &[ChargeStatus],
    at: i64,
) -> Result<bool, BillingError> {
    if from.is_empty() {
        return Ok(false);
    }
    let sql = format!(
        "update charges set status = $1, processor_ref = $2, updated_at = $3, claimed_until = null \
         where id = $4 and status in ({})",
        list(5, from.len())
    );
    let query = sqlx::query(&sql)
        .bind(status.as_db())
        .bind(processor_ref)
        .bind(at)
        .bind(charge);
    let done = from
        .iter()
        .fold(query, |q, s| q.bind(s.as_db()))
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Records successful charges: allocations with the fee split exactly, one journal entry per
/// charge whose lines reference every item, and the items paid.
///
/// Only the fee split is worked out here; everything else is derived by the database from
/// rows it already has, a few statements per batch whatever its size.
async fn succeed(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    config: &BillingConfig,
    succeeded: Vec<(Charge, String, i64)>,
    at: i64,
    summary: &mut RunSummary,
    from: &[ChargeStatus],
) -> Result<std::collections::HashSet<i64>, BillingError> {
    if succeeded.is_empty() {
        return Ok(std::collections::HashSet::new());
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
    let sql = format!(
        "update charges set status = $3, processor_ref = v.reference, fee_minor = v.fee, \
                platform_fee_minor = v.platform_fee, updated_at = $1, claimed_until = null \
         from ({}) as v where charges.id = v.id and charges.status in ({}) \
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
        ),
        list(4, from.len())
    );
    let won = sqlx::query_as::<_, (i64,)>(&sql)
        .bind(at)
        .bind(json_param(&rows))
        .bind(ChargeStatus::Succeeded.as_db());
    let won: std::collections::HashSet<i64> = from
        .iter()
        .fold(won, |q, status| q.bind(status.as_db()))
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(|(id,)| id)
        .collect();
    if won.is_empty() {
        return Ok(won);
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
    journal::post_charges(tx, backend, &won_json, at).await?;
    sqlx::query(&format!(
        "update donation_items set status = 'paid' where status = 'charging' and charge_id in ({})",
        json_ids(backend, 1)
    ))
    .bind(&won_json)
    .execute(&mut **tx)
    .await?;
    donation_paid_events(tx, backend, &won_json).await?;
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
    Ok(won)
}

/// Records a decline: schedules the next attempt, or after the last one voids the items and
/// pauses the pledges. The supporter is emailed either way. How many items were voided, or
/// `None` if the charge was not in one of the statuses `from` (already recorded).
async fn decline(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    config: &BillingConfig,
    p: &Charge,
    processor_ref: Option<&str>,
    code: &str,
    from: &[ChargeStatus],
    at: i64,
) -> Result<Option<u64>, BillingError> {
    let retry_index = (p.attempt - 1) as usize;
    let next_retry_at = config.retry_days.get(retry_index).map(|days| {
        let previous = if retry_index == 0 {
            0
        } else {
            config.retry_days[retry_index - 1]
        };
        at + (days - previous) * 86_400
    });
    let sql = format!(
        "update charges set status = $1, processor_ref = coalesce($2, processor_ref), \
         decline_code = $3, next_retry_at = $4, updated_at = $5, claimed_until = null \
         where id = $6 and status in ({})",
        list(7, from.len())
    );
    let done = sqlx::query(&sql)
        .bind(ChargeStatus::Failed.as_db())
        .bind(processor_ref)
        .bind(code)
        .bind(next_retry_at)
        .bind(at)
        .bind(p.id);
    let done = from
        .iter()
        .fold(done, |q, status| q.bind(status.as_db()))
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Ok(None);
    }
    if method_cannot_be_charged(code) {
        // The saved method itself is dead: pledges stop unlocking posts and counting publicly
        // until another method is saved (`recipients::backing`).
        sqlx::query(
            "update billing_profiles set unusable_payment_method = payment_method where user_id = $1",
        )
        .bind(p.supporter)
        .execute(&mut **tx)
        .await?;
    }
    let mut items_voided = 0;
    let final_attempt = next_retry_at.is_none();
    if final_attempt {
        let voided = sqlx::query("update donation_items set status = 'voided' where charge_id = $1 and status = 'charging'")
            .bind(p.id)
            .execute(&mut **tx)
            .await?;
        items_voided = voided.rows_affected();
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
    charge_failed_events(tx, p, final_attempt, next_retry_at).await?;
    let who = supporter_contact(tx, p.supporter).await?;
    if let Some((email, name, language)) = who {
        mail::enqueue(
            &mut **tx,
            &templates::payment_failed(
                &email,
                templates::recipient_locale(language.as_deref()),
                &name,
                Money::new(p.amount, p.currency),
                code,
                final_attempt,
                &format!("{}/account/billing", config.site_url),
            ),
        )
        .await?;
    }
    Ok(Some(items_voided))
}

/// Queues `charge.failed` for each page with donations in the declined charge `p`:
/// `{"charge_id", "recipient_id", "donation_ids", "amount_minor" (this page's part),
/// "currency", "attempt", "final", "next_retry_at"}`.
async fn charge_failed_events(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    p: &Charge,
    final_attempt: bool,
    next_retry_at: Option<i64>,
) -> Result<(), sqlx::Error> {
    let listening = hooks::listeners(tx, EventType::ChargeFailed).await?;
    if listening.is_empty() {
        return Ok(());
    }
    let items: Vec<(i64, i64, i64)> = sqlx::query_as(
        "select recipient_id, id, gross_minor from donation_items where charge_id = $1 order by id",
    )
    .bind(p.id)
    .fetch_all(&mut **tx)
    .await?;
    let mut by_page: std::collections::BTreeMap<i64, (Vec<i64>, i64)> = Default::default();
    for (recipient, item, gross) in items {
        if listening.contains(&recipient) {
            let page = by_page.entry(recipient).or_default();
            page.0.push(item);
            page.1 += gross;
        }
    }
    let retry = next_retry_at.and_then(|t| chrono::DateTime::from_timestamp(t, 0));
    for (recipient_id, (donation_ids, amount_minor)) in by_page {
        let data = serde_json::json!({
            "charge_id": p.id,
            "recipient_id": recipient_id,
            "donation_ids": donation_ids,
            "amount_minor": amount_minor,
            "currency": p.currency.code(),
            "attempt": p.attempt,
            "final": final_attempt,
            "next_retry_at": retry.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        });
        hooks::enqueue(
            tx,
            Event {
                recipient_id,
                kind: EventType::ChargeFailed,
                data,
            },
        )
        .await?;
    }
    Ok(())
}

/// Queues `donation.paid` for every item of the charges `won_json` whose page listens:
/// `{"donation_id", "recipient_id", "charge_id", "pledge_id", "tip_id", "period",
/// "gross_minor", "fee_minor", "platform_fee_minor", "net_minor", "currency"}`. One query
/// when no page listens, so a billing run pays nothing for pages without webhooks.
async fn donation_paid_events(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    won_json: &str,
) -> Result<(), sqlx::Error> {
    let listening = hooks::listeners(tx, EventType::DonationPaid).await?;
    if listening.is_empty() {
        return Ok(());
    }
    #[expect(clippy::type_complexity, reason = "one row of the query below")]
    let rows: Vec<(i64, i64, i64, Option<i64>, Option<i64>, Option<String>, i64, i64, i64, i64, String)> =
        sqlx::query_as(&format!(
            "select i.id, i.recipient_id, i.charge_id, i.pledge_id, i.tip_id, i.period,                     a.gross_minor, a.fee_minor, a.platform_fee_minor, a.net_minor, a.currency              from donation_items i join allocations a on a.item_id = i.id              where i.charge_id in ({}) order by i.id",
            json_ids(backend, 1)
        ))
        .bind(won_json)
        .fetch_all(&mut **tx)
        .await?;
    for (
        id,
        recipient_id,
        charge_id,
        pledge_id,
        tip_id,
        period,
        gross,
        fee,
        platform,
        net,
        currency,
    ) in rows
    {
        if !listening.contains(&recipient_id) {
            continue;
        }
        let data = serde_json::json!({
            "donation_id": id,
            "recipient_id": recipient_id,
            "charge_id": charge_id,
            "pledge_id": pledge_id,
            "tip_id": tip_id,
            "period": period,
            "gross_minor": gross,
            "fee_minor": fee,
            "platform_fee_minor": platform,
            "net_minor": net,
            "currency": currency,
        });
        hooks::enqueue(
            tx,
            Event {
                recipient_id,
                kind: EventType::DonationPaid,
                data,
            },
        )
        .await?;
    }
    Ok(())
}

/// Whether a decline `code` says the saved payment method can never be charged (gone, not
/// usable, expired, or none), rather than a bank's refusal this time.
fn method_cannot_be_charged(code: &str) -> bool {
    crate::domain::processors::payment_method_unusable(code)
        || matches!(code, "expired_card" | "payment_method_missing")
}

/// A supporter's email address, display name and saved language, for the mail a charge's
/// outcome sends.
async fn supporter_contact(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    supporter: i64,
) -> Result<Option<(String, String, Option<String>)>, sqlx::Error> {
    sqlx::query_as("select email, display_name, language from users where id = $1")
        .bind(supporter)
        .fetch_optional(&mut **tx)
        .await
}

async fn notify_authentication(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    config: &BillingConfig,
    p: &Charge,
) -> Result<(), BillingError> {
    let who = supporter_contact(tx, p.supporter).await?;
    if let Some((email, name, language)) = who {
        let path = format!("{}/account/billing/authenticate/{}", config.site_url, p.id);
        mail::enqueue(
            &mut **tx,
            &templates::authentication_required(
                &email,
                templates::recipient_locale(language.as_deref()),
                &name,
                Money::new(p.amount, p.currency),
                &path,
            ),
        )
        .await?;
    }
    Ok(())
}
