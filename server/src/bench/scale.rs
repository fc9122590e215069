//! Several schedulers on one database, as separate processes of this binary: the
//! `--instances N` billing bench, and `server bench chaos`, which kills one of two
//! schedulers at chosen moments while tips and pledge changes keep arriving, then checks
//! that nothing was lost and nothing doubled.
//!
//! Each scheduler is `server bench billing-worker …` (hidden from the help): one real
//! [`billing::run`] against the simulated processor, which appends every call it answers to
//! a call log shared by the processes, so the log says what "the processor" did even for a
//! process killed right after a call.

use super::{BenchError, build_population, dispose, fresh_database, random_letters};
use crate::cli::ledger::ledger_check_report;
use app::domain::Db;
use app::domain::billing::{self, BillingConfig, Pause, PausePoint};
use app::domain::processors::simulated::{SimulatedProcessor, read_call_log};
use chrono::{Datelike as _, NaiveDate};
use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt as _, BufReader};

/// Where a chaos round holds the scheduler it is about to kill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PauseArg {
    /// A gather batch written, not committed.
    Gather,
    /// Processor calls answered, outcomes not settled.
    AfterCalls,
    /// A batch of outcomes settled, not committed.
    Settle,
}

impl From<PauseArg> for PausePoint {
    fn from(p: PauseArg) -> Self {
        match p {
            PauseArg::Gather => PausePoint::Gather,
            PauseArg::AfterCalls => PausePoint::AfterProcessorCalls,
            PauseArg::Settle => PausePoint::Settle,
        }
    }
}

impl PauseArg {
    fn flag(self) -> &'static str {
        match self {
            PauseArg::Gather => "gather",
            PauseArg::AfterCalls => "after-calls",
            PauseArg::Settle => "settle",
        }
    }
}

/// `server bench billing-worker`: one scheduler process (started by the benches).
#[derive(Debug, clap::Args)]
pub struct BillingWorker {
    /// The database to bill (already migrated).
    #[arg(long, value_name = "URL")]
    pub database_url: String,
    /// The day the run is for.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: NaiveDate,
    /// Supporters or charges per transaction.
    #[arg(long, default_value_t = 5000)]
    pub batch_size: usize,
    /// Claim lease, in seconds (the scheduler's default otherwise).
    #[arg(long)]
    pub lease_secs: Option<i64>,
    /// Append every processor call to this file.
    #[arg(long, value_name = "PATH")]
    pub call_log: Option<PathBuf>,
    /// Announce `worker-paused` on standard output at this point and wait there.
    #[arg(long, value_enum)]
    pub pause_at: Option<PauseArg>,
}

fn announce(point: PausePoint) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "worker-paused {point:?}");
    let _ = out.flush();
}

/// Runs one billing cycle as a worker process and prints a `worker-summary` line.
pub async fn billing_worker(args: &BillingWorker) -> Result<bool, BenchError> {
    sqlx::any::install_default_drivers();
    let db = Db::connect(&args.database_url, 8).await?;
    let mut processor = SimulatedProcessor::new();
    if let Some(path) = &args.call_log {
        processor = processor.with_call_log(path).map_err(BenchError::CallLog)?;
    }
    let mut config = BillingConfig {
        batch_size: args.batch_size.max(1),
        ..BillingConfig::default()
    };
    if let Some(lease) = args.lease_secs {
        config.claim_lease_secs = lease;
    }
    config.pause = args.pause_at.map(|p| Pause {
        at: p.into(),
        hold: Duration::from_secs(3600),
        announce,
    });
    let started = Instant::now();
    let summary = billing::run(&db, &processor, &config, args.as_of, &|_| {}).await;
    db.close().await;
    let s = summary?;
    println!(
        "worker-summary seconds={:.3} supporters_due={} charges_created={} charges_succeeded={} \
         items_charged={} charges_unreachable={} leased_elsewhere={} leased_until={} calls={}",
        started.elapsed().as_secs_f64(),
        s.supporters_due,
        s.charges_created,
        s.charges_succeeded,
        s.items_charged,
        s.charges_unreachable,
        s.charges_leased_elsewhere,
        s.leased_until.unwrap_or(0),
        processor.calls().len()
    );
    Ok(true)
}

/// A scheduler process started by a bench.
pub(super) struct Worker {
    child: tokio::process::Child,
    lines: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
}

