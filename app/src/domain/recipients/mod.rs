//! Who can be supported, and what do people see of them? Creator and cause pages, their
//! tiers, posts and budget lines; finding them (explore); and the read models the public
//! (public page, kept in memory for a moment) and the owner's studio (pages, supporters and
//! income reports) see.
//!
//! Every change to a page goes through [`OwnedPage`]: loading one proves the caller owns the
//! page, so no function that changes a page can forget to check.
//!
//! May import: platform, books, hooks.

pub mod backing;
pub mod budget_lines;
pub mod button;
pub mod explore;
mod owned;
pub mod pages;
pub mod posts;
pub mod public_cache;
pub mod public_page;
pub mod reports;
pub mod studio;
pub mod tiers;

pub use owned::OwnedPage;

use crate::domain::Db;
use crate::domain::platform::clock::now;
use crate::domain::platform::words::Words;
use crate::money::{Currency, Money};

/// What can go wrong creating or changing a recipient or tier.
#[derive(Debug, thiserror::Error)]
pub enum RecipientError {
    #[error("{1}")]
    Field(&'static str, Words),
    #[error("That address is taken; choose another.")]
    SlugTaken,
    #[error("There is no such page or tier, or it is not yours.")]
    NotYours,
    #[error("database")]
    Db(#[from] sqlx::Error),
}

/// A page address: 3–40 lower-case letters, digits and single hyphens, not at either end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    /// Words the site's own routes use.
    const RESERVED: &'static [&'static str] =
        &["new", "api", "admin", "edit", "studio", "settings", "pkg"];

    pub fn parse(raw: &str) -> Result<Self, Words> {
        let s = raw.trim().to_lowercase();
        if s.len() < 3 || s.len() > 40 {
            return Err(Words::new("studio-error-slug-length"));
        }
        let ok_chars = s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok_chars || s.starts_with('-') || s.ends_with('-') || s.contains("--") {
            return Err(Words::new("studio-error-slug-characters"));
        }
        if Self::RESERVED.contains(&s.as_str()) {
            return Err(Words::new("studio-error-slug-reserved"));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new creator or cause page.
#[derive(Clone, Debug)]
pub struct NewRecipient<'a> {
    pub kind: &'a str,
    pub slug: &'a str,
    pub name: &'a str,
    pub category: &'a str,
    pub currency: &'a str,
    /// Monthly goal (creators) or campaign target (causes), as typed; empty for none.
    pub goal: &'a str,
}

pub(crate) fn text(
    field: &'static str,
    raw: &str,
    max: usize,
    label: &'static str,
) -> Result<String, RecipientError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(RecipientError::Field(
            field,
            Words::new("studio-error-enter").message("label", label),
        ));
    }
    if s.chars().count() > max {
        return Err(RecipientError::Field(
            field,
            Words::new("studio-error-too-long")
                .message("label", label)
                .number("max", max as i64),
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(RecipientError::Field(
            field,
            Words::new("studio-error-control").message("label", label),
        ));
    }
    Ok(s.to_owned())
}

/// Creates a page owned by `owner`; its currency is fixed from now on.
pub async fn create(db: &Db, owner: i64, form: NewRecipient<'_>) -> Result<i64, RecipientError> {
    let kind = match form.kind {
        "creator" | "cause" => form.kind,
        _ => {
            return Err(RecipientError::Field(
                "kind",
                Words::new("studio-error-kind"),
            ));
        }
    };
    let slug = Slug::parse(form.slug).map_err(|m| RecipientError::Field("slug", m))?;
    let name = text("name", form.name, 80, "studio-label-name")?;
    let category = text("category", form.category, 40, "studio-label-category")?;
    let currency: Currency = form
        .currency
        .parse()
        .map_err(|_| RecipientError::Field("currency", Words::new("studio-error-currency")))?;
    let goal = match form.goal.trim() {
        "" => None,
        g => Some(
            Money::parse(g, currency, 1_000_000_000 * currency.minor_per_major())
                .map_err(|e| RecipientError::Field("goal", e.into()))?
                .minor,
        ),
    };
    let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "insert into recipients (kind, owner_user_id, slug, name, category, currency, goal_minor, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
    )
    .bind(kind)
    .bind(owner)
    .bind(slug.as_str())
    .bind(&name)
    .bind(&category)
    .bind(currency.code())
    .bind(goal)
    .bind(now())
    .fetch_one(db.pool())
    .await;
    match inserted {
        Ok((id,)) => {
            // A visit before it existed may have kept "no such page".
            db.note_public_change();
            Ok(id)
        }
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(RecipientError::SlugTaken),
        Err(e) => Err(e.into()),
    }
}

/// A new tier.
#[derive(Clone, Debug)]
pub struct NewTier<'a> {
    pub name: &'a str,
    pub price: &'a str,
    pub description: &'a str,
    /// One perk per line.
    pub perks: &'a str,
    /// Empty for no limit.
    pub supporter_limit: &'a str,
}

