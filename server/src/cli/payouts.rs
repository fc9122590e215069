//! `server payouts record` and `server payouts mark-paid`: payouts sent outside Chipin (a bank
//! transfer by the operator), recorded against a page's balance and linked to its donations.

use super::CliError;
use app::domain::AppState;
use app::domain::payouts::{self, PayoutError, RecordedBy};

/// Records a payout of `amount` to the page at `slug`; returns the line to print.
pub async fn record(
    state: &AppState,
    slug: &str,
    amount: &str,
    reference: &str,
    date: Option<&str>,
) -> Result<String, CliError> {
    let row: Option<(i64,)> = sqlx::query_as("select id from recipients where slug = $1")
        .bind(slug.trim())
        .fetch_optional(state.db.pool())
        .await
        .map_err(|e| CliError::Payout(PayoutError::Db(e)))?;
    let Some((recipient,)) = row else {
        return Err(CliError::Payout(PayoutError::Field(
            "page",
            format!("there is no page at {slug:?}"),
        )));
    };
    let (_, currency) = payouts::recipient_of(&state.db, recipient, None).await?;
    let today = chrono::Utc::now().date_naive().to_string();
    let new = payouts::parse_fields(
        recipient,
        currency,
        amount,
        date.unwrap_or(&today),
        reference,
        RecordedBy::Operator,
    )?;
    let amount = new.amount;
    let id = payouts::record(&state.db, new).await?;
    let left = payouts::available(&state.db, recipient).await?;
    Ok(format!(
        "payout {id} of {amount} to {slug} recorded (in transit); {left} left to pay out"
    ))
}

/// Marks payout `id` paid; returns the line to print.
pub async fn mark_paid(state: &AppState, id: i64) -> Result<String, CliError> {
    payouts::mark_paid(&state.db, id, None).await?;
    Ok(format!("payout {id} marked paid"))
}