/// What a worker printed at the end.
pub(super) type WorkerSummary = HashMap<String, f64>;

pub(super) fn start_worker(
    program: &Path,
    url: &str,
    as_of: NaiveDate,
    extra: &[String],
) -> Result<Worker, BenchError> {
    let mut child = tokio::process::Command::new(program)
        .args(["bench", "billing-worker", "--database-url", url, "--as-of"])
        .arg(as_of.to_string())
        .args(extra)
        .env("RUST_LOG", "warn,sqlx=error")
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| BenchError::Scheduler(format!("{}: {e}", program.display())))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| BenchError::Scheduler("no standard output".to_owned()))?;
    Ok(Worker {
        child,
        lines: BufReader::new(stdout).lines(),
    })
}

impl Worker {
    /// Waits for the `worker-paused` line; false if the run ended without pausing.
    async fn paused(&mut self, summary: &mut Option<WorkerSummary>) -> Result<bool, BenchError> {
        while let Some(line) = self.lines.next_line().await.map_err(BenchError::Worker)? {
            if line.starts_with("worker-paused") {
                return Ok(true);
            }
            if let Some(s) = parse_summary(&line) {
                *summary = Some(s);
            }
        }
        Ok(false)
    }

    /// Waits for the process to end and returns its summary.
    pub(super) async fn finish(mut self) -> Result<WorkerSummary, BenchError> {
        let mut summary = None;
        while let Some(line) = self.lines.next_line().await.map_err(BenchError::Worker)? {
            if let Some(s) = parse_summary(&line) {
                summary = Some(s);
            }
        }
        let status = self.child.wait().await.map_err(BenchError::Worker)?;
        match summary {
            Some(s) if status.success() => Ok(s),
            _ => Err(BenchError::Scheduler(format!(
                "a scheduler process failed ({status})"
            ))),
        }
    }

    /// SIGKILL: no chance to commit, roll back or release anything.
    async fn kill(mut self) -> Result<(), BenchError> {
        self.child.start_kill().map_err(BenchError::Worker)?;
        self.child.wait().await.map_err(BenchError::Worker)?;
        Ok(())
    }
}

fn parse_summary(line: &str) -> Option<WorkerSummary> {
    let rest = line.strip_prefix("worker-summary ")?;
    Some(
        rest.split_whitespace()
            .filter_map(|kv| kv.split_once('='))
            .filter_map(|(k, v)| Some((k.to_owned(), v.parse().ok()?)))
            .collect(),
    )
}

pub(super) fn get(s: &WorkerSummary, key: &str) -> u64 {
    s.get(key).copied().unwrap_or_default() as u64
}

/// `--instances N` of the billing bench: N scheduler processes on the bench database at
/// once; prints the wall time and what each did, then checks every supporter was charged
/// exactly once. Returns whether the checks passed.
pub async fn billing_instances(
    db: &Db,
    url: &str,
    instances: u32,
    supporters: u64,
    as_of: NaiveDate,
) -> Result<bool, BenchError> {
    let program = std::env::current_exe().map_err(BenchError::Worker)?;
    let started = Instant::now();
    let workers = (0..instances)
        .map(|_| start_worker(&program, url, as_of, &[]))
        .collect::<Result<Vec<_>, _>>()?;
    // The processes run at once; their summaries are read as each ends.
    let mut summaries = Vec::with_capacity(workers.len());
    for worker in workers {
        summaries.push(worker.finish().await?);
    }
    let wall = started.elapsed();
    let succeeded: u64 = summaries.iter().map(|s| get(s, "charges_succeeded")).sum();
    let items: u64 = summaries.iter().map(|s| get(s, "items_charged")).sum();
    println!(
        "billing run: {instances} scheduler processes, {:.2} s wall, {} charges succeeded, {} items charged ({:.0} items/s)",
        wall.as_secs_f64(),
        succeeded,
        items,
        items as f64 / wall.as_secs_f64().max(1e-9)
    );
    for (i, s) in summaries.iter().enumerate() {
        println!(
            "  process {}: {:.2} s, {} supporters gathered, {} charges created, {} succeeded, {} items, {} leased elsewhere at its end",
            i + 1,
            s.get("seconds").copied().unwrap_or_default(),
            get(s, "supporters_due"),
            get(s, "charges_created"),
            get(s, "charges_succeeded"),
            get(s, "items_charged"),
            get(s, "leased_elsewhere"),
        );
    }
    let problems = verify(db, None).await?;
    let (charged,): (i64,) = sqlx::query_as(
        "select count(distinct supporter_id) from charges where status = 'succeeded'",
    )
    .fetch_one(db.pool())
    .await
    .map_err(BenchError::Results)?;
    let mut ok = problems.is_empty();
    for p in &problems {
        println!("  PROBLEM: {p}");
    }
    if charged as u64 != supporters {
        println!("  PROBLEM: {charged} of {supporters} supporters were charged");
        ok = false;
    } else {
        println!("  every one of the {supporters} supporters charged exactly once");
    }
    Ok(ok)
}

