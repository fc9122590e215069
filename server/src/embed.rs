//! The chip-in button as other sites show it: `/embed.js` (the script an owner pastes), the
//! framed button `/embed/{slug}` it inserts, and `/badge/{slug}.svg` for places without
//! JavaScript (READMEs, forums, the snippet's `<noscript>`).
//!
//! Only `/embed/…` may be framed by other sites ([`may_be_framed`]); it shows public figures
//! only, carries no form and no session data, and its links open the one-click confirmation
//! (`/chip-in/{slug}`) as a top-level window on Chipin's origin, where framing is forbidden and
//! the CSRF check guards the post. All three answers are public and cacheable, and carry no
//! cookie (see `middleware::is_public`). They are written in the visitor's language (the
//! request's [`Locale`], from its cookie or `Accept-Language`), so shared caches are told to
//! keep one copy per language (`Vary`).

use app::domain::AppState;
use app::domain::recipients::button::{
    ButtonOptions, DEFAULT_LABEL, Layout, RawOptions, Theme, escape,
};
use app::i18n::{Locale, arg, num};
use app::model::{RecipientKind, RecipientPage, percent_of};
use app::money::{Currency, Money};
use app::t_in;
use axum::Extension;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Response};
use http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY};
use http::{HeaderMap, HeaderValue, StatusCode};
use sha2::{Digest as _, Sha256};
use std::sync::{LazyLock, OnceLock};

/// The script an owner pastes.
const EMBED_JS: &str = include_str!("../embed/embed.js");
/// The framed button's own script (opens the popup, reports its height) and styles.
const FRAME_JS: &str = include_str!("../embed/frame.js");
const FRAME_CSS: &str = include_str!("../embed/frame.css");

/// How long browsers and caches keep `/embed.js`, the framed button and badges.
const SCRIPT_MAX_AGE: u32 = 3600;
const PUBLIC_MAX_AGE: u32 = 300;

/// True for the addresses any site may put in a frame: the framed button only.
pub fn may_be_framed(path: &str) -> bool {
    path.starts_with("/embed/")
}

/// A strong validator for `body`: the start of its SHA-256, quoted.
fn etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("\"{}\"", hex::encode(&digest[..12]))
}

/// The version the framed page puts on its script and style addresses, so they can be kept
/// for a year and still change with a new release.
fn asset_version() -> &'static str {
    static V: OnceLock<String> = OnceLock::new();
    V.get_or_init(|| {
        let mut both = FRAME_JS.as_bytes().to_vec();
        both.extend_from_slice(FRAME_CSS.as_bytes());
        etag(&both).trim_matches('"').chars().take(12).collect()
    })
}

/// The language the request asked for (English if the session middleware did not run).
fn language(locale: Option<Extension<Locale>>) -> Locale {
    locale.map(|Extension(l)| l).unwrap_or_default()
}

/// `minor` of `currency` as the reader's language writes money.
fn money(locale: Locale, minor: i64, currency: Currency) -> String {
    locale.money(Money::new(minor, currency))
}

/// A response in the visitor's language: caches keep one copy per language (the cookie can
/// choose it too).
fn in_language(mut res: Response) -> Response {
    res.headers_mut()
        .insert(VARY, HeaderValue::from_static("Accept-Language, Cookie"));
    res
}

/// `body` with its type, caching and ETag, or 304 when the client has this version already.
fn cached(
    headers: &HeaderMap,
    content_type: &'static str,
    cache: String,
    csp: Option<String>,
    body: Vec<u8>,
) -> Response {
    let tag = etag(&body);
    let fresh = headers
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    let mut res = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(CONTENT_TYPE, content_type)], body).into_response()
    };
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&tag) {
        h.insert(ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&cache) {
        h.insert(CACHE_CONTROL, v);
    }
    if let Some(v) = csp.and_then(|c| HeaderValue::from_str(&c).ok()) {
        h.insert("content-security-policy", v);
    }
    res
}

