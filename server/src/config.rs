//! Chipin's configuration: read once at start-up from the environment (and `.env`), checked,
//! and typed. A bad value stops start-up with a message naming the variable.

use crate::client_addr::TrustedProxies;
use app::domain::Settings;
use app::domain::platform::db::Backend;
use app::domain::platform::settings::TwoFactorKey;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use url::Url;

/// A value that must never be printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Stripe credentials; all three or none.
#[derive(Clone, Debug)]
pub struct StripeKeys {
    pub secret_key: Secret,
    pub webhook_secret: Secret,
    /// `STRIPE_PUBLISHABLE_KEY`: the key Stripe.js uses in the supporter's browser to confirm a
    /// payment their bank asked them to authenticate. Public by design.
    pub publishable_key: String,
    /// `STRIPE_API_BASE`: another address for Stripe's API (a local fake in tests).
    pub api_base: Option<String>,
}

/// Everything the process is configured with.
#[derive(Clone, Debug)]
pub struct Config {
    /// `sqlite://…` or `postgres://…`; contains a password on PostgreSQL, hence secret.
    pub database_url: Secret,
    pub db_max_connections: u32,
    /// Where to listen.
    pub bind: SocketAddr,
    /// SMTP server, or `None` to write mail into `mail_outbox_dir`.
    pub smtp_url: Option<Secret>,
    pub mail_outbox_dir: PathBuf,
    /// How often the outbox worker looks for mail to send, in seconds.
    pub mail_poll_secs: u64,
    pub stripe: Option<StripeKeys>,
    /// Load demo creators and causes into an empty database at start-up.
    pub demo_data: bool,
    /// `TRUSTED_PROXIES`: the reverse proxies whose `X-Forwarded-For` entries are believed;
    /// empty means the socket peer is the client.
    pub trusted_proxies: TrustedProxies,
    /// The folder cargo-leptos builds the site into (`pkg/` with the wasm, JS and CSS).
    pub site_root: String,
    /// Structured JSON logs instead of human-readable lines.
    pub log_json: bool,
    /// `REQUEST_TIMEOUT_SECS`: how long any request may take before it is answered 503.
    pub request_timeout_secs: u64,
    /// How often the webhook worker looks for deliveries due, in seconds (`WEBHOOKS_POLL_SECS`).
    pub webhooks_poll_secs: u64,
    /// How often `server serve` runs the billing scheduler, in seconds.
    pub billing_interval_secs: u64,
    /// Chipin's own fee in basis points of each donation item.
    pub billing_platform_fee_bps: i64,
    /// Cycles a supporter's items may be carried forward before they are charged anyway.
    pub billing_max_carry_cycles: i64,
    /// Processor calls the scheduler starts per second at most; 0 for no limit.
    pub billing_calls_per_second: u32,
    /// Where `GET /metrics` is served, if anywhere (`METRICS_BIND`, `METRICS_TOKEN`).
    pub metrics: MetricsAccess,
    /// `API_REQUESTS_PER_ADDRESS_MINUTE`: `/api/v1` requests one client address may make a minute.
    pub api_requests_per_address_minute: u32,
    /// `API_REQUESTS_PER_TOKEN_MINUTE`: `/api/v1` requests one access token may make a minute.
    pub api_requests_per_token_minute: u32,
    pub settings: Settings,
}

/// Who may read `GET /metrics`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MetricsAccess {
    /// Neither `METRICS_BIND` nor `METRICS_TOKEN` is set: `/metrics` is not served (404).
    Off,
    /// `METRICS_BIND`: served on its own address (meant for a private network or localhost),
    /// to anyone who can reach it; the main address answers 404.
    Bind(SocketAddr),
    /// `METRICS_TOKEN`: served on the main address to requests carrying
    /// `Authorization: Bearer <token>`; others get 401.
    Token(Secret),
}

/// The shortest `METRICS_TOKEN` accepted: a guessable token would publish the site's traffic.
pub const METRICS_TOKEN_MIN_LEN: usize = 24;

/// A configuration variable with a bad value.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

fn err(var: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        message: message.into(),
    }
}

