//! `server accounts reset-2fa EMAIL`: turns two-factor sign-in off for a person who lost both
//! their device and their recovery codes (after the operator has made sure who is asking).

use app::domain::Db;
use app::domain::accounts::two_factor;

/// What the command prints; an unknown address is an error, so a typo is noticed.
pub async fn reset_two_factor(db: &Db, email: &str) -> Result<String, super::CliError> {
    if two_factor::reset(db, email).await? {
        Ok(format!(
            "two-factor sign-in is off for {}; they log in with their password and can set it up again",
            email.trim().to_lowercase()
        ))
    } else {
        Err(super::CliError::NoSuchAccount(email.trim().to_owned()))
    }
}
