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
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport as _, Tokio1Executor};
use std::path::PathBuf;

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
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// One `.eml` file per message in a folder, for development without a mail server.
    Folder(PathBuf),
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
}

impl Mailer {
    /// An SMTP mailer for a URL like `smtp://user:pass@host:587?tls=required` (lettre's format).
    pub fn smtp(url: &str) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::BadUrl(e.to_string()))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        Ok(Self::Smtp(transport))
    }

    /// Sends one message from `from`.
    pub async fn send(&self, from: &str, email: &Email) -> Result<(), MailError> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| MailError::Build(format!("from: {e}")))?;
        let to: Mailbox = email
            .to
            .parse()
            .map_err(|e| MailError::Build(format!("to: {e}")))?;
        let message = lettre::Message::builder()
            .from(from)
            .to(to)
            .subject(&email.subject)
            .multipart(MultiPart::alternative_plain_html(
                email.text.clone(),
                email.html.clone(),
            ))
            .map_err(|e| MailError::Build(e.to_string()))?;
        match self {
            Self::Smtp(transport) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| MailError::Smtp(e.to_string())),
            Self::Folder(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| MailError::File(e.to_string()))?;
                let id = AsyncFileTransport::<Tokio1Executor>::new(dir)
                    .send(message)
                    .await
                    .map_err(|e| MailError::File(e.to_string()))?;
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
                Ok(())
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

/// Seconds to wait before retry number `attempts` (1, 2, ...): 30 s doubling, at most an hour.
pub fn retry_delay(attempts: i64) -> i64 {
    let exp = (attempts - 1).clamp(0, 7) as u32;
    (30i64 << exp).min(3600)
}

/// Sends every due message once. A message is claimed by moving its next attempt into the
/// future before sending, so two workers never send the same message at the same time.
pub async fn drain_once(db: &Db, mailer: &Mailer, from: &str) -> Result<DrainReport, sqlx::Error> {
    let mut report = DrainReport::default();
    let at = now();
    let due: Vec<(i64, String, String, String, String, i64, i64)> = sqlx::query_as(
        "select id, to_address, subject, body_text, body_html, attempts, next_attempt_at \
         from email_outbox where sent_at is null and next_attempt_at <= $1 \
         order by next_attempt_at, id limit 50",
    )
    .bind(at)
    .fetch_all(db.pool())
    .await?;
    for (id, to, subject, text, html, attempts, next_attempt_at) in due {
        let claimed = sqlx::query(
            "update email_outbox set next_attempt_at = $1 where id = $2 and next_attempt_at = $3 and sent_at is null",
        )
        .bind(at + 300)
        .bind(id)
        .bind(next_attempt_at)
        .execute(db.pool())
        .await?;
        if claimed.rows_affected() == 0 {
            continue;
        }
        let email = Email {
            to,
            subject,
            text,
            html,
        };
        match mailer.send(from, &email).await {
            Ok(()) => {
                sqlx::query("update email_outbox set sent_at = $1, attempts = $2, last_error = null where id = $3")
                    .bind(now())
                    .bind(attempts + 1)
                    .bind(id)
                    .execute(db.pool())
                    .await?;
                report.sent += 1;
            }
            Err(e) => {
                tracing::warn!(outbox_id = id, error = %e, "email not sent; will retry");
                sqlx::query(
                    "update email_outbox set attempts = $1, next_attempt_at = $2, last_error = $3 where id = $4",
                )
                .bind(attempts + 1)
                .bind(now() + retry_delay(attempts + 1))
                .bind(e.to_string())
                .bind(id)
                .execute(db.pool())
                .await?;
                report.failed += 1;
            }
        }
    }
    Ok(report)
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
