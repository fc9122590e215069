//! Refunds of a whole charge or of one donation item: through the processor, then a reversing
//! journal entry that mirrors the item's original lines, and the allocation marked refunded.
//! Each item can be refunded once; a repeated request changes nothing.

use crate::domain::Db;
use crate::domain::books::journal::{self, Account, EntryKind, Line, NewEntry};
use crate::domain::platform::clock::now;
use crate::domain::platform::sql::list;
use crate::domain::processors::{PaymentProcessor, ProcessorError, RefundRequest};
use crate::money::{Currency, Money};

/// Why a refund was not made.
#[derive(Debug, thiserror::Error)]
pub enum RefundError {
    #[error("There is nothing left to refund on that charge.")]
    NothingToRefund,
    #[error("The payment processor refused the refund: {0}")]
    Processor(#[from] ProcessorError),
    #[error("database")]
    Db(#[from] sqlx::Error),
    #[error("ledger")]
    Ledger(#[from] journal::LedgerError),
}

/// What a refund did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refunded {
    pub items: Vec<i64>,
    pub amount: Money,
}

/// Refunds every unrefunded item of a succeeded charge.
pub async fn refund_charge(
    db: &Db,
    processor: &dyn PaymentProcessor,
    charge_id: i64,
) -> Result<Refunded, RefundError> {
    refund(db, processor, charge_id, None).await
}

/// Refunds one donation item of its charge.
pub async fn refund_item(
    db: &Db,
    processor: &dyn PaymentProcessor,
    item_id: i64,
) -> Result<Refunded, RefundError> {
    let charge: Option<(i64,)> =
        sqlx::query_as("select charge_id from allocations where item_id = $1")
            .bind(item_id)
            .fetch_optional(db.pool())
            .await?;
    let (charge_id,) = charge.ok_or(RefundError::NothingToRefund)?;
    refund(db, processor, charge_id, Some(item_id)).await
}

async fn refund(
    db: &Db,
    processor: &dyn PaymentProcessor,
    charge_id: i64,
    item: Option<i64>,
) -> Result<Refunded, RefundError> {
    let rows: Vec<(i64, i64, String, Option<String>)> = sqlx::query_as(
        "select a.item_id, a.gross_minor, a.currency, c.processor_ref from allocations a \
         join charges c on c.id = a.charge_id \
         where a.charge_id = $1 and a.refunded_at is null and c.status = 'succeeded' \
         and ($2 = 0 or a.item_id = $2) order by a.item_id",
    )
    .bind(charge_id)
    .bind(item.unwrap_or(0))
    .fetch_all(db.pool())
    .await?;
    let Some((_, _, currency, Some(processor_ref))) = rows.first().cloned() else {
        return Err(RefundError::NothingToRefund);
    };
    let currency: Currency = currency.parse().map_err(|_| RefundError::NothingToRefund)?;
    let items: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let amount = Money::new(rows.iter().map(|r| r.1).sum(), currency);
    let key = refund_key(charge_id, &items);
    let outcome = processor
        .refund(RefundRequest {
            idempotency_key: key,
            processor_ref,
            amount,
        })
        .await?;

    let at = now();
    let mut tx = db.begin_write().await?;
    let refunded = record(&mut tx, charge_id, item, &items, &outcome.refund_ref, at).await?;
    tx.commit().await?;
    // Refunded money leaves public totals and ledgers.
    db.note_public_change();
    if let Some(refunded) = refunded {
        return Ok(refunded);
    }
    // The processor's webhook may have recorded this very refund first.
    let recorded: Option<(i64,)> =
        sqlx::query_as("select amount_minor from refunds where processor_ref = $1")
            .bind(&outcome.refund_ref)
            .fetch_optional(db.pool())
            .await?;
    match recorded {
        Some((minor,)) if minor == amount.minor => Ok(Refunded { items, amount }),
        _ => Err(RefundError::NothingToRefund),
    }
}

/// Records a refund the processor made, in the caller's transaction: the items among
/// `items` not refunded yet are marked refunded, a journal entry reverses exactly their lines
/// of the charge's entry, and one `refunds` row names the processor's refund. `item` is the
/// one item asked for, or `None` for the whole charge.
///
/// Used when the processor answers the refund request and again when its webhook reports the
/// refund succeeded; whichever comes second finds the refund recorded (by `refund_ref`, or
/// because the items are already refunded) and returns `None`, changing nothing.
pub async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    charge_id: i64,
    item: Option<i64>,
    items: &[i64],
    refund_ref: &str,
    at: i64,
) -> Result<Option<Refunded>, RefundError> {
    let known: Option<(i64,)> = sqlx::query_as("select id from refunds where processor_ref = $1")
        .bind(refund_ref)
        .fetch_optional(&mut **tx)
        .await?;
    if known.is_some() || items.is_empty() {
        return Ok(None);
    }
    // Mark first: of two concurrent refunds of one item, only one posts.
    let sql = format!(
        "update allocations set refunded_at = $1 where refunded_at is null and charge_id = $2 \
         and item_id in ({}) returning item_id, gross_minor, currency",
        list(3, items.len())
    );
    let mut q = sqlx::query_as::<_, (i64, i64, String)>(&sql)
        .bind(at)
        .bind(charge_id);
    for i in items {
        q = q.bind(*i);
    }
    let mut marked_rows = q.fetch_all(&mut **tx).await?;
    if marked_rows.is_empty() {
        return Ok(None);
    }
    marked_rows.sort_unstable();
    let currency: Currency = marked_rows[0]
        .2
        .parse()
        .map_err(|_| RefundError::NothingToRefund)?;
    let marked: Vec<i64> = marked_rows.iter().map(|r| r.0).collect();
    let refunded_amount: i64 = marked_rows.iter().map(|r| r.1).sum();
    let (entry_id,): (i64,) =
        sqlx::query_as("select id from journal_entries where charge_id = $1 and kind = 'charge'")
            .bind(charge_id)
            .fetch_one(&mut **tx)
            .await?;
    let sql = format!(
        "select account, currency, amount_minor, item_id from journal_lines where entry_id = $1 and item_id in ({})",
        list(2, marked.len())
    );
    let mut q = sqlx::query_as::<_, (String, String, i64, Option<i64>)>(&sql).bind(entry_id);
    for i in &marked {
        q = q.bind(*i);
    }
    let original = q.fetch_all(&mut **tx).await?;
    let lines = original
        .into_iter()
        .map(|(account, _, amount, item_id)| Line {
            account: parse_account(&account),
            currency,
            amount_minor: -amount,
            item_id,
        })
        .collect();
    journal::post(
        tx,
        NewEntry {
            kind: EntryKind::Refund,
            charge_id: Some(charge_id),
            reverses_entry_id: Some(entry_id),
            memo: format!("refund {refund_ref} of charge {charge_id}"),
            lines,
        },
    )
    .await?;
    sqlx::query("insert into refunds (charge_id, item_id, amount_minor, processor_ref, created_at) values ($1, $2, $3, $4, $5)")
        .bind(charge_id)
        .bind(item)
        .bind(refunded_amount)
        .bind(refund_ref)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    let sql = format!(
        "update donation_items set status = 'refunded' where id in ({})",
        list(1, marked.len())
    );
    let mut q = sqlx::query(&sql);
    for i in &marked {
        q = q.bind(*i);
    }
    q.execute(&mut **tx).await?;
    Ok(Some(Refunded {
        items: marked,
        amount: Money::new(refunded_amount, currency),
    }))
}

/// The idempotency key of a refund of `items` of a charge. The processor is asked to keep it
/// with the refund (as metadata), so a webhook can tell which items a refund was for.
pub fn refund_key(charge_id: i64, items: &[i64]) -> String {
    format!(
        "chipin-refund-{charge_id}-{}",
        items
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join("-")
    )
}

/// The charge and items a refund key names (see [`refund_key`]).
pub fn parse_refund_key(key: &str) -> Option<(i64, Vec<i64>)> {
    let mut parts = key.strip_prefix("chipin-refund-")?.split('-');
    let charge = parts.next()?.parse().ok()?;
    let items = parts
        .map(|p| p.parse().ok())
        .collect::<Option<Vec<i64>>>()?;
    (!items.is_empty()).then_some((charge, items))
}

fn parse_account(code: &str) -> Account {
    // Lines read back from the journal were written from an `Account`, so they parse.
    Account::parse(code).unwrap_or(Account::SupporterPayments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refund_key_names_its_charge_and_items() {
        let key = refund_key(12, &[3, 40]);
        assert_eq!(key, "chipin-refund-12-3-40");
        assert_eq!(parse_refund_key(&key), Some((12, vec![3, 40])));
        for bad in [
            "chipin-refund-12",
            "chipin-refund-x-1",
            "refund-1-2",
            "chipin-refund-1-2-",
        ] {
            assert_eq!(parse_refund_key(bad), None, "{bad}");
        }
    }
}
