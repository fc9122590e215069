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
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncFileTransport, AsyncTransport as _, Tokio1Executor};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

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
/// The connection is Chipin's own (lettre's [`AsyncSmtpConnection`] over a TCP stream Chipin
/// opens) so that Nagle's algorithm can be switched off on it: lettre writes a message's body
/// and its closing `.` in two writes, and with Nagle on the second waits for the server's
/// delayed acknowledgement, 40 ms on every message (about 22 messages a second). Batches
/// take turns on the connection, so one process holds one connection however many workers
/// send.
#[derive(Clone)]
pub struct SmtpMailer {
    server: Arc<SmtpServer>,
    connection: Arc<tokio::sync::Mutex<Option<OpenConnection>>>,
}

/// Where and how to reach the SMTP server, read from `SMTP_URL` by lettre's rules.
struct SmtpServer {
    host: String,
    port: u16,
    security: Security,
    hello: ClientId,
    credentials: Option<Credentials>,
}

enum Security {
    Plain,
    /// `STARTTLS` after the greeting; `required` refuses a server that does not offer it.
    StartTls {
        params: TlsParameters,
        required: bool,
    },
    /// TLS from the first byte (`smtps://`, port 465).
    Wrapper(TlsParameters),
}

struct OpenConnection {
    connection: AsyncSmtpConnection,
    last_used: Instant,
}

/// How long one SMTP step (connecting, one message) may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);
/// A connection unused this long is closed rather than trusted.
const SMTP_IDLE: Duration = Duration::from_secs(60);

impl SmtpServer {
    /// Reads `smtp://user:pass@host:port/ehlo-name?tls=required|opportunistic` or
    /// `smtps://…`, with lettre's default ports (25; 587 with `tls`; 465 for `smtps`).
    fn from_url(url: &str) -> Result<Self, MailError> {
        let bad = |e: &dyn std::fmt::Display| MailError::BadUrl(e.to_string());
        let parsed = url::Url::parse(url).map_err(|e| bad(&e))?;
        let host = parsed
            .host_str()
            .ok_or_else(|| bad(&"the host is missing"))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let tls = parsed
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let params = || TlsParameters::new(host.clone()).map_err(|e| bad(&e));
        let (port, security) = match (parsed.scheme(), tls.as_deref()) {
            ("smtp", None) => (25, Security::Plain),
            ("smtp", Some(mode @ ("required" | "opportunistic"))) => (
                587,
                Security::StartTls {
                    params: params()?,
                    required: mode == "required",
                },
            ),
            ("smtps", _) => (465, Security::Wrapper(params()?)),
            (scheme, tls) => {
                return Err(bad(&format!(
                    "unknown scheme {scheme:?} or tls setting {tls:?} (smtp:// or smtps://, \
                     tls=required or tls=opportunistic)"
                )));
            }
        };
        let hello = match parsed.path().trim_matches('/') {
            "" => ClientId::default(),
            name => ClientId::Domain(name.to_owned()),
        };
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|s| s.into_owned())
                .map_err(|e| bad(&e))
        };
        let credentials = match parsed.password() {
            Some(password) => Some(Credentials::new(
                decode(parsed.username())?,
                decode(password)?,
            )),
            None => None,
        };
        Ok(Self {
            port: parsed.port().unwrap_or(port),
            host,
            security,
            hello,
            credentials,
        })
    }

    /// Opens a connection: greeting, `EHLO`, `STARTTLS` if asked for, `AUTH` if credentials.
    async fn connect(&self) -> Result<AsyncSmtpConnection, String> {
        let address = (self.host.as_str(), self.port);
        let mut connection = match &self.security {
            Security::Wrapper(params) => AsyncSmtpConnection::connect_tokio1(
                address,
                Some(SMTP_TIMEOUT),
                &self.hello,
                Some(params.clone()),
                None,
            )
            .await
            .map_err(|e| e.to_string())?,
            Security::Plain | Security::StartTls { .. } => {
                let stream = tokio::net::TcpStream::connect(address)
                    .await
                    .map_err(|e| format!("connecting to {}:{}: {e}", self.host, self.port))?;
                stream.set_nodelay(true).map_err(|e| e.to_string())?;
                AsyncSmtpConnection::connect_with_transport(Box::new(stream), &self.hello)
                    .await
                    .map_err(|e| e.to_string())?
            }
        };
        if let Security::StartTls { params, required } = &self.security {
            if connection.can_starttls() {
                connection
                    .starttls(params.clone(), &self.hello)
                    .await
                    .map_err(|e| e.to_string())?;
            } else if *required {
                connection.abort().await;
                return Err("the server does not offer STARTTLS (tls=required)".into());
            }
        }
        if let Some(credentials) = &self.credentials {
            connection
                .auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok(connection)
    }
}

