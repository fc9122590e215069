//! The scheduler tests that must hold for every processor: each runs once against the
//! simulated processor and once against Stripe (the real Stripe client talking to the local
//! fake Stripe server).

use crate::fake_stripe::{FakeStripe, pm};
use app::domain::processors::simulated::{SimulatedProcessor, methods};
use app::domain::processors::stripe::StripeProcessor;
use app::domain::processors::{
    BoxFuture, ChargeOutcome, ChargeRequest, PaymentProcessor, ProcessorError, RefundOutcome,
    RefundRequest,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Simulated,
    Stripe,
}

/// How a test card behaves, named the same way for both processors.
#[derive(Clone, Copy, Debug)]
pub enum Card {
    Succeeds,
    Declined,
    InsufficientFunds,
    RequiresAuthentication,
}

/// A processor under test and what it saw.
#[derive(Debug)]
pub enum Harness {
    Simulated(SimulatedProcessor),
    Stripe {
        fake: FakeStripe,
        stripe: Box<StripeProcessor>,
    },
}

impl std::fmt::Debug for FakeStripe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeStripe")
            .field("url", &self.url)
            .finish()
    }
}

/// The Stripe processor pointed at `fake`.
pub fn stripe_for(fake: &FakeStripe) -> StripeProcessor {
    StripeProcessor::new("sk_test_chipin_fake", Some(&fake.url)).expect("Stripe client")
}

impl Harness {
    pub async fn new(kind: Kind) -> Self {
        Self::with_rate_limit(kind, None).await
    }

    /// A processor that takes at most `per_second` charges a second and answers the rest
    /// with 429.
    pub async fn with_rate_limit(kind: Kind, per_second: Option<u32>) -> Self {
        match kind {
            Kind::Simulated => {
                let p = SimulatedProcessor::new();
                Self::Simulated(match per_second {
                    Some(n) => p.with_rate_limit(n),
                    None => p,
                })
            }
            Kind::Stripe => {
                let fake = FakeStripe::start().await;
                if let Some(n) = per_second {
                    fake.rate_limit(n);
                }
                let stripe = Box::new(stripe_for(&fake));
                Self::Stripe { fake, stripe }
            }
        }
    }

    pub fn method(&self, card: Card) -> &'static str {
        match self {
            Self::Simulated(_) => match card {
                Card::Succeeds => methods::SUCCEEDS,
                Card::Declined => methods::DECLINED,
                Card::InsufficientFunds => methods::INSUFFICIENT_FUNDS,
                Card::RequiresAuthentication => methods::REQUIRES_AUTHENTICATION,
            },
            Self::Stripe { .. } => match card {
                Card::Succeeds => pm::SUCCESS,
                Card::Declined => pm::CARD_DECLINED,
                Card::InsufficientFunds => pm::INSUFFICIENT_FUNDS,
                Card::RequiresAuthentication => pm::REQUIRES_AUTH,
            },
        }
    }

    /// Distinct successful payments (what card statements would show).
    pub fn successful_charges(&self) -> Vec<ChargeRequest> {
        match self {
            Self::Simulated(p) => p.successful_charges(),
            Self::Stripe { fake, .. } => fake.successful_charges(),
        }
    }

    /// Charge calls that reached the processor, replays included.
    pub fn charge_calls(&self) -> usize {
        match self {
            Self::Simulated(p) => p.calls().len(),
            Self::Stripe { fake, .. } => fake.charge_calls().len(),
        }
    }

    /// Makes the next `n` charge calls fail on the network.
    pub fn fail_next_calls(&self, n: u64) {
        match self {
            Self::Simulated(p) => p.fail_next_calls(n),
            Self::Stripe { fake, .. } => fake.drop_next_answers(n),
        }
    }

    pub fn rate_limited_calls(&self) -> u64 {
        match self {
            Self::Simulated(p) => p.rate_limited_calls(),
            Self::Stripe { fake, .. } => fake.rate_limited_calls(),
        }
    }

    fn inner(&self) -> &dyn PaymentProcessor {
        match self {
            Self::Simulated(p) => p,
            Self::Stripe { stripe, .. } => stripe.as_ref(),
        }
    }
}

impl PaymentProcessor for Harness {
    fn charge(
        &self,
        request: ChargeRequest,
    ) -> BoxFuture<'_, Result<ChargeOutcome, ProcessorError>> {
        self.inner().charge(request)
    }

    fn refund(
        &self,
        request: RefundRequest,
    ) -> BoxFuture<'_, Result<RefundOutcome, ProcessorError>> {
        self.inner().refund(request)
    }
}

/// Runs each named `async fn(Kind)` test once per processor.
macro_rules! for_both_processors {
    ($($name:ident),* $(,)?) => {
        mod simulated {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(crate::processors::Kind::Simulated).await
                }
            )*
        }
        mod stripe {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(crate::processors::Kind::Stripe).await
                }
            )*
        }
    };
}
pub(crate) use for_both_processors;
