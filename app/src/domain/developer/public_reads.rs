//! What may anyone read through the API? Every page with its supporter count and monthly
//! income (only pledges that count: open and backed by a usable card, as the public page
//! totals them), and the titles of a page's posts (never a body: paid posts stay paid).
//! A page's detail, tiers, goal and ledger are the public page itself
//! (`recipients::public_page`), read through its cache.

use super::cursor::{PageRequest, Paged, paged};
use crate::domain::Db;
use crate::domain::platform::clock::iso_day;
use crate::domain::recipients::backing;
use crate::model::RecipientKind;
use std::collections::HashMap;

/// A page as the API lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageSummary {
    pub id: i64,
    pub slug: String,
    pub kind: RecipientKind,
    pub name: String,
    pub tagline: String,
    pub category: String,
    pub currency: String,
    pub goal_minor: Option<i64>,
    /// Pledges that count now.
    pub supporters: i64,
    /// Their monthly amounts, summed.
    pub monthly_minor: i64,
    pub closed: bool,
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    slug: String,
    kind: String,
    name: String,
    tagline: String,
    category: String,
    currency: String,
    goal_minor: Option<i64>,
    supporters: i64,
    monthly_minor: i64,
    closed_at: Option<i64>,
}

/// One page of every creator and cause page, newest first.
pub async fn pages(db: &Db, req: &PageRequest) -> Result<Paged<PageSummary>, sqlx::Error> {
    let counts = backing::pledge_counts("p");
    let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
        "select r.id, r.slug, r.kind, r.name, r.tagline, r.category, r.currency, r.goal_minor, \
                cast((select count(*) from pledges p where p.recipient_id = r.id and {counts}) as bigint) as supporters, \
                cast((select coalesce(sum(p.amount_minor), 0) from pledges p \
                      where p.recipient_id = r.id and {counts}) as bigint) as monthly_minor, \
                r.closed_at \
         from recipients r where r.id < $1 order by r.id desc limit $2"
    ))
    .bind(req.before)
    .bind(req.fetch())
    .fetch_all(db.pool())
    .await?;
    let rows = rows
        .into_iter()
        .map(|r| PageSummary {
            id: r.id,
            slug: r.slug,
            kind: RecipientKind::from_db(&r.kind),
            name: r.name,
            tagline: r.tagline,
            category: r.category,
            currency: r.currency,
            goal_minor: r.goal_minor,
            supporters: r.supporters,
            monthly_minor: r.monthly_minor,
            closed: r.closed_at.is_some(),
        })
        .collect();
    Ok(paged(rows, req, |p| p.id))
}

/// A post as the API lists it: its title and who may read it, never its body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostTitle {
    pub id: i64,
    pub title: String,
    /// `YYYY-MM-DD` it was published.
    pub published_on: String,
    /// Readable by anyone on the page.
    pub public: bool,
    /// The tiers a supporters-only post is for, in the page's tier order.
    pub for_tiers: Vec<String>,
}

/// One page of the post titles of the page at `slug`, newest first; `None` if no such page.
pub async fn post_titles(
    db: &Db,
    slug: &str,
    req: &PageRequest,
) -> Result<Option<Paged<PostTitle>>, sqlx::Error> {
    let Some(recipient) = recipient_id(db, slug).await? else {
        return Ok(None);
    };
    let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "select id, title, public, created_at from posts \
         where recipient_id = $1 and id < $2 order by id desc limit $3",
    )
    .bind(recipient)
    .bind(req.before)
    .bind(req.fetch())
    .fetch_all(db.pool())
    .await?;
    let page = paged(rows, req, |r| r.0);
    let lowest = page.items.last().map_or(req.before, |r| r.0);
    let tier_rows: Vec<(i64, String)> = sqlx::query_as(
        "select pt.post_id, t.name from post_tiers pt \
         join tiers t on t.id = pt.tier_id join posts p on p.id = pt.post_id \
         where p.recipient_id = $1 and p.id >= $2 and p.id < $3 order by t.position, t.id",
    )
    .bind(recipient)
    .bind(lowest)
    .bind(req.before)
    .fetch_all(db.pool())
    .await?;
    let mut tiers_of: HashMap<i64, Vec<String>> = HashMap::new();
    for (post, name) in tier_rows {
        tiers_of.entry(post).or_default().push(name);
    }
    Ok(Some(Paged {
        items: page
            .items
            .into_iter()
            .map(|(id, title, public, created_at)| PostTitle {
                id,
                title,
                published_on: iso_day(created_at),
                public: public != 0,
                for_tiers: if public != 0 {
                    Vec::new()
                } else {
                    tiers_of.remove(&id).unwrap_or_default()
                },
            })
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

/// The id of the page at `slug`.
async fn recipient_id(db: &Db, slug: &str) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("select id from recipients where slug = $1")
        .bind(slug)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|r| r.0))
}
