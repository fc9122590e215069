//! Personal access tokens: who is calling the API? A token is `chipin_pat_` and 256 random
//! bits (the prefix makes a leaked token easy to find with a secret scanner or `grep`). The
//! database keeps its SHA-256 and its first characters, never the token itself, except masked
//! for a few minutes after creation so the account page can show it once: the mask is derived
//! from the creating session's cookie, which the database does not hold, so a database dump
//! alone cannot unmask it. A token reads what its owner owns; it is revoked by marking it.

use crate::domain::Db;
use crate::domain::platform::clock::now;
use crate::domain::platform::tokens;
use sha2::{Digest as _, Sha256};

/// How every token starts.
pub const TOKEN_PREFIX: &str = "chipin_pat_";
/// Characters of a token kept to tell tokens apart (the prefix and four more).
const SHOWN_PREFIX: usize = TOKEN_PREFIX.len() + 4;
/// Tokens one account may have that are not revoked.
pub const MAX_ACTIVE: i64 = 20;
/// How long after creation the new token may still be shown (seconds).
const REVEAL_SECS: i64 = 600;
/// A token's last use is written at most this often (seconds), so reads stay reads.
const LAST_USED_GRANULARITY: i64 = 60;

/// What can go wrong managing tokens.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The token's name is missing or unusable.
    #[error("Name the token after what will use it, e.g. \"Newsletter sync\".")]
    NameMissing,
    #[error("Keep the name to 60 characters, on one line.")]
    NameTooLong,
    /// The account already has [`MAX_ACTIVE`] tokens that are not revoked.
    #[error("You have {MAX_ACTIVE} tokens; revoke one you no longer use first.")]
    TooMany,
    #[error("There is no such token, or it is not yours.")]
    NotYours,
    #[error("database")]
    Db(#[from] sqlx::Error),
}

/// A token as its owner's account page lists it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    /// Its first characters, e.g. `chipin_pat_Ab3x`.
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// The account a presented token acts for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApiCaller {
    pub user_id: i64,
    pub token_id: i64,
}

/// Checks a token's name: 1–60 characters, no control characters.
pub fn parse_name(raw: &str) -> Result<String, TokenError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(TokenError::NameMissing);
    }
    if name.chars().count() > 60 || name.chars().any(char::is_control) {
        return Err(TokenError::NameTooLong);
    }
    Ok(name.to_owned())
}

/// `len` bytes that only the holder of `session_token` can compute for the token whose
/// digest is `token_hash`.
fn pad(session_token: &str, token_hash: &str, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 32);
    let mut block: u8 = 0;
    while out.len() < len {
        let mut h = Sha256::new();
        h.update(b"chipin api token reveal\0");
        h.update(session_token.as_bytes());
        h.update([0, block]);
        h.update(token_hash.as_bytes());
        out.extend_from_slice(&h.finalize());
        block = block.wrapping_add(1);
    }
    out.truncate(len);
    out
}

fn mask(bytes: &[u8], session_token: &str, token_hash: &str) -> Vec<u8> {
    bytes
        .iter()
        .zip(pad(session_token, token_hash, bytes.len()))
        .map(|(b, p)| b ^ p)
        .collect()
}

/// Creates a token named `name` for `user`, to be shown once to the session holding
/// `session_token` (see [`take_new`]); returns its id.
pub async fn create(
    db: &Db,
    user: i64,
    session_token: &str,
    name: &str,
) -> Result<i64, TokenError> {
    let name = parse_name(name)?;
    let token = format!("{TOKEN_PREFIX}{}", tokens::generate());
    let hash = tokens::digest(&token);
    let reveal = hex::encode(mask(token.as_bytes(), session_token, &hash));
    let at = now();
    // The limit is checked by the insert itself. Two forms racing on PostgreSQL may both see
    // one place left and let one token too many in: harmless, so no lock is taken for it.
    let inserted: Option<(i64,)> = sqlx::query_as(
        "insert into api_tokens (user_id, name, token_hash, prefix, reveal, created_at) \
         select $1, $2, $3, $4, $5, $6 \
         where (select count(*) from api_tokens where user_id = $1 and revoked_at is null) < $7 \
         returning id",
    )
    .bind(user)
    .bind(&name)
    .bind(&hash)
    .bind(&token[..SHOWN_PREFIX])
    .bind(&reveal)
    .bind(at)
    .bind(MAX_ACTIVE)
    .fetch_optional(db.pool())
    .await?;
    let Some((id,)) = inserted else {
        return Err(TokenError::TooMany);
    };
    Ok(id)
}