/// Checks a database after schedulers ran (and were killed) on it: each supporter-cycle
/// charged at most once, every item in exactly one settled charge or still open, and — with
/// a call log — the processor's calls agree with the charges and the ledger. Returns what is
/// wrong (empty: nothing).
pub async fn verify(db: &Db, call_log: Option<&Path>) -> Result<Vec<String>, BenchError> {
    let mut problems = Vec::new();
    let q = |sql: &'static str| {
        let pool = db.pool().clone();
        async move {
            sqlx::query_as::<_, (i64,)>(sql)
                .fetch_one(&pool)
                .await
                .map(|(n,)| n)
                .map_err(BenchError::Results)
        }
    };
    let doubled = q(
        "select count(*) from (select supporter_id from charges where status = 'succeeded' \
         group by supporter_id, currency, cycle having count(*) > 1) as d",
    )
    .await?;
    if doubled > 0 {
        problems.push(format!(
            "{doubled} supporter-cycles have more than one successful charge"
        ));
    }
    let misplaced = q("select count(*) from donation_items i left join charges c on c.id = i.charge_id \
         where not ((i.status in ('paid', 'refunded') and c.status = 'succeeded') \
                 or (i.status = 'charging' and c.status in ('pending', 'processing', 'requires_action')) \
                 or (i.status = 'pending' and i.charge_id is null) \
                 or i.status = 'voided')")
    .await?;
    if misplaced > 0 {
        problems.push(format!(
            "{misplaced} items are neither in one settled charge nor open"
        ));
    }
    let allocated_twice = q("select count(*) from (select item_id from allocations group by item_id having count(*) > 1) as d")
        .await?;
    if allocated_twice > 0 {
        problems.push(format!(
            "{allocated_twice} items were allocated more than once"
        ));
    }
    let paid_unallocated = q("select count(*) from donation_items i where i.status = 'paid' \
         and not exists (select 1 from allocations a where a.item_id = i.id and a.charge_id = i.charge_id)")
    .await?;
    if paid_unallocated > 0 {
        problems.push(format!("{paid_unallocated} paid items have no allocation"));
    }
    let mismatched = q(
        "select count(*) from charges c where c.status = 'succeeded' and c.amount_minor <> \
         (select coalesce(sum(a.gross_minor), 0) from allocations a where a.charge_id = c.id)",
    )
    .await?;
    if mismatched > 0 {
        problems.push(format!(
            "{mismatched} successful charges differ from the items they settled"
        ));
    }

    if let Some(path) = call_log {
        let calls = read_call_log(path).map_err(BenchError::CallLog)?;
        // What a real processor would have taken: one payment per idempotency key.
        let mut by_key: HashMap<&str, (i64, &str)> = HashMap::new();
        for c in &calls {
            match by_key.get(c.key.as_str()) {
                Some(&(amount, _)) if amount != c.amount_minor => problems.push(format!(
                    "key {} was sent with two amounts ({amount} and {})",
                    c.key, c.amount_minor
                )),
                Some(_) => {}
                None => {
                    by_key.insert(&c.key, (c.amount_minor, &c.outcome));
                }
            }
        }
        let rows: Vec<(String, String, i64)> =
            sqlx::query_as("select idempotency_key, status, amount_minor from charges")
                .fetch_all(db.pool())
                .await
                .map_err(BenchError::Results)?;
        let charges: HashMap<&str, (&str, i64)> = rows
            .iter()
            .map(|(k, s, a)| (k.as_str(), (s.as_str(), *a)))
            .collect();
        let mut taken = 0i64;
        let mut per_cycle: HashSet<String> = HashSet::new();
        for (key, (amount, outcome)) in &by_key {
            if *outcome != "succeeded" {
                continue;
            }
            taken += amount;
            // chipin-charge-{supporter}-{currency}-{cycle}-{attempt}: one payment per cycle.
            let cycle = key.rsplit_once('-').map_or(*key, |(head, _)| head);
            if !per_cycle.insert(cycle.to_owned()) {
                problems.push(format!("the processor took two payments for {cycle}"));
            }
            match charges.get(key) {
                Some(&("succeeded", a)) if a == *amount => {}
                other => problems.push(format!(
                    "the processor took {amount} with key {key} but the charge is {other:?}"
                )),
            }
        }
        for (key, (status, _)) in &charges {
            if *status == "succeeded" && !by_key.contains_key(key) {
                problems.push(format!("charge {key} succeeded without a processor call"));
            }
        }
        let (paid,): (Option<i64>,) = sqlx::query_as(
            "select cast(-sum(amount_minor) as bigint) from journal_lines where account = 'supporter_payments'",
        )
        .fetch_one(db.pool())
        .await
        .map_err(BenchError::Results)?;
        if paid.unwrap_or(0) != taken {
            problems.push(format!(
                "the processor took {taken} but the ledger records {} from supporters",
                paid.unwrap_or(0)
            ));
        }
    }

    let (report, ok) = ledger_check_report(db).await.map_err(BenchError::Results)?;
    if !ok {
        problems.push(report);
    }
    Ok(problems)
}

