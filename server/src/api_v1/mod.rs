//! `/api/v1`: Chipin's read-only JSON API, versioned in its path. Public routes
//! ([`public`]) answer anyone, from any origin; owner routes ([`owner`]) need a personal
//! access token and read only the token owner's pages. Lists are paged with an opaque cursor
//! (`developer::cursor`); every request counts against its client address's rate limit, and
//! token requests against the token's too ([`limits`]); errors have one shape ([`error`]).
//!
//! The OpenAPI document is derived from the handlers and their types (utoipa) while the
//! router is built from the same declarations, so a route cannot be served undocumented. It
//! is served at `/api/v1/openapi.json` and rendered for people at `/api/v1` ([`docs`]).
//!
//! These are GET routes; the server functions' `POST /api/{*fn_name}` is untouched (a more
//! specific route wins in axum's router, and every other `/api/v1/…` answers a JSON 404).

pub mod docs;
pub mod error;
pub mod limits;
pub mod owner;
pub mod public;

use crate::config::Config;
use app::domain::developer::cursor::PageRequest;
use app::web::ClientAddr;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use error::ApiError;
use http::header::{
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, AUTHORIZATION, CACHE_CONTROL,
    CONTENT_TYPE,
};
use http::{HeaderValue, Method};
use limits::ApiLimits;
use serde::Deserialize;
use std::sync::Arc;
use tower_http::cors::{Any, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Where the API lives.
pub const BASE: &str = "/api/v1";

/// A list type: one page of `$item`s and the cursor of the next.
macro_rules! list_of {
    ($(#[$doc:meta])* $name:ident, $item:ident) => {
        $(#[$doc])*
        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            /// Pass as `cursor` to get the next page; `null` on the last page.
            pub next_cursor: Option<String>,
        }
    };
}
pub(crate) use list_of;

/// The parameters of a paged list; any other parameter is refused.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The `next_cursor` of the previous page; absent for the first page.
    pub cursor: Option<String>,
    /// Rows per page, 1 to 100; 25 when absent.
    #[param(value_type = Option<i64>)]
    pub limit: Option<String>,
}

/// A route that takes no parameters refuses any.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoQuery {}

/// The page a list request asks for, or 400.
pub fn list_query(
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<PageRequest, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    Ok(PageRequest::parse(q.cursor.as_deref(), q.limit.as_deref())?)
}

/// 400 unless the request has no query parameters.
pub fn no_query(query: Result<Query<NoQuery>, QueryRejection>) -> Result<(), ApiError> {
    query
        .map(|_| ())
        .map_err(|e| ApiError::BadRequest(e.body_text()))
}

/// An instant (unix seconds) as RFC 3339 in UTC.
pub fn instant(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Chipin API",
        version = "1",
        description = "Read-only JSON. Public routes need no key. Owner routes need a personal access token from your account page, sent as `Authorization: Bearer chipin_pat_…`; they read only pages you own. Amounts are integers in the minor units of the page's currency. Lists are paged: pass `next_cursor` back as `cursor` until it is `null`. Errors look like `{\"error\":{\"code\":\"not_found\",\"message\":\"…\"}}`; a 429 says when to retry in `Retry-After`."
    ),
    modifiers(&BearerToken),
    tags(
        (name = "public", description = "Anyone may read these, from any origin."),
        (name = "owner", description = "Need a personal access token; only your own pages."),
    )
)]
struct ApiDoc;

/// Declares the `token` security scheme the owner routes name.
struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("chipin_pat_…")
                    .build(),
            ),
        );
    }
}

/// The documented routes: the axum router and the OpenAPI document, from one declaration.
fn documented() -> (Router, utoipa::openapi::OpenApi) {
    // Any origin may read the public part; no credentials, so cookies never ride along.
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::HEAD])
        .max_age(std::time::Duration::from_secs(3600));
    let public = OpenApiRouter::new()
        .routes(routes!(public::list_pages))
        .routes(routes!(public::get_page))
        .routes(routes!(public::list_tiers))
        .routes(routes!(public::get_goal))
        .routes(routes!(public::list_posts))
        .routes(routes!(public::get_ledger))
        .routes(routes!(public::list_budget_lines))
        .layer(cors);
    let owner = OpenApiRouter::new()
        .routes(routes!(owner::list_supporters))
        .routes(routes!(owner::list_pledges))
        .routes(routes!(owner::list_donations))
        .routes(routes!(owner::list_expenses))
        // A page's supporters and money: never kept by a shared cache.
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        ));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(public)
        .merge(owner)
        .split_for_parts()
}

/// The OpenAPI document of `/api/v1`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    documented().1
}

/// `/api/v1` and everything under it, with its rate limits.
pub fn router(config: &Config) -> Router {
    let limits = Arc::new(ApiLimits::new(
        config.api_requests_per_address_minute,
        config.api_requests_per_token_minute,
    ));
    let (routes, doc) = documented();
    let json: Arc<str> = doc.to_json().unwrap_or_else(|_| "{}".to_owned()).into();
    let html: Arc<str> = docs::render(&doc).into();
    let spec = get(move || {
        let json = json.clone();
        async move {
            (
                [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
                json.to_string(),
            )
        }
    })
    .layer(
        CorsLayer::new()
            .allow_origin(Any)
            .allow_methods([Method::GET, Method::HEAD]),
    );
    routes
        .route(&format!("{BASE}/openapi.json"), spec)
        .route(
            BASE,
            get(move || {
                let html = html.clone();
                async move { axum::response::Html(html.to_string()) }
            }),
        )
        .route(
            &format!("{BASE}/"),
            get(|| async { axum::response::Redirect::permanent(BASE) }),
        )
        .route(
            &format!("{BASE}/{{*rest}}"),
            axum::routing::any(|| async { ApiError::NotFound }),
        )
        .route_layer(axum::middleware::from_fn(crate::metrics::label_route))
        .layer(axum::middleware::from_fn_with_state(
            limits.clone(),
            address_limit,
        ))
        .layer(axum::Extension(limits))
}

/// Takes each request from its client address's bucket, or answers 429.
async fn address_limit(State(limits): State<Arc<ApiLimits>>, req: Request, next: Next) -> Response {
    let addr = req
        .extensions()
        .get::<ClientAddr>()
        .map_or_else(|| "unknown".to_owned(), |a| a.0.clone());
    match limits.address(&addr) {
        Ok(()) => next.run(req).await,
        Err(wait) => {
            let mut res = ApiError::RateLimited(wait).into_response();
            // A script on another site reading the public part must be able to read when to
            // try again; a request with a token never gets CORS, refused or not.
            if !req.headers().contains_key(AUTHORIZATION) {
                let h = res.headers_mut();
                h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
                h.insert(
                    ACCESS_CONTROL_EXPOSE_HEADERS,
                    HeaderValue::from_static("retry-after"),
                );
            }
            res
        }
    }
}
