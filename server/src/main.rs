//! `server`: run Chipin, or one of its maintenance jobs.

use app::domain::AppState;
use clap::{Parser, Subcommand};
use server::config::Config;
use std::process::ExitCode;

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
}

fn init_logging(json: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
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
    init_logging(config.log_json);
    match run(cli.command.unwrap_or(Command::Serve), config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let mut message = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                message.push_str(": ");
                message.push_str(&s.to_string());
                source = s.source();
            }
            tracing::error!("{message}");
            eprintln!("chipin: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> Result<(), server::StartError> {
    let db = server::open_database(&config).await?;
    let state = AppState::new(db, config.settings.clone());
    match command {
        Command::Migrate => {
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::DemoData => {
            if server::load_demo_data(&state).await? {
                println!("demo data loaded");
            } else {
                println!("the database already has users; demo data not loaded");
            }
            Ok(())
        }
        Command::Serve => {
            if config.demo_data && server::load_demo_data(&state).await? {
                tracing::info!("demo data loaded into the new database");
            }
            let listener = server::bind(&config).await?;
            tracing::info!(address = %config.settings.base_url, "Chipin is listening");
            server::serve(config, state, listener, server::shutdown_signal()).await
        }
    }
}
