//! Plain data shared by the server and the browser: what server functions return.

use serde::{Deserialize, Serialize};

/// The logged-in person, as pages need to know them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub display_name: String,
    pub email: String,
    pub is_admin: bool,
}

/// Creator or cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecipientKind {
    Creator,
    Cause,
}

impl RecipientKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Creator => "Creator",
            Self::Cause => "Cause",
        }
    }

    pub fn from_db(s: &str) -> Self {
        if s == "cause" {
            Self::Cause
        } else {
            Self::Creator
        }
    }
}

/// A recipient as a card on the explore page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientCard {
    pub slug: String,
    pub kind: RecipientKind,
    pub name: String,
    pub tagline: String,
    pub category: String,
    pub currency: String,
    /// Cheapest active tier, in minor units.
    pub from_minor: Option<i64>,
}

/// A tier as shown on a recipient's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierView {
    pub id: i64,
    pub name: String,
    pub price_minor: i64,
    pub description: String,
    pub perks: Vec<String>,
}

/// A recipient's public page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientPage {
    pub slug: String,
    pub kind: RecipientKind,
    pub name: String,
    pub tagline: String,
    pub category: String,
    pub currency: String,
    /// Sanitised HTML rendered from the Markdown bio.
    pub bio_html: String,
    pub goal_minor: Option<i64>,
    pub tiers: Vec<TierView>,
}

/// Formats minor units for display, e.g. `(1250, "USD")` → `$12.50`, `(2000, "KRW")` → `₩2,000`.
pub fn format_money(minor: i64, currency: &str) -> String {
    let (symbol, exponent) = match currency {
        "USD" => ("$", 2),
        "EUR" => ("€", 2),
        "GBP" => ("£", 2),
        "KRW" => ("₩", 0),
        "JPY" => ("¥", 0),
        _ => ("", 2),
    };
    let negative = minor < 0;
    let abs = minor.unsigned_abs();
    let divisor = 10u64.pow(exponent);
    let whole = abs / divisor;
    let frac = abs % divisor;
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if negative { "-" } else { "" };
    let code = if symbol.is_empty() {
        format!(" {currency}")
    } else {
        String::new()
    };
    if exponent == 0 {
        format!("{sign}{symbol}{grouped}{code}")
    } else {
        format!(
            "{sign}{symbol}{grouped}.{frac:0width$}{code}",
            width = exponent as usize
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_formatted_per_currency() {
        assert_eq!(format_money(1250, "USD"), "$12.50");
        assert_eq!(format_money(5, "EUR"), "€0.05");
        assert_eq!(format_money(123_456_789, "GBP"), "£1,234,567.89");
        assert_eq!(format_money(2000, "KRW"), "₩2,000");
        assert_eq!(format_money(-300, "USD"), "-$3.00");
        assert_eq!(format_money(100, "CHF"), "1.00 CHF");
    }
}
