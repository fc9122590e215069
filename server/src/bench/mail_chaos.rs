//! `server bench mail-chaos`: two outbox workers (separate processes of this binary) drain one
//! outbox while new messages keep arriving; one of them is killed with SIGKILL at a random
//! moment each round (claiming, writing messages, or between writing and the commit that
//! marks them sent) and started again. Then every message must have left at least once, and a
//! message may have left twice only because a killed worker had sent its batch and not yet
//! marked it: at most one batch per kill.
//!
//! Each worker is `server bench mail-worker …` (hidden from the help): [`mail::drain_batch`]
//! in a loop, the one the `serve` worker runs, writing `.eml` files to a shared folder, so the
//! folder says what "the mail server" received even from a process killed right after.

use super::{BenchError, dispose, fresh_database};
use app::domain::Db;
use app::domain::mail::{self, Mailer};
use app::domain::platform::clock::now;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

const FROM: &str = "Chipin <no-reply@chipin.example>";

/// The subject every chaos message carries, with its number.
const SUBJECT: &str = "Chaos message ";

/// `server bench mail-chaos`'s options.
#[derive(Debug, clap::Args)]
pub struct MailChaosBench {
    /// A PostgreSQL server (`postgres://user@host:port`) on which to create the bench
    /// database; without it, a new SQLite file in a temporary folder.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Workers to kill at work: rounds go on (1,000 new messages each) until this many were
    /// killed, or five times as many rounds passed.
    #[arg(long, default_value_t = 20)]
    pub rounds: u32,
    /// Messages queued before the first round (more arrive during the rounds).
    #[arg(long, default_value_t = 20_000)]
    pub messages: u64,
    /// Keep the database afterwards.
    #[arg(long)]
    pub keep_database: bool,
}

/// `server bench mail-worker`: one outbox worker process (started by the chaos bench).
#[derive(Debug, clap::Args)]
pub struct MailWorker {
    /// The database whose outbox to drain (already migrated).
    #[arg(long, value_name = "URL")]
    pub database_url: String,
    /// The folder to write messages to.
    #[arg(long, value_name = "PATH")]
    pub outbox: PathBuf,
}

/// What a mail chaos run did and found.
#[derive(Debug, Default)]
pub struct MailChaosReport {
    pub rounds: u32,
    pub kills: u32,
    pub queued: u64,
    pub received: u64,
    /// Messages received more than once, counting each extra copy.
    pub duplicates: u64,
    /// Files a killed worker left half-written (no subject yet): like an SMTP transaction cut
    /// before its end, not a delivery; the message stays unsent and goes again.
    pub cut_short: u64,
    /// Everything that went wrong; empty when every check passed.
    pub problems: Vec<String>,
}

/// Drains the outbox until nothing is due, then prints a `worker-summary` line.
pub async fn mail_worker(args: &MailWorker) -> Result<bool, BenchError> {
    sqlx::any::install_default_drivers();
    let db = Db::connect(&args.database_url, 4).await?;
    let mailer = Mailer::Folder(args.outbox.clone());
    let mut sent = 0;
    loop {
        let (report, claimed) = mail::drain_batch(&db, &mailer, FROM, mail::BATCH_SIZE)
            .await
            .map_err(BenchError::Results)?;
        sent += report.sent;
        if claimed == 0 {
            break;
        }
    }
    db.close().await;
    println!("worker-summary sent={sent}");
    Ok(true)
}

/// Runs the chaos rounds on a new database and prints what happened; the report's problems
/// are empty when every check passed.
pub async fn mail_chaos(
    args: &MailChaosBench,
    program: &Path,
) -> Result<MailChaosReport, BenchError> {
    let (db, place, shown, url) = fresh_database(args.database_url.as_deref()).await?;
    let outcome = rounds(&db, &url, &shown, args, program).await;
    dispose(db, place, args.keep_database).await;
    outcome
}

fn start(program: &Path, url: &str, outbox: &Path) -> Result<tokio::process::Child, BenchError> {
    tokio::process::Command::new(program)
        .args(["bench", "mail-worker", "--database-url", url, "--outbox"])
        .arg(outbox)
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(BenchError::Worker)
}

