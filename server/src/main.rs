//! `server`: run Chipin, or one of its maintenance jobs.

use app::domain::AppState;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use server::cli::{self, CliError};
use server::config::Config;
use std::process::ExitCode;

/// Rendering a page allocates and frees many short strings from every worker thread at once;
/// mimalloc's per-thread free lists serve that pattern with far less time in the allocator
/// than the system's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "server",
    about = "Chipin: creator-support crowdfunding",
    version
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the website and run the background workers (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Load the demo creators and causes into an empty database.
    DemoData,
    /// Charge supporters.
    Billing {
        #[command(subcommand)]
        command: BillingCommand,
    },
    /// Inspect the double-entry journal.
    Ledger {
        #[command(subcommand)]
        command: LedgerCommand,
    },
    /// Chargebacks reported by the payment processor.
    Disputes {
        #[command(subcommand)]
        command: DisputesCommand,
    },
    /// What the limits against card testing refused.
    Security {
        #[command(subcommand)]
        command: SecurityCommand,
    },
    /// Record payouts made outside Chipin, or pay out through Stripe Connect.
    Payouts {
        #[command(subcommand)]
        command: PayoutsCommand,
    },
    /// People's accounts.
    Accounts {
        #[command(subcommand)]
        command: AccountsCommand,
    },
    /// Refund donations (through the payment processor) and list refunds.
    Refunds {
        #[command(subcommand)]
        command: RefundsCommand,
    },
    /// Copy the SQLite database to a new file while Chipin runs, then open the copy and run
    /// the ledger check on it (PostgreSQL: use pg_dump).
    Backup {
        /// The new file (it must not exist yet).
        path: std::path::PathBuf,
    },
    /// Measure Chipin on a fresh database with a synthetic population.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
}

#[derive(Subcommand)]
enum BillingCommand {
    /// Run one billing cycle now: gather what is due, charge it, print a summary.
    Run {
        /// The day to bill as of (default: today, UTC).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = cli::billing::parse_as_of)]
        as_of: Option<NaiveDate>,
    },
}

#[derive(Subcommand)]
enum LedgerCommand {
    /// Verify every invariant of the money model; exits 1 on the first violation.
    Check,
}

#[derive(Subcommand)]
enum DisputesCommand {
    /// List every dispute, newest first, with the recipient amounts it freezes.
    List,
}

#[derive(Subcommand)]
enum SecurityCommand {
    /// List the security events, oldest first (default: the last seven days).
    Events {
        /// List the events from the start of this day (UTC).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = cli::security::parse_since)]
        since: Option<NaiveDate>,
    },
}

#[derive(Subcommand)]
enum PayoutsCommand {
    /// Record a payout sent to a page's owner; it never exceeds the page's available balance.
    Record {
        /// The page's address (slug).
        #[arg(long)]
        page: String,
        /// The amount, in the page's currency (e.g. 25.00).
        #[arg(long)]
        amount: String,
        /// The bank or transfer reference.
        #[arg(long)]
        reference: String,
        /// The day it was sent (default: today, UTC).
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
    },
    /// Mark a payout in transit as arrived.
    MarkPaid {
        /// The payout's number, as `record` printed it.
        id: i64,
    },
    /// Pay every page with a ready Stripe Connect account its available balance, as Stripe
    /// transfers (one per source charge), and send transfers an earlier run left unsent.
    StripeRun {
        /// The payouts' date (default: today, UTC).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = cli::billing::parse_as_of)]
        as_of: Option<NaiveDate>,
    },
}

#[derive(Subcommand)]
enum AccountsCommand {
    /// Turn two-factor sign-in off for an account whose owner lost their device and recovery
    /// codes (check who is asking first).
    #[command(name = "reset-2fa")]
    Reset2fa {
        /// The account's email address.
        email: String,
    },
}

