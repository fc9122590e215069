//! `server bench web`: how many page views a second the release server gives on a large
//! database, and how long the slowest of them take.
//!
//! A fresh database (a SQLite file, or a new database on a PostgreSQL server) gets a synthetic
//! population (creators, supporters, their pledges and tips), the real billing run over it
//! (which writes the charges, allocations and journal lines the pages read), and then the real
//! server on local ports: in this process, or `--instances N` separate `server serve`
//! processes sharing the database. `wrk` (Debian's package) loads a creator page and the
//! explore page in turn with many connections, split evenly over the instances, and its
//! figures are printed: requests a second (summed), median, 99th and 99.9th percentile latency
//! (the slowest instance's), errors. With `--during-billing` a scheduler process bills the
//! whole population for the next month while the creator page is loaded.

use super::scale::{get, start_worker};
use super::{BenchError, build_population_with, dispose, fresh_database};
use crate::cli::billing::{progress_bar, show_progress};
use crate::config::Config;
use app::domain::billing;
use app::money::{Currency, Money};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What `server bench web` takes.
#[derive(clap::Args, Debug)]
pub struct WebBench {
    /// Creator pages in the population.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub creators: u64,
    /// Supporters in the population.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub supporters: u64,
    /// Pledges and tips per supporter (three journal lines each once charged).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=100))]
    pub items_per_supporter: u64,
    /// How long to load each page, in seconds.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3_600))]
    pub seconds: u64,
    /// Open connections during the load.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub connections: u64,
    /// Load generator threads (the server shares the machine with them).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub threads: u64,
    /// Keep the SQLite file afterwards (its path is printed).
    #[arg(long)]
    pub keep_database: bool,
    /// A PostgreSQL server (`postgres://user@host:port`) on which to create the bench
    /// database; without it, a new SQLite file in a temporary folder.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Separate `server serve` processes sharing the database; the connections are split
    /// evenly over them.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=16))]
    pub instances: u32,
    /// Bill the whole population for the next month, in a scheduler process of its own, while
    /// the creator page is loaded.
    #[arg(long)]
    pub during_billing: bool,
}

/// `wrk`'s figures for one page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadResult {
    pub requests: u64,
    pub requests_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// The 99.9th percentile, which `wrk` prints only through a script (see [`WRK_P999`]).
    pub p999_ms: f64,
    /// Responses other than 2xx or 3xx.
    pub bad_status: u64,
    /// Connect, read, write errors and timeouts.
    pub socket_errors: u64,
}

impl LoadResult {
    pub fn errors(&self) -> u64 {
        self.bad_status + self.socket_errors
    }
}

/// A latency as `wrk` prints it ("812.00us", "9.80ms", "1.02s"), in milliseconds.
fn latency_ms(raw: &str) -> Option<f64> {
    let raw = raw.trim();
    let (number, factor) = if let Some(n) = raw.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = raw.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = raw.strip_suffix('s') {
        (n, 1000.0)
    } else if let Some(n) = raw.strip_suffix('m') {
        (n, 60_000.0)
    } else {
        return None;
    };
    number.parse::<f64>().ok().map(|n| n * factor)
}

/// A `wrk` script that adds the 99.9th percentile to the latency distribution, in the same
/// form as the lines above it (`wrk` keeps latencies in microseconds).
pub const WRK_P999: &str = "done = function(summary, latency, requests)\n  \
     io.write(string.format(\"   99.9%%  %.2fus\\n\", latency:percentile(99.9)))\nend\n";

/// Reads `wrk --latency`'s report.
pub fn parse_wrk(report: &str) -> Option<LoadResult> {
    let mut r = LoadResult::default();
    let mut seen_rate = false;
    for line in report.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["50%", v] => r.p50_ms = latency_ms(v)?,
            ["99%", v] => r.p99_ms = latency_ms(v)?,
            ["99.9%", v] => r.p999_ms = latency_ms(v)?,
            ["Requests/sec:", v] => {
                r.requests_per_sec = v.parse().ok()?;
                seen_rate = true;
            }
            ["Non-2xx", "or", "3xx", "responses:", n] => r.bad_status = n.parse().ok()?,
            [n, "requests", "in", ..] => r.requests = n.parse().ok()?,
            ["Socket", "errors:", rest @ ..] => {
                r.socket_errors = rest
                    .iter()
                    .filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok())
                    .sum();
            }
            _ => {}
        }
    }
    seen_rate.then_some(r)
}

