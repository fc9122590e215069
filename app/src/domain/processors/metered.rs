//! How fast is the processor answering, and how often does it refuse us? A wrapper around
//! any [`PaymentProcessor`] that records each call's latency by operation and outcome
//! (`chipin_processor_call_duration_seconds`) and counts HTTP 429 refusals
//! (`chipin_processor_rate_limited_total`) for `/metrics`.

use super::{
    BoxFuture, ChargeOutcome, ChargeRequest, FeeSchedule, PaymentProcessor, ProcessorError,
    RefundOutcome, RefundRequest,
};
use crate::money::Currency;
use std::sync::Arc;
use std::time::Instant;

/// `inner`, with every call measured.
#[derive(Debug)]
pub struct Metered(pub Arc<dyn PaymentProcessor>);

/// Records one finished call. Outcomes are a fixed set, so the series stay few.
fn record<T>(operation: &'static str, started: Instant, result: &Result<T, ProcessorError>) {
    let outcome = match result {
        Ok(_) => "ok",
        Err(ProcessorError::RateLimited) => "rate_limited",
        Err(_) => "error",
    };
    metrics::histogram!(
        "chipin_processor_call_duration_seconds",
        "operation" => operation,
        "outcome" => outcome
    )
    .record(started.elapsed().as_secs_f64());
    if matches!(result, Err(ProcessorError::RateLimited)) {
        metrics::counter!("chipin_processor_rate_limited_total", "operation" => operation)
            .increment(1);
    }
}

impl PaymentProcessor for Metered {
    fn fee_schedule(&self, currency: Currency) -> FeeSchedule {
        self.0.fee_schedule(currency)
    }

    fn charge(
        &self,
        request: ChargeRequest,
    ) -> BoxFuture<'_, Result<ChargeOutcome, ProcessorError>> {
        Box::pin(async move {
            let started = Instant::now();
            let result = self.0.charge(request).await;
            record("charge", started, &result);
            result
        })
    }

    fn refund(
        &self,
        request: RefundRequest,
    ) -> BoxFuture<'_, Result<RefundOutcome, ProcessorError>> {
        Box::pin(async move {
            let started = Instant::now();
            let result = self.0.refund(request).await;
            record("refund", started, &result);
            result
        })
    }

    fn payment_fee(
        &self,
        processor_ref: &str,
    ) -> BoxFuture<'_, Result<Option<i64>, ProcessorError>> {
        let processor_ref = processor_ref.to_owned();
        Box::pin(async move {
            let started = Instant::now();
            let result = self.0.payment_fee(&processor_ref).await;
            record("payment_fee", started, &result);
            result
        })
    }
}
