//! Whole public pages (the home page with its explore list, creator and cause pages) kept in
//! memory for visitors without a session.
//!
//! The public data behind such a page is already kept for a few seconds
//! (`app::domain::recipients::public_cache`); what a view still costs is rendering it. Every
//! visitor without a session is shown the same HTML but for two values: the CSP nonce on the
//! hydration scripts and the visitor's own CSRF token in the giving forms. So the page is
//! rendered once with a placeholder for each, kept on a [`Shelf`] under the same time to live
//! (`PAGE_CACHE_SECS`) and the same public-change generation as the data, and every visitor
//! is given a copy carrying their own nonce and token.
//!
//! Kept: `GET /` and `GET /c/{slug}` without a query string, for a request with no session
//! and no form flash waiting, when the answer is a 200 or 404 that sets no cookie. Anything
//! else is rendered for its request as before. A change made through this process drops the
//! kept page at once: the next visitor renders it afresh, and those arriving while that render
//! runs are given the page before. One made by another instance or the command line shows
//! within about twice the time to live (a page rendered just before its data expired lives
//! its own time to live). A page given from memory says how old it is in an `Age` header
//! (RFC 9111), as a shared cache's would; a page rendered for its request has none.

use app::domain::AppState;
use app::domain::platform::cache::Shelf;
use app::domain::platform::form_flash::FormFlash;
use app::domain::platform::tokens;
use app::i18n::Locale;
use app::web::{CspNonce, RequestCsrf, RequestSession};
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{AGE, CONTENT_LENGTH, SET_COOKIE};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The routes whose pages are kept (axum's spelling of the matched route).
const KEPT_ROUTES: &[&str] = &["/", "/c/{slug}"];

/// A kept page larger than this is not read into memory; no Chipin page comes near it.
const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

/// The kept pages of one process, with the placeholders they were rendered with.
#[derive(Debug)]
pub struct PageCache {
    shelf: Shelf<Arc<Page>>,
    enabled: bool,
    /// Random per process, shaped like a real nonce and token, so nothing a visitor can type
    /// (which the page would show escaped, if at all) can be mistaken for them.
    nonce: String,
    csrf: String,
}

/// A rendered page cut at its placeholders.
#[derive(Debug)]
struct Page {
    rendered: Instant,
    status: StatusCode,
    headers: HeaderMap,
    pieces: Vec<Piece>,
}

#[derive(Debug)]
enum Piece {
    Text(Bytes),
    Nonce,
    Csrf,
}

impl Piece {
    /// What this piece is for a visitor with `nonce` and `csrf`.
    fn bytes<'a>(&'a self, nonce: &'a str, csrf: &'a str) -> &'a [u8] {
        match self {
            Piece::Text(t) => t.as_ref(),
            Piece::Nonce => nonce.as_bytes(),
            Piece::Csrf => csrf.as_bytes(),
        }
    }
}

impl PageCache {
    /// Pages kept for `ttl`; zero keeps none.
    pub fn new(ttl: Duration) -> Self {
        Self {
            // A visitor without a session wrote nothing they could miss: after a write, those
            // who come while the first of them renders the page again are given the old one.
            shelf: Shelf::new(ttl).stale_while_reloading_after_writes(),
            enabled: !ttl.is_zero(),
            nonce: tokens::generate(),
            csrf: tokens::generate(),
        }
    }

    /// The key a request's page is kept under, if it may be served from memory: the
    /// language (the only thing besides the address that changes a page for a visitor
    /// without a session) and the path.
    fn key(&self, req: &Request) -> Option<String> {
        if !self.enabled || req.method() != Method::GET || req.uri().query().is_some() {
            return None;
        }
        let ext = req.extensions();
        let route = ext.get::<MatchedPath>()?.as_str();
        let anonymous = matches!(ext.get::<RequestSession>(), Some(RequestSession(None)));
        if !KEPT_ROUTES.contains(&route) || !anonymous || ext.get::<FormFlash>().is_some() {
            return None;
        }
        let locale = ext.get::<Locale>().copied().unwrap_or_default();
        Some(format!("{}\n{}", locale.tag(), req.uri().path()))
    }

    /// Cuts `body` at every placeholder.
    fn cut(&self, body: &Bytes) -> Vec<Piece> {
        let text = body.as_ref();
        let (nonce, csrf) = (self.nonce.as_bytes(), self.csrf.as_bytes());
        let mut pieces = Vec::new();
        let (mut start, mut at) = (0, 0);
        while at < text.len() {
            let rest = &text[at..];
            let found = if rest.starts_with(nonce) {
                Some((Piece::Nonce, nonce.len()))
            } else if rest.starts_with(csrf) {
                Some((Piece::Csrf, csrf.len()))
            } else {
                None
            };
            match found {
                Some((piece, len)) => {
                    if start < at {
                        pieces.push(Piece::Text(body.slice(start..at)));
                    }
                    pieces.push(piece);
                    at += len;
                    start = at;
                }
                None => at += 1,
            }
        }
        if start < text.len() {
            pieces.push(Piece::Text(body.slice(start..)));
        }
        pieces
    }
}