/// Seeds, serves, loads; false when a page missed its target.
pub async fn web(args: &WebBench) -> Result<bool, BenchError> {
    if Command::new("wrk").arg("--version").output().is_err() {
        eprintln!("bench web needs wrk on the PATH (Debian: apt-get install wrk)");
        return Ok(false);
    }
    let (db, place, shown, url) = fresh_database(args.database_url.as_deref()).await?;
    println!(
        "bench web: {} creators, {} supporters x {} items on {shown}, {} instance(s){}",
        args.creators,
        args.supporters,
        args.items_per_supporter,
        args.instances,
        if args.during_billing {
            ", a billing run during the creator page's load"
        } else {
            ""
        }
    );
    let started = Instant::now();
    let population = build_population_with(
        &db,
        args.supporters,
        args.items_per_supporter,
        args.creators,
    )
    .await
    .map_err(BenchError::Population)?;
    println!(
        "population: {} creators, {} pledges, {} tips in {:.1} s",
        population.recipients,
        population.pledges,
        population.tips,
        started.elapsed().as_secs_f64()
    );

    // The real billing run writes what the pages read: charges, allocations and the journal.
    // As of today, so the server's own billing worker finds this month already decided.
    let started = Instant::now();
    let bar = progress_bar();
    let config = billing::BillingConfig::default();
    let summary = billing::run(
        &db,
        &app::domain::processors::simulated::SimulatedProcessor::new(),
        &config,
        chrono::Utc::now().date_naive(),
        &|p| show_progress(&bar, p),
    )
    .await;
    bar.finish_and_clear();
    let summary = summary?;
    // Writing the run's receipts would keep the server's mail worker busy through the whole
    // load (one email a charge); these figures are for serving pages, so they are not written.
    let skipped = sqlx::query("delete from receipts_due")
        .execute(db.pool())
        .await
        .map_err(BenchError::Results)?
        .rows_affected();
    let lines = count(&db, "select count(*) from journal_lines").await?;
    println!(
        "billing run: {} charges, {} items, {} gross, {lines} journal lines in {:.1} s \
         ({skipped} receipts not written)",
        summary.charges_succeeded,
        summary.items_charged,
        Money::new(
            summary
                .totals
                .get(&Currency::USD)
                .map_or(0, |t| t.gross_minor),
            Currency::USD
        ),
        started.elapsed().as_secs_f64()
    );
    let (slug,): (String,) = sqlx::query_as(
        "select slug from recipients order by id limit 1 offset (select count(*) / 2 from recipients)",
    )
    .fetch_one(db.pool())
    .await
    .map_err(BenchError::Results)?;
    if place_is_postgres(&place) {
        // The planner's statistics, as an operator's autovacuum would have them by now.
        sqlx::query("analyze")
            .execute(db.pool())
            .await
            .map_err(BenchError::Results)?;
    }
    let outcome = load(args, &url, &slug).await;
    dispose(db, place, args.keep_database).await;
    outcome
}

fn place_is_postgres(place: &super::Place) -> bool {
    matches!(place, super::Place::Postgres { .. })
}

async fn count(db: &app::domain::Db, sql: &str) -> Result<i64, BenchError> {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(db.pool())
        .await
        .map_err(BenchError::Results)?;
    Ok(n)
}

