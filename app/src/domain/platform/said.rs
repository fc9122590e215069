//! What a refusal says to the person: a message of the translation files with its variables,
//! kept as an id so the server function it reaches writes it in the reader's language
//! ([`Said::for_reader`]), while logs, tests and `Display` read it in English.

use crate::i18n::Locale;
use crate::money::{Money, MoneyError};
use std::fmt;

/// A variable of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Text(String),
    /// A count: Fluent picks plural forms from it.
    Count(i64),
    /// An amount, written as the reader's language writes money.
    Amount(Money),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Words {
    /// Words that are the same in every language (or were never translated).
    Plain,
    Message(&'static str, Vec<(&'static str, Value)>),
    Money(MoneyError),
}

/// A sentence for the person, with its English text at hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Said {
    english: String,
    words: Words,
}

impl Said {
    /// The message `id`.
    pub fn message(id: &'static str) -> Self {
        Self::with(id, Vec::new())
    }

    /// The message `id` with its variables.
    pub fn with(id: &'static str, args: Vec<(&'static str, Value)>) -> Self {
        let words = Words::Message(id, args);
        Self {
            english: render(&words, Locale::En),
            words,
        }
    }

    /// What is wrong with an amount.
    pub fn money(e: MoneyError) -> Self {
        Self {
            english: e.to_string(),
            words: Words::Money(e),
        }
    }

    /// `english` as the message among `ids` whose English it is, else as it is: for parsers
    /// that answer with fixed English sentences.
    pub fn known(english: &str, ids: &[&'static str]) -> Self {
        ids.iter()
            .find(|id| Locale::En.text(id) == english)
            .map_or_else(|| Self::from(english), |id| Self::message(id))
    }

    /// In the language of the request being answered (see [`crate::i18n::current`]).
    pub fn for_reader(&self) -> String {
        match &self.words {
            Words::Plain => self.english.clone(),
            Words::Money(e) => e.message(),
            w => render(w, crate::i18n::current()),
        }
    }
}

fn render(words: &Words, locale: Locale) -> String {
    use fluent_templates::fluent_bundle::FluentValue;
    match words {
        Words::Plain => String::new(),
        Words::Money(e) => e.to_string(),
        Words::Message(id, args) => {
            let args: Vec<(&'static str, FluentValue<'_>)> = args
                .iter()
                .map(|(k, v)| {
                    let v = match v {
                        Value::Text(t) => crate::i18n::arg(t.as_str()),
                        Value::Count(n) => crate::i18n::num(*n),
                        Value::Amount(m) => crate::i18n::arg(locale.money(*m)),
                    };
                    (*k, v)
                })
                .collect();
            locale.text_with(id, &args)
        }
    }
}

impl From<String> for Said {
    fn from(english: String) -> Self {
        Self {
            english,
            words: Words::Plain,
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
    use crate::money::Currency;

    #[test]
    fn a_refusal_reads_english_in_logs_and_the_readers_language_where_it_is_shown() {
        let s = Said::with(
            "give-err-tier-minimum",
            vec![("amount", Value::Amount(Money::new(12_000, Currency::KRW)))],
        );
        assert_eq!(s.to_string(), "This tier needs at least ₩12,000 a month.");
        assert_eq!(
            render(&s.words, Locale::Ko),
            "이 등급은 매달 최소 12,000원입니다."
        );
        let known = Said::known("This tier is full.", &["give-err-tier-full"]);
        assert_eq!(
            render(&known.words, Locale::Ko),
            "이 등급은 자리가 다 찼습니다."
        );
        assert_eq!(Said::from("as is").for_reader(), "as is");
    }
}
