//! Which pledges and tips count? The one rule every reader applies, so a page's supporters,
//! monthly income, goal progress, explore ranking and unlocked posts always agree.
//!
//! A pledge counts — it unlocks restricted posts and is counted in public totals — while it is
//! open (active or past due) **and** its supporter has a saved payment method that has not been
//! found unusable (a decline saying the method itself cannot be charged marks it; saving another
//! method clears that). A pledge without a card is a promise nobody can collect, so it neither
//! reads paid posts nor inflates a page. Once a pledge has unlocked restricted posts, its first
//! period is owed (see `giving::pledges`), so reading and then cancelling still pays once.
//!
//! A tip counts, and its message is shown, only once it is paid: a settled charge carried it and
//! it was not refunded.

/// SQL true when the pledge named `alias` counts now (an open pledge backed by a usable method).
pub fn pledge_counts(alias: &str) -> String {
    format!(
        "({alias}.status in ('active', 'past_due') and {})",
        supporter_can_pay(&format!("{alias}.supporter_id"))
    )
}

/// SQL true when the supporter whose id is the expression `supporter` has a saved payment
/// method not known to be unusable.
pub fn supporter_can_pay(supporter: &str) -> String {
    format!(
        "exists (select 1 from billing_profiles bp where bp.user_id = {supporter} \
         and bp.payment_method is not null \
         and (bp.unusable_payment_method is null or bp.unusable_payment_method <> bp.payment_method))"
    )
}

/// SQL true when the donation item named `alias` is a paid (settled, not refunded) one.
pub fn item_paid(alias: &str) -> String {
    format!("{alias}.status = 'paid'")
}

/// Whether `supporter` has a saved, usable payment method.
pub async fn can_pay(db: &crate::domain::Db, supporter: i64) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "select cast(count(*) as bigint) from users u where u.id = $1 and {}",
        supporter_can_pay("u.id")
    );
    let (n,): (i64,) = sqlx::query_as(&sql)
        .bind(supporter)
        .fetch_one(db.pool())
        .await?;
    Ok(n > 0)
}
