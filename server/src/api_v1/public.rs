//! `/api/v1` for anyone, no key: pages with their supporter count and monthly income (only
//! pledges that count, as the public page totals them), tiers, post titles (never bodies),
//! goal progress, and a cause's public ledger and budget lines. Everything here is what the
//! public page already shows; these routes answer any origin (CORS).

use super::error::{ApiError, ErrorBody};
use super::{ListQuery, NoQuery, list_query, no_query};
use app::domain::AppState;
use app::domain::developer::public_reads;
use app::model::{RecipientKind, RecipientPage};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query};
use serde::Serialize;
use utoipa::ToSchema;

/// Creator or cause.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Creator,
    Cause,
}

impl From<RecipientKind> for Kind {
    fn from(k: RecipientKind) -> Self {
        match k {
            RecipientKind::Creator => Self::Creator,
            RecipientKind::Cause => Self::Cause,
        }
    }
}

/// A page in the list of pages.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageSummary {
    #[schema(example = "mara")]
    pub slug: String,
    pub kind: Kind,
    pub name: String,
    pub tagline: String,
    pub category: String,
    /// ISO 4217 code; every amount of the page is in its minor units.
    #[schema(example = "USD")]
    pub currency: String,
    /// Pledges that count now: open, and backed by a usable card.
    pub supporters: i64,
    /// The monthly amounts of those pledges, summed, in minor units.
    pub monthly_minor: i64,
    /// Monthly goal (creator) or campaign target (cause), in minor units.
    pub goal_minor: Option<i64>,
    /// A closed page takes no new gifts.
    pub closed: bool,
}

/// How close a page is to its goal.
#[derive(Debug, Serialize, ToSchema)]
pub struct Goal {
    /// Monthly goal (creator) or campaign target (cause), in minor units; `null` for none.
    pub target_minor: Option<i64>,
    /// A creator's counted monthly pledges, or what a cause received after fees.
    pub amount_minor: i64,
    /// `monthly_pledged` (creator) or `raised` (cause).
    #[schema(example = "monthly_pledged")]
    pub measure: &'static str,
    /// Whole percent of the target reached, at most 100; `null` without a target.
    pub percent: Option<i64>,
}

/// A page, as its public page shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page {
    pub slug: String,
    pub kind: Kind,
    pub name: String,
    pub tagline: String,
    pub category: String,
    pub currency: String,
    /// The page's description, as sanitised HTML.
    pub description_html: String,
    pub image_url: Option<String>,
    /// The owner's (a cause's organizer's) display name.
    pub owner_name: String,
    pub supporters: i64,
    pub monthly_minor: i64,
    pub goal: Goal,
    pub closed: bool,
    /// The page on the web.
    pub url: String,
}

/// A tier a supporter may pledge at.
#[derive(Debug, Serialize, ToSchema)]
pub struct Tier {
    pub id: i64,
    pub name: String,
    /// Monthly price in minor units.
    pub price_minor: i64,
    pub description: String,
    pub perks: Vec<String>,
    pub supporter_limit: Option<i64>,
    /// Places left under the limit; `null` without a limit.
    pub remaining: Option<i64>,
}

/// A post's title and who may read it. Bodies are never served: supporters-only posts stay
/// behind their pledge.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostTitle {
    pub id: i64,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub published_on: String,
    /// Readable by anyone on the page.
    pub public: bool,
    /// The tiers a supporters-only post is for.
    pub for_tiers: Vec<String>,
}

/// A donation a cause received, as its public ledger lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerIncome {
    /// e.g. `12 Jun 2026`.
    pub date: String,
    /// The donor's name if they chose to be public.
    pub donor: Option<String>,
    /// `pledge` or `tip`.
    pub kind: &'static str,
    pub gross_minor: i64,
    pub fee_minor: i64,
    pub net_minor: i64,
}

/// An expense a cause published.
#[derive(Debug, Serialize, ToSchema)]
pub struct Expense {
    pub id: i64,
    /// `YYYY-MM-DD` of the spending.
    pub spent_on: String,
    pub description: String,
    pub budget_line: Option<String>,
    pub amount_minor: i64,
    pub receipt_url: Option<String>,
    /// How many donations' money paid for it.
    pub donations: i64,
    /// Why it was corrected, if it was (a corrected expense no longer counts as spent).
    pub corrected: Option<String>,
}

impl From<app::model::trail::ExpenseRow> for Expense {
    fn from(e: app::model::trail::ExpenseRow) -> Self {
        Self {
            id: e.id,
            spent_on: e.spent_on,
            description: e.description,
            budget_line: e.budget_line,
            amount_minor: e.amount_minor,
            receipt_url: e.receipt_url,
            donations: e.donations,
            corrected: e.corrected,
        }
    }
}

