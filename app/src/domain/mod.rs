//! Chipin's domain: accounts, mail, recipients and (later) money. Server-only; nothing here
//! knows about HTTP or Leptos, so the scheduler, the CLI and the tests call it directly.

pub mod accounts;
pub mod db;
pub mod demo;
pub mod mail;
pub mod markdown;
pub mod recipients;
pub mod settings;
pub mod tokens;

pub use db::Db;
pub use settings::Settings;

use std::sync::Arc;

/// Everything a request handler, a worker or a command needs: shared, cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub hasher: accounts::password::Hasher,
}

impl AppState {
    /// Builds the state from an open database and settings.
    pub fn new(db: Db, settings: Settings) -> Self {
        Self {
            hasher: accounts::password::Hasher::new(settings.password_hashing_concurrency),
            db,
            settings: Arc::new(settings),
        }
    }
}
