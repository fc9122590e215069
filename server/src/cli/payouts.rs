//! `server payouts record` and `server payouts mark-paid`: payouts sent outside Chipin (a bank
//! transfer by the operator), recorded against a page's balance and linked to its donations.
//! `server payouts stripe-run`: payouts sent as Stripe Connect transfers.

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
            app::domain::platform::words::Words::new("studio-error-no-page-at")
                .text("slug", format!("{slug:?}")),
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

/// Runs the Stripe Connect payouts as of `as_of` (today, UTC, when `None`); returns the
/// summary to print. Refused transfers are listed: their payouts were returned, and their
/// donations will be paid by a later run once the cause (the reason shown) is fixed.
pub async fn stripe_run(
    state: &AppState,
    as_of: Option<chrono::NaiveDate>,
) -> Result<String, CliError> {
    use app::domain::payouts::connect::{self, ConnectError};
    use std::fmt::Write as _;
    let stripe = state.stripe.as_deref().ok_or(ConnectError::NotConfigured)?;
    let as_of = as_of.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let s = connect::run(&state.db, stripe, as_of, None).await?;
    let mut out = format!("Stripe payout run as of {as_of}\n");
    let _ = writeln!(out, "payouts planned:   {}", s.planned);
    let _ = writeln!(out, "transfers sent:    {}", s.sent);
    let mut sent: Vec<_> = s.sent_minor.iter().collect();
    sent.sort_by_key(|(c, _)| c.code());
    for (currency, minor) in sent {
        let _ = writeln!(out, "  {}", app::money::Money::new(*minor, *currency));
    }
    let _ = writeln!(
        out,
        "transfers waiting: {} (no answer; looked up, then sent again with the same key, next run)",
        s.waiting
    );
    let _ = writeln!(
        out,
        "transfers found:   {} (made by Stripe on an earlier attempt whose answer was lost; recorded, not sent again)",
        s.found
    );
    let _ = writeln!(
        out,
        "pages skipped:     {} (their Stripe charges could not be looked up)",
        s.skipped
    );
    let _ = write!(out, "transfers refused: {}", s.failed.len());
    for (transfer, recipient, reason) in &s.failed {
        let _ = write!(
            out,
            "\n  transfer {transfer} to page {recipient}: {reason} (payout returned)"
        );
    }
    let _ = write!(
        out,
        "\nerrors:            {} (left as they were for the next run; the other pages were paid)",
        s.errors.len()
    );
    for (recipient, transfer, why) in &s.errors {
        let _ = match transfer {
            Some(t) => write!(out, "\n  transfer {t} to page {recipient}: {why}"),
            None => write!(out, "\n  page {recipient}: {why}"),
        };
    }
    Ok(out)
}
