//! When does a gift ask "are you sure?" first? A pledge or tip above the configured amount
//! (`LARGE_GIFT_CONFIRM`) is recorded only when the form says the supporter confirmed that
//! very amount, so a stray extra zero typed on a phone is caught before it is charged.

use crate::domain::giving::pledges::{PledgeError, amount};
use crate::domain::platform::said::{Said, Value};
use crate::domain::{AppState, Db};
use crate::money::{Currency, Money};

/// The largest amount in `currency` (minor units) that needs no confirmation, for a threshold
/// of `major` units: as is in USD, EUR and GBP; zero-decimal currencies are scaled to a
/// similar value (₩1,000 and ¥100 are each under a dollar), so 100 asks above ₩100,000 and
/// ¥10,000. `None` when nothing asks (`major` is 0).
pub fn large_gift_minor(major: i64, currency: Currency) -> Option<i64> {
    if major <= 0 {
        return None;
    }
    let scale = match currency {
        Currency::KRW => 1_000,
        Currency::JPY => 100,
        Currency::USD | Currency::EUR | Currency::GBP => 1,
    };
    major
        .checked_mul(scale)?
        .checked_mul(currency.minor_per_major())
}

/// True when `confirmed` (the form's `confirm_large` field) confirms exactly `money`.
fn confirms(confirmed: Option<&str>, money: Money) -> bool {
    confirmed.is_some_and(|c| c.trim() == money.minor.to_string())
}

/// Refuses `money` with `question` if it is above the threshold and not confirmed.
pub fn check(
    state: &AppState,
    money: Money,
    confirmed: Option<&str>,
    question: impl FnOnce() -> Said,
) -> Result<(), PledgeError> {
    match large_gift_minor(state.settings.large_gift_confirm_major, money.currency) {
        Some(limit) if money.minor > limit && !confirms(confirmed, money) => {
            Err(PledgeError::NeedsConfirmation(question()))
        }
        _ => Ok(()),
    }
}

/// Before a new pledge or tip of `raw` to `recipient_id` is recorded: refuses an unconfirmed
/// large amount with the question "Give $250.00 to Riverside Library?". An amount that does
/// not parse passes here; recording it reports the field error.
pub async fn check_new(
    state: &AppState,
    recipient_id: i64,
    raw: &str,
    confirmed: Option<&str>,
) -> Result<(), PledgeError> {
    let Some((name, currency)) = recipient(&state.db, recipient_id).await? else {
        return Ok(());
    };
    let Ok(money) = amount(raw, currency, "amount") else {
        return Ok(());
    };
    check(state, money, confirmed, || {
        Said::with(
            "give-err-confirm-give",
            vec![
                ("amount", Value::Amount(money)),
                ("name", Value::Text(name)),
            ],
        )
    })
}

/// Before `supporter`'s pledge `pledge_id` is changed to `raw` a month: refuses an
/// unconfirmed large new amount ("Pledge $250.00 a month to Riverside Library?"). Someone
/// else's pledge, or an amount that does not parse, passes here; the change reports it.
pub async fn check_pledge_change(
    state: &AppState,
    supporter: i64,
    pledge_id: i64,
    raw: &str,
    confirmed: Option<&str>,
) -> Result<(), PledgeError> {
    let row: Option<(String, String, i64)> = sqlx::query_as(
        "select r.name, p.currency, p.amount_minor from pledges p \
         join recipients r on r.id = p.recipient_id where p.id = $1 and p.supporter_id = $2",
    )
    .bind(pledge_id)
    .bind(supporter)
    .fetch_optional(state.db.pool())
    .await?;
    let Some((name, currency, current)) = row else {
        return Ok(());
    };
    let Some(money) = currency
        .parse::<Currency>()
        .ok()
        .and_then(|c| amount(raw, c, "amount").ok())
    else {
        return Ok(());
    };
    if money.minor == current {
        return Ok(());
    }
    check(state, money, confirmed, || {
        Said::with(
            "give-err-confirm-pledge",
            vec![
                ("amount", Value::Amount(money)),
                ("name", Value::Text(name)),
            ],
        )
    })
}

async fn recipient(db: &Db, id: i64) -> Result<Option<(String, Currency)>, sqlx::Error> {
    let row: Option<(String, String)> =
        sqlx::query_as("select name, currency from recipients where id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?;
    Ok(row.and_then(|(name, c)| Some((name, c.parse().ok()?))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_decimal_currencies_ask_at_a_similar_value() {
        assert_eq!(large_gift_minor(100, Currency::USD), Some(10_000));
        assert_eq!(large_gift_minor(100, Currency::EUR), Some(10_000));
        assert_eq!(large_gift_minor(100, Currency::KRW), Some(100_000));
        assert_eq!(large_gift_minor(100, Currency::JPY), Some(10_000));
        assert_eq!(large_gift_minor(0, Currency::USD), None);
        assert_eq!(large_gift_minor(i64::MAX, Currency::KRW), None);
    }

    #[test]
    fn only_the_same_amount_is_confirmed() {
        let m = Money::new(25_000, Currency::USD);
        assert!(confirms(Some("25000"), m));
        assert!(!confirms(Some("2500"), m));
        assert!(!confirms(Some(""), m));
        assert!(!confirms(None, m));
    }
}
