//! Disputes (chargebacks): recorded from the processor's webhooks, shown to the operator, and
//! holding back what the disputed charge paid its recipients.
//!
//! While a dispute is open, or after it was lost, the net amounts its charge allocated to
//! recipients (items not refunded) are **frozen**: they stay in the recipient's ledger balance
//! but may not be paid out. A dispute the platform won (or an inquiry closed without a
//! chargeback) releases them. Code that pays recipients must pay at most
//! [`payable_minor`] — the ledger balance less [`frozen_minor`] — never the raw balance.

use crate::domain::Db;
use crate::domain::books::journal::{self, Account};
use crate::money::Currency;

/// Dispute statuses that release the frozen amounts (Stripe's names).
pub const RELEASING_STATUSES: &[&str] = &["won", "warning_closed"];

/// Statuses after which a dispute never changes again; a late, older event cannot reopen it.
pub const FINAL_STATUSES: &[&str] = &["won", "lost", "warning_closed"];

/// Spelled once, for the two SQL conditions below.
macro_rules! freezes {
    () => {
        "charge_id is not null and status not in ('won', 'warning_closed')"
    };
}

/// The SQL condition, on a `disputes` row, for "freezes its charge's amounts".
pub(crate) const FREEZES: &str = freezes!();

/// The SQL condition, on an `allocations` row named `a`, for "its net is frozen": the item is
/// not refunded and its charge has a dispute that [`FREEZES`]. These are the rows
/// [`frozen_minor`] adds up; every query that picks donation shares to pay out or spend
/// leaves them out (`and not (…)`), so frozen money is neither paid to a creator nor spent or
/// paid out by a cause, while money owed back for refunded items is still netted.
pub(crate) const FROZEN_ALLOCATION: &str = concat!(
    "(a.refunded_at is null and a.charge_id in (select charge_id from disputes where ",
    freezes!(),
    "))"
);

/// One dispute as the operator sees it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct DisputeRow {
    pub dispute_ref: String,
    /// Chipin's charge, when the dispute's payment is one of Chipin's charges.
    pub charge_id: Option<i64>,
    pub payment_intent: Option<String>,
    pub amount_minor: i64,
    pub currency: String,
    pub reason: String,
    pub status: String,
    /// When the processor opened it (unix seconds).
    pub created: i64,
    /// The recipient amounts it holds back (0 once released or when no charge matched).
    pub frozen_minor: i64,
}

/// Every dispute, newest first.
pub async fn list(db: &Db) -> Result<Vec<DisputeRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "select d.dispute_ref, d.charge_id, d.payment_intent, d.amount_minor, d.currency, d.reason, \
                d.status, d.created, \
                cast(coalesce((select sum(a.net_minor - a.refunded_net_minor) from allocations a \
                               where a.charge_id = d.charge_id and a.refunded_at is null \
                               and d.{FREEZES}), 0) as bigint) as frozen_minor \
         from disputes d order by d.created desc, d.id desc"
    ))
    .fetch_all(db.pool())
    .await
}

/// What disputes currently hold back of `recipient`'s balance in `currency`.
pub async fn frozen_minor(db: &Db, recipient: i64, currency: Currency) -> Result<i64, sqlx::Error> {
    let (sum,): (i64,) = sqlx::query_as(&format!(
        "select cast(coalesce(sum(a.net_minor - a.refunded_net_minor), 0) as bigint) from allocations a \
         where a.recipient_id = $1 and a.currency = $2 and {FROZEN_ALLOCATION}"
    ))
    .bind(recipient)
    .bind(currency.code())
    .fetch_one(db.pool())
    .await?;
    Ok(sum)
}

/// What may be paid out to `recipient` in `currency`: its ledger balance less what disputes
/// hold back, never below zero.
pub async fn payable_minor(
    db: &Db,
    recipient: i64,
    currency: Currency,
) -> Result<i64, sqlx::Error> {
    let balance = journal::balance(db, Account::Recipient(recipient), currency).await?;
    let frozen = frozen_minor(db, recipient, currency).await?;
    Ok(balance.saturating_sub(frozen).max(0))
}