impl Config {
    /// Reads the process environment, after loading `.env` if there is one.
    pub fn from_env() -> Result<Self, ConfigError> {
        let _ = dotenvy::dotenv();
        Self::from_lookup(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
    }

    /// Builds the configuration from any source of variables (tests pass a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let database_url =
            get("DATABASE_URL").unwrap_or_else(|| "sqlite://data/chipin.db".to_owned());
        if Backend::from_url(&database_url).is_none() {
            return Err(err(
                "DATABASE_URL",
                "must start with sqlite:// or postgres://",
            ));
        }
        let db_max_connections = parse_num(&get, "DB_MAX_CONNECTIONS", 10u32, 1, 1000)?;

        let bind_raw = get("BIND")
            .or_else(|| get("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".to_owned());
        let bind: SocketAddr = bind_raw.parse().map_err(|_| {
            err(
                "BIND",
                format!("{bind_raw:?} is not an address like 127.0.0.1:3000"),
            )
        })?;

        let base_raw = get("BASE_URL").unwrap_or_else(|| format!("http://{bind}"));
        let base_url = Url::parse(&base_raw)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| {
                err(
                    "BASE_URL",
                    "must be an absolute http:// or https:// address",
                )
            })?;

        let smtp_url = get("SMTP_URL");
        if let Some(u) = &smtp_url
            && !(u.starts_with("smtp://") || u.starts_with("smtps://"))
        {
            return Err(err("SMTP_URL", "must start with smtp:// or smtps://"));
        }
        let mail_outbox_dir =
            PathBuf::from(get("MAIL_OUTBOX_DIR").unwrap_or_else(|| "data/outbox".to_owned()));

        let stripe = match (
            get("STRIPE_SECRET_KEY"),
            get("STRIPE_WEBHOOK_SECRET"),
            get("STRIPE_PUBLISHABLE_KEY"),
        ) {
            (None, None, None) => None,
            (Some(k), Some(w), Some(p)) => {
                if !(k.starts_with("sk_") || k.starts_with("rk_")) {
                    return Err(err(
                        "STRIPE_SECRET_KEY",
                        "must be a Stripe secret key (sk_… or rk_…)",
                    ));
                }
                if !w.starts_with("whsec_") {
                    return Err(err(
                        "STRIPE_WEBHOOK_SECRET",
                        "must be a webhook signing secret (whsec_…)",
                    ));
                }
                if !p.starts_with("pk_") {
                    return Err(err(
                        "STRIPE_PUBLISHABLE_KEY",
                        "must be a Stripe publishable key (pk_…)",
                    ));
                }
                // Test-mode keys start `sk_test_`/`pk_test_`, live ones `sk_live_`/`pk_live_`;
                // a mix would confirm payments in one mode that were made in the other.
                let test_mode = |key: &str| key.get(3..).is_some_and(|r| r.starts_with("test_"));
                if test_mode(&k) != test_mode(&p) {
                    return Err(err(
                        "STRIPE_PUBLISHABLE_KEY",
                        "must be of the same mode (test or live) as STRIPE_SECRET_KEY",
                    ));
                }
                let api_base = match get("STRIPE_API_BASE") {
                    None => None,
                    Some(raw) => Some(
                        Url::parse(&raw)
                            .ok()
                            .filter(|u| {
                                matches!(u.scheme(), "http" | "https") && u.host().is_some()
                            })
                            .map(|u| u.to_string())
                            .ok_or_else(|| {
                                err(
                                    "STRIPE_API_BASE",
                                    "must be an absolute http:// or https:// address",
                                )
                            })?,
                    ),
                };
                Some(StripeKeys {
                    secret_key: Secret(k),
                    webhook_secret: Secret(w),
                    publishable_key: p,
                    api_base,
                })
            }
            (k, w, _) => {
                let missing = if k.is_none() {
                    "STRIPE_SECRET_KEY"
                } else if w.is_none() {
                    "STRIPE_WEBHOOK_SECRET"
                } else {
                    "STRIPE_PUBLISHABLE_KEY"
                };
                return Err(err(
                    missing,
                    "STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET and STRIPE_PUBLISHABLE_KEY are set together or not at all",
                ));
            }
        };

        if get("TRUST_PROXY").is_some() {
            // Its old meaning, believe the first X-Forwarded-For entry, let any client choose
            // its own address; failing loudly beats silently changing behaviour.
            return Err(err(
                "TRUST_PROXY",
                "is no longer supported: list your reverse proxies' addresses or CIDR ranges \
                 in TRUSTED_PROXIES instead (e.g. TRUSTED_PROXIES=127.0.0.1,::1)",
            ));
        }
        let trusted_proxies = TrustedProxies::parse(&get("TRUSTED_PROXIES").unwrap_or_default())
            .map_err(|e| err("TRUSTED_PROXIES", e.to_string()))?;

        let mut settings = Settings::with_base_url(base_url);
        settings.explore_cache_secs = parse_num(&get, "EXPLORE_CACHE_SECS", 5u64, 0, 3_600)?;
        settings.page_cache_secs = parse_num(&get, "PAGE_CACHE_SECS", 5u64, 0, 3_600)?;
        settings.mail_requests_per_client_hour =
            parse_num(&get, "MAIL_REQUESTS_PER_CLIENT_HOUR", 20i64, 1, 100_000)?;
        if let Some(raw) = get("TWO_FACTOR_KEY").filter(|k| !k.is_empty()) {
            settings.two_factor_key =
                Some(TwoFactorKey::parse(&raw).map_err(|m| err("TWO_FACTOR_KEY", m))?);
        }
        let limits = app::domain::platform::settings::Limits::default();
        settings.limits = app::domain::platform::settings::Limits {
            cards_per_account_day: parse_num(
                &get,
                "CARDS_PER_ACCOUNT_DAY",
                limits.cards_per_account_day,
                1,
                100_000,
            )?,
            cards_per_client_day: parse_num(
                &get,
                "CARDS_PER_CLIENT_DAY",
                limits.cards_per_client_day,
                1,
                100_000,
            )?,
            failed_charges_per_account_day: parse_num(
                &get,
                "FAILED_CHARGES_PER_ACCOUNT_DAY",
                limits.failed_charges_per_account_day,
                1,
                1_000_000,
            )?,
            failed_charges_per_card_day: parse_num(
                &get,
                "FAILED_CHARGES_PER_CARD_DAY",
                limits.failed_charges_per_card_day,
                1,
                1_000_000,
            )?,
            tips_per_account_hour: parse_num(
                &get,
                "TIPS_PER_ACCOUNT_HOUR",
                limits.tips_per_account_hour,
                1,
                100_000,
            )?,
            one_click_tips_per_day: parse_num(
                &get,
                "ONE_CLICK_TIPS_PER_DAY",
                limits.one_click_tips_per_day,
                1,
                100_000,
            )?,
        };
        if let Some(to) = get("OPERATOR_EMAIL").filter(|v| !v.trim().is_empty()) {
            if to.trim().parse::<lettre_address::Mailbox>().is_err() {
                return Err(err("OPERATOR_EMAIL", "must be an email address"));
            }
            settings.operator_email = Some(to.trim().to_owned());
        }
        settings.receipt_quota_bytes =
            parse_num(&get, "RECEIPT_QUOTA_MB", 100i64, 1, 1_000_000)? * 1024 * 1024;
        settings.receipt_unattached_hours =
            parse_num(&get, "RECEIPT_UNATTACHED_HOURS", 24i64, 1, 24 * 365)?;
        settings.refund_request_days = parse_num(&get, "REFUND_REQUEST_DAYS", 14i64, 0, 365)?;
        settings.large_gift_confirm_major =
            parse_num(&get, "LARGE_GIFT_CONFIRM", 100i64, 0, 10_000_000)?;
        settings.webhooks_allow_private = parse_bool(&get, "WEBHOOKS_ALLOW_PRIVATE", false)?;
        settings.webhooks_allow_http = parse_bool(&get, "WEBHOOKS_ALLOW_HTTP", false)?;
        if let Some(dir) = get("UPLOADS_DIR") {
            settings.uploads_dir = PathBuf::from(dir);
        }
        if let Some(from) = get("MAIL_FROM") {
            if from.parse::<lettre_address::Mailbox>().is_err() {
                return Err(err(
                    "MAIL_FROM",
                    "must be an address like \"Chipin <no-reply@example.org>\"",
                ));
            }
            settings.mail_from = from;
        }
        settings.session_idle_timeout_secs = parse_num(
            &get,
            "SESSION_IDLE_TIMEOUT_SECS",
            settings.session_idle_timeout_secs,
            1,
            365 * 86400,
        )?;
        settings.session_absolute_timeout_secs = parse_num(
            &get,
            "SESSION_ABSOLUTE_TIMEOUT_SECS",
            settings.session_absolute_timeout_secs,
            1,
            3 * 365 * 86400,
        )?;
        if settings.session_absolute_timeout_secs < settings.session_idle_timeout_secs {
            return Err(err(
                "SESSION_ABSOLUTE_TIMEOUT_SECS",
                "must not be shorter than SESSION_IDLE_TIMEOUT_SECS",
            ));
        }

        Ok(Self {
            database_url: Secret(database_url),
            db_max_connections,
            bind,
            smtp_url: smtp_url.map(Secret),
            mail_outbox_dir,
            mail_poll_secs: parse_num(&get, "MAIL_POLL_SECS", 2u64, 1, 86_400)?,
            stripe,
            demo_data: parse_bool(&get, "DEMO_DATA", false)?,
            trusted_proxies,
            site_root: get("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".to_owned()),
            log_json: match get("LOG_FORMAT").as_deref() {
                None | Some("pretty") => false,
                Some("json") => true,
                Some(_) => return Err(err("LOG_FORMAT", "must be json or pretty")),
            },
            request_timeout_secs: parse_num(&get, "REQUEST_TIMEOUT_SECS", 30u64, 1, 3_600)?,
            webhooks_poll_secs: parse_num(&get, "WEBHOOKS_POLL_SECS", 2u64, 1, 86_400)?,
            billing_interval_secs: parse_num(&get, "BILLING_INTERVAL_SECS", 3_600u64, 60, 86_400)?,
            billing_platform_fee_bps: parse_num(&get, "BILLING_PLATFORM_FEE_BPS", 0i64, 0, 5_000)?,
            billing_max_carry_cycles: parse_num(&get, "BILLING_MAX_CARRY_CYCLES", 2i64, 0, 12)?,
            billing_calls_per_second: parse_num(&get, "BILLING_CALLS_PER_SECOND", 0u32, 0, 10_000)?,
            api_requests_per_address_minute: parse_num(
                &get,
                "API_REQUESTS_PER_ADDRESS_MINUTE",
                300u32,
                1,
                1_000_000,
            )?,
            api_requests_per_token_minute: parse_num(
                &get,
                "API_REQUESTS_PER_TOKEN_MINUTE",
                120u32,
                1,
                1_000_000,
            )?,
            metrics: metrics_access(&get)?,
            settings,
        })
    }
}

