//! What did a cause receive and spend? Its totals (given, fees, received, spent, unspent) and
//! its published expenses as its public ledger and the organizer's pages show them. Recording
//! and correcting expenses is `payouts::expenses`; this only reads.

use crate::domain::Db;
use crate::domain::platform::clock::iso_day;
use crate::money::{Currency, Money};

/// One expense as the cause's pages show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpenseView {
    pub id: i64,
    pub amount: Money,
    pub description: String,
    pub spent_on: i64,
    pub receipt_url: Option<String>,
    /// How many donations' money paid for it.
    pub donations: i64,
    pub corrected: Option<String>,
    /// The budget line it was spent in.
    pub budget_line: Option<String>,
}

/// A cause's expenses, newest first (corrected ones included, marked).
pub async fn list(
    db: &Db,
    cause: i64,
    currency: Currency,
) -> Result<Vec<ExpenseView>, sqlx::Error> {
    type Row = (
        i64,
        i64,
        String,
        i64,
        Option<String>,
        i64,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "select x.id, x.amount_minor, x.description, x.spent_on, x.receipt_url, \
           (select count(*) from expense_shares s where s.expense_id = x.id and s.amount_minor > 0), \
           x.correction_reason, b.name \
         from expenses x left join budget_lines b on b.id = x.budget_line_id \
         where x.recipient_id = $1 order by x.spent_on desc, x.id desc limit 500",
    )
    .bind(cause)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                amount,
                description,
                spent_on,
                receipt_url,
                donations,
                corrected,
                budget_line,
            )| {
                ExpenseView {
                    id,
                    amount: Money::new(amount, currency),
                    description,
                    spent_on,
                    receipt_url,
                    donations,
                    corrected,
                    budget_line,
                }
            },
        )
        .collect())
}

/// A cause's money in and out, for its public ledger and the organizer's expenses page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CauseTotals {
    /// What supporters gave (gross, less what was refunded, in part or in whole).
    pub gross: Money,
    /// Processor and platform fees.
    pub fees: Money,
    /// Net of fees: what the cause received (less the net share a refund took back).
    pub net: Money,
    pub spent: Money,
    pub unspent: Money,
}

/// The totals of a cause, from its allocations and live expenses.
pub async fn totals(db: &Db, cause: i64, currency: Currency) -> Result<CauseTotals, sqlx::Error> {
    let (gross, fees, net): (i64, i64, i64) = sqlx::query_as(
        "select cast(coalesce(sum(gross_minor - refunded_minor), 0) as bigint), \
           cast(coalesce(sum((gross_minor - refunded_minor) - (net_minor - refunded_net_minor)), 0) as bigint), \
           cast(coalesce(sum(net_minor - refunded_net_minor), 0) as bigint) \
         from allocations where recipient_id = $1 and refunded_at is null",
    )
    .bind(cause)
    .fetch_one(db.pool())
    .await?;
    let (spent,): (i64,) = sqlx::query_as(
        "select cast(coalesce(sum(amount_minor), 0) as bigint) from expenses \
         where recipient_id = $1 and corrected_at is null",
    )
    .bind(cause)
    .fetch_one(db.pool())
    .await?;
    let m = |minor| Money::new(minor, currency);
    Ok(CauseTotals {
        gross: m(gross),
        fees: m(fees),
        net: m(net),
        spent: m(spent),
        unspent: m(net - spent),
    })
}

/// The expenses of a cause as its pages show them.
pub async fn rows(
    db: &Db,
    cause: i64,
    currency: Currency,
) -> Result<Vec<crate::model::trail::ExpenseRow>, sqlx::Error> {
    Ok(list(db, cause, currency)
        .await?
        .into_iter()
        .map(|e| crate::model::trail::ExpenseRow {
            id: e.id,
            spent_on: iso_day(e.spent_on),
            description: e.description,
            budget_line: e.budget_line,
            amount_minor: e.amount.minor,
            receipt_url: e.receipt_url,
            donations: e.donations,
            corrected: e.corrected,
        })
        .collect())
}
