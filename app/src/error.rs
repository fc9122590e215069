//! The one error type that crosses the server-function boundary.
//!
//! Policy: domain modules have their own `thiserror` enums. At the boundary they become an
//! [`AppError`]. Everything a person can fix (a field, a permission, a missing page, a rate
//! limit) travels to the browser with a readable message; everything else is an
//! [`AppError::Internal`], whose cause is logged on the server and never serialised.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};
use std::fmt;

/// An error a page can show. Serialised as JSON between server and browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    /// A form field is wrong; `field` is the input's `name`.
    Invalid { field: String, message: String },
    /// The caller must log in first.
    Unauthenticated,
    /// The caller is logged in but may not touch this.
    Forbidden,
    /// No such thing (or the caller may not know it exists).
    NotFound,
    /// Too many attempts; the message says when to try again.
    RateLimited { message: String },
    /// A request that cannot succeed as sent (expired link, stale form, ...).
    Rejected { message: String },
    /// Something broke on the server. The cause is in the server log only.
    Internal,
}

impl AppError {
    /// A validation error for one form field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A refusal with a message for the person.
    pub fn rejected(message: impl Into<String>) -> Self {
        Self::Rejected {
            message: message.into(),
        }
    }

    /// Logs `cause` with its chain and returns the fixed internal error.
    #[cfg(feature = "ssr")]
    pub fn internal(cause: impl std::error::Error) -> Self {
        let mut chain = cause.to_string();
        let mut source = cause.source();
        while let Some(s) = source {
            chain.push_str(": ");
            chain.push_str(&s.to_string());
            source = s.source();
        }
        tracing::error!(cause = %chain, "internal error");
        Self::Internal
    }

    /// The field this error belongs to, if it is a field error.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}

/// In the reader's language: the messages of fixed errors come from the translations, and
/// the others were written in it where they were made.
impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid { message, .. } => f.write_str(message),
            Self::Unauthenticated => f.write_str(&crate::t!("error-unauthenticated")),
            Self::Forbidden => f.write_str(&crate::t!("error-forbidden")),
            Self::NotFound => f.write_str(&crate::t!("error-not-found")),
            Self::RateLimited { message } | Self::Rejected { message } => f.write_str(message),
            Self::Internal => f.write_str(&crate::t!("error-internal")),
        }
    }
}

impl std::error::Error for AppError {}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The arguments did not parse: a form was tampered with or is out of date.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                Self::rejected(crate::t!("error-form-incomplete"))
            }
            ServerFnErrorErr::Request(_) => {
                Self::rejected(crate::t!("error-unreachable"))
            }
            _ => Self::Internal,
        }
    }
}
