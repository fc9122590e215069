//! Posts: an owner publishes, edits and deletes them, and readers see the posts they may read.
//!
//! Who may read a post restricted to tiers: the page's owner, and a supporter with a pledge
//! that counts (open and backed by a usable payment method: [`super::backing`]) that is either
//! at one of the post's tiers or for at least the monthly price of the cheapest of them — so a
//! higher tier, or a generous custom pledge, unlocks what the cheaper tiers unlock. Paused and
//! cancelled pledges unlock nothing; a pledge without a usable card is told it unlocks the post
//! once one is saved. The first time a pledge unlocks a post, the pledge records it (with its
//! amount then): from then on its first period is owed.

use super::pages::{field, long_text, owned};
use crate::domain::Db;
use crate::domain::hooks::{self, Event, EventType};
use crate::domain::platform::clock::{iso_day, now};
use crate::domain::platform::markdown;
use crate::domain::platform::words::Words;
use crate::domain::recipients::{OwnedPage, RecipientError, text};
use crate::model::studio::PostView;
use std::collections::HashMap;

/// The longest post body, in characters.
pub const POST_BODY_MAX: usize = 50_000;

/// A post form as typed: `audience` is `public` or `tiers`, then `tier_ids` says which.
#[derive(Clone, Debug, Default)]
pub struct PostForm<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub audience: &'a str,
    pub tier_ids: &'a [String],
}

/// A post as stored.
#[derive(sqlx::FromRow)]
pub(super) struct PostRow {
    pub(super) id: i64,
    pub(super) title: String,
    pub(super) body_md: String,
    pub(super) public: i64,
    pub(super) created_at: i64,
    pub(super) updated_at: i64,
}

/// The page the post `post` belongs to, if `owner` owns it.
async fn post_page(db: &Db, owner: i64, post: i64) -> Result<i64, RecipientError> {
    let page = OwnedPage::of_post(db, owner, post).await?;
    page.map(|p| p.id).ok_or(RecipientError::NotYours)
}

/// Checks a post form against the tiers of `recipient`: (title, body, tier ids or empty).
async fn post_fields(
    db: &Db,
    recipient: i64,
    form: &PostForm<'_>,
) -> Result<(String, String, Vec<i64>), RecipientError> {
    let title = text("title", form.title, 120, "studio-label-title")?;
    let body = long_text("body", form.body, POST_BODY_MAX, "studio-label-post")?;
    if body.is_empty() {
        return Err(field("body", Words::new("studio-error-post-empty")));
    }
    let tiers = match form.audience {
        "public" => Vec::new(),
        "tiers" => {
            let active: Vec<(i64,)> =
                sqlx::query_as("select id from tiers where recipient_id = $1 and retired = 0")
                    .bind(recipient)
                    .fetch_all(db.pool())
                    .await?;
            let mut chosen = Vec::new();
            for raw in form.tier_ids {
                let id = raw
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|id| active.iter().any(|(a,)| a == id))
                    .ok_or_else(|| field("tier_ids", Words::new("studio-error-post-tiers")))?;
                if !chosen.contains(&id) {
                    chosen.push(id);
                }
            }
            if chosen.is_empty() {
                return Err(field("tier_ids", Words::new("studio-error-post-no-tier")));
            }
            chosen
        }
        _ => return Err(field("audience", Words::new("studio-error-post-audience"))),
    };
    Ok((title, body, tiers))
}

