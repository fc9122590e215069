//! The creator studio: an owner edits their page, its tiers and its posts, and readers see
//! the posts they may read. Every change takes the caller's user id and touches only rows of
//! pages that user owns; anything else is [`RecipientError::NotYours`] and changes nothing.
//!
//! Who may read a post restricted to tiers: the page's owner, and a supporter with an open
//! (active or past-due) pledge to the page that is either at one of the post's tiers or for at
//! least the monthly price of the cheapest of them — so a higher tier, or a generous custom
//! pledge, unlocks what the cheaper tiers unlock. Paused and cancelled pledges unlock nothing.

use crate::domain::Db;
use crate::domain::platform::clock::{iso_day, now};
use crate::domain::platform::markdown;
use crate::domain::recipients::{
    self, NewRecipient, NewTier, OwnedPage, RecipientError, Slug, text,
};
use crate::model::RecipientKind;
use crate::model::studio::{
    CATEGORIES, PostView, StudioPage, StudioPost, StudioSummary, StudioTier,
};
use crate::money::{Currency, Money};
use std::collections::HashMap;

/// The longest bio, in characters.
pub const BIO_MAX: usize = 20_000;
/// The longest tagline, in characters.
pub const TAGLINE_MAX: usize = 140;
/// The longest post body, in characters.
pub const POST_BODY_MAX: usize = 50_000;

/// A page form as typed. `kind` and `currency` are read on creation only.
#[derive(Clone, Debug, Default)]
pub struct PageForm<'a> {
    pub kind: &'a str,
    pub slug: &'a str,
    pub name: &'a str,
    pub tagline: &'a str,
    pub category: &'a str,
    pub currency: &'a str,
    /// Monthly goal (creators) or campaign target (causes); empty for none.
    pub goal: &'a str,
    /// Campaign deadline `YYYY-MM-DD` (causes only); empty for none.
    pub deadline: &'a str,
    pub bio: &'a str,
}

/// A post form as typed: `audience` is `public` or `tiers`, then `tier_ids` says which.
#[derive(Clone, Debug, Default)]
pub struct PostForm<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub audience: &'a str,
    pub tier_ids: &'a [String],
}

fn field(name: &'static str, message: impl Into<String>) -> RecipientError {
    RecipientError::Field(name, message.into())
}

fn category(raw: &str) -> Result<&'static str, RecipientError> {
    CATEGORIES
        .iter()
        .find(|c| c.eq_ignore_ascii_case(raw.trim()))
        .copied()
        .ok_or_else(|| field("category", "Choose one of the offered categories."))
}

fn tagline(raw: &str) -> Result<String, RecipientError> {
    let s = raw.trim();
    if s.chars().count() > TAGLINE_MAX || s.chars().any(char::is_control) {
        return Err(field(
            "tagline",
            format!("Keep the tagline to one line of up to {TAGLINE_MAX} characters."),
        ));
    }
    Ok(s.to_owned())
}

fn long_text(
    name: &'static str,
    raw: &str,
    max: usize,
    label: &str,
) -> Result<String, RecipientError> {
    let s = raw.trim();
    if s.chars().count() > max {
        return Err(field(name, format!("Keep {label} to {max} characters.")));
    }
    // Line breaks and tabs belong in Markdown; other control characters do not.
    if s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(field(
            name,
            format!("Remove control characters from {label}."),
        ));
    }
    Ok(s.replace("\r\n", "\n"))
}

/// A `YYYY-MM-DD` date as unix seconds at midnight UTC; empty for none.
fn deadline(raw: &str) -> Result<Option<i64>, RecipientError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let date = chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .filter(|d| (2000..=2200).contains(&chrono::Datelike::year(d)))
        .ok_or_else(|| field("deadline", "Enter the deadline as a date, like 2027-03-31."))?;
    if date < chrono::Utc::now().date_naive() {
        return Err(field("deadline", "Choose a deadline that has not passed."));
    }
    Ok(date.and_hms_opt(0, 0, 0).map(|d| d.and_utc().timestamp()))
}

