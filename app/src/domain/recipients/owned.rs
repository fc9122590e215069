//! Proof of ownership as a value. Every change a page owner makes starts by loading an
//! [`OwnedPage`]; loading it is the ownership check, so a function that takes one cannot act
//! on someone else's page, and no module writes its own `owner_user_id = $n` query.

use crate::domain::Db;
use crate::model::RecipientKind;
use crate::money::Currency;

/// A creator or cause page, loaded for the person who owns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedPage {
    pub id: i64,
    pub owner: i64,
    pub kind: RecipientKind,
    pub currency: Currency,
    pub name: String,
    pub goal_minor: Option<i64>,
    /// The page's Stripe Connect account, once made.
    pub stripe_account: Option<String>,
}

type Row = (
    i64,
    i64,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
);

const SELECT: &str = "select r.id, r.owner_user_id, r.kind, r.currency, r.name, r.goal_minor, \
                      r.stripe_account_id from recipients r";

impl OwnedPage {
    /// The page `page` if `owner` owns it. `None` for anyone else's page and for a page that
    /// does not exist alike, so callers cannot tell the two apart either.
    pub async fn load(db: &Db, owner: i64, page: i64) -> Result<Option<Self>, sqlx::Error> {
        let row: Option<Row> = sqlx::query_as(&format!(
            "{SELECT} where r.id = $1 and r.owner_user_id = $2"
        ))
        .bind(page)
        .bind(owner)
        .fetch_optional(db.pool())
        .await?;
        Ok(row.and_then(Self::from_row))
    }

    /// The page the tier `tier` belongs to, if `owner` owns it.
    pub async fn of_tier(db: &Db, owner: i64, tier: i64) -> Result<Option<Self>, sqlx::Error> {
        Self::of_child(db, owner, "tiers", tier).await
    }

    /// The page the post `post` belongs to, if `owner` owns it.
    pub async fn of_post(db: &Db, owner: i64, post: i64) -> Result<Option<Self>, sqlx::Error> {
        Self::of_child(db, owner, "posts", post).await
    }

    async fn of_child(
        db: &Db,
        owner: i64,
        table: &'static str,
        id: i64,
    ) -> Result<Option<Self>, sqlx::Error> {
        let row: Option<Row> = sqlx::query_as(&format!(
            "{SELECT} join {table} x on x.recipient_id = r.id \
             where x.id = $1 and r.owner_user_id = $2"
        ))
        .bind(id)
        .bind(owner)
        .fetch_optional(db.pool())
        .await?;
        Ok(row.and_then(Self::from_row))
    }

    fn from_row(
        (id, owner, kind, currency, name, goal_minor, stripe_account): Row,
    ) -> Option<Self> {
        Some(Self {
            id,
            owner,
            kind: RecipientKind::from_db(&kind),
            // A page whose currency Chipin cannot read is nobody's to change.
            currency: currency.parse().ok()?,
            name,
            goal_minor,
            stripe_account,
        })
    }

    /// True for a cause page.
    pub fn is_cause(&self) -> bool {
        self.kind == RecipientKind::Cause
    }
}
