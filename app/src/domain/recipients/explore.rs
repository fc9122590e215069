//! Finding creators and causes: search by name, filter by category and kind, sort by
//! supporters or recency, one page at a time.
//!
//! Every card comes out of one query (supporter counts are part of it, not fetched per card),
//! and the conditions are added only when asked for, so each filter can use its index.

use crate::domain::Db;
use crate::model::{ExploreFilter, ExplorePage, ExploreSort, RecipientCard, RecipientKind};

/// Cards on one page of the explore list.
pub const PAGE_SIZE: i64 = 24;
/// Featured cards of each kind above an unfiltered list.
const FEATURED_PER_KIND: i64 = 3;
/// The longest search text or category that is looked at; the rest is ignored.
const MAX_TEXT: usize = 80;
/// Pages beyond this are never asked of the database.
const MAX_PAGE: i64 = 100_000;

/// The filter from raw query parameters. Nothing here fails: unknown values mean "all" or
/// the default order, and the page number is clamped to 1 or more.
pub fn parse_filter(q: &str, category: &str, kind: &str, sort: &str, page: &str) -> ExploreFilter {
    ExploreFilter {
        q: clean_text(q),
        category: clean_text(category),
        kind: match kind.trim() {
            "creator" => Some(RecipientKind::Creator),
            "cause" => Some(RecipientKind::Cause),
            _ => None,
        },
        sort: ExploreSort::parse(sort.trim()),
        page: page
            .trim()
            .parse::<i64>()
            .map_or(1, |p| p.clamp(1, MAX_PAGE)),
    }
}

fn clean_text(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_control())
        .take(MAX_TEXT)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// A `like` pattern that finds `text` anywhere, with the wildcards in it taken literally.
