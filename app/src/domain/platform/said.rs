//! What a refusal says to the person: a message of the translation files with its variables,
//! kept as an id so the server function it reaches writes it in the reader's language
//! ([`Said::for_reader`]), while logs, tests and `Display` read it in English.

use super::words::Words;
use crate::money::MoneyError;
use std::fmt;

/// A variable of a message: text, a count, or an amount.
pub use super::words::Arg as Value;

/// A sentence for the person, with its English text at hand: [`Words`], or text that is the
/// same in every language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Said {
    english: String,
    words: Option<Words>,
}

impl Said {
    /// The message `id`.
    pub fn message(id: &'static str) -> Self {
        Self::with(id, Vec::new())
    }

    /// The message `id` with its variables.
    pub fn with(id: &'static str, args: Vec<(&'static str, Value)>) -> Self {
        let words = args
            .into_iter()
            .fold(Words::new(id), |w, (name, value)| w.with(name, value));
        Self::from(words)
    }

    /// What is wrong with an amount.
    pub fn money(e: MoneyError) -> Self {
        Self::from(Words::Money(e))
    }

    /// In the language of the request being answered (see [`crate::i18n::current`]).
    pub fn for_reader(&self) -> String {
        self.words
            .as_ref()
            .map_or_else(|| self.english.clone(), Words::read)
    }
}

impl From<Words> for Said {
    fn from(words: Words) -> Self {
        Self {
            english: words.to_string(),
            words: Some(words),
        }
    }
}

impl From<String> for Said {
    fn from(english: String) -> Self {
        Self {
            english,
            words: None,
        }
    }
}

impl From<&str> for Said {
    fn from(english: &str) -> Self {
        Self::from(english.to_owned())
    }
}

impl std::ops::Deref for Said {
    type Target = str;
    fn deref(&self) -> &str {
        &self.english
    }
}

impl fmt::Display for Said {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.english)
    }
}

impl PartialEq<str> for Said {
    fn eq(&self, other: &str) -> bool {
        self.english == other
    }
}

impl PartialEq<&str> for Said {
    fn eq(&self, other: &&str) -> bool {
        self.english == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;
    use crate::money::{Currency, Money};

    #[test]
    fn a_refusal_reads_english_in_logs_and_the_readers_language_where_it_is_shown() {
        let s = Said::with(
            "give-err-tier-minimum",
            vec![("amount", Value::Amount(Money::new(12_000, Currency::KRW)))],
        );
        assert_eq!(s.to_string(), "This tier needs at least ₩12,000 a month.");
        let korean = |s: &Said| s.words.as_ref().map(|w| w.read_in(Locale::Ko));
        assert_eq!(
            korean(&s).as_deref(),
            Some("이 등급은 매달 최소 12,000원입니다.")
        );
        assert_eq!(Said::from("as is").for_reader(), "as is");
    }
}
