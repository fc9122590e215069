//! What did a page earn and who supports it, and what did a supporter give in a year? Read-only
//! reports over pledges and the split of succeeded charges (`allocations`), with their CSV forms.
//!
//! Dates: money counts from the moment its charge succeeded, which is the charge's
//! `updated_at` (a succeeded charge is never changed again; its `created_at` is when the
//! attempt was committed, possibly days earlier for a retried or resumed charge). Months and
//! years are calendar months and years in UTC. Refunded donations are left out: the money
//! went back to the supporter.
//!
//! Sums are taken in Rust with checked arithmetic over the rows, so both databases agree and
//! an overflow is an error rather than a wrong total.

use super::OwnedPage;
use crate::domain::Db;
use crate::domain::platform::clock::{iso_day, midnight};
use crate::i18n::Locale;
use crate::model::reports::{
    IncomeReport, MonthIncome, Statement, StatementRow, StatementTotal, SupporterRow,
    SupportersReport,
};
use crate::model::{PledgeStatus, RecipientKind};
use chrono::{Datelike as _, Months, NaiveDate};
use std::collections::BTreeMap;

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The page does not exist or the caller does not own it.
    #[error("no such page")]
    NotYours,
    #[error("a total does not fit in 64 bits")]
    Overflow,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// The statuses a supporters list can be filtered by.
pub const SUPPORTER_STATUSES: &[&str] = &["active", "past_due", "paused", "cancelled"];

/// The years a statement may be asked for.
pub const STATEMENT_YEARS: std::ops::RangeInclusive<i32> = 2000..=2200;

