//! `server ledger check`: verify every invariant of the money model and say so in one line.

use app::domain::Db;
use app::domain::books::checks;

/// The check's verdict as printed, and whether the ledger is sound.
pub async fn ledger_check_report(db: &Db) -> Result<(String, bool), sqlx::Error> {
    Ok(match checks::check(db).await? {
        Ok(r) => (
            format!(
                "ledger OK: {} entries, {} lines, {} charges, {} allocations, {} payouts, {} expenses",
                r.entries, r.lines, r.charges, r.allocations, r.payouts, r.expenses
            ),
            true,
        ),
        Err(violation) => (format!("ledger check FAILED: {violation}"), false),
    })
}
