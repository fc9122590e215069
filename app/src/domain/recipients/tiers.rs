//! Editing a page's tiers: what each promises, their order, and retiring one. A tier's price
//! never changes once set, so what supporters were promised does not change under them.

use crate::domain::Db;
use crate::domain::recipients::{self, NewTier, OwnedPage, RecipientError};

/// The page the tier `tier` belongs to, if `owner` owns it.
async fn tier_page(db: &Db, owner: i64, tier: i64) -> Result<i64, RecipientError> {
    let page = OwnedPage::of_tier(db, owner, tier).await?;
    page.map(|p| p.id).ok_or(RecipientError::NotYours)
}

/// Changes a tier's name, description, perks and supporter limit (its price stays, so what
/// supporters were promised does not change under them). Returns the tier's page.
pub async fn update_tier(
    db: &Db,
    owner: i64,
    tier: i64,
    form: NewTier<'_>,
) -> Result<i64, RecipientError> {
    let recipient = tier_page(db, owner, tier).await?;
    let f = recipients::tier_fields(&form)?;
    sqlx::query(
        "update tiers set name = $1, description = $2, perks = $3, supporter_limit = $4 where id = $5",
    )
    .bind(&f.name)
    .bind(&f.description)
    .bind(&f.perks)
    .bind(f.supporter_limit)
    .bind(tier)
    .execute(db.pool())
    .await?;
    db.note_public_change();
    Ok(recipient)
}

/// Moves an active tier one place up or down among its page's active tiers. Returns the page.
pub async fn move_tier(db: &Db, owner: i64, tier: i64, up: bool) -> Result<i64, RecipientError> {
    let recipient = tier_page(db, owner, tier).await?;
    let mut tx = db.begin_write().await?;
    let ids: Vec<(i64,)> = sqlx::query_as(
        "select id from tiers where recipient_id = $1 and retired = 0 order by position, id",
    )
    .bind(recipient)
    .fetch_all(&mut *tx)
    .await?;
    let mut ids: Vec<i64> = ids.into_iter().map(|(id,)| id).collect();
    let Some(at) = ids.iter().position(|&id| id == tier) else {
        // A retired tier has no place in the list.
        return Ok(recipient);
    };
    let other = if up {
        at.checked_sub(1)
    } else {
        Some(at + 1).filter(|&o| o < ids.len())
    };
    if let Some(other) = other {
        ids.swap(at, other);
        for (position, id) in ids.iter().enumerate() {
            sqlx::query("update tiers set position = $1 where id = $2")
                .bind(i64::try_from(position).unwrap_or(i64::MAX))
                .bind(*id)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    db.note_public_change();
    Ok(recipient)
}

/// Retires a tier (see [`recipients::retire_tier`]). Returns the tier's page.
pub async fn retire_tier(db: &Db, owner: i64, tier: i64) -> Result<i64, RecipientError> {
    let recipient = tier_page(db, owner, tier).await?;
    recipients::retire_tier(db, owner, tier).await?;
    Ok(recipient)
}
