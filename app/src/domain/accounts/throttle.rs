//! How many wrong passwords may one try? Failures are counted per account and per client
//! address over a sliding hour. After a few failures each further attempt must wait twice as
//! long as the last (capped), and a hard ceiling stops the rest of the hour.

use crate::domain::Db;
use crate::domain::platform::clock::now;

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

const HOUR: i64 = 3600;

/// The scopes failures are counted in.
#[derive(Clone, Copy, Debug)]
pub enum Scope {
    Account,
    Ip,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Ip => "ip",
        }
    }
}

/// Seconds to wait before `key` may try again, or `None` if it may try now.
pub async fn wait_needed(
    db: &Db,
    scope: Scope,
    key: &str,
    limit: Limit,
) -> Result<Option<i64>, sqlx::Error> {
    let at = now();
    let (count, last): (i64, Option<i64>) = sqlx::query_as(
        "select count(*), max(at) from login_failures where scope = $1 and key = $2 and at > $3",
    )
    .bind(scope.as_str())
    .bind(key)
    .bind(at - HOUR)
    .fetch_one(db.pool())
    .await?;
    Ok(wait_for(count, last, at, limit))
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

/// Records one failed attempt.
pub async fn record_failure(db: &Db, scope: Scope, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("insert into login_failures (scope, key, at) values ($1, $2, $3)")
        .bind(scope.as_str())
        .bind(key)
        .bind(now())
        .execute(db.pool())
        .await?;
    Ok(())
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
