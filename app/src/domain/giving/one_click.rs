//! How does a chip-in button tip in one click, and how is such a tip taken back? The tip is an
//! ordinary pending tip (see [`pledges::create_tip_from`]) collected by the supporter's next
//! consolidated charge; what the button adds is a per-supporter daily limit, checked in the
//! tip's own transaction, and an undo for a few minutes after the click, which removes the
//! still-pending tip through [`pending_tips::remove`].
//!
//! The one-click confirmation is a top-level page on Chipin's own origin posting a form with
//! the CSRF token; the embedding page only ever frames a button that opens that page.

use crate::domain::AppState;
use crate::domain::giving::pledges::{self, NewTip, PledgeError, TipSource};
use crate::domain::giving::{dashboard, large_gifts, pending_tips};
use crate::domain::platform::clock::now;
use crate::domain::platform::said::{Said, Value};
use crate::domain::recipients::backing;
use crate::domain::recipients::button;
use crate::money::Currency;

/// For how long after the click a one-click tip can be undone.
pub const UNDO_SECS: i64 = 10 * 60;

/// The one-click tip the supporter asked for on the page at `recipient_id`.
pub async fn give(
    state: &AppState,
    supporter: i64,
    recipient_id: i64,
    currency: Currency,
    raw_amount: &str,
) -> Result<i64, PledgeError> {
    let amount =
        button::parse_amount(raw_amount, currency).map_err(|m| PledgeError::Field("amount", m))?;
    if !backing::can_pay(&state.db, supporter).await? {
        return Err(PledgeError::Conflict(Said::message(
            "give-err-chip-in-card",
        )));
    }
    let typed = button::plain_amount(amount.minor, currency);
    // A large amount would ask "Give … to …?"; one click never answers it.
    large_gifts::check_new(state, recipient_id, &typed, None).await?;
    pledges::create_tip_from(
        state,
        supporter,
        NewTip {
            recipient_id,
            amount: &typed,
            message: "",
            visibility: "public",
            budget_line: "",
        },
        TipSource::Button,
    )
    .await
}

/// The page at `slug`'s id and currency, if there is one.
pub async fn page(state: &AppState, slug: &str) -> Result<Option<(i64, Currency)>, sqlx::Error> {
    let Some(id) = dashboard::recipient_id(&state.db, slug).await? else {
        return Ok(None);
    };
    let (currency,): (String,) = sqlx::query_as("select currency from recipients where id = $1")
        .bind(id)
        .fetch_one(state.db.pool())
        .await?;
    Ok(currency.parse().ok().map(|c| (id, c)))
}

/// A one-click tip as its thank-you page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub tip_id: i64,
    pub recipient_name: String,
    pub recipient_slug: String,
    pub amount_minor: i64,
    pub currency: String,
    /// Still pending and within [`UNDO_SECS`] of the click.
    pub undoable: bool,
    /// Removed (undone) already.
    pub removed: bool,
}

/// Name, slug, amount, currency, when, item status and its charge.
type ReceiptRow = (String, String, i64, String, i64, String, Option<i64>);

/// `supporter`'s one-click tip `tip_id`, or `None` if it is not theirs (or not from a button).
pub async fn receipt(
    state: &AppState,
    supporter: i64,
    tip_id: i64,
) -> Result<Option<Receipt>, sqlx::Error> {
    let row: Option<ReceiptRow> = sqlx::query_as(
        "select r.name, r.slug, t.amount_minor, t.currency, t.created_at, i.status, i.charge_id \
         from tips t join recipients r on r.id = t.recipient_id \
         join donation_items i on i.tip_id = t.id \
         where t.id = $1 and t.supporter_id = $2 and t.via_button = 1",
    )
    .bind(tip_id)
    .bind(supporter)
    .fetch_optional(state.db.pool())
    .await?;
    Ok(row.map(
        |(recipient_name, recipient_slug, amount_minor, currency, created_at, status, charge)| {
            Receipt {
                tip_id,
                recipient_name,
                recipient_slug,
                amount_minor,
                currency,
                undoable: status == "pending" && charge.is_none() && now() - created_at < UNDO_SECS,
                removed: status == "voided",
            }
        },
    ))
}

/// Takes back `supporter`'s one-click tip `tip_id` if it was made in the last [`UNDO_SECS`]
/// and no charge has claimed it yet. Another supporter's tip is "no such tip".
pub async fn undo(state: &AppState, supporter: i64, tip_id: i64) -> Result<(), PledgeError> {
    let row: Option<(i64,)> = sqlx::query_as(
        "select created_at from tips where id = $1 and supporter_id = $2 and via_button = 1",
    )
    .bind(tip_id)
    .bind(supporter)
    .fetch_optional(state.db.pool())
    .await?;
    let (created_at,) = row.ok_or(PledgeError::NoSuchTip)?;
    if now() - created_at >= UNDO_SECS {
        return Err(PledgeError::Conflict(Said::with(
            "give-err-undo-expired",
            vec![("minutes", Value::Number(UNDO_SECS / 60))],
        )));
    }
    pending_tips::remove(state, supporter, tip_id).await
}
