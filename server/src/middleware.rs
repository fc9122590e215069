//! Per-request guards: security headers with a CSP nonce, CSRF defence, the session, and the
//! client's address. Each hands what it learnt to pages and server functions as a request
//! extension (see `app::web`).

use crate::client_addr::{self, TrustedProxies};
use crate::plain::plain;
use app::domain::AppState;
use app::domain::accounts::{CurrentSession, sessions};
use app::domain::platform::tokens;
use app::i18n::{LANGUAGE_COOKIE, Locale};
use app::t_in;
use app::web::{self, ClientAddr, CspNonce, RequestCsrf, RequestSession};
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt as _;
use http::header::{ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_TYPE, COOKIE, ORIGIN, SET_COOKIE};
use http::{HeaderValue, Method, StatusCode};
use std::net::SocketAddr;
use std::sync::Arc;

/// Paths that take unsafe requests from other sites by design (signed webhooks).
const CSRF_EXEMPT: &[&str] = &["/stripe/webhook"];

/// The largest form body the CSRF check will read to find the token: what every ordinary
/// route accepts at most.
const MAX_FORM_BYTES: usize = crate::DEFAULT_BODY_LIMIT;

/// Sets the security headers, with a fresh nonce for Leptos' inline hydration script.
///
/// The page that confirms a payment with Stripe.js (see [`web::loads_stripe_js`]) also lets in
/// Stripe's script, the frames it opens for the bank's check, and its API; no other page does.
pub async fn security_headers(mut req: Request, next: Next) -> Response {
    let nonce = tokens::generate();
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let stripe_js = web::loads_stripe_js(req.uri().path());
    let framable = crate::embed::may_be_framed(req.uri().path());
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let (scripts, frames, connect) = if stripe_js {
        (
            " https://js.stripe.com https://*.js.stripe.com",
            "; frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com",
            " https://api.stripe.com",
        )
    } else {
        ("", "", "")
    };
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'{scripts}; style-src 'self'; \
         img-src 'self' data: https:; connect-src 'self'{connect}; font-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'{frames}"
    );
    // A response that set its own policy keeps it: the framed chip-in button (which any site
    // may frame) and the badge image (no scripts at all) say exactly what they need.
    if !h.contains_key("content-security-policy")
        && let Ok(v) = HeaderValue::from_str(&csp)
    {
        h.insert("content-security-policy", v);
    }
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    if !framable {
        h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    }
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    let is_html = h
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html && !h.contains_key(CACHE_CONTROL) {
        // Pages may carry personal data and a CSRF token: never store them in shared caches.
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

fn cookie(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|h| web::cookie_value(h, name).map(str::to_owned))
}

/// A response shared caches may keep (the button script, the framed button, badges): it must
/// carry no cookie, or a cache would hand one visitor's cookie to the next.
fn is_public(res: &Response) -> bool {
    res.headers()
        .get(CACHE_CONTROL)
        .is_some_and(|v| v.as_bytes().starts_with(b"public"))
}

