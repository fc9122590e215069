//! The command-line jobs besides `serve`: what each prints, and the one error type they share.
//! `main.rs` parses the command line and calls these.

pub mod accounts;
pub mod backup;
pub mod billing;
pub mod disputes;
pub mod ledger;
pub mod payouts;
pub mod refunds;
pub mod security;

use crate::StartError;
use crate::bench::BenchError;
use app::domain::billing::BillingError;

/// Why a command failed; `main` prints the whole cause chain and exits non-zero.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Start(#[from] StartError),
    #[error("the billing run failed")]
    Billing(#[from] BillingError),
    #[error("could not read the ledger")]
    Ledger(#[source] sqlx::Error),
    #[error("could not read the disputes")]
    Disputes(#[source] sqlx::Error),
    #[error("could not read the security events")]
    Security(#[source] sqlx::Error),
    #[error("the payout was refused")]
    Payout(#[from] app::domain::payouts::PayoutError),
    #[error("the Stripe payout run failed")]
    Connect(#[from] app::domain::payouts::connect::ConnectError),
    #[error("could not change the account")]
    Account(#[from] app::domain::accounts::AccountError),
    #[error("no account has the address {0}")]
    NoSuchAccount(String),
    #[error("the refund was not made")]
    Refund(#[from] app::domain::billing::refunds::RefundError),
    #[error("the backup failed")]
    Backup(#[from] backup::BackupError),
    #[error("the benchmark failed")]
    Bench(#[from] BenchError),
}

/// An error and its causes on one line: `the billing run failed: database: no such table`.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        // `#[error(transparent)]` wrappers repeat their source's message; say it once.
        if !message.ends_with(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = s.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_names_every_cause_once() {
        let e = CliError::Billing(BillingError::Db(sqlx::Error::RowNotFound));
        assert_eq!(
            error_chain(&e),
            format!(
                "the billing run failed: database: {}",
                sqlx::Error::RowNotFound
            )
        );
    }
}