async fn save_post_tiers(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    post: i64,
    tiers: &[i64],
) -> Result<(), sqlx::Error> {
    sqlx::query("delete from post_tiers where post_id = $1")
        .bind(post)
        .execute(&mut **tx)
        .await?;
    for tier in tiers {
        sqlx::query("insert into post_tiers (post_id, tier_id) values ($1, $2)")
            .bind(post)
            .bind(*tier)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Publishes a post on `recipient`'s page, if `owner` owns it.
pub async fn create_post(
    db: &Db,
    owner: i64,
    recipient: i64,
    form: PostForm<'_>,
) -> Result<i64, RecipientError> {
    owned(db, owner, recipient).await?;
    let (title, body, tiers) = post_fields(db, recipient, &form).await?;
    let mut tx = db.begin_write().await?;
    let at = now();
    let (id,): (i64,) = sqlx::query_as(
        "insert into posts (recipient_id, title, body_md, public, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $5) returning id",
    )
    .bind(recipient)
    .bind(&title)
    .bind(&body)
    .bind(i64::from(tiers.is_empty()))
    .bind(at)
    .fetch_one(&mut *tx)
    .await?;
    save_post_tiers(&mut tx, id, &tiers).await?;
    hooks::enqueue(
        &mut tx,
        Event {
            recipient_id: recipient,
            kind: EventType::PostPublished,
            data: serde_json::json!({
                "post_id": id,
                "recipient_id": recipient,
                "title": title,
                "public": tiers.is_empty(),
                "tier_ids": tiers,
            }),
        },
    )
    .await?;
    tx.commit().await?;
    db.note_public_change();
    Ok(id)
}

/// Changes a post's title, body and audience. Returns the post's page.
pub async fn update_post(
    db: &Db,
    owner: i64,
    post: i64,
    form: PostForm<'_>,
) -> Result<i64, RecipientError> {
    let recipient = post_page(db, owner, post).await?;
    let (title, body, tiers) = post_fields(db, recipient, &form).await?;
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "update posts set title = $1, body_md = $2, public = $3, updated_at = $4 where id = $5",
    )
    .bind(&title)
    .bind(&body)
    .bind(i64::from(tiers.is_empty()))
    .bind(now())
    .bind(post)
    .execute(&mut *tx)
    .await?;
    save_post_tiers(&mut tx, post, &tiers).await?;
    tx.commit().await?;
    db.note_public_change();
    Ok(recipient)
}

/// Deletes a post. Returns the post's page.
pub async fn delete_post(db: &Db, owner: i64, post: i64) -> Result<i64, RecipientError> {
    let recipient = post_page(db, owner, post).await?;
    let mut tx = db.begin_write().await?;
    save_post_tiers(&mut tx, post, &[]).await?;
    sqlx::query("delete from posts where id = $1")
        .bind(post)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    db.note_public_change();
    Ok(recipient)
}

/// The posts on the page at `slug` as `viewer` (logged in or not) may see them, newest first:
/// readable ones in full, the others as a teaser naming their tiers. `None` if no such page.
pub async fn posts_for(
    db: &Db,
    slug: &str,
    viewer: Option<i64>,
) -> Result<Option<Vec<PostView>>, sqlx::Error> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("select id, owner_user_id from recipients where slug = $1")
            .bind(slug)
            .fetch_optional(db.pool())
            .await?;
    let Some((recipient, owner)) = row else {
        return Ok(None);
    };
    let posts: Vec<PostRow> = sqlx::query_as(
        "select id, title, body_md, public, created_at, updated_at from posts \
         where recipient_id = $1 order by created_at desc, id desc limit 50",
    )
    .bind(recipient)
    .fetch_all(db.pool())
    .await?;
    // post id → (tier id, tier name, price) in the page's tier order
    let rows: Vec<(i64, i64, String, i64)> = sqlx::query_as(
        "select pt.post_id, t.id, t.name, t.price_minor from post_tiers pt \
         join tiers t on t.id = pt.tier_id join posts p on p.id = pt.post_id \
         where p.recipient_id = $1 order by t.position, t.id",
    )
    .bind(recipient)
    .fetch_all(db.pool())
    .await?;
    let mut tiers_of: HashMap<i64, Vec<(i64, String, i64)>> = HashMap::new();
    for (post, tier, name, price) in rows {
        tiers_of.entry(post).or_default().push((tier, name, price));
    }
    let pledge: Option<ViewerPledge> = match viewer {
        Some(v) if v != owner => {
            sqlx::query_as(&format!(
                "select p.id, p.tier_id, p.amount_minor, p.unlocked_at, \
                        case when {} then 1 else 0 end as backed \
                 from pledges p where p.supporter_id = $1 and p.recipient_id = $2 \
                 and p.status in ('active', 'past_due')",
                super::backing::supporter_can_pay("p.supporter_id")
            ))
            .bind(v)
            .bind(recipient)
            .fetch_optional(db.pool())
            .await?
        }
        _ => None,
    };
    let is_owner = viewer == Some(owner);
    let mut views = Vec::with_capacity(posts.len());
    for p in posts {
        let tiers = tiers_of.remove(&p.id).unwrap_or_default();
        let by_pledge = p.public == 0
            && !is_owner
            && pledge
                .as_ref()
                .is_some_and(|open| unlocks((open.tier_id, open.amount_minor), &tiers));
        let backed = pledge.as_ref().is_some_and(|open| open.backed != 0);
        let mut readable = p.public != 0 || is_owner || (by_pledge && backed);
        if by_pledge && backed {
            // The first unlock commits the first period; only shown if it was recorded (a
            // cancellation committed in between wins, and the post stays locked).
            if let Some(open) = pledge.as_ref().filter(|o| o.unlocked_at.is_none()) {
                readable = record_unlock(db, open.id).await?;
            }
        }
        views.push(PostView {
            id: p.id,
            title: p.title,
            date: iso_day(p.created_at),
            body_html: readable.then(|| markdown::to_safe_html(&p.body_md)),
            needs_card: !readable && by_pledge && !backed,
            for_tiers: if p.public != 0 {
                Vec::new()
            } else {
                tiers.into_iter().map(|(_, name, _)| name).collect()
            },
        });
    }
    Ok(Some(views))
}

