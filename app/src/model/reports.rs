//! What the reports exchange between server and browser: a creator's supporters and income,
//! and a supporter's yearly statement.

use super::{PledgeStatus, RecipientKind};
use serde::{Deserialize, Serialize};

/// One supporter of a page, as its owner may see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupporterRow {
    /// The display name of a public supporter; "Anonymous" or "Private supporter" otherwise.
    pub name: String,
    /// The tier's name, or "Custom" for a pledge without one.
    pub tier: String,
    pub amount_minor: i64,
    pub currency: String,
    /// `YYYY-MM-DD` of the pledge's start.
    pub since: String,
    pub status: PledgeStatus,
}

/// A page's supporters, optionally only those with one status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportersReport {
    pub recipient_id: i64,
    pub name: String,
    /// The status filtered by (`active`, `past_due`, `paused`, `cancelled`), or `None` for all.
    pub status: Option<String>,
    pub rows: Vec<SupporterRow>,
}

/// Net income of one calendar month (UTC).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthIncome {
    /// `YYYY-MM`.
    pub month: String,
    /// The year and the month (1–12), for the view to name in the reader's language.
    pub year: i32,
    pub month_of_year: u32,
    pub net_minor: i64,
}

/// A page's income: this month, the next charge run, the goal, and the last 12 months.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomeReport {
    pub recipient_id: i64,
    pub name: String,
    pub kind: RecipientKind,
    pub currency: String,
    /// Net of fees, from charges that succeeded this calendar month (UTC).
    pub this_month_net_minor: i64,
    /// The sum of active monthly pledges: what the next charge runs should bring (gross).
    pub forecast_minor: i64,
    pub active_pledges: i64,
    /// The monthly goal (creators) or campaign target (causes).
    pub goal_minor: Option<i64>,
    /// What counts towards the goal: the forecast for creators, all net income for causes.
    pub goal_progress_minor: i64,
    /// Oldest first; the last is this month.
    pub months: Vec<MonthIncome>,
}

/// One paid donation on a supporter's statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementRow {
    /// `YYYY-MM-DD` of the charge that paid it.
    pub date: String,
    pub recipient_name: String,
    pub recipient_slug: String,
    /// A tip or a month of a pledge (views name it with `ItemKind::name`).
    pub kind: crate::model::ItemKind,
    pub currency: String,
    pub gross_minor: i64,
    pub fee_minor: i64,
    pub platform_fee_minor: i64,
    pub net_minor: i64,
    /// The processor's reference for the charge, or Chipin's charge number.
    pub charge_ref: String,
}

/// Totals of one currency on a statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementTotal {
    pub currency: String,
    pub gross_minor: i64,
    pub fee_minor: i64,
    pub platform_fee_minor: i64,
    pub net_minor: i64,
}

/// Everything a supporter gave in one year, across all recipients.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub year: i32,
    pub rows: Vec<StatementRow>,
    pub totals: Vec<StatementTotal>,
}
