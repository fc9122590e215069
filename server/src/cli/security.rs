//! `server security events [--since YYYY-MM-DD]`: the security events recorded (a limit
//! against card testing that refused something), oldest first.

use app::domain::Db;
use app::domain::security;
use chrono::NaiveDate;

/// How far back the list goes without `--since`, in days.
pub const DEFAULT_DAYS: i64 = 7;

/// `--since`'s value: a day, as `YYYY-MM-DD`.
pub fn parse_since(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("{s:?} is not a YYYY-MM-DD day"))
}

/// The list as printed: one line per event since the start of `since` (UTC; default: the
/// last seven days before `now`), or a line saying there are none.
pub async fn events_report(
    db: &Db,
    since: Option<NaiveDate>,
    now: i64,
) -> Result<String, sqlx::Error> {
    let from = match since {
        Some(day) => day
            .and_hms_opt(0, 0, 0)
            .map_or(0, |t| t.and_utc().timestamp()),
        None => now - DEFAULT_DAYS * 24 * 3600,
    };
    let events = security::since(db, from).await?;
    let from_label = chrono::DateTime::from_timestamp(from, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default();
    if events.is_empty() {
        return Ok(format!("no security events since {from_label}"));
    }
    let mut out = format!(
        "{:<17} {:<27} {:>8} {:<40} {}\n",
        "at (UTC)", "kind", "account", "client address", "detail"
    );
    for e in &events {
        let at = chrono::DateTime::from_timestamp(e.created_at, 0)
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        let account = e.user_id.map_or_else(|| "-".to_owned(), |u| u.to_string());
        let client = e.client_addr.as_deref().unwrap_or("-");
        out.push_str(&format!(
            "{at:<17} {:<27} {account:>8} {client:<40} {}\n",
            e.kind, e.detail
        ));
    }
    out.push_str(&format!("{} events since {from_label}", events.len()));
    Ok(out)
}
