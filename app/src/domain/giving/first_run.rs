//! Where a new account stands on the way to its first gift: a saved card, a billing day,
//! someone supported. The account page shows the steps left; the header asks whether the
//! person owns a page before it links to the studio.

use crate::domain::Db;
use crate::model::GettingStarted;

/// One read of everything the first-run path shows for `user`.
pub async fn getting_started(db: &Db, user: i64) -> Result<GettingStarted, sqlx::Error> {
    let row: (Option<String>, Option<String>, Option<i64>, i64, i64, i64) = sqlx::query_as(
        "select \
            (select payment_method from billing_profiles where user_id = $1), \
            (select unusable_payment_method from billing_profiles where user_id = $1), \
            (select cast(billing_day as bigint) from billing_profiles where user_id = $1), \
            cast((select count(*) from pledges where supporter_id = $1 and status <> 'cancelled') as bigint), \
            cast((select count(*) from tips where supporter_id = $1) as bigint), \
            cast((select count(*) from recipients where owner_user_id = $1) as bigint)",
    )
    .bind(user)
    .fetch_one(db.pool())
    .await?;
    let (method, unusable, billing_day, pledges, tips, pages) = row;
    let has_card = method
        .as_deref()
        .is_some_and(|m| !m.is_empty() && unusable.as_deref() != Some(m));
    Ok(GettingStarted {
        has_card,
        billing_day,
        gifts: pledges + tips,
        owns_pages: pages > 0,
    })
}

/// Whether `user` owns a creator or cause page (closed ones included: their history is there).
pub async fn owns_pages(db: &Db, user: i64) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> =
        sqlx::query_as("select id from recipients where owner_user_id = $1 limit 1")
            .bind(user)
            .fetch_optional(db.pool())
            .await?;
    Ok(row.is_some())
}
