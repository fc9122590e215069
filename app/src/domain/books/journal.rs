//! The double-entry journal. Every movement of money is an entry whose lines sum to zero in
//! each currency; entries are only ever appended (a mistake or refund is a new, reversing
//! entry). Balances are sums of lines; nothing is cached, so nothing can drift.
//!
//! Sign convention (money flows): a line is positive where money arrives and negative where it
//! leaves. A charge of a $10 tip and a $5 pledge with a $0.74 fee posts `supporter_payments
//! -1500` and `processor_fees +74` for the card payment, then `recipient:7 +941` and
//! `recipient:9 +485`, each naming its donation item (see [`post_charges`]).

use crate::domain::Db;
use crate::domain::platform::clock::now;
use crate::domain::platform::db::Backend;
use crate::money::{Currency, Money};
use std::collections::BTreeMap;

/// Where money sits or comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Account {
    /// Supporters' cards: the outside world money comes in from (external).
    SupporterPayments,
    /// What the payment processor kept.
    ProcessorFees,
    /// Chipin's own cut (default 0%).
    PlatformFees,
    /// What Chipin owes one creator or cause.
    Recipient(i64),
    /// Paid out, not yet arrived.
    PayoutsInTransit,
    /// Money a cause has spent on published expenses, until it is paid out.
    CauseSpending(i64),
    /// Payouts that arrived: the outside world money leaves to (external).
    PayoutsPaid,
}

impl Account {
    /// The account's code in the journal.
    pub fn code(self) -> String {
        match self {
            Self::SupporterPayments => "supporter_payments".to_owned(),
            Self::ProcessorFees => "processor_fees".to_owned(),
            Self::PlatformFees => "platform_fees".to_owned(),
            Self::Recipient(id) => format!("recipient:{id}"),
            Self::PayoutsInTransit => "payouts_in_transit".to_owned(),
            Self::CauseSpending(id) => format!("cause_spending:{id}"),
            Self::PayoutsPaid => "payouts_paid".to_owned(),
        }
    }

    /// The account a journal code names, if any.
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "supporter_payments" => Some(Self::SupporterPayments),
            "processor_fees" => Some(Self::ProcessorFees),
            "platform_fees" => Some(Self::PlatformFees),
            "payouts_in_transit" => Some(Self::PayoutsInTransit),
            "payouts_paid" => Some(Self::PayoutsPaid),
            other => {
                if let Some(id) = other.strip_prefix("recipient:") {
                    id.parse().ok().map(Self::Recipient)
                } else {
                    other
                        .strip_prefix("cause_spending:")
                        .and_then(|id| id.parse().ok())
                        .map(Self::CauseSpending)
                }
            }
        }
    }
}

/// The kinds of journal entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    Charge,
    Refund,
    Payout,
    Expense,
    Correction,
}

impl EntryKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Charge => "charge",
            Self::Refund => "refund",
            Self::Payout => "payout",
            Self::Expense => "expense",
            Self::Correction => "correction",
        }
    }
}

/// One line of an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub account: Account,
    pub currency: Currency,
    pub amount_minor: i64,
    /// The donation item the money belongs to, where it belongs to one.
    pub item_id: Option<i64>,
}

/// An entry about to be posted.
#[derive(Clone, Debug)]
pub struct NewEntry {
    pub kind: EntryKind,
    pub charge_id: Option<i64>,
    pub reverses_entry_id: Option<i64>,
    pub memo: String,
    pub lines: Vec<Line>,
}

impl NewEntry {
    /// An entry of two lines moving `amount` out of `from` into `to`, for no donation item in
    /// particular: the shape of payouts, expenses and their corrections.
    pub fn transfer(
        kind: EntryKind,
        from: Account,
        to: Account,
        amount: Money,
        memo: impl Into<String>,
    ) -> Self {
        let line = |account, amount_minor| Line {
            account,
            currency: amount.currency,
            amount_minor,
            item_id: None,
        };
        Self {
            kind,
            charge_id: None,
            reverses_entry_id: None,
            memo: memo.into(),
            lines: vec![line(from, -amount.minor), line(to, amount.minor)],
        }
    }

    /// This entry, marked as reversing the entry `reversed`.
    pub fn reversing(mut self, reversed: i64) -> Self {
        self.reverses_entry_id = Some(reversed);
        self
    }
}

/// Why an entry was refused, or the journal could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("entry does not balance in {0}: off by {1}")]
    Unbalanced(Currency, i128),
    #[error("an entry needs at least two lines")]
    TooFewLines,
    #[error("a journal line cannot be zero")]
    ZeroLine,
    #[error("database")]
    Db(#[from] sqlx::Error),
}

