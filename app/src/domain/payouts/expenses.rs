//! A cause's published expenses: recording one moves money from the cause's unspent balance
//! to its spending (`recipient → cause spending`) and splits it over the oldest unspent
//! donation shares, exactly to the minor unit. An expense in a budget line spends that line's
//! earmarked shares first, then unearmarked ones; an expense without a line spends only
//! unearmarked shares, so earmarked money stays reserved for its line. Expenses are never
//! deleted; a correction posts the reversing entry and frees the expense's shares for later
//! expenses. Money of a charge under an open or lost dispute (a chargeback) cannot be spent
//! until the dispute is won.

use crate::domain::Db;
use crate::domain::billing::disputes::FROZEN_ALLOCATION;
use crate::domain::books::cause_ledger::{rows, totals};
use crate::domain::books::journal::{self, Account, EntryKind, NewEntry};
use crate::domain::books::shares::{self, LIVE_EXPENSE_SHARES, LIVE_PAYOUT_SHARES};
use crate::domain::hooks::{self, Event, EventType};
use crate::domain::platform::clock::{now, parse_day};
use crate::domain::platform::words::Words;
use crate::domain::recipients::{OwnedPage, budget_lines};
use crate::money::{Currency, Money};

/// The most one expense may be for, in minor units.
pub const MAX_EXPENSE_MINOR: i64 = 100_000_000_000;

/// Why an expense was not recorded or corrected.
#[derive(Debug, thiserror::Error)]
pub enum ExpenseError {
    #[error("{1}")]
    Field(&'static str, Words),
    #[error("There is no such cause, or it is not yours.")]
    NotYours,
    #[error("Only {unspent} is unspent; an expense cannot be larger.")]
    MoreThanUnspent { unspent: Money },
    #[error(
        "Only {available} can be spent now; an expense cannot be larger. Another {held} comes from payments their payers dispute with their bank (chargebacks) and cannot be spent unless the disputes are won."
    )]
    HeldByDisputes { available: Money, held: Money },
    #[error(
        "Only {available} is unspent and not earmarked to a budget line; an expense without a line cannot be larger. Choose a budget line to spend the money earmarked to it."
    )]
    MoreThanUnearmarked { available: Money },
    #[error(
        "Only {available} can be spent in “{line}”: the money earmarked to it plus money not earmarked. An expense in that line cannot be larger."
    )]
    MoreThanLine { line: String, available: Money },
    #[error("That expense is already corrected.")]
    AlreadyCorrected,
    #[error("Money from that expense has been paid out already, so it can no longer be corrected.")]
    PaidOut,
    #[error("database")]
    Db(#[from] sqlx::Error),
    #[error("ledger")]
    Ledger(#[from] journal::LedgerError),
}

/// The expense form as typed.
#[derive(Clone, Debug, Default)]
pub struct ExpenseForm<'a> {
    pub amount: &'a str,
    pub description: &'a str,
    pub spent_on: &'a str,
    pub receipt_url: &'a str,
    /// A budget line's id, or empty for none.
    pub budget_line: &'a str,
}

/// An expense to record, already checked.
#[derive(Clone, Debug)]
pub struct NewExpense {
    pub amount: Money,
    pub description: String,
    pub spent_on: i64,
    pub receipt_url: Option<String>,
    /// The budget line it is spent in; checked against the cause when it is recorded.
    pub budget_line_id: Option<i64>,
}

/// Checks every field of the form; the first bad one is named.
pub fn parse_form(form: &ExpenseForm<'_>, currency: Currency) -> Result<NewExpense, ExpenseError> {
    let amount = Money::parse(form.amount, currency, MAX_EXPENSE_MINOR)
        .map_err(|e| ExpenseError::Field("amount", e.into()))?;
    let description = form.description.trim();
    if description.is_empty() || description.chars().count() > 300 {
        return Err(ExpenseError::Field(
            "description",
            Words::new("studio-error-expense-description"),
        ));
    }
    let spent_on = parse_day(form.spent_on).map_err(|m| ExpenseError::Field("spent_on", m))?;
    let receipt = form.receipt_url.trim();
    let receipt_url = if receipt.is_empty() {
        None
    } else {
        Some(parse_receipt_url(receipt).map_err(|m| ExpenseError::Field("receipt_url", m))?)
    };
    let line = form.budget_line.trim();
    let budget_line_id = if line.is_empty() {
        None
    } else {
        Some(line.parse().map_err(|_| {
            ExpenseError::Field(
                crate::domain::recipients::budget_lines::FIELD,
                Words::new("studio-error-line-not-one"),
            )
        })?)
    };
    Ok(NewExpense {
        amount,
        description: description.to_owned(),
        spent_on,
        receipt_url,
        budget_line_id,
    })
}

