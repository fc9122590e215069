//! The API's one error type. Every failure reaches the client as
//! `{"error":{"code":"…","message":"…"}}` with a stable `code` programs can branch on; the
//! message is for people and may change. Internal failures log their cause and say nothing
//! more (a database error's text never leaves the server).

use axum::Json;
use axum::response::{IntoResponse, Response};
use http::header::{RETRY_AFTER, WWW_AUTHENTICATE};
use http::{HeaderValue, StatusCode};
use serde::Serialize;
use std::time::Duration;
use utoipa::ToSchema;

/// Why an API request failed.
#[derive(Debug)]
pub enum ApiError {
    /// 400 `bad_request`: a query parameter is unknown or malformed, or the cursor is not ours.
    BadRequest(String),
    /// 401 `unauthorized`: no token, or one that is unknown or revoked.
    Unauthorized { presented: bool },
    /// 404 `not_found`: no such page (or not one the token's owner owns), or no such route.
    NotFound,
    /// 429 `rate_limited`: too many requests; try again after the given time.
    RateLimited(Duration),
    /// 500 `internal`: the cause is in the server log only.
    Internal,
}

impl ApiError {
    /// Logs `cause` and returns the fixed internal error.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(cause = %cause, "API request failed");
        Self::Internal
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        Self::internal(e)
    }
}

impl From<app::domain::developer::cursor::CursorError> for ApiError {
    fn from(e: app::domain::developer::cursor::CursorError) -> Self {
        Self::BadRequest(e.to_string())
    }
}

/// The body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable: `bad_request`, `unauthorized`, `not_found`, `rate_limited` or `internal`.
    #[schema(example = "not_found")]
    pub code: &'static str,
    /// For people; may change.
    pub message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = match &self {
            Self::BadRequest(m) => (StatusCode::BAD_REQUEST, "bad_request", m.clone()),
            Self::Unauthorized { .. } => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Send a live personal access token: Authorization: Bearer chipin_pat_…".to_owned(),
            ),
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "There is no such page or resource.".to_owned(),
            ),
            Self::RateLimited(wait) => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("Too many requests; try again in {} s.", retry_secs(*wait)),
            ),
            Self::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong on our side. Please try again in a moment.".to_owned(),
            ),
        };
        let mut res = (
            status,
            Json(ErrorBody {
                error: ErrorDetail { code, message },
            }),
        )
            .into_response();
        match self {
            Self::Unauthorized { presented } => {
                // RFC 6750: say which scheme, and whether the token sent was the problem.
                let challenge = if presented {
                    "Bearer realm=\"chipin\", error=\"invalid_token\""
                } else {
                    "Bearer realm=\"chipin\""
                };
                res.headers_mut()
                    .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
            }
            Self::RateLimited(wait) => {
                res.headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from(retry_secs(wait)));
            }
            _ => {}
        }
        res
    }
}

/// Whole seconds to wait, rounded up, at least one.
fn retry_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}
