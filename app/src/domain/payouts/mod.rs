//! How does money leave Chipin? Payouts (recorded by hand, or sent by Stripe Connect runs) and
//! the expenses a cause publishes. A payout is recorded (by the operator, the
//! recipient, or later a processor's transfer) in transit, then marked paid when it arrives.
//!
//! A creator's payout takes from its balance (`recipient → payouts in transit`); a cause's
//! takes from the money it has spent on published expenses (`cause spending → payouts in
//! transit`), since the platform holds a cause's funds until an expense is paid. Either way the
//! payout is linked to the donation items' shares it paid, oldest first (see
//! [`crate::domain::books::shares`]), and never exceeds what is available.
//!
//! May import: platform, mail, processors, books, recipients, billing, hooks.

pub mod connect;
pub mod expenses;
pub mod onboarding;
pub mod receipt_uploads;

use crate::domain::Db;
use crate::domain::billing::disputes::FROZEN_ALLOCATION;
use crate::domain::books::journal::{self, Account, EntryKind, NewEntry};
use crate::domain::books::shares::{self, LIVE_EXPENSE_SHARES};
use crate::domain::hooks::{self, Event, EventType};
use crate::domain::platform::clock::{now, parse_day};
use crate::domain::platform::words::Words;
use crate::domain::recipients::OwnedPage;
use crate::money::{Currency, Money, MoneyError};

/// The most one payout may be for, in minor units.
pub const MAX_PAYOUT_MINOR: i64 = 100_000_000_000;

/// Who recorded a payout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordedBy {
    Operator,
    Recipient,
    /// A payment processor's transfer (Stripe Connect).
    Processor,
}

impl RecordedBy {
    fn as_str(self) -> &'static str {
        match self {
            Self::Operator => "operator",
            Self::Recipient => "recipient",
            Self::Processor => "processor",
        }
    }
}