/// The token `user` created last from the session holding `session_token`, with its name,
/// if it was created in the last few minutes and has not been shown yet; showing it clears it,
/// so it is shown once. Another session of the same account sees nothing (and clears nothing).
pub async fn take_new(
    db: &Db,
    user: i64,
    session_token: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let since = now() - REVEAL_SECS;
    sqlx::query("update api_tokens set reveal = null where user_id = $1 and reveal is not null and created_at < $2")
        .bind(user)
        .bind(since)
        .execute(db.pool())
        .await?;
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "select id, name, token_hash, reveal from api_tokens \
         where user_id = $1 and reveal is not null and revoked_at is null order by id desc",
    )
    .bind(user)
    .fetch_all(db.pool())
    .await?;
    for (id, name, hash, reveal) in rows {
        let Ok(masked) = hex::decode(&reveal) else {
            continue;
        };
        let Ok(token) = String::from_utf8(mask(&masked, session_token, &hash)) else {
            continue;
        };
        if !tokens::constant_time_eq(&tokens::digest(&token), &hash) {
            continue;
        }
        // Cleared only if still there: of two pages opened at once, one shows the token.
        let cleared =
            sqlx::query("update api_tokens set reveal = null where id = $1 and reveal = $2")
                .bind(id)
                .bind(&reveal)
                .execute(db.pool())
                .await?;
        if cleared.rows_affected() == 1 {
            return Ok(Some((name, token)));
        }
    }
    Ok(None)
}

/// Every token of `user`, newest first, revoked ones included.
pub async fn list(db: &Db, user: i64) -> Result<Vec<TokenView>, sqlx::Error> {
    sqlx::query_as(
        "select id, name, prefix, created_at, last_used_at, revoked_at from api_tokens \
         where user_id = $1 order by id desc",
    )
    .bind(user)
    .fetch_all(db.pool())
    .await
}

/// Revokes `user`'s token `id`; from now on it is refused. Revoking twice is fine.
pub async fn revoke(db: &Db, user: i64, id: i64) -> Result<(), TokenError> {
    let done = sqlx::query(
        "update api_tokens set revoked_at = $1, reveal = null \
         where id = $2 and user_id = $3 and revoked_at is null",
    )
    .bind(now())
    .bind(id)
    .bind(user)
    .execute(db.pool())
    .await?;
    if done.rows_affected() == 1 {
        return Ok(());
    }
    let (mine,): (i64,) = sqlx::query_as(
        "select cast(count(*) as bigint) from api_tokens where id = $1 and user_id = $2",
    )
    .bind(id)
    .bind(user)
    .fetch_one(db.pool())
    .await?;
    if mine == 0 {
        Err(TokenError::NotYours)
    } else {
        Ok(())
    }
}

/// The caller a presented token stands for: `None` for anything that is not a live token of
/// an account that still exists. Notes the time of use (at most once a minute).
pub async fn authenticate(db: &Db, presented: &str) -> Result<Option<ApiCaller>, sqlx::Error> {
    let well_formed = presented
        .strip_prefix(TOKEN_PREFIX)
        .is_some_and(tokens::is_well_formed);
    if !well_formed {
        return Ok(None);
    }
    let row: Option<(i64, i64, Option<i64>)> = sqlx::query_as(
        "select t.id, t.user_id, t.last_used_at from api_tokens t join users u on u.id = t.user_id \
         where t.token_hash = $1 and t.revoked_at is null and u.deleted_at is null",
    )
    .bind(tokens::digest(presented))
    .fetch_optional(db.pool())
    .await?;
    let Some((token_id, user_id, last_used)) = row else {
        return Ok(None);
    };
    let at = now();
    if last_used.is_none_or(|t| t <= at - LAST_USED_GRANULARITY) {
        sqlx::query(
            "update api_tokens set last_used_at = $1 \
             where id = $2 and (last_used_at is null or last_used_at <= $3)",
        )
        .bind(at)
        .bind(token_id)
        .bind(at - LAST_USED_GRANULARITY)
        .execute(db.pool())
        .await?;
    }
    Ok(Some(ApiCaller { user_id, token_id }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mask_comes_off_only_with_the_same_session() {
        let token = format!("{TOKEN_PREFIX}{}", tokens::generate());
        let hash = tokens::digest(&token);
        let masked = mask(token.as_bytes(), "session-a", &hash);
        assert_ne!(masked, token.as_bytes());
        assert_eq!(mask(&masked, "session-a", &hash), token.as_bytes());
        assert_ne!(mask(&masked, "session-b", &hash), token.as_bytes());
    }

    #[test]
    fn names_are_short_single_lines() {
        assert_eq!(parse_name("  CI export ").unwrap(), "CI export");
        assert!(parse_name(" ").is_err());
        assert!(parse_name(&"x".repeat(61)).is_err());
        assert!(parse_name("two\nlines").is_err());
    }
}
