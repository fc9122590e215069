//! A page's own details: creating a creator or cause page and editing its address, name,
//! tagline, category, bio, goal, deadline and image. Every change loads the caller's
//! [`OwnedPage`] first; anything else is [`RecipientError::NotYours`] and changes nothing.

use crate::domain::Db;
use crate::domain::platform::words::Words;
use crate::domain::recipients::{self, NewRecipient, OwnedPage, RecipientError, Slug, text};
use crate::model::studio::categories;
use crate::money::{Currency, Money};

/// The longest bio, in characters.
pub const BIO_MAX: usize = 20_000;
/// The longest tagline, in characters.
pub const TAGLINE_MAX: usize = 140;

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

pub(super) fn field(name: &'static str, message: impl Into<Words>) -> RecipientError {
    RecipientError::Field(name, message.into())
}

fn category(raw: &str) -> Result<&'static str, RecipientError> {
    categories()
        .find(|c| c.eq_ignore_ascii_case(raw.trim()))
        .ok_or_else(|| field("category", Words::new("studio-error-category")))
}

fn tagline(raw: &str) -> Result<String, RecipientError> {
    let s = raw.trim();
    if s.chars().count() > TAGLINE_MAX || s.chars().any(char::is_control) {
        return Err(field(
            "tagline",
            Words::new("studio-error-tagline").number("max", TAGLINE_MAX as i64),
        ));
    }
    Ok(s.to_owned())
}

pub(super) fn long_text(
    name: &'static str,
    raw: &str,
    max: usize,
    label: &'static str,
) -> Result<String, RecipientError> {
    let s = raw.trim();
    if s.chars().count() > max {
        return Err(field(
            name,
            Words::new("studio-error-too-long")
                .message("label", label)
                .number("max", max as i64),
        ));
    }
    // Line breaks and tabs belong in Markdown; other control characters do not.
    if s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(field(
            name,
            Words::new("studio-error-control").message("label", label),
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
        .ok_or_else(|| field("deadline", Words::new("studio-error-deadline")))?;
    if date < chrono::Utc::now().date_naive() {
        return Err(field("deadline", Words::new("studio-error-deadline-past")));
    }
    Ok(date.and_hms_opt(0, 0, 0).map(|d| d.and_utc().timestamp()))
}

fn goal(raw: &str, currency: Currency) -> Result<Option<i64>, RecipientError> {
    match raw.trim() {
        "" => Ok(None),
        g => Money::parse(g, currency, 1_000_000_000 * currency.minor_per_major())
            .map(|m| Some(m.minor))
            .map_err(|e| field("goal", e)),
    }
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Creates a page owned by `owner` with everything on the form. Nothing is stored if any
/// field is wrong.
pub async fn create_page(db: &Db, owner: i64, form: PageForm<'_>) -> Result<i64, RecipientError> {
    let category = category(form.category)?;
    let tagline = tagline(form.tagline)?;
    let bio = long_text("bio", form.bio, BIO_MAX, "studio-label-bio")?;
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
    db.note_public_change();
    Ok(id)
}

/// The kind (as the database spells it) and currency of a page `owner` owns.
pub(super) async fn owned(
    db: &Db,
    owner: i64,
    recipient: i64,
) -> Result<(String, Currency), RecipientError> {
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
    let name = text("name", form.name, 80, "studio-label-name")?;
    let tagline = tagline(form.tagline)?;
    let category = category(form.category)?;
    let goal = goal(form.goal, currency)?;
    let deadline = if kind == "cause" {
        deadline(form.deadline)?
    } else {
        None
    };
    let bio = long_text("bio", form.bio, BIO_MAX, "studio-label-bio")?;
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
        Ok(_) => {
            db.note_public_change();
            Ok(())
        }
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
    db.note_public_change();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            long_text("bio", "a\r\nb", 10, "studio-label-bio").unwrap(),
            "a\nb"
        );
        assert!(long_text("bio", "a\u{7}b", 10, "studio-label-bio").is_err());
        assert!(long_text("bio", &"x".repeat(11), 10, "studio-label-bio").is_err());
    }
}
