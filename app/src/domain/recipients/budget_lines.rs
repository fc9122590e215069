//! A cause's budget lines ("Hosting", "Events"): what donors may earmark a tip or pledge to,
//! and what expenses are recorded in. Only the cause's owner adds or retires lines; creators
//! have none. A retired line takes no new earmarks, and keeps its history; expenses may still
//! be recorded in it, so the money donors earmarked to it before it was retired is spent on
//! what they gave it for.

use super::OwnedPage;
use crate::domain::Db;
use crate::domain::books::shares::LIVE_EXPENSE_SHARES;
use crate::domain::platform::clock::now;
use crate::domain::platform::words::Words;
use crate::model::trail::BudgetLineRow;

/// The longest budget line name and description, in characters.
pub const MAX_NAME_CHARS: usize = 60;
pub const MAX_DESCRIPTION_CHARS: usize = 200;

/// The form field that names a budget line, on the give forms and the expense form.
pub const FIELD: &str = "budget_line_id";

/// Why a budget line was not added or retired.
#[derive(Debug, thiserror::Error)]
pub enum BudgetLineError {
    #[error("{1}")]
    Field(&'static str, Words),
    #[error("There is no such cause, or it is not yours.")]
    NotYours,
    #[error(
        "Only causes have budget lines: supporters give to a creator as a whole, so there is nothing to earmark."
    )]
    NotACause,
    #[error("That budget line is already retired.")]
    AlreadyRetired,
    #[error("database")]
    Db(#[from] sqlx::Error),
}

/// Checks a new line's name and description; the first bad field is named.
pub fn parse_fields(name: &str, description: &str) -> Result<(String, String), BudgetLineError> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(BudgetLineError::Field(
            "name",
            Words::new("studio-error-line-name").number("max", MAX_NAME_CHARS as i64),
        ));
    }
    let description = description.trim();
    if description.chars().count() > MAX_DESCRIPTION_CHARS
        || description.chars().any(char::is_control)
    {
        return Err(BudgetLineError::Field(
            "description",
            Words::new("studio-error-line-description").number("max", MAX_DESCRIPTION_CHARS as i64),
        ));
    }
    Ok((name.to_owned(), description.to_owned()))
}

/// The page `owner` owns, if it is a cause: [`BudgetLineError::NotACause`] for their creator
/// page, [`BudgetLineError::NotYours`] for anyone else's.
async fn owned_cause(db: &Db, owner: i64, cause: i64) -> Result<(), BudgetLineError> {
    match OwnedPage::load(db, owner, cause).await? {
        Some(page) if page.is_cause() => Ok(()),
        Some(_) => Err(BudgetLineError::NotACause),
        None => Err(BudgetLineError::NotYours),
    }
}

/// Adds a budget line to a cause `owner` owns. Names are unique per cause, whatever their
/// case. Returns the line's id.
pub async fn create(
    db: &Db,
    owner: i64,
    cause: i64,
    name: &str,
    description: &str,
) -> Result<i64, BudgetLineError> {
    owned_cause(db, owner, cause).await?;
    let (name, description) = parse_fields(name, description)?;
    let taken = || {
        BudgetLineError::Field(
            "name",
            Words::new("studio-error-line-taken").text("name", &name),
        )
    };
    let (same,): (i64,) = sqlx::query_as(
        "select count(*) from budget_lines where recipient_id = $1 and lower(name) = lower($2)",
    )
    .bind(cause)
    .bind(&name)
    .fetch_one(db.pool())
    .await?;
    if same > 0 {
        return Err(taken());
    }
    let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "insert into budget_lines (recipient_id, name, description, created_at) values ($1, $2, $3, $4) returning id",
    )
    .bind(cause)
    .bind(&name)
    .bind(&description)
    .bind(now())
    .fetch_one(db.pool())
    .await;
    match inserted {
        Ok((id,)) => {
            db.note_public_change();
            Ok(id)
        }
        // Two owners' tabs adding the same name at once: the unique index decides.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(taken()),
        Err(e) => Err(e.into()),
    }
}

/// Retires a budget line of a cause `owner` owns.
pub async fn retire(db: &Db, owner: i64, cause: i64, line: i64) -> Result<(), BudgetLineError> {
    owned_cause(db, owner, cause).await?;
    let row: Option<(Option<i64>,)> =
        sqlx::query_as("select retired_at from budget_lines where id = $1 and recipient_id = $2")
            .bind(line)
            .bind(cause)
            .fetch_optional(db.pool())
            .await?;
    match row {
        None => Err(BudgetLineError::NotYours),
        Some((Some(_),)) => Err(BudgetLineError::AlreadyRetired),
        Some((None,)) => {
            sqlx::query(
                "update budget_lines set retired_at = $1 where id = $2 and recipient_id = $3 and retired_at is null",
            )
            .bind(now())
            .bind(line)
            .bind(cause)
            .execute(db.pool())
            .await?;
            db.note_public_change();
            Ok(())
        }
    }
}

/// What a chosen budget line is for: a donation may only be earmarked to an active line; an
/// expense may also be recorded in a retired one, to spend what was earmarked to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineUse {
    Earmark,
    Expense,
}