/// `/embed.js` with its table of default labels, one per language Chipin speaks.
static EMBED_JS_WITH_LABELS: LazyLock<String> = LazyLock::new(|| {
    let labels: serde_json::Map<String, serde_json::Value> = Locale::ALL
        .iter()
        .map(|l| {
            (
                l.tag().to_owned(),
                t_in!(l, "give-embed-default-label").into(),
            )
        })
        .collect();
    EMBED_JS.replace(
        "/*LABELS*/ {}",
        &serde_json::Value::Object(labels).to_string(),
    )
});

/// `GET /embed.js`
pub async fn embed_js(headers: HeaderMap) -> Response {
    cached(
        &headers,
        "text/javascript; charset=utf-8",
        format!("public, max-age={SCRIPT_MAX_AGE}"),
        None,
        EMBED_JS_WITH_LABELS.as_bytes().to_vec(),
    )
}

/// `GET /embed-frame.js?v=…`
pub async fn frame_js(headers: HeaderMap) -> Response {
    cached(
        &headers,
        "text/javascript; charset=utf-8",
        "public, max-age=31536000, immutable".to_owned(),
        None,
        FRAME_JS.as_bytes().to_vec(),
    )
}

/// `GET /embed-frame.css?v=…`
pub async fn frame_css(headers: HeaderMap) -> Response {
    cached(
        &headers,
        "text/css; charset=utf-8",
        "public, max-age=31536000, immutable".to_owned(),
        None,
        FRAME_CSS.as_bytes().to_vec(),
    )
}

/// The choices in the framed button's address.
#[derive(serde::Deserialize, Default)]
pub struct EmbedQuery {
    amounts: Option<String>,
    label: Option<String>,
    theme: Option<String>,
    layout: Option<String>,
}

