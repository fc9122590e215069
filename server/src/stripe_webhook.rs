//! `POST /stripe/webhook`: Stripe's signed event deliveries. The raw body is checked against
//! the `Stripe-Signature` header before anything is read from it; a forged, stale or
//! malformed request gets 400 and changes nothing. The event is then applied by
//! [`app::domain::webhooks::process`]: 200 once recorded (or when it already was),
//! 500 when it could not be, so Stripe delivers it again.

use crate::config::Secret;
use app::domain::AppState;
use app::domain::platform::clock::now;
use app::domain::processors::stripe::signature;
use app::domain::webhooks::{self, Processed, WebhookError};
use axum::Extension;
use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode};
use std::sync::Arc;

/// The largest event Chipin accepts. Stripe's events are a few kilobytes.
pub const BODY_LIMIT: usize = 256 * 1024;

/// The endpoint's signing secret (`whsec_…`).
#[derive(Clone, Debug)]
pub struct WebhookSecret(pub Arc<Secret>);

pub async fn receive(
    Extension(state): Extension<AppState>,
    Extension(secret): Extension<WebhookSecret>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    if let Err(e) = signature::verify_signature(secret.0.expose(), header, &body, now()) {
        tracing::info!(reason = %e, "refused a Stripe webhook");
        delivered("refused");
        return (StatusCode::BAD_REQUEST, "invalid signature").into_response();
    }
    match webhooks::process(&state.db, &state.billing, state.processor.as_ref(), &body).await {
        Ok(Processed::Recorded { outcome }) => {
            tracing::info!(%outcome, "Stripe event processed");
            delivered("processed");
            (StatusCode::OK, "ok").into_response()
        }
        Ok(Processed::Duplicate) => {
            delivered("duplicate");
            (StatusCode::OK, "already processed").into_response()
        }
        Err(WebhookError::Malformed(e)) => {
            delivered("malformed");
            tracing::warn!(error = %e, "a signed Stripe webhook is not an event Chipin can read");
            (StatusCode::BAD_REQUEST, "not an event").into_response()
        }
        Err(e) => {
            tracing::error!(error = %app_error_chain(&e), "a Stripe event could not be processed; Stripe will retry");
            delivered("failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "not processed").into_response()
        }
    }
}

/// Counts one delivery by what became of it (a fixed set of outcomes).
fn delivered(outcome: &'static str) {
    metrics::counter!("chipin_stripe_webhook_deliveries_total", "outcome" => outcome).increment(1);
}

/// Without a signing secret there is no endpoint.
pub async fn not_configured() -> Response {
    (StatusCode::NOT_FOUND, "Stripe is not configured.").into_response()
}

fn app_error_chain(e: &WebhookError) -> String {
    crate::cli::error_chain(e)
}
