//! Who moves the money, and what does it cost? The payment processor as Chipin sees it,
//! shaped after Stripe: an off-session charge (PaymentIntent) for a saved payment method, made
//! with an idempotency key, whose outcome is success (with the fee), a decline with a code, a
//! request for authentication (3-D Secure), or "processing" (settled later by webhook);
//! refunds; the fee schedule estimates are made from. Two adapters: `simulated` (test cards,
//! no keys) and `stripe` (its API calls, Checkout, the webhook signature, Connect's API).
//!
//! May import: platform.

pub mod fees;
pub mod metered;
pub mod simulated;
pub mod stripe;

pub use fees::FeeSchedule;

use crate::money::{Currency, Money};
use std::future::Future;
use std::pin::Pin;

/// A boxed future, so processors can be used as trait objects.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One consolidated off-session charge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChargeRequest {
    /// Derived from the committed charge row: the same attempt always sends the same key.
    pub idempotency_key: String,
    pub amount: Money,
    /// The processor's customer, where it has one.
    pub customer: Option<String>,
    /// The saved payment method to charge.
    pub payment_method: String,
    /// Chipin's charge id, supporter and cycle, recorded with the processor for reconciliation.
    pub charge_id: i64,
    pub supporter_id: i64,
    pub cycle: String,
}

/// What became of a charge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChargeOutcome {
    /// Money captured; `fee_minor` is what the processor kept.
    Succeeded {
        processor_ref: String,
        fee_minor: i64,
    },
    /// The card was declined (`card_declined`, `insufficient_funds`, `expired_card`, …).
    Declined {
        processor_ref: Option<String>,
        code: String,
    },
    /// The bank wants the cardholder to authenticate on-session.
    RequiresAuthentication { processor_ref: String },
    /// Not final yet; a webhook will settle it.
    Processing { processor_ref: String },
}

/// A refund of part or all of a charge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundRequest {
    pub idempotency_key: String,
    pub processor_ref: String,
    pub amount: Money,
}

/// A completed refund.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundOutcome {
    pub refund_ref: String,
}

/// The call did not produce an outcome; the charge stays pending and is retried with the same
/// idempotency key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProcessorError {
    #[error("the processor could not be reached: {0}")]
    Unavailable(String),
    #[error("the processor refused the request: {0}")]
    Invalid(String),
    /// Too many requests (HTTP 429): nothing was done; the same request may be sent again.
    #[error("the processor's rate limit was reached")]
    RateLimited,
}

/// A payment processor: the built-in simulation, or Stripe.
pub trait PaymentProcessor: Send + Sync + std::fmt::Debug {
    /// What a card payment in `currency` costs, for the estimates shown before paying. The
    /// fee recorded for a charge is always the one the processor reports for it.
    fn fee_schedule(&self, currency: Currency) -> FeeSchedule {
        FeeSchedule::standard(currency)
    }
    fn charge(
        &self,
        request: ChargeRequest,
    ) -> BoxFuture<'_, Result<ChargeOutcome, ProcessorError>>;
    fn refund(
        &self,
        request: RefundRequest,
    ) -> BoxFuture<'_, Result<RefundOutcome, ProcessorError>>;
    /// The fee the processor kept on a succeeded charge (`processor_ref`), in the charge's
    /// minor units, for a charge settled later by webhook when the event does not carry it
    /// (Stripe: the PaymentIntent's latest charge's balance transaction). `None` when the
    /// processor cannot tell; the webhook is then refused so it is delivered again.
    fn payment_fee(
        &self,
        processor_ref: &str,
    ) -> BoxFuture<'_, Result<Option<i64>, ProcessorError>> {
        let _ = processor_ref;
        Box::pin(async { Ok(None) })
    }
}

/// True for a code the processor gives when the saved payment method itself cannot be
/// charged any more (missing at Stripe, detached, not activated), rather than a bank's decline.
pub fn payment_method_unusable(code: &str) -> bool {
    matches!(code, "resource_missing" | "invalid_payment_method")
        || (code.starts_with("payment_method_") && code != "payment_method_missing")
}
