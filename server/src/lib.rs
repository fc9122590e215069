//! The Chipin process: configuration, the HTTP server with its middleware, background
//! workers, and the command-line jobs. `main.rs` only parses the command line.

pub mod api_v1;
pub mod bench;
pub mod card_setup;
pub mod cli;
pub mod client_addr;
pub mod config;
pub mod confirm;
pub mod connect_return;
pub mod demo;
pub mod embed;
pub mod media;
pub mod metrics;
pub mod middleware;
pub mod page_cache;
pub mod payment_confirmation;
pub mod plain;
pub mod preview;
pub mod reports;
pub mod stripe_webhook;
pub mod workers;

use app::domain::billing::BillingConfig;
use app::domain::mail::Mailer;
use app::domain::processors::stripe::StripeProcessor;
use app::domain::{AppState, Db, accounts};
use app::{App, shell};
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use config::Config;
use http::StatusCode;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate as _};
use tower_http::compression::{CompressionLayer, DefaultPredicate};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Why Chipin could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Db(#[from] app::domain::platform::db::DbError),
    #[error("could not load demo data")]
    Demo(#[source] demo::DemoError),
    #[error("invalid configuration: SMTP_URL: {0}")]
    Mail(#[source] app::domain::mail::MailError),
    #[error("could not listen on {0}")]
    Bind(SocketAddr, #[source] std::io::Error),
    #[error("invalid configuration: STRIPE_SECRET_KEY: {0}")]
    Stripe(#[source] app::domain::processors::ProcessorError),
    #[error("the HTTP server failed")]
    Serve(#[source] std::io::Error),
}

/// Opens the database and applies migrations.
pub async fn open_database(config: &Config) -> Result<Db, StartError> {
    let db = Db::connect(config.database_url.expose(), config.db_max_connections).await?;
    db.migrate().await?;
    Ok(db)
}

/// The state every command works with: [`AppState::new`] with the billing policy the
/// configuration sets (platform fee, carry-forward limit, call rate) in place of the defaults,
/// and Stripe as the processor when its keys are set.
pub fn app_state(db: Db, config: &Config) -> Result<AppState, StartError> {
    let db_installation = &db.installation_id().to_owned();
    let mut state = AppState::new(db, config.settings.clone());
    if let Some(keys) = &config.stripe {
        let stripe = StripeProcessor::new(keys.secret_key.expose(), keys.api_base.as_deref())
            .map_err(StartError::Stripe)?
            .with_publishable_key(&keys.publishable_key)
            .with_installation(db_installation);
        tracing::info!("charging through Stripe");
        state = state.with_stripe(stripe);
    }
    // Every processor call is timed for /metrics (a no-op when metrics are off).
    state.processor = Arc::new(app::domain::processors::metered::Metered(
        state.processor.clone(),
    ));
    state.billing = Arc::new(BillingConfig {
        platform_fee_bps: config.billing_platform_fee_bps,
        max_carry_cycles: config.billing_max_carry_cycles,
        calls_per_second: std::num::NonZeroU32::new(config.billing_calls_per_second),
        ..(*state.billing).clone()
    });
    Ok(state)
}

/// Loads the demo data if the database has no users; says whether it did.
pub async fn load_demo_data(state: &AppState) -> Result<bool, StartError> {
    demo::load_if_empty(state).await.map_err(StartError::Demo)
}

/// The mailer the configuration asks for.
pub fn mailer(config: &Config) -> Result<Mailer, StartError> {
    match &config.smtp_url {
        Some(url) => Mailer::smtp(url.expose()).map_err(StartError::Mail),
        None => Ok(Mailer::Folder(config.mail_outbox_dir.clone())),
    }
}

fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("chipin")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.bind)
        .build()
}

/// The application's routes, worked out once per process.
///
/// Listing the routes renders the app with resource loading switched off by a flag that
/// is global to the process, so a page rendered by another server in the same process
/// while it is set would wait forever. Doing it once, before any router exists, keeps
/// every render clear of it.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole HTTP application.
pub fn router(state: AppState, config: &Config) -> Router {
    let options = leptos_options(config);
    let routes = route_list();
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            provide_request_nonce();
            provide_form_flash();
        }
    };
    let server_fns = {
        let context = context.clone();
        move |req: axum::extract::Request| {
            let context = context.clone();
            async move { leptos_axum::handle_server_fns_with_context(context, req).await }
        }
    };
    let pages = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::on_main_address))
        .route("/verify-email", get(verify_email))
        .route("/media/{name}", get(media::serve))
        .route(
            "/studio/p/{id}/supporters.csv",
            get(reports::supporters_csv),
        )
        .route(
            "/account/billing/statement.csv",
            get(reports::statement_csv),
        )
        .route("/account/data.zip", get(reports::data_export))
        .route(
            "/account/billing/stripe-return",
            get(card_setup::stripe_return),
        )
        .route(
            "/account/billing/authenticate/{charge_id}/return",
            get(payment_confirmation::confirmed),
        )
        .route(
            "/studio/p/{id}/payouts/stripe-return",
            get(connect_return::stripe_return),
        )
        .route(
            "/studio/p/{id}/payouts/stripe-refresh",
            get(connect_return::stripe_refresh),
        )
        .route("/embed.js", get(embed::embed_js))
        .route("/embed-frame.js", get(embed::frame_js))
        .route("/embed-frame.css", get(embed::frame_css))
        .route("/embed/{slug}", get(embed::embed_page))
        .route("/badge/{file}", get(embed::badge))
        .route("/studio/preview", axum::routing::post(preview::preview))
        .route(
            app::components::form::GIVE_PREVIEW_PATH,
            axum::routing::post(preview::give_preview),
        )
        .route(
            app::components::confirm::CONFIRM_ASK_PATH,
            axum::routing::post(confirm::ask),
        )
        .route("/api/{*fn_name}", axum::routing::post(server_fns))
        .leptos_routes_with_context(&options, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            LeptosOptions,
            _,
        >(context, shell))
        // Every route above (and the fallback) takes at most DEFAULT_BODY_LIMIT; the three
        // routes added after this line carry their own, documented limits instead.
        .layer(RequestBodyLimitLayer::new(DEFAULT_BODY_LIMIT))
        .route(
            "/studio/p/{id}/image",
            axum::routing::post(media::upload)
                .layer::<_, std::convert::Infallible>(axum::extract::DefaultBodyLimit::max(
                    media::UPLOAD_BODY_LIMIT,
                ))
                .layer::<_, std::convert::Infallible>(RequestBodyLimitLayer::new(
                    UPLOAD_REQUEST_CEILING,
                )),
        )
        .route(
            "/studio/p/{id}/expenses/receipt",
            axum::routing::post(media::upload_receipt)
                .layer::<_, std::convert::Infallible>(axum::extract::DefaultBodyLimit::max(
                    media::RECEIPT_BODY_LIMIT,
                ))
                .layer::<_, std::convert::Infallible>(RequestBodyLimitLayer::new(
                    UPLOAD_REQUEST_CEILING,
                )),
        )
        .route("/stripe/webhook", stripe_route(config))
        // Inside the route label, so a page served from memory is counted under its route.
        .route_layer(axum::middleware::from_fn_with_state(
            Arc::new(page_cache::PageCache::new(Duration::from_secs(
                state.settings.page_cache_secs,
            ))),
            page_cache::serve,
        ))
        .route_layer(axum::middleware::from_fn(metrics::label_route))
        .with_state(options)
        // GET /api/v1/…: the public API; the server functions above keep POST /api/….
        .merge(api_v1::router(config));
    let pages = pages
        .layer(axum::Extension(state.clone()))
        .layer(axum::Extension(Arc::new(config.metrics.clone())));
    let health_state = state.clone();
    pages
        .layer(axum::middleware::from_fn(middleware::server_fn_status))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::form_flash))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::session))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::csrf))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(config.trusted_proxies.clone()),
            middleware::client_addr,
        ))
        // Inside the security headers, so a timed-out answer carries them too; outside
        // everything else, so reading the body and every check count against the time.
        .layer(request_timeout(config))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(compression())
        .layer(CatchPanicLayer::new())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &http::Request<_>| {
            let id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(axum::Extension(health_state))
        // Outermost, so a request's latency and status are what the client saw.
        .layer(axum::middleware::from_fn(metrics::track_http))
}

