//! What did the person type into the form that just failed? A plain form post that fails is
//! answered by a redirect back to its page; the error and the typed values wait here, in the
//! database, for that one page load. The cookie carries a random token, the table its digest:
//! no value, error or CSRF token ever travels in a URL, and a flash is read once.

use crate::domain::Db;
use crate::domain::platform::clock::now;
use crate::domain::platform::tokens;
use serde::{Deserialize, Serialize};

/// How long a flash waits for its page load: a redirect is followed at once.
pub const FLASH_SECS: i64 = 120;

/// The cookie that points at a waiting flash.
pub const FLASH_COOKIE: &str = "chipin_flash";

/// The `Set-Cookie` value pointing at a flash (`max_age_secs` 0 deletes it).
pub fn cookie(token: &str, secure: bool, max_age_secs: i64) -> String {
    format!(
        "{FLASH_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// A failed form post: which server function it went to, its error as the server function
/// framework encodes it, and the fields as typed (secrets removed by [`FormFlash::new`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormFlash {
    /// The server function's path, e.g. `/api/create_tip`.
    pub path: String,
    /// The error, encoded as the framework puts it in `__err`.
    pub error: String,
    /// The fields as typed, in form order.
    pub fields: Vec<(String, String)>,
}

/// True for fields never kept: passwords, second-factor codes, tokens (the CSRF token too).
pub fn is_secret_field(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ["password", "code", "token", "secret", "csrf"]
        .iter()
        .any(|s| n.contains(s))
}

impl FormFlash {
    /// A flash for `path`'s failed post, keeping only the fields that are not secret.
    pub fn new(path: String, error: String, fields: Vec<(String, String)>) -> Self {
        let fields = fields
            .into_iter()
            .filter(|(k, _)| !is_secret_field(k))
            .collect();
        Self {
            path,
            error,
            fields,
        }
    }

    /// The value typed into `name`, if the form had it.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Stores `flash` and returns the token for the cookie. Sweeps expired flashes on the way.
pub async fn put(db: &Db, flash: &FormFlash) -> Result<String, sqlx::Error> {
    let token = tokens::generate();
    let at = now();
    sqlx::query("delete from form_flashes where expires_at < $1")
        .bind(at)
        .execute(db.pool())
        .await?;
    let payload = serde_json::to_string(flash).unwrap_or_default();
    sqlx::query("insert into form_flashes (token_hash, payload, expires_at) values ($1, $2, $3)")
        .bind(tokens::digest(&token))
        .bind(payload)
        .bind(at + FLASH_SECS)
        .execute(db.pool())
        .await?;
    Ok(token)
}

/// Takes the flash behind `token` (deleting it), if it exists and has not expired.
pub async fn take(db: &Db, token: &str) -> Result<Option<FormFlash>, sqlx::Error> {
    if !tokens::is_well_formed(token) {
        return Ok(None);
    }
    let row: Option<(String, i64)> = sqlx::query_as(
        "delete from form_flashes where token_hash = $1 returning payload, expires_at",
    )
    .bind(tokens::digest(token))
    .fetch_optional(db.pool())
    .await?;
    Ok(row
        .filter(|(_, expires)| *expires >= now())
        .and_then(|(p, _)| serde_json::from_str(&p).ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_codes_and_the_csrf_token_are_never_kept() {
        let f = FormFlash::new(
            "/api/sign_up".into(),
            String::new(),
            vec![
                ("display_name".into(), "Ana".into()),
                ("email".into(), "ana@example.com".into()),
                ("password".into(), "hunter2hunter2".into()),
                ("new_password".into(), "x".into()),
                ("code".into(), "123456".into()),
                ("chipin_csrf".into(), "t".into()),
                ("csrf_token".into(), "t".into()),
            ],
        );
        assert_eq!(f.value("email"), Some("ana@example.com"));
        assert_eq!(f.value("display_name"), Some("Ana"));
        for secret in [
            "password",
            "new_password",
            "code",
            "chipin_csrf",
            "csrf_token",
        ] {
            assert_eq!(f.value(secret), None, "{secret}");
        }
    }
}