/// The language of a request the session middleware has not seen yet: the switcher's cookie,
/// else the browser's `Accept-Language` (the account's saved language needs the session).
fn early_locale(req: &Request) -> Locale {
    if let Some(locale) = req.extensions().get::<Locale>() {
        return *locale;
    }
    Locale::negotiate(
        None,
        cookie(req, LANGUAGE_COOKIE).as_deref(),
        req.headers()
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

fn forbidden(locale: Locale) -> Response {
    let title = t_in!(locale, "error-refused-title");
    let body = t_in!(locale, "error-refused-body");
    (
        StatusCode::FORBIDDEN,
        [(CONTENT_TYPE, "text/html; charset=utf-8")],
        format!(
            "<!doctype html><html lang=\"{}\"><meta charset=\"utf-8\"><title>{title} · Chipin</title>\
             <h1>{title}</h1><p>{body}</p></html>",
            locale.tag()
        ),
    )
        .into_response()
}

/// CSRF defence for every unsafe request: the browser's `Sec-Fetch-Site` and `Origin` must say
/// same-origin, and the request must echo the CSRF cookie in a header or form field
/// (double-submit). Every visitor gets a CSRF cookie on their first response.
pub async fn csrf(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let existing = cookie(&req, web::CSRF_COOKIE).filter(|t| tokens::is_well_formed(t));
    let token = existing.clone().unwrap_or_else(tokens::generate);
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let req = if unsafe_method && !CSRF_EXEMPT.contains(&req.uri().path()) {
        match check_unsafe_request(&state, existing.as_deref(), req).await {
            Ok(req) => req,
            Err(res) => return res,
        }
    } else {
        req
    };
    let mut req = req;
    req.extensions_mut().insert(RequestCsrf(token.clone()));
    let mut res = next.run(req).await;
    if existing.is_none()
        && !is_public(&res)
        && let Ok(v) =
            HeaderValue::from_str(&web::csrf_cookie(&token, state.settings.secure_cookies()))
    {
        res.headers_mut().append(SET_COOKIE, v);
    }
    res
}

async fn check_unsafe_request(
    state: &AppState,
    cookie_token: Option<&str>,
    req: Request,
) -> Result<Request, Response> {
    let locale = early_locale(&req);
    let forbidden = || forbidden(locale);
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site")
        && site.as_bytes() != b"same-origin"
    {
        tracing::info!(sec_fetch_site = ?site, "refused a cross-site request");
        return Err(forbidden());
    }
    if let Some(origin) = headers.get(ORIGIN)
        && origin.to_str().ok() != Some(state.settings.origin().as_str())
    {
        tracing::info!(origin = ?origin, "refused a request from another origin");
        return Err(forbidden());
    }
    let Some(expected) = cookie_token else {
        return Err(forbidden());
    };
    if let Some(sent) = headers.get(web::CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return if tokens::constant_time_eq(sent, expected) {
            Ok(req)
        } else {
            Err(forbidden())
        };
    }
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if content_type.starts_with("multipart/form-data") {
        // Upload forms carry the token as their first field, before the file: only the start of
        // the body (at most MAX_MULTIPART_PREFIX) is read to find it, and the body goes on
        // unchanged. Never in the address, where logs and Referer headers would keep it.
        let Ok(boundary) = multer::parse_boundary(content_type) else {
            return Err(forbidden());
        };
        let (parts, body) = req.into_parts();
        let mut stream = body.into_data_stream();
        let mut prefix = Vec::new();
        let sent = loop {
            if let Some(token) = first_multipart_field(&prefix, &boundary, web::CSRF_FIELD).await {
                break Some(token);
            }
            if prefix.len() > MAX_MULTIPART_PREFIX {
                break None;
            }
            match stream.next().await {
                Some(Ok(chunk)) => prefix.extend_from_slice(&chunk),
                _ => break None,
            }
        };
        return match sent {
            Some(sent) if tokens::constant_time_eq(&sent, expected) => {
                let head = futures::stream::once(async move {
                    Ok::<_, axum::Error>(axum::body::Bytes::from(prefix))
                });
                Ok(Request::from_parts(
                    parts,
                    Body::from_stream(head.chain(stream)),
                ))
            }
            _ => Err(forbidden()),
        };
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(forbidden());
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_FORM_BYTES).await.map_err(|_| {
        plain(
            locale,
            StatusCode::PAYLOAD_TOO_LARGE,
            t_in!(locale, "error-form-too-large"),
        )
    })?;
    let sent = url::form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == web::CSRF_FIELD)
        .map(|(_, v)| v.into_owned());
    match sent {
        Some(sent) if tokens::constant_time_eq(&sent, expected) => {
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
        _ => Err(forbidden()),
    }
}

/// How much of a multipart body the CSRF check reads looking for the token field.
const MAX_MULTIPART_PREFIX: usize = 16 * 1024;

/// The value of the first field of a multipart body starting with `prefix`, if that field is
/// `name` and is complete within `prefix`.
async fn first_multipart_field(prefix: &[u8], boundary: &str, name: &str) -> Option<String> {
    if prefix.is_empty() {
        return None;
    }
    let bytes = axum::body::Bytes::copy_from_slice(prefix);
    let stream = futures::stream::once(async move { Ok::<_, std::io::Error>(bytes) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let field = multipart.next_field().await.ok()??;
    if field.name() != Some(name) {
        return None;
    }
    field.text().await.ok()
}

/// Resolves the session cookie into the logged-in user (clearing a cookie that no longer works)
/// and the language to answer in (see [`Locale::negotiate`]).
pub async fn session(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let token = cookie(&req, web::SESSION_COOKIE);
    let mut stale = false;
    let current = match &token {
        None => None,
        Some(t) => match sessions::resolve(&state.db, &state.settings, t).await {
            Ok(Some(user)) => Some(CurrentSession {
                token: t.clone(),
                user,
            }),
            Ok(None) => {
                stale = true;
                None
            }
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                let locale = early_locale(&req);
                return plain(
                    locale,
                    StatusCode::SERVICE_UNAVAILABLE,
                    t_in!(locale, "error-unavailable"),
                );
            }
        },
    };
    let locale = Locale::negotiate(
        current.as_ref().and_then(|c| c.user.language.as_deref()),
        cookie(&req, LANGUAGE_COOKIE).as_deref(),
        req.headers()
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    req.extensions_mut().insert(locale);
    req.extensions_mut().insert(RequestSession(current));
    let mut res = next.run(req).await;
    let already_set = res
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .any(|v| v.as_bytes().starts_with(web::SESSION_COOKIE.as_bytes()));
    if stale
        && !already_set
        && !is_public(&res)
        && let Ok(v) =
            HeaderValue::from_str(&web::clear_session_cookie(state.settings.secure_cookies()))
    {
        res.headers_mut().append(SET_COOKIE, v);
    }
    res
}

/// Records the client's address: the socket peer, or, behind trusted proxies, the right-most
/// `X-Forwarded-For` hop that is not one of them (see [`client_addr::resolve`]).
pub async fn client_addr(
    State(trusted): State<Arc<TrustedProxies>>,
    mut req: Request,
    next: Next,
) -> Response {
    if let Some(peer) = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
    {
        let forwarded = req.headers().get_all("x-forwarded-for");
        let addr = client_addr::resolve(peer, forwarded.iter().map(|v| v.as_bytes()), &trusted);
        req.extensions_mut().insert(ClientAddr(addr.to_string()));
    }
    next.run(req).await
}

/// Gives failed server functions the HTTP status their error means (400 for a bad field, 401,
/// 403, 404, 429), instead of a blanket 500: browsers, logs and monitoring then tell a typo
/// from an outage.
pub async fn server_fn_status(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if !is_api || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "error").into_response();
    };
    let kind = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_owned));
    parts.status = match kind.as_deref() {
        Some("invalid" | "rejected") => StatusCode::BAD_REQUEST,
        Some("unauthenticated") => StatusCode::UNAUTHORIZED,
        Some("forbidden") => StatusCode::FORBIDDEN,
        Some("not_found") => StatusCode::NOT_FOUND,
        Some("rate_limited") => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    Response::from_parts(parts, Body::from(bytes))
}

/// Failed plain form posts come back with what was typed. The server function framework
/// answers a form post (one that accepts HTML) with a redirect to the page it came from, and a
/// failure puts its error into that address (`__path`, `__err`). This moves the error and the
/// typed fields (minus passwords, codes and the CSRF token) into a one-time flash in the
/// database, takes them out of the address, and hands them to the next page load as a request
/// extension, where forms fill themselves in (see `app::components::form`).
pub async fn form_flash(State(state): State<AppState>, req: Request, next: Next) -> Response {
    use app::domain::platform::form_flash::{self as flash, FLASH_COOKIE, FLASH_SECS, FormFlash};
    let secure = state.settings.secure_cookies();
    let clear = || HeaderValue::from_str(&flash::cookie("", secure, 0));
    let is_form_post = req.method() == Method::POST
        && req.uri().path().starts_with("/api/")
        && req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if !is_form_post {
        // A page load: pick up the flash waiting for it, once.
        let Some(token) = cookie(&req, FLASH_COOKIE) else {
            return next.run(req).await;
        };
        let is_page = req.method() == Method::GET
            && !req.uri().path().starts_with("/api/")
            && !req.uri().path().starts_with("/pkg/");
        if !is_page {
            return next.run(req).await;
        }
        let mut req = req;
        match flash::take(&state.db, &token).await {
            Ok(Some(f)) => {
                req.extensions_mut().insert(f);
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "could not read a form flash"),
        }
        let mut res = next.run(req).await;
        if let Ok(v) = clear() {
            res.headers_mut().append(SET_COOKIE, v);
        }
        return res;
    }
    let locale = early_locale(&req);
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return plain(
            locale,
            StatusCode::PAYLOAD_TOO_LARGE,
            t_in!(locale, "error-form-too-large"),
        );
    };
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(&bytes)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut res = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let Some(location) = res
        .headers()
        .get(http::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return res;
    };
    if !location.contains("__err=") {
        return res;
    }
    let Some((path, error, stripped)) = split_error_location(&location) else {
        return res;
    };
    match flash::put(&state.db, &FormFlash::new(path, error, fields)).await {
        Ok(token) => {
            if let Ok(v) = HeaderValue::from_str(&flash::cookie(&token, secure, FLASH_SECS)) {
                res.headers_mut().append(SET_COOKIE, v);
            }
            if let Ok(v) = HeaderValue::from_str(&stripped) {
                res.headers_mut().insert(http::header::LOCATION, v);
            }
        }
        // Without the flash the error still reaches the page through the address.
        Err(e) => tracing::error!(error = %e, "could not store a form flash"),
    }
    res
}

