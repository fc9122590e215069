//! `server bench billing`: how fast one billing cycle runs over a large synthetic population,
//! where the time goes, and what consolidating a supporter's month into one charge saves in
//! processor fees compared with charging every pledge and tip on its own.
//!
//! The population is written straight into a fresh database with multi-row and set-based
//! inserts (going through `pledges::create_pledge` a million times would measure the wrong
//! thing); the run itself is the real [`billing::run`] against the simulated processor.

use crate::cli::billing::{format_summary, progress_bar, show_progress};
use crate::cli::ledger::ledger_check_report;
use app::domain::Db;
use app::domain::billing::{self, BillingConfig, BillingError, Progress, RunSummary};
use app::domain::platform::clock::now;
use app::domain::platform::db::{Backend, DbError};
use app::domain::processors::FeeSchedule;
use app::domain::processors::simulated::{SimulatedProcessor, methods};
use app::money::{Currency, Money};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub mod mail;
pub mod mail_chaos;
pub mod scale;
pub mod web;

/// Recipients in the population (more when a supporter gives to more than this many).
pub const RECIPIENTS: u64 = 1_000;

/// The average item, in minor units of USD.
pub const AVERAGE_ITEM_MINOR: i64 = 200;

/// Bind parameters per multi-row statement. SQLite looks each `$N` up by name in a linear
/// list (`sqlite3_bind_parameter_name`), so binding costs grow with the square of their
/// number: 60,000 pledge rows take 8.6 s in statements of 30,000 binds, 0.4 s at 1,000 and
/// 0.25 s at 300. PostgreSQL binds by position; there 1,000 to 3,000 binds beat 30,000
/// (200,000 pledge rows: 1.8 s against 2.4 s).
fn max_binds(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 300,
        Backend::Postgres => 3_000,
    }
}

/// `server bench billing`'s options.
#[derive(Debug, clap::Args)]
pub struct BillingBench {
    /// Supporters in the synthetic population, all due on the 1st of the month.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub supporters: u64,
    /// Pledges and tips per supporter, each to a different recipient, averaging $2.00.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000))]
    pub items_per_supporter: u64,
    /// Simulated processor round trip per charge, in milliseconds.
    #[arg(long, value_name = "MS")]
    pub latency_ms: Option<u64>,
    /// Simulated processor rate limit, in charges per second.
    #[arg(long, value_name = "PER_SEC", value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_limit: Option<u32>,
    /// A PostgreSQL server (`postgres://user@host:port`) on which to create a new database
    /// `chipin_bench_…`; without it, a new SQLite file in a temporary folder.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Keep the bench database afterwards (its location is printed).
    #[arg(long)]
    pub keep_database: bool,
    /// Run the cycle in this many scheduler processes at once (separate processes of this
    /// binary on the one database) instead of inside the bench, then check that every
    /// supporter was charged exactly once.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub instances: Option<u32>,
}

