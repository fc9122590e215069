//! What the server's middleware hands to pages and server functions for each request, through
//! request extensions, and the cookies that carry it.

use crate::domain::accounts::CurrentSession;

/// The session cookie: a random token whose digest is the session's key.
pub const SESSION_COOKIE: &str = "chipin_session";
pub use crate::{
    CSRF_COOKIE_NAME as CSRF_COOKIE, CSRF_FIELD_NAME as CSRF_FIELD, CSRF_HEADER_NAME as CSRF_HEADER,
};

/// The session behind this request's cookie, if any (set by the session middleware).
#[derive(Clone, Debug, Default)]
pub struct RequestSession(pub Option<CurrentSession>);

/// This request's CSRF token (set by the CSRF middleware; new visitors get a fresh one).
#[derive(Clone, Debug)]
pub struct RequestCsrf(pub String);

/// The client's address as the server sees it (or as a trusted proxy reports it).
#[derive(Clone, Debug)]
pub struct ClientAddr(pub String);

/// The nonce that this response's Content-Security-Policy allows inline scripts with.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// True for the page that confirms a payment with Stripe.js
/// (`/account/billing/authenticate/{charge_id}`): the only page whose Content-Security-Policy
/// lets Stripe's script, frames and API in.
pub fn loads_stripe_js(path: &str) -> bool {
    path.strip_prefix("/account/billing/authenticate/")
        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

/// A `Set-Cookie` value for the session token.
pub fn session_cookie(token: &str, secure: bool, max_age_secs: i64) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The cookie of a login whose password was right and whose second factor is still owed: it
/// only lets its holder answer the second step.
pub const CHALLENGE_COOKIE: &str = "chipin_2fa";

/// A `Set-Cookie` value for the second-step challenge (or, with `max_age_secs` 0, deleting it).
pub fn challenge_cookie(token: &str, secure: bool, max_age_secs: i64) -> String {
    format!(
        "{CHALLENGE_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// A `Set-Cookie` value that deletes the session cookie.
pub fn clear_session_cookie(secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// A `Set-Cookie` value for the CSRF token (readable by the page's script, which echoes it).
pub fn csrf_cookie(token: &str, secure: bool) -> String {
    format!(
        "{CSRF_COOKIE}={token}; Path=/; SameSite=Lax; Max-Age=31536000{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The value of cookie `name` in a `Cookie` header.
pub fn cookie_value<'a>(cookie_header: &'a str, name: &str) -> Option<&'a str> {
    cookie_header.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name).then_some(v)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let h = "a=1; chipin_session=abc; chipin_csrf=xyz";
        assert_eq!(cookie_value(h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie_value(h, CSRF_COOKIE), Some("xyz"));
        assert_eq!(cookie_value(h, "missing"), None);
    }

    #[test]
    fn only_the_authentication_page_loads_stripe_js() {
        assert!(loads_stripe_js("/account/billing/authenticate/42"));
        for other in [
            "/account/billing",
            "/account/billing/authenticate/",
            "/account/billing/authenticate/42/return",
            "/account/billing/authenticate/x",
            "/account/billing/authenticate/42/../../..",
        ] {
            assert!(!loads_stripe_js(other), "{other}");
        }
    }

    #[test]
    fn session_cookies_are_http_only_lax_and_secure_on_https() {
        let c = session_cookie("t", true, 60);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(!session_cookie("t", false, 60).contains("Secure"));
    }
}
