//! Money: integer minor units of an ISO 4217 currency. Never floats. Arithmetic is checked and
//! refuses to mix currencies; user input is parsed strictly, with messages a person can act on.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The currencies Chipin accepts, with their minor-unit exponents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Currency {
    USD,
    EUR,
    GBP,
    KRW,
    JPY,
}

impl Currency {
    pub const ALL: [Currency; 5] = [Self::USD, Self::EUR, Self::GBP, Self::KRW, Self::JPY];

    /// Digits after the decimal point in the minor unit.
    pub fn exponent(self) -> u32 {
        match self {
            Self::USD | Self::EUR | Self::GBP => 2,
            Self::KRW | Self::JPY => 0,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Self::USD => "$",
            Self::EUR => "€",
            Self::GBP => "£",
            Self::KRW => "₩",
            Self::JPY => "¥",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::USD => "USD",
            Self::EUR => "EUR",
            Self::GBP => "GBP",
            Self::KRW => "KRW",
            Self::JPY => "JPY",
        }
    }

    /// Minor units in one major unit (100 for USD, 1 for KRW).
    pub fn minor_per_major(self) -> i64 {
        10i64.pow(self.exponent())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(s.trim()))
            .ok_or(MoneyError::UnknownCurrency)
    }
}

/// An amount of one currency in its minor unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

/// What is wrong with an amount or a sum.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("Enter an amount.")]
    Empty,
    #[error("Enter an amount like 5 or 5.50.")]
    Malformed,
    #[error("The amount must be more than zero.")]
    NotPositive,
    #[error("{0} amounts can have at most {1} decimal places.")]
    TooPrecise(Currency, u32),
    #[error("The amount can be at most {0}.")]
    TooLarge(String),
    #[error("That currency symbol does not match {0}.")]
    WrongCurrency(Currency),
    #[error("Amounts in different currencies cannot be combined.")]
    CurrencyMismatch,
    #[error("The amount is too large to compute with.")]
    Overflow,
    #[error("Chipin does not support that currency.")]
    UnknownCurrency,
    /// `1,500` on a euro page: one and a half with a decimal comma, or fifteen hundred?
    #[error("Did you mean {0} or {1}?")]
    Ambiguous(Money, Money),
}

impl MoneyError {
    /// What a person reads, in the current language (see [`crate::i18n::current`]).
    pub fn message(&self) -> String {
        use crate::i18n::{arg, num};
        let l = crate::i18n::current();
        match self {
            Self::Empty => l.text("money-empty"),
            Self::Malformed => l.text("money-malformed"),
            Self::NotPositive => l.text("money-not-positive"),
            Self::TooPrecise(c, 0) => {
                crate::t_in!(l, "money-too-precise-none", currency = arg(c.code()))
            }
            Self::TooPrecise(c, places) => crate::t_in!(
                l,
                "money-too-precise",
                currency = arg(c.code()),
                places = num(i64::from(*places))
            ),
            Self::TooLarge(max) => crate::t_in!(l, "money-too-large", max = arg(max.as_str())),
            Self::WrongCurrency(c) => crate::t_in!(l, "money-wrong-currency", currency = arg(c.code())),
            Self::CurrencyMismatch => l.text("money-currency-mismatch"),
            Self::Overflow => l.text("money-overflow"),
            Self::UnknownCurrency => l.text("money-unknown-currency"),
            Self::Ambiguous(low, high) => crate::t_in!(
                l,
                "money-ambiguous",
                low = arg(l.money(*low)),
                high = arg(l.money(*high)),
                low_typed = arg(low.plain()),
                high_typed = arg(high.plain())
            ),
        }
    }
}

impl Money {
    /// The amount as a person would type it back, without symbol or grouping: `1.50`, `1500`.
    pub fn plain(&self) -> String {
        let per = self.currency.minor_per_major();
        let whole = self.minor / per;
        let frac = (self.minor % per).unsigned_abs();
        match self.currency.exponent() {
            0 => whole.to_string(),
            e => format!("{whole}.{frac:0width$}", width = e as usize),
        }
    }

