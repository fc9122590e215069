//! How many wrong passwords may one try? Failures are counted per account and per client
//! address over a sliding hour. After a few failures each further attempt must wait twice as
//! long as the last (capped), and a hard ceiling stops the rest of the hour.
//!
//! An attempt is counted before its password is hashed, not after (see [`reserve`]): otherwise
//! many attempts sent at once would all pass the check while the first was still hashing.
//!
//! The same counter also limits requests that email an address someone typed (sign-up, password
//! reset, a fresh verification link): every such request counts, per client address and per
//! target address, so the forms cannot be used to flood an inbox ([`mail_client`], [`MAIL_TARGET`]).

use crate::domain::Db;
use crate::domain::platform::clock::now;
use crate::domain::platform::db::Backend;

/// Limits for one scope.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    /// Failures tolerated without any wait.
    pub free: i64,
    /// Longest wait between attempts once backing off, in seconds.
    pub max_backoff_secs: i64,
    /// Failures per hour after which every attempt is refused.
    pub per_hour: i64,
}

/// Per account: five free tries, then 2 s, 4 s, 8 s ... up to 5 minutes; never more than 100
/// failures an hour.
pub const ACCOUNT: Limit = Limit {
    free: 5,
    max_backoff_secs: 300,
    per_hour: 100,
};

/// Per client address, which may hide many people behind one NAT: more generous, same shape.
pub const IP: Limit = Limit {
    free: 30,
    max_backoff_secs: 60,
    per_hour: 1000,
};

/// Requests that email a typed address (sign-up, password reset, a fresh verification link)
/// from one client address: `per_hour` of them (twenty by default, generous enough for a
/// shared office or campus NAT; `MAIL_REQUESTS_PER_CLIENT_HOUR`). Every request counts, not
/// only failures, and there is no back-off: the hourly ceiling is all.
pub const fn mail_client(per_hour: i64) -> Limit {
    Limit {
        free: per_hour,
        max_backoff_secs: 0,
        per_hour,
    }
}

/// Requests that email one target address, from anywhere: five an hour. Counted whether or not
/// the address has an account, so being refused reveals nothing about it.
pub const MAIL_TARGET: Limit = Limit {
    free: 5,
    max_backoff_secs: 0,
    per_hour: 5,
};

const HOUR: i64 = 3600;

/// The scopes failures (or, for mail, requests) are counted in.
#[derive(Clone, Copy, Debug)]
pub enum Scope {
    /// Failed passwords per account (its normalised email address).
    Account,
    /// Failed passwords per client address.
    Ip,
    /// Requests that email a typed address, per client address.
    MailClient,
    /// Requests that email a typed address, per target address.
    MailTarget,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Ip => "ip",
            Self::MailClient => "mail_client",
            Self::MailTarget => "mail_target",
        }
    }
}

/// An attempt let through to a password check. It was counted as a failure in every scope
/// when it was let through, so parallel attempts cannot all pass the check before any of them
/// fails; [`Attempt::succeeded`] takes the count back, [`Attempt::failed`] lets it stand. An
/// attempt never settled (an error, a dropped request) stays a failure: the safe side.
#[derive(Debug)]
#[must_use = "settle the attempt once the password is checked"]
pub struct Attempt {
    rows: Vec<i64>,
}

/// Whether an attempt may go ahead.
#[derive(Debug)]
pub enum Admission {
    Admitted(Attempt),
    /// Seconds to wait before trying again.
    Wait(i64),
}

/// Checks every `(scope, key, limit)` and, if none must wait, counts the attempt as a failure
/// in each, all in one transaction that holds each key's lock, so no parallel attempt sees
/// the count before this one is in it. SQLite's `begin immediate` serialises writers;
/// PostgreSQL takes an advisory lock per key (in the order given, the same for every login).
pub async fn reserve(db: &Db, keys: &[(Scope, &str, Limit)]) -> Result<Admission, sqlx::Error> {
    let at = now();
    let mut tx = db.begin_write().await?;
    let mut wait: Option<i64> = None;
    for (scope, key, limit) in keys {
        if db.backend() == Backend::Postgres {
            // A count over the lock's (void) result: the Any driver cannot decode void.
            sqlx::query(
                "select count(*) from (select pg_advisory_xact_lock(hashtextextended($1, 0))) as l",
            )
            .bind(format!("login_failures:{}:{key}", scope.as_str()))
            .fetch_one(&mut *tx)
            .await?;
        }
        let (count, last): (i64, Option<i64>) = sqlx::query_as(
            "select count(*), max(at) from login_failures where scope = $1 and key = $2 and at > $3",
        )
        .bind(scope.as_str())
        .bind(*key)
        .bind(at - HOUR)
        .fetch_one(&mut *tx)
        .await?;
        wait = wait.max(wait_for(count, last, at, *limit));
    }
    if let Some(secs) = wait {
        tx.rollback().await?;
        return Ok(Admission::Wait(secs));
    }
    let mut rows = Vec::with_capacity(keys.len());
    for (scope, key, _) in keys {
        let (id,): (i64,) = sqlx::query_as(
            "insert into login_failures (scope, key, at) values ($1, $2, $3) returning id",
        )
        .bind(scope.as_str())
        .bind(*key)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        rows.push(id);
    }
    tx.commit().await?;
    Ok(Admission::Admitted(Attempt { rows }))
}