/// `METRICS_BIND` wins over `METRICS_TOKEN`: the separate address is the safer of the two.
fn metrics_access(get: &impl Fn(&str) -> Option<String>) -> Result<MetricsAccess, ConfigError> {
    if let Some(raw) = get("METRICS_BIND").filter(|v| !v.is_empty()) {
        let addr = raw.parse().map_err(|_| {
            err(
                "METRICS_BIND",
                "must be an address and port, e.g. 127.0.0.1:9100",
            )
        })?;
        return Ok(MetricsAccess::Bind(addr));
    }
    match get("METRICS_TOKEN").filter(|v| !v.is_empty()) {
        None => Ok(MetricsAccess::Off),
        Some(t) if t.len() < METRICS_TOKEN_MIN_LEN || t.chars().any(char::is_whitespace) => {
            Err(err(
                "METRICS_TOKEN",
                format!(
                    "must be at least {METRICS_TOKEN_MIN_LEN} characters without spaces \
                     (e.g. openssl rand -hex 24)"
                ),
            ))
        }
        Some(t) => Ok(MetricsAccess::Token(Secret(t))),
    }
}

/// Mail addresses are checked with lettre's own parser.
mod lettre_address {
    pub use app::domain::mail::Mailbox;
}

fn parse_num<T>(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: T,
    min: T,
    max: T,
) -> Result<T, ConfigError>
where
    T: std::str::FromStr + PartialOrd + fmt::Display + Copy,
{
    match get(var) {
        None => Ok(default),
        Some(raw) => raw
            .trim()
            .parse::<T>()
            .ok()
            .filter(|v| *v >= min && *v <= max)
            .ok_or_else(|| err(var, format!("must be a whole number from {min} to {max}"))),
    }
}

