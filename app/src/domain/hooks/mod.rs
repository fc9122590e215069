//! How does a page's owner hear of what happens on their page, in their own systems? Outgoing
//! webhooks: endpoints the owner registers ([`endpoints`]), events written to an outbox in the
//! same transaction as the change that causes them ([`events`]), signed as the Standard
//! Webhooks specification says ([`signing`]), and delivered by a worker that retries for three
//! days ([`delivery`]) and never reaches a private address ([`guard`]).
//!
//! (Incoming Stripe webhooks are another subsystem: `webhooks`.)
//!
//! May import: platform, mail.

pub mod delivery;
pub mod endpoints;
pub mod events;
pub mod guard;
pub mod signing;

pub use events::{Event, EventType, enqueue, listeners};

/// Why a change to an endpoint was refused.
#[derive(Debug, thiserror::Error)]
pub enum HookError {
    /// A form field is wrong: the field's name and a message for the person.
    #[error("{1}")]
    Field(&'static str, crate::domain::platform::words::Words),
    /// Not the caller's page or endpoint (or none such).
    #[error("not found")]
    NotYours,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}