/// `server bench chaos`'s options.
#[derive(Clone, Debug, clap::Args)]
pub struct ChaosBench {
    /// A PostgreSQL server (`postgres://user@host:port`) on which to create a new database.
    #[arg(long, value_name = "URL")]
    pub database_url: String,
    /// Rounds: each bills a new month with two schedulers and kills one of them.
    #[arg(long, default_value_t = 20)]
    pub rounds: u32,
    /// Supporters in the population.
    #[arg(long, default_value_t = 2_000)]
    pub supporters: u64,
    /// Pledges and tips per supporter at the start.
    #[arg(long, default_value_t = 3)]
    pub items_per_supporter: u64,
    /// Supporters or charges per transaction in the schedulers (small: many batches).
    #[arg(long, default_value_t = 100)]
    pub batch_size: usize,
    /// The schedulers' claim lease, in seconds.
    #[arg(long, default_value_t = 2)]
    pub lease_secs: i64,
    /// Keep the database afterwards.
    #[arg(long)]
    pub keep_database: bool,
}

/// What a chaos run did and found.
#[derive(Debug, Default)]
pub struct ChaosReport {
    pub rounds: u32,
    pub kills: HashMap<&'static str, u32>,
    pub tips: u64,
    pub pledge_changes: u64,
    pub charges_succeeded: i64,
    pub processor_calls: usize,
    pub repeated_calls: usize,
    pub leased_elsewhere_reports: u64,
    pub problems: Vec<String>,
}

/// Runs the chaos bench with scheduler processes of `program` and prints what happened.
pub async fn chaos(args: &ChaosBench, program: &Path) -> Result<ChaosReport, BenchError> {
    let (db, place, shown, url) = fresh_database(Some(&args.database_url)).await?;
    let outcome = chaos_on(&db, &url, &shown, args, program).await;
    dispose(db, place, args.keep_database).await;
    outcome
}

