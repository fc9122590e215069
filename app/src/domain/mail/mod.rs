//! How does email leave Chipin? Every message is first written to the `email_outbox` table,
//! usually in the same transaction as the change it reports, and a worker drains the table
//! through a [`Mailer`]: SMTP when `SMTP_URL` is set, otherwise `.eml` files in a folder.
//! A message that fails is retried with growing delays; none is lost while SMTP is down.
//!
//! May import: platform, processors.

pub mod templates;

use crate::domain::Db;
use crate::domain::platform::clock::now;
pub use lettre::message::Mailbox;
use lettre::message::MultiPart;
use lettre::{
    AsyncFileTransport, AsyncTransport as _, SmtpTransport, Tokio1Executor, Transport as _,
};
use std::path::PathBuf;
use std::sync::Arc;

/// A message ready to be queued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Queues `email` using `conn` (a transaction or the pool).
pub async fn enqueue<'c, E>(conn: E, email: &Email) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    // The reserved `.invalid` domain (RFC 2606) can never receive mail; a deleted account's
    // address is one, so nothing is queued for it.
    if email.to.to_ascii_lowercase().ends_with(".invalid") {
        return Ok(());
    }
    let at = now();
    sqlx::query(
        "insert into email_outbox (to_address, subject, body_text, body_html, created_at, next_attempt_at) \
         values ($1, $2, $3, $4, $5, $5)",
    )
    .bind(&email.to)
    .bind(&email.subject)
    .bind(&email.text)
    .bind(&email.html)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Where outgoing mail goes.
#[derive(Clone)]
pub enum Mailer {
    /// A real SMTP server.
    Smtp(SmtpMailer),
    /// One `.eml` file per message in a folder, for development without a mail server.
    Folder(PathBuf),
}

/// An SMTP server reached over one kept-open connection.
///
/// lettre's blocking transport hands a connection back to its pool the moment a message is
/// sent, so messages sent one after another all go over the same connection (its async
/// transport returns connections from a spawned task, and a quick sender opens a second).
/// Batches take turns, so one process holds one connection however many workers send.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: SmtpTransport,
    turn: Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Smtp(_) => f.write_str("Mailer::Smtp"),
            Self::Folder(p) => write!(f, "Mailer::Folder({})", p.display()),
        }
    }
}

/// Why a message could not be handed over.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("SMTP_URL is not a valid SMTP address: {0}")]
    BadUrl(String),
    #[error("could not build the message: {0}")]
    Build(String),
    #[error("SMTP delivery failed: {0}")]
    Smtp(String),
    #[error("writing the message file failed: {0}")]
    File(String),
    #[error("not tried: the messages before it failed")]
    NotTried,
}

/// Builds the MIME message (plain text and HTML alternatives).
fn message(from: &str, email: &Email) -> Result<lettre::Message, MailError> {
    let from: Mailbox = from
        .parse()
        .map_err(|e| MailError::Build(format!("from: {e}")))?;
    let to: Mailbox = email
        .to
        .parse()
        .map_err(|e| MailError::Build(format!("to: {e}")))?;
    lettre::Message::builder()
        .from(from)
        .to(to)
        .subject(&email.subject)
        .multipart(MultiPart::alternative_plain_html(
            email.text.clone(),
            email.html.clone(),
        ))
        .map_err(|e| MailError::Build(e.to_string()))
}

impl Mailer {
    /// An SMTP mailer for a URL like `smtp://user:pass@host:587?tls=required` (lettre's format).
    /// It keeps one connection open (closed after a minute without mail, reopened when it
    /// fails) and sends every message over it. lettre does not pipeline commands, so each
    /// message costs a few round trips on that connection, and no handshake.
    pub fn smtp(url: &str) -> Result<Self, MailError> {
        let transport = SmtpTransport::from_url(url)
            .map_err(|e| MailError::BadUrl(e.to_string()))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        Ok(Self::Smtp(SmtpMailer {
            transport,
            turn: Arc::default(),
        }))
    }

    /// Sends one message from `from`.
    pub async fn send(&self, from: &str, email: &Email) -> Result<(), MailError> {
        self.send_all(from, std::slice::from_ref(email))
            .await
            .pop()
            .unwrap_or(Ok(()))
    }