/// Why a payout was not recorded or marked paid.
#[derive(Debug, thiserror::Error)]
pub enum PayoutError {
    #[error("{1}")]
    Field(&'static str, Words),
    #[error("There is no such page, or it is not yours.")]
    NotYours,
    #[error("Only {available} is available to pay out.")]
    MoreThanAvailable { available: Money },
    #[error("That payout is already marked paid.")]
    AlreadyPaid,
    /// Stripe Connect sent it: Chipin marks it arrived when Stripe makes the transfer, so
    /// nobody may change it by hand (a hand-marked payout would jam its transfer).
    #[error(
        "This payout is sent by Stripe: Chipin marks it arrived itself once Stripe has made the transfer, so it cannot be marked by hand."
    )]
    SentByProcessor,
    #[error("database")]
    Db(#[from] sqlx::Error),
    #[error("ledger")]
    Ledger(#[from] journal::LedgerError),
}

/// A payout to record, already checked.
#[derive(Clone, Debug)]
pub struct NewPayout {
    pub recipient_id: i64,
    pub amount: Money,
    /// The day the money was sent, as unix seconds at midnight UTC.
    pub paid_on: i64,
    pub reference: String,
    pub by: RecordedBy,
}

/// Parses the amount, date and reference people type (the studio form and the command line).
pub fn parse_fields(
    recipient_id: i64,
    currency: Currency,
    amount: &str,
    paid_on: &str,
    reference: &str,
    by: RecordedBy,
) -> Result<NewPayout, PayoutError> {
    let amount = Money::parse(amount, currency, MAX_PAYOUT_MINOR)
        .map_err(|e: MoneyError| PayoutError::Field("amount", e.into()))?;
    let paid_on = parse_day(paid_on).map_err(|m| PayoutError::Field("paid_on", m))?;
    let reference = reference.trim();
    if reference.is_empty() || reference.chars().count() > 100 {
        return Err(PayoutError::Field(
            "reference",
            Words::new("studio-error-payout-reference"),
        ));
    }
    Ok(NewPayout {
        recipient_id,
        amount,
        paid_on,
        reference: reference.to_owned(),
        by,
    })
}

/// The kind and currency of a recipient, if `owner` (when given) owns it.
pub async fn recipient_of(
    db: &Db,
    recipient: i64,
    owner: Option<i64>,
) -> Result<(String, Currency), PayoutError> {
    if let Some(owner) = owner {
        let page = OwnedPage::load(db, owner, recipient)
            .await?
            .ok_or(PayoutError::NotYours)?;
        let kind = if page.is_cause() { "cause" } else { "creator" };
        return Ok((kind.to_owned(), page.currency));
    }
    // The operator, who may act on any page.
    let row: Option<(String, String)> =
        sqlx::query_as("select kind, currency from recipients where id = $1")
            .bind(recipient)
            .fetch_optional(db.pool())
            .await?;
    let (kind, currency) = row.ok_or(PayoutError::NotYours)?;
    let currency = currency.parse().map_err(|_| PayoutError::NotYours)?;
    Ok((kind, currency))
}

/// The shares a payout of this recipient may take, oldest first: for a creator, each item's
/// net not yet paid out; for a cause, each item's spent money not yet paid out. Either way,
/// money a chargeback may take back (a charge under an open or lost dispute) is left out until
/// the dispute is won ([`FROZEN_ALLOCATION`]).
async fn open_shares(
    conn: &mut sqlx::AnyConnection,
    recipient: i64,
    cause: bool,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let sql = if cause {
        format!(
            "select x.item_id, cast(x.spent - coalesce(p.paid, 0) as bigint) from \
               (select item_id, sum(amount_minor) as spent, min(expense_id) as first from {LIVE_EXPENSE_SHARES} l \
                where item_id in (select a.item_id from allocations a where a.recipient_id = $1 and not {FROZEN_ALLOCATION}) \
                group by item_id) x \
             left join (select s.item_id, sum(s.amount_minor) as paid from payout_shares s \
               join payouts o on o.id = s.payout_id where o.recipient_id = $1 and o.returned_at is null group by s.item_id) p \
               on p.item_id = x.item_id \
             where x.spent - coalesce(p.paid, 0) <> 0 order by x.first, x.item_id"
        )
    } else {
        format!(
            "select a.item_id, cast((a.net_minor - a.refunded_net_minor) - coalesce(p.paid, 0) as bigint) \
         from allocations a left join (select s.item_id, sum(s.amount_minor) as paid from payout_shares s \
           join payouts o on o.id = s.payout_id where o.recipient_id = $1 and o.returned_at is null group by s.item_id) p \
           on p.item_id = a.item_id \
         where a.recipient_id = $1 \
           and (a.net_minor - a.refunded_net_minor) - coalesce(p.paid, 0) <> 0 \
           and not {FROZEN_ALLOCATION} \
         order by a.charge_id, a.item_id"
        )
    };
    sqlx::query_as(&sql).bind(recipient).fetch_all(conn).await
}

/// What a payout of this recipient may be for now.
pub async fn available(db: &Db, recipient: i64) -> Result<Money, PayoutError> {
    let (kind, currency) = recipient_of(db, recipient, None).await?;
    let mut conn = db.pool().acquire().await?;
    let open = open_shares(&mut conn, recipient, kind == "cause").await?;
    Ok(Money::new(shares::available(&open), currency))
}

/// Records a payout in transit: posts `recipient (or cause spending) → payouts in transit` and
/// links it to the shares it pays. Refused when it is more than is available. Returns its id.
///
/// Knows nothing of how the money is sent, so a processor's transfer can record itself here.
pub async fn record(db: &Db, payout: NewPayout) -> Result<i64, PayoutError> {
    let (kind, currency) = recipient_of(db, payout.recipient_id, None).await?;
    if payout.amount.currency != currency {
        return Err(PayoutError::Field(
            "amount",
            Words::new("studio-error-payout-currency").text("currency", currency.code()),
        ));
    }
    let cause = kind == "cause";
    let mut tx = db.begin_write().await?;
    shares::lock_recipient(&mut tx, payout.recipient_id).await?;
    let open = open_shares(&mut tx, payout.recipient_id, cause).await?;
    let Some(shares) = shares::split(payout.amount.minor, &open) else {
        return Err(PayoutError::MoreThanAvailable {
            available: Money::new(shares::available(&open).max(0), currency),
        });
    };
    let id = insert_payout(&mut tx, &payout, cause, &shares).await?;
    tx.commit().await?;
    Ok(id)
}

/// The shares a payout of this recipient may take now, oldest first, in the caller's
/// transaction (which should hold the recipient's lock, [`shares::lock_recipient`]).
pub(crate) async fn open_shares_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    recipient: i64,
    cause: bool,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    open_shares(tx, recipient, cause).await
}