async fn rounds(
    db: &Db,
    url: &str,
    shown: &str,
    args: &MailChaosBench,
    program: &Path,
) -> Result<MailChaosReport, BenchError> {
    use rand::Rng as _;
    println!(
        "bench mail-chaos: {} rounds, {} messages queued first on {shown}, batches of {}",
        args.rounds,
        args.messages,
        mail::BATCH_SIZE
    );
    let folder = tempfile::Builder::new()
        .prefix("chipin-mail-chaos-")
        .tempdir()
        .map_err(BenchError::TempDir)?;
    let outbox = folder.path().to_owned();
    let started = Instant::now();
    let mut report = MailChaosReport::default();
    queue(db, 0, args.messages).await?;
    report.queued = args.messages;
    let mut workers = [start(program, url, &outbox)?, start(program, url, &outbox)?];
    // Rounds until `rounds` workers were killed at work (a worker may finish its queue before
    // its moment comes); at most five times as many.
    let mut round = 0;
    while report.kills < args.rounds && round < args.rounds * 5 {
        // New mail arrives while the workers drain.
        let arriving = 1_000;
        queue(db, report.queued, arriving).await?;
        report.queued += arriving;
        let victim = (round % 2) as usize;
        // A worker that finished its queue is started again so that there is work to cut.
        if workers[victim]
            .try_wait()
            .map_err(BenchError::Worker)?
            .is_some()
        {
            workers[victim] = start(program, url, &outbox)?;
        }
        let wait = rand::thread_rng().gen_range(10..250);
        tokio::time::sleep(Duration::from_millis(wait)).await;
        // Only a worker still at work counts as killed.
        if workers[victim]
            .try_wait()
            .map_err(BenchError::Worker)?
            .is_none()
        {
            workers[victim].start_kill().map_err(BenchError::Worker)?;
            workers[victim].wait().await.map_err(BenchError::Worker)?;
            report.kills += 1;
        }
        workers[victim] = start(program, url, &outbox)?;
        round += 1;
    }
    report.rounds = round;
    for w in &mut workers {
        w.wait().await.map_err(BenchError::Worker)?;
    }
    // A killed worker's claim keeps its batch for `mail::CLAIM_SECS`; move those claims'
    // expiry to now (as the clock would, ten minutes later) and let one worker finish.
    let expired = sqlx::query("update email_outbox set next_attempt_at = $1 where sent_at is null")
        .bind(now())
        .execute(db.pool())
        .await
        .map_err(BenchError::Results)?
        .rows_affected();
    let last = start(program, url, &outbox)?
        .wait()
        .await
        .map_err(BenchError::Worker)?;
    if !last.success() {
        report
            .problems
            .push(format!("the last worker failed ({last})"));
    }
    let wall = started.elapsed();
    check(db, &outbox, &mut report).await?;
    println!(
        "{} rounds, {} kills; {} messages queued, {} received ({} extra copies; at most {} allowed; \
         {} files cut short by a kill), {expired} claims left by killed workers expired and \
         resent; {:.1} s",
        report.rounds,
        report.kills,
        report.queued,
        report.received,
        report.duplicates,
        u64::from(report.kills) * mail::BATCH_SIZE as u64,
        report.cut_short,
        wall.as_secs_f64()
    );
    if report.problems.is_empty() {
        println!("every check passed");
    } else {
        for p in &report.problems {
            println!("PROBLEM: {p}");
        }
    }
    Ok(report)
}

/// Queues messages `first..first + count`, fifty to a statement.
async fn queue(db: &Db, first: u64, count: u64) -> Result<(), BenchError> {
    let at = now();
    let mut n = first;
    while n < first + count {
        let rows = 50.min(first + count - n);
        let values: Vec<String> = (0..rows)
            .map(|r| {
                let b = r * 3;
                format!("(${}, ${}, ${}, '', $1, $1)", b + 2, b + 3, b + 4)
            })
            .collect();
        let sql = format!(
            "insert into email_outbox (to_address, subject, body_text, body_html, created_at, next_attempt_at) values {}",
            values.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(at);
        for i in n..n + rows {
            q = q
                .bind(format!("reader{i}@example.org"))
                .bind(format!("{SUBJECT}{i}"))
                .bind(format!("Message number {i}."));
        }
        q.execute(db.pool()).await.map_err(BenchError::Population)?;
        n += rows;
    }
    Ok(())
}

/// Every queued message was marked sent and received at least once; no message was received
/// that was never queued; extra copies are at most one batch per kill.
async fn check(db: &Db, outbox: &Path, report: &mut MailChaosReport) -> Result<(), BenchError> {
    let (unsent,): (i64,) =
        sqlx::query_as("select count(*) from email_outbox where sent_at is null")
            .fetch_one(db.pool())
            .await
            .map_err(BenchError::Results)?;
    if unsent > 0 {
        report
            .problems
            .push(format!("{unsent} messages are still unsent"));
    }
    let mut copies: HashMap<u64, u64> = HashMap::new();
    for entry in std::fs::read_dir(outbox).map_err(BenchError::Worker)? {
        let path = entry.map_err(BenchError::Worker)?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("eml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(BenchError::Worker)?;
        let number = text
            .lines()
            .find_map(|l| l.strip_prefix("Subject: "))
            .and_then(|s| s.trim().strip_prefix(SUBJECT))
            .and_then(|n| n.parse::<u64>().ok());
        let complete = text.contains("\r\n\r\n") && text.contains("Message number");
        match number {
            Some(n) if n < report.queued && complete => {
                *copies.entry(n).or_default() += 1;
                report.received += 1;
            }
            Some(n) if n >= report.queued => report
                .problems
                .push(format!("{} is not a queued message", path.display())),
            _ => report.cut_short += 1,
        }
    }
    let missing = (0..report.queued)
        .filter(|n| !copies.contains_key(n))
        .count();
    if missing > 0 {
        report
            .problems
            .push(format!("{missing} queued messages never arrived"));
    }
    report.duplicates = copies.values().map(|c| c - 1).sum();
    let allowed = u64::from(report.kills) * mail::BATCH_SIZE as u64;
    if report.duplicates > allowed {
        report.problems.push(format!(
            "{} extra copies, more than one batch per kill ({allowed})",
            report.duplicates
        ));
    }
    Ok(())
}
