//! What a processor charges for a card payment, as a schedule: basis points of the amount
//! plus a fixed part. The real fee of a charge is whatever the processor reports; a schedule
//! is for estimates shown before paying (and for the simulated processor, which charges it).

use crate::money::{Currency, Money};

/// A processor's card fee: basis points of the amount plus a fixed part in minor units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeeSchedule {
    pub basis_points: i64,
    pub fixed_minor: i64,
}

impl FeeSchedule {
    /// Standard card pricing: 2.9% + 30¢ in USD, and the local equivalents elsewhere.
    pub fn standard(currency: Currency) -> Self {
        let (basis_points, fixed_minor) = match currency {
            Currency::USD => (290, 30),
            Currency::EUR => (290, 25),
            Currency::GBP => (290, 20),
            Currency::KRW => (340, 0),
            Currency::JPY => (360, 0),
        };
        Self {
            basis_points,
            fixed_minor,
        }
    }

    /// The fee on `amount` (minor units), rounded half up; it may exceed a tiny amount.
    pub fn fee(&self, amount: i64) -> i64 {
        percentage_fee(amount, self.basis_points, self.fixed_minor)
    }

    /// The fee to expect on `amount`, never more than the amount itself.
    pub fn estimate(&self, amount: i64) -> i64 {
        self.fee(amount).min(amount)
    }

    /// The schedule for people: "2.9% + $0.30", "3.4%".
    pub fn describe(&self, currency: Currency) -> String {
        let percent = if self.basis_points % 100 == 0 {
            format!("{}%", self.basis_points / 100)
        } else {
            let decimals = format!("{:02}", self.basis_points % 100);
            format!(
                "{}.{}%",
                self.basis_points / 100,
                decimals.trim_end_matches('0')
            )
        };
        if self.fixed_minor == 0 {
            percent
        } else {
            // In the reader's language when there is one (`₩300` / `300원`).
            let fixed = crate::i18n::current().money(Money::new(self.fixed_minor, currency));
            format!("{percent} + {fixed}")
        }
    }
}

/// A fee in basis points of `amount`, rounded half up, plus a fixed part.
pub fn percentage_fee(amount: i64, basis_points: i64, fixed: i64) -> i64 {
    let variable = (i128::from(amount) * i128::from(basis_points) + 5_000) / 10_000;
    i64::try_from(variable)
        .unwrap_or(i64::MAX)
        .saturating_add(fixed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentage_fees_round_half_up() {
        assert_eq!(percentage_fee(1000, 290, 30), 59);
        assert_eq!(percentage_fee(100, 290, 30), 33);
        assert_eq!(percentage_fee(50, 290, 0), 1, "1.45 rounds to 1");
        assert_eq!(percentage_fee(52, 290, 0), 2, "1.508 rounds to 2");
    }

    #[test]
    fn schedules_read_like_a_price_list_and_never_estimate_more_than_the_amount() {
        let usd = FeeSchedule::standard(Currency::USD);
        assert_eq!(usd.describe(Currency::USD), "2.9% + $0.30");
        assert_eq!(
            FeeSchedule::standard(Currency::KRW).describe(Currency::KRW),
            "3.4%"
        );
        assert_eq!(usd.estimate(700), 50);
        assert_eq!(usd.fee(10), 30);
        assert_eq!(usd.estimate(10), 10);
    }
}