    pub fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Self { minor: 0, currency }
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch);
        }
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch);
        }
        let minor = self
            .minor
            .checked_sub(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }

    /// Parses what a person types: `5`, `5.5`, `5.50`, `1,000`, `$2`, `₩1000`, `12,000원`,
    /// `2.00 USD`; a decimal comma where it cannot be a thousands separator (`1,50`), and on a
    /// euro amount the continental form (`1.234,50`). `1,500` on a euro amount could be either
    /// and is refused with both readings. The amount must be positive, no more precise than the
    /// currency, and at most `max_minor`.
    pub fn parse(input: &str, currency: Currency, max_minor: i64) -> Result<Money, MoneyError> {
        let mut s = input.trim();
        if s.is_empty() {
            return Err(MoneyError::Empty);
        }
        if let Some(rest) = s.strip_prefix('-')
            && !rest.trim().is_empty()
        {
            return Err(MoneyError::NotPositive);
        }
        // An optional symbol in front or code behind, which must be this currency's.
        for c in Currency::ALL {
            if let Some(rest) = s.strip_prefix(c.symbol()) {
                if c != currency && c.symbol() != currency.symbol() {
                    return Err(MoneyError::WrongCurrency(currency));
                }
                s = rest.trim_start();
                break;
            }
        }
        // Won as Korean writes them, after the number: `12,000원`.
        if let Some(rest) = s.strip_suffix('원') {
            if currency != Currency::KRW {
                return Err(MoneyError::WrongCurrency(currency));
            }
            s = rest.trim_end();
        }
        if s.len() > 3 && s.is_char_boundary(s.len() - 3) {
            let (head, tail) = s.split_at(s.len() - 3);
            if tail.chars().all(|c| c.is_ascii_alphabetic()) {
                if !tail.eq_ignore_ascii_case(currency.code()) {
                    return Err(MoneyError::WrongCurrency(currency));
                }
                s = head.trim_end();
            }
        }
        if s.starts_with('-') {
            return Err(MoneyError::NotPositive);
        }
        let normalised = decimal_point(s, currency)?;
        let s = normalised.as_str();
        let (whole, frac) = match s.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (s, None),
        };
        let whole_digits = parse_grouped(whole)?;
        let exponent = currency.exponent();
        let frac_minor = match frac {
            None => 0,
            Some(f) => {
                if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(MoneyError::Malformed);
                }
                let significant = f.trim_end_matches('0');
                if significant.len() as u32 > exponent {
                    return Err(MoneyError::TooPrecise(currency, exponent));
                }
                let mut padded = significant.to_owned();
                while (padded.len() as u32) < exponent {
                    padded.push('0');
                }
                if padded.is_empty() {
                    0
                } else {
                    padded.parse::<i64>().map_err(|_| MoneyError::Malformed)?
                }
            }
        };
        let too_large =
            || MoneyError::TooLarge(crate::i18n::current().money(Money::new(max_minor, currency)));
        let minor = whole_digits
            .checked_mul(currency.minor_per_major())
            .and_then(|m| m.checked_add(frac_minor))
            .ok_or_else(too_large)?;
        if minor == 0 {
            return Err(MoneyError::NotPositive);
        }
        if minor > max_minor {
            return Err(too_large());
        }
        Ok(Money::new(minor, currency))
    }
}

/// `s` with a decimal point where the person wrote a decimal comma. A comma followed by one or
/// two digits at the end is a decimal comma (`1,5`, `12,99`); on a euro amount, dots in
/// thousands places before it are separators (`1.234,50`). A single comma before exactly three
/// digits on a euro amount is [`MoneyError::Ambiguous`]; elsewhere it separates thousands.
fn decimal_point(s: &str, currency: Currency) -> Result<String, MoneyError> {
    let Some((head, tail)) = s.rsplit_once(',') else {
        return Ok(s.to_owned());
    };
    let tail_digits = !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit());
    if !tail_digits || s.contains('.') && !(currency == Currency::EUR && tail.len() <= 2) {
        return Ok(s.to_owned());
    }
    if tail.len() <= 2 && currency.exponent() > 0 {
        let whole = if currency == Currency::EUR {
            let groups: Vec<&str> = head.split('.').collect();
            let grouped = groups.len() > 1
                && (1..=3).contains(&groups[0].len())
                && groups[1..].iter().all(|g| g.len() == 3);
            if groups.len() > 1 && !grouped {
                return Err(MoneyError::Malformed);
            }
            groups.concat()
        } else {
            head.to_owned()
        };
        if whole.contains(',') {
            return Err(MoneyError::Malformed);
        }
        return Ok(format!("{whole}.{tail}"));
    }
    if currency == Currency::EUR && tail.len() == 3 && !head.contains(',') {
        let high = parse_grouped(&s.replace(',', ""))?;
        let low_whole = parse_grouped(head)?;
        let per = currency.minor_per_major();
        let low_frac: i64 = tail.trim_end_matches('0').parse().unwrap_or(0);
        if tail.trim_end_matches('0').len() as u32 <= currency.exponent() {
            let scale = 10i64.pow(currency.exponent() - tail.trim_end_matches('0').len() as u32);
            let low = low_whole
                .checked_mul(per)
                .and_then(|m| m.checked_add(low_frac * scale))
                .ok_or(MoneyError::Overflow)?;
            let high = high.checked_mul(per).ok_or(MoneyError::Overflow)?;
            return Err(MoneyError::Ambiguous(
                Money::new(low, currency),
                Money::new(high, currency),
            ));
        }
    }
    Ok(s.to_owned())
}

