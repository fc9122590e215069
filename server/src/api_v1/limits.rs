//! How often may a client call the API? A token bucket per client address (every request,
//! keyed by the address `client_addr` worked out, which honours `TRUSTED_PROXIES`) and one per
//! access token (requests that present a live token), each refilling over a minute. An
//! exhausted bucket answers 429 with `Retry-After`. The buckets live in this process's memory.

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::time::Duration;

/// Keys kept before idle buckets are dropped.
const SWEEP_ABOVE: usize = 10_000;

/// The API's rate limits.
pub struct ApiLimits {
    per_address: DefaultKeyedRateLimiter<String>,
    per_token: DefaultKeyedRateLimiter<i64>,
}

impl std::fmt::Debug for ApiLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiLimits").finish_non_exhaustive()
    }
}

impl ApiLimits {
    /// `per_address` and `per_token` requests a minute (each may come in one burst).
    pub fn new(per_address: u32, per_token: u32) -> Self {
        let quota = |n: u32| Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN));
        Self {
            per_address: RateLimiter::keyed(quota(per_address)),
            per_token: RateLimiter::keyed(quota(per_token)),
        }
    }

    /// Takes one request from `addr`'s bucket, or says how long until there is one.
    pub fn address(&self, addr: &str) -> Result<(), Duration> {
        if self.per_address.len() > SWEEP_ABOVE {
            self.per_address.retain_recent();
        }
        self.per_address
            .check_key(&addr.to_owned())
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    /// Takes one request from token `id`'s bucket, or says how long until there is one.
    pub fn token(&self, id: i64) -> Result<(), Duration> {
        if self.per_token.len() > SWEEP_ABOVE {
            self.per_token.retain_recent();
        }
        self.per_token
            .check_key(&id)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}
