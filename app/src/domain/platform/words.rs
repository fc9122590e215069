//! What does a person read when a form is refused? Domain checks decide the message but do not
//! write it: they return [`Words`], a message id of the translation files with its variables,
//! and the server-function boundary puts it into the reader's language. Its `Display` is the
//! English text, for logs and tests.

use crate::i18n::Locale;
use crate::money::MoneyError;
use fluent_templates::fluent_bundle::FluentValue;
use std::fmt;

/// A message for a person, not yet in a language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Words {
    /// A message of the translation files with its variables.
    Message {
        id: &'static str,
        args: Vec<(&'static str, Arg)>,
    },
    /// An amount that does not read as money.
    Money(MoneyError),
}

/// A variable of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// Text as it is (a name, an address).
    Text(String),
    /// A number: Fluent picks plural forms from it.
    Number(i64),
    /// An amount, written as the reader's language writes money (`₩12,000` / `12,000원`).
    Amount(crate::money::Money),
    /// Another message, put into the same language first (a field's name).
    Message(&'static str),
}

impl Words {
    /// The message `id` without variables.
    pub fn new(id: &'static str) -> Self {
        Self::Message {
            id,
            args: Vec::new(),
        }
    }

    /// Adds the variable `name` with text as it is.
    pub fn text(self, name: &'static str, value: impl Into<String>) -> Self {
        self.with(name, Arg::Text(value.into()))
    }

    /// Adds the variable `name` with a number.
    pub fn number(self, name: &'static str, value: i64) -> Self {
        self.with(name, Arg::Number(value))
    }

    /// Adds the variable `name` with another message's text (in the same language).
    pub fn message(self, name: &'static str, id: &'static str) -> Self {
        self.with(name, Arg::Message(id))
    }

    /// Adds the variable `name` with an amount.
    pub fn amount(self, name: &'static str, value: crate::money::Money) -> Self {
        self.with(name, Arg::Amount(value))
    }

    /// Adds the variable `name`.
    pub fn with(mut self, name: &'static str, value: Arg) -> Self {
        if let Self::Message { args, .. } = &mut self {
            args.push((name, value));
        }
        self
    }

    /// The text in the language of the request being answered.
    pub fn read(&self) -> String {
        match self {
            Self::Money(e) => e.message(),
            _ => self.read_in(crate::i18n::current()),
        }
    }

    /// The text in `locale`.
    pub fn read_in(&self, locale: Locale) -> String {
        match self {
            Self::Message { id, args } => {
                let values: Vec<(&'static str, FluentValue<'_>)> = args
                    .iter()
                    .map(|(name, value)| {
                        let value = match value {
                            Arg::Text(s) => FluentValue::from(s.as_str()),
                            Arg::Number(n) => FluentValue::from(*n),
                            Arg::Amount(m) => FluentValue::from(locale.money(*m)),
                            Arg::Message(id) => FluentValue::from(locale.text(id)),
                        };
                        (*name, value)
                    })
                    .collect();
                locale.text_with(id, &values)
            }
            Self::Money(e) => e.to_string(),
        }
    }
}

impl From<MoneyError> for Words {
    fn from(e: MoneyError) -> Self {
        Self::Money(e)
    }
}

impl fmt::Display for Words {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.read_in(Locale::En))
    }
}