/// Checks an entry without touching the database: at least two non-zero lines, summing to zero
/// in every currency.
pub fn validate(lines: &[Line]) -> Result<(), LedgerError> {
    if lines.len() < 2 {
        return Err(LedgerError::TooFewLines);
    }
    if lines.iter().any(|l| l.amount_minor == 0) {
        return Err(LedgerError::ZeroLine);
    }
    let mut sums: BTreeMap<Currency, i128> = BTreeMap::new();
    for l in lines {
        *sums.entry(l.currency).or_default() += i128::from(l.amount_minor);
    }
    match sums.into_iter().find(|(_, s)| *s != 0) {
        Some((c, s)) => Err(LedgerError::Unbalanced(c, s)),
        None => Ok(()),
    }
}

/// Posts several entries in the caller's transaction, with as few statements as possible.
/// Every entry is validated first; nothing is written if any is wrong.
pub async fn post_many(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    entries: &[NewEntry],
) -> Result<Vec<i64>, LedgerError> {
    for e in entries {
        validate(&e.lines)?;
    }
    let at = now();
    let mut ids = Vec::with_capacity(entries.len());
    for chunk in entries.chunks(500) {
        let mut sql = String::from(
            "insert into journal_entries (kind, charge_id, reverses_entry_id, memo, created_at) values ",
        );
        sql.push_str(&crate::domain::platform::sql::placeholders(chunk.len(), 5));
        sql.push_str(" returning id");
        let mut q = sqlx::query_as::<_, (i64,)>(&sql);
        for e in chunk {
            q = q
                .bind(e.kind.as_str())
                .bind(e.charge_id)
                .bind(e.reverses_entry_id)
                .bind(e.memo.clone())
                .bind(at);
        }
        let mut rows = q.fetch_all(&mut **tx).await?;
        // RETURNING follows insertion order on both databases for a single VALUES list, but
        // sorting makes that explicit: identities are assigned in order.
        rows.sort_unstable();
        ids.extend(rows.into_iter().map(|(id,)| id));
    }
    // Whole entries per statement: PostgreSQL checks the entries a statement touches.
    let mut start = 0;
    while start < entries.len() {
        let mut end = start;
        let mut count = 0;
        while end < entries.len() && (end == start || count + entries[end].lines.len() <= 2000) {
            count += entries[end].lines.len();
            end += 1;
        }
        let mut sql = String::from(
            "insert into journal_lines (entry_id, account, currency, amount_minor, item_id) values ",
        );
        sql.push_str(&crate::domain::platform::sql::placeholders(count, 5));
        let mut q = sqlx::query(&sql);
        for (e, entry_id) in entries[start..end].iter().zip(&ids[start..end]) {
            for l in &e.lines {
                q = q
                    .bind(*entry_id)
                    .bind(l.account.code())
                    .bind(l.currency.code())
                    .bind(l.amount_minor)
                    .bind(l.item_id);
            }
        }
        q.execute(&mut **tx).await?;
        start = end;
    }
    Ok(ids)
}