    /// Sends `emails` from `from`, one after another (over one SMTP connection), and says
    /// what became of each, in order. After three failures in a row (the server is probably down)
    /// the rest are not tried (their result is [`MailError::NotTried`]).
    pub async fn send_all(&self, from: &str, emails: &[Email]) -> Vec<Result<(), MailError>> {
        let messages: Vec<Result<lettre::Message, MailError>> =
            emails.iter().map(|e| message(from, e)).collect();
        match self {
            Self::Smtp(smtp) => {
                let _turn = smtp.turn.lock().await;
                let transport = smtp.transport.clone();
                let sent = tokio::task::spawn_blocking(move || {
                    let mut failures_in_a_row = 0;
                    messages
                        .into_iter()
                        .map(|m| {
                            if failures_in_a_row >= FAILURES_BEFORE_GIVING_UP {
                                return Err(MailError::NotTried);
                            }
                            let result = m.and_then(|m| {
                                transport
                                    .send(&m)
                                    .map(|_| ())
                                    .map_err(|e| MailError::Smtp(e.to_string()))
                            });
                            if result.is_ok() {
                                failures_in_a_row = 0;
                            } else {
                                failures_in_a_row += 1;
                            }
                            result
                        })
                        .collect::<Vec<_>>()
                })
                .await;
                sent.unwrap_or_else(|e| {
                    emails
                        .iter()
                        .map(|_| Err(MailError::Smtp(format!("the sending task failed: {e}"))))
                        .collect()
                })
            }
            Self::Folder(dir) => {
                let mut results = Vec::with_capacity(emails.len());
                if let Err(e) = tokio::fs::create_dir_all(dir).await {
                    return emails
                        .iter()
                        .map(|_| Err(MailError::File(e.to_string())))
                        .collect();
                }
                let transport = AsyncFileTransport::<Tokio1Executor>::new(dir);
                for (email, m) in emails.iter().zip(messages) {
                    let result = match m {
                        Ok(m) => transport
                            .send(m)
                            .await
                            .map_err(|e| MailError::File(e.to_string())),
                        Err(e) => Err(e),
                    };
                    results.push(result.map(|id| {
                        // Without a mail server the log is how a newcomer finds their links.
                        let link = email
                            .text
                            .split_whitespace()
                            .find(|w| w.starts_with("http://") || w.starts_with("https://"));
                        tracing::info!(
                            file = %dir.join(format!("{id}.eml")).display(),
                            subject = %email.subject,
                            link = link.unwrap_or(""),
                            "email written to the outbox folder"
                        );
                    }));
                }
                results
            }
        }
    }
}

/// What one pass over the outbox did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DrainReport {
    pub sent: u64,
    pub failed: u64,
}

impl DrainReport {
    fn add(&mut self, other: Self) {
        self.sent += other.sent;
        self.failed += other.failed;
    }
}

/// Seconds to wait before retry number `attempts` (1, 2, ...): 30 s doubling, at most an hour.
pub fn retry_delay(attempts: i64) -> i64 {
    let exp = (attempts - 1).clamp(0, 7) as u32;
    (30i64 << exp).min(3600)
}

/// Messages claimed, sent and marked together: one claim, one SMTP connection (the transport
/// keeps it open between messages), one commit for the outcomes.
pub const BATCH_SIZE: i64 = 200;

/// How long a claimed batch stays with the worker that claimed it. A worker that dies between
/// sending and marking leaves its batch claimed; after this long the batch is due again and is
/// sent again: a crash re-sends at most the one batch in flight.
pub const CLAIM_SECS: i64 = 600;

/// After this many failures in a row the rest of the batch waits for the next pass: the
/// server is probably down, and each failure may take the SMTP time-out (20 s).
const FAILURES_BEFORE_GIVING_UP: u32 = 3;

/// Messages queued and not yet sent (due now or waiting for a retry).
pub async fn backlog(db: &Db) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("select count(*) from email_outbox where sent_at is null")
        .fetch_one(db.pool())
        .await?;
    Ok(n)
}