fn contains_pattern(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The `where` clause for a filter and the text values it binds, as `$1`, `$2`, …. Closed
/// pages (their owner deleted their account) are never listed.
fn conditions(filter: &ExploreFilter) -> (String, Vec<String>) {
    let mut clauses = vec!["r.closed_at is null".to_owned()];
    let mut binds = Vec::new();
    if !filter.q.is_empty() {
        binds.push(contains_pattern(&filter.q));
        clauses.push(format!("lower(r.name) like ${} escape '\\'", binds.len()));
    }
    if !filter.category.is_empty() {
        binds.push(filter.category.clone());
        clauses.push(format!("r.category = ${}", binds.len()));
    }
    if let Some(kind) = filter.kind {
        binds.push(kind.label().to_lowercase());
        clauses.push(format!("r.kind = ${}", binds.len()));
    }
    (format!("where {}", clauses.join(" and ")), binds)
}

#[derive(sqlx::FromRow)]
struct CardRow {
    slug: String,
    kind: String,
    name: String,
    tagline: String,
    category: String,
    currency: String,
    image_url: Option<String>,
    supporters: i64,
    from_minor: Option<i64>,
}

impl From<CardRow> for RecipientCard {
    fn from(r: CardRow) -> Self {
        Self {
            slug: r.slug,
            kind: RecipientKind::from_db(&r.kind),
            name: r.name,
            tagline: r.tagline,
            category: r.category,
            currency: r.currency,
            from_minor: r.from_minor,
            image_url: r.image_url,
            supporters: r.supporters,
        }
    }
}

use super::backing::pledge_counts;

/// The card columns over `source` (a table or subquery named `r`), with `supporters` computed
/// by the given expression.
fn card_select(supporters: &str, source: &str) -> String {
    format!(
        "select r.slug, r.kind, r.name, r.tagline, r.category, r.currency, r.image_url, \
            cast({supporters} as bigint) as supporters, \
            (select min(t.price_minor) from tiers t where t.recipient_id = r.id and t.retired = 0) as from_minor \
         from {source}"
    )
}

const NEWEST_FIRST: &str = "order by r.created_at desc, r.id desc";

/// The query for one page of cards.
fn page_query(filter: &ExploreFilter, clause: &str, limit: i64, offset: i64) -> String {
    match filter.sort {
        ExploreSort::Newest => newest_query(clause, limit, offset),
        ExploreSort::Supporters => most_supported_query(clause, limit, offset),
    }
}

/// Newest first: the page is cut from the recency index before anything is counted, so only
/// its own cards are counted, each from the `pledges (recipient_id, status)` index.
fn newest_query(clause: &str, limit: i64, offset: i64) -> String {
    let count = format!(
        "(select count(*) from pledges p where p.recipient_id = r.id and {})",
        pledge_counts("p")
    );
    let page = format!(
        "(select * from recipients r {clause} {NEWEST_FIRST} limit {limit} offset {offset}) r"
    );
    format!("{} {NEWEST_FIRST}", card_select(&count, &page))
}

/// Most supporters first: every match needs its count, so one grouped pass over pledges is
/// joined in.
fn most_supported_query(clause: &str, limit: i64, offset: i64) -> String {
    let counted = format!(
        "recipients r left join (select p.recipient_id, count(*) as n from pledges p \
         where {} group by p.recipient_id) s on s.recipient_id = r.id",
        pledge_counts("p")
    );
    format!(
        "{} {clause} order by supporters desc, r.created_at desc, r.id desc \
         limit {limit} offset {offset}",
        card_select("coalesce(s.n, 0)", &counted)
    )
}

/// How many recipients match `filter`.
pub async fn count(db: &Db, filter: &ExploreFilter) -> Result<i64, sqlx::Error> {
    let (clause, binds) = conditions(filter);
    let sql = format!("select count(*) from recipients r {clause}");
    let mut query = sqlx::query_as::<_, (i64,)>(&sql);
    for b in binds {
        query = query.bind(b);
    }
    Ok(query.fetch_one(db.pool()).await?.0)
}

/// The cards on `page` (1-based) of the list for `filter`.
pub async fn cards(
    db: &Db,
    filter: &ExploreFilter,
    page: i64,
    per_page: i64,
) -> Result<Vec<RecipientCard>, sqlx::Error> {
    let (clause, binds) = conditions(filter);
    let offset = (page.max(1) - 1) * per_page;
    let sql = page_query(filter, &clause, per_page, offset);
    let mut query = sqlx::query_as::<_, CardRow>(&sql);
    for b in binds {
        query = query.bind(b);
    }
    let rows = query.fetch_all(db.pool()).await?;
    Ok(rows.into_iter().map(RecipientCard::from).collect())
}

/// The most supported creators and causes: a few of each, creators first.
pub async fn featured(db: &Db) -> Result<Vec<RecipientCard>, sqlx::Error> {
    let mut out = Vec::new();
    for kind in [RecipientKind::Creator, RecipientKind::Cause] {
        let filter = ExploreFilter {
            kind: Some(kind),
            ..ExploreFilter::default()
        };
        let cards = cards(db, &filter, 1, FEATURED_PER_KIND).await?;
        out.extend(cards.into_iter().filter(|c| c.supporters > 0));
    }
    Ok(out)
}

/// Every category in use, alphabetically.
pub async fn categories(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> =
        sqlx::query_as("select distinct category from recipients order by category limit 200")
            .fetch_all(db.pool())
            .await?;
    Ok(rows.into_iter().map(|(c,)| c).collect())
}

/// The number of pages `total` cards fill (at least one, so an empty list has a page 1).
pub fn page_count(total: i64, per_page: i64) -> i64 {
    ((total + per_page - 1) / per_page).max(1)
}

/// One page of the explore list for `filter`. A page number past the end shows the last page.
pub async fn explore(db: &Db, mut filter: ExploreFilter) -> Result<ExplorePage, sqlx::Error> {
    let total = count(db, &filter).await?;
    let pages = page_count(total, PAGE_SIZE);
    filter.page = filter.page.clamp(1, pages);
    let cards = cards(db, &filter, filter.page, PAGE_SIZE).await?;
    let featured = if filter.is_default() {
        featured(db).await?
    } else {
        Vec::new()
    };
    Ok(ExplorePage {
        cards,
        total,
        pages,
        featured,
        categories: categories(db).await?,
        filter,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_parameters_fall_back_to_sensible_defaults() {
        let f = parse_filter("  birds ", "Art", "robot", "loudest", "-1");
        assert_eq!(f.q, "birds");
        assert_eq!(f.category, "Art");
        assert_eq!(f.kind, None);
        assert_eq!(f.sort, ExploreSort::Supporters);
        assert_eq!(f.page, 1);
        assert_eq!(parse_filter("", "", "cause", "newest", "x").page, 1);
        assert_eq!(parse_filter("", "", "", "", "99999999999").page, MAX_PAGE);
        assert_eq!(
            parse_filter(&"a".repeat(500), "", "", "", "").q.len(),
            MAX_TEXT
        );
    }

    #[test]
    fn wildcards_in_a_search_are_literal() {
        assert_eq!(contains_pattern("50%_Off\\"), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn page_counts_round_up_and_never_reach_zero() {
        assert_eq!(page_count(0, 24), 1);
        assert_eq!(page_count(24, 24), 1);
        assert_eq!(page_count(25, 24), 2);
    }
}
