//! `server bench web`: how many page views a second the release server gives on a large
//! database, and how long the slowest of them take.
//!
//! A fresh SQLite file gets a synthetic population (creators, supporters, their pledges and
//! tips), the real billing run over it (which writes the charges, allocations and journal
//! lines the pages read), and then the real server, in this process, on a local port. `wrk`
//! (Debian's package) loads a creator page and the explore page in turn with many connections
//! and its figures are printed: requests a second, median, 99th and 99.9th percentile latency,
//! errors.

use super::{BenchError, build_population_with, dispose, fresh_database};
use crate::cli::billing::{progress_bar, show_progress};
use crate::config::Config;
use app::domain::billing;
use app::money::{Currency, Money};
use std::collections::HashMap;
use std::process::Command;
use std::time::Instant;

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
    let (db, place, shown, _) = fresh_database(None).await?;
    println!(
        "bench web: {} creators, {} supporters x {} items on SQLite ({shown})",
        args.creators, args.supporters, args.items_per_supporter
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
    let url = match &place {
        super::Place::Sqlite(dir) => format!("sqlite://{}", dir.path().join("chipin.db").display()),
        super::Place::Postgres { .. } => unreachable!("bench web uses SQLite"),
    };
    let outcome = load(args, &url, &slug).await;
    dispose(db, place, args.keep_database).await;
    outcome
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
    let config = Config::from_lookup(|k| vars.get(k).cloned()).map_err(|e| start(&e))?;
    let db = crate::open_database(&config).await.map_err(|e| start(&e))?;
    let state = crate::app_state(db, &config).map_err(|e| start(&e))?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(crate::serve(config, state, listener, async {
        let _ = stopped.await;
    }));

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
        let status = status_of(addr, path).await;
        if status.as_deref() != Some("200") {
            eprintln!("{name}: {url} answered {status:?}, not 200");
            all_ok = false;
            continue;
        }
        println!(
            "loading the {name} ({url}) for {} s with {} connections…",
            args.seconds, args.connections
        );
        let out = tokio::process::Command::new("wrk")
            .arg(format!("-t{}", args.threads))
            .arg(format!("-c{}", args.connections))
            .arg(format!("-d{}s", args.seconds))
            .arg("--latency")
            .arg("-s")
            .arg(&script)
            .arg(&url)
            .output()
            .await
            .map_err(BenchError::Wrk)?;
        let report = String::from_utf8_lossy(&out.stdout);
        let Some(r) = parse_wrk(&report) else {
            eprintln!("{name}: could not read wrk's report:\n{report}");
            all_ok = false;
            continue;
        };
        let target = *name == "creator page";
        let met =
            r.errors() == 0 && (!target || (r.requests_per_sec >= 2_000.0 && r.p99_ms <= 50.0));
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
                if met {
                    "; target met (≥ 2,000/s, p99 ≤ 50 ms, no errors)"
                } else {
                    "; TARGET MISSED (≥ 2,000/s, p99 ≤ 50 ms, no errors)"
                }
            } else {
                ""
            }
        );
    }
    let _ = std::fs::remove_file(&script);
    let _ = stop.send(());
    let _ = server.await;
    Ok(all_ok)
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
