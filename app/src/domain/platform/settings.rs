//! What the domain needs to know about this installation. The server reads the environment once
//! at start-up and fills this in; tests build it directly.

use std::path::PathBuf;
use url::Url;

/// Installation-wide settings the domain depends on.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Public address of the site, used in links in emails and for the Origin check.
    pub base_url: Url,
    /// `From:` of outgoing mail.
    pub mail_from: String,
    /// A session ends after this many seconds without a request.
    pub session_idle_timeout_secs: i64,
    /// A session ends this many seconds after login whatever happens.
    pub session_absolute_timeout_secs: i64,
    /// How many password hashes may be computed at once.
    pub password_hashing_concurrency: usize,
    /// Email verification links expire after this many seconds.
    pub verify_email_ttl_secs: i64,
    /// Password reset links expire after this many seconds.
    pub reset_password_ttl_secs: i64,
    /// Where uploaded images are stored (served at `/media/…`).
    pub uploads_dir: PathBuf,
    /// How long an explore list may be served from memory, in seconds (0: never).
    pub explore_cache_secs: u64,
    /// How long a public creator or cause page may be served from memory, in seconds (0:
    /// never); a write that changes public data drops it sooner.
    pub page_cache_secs: u64,
    /// Requests that email a typed address (sign-up, password reset) one client address may
    /// make in an hour.
    pub mail_requests_per_client_hour: i64,
    /// The key that seals two-factor secrets in the database (`TWO_FACTOR_KEY`); without it
    /// they are stored as they are, readable by anyone with a dump of the database.
    pub two_factor_key: Option<TwoFactorKey>,
    /// Card-testing limits (velocity of saved cards, failed charges and tips).
    pub limits: Limits,
    /// Where security alerts are mailed (`OPERATOR_EMAIL`); none are when unset.
    pub operator_email: Option<String>,
    /// Receipt files one cause page may keep uploaded, in bytes (`RECEIPT_QUOTA_MB`).
    pub receipt_quota_bytes: i64,
    /// Hours after which a receipt upload never attached to an expense is removed
    /// (`RECEIPT_UNATTACHED_HOURS`).
    pub receipt_unattached_hours: i64,
    /// Days after a charge succeeded during which its supporter may ask for a refund of its
    /// donations from their trail pages (`REFUND_REQUEST_DAYS`).
    pub refund_request_days: i64,
    /// Pledges and tips above this many major units of USD, EUR or GBP ask the supporter to
    /// confirm before they are recorded (`LARGE_GIFT_CONFIRM`; 0: never ask). Zero-decimal
    /// currencies scale it, see [`crate::domain::giving::pledges::large_gift_minor`].
    pub large_gift_confirm_major: i64,
    /// Outgoing webhooks may be sent to private, loopback and other non-public addresses
    /// (`WEBHOOKS_ALLOW_PRIVATE`; for tests and development only: it opens the door to SSRF).
    pub webhooks_allow_private: bool,
    /// Webhook endpoints may be plain `http://` addresses (`WEBHOOKS_ALLOW_HTTP`; for tests and
    /// development only).
    pub webhooks_allow_http: bool,
}

/// A server-side secret that never prints (`Debug` shows only that it is set).
#[derive(Clone)]
pub struct TwoFactorKey(String);

impl TwoFactorKey {
    /// At least 32 characters: a random string such as `openssl rand -base64 32` prints.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        if raw.trim().chars().count() < 32 {
            return Err(
                "must be at least 32 characters (e.g. the output of `openssl rand -base64 32`)",
            );
        }
        Ok(Self(raw.trim().to_owned()))
    }

    /// The key material, for deriving the sealing key.
    pub fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl std::fmt::Debug for TwoFactorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TwoFactorKey(…)")
    }
}

/// Velocity limits against card testing: stolen cards are tried on donation sites many times,
/// on many accounts and from one address. Each counts real rows (saved cards, failed charges,
/// tips) over a sliding window; reaching the limit refuses the next one until the window has
/// passed, and is logged as a security event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Payment methods one account may save in 24 hours (`CARDS_PER_ACCOUNT_DAY`).
    pub cards_per_account_day: i64,
    /// Payment methods one client address may save in 24 hours (`CARDS_PER_CLIENT_DAY`).
    pub cards_per_client_day: i64,
    /// Failed charges of one account in 24 hours after which it is not charged again, nor
    /// may it save a card, until the window passes (`FAILED_CHARGES_PER_ACCOUNT_DAY`).
    pub failed_charges_per_account_day: i64,
    /// The same for one card (by the processor's fingerprint), whichever accounts used it
    /// (`FAILED_CHARGES_PER_CARD_DAY`).
    pub failed_charges_per_card_day: i64,
    /// New tips one account may make in an hour (`TIPS_PER_ACCOUNT_HOUR`).
    pub tips_per_account_hour: i64,
    /// Tips one account may confirm in one click from a chip-in button in 24 hours
    /// (`ONE_CLICK_TIPS_PER_DAY`); more go through the page's own tip form.
    pub one_click_tips_per_day: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            cards_per_account_day: 3,
            cards_per_client_day: 5,
            failed_charges_per_account_day: 5,
            failed_charges_per_card_day: 5,
            tips_per_account_hour: 10,
            one_click_tips_per_day: 20,
        }
    }
}

impl Settings {
    /// Settings for a site at `base_url` with Chipin's defaults.
    pub fn with_base_url(base_url: Url) -> Self {
        Self {
            mail_from: format!(
                "Chipin <no-reply@{}>",
                base_url.host_str().unwrap_or("localhost")
            ),
            base_url,
            session_idle_timeout_secs: 7 * 24 * 3600,
            session_absolute_timeout_secs: 30 * 24 * 3600,
            password_hashing_concurrency: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            verify_email_ttl_secs: 48 * 3600,
            reset_password_ttl_secs: 3600,
            uploads_dir: PathBuf::from("data/uploads"),
            explore_cache_secs: 5,
            page_cache_secs: 5,
            mail_requests_per_client_hour: 20,
            two_factor_key: None,
            limits: Limits::default(),
            operator_email: None,
            receipt_quota_bytes: 100 * 1024 * 1024,
            receipt_unattached_hours: 24,
            refund_request_days: 14,
            large_gift_confirm_major: 100,
            webhooks_allow_private: false,
            webhooks_allow_http: false,
        }
    }

    /// True when the site is served over HTTPS, so cookies get `Secure`.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.scheme() == "https"
    }

    /// The scheme, host and port browsers send as `Origin` for this site.
    pub fn origin(&self) -> String {
        self.base_url.origin().ascii_serialization()
    }

    /// An absolute link to `path` (which starts with `/`).
    pub fn link(&self, path: &str) -> String {
        let base = self.base_url.as_str().trim_end_matches('/');
        format!("{base}{path}")
    }
}
