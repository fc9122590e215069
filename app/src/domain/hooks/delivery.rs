//! Sending what the outbox holds. A worker [`claim`]s due deliveries, signs and posts each
//! one ([`Sender::attempt`]), and [`record`]s what happened; [`deliver_due`] does all three.
//!
//! - **Claims, not locks**: a claim moves a delivery's next attempt [`LEASE_SECS`] ahead and
//!   counts the attempt, in one conditional statement (on PostgreSQL skipping rows another
//!   instance is claiming), so any number of workers share the queue and none sends what
//!   another holds. A worker that dies between sending and recording leaves its claim; after
//!   the lease the delivery is due again and sent again, with the same `webhook-id`. So a
//!   crash re-sends at most the deliveries in flight, and receivers drop repeats by that id.
//! - **Retries**: any answer but 2xx (a 3xx too: redirects are not followed), a time-out
//!   ([`TIMEOUT`]) or a refused address is a failure, retried after [`retry_delay`]
//!   (5 s, 5 min, 30 min, 2 h, 5 h, then every 10 h). A delivery still failing three days
//!   ([`GIVE_UP_AFTER_SECS`]) after it was queued fails for good: its endpoint is disabled
//!   and the page's owner emailed, in the same transaction.
//! - **Bounded**: at most [`BODY_READ_LIMIT`] of an answer is read, and its first
//!   [`BODY_KEPT`] bytes are kept for the delivery log.

use super::guard::{self, GuardedResolver, Refused};
use super::signing;
use crate::domain::Db;
use crate::domain::mail::{self, templates};
use crate::domain::platform::db::Backend;
use crate::domain::platform::sql::list;
use std::time::Duration;

/// How long a claim lasts: longer than one attempt can take ([`TIMEOUT`] plus recording).
pub const LEASE_SECS: i64 = 120;

/// The longest one attempt may take, connecting and reading the answer included.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Retries stop this long after a delivery was queued (or sent again).
pub const GIVE_UP_AFTER_SECS: i64 = 3 * 24 * 3600;

/// The most of an answer's body that is read; the rest is left unread.
pub const BODY_READ_LIMIT: usize = 64 * 1024;

/// The start of an answer's body kept for the delivery log.
pub const BODY_KEPT: usize = 1024;

/// Deliveries claimed at once by one worker.
pub const BATCH: i64 = 32;

/// Attempts sent at the same time by one worker.
const CONCURRENCY: usize = 8;

/// Seconds before the next attempt after failed attempt number `attempts` (1, 2, …).
pub fn retry_delay(attempts: i64) -> i64 {
    const SCHEDULE: [i64; 6] = [5, 300, 1800, 7200, 18_000, 36_000];
    SCHEDULE[(attempts.max(1) as usize - 1).min(SCHEDULE.len() - 1)]
}

/// Signs and posts deliveries: an HTTP client that resolves names only through
/// [`GuardedResolver`] (unless private addresses are allowed), follows no redirects, uses no
/// proxy, and gives up after a time-out.
#[derive(Clone, Debug)]
pub struct Sender {
    client: reqwest::Client,
    allow_private: bool,
}

impl Sender {
    /// A sender with the standard [`TIMEOUT`]; `allow_private` lifts the address check
    /// (`WEBHOOKS_ALLOW_PRIVATE`, for tests and development).
    pub fn new(allow_private: bool) -> Self {
        Self::with_timeout(allow_private, TIMEOUT)
    }

    /// A sender with another time-out (tests).
    pub fn with_timeout(allow_private: bool, timeout: Duration) -> Self {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("Chipin-Webhooks/", env!("CARGO_PKG_VERSION")));
        if !allow_private {
            builder = builder.dns_resolver(std::sync::Arc::new(GuardedResolver));
        }
        Self {
            client: builder.build().expect("the webhook HTTP client builds"),
            allow_private,
        }
    }

    /// Sends one claimed delivery at `timestamp` and says what came back.
    pub async fn attempt(&self, d: &Claimed, timestamp: i64) -> Outcome {
        let url = match url::Url::parse(&d.url) {
            Ok(u) => u,
            Err(e) => return Outcome::failed(None, format!("not a valid address: {e}")),
        };
        if !self.allow_private
            && let Err(refused) = guard::check_literal(&url)
        {
            return Outcome::failed(None, refused.to_string());
        }
        let mut secrets = vec![d.secret.as_str()];
        if let Some(previous) = &d.previous_secret {
            secrets.push(previous);
        }
        let body = d.payload.as_bytes();
        let signature = signing::signature_header(&secrets, &d.message_id, timestamp, body);
        let sent = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &d.message_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(d.payload.clone())
            .send()
            .await;
        let mut res = match sent {
            Ok(res) => res,
            Err(e) => return Outcome::failed(None, describe(&e)),
        };
        let status = res.status();
        let mut body: Vec<u8> = Vec::new();
        let mut read_error = None;
        loop {
            match res.chunk().await {
                Ok(Some(chunk)) => {
                    let room = BODY_READ_LIMIT - body.len();
                    body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                    if body.len() >= BODY_READ_LIMIT {
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    read_error = Some(describe(&e));
                    break;
                }
            }
        }
        let kept = String::from_utf8_lossy(&body[..body.len().min(BODY_KEPT)]).into_owned();
        let code = Some(i64::from(status.as_u16()));
        if status.is_success() {
            Outcome {
                delivered: true,
                status_code: code,
                error: None,
                response: Some(kept),
            }
        } else {
            let error = read_error.unwrap_or_else(|| {
                if status.is_redirection() {
                    format!("answered {status}: redirects are not followed")
                } else {
                    format!("answered {status}")
                }
            });
            Outcome {
                delivered: false,
                status_code: code,
                error: Some(error),
                response: Some(kept),
            }
        }
    }
}