/// A receipt link: an `https://` address, or a file uploaded to this site (`/media/…`).
pub fn parse_receipt_url(raw: &str) -> Result<String, Words> {
    let refused = || Words::new("studio-error-receipt-url");
    if raw.len() > 500 || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(refused());
    }
    if let Some(rest) = raw.strip_prefix("/media/") {
        let safe = !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_')
            && !rest.contains("..");
        return if safe {
            Ok(raw.to_owned())
        } else {
            Err(refused())
        };
    }
    match url::Url::parse(raw) {
        Ok(u) if u.scheme() == "https" && u.host_str().is_some() => Ok(u.to_string()),
        _ => Err(refused()),
    }
}

/// The currency of a cause `owner` owns; [`ExpenseError::NotYours`] for any other page.
pub async fn owned_cause(db: &Db, owner: i64, cause: i64) -> Result<Currency, ExpenseError> {
    match OwnedPage::load(db, owner, cause).await? {
        Some(page) if page.is_cause() => Ok(page.currency),
        _ => Err(ExpenseError::NotYours),
    }
}

/// The cause's donation items' net not yet spent, with their earmarks, oldest first: those
/// whose allocation matches the SQL condition `which` (on `allocations a`).
fn unspent_shares_sql(which: &str) -> String {
    format!(
        "select a.item_id, cast((a.net_minor - a.refunded_net_minor) - coalesce(x.spent, 0) as bigint), \
           i.budget_line_id \
         from allocations a join donation_items i on i.id = a.item_id left join (select l.item_id, sum(l.amount_minor) as spent from {LIVE_EXPENSE_SHARES} l \
           join allocations b on b.item_id = l.item_id where b.recipient_id = $1 group by l.item_id) x \
           on x.item_id = a.item_id \
         where a.recipient_id = $1 \
           and (a.net_minor - a.refunded_net_minor) - coalesce(x.spent, 0) <> 0 \
           and {which} \
         order by a.charge_id, a.item_id"
    )
}

/// Each of the cause's donation items' net not yet spent, with its earmark, oldest first:
/// what expenses may spend. Money a chargeback may take back is left out until the dispute is
/// won.
async fn unspent_shares(
    conn: &mut sqlx::AnyConnection,
    cause: i64,
) -> Result<Vec<shares::OpenShare>, sqlx::Error> {
    sqlx::query_as(&unspent_shares_sql(&format!("not {FROZEN_ALLOCATION}")))
        .bind(cause)
        .fetch_all(conn)
        .await
}

/// What disputes hold back of the cause's unspent money (the shares [`unspent_shares`] leaves
/// out), to say why an expense was refused.
async fn unspent_held_by_disputes(
    conn: &mut sqlx::AnyConnection,
    cause: i64,
) -> Result<i64, sqlx::Error> {
    let held: Vec<shares::OpenShare> = sqlx::query_as(&unspent_shares_sql(FROZEN_ALLOCATION))
        .bind(cause)
        .fetch_all(conn)
        .await?;
    Ok(held.iter().map(|s| s.1.max(0)).sum())
}

/// What the cause may spend now, earmarked or not (its unspent money less what disputes hold
/// back).
pub async fn unspent(db: &Db, cause: i64, currency: Currency) -> Result<Money, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    let open = unspent_shares(&mut conn, cause).await?;
    let all: Vec<(i64, i64)> = open.iter().map(|s| (s.0, s.1)).collect();
    Ok(Money::new(shares::available(&all), currency))
}

