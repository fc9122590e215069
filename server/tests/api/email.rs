//! Mail leaves through a real SMTP conversation; nothing is lost while the server is down.

use crate::helpers::spawn_app_with;

/// The app's own outbox worker stays asleep: these tests drain by hand.
async fn spawn_app() -> crate::helpers::TestApp {
    spawn_app_with(&[("MAIL_POLL_SECS", "86400")]).await
}
use app::domain::mail::{self, Mailer};
use mailin_embedded::response::{self, Response};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// A message as the SMTP server received it: envelope sender, recipients, data.
type Received = (String, Vec<String>, String);

/// The message being received: envelope sender, recipients, data so far.
type Receiving = (String, Vec<String>, Vec<u8>);

#[derive(Clone, Default)]
struct Inbox {
    messages: Arc<Mutex<Vec<Received>>>,
    /// The message being received on this connection (each connection has its own clone).
    current: Receiving,
    /// Greetings (HELO/EHLO) received: one per SMTP connection.
    greetings: Arc<AtomicUsize>,
}

impl mailin_embedded::Handler for Inbox {
    fn helo(&mut self, _ip: std::net::IpAddr, _domain: &str) -> Response {
        self.greetings.fetch_add(1, Ordering::SeqCst);
        response::OK
    }

    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = (from.to_owned(), to.to_vec(), Vec::new());
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.2.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let (from, to, data) = std::mem::take(&mut self.current);
        self.messages
            .lock()
            .unwrap()
            .push((from, to, String::from_utf8_lossy(&data).into_owned()));
        response::OK
    }
}

/// A real SMTP server on a free local port; returns its port and what it receives.
fn start_smtp_server(listener: TcpListener) -> Inbox {
    let inbox = Inbox::default();
    let mut server = mailin_embedded::Server::new(inbox.clone());
    server
        .with_name("chipin-test-smtp")
        .with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    inbox
}

#[tokio::test]
async fn queued_mail_is_delivered_over_smtp() {
    let app = spawn_app().await;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox = start_smtp_server(listener);
    let mailer = Mailer::smtp(&format!("smtp://127.0.0.1:{port}")).unwrap();

    let email = mail::templates::verify_email(
        "ann@example.org",
        app::i18n::Locale::En,
        "http://chipin.test/verify-email?token=abc",
    );
    mail::enqueue(app.state.db.pool(), &email).await.unwrap();
    let report = mail::drain_once(&app.state.db, &mailer, "Chipin <no-reply@chipin.test>")
        .await
        .unwrap();
    assert_eq!(report.sent, 1);

    let messages = inbox.messages.lock().unwrap().clone();
    let mine: Vec<_> = messages
        .iter()
        .filter(|m| m.1.iter().any(|t| t.contains("ann@example.org")))
        .collect();
    assert_eq!(mine.len(), 1);
    let (from, _, data) = mine[0];
    assert_eq!(from, "no-reply@chipin.test");
    assert!(
        data.contains("Subject: Confirm your Chipin account"),
        "{data}"
    );
    assert!(data.contains("multipart/alternative"));
    assert!(data.contains("text/plain") && data.contains("text/html"));
    let (sent_at,): (Option<i64>,) = sqlx::query_as("select sent_at from email_outbox")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert!(sent_at.is_some());
}

#[tokio::test]
async fn mail_waits_in_the_outbox_while_smtp_is_down_and_goes_out_later() {
    let app = spawn_app().await;
    // Reserve a port, then close it: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mailer = Mailer::smtp(&format!("smtp://127.0.0.1:{port}")).unwrap();
    let email = mail::templates::reset_password(
        "bea@example.org",
        app::i18n::Locale::En,
        Some("Bea"),
        "http://chipin.test/reset-password?token=x",
    );
    mail::enqueue(app.state.db.pool(), &email).await.unwrap();

    let report = mail::drain_once(&app.state.db, &mailer, "Chipin <no-reply@chipin.test>")
        .await
        .unwrap();
    assert_eq!((report.sent, report.failed), (0, 1));
    let (attempts, sent_at, error): (i64, Option<i64>, Option<String>) =
        sqlx::query_as("select attempts, sent_at, last_error from email_outbox")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!((attempts, sent_at), (1, None));
    assert!(error.is_some());
    // Not retried before its time.
    let report = mail::drain_once(&app.state.db, &mailer, "Chipin <no-reply@chipin.test>")
        .await
        .unwrap();
    assert_eq!((report.sent, report.failed), (0, 0));

    // The server comes up on that port; the retry is due.
    let inbox = start_smtp_server(TcpListener::bind(("127.0.0.1", port)).unwrap());
    sqlx::query("update email_outbox set next_attempt_at = 0")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let report = mail::drain_once(&app.state.db, &mailer, "Chipin <no-reply@chipin.test>")
        .await
        .unwrap();
    assert_eq!(report.sent, 1);
    assert_eq!(inbox.messages.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn without_smtp_the_worker_writes_eml_files() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app().await;
    let mailer = Mailer::Folder(dir.path().to_owned());
    let email = mail::templates::verify_email(
        "cat@example.org",
        app::i18n::Locale::En,
        "http://chipin.test/verify-email?token=t",
    );
    mail::enqueue(app.state.db.pool(), &email).await.unwrap();
    let report = mail::drain_once(&app.state.db, &mailer, "Chipin <no-reply@chipin.test>")
        .await
        .unwrap();
    assert_eq!(report.sent, 1);
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].extension().unwrap(), "eml");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.contains("Confirm your Chipin account"));
}

