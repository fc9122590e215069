//! What is this installation doing right now? Counters and histograms recorded through the
//! `metrics` facade (here for HTTP and the workers, in the domain for processor calls, mail,
//! webhooks and payouts), rendered in Prometheus' text format at `GET /metrics`.
//!
//! Labels are bounded: an HTTP request is labelled with the route it matched (`/c/{slug}`,
//! never the raw path), a processor call with its operation, a charge with its outcome.

use crate::config::{MetricsAccess, Secret};
use app::domain::AppState;
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// Latency buckets in seconds, from a cached page (a millisecond) to a billing run (minutes).
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
    300.0, 1800.0,
];

/// The process-wide recorder, installed the first time it is asked for. Until then (when
/// metrics are off) every `metrics::counter!` in the code is a no-op.
pub fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets(BUCKETS)
            .expect("the bucket list is not empty");
        match builder.install_recorder() {
            Ok(handle) => handle,
            // Another recorder is already installed (only possible in a test binary that
            // installs its own); render from a private one rather than fail to start.
            Err(_) => PrometheusBuilder::new()
                .set_buckets(BUCKETS)
                .expect("the bucket list is not empty")
                .build_recorder()
                .handle(),
        }
    })
}

/// The route a request matched, copied into the response by [`label_route`] so that
/// [`track_http`] (outside the router) can label by it.
#[derive(Clone)]
struct RouteLabel(Arc<str>);

/// Inside the router (as a `route_layer`): notes the matched route on the response.
pub async fn label_route(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| Arc::<str>::from(m.as_str()));
    let mut res = next.run(req).await;
    if let Some(route) = route {
        res.extensions_mut().insert(RouteLabel(route));
    }
    res
}

/// Outside everything: counts each request by method, matched route and status, and
/// records its latency. A request no route matched (files, 404s) is labelled `unmatched`.
pub async fn track_http(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let res = next.run(req).await;
    let route = res
        .extensions()
        .get::<RouteLabel>()
        .map_or_else(|| "unmatched".to_owned(), |r| r.0.to_string());
    let status = res.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("chipin_http_requests_total", &labels).increment(1);
    metrics::histogram!("chipin_http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    res
}

/// The page Prometheus scrapes: the recorder's text with the pool and outbox gauges read now.
async fn render(state: &AppState) -> Response {
    let pool = state.db.pool();
    metrics::gauge!("chipin_db_pool_connections").set(f64::from(pool.size()));
    metrics::gauge!("chipin_db_pool_idle_connections")
        .set(u32::try_from(pool.num_idle()).map_or(f64::MAX, f64::from));
    match app::domain::mail::backlog(&state.db).await {
        Ok(n) => metrics::gauge!("chipin_mail_backlog").set(n as f64),
        Err(e) => tracing::warn!(error = %e, "could not count the mail backlog"),
    }
    let handle = recorder();
    handle.run_upkeep();
    (
        [(
            http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

/// `GET /metrics` on the main address: the bearer token, or 404 when metrics are served
/// elsewhere or not at all (so the main address does not reveal which).
pub async fn on_main_address(
    axum::Extension(state): axum::Extension<AppState>,
    axum::Extension(access): axum::Extension<Arc<MetricsAccess>>,
    headers: http::HeaderMap,
) -> Response {
    match access.as_ref() {
        MetricsAccess::Token(token) if bearer_matches(&headers, token) => render(&state).await,
        MetricsAccess::Token(_) => (
            StatusCode::UNAUTHORIZED,
            [(http::header::WWW_AUTHENTICATE, "Bearer")],
            "a bearer token is required",
        )
            .into_response(),
        MetricsAccess::Off | MetricsAccess::Bind(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

fn bearer_matches(headers: &http::HeaderMap, token: &Secret) -> bool {
    headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|sent| {
            app::domain::platform::tokens::constant_time_eq(sent.trim(), token.expose())
        })
}

/// The separate metrics server (`METRICS_BIND`): `GET /metrics` and nothing else.
pub fn router(state: AppState) -> axum::Router {
    axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let state = state.clone();
            async move { render(&state).await }
        }),
    )
}