impl SmtpMailer {
    /// Sends one message over the kept-open connection, opening (or reopening) it first when
    /// there is none, it broke, or it sat idle too long. A failure closes the connection, so
    /// the next message starts on a fresh one.
    async fn send(
        &self,
        slot: &mut Option<OpenConnection>,
        message: &lettre::Message,
    ) -> Result<(), MailError> {
        if let Some(open) = slot.take() {
            let mut open = open;
            if open.connection.has_broken() || open.last_used.elapsed() > SMTP_IDLE {
                open.connection.abort().await;
            } else {
                *slot = Some(open);
            }
        }
        let attempt = async {
            let mut open = match slot.take() {
                Some(open) => open,
                None => OpenConnection {
                    connection: self.server.connect().await?,
                    last_used: Instant::now(),
                },
            };
            let outcome = open
                .connection
                .send(message.envelope(), &message.formatted())
                .await
                .map(|_| ())
                .map_err(|e| e.to_string());
            open.last_used = Instant::now();
            if outcome.is_ok() && !open.connection.has_broken() {
                *slot = Some(open);
            } else {
                open.connection.abort().await;
            }
            outcome
        };
        match tokio::time::timeout(SMTP_TIMEOUT, attempt).await {
            Ok(outcome) => outcome.map_err(MailError::Smtp),
            Err(_) => {
                *slot = None;
                Err(MailError::Smtp(format!(
                    "no answer within {} s",
                    SMTP_TIMEOUT.as_secs()
                )))
            }
        }
    }
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
        Ok(Self::Smtp(SmtpMailer {
            server: Arc::new(SmtpServer::from_url(url)?),
            connection: Arc::default(),
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
                let mut slot = smtp.connection.lock().await;
                let mut failures_in_a_row = 0;
                let mut results = Vec::with_capacity(messages.len());
                for m in messages {
                    if failures_in_a_row >= FAILURES_BEFORE_GIVING_UP {
                        results.push(Err(MailError::NotTried));
                        continue;
                    }
                    let result = match m {
                        Ok(m) => smtp.send(&mut slot, &m).await,
                        Err(e) => Err(e),
                    };
                    if result.is_ok() {
                        failures_in_a_row = 0;
                    } else {
                        failures_in_a_row += 1;
                    }
                    results.push(result);
                }
                results
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

    #[test]
    fn smtp_urls_are_read_by_lettres_rules() {
        let plain = SmtpServer::from_url("smtp://127.0.0.1:2525").unwrap();
        assert_eq!((plain.host.as_str(), plain.port), ("127.0.0.1", 2525));
        assert!(matches!(plain.security, Security::Plain));
        assert!(plain.credentials.is_none());

        let submission = SmtpServer::from_url(
            "smtp://ann%40example.org:p%2Fss@mail.example.org/chipin.example?tls=required",
        )
        .unwrap();
        assert_eq!(submission.port, 587);
        assert!(matches!(
            submission.security,
            Security::StartTls { required: true, .. }
        ));
        assert_eq!(
            submission.credentials,
            Some(Credentials::new("ann@example.org".into(), "p/ss".into()))
        );
        assert_eq!(submission.hello, ClientId::Domain("chipin.example".into()));
        let opportunistic =
            SmtpServer::from_url("smtp://mail.example.org?tls=opportunistic").unwrap();
        assert!(matches!(
            opportunistic.security,
            Security::StartTls {
                required: false,
                ..
            }
        ));

        let wrapped = SmtpServer::from_url("smtps://mail.example.org").unwrap();
        assert_eq!(wrapped.port, 465);
        assert!(matches!(wrapped.security, Security::Wrapper(_)));

        for bad in [
            "http://mail.example.org",
            "smtp://mail.example.org?tls=maybe",
            "smtp:nohost",
            "nonsense",
        ] {
            assert!(
                matches!(SmtpServer::from_url(bad), Err(MailError::BadUrl(_))),
                "{bad} was accepted"
            );
        }
    }
}
