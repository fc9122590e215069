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
    /// Receipt files one cause page may keep uploaded, in bytes (`RECEIPT_QUOTA_MB`).
    pub receipt_quota_bytes: i64,
    /// Hours after which a receipt upload never attached to an expense is removed
    /// (`RECEIPT_UNATTACHED_HOURS`).
    pub receipt_unattached_hours: i64,
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
            receipt_quota_bytes: 100 * 1024 * 1024,
            receipt_unattached_hours: 24,
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