async fn chaos_on(
    db: &Db,
    url: &str,
    shown: &str,
    args: &ChaosBench,
    program: &Path,
) -> Result<ChaosReport, BenchError> {
    use rand::Rng as _;
    println!(
        "bench chaos: {} rounds, {} supporters x {} items on {shown}, batches of {}, lease {} s",
        args.rounds, args.supporters, args.items_per_supporter, args.batch_size, args.lease_secs
    );
    build_population(db, args.supporters, args.items_per_supporter)
        .await
        .map_err(BenchError::Population)?;
    let dir = tempfile::Builder::new()
        .prefix("chipin-chaos-")
        .tempdir()
        .map_err(BenchError::TempDir)?;
    let log = dir.path().join(format!("calls-{}.log", random_letters(6)));
    let common = vec![
        "--batch-size".to_owned(),
        args.batch_size.to_string(),
        "--lease-secs".to_owned(),
        args.lease_secs.to_string(),
        "--call-log".to_owned(),
        log.display().to_string(),
    ];
    let started = Instant::now();

    // Tips and pledge changes keep arriving while the schedulers run.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let traffic = tokio::spawn(traffic(db.clone(), stopped));

    let mut report = ChaosReport {
        rounds: args.rounds,
        ..ChaosReport::default()
    };
    let first = chrono::Utc::now()
        .date_naive()
        .with_day(1)
        .unwrap_or_default();
    let points = [PauseArg::Gather, PauseArg::AfterCalls, PauseArg::Settle];
    // Every point in turn from a random start, so any three rounds cover all three.
    let offset = rand::thread_rng().gen_range(0..points.len());
    for round in 0..args.rounds {
        let as_of = first
            .checked_add_months(chrono::Months::new(round))
            .unwrap_or(first);
        let point = points[(offset + round as usize) % points.len()];
        let mut extra = common.clone();
        extra.extend(["--pause-at".to_owned(), point.flag().to_owned()]);
        let mut victim = start_worker(program, url, as_of, &extra)?;
        let mut early = None;
        let paused = tokio::time::timeout(Duration::from_secs(120), victim.paused(&mut early))
            .await
            .map_err(|_| {
                BenchError::Scheduler("a scheduler never reached its pause".to_owned())
            })??;
        // The other scheduler works while the first is held at its point.
        let other = start_worker(program, url, as_of, &common)?;
        let what = if paused {
            let wait = rand::thread_rng().gen_range(0..300);
            tokio::time::sleep(Duration::from_millis(wait)).await;
            victim.kill().await?;
            *report.kills.entry(point.flag()).or_default() += 1;
            "killed"
        } else {
            victim.finish().await.ok();
            "finished before its pause"
        };
        // Restarted at once: whatever the killed one held is leased for a moment more.
        let restarted = start_worker(program, url, as_of, &common)?;
        let (a, b) = tokio::try_join!(restarted.finish(), other.finish())?;
        report.leased_elsewhere_reports +=
            get(&a, "leased_elsewhere") + get(&b, "leased_elsewhere");
        let settle_runs = settle_up(db, program, url, as_of, &common).await?;
        println!(
            "round {:>2} ({as_of}): scheduler at {:<11} {what}; restarted one reported {} charges leased elsewhere; {} more runs to finish the cycle",
            round + 1,
            point.flag(),
            get(&a, "leased_elsewhere"),
            settle_runs
        );
    }
    let _ = stop.send(true);
    let (tips, changes) = traffic.await.unwrap_or((0, 0));
    report.tips = tips;
    report.pledge_changes = changes;
    let calls = read_call_log(&log).map_err(BenchError::CallLog)?;
    report.processor_calls = calls.len();
    let distinct: HashSet<&str> = calls.iter().map(|c| c.key.as_str()).collect();
    report.repeated_calls = calls.len() - distinct.len();
    let (succeeded,): (i64,) =
        sqlx::query_as("select count(*) from charges where status = 'succeeded'")
            .fetch_one(db.pool())
            .await
            .map_err(BenchError::Results)?;
    report.charges_succeeded = succeeded;
    let (pending,): (i64,) =
        sqlx::query_as("select count(*) from charges where status = 'pending'")
            .fetch_one(db.pool())
            .await
            .map_err(BenchError::Results)?;
    report.problems = verify(db, Some(&log)).await?;
    if pending > 0 {
        report.problems.push(format!(
            "{pending} charges are still pending after the last run"
        ));
    }
    let kills: Vec<String> = points
        .iter()
        .map(|p| format!("{} {}", p.flag(), report.kills.get(p.flag()).unwrap_or(&0)))
        .collect();
    println!(
        "chaos: {} rounds in {:.1} s; killed with SIGKILL: {} ({}); {} tips and {} pledge changes arrived meanwhile",
        report.rounds,
        started.elapsed().as_secs_f64(),
        report.kills.values().sum::<u32>(),
        kills.join(", "),
        report.tips,
        report.pledge_changes
    );
    println!(
        "  {} charges succeeded; {} processor calls, {} of them repeats of a key already sent (answered from the processor's idempotency, not charged again); {} charges reported leased by another run",
        report.charges_succeeded,
        report.processor_calls,
        report.repeated_calls,
        report.leased_elsewhere_reports
    );
    if report.problems.is_empty() {
        println!(
            "  checks passed: each supporter-cycle charged once, every item in one settled charge or still open, the processor's call log agrees with the charges and the ledger, ledger check clean"
        );
    }
    for p in &report.problems {
        println!("  PROBLEM: {p}");
    }
    Ok(report)
}