impl Attempt {
    /// The password was right: this attempt was no failure after all.
    pub async fn succeeded(self, db: &Db) -> Result<(), sqlx::Error> {
        for id in self.rows {
            sqlx::query("delete from login_failures where id = $1")
                .bind(id)
                .execute(db.pool())
                .await?;
        }
        Ok(())
    }

    /// The password was wrong: the failure counted when the attempt was let through stands.
    pub fn failed(self) {}

    /// For scopes that count every request (mail): the request counted when it was let through
    /// stands, whatever came of it.
    pub fn counted(self) {}
}

/// The throttle rule itself, separate from storage so it can be tested exhaustively.
pub fn wait_for(
    failures_last_hour: i64,
    last_failure: Option<i64>,
    at: i64,
    limit: Limit,
) -> Option<i64> {
    let last = last_failure?;
    if failures_last_hour >= limit.per_hour {
        // Wait until the oldest counted failure leaves the window; an hour is the safe bound.
        return Some(HOUR - (at - last).clamp(0, HOUR - 1));
    }
    if failures_last_hour < limit.free {
        return None;
    }
    // Failures are stamped in whole seconds, so a wait of `n` seconds guarantees only `n - 1`
    // real ones; the first wait is therefore two seconds, never a single one that a retry
    // crossing a second boundary would slip past.
    let exponent = (failures_last_hour - limit.free + 1).min(20) as u32;
    let backoff = (1i64 << exponent).min(limit.max_backoff_secs);
    let ready_at = last + backoff;
    (ready_at > at).then_some(ready_at - at)
}

/// Forgets an account's failures after a successful login.
pub async fn clear(db: &Db, scope: Scope, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("delete from login_failures where scope = $1 and key = $2")
        .bind(scope.as_str())
        .bind(key)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Deletes failures older than the window; returns how many.
pub async fn purge_old(db: &Db) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("delete from login_failures where at < $1")
        .bind(now() - HOUR)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_failures_are_free() {
        for n in 0..ACCOUNT.free {
            assert_eq!(wait_for(n, Some(1000), 1000, ACCOUNT), None);
        }
        assert_eq!(wait_for(0, None, 1000, ACCOUNT), None);
    }

    #[test]
    fn waits_double_then_cap() {
        let l = ACCOUNT;
        assert_eq!(wait_for(l.free, Some(1000), 1000, l), Some(2));
        // A retry in the next whole second is still refused.
        assert_eq!(wait_for(l.free, Some(1000), 1001, l), Some(1));
        assert_eq!(wait_for(l.free + 1, Some(1000), 1000, l), Some(4));
        assert_eq!(wait_for(l.free + 3, Some(1000), 1000, l), Some(16));
        assert_eq!(wait_for(l.free + 30, Some(1000), 1000, l), Some(300));
        // Once the wait has passed, the next attempt is allowed.
        assert_eq!(wait_for(l.free + 3, Some(1000), 1016, l), None);
    }

    #[test]
    fn the_hourly_ceiling_refuses_even_after_the_backoff() {
        let l = ACCOUNT;
        let w = wait_for(l.per_hour, Some(1000), 2000, l).unwrap();
        assert!(w > 0 && w <= HOUR);
    }

    #[test]
    fn mail_limits_let_exactly_their_hourly_number_through() {
        for l in [mail_client(20), MAIL_TARGET] {
            for n in 0..l.per_hour {
                assert_eq!(wait_for(n, Some(1000), 1000, l), None);
            }
            let w = wait_for(l.per_hour, Some(1000), 1000, l).unwrap();
            assert!(w > 0 && w <= HOUR);
        }
    }

    #[test]
    fn an_attacker_retrying_the_moment_it_may_stays_far_below_the_ceiling() {
        let l = ACCOUNT;
        let mut failures: Vec<i64> = Vec::new();
        let mut t = 0;
        while t < HOUR {
            let recent: Vec<i64> = failures.iter().copied().filter(|&f| f > t - HOUR).collect();
            match wait_for(recent.len() as i64, recent.last().copied(), t, l) {
                None => {
                    failures.push(t);
                    t += 1;
                }
                Some(w) => t += w,
            }
        }
        assert!(
            failures.len() as i64 <= l.per_hour,
            "{} failures",
            failures.len()
        );
        assert!(failures.len() as i64 > l.free);
    }
}