/// Digits with optional thousands separators in the right places: `1000`, `1,000`, `12,345,678`.
fn parse_grouped(s: &str) -> Result<i64, MoneyError> {
    if s.is_empty() {
        return Err(MoneyError::Malformed);
    }
    if s.contains(',') {
        let groups: Vec<&str> = s.split(',').collect();
        let first_ok = (1..=3).contains(&groups[0].len());
        let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
        if !first_ok || !rest_ok {
            return Err(MoneyError::Malformed);
        }
    }
    let digits: String = s.chars().filter(|&c| c != ',').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(MoneyError::Malformed);
    }
    // Anything longer than i64 holds is simply too large.
    digits
        .parse::<i64>()
        .map_err(|_| MoneyError::TooLarge("the maximum".to_owned()))
}

impl fmt::Display for Money {
    /// `$12.50`, `₩2,000`, `-€0.05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.currency;
        let abs = self.minor.unsigned_abs();
        let per = c.minor_per_major() as u64;
        let whole = (abs / per).to_string();
        let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
        for (i, ch) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        let sign = if self.minor < 0 { "-" } else { "" };
        if c.exponent() == 0 {
            write!(f, "{sign}{}{grouped}", c.symbol())
        } else {
            write!(
                f,
                "{sign}{}{grouped}.{:0w$}",
                c.symbol(),
                abs % per,
                w = c.exponent() as usize
            )
        }
    }
}