/// The shares a payout of this recipient may take now, read outside any transaction.
pub(crate) async fn open_shares_of(
    conn: &mut sqlx::AnyConnection,
    recipient: i64,
    cause: bool,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    open_shares(conn, recipient, cause).await
}

/// Inserts a payout in transit for exactly `shares` (already checked against the open shares)
/// with its journal entry `recipient (or cause spending) → payouts in transit`, in the
/// caller's transaction. Returns its id.
pub(crate) async fn insert_payout(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    payout: &NewPayout,
    cause: bool,
    shares: &[(i64, i64)],
) -> Result<i64, PayoutError> {
    let currency = payout.amount.currency;
    let from = if cause {
        Account::CauseSpending(payout.recipient_id)
    } else {
        Account::Recipient(payout.recipient_id)
    };
    let entry = journal::post(
        tx,
        NewEntry::transfer(
            EntryKind::Payout,
            from,
            Account::PayoutsInTransit,
            payout.amount,
            format!("payout {}", payout.reference),
        ),
    )
    .await?;
    let (id,): (i64,) = sqlx::query_as(
        "insert into payouts (recipient_id, currency, amount_minor, reference, paid_on, status, recorded_by, entry_id, created_at) \
         values ($1, $2, $3, $4, $5, 'in_transit', $6, $7, $8) returning id",
    )
    .bind(payout.recipient_id)
    .bind(currency.code())
    .bind(payout.amount.minor)
    .bind(&payout.reference)
    .bind(payout.paid_on)
    .bind(payout.by.as_str())
    .bind(entry)
    .bind(now())
    .fetch_one(&mut **tx)
    .await?;
    shares::insert_shares(tx, "payout_shares", "payout_id", id, shares).await?;
    Ok(id)
}