#[tokio::test]
async fn a_large_outbox_goes_out_once_each_over_one_reused_smtp_connection() {
    let app = spawn_app().await;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox = start_smtp_server(listener);
    let mailer = Mailer::smtp(&format!("smtp://127.0.0.1:{port}")).unwrap();
    // More than two batches, so claims, sends and marks repeat.
    let count = 2 * mail::BATCH_SIZE as usize + 37;
    for i in 0..count {
        let email = mail::templates::verify_email(
            &format!("reader{i}@example.org"),
            app::i18n::Locale::En,
            &format!("http://chipin.test/verify-email?token={i}"),
        );
        mail::enqueue(app.state.db.pool(), &email).await.unwrap();
    }

    // Two workers at once, as two instances would be: each message is claimed by one.
    let from = "Chipin <no-reply@chipin.test>";
    let (a, b) = tokio::join!(
        mail::drain_once(&app.state.db, &mailer, from),
        mail::drain_once(&app.state.db, &mailer, from)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.sent + b.sent, count as u64);
    assert_eq!(a.failed + b.failed, 0);
    assert_eq!(mail::backlog(&app.state.db).await.unwrap(), 0);
    // A later pass finds nothing to send again.
    let again = mail::drain_once(&app.state.db, &mailer, from)
        .await
        .unwrap();
    assert_eq!(again.sent, 0);

    let messages = inbox.messages.lock().unwrap().clone();
    assert_eq!(messages.len(), count, "every message arrives once");
    let mut recipients: Vec<String> = messages.iter().flat_map(|m| m.1.clone()).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), count, "no message arrives twice");
    // The mailer keeps one connection and both workers take turns on it.
    let connections = inbox.greetings.load(Ordering::SeqCst);
    assert_eq!(
        connections, 1,
        "{connections} SMTP connections for {count} messages"
    );
    let (marked,): (i64,) = sqlx::query_as(
        "select count(*) from email_outbox where sent_at is not null and attempts = 1",
    )
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(marked, count as i64);
}

#[tokio::test]
async fn a_worker_that_dies_between_sending_and_marking_leaves_only_its_batch_to_send_again() {
    let app = spawn_app().await;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let _inbox = start_smtp_server(listener);
    let mailer = Mailer::smtp(&format!("smtp://127.0.0.1:{port}")).unwrap();
    for i in 0..30 {
        let email = mail::templates::verify_email(
            &format!("r{i}@example.org"),
            app::i18n::Locale::En,
            "http://x.test/v",
        );
        mail::enqueue(app.state.db.pool(), &email).await.unwrap();
    }
    // A worker claims a batch of 10 and is killed before it marks anything: its claim is
    // what is left of it.
    let claimed = sqlx::query(
        "update email_outbox set next_attempt_at = next_attempt_at + $1 \
         where id in (select id from email_outbox order by id limit 10)",
    )
    .bind(mail::CLAIM_SECS)
    .execute(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(claimed.rows_affected(), 10);
    let report = mail::drain_once(&app.state.db, &mailer, "Chipin <no-reply@chipin.test>")
        .await
        .unwrap();
    assert_eq!(
        report.sent, 20,
        "the claimed batch waits for its claim to lapse"
    );
    assert_eq!(mail::backlog(&app.state.db).await.unwrap(), 10);
}