/// Why [`chosen`] refused a budget line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineRefusal {
    /// Not a line of this cause.
    NotOne,
    /// Retired, and the use was an earmark.
    Retired,
}

impl LineRefusal {
    /// The studio's words for it (the expense form).
    pub fn studio_words(self) -> Words {
        Words::new(match self {
            Self::NotOne => "studio-error-line-not-one",
            Self::Retired => "studio-error-line-retired",
        })
    }

    /// The giving form's words for it.
    pub fn giving_words(self) -> Words {
        Words::new(match self {
            Self::NotOne => "give-err-line-not-one",
            Self::Retired => "give-err-line-retired",
        })
    }
}

/// The budget line a form chose for a donation to, or an expense of, `recipient`: `""` is
/// none ("where it's needed most"); anything else must be a line of that recipient, active
/// unless it is for an expense. The error is the message for the form's [`FIELD`].
pub async fn chosen(
    conn: &mut sqlx::AnyConnection,
    recipient: i64,
    raw: &str,
    purpose: LineUse,
) -> Result<Result<Option<i64>, LineRefusal>, sqlx::Error> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(Ok(None));
    }
    let Ok(id) = raw.parse::<i64>() else {
        return Ok(Err(LineRefusal::NotOne));
    };
    let row: Option<(Option<i64>,)> =
        sqlx::query_as("select retired_at from budget_lines where id = $1 and recipient_id = $2")
            .bind(id)
            .bind(recipient)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(match row {
        None => Err(LineRefusal::NotOne),
        Some((Some(_),)) if purpose == LineUse::Earmark => Err(LineRefusal::Retired),
        Some(_) => Ok(Some(id)),
    })
}

/// A cause's budget lines (active first, then retired, each by name) with their money, and
/// its unearmarked money (id 0).
pub async fn rows(db: &Db, cause: i64) -> Result<(Vec<BudgetLineRow>, BudgetLineRow), sqlx::Error> {
    let lines: Vec<(i64, String, String, Option<i64>)> = sqlx::query_as(
        "select id, name, description, retired_at from budget_lines where recipient_id = $1 \
         order by case when retired_at is null then 0 else 1 end, lower(name), id",
    )
    .bind(cause)
    .fetch_all(db.pool())
    .await?;
    // Per pool (0: unearmarked): net received and what expenses took from it.
    let pools: Vec<(i64, i64, i64)> = sqlx::query_as(&format!(
        "select coalesce(i.budget_line_id, 0), \
           cast(sum((a.net_minor - a.refunded_net_minor)) as bigint), \
           cast(coalesce(sum(x.spent), 0) as bigint) \
         from allocations a join donation_items i on i.id = a.item_id \
         left join (select l.item_id, sum(l.amount_minor) as spent from {LIVE_EXPENSE_SHARES} l group by l.item_id) x \
           on x.item_id = a.item_id \
         where a.recipient_id = $1 group by coalesce(i.budget_line_id, 0)"
    ))
    .bind(cause)
    .fetch_all(db.pool())
    .await?;
    let recorded: Vec<(i64, i64)> = sqlx::query_as(
        "select budget_line_id, cast(sum(amount_minor) as bigint) from expenses \
         where recipient_id = $1 and corrected_at is null and budget_line_id is not null \
         group by budget_line_id",
    )
    .bind(cause)
    .fetch_all(db.pool())
    .await?;
    let row = |id: i64, name: String, description: String, retired: bool| {
        let (earmarked, spent) = pools
            .iter()
            .find(|p| p.0 == id)
            .map_or((0, 0), |p| (p.1, p.2));
        BudgetLineRow {
            id,
            name,
            description,
            retired,
            earmarked_minor: earmarked,
            spent_minor: spent,
            unspent_minor: earmarked - spent,
            expenses_minor: recorded.iter().find(|r| r.0 == id).map_or(0, |r| r.1),
        }
    };
    let general = row(
        0,
        "Where it's needed most".to_owned(),
        "Donations not earmarked to a budget line.".to_owned(),
        false,
    );
    Ok((
        lines
            .into_iter()
            .map(|(id, name, description, retired)| row(id, name, description, retired.is_some()))
            .collect(),
        general,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_one_to_sixty_characters_and_descriptions_short() {
        assert!(parse_fields("Hosting", "").is_ok());
        assert_eq!(
            parse_fields("  Events  ", " Meetups ").unwrap(),
            ("Events".to_owned(), "Meetups".to_owned())
        );
        assert!(matches!(
            parse_fields("   ", ""),
            Err(BudgetLineError::Field("name", _))
        ));
        assert!(parse_fields(&"é".repeat(60), "").is_ok());
        assert!(matches!(
            parse_fields(&"é".repeat(61), ""),
            Err(BudgetLineError::Field("name", _))
        ));
        assert!(matches!(
            parse_fields("Tabs\there", ""),
            Err(BudgetLineError::Field("name", _))
        ));
        assert!(matches!(
            parse_fields("Hosting", &"x".repeat(201)),
            Err(BudgetLineError::Field("description", _))
        ));
    }
}
