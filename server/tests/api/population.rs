//! Building supporters, recipients, pledges and tips straight in the database, for money tests.

use app::domain::giving::pledges::{self, NewPledge, NewTip};
use app::domain::platform::clock::now;
use app::domain::{AppState, Db};

/// Inserts a verified user (with an unusable password) and returns their id.
pub async fn user(db: &Db, name: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as(
        "insert into users (email, display_name, password_hash, email_verified_at, created_at, password_changed_at) \
         values ($1, $2, '!', $3, $3, $3) returning id",
    )
    .bind(format!("{}@example.org", name.to_lowercase()))
    .bind(name)
    .bind(now())
    .fetch_one(db.pool())
    .await
    .unwrap();
    id
}

/// Inserts a creator or cause owned by a new user; returns the recipient id.
pub async fn recipient(db: &Db, slug: &str, currency: &str) -> i64 {
    let owner = user(db, &format!("owner-{slug}")).await;
    let (id,): (i64,) = sqlx::query_as(
        "insert into recipients (kind, owner_user_id, slug, name, category, currency, created_at) \
         values ('creator', $1, $2, $2, 'Art', $3, $4) returning id",
    )
    .bind(owner)
    .bind(slug)
    .bind(currency)
    .bind(now())
    .fetch_one(db.pool())
    .await
    .unwrap();
    id
}

/// The owner of a recipient.
pub async fn owner_of(db: &Db, recipient: i64) -> i64 {
    let (id,): (i64,) = sqlx::query_as("select owner_user_id from recipients where id = $1")
        .bind(recipient)
        .fetch_one(db.pool())
        .await
        .unwrap();
    id
}

/// A tier of `recipient`.
pub async fn tier(db: &Db, recipient: i64, price_minor: i64, limit: Option<i64>) -> i64 {
    let (id,): (i64,) = sqlx::query_as(
        "insert into tiers (recipient_id, name, price_minor, supporter_limit, position, created_at) \
         values ($1, 'Tier', $2, $3, 0, $4) returning id",
    )
    .bind(recipient)
    .bind(price_minor)
    .bind(limit)
    .bind(now())
    .fetch_one(db.pool())
    .await
    .unwrap();
    id
}

pub async fn pledge(state: &AppState, supporter: i64, recipient: i64, amount: &str) -> i64 {
    pledges::create_pledge(
        state,
        supporter,
        NewPledge {
            recipient_id: recipient,
            amount,
            tier_id: None,
            visibility: "public",
            budget_line: "",
        },
    )
    .await
    .unwrap()
}

pub async fn tip(state: &AppState, supporter: i64, recipient: i64, amount: &str) -> i64 {
    pledges::create_tip(
        state,
        supporter,
        NewTip {
            recipient_id: recipient,
            amount,
            message: "",
            visibility: "public",
            budget_line: "",
        },
    )
    .await
    .unwrap()
}

/// Gives the supporter a payment method and a billing day.
pub async fn card(state: &AppState, supporter: i64, method: &str, billing_day: i64) {
    pledges::set_payment_method(state, supporter, method, None)
        .await
        .unwrap();
    pledges::set_billing_day(state, supporter, billing_day)
        .await
        .unwrap();
}

/// "Fan", who pledges $5 to "mara" and tips "tomas" $3 (both USD), paying with `method` on
/// the 1st of the month. Returns (fan, mara, tomas).
pub async fn fan_of_mara_and_tomas(state: &AppState, method: &str) -> (i64, i64, i64) {
    let db = &state.db;
    let a = recipient(db, "mara", "USD").await;
    let b = recipient(db, "tomas", "USD").await;
    let fan = user(db, "Fan").await;
    pledge(state, fan, a, "5").await;
    tip(state, fan, b, "3").await;
    card(state, fan, method, 1).await;
    (fan, a, b)
}

pub async fn scalar(db: &Db, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(db.pool()).await.unwrap();
    n
}
