//! Creators and causes as the public sees them: the explore list and a recipient's page.

use crate::domain::{Db, markdown};
use crate::model::{RecipientCard, RecipientKind, RecipientPage, TierView};

/// Recipients for the explore page, newest first.
pub async fn list_cards(db: &Db, limit: i64) -> Result<Vec<RecipientCard>, sqlx::Error> {
    let rows: Vec<(String, String, String, String, String, String, Option<i64>)> = sqlx::query_as(
        "select r.slug, r.kind, r.name, r.tagline, r.category, r.currency, \
                (select min(t.price_minor) from tiers t where t.recipient_id = r.id and t.retired = 0) \
         from recipients r order by r.created_at desc, r.id desc limit $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(slug, kind, name, tagline, category, currency, from_minor)| RecipientCard {
                slug,
                kind: RecipientKind::from_db(&kind),
                name,
                tagline,
                category,
                currency,
                from_minor,
            },
        )
        .collect())
}

/// The public page of the recipient at `slug`, with its active tiers in order.
pub async fn page(db: &Db, slug: &str) -> Result<Option<RecipientPage>, sqlx::Error> {
    let row: Option<(i64, String, String, String, String, String, String, Option<i64>)> = sqlx::query_as(
        "select id, kind, name, tagline, category, currency, bio_md, goal_minor from recipients where slug = $1",
    )
    .bind(slug)
    .fetch_optional(db.pool())
    .await?;
    let Some((id, kind, name, tagline, category, currency, bio_md, goal_minor)) = row else {
        return Ok(None);
    };
    let tiers: Vec<(i64, String, i64, String, String)> = sqlx::query_as(
        "select id, name, price_minor, description, perks from tiers \
         where recipient_id = $1 and retired = 0 order by position, id",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    Ok(Some(RecipientPage {
        slug: slug.to_owned(),
        kind: RecipientKind::from_db(&kind),
        name,
        tagline,
        category,
        currency,
        bio_html: markdown::to_safe_html(&bio_md),
        goal_minor,
        tiers: tiers
            .into_iter()
            .map(|(id, name, price_minor, description, perks)| TierView {
                id,
                name,
                price_minor,
                description,
                perks: perks
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect(),
            })
            .collect(),
    }))
}
