//! Retries: a declined charge gets a new attempt on the retry schedule (a new charge row with
//! its own idempotency key, taking over the declined one's items); after the last attempt
//! settling voids the items and pauses the pledges instead.

use super::gather::idempotency_key;
use super::{BillingConfig, BillingError, RunSummary};
use crate::domain::Db;
use crate::domain::platform::db::Backend;
use crate::money::Currency;

/// Creates the next attempt of every declined charge whose retry is due.
pub async fn schedule_retries(
    db: &Db,
    config: &BillingConfig,
    now: i64,
    summary: &mut RunSummary,
) -> Result<(), BillingError> {
    let lock = match db.backend() {
        Backend::Postgres => " for update skip locked",
        Backend::Sqlite => "",
    };
    loop {
        let mut tx = db.begin_write().await?;
        let due: Vec<(i64, i64, String, String, i64, i64)> = sqlx::query_as(&format!(
            "select id, supporter_id, currency, cycle, attempt, amount_minor from charges \
             where status = 'failed' and next_retry_at is not null and next_retry_at <= $1 \
             order by id limit $2{lock}"
        ))
        .bind(now)
        .bind(config.batch_size as i64)
        .fetch_all(&mut *tx)
        .await?;
        if due.is_empty() {
            tx.commit().await?;
            return Ok(());
        }
        for (id, supporter, currency, cycle, attempt, amount) in due {
            let taken = sqlx::query("update charges set next_retry_at = null where id = $1 and next_retry_at is not null")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            if taken.rows_affected() == 0 {
                continue;
            }
            let c: Currency = currency.parse().map_err(|_| {
                BillingError::Inconsistent(format!("charge {id}: currency {currency}"))
            })?;
            let next = attempt + 1;
            let (new_id,): (i64,) = sqlx::query_as(
                "insert into charges (supporter_id, currency, cycle, attempt, amount_minor, idempotency_key, status, created_at, updated_at) \
                 values ($1, $2, $3, $4, $5, $6, 'pending', $7, $7) returning id",
            )
            .bind(supporter)
            .bind(c.code())
            .bind(&cycle)
            .bind(next)
            .bind(amount)
            .bind(idempotency_key(supporter, c, &cycle, next))
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("update donation_items set charge_id = $1 where charge_id = $2 and status = 'charging'")
                .bind(new_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            summary.retries_scheduled += 1;
        }
        tx.commit().await?;
    }
}
