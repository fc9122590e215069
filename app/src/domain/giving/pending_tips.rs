//! Can a supporter take back or change a tip they have not paid yet? Yes, until a billing run
//! claims it. A run claims an item by setting it `charging` with its charge (see
//! `billing::gather`, which on PostgreSQL also row-locks the pending items it reads); removing
//! or changing a tip is one conditional update of the same row, which succeeds only while the
//! item is still the supporter's, pending and unclaimed. Whichever commits first wins; the
//! other sees the row changed and does nothing, so a tip is either charged in full at one
//! amount or removed, never both.
//!
//! Unpaid tips are not public (pages show paid money only), so nothing cached changes.

use crate::domain::giving::large_gifts;
use crate::domain::giving::pledges::{PledgeError, amount, tip_message};
use crate::domain::platform::said::{Said, Value};
use crate::domain::{AppState, Db};
use crate::money::{Currency, Money};

/// The condition every change of a pending tip carries: the supporter's own, still pending,
/// and claimed by no charge.
const STILL_PENDING: &str =
    "tip_id = $1 and supporter_id = $2 and status = 'pending' and charge_id is null";

/// Why nothing changed: no such tip of this supporter, or the run claimed it (or it was
/// removed already).
async fn refusal(db: &Db, supporter: i64, tip_id: i64) -> Result<PledgeError, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "select i.status from donation_items i where i.tip_id = $1 and i.supporter_id = $2",
    )
    .bind(tip_id)
    .bind(supporter)
    .fetch_optional(db.pool())
    .await?;
    Ok(match row {
        None => PledgeError::NoSuchTip,
        Some((status,)) if status == "voided" => {
            PledgeError::Conflict(Said::message("give-err-tip-removed"))
        }
        Some(_) => PledgeError::Conflict(Said::message("give-err-tip-charging")),
    })
}

/// Removes `supporter`'s tip `tip_id` if it is still pending: its donation item is voided (as
/// an account deletion voids uncharged items), so no run charges it.
pub async fn remove(state: &AppState, supporter: i64, tip_id: i64) -> Result<(), PledgeError> {
    let db = &state.db;
    let removed = sqlx::query(&format!(
        "update donation_items set status = 'voided' where {STILL_PENDING}"
    ))
    .bind(tip_id)
    .bind(supporter)
    .execute(db.pool())
    .await?
    .rows_affected();
    if removed == 1 {
        Ok(())
    } else {
        Err(refusal(db, supporter, tip_id).await?)
    }
}

/// A change to a pending tip, as typed.
#[derive(Clone, Copy, Debug)]
pub struct TipChange<'a> {
    pub tip_id: i64,
    pub amount: &'a str,
    pub message: &'a str,
    /// The form's `confirm_large` field: the amount in minor units the supporter confirmed.
    pub confirmed: Option<&'a str>,
}

/// Changes the amount and message of `supporter`'s tip if it is still pending. The amount is
/// checked like a new tip's (bounds, precision, confirmation above the large-gift threshold)
/// but is not a new tip: the hourly tip limit does not count it.
pub async fn change(
    state: &AppState,
    supporter: i64,
    form: TipChange<'_>,
) -> Result<Money, PledgeError> {
    let db = &state.db;
    let row: Option<(String, String, i64)> = sqlx::query_as(
        "select i.currency, r.name, i.gross_minor from donation_items i \
         join recipients r on r.id = i.recipient_id where i.tip_id = $1 and i.supporter_id = $2",
    )
    .bind(form.tip_id)
    .bind(supporter)
    .fetch_optional(db.pool())
    .await?;
    let (currency, name, current) = row.ok_or(PledgeError::NoSuchTip)?;
    let currency: Currency = currency.parse().map_err(|_| PledgeError::NoSuchTip)?;
    let money = amount(form.amount, currency, "amount")?;
    let message = tip_message(form.message)?;
    if money.minor != current {
        large_gifts::check(state, money, form.confirmed, || {
            Said::with(
                "give-err-confirm-tip-change",
                vec![
                    ("amount", Value::Amount(money)),
                    ("name", Value::Text(name)),
                ],
            )
        })?;
    }
    let mut tx = db.begin_write().await?;
    let changed = sqlx::query(&format!(
        "update donation_items set gross_minor = $3 where {STILL_PENDING}"
    ))
    .bind(form.tip_id)
    .bind(supporter)
    .bind(money.minor)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed != 1 {
        tx.rollback().await?;
        return Err(refusal(db, supporter, form.tip_id).await?);
    }
    // The item row is locked (PostgreSQL) or the database is (SQLite) until this commits, so
    // a run sees the tip and its item at one amount.
    sqlx::query(
        "update tips set amount_minor = $3, message = $4 where id = $1 and supporter_id = $2",
    )
    .bind(form.tip_id)
    .bind(supporter)
    .bind(money.minor)
    .bind(message)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(money)
}
