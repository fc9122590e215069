//! The built-in simulated processor: the default when Stripe is not configured, so Chipin works
//! end to end with no keys. It behaves like the real thing where Chipin can tell: test payment
//! methods named like Stripe's succeed, decline or ask for authentication; fees follow a
//! schedule per currency; a repeated idempotency key returns the first answer; and it can add
//! latency and a rate limit for benchmarks. Every call is recorded for tests.

use super::fees::FeeSchedule;
use crate::domain::processors::{
    BoxFuture, ChargeOutcome, ChargeRequest, PaymentProcessor, ProcessorError, RefundOutcome,
    RefundRequest,
};
use crate::money::Money;
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Test payment methods (the names Stripe uses for its test cards).
pub mod methods {
    pub const SUCCEEDS: &str = "pm_card_visa";
    pub const DECLINED: &str = "pm_card_chargeDeclined";
    pub const INSUFFICIENT_FUNDS: &str = "pm_card_chargeDeclinedInsufficientFunds";
    pub const EXPIRED_CARD: &str = "pm_card_chargeDeclinedExpiredCard";
    pub const REQUIRES_AUTHENTICATION: &str = "pm_card_authenticationRequired";

    /// Every test method with a label for the local checkout page.
    pub const ALL: &[(&str, &str)] = &[
        (SUCCEEDS, "Visa ending 4242 — always succeeds"),
        (DECLINED, "Card declined"),
        (INSUFFICIENT_FUNDS, "Declined: insufficient funds"),
        (EXPIRED_CARD, "Declined: expired card"),
        (
            REQUIRES_AUTHENTICATION,
            "Requires authentication (3-D Secure)",
        ),
    ];
}

/// One call as the simulated processor saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallRecord {
    pub request: ChargeRequest,
    pub outcome: ChargeOutcome,
    /// True when the idempotency key had been seen before (the stored answer was replayed).
    pub replayed: bool,
}

/// A rate limiter shared by every call.
struct Limiter(governor::DefaultDirectRateLimiter);

impl std::fmt::Debug for Limiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Limiter")
    }
}

/// The simulated processor.
#[derive(Debug, Default)]
pub struct SimulatedProcessor {
    latency: Option<Duration>,
    limiter: Option<Limiter>,
    rate_limited: AtomicU64,
    answers: Mutex<HashMap<String, ChargeOutcome>>,
    calls: Mutex<Vec<CallRecord>>,
    fail_next_calls: AtomicU64,
    counter: AtomicU64,
    /// A file every call is appended to as it is made, shared by processes (see
    /// [`SimulatedProcessor::with_call_log`]).
    call_log: Option<std::fs::File>,
    /// Random per process: references stay unique when several processes (app instances,
    /// restarts, the billing command) share one database, as Stripe's are.
    prefix: std::sync::OnceLock<String>,
}

/// One line of a call log: the idempotency key, the supporter, the amount in minor units,
/// the currency and the outcome's kind, tab-separated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedCall {
    pub key: String,
    pub supporter: i64,
    pub amount_minor: i64,
    pub currency: String,
    pub outcome: String,
}

/// Reads a call log written by [`SimulatedProcessor::with_call_log`]; a torn last line (a
/// process killed mid-write) is skipped.
pub fn read_call_log(path: &std::path::Path) -> std::io::Result<Vec<LoggedCall>> {
    let text = std::fs::read_to_string(path)?;
    Ok(text
        .lines()
        .filter_map(|line| {
            let mut f = line.split('\t');
            Some(LoggedCall {
                key: f.next()?.to_owned(),
                supporter: f.next()?.parse().ok()?,
                amount_minor: f.next()?.parse().ok()?,
                currency: f.next()?.to_owned(),
                outcome: f.next()?.to_owned(),
            })
        })
        .collect())
}

impl SimulatedProcessor {
    pub fn new() -> Self {
        Self::default()
    }

    /// The fingerprint of a test card: the same for every account that saves it, as Stripe's
    /// `card.fingerprint` is for one real card, so the per-card limits can be tried here.
    pub fn fingerprint(payment_method: &str) -> String {
        let digest = crate::domain::platform::tokens::digest(payment_method);
        format!("fp_sim_{}", &digest[..16])
    }