/// A request error in a line for the delivery log: the address refusal if that was the
/// cause, "timed out", or the error's chain.
fn describe(e: &reqwest::Error) -> String {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if let Some(refused) = s.downcast_ref::<Refused>() {
            return refused.to_string();
        }
        source = s.source();
    }
    if e.is_timeout() {
        return "timed out".to_owned();
    }
    let mut chain = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    chain
}

/// A delivery a worker holds, with what it needs to send it.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub id: i64,
    /// Attempts so far, this one included: the claim's fence (a later claim counts another).
    pub attempts: i64,
    pub endpoint_id: i64,
    pub window_from: i64,
    pub url: String,
    pub secret: String,
    /// The secret before a rotation, while it still signs.
    pub previous_secret: Option<String>,
    pub message_id: String,
    pub payload: String,
}

/// What one attempt came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub delivered: bool,
    pub status_code: Option<i64>,
    pub error: Option<String>,
    /// The start of the answer's body.
    pub response: Option<String>,
}

impl Outcome {
    fn failed(status_code: Option<i64>, error: String) -> Self {
        Self {
            delivered: false,
            status_code,
            error: Some(error),
            response: None,
        }
    }
}

/// Claims up to `limit` deliveries due at `at` whose endpoints are enabled.
pub async fn claim(db: &Db, at: i64, limit: i64) -> Result<Vec<Claimed>, sqlx::Error> {
    let lock = match db.backend() {
        Backend::Postgres => " for update of d skip locked",
        Backend::Sqlite => "",
    };
    let claimed: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "update hook_deliveries set next_attempt_at = $1, attempts = attempts + 1 \
         where id in (select d.id from hook_deliveries d \
                      join hook_endpoints e on e.id = d.endpoint_id \
                      where d.status = 'pending' and d.next_attempt_at <= $2 and e.disabled_at is null \
                      order by d.next_attempt_at, d.id limit $3{lock}) \
           and status = 'pending' and next_attempt_at <= $2 \
         returning id, attempts"
    ))
    .bind(at + LEASE_SECS)
    .bind(at)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    if claimed.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "select d.id, d.endpoint_id, d.window_from, e.url, e.secret, e.previous_secret, \
                e.previous_secret_until, v.message_id, v.payload \
         from hook_deliveries d join hook_endpoints e on e.id = d.endpoint_id \
         join hook_events v on v.id = d.event_id where d.id in ({}) order by d.id",
        list(1, claimed.len())
    );
    let mut q = sqlx::query_as::<
        _,
        (
            i64,
            i64,
            i64,
            String,
            String,
            Option<String>,
            Option<i64>,
            String,
            String,
        ),
    >(&sql);
    for (id, _) in &claimed {
        q = q.bind(*id);
    }
    let rows = q.fetch_all(db.pool()).await?;
    Ok(rows
        .into_iter()
        .filter_map(
            |(id, endpoint_id, window_from, url, secret, previous, until, message_id, payload)| {
                let attempts = claimed.iter().find(|(c, _)| *c == id)?.1;
                Some(Claimed {
                    id,
                    attempts,
                    endpoint_id,
                    window_from,
                    url,
                    secret,
                    previous_secret: previous.filter(|_| until.is_some_and(|u| u > at)),
                    message_id,
                    payload,
                })
            },
        )
        .collect())
}

/// What [`record`] did with an outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recorded {
    Delivered,
    /// Failed; tried again at this instant.
    Retrying(i64),
    /// Failed for good: the endpoint was disabled (and its owner emailed, unless it was
    /// disabled already).
    GaveUp,
    /// The claim had passed to another worker (its lease ran out): nothing written.
    Stale,
}