/// Brotli or gzip for the bundle, styles and other text the client accepts it for; never for
/// pages. A page carries the CSRF token beside text the visitor can put there (a search, a
/// form's typed values), and compressing both together would let a network observer guess the
/// token from response sizes (BREACH). Small bodies and images are left as they are.
fn compression() -> CompressionLayer<impl tower_http::compression::Predicate> {
    CompressionLayer::new()
        .gzip(true)
        .br(true)
        .compress_when(DefaultPredicate::new().and(NotForContentType::const_new("text/html")))
}

/// The most any request body may carry, except the image and receipt uploads
/// ([`media::UPLOAD_BODY_LIMIT`], [`media::RECEIPT_BODY_LIMIT`]) and the Stripe webhook
/// ([`stripe_webhook::BODY_LIMIT`]). A body announced larger is answered 413 before any
/// handler runs; a body that grows larger while streaming fails when it is read.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// The upload routes read at most their own limit ([`media::UPLOAD_BODY_LIMIT`],
/// [`media::RECEIPT_BODY_LIMIT`]) and explain a larger file on the form; a body announced
/// larger than this is refused 413 before the handler runs.
pub const UPLOAD_REQUEST_CEILING: usize = 8 * 1024 * 1024;

/// The time-out of every request (`REQUEST_TIMEOUT_SECS`): reading the body, the checks, the
/// handler and its database work; a request still running then is dropped (its transaction
/// rolls back) and answered 503 with an empty body.
pub fn request_timeout(config: &Config) -> TimeoutLayer {
    TimeoutLayer::with_status_code(
        StatusCode::SERVICE_UNAVAILABLE,
        Duration::from_secs(config.request_timeout_secs),
    )
}