/// Runs quiet schedulers for `as_of` until none of its charges is pending, waiting out the
/// leases a killed scheduler left; how many runs that took.
async fn settle_up(
    db: &Db,
    program: &Path,
    url: &str,
    as_of: NaiveDate,
    common: &[String],
) -> Result<u32, BenchError> {
    let cycle = billing::cycle_of(as_of);
    for runs in 0..20 {
        let (pending, until): (i64, Option<i64>) = sqlx::query_as(
            "select count(*), max(claimed_until) from charges where status = 'pending' and cycle = $1",
        )
        .bind(&cycle)
        .fetch_one(db.pool())
        .await
        .map_err(BenchError::Results)?;
        if pending == 0 {
            return Ok(runs);
        }
        let wait = until.map_or(0, |u| u - app::domain::platform::clock::now());
        if wait >= 0 {
            tokio::time::sleep(Duration::from_millis(wait as u64 * 1000 + 1100)).await;
        }
        start_worker(program, url, as_of, common)?.finish().await?;
    }
    Err(BenchError::Scheduler(format!(
        "charges of {cycle} still pending after 20 runs"
    )))
}

/// Tips (with their pending items) and pledge changes from random supporters, one
/// transaction each, until `stop`; how many of each.
async fn traffic(db: Db, mut stop: tokio::sync::watch::Receiver<bool>) -> (u64, u64) {
    use rand::Rng as _;
    let supporters: Vec<(i64,)> = sqlx::query_as("select user_id from billing_profiles")
        .fetch_all(db.pool())
        .await
        .unwrap_or_default();
    let recipients: Vec<(i64,)> = sqlx::query_as("select id from recipients")
        .fetch_all(db.pool())
        .await
        .unwrap_or_default();
    if supporters.is_empty() || recipients.is_empty() {
        return (0, 0);
    }
    let (mut tips, mut changes) = (0u64, 0u64);
    loop {
        if *stop.borrow() {
            break;
        }
        let (supporter, recipient, amount, kind) = {
            let mut rng = rand::thread_rng();
            (
                supporters[rng.gen_range(0..supporters.len())].0,
                recipients[rng.gen_range(0..recipients.len())].0,
                rng.gen_range(50..500i64),
                rng.gen_range(0..4u8),
            )
        };
        let done = match kind {
            0 | 1 => tip(&db, supporter, recipient, amount).await.map(|()| tips += 1),
            2 => sqlx::query(
                "update pledges set amount_minor = $1, updated_at = $2 where id = \
                 (select id from pledges where supporter_id = $3 and status = 'active' order by id limit 1)",
            )
            .bind(amount)
            .bind(app::domain::platform::clock::now())
            .bind(supporter)
            .execute(db.pool())
            .await
            .map(|_| changes += 1),
            _ => sqlx::query(
                "update pledges set status = case when status = 'active' then 'cancelled' else status end, \
                 updated_at = $1 where id = \
                 (select id from pledges where supporter_id = $2 and status = 'active' order by id desc limit 1)",
            )
            .bind(app::domain::platform::clock::now())
            .bind(supporter)
            .execute(db.pool())
            .await
            .map(|_| changes += 1),
        };
        if let Err(e) = done {
            tracing::warn!(error = %e, "chaos traffic: a write failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(5)) => {}
            _ = stop.changed() => break,
        }
    }
    (tips, changes)
}

/// A tip and its pending donation item, in one transaction.
async fn tip(db: &Db, supporter: i64, recipient: i64, amount: i64) -> Result<(), sqlx::Error> {
    let at = app::domain::platform::clock::now();
    let mut tx = db.begin_write().await?;
    let (id,): (i64,) = sqlx::query_as(
        "insert into tips (supporter_id, recipient_id, amount_minor, currency, message, visibility, created_at) \
         values ($1, $2, $3, 'USD', '', 'public', $4) returning id",
    )
    .bind(supporter)
    .bind(recipient)
    .bind(amount)
    .bind(at)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "insert into donation_items (supporter_id, recipient_id, currency, gross_minor, tip_id, status, created_at) \
         values ($1, $2, 'USD', $3, $4, 'pending', $5)",
    )
    .bind(supporter)
    .bind(recipient)
    .bind(amount)
    .bind(id)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}
