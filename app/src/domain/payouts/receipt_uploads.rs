//! Receipt files a cause's organizer uploads for expenses: how much each page may keep, and
//! removing uploads never attached to an expense.
//!
//! Every upload is a `receipt_uploads` row, reserved (under the page's lock, so two uploads at
//! once cannot both slip under the quota) before its file is written. Recording an expense
//! whose receipt is an upload marks the row attached. A periodic sweep deletes rows left
//! unattached for some hours and then each file that nothing else still names (files are
//! stored by content hash, so one file may serve several uploads, pages or images).

use crate::domain::Db;
use crate::domain::books::shares;
use crate::domain::platform::clock::now;
use crate::domain::platform::uploads::media_file;
use std::path::Path;

/// Why an upload was not reserved.
#[derive(Debug, thiserror::Error)]
pub enum ReserveError {
    #[error("This page's receipts use their storage allowance.")]
    OverQuota,
    #[error("database")]
    Db(#[from] sqlx::Error),
}

/// Reserves room for a receipt `name` of `bytes` on `cause`, refused if the page's uploads
/// would pass `quota` bytes. Returns the upload's id.
pub async fn reserve(
    db: &Db,
    cause: i64,
    name: &str,
    bytes: i64,
    quota: i64,
) -> Result<i64, ReserveError> {
    let mut tx = db.begin_write().await?;
    shares::lock_recipient(&mut tx, cause).await?;
    let (used,): (i64,) = sqlx::query_as(
        "select cast(coalesce(sum(bytes), 0) as bigint) from receipt_uploads where recipient_id = $1",
    )
    .bind(cause)
    .fetch_one(&mut *tx)
    .await?;
    if used.checked_add(bytes).is_none_or(|total| total > quota) {
        return Err(ReserveError::OverQuota);
    }
    let (id,): (i64,) = sqlx::query_as(
        "insert into receipt_uploads (recipient_id, name, bytes, created_at) values ($1, $2, $3, $4) returning id",
    )
    .bind(cause)
    .bind(name)
    .bind(bytes)
    .bind(now())
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Gives back a reservation whose file could not be written.
pub async fn release(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("delete from receipt_uploads where id = $1 and attached_at is null")
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Removes uploads never attached to an expense and made before `before` (unix seconds), and
/// each of their files under `dir` that no other upload, expense or page image names. Returns
/// how many uploads were removed.
pub async fn sweep(db: &Db, dir: &Path, before: i64) -> Result<u64, sqlx::Error> {
    let stale: Vec<(i64, String)> = sqlx::query_as(
        "select id, name from receipt_uploads where attached_at is null and created_at < $1 \
         order by id limit 1000",
    )
    .bind(before)
    .fetch_all(db.pool())
    .await?;
    let mut removed = 0;
    for (id, name) in stale {
        let mut tx = db.begin_write().await?;
        let gone = sqlx::query("delete from receipt_uploads where id = $1 and attached_at is null")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if gone.rows_affected() == 0 {
            tx.rollback().await?;
            continue;
        }
        removed += 1;
        let url = format!("/media/{name}");
        let (still_named,): (i64,) = sqlx::query_as(
            "select cast((select count(*) from receipt_uploads where name = $1) \
                 + (select count(*) from expenses where receipt_url = $2) \
                 + (select count(*) from recipients where image_url = $2) as bigint)",
        )
        .bind(&name)
        .bind(&url)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        if still_named == 0
            && let Some((path, _)) = media_file(dir, &name)
            && let Err(e) = tokio::fs::remove_file(&path).await
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(error = %e, "could not remove an unattached receipt file");
        }
    }
    Ok(removed)
}