fn goal(raw: &str, currency: Currency) -> Result<Option<i64>, RecipientError> {
    match raw.trim() {
        "" => Ok(None),
        g => Money::parse(g, currency, 1_000_000_000 * currency.minor_per_major())
            .map(|m| Some(m.minor))
            .map_err(|e| field("goal", e.to_string())),
    }
}

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

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Creates a page owned by `owner` with everything on the form. Nothing is stored if any
/// field is wrong.
pub async fn create_page(db: &Db, owner: i64, form: PageForm<'_>) -> Result<i64, RecipientError> {
    let category = category(form.category)?;
    let tagline = tagline(form.tagline)?;
    let bio = long_text("bio", form.bio, BIO_MAX, "the bio")?;
    let deadline = if form.kind == "cause" {
        deadline(form.deadline)?
    } else {
        None
    };
    let id = recipients::create(
        db,
        owner,
        NewRecipient {
            kind: form.kind,
            slug: form.slug,
            name: form.name,
            category,
            currency: form.currency,
            goal: form.goal,
        },
    )
    .await?;
    sqlx::query("update recipients set tagline = $1, bio_md = $2, deadline = $3 where id = $4")
        .bind(&tagline)
        .bind(&bio)
        .bind(deadline)
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(id)
}

/// The kind (as the database spells it) and currency of a page `owner` owns.
async fn owned(db: &Db, owner: i64, recipient: i64) -> Result<(String, Currency), RecipientError> {
    let page = OwnedPage::load(db, owner, recipient)
        .await?
        .ok_or(RecipientError::NotYours)?;
    let kind = if page.is_cause() { "cause" } else { "creator" };
    Ok((kind.to_owned(), page.currency))
}

/// Saves the page's address, name, tagline, category, bio, goal and (causes) deadline. The
/// kind and currency never change.
pub async fn update_page(
    db: &Db,
    owner: i64,
    recipient: i64,
    form: PageForm<'_>,
) -> Result<(), RecipientError> {
    let (kind, currency) = owned(db, owner, recipient).await?;
    let slug = Slug::parse(form.slug).map_err(|m| field("slug", m))?;
    let name = text("name", form.name, 80, "a name")?;
    let tagline = tagline(form.tagline)?;
    let category = category(form.category)?;
    let goal = goal(form.goal, currency)?;
    let deadline = if kind == "cause" {
        deadline(form.deadline)?
    } else {
        None
    };
    let bio = long_text("bio", form.bio, BIO_MAX, "the bio")?;
    let done = sqlx::query(
        "update recipients set slug = $1, name = $2, tagline = $3, category = $4, goal_minor = $5, \
         deadline = $6, bio_md = $7 where id = $8 and owner_user_id = $9",
    )
    .bind(slug.as_str())
    .bind(&name)
    .bind(&tagline)
    .bind(category)
    .bind(goal)
    .bind(deadline)
    .bind(&bio)
    .bind(recipient)
    .bind(owner)
    .execute(db.pool())
    .await;
    match done {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(RecipientError::SlugTaken),
        Err(e) => Err(e.into()),
    }
}

