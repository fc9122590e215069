//! Reports: a page owner's supporters and income, and a supporter's yearly statement. Each
//! reads only what the caller owns: another person's page is `NotFound`, and a statement is
//! always the caller's own. The CSV downloads of the same reports are plain GET handlers in
//! the server crate, calling the same domain functions.

use crate::api::client::CsrfClient;
use crate::error::AppError;
use crate::model::reports::{IncomeReport, Statement, SupportersReport};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    crate::api::ssr,
    crate::domain::recipients::reports::{self, ReportError},
};

#[cfg(feature = "ssr")]
impl From<ReportError> for AppError {
    fn from(e: ReportError) -> Self {
        match e {
            ReportError::NotYours => AppError::NotFound,
            e => AppError::internal(e),
        }
    }
}

/// The supporters of the caller's page, optionally only those with `status`.
#[server(endpoint = "reports/supporters", client = CsrfClient)]
pub async fn get_supporters(
    recipient_id: i64,
    status: Option<String>,
) -> Result<SupportersReport, AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let locale = crate::i18n::current();
    Ok(reports::supporters_in(
        &state.db,
        user.user_id,
        recipient_id,
        status.as_deref(),
        locale,
    )
    .await?)
}

/// The income of the caller's page.
#[server(endpoint = "reports/income", client = CsrfClient)]
pub async fn get_income(recipient_id: i64) -> Result<IncomeReport, AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let today = chrono::Utc::now().date_naive();
    Ok(reports::income(&state.db, user.user_id, recipient_id, today).await?)
}

/// The caller's statement for `year` (this year when absent).
#[server(endpoint = "reports/statement", client = CsrfClient)]
pub async fn get_statement(year: Option<i32>) -> Result<Statement, AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let year = year.unwrap_or_else(|| chrono::Datelike::year(&chrono::Utc::now()));
    if !reports::STATEMENT_YEARS.contains(&year) {
        return Err(AppError::invalid(
            "year",
            crate::t!("studio-error-statement-year"),
        ));
    }
    Ok(reports::statement(&state.db, user.user_id, year).await?)
}