/// What an expense in budget line `line` (`None`: no line) may spend now.
pub async fn spendable(
    db: &Db,
    cause: i64,
    currency: Currency,
    line: Option<i64>,
) -> Result<Money, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    let open = unspent_shares(&mut conn, cause).await?;
    Ok(Money::new(shares::available_for(line, &open), currency))
}

/// Records an expense of a cause `owner` owns. Returns its id.
pub async fn record(
    db: &Db,
    owner: i64,
    cause: i64,
    form: &ExpenseForm<'_>,
) -> Result<i64, ExpenseError> {
    let currency = owned_cause(db, owner, cause).await?;
    let expense = parse_form(form, currency)?;
    record_checked(db, cause, currency, &expense).await
}

/// Records a checked expense of `cause` (for the owner's form, the demo and tests).
pub async fn record_checked(
    db: &Db,
    cause: i64,
    currency: Currency,
    expense: &NewExpense,
) -> Result<i64, ExpenseError> {
    let mut tx = db.begin_write().await?;
    shares::lock_recipient(&mut tx, cause).await?;
    let line = expense.budget_line_id;
    if let Some(l) = line {
        let chosen = budget_lines::chosen(
            &mut tx,
            cause,
            &l.to_string(),
            budget_lines::LineUse::Expense,
        )
        .await?;
        if let Err(refusal) = chosen {
            return Err(ExpenseError::Field(
                budget_lines::FIELD,
                refusal.studio_words(),
            ));
        }
    }
    let open = unspent_shares(&mut tx, cause).await?;
    let Some(shares) = shares::split_earmarked(expense.amount.minor, line, &open) else {
        let available = Money::new(shares::available_for(line, &open), currency);
        let held = unspent_held_by_disputes(&mut tx, cause).await?;
        if held > 0 {
            return Err(ExpenseError::HeldByDisputes {
                available,
                held: Money::new(held, currency),
            });
        }
        return Err(match line {
            Some(l) => {
                let (line,): (String,) =
                    sqlx::query_as("select name from budget_lines where id = $1")
                        .bind(l)
                        .fetch_one(&mut *tx)
                        .await?;
                ExpenseError::MoreThanLine { line, available }
            }
            None if open.iter().any(|s| s.2.is_some() && s.1 > 0) => {
                ExpenseError::MoreThanUnearmarked { available }
            }
            None => ExpenseError::MoreThanUnspent { unspent: available },
        });
    };
    let entry = journal::post(
        &mut tx,
        NewEntry::transfer(
            EntryKind::Expense,
            Account::Recipient(cause),
            Account::CauseSpending(cause),
            Money::new(expense.amount.minor, currency),
            format!("expense: {}", expense.description),
        ),
    )
    .await?;
    let (id,): (i64,) = sqlx::query_as(
        "insert into expenses (recipient_id, currency, amount_minor, description, spent_on, receipt_url, entry_id, created_at, budget_line_id) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id",
    )
    .bind(cause)
    .bind(currency.code())
    .bind(expense.amount.minor)
    .bind(&expense.description)
    .bind(expense.spent_on)
    .bind(expense.receipt_url.clone())
    .bind(entry)
    .bind(now())
    .bind(line)
    .fetch_one(&mut *tx)
    .await?;
    shares::insert_shares(&mut tx, "expense_shares", "expense_id", id, &shares).await?;
    hooks::enqueue(
        &mut tx,
        Event {
            recipient_id: cause,
            kind: EventType::ExpenseRecorded,
            data: serde_json::json!({
                "expense_id": id,
                "recipient_id": cause,
                "amount_minor": expense.amount.minor,
                "currency": currency.code(),
                "spent_on": crate::domain::platform::clock::iso_day(expense.spent_on),
                "budget_line_id": line,
                "donations_funded": shares.len(),
            }),
        },
    )
    .await?;
    if let Some(name) = expense
        .receipt_url
        .as_deref()
        .and_then(|u| u.strip_prefix("/media/"))
    {
        // The uploaded receipt is attached now: the sweep of unattached uploads keeps it.
        sqlx::query(
            "update receipt_uploads set attached_at = $1 \
             where recipient_id = $2 and name = $3 and attached_at is null",
        )
        .bind(now())
        .bind(cause)
        .bind(name)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    db.note_public_change();
    Ok(id)
}

/// Corrects an expense of a cause `owner` owns (`None`: the operator): posts the reversing
/// entry and frees its shares. Refused once any of its money has been paid out.
pub async fn correct(
    db: &Db,
    owner: Option<i64>,
    expense: i64,
    reason: &str,
) -> Result<(), ExpenseError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 300 {
        return Err(ExpenseError::Field(
            "reason",
            Words::new("studio-error-correction-reason"),
        ));
    }
    let row: Option<(i64, i64, String, i64, Option<i64>)> = sqlx::query_as(
        "select x.recipient_id, x.amount_minor, x.currency, x.entry_id, x.corrected_at from expenses x \
         join recipients r on r.id = x.recipient_id where x.id = $1 and ($2 = 0 or r.owner_user_id = $2)",
    )
    .bind(expense)
    .bind(owner.unwrap_or(0))
    .fetch_optional(db.pool())
    .await?;
    let (cause, amount, currency, entry_id, corrected) = row.ok_or(ExpenseError::NotYours)?;
    if corrected.is_some() {
        return Err(ExpenseError::AlreadyCorrected);
    }
    let currency: Currency = currency.parse().map_err(|_| ExpenseError::NotYours)?;
    let mut tx = db.begin_write().await?;
    shares::lock_recipient(&mut tx, cause).await?;
    // Freeing the shares must leave each item's spent money at least what was paid out of it.
    let (short,): (i64,) = sqlx::query_as(&format!(
        "select count(*) from expense_shares x where x.expense_id = $1 and \
           coalesce((select sum(l.amount_minor) from {LIVE_EXPENSE_SHARES} l where l.item_id = x.item_id), 0) - x.amount_minor \
           < coalesce((select sum(p.amount_minor) from {LIVE_PAYOUT_SHARES} p where p.item_id = x.item_id), 0)"
    ))
    .bind(expense)
    .fetch_one(&mut *tx)
    .await?;
    if short > 0 {
        return Err(ExpenseError::PaidOut);
    }
    let marked = sqlx::query(
        "update expenses set corrected_at = $1, correction_reason = $2 where id = $3 and corrected_at is null",
    )
    .bind(now())
    .bind(reason)
    .bind(expense)
    .execute(&mut *tx)
    .await?;
    if marked.rows_affected() == 0 {
        return Err(ExpenseError::AlreadyCorrected);
    }
    let correction = journal::post(
        &mut tx,
        NewEntry::transfer(
            EntryKind::Correction,
            Account::CauseSpending(cause),
            Account::Recipient(cause),
            Money::new(amount, currency),
            format!("correction of expense {expense}: {reason}"),
        )
        .reversing(entry_id),
    )
    .await?;
    sqlx::query("update expenses set correction_entry_id = $1 where id = $2")
        .bind(correction)
        .bind(expense)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    db.note_public_change();
    Ok(())
}

/// The organizer's expenses page of a cause `owner` owns.
pub async fn studio_page(
    db: &Db,
    owner: i64,
    cause: i64,
) -> Result<crate::model::trail::ExpensesPage, ExpenseError> {
    let currency = owned_cause(db, owner, cause).await?;
    let (name,): (String,) = sqlx::query_as("select name from recipients where id = $1")
        .bind(cause)
        .fetch_one(db.pool())
        .await?;
    let t = totals(db, cause, currency).await?;
    let (budget_lines, unearmarked) = budget_lines::rows(db, cause).await?;
    Ok(crate::model::trail::ExpensesPage {
        budget_lines,
        unearmarked,
        recipient_id: cause,
        name,
        currency: currency.code().to_owned(),
        received_minor: t.net.minor,
        spent_minor: t.spent.minor,
        unspent_minor: t.unspent.minor,
        expenses: rows(db, cause, currency).await?,
        today: chrono::Utc::now().date_naive().to_string(),
    })
}