#[derive(Subcommand)]
enum RefundsCommand {
    /// Refund what is left of a charge, or part of it (spread over its donations).
    Charge {
        /// The charge's number.
        id: i64,
        /// Why (kept with the refund and shown to the page's owner).
        #[arg(long)]
        reason: String,
        /// Only this much, in the charge's currency (e.g. 2.50); default everything left.
        #[arg(long)]
        amount: Option<String>,
        /// A longer note.
        #[arg(long)]
        note: Option<String>,
    },
    /// Refund what is left of one donation.
    Donation {
        /// The donation's number.
        id: i64,
        /// Why (kept with the refund and shown to the page's owner).
        #[arg(long)]
        reason: String,
        /// A longer note.
        #[arg(long)]
        note: Option<String>,
    },
    /// List every supporter's refund request, newest first.
    Requests,
    /// List every refund, newest first.
    List,
}

#[derive(Subcommand)]
enum BenchCommand {
    /// One billing cycle over a synthetic population, with timings, memory and fees.
    Billing(server::bench::BillingBench),
    /// Page views a second on a large database: a creator page and the explore page under
    /// load from wrk, with median and 99th-percentile latency.
    Web(server::bench::web::WebBench),
    /// How long the outbox worker takes to send a queue of receipts (default 100,000) to the
    /// outbox folder, or to an SMTP server with `--smtp`.
    Mail(server::bench::mail::MailBench),
    /// Two scheduler processes on one PostgreSQL while tips and pledge changes arrive; one is
    /// killed with SIGKILL at a chosen moment each round and restarted; then checks that each
    /// supporter-cycle was charged once and the processor's calls agree with the ledger.
    Chaos(server::bench::scale::ChaosBench),
    /// One scheduler process on an existing bench database (started by the benches).
    #[command(hide = true)]
    BillingWorker(server::bench::scale::BillingWorker),
    /// Two outbox workers while new mail arrives; one is killed with SIGKILL at a random
    /// moment each round and restarted; then checks that every message left, and left twice
    /// only when a killed worker had sent its batch without marking it (one batch per kill).
    MailChaos(server::bench::mail_chaos::MailChaosBench),
    /// One outbox worker process on an existing bench database (started by the benches).
    #[command(hide = true)]
    MailWorker(server::bench::mail_chaos::MailWorker),
}