fn parse_bool(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: bool,
) -> Result<bool, ConfigError> {
    match get(var).as_deref().map(str::to_ascii_lowercase).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(_) => Err(err(var, "must be true or false")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_run_on_sqlite_at_port_3000() {
        let c = config(&[]).unwrap();
        assert_eq!(c.database_url.expose(), "sqlite://data/chipin.db");
        assert_eq!(c.bind.to_string(), "127.0.0.1:3000");
        assert_eq!(c.settings.base_url.as_str(), "http://127.0.0.1:3000/");
        assert!(
            !c.demo_data,
            "demo accounts, whose password is in the README, are loaded only when asked for"
        );
        assert!(c.smtp_url.is_none() && c.stripe.is_none());
        assert!(!c.settings.secure_cookies());
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (var, value) in [
            ("DATABASE_URL", "mysql://x"),
            ("BASE_URL", "example.org"),
            ("BIND", "nowhere"),
            ("SMTP_URL", "http://mail"),
            ("SESSION_IDLE_TIMEOUT_SECS", "-5"),
            ("DEMO_DATA", "maybe"),
            ("DB_MAX_CONNECTIONS", "0"),
            ("MAIL_FROM", "not an address"),
            ("LOG_FORMAT", "xml"),
            ("BILLING_INTERVAL_SECS", "0"),
            ("BILLING_INTERVAL_SECS", "59"),
            ("BILLING_INTERVAL_SECS", "86401"),
            ("BILLING_INTERVAL_SECS", "hourly"),
            ("BILLING_PLATFORM_FEE_BPS", "-1"),
            ("BILLING_PLATFORM_FEE_BPS", "5001"),
            ("BILLING_PLATFORM_FEE_BPS", "2.5"),
            ("BILLING_MAX_CARRY_CYCLES", "13"),
            ("BILLING_MAX_CARRY_CYCLES", "-1"),
            ("BILLING_CALLS_PER_SECOND", "10001"),
            ("BILLING_CALLS_PER_SECOND", "fast"),
        ] {
            let e = config(&[(var, value)]).unwrap_err();
            assert_eq!(e.var, var, "{var}={value}");
            assert!(e.to_string().contains(var));
        }
    }

    #[test]
    fn billing_runs_hourly_with_no_platform_fee_and_two_carried_cycles_by_default() {
        let c = config(&[]).unwrap();
        assert_eq!(c.billing_interval_secs, 3_600);
        assert_eq!(c.request_timeout_secs, 30);
        assert_eq!(c.billing_platform_fee_bps, 0);
        assert_eq!(c.billing_max_carry_cycles, 2);
        assert_eq!(c.billing_calls_per_second, 0);
    }

    #[test]
    fn billing_settings_accept_their_whole_range() {
        for (interval, bps, carry, rate) in
            [("60", "0", "0", "0"), ("86400", "5000", "12", "10000")]
        {
            let c = config(&[
                ("BILLING_INTERVAL_SECS", interval),
                ("BILLING_PLATFORM_FEE_BPS", bps),
                ("BILLING_MAX_CARRY_CYCLES", carry),
                ("BILLING_CALLS_PER_SECOND", rate),
            ])
            .unwrap();
            assert_eq!(c.billing_calls_per_second.to_string(), rate);
            assert_eq!(c.billing_interval_secs.to_string(), interval);
            assert_eq!(c.billing_platform_fee_bps.to_string(), bps);
            assert_eq!(c.billing_max_carry_cycles.to_string(), carry);
        }
    }

    const STRIPE: [(&str, &str); 3] = [
        ("STRIPE_SECRET_KEY", "sk_test_abc"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_def"),
        ("STRIPE_PUBLISHABLE_KEY", "pk_test_ghi"),
    ];

    #[test]
    fn stripe_keys_come_together_and_secrets_never_print() {
        // Any one or two of the three name the first one missing.
        for present in [0b001, 0b010, 0b100, 0b011, 0b101, 0b110] {
            let vars: Vec<(&str, &str)> = STRIPE
                .iter()
                .enumerate()
                .filter(|(i, _)| present & (1 << i) != 0)
                .map(|(_, v)| *v)
                .collect();
            let missing = STRIPE
                .iter()
                .enumerate()
                .find(|(i, _)| present & (1 << i) == 0)
                .map(|(_, (k, _))| *k)
                .unwrap();
            assert_eq!(config(&vars).unwrap_err().var, missing, "{vars:?}");
        }
        let c = config(&STRIPE).unwrap();
        let printed = format!("{c:?}");
        assert!(!printed.contains("sk_test_abc") && !printed.contains("whsec_def"));
        let keys = c.stripe.unwrap();
        assert_eq!(keys.api_base, None);
        assert_eq!(keys.publishable_key, "pk_test_ghi");
        let mut vars = STRIPE.to_vec();
        vars.push(("STRIPE_API_BASE", "http://127.0.0.1:12111"));
        assert_eq!(
            config(&vars).unwrap().stripe.unwrap().api_base.as_deref(),
            Some("http://127.0.0.1:12111/")
        );
        vars.pop();
        vars.push(("STRIPE_API_BASE", "localhost"));
        assert_eq!(config(&vars).unwrap_err().var, "STRIPE_API_BASE");
    }

    #[test]
    fn the_publishable_key_is_one_of_the_secret_keys_mode() {
        for (secret, publishable, ok) in [
            ("sk_test_abc", "pk_test_ghi", true),
            ("sk_live_abc", "pk_live_ghi", true),
            ("rk_test_abc", "pk_test_ghi", true),
            ("sk_test_abc", "pk_live_ghi", false),
            ("sk_live_abc", "pk_test_ghi", false),
            ("sk_test_abc", "sk_test_ghi", false),
        ] {
            let c = config(&[
                ("STRIPE_SECRET_KEY", secret),
                ("STRIPE_WEBHOOK_SECRET", "whsec_def"),
                ("STRIPE_PUBLISHABLE_KEY", publishable),
            ]);
            match c {
                Ok(_) => assert!(ok, "{secret} {publishable}"),
                Err(e) => {
                    assert!(!ok, "{secret} {publishable}: {e}");
                    assert_eq!(e.var, "STRIPE_PUBLISHABLE_KEY");
                }
            }
        }
    }

    #[test]
    fn metrics_are_off_unless_an_address_or_a_long_token_is_set() {
        assert_eq!(config(&[]).unwrap().metrics, MetricsAccess::Off);
        assert_eq!(
            config(&[("METRICS_BIND", "127.0.0.1:9100")])
                .unwrap()
                .metrics,
            MetricsAccess::Bind("127.0.0.1:9100".parse().unwrap())
        );
        assert!(config(&[("METRICS_BIND", "localhost")]).is_err());
        let e = config(&[("METRICS_TOKEN", "short")]).unwrap_err();
        assert_eq!(e.var, "METRICS_TOKEN");
        let token = "t".repeat(METRICS_TOKEN_MIN_LEN);
        assert!(matches!(
            config(&[("METRICS_TOKEN", &token)]).unwrap().metrics,
            MetricsAccess::Token(_)
        ));
    }

    #[test]
    fn trusted_proxies_are_parsed_once_and_the_old_switch_is_refused() {
        assert!(config(&[]).unwrap().trusted_proxies.is_empty());
        let c = config(&[("TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8, fd00::/8")]).unwrap();
        assert!(c.trusted_proxies.contains("10.1.2.3".parse().unwrap()));
        assert!(c.trusted_proxies.contains("fd00::7".parse().unwrap()));
        let e = config(&[("TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal")]).unwrap_err();
        assert_eq!(e.var, "TRUSTED_PROXIES");
        assert!(e.to_string().contains("proxy.internal"), "{e}");
        for value in ["true", "false"] {
            let e = config(&[("TRUST_PROXY", value)]).unwrap_err();
            assert_eq!(e.var, "TRUST_PROXY");
            assert!(e.to_string().contains("TRUSTED_PROXIES"), "{e}");
        }
    }

    #[test]
    fn https_base_urls_make_cookies_secure() {
        let c = config(&[("BASE_URL", "https://chipin.example.org")]).unwrap();
        assert!(c.settings.secure_cookies());
        assert_eq!(c.settings.origin(), "https://chipin.example.org");
    }
}