/// Why the benchmark could not run.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("--database-url must be a PostgreSQL server address like postgres://user@host:5432")]
    Url,
    #[error("could not create a temporary folder for the SQLite file")]
    TempDir(#[source] std::io::Error),
    #[error("could not create the bench database on the PostgreSQL server")]
    Create(#[source] sqlx::Error),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("could not build the population")]
    Population(#[source] sqlx::Error),
    #[error("the billing run failed")]
    Billing(#[from] BillingError),
    #[error("could not read the results")]
    Results(#[source] sqlx::Error),
    #[error("could not start the server: {0}")]
    Start(String),
    #[error("could not run wrk")]
    Wrk(#[source] std::io::Error),
    #[error("could not use the processor's call log")]
    CallLog(#[source] std::io::Error),
    #[error("could not run a scheduler process")]
    Worker(#[source] std::io::Error),
    #[error("scheduler processes: {0}")]
    Scheduler(String),
}

/// What [`build_population`] wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Population {
    pub supporters: u64,
    pub recipients: u64,
    /// Active monthly pledges (the run turns each into a donation item).
    pub pledges: u64,
    /// Tips, each with its pending donation item.
    pub tips: u64,
    /// What all the items add up to, in USD minor units.
    pub gross_minor: i64,
    /// How long each step took.
    pub stages: Vec<(&'static str, Duration)>,
}

/// The amount of a supporter's `item`-th item out of `items`: between 50 and 350, and every
/// supporter's items average exactly [`AVERAGE_ITEM_MINOR`] (items come in pairs 200 ± d; an
/// odd one out is 200), so totals are known without reading them back.
pub fn item_amount(supporter: u64, item: u64, items: u64) -> i64 {
    if !items.is_multiple_of(2) && item == items - 1 {
        return AVERAGE_ITEM_MINOR;
    }
    let swing = 50 * ((supporter + item / 2) % 4) as i64;
    if item.is_multiple_of(2) {
        AVERAGE_ITEM_MINOR + swing
    } else {
        AVERAGE_ITEM_MINOR - swing
    }
}

/// Two items in five are tips, the rest pledges.
fn is_tip(supporter: u64, item: u64) -> bool {
    (supporter + item) % 5 < 2
}

/// Writes `supporters` supporters (billing day 1, a card that always succeeds), each with
/// `items_per_supporter` items to distinct recipients among [`RECIPIENTS`] USD creators:
/// active pledges, and tips with their pending donation items. Set-based and multi-row
/// inserts, one transaction per step.
pub async fn build_population(
    db: &Db,
    supporters: u64,
    items_per_supporter: u64,
) -> Result<Population, sqlx::Error> {
    build_population_with(db, supporters, items_per_supporter, RECIPIENTS).await
}

/// [`build_population`] over `recipients` creators (at least one per item of a supporter).
pub async fn build_population_with(
    db: &Db,
    supporters: u64,
    items_per_supporter: u64,
    recipients: u64,
) -> Result<Population, sqlx::Error> {
    // A tag keeps emails and slugs unique even in a database that already has a population.
    let tag = random_letters(8);
    let at = now();
    let backend = db.backend();
    let recipients = recipients.max(items_per_supporter).max(1);
    let mut population = Population {
        supporters,
        recipients,
        ..Population::default()
    };
    let mut clock = Instant::now();
    let mut lap = |population: &mut Population, stage: &'static str| {
        population.stages.push((stage, clock.elapsed()));
        clock = Instant::now();
    };
    let users = "insert into users (email, display_name, password_hash, email_verified_at, created_at, password_changed_at) values ";
    let user_row = format!("($, $, '!', {at}, {at}, {at})");

    let mut tx = db.begin_write().await?;
    let owners: Vec<(String, String)> = (0..recipients)
        .map(|i| {
            (
                format!("owner{i}@{tag}.bench.invalid"),
                format!("Bench creator {i}"),
            )
        })
        .collect();
    let owner_ids =
        insert_rows(&mut tx, backend, users, &user_row, " returning id", &owners).await?;
    let pages: Vec<(i64, String, String)> = owner_ids
        .iter()
        .enumerate()
        .map(|(i, owner)| {
            (
                *owner,
                format!("bench-{tag}-{i}"),
                format!("Bench creator {i}"),
            )
        })
        .collect();
    let recipient_ids = insert_rows(
        &mut tx,
        backend,
        "insert into recipients (kind, owner_user_id, slug, name, category, currency, created_at) values ",
        &format!("('creator', $, $, $, 'Art', 'USD', {at})"),
        " returning id",
        &pages,
    )
    .await?;
    tx.commit().await?;
    lap(&mut population, "recipients");

    let mut tx = db.begin_write().await?;
    let people: Vec<(String, String)> = (0..supporters)
        .map(|i| {
            (
                format!("s{i}@{tag}.bench.invalid"),
                format!("Supporter {i}"),
            )
        })
        .collect();
    let supporter_ids =
        insert_rows(&mut tx, backend, users, &user_row, " returning id", &people).await?;
    drop(people);
    tx.commit().await?;
    lap(&mut population, "supporters");

    sqlx::query(
        "insert into billing_profiles (user_id, billing_day, payment_method, created_at) \
         select id, 1, $1, $2 from users where email like $3",
    )
    .bind(methods::SUCCEEDS)
    .bind(at)
    .bind(format!("s%@{tag}.bench.invalid"))
    .execute(db.pool())
    .await?;
    lap(&mut population, "billing profiles");

    let mut pledges: Vec<[i64; 3]> = Vec::new();
    let mut tips: Vec<[i64; 3]> = Vec::new();
    for (s, &supporter) in supporter_ids.iter().enumerate() {
        let s = s as u64;
        for j in 0..items_per_supporter {
            let recipient = recipient_ids[((s + j) % recipients) as usize];
            let amount = item_amount(s, j, items_per_supporter);
            population.gross_minor += amount;
            let row = [supporter, recipient, amount];
            if is_tip(s, j) {
                tips.push(row);
            } else {
                pledges.push(row);
            }
        }
    }
    population.pledges = pledges.len() as u64;
    population.tips = tips.len() as u64;

    let mut tx = db.begin_write().await?;
    insert_rows(
        &mut tx,
        backend,
        "insert into pledges (supporter_id, recipient_id, amount_minor, currency, visibility, status, created_at, updated_at) values ",
        &format!("($, $, $, 'USD', 'public', 'active', {at}, {at})"),
        "",
        &pledges,
    )
    .await?;
    tx.commit().await?;
    lap(&mut population, "pledges");

    let mut tx = db.begin_write().await?;
    insert_rows(
        &mut tx,
        backend,
        "insert into tips (supporter_id, recipient_id, amount_minor, currency, message, visibility, created_at) values ",
        &format!("($, $, $, 'USD', '', 'public', {at})"),
        "",
        &tips,
    )
    .await?;
    sqlx::query(
        "insert into donation_items (supporter_id, recipient_id, currency, gross_minor, tip_id, status, created_at) \
         select t.supporter_id, t.recipient_id, t.currency, t.amount_minor, t.id, 'pending', t.created_at \
         from tips t where not exists (select 1 from donation_items d where d.tip_id = t.id)",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    lap(&mut population, "tips and their items");

    // A production PostgreSQL has statistics (autovacuum analyses a table soon after a bulk
    // load); without them the planner would guess. SQLite plans without statistics unless
    // someone runs ANALYZE, which Chipin does not, so it is left as it is.
    if db.backend() == Backend::Postgres {
        sqlx::query("analyze").execute(db.pool()).await?;
        lap(&mut population, "analyze");
    }
    Ok(population)
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// A row for [`insert_rows`]: binds its values in column order.
trait Bindable {
    fn bind_to<'q>(&'q self, q: AnyQuery<'q>) -> AnyQuery<'q>;
}

impl<const N: usize> Bindable for [i64; N] {
    fn bind_to<'q>(&'q self, mut q: AnyQuery<'q>) -> AnyQuery<'q> {
        for v in self {
            q = q.bind(*v);
        }
        q
    }
}

impl Bindable for (String, String) {
    fn bind_to<'q>(&'q self, q: AnyQuery<'q>) -> AnyQuery<'q> {
        q.bind(self.0.as_str()).bind(self.1.as_str())
    }
}

impl Bindable for (i64, String, String) {
    fn bind_to<'q>(&'q self, q: AnyQuery<'q>) -> AnyQuery<'q> {
        q.bind(self.0).bind(self.1.as_str()).bind(self.2.as_str())
    }
}

/// `head` + `template` repeated once per row (each `$` becoming the next numbered
/// placeholder) + `tail`, in chunks as large as the bind limit allows. With a `tail` of
/// `returning id`, the new ids, in insertion order.
async fn insert_rows<R: Bindable>(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    head: &str,
    template: &str,
    tail: &str,
    rows: &[R],
) -> Result<Vec<i64>, sqlx::Error> {
    use sqlx::Row as _;
    let per_row = template.matches('$').count().max(1);
    let mut ids = Vec::new();
    for chunk in rows.chunks((max_binds(backend) / per_row).max(1)) {
        let sql = format!("{head}{}{tail}", values(template, chunk.len()));
        let mut q = sqlx::query(&sql);
        for row in chunk {
            q = row.bind_to(q);
        }
        if tail.is_empty() {
            q.execute(&mut *conn).await?;
        } else {
            let mut got = q
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|r| r.try_get::<i64, _>(0))
                .collect::<Result<Vec<_>, _>>()?;
            // Identities are handed out in insertion order; sorting makes that explicit.
            got.sort_unstable();
            ids.extend(got);
        }
    }
    Ok(ids)
}

/// `template` repeated `rows` times, comma-separated, with each `$` numbered in turn.
fn values(template: &str, rows: usize) -> String {
    let mut s = String::with_capacity(rows * (template.len() + 16));
    let mut n = 0usize;
    for r in 0..rows {
        if r > 0 {
            s.push_str(", ");
        }
        for ch in template.chars() {
            s.push(ch);
            if ch == '$' {
                n += 1;
                s.push_str(&n.to_string());
            }
        }
    }
    s
}

fn random_letters(n: usize) -> String {
    use rand::Rng as _;
    let mut rng = rand::thread_rng();
    (0..n)
        .map(|_| char::from(b'a' + rng.gen_range(0..26)))
        .collect()
}

/// Where the bench database lives, so it can be removed afterwards.
enum Place {
    Sqlite(tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

/// A new, migrated database: a SQLite file in a temporary folder, or a new database on the
/// PostgreSQL server at `server_url`.
async fn fresh_database(
    server_url: Option<&str>,
) -> Result<(Db, Place, String, String), BenchError> {
    sqlx::any::install_default_drivers();
    let (url, place, shown) = match server_url {
        None => {
            let dir = tempfile::Builder::new()
                .prefix("chipin-bench-")
                .tempdir()
                .map_err(BenchError::TempDir)?;
            let file = dir.path().join("chipin.db");
            let shown = file.display().to_string();
            (format!("sqlite://{shown}"), Place::Sqlite(dir), shown)
        }
        Some(raw) => {
            if Backend::from_url(raw) != Some(Backend::Postgres) {
                return Err(BenchError::Url);
            }
            let mut url = url::Url::parse(raw).map_err(|_| BenchError::Url)?;
            let name = format!("chipin_bench_{}", random_letters(12));
            url.set_path("/postgres");
            let admin_url = url.to_string();
            let admin = sqlx::AnyPool::connect(&admin_url)
                .await
                .map_err(BenchError::Create)?;
            sqlx::query(&format!("create database {name}"))
                .execute(&admin)
                .await
                .map_err(BenchError::Create)?;
            admin.close().await;
            url.set_path(&format!("/{name}"));
            let shown = format!("database {name}");
            (url.to_string(), Place::Postgres { admin_url, name }, shown)
        }
    };
    let db = Db::connect(&url, 10).await?;
    db.migrate().await?;
    Ok((db, place, shown, url))
}

/// Closes the database and removes it, unless asked to keep it.
async fn dispose(db: Db, place: Place, keep: bool) {
    db.close().await;
    match place {
        Place::Sqlite(dir) if keep => {
            let path = dir.keep();
            println!("kept the bench database in {}", path.display());
        }
        Place::Sqlite(dir) => drop(dir),
        Place::Postgres { name, .. } if keep => println!("kept the bench database {name}"),
        Place::Postgres { admin_url, name } => {
            let dropped = async {
                let admin = sqlx::AnyPool::connect(&admin_url).await?;
                sqlx::query(&format!("drop database if exists {name}"))
                    .execute(&admin)
                    .await?;
                admin.close().await;
                Ok::<_, sqlx::Error>(())
            };
            if let Err(e) = dropped.await {
                eprintln!("could not drop the bench database {name}: {e}");
            }
        }
    }
}

/// Times the phases of a run from its progress reports.
struct PhaseClock {
    start: Instant,
    inner: Mutex<Phases>,
}

#[derive(Default)]
struct Phases {
    last: Option<Instant>,
    /// Time to each gathered batch (the first includes scheduling retries).
    gather_batches: Vec<Duration>,
    /// From the start of the run to the end of gathering.
    gathered_at: Option<Duration>,
    /// Time to each committed batch of charges.
    charge_batches: Vec<Duration>,
}

impl PhaseClock {
    fn new() -> Self {
        Self {
            start: Instant::now(),
            inner: Mutex::new(Phases::default()),
        }
    }

    fn record(&self, p: Progress) {
        let now = Instant::now();
        let Ok(mut phases) = self.inner.lock() else {
            return;
        };
        let since = now - phases.last.unwrap_or(self.start);
        phases.last = Some(now);
        match p {
            Progress::Gathered(_) => phases.gather_batches.push(since),
            Progress::ChargesToSend(_) => phases.gathered_at = Some(now - self.start),
            Progress::Charged(_) => phases.charge_batches.push(since),
        }
    }

    fn phases(self) -> Phases {
        self.inner.into_inner().unwrap_or_default()
    }
}

/// `n batches: first …, median …, last …, slowest …`.
fn batch_line(batches: &[Duration]) -> String {
    if batches.is_empty() {
        return "no batches".to_owned();
    }
    let mut sorted = batches.to_vec();
    sorted.sort_unstable();
    format!(
        "{} batches: first {:.3} s, median {:.3} s, last {:.3} s, slowest {:.3} s",
        batches.len(),
        batches[0].as_secs_f64(),
        sorted[sorted.len() / 2].as_secs_f64(),
        batches[batches.len() - 1].as_secs_f64(),
        sorted[sorted.len() - 1].as_secs_f64(),
    )
}

/// The process's peak resident memory so far (`VmHWM`), in KiB.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Starts a new peak-memory measurement (Linux: writing 5 to `clear_refs` resets `VmHWM`).
fn reset_peak_memory() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(
        || "unknown".to_owned(),
        |k| format!("{:.1} MiB", k as f64 / 1024.0),
    )
}

fn per_sec(n: u64, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64().max(1e-9)
}

fn percent(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// Runs `server bench billing` and prints its figures; the result says whether the ledger
/// check passed afterwards.
pub async fn billing(args: &BillingBench) -> Result<bool, BenchError> {
    let (db, place, shown, url) = fresh_database(args.database_url.as_deref()).await?;
    let outcome = measure(&db, args, &shown, &url).await;
    dispose(db, place, args.keep_database).await;
    outcome
}

async fn measure(db: &Db, args: &BillingBench, shown: &str, url: &str) -> Result<bool, BenchError> {
    let engine = match db.backend() {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    println!(
        "bench billing: {} supporters x {} items on {engine} ({shown})",
        args.supporters, args.items_per_supporter
    );

    let started = Instant::now();
    let population = build_population(db, args.supporters, args.items_per_supporter)
        .await
        .map_err(BenchError::Population)?;
    let build = started.elapsed();
    println!(
        "population: {} supporters, {} recipients, {} pledges + {} tips = {} items, {} in all",
        population.supporters,
        population.recipients,
        population.pledges,
        population.tips,
        population.pledges + population.tips,
        Money::new(population.gross_minor, Currency::USD)
    );
    let stages: Vec<String> = population
        .stages
        .iter()
        .map(|(stage, d)| format!("{stage} {:.2} s", d.as_secs_f64()))
        .collect();
    println!(
        "population built in {:.2} s ({})",
        build.as_secs_f64(),
        stages.join(", ")
    );
    if let Some(instances) = args.instances {
        let as_of = chrono::Utc::now().date_naive();
        let ok = scale::billing_instances(db, url, instances, args.supporters, as_of).await?;
        analyze_after_run(db).await?;
        let checked = Instant::now();
        let (report, ledger_ok) = ledger_check_report(db).await.map_err(BenchError::Results)?;
        println!(
            "{report} (checked in {:.2} s)",
            checked.elapsed().as_secs_f64()
        );
        return Ok(ok && ledger_ok);
    }
    let peak_before_run = peak_memory_kib();
    let reset = reset_peak_memory();

    let mut processor = SimulatedProcessor::new();
    let mut config = BillingConfig::default();
    if let Some(ms) = args.latency_ms {
        processor = processor.with_latency(Duration::from_millis(ms));
        // Enough calls in flight that the rate limit, not the round trip, bounds the run.
        config.concurrency = 256;
    }
    if let Some(rate) = args.rate_limit {
        // The processor refuses calls over its limit; the scheduler is told the limit, as an
        // operator tells it their Stripe account's, and paces itself to it.
        processor = processor.with_rate_limit(rate);
        config.calls_per_second = std::num::NonZeroU32::new(rate);
    }
    let as_of = chrono::Utc::now().date_naive();
    println!(
        "run as of {as_of}: batches of {}, {} calls in flight, latency {}, rate limit {}",
        config.batch_size,
        config.concurrency,
        args.latency_ms
            .map_or_else(|| "none".to_owned(), |ms| format!("{ms} ms")),
        args.rate_limit
            .map_or_else(|| "none".to_owned(), |r| format!("{r}/s")),
    );

    let bar = progress_bar();
    let clock = PhaseClock::new();
    let run_started = Instant::now();
    let summary = billing::run(db, &processor, &config, as_of, &|p| {
        clock.record(p);
        show_progress(&bar, p);
    })
    .await;
    let wall = run_started.elapsed();
    bar.finish_and_clear();
    let summary = summary?;
    let peak_run = peak_memory_kib();
    let phases = clock.phases();
    let calls = processor.calls().len() as u64;

    print!("{}", format_summary(&summary));
    let refused = processor.rate_limited_calls();
    report_speed(&summary, wall, &phases, (calls, refused), args);
    if reset {
        println!(
            "peak memory: {} during the run ({} after building the population)",
            mib(peak_run),
            mib(peak_before_run)
        );
    } else {
        println!("peak memory: {} (whole process)", mib(peak_run));
    }
    report_fees(db, &summary).await?;

    analyze_after_run(db).await?;
    let checked = Instant::now();
    let (report, ok) = ledger_check_report(db).await.map_err(BenchError::Results)?;
    println!(
        "{report} (checked in {:.2} s)",
        checked.elapsed().as_secs_f64()
    );
    Ok(ok)
}

/// On PostgreSQL, refreshes the planner's statistics after the run, as autovacuum does soon
/// after a bulk change in production: the statistics from before the run describe empty
/// journal and charge tables, and planned with them the ledger check's joins read the journal
/// once per charge. Not part of the measured run.
async fn analyze_after_run(db: &Db) -> Result<(), BenchError> {
    if db.backend() == Backend::Postgres {
        sqlx::query("analyze")
            .execute(db.pool())
            .await
            .map_err(BenchError::Results)?;
    }
    Ok(())
}

fn report_speed(
    summary: &RunSummary,
    wall: Duration,
    phases: &Phases,
    (calls, refused): (u64, u64),
    args: &BillingBench,
) {
    let due_items = summary.items_charged + summary.items_carried_forward;
    println!(
        "billing run: {:.2} s wall, {:.0} due items/s, {:.0} charges/s ({} processor calls)",
        wall.as_secs_f64(),
        per_sec(due_items, wall),
        per_sec(summary.charges_succeeded, wall),
        calls
    );
    let gathered = phases.gathered_at.unwrap_or_default();
    let charging = wall.saturating_sub(gathered);
    println!(
        "  gather (retries, items, decisions, intents): {:.2} s, {}",
        gathered.as_secs_f64(),
        batch_line(&phases.gather_batches)
    );
    println!(
        "  charge (claim, call, commit outcomes):        {:.2} s, {}",
        charging.as_secs_f64(),
        batch_line(&phases.charge_batches)
    );
    if let Some(rate) = args.rate_limit {
        let bound = calls as f64 / f64::from(rate);
        let over = |d: Duration| (d.as_secs_f64() - bound) * 100.0 / bound.max(1e-9);
        println!(
            "  rate-limit bound: {calls} calls / {rate} per s = {bound:.2} s; the run took {:+.1}% \
             longer, its charge phase {:+.1}%; {} calls refused for the rate limit",
            over(wall),
            over(charging),
            refused
        );
    }
}

/// Processor fees as charged (consolidated) next to what charging every item on its own
/// would have cost, from the allocations of this run.
async fn report_fees(db: &Db, summary: &RunSummary) -> Result<(), BenchError> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "select currency, gross_minor, count(*) from allocations group by currency, gross_minor",
    )
    .fetch_all(db.pool())
    .await
    .map_err(BenchError::Results)?;
    let mut per_item: BTreeMap<Currency, i64> = BTreeMap::new();
    for (currency, gross, count) in rows {
        let Ok(c) = currency.parse::<Currency>() else {
            continue;
        };
        let fee = FeeSchedule::standard(c).estimate(gross);
        *per_item.entry(c).or_default() += fee * count;
    }
    for (currency, t) in &summary.totals {
        let separate = per_item.get(currency).copied().unwrap_or_default();
        let money = |minor| Money::new(minor, *currency);
        println!(
            "fees {currency}: {} on {} gross = {:.2}% consolidated; charging each item separately: {} = {:.2}%",
            money(t.fee_minor),
            money(t.gross_minor),
            percent(t.fee_minor, t.gross_minor),
            money(separate),
            percent(separate, t.gross_minor)
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_stay_between_fifty_cents_and_three_fifty_and_average_two_dollars() {
        for items in 1..12u64 {
            for supporter in 0..9u64 {
                let amounts: Vec<i64> = (0..items)
                    .map(|j| item_amount(supporter, j, items))
                    .collect();
                assert!(
                    amounts.iter().all(|a| (50..=350).contains(a)),
                    "{amounts:?}"
                );
                assert_eq!(
                    amounts.iter().sum::<i64>(),
                    AVERAGE_ITEM_MINOR * items as i64
                );
            }
        }
        let spread: std::collections::BTreeSet<i64> =
            (0..8).map(|s| item_amount(s, 0, 2)).collect();
        assert_eq!(spread.len(), 4, "amounts vary between supporters");
    }

    #[test]
    fn templates_number_their_placeholders_across_rows() {
        assert_eq!(values("($, 'x', $)", 2), "($1, 'x', $2), ($3, 'x', $4)");
    }

    #[test]
    fn batch_lines_summarise_first_median_last_and_slowest() {
        let ms = Duration::from_millis;
        assert_eq!(
            batch_line(&[ms(10), ms(30), ms(20)]),
            "3 batches: first 0.010 s, median 0.020 s, last 0.020 s, slowest 0.030 s"
        );
    }
}
