//! `server refunds charge ID`, `server refunds donation ID`, `server refunds list` and
//! `server refunds requests` (supporters' requests): the
//! operator's refunds, through the same mechanism as a page owner's (the processor refund with
//! its own idempotency key, reversing entries, the trail and the next payout adjusted).

use super::CliError;
use app::domain::AppState;
use app::domain::billing::refunds::{self, Refunded, Refunder, Why};
use app::money::{Currency, Money};

fn why(reason: &str, note: Option<&str>) -> Result<Why, CliError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.len() > 200 {
        return Err(CliError::Refund(refunds::RefundError::Inconsistent(
            "give a --reason of at most 200 characters".to_owned(),
        )));
    }
    Ok(Why {
        reason: reason.to_owned(),
        note: note.unwrap_or_default().trim().chars().take(1000).collect(),
    })
}

fn done(r: &Refunded) -> String {
    let items = r
        .items
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    format!("refunded {} (donations {items})", r.amount)
}

/// Refunds what is left of charge `id`, or `amount` of it (spread over its donations).
pub async fn charge(
    state: &AppState,
    id: i64,
    amount: Option<&str>,
    reason: &str,
    note: Option<&str>,
) -> Result<String, CliError> {
    let why = why(reason, note)?;
    let processor = state.processor.as_ref();
    let refunded = match amount {
        None => {
            refunds::refund_charge_as(&state.db, processor, id, Refunder::Operator, &why).await?
        }
        Some(text) => {
            let currency: Option<(String,)> =
                sqlx::query_as("select currency from charges where id = $1")
                    .bind(id)
                    .fetch_optional(state.db.pool())
                    .await
                    .map_err(refunds::RefundError::Db)?;
            let currency: Currency = currency
                .and_then(|(c,)| c.parse().ok())
                .ok_or(refunds::RefundError::NothingToRefund)?;
            let amount = Money::parse(text, currency, i64::MAX).map_err(|e| {
                refunds::RefundError::Inconsistent(format!("--amount {text:?}: {e}"))
            })?;
            refunds::refund_amount(&state.db, processor, id, amount.minor, &why).await?
        }
    };
    Ok(format!("charge {id}: {}", done(&refunded)))
}

/// Refunds what is left of donation (item) `id`.
pub async fn donation(
    state: &AppState,
    id: i64,
    reason: &str,
    note: Option<&str>,
) -> Result<String, CliError> {
    let why = why(reason, note)?;
    let refunded = refunds::refund_item_as(
        &state.db,
        state.processor.as_ref(),
        id,
        Refunder::Operator,
        &why,
    )
    .await?;
    Ok(format!("donation {id}: {}", done(&refunded)))
}

/// Every refund, newest first, as printed.
pub async fn list_report(state: &AppState) -> Result<String, CliError> {
    let rows = refunds::list(&state.db)
        .await
        .map_err(refunds::RefundError::Db)?;
    let mut out = String::from("refunds:\n");
    if rows.is_empty() {
        out.push_str("  none\n");
    } else {
        out.push_str(&format!(
            "  {:<6} {:<8} {:>10} {:<4} {:<10} {:<24} {:<16} {:<17} {}\n",
            "id",
            "charge",
            "amount",
            "cur",
            "by",
            "reason",
            "donations",
            "when (UTC)",
            "processor ref"
        ));
    }
    for r in rows {
        let when = chrono::DateTime::from_timestamp(r.created_at, 0)
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        out.push_str(&format!(
            "  {:<6} {:<8} {:>10} {:<4} {:<10} {:<24} {:<16} {:<17} {}\n",
            r.id,
            r.charge_id,
            r.amount_minor,
            r.currency,
            r.refunded_by,
            r.reason,
            r.items,
            when,
            r.processor_ref
        ));
    }
    out.push_str("(amounts in minor units)");
    Ok(out)
}

/// Every supporter's refund request, newest first, as printed.
pub async fn requests_report(state: &AppState) -> Result<String, CliError> {
    let rows = app::domain::giving::refund_requests::list(&state.db)
        .await
        .map_err(refunds::RefundError::Db)?;
    let mut out = String::from("refund requests:\n");
    if rows.is_empty() {
        out.push_str("  none\n");
    } else {
        out.push_str(&format!(
            "  {:<6} {:<8} {:<6} {:>10} {:<4} {:<9} {:<11} {}\n",
            "id", "donation", "page", "amount", "cur", "status", "asked", "reason"
        ));
    }
    for r in rows {
        let mut reason: String = r.reason.chars().take(60).collect();
        if r.whole_charge {
            reason = format!("[whole charge] {reason}");
        }
        if r.status == "declined" {
            reason = format!("{reason} / declined: {}", r.decline_reason);
        }
        out.push_str(&format!(
            "  {:<6} {:<8} {:<6} {:>10} {:<4} {:<9} {:<11} {}\n",
            r.id,
            r.item_id,
            r.recipient_id,
            r.gross_minor,
            r.currency,
            r.status,
            r.asked_on,
            reason.replace(['\n', '\r'], " ")
        ));
    }
    out.push_str("(amounts in minor units)");
    Ok(out)
}