/// Returns a payout that never reached its recipient (its transfer was refused or reversed),
/// in the caller's transaction: reverses its journal entry (`payouts in transit` or, once
/// arrived, `payouts paid` → the recipient or cause spending) and marks it returned, so its
/// shares count as unpaid again. `false` when it was already returned.
pub(crate) async fn return_payout(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    payout: i64,
    reason: &str,
) -> Result<bool, PayoutError> {
    let row: Option<(i64, i64, String, String, String, i64)> = sqlx::query_as(
        "select p.recipient_id, p.amount_minor, p.currency, p.status, r.kind, p.entry_id \
         from payouts p join recipients r on r.id = p.recipient_id \
         where p.id = $1 and p.returned_at is null",
    )
    .bind(payout)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((recipient, amount, currency, status, kind, entry_id)) = row else {
        return Ok(false);
    };
    let currency: Currency = currency.parse().map_err(|_| PayoutError::NotYours)?;
    let held = if status == "paid" {
        Account::PayoutsPaid
    } else {
        Account::PayoutsInTransit
    };
    let to = if kind == "cause" {
        Account::CauseSpending(recipient)
    } else {
        Account::Recipient(recipient)
    };
    let entry = journal::post(
        tx,
        NewEntry::transfer(
            EntryKind::Correction,
            held,
            to,
            Money::new(amount, currency),
            format!("payout {payout} returned"),
        )
        .reversing(entry_id),
    )
    .await?;
    let reason: String = reason.chars().take(500).collect();
    let done = sqlx::query(
        "update payouts set returned_at = $1, return_entry_id = $2, return_reason = $3 \
         where id = $4 and returned_at is null",
    )
    .bind(now())
    .bind(entry)
    .bind(&reason)
    .bind(payout)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a payout recorded by hand (by the operator or the recipient) as arrived: posts
/// `payouts in transit → payouts paid`. With `owner`, only a payout of a page they own.
///
/// A payout Stripe Connect sends is refused ([`PayoutError::SentByProcessor`]) and left as it
/// is: its payout run marks it arrived when Stripe makes the transfer
/// ([`mark_transfer_arrived`]).
pub async fn mark_paid(db: &Db, payout: i64, owner: Option<i64>) -> Result<(), PayoutError> {
    let mut tx = db.begin_write().await?;
    mark_arrived(&mut tx, payout, owner, false).await?;
    tx.commit().await?;
    Ok(())
}

/// Marks a payout sent by a processor's transfer as arrived, in the caller's transaction (the
/// one recording the transfer as made). `false` when it was already marked arrived (by hand,
/// before such payouts were refused): the transfer is then recorded and nothing else changes.
pub(crate) async fn mark_transfer_arrived(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    payout: i64,
) -> Result<bool, PayoutError> {
    match mark_arrived(tx, payout, None, true).await {
        Ok(()) => Ok(true),
        Err(PayoutError::AlreadyPaid) => {
            let (status, returned): (String, Option<i64>) =
                sqlx::query_as("select status, returned_at from payouts where id = $1")
                    .bind(payout)
                    .fetch_one(&mut **tx)
                    .await?;
            if status == "paid" && returned.is_none() {
                tracing::info!(
                    payout,
                    "a Stripe payout was already marked arrived by hand; its transfer is recorded"
                );
                Ok(false)
            } else {
                Err(PayoutError::AlreadyPaid)
            }
        }
        Err(e) => Err(e),
    }
}

/// Marks a payout in transit arrived: a processor's payout only when `by_processor`, any other
/// only when not.
async fn mark_arrived(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    payout: i64,
    owner: Option<i64>,
    by_processor: bool,
) -> Result<(), PayoutError> {
    let at = now();
    let row: Option<(i64, String, i64)> = sqlx::query_as(
        "update payouts set status = 'paid', paid_at = $1 where id = $2 and status = 'in_transit' \
         and returned_at is null \
         and ($3 = 0 or recipient_id in (select id from recipients where owner_user_id = $3)) \
         and (case when recorded_by = 'processor' then 1 else 0 end) = $4 \
         returning amount_minor, currency, recipient_id",
    )
    .bind(at)
    .bind(payout)
    .bind(owner.unwrap_or(0))
    .bind(i64::from(by_processor))
    .fetch_optional(&mut **tx)
    .await?;
    let Some((amount, currency, recipient_id)) = row else {
        let exists: Option<(String,)> = sqlx::query_as(
            "select recorded_by from payouts where id = $1 \
             and ($2 = 0 or recipient_id in (select id from recipients where owner_user_id = $2))",
        )
        .bind(payout)
        .bind(owner.unwrap_or(0))
        .fetch_optional(&mut **tx)
        .await?;
        return Err(match exists {
            Some((by,)) if by == RecordedBy::Processor.as_str() && !by_processor => {
                PayoutError::SentByProcessor
            }
            Some((by,)) if by != RecordedBy::Processor.as_str() && by_processor => {
                PayoutError::NotYours
            }
            Some(_) => PayoutError::AlreadyPaid,
            None => PayoutError::NotYours,
        });
    };
    let currency: Currency = currency.parse().map_err(|_| PayoutError::NotYours)?;
    let entry = journal::post(
        tx,
        NewEntry::transfer(
            EntryKind::Payout,
            Account::PayoutsInTransit,
            Account::PayoutsPaid,
            Money::new(amount, currency),
            format!("payout {payout} arrived"),
        ),
    )
    .await?;
    sqlx::query("update payouts set paid_entry_id = $1 where id = $2")
        .bind(entry)
        .bind(payout)
        .execute(&mut **tx)
        .await?;
    hooks::enqueue(
        tx,
        Event {
            recipient_id,
            kind: EventType::PayoutPaid,
            data: serde_json::json!({
                "payout_id": payout,
                "recipient_id": recipient_id,
                "amount_minor": amount,
                "currency": currency.code(),
            }),
        },
    )
    .await?;
    Ok(())
}

/// One donation's part of a payout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayoutShare {
    pub item_id: i64,
    pub amount: Money,
    /// The donation's whole net share.
    pub net: Money,
    pub charged_at: i64,
    /// Netting money paid out earlier for a donation refunded since.
    pub refunded: bool,
}

/// A payout as its recipient sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayoutView {
    pub id: i64,
    pub amount: Money,
    pub reference: String,
    pub paid_on: i64,
    pub paid: bool,
    pub recorded_by: String,
    /// The Stripe transfer that sent it, when Stripe Connect did: its id (once Stripe made it)
    /// and Chipin's status of it (`planned`, `sent`, `failed`, `reversed`).
    pub transfer_ref: Option<String>,
    pub transfer_status: Option<String>,
    /// Why it was returned (its shares are unpaid again), when it was.
    pub returned: Option<String>,
    pub shares: Vec<PayoutShare>,
}

