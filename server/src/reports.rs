//! The downloads: the CSV reports — a page's supporters (its owner only) and a supporter's
//! yearly statement (their own only) — and the zip of everything an account holds (its owner
//! only). Plain GET handlers so a link downloads the file; they
//! call the same domain functions as the pages, and refuse with the same answers: a visitor is
//! sent to log in, and another person's page is not found.

use crate::plain::{internal, not_found, plain};
use app::domain::AppState;
use app::domain::privacy::export;
use app::domain::recipients::reports::{self, ReportError};
use app::i18n::Locale;
use app::web::RequestSession;
use axum::Extension;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike as _;
use http::StatusCode;
use http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};

fn csv(filename: &str, body: String) -> Response {
    (
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

fn failed(locale: Locale, e: ReportError) -> Response {
    match e {
        ReportError::NotYours => not_found(locale),
        e => {
            tracing::error!(error = %e, "report download failed");
            internal(locale)
        }
    }
}

#[derive(serde::Deserialize)]
pub struct StatusQuery {
    status: Option<String>,
}

/// `GET /studio/p/{id}/supporters.csv?status=…`.
pub async fn supporters_csv(
    Extension(state): Extension<AppState>,
    Extension(session): Extension<RequestSession>,
    Extension(locale): Extension<Locale>,
    Path(recipient): Path<i64>,
    Query(q): Query<StatusQuery>,
) -> Response {
    let Some(user) = session.0.map(|s| s.user) else {
        return Redirect::to(&format!("/login?next=/studio/p/{recipient}/supporters"))
            .into_response();
    };
    let report = reports::supporters_in(
        &state.db,
        user.user_id,
        recipient,
        q.status.as_deref(),
        locale,
    )
    .await;
    match report {
        Ok(r) => csv(
            &format!("chipin-supporters-{recipient}.csv"),
            reports::supporters_csv_in(&r, locale),
        ),
        Err(e) => failed(locale, e),
    }
}

#[derive(serde::Deserialize)]
pub struct YearQuery {
    year: Option<String>,
}

/// `GET /account/billing/statement.csv?year=YYYY`.
pub async fn statement_csv(
    Extension(state): Extension<AppState>,
    Extension(session): Extension<RequestSession>,
    Extension(locale): Extension<Locale>,
    Query(q): Query<YearQuery>,
) -> Response {
    let Some(user) = session.0.map(|s| s.user) else {
        return Redirect::to("/login?next=/account/billing/statement").into_response();
    };
    let year = match q.year.as_deref().map(str::trim) {
        None | Some("") => chrono::Utc::now().year(),
        Some(y) => match y.parse::<i32>() {
            Ok(y) if reports::STATEMENT_YEARS.contains(&y) => y,
            _ => {
                return plain(
                    locale,
                    StatusCode::BAD_REQUEST,
                    app::t_in!(locale, "studio-error-statement-year"),
                );
            }
        },
    };
    match reports::statement(&state.db, user.user_id, year).await {
        Ok(s) => csv(
            &format!("chipin-statement-{year}.csv"),
            reports::statement_csv_in(&s, locale),
        ),
        Err(e) => failed(locale, e),
    }
}

/// `GET /account/data.zip`: everything Chipin holds about the caller (JSON and the CSVs).
pub async fn data_export(
    Extension(state): Extension<AppState>,
    Extension(session): Extension<RequestSession>,
    Extension(locale): Extension<Locale>,
) -> Response {
    let Some(user) = session.0.map(|s| s.user) else {
        return Redirect::to("/login?next=/account").into_response();
    };
    match export::export(&state.db, user.user_id, app::domain::platform::clock::now()).await {
        Ok(export) => (
            [
                (CONTENT_TYPE, "application/zip".to_owned()),
                (
                    CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", export.filename),
                ),
                (CACHE_CONTROL, "private, no-store".to_owned()),
            ],
            export.bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "data export failed");
            internal(locale)
        }
    }
}