/// A dispute as reported by the processor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisputeReport<'a> {
    pub dispute_ref: &'a str,
    /// The PaymentIntent the disputed payment belongs to, if the processor says.
    pub payment_intent: Option<&'a str>,
    pub amount_minor: i64,
    pub currency: &'a str,
    pub reason: &'a str,
    pub status: &'a str,
    pub created: i64,
    /// When the evidence is due (unix seconds), if the processor says.
    pub evidence_due_by: Option<i64>,
}

/// Records a dispute or its new status, in the caller's transaction. The charge is matched by
/// its PaymentIntent. A dispute already closed keeps its final status. Returns Chipin's
/// charge id when the dispute is for one of its charges.
pub async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    report: &DisputeReport<'_>,
    at: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let charge: Option<(i64,)> = match report.payment_intent {
        Some(pi) => {
            sqlx::query_as("select id from charges where processor_ref = $1 and currency = $2")
                .bind(pi)
                .bind(report.currency.to_ascii_uppercase())
                .fetch_optional(&mut **tx)
                .await?
        }
        None => None,
    };
    let charge = charge.map(|(id,)| id);
    sqlx::query(
        "insert into disputes (dispute_ref, charge_id, payment_intent, amount_minor, currency, reason, status, created, updated_at, evidence_due_by) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         on conflict (dispute_ref) do update set status = excluded.status, amount_minor = excluded.amount_minor, \
             reason = excluded.reason, updated_at = excluded.updated_at, \
             evidence_due_by = coalesce(excluded.evidence_due_by, disputes.evidence_due_by) \
         where disputes.status not in ('won', 'lost', 'warning_closed')",
    )
    .bind(report.dispute_ref)
    .bind(charge)
    .bind(report.payment_intent)
    .bind(report.amount_minor)
    .bind(report.currency.to_ascii_uppercase())
    .bind(report.reason)
    .bind(report.status)
    .bind(report.created)
    .bind(at)
    .bind(report.evidence_due_by)
    .execute(&mut **tx)
    .await?;
    Ok(charge)
}

/// A dispute as read for a page: opened, charged, held, currency, status, reason, evidence due.
type PageDisputeRow = (i64, i64, i64, String, String, String, Option<i64>);

/// The disputes touching page `recipient`'s donations, newest first, as its owner sees them:
/// what of the page's share of the disputed charge is held, the status and the evidence
/// deadline. The caller checks that the viewer owns the page.
pub async fn for_page(
    db: &Db,
    recipient: i64,
) -> Result<Vec<crate::model::trail::PageDispute>, sqlx::Error> {
    let rows: Vec<PageDisputeRow> = sqlx::query_as(&format!(
        "select d.created, (select c.updated_at from charges c where c.id = d.charge_id), \
                cast(coalesce((select sum(a.net_minor - a.refunded_net_minor) from allocations a \
                               where a.charge_id = d.charge_id and a.recipient_id = $1 \
                               and a.refunded_at is null and d.{FREEZES}), 0) as bigint), \
                d.currency, d.status, d.reason, d.evidence_due_by \
         from disputes d \
         where d.charge_id is not null and exists (select 1 from allocations a where a.charge_id = d.charge_id and a.recipient_id = $1) \
         order by d.created desc, d.id desc"
    ))
    .bind(recipient)
    .fetch_all(db.pool())
    .await?;
    let day = crate::domain::platform::clock::iso_day;
    Ok(rows
        .into_iter()
        .map(|(opened, charged, held, currency, status, reason, due)| {
            crate::model::trail::PageDispute {
                opened_on: day(opened),
                charged_on: day(charged),
                held_minor: held,
                currency,
                status,
                reason,
                evidence_due: due.map(day),
            }
        })
        .collect())
}