/// The viewer's open pledge to the page, with whether a usable payment method backs it.
#[derive(sqlx::FromRow)]
struct ViewerPledge {
    id: i64,
    tier_id: Option<i64>,
    amount_minor: i64,
    unlocked_at: Option<i64>,
    backed: i64,
}

/// Records that pledge `id` unlocked restricted posts (first time only, while it is open).
/// True when the pledge is, after this, recorded as having unlocked.
async fn record_unlock(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "update pledges set unlocked_at = $1, unlocked_minor = amount_minor \
         where id = $2 and unlocked_at is null and status in ('active', 'past_due')",
    )
    .bind(now())
    .bind(id)
    .execute(db.pool())
    .await?;
    let (unlocked,): (i64,) = sqlx::query_as(
        "select cast(count(*) as bigint) from pledges \
         where id = $1 and unlocked_at is not null and status in ('active', 'past_due')",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    Ok(unlocked > 0)
}

/// Whether an open pledge `(tier, monthly amount)` unlocks a post for `tiers` (id, name,
/// price): it is at one of them, or pledges at least the cheapest one's price.
fn unlocks((tier, amount): (Option<i64>, i64), tiers: &[(i64, String, i64)]) -> bool {
    tiers.iter().any(|(t, _, _)| Some(*t) == tier)
        || tiers
            .iter()
            .map(|(_, _, price)| *price)
            .min()
            .is_some_and(|cheapest| amount >= cheapest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pledge_unlocks_its_tiers_and_anything_it_pays_at_least_as_much_for() {
        let silver_or_gold = [(2, "Silver".to_owned(), 500), (3, "Gold".to_owned(), 1_000)];
        assert!(unlocks((Some(2), 500), &silver_or_gold), "at the tier");
        assert!(unlocks((Some(4), 700), &silver_or_gold), "a dearer tier");
        assert!(
            unlocks((None, 500), &silver_or_gold),
            "a custom amount as large"
        );
        assert!(!unlocks((Some(1), 300), &silver_or_gold), "a cheaper tier");
        assert!(
            !unlocks((None, 499), &silver_or_gold),
            "a smaller custom amount"
        );
        assert!(
            !unlocks((Some(1), 10_000), &[]),
            "a post for no tier stays locked"
        );
    }
}