fn init_logging(json: bool, default_filter: &str) {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("chipin: {e}");
            return ExitCode::from(2);
        }
    };
    // The benchmark's bulk statements are slow by design; sqlx would print each one in full.
    let default_filter = match cli.command {
        // One log line per message written to the folder would be most of the work measured.
        Some(Command::Bench {
            command:
                BenchCommand::Mail(_) | BenchCommand::MailChaos(_) | BenchCommand::MailWorker(_),
        }) => "warn,sqlx=error",
        Some(Command::Bench { .. }) => "info,sqlx=error",
        _ => "info,sqlx=warn,tower_http=info",
    };
    init_logging(config.log_json, default_filter);
    match run(cli.command.unwrap_or(Command::Serve), config).await {
        Ok(code) => code,
        Err(e) => {
            let message = cli::error_chain(&e);
            tracing::error!("{message}");
            eprintln!("chipin: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> Result<ExitCode, CliError> {
    match command {
        Command::Migrate => {
            open(&config).await?;
            tracing::info!("migrations applied");
        }
        Command::DemoData => {
            if server::load_demo_data(&open(&config).await?).await? {
                println!("demo data loaded");
            } else {
                println!("the database already has users; demo data not loaded");
            }
        }
        Command::Billing {
            command: BillingCommand::Run { as_of },
        } => {
            let state = open(&config).await?;
            let outcome = cli::billing::run(&state, as_of).await;
            state.db.close().await;
            outcome?;
        }
        Command::Ledger {
            command: LedgerCommand::Check,
        } => {
            let state = open(&config).await?;
            let checked = cli::ledger::ledger_check_report(&state.db).await;
            state.db.close().await;
            let (report, ok) = checked.map_err(CliError::Ledger)?;
            println!("{report}");
            return Ok(exit_code(ok));
        }
        Command::Disputes {
            command: DisputesCommand::List,
        } => {
            let state = open(&config).await?;
            let listed = cli::disputes::disputes_list_report(&state.db).await;
            state.db.close().await;
            println!("{}", listed.map_err(CliError::Disputes)?);
        }
        Command::Security {
            command: SecurityCommand::Events { since },
        } => {
            let state = open(&config).await?;
            let now = chrono::Utc::now().timestamp();
            let listed = cli::security::events_report(&state.db, since, now).await;
            state.db.close().await;
            println!("{}", listed.map_err(CliError::Security)?);
        }
        Command::Payouts { command } => {
            let state = open(&config).await?;
            let outcome = match command {
                PayoutsCommand::Record {
                    page,
                    amount,
                    reference,
                    date,
                } => {
                    cli::payouts::record(&state, &page, &amount, &reference, date.as_deref()).await
                }
                PayoutsCommand::MarkPaid { id } => cli::payouts::mark_paid(&state, id).await,
                PayoutsCommand::StripeRun { as_of } => {
                    cli::payouts::stripe_run(&state, as_of).await
                }
            };
            state.db.close().await;
            println!("{}", outcome?);
        }
        Command::Accounts {
            command: AccountsCommand::Reset2fa { email },
        } => {
            let state = open(&config).await?;
            let outcome = cli::accounts::reset_two_factor(&state.db, &email).await;
            state.db.close().await;
            println!("{}", outcome?);
        }
        Command::Refunds { command } => {
            let state = open(&config).await?;
            let outcome = match command {
                RefundsCommand::Charge {
                    id,
                    reason,
                    amount,
                    note,
                } => {
                    cli::refunds::charge(&state, id, amount.as_deref(), &reason, note.as_deref())
                        .await
                }
                RefundsCommand::Donation { id, reason, note } => {
                    cli::refunds::donation(&state, id, &reason, note.as_deref()).await
                }
                RefundsCommand::List => cli::refunds::list_report(&state).await,
                RefundsCommand::Requests => cli::refunds::requests_report(&state).await,
            };
            state.db.close().await;
            println!("{}", outcome?);
        }
        Command::Backup { path } => {
            let (report, ok) = cli::backup::backup(config.database_url.expose(), &path).await?;
            println!("{report}");
            return Ok(exit_code(ok));
        }
        // The benchmark makes its own database rather than touching the configured one.
        Command::Bench {
            command: BenchCommand::Billing(args),
        } => return Ok(exit_code(server::bench::billing(&args).await?)),
        Command::Bench {
            command: BenchCommand::Web(args),
        } => return Ok(exit_code(server::bench::web::web(&args).await?)),
        Command::Bench {
            command: BenchCommand::Mail(args),
        } => return Ok(exit_code(server::bench::mail::mail(&args).await?)),
        Command::Bench {
            command: BenchCommand::Chaos(args),
        } => {
            let program = std::env::current_exe().map_err(server::bench::BenchError::Worker)?;
            let report = server::bench::scale::chaos(&args, &program).await?;
            return Ok(exit_code(report.problems.is_empty()));
        }
        Command::Bench {
            command: BenchCommand::MailChaos(args),
        } => {
            let program = std::env::current_exe().map_err(server::bench::BenchError::Worker)?;
            let report = server::bench::mail_chaos::mail_chaos(&args, &program).await?;
            return Ok(exit_code(report.problems.is_empty()));
        }
        Command::Bench {
            command: BenchCommand::MailWorker(args),
        } => {
            return Ok(exit_code(
                server::bench::mail_chaos::mail_worker(&args).await?,
            ));
        }
        Command::Bench {
            command: BenchCommand::BillingWorker(args),
        } => {
            return Ok(exit_code(
                server::bench::scale::billing_worker(&args).await?,
            ));
        }
        Command::Serve => {
            let state = open(&config).await?;
            if config.demo_data && server::load_demo_data(&state).await? {
                tracing::info!("demo data loaded into the new database");
            }
            let listener = server::bind(&config).await?;
            tracing::info!(address = %config.settings.base_url, "Chipin is listening");
            server::serve(config, state, listener, server::shutdown_signal()).await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The configured database, migrated, and the state around it.
async fn open(config: &Config) -> Result<AppState, CliError> {
    let db = server::open_database(config).await?;
    Ok(server::app_state(db, config)?)
}

fn exit_code(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