/// Records `outcome` of the attempt `d` at `at`. Only the claim's own attempt is recorded: a
/// delivery claimed again since (after its lease ran out) is left to the newer claim.
pub async fn record(
    db: &Db,
    site_url: &str,
    d: &Claimed,
    outcome: &Outcome,
    at: i64,
) -> Result<Recorded, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let recorded = if outcome.delivered {
        let done = sqlx::query(
            "update hook_deliveries set status = 'delivered', delivered_at = $1, last_attempt_at = $1, \
             last_status_code = $2, last_error = null, last_response = $3 \
             where id = $4 and attempts = $5 and status = 'pending'",
        )
        .bind(at)
        .bind(outcome.status_code)
        .bind(&outcome.response)
        .bind(d.id)
        .bind(d.attempts)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            Recorded::Delivered
        } else {
            Recorded::Stale
        }
    } else {
        let next = at + retry_delay(d.attempts);
        let give_up = next > d.window_from + GIVE_UP_AFTER_SECS;
        let done = sqlx::query(
            "update hook_deliveries set status = $1, next_attempt_at = $2, last_attempt_at = $3, \
             last_status_code = $4, last_error = $5, last_response = $6 \
             where id = $7 and attempts = $8 and status = 'pending'",
        )
        .bind(if give_up { "failed" } else { "pending" })
        .bind(next)
        .bind(at)
        .bind(outcome.status_code)
        .bind(&outcome.error)
        .bind(&outcome.response)
        .bind(d.id)
        .bind(d.attempts)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            Recorded::Stale
        } else if give_up {
            disable_for_failures(&mut tx, site_url, d.endpoint_id, at).await?;
            Recorded::GaveUp
        } else {
            Recorded::Retrying(next)
        }
    };
    tx.commit().await?;
    Ok(recorded)
}

/// Disables an endpoint whose delivery failed for three days, and emails the page's owner
/// (once: an endpoint already disabled is left as it is).
async fn disable_for_failures(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    site_url: &str,
    endpoint: i64,
    at: i64,
) -> Result<(), sqlx::Error> {
    let done = sqlx::query(
        "update hook_endpoints set disabled_at = $1, disabled_reason = $2 \
         where id = $3 and disabled_at is null",
    )
    .bind(at)
    .bind("Disabled after three days of failed deliveries.")
    .bind(endpoint)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(());
    }
    let owner: Option<(String, i64, String, String, Option<String>)> = sqlx::query_as(
        "select u.email, r.id, r.name, e.url, u.language from hook_endpoints e \
         join recipients r on r.id = e.recipient_id join users u on u.id = r.owner_user_id \
         where e.id = $1",
    )
    .bind(endpoint)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((to, recipient, page, url, language)) = owner else {
        return Ok(());
    };
    let link = format!(
        "{}/studio/p/{recipient}/webhooks",
        site_url.trim_end_matches('/')
    );
    mail::enqueue(
        &mut **tx,
        &templates::webhooks_disabled(
            &to,
            templates::recipient_locale(language.as_deref()),
            &page,
            &url,
            &link,
        ),
    )
    .await
}

/// What one [`deliver_due`] pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub claimed: u64,
    pub delivered: u64,
    pub failed: u64,
    pub gave_up: u64,
}

/// Claims up to `limit` deliveries due at `at`, sends them (a few at a time) and records each
/// outcome; attempts are stamped and recorded at the clock's time when `at` is now, or at `at`
/// in tests that move time forward.
pub async fn deliver_due(
    db: &Db,
    sender: &Sender,
    site_url: &str,
    at: i64,
    limit: i64,
) -> Result<DeliveryReport, sqlx::Error> {
    use futures::StreamExt as _;
    let claimed = claim(db, at, limit).await?;
    let mut report = DeliveryReport {
        claimed: claimed.len() as u64,
        ..DeliveryReport::default()
    };
    let outcomes: Vec<(Claimed, Outcome)> = futures::stream::iter(claimed)
        .map(|d| async move {
            let outcome = sender.attempt(&d, at).await;
            (d, outcome)
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    for (d, outcome) in outcomes {
        match record(db, site_url, &d, &outcome, at).await? {
            Recorded::Delivered => report.delivered += 1,
            Recorded::Retrying(_) => report.failed += 1,
            Recorded::GaveUp => {
                report.failed += 1;
                report.gave_up += 1;
            }
            Recorded::Stale => {}
        }
    }
    metrics::counter!("chipin_webhook_deliveries_total", "outcome" => "delivered")
        .increment(report.delivered);
    metrics::counter!("chipin_webhook_deliveries_total", "outcome" => "failed")
        .increment(report.failed);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_stop_after_three_days() {
        assert_eq!(retry_delay(1), 5);
        assert_eq!(retry_delay(2), 300);
        assert_eq!(retry_delay(5), 18_000);
        assert_eq!(retry_delay(6), 36_000);
        assert_eq!(retry_delay(40), 36_000);
        // Attempt times from the first: the last one falls within three days.
        let mut at = 0;
        let mut attempts = 1;
        while at + retry_delay(attempts) <= GIVE_UP_AFTER_SECS {
            at += retry_delay(attempts);
            attempts += 1;
        }
        assert_eq!(attempts, 12, "twelve attempts in three days");
        assert!(at > 2 * 24 * 3600);
    }
}
