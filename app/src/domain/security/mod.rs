//! Who is abusing the site, and does the operator know? Security events: a limit that
//! refused something (a card saved by an unverified account, too many cards, too many failed
//! charges, too many tips) is written to `security_events` — its kind, the account, the client
//! address and a detail naming counts and limits, never a secret or a card number — and the
//! operator (`OPERATOR_EMAIL`) is mailed through the outbox, at most once per kind an hour so
//! an attack does not become a mail flood. `server security events` lists them.
//!
//! May import: platform, mail.

use crate::domain::Db;
use crate::domain::mail::{self, Email};

/// How long after an alert of one kind the next one of that kind waits, in seconds.
pub const ALERT_EVERY_SECS: i64 = 3600;

/// What tripped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An account whose email is not verified tried to save a card.
    CardUnverified,
    /// An account reached its number of saved cards for the day.
    CardsPerAccount,
    /// A client address reached its number of saved cards for the day.
    CardsPerClient,
    /// An account reached its number of failed charges for the day.
    FailedChargesPerAccount,
    /// A card reached its number of failed charges for the day.
    FailedChargesPerCard,
    /// An account reached its number of new tips for the hour.
    TipsPerAccount,
}

impl Kind {
    /// The kind as `security_events.kind` spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::CardUnverified => "card_unverified_account",
            Self::CardsPerAccount => "cards_per_account",
            Self::CardsPerClient => "cards_per_client",
            Self::FailedChargesPerAccount => "failed_charges_per_account",
            Self::FailedChargesPerCard => "failed_charges_per_card",
            Self::TipsPerAccount => "tips_per_account",
        }
    }
}

/// One event as it was recorded.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SecurityEvent {
    pub id: i64,
    pub kind: String,
    pub user_id: Option<i64>,
    pub client_addr: Option<String>,
    pub detail: String,
    pub created_at: i64,
}

/// What is recorded about one refusal.
#[derive(Clone, Copy, Debug)]
pub struct Report<'a> {
    pub kind: Kind,
    pub user: Option<i64>,
    pub client_addr: Option<&'a str>,
    pub detail: &'a str,
}

/// Records `report` in the caller's transaction and, when `operator` is set and no alert of
/// this kind went out in the last hour, queues one to the operator in the same transaction.
/// The hourly gate is one conditional upsert, so two requests tripping at once send one mail.
pub async fn record_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    operator: Option<&str>,
    report: Report<'_>,
    at: i64,
) -> Result<(), sqlx::Error> {
    let kind = report.kind.as_str();
    tracing::warn!(
        kind,
        user = report.user,
        client = report.client_addr,
        detail = report.detail,
        "security event"
    );
    sqlx::query(
        "insert into security_events (kind, user_id, client_addr, detail, created_at) \
         values ($1, $2, $3, $4, $5)",
    )
    .bind(kind)
    .bind(report.user)
    .bind(report.client_addr)
    .bind(report.detail)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    let Some(operator) = operator else {
        return Ok(());
    };
    let due = sqlx::query(
        "insert into security_alerts (kind, last_sent_at) values ($1, $2) \
         on conflict (kind) do update set last_sent_at = excluded.last_sent_at \
         where security_alerts.last_sent_at <= $3",
    )
    .bind(kind)
    .bind(at)
    .bind(at - ALERT_EVERY_SECS)
    .execute(&mut **tx)
    .await?;
    if due.rows_affected() == 1 {
        mail::enqueue(&mut **tx, &alert(operator, report, at)).await?;
    }
    Ok(())
}

/// Records `report` in a transaction of its own (see [`record_in`]).
pub async fn record(
    db: &Db,
    operator: Option<&str>,
    report: Report<'_>,
    at: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    record_in(&mut tx, operator, report, at).await?;
    tx.commit().await
}

/// The operator's alert for the first event of a kind in an hour.
fn alert(operator: &str, report: Report<'_>, at: i64) -> Email {
    let kind = report.kind.as_str();
    let when = chrono::DateTime::from_timestamp(at, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default();
    let since = chrono::DateTime::from_timestamp(at, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let text = format!(
        "A limit against card testing tripped on your Chipin site.\n\n\
         Kind: {kind}\nWhen: {when}\nDetail: {}\n\n\
         Further events of this kind in the next hour are recorded without another email.\n\
         To see them all: server security events --since {since}\n",
        report.detail
    );
    let html = format!(
        "<p>A limit against card testing tripped on your Chipin site.</p>\
         <p>Kind: <code>{kind}</code><br>When: {when}<br>Detail: {}</p>\
         <p>Further events of this kind in the next hour are recorded without another email. \
         To see them all: <code>server security events --since {since}</code></p>",
        html_escape(report.detail)
    );
    Email {
        to: operator.to_owned(),
        subject: format!("Chipin security alert: {kind}"),
        text,
        html,
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The events recorded at or after `since` (unix seconds), oldest first.
pub async fn since(db: &Db, since: i64) -> Result<Vec<SecurityEvent>, sqlx::Error> {
    sqlx::query_as(
        "select id, kind, user_id, client_addr, detail, created_at from security_events \
         where created_at >= $1 order by created_at, id",
    )
    .bind(since)
    .fetch_all(db.pool())
    .await
}
