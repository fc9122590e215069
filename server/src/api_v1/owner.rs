//! `/api/v1` with a personal access token: a page's supporters, pledges, donations with their
//! payouts, and expenses, for the page's owner only. Another owner's page answers 404 exactly
//! like a page that does not exist. Supporters show a name only if they chose "public", as
//! in the studio. No CORS here: browsers on other sites get no access to these answers.

use super::error::{ApiError, ErrorBody};
use super::public::Expense;
use super::{ListQuery, instant, list_query};
use app::domain::AppState;
use app::domain::developer::owner_reads::{self, OwnedApiPage, PledgeRow};
use app::domain::developer::tokens::{self, ApiCaller};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, Path, Query};
use http::header::AUTHORIZATION;
use http::request::Parts;
use serde::Serialize;
use std::sync::Arc;
use utoipa::ToSchema;

/// The account a request's `Authorization: Bearer …` token acts for, after the token's rate
/// limit. A missing, unknown or revoked token is refused with 401.
#[derive(Debug)]
pub struct Caller(pub ApiCaller);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let state = parts
            .extensions
            .get::<AppState>()
            .cloned()
            .ok_or(ApiError::Internal)?;
        let limits = parts
            .extensions
            .get::<Arc<super::limits::ApiLimits>>()
            .cloned()
            .ok_or(ApiError::Internal)?;
        let Some(header) = parts.headers.get(AUTHORIZATION) else {
            return Err(ApiError::Unauthorized { presented: false });
        };
        let presented = header
            .to_str()
            .ok()
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .ok_or(ApiError::Unauthorized { presented: true })?;
        let caller = tokens::authenticate(&state.db, presented)
            .await?
            .ok_or(ApiError::Unauthorized { presented: true })?;
        limits
            .token(caller.token_id)
            .map_err(ApiError::RateLimited)?;
        Ok(Self(caller))
    }
}

/// A pledge to the page, as its owner sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Pledge {
    pub id: i64,
    /// The supporter's name, only if they chose to be public.
    pub supporter: Option<String>,
    /// `public`, `anonymous` or `private`: what the supporter chose.
    #[schema(example = "public")]
    pub visibility: String,
    /// The tier's name; `null` for a custom amount.
    pub tier: Option<String>,
    /// Monthly amount in minor units.
    pub amount_minor: i64,
    pub currency: String,
    /// `active`, `past_due`, `paused` or `cancelled`.
    #[schema(example = "active")]
    pub status: String,
    /// Counts now (open and backed by a usable card): the page's supporters are these.
    pub counts: bool,
    /// RFC 3339.
    pub created_at: String,
    pub updated_at: String,
}

impl From<PledgeRow> for Pledge {
    fn from(p: PledgeRow) -> Self {
        Self {
            id: p.id,
            supporter: p.supporter,
            visibility: p.visibility,
            tier: p.tier,
            amount_minor: p.amount_minor,
            currency: p.currency,
            status: p.status,
            counts: p.counts,
            created_at: instant(p.created_at),
            updated_at: instant(p.updated_at),
        }
    }
}

/// A payout's part of a donation.
#[derive(Debug, Serialize, ToSchema)]
pub struct PayoutPart {
    pub payout_id: i64,
    /// Negative when a refund took back money paid out earlier.
    pub amount_minor: i64,
    /// `in_transit` or `paid`.
    pub status: String,
    /// `YYYY-MM-DD`.
    pub paid_on: String,
}

/// A donation the page received: one pledge period or one tip that a charge paid.
#[derive(Debug, Serialize, ToSchema)]
pub struct Donation {
    pub id: i64,
    /// `pledge` or `tip`.
    pub kind: &'static str,
    /// `paid` or `refunded`.
    pub status: String,
    pub currency: String,
    pub gross_minor: i64,
    /// Card and platform fees.
    pub fees_minor: i64,
    pub net_minor: i64,
    /// Given back to the supporter, of the gross.
    pub refunded_minor: i64,
    /// When its charge succeeded (RFC 3339).
    pub paid_at: String,
    /// The supporter's name, only if they chose to be public.
    pub supporter: Option<String>,
    pub visibility: String,
    pub budget_line: Option<String>,
    /// The payouts that carried its money out.
    pub payouts: Vec<PayoutPart>,
}

super::list_of!(
    /// One page of pledges, newest first.
    PledgeList,
    Pledge
);
super::list_of!(
    /// One page of donations, newest first.
    DonationList,
    Donation
);
super::list_of!(
    /// One page of expenses, newest recorded first.
    ExpenseList,
    Expense
);

async fn owned(state: &AppState, caller: &Caller, slug: &str) -> Result<OwnedApiPage, ApiError> {
    owner_reads::owned_page(&state.db, caller.0.user_id, slug)
        .await?
        .ok_or(ApiError::NotFound)
}