/// `POST /stripe/webhook` when a webhook signing secret is configured, 404 otherwise. The raw
/// body is limited to [`stripe_webhook::BODY_LIMIT`]; the CSRF check exempts this one path
/// (see `middleware::CSRF_EXEMPT`) because the signature proves where it came from.
fn stripe_route(config: &Config) -> axum::routing::MethodRouter<LeptosOptions> {
    match &config.stripe {
        Some(keys) => axum::routing::post::<_, _, LeptosOptions>(stripe_webhook::receive)
            .layer::<_, std::convert::Infallible>(axum::Extension(stripe_webhook::WebhookSecret(
                Arc::new(keys.webhook_secret.clone()),
            )))
            .layer::<_, std::convert::Infallible>(axum::extract::DefaultBodyLimit::max(
                stripe_webhook::BODY_LIMIT,
            ))
            .layer::<_, std::convert::Infallible>(RequestBodyLimitLayer::new(
                stripe_webhook::BODY_LIMIT,
            )),
        None => axum::routing::post(stripe_webhook::not_configured)
            .layer::<_, std::convert::Infallible>(RequestBodyLimitLayer::new(
                stripe_webhook::BODY_LIMIT,
            )),
    }
}

/// Hands the CSP nonce chosen by the middleware to Leptos, which puts it on its inline scripts.
/// A failed form post's error and typed values (see [`middleware::form_flash`]): the error as
/// the page's server actions read it, the values for the forms to fill themselves in with.
fn provide_form_flash() {
    use leptos::prelude::use_context;
    if let Some(flash) = use_context::<http::request::Parts>().and_then(|p| {
        p.extensions
            .get::<app::domain::platform::form_flash::FormFlash>()
            .cloned()
    }) {
        provide_context(leptos::server::ServerActionError::new(
            &flash.path,
            &flash.error,
        ));
        provide_context(flash);
    }
}

fn provide_request_nonce() {
    use leptos::prelude::use_context;
    if let Some(nonce) = use_context::<http::request::Parts>()
        .and_then(|p| p.extensions.get::<app::web::CspNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}

async fn healthz(axum::Extension(state): axum::Extension<AppState>) -> Response {
    if state.db.is_healthy().await {
        (StatusCode::OK, "ok").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

#[derive(serde::Deserialize)]
struct TokenQuery {
    token: Option<String>,
    /// Where the person was going when they signed up (checked again here).
    next: Option<String>,
}

/// The link in the confirmation email.
async fn verify_email(
    State(_): State<LeptosOptions>,
    axum::Extension(state): axum::Extension<AppState>,
    axum::Extension(locale): axum::Extension<app::i18n::Locale>,
    Query(q): Query<TokenQuery>,
) -> Response {
    match accounts::verify_email(&state, q.token.as_deref().unwrap_or("")).await {
        Ok(()) => {
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            query.append_pair("verified", "1");
            if let Some(next) = q.next.as_deref() {
                let next = app::api::accounts::safe_next(Some(next));
                if next != "/account" {
                    query.append_pair("next", &next);
                }
            }
            Redirect::to(&format!("/login?{}", query.finish())).into_response()
        }
        Err(accounts::AccountError::InvalidLink) => {
            Redirect::to("/verify-email/failed").into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "email verification failed");
            plain::internal(locale)
        }
    }
}

/// Serves Chipin on `listener` with background workers until `shutdown` completes. Then, in
/// this order: stop accepting connections, let every request already received finish (keep-
/// alive connections are closed after their current answer), stop the workers (each finishes
/// its current step), and only then close the database pool, so nothing in flight ever meets
/// a closed pool.
pub async fn serve(
    config: Config,
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let mailer = mailer(&config)?;
    if config.metrics != config::MetricsAccess::Off {
        metrics::recorder();
    }
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let stopped = move |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    let metrics_server = match config.metrics {
        config::MetricsAccess::Bind(addr) => {
            let metrics_listener = TcpListener::bind(addr)
                .await
                .map_err(|e| StartError::Bind(addr, e))?;
            tracing::info!(address = %addr, "metrics are served at /metrics");
            let app = metrics::router(state.clone());
            let until = stopped(stop_rx.clone());
            Some(tokio::spawn(async move {
                axum::serve(metrics_listener, app)
                    .with_graceful_shutdown(until)
                    .await
            }))
        }
        _ => None,
    };
    let workers = workers::spawn(
        state.clone(),
        mailer,
        Duration::from_secs(config.mail_poll_secs),
        Duration::from_secs(config.webhooks_poll_secs),
        Duration::from_secs(config.billing_interval_secs),
    );
    let app = router(state.clone(), &config);
    let result = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    })
    .await
    .map_err(StartError::Serve);
    tracing::info!("requests drained; stopping the workers");
    workers.stop().await;
    if let Some(server) = metrics_server {
        let _ = server.await;
    }
    state.db.close().await;
    tracing::info!("database closed");
    result
}

/// Binds the configured address.
pub async fn bind(config: &Config) -> Result<TcpListener, StartError> {
    TcpListener::bind(config.bind)
        .await
        .map_err(|e| StartError::Bind(config.bind, e))
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