/// One CSV cell: quoted when it holds a comma, quote or line break, and with a leading `'`
/// when a spreadsheet would read it as a formula (it starts with `=`, `+`, `-`, `@`, a tab or
/// a carriage return). Amounts are written unsigned by this module's callers, so only text
/// people typed (names, tiers) is ever changed by this.
pub fn csv_cell(value: &str) -> String {
    let neutral = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// One CSV record, ended with CRLF (RFC 4180).
pub fn csv_line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut line = cells
        .iter()
        .map(|c| csv_cell(c.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// Minor units as a plain decimal in major units, for CSV: `1234` USD is `12.34`.
pub fn decimal(minor: i64, currency: &str) -> String {
    let exp = currency
        .parse::<crate::money::Currency>()
        .map_or(2, crate::money::Currency::exponent);
    if exp == 0 {
        return minor.to_string();
    }
    let per = 10u64.pow(exp);
    let abs = minor.unsigned_abs();
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}.{:0w$}", abs / per, abs % per, w = exp as usize)
}

fn add(a: i64, b: i64) -> Result<i64, ReportError> {
    a.checked_add(b).ok_or(ReportError::Overflow)
}

fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// How a supporter appears to the page's owner: public supporters by name; anonymous and
/// private ones without any identity.
fn shown_name(visibility: &str, display_name: String, locale: Locale) -> String {
    match visibility {
        "public" => display_name,
        "anonymous" => locale.text("studio-supporter-anonymous"),
        _ => locale.text("studio-supporter-private"),
    }
}

/// A pledge's status in `locale`, as the studio and its CSV name it.
fn status_in(status: PledgeStatus, locale: Locale) -> String {
    locale.text(match status {
        PledgeStatus::Active => "studio-status-active",
        PledgeStatus::PastDue => "studio-status-past-due",
        PledgeStatus::Paused => "studio-status-paused",
        PledgeStatus::Cancelled => "studio-status-cancelled",
    })
}

#[derive(sqlx::FromRow)]
struct SupporterDbRow {
    display_name: String,
    visibility: String,
    tier: Option<String>,
    amount_minor: i64,
    currency: String,
    created_at: i64,
    status: String,
}

/// The supporters (pledges) of `recipient`, newest first, if `owner` owns it. `status` is one
/// of [`SUPPORTER_STATUSES`]; anything else lists every pledge. Supporters without a shown
/// name, and pledges without a tier, are named in English (see [`supporters_in`]).
pub async fn supporters(
    db: &Db,
    owner: i64,
    recipient: i64,
    status: Option<&str>,
) -> Result<SupportersReport, ReportError> {
    supporters_in(db, owner, recipient, status, Locale::En).await
}

/// [`supporters`], naming anonymous and private supporters and tierless pledges in `locale`.
pub async fn supporters_in(
    db: &Db,
    owner: i64,
    recipient: i64,
    status: Option<&str>,
    locale: Locale,
) -> Result<SupportersReport, ReportError> {
    let name = OwnedPage::load(db, owner, recipient)
        .await?
        .ok_or(ReportError::NotYours)?
        .name;
    let status = status.filter(|s| SUPPORTER_STATUSES.contains(s));
    let rows: Vec<SupporterDbRow> = sqlx::query_as(
        "select u.display_name, p.visibility, t.name as tier, p.amount_minor, p.currency, \
                p.created_at, p.status \
         from pledges p join users u on u.id = p.supporter_id \
         left join tiers t on t.id = p.tier_id \
         where p.recipient_id = $1 and (cast($2 as text) = '' or p.status = cast($2 as text)) \
         order by p.created_at desc, p.id desc",
    )
    .bind(recipient)
    .bind(status.unwrap_or(""))
    .fetch_all(db.pool())
    .await?;
    Ok(SupportersReport {
        recipient_id: recipient,
        name,
        status: status.map(str::to_owned),
        rows: rows
            .into_iter()
            .map(|r| SupporterRow {
                name: shown_name(&r.visibility, r.display_name, locale),
                tier: r
                    .tier
                    .unwrap_or_else(|| locale.text("studio-supporter-custom-tier")),
                amount_minor: r.amount_minor,
                currency: r.currency,
                since: iso_day(r.created_at),
                status: PledgeStatus::from_db(&r.status),
            })
            .collect(),
    })
}

/// The supporters report as CSV, its header row and statuses in English.
pub fn supporters_csv(report: &SupportersReport) -> String {
    supporters_csv_in(report, Locale::En)
}

/// The supporters report as CSV with its header row and statuses in `locale`; the columns,
/// ISO days and plain decimal amounts are the same in every language.
pub fn supporters_csv_in(report: &SupportersReport, locale: Locale) -> String {
    let header = [
        "studio-csv-supporter",
        "studio-csv-tier",
        "studio-csv-monthly-amount",
        "studio-csv-currency",
        "studio-csv-since",
        "studio-csv-status",
    ]
    .map(|id| locale.text(id));
    let mut out = csv_line(&header);
    for r in &report.rows {
        out.push_str(&csv_line(&[
            r.name.as_str(),
            &r.tier,
            &decimal(r.amount_minor, &r.currency),
            &r.currency,
            &r.since,
            &status_in(r.status, locale),
        ]));
    }
    out
}

/// The income of `recipient` as of `today`, if `owner` owns it.
pub async fn income(
    db: &Db,
    owner: i64,
    recipient: i64,
    today: NaiveDate,
) -> Result<IncomeReport, ReportError> {
    let page = OwnedPage::load(db, owner, recipient)
        .await?
        .ok_or(ReportError::NotYours)?;
    let (name, kind, currency, goal) = (
        page.name,
        page.kind,
        page.currency.code().to_owned(),
        page.goal_minor,
    );
    let this_month = first_of_month(today);
    let first = this_month
        .checked_sub_months(Months::new(11))
        .unwrap_or(this_month);
    let next = this_month
        .checked_add_months(Months::new(1))
        .unwrap_or(this_month);
    let mut months: BTreeMap<NaiveDate, i64> = (0..12)
        .filter_map(|i| first.checked_add_months(Months::new(i)))
        .map(|m| (m, 0))
        .collect();
    // Causes count everything ever raised towards their target; creators only the window.
    let since = if kind == RecipientKind::Cause {
        0
    } else {
        midnight(first)
    };
    let paid: Vec<(i64, i64)> = sqlx::query_as(
        "select c.updated_at, a.net_minor from allocations a \
         join charges c on c.id = a.charge_id \
         where a.recipient_id = $1 and c.status = 'succeeded' and a.refunded_at is null \
           and c.updated_at >= $2 and c.updated_at < $3",
    )
    .bind(recipient)
    .bind(since)
    .bind(midnight(next))
    .fetch_all(db.pool())
    .await?;
    let mut raised = 0i64;
    for (at, net) in paid {
        raised = add(raised, net)?;
        let Some(date) = chrono::DateTime::from_timestamp(at, 0).map(|d| d.date_naive()) else {
            continue;
        };
        if let Some(total) = months.get_mut(&first_of_month(date)) {
            *total = add(*total, net)?;
        }
    }
    // The forecast counts what can be collected: active pledges backed by a usable card.
    let active: Vec<(i64,)> = sqlx::query_as(&format!(
        "select p.amount_minor from pledges p where p.recipient_id = $1 and p.status = 'active' and {}",
        super::backing::supporter_can_pay("p.supporter_id")
    ))
    .bind(recipient)
    .fetch_all(db.pool())
    .await?;
    let forecast = active.iter().try_fold(0i64, |sum, (a,)| add(sum, *a))?;
    let this_month_net = months.get(&this_month).copied().unwrap_or(0);
    Ok(IncomeReport {
        recipient_id: recipient,
        name,
        kind,
        currency,
        this_month_net_minor: this_month_net,
        forecast_minor: forecast,
        active_pledges: active.len() as i64,
        goal_minor: goal,
        goal_progress_minor: match kind {
            RecipientKind::Creator => forecast,
            RecipientKind::Cause => raised,
        },
        months: months
            .into_iter()
            .map(|(m, net)| MonthIncome {
                month: m.format("%Y-%m").to_string(),
                year: m.year(),
                month_of_year: m.month(),
                net_minor: net,
            })
            .collect(),
    })
}

#[derive(sqlx::FromRow)]
struct StatementDbRow {
    paid_at: i64,
    name: String,
    slug: String,
    pledge_id: Option<i64>,
    period: Option<String>,
    currency: String,
    gross_minor: i64,
    fee_minor: i64,
    platform_fee_minor: i64,
    net_minor: i64,
    charge_id: i64,
}

/// Every donation `supporter` paid in `year` (UTC), oldest first, with totals per currency.
pub async fn statement(db: &Db, supporter: i64, year: i32) -> Result<Statement, ReportError> {
    let start = NaiveDate::from_ymd_opt(year, 1, 1).map_or(i64::MAX, midnight);
    let end = NaiveDate::from_ymd_opt(year + 1, 1, 1).map_or(i64::MIN, midnight);
    let rows: Vec<StatementDbRow> = sqlx::query_as(
        "select c.updated_at as paid_at, r.name, r.slug, i.pledge_id, i.period, a.currency, \
                a.gross_minor, a.fee_minor, a.platform_fee_minor, a.net_minor, c.id as charge_id \
         from allocations a \
         join charges c on c.id = a.charge_id \
         join donation_items i on i.id = a.item_id \
         join recipients r on r.id = a.recipient_id \
         where c.supporter_id = $1 and c.status = 'succeeded' and a.refunded_at is null \
           and c.updated_at >= $2 and c.updated_at < $3 \
         order by c.updated_at, c.id, a.item_id",
    )
    .bind(supporter)
    .bind(start)
    .bind(end)
    .fetch_all(db.pool())
    .await?;
    let mut totals: BTreeMap<String, StatementTotal> = BTreeMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let currency = row.currency;
        let t = totals
            .entry(currency.clone())
            .or_insert_with(|| StatementTotal {
                currency: currency.clone(),
                gross_minor: 0,
                fee_minor: 0,
                platform_fee_minor: 0,
                net_minor: 0,
            });
        t.gross_minor = add(t.gross_minor, row.gross_minor)?;
        t.fee_minor = add(t.fee_minor, row.fee_minor)?;
        t.platform_fee_minor = add(t.platform_fee_minor, row.platform_fee_minor)?;
        t.net_minor = add(t.net_minor, row.net_minor)?;
        out.push(StatementRow {
            date: iso_day(row.paid_at),
            recipient_name: row.name,
            recipient_slug: row.slug,
            kind: crate::model::ItemKind::of(row.pledge_id.is_some(), row.period),
            currency,
            gross_minor: row.gross_minor,
            fee_minor: row.fee_minor,
            platform_fee_minor: row.platform_fee_minor,
            net_minor: row.net_minor,
            charge_ref: crate::model::charge_reference(row.charge_id),
        });
    }
    Ok(Statement {
        year,
        rows: out,
        totals: totals.into_values().collect(),
    })
}

/// The statement as CSV: one line per donation and nothing else, so a spreadsheet summing a
/// column gets the year's total (the statement page shows the totals). In English.
pub fn statement_csv(s: &Statement) -> String {
    statement_csv_in(s, Locale::En)
}

/// The statement as CSV with its header row and donation names in `locale`; the columns, ISO
/// days and plain decimal amounts are the same in every language.
pub fn statement_csv_in(s: &Statement, locale: Locale) -> String {
    let header = [
        "bill-csv-date",
        "bill-csv-recipient",
        "bill-csv-donation",
        "bill-csv-currency",
        "bill-csv-gross",
        "bill-csv-fee-share",
        "bill-csv-platform-fee",
        "bill-csv-net",
        "bill-csv-charge-reference",
    ]
    .map(|id| locale.text(id));
    let mut out = csv_line(&header);
    for r in &s.rows {
        let c = r.currency.as_str();
        out.push_str(&csv_line(&[
            r.date.as_str(),
            &r.recipient_name,
            &r.kind.name_in(locale),
            c,
            &decimal(r.gross_minor, c),
            &decimal(r.fee_minor, c),
            &decimal(r.platform_fee_minor, c),
            &decimal(r.net_minor, c),
            &r.charge_ref,
        ]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_formulas_are_neutralised() {
        assert_eq!(csv_cell("Mara"), "Mara");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_cell("=1+2"), "'=1+2");
        assert_eq!(csv_cell("+44"), "'+44");
        assert_eq!(csv_cell("-x"), "'-x");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(
            csv_cell("=HYPERLINK(\"x\",\"y\")"),
            "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""
        );
        assert_eq!(csv_line(&["a", "b,c"]), "a,\"b,c\"\r\n");
    }

    #[test]
    fn decimals_follow_the_currency_exponent() {
        assert_eq!(decimal(1234, "USD"), "12.34");
        assert_eq!(decimal(5, "EUR"), "0.05");
        assert_eq!(decimal(2000, "KRW"), "2000");
        assert_eq!(decimal(-5, "USD"), "-0.05");
    }
}
