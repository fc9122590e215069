//! Which events are there, and how does one enter the outbox? [`enqueue`] writes the event and
//! one delivery per enabled endpoint of the page that subscribed to it, on the caller's
//! connection: inside the transaction of the change that causes it, so a change rolled back
//! sends nothing and a change committed is never without its event.
//!
//! A payload is small and stable: `{"type": "donation.paid", "timestamp": "2026-…Z",
//! "data": {…}}`, where `data` holds ids, amounts in minor units and the currency (never names
//! or emails: a receiver fetches more through the API, which honours supporters' visibility).

use crate::domain::platform::clock::now;
use crate::domain::platform::tokens;
use std::collections::HashSet;

/// An event a page's endpoints may subscribe to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventType {
    PledgeCreated,
    PledgeUpdated,
    PledgeCancelled,
    DonationPaid,
    DonationRefunded,
    ChargeFailed,
    PayoutPaid,
    ExpenseRecorded,
    PostPublished,
}

impl EventType {
    /// Every event, in the order the studio lists them.
    pub const ALL: [EventType; 9] = [
        Self::PledgeCreated,
        Self::PledgeUpdated,
        Self::PledgeCancelled,
        Self::DonationPaid,
        Self::DonationRefunded,
        Self::ChargeFailed,
        Self::PayoutPaid,
        Self::ExpenseRecorded,
        Self::PostPublished,
    ];

    /// Its name in payloads and subscriptions, e.g. `donation.paid`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PledgeCreated => "pledge.created",
            Self::PledgeUpdated => "pledge.updated",
            Self::PledgeCancelled => "pledge.cancelled",
            Self::DonationPaid => "donation.paid",
            Self::DonationRefunded => "donation.refunded",
            Self::ChargeFailed => "charge.failed",
            Self::PayoutPaid => "payout.paid",
            Self::ExpenseRecorded => "expense.recorded",
            Self::PostPublished => "post.published",
        }
    }

    /// The event named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == name)
    }

    /// The `like` pattern that finds endpoints subscribed to it (their `events` column holds
    /// the names between commas).
    fn pattern(self) -> String {
        format!("%,{},%", self.as_str())
    }
}

/// One event for one page.
#[derive(Clone, Debug)]
pub struct Event {
    pub recipient_id: i64,
    pub kind: EventType,
    /// The payload's `data`: ids, amounts in minor units, the currency.
    pub data: serde_json::Value,
}

/// The pages with at least one enabled endpoint subscribed to `kind`: a caller settling many
/// things at once asks this once and enqueues events only for them.
pub async fn listeners(
    conn: &mut sqlx::AnyConnection,
    kind: EventType,
) -> Result<HashSet<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "select distinct recipient_id from hook_endpoints where disabled_at is null and events like $1",
    )
    .bind(kind.pattern())
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Writes `event` to the outbox with one delivery per enabled endpoint of its page that
/// subscribed to it, due now, on `conn` (the caller's transaction). Nothing is written when no
/// endpoint listens. Returns how many deliveries were queued.
///
/// The event is stamped with the clock's time, not the caller's: a billing run's "now" is the
/// end of its as-of day, and its events are due as soon as it commits.
pub async fn enqueue(conn: &mut sqlx::AnyConnection, event: Event) -> Result<u64, sqlx::Error> {
    let at = now();
    let pattern = event.kind.pattern();
    let (listening,): (i64,) = sqlx::query_as(
        "select count(*) from hook_endpoints \
         where recipient_id = $1 and disabled_at is null and events like $2",
    )
    .bind(event.recipient_id)
    .bind(&pattern)
    .fetch_one(&mut *conn)
    .await?;
    if listening == 0 {
        return Ok(0);
    }
    let timestamp = chrono::DateTime::from_timestamp(at, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let payload = serde_json::json!({
        "type": event.kind.as_str(),
        "timestamp": timestamp,
        "data": event.data,
    })
    .to_string();
    let message_id = format!("msg_{}", tokens::generate());
    let (event_id,): (i64,) = sqlx::query_as(
        "insert into hook_events (message_id, recipient_id, event_type, payload, created_at) \
         values ($1, $2, $3, $4, $5) returning id",
    )
    .bind(&message_id)
    .bind(event.recipient_id)
    .bind(event.kind.as_str())
    .bind(&payload)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    let done = sqlx::query(
        "insert into hook_deliveries (event_id, endpoint_id, status, attempts, next_attempt_at, window_from, created_at) \
         select $1, id, 'pending', 0, $2, $2, $2 from hook_endpoints \
         where recipient_id = $3 and disabled_at is null and events like $4",
    )
    .bind(event_id)
    .bind(at)
    .bind(event.recipient_id)
    .bind(&pattern)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_reads_back_from_its_name_and_the_studio_lists_them_all() {
        for e in EventType::ALL {
            assert_eq!(EventType::parse(e.as_str()), Some(e));
        }
        assert_eq!(EventType::parse("donation.*"), None);
        let listed: Vec<&str> = crate::model::hooks::EVENT_TYPES
            .iter()
            .map(|(n, _)| *n)
            .collect();
        let all: Vec<&str> = EventType::ALL.iter().map(|e| e.as_str()).collect();
        assert_eq!(listed, all);
    }
}