impl Page {
    /// Kept only when every visitor without a session would be given the same answer.
    fn may_be_kept(&self) -> bool {
        matches!(self.status, StatusCode::OK | StatusCode::NOT_FOUND)
            && !self.headers.contains_key(SET_COOKIE)
    }

    /// The page for one visitor; `from_memory` when it was rendered for another.
    fn answer(&self, nonce: &str, csrf: &str, from_memory: bool) -> Response {
        let pieces = || self.pieces.iter().map(|p| p.bytes(nonce, csrf));
        let mut body = Vec::with_capacity(pieces().map(<[u8]>::len).sum());
        for bytes in pieces() {
            body.extend_from_slice(bytes);
        }
        let mut res = Response::new(Body::from(body));
        *res.status_mut() = self.status;
        *res.headers_mut() = self.headers.clone();
        if from_memory {
            res.headers_mut()
                .insert(AGE, HeaderValue::from(self.rendered.elapsed().as_secs()));
        }
        res
    }
}

/// Inside the router (as a `route_layer`): serves a kept page from memory, or renders it with
/// placeholders, keeps it if it may be kept, and answers with this visitor's values.
pub async fn serve(State(cache): State<Arc<PageCache>>, mut req: Request, next: Next) -> Response {
    let Some(key) = cache.key(&req) else {
        return next.run(req).await;
    };
    let ext = req.extensions();
    let (Some(CspNonce(nonce)), Some(RequestCsrf(csrf)), Some(state)) = (
        ext.get::<CspNonce>().cloned(),
        ext.get::<RequestCsrf>().cloned(),
        ext.get::<AppState>(),
    ) else {
        return next.run(req).await;
    };
    let generation = state.db.public_generation();
    req.extensions_mut().insert(CspNonce(cache.nonce.clone()));
    req.extensions_mut().insert(RequestCsrf(cache.csrf.clone()));
    let rendered_here = AtomicBool::new(false);
    let render = async {
        rendered_here.store(true, Ordering::Relaxed);
        let res = next.run(req).await;
        let (mut parts, body) = res.into_parts();
        // The body is rebuilt for each visitor, who may have a token of another length.
        parts.headers.remove(CONTENT_LENGTH);
        let Ok(body) = to_bytes(body, MAX_PAGE_BYTES).await else {
            tracing::error!("a page to keep could not be read");
            return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
        };
        let page = Page {
            rendered: Instant::now(),
            status: parts.status,
            headers: parts.headers,
            pieces: cache.cut(&body),
        };
        if page.may_be_kept() {
            Ok(Arc::new(page))
        } else {
            Err(page.answer(&nonce, &csrf, false))
        }
    };
    match cache.shelf.get_or_load(&key, generation, render).await {
        Ok(page) => page.answer(&nonce, &csrf, !rendered_here.load(Ordering::Relaxed)),
        Err(res) => res,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(cache: &PageCache, html: &str) -> Page {
        Page {
            rendered: Instant::now(),
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            pieces: cache.cut(&Bytes::from(html.to_owned())),
        }
    }

    async fn text(res: Response) -> String {
        let bytes = to_bytes(res.into_body(), usize::MAX).await.unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn every_placeholder_is_replaced_with_the_visitors_values() {
        let cache = PageCache::new(Duration::from_secs(5));
        let (n, c) = (cache.nonce.clone(), cache.csrf.clone());
        let html = format!(
            "{n}<script nonce=\"{n}\"></script><input value=\"{c}\"><input value=\"{c}\">{c}{n}"
        );
        let kept = page(&cache, &html);
        assert_eq!(
            text(kept.answer("NONCE", "TOKEN", false)).await,
            "NONCE<script nonce=\"NONCE\"></script><input value=\"TOKEN\">\
             <input value=\"TOKEN\">TOKENNONCE"
        );
        assert!(!kept.answer("n", "t", false).headers().contains_key(AGE));
        assert_eq!(kept.answer("n", "t", true).headers()[AGE], "0");
        // Two visitors, two sets of values, from the same kept page.
        assert!(
            text(kept.answer("other", "values", true))
                .await
                .contains("nonce=\"other\"")
        );
        assert_eq!(
            text(page(&cache, "no placeholders").answer("a", "b", false)).await,
            "no placeholders"
        );
    }

    #[test]
    fn only_a_plain_answer_may_be_kept() {
        let cache = PageCache::new(Duration::from_secs(5));
        let mut kept = page(&cache, "x");
        assert!(kept.may_be_kept());
        kept.status = StatusCode::NOT_FOUND;
        assert!(kept.may_be_kept());
        kept.status = StatusCode::INTERNAL_SERVER_ERROR;
        assert!(!kept.may_be_kept());
        kept.status = StatusCode::OK;
        kept.headers
            .insert(SET_COOKIE, http::HeaderValue::from_static("a=b"));
        assert!(!kept.may_be_kept());
    }
}