/// A cause's public ledger: what it received, paid in fees, spent and holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ledger {
    pub currency: String,
    /// Donations received in all.
    pub income_count: i64,
    pub gross_minor: i64,
    pub fees_minor: i64,
    /// Received after fees.
    pub net_minor: i64,
    pub spent_minor: i64,
    pub unspent_minor: i64,
    /// The newest donations received (at most 50).
    pub recent_income: Vec<LedgerIncome>,
    /// Published expenses, newest first.
    pub expenses: Vec<Expense>,
}

/// A budget line of a cause, with the money earmarked to it.
#[derive(Debug, Serialize, ToSchema)]
pub struct BudgetLine {
    /// 0 for the unearmarked money.
    pub id: i64,
    pub name: String,
    pub description: String,
    pub retired: bool,
    /// Received for it, after fees.
    pub earmarked_minor: i64,
    /// What expenses took from that money.
    pub spent_minor: i64,
    pub unspent_minor: i64,
    /// Live expenses recorded in this line.
    pub expenses_minor: i64,
}

impl From<app::model::trail::BudgetLineRow> for BudgetLine {
    fn from(b: app::model::trail::BudgetLineRow) -> Self {
        Self {
            id: b.id,
            name: b.name,
            description: b.description,
            retired: b.retired,
            earmarked_minor: b.earmarked_minor,
            spent_minor: b.spent_minor,
            unspent_minor: b.unspent_minor,
            expenses_minor: b.expenses_minor,
        }
    }
}

/// A cause's budget lines and its unearmarked money.
#[derive(Debug, Serialize, ToSchema)]
pub struct BudgetLines {
    pub currency: String,
    pub items: Vec<BudgetLine>,
    /// Donations not earmarked to a line ("where it's needed most").
    pub unearmarked: BudgetLine,
}

/// A page's tiers, in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct TierList {
    pub items: Vec<Tier>,
}

super::list_of!(
    /// One page of pages, newest first.
    PageList,
    PageSummary
);
super::list_of!(
    /// One page of post titles, newest first.
    PostTitleList,
    PostTitle
);

async fn public_page(state: &AppState, slug: &str) -> Result<RecipientPage, ApiError> {
    state
        .public_cache
        .recipient_page(&state.db, slug)
        .await?
        .ok_or(ApiError::NotFound)
}

fn goal_of(page: &RecipientPage) -> Goal {
    let (amount, measure) = match page.kind {
        RecipientKind::Creator => (page.monthly_minor, "monthly_pledged"),
        RecipientKind::Cause => (page.ledger.as_ref().map_or(0, |l| l.net_minor), "raised"),
    };
    Goal {
        target_minor: page.goal_minor,
        amount_minor: amount,
        measure,
        percent: page.goal_minor.map(|g| app::model::percent_of(amount, g)),
    }
}

/// Every creator and cause page
#[utoipa::path(get, path = "/api/v1/pages", tag = "public", params(ListQuery),
    responses(
        (status = 200, description = "One page of pages, newest first", body = PageList),
        (status = 400, description = "Unknown parameter, bad limit or cursor", body = ErrorBody),
        (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody),
    ))]
pub async fn list_pages(
    axum::Extension(state): axum::Extension<AppState>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<PageList>, ApiError> {
    let req = list_query(query)?;
    let page = public_reads::pages(&state.db, &req).await?;
    Ok(Json(PageList {
        items: page
            .items
            .into_iter()
            .map(|p| PageSummary {
                slug: p.slug,
                kind: p.kind.into(),
                name: p.name,
                tagline: p.tagline,
                category: p.category,
                currency: p.currency,
                supporters: p.supporters,
                monthly_minor: p.monthly_minor,
                goal_minor: p.goal_minor,
                closed: p.closed,
            })
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

/// One page
#[utoipa::path(get, path = "/api/v1/pages/{slug}", tag = "public",
    params(("slug" = String, Path, description = "The page's address, as in /c/{slug}")),
    responses(
        (status = 200, description = "The page", body = Page),
        (status = 404, description = "No such page", body = ErrorBody),
    ))]
pub async fn get_page(
    axum::Extension(state): axum::Extension<AppState>,
    Path(slug): Path<String>,
    query: Result<Query<NoQuery>, QueryRejection>,
) -> Result<Json<Page>, ApiError> {
    no_query(query)?;
    let page = public_page(&state, &slug).await?;
    let goal = goal_of(&page);
    let url = format!(
        "{}/c/{}",
        state.settings.base_url.as_str().trim_end_matches('/'),
        page.slug
    );
    Ok(Json(Page {
        slug: page.slug,
        kind: page.kind.into(),
        name: page.name,
        tagline: page.tagline,
        category: page.category,
        currency: page.currency,
        description_html: page.bio_html,
        image_url: page.image_url,
        owner_name: page.owner_name,
        supporters: page.supporters,
        monthly_minor: page.monthly_minor,
        goal,
        closed: page.closed,
        url,
    }))
}

/// A page's tiers
#[utoipa::path(get, path = "/api/v1/pages/{slug}/tiers", tag = "public",
    params(("slug" = String, Path, description = "The page's address")),
    responses(
        (status = 200, description = "The tiers one may pledge at, in order", body = TierList),
        (status = 404, description = "No such page", body = ErrorBody),
    ))]
pub async fn list_tiers(
    axum::Extension(state): axum::Extension<AppState>,
    Path(slug): Path<String>,
    query: Result<Query<NoQuery>, QueryRejection>,
) -> Result<Json<TierList>, ApiError> {
    no_query(query)?;
    let page = public_page(&state, &slug).await?;
    Ok(Json(TierList {
        items: page
            .tiers
            .into_iter()
            .map(|t| Tier {
                id: t.id,
                name: t.name,
                price_minor: t.price_minor,
                description: t.description,
                perks: t.perks,
                supporter_limit: t.supporter_limit,
                remaining: t.remaining,
            })
            .collect(),
    }))
}

/// A page's goal progress
#[utoipa::path(get, path = "/api/v1/pages/{slug}/goal", tag = "public",
    params(("slug" = String, Path, description = "The page's address")),
    responses(
        (status = 200, description = "The goal and how close the page is", body = Goal),
        (status = 404, description = "No such page", body = ErrorBody),
    ))]