/// Adds a tier at the end of `recipient`'s list, if `owner` owns it.
pub async fn create_tier(
    db: &Db,
    owner: i64,
    recipient: i64,
    form: NewTier<'_>,
) -> Result<i64, RecipientError> {
    let page = OwnedPage::load(db, owner, recipient)
        .await?
        .ok_or(RecipientError::NotYours)?;
    let currency = page.currency;
    let fields = tier_fields(&form)?;
    let price = Money::parse(form.price, currency, 1_000_000 * currency.minor_per_major())
        .map_err(|e| RecipientError::Field("price", e.into()))?;
    let (id,): (i64,) = sqlx::query_as(
        "insert into tiers (recipient_id, name, price_minor, description, perks, supporter_limit, position, created_at) \
         values ($1, $2, $3, $4, $5, $6, (select coalesce(max(position), -1) + 1 from tiers where recipient_id = $1), $7) \
         returning id",
    )
    .bind(recipient)
    .bind(&fields.name)
    .bind(price.minor)
    .bind(&fields.description)
    .bind(&fields.perks)
    .bind(fields.supporter_limit)
    .bind(now())
    .fetch_one(db.pool())
    .await?;
    db.note_public_change();
    Ok(id)
}

/// A tier's checked name, description, perks (one per line) and supporter limit.
pub(crate) struct TierFields {
    pub name: String,
    pub description: String,
    pub perks: String,
    pub supporter_limit: Option<i64>,
}

/// Checks the fields of a tier form other than its price.
pub(crate) fn tier_fields(form: &NewTier<'_>) -> Result<TierFields, RecipientError> {
    let name = text("name", form.name, 60, "studio-label-tier-name")?;
    let description = form.description.trim();
    if description.chars().count() > 1000 {
        return Err(RecipientError::Field(
            "description",
            Words::new("studio-error-tier-description"),
        ));
    }
    let perks: Vec<&str> = form
        .perks
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if perks.len() > 20
        || perks
            .iter()
            .any(|p| p.chars().count() > 120 || p.chars().any(char::is_control))
    {
        return Err(RecipientError::Field(
            "perks",
            Words::new("studio-error-perks"),
        ));
    }
    let supporter_limit = match form.supporter_limit.trim() {
        "" => None,
        l => Some(
            l.parse::<i64>()
                .ok()
                .filter(|n| (1..=1_000_000).contains(n))
                .ok_or_else(|| {
                    RecipientError::Field(
                        "supporter_limit",
                        Words::new("studio-error-supporter-limit"),
                    )
                })?,
        ),
    };
    Ok(TierFields {
        name,
        description: description.to_owned(),
        perks: perks.join("\n"),
        supporter_limit,
    })
}

/// Retires a tier: no new pledges, existing pledges keep their terms.
pub async fn retire_tier(db: &Db, owner: i64, tier: i64) -> Result<(), RecipientError> {
    let page = OwnedPage::of_tier(db, owner, tier)
        .await?
        .ok_or(RecipientError::NotYours)?;
    sqlx::query("update tiers set retired = 1 where id = $1 and recipient_id = $2")
        .bind(tier)
        .bind(page.id)
        .execute(db.pool())
        .await?;
    db.note_public_change();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Slug;

    #[test]
    fn slugs_are_simple_lower_case_addresses() {
        assert_eq!(Slug::parse(" Mara-Draws ").unwrap().as_str(), "mara-draws");
        for bad in [
            "ab",
            "-mara",
            "mara-",
            "ma--ra",
            "mara draws",
            "marä",
            "api",
            &"x".repeat(41),
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad:?}");
        }
    }
}