    /// Waits this long in every call, like a network round trip.
    pub fn with_latency(mut self, latency: Duration) -> Self {
        self.latency = Some(latency).filter(|l| !l.is_zero());
        self
    }

    /// Accepts at most `per_second` charges a second (in bursts of up to a second's worth)
    /// and answers the rest with [`ProcessorError::RateLimited`], as Stripe answers HTTP 429.
    pub fn with_rate_limit(mut self, per_second: u32) -> Self {
        self.limiter = NonZeroU32::new(per_second).map(|n| {
            Limiter(governor::RateLimiter::direct(governor::Quota::per_second(
                n,
            )))
        });
        self
    }

    /// Also appends every call it answers (not those refused or dropped) to the file at
    /// `path`, one line written at once as the call is made, so several processes charging
    /// one database — and killed at any moment — leave one log of what the processor did.
    pub fn with_call_log(mut self, path: &std::path::Path) -> std::io::Result<Self> {
        self.call_log = Some(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)?,
        );
        Ok(self)
    }

    /// How many calls were refused by the rate limit so far.
    pub fn rate_limited_calls(&self) -> u64 {
        self.rate_limited.load(Ordering::SeqCst)
    }

    /// Makes the next `n` charge calls fail as if the network dropped them (nothing recorded).
    pub fn fail_next_calls(&self, n: u64) {
        self.fail_next_calls.store(n, Ordering::SeqCst);
    }

    /// Every charge call so far.
    pub fn calls(&self) -> Vec<CallRecord> {
        self.calls.lock().expect("calls lock").clone()
    }

    /// Distinct successful payment intents (what a card statement would show).
    pub fn successful_charges(&self) -> Vec<ChargeRequest> {
        self.calls()
            .into_iter()
            .filter(|c| !c.replayed && matches!(c.outcome, ChargeOutcome::Succeeded { .. }))
            .map(|c| c.request)
            .collect()
    }

    /// False when the call is over the rate limit.
    fn admitted(&self) -> bool {
        self.limiter.as_ref().is_none_or(|l| l.0.check().is_ok())
    }

    fn decide(&self, request: &ChargeRequest) -> ChargeOutcome {
        let n = self.counter.fetch_add(1, Ordering::SeqCst) + 1;
        let prefix = self
            .prefix
            .get_or_init(crate::domain::platform::tokens::installation_id);
        let reference = format!("pi_sim_{prefix}{n:06}");
        let declined = |code: &str| ChargeOutcome::Declined {
            processor_ref: Some(reference.clone()),
            code: code.to_owned(),
        };
        match request.payment_method.as_str() {
            methods::SUCCEEDS => {
                let fee =
                    FeeSchedule::standard(request.amount.currency).estimate(request.amount.minor);
                ChargeOutcome::Succeeded {
                    processor_ref: reference,
                    fee_minor: fee,
                }
            }
            methods::DECLINED => declined("card_declined"),
            methods::INSUFFICIENT_FUNDS => declined("insufficient_funds"),
            methods::EXPIRED_CARD => declined("expired_card"),
            methods::REQUIRES_AUTHENTICATION => ChargeOutcome::RequiresAuthentication {
                processor_ref: reference,
            },
            _ => declined("payment_method_missing"),
        }
    }
}

/// The end of the simulated processor's authentication challenge for a payment that asked
/// for it: captured with the usual fee when the cardholder passes, declined when they fail.
/// Like a Stripe PaymentIntent, the payment keeps the reference it was given when it asked.
pub fn finish_authentication(processor_ref: &str, amount: Money, passes: bool) -> ChargeOutcome {
    if passes {
        ChargeOutcome::Succeeded {
            processor_ref: processor_ref.to_owned(),
            fee_minor: FeeSchedule::standard(amount.currency).estimate(amount.minor),
        }
    } else {
        ChargeOutcome::Declined {
            processor_ref: Some(processor_ref.to_owned()),
            code: AUTHENTICATION_FAILED.to_owned(),
        }
    }
}

/// The decline code of a payment whose authentication failed.
pub const AUTHENTICATION_FAILED: &str = "authentication_failed";

