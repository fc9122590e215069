//! What does a page's chip-in button look like, and what does its owner paste? The choices
//! (amounts, label, light or dark, compact button or panel) as the studio form, the script's
//! `data-…` attributes and the framed button's address all spell them, parsed the same way;
//! and the copy-paste snippet built from them.
//!
//! Amounts are written as people write them in the page's currency ("0.01", "5", "1000" for
//! KRW) and parsed by the money core, so the smallest is the currency's minor unit.

use crate::domain::platform::said::{Said, Value};
use crate::money::{Currency, Money};

/// The most amounts one button offers.
pub const MAX_AMOUNTS: usize = 5;
/// The longest label.
pub const MAX_LABEL_CHARS: usize = 40;
/// The largest one-click amount, in major units: more goes through the page's own form.
const MAX_MAJOR: i64 = 1_000;

/// Light or dark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

/// A single button with the first amount, or a panel (every amount, the tiers, a goal bar).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Compact,
    Panel,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }
}

impl Layout {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Compact => "compact",
            Self::Panel => "panel",
        }
    }
}

/// A button's choices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ButtonOptions {
    /// Amounts in minor units, in the order given, at least one.
    pub amounts: Vec<i64>,
    pub label: String,
    pub theme: Theme,
    pub layout: Layout,
}

/// The choices as typed (a form, a query string or `data-…` attributes).
#[derive(Clone, Copy, Debug, Default)]
pub struct RawOptions<'a> {
    pub amounts: &'a str,
    pub label: &'a str,
    pub theme: &'a str,
    pub layout: &'a str,
}

/// A field the owner has to fix, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionError {
    pub field: &'static str,
    pub message: String,
}

fn field(field: &'static str, message: impl Into<String>) -> OptionError {
    OptionError {
        field,
        message: message.into(),
    }
}

/// The amounts a new button starts with: one minor unit, one and five major units.
pub fn default_amounts(currency: Currency) -> Vec<i64> {
    let major = currency.minor_per_major();
    if major == 1 {
        // KRW, JPY: ₩10 is the smallest sensible tip, then ₩1,000 and ₩5,000.
        vec![10, 1_000, 5_000]
    } else {
        vec![1, major, 5 * major]
    }
}

/// The default label.
pub const DEFAULT_LABEL: &str = "Chip in";

/// One amount as the snippet writes it: plain digits and a decimal point, no symbol or
/// grouping ("0.01", "5", "1000").
pub fn plain_amount(minor: i64, currency: Currency) -> String {
    let per = currency.minor_per_major();
    if minor % per == 0 {
        (minor / per).to_string()
    } else {
        let width = currency.exponent() as usize;
        format!("{}.{:0width$}", minor / per, minor % per)
    }
}

/// Parses one amount as a tip from the button may be: positive, at most the currency's
/// precision, at most [`MAX_MAJOR`] major units.
pub fn parse_amount(raw: &str, currency: Currency) -> Result<Money, Said> {
    Money::parse(
        raw,
        currency,
        MAX_MAJOR.saturating_mul(currency.minor_per_major()),
    )
    .map_err(|e| match e {
        crate::money::MoneyError::TooLarge(_) => Said::with(
            "give-err-button-max",
            vec![(
                "max",
                Value::Amount(Money::new(MAX_MAJOR * currency.minor_per_major(), currency)),
            )],
        ),
        e => Said::money(e),
    })
}

impl ButtonOptions {
    /// A new button's choices for a page in `currency`.
    pub fn new(currency: Currency) -> Self {
        Self {
            amounts: default_amounts(currency),
            label: DEFAULT_LABEL.to_owned(),
            theme: Theme::Light,
            layout: Layout::Compact,
        }
    }