/// Formats minor units of a currency code for display (unknown codes are shown plainly).
pub fn format_money(minor: i64, currency: &str) -> String {
    match currency.parse::<Currency>() {
        Ok(c) => crate::i18n::current().money(Money::new(minor, c)),
        Err(_) => format!("{minor} {currency}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MAX: i64 = 100_000_000;

    fn usd(s: &str) -> Result<i64, MoneyError> {
        Money::parse(s, Currency::USD, MAX).map(|m| m.minor)
    }

    #[test]
    fn people_type_amounts_in_many_ways() {
        assert_eq!(usd("5"), Ok(500));
        assert_eq!(usd("5.5"), Ok(550));
        assert_eq!(usd("5.50"), Ok(550));
        assert_eq!(usd(" 1,000 "), Ok(100_000));
        assert_eq!(usd("$2"), Ok(200));
        assert_eq!(usd("$ 2.05"), Ok(205));
        assert_eq!(usd("2.00 USD"), Ok(200));
        assert_eq!(usd("0.01"), Ok(1));
        assert_eq!(
            usd("1.500"),
            Ok(150),
            "trailing zeros are not extra precision"
        );
        assert_eq!(
            Money::parse("₩1000", Currency::KRW, 10_000_000).map(|m| m.minor),
            Ok(1000)
        );
        assert_eq!(
            Money::parse("1,000", Currency::KRW, 10_000_000).map(|m| m.minor),
            Ok(1000)
        );
    }

    #[test]
    fn bad_amounts_are_refused_with_reasons() {
        assert_eq!(usd(""), Err(MoneyError::Empty));
        assert_eq!(usd("-5"), Err(MoneyError::NotPositive));
        assert_eq!(usd("0"), Err(MoneyError::NotPositive));
        assert_eq!(usd("0.00"), Err(MoneyError::NotPositive));
        assert_eq!(usd("1.005"), Err(MoneyError::TooPrecise(Currency::USD, 2)));
        assert_eq!(
            Money::parse("10.5", Currency::KRW, 1_000_000),
            Err(MoneyError::TooPrecise(Currency::KRW, 0))
        );
        assert!(matches!(usd("1000001"), Err(MoneyError::TooLarge(_))));
        assert!(matches!(
            usd("99999999999999999999999"),
            Err(MoneyError::TooLarge(_))
        ));
        for bad in [
            "abc", "5..0", "5.", ".5x", "1,0,0", "10,0000", "5 5", "1e3", "0x10", "5.-1", "NaN",
        ] {
            assert_eq!(usd(bad), Err(MoneyError::Malformed), "{bad:?}");
        }
        assert_eq!(usd("€5"), Err(MoneyError::WrongCurrency(Currency::USD)));
        assert_eq!(usd("5 EUR"), Err(MoneyError::WrongCurrency(Currency::USD)));
    }

    #[test]
    fn korean_amounts_and_decimal_commas_are_read_and_ambiguity_is_refused() {
        let krw = |s| Money::parse(s, Currency::KRW, i64::MAX);
        let eur = |s| Money::parse(s, Currency::EUR, i64::MAX);
        let usd = |s| Money::parse(s, Currency::USD, i64::MAX);
        for typed in ["12,000", "12000원", "12,000 원", "₩12,000", "12000 KRW"] {
            assert_eq!(krw(typed), Ok(Money::new(12_000, Currency::KRW)), "{typed}");
        }
        assert_eq!(usd("5원"), Err(MoneyError::WrongCurrency(Currency::USD)));
        assert_eq!(krw("1,50"), Err(MoneyError::Malformed));
        assert_eq!(eur("1,50"), Ok(Money::new(150, Currency::EUR)));
        assert_eq!(eur("€0,5"), Ok(Money::new(50, Currency::EUR)));
        assert_eq!(usd("12,99"), Ok(Money::new(1299, Currency::USD)));
        assert_eq!(eur("1.234,50"), Ok(Money::new(123_450, Currency::EUR)));
        assert_eq!(eur("1,234.50"), Ok(Money::new(123_450, Currency::EUR)));
        assert_eq!(eur("12.34,50"), Err(MoneyError::Malformed));
        assert_eq!(
            eur("1,500"),
            Err(MoneyError::Ambiguous(
                Money::new(150, Currency::EUR),
                Money::new(150_000, Currency::EUR)
            ))
        );
        assert_eq!(eur("1,500,000"), Ok(Money::new(150_000_000, Currency::EUR)));
        assert_eq!(usd("1,500"), Ok(Money::new(150_000, Currency::USD)));
    }

    #[test]
    fn formatting_follows_the_currency() {
        assert_eq!(Money::new(1250, Currency::USD).to_string(), "$12.50");
        assert_eq!(Money::new(5, Currency::EUR).to_string(), "€0.05");
        assert_eq!(
            Money::new(123_456_789, Currency::GBP).to_string(),
            "£1,234,567.89"
        );
        assert_eq!(Money::new(2000, Currency::KRW).to_string(), "₩2,000");
        assert_eq!(Money::new(-300, Currency::USD).to_string(), "-$3.00");
        assert_eq!(format_money(100, "CHF"), "100 CHF");
    }

    #[test]
    fn arithmetic_is_checked_and_single_currency() {
        let a = Money::new(i64::MAX, Currency::USD);
        assert_eq!(
            a.checked_add(Money::new(1, Currency::USD)),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Money::new(1, Currency::USD).checked_add(Money::new(1, Currency::EUR)),
            Err(MoneyError::CurrencyMismatch)
        );
        assert_eq!(
            Money::new(5, Currency::KRW).checked_sub(Money::new(7, Currency::KRW)),
            Ok(Money::new(-2, Currency::KRW))
        );
    }

    fn currency() -> impl Strategy<Value = Currency> {
        prop::sample::select(Currency::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn formatted_amounts_parse_back_to_themselves(minor in 1i64..=1_000_000_000_000, c in currency()) {
            let m = Money::new(minor, c);
            prop_assert_eq!(Money::parse(&m.to_string(), c, i64::MAX), Ok(m));
        }

        #[test]
        fn parsing_never_panics_and_accepts_only_positive_bounded_amounts(s in "\\PC{0,24}", c in currency()) {
            if let Ok(m) = Money::parse(&s, c, 10_000_000) {
                prop_assert!(m.minor > 0 && m.minor <= 10_000_000);
                prop_assert_eq!(m.currency, c);
            }
        }

        #[test]
        fn addition_is_exact_or_reports_overflow(a in any::<i64>(), b in any::<i64>()) {
            let r = Money::new(a, Currency::EUR).checked_add(Money::new(b, Currency::EUR));
            match a.checked_add(b) {
                Some(s) => prop_assert_eq!(r, Ok(Money::new(s, Currency::EUR))),
                None => prop_assert_eq!(r, Err(MoneyError::Overflow)),
            }
        }
    }
}