async fn pledge_list(
    state: &AppState,
    caller: &Caller,
    slug: &str,
    query: Result<Query<ListQuery>, QueryRejection>,
    supporters_only: bool,
) -> Result<Json<PledgeList>, ApiError> {
    let page = owned(state, caller, slug).await?;
    let req = list_query(query)?;
    let rows = owner_reads::pledges(&state.db, &page, supporters_only, &req).await?;
    Ok(Json(PledgeList {
        items: rows.items.into_iter().map(Pledge::from).collect(),
        next_cursor: rows.next_cursor,
    }))
}

/// Your page's supporters
///
/// The pledges that count now (open and backed by a usable card), newest first.
#[utoipa::path(get, path = "/api/v1/pages/{slug}/supporters", tag = "owner",
    security(("token" = [])),
    params(("slug" = String, Path, description = "The address of a page you own"), ListQuery),
    responses(
        (status = 200, description = "One page of supporters", body = PledgeList),
        (status = 400, description = "Unknown parameter, bad limit or cursor", body = ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = ErrorBody),
        (status = 404, description = "No such page among yours", body = ErrorBody),
        (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody),
    ))]
pub async fn list_supporters(
    caller: Caller,
    axum::Extension(state): axum::Extension<AppState>,
    Path(slug): Path<String>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<PledgeList>, ApiError> {
    pledge_list(&state, &caller, &slug, query, true).await
}

/// Your page's pledges
///
/// Every pledge, cancelled ones included, newest first.
#[utoipa::path(get, path = "/api/v1/pages/{slug}/pledges", tag = "owner",
    security(("token" = [])),
    params(("slug" = String, Path, description = "The address of a page you own"), ListQuery),
    responses(
        (status = 200, description = "One page of pledges", body = PledgeList),
        (status = 400, description = "Unknown parameter, bad limit or cursor", body = ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = ErrorBody),
        (status = 404, description = "No such page among yours", body = ErrorBody),
        (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody),
    ))]
pub async fn list_pledges(
    caller: Caller,
    axum::Extension(state): axum::Extension<AppState>,
    Path(slug): Path<String>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<PledgeList>, ApiError> {
    pledge_list(&state, &caller, &slug, query, false).await
}

/// Your page's donations and their payouts
///
/// The pledge periods and tips a succeeded charge paid, newest first, each with the payouts
/// that carried its money out.
#[utoipa::path(get, path = "/api/v1/pages/{slug}/donations", tag = "owner",
    security(("token" = [])),
    params(("slug" = String, Path, description = "The address of a page you own"), ListQuery),
    responses(
        (status = 200, description = "One page of donations", body = DonationList),
        (status = 400, description = "Unknown parameter, bad limit or cursor", body = ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = ErrorBody),
        (status = 404, description = "No such page among yours", body = ErrorBody),
        (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody),
    ))]
pub async fn list_donations(
    caller: Caller,
    axum::Extension(state): axum::Extension<AppState>,
    Path(slug): Path<String>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<DonationList>, ApiError> {
    let page = owned(&state, &caller, &slug).await?;
    let req = list_query(query)?;
    let rows = owner_reads::donations(&state.db, &page, &req).await?;
    Ok(Json(DonationList {
        items: rows
            .items
            .into_iter()
            .map(|d| Donation {
                id: d.id,
                kind: d.kind,
                status: d.status,
                currency: d.currency,
                gross_minor: d.gross_minor,
                fees_minor: d.fees_minor,
                net_minor: d.net_minor,
                refunded_minor: d.refunded_minor,
                paid_at: instant(d.paid_at),
                supporter: d.supporter,
                visibility: d.visibility,
                budget_line: d.budget_line,
                payouts: d
                    .payouts
                    .into_iter()
                    .map(|p| PayoutPart {
                        payout_id: p.payout_id,
                        amount_minor: p.amount_minor,
                        status: p.status,
                        paid_on: p.paid_on,
                    })
                    .collect(),
            })
            .collect(),
        next_cursor: rows.next_cursor,
    }))
}

/// Your cause's expenses
///
/// Newest recorded first, corrected ones included and marked. A creator page has none.
#[utoipa::path(get, path = "/api/v1/pages/{slug}/expenses", tag = "owner",
    security(("token" = [])),
    params(("slug" = String, Path, description = "The address of a page you own"), ListQuery),
    responses(
        (status = 200, description = "One page of expenses", body = ExpenseList),
        (status = 400, description = "Unknown parameter, bad limit or cursor", body = ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = ErrorBody),
        (status = 404, description = "No such page among yours", body = ErrorBody),
        (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody),
    ))]
pub async fn list_expenses(
    caller: Caller,
    axum::Extension(state): axum::Extension<AppState>,
    Path(slug): Path<String>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<ExpenseList>, ApiError> {
    let page = owned(&state, &caller, &slug).await?;
    let req = list_query(query)?;
    let rows = owner_reads::expenses(&state.db, &page, &req).await?;
    Ok(Json(ExpenseList {
        items: rows.items.into_iter().map(Expense::from).collect(),
        next_cursor: rows.next_cursor,
    }))
}