/// Starts the server on `database_url` and loads its pages.
async fn load(args: &WebBench, database_url: &str, slug: &str) -> Result<bool, BenchError> {
    let start = |e: &dyn std::fmt::Display| BenchError::Start(e.to_string());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| start(&e))?;
    let addr = listener.local_addr().map_err(|e| start(&e))?;
    let base = format!("http://{addr}");
    let scratch = tempfile::Builder::new()
        .prefix("chipin-bench-web-")
        .tempdir()
        .map_err(BenchError::TempDir)?;
    let mut vars: HashMap<&str, String> = HashMap::from([
        ("DATABASE_URL", database_url.to_owned()),
        ("BIND", addr.to_string()),
        ("BASE_URL", base.clone()),
        ("DEMO_DATA", "false".to_owned()),
        (
            "MAIL_OUTBOX_DIR",
            scratch.path().join("outbox").display().to_string(),
        ),
        (
            "UPLOADS_DIR",
            scratch.path().join("uploads").display().to_string(),
        ),
    ]);
    for key in ["LEPTOS_SITE_ROOT", "DB_MAX_CONNECTIONS"] {
        if let Ok(v) = std::env::var(key) {
            vars.insert(key, v);
        }
    }
    let mut instances = Vec::new();
    if args.instances == 1 {
        let config = Config::from_lookup(|k| vars.get(k).cloned()).map_err(|e| start(&e))?;
        let db = crate::open_database(&config).await.map_err(|e| start(&e))?;
        let state = crate::app_state(db, &config).map_err(|e| start(&e))?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(crate::serve(config, state, listener, async {
            let _ = stopped.await;
        }));
        instances.push((addr, Instance::InProcess { stop, server }));
    } else {
        drop(listener);
        let program = std::env::current_exe().map_err(|e| start(&e))?;
        for _ in 0..args.instances {
            let addr = free_port().await.map_err(|e| start(&e))?;
            let child = tokio::process::Command::new(&program)
                .arg("serve")
                .envs(vars.iter())
                .env("BIND", addr.to_string())
                .env("BASE_URL", format!("http://{addr}"))
                .env("RUST_LOG", "warn,sqlx=error")
                .stdin(Stdio::null())
                .kill_on_drop(true)
                .spawn()
                .map_err(|e| start(&e))?;
            instances.push((addr, Instance::Process(child)));
        }
        for (addr, _) in &instances {
            let waited = Instant::now();
            while status_of(*addr, "/healthz").await.is_none() {
                if waited.elapsed() > Duration::from_secs(60) {
                    return Err(start(&format!("the instance on {addr} did not answer")));
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    let addrs: Vec<SocketAddr> = instances.iter().map(|(a, _)| *a).collect();
    let outcome = load_pages(args, database_url, &addrs, slug).await;
    for (_, instance) in instances {
        match instance {
            Instance::InProcess { stop, server } => {
                let _ = stop.send(());
                let _ = server.await;
            }
            Instance::Process(mut child) => {
                let _ = child.start_kill();
                let _ = child.wait().await;
            }
        }
    }
    outcome
}

/// A server the bench started.
enum Instance {
    InProcess {
        stop: tokio::sync::oneshot::Sender<()>,
        server: tokio::task::JoinHandle<Result<(), crate::StartError>>,
    },
    Process(tokio::process::Child),
}

/// A local address no one listens on yet.
async fn free_port() -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    listener.local_addr()
}

/// Loads each page on every instance at once and prints the figures.
async fn load_pages(
    args: &WebBench,
    database_url: &str,
    addrs: &[SocketAddr],
    slug: &str,
) -> Result<bool, BenchError> {
    let Some(&first) = addrs.first() else {
        return Ok(false);
    };
    let base = format!("http://{first}");
    // Two instances on one database answer as one site; SQLite's single process is held to
    // the stricter latency.
    let p99_target = if addrs.len() > 1 || database_url.starts_with("postgres") {
        100.0
    } else {
        50.0
    };
    let pages = [
        ("creator page", format!("/c/{slug}")),
        ("explore page", "/".to_owned()),
    ];
    let script = std::env::temp_dir().join(format!("chipin-wrk-{}.lua", std::process::id()));
    std::fs::write(&script, WRK_P999).map_err(BenchError::Wrk)?;
    let mut all_ok = true;
    for (name, path) in &pages {
        let url = format!("{base}{path}");
        // One view first: the page answers and its first-time work is done.
        let status = status_of(first, path).await;
        if status.as_deref() != Some("200") {
            eprintln!("{name}: {url} answered {status:?}, not 200");
            all_ok = false;
            continue;
        }
        let target = *name == "creator page";
        let billing = if target && args.during_billing {
            let program = std::env::current_exe().map_err(BenchError::Worker)?;
            let next_month = chrono::Utc::now()
                .date_naive()
                .checked_add_months(chrono::Months::new(1))
                .ok_or_else(|| BenchError::Scheduler("no next month".to_owned()))?;
            println!("starting a billing run as of {next_month} in a scheduler process…");
            let worker = start_worker(&program, database_url, next_month, &[])?;
            // Waited for beside the load, so the moment the run ends is known.
            Some(tokio::spawn(async move {
                let summary = worker.finish().await;
                (summary, Instant::now())
            }))
        } else {
            None
        };
        let per_instance = (args.connections / addrs.len() as u64).max(1);
        println!(
            "loading the {name} ({path}) for {} s with {} connections on each of {} instance(s)…",
            args.seconds,
            per_instance,
            addrs.len()
        );
        let runs = addrs.iter().map(|addr| {
            tokio::process::Command::new("wrk")
                .arg(format!("-t{}", args.threads))
                .arg(format!("-c{per_instance}"))
                .arg(format!("-d{}s", args.seconds))
                .arg("--latency")
                .arg("-s")
                .arg(&script)
                .arg(format!("http://{addr}{path}"))
                .output()
        });
        let loaded = Instant::now();
        let outputs = futures::future::join_all(runs).await;
        let load_time = loaded.elapsed();
        let mut reports = Vec::with_capacity(outputs.len());
        for out in outputs {
            let out = out.map_err(BenchError::Wrk)?;
            let report = String::from_utf8_lossy(&out.stdout).into_owned();
            match parse_wrk(&report) {
                Some(r) => reports.push(r),
                None => eprintln!("{name}: could not read wrk's report:\n{report}"),
            }
        }
        if reports.len() != addrs.len() {
            all_ok = false;
            continue;
        }
        let r = combine(&reports);
        if let Some(run) = billing {
            let (summary, ended) = run
                .await
                .map_err(|e| BenchError::Scheduler(e.to_string()))?;
            let summary = summary?;
            let into_load = ended.saturating_duration_since(loaded);
            println!(
                "  billing run: {} charges succeeded, {} items in {:.1} s ({})",
                get(&summary, "charges_succeeded"),
                get(&summary, "items_charged"),
                summary.get("seconds").copied().unwrap_or_default(),
                if into_load >= load_time {
                    "in progress through the whole load".to_owned()
                } else {
                    format!(
                        "it ended {:.1} s into the {:.1} s load",
                        into_load.as_secs_f64(),
                        load_time.as_secs_f64()
                    )
                }
            );
        }
        let met = r.errors() == 0
            && (!target || (r.requests_per_sec >= 2_000.0 && r.p99_ms <= p99_target));
        all_ok &= met;
        println!(
            "  {name}: {:.0} requests/s, p50 {:.1} ms, p99 {:.1} ms, p99.9 {:.1} ms, {} requests, {} errors ({} bad status, {} socket){}",
            r.requests_per_sec,
            r.p50_ms,
            r.p99_ms,
            r.p999_ms,
            r.requests,
            r.errors(),
            r.bad_status,
            r.socket_errors,
            if target {
                format!(
                    "; target {} (≥ 2,000/s, p99 ≤ {p99_target:.0} ms, no errors)",
                    if met { "met" } else { "MISSED" }
                )
            } else {
                String::new()
            }
        );
    }
    let _ = std::fs::remove_file(&script);
    Ok(all_ok)
}

/// Several instances' figures as one site's: rates and counts summed, each percentile the
/// slowest instance's (an upper bound of the site's).
fn combine(reports: &[LoadResult]) -> LoadResult {
    let max = |f: fn(&LoadResult) -> f64| reports.iter().map(f).fold(0.0, f64::max);
    LoadResult {
        requests: reports.iter().map(|r| r.requests).sum(),
        requests_per_sec: reports.iter().map(|r| r.requests_per_sec).sum(),
        p50_ms: max(|r| r.p50_ms),
        p99_ms: max(|r| r.p99_ms),
        p999_ms: max(|r| r.p999_ms),
        bad_status: reports.iter().map(|r| r.bad_status).sum(),
        socket_errors: reports.iter().map(|r| r.socket_errors).sum(),
    }
}

/// The status code a plain GET of `path` gets, read off the response's first line.
async fn status_of(addr: std::net::SocketAddr, path: &str) -> Option<String> {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut head = [0u8; 64];
    let n = stream.read(&mut head).await.ok()?;
    let line = String::from_utf8_lossy(&head[..n]).into_owned();
    line.split_whitespace().nth(1).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrk_reports_are_read_with_their_units() {
        let report = "Running 30s test @ http://127.0.0.1:3000/c/x
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    20.12ms    3.01ms  60.00ms   90.00%
    Req/Sec     3.10k   200.00     3.50k    70.00%
  Latency Distribution
     50%  812.00us
     75%   21.00ms
     90%   24.00ms
     99%    1.02s
  93000 requests in 30.01s, 1.20GB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:   3099.20
Transfer/sec:     41.00MB
   99.9%  1500000.00us
";
        let r = parse_wrk(report).unwrap();
        assert_eq!(r.requests, 93_000);
        assert!((r.requests_per_sec - 3099.2).abs() < 1e-9);
        assert!((r.p50_ms - 0.812).abs() < 1e-9);
        assert!((r.p99_ms - 1020.0).abs() < 1e-9);
        assert!((r.p999_ms - 1500.0).abs() < 1e-9);
        assert_eq!((r.bad_status, r.socket_errors, r.errors()), (7, 5, 12));
        assert_eq!(parse_wrk("nothing"), None);
    }
}