/// Records the page's image, if `owner` owns it.
pub async fn set_image(
    db: &Db,
    owner: i64,
    recipient: i64,
    url: &str,
) -> Result<(), RecipientError> {
    let page = OwnedPage::load(db, owner, recipient)
        .await?
        .ok_or(RecipientError::NotYours)?;
    sqlx::query("update recipients set image_url = $1 where id = $2")
        .bind(url)
        .bind(page.id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Rows that belong to one page: tiers and posts.
#[derive(Clone, Copy)]
enum Owned {
    Tier,
    Post,
}

/// The page a tier or post belongs to, if `owner` owns it.
async fn owned_page(db: &Db, owner: i64, row: Owned, id: i64) -> Result<i64, RecipientError> {
    let page = match row {
        Owned::Tier => OwnedPage::of_tier(db, owner, id).await?,
        Owned::Post => OwnedPage::of_post(db, owner, id).await?,
    };
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
    let recipient = owned_page(db, owner, Owned::Tier, tier).await?;
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
    Ok(recipient)
}

/// Moves an active tier one place up or down among its page's active tiers. Returns the page.
pub async fn move_tier(db: &Db, owner: i64, tier: i64, up: bool) -> Result<i64, RecipientError> {
    let recipient = owned_page(db, owner, Owned::Tier, tier).await?;
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
    Ok(recipient)
}

/// Retires a tier (see [`recipients::retire_tier`]). Returns the tier's page.
pub async fn retire_tier(db: &Db, owner: i64, tier: i64) -> Result<i64, RecipientError> {
    let recipient = owned_page(db, owner, Owned::Tier, tier).await?;
    recipients::retire_tier(db, owner, tier).await?;
    Ok(recipient)
}

/// Checks a post form against the tiers of `recipient`: (title, body, tier ids or empty).
async fn post_fields(
    db: &Db,
    recipient: i64,
    form: &PostForm<'_>,
) -> Result<(String, String, Vec<i64>), RecipientError> {
    let title = text("title", form.title, 120, "a title")?;
    let body = long_text("body", form.body, POST_BODY_MAX, "the post")?;
    if body.is_empty() {
        return Err(field("body", "Write something in the post."));
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
                    .ok_or_else(|| field("tier_ids", "Choose among this page's tiers."))?;
                if !chosen.contains(&id) {
                    chosen.push(id);
                }
            }
            if chosen.is_empty() {
                return Err(field(
                    "tier_ids",
                    "Choose at least one tier, or make the post public.",
                ));
            }
            chosen
        }
        _ => return Err(field("audience", "Choose who can read the post.")),
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
    tx.commit().await?;
    Ok(id)
}

/// Changes a post's title, body and audience. Returns the post's page.
pub async fn update_post(
    db: &Db,
    owner: i64,
    post: i64,
    form: PostForm<'_>,
) -> Result<i64, RecipientError> {
    let recipient = owned_page(db, owner, Owned::Post, post).await?;
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
    Ok(recipient)
}

/// Deletes a post. Returns the post's page.
pub async fn delete_post(db: &Db, owner: i64, post: i64) -> Result<i64, RecipientError> {
    let recipient = owned_page(db, owner, Owned::Post, post).await?;
    let mut tx = db.begin_write().await?;
    save_post_tiers(&mut tx, post, &[]).await?;
    sqlx::query("delete from posts where id = $1")
        .bind(post)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(recipient)
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

#[derive(sqlx::FromRow)]
struct PostRow {
    id: i64,
    title: String,
    body_md: String,
    public: i64,
    created_at: i64,
    updated_at: i64,
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
    let tiers: Vec<TierRow> = sqlx::query_as(
        "select t.id, t.name, t.price_minor, t.description, t.perks, t.supporter_limit, t.retired, \
                cast((select count(*) from pledges p where p.tier_id = t.id and p.status in ('active', 'past_due')) as bigint) as supporters \
         from tiers t where t.recipient_id = $1 order by t.retired, t.position, t.id",
    )
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
    let pledge: Option<(Option<i64>, i64)> = match viewer {
        Some(v) if v != owner => {
            sqlx::query_as(
                "select tier_id, amount_minor from pledges where supporter_id = $1 and recipient_id = $2 \
                 and status in ('active', 'past_due')",
            )
            .bind(v)
            .bind(recipient)
            .fetch_optional(db.pool())
            .await?
        }
        _ => None,
    };
    let is_owner = viewer == Some(owner);
    Ok(Some(
        posts
            .into_iter()
            .map(|p| {
                let tiers = tiers_of.remove(&p.id).unwrap_or_default();
                let readable =
                    p.public != 0 || is_owner || pledge.is_some_and(|open| unlocks(open, &tiers));
                PostView {
                    id: p.id,
                    title: p.title,
                    date: iso_day(p.created_at),
                    body_html: readable.then(|| markdown::to_safe_html(&p.body_md)),
                    for_tiers: if p.public != 0 {
                        Vec::new()
                    } else {
                        tiers.into_iter().map(|(_, name, _)| name).collect()
                    },
                }
            })
            .collect(),
    ))
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

    #[test]
    fn amounts_are_shown_as_typed() {
        assert_eq!(amount_input(50_000, "USD"), "500.00");
        assert_eq!(amount_input(5, "EUR"), "0.05");
        assert_eq!(amount_input(5_000, "JPY"), "5000");
    }

    #[test]
    fn categories_come_from_the_list() {
        assert_eq!(category(" music ").unwrap(), "Music");
        assert!(category("Crypto").is_err());
    }

    #[test]
    fn deadlines_are_dates_not_in_the_past() {
        assert_eq!(deadline("").unwrap(), None);
        assert!(deadline("2001-01-01").is_err());
        assert!(deadline("tomorrow").is_err());
        assert!(deadline("2199-12-31").unwrap().is_some());
    }

    #[test]
    fn bios_keep_line_breaks_but_not_other_control_characters() {
        assert_eq!(long_text("bio", "a\r\nb", 10, "the bio").unwrap(), "a\nb");
        assert!(long_text("bio", "a\u{7}b", 10, "the bio").is_err());
        assert!(long_text("bio", &"x".repeat(11), 10, "the bio").is_err());
    }
}