fn not_found(csp: &str, locale: Locale) -> Response {
    let mut res = (
        StatusCode::NOT_FOUND,
        [
            (CONTENT_TYPE, "text/plain; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=60"),
        ],
        locale.text("give-embed-no-such-page"),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(csp) {
        res.headers_mut().insert("content-security-policy", v);
    }
    in_language(res)
}

/// `GET /embed/{slug}?amounts=…&label=…&theme=…&layout=…`: the button (or panel) another site
/// frames. Any site may frame it; it takes its styles and its one script from Chipin only.
pub async fn embed_page(
    Extension(state): Extension<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<EmbedQuery>,
    locale: Option<Extension<Locale>>,
    headers: HeaderMap,
) -> Response {
    let locale = language(locale);
    let origin = state.settings.origin();
    let csp = format!(
        "default-src 'none'; script-src {origin}; style-src {origin}; img-src {origin}; \
         base-uri 'none'; form-action 'none'; frame-ancestors *"
    );
    let page = match state.public_cache.recipient_page(&state.db, &slug).await {
        Ok(Some(p)) => p,
        Ok(None) => return not_found(&csp, locale),
        Err(e) => {
            tracing::error!(error = %e, "could not load a page for its button");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let Ok(currency) = page.currency.parse::<Currency>() else {
        return not_found(&csp, locale);
    };
    let options = ButtonOptions::lenient(
        RawOptions {
            amounts: q.amounts.as_deref().unwrap_or_default(),
            label: q.label.as_deref().unwrap_or_default(),
            theme: q.theme.as_deref().unwrap_or_default(),
            layout: q.layout.as_deref().unwrap_or_default(),
        },
        currency,
    );
    let html = frame_html(&origin, &page, currency, &options, locale);
    in_language(cached(
        &headers,
        "text/html; charset=utf-8",
        format!("public, max-age={PUBLIC_MAX_AGE}"),
        Some(csp),
        html.into_bytes(),
    ))
}

/// A link that opens the one-click confirmation of `minor` in a new top-level window.
fn tip_link(
    origin: &str,
    slug: &str,
    label: &str,
    minor: i64,
    currency: Currency,
    locale: Locale,
) -> String {
    let amount = app::domain::recipients::button::plain_amount(minor, currency);
    let text = t_in!(
        locale,
        "give-embed-tip",
        label = arg(escape(label)),
        amount = arg(money(locale, minor, currency))
    );
    format!(
        "<a class=\"chip\" data-popup href=\"{origin}/chip-in/{slug}?amount={amount}\" target=\"_blank\" \
         rel=\"noopener noreferrer\">{text}</a>"
    )
}

/// The goal line and bar, as the public page counts them (paid money only): the amount, the
/// goal, and the message that says what the amount is.
fn goal(page: &RecipientPage) -> Option<(i64, i64, &'static str)> {
    let goal = page.goal_minor.filter(|g| *g > 0)?;
    Some(match page.kind {
        RecipientKind::Cause => (
            page.ledger.as_ref().map_or(0, |l| l.net_minor),
            goal,
            "give-embed-goal-raised",
        ),
        RecipientKind::Creator => (page.monthly_minor, goal, "give-embed-goal-monthly"),
    })
}

fn frame_html(
    origin: &str,
    page: &RecipientPage,
    currency: Currency,
    options: &ButtonOptions,
    locale: Locale,
) -> String {
    let slug = escape(&page.slug);
    // The default label is Chipin's words, so it is said in the visitor's language; an
    // owner's own label is kept as they wrote it.
    let label = if options.label == DEFAULT_LABEL {
        locale.text("give-embed-default-label")
    } else {
        options.label.clone()
    };
    let lang = locale.tag();
    let name = escape(&page.name);
    let theme = match options.theme {
        Theme::Light => "light",
        Theme::Dark => "dark",
    };
    let v = asset_version();
    let body = if page.closed {
        format!(
            "<p class=\"name\">{name}</p><p>{}</p>",
            locale.text("give-embed-closed")
        )
    } else {
        match options.layout {
            Layout::Compact => tip_link(
                origin,
                &slug,
                &label,
                options.amounts.first().copied().unwrap_or(1),
                currency,
                locale,
            ),
            Layout::Panel => {
                let amounts: String = options
                    .amounts
                    .iter()
                    .map(|m| tip_link(origin, &slug, &label, *m, currency, locale))
                    .collect();
                let goal = goal(page)
                    .map(|(amount, goal, what)| {
                        let pct = percent_of(amount, goal);
                        let line = locale.text_with(
                            what,
                            &[
                                ("amount", arg(money(locale, amount, currency))),
                                ("goal", arg(money(locale, goal, currency))),
                            ],
                        );
                        let of_goal = t_in!(locale, "give-embed-goal-percent", percent = num(pct));
                        format!(
                            "<p class=\"goal\">{line}</p>\
                             <progress max=\"100\" value=\"{pct}\" aria-label=\"{of_goal}\">{pct}%</progress>"
                        )
                    })
                    .unwrap_or_default();
                let tiers: String = page
                    .tiers
                    .iter()
                    .take(4)
                    .map(|t| {
                        let text = t_in!(
                            locale,
                            "give-embed-tier",
                            tier = arg(escape(&t.name)),
                            amount = arg(money(locale, t.price_minor, currency))
                        );
                        format!(
                            "<li><a href=\"{origin}/c/{slug}#pledge\" target=\"_blank\" rel=\"noopener noreferrer\">{text}</a></li>"
                        )
                    })
                    .collect();
                let tiers = if tiers.is_empty() {
                    String::new()
                } else {
                    format!("<ul class=\"tiers\">{tiers}</ul>")
                };
                let on_chipin = t_in!(locale, "give-embed-on-chipin", name = arg(name.as_str()));
                format!(
                    "<div class=\"panel\"><p class=\"name\">{name}</p>{goal}\
                     <div class=\"amounts\">{amounts}</div>{tiers}\
                     <p class=\"by\"><a href=\"{origin}/c/{slug}\" target=\"_blank\" rel=\"noopener noreferrer\">{on_chipin}</a></p></div>"
                )
            }
        }
    };
    let title = t_in!(locale, "give-embed-title", name = arg(name.as_str()));
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <title>{title}</title>\
         <link rel=\"stylesheet\" href=\"{origin}/embed-frame.css?v={v}\">\
         <script src=\"{origin}/embed-frame.js?v={v}\" defer></script></head>\
         <body class=\"{theme}\">{body}</body></html>"
    )
}

/// What a badge shows (`?show=`).
#[derive(serde::Deserialize, Default)]
pub struct BadgeQuery {
    show: Option<String>,
}

/// `GET /badge/{slug}.svg?show=supporters|monthly|goal`: a small image with the page's name
/// and one figure, counted as the public page counts (paid money only).
pub async fn badge(
    Extension(state): Extension<AppState>,
    Path(file): Path<String>,
    Query(q): Query<BadgeQuery>,
    locale: Option<Extension<Locale>>,
    headers: HeaderMap,
) -> Response {
    let locale = language(locale);
    let csp = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
    let Some(slug) = file.strip_suffix(".svg") else {
        return not_found(csp, locale);
    };
    let page = match state.public_cache.recipient_page(&state.db, slug).await {
        Ok(Some(p)) => p,
        Ok(None) => return not_found(csp, locale),
        Err(e) => {
            tracing::error!(error = %e, "could not load a page for its badge");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let svg = badge_svg(&page, q.show.as_deref().unwrap_or("supporters"), locale);
    in_language(cached(
        &headers,
        "image/svg+xml; charset=utf-8",
        format!("public, max-age={PUBLIC_MAX_AGE}"),
        Some(csp.to_owned()),
        svg.into_bytes(),
    ))
}

/// The figure a badge shows.
fn badge_value(page: &RecipientPage, show: &str, locale: Locale) -> String {
    let supporters = || t_in!(locale, "pub-supporters", count = num(page.supporters));
    let Ok(currency) = page.currency.parse::<Currency>() else {
        return supporters();
    };
    match show {
        "monthly" => t_in!(
            locale,
            "give-embed-badge-monthly",
            amount = arg(money(locale, page.monthly_minor, currency))
        ),
        "goal" => match goal(page) {
            Some((amount, goal, _)) => t_in!(
                locale,
                "give-embed-badge-goal",
                percent = num(percent_of(amount, goal)),
                goal = arg(money(locale, goal, currency))
            ),
            None => supporters(),
        },
        _ => supporters(),
    }
}

/// A width in pixels for `text` at 11 px: about 7 px a character, more for wide scripts.
fn text_width(text: &str) -> usize {
    text.chars()
        .map(|c| if c.is_ascii() { 7 } else { 12 })
        .sum::<usize>()
        + 12
}

fn badge_svg(page: &RecipientPage, show: &str, locale: Locale) -> String {
    let name: String = {
        let mut n: String = page.name.chars().take(28).collect();
        if page.name.chars().count() > 28 {
            n.push('…');
        }
        n
    };
    let value = badge_value(page, show, locale);
    let (left, right) = (text_width(&name), text_width(&value));
    let width = left + right;
    let title = escape(&t_in!(
        locale,
        "give-embed-badge-title",
        name = arg(page.name.as_str()),
        value = arg(value.as_str())
    ));
    let name = escape(&name);
    let value = escape(&value);
    let lx = left / 2;
    let rx = left + right / 2;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"20\" role=\"img\" aria-label=\"{title}\">\
         <title>{title}</title>\
         <rect width=\"{left}\" height=\"20\" rx=\"3\" fill=\"#1f2430\"/>\
         <rect x=\"{left}\" width=\"{right}\" height=\"20\" rx=\"3\" fill=\"#0f766e\"/>\
         <g fill=\"#fff\" text-anchor=\"middle\" font-family=\"Verdana,DejaVu Sans,sans-serif\" font-size=\"11\">\
         <text x=\"{lx}\" y=\"14\">{name}</text><text x=\"{rx}\" y=\"14\">{value}</text></g></svg>"
    )
}

#[cfg(test)]
mod tests {
    use super::may_be_framed;

    #[test]
    fn only_the_framed_button_may_be_framed() {
        assert!(may_be_framed("/embed/mara"));
        assert!(!may_be_framed("/embed.js"));
        assert!(!may_be_framed("/chip-in/mara"));
        assert!(!may_be_framed("/embedded"));
        assert!(!may_be_framed("/"));
    }
}