/// Sends every due message, a batch at a time, until none is due.
pub async fn drain_once(db: &Db, mailer: &Mailer, from: &str) -> Result<DrainReport, sqlx::Error> {
    let mut report = DrainReport::default();
    loop {
        let (batch, claimed) = drain_batch(db, mailer, from, BATCH_SIZE).await?;
        report.add(batch);
        if claimed < BATCH_SIZE || batch.sent == 0 {
            return Ok(report);
        }
    }
}

/// Claims up to `limit` due messages, sends them, and records every outcome in one commit;
/// returns what happened and how many were claimed (fewer than `limit`: the queue is empty).
///
/// The claim moves the messages' next attempt [`CLAIM_SECS`] into the future, in one
/// statement, so two workers never send the same message at the same time (on PostgreSQL the
/// second worker skips the rows the first has locked).
pub async fn drain_batch(
    db: &Db,
    mailer: &Mailer,
    from: &str,
    limit: i64,
) -> Result<(DrainReport, i64), sqlx::Error> {
    let at = now();
    let lock = match db.backend() {
        crate::domain::platform::db::Backend::Postgres => " for update skip locked",
        crate::domain::platform::db::Backend::Sqlite => "",
    };
    let claimed: Vec<(i64, String, String, String, String, i64)> = sqlx::query_as(&format!(
        "update email_outbox set next_attempt_at = $1 \
         where id in (select id from email_outbox where sent_at is null and next_attempt_at <= $2 \
                      order by next_attempt_at, id limit $3{lock}) \
           and sent_at is null and next_attempt_at <= $2 \
         returning id, to_address, subject, body_text, body_html, attempts"
    ))
    .bind(at + CLAIM_SECS)
    .bind(at)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let count = claimed.len() as i64;
    if claimed.is_empty() {
        return Ok((DrainReport::default(), 0));
    }
    let ids: Vec<(i64, i64)> = claimed.iter().map(|c| (c.0, c.5)).collect();
    let emails: Vec<Email> = claimed
        .into_iter()
        .map(|(_, to, subject, text, html, _)| Email {
            to,
            subject,
            text,
            html,
        })
        .collect();
    let results = mailer.send_all(from, &emails).await;
    let mut sent: Vec<i64> = Vec::with_capacity(ids.len());
    let mut failed: Vec<(i64, i64, String)> = Vec::new();
    let mut unsent: Vec<i64> = Vec::new();
    for ((id, attempts), result) in ids.into_iter().zip(results) {
        match result {
            Ok(()) => sent.push(id),
            Err(MailError::NotTried) => unsent.push(id),
            Err(e) => {
                tracing::warn!(outbox_id = id, error = %e, "email not sent; will retry");
                failed.push((id, attempts + 1, e.to_string()));
            }
        }
    }
    let done = now();
    let mut tx = db.begin_write().await?;
    for ids in sent.chunks(500) {
        let list = placeholders(2, ids.len());
        let sql = format!(
            "update email_outbox set sent_at = $1, attempts = attempts + 1, last_error = null \
             where id in ({list})"
        );
        let mut q = sqlx::query(&sql).bind(done);
        for id in ids {
            q = q.bind(*id);
        }
        q.execute(&mut *tx).await?;
    }
    for (id, attempts, error) in &failed {
        sqlx::query(
            "update email_outbox set attempts = $1, next_attempt_at = $2, last_error = $3 where id = $4",
        )
        .bind(attempts)
        .bind(done + retry_delay(*attempts))
        .bind(error)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    // Not tried: due again after the first failure's delay, without counting an attempt.
    for ids in unsent.chunks(500) {
        let list = placeholders(2, ids.len());
        let sql = format!("update email_outbox set next_attempt_at = $1 where id in ({list})");
        let mut q = sqlx::query(&sql).bind(done + retry_delay(1));
        for id in ids {
            q = q.bind(*id);
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    let report = DrainReport {
        sent: sent.len() as u64,
        failed: failed.len() as u64,
    };
    metrics::counter!("chipin_mail_sent_total").increment(report.sent);
    metrics::counter!("chipin_mail_failures_total").increment(report.failed);
    Ok((report, count))
}

/// `$first, $first+1, …` for `n` values.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_an_hour() {
        assert_eq!(retry_delay(1), 30);
        assert_eq!(retry_delay(2), 60);
        assert_eq!(retry_delay(4), 240);
        assert_eq!(retry_delay(50), 3600);
    }
}