pub async fn get_goal(
    axum::Extension(state): axum::Extension<AppState>,
    Path(slug): Path<String>,
    query: Result<Query<NoQuery>, QueryRejection>,
) -> Result<Json<Goal>, ApiError> {
    no_query(query)?;
    let page = public_page(&state, &slug).await?;
    Ok(Json(goal_of(&page)))
}

/// A page's post titles
#[utoipa::path(get, path = "/api/v1/pages/{slug}/posts", tag = "public",
    params(("slug" = String, Path, description = "The page's address"), ListQuery),
    responses(
        (status = 200, description = "Titles, newest first; never a body", body = PostTitleList),
        (status = 400, description = "Unknown parameter, bad limit or cursor", body = ErrorBody),
        (status = 404, description = "No such page", body = ErrorBody),
    ))]
pub async fn list_posts(
    axum::Extension(state): axum::Extension<AppState>,
    Path(slug): Path<String>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<PostTitleList>, ApiError> {
    let req = list_query(query)?;
    let page = public_reads::post_titles(&state.db, &slug, &req)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(PostTitleList {
        items: page
            .items
            .into_iter()
            .map(|p| PostTitle {
                id: p.id,
                title: p.title,
                published_on: p.published_on,
                public: p.public,
                for_tiers: p.for_tiers,
            })
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

/// A cause's public ledger
#[utoipa::path(get, path = "/api/v1/pages/{slug}/ledger", tag = "public",
    params(("slug" = String, Path, description = "A cause's address")),
    responses(
        (status = 200, description = "Money received, fees, expenses and what is left", body = Ledger),
        (status = 404, description = "No such cause (creators have no public ledger)", body = ErrorBody),
    ))]
pub async fn get_ledger(
    axum::Extension(state): axum::Extension<AppState>,
    Path(slug): Path<String>,
    query: Result<Query<NoQuery>, QueryRejection>,
) -> Result<Json<Ledger>, ApiError> {
    no_query(query)?;
    let page = public_page(&state, &slug).await?;
    let ledger = page.ledger.ok_or(ApiError::NotFound)?;
    Ok(Json(Ledger {
        currency: page.currency,
        income_count: ledger.income_count,
        gross_minor: ledger.gross_minor,
        fees_minor: ledger.fees_minor,
        net_minor: ledger.net_minor,
        spent_minor: ledger.spent_minor,
        unspent_minor: ledger.unspent_minor,
        recent_income: ledger
            .income
            .into_iter()
            .map(|i| LedgerIncome {
                date: i.date_label,
                donor: i.donor,
                kind: if i.is_tip { "tip" } else { "pledge" },
                gross_minor: i.gross_minor,
                fee_minor: i.fee_minor,
                net_minor: i.net_minor,
            })
            .collect(),
        expenses: ledger.expenses.into_iter().map(Expense::from).collect(),
    }))
}

/// A cause's budget lines
#[utoipa::path(get, path = "/api/v1/pages/{slug}/budget-lines", tag = "public",
    params(("slug" = String, Path, description = "A cause's address")),
    responses(
        (status = 200, description = "Budget lines with their earmarked money", body = BudgetLines),
        (status = 404, description = "No such cause", body = ErrorBody),
    ))]
pub async fn list_budget_lines(
    axum::Extension(state): axum::Extension<AppState>,
    Path(slug): Path<String>,
    query: Result<Query<NoQuery>, QueryRejection>,
) -> Result<Json<BudgetLines>, ApiError> {
    no_query(query)?;
    let page = public_page(&state, &slug).await?;
    let ledger = page.ledger.ok_or(ApiError::NotFound)?;
    Ok(Json(BudgetLines {
        currency: page.currency,
        items: ledger
            .budget_lines
            .into_iter()
            .map(BudgetLine::from)
            .collect(),
        unearmarked: ledger.unearmarked.into(),
    }))
}
