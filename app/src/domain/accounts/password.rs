//! How are passwords stored? Argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane),
//! computed on the blocking pool with a bound on how many run at once, so a burst of logins
//! cannot starve the async runtime or exhaust memory.

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;

/// Why a hash could not be computed or read.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("argon2: {0}")]
    Argon2(String),
    #[error("the hashing task failed")]
    Join(#[from] tokio::task::JoinError),
    #[error("the hashing pool is closed")]
    Closed,
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("OWASP argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_blocking(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError::Argon2(e.to_string()))
}

/// A hash of a password nobody knows: unknown accounts are checked against it so that they
/// take as long as known ones.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_blocking(&crate::domain::platform::tokens::generate())
            .expect("hashing a random password")
    })
}

/// Hashes and verifies passwords off the async runtime.
#[derive(Clone, Debug)]
pub struct Hasher {
    permits: Arc<Semaphore>,
}

impl Hasher {
    /// A hasher that computes at most `concurrency` hashes at once.
    pub fn new(concurrency: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
        }
    }

    /// A PHC-format Argon2id hash of `password` with a fresh salt.
    pub async fn hash(&self, password: &str) -> Result<String, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| HashError::Closed)?;
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || hash_blocking(&password)).await?
    }

    /// True if `candidate` matches `stored`. With no stored hash it checks against a dummy
    /// hash and returns false, taking the same time.
    pub async fn verify(&self, candidate: &str, stored: Option<&str>) -> Result<bool, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| HashError::Closed)?;
        let candidate = candidate.to_owned();
        let (stored, known) = match stored {
            Some(s) => (s.to_owned(), true),
            None => (dummy_hash().to_owned(), false),
        };
        tokio::task::spawn_blocking(move || {
            let parsed =
                PasswordHash::new(&stored).map_err(|e| HashError::Argon2(e.to_string()))?;
            let ok = argon2()
                .verify_password(candidate.as_bytes(), &parsed)
                .is_ok();
            Ok(ok && known)
        })
        .await?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_nothing_else() {
        let hasher = Hasher::new(2);
        let h = hasher.hash("violet-kettle-harbour").await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            hasher
                .verify("violet-kettle-harbour", Some(&h))
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify("violet-kettle-harbouR", Some(&h))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn unknown_accounts_never_verify() {
        let hasher = Hasher::new(1);
        assert!(!hasher.verify("anything", None).await.unwrap());
    }

    #[tokio::test]
    async fn the_same_password_gets_a_different_salt_each_time() {
        let hasher = Hasher::new(2);
        let a = hasher.hash("violet-kettle-harbour").await.unwrap();
        let b = hasher.hash("violet-kettle-harbour").await.unwrap();
        assert_ne!(a, b);
    }
}
