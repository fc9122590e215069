//! `server backup PATH`: a consistent copy of a SQLite database taken while Chipin serves,
//! checked by opening the copy and running the ledger check on it.

use super::ledger::ledger_check_report;
use app::domain::Db;
use app::domain::platform::db::{Backend, DbError};
use std::path::Path;

/// Why no backup was made.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "server backup copies SQLite databases only; back up PostgreSQL with pg_dump \
         (e.g. pg_dump --format=custom --file=chipin.dump \"$DATABASE_URL\"; see the README)"
    )]
    Postgres,
    #[error("{0} already exists; choose a new file name (a backup never overwrites)")]
    Exists(String),
    #[error("could not open the database")]
    Open(#[source] DbError),
    #[error("could not write the copy")]
    Copy(#[source] sqlx::Error),
    #[error("could not open the copy")]
    OpenCopy(#[source] DbError),
    #[error("could not check the copy")]
    Check(#[source] sqlx::Error),
}

/// Copies the database at `database_url` to the new file `path` with `VACUUM INTO` (one read
/// transaction: the copy is the database as of one moment, and writers carry on meanwhile),
/// then opens the copy and runs the ledger check on it. Returns the report and whether the
/// check passed.
pub async fn backup(database_url: &str, path: &Path) -> Result<(String, bool), BackupError> {
    if Backend::from_url(database_url) == Some(Backend::Postgres) {
        return Err(BackupError::Postgres);
    }
    let shown = path.display().to_string();
    if path.exists() {
        return Err(BackupError::Exists(shown));
    }
    let db = Db::connect(database_url, 1)
        .await
        .map_err(BackupError::Open)?;
    let copied = sqlx::query("vacuum into $1")
        .bind(&shown)
        .execute(db.pool())
        .await;
    db.close().await;
    copied.map_err(BackupError::Copy)?;
    let copy = Db::connect(&format!("sqlite://{shown}"), 1)
        .await
        .map_err(BackupError::OpenCopy)?;
    let checked = ledger_check_report(&copy).await;
    copy.close().await;
    let (report, ok) = checked.map_err(BackupError::Check)?;
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    Ok((
        format!("backed up to {shown} ({size} bytes); the copy's {report}"),
        ok,
    ))
}
