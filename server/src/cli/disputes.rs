//! `server disputes list`: every dispute the processor reported, newest first, with what it
//! holds back from the recipients of its charge.

use app::domain::Db;
use app::domain::billing::disputes;

/// The list as printed: one line per dispute, or a line saying there are none.
pub async fn disputes_list_report(db: &Db) -> Result<String, sqlx::Error> {
    let rows = disputes::list(db).await?;
    if rows.is_empty() {
        return Ok("no disputes".to_owned());
    }
    let mut out = format!(
        "{:<28} {:<10} {:>12} {:<4} {:<22} {:<24} {:>12} {}\n",
        "dispute", "charge", "amount", "cur", "status", "reason", "frozen", "opened (UTC)"
    );
    for d in rows {
        let opened = chrono::DateTime::from_timestamp(d.created, 0)
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        let charge = d
            .charge_id
            .map_or_else(|| "unmatched".to_owned(), |c| c.to_string());
        out.push_str(&format!(
            "{:<28} {:<10} {:>12} {:<4} {:<22} {:<24} {:>12} {}\n",
            d.dispute_ref,
            charge,
            d.amount_minor,
            d.currency,
            d.status,
            d.reason,
            d.frozen_minor,
            opened
        ));
    }
    out.push_str("(amounts in minor units; frozen = recipient net held back from payouts)");
    Ok(out)
}