/// Posts the entry of every charge in `charges` (a JSON array of charge ids, see
/// [`crate::domain::platform::sql::json_param`]) from its allocations, in the caller's
/// transaction, dated `at`: the moment the charge succeeded as its settling counts it (a
/// billing run's as-of time, so a back-dated run's journal and charges agree).
///
/// A charge is one card payment with one processor fee, and its entry says so: one line for
/// what left the supporter's card (the charge's gross), one for the processor's fee and one
/// for any platform fee, then each item's net to its recipient, naming the item; zero lines
/// are left out. How the gross and fee divide between the items is each item's allocation,
/// which the trail reads and `ledger check` compares with these lines. The lines balance
/// because `allocations` holds every row to gross = fee + platform fee + net, and the
/// database checks each entry again where it can (see the migrations).
///
/// Per item this writes one line instead of three (a charge of five items: 7 lines, not 15),
/// and the journal's inserts are most of a billing run's time on PostgreSQL.
pub async fn post_charges(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    charges: &str,
    at: i64,
) -> Result<(), LedgerError> {
    let ids = crate::domain::platform::sql::json_ids(backend, 1);
    // The lines of the entries in `e` (entry id and charge id) from the charges' allocations,
    // in order: the charge's own lines first, then the items' nets.
    let lines = |e: &str| {
        format!(
            "select entry_id, account, currency, amount_minor, item_id from ( \
               select e.id as entry_id, \
                      case s.side when 1 then 'supporter_payments' when 2 then 'processor_fees' \
                        else 'platform_fees' end as account, \
                      t.currency, \
                      case s.side when 1 then -t.gross_minor when 2 then t.fee_minor \
                        else t.platform_fee_minor end as amount_minor, \
                      cast(null as bigint) as item_id, s.side \
               from {e} join ( \
                 select charge_id, currency, cast(sum(gross_minor) as bigint) as gross_minor, \
                        cast(sum(fee_minor) as bigint) as fee_minor, \
                        cast(sum(platform_fee_minor) as bigint) as platform_fee_minor \
                 from allocations where charge_id in ({ids}) group by charge_id, currency \
               ) as t on t.charge_id = e.charge_id \
               cross join (select 1 as side union all select 2 union all select 3) as s \
               union all \
               select e.id, 'recipient:' || a.recipient_id, a.currency, a.net_minor, a.item_id, 4 \
               from {e} join allocations a on a.charge_id = e.charge_id \
             ) as l where amount_minor <> 0 order by entry_id, side, item_id"
        )
    };
    if backend == Backend::Postgres {
        // One statement: the entries are written and their lines derived from the rows just
        // returned.
        sqlx::query(&format!(
            "with e as ( \
               insert into journal_entries (kind, charge_id, memo, created_at) \
               select 'charge', c.id, 'consolidated charge ' || c.id || ' for ' || c.cycle, $2 \
               from charges c where c.id in ({ids}) order by c.id \
               returning id, charge_id) \
             insert into journal_lines (entry_id, account, currency, amount_minor, item_id) {}",
            lines("e")
        ))
        .bind(charges)
        .bind(at)
        .execute(&mut **tx)
        .await?;
        return Ok(());
    }
    sqlx::query(&format!(
        "insert into journal_entries (kind, charge_id, memo, created_at) \
         select 'charge', c.id, 'consolidated charge ' || c.id || ' for ' || c.cycle, $2 \
         from charges c where c.id in ({ids}) order by c.id"
    ))
    .bind(charges)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    sqlx::query(&format!(
        "insert into journal_lines (entry_id, account, currency, amount_minor, item_id) {}",
        lines(&format!(
            "(select id, charge_id from journal_entries \
              where kind = 'charge' and charge_id in ({ids})) as e"
        ))
    ))
    .bind(charges)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Posts one entry in the caller's transaction.
pub async fn post(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    entry: NewEntry,
) -> Result<i64, LedgerError> {
    Ok(post_many(tx, std::slice::from_ref(&entry)).await?[0])
}

/// The balance of an account in a currency: the sum of its lines.
pub async fn balance(db: &Db, account: Account, currency: Currency) -> Result<i64, sqlx::Error> {
    let (sum,): (Option<i64>,) = sqlx::query_as(
        "select cast(sum(amount_minor) as bigint) from journal_lines where account = $1 and currency = $2",
    )
    .bind(account.code())
    .bind(currency.code())
    .fetch_one(db.pool())
    .await?;
    Ok(sum.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(account: Account, amount: i64) -> Line {
        Line {
            account,
            currency: Currency::USD,
            amount_minor: amount,
            item_id: None,
        }
    }

    #[test]
    fn balanced_entries_pass_and_unbalanced_ones_say_by_how_much() {
        assert!(
            validate(&[
                line(Account::SupporterPayments, -1000),
                line(Account::ProcessorFees, 59),
                line(Account::Recipient(1), 941)
            ])
            .is_ok()
        );
        assert!(matches!(
            validate(&[
                line(Account::SupporterPayments, -1000),
                line(Account::Recipient(1), 999)
            ]),
            Err(LedgerError::Unbalanced(Currency::USD, -1))
        ));
        assert!(matches!(
            validate(&[
                line(Account::SupporterPayments, 0),
                line(Account::Recipient(1), 0)
            ]),
            Err(LedgerError::ZeroLine)
        ));
        assert!(matches!(
            validate(&[line(Account::SupporterPayments, 5)]),
            Err(LedgerError::TooFewLines)
        ));
    }

    #[test]
    fn each_currency_must_balance_on_its_own() {
        let mut eur = line(Account::Recipient(1), 1000);
        eur.currency = Currency::EUR;
        assert!(matches!(
            validate(&[line(Account::SupporterPayments, -1000), eur]),
            Err(LedgerError::Unbalanced(_, _))
        ));
    }
}
