//! `server bench mail`: how long the outbox worker takes to send a large queue of receipts,
//! to the outbox folder or to an SMTP server, a batch at a time as `serve` does.

use super::{BenchError, dispose, fresh_database};
use app::domain::mail::templates::{self, ReceiptLine};
use app::domain::mail::{self, Mailer};
use app::domain::platform::clock::now;
use app::i18n::Locale;
use app::money::{Currency, Money};
use std::time::Instant;

/// `server bench mail`'s options.
#[derive(Debug, clap::Args)]
pub struct MailBench {
    /// Receipts queued in the outbox before the clock starts.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub count: u64,
    /// Send to this SMTP server (e.g. `smtp://127.0.0.1:2525`); without it, `.eml` files are
    /// written to a temporary folder.
    #[arg(long, value_name = "URL")]
    pub smtp: Option<String>,
    /// A PostgreSQL server (`postgres://user@host:port`) on which to create the bench
    /// database; without it, a new SQLite file in a temporary folder.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

/// Queues `count` receipts, drains them, and prints the time; the result says whether every
/// one was marked sent.
pub async fn mail(args: &MailBench) -> Result<bool, BenchError> {
    let (db, place, shown, _) = fresh_database(args.database_url.as_deref()).await?;
    let folder = tempfile::Builder::new()
        .prefix("chipin-bench-outbox-")
        .tempdir()
        .map_err(BenchError::TempDir)?;
    let mailer = match &args.smtp {
        Some(url) => Mailer::smtp(url).map_err(|e| BenchError::Start(e.to_string()))?,
        None => Mailer::Folder(folder.path().to_owned()),
    };
    let target = args.smtp.as_deref().map_or_else(
        || format!("folder {}", folder.path().display()),
        str::to_owned,
    );
    println!(
        "bench mail: {} receipts from {shown} to {target}, batches of {}",
        args.count,
        mail::BATCH_SIZE
    );
    let outcome = async {
        let queued = Instant::now();
        queue_receipts(&db, args.count).await?;
        println!(
            "queued {} receipts in {:.2} s",
            args.count,
            queued.elapsed().as_secs_f64()
        );
        let started = Instant::now();
        let report = mail::drain_once(&db, &mailer, "Chipin <no-reply@chipin.example>")
            .await
            .map_err(BenchError::Results)?;
        let wall = started.elapsed();
        let left = mail::backlog(&db).await.map_err(BenchError::Results)?;
        println!(
            "drained: {} sent, {} failed, {left} left in {:.2} s ({:.0} messages/s)",
            report.sent,
            report.failed,
            wall.as_secs_f64(),
            report.sent as f64 / wall.as_secs_f64().max(1e-9)
        );
        Ok::<_, BenchError>(report.sent == args.count && left == 0)
    }
    .await;
    dispose(db, place, false).await;
    outcome
}

/// Fills the outbox with `count` copies of a typical three-donation receipt, in multi-row
/// inserts (the worker, not the queueing, is what is measured).
async fn queue_receipts(db: &app::domain::Db, count: u64) -> Result<(), BenchError> {
    let usd = |cents: i64| Money::new(cents, Currency::USD);
    let lines: Vec<ReceiptLine> = (1..=3)
        .map(|i| ReceiptLine {
            recipient: format!("Creator {i}"),
            period: Some("2026-12".to_owned()),
            budget_line: None,
            gross: usd(200),
            fee: usd(16),
            platform_fee: usd(0),
            net: usd(184),
            link: format!("https://chipin.example/trail/{i}"),
        })
        .collect();
    let at = now();
    const ROWS: u64 = 50;
    let mut n = 0;
    while n < count {
        let rows = ROWS.min(count - n);
        let mut tx = db.pool().begin().await.map_err(BenchError::Population)?;
        let values: Vec<String> = (0..rows)
            .map(|r| {
                let b = r * 4;
                format!("(${}, ${}, ${}, ${}, $1, $1)", b + 2, b + 3, b + 4, b + 5)
            })
            .collect();
        let sql = format!(
            "insert into email_outbox (to_address, subject, body_text, body_html, created_at, next_attempt_at) values {}",
            values.join(", ")
        );
        let emails: Vec<_> = (n..n + rows)
            .map(|i| {
                templates::charge_receipt(
                    &format!("supporter{i}@example.org"),
                    Locale::En,
                    &format!("Supporter {i}"),
                    i64::try_from(i).unwrap_or(i64::MAX),
                    usd(600),
                    usd(47),
                    &lines,
                )
            })
            .collect();
        let mut q = sqlx::query(&sql).bind(at);
        for e in &emails {
            q = q
                .bind(e.to.as_str())
                .bind(e.subject.as_str())
                .bind(e.text.as_str())
                .bind(e.html.as_str());
        }
        q.execute(&mut *tx).await.map_err(BenchError::Population)?;
        tx.commit().await.map_err(BenchError::Population)?;
        n += rows;
    }
    Ok(())
}