    /// The owner's choices, strictly: the first mistake is reported at its field.
    pub fn parse(raw: RawOptions<'_>, currency: Currency) -> Result<Self, OptionError> {
        let mut amounts = Vec::new();
        for part in raw
            .amounts
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let money = parse_amount(part, currency)
                .map_err(|m| field("amounts", format!("“{part}”: {m}")))?;
            if !amounts.contains(&money.minor) {
                amounts.push(money.minor);
            }
        }
        if amounts.is_empty() {
            return Err(field(
                "amounts",
                "Give at least one amount, e.g. 0.01, 1, 5.",
            ));
        }
        if amounts.len() > MAX_AMOUNTS {
            return Err(field(
                "amounts",
                format!("A button offers at most {MAX_AMOUNTS} amounts."),
            ));
        }
        let label = raw.label.trim();
        let label = if label.is_empty() {
            DEFAULT_LABEL
        } else {
            label
        };
        if label.chars().count() > MAX_LABEL_CHARS {
            return Err(field(
                "label",
                format!("Keep the label to {MAX_LABEL_CHARS} characters."),
            ));
        }
        if label.chars().any(char::is_control) {
            return Err(field(
                "label",
                "The label cannot contain control characters.",
            ));
        }
        let theme = match raw.theme {
            "" | "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => return Err(field("theme", "Choose light or dark.")),
        };
        let layout = match raw.layout {
            "" | "compact" => Layout::Compact,
            "panel" => Layout::Panel,
            _ => return Err(field("layout", "Choose a button or a panel.")),
        };
        Ok(Self {
            amounts,
            label: label.to_owned(),
            theme,
            layout,
        })
    }

    /// Choices from a framed button's address, whoever wrote it: what does not parse falls
    /// back to the default, so a pasted snippet with a typo still draws a button.
    pub fn lenient(raw: RawOptions<'_>, currency: Currency) -> Self {
        let defaults = Self::new(currency);
        let pick = |r: RawOptions<'_>| Self::parse(r, currency).ok();
        let amounts = pick(RawOptions {
            label: "",
            theme: "",
            layout: "",
            ..raw
        })
        .map_or(defaults.amounts, |o| o.amounts);
        let label = pick(RawOptions {
            amounts: "1",
            ..raw
        })
        .map_or_else(|| DEFAULT_LABEL.to_owned(), |o| o.label);
        Self {
            amounts,
            label,
            theme: if raw.theme == "dark" {
                Theme::Dark
            } else {
                Theme::Light
            },
            layout: if raw.layout == "panel" {
                Layout::Panel
            } else {
                Layout::Compact
            },
        }
    }

    /// The amounts as the form and the snippet write them: "0.01,1,5".
    pub fn amounts_text(&self, currency: Currency) -> String {
        self.amounts
            .iter()
            .map(|m| plain_amount(*m, currency))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The framed button's query string (`amounts=…&label=…&theme=…&layout=…`).
    pub fn query(&self, currency: Currency) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("amounts", &self.amounts_text(currency))
            .append_pair("label", &self.label)
            .append_pair("theme", self.theme.as_str())
            .append_pair("layout", self.layout.as_str())
            .finish()
    }

    /// The HTML an owner pastes: the script that draws the button, and a link with the badge
    /// image for readers without JavaScript.
    pub fn snippet(&self, origin: &str, slug: &str, name: &str, currency: Currency) -> String {
        let first = self.amounts.first().copied().unwrap_or(1);
        let amount = plain_amount(first, currency);
        format!(
            "<script src=\"{origin}/embed.js\" async data-page=\"{slug}\" data-amounts=\"{amounts}\" \
             data-label=\"{label}\" data-theme=\"{theme}\" data-layout=\"{layout}\"></script>\n\
             <noscript><a href=\"{origin}/chip-in/{slug}?amount={amount}\"><img src=\"{origin}/badge/{slug}.svg\" \
             alt=\"{alt}\"></a></noscript>",
            amounts = escape(&self.amounts_text(currency)),
            label = escape(&self.label),
            theme = self.theme.as_str(),
            layout = self.layout.as_str(),
            alt = escape(&format!("{}: support {name} on Chipin", self.label)),
        )
    }
}

/// The page `page` as its owner's button page needs it: name, slug and currency; `None` if
/// `owner` does not own it.
pub async fn owned_page(
    db: &crate::domain::Db,
    owner: i64,
    page: i64,
) -> Result<Option<(String, String, Currency)>, sqlx::Error> {
    let Some(owned) = super::OwnedPage::load(db, owner, page).await? else {
        return Ok(None);
    };
    let (slug,): (String,) = sqlx::query_as("select slug from recipients where id = $1")
        .bind(owned.id)
        .fetch_one(db.pool())
        .await?;
    Ok(Some((owned.name, slug, owned.currency)))
}

/// Escapes text for HTML or XML content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw<'a>(amounts: &'a str, label: &'a str) -> RawOptions<'a> {
        RawOptions {
            amounts,
            label,
            theme: "dark",
            layout: "panel",
        }
    }

    #[test]
    fn amounts_go_down_to_the_currencys_minor_unit() {
        let o = ButtonOptions::parse(raw("0.01, 1, 2.5", ""), Currency::USD).unwrap();
        assert_eq!(o.amounts, vec![1, 100, 250]);
        assert_eq!(o.amounts_text(Currency::USD), "0.01,1,2.50");
        assert_eq!(o.label, DEFAULT_LABEL);
        let krw = ButtonOptions::parse(raw("10,1000", "응원하기"), Currency::KRW).unwrap();
        assert_eq!(krw.amounts, vec![10, 1000]);
        assert_eq!(krw.amounts_text(Currency::KRW), "10,1000");
        let e = ButtonOptions::parse(raw("0.001", ""), Currency::USD).unwrap_err();
        assert_eq!(e.field, "amounts");
        let e = ButtonOptions::parse(raw("10.5", ""), Currency::KRW).unwrap_err();
        assert_eq!(e.field, "amounts");
        assert!(ButtonOptions::parse(raw("", ""), Currency::USD).is_err());
        assert!(ButtonOptions::parse(raw("1,2,3,4,5,6", ""), Currency::USD).is_err());
        assert!(ButtonOptions::parse(raw("5000", ""), Currency::USD).is_err());
    }

    #[test]
    fn a_framed_address_with_mistakes_still_draws_a_button() {
        let o = ButtonOptions::lenient(
            RawOptions {
                amounts: "abc",
                label: &"x".repeat(100),
                theme: "neon",
                layout: "",
            },
            Currency::EUR,
        );
        assert_eq!(o, ButtonOptions::new(Currency::EUR));
    }

    #[test]
    fn the_snippet_escapes_what_the_owner_typed() {
        let o = ButtonOptions::parse(raw("1", "Tip \"me\" <now>"), Currency::USD).unwrap();
        let s = o.snippet("https://chipin.example", "mara", "Mara & co", Currency::USD);
        assert!(
            s.contains("data-label=\"Tip &quot;me&quot; &lt;now&gt;\""),
            "{s}"
        );
        assert!(s.contains("Mara &amp; co"), "{s}");
        assert!(s.contains("<noscript><a href=\"https://chipin.example/chip-in/mara?amount=1\">"));
        assert!(s.contains("src=\"https://chipin.example/badge/mara.svg\""));
    }
}
