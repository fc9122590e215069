//! Who is logged in? Sessions live in the database: the cookie carries a random token, the
//! table keeps its SHA-256, and a session ends after an idle period, an absolute lifetime, a
//! logout, or a password change.

use crate::domain::platform::clock::now;
use crate::domain::platform::tokens;
use crate::domain::{Db, Settings};

/// The person behind a request's session cookie.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionUser {
    pub user_id: i64,
    pub email: String,
    pub display_name: String,
    pub is_admin: bool,
    /// The language the account reads Chipin in, if it has chosen one.
    pub language: Option<String>,
}

/// A resolved session: the cookie's token and its user.
#[derive(Clone, Debug)]
pub struct CurrentSession {
    pub token: String,
    pub user: SessionUser,
}

/// Only touch `last_seen_at` when it is older than this, to spare a write per request.
const TOUCH_AFTER_SECS: i64 = 60;

/// Starts a session for `user_id` and returns the token for the cookie.
pub async fn create(db: &Db, user_id: i64) -> Result<String, sqlx::Error> {
    let token = tokens::generate();
    let at = now();
    sqlx::query(
        "insert into sessions (token_hash, user_id, created_at, last_seen_at) values ($1, $2, $3, $3)",
    )
    .bind(tokens::digest(&token))
    .bind(user_id)
    .bind(at)
    .execute(db.pool())
    .await?;
    Ok(token)
}

/// Starts a session for `user_id` that has just passed a second-factor check.
pub async fn create_checked(db: &Db, user_id: i64) -> Result<String, sqlx::Error> {
    let token = tokens::generate();
    let at = now();
    sqlx::query(
        "insert into sessions (token_hash, user_id, created_at, last_seen_at, second_factor_at) \
         values ($1, $2, $3, $3, $3)",
    )
    .bind(tokens::digest(&token))
    .bind(user_id)
    .bind(at)
    .execute(db.pool())
    .await?;
    Ok(token)
}

/// A session joined with its user: id, email, display name, admin flag, created and last
/// seen (unix seconds), saved language.
type SessionRow = (i64, String, String, i64, i64, i64, Option<String>);

/// The user behind `token`, if the session exists and has not timed out. Expired sessions
/// are deleted on sight.
pub async fn resolve(
    db: &Db,
    settings: &Settings,
    token: &str,
) -> Result<Option<SessionUser>, sqlx::Error> {
    if !tokens::is_well_formed(token) {
        return Ok(None);
    }
    let hash = tokens::digest(token);
    let row: Option<SessionRow> = sqlx::query_as(
        "select u.id, u.email, u.display_name, u.is_admin, s.created_at, s.last_seen_at, u.language \
         from sessions s join users u on u.id = s.user_id where s.token_hash = $1",
    )
    .bind(&hash)
    .fetch_optional(db.pool())
    .await?;
    let Some((user_id, email, display_name, is_admin, created_at, last_seen_at, language)) = row
    else {
        return Ok(None);
    };
    let at = now();
    let idle_expired = at - last_seen_at > settings.session_idle_timeout_secs;
    let absolute_expired = at - created_at > settings.session_absolute_timeout_secs;
    if idle_expired || absolute_expired {
        delete(db, token).await?;
        return Ok(None);
    }
    if at - last_seen_at >= TOUCH_AFTER_SECS {
        sqlx::query("update sessions set last_seen_at = $1 where token_hash = $2")
            .bind(at)
            .bind(&hash)
            .execute(db.pool())
            .await?;
    }
    Ok(Some(SessionUser {
        user_id,
        email,
        display_name,
        is_admin: is_admin != 0,
        language,
    }))
}

/// Ends the session behind `token`.
pub async fn delete(db: &Db, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("delete from sessions where token_hash = $1")
        .bind(tokens::digest(token))
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Deletes sessions that can no longer be used; returns how many.
pub async fn purge_expired(db: &Db, settings: &Settings) -> Result<u64, sqlx::Error> {
    let at = now();
    let done = sqlx::query("delete from sessions where last_seen_at < $1 or created_at < $2")
        .bind(at - settings.session_idle_timeout_secs)
        .bind(at - settings.session_absolute_timeout_secs)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}