/// Splits a redirect address carrying a server function error into the function's path, the
/// encoded error, and the address without them.
fn split_error_location(location: &str) -> Option<(String, String, String)> {
    let base = url::Url::parse("http://placeholder.invalid").ok()?;
    let mut url = base.join(location).ok()?;
    let mut path = None;
    let mut error = None;
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter_map(|(k, v)| match k.as_ref() {
            "__path" => {
                path = Some(v.into_owned());
                None
            }
            "__err" => {
                error = Some(v.into_owned());
                None
            }
            _ => Some((k.into_owned(), v.into_owned())),
        })
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    let stripped = if location.starts_with('/') {
        let mut s = url.path().to_owned();
        if let Some(q) = url.query() {
            s.push('?');
            s.push_str(q);
        }
        s
    } else {
        url.to_string()
    };
    Some((path?, error?, stripped))
}

#[cfg(test)]
mod tests {
    use super::split_error_location;

    #[test]
    fn the_error_leaves_the_address_and_other_parameters_stay() {
        let (path, err, rest) = split_error_location(
            "http://127.0.0.1:3300/c/x?tier=3&__path=%2Fapi%2Fcreate_tip&__err=abc%3D",
        )
        .unwrap();
        assert_eq!(path, "/api/create_tip");
        assert_eq!(err, "abc=");
        assert_eq!(rest, "http://127.0.0.1:3300/c/x?tier=3");
        let (_, _, rest) = split_error_location("/login?__path=%2Fapi%2Flog_in&__err=e").unwrap();
        assert_eq!(rest, "/login");
        assert!(split_error_location("/login?next=%2Fa").is_none());
    }
}
