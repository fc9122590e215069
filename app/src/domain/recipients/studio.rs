//! What does an owner's studio show? Their pages, and for one page its details, tiers and
//! posts as the editing forms need them. Read-only; changes go through `pages`, `tiers` and
//! `posts`.

use super::posts::PostRow;
use crate::domain::Db;
use crate::domain::platform::clock::iso_day;
use crate::model::RecipientKind;
use crate::model::studio::{StudioPage, StudioPost, StudioSummary, StudioTier};
use crate::money::Currency;

/// An amount in minor units as a person would type it: `500.00`, `5000`.
fn amount_input(minor: i64, currency: &str) -> String {
    let exp = currency.parse::<Currency>().map_or(2, Currency::exponent);
    if exp == 0 {
        return minor.to_string();
    }
    let per = 10i64.pow(exp);
    format!(
        "{}.{:0width$}",
        minor / per,
        minor % per,
        width = exp as usize
    )
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    kind: String,
    slug: String,
    name: String,
    currency: String,
    active_tiers: i64,
    posts: i64,
}

/// The pages `owner` owns, oldest first.
pub async fn my_pages(db: &Db, owner: i64) -> Result<Vec<StudioSummary>, sqlx::Error> {
    let rows: Vec<SummaryRow> = sqlx::query_as(
        "select r.id, r.kind, r.slug, r.name, r.currency, \
                cast((select count(*) from tiers t where t.recipient_id = r.id and t.retired = 0) as bigint) as active_tiers, \
                cast((select count(*) from posts p where p.recipient_id = r.id) as bigint) as posts \
         from recipients r where r.owner_user_id = $1 order by r.created_at, r.id",
    )
    .bind(owner)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| StudioSummary {
            id: r.id,
            kind: RecipientKind::from_db(&r.kind),
            slug: r.slug,
            name: r.name,
            currency: r.currency,
            active_tiers: r.active_tiers,
            posts: r.posts,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct PageRow {
    kind: String,
    slug: String,
    name: String,
    tagline: String,
    category: String,
    currency: String,
    bio_md: String,
    goal_minor: Option<i64>,
    deadline: Option<i64>,
    image_url: Option<String>,
}

#[derive(sqlx::FromRow)]
struct TierRow {
    id: i64,
    name: String,
    price_minor: i64,
    description: String,
    perks: String,
    supporter_limit: Option<i64>,
    retired: i64,
    supporters: i64,
}

/// Everything the studio shows about `recipient`, if `owner` owns it.
pub async fn studio_page(
    db: &Db,
    owner: i64,
    recipient: i64,
) -> Result<Option<StudioPage>, sqlx::Error> {
    let row: Option<PageRow> = sqlx::query_as(
        "select kind, slug, name, tagline, category, currency, bio_md, goal_minor, deadline, image_url \
         from recipients where id = $1 and owner_user_id = $2",
    )
    .bind(recipient)
    .bind(owner)
    .fetch_optional(db.pool())
    .await?;
    let Some(r) = row else {
        return Ok(None);
    };
    let tiers: Vec<TierRow> = sqlx::query_as(&format!(
        "select t.id, t.name, t.price_minor, t.description, t.perks, t.supporter_limit, t.retired, \
                cast((select count(*) from pledges p where p.tier_id = t.id and {}) as bigint) as supporters \
         from tiers t where t.recipient_id = $1 order by t.retired, t.position, t.id",
        super::backing::pledge_counts("p")
    ))
    .bind(recipient)
    .fetch_all(db.pool())
    .await?;
    let posts: Vec<PostRow> = sqlx::query_as(
        "select id, title, body_md, public, created_at, updated_at from posts \
         where recipient_id = $1 order by created_at desc, id desc",
    )
    .bind(recipient)
    .fetch_all(db.pool())
    .await?;
    let post_tiers: Vec<(i64, i64)> = sqlx::query_as(
        "select pt.post_id, pt.tier_id from post_tiers pt join posts p on p.id = pt.post_id \
         where p.recipient_id = $1 order by pt.tier_id",
    )
    .bind(recipient)
    .fetch_all(db.pool())
    .await?;
    Ok(Some(StudioPage {
        id: recipient,
        kind: RecipientKind::from_db(&r.kind),
        slug: r.slug,
        name: r.name,
        tagline: r.tagline,
        category: r.category,
        goal: r
            .goal_minor
            .map(|g| amount_input(g, &r.currency))
            .unwrap_or_default(),
        currency: r.currency,
        bio_md: r.bio_md,
        deadline: r.deadline.map(iso_day).unwrap_or_default(),
        image_url: r.image_url,
        // Filled in by the caller (requests belong to giving).
        open_refund_requests: 0,
        tiers: tiers
            .into_iter()
            .map(|t| StudioTier {
                id: t.id,
                name: t.name,
                price_minor: t.price_minor,
                description: t.description,
                perks: t.perks,
                supporter_limit: t.supporter_limit,
                retired: t.retired != 0,
                supporters: t.supporters,
            })
            .collect(),
        posts: posts
            .into_iter()
            .map(|p| StudioPost {
                id: p.id,
                tier_ids: post_tiers
                    .iter()
                    .filter(|(post, _)| *post == p.id)
                    .map(|(_, t)| *t)
                    .collect(),
                title: p.title,
                body_md: p.body_md,
                public: p.public != 0,
                updated: iso_day(p.updated_at.max(p.created_at)),
            })
            .collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_shown_as_typed() {
        assert_eq!(amount_input(50_000, "USD"), "500.00");
        assert_eq!(amount_input(5, "EUR"), "0.05");
        assert_eq!(amount_input(5_000, "JPY"), "5000");
    }
}
