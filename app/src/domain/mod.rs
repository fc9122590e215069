//! Chipin's domain: everything about money, people and pages, and nothing about HTTP or
//! Leptos, so the scheduler, the command line and the tests call it directly. Server-only.
//!
//! It is built as named subsystems, one folder each, whose `mod.rs` says what question it
//! answers. A subsystem imports only the ones listed after its arrow, all listed above it,
//! so no two import each other (`architecture.rs` checks the sources against this list):
//!
//! - `platform` →
//! - `processors` → platform
//! - `books` → platform
//! - `mail` → platform, processors
//! - `hooks` → platform, mail
//! - `security` → platform, mail
//! - `accounts` → platform, mail
//! - `recipients` → platform, books, hooks
//! - `billing` → platform, mail, security, processors, books, hooks
//! - `giving` → platform, mail, security, processors, books, recipients, billing, hooks
//! - `payouts` → platform, mail, processors, books, recipients, billing, hooks
//! - `webhooks` → platform, security, processors, books, billing, giving, payouts, hooks
//! - `privacy` → platform, books, recipients
//! - `developer` → platform, recipients
//!
//! Any of them may take [`AppState`], the shared handles an entry point needs, and the
//! `Db` and `Settings` re-exported here from `platform`.

pub mod accounts;
pub mod billing;
pub mod books;
pub mod developer;
pub mod giving;
pub mod hooks;
pub mod mail;
pub mod payouts;
pub mod platform;
pub mod privacy;
pub mod processors;
pub mod recipients;
pub mod security;
pub mod webhooks;

#[cfg(test)]
mod architecture;

pub use platform::db::Db;
pub use platform::settings::Settings;

use std::sync::Arc;

/// Everything a request handler, a worker or a command needs: shared, cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub hasher: accounts::password::Hasher,
    /// Who charges cards: the simulated processor unless Stripe is configured.
    pub processor: Arc<dyn processors::PaymentProcessor>,
    /// Stripe, when configured (then it is also `processor`): saving cards through Checkout.
    pub stripe: Option<Arc<processors::stripe::StripeProcessor>>,
    pub billing: Arc<billing::BillingConfig>,
    /// Public pages and explore lists served recently, for a few seconds.
    pub public_cache: Arc<recipients::public_cache::PublicCache>,
}

impl AppState {
    /// Builds the state from an open database and settings, with the simulated processor.
    pub fn new(db: Db, settings: Settings) -> Self {
        let billing = billing::BillingConfig {
            site_url: settings.base_url.as_str().trim_end_matches('/').to_owned(),
            limits: settings.limits,
            operator_email: settings.operator_email.clone(),
            ..billing::BillingConfig::default()
        };
        Self {
            public_cache: Arc::new(recipients::public_cache::PublicCache::new(
                std::time::Duration::from_secs(settings.explore_cache_secs),
                std::time::Duration::from_secs(settings.page_cache_secs),
            )),
            hasher: accounts::password::Hasher::new(settings.password_hashing_concurrency),
            db,
            settings: Arc::new(settings),
            processor: Arc::new(processors::simulated::SimulatedProcessor::new()),
            stripe: None,
            billing: Arc::new(billing),
        }
    }
}

impl AppState {
    /// Charges through Stripe instead of the simulated processor.
    pub fn with_stripe(mut self, stripe: processors::stripe::StripeProcessor) -> Self {
        let stripe = Arc::new(stripe);
        self.processor = stripe.clone();
        self.stripe = Some(stripe);
        self
    }
}