impl PaymentProcessor for SimulatedProcessor {
    fn charge(
        &self,
        request: ChargeRequest,
    ) -> BoxFuture<'_, Result<ChargeOutcome, ProcessorError>> {
        Box::pin(async move {
            let admitted = self.admitted();
            if let Some(latency) = self.latency {
                tokio::time::sleep(latency).await;
            }
            if !admitted {
                self.rate_limited.fetch_add(1, Ordering::SeqCst);
                return Err(ProcessorError::RateLimited);
            }
            let dropped = self
                .fail_next_calls
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
            if dropped {
                return Err(ProcessorError::Unavailable(
                    "simulated network failure".to_owned(),
                ));
            }
            let (outcome, replayed) = {
                let mut answers = self.answers.lock().expect("answers lock");
                match answers.get(&request.idempotency_key) {
                    Some(previous) => (previous.clone(), true),
                    None => {
                        let outcome = self.decide(&request);
                        answers.insert(request.idempotency_key.clone(), outcome.clone());
                        (outcome, false)
                    }
                }
            };
            if let Some(file) = &self.call_log {
                use std::io::Write as _;
                let kind = match &outcome {
                    ChargeOutcome::Succeeded { .. } => "succeeded",
                    ChargeOutcome::Declined { .. } => "declined",
                    ChargeOutcome::RequiresAuthentication { .. } => "requires_authentication",
                    ChargeOutcome::Processing { .. } => "processing",
                };
                let line = format!(
                    "{}\t{}\t{}\t{}\t{kind}\n",
                    request.idempotency_key,
                    request.supporter_id,
                    request.amount.minor,
                    request.amount.currency
                );
                // One write of one short line to a file opened for appending: lines from
                // several processes never interleave.
                if let Err(e) = (&*file).write_all(line.as_bytes()) {
                    tracing::error!(error = %e, "could not append to the simulated processor's call log");
                }
            }
            self.calls.lock().expect("calls lock").push(CallRecord {
                request,
                outcome: outcome.clone(),
                replayed,
            });
            Ok(outcome)
        })
    }

    fn refund(
        &self,
        request: RefundRequest,
    ) -> BoxFuture<'_, Result<RefundOutcome, ProcessorError>> {
        Box::pin(async move {
            let known = self
                .answers
                .lock()
                .expect("answers lock")
                .values()
                .any(|o| matches!(o, ChargeOutcome::Succeeded { processor_ref, .. } if *processor_ref == request.processor_ref));
            // The simulation keeps no state between processes, so a payment another process
            // made (the command line's billing run, for the server) is refunded when its
            // reference has the simulation's own form.
            let ours = request
                .processor_ref
                .strip_prefix("pi_sim_")
                .is_some_and(|n| n.len() >= 8 && n.bytes().all(|b| b.is_ascii_hexdigit()));
            if !known && !ours {
                return Err(ProcessorError::Invalid(format!(
                    "no such charge: {}",
                    request.processor_ref
                )));
            }
            Ok(RefundOutcome {
                refund_ref: format!("re_sim_{}", request.idempotency_key),
            })
        })
    }

    fn payment_fee(
        &self,
        processor_ref: &str,
    ) -> BoxFuture<'_, Result<Option<i64>, ProcessorError>> {
        let fee = self
            .answers
            .lock()
            .expect("answers lock")
            .values()
            .find_map(|o| match o {
                ChargeOutcome::Succeeded {
                    processor_ref: r,
                    fee_minor,
                } if r == processor_ref => Some(*fee_minor),
                _ => None,
            });
        Box::pin(async move { Ok(fee) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn request(key: &str, method: &str, minor: i64) -> ChargeRequest {
        ChargeRequest {
            idempotency_key: key.to_owned(),
            amount: Money::new(minor, Currency::USD),
            customer: None,
            payment_method: method.to_owned(),
            charge_id: 1,
            supporter_id: 1,
            cycle: "2026-11".to_owned(),
        }
    }

    #[tokio::test]
    async fn two_processes_never_hand_out_the_same_reference() {
        // Each process (an app instance, the billing command, a restart) has its own
        // simulated processor; all of them write into one charges table.
        let mut seen = std::collections::HashSet::new();
        for _process in 0..3 {
            let p = SimulatedProcessor::new();
            for key in ["a", "b"] {
                let outcome = p
                    .charge(request(key, methods::SUCCEEDS, 1000))
                    .await
                    .unwrap();
                let ChargeOutcome::Succeeded { processor_ref, .. } = outcome else {
                    panic!("{outcome:?}");
                };
                assert!(
                    seen.insert(processor_ref.clone()),
                    "{processor_ref} repeated"
                );
            }
        }
    }

    #[tokio::test]
    async fn test_cards_behave_as_named() {
        let p = SimulatedProcessor::new();
        match p
            .charge(request("a", methods::SUCCEEDS, 1000))
            .await
            .unwrap()
        {
            ChargeOutcome::Succeeded {
                processor_ref,
                fee_minor,
            } => {
                assert!(processor_ref.starts_with("pi_sim_"), "{processor_ref}");
                assert_eq!(fee_minor, 59);
            }
            other => panic!("{other:?}"),
        }
        for (method, code) in [
            (methods::DECLINED, "card_declined"),
            (methods::INSUFFICIENT_FUNDS, "insufficient_funds"),
            (methods::EXPIRED_CARD, "expired_card"),
        ] {
            match p.charge(request(method, method, 500)).await.unwrap() {
                ChargeOutcome::Declined { code: c, .. } => assert_eq!(c, code),
                other => panic!("{other:?}"),
            }
        }
        assert!(matches!(
            p.charge(request("3ds", methods::REQUIRES_AUTHENTICATION, 500))
                .await
                .unwrap(),
            ChargeOutcome::RequiresAuthentication { .. }
        ));
    }

    #[tokio::test]
    async fn a_repeated_key_gets_the_first_answer_and_charges_once() {
        let p = SimulatedProcessor::new();
        let first = p
            .charge(request("k", methods::SUCCEEDS, 700))
            .await
            .unwrap();
        let second = p
            .charge(request("k", methods::SUCCEEDS, 700))
            .await
            .unwrap();
        assert_eq!(first, second);
        assert_eq!(p.calls().len(), 2);
        assert_eq!(p.successful_charges().len(), 1);
    }

    #[tokio::test]
    async fn dropped_calls_record_nothing_and_the_retry_succeeds() {
        let p = SimulatedProcessor::new();
        p.fail_next_calls(1);
        assert!(
            p.charge(request("k", methods::SUCCEEDS, 700))
                .await
                .is_err()
        );
        assert!(p.charge(request("k", methods::SUCCEEDS, 700)).await.is_ok());
        assert_eq!(p.successful_charges().len(), 1);
    }

    #[tokio::test]
    async fn calls_over_the_rate_limit_are_refused_and_change_nothing() {
        let p = SimulatedProcessor::new().with_rate_limit(3);
        let mut answers = Vec::new();
        for i in 0..5 {
            answers.push(
                p.charge(request(&format!("k{i}"), methods::SUCCEEDS, 700))
                    .await,
            );
        }
        let refused = answers
            .iter()
            .filter(|a| **a == Err(ProcessorError::RateLimited))
            .count();
        assert_eq!(refused, 2, "a burst of a second's worth is let through");
        assert_eq!(p.rate_limited_calls(), 2);
        assert_eq!(p.calls().len(), 3, "refused calls leave no trace");
        assert_eq!(p.successful_charges().len(), 3);
    }

    #[tokio::test]
    async fn refunds_need_a_real_charge() {
        let p = SimulatedProcessor::new();
        let ChargeOutcome::Succeeded { processor_ref, .. } = p
            .charge(request("k", methods::SUCCEEDS, 700))
            .await
            .unwrap()
        else {
            panic!()
        };
        let refund = |r: &str| RefundRequest {
            idempotency_key: "r".into(),
            processor_ref: r.into(),
            amount: Money::new(700, Currency::USD),
        };
        assert!(p.refund(refund(&processor_ref)).await.is_ok());
        assert!(p.refund(refund("pi_other")).await.is_err());
    }
}