/// A recipient's payouts, newest first, each expanded into the donations it covered.
pub async fn history(db: &Db, recipient: i64) -> Result<Vec<PayoutView>, PayoutError> {
    let (_, currency) = recipient_of(db, recipient, None).await?;
    type Row = (
        i64,
        i64,
        String,
        i64,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "select p.id, p.amount_minor, p.reference, p.paid_on, p.status, p.recorded_by, \
           t.transfer_ref, t.status, p.returned_at, coalesce(p.return_reason, t.failure_reason) \
         from payouts p left join stripe_transfers t on t.payout_id = p.id \
         where p.recipient_id = $1 order by p.id desc limit 200",
    )
    .bind(recipient)
    .fetch_all(db.pool())
    .await?;
    let shares: Vec<(i64, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "select s.payout_id, s.item_id, s.amount_minor, a.net_minor, c.created_at, \
           case when a.refunded_at is null then 0 else 1 end \
         from payout_shares s join payouts p on p.id = s.payout_id \
         join allocations a on a.item_id = s.item_id join charges c on c.id = a.charge_id \
         where p.recipient_id = $1 order by s.payout_id, a.charge_id, s.item_id",
    )
    .bind(recipient)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                amount,
                reference,
                paid_on,
                status,
                recorded_by,
                transfer_ref,
                transfer_status,
                returned_at,
                reason,
            )| PayoutView {
                id,
                amount: Money::new(amount, currency),
                reference,
                paid_on,
                paid: status == "paid",
                recorded_by,
                transfer_ref,
                transfer_status,
                returned: returned_at.map(|_| reason.unwrap_or_default()),
                shares: shares
                    .iter()
                    .filter(|s| s.0 == id)
                    .map(|s| PayoutShare {
                        item_id: s.1,
                        amount: Money::new(s.2, currency),
                        net: Money::new(s.3, currency),
                        charged_at: s.4,
                        refunded: s.5 == 1,
                    })
                    .collect(),
            },
        )
        .collect())
}

/// The payouts page of a page `owner` owns: what is available and every payout, expanded.
///
/// With Stripe configured (`stripe`), it also says how far the page's Stripe Connect account
/// is; without, payouts are recorded by hand only.
pub async fn studio_page(
    db: &Db,
    owner: i64,
    recipient: i64,
    stripe: bool,
) -> Result<crate::model::trail::PayoutsPage, PayoutError> {
    use crate::domain::platform::clock::iso_day;
    use crate::model::trail::{PayoutRow, PayoutShareRow, PayoutsPage};
    let (kind, currency) = recipient_of(db, recipient, Some(owner)).await?;
    let (name,): (String,) = sqlx::query_as("select name from recipients where id = $1")
        .bind(recipient)
        .fetch_one(db.pool())
        .await?;
    Ok(PayoutsPage {
        recipient_id: recipient,
        name,
        currency: currency.code().to_owned(),
        is_cause: kind == "cause",
        available_minor: available(db, recipient).await?.minor,
        payouts: history(db, recipient)
            .await?
            .into_iter()
            .map(|p| PayoutRow {
                id: p.id,
                amount_minor: p.amount.minor,
                reference: p.reference,
                paid_on: iso_day(p.paid_on),
                paid: p.paid,
                recorded_by: p.recorded_by,
                transfer_ref: p.transfer_ref,
                transfer_status: p.transfer_status,
                returned: p.returned,
                shares: p
                    .shares
                    .into_iter()
                    .map(|s| PayoutShareRow {
                        item_id: s.item_id,
                        charged_on: iso_day(s.charged_at),
                        net_minor: s.net.minor,
                        amount_minor: s.amount.minor,
                        refunded: s.refunded,
                    })
                    .collect(),
            })
            .collect(),
        today: chrono::Utc::now().date_naive().to_string(),
        stripe: if stripe {
            Some(crate::domain::payouts::onboarding::account_status(db, recipient).await?)
        } else {
            None
        },
    })
}
