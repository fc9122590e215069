//! Languages: which one a person reads Chipin in, their translations, and how numbers, money and
//! days are written in it.
//!
//! Every word a person reads comes from the Fluent files under `app/locales/<tag>/`, compiled
//! into both the server and the browser bundle by `fluent-templates`. The server decides the
//! language once per request (the account's saved language, else the `chipin_lang` cookie the
//! footer's switcher sets, else `Accept-Language`, else English) and puts it in the request's
//! extensions; pages read it with [`current`], and the one island gets it as a prop and
//! provides it to what it renders. Emails take the recipient's language explicitly.
//!
//! Adding a language: a folder under `app/locales/` with every file the English folder has, a
//! variant in [`Locale`], and its ways of writing money and days below.

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // No Unicode isolation marks around variables: both languages run left to right, and
        // the marks would land in attributes, emails and copied text.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The cookie the language switcher sets for a visitor without an account (a year).
pub const LANGUAGE_COOKIE: &str = "chipin_lang";

/// A language Chipin is translated into.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    En,
    Ko,
}

static EN: LanguageIdentifier = langid!("en");
static KO: LanguageIdentifier = langid!("ko");

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Ko];

    /// The BCP 47 tag: `<html lang>`, the cookie, the account column.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Ko => "ko",
        }
    }

    /// The language's name in itself, as the switcher shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Ko => "한국어",
        }
    }

    pub fn langid(self) -> &'static LanguageIdentifier {
        match self {
            Self::En => &EN,
            Self::Ko => &KO,
        }
    }

    /// A tag Chipin has translations for (`ko`, `ko-KR`, `EN`); `None` for any other.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Self::ALL.into_iter().find(|l| l.tag() == primary)
    }

    /// The language to answer in: the account's saved one, else the switcher's cookie, else
    /// the best of the browser's `Accept-Language` that Chipin has, else English.
    pub fn negotiate(
        saved: Option<&str>,
        cookie: Option<&str>,
        accept_language: Option<&str>,
    ) -> Self {
        if let Some(l) = saved.and_then(Self::from_tag) {
            return l;
        }
        if let Some(l) = cookie.and_then(Self::from_tag) {
            return l;
        }
        let Some(header) = accept_language else {
            return Self::default();
        };
        let requested = fluent_langneg::accepted_languages::parse(header);
        let available: Vec<LanguageIdentifier> =
            Self::ALL.iter().map(|l| l.langid().clone()).collect();
        let chosen = fluent_langneg::negotiate_languages(
            &requested,
            &available,
            Some(&EN),
            fluent_langneg::NegotiationStrategy::Lookup,
        );
        chosen
            .first()
            .and_then(|id| Self::from_tag(id.language.as_str()))
            .unwrap_or_default()
    }

    /// The message `id` in this language.
    pub fn text(self, id: &str) -> String {
        LOCALES.lookup(self.langid(), id)
    }

    /// The message `id` in this language, with its variables.
    pub fn text_with(self, id: &str, args: &[(&'static str, FluentValue<'_>)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), v.clone()))
            .collect();
        LOCALES.lookup_with_args(self.langid(), id, &args)
    }

    /// A whole number with the language's grouping: `12,000`.
    pub fn number(self, n: i64) -> String {
        let digits = n.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if n < 0 {
            out.push('-');
        }
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(ch);
        }
        out
    }

    /// An amount as readers of this language write it: `$10.00`, `₩12,000`; in Korean, won
    /// follow the number (`12,000원`).
    pub fn money(self, m: crate::money::Money) -> String {
        use crate::money::Currency;
        match (self, m.currency) {
            (Self::Ko, Currency::KRW) => format!("{}원", self.number(m.minor)),
            _ => m.to_string(),
        }
    }

    /// A day: `6 Dec 2026`, `2026년 12월 6일`.
    pub fn day(self, year: i32, month: u32, day: u32) -> String {
        match self {
            Self::En => format!(
                "{day} {} {year}",
                MONTHS_EN[(month as usize).clamp(1, 12) - 1]
            ),
            Self::Ko => format!("{year}년 {month}월 {day}일"),
        }
    }

    /// An instant to the minute, in UTC: `6 Dec 2026, 14:05 UTC`, `2026년 12월 6일 14:05 (UTC)`.
    pub fn minute(self, unix_seconds: i64) -> String {
        let (year, month, day) = civil_day(unix_seconds.div_euclid(86_400));
        let day = self.day(year, month, day);
        let second_of_day = unix_seconds.rem_euclid(86_400);
        let (h, m) = (second_of_day / 3600, second_of_day % 3600 / 60);
        match self {
            Self::En => format!("{day}, {h:02}:{m:02} UTC"),
            Self::Ko => format!("{day} {h:02}:{m:02} (UTC)"),
        }
    }

    /// A month: `Dec 2026`, `2026년 12월`.
    pub fn month(self, year: i32, month: u32) -> String {
        match self {
            Self::En => format!("{} {year}", MONTHS_EN[(month as usize).clamp(1, 12) - 1]),
            Self::Ko => format!("{year}년 {month}월"),
        }
    }

    /// A pledge period (`2026-12`): as it is in English (where it reads plainly), as a
    /// [`Locale::month`] in other languages; anything not shaped like a period as it is.
    pub fn period(self, period: &str) -> String {
        let parsed = period
            .split_once('-')
            .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)));
        match parsed {
            Some((y, m)) if self != Self::En && (1..=12).contains(&m) => self.month(y, m),
            _ => period.to_owned(),
        }
    }
}

/// The proleptic Gregorian (year, month, day) of day `days` since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`; the browser bundle has no calendar crate).
fn civil_day(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        i32::try_from(year).unwrap_or(i32::MAX),
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The language chosen for this request (server) or given to this island (browser); English
/// outside both.
pub fn current() -> Locale {
    if let Some(l) = leptos::prelude::use_context::<Locale>() {
        return l;
    }
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<Locale>().copied())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        Locale::default()
    }
}

/// A number for a message variable: Fluent picks plural forms from it.
pub fn num(n: i64) -> FluentValue<'static> {
    FluentValue::from(n)
}

/// A string for a message variable.
pub fn arg<'a>(s: impl Into<Cow<'a, str>>) -> FluentValue<'a> {
    FluentValue::String(s.into())
}

/// Where a sentence's one piece of markup (a link, a bold amount) goes: give `slot()` as that
/// variable, then [`around_slot`] splits the text at it, so each language orders the sentence
/// its own way and the view puts the markup in between.
const SLOT: &str = "\u{E000}";

/// The value that marks a sentence's markup (see [`around_slot`]).
pub fn slot() -> FluentValue<'static> {
    FluentValue::String(Cow::Borrowed(SLOT))
}

/// The text before and after the slot of a sentence written with [`slot`].
pub fn around_slot(text: &str) -> (String, String) {
    match text.split_once(SLOT) {
        Some((before, after)) => (before.to_owned(), after.to_owned()),
        None => (text.to_owned(), String::new()),
    }
}

/// The current language's text for message `id`, with optional variables:
/// `t!("nav-explore")`, `t!("supporters-count", count = num(n))`, `t!("hello", name = arg(&n))`.
#[macro_export]
macro_rules! t {
    ($id:literal) => {
        $crate::i18n::current().text($id)
    };
    ($id:literal, $($key:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::current().text_with($id, &[$((stringify!($key), $value)),+])
    };
}

/// The same in a given language (emails, which go in the recipient's language).
#[macro_export]
macro_rules! t_in {
    ($locale:expr, $id:literal) => {
        $locale.text($id)
    };
    ($locale:expr, $id:literal, $($key:ident = $value:expr),+ $(,)?) => {
        $locale.text_with($id, &[$((stringify!($key), $value)),+])
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Currency, Money};
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    /// Every message (and attribute) of every file, with the variables it uses.
    fn messages(locale: Locale) -> BTreeMap<String, BTreeSet<String>> {
        use fluent_syntax::ast;
        fn walk_pattern(p: &ast::Pattern<String>, vars: &mut BTreeSet<String>) {
            for el in &p.elements {
                if let ast::PatternElement::Placeable { expression } = el {
                    walk_expr(expression, vars);
                }
            }
        }
        fn walk_expr(e: &ast::Expression<String>, vars: &mut BTreeSet<String>) {
            match e {
                ast::Expression::Select { selector, variants } => {
                    walk_inline(selector, vars);
                    for v in variants {
                        walk_pattern(&v.value, vars);
                    }
                }
                ast::Expression::Inline(i) => walk_inline(i, vars),
            }
        }
        fn walk_inline(i: &ast::InlineExpression<String>, vars: &mut BTreeSet<String>) {
            match i {
                ast::InlineExpression::VariableReference { id } => {
                    vars.insert(id.name.clone());
                }
                ast::InlineExpression::FunctionReference { arguments, .. } => {
                    for a in &arguments.positional {
                        walk_inline(a, vars);
                    }
                }
                ast::InlineExpression::Placeable { expression } => walk_expr(expression, vars),
                _ => {}
            }
        }
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(locale.tag());
        let mut out = BTreeMap::new();
        for entry in std::fs::read_dir(&dir).expect("locale folder") {
            let path = entry.expect("entry").path();
            if path.extension().and_then(|e| e.to_str()) != Some("ftl") {
                continue;
            }
            let source = std::fs::read_to_string(&path).expect("ftl file");
            let resource = fluent_syntax::parser::parse(source).unwrap_or_else(|(_, errors)| {
                panic!("{} does not parse: {errors:?}", path.display())
            });
            for entry in resource.body {
                if let ast::Entry::Message(m) = entry {
                    let mut vars = BTreeSet::new();
                    if let Some(v) = &m.value {
                        walk_pattern(v, &mut vars);
                    }
                    for a in &m.attributes {
                        walk_pattern(&a.value, &mut vars);
                    }
                    let previous = out.insert(m.id.name.clone(), vars);
                    assert!(
                        previous.is_none(),
                        "{} is defined twice in {}",
                        m.id.name,
                        locale.tag()
                    );
                }
            }
        }
        out
    }

    #[test]
    fn every_message_exists_in_every_language_with_the_same_variables() {
        let english = messages(Locale::En);
        assert!(english.len() > 10, "the English messages were not found");
        for locale in Locale::ALL {
            let other = messages(locale);
            for (id, vars) in &english {
                let theirs = other
                    .get(id)
                    .unwrap_or_else(|| panic!("{id} is missing in {}", locale.tag()));
                assert_eq!(theirs, vars, "{id} has other variables in {}", locale.tag());
            }
            for id in other.keys() {
                assert!(english.contains_key(id), "{id} is only in {}", locale.tag());
            }
        }
    }

    /// A message nobody asks for is a translation nobody maintains: every id appears, quoted,
    /// in the code of the app or the server.
    #[test]
    fn every_message_is_used() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        sources_under(&root.join("src"), &mut files);
        sources_under(&root.join("../server/src"), &mut files);
        let code: String = files
            .iter()
            .map(|f| std::fs::read_to_string(f).expect("source"))
            .collect();
        let unused: Vec<String> = messages(Locale::En)
            .into_keys()
            .filter(|id| !code.contains(&format!("\"{id}\"")))
            .collect();
        assert!(unused.is_empty(), "messages no code uses: {unused:?}");
    }

    #[test]
    fn a_sentence_splits_around_its_markup_in_each_languages_order() {
        let what = arg("Tip");
        let en = Locale::En.text_with(
            "give-trail-lead",
            &[("what", what.clone()), ("page", slot())],
        );
        assert_eq!(around_slot(&en), ("Tip to ".to_owned(), String::new()));
        let ko = Locale::Ko.text_with("give-trail-lead", &[("what", what), ("page", slot())]);
        let (before, after) = around_slot(&ko);
        assert!(before.is_empty(), "{ko}");
        assert!(after.starts_with('에'), "{ko}");
        assert_eq!(
            around_slot("no slot"),
            ("no slot".to_owned(), String::new())
        );
    }

    #[test]
    fn instants_are_written_to_the_minute_in_each_language() {
        use chrono::Datelike as _;
        // 2026-06-12 14:05:59 UTC; the seconds are dropped, not rounded.
        assert_eq!(Locale::En.minute(1_781_273_159), "12 Jun 2026, 14:05 UTC");
        assert_eq!(
            Locale::Ko.minute(1_781_273_159),
            "2026년 6월 12일 14:05 (UTC)"
        );
        assert_eq!(Locale::En.minute(0), "1 Jan 1970, 00:00 UTC");
        // Leap days and the turn of a century that is not a leap year.
        assert_eq!(Locale::En.minute(951_782_400), "29 Feb 2000, 00:00 UTC");
        assert_eq!(Locale::En.minute(4_107_542_400), "1 Mar 2100, 00:00 UTC");
        assert_eq!(Locale::En.minute(-1), "31 Dec 1969, 23:59 UTC");
        // Every day of four centuries agrees with the calendar crate the server uses.
        for days in (-146_097 * 2..146_097 * 2).step_by(7) {
            let d = chrono::DateTime::from_timestamp(days * 86_400, 0)
                .unwrap()
                .date_naive();
            assert_eq!(
                civil_day(days),
                (d.year(), d.month(), d.day()),
                "day {days}"
            );
        }
    }

    #[test]
    fn the_language_comes_from_the_account_then_the_cookie_then_the_browser() {
        assert_eq!(
            Locale::negotiate(Some("ko"), Some("en"), Some("en")),
            Locale::Ko
        );
        assert_eq!(
            Locale::negotiate(None, Some("ko"), Some("en-US")),
            Locale::Ko
        );
        assert_eq!(
            Locale::negotiate(Some("xx"), Some("zz"), Some("ko-KR,ko;q=0.9")),
            Locale::Ko
        );
        assert_eq!(
            Locale::negotiate(None, None, Some("fr-FR,ko;q=0.8,en;q=0.5")),
            Locale::Ko
        );
        assert_eq!(
            Locale::negotiate(None, None, Some("ja, en;q=0.9, ko;q=0.8")),
            Locale::En
        );
        assert_eq!(Locale::negotiate(None, None, Some("fr")), Locale::En);
        assert_eq!(Locale::negotiate(None, None, None), Locale::En);
    }

    #[test]
    fn money_and_days_are_written_as_their_readers_expect() {
        assert_eq!(
            Locale::Ko.money(Money::new(12_000, Currency::KRW)),
            "12,000원"
        );
        assert_eq!(
            Locale::En.money(Money::new(12_000, Currency::KRW)),
            "₩12,000"
        );
        assert_eq!(Locale::Ko.money(Money::new(1_000, Currency::USD)), "$10.00");
        assert_eq!(Locale::Ko.money(Money::new(-500, Currency::KRW)), "-500원");
        assert_eq!(Locale::Ko.day(2026, 12, 6), "2026년 12월 6일");
        assert_eq!(Locale::En.day(2026, 12, 6), "6 Dec 2026");
        assert_eq!(Locale::Ko.month(2026, 1), "2026년 1월");
        assert_eq!(Locale::Ko.period("2026-12"), "2026년 12월");
        assert_eq!(Locale::En.period("2026-12"), "2026-12");
        assert_eq!(Locale::Ko.period("2026-13"), "2026-13");
        assert_eq!(Locale::Ko.period("one-off"), "one-off");
    }

    #[test]
    fn variables_and_plurals_come_from_fluent() {
        assert_eq!(Locale::En.text("language-switch"), "Language");
        assert_eq!(Locale::Ko.text("language-switch"), "언어");
    }

    /// Words that read the same in every language: names of things, not sentences.
    const SAME_IN_EVERY_LANGUAGE: &[&str] = &[
        "Chipin", "Stripe", "Connect", "Markdown", "CSV", "JSON", "API", "OpenAPI", "URL", "HTML",
        "PNG", "SVG", "JPEG", "WebP", "PDF", "TOTP", "ID", "English", "USD", "EUR", "GBP", "KRW",
        "JPY", "Bearer", "Content", "Type", "POST", "GET", "HMAC", "SHA",
    ];

    /// Attributes whose values are machinery (classes, addresses, field names), not words a
    /// person reads.
    const TECHNICAL_ATTRIBUTES: &[&str] = &[
        "class",
        "href",
        "action",
        "method",
        "type",
        "name",
        "id",
        "for",
        "rel",
        "autocomplete",
        "inputmode",
        "pattern",
        "accept",
        "enctype",
        "role",
        "src",
        "width",
        "height",
        "viewBox",
        "d",
        "fill",
        "stroke",
        "loading",
        "decoding",
        "target",
        "lang",
        "property",
        "charset",
        "sizes",
        "media",
        "sandbox",
        "allow",
        "scope",
        "step",
        "min",
        "max",
        "maxlength",
        "minlength",
        "size",
        "rows",
        "cols",
        "form",
        "formaction",
        "formmethod",
        "list",
        "dir",
        "tabindex",
        "value",
        "aria-describedby",
        "aria-controls",
        "aria-labelledby",
        "aria-hidden",
        "aria-invalid",
        "aria-current",
        "aria-live",
        "field",
        "endpoint",
        "points",
        "x",
        "y",
        "x1",
        "x2",
        "y1",
        "y2",
        "cx",
        "cy",
        "r",
        "transform",
        "text-anchor",
        "preserveAspectRatio",
        "xmlns",
        "style",
        "integrity",
        "crossorigin",
        "referrerpolicy",
        "path",
        "data-amount",
        "data-kind",
        "data-currency",
        "content",
    ];

    /// The string literals of a Rust source with the text before each on its line.
    fn literals(source: &str) -> Vec<(usize, String, String)> {
        let mut out = Vec::new();
        for (n, line) in source.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") || code.starts_with("#[") || code.starts_with("use ") {
                continue;
            }
            let bytes = line.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'/') {
                    break;
                }
                if bytes[i] == b'\'' {
                    // A char literal ('"') or a lifetime: skip the quote and what it quotes.
                    if bytes.get(i + 2) == Some(&b'\'') {
                        i += 3;
                        continue;
                    }
                    if bytes.get(i + 1) == Some(&b'\\') && bytes.get(i + 3) == Some(&b'\'') {
                        i += 4;
                        continue;
                    }
                }
                if bytes[i] == b'"' {
                    let start = i + 1;
                    let mut j = start;
                    while j < bytes.len() && bytes[j] != b'"' {
                        if bytes[j] == b'\\' {
                            j += 1;
                        }
                        j += 1;
                    }
                    let end = j.min(bytes.len());
                    out.push((n + 1, line[..i].to_owned(), line[start..end].to_owned()));
                    i = end + 1;
                    continue;
                }
                i += 1;
            }
        }
        out
    }

    /// True if `text` reads as English words for a person: a capitalised word, or two words.
    fn reads_as_english(text: &str) -> bool {
        let mut plain = String::new();
        let mut depth = 0;
        for c in text.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth = i32::max(depth - 1, 0),
                _ if depth == 0 => plain.push(c),
                _ => {}
            }
        }
        let words: Vec<&str> = plain
            .split(|c: char| !c.is_ascii_alphabetic() && c != '\'')
            .filter(|w| w.len() >= 2 && w.chars().any(|c| c.is_ascii_lowercase()))
            .filter(|w| !SAME_IN_EVERY_LANGUAGE.contains(w))
            .collect();
        let capitalised = words.iter().any(|w| {
            let mut cs = w.chars();
            cs.next().is_some_and(|c| c.is_ascii_uppercase())
                && cs.next().is_some_and(|c| c.is_ascii_lowercase())
        });
        // Two words, or one word of a phrase built around a value ("{} / month").
        let sentence = plain.contains(' ')
            && (words.len() >= 2 || words.iter().any(|w| w.len() >= 3) && depth_seen(text));
        capitalised || sentence
    }

    fn depth_seen(text: &str) -> bool {
        text.contains("{}") || text.contains("{0}") || text.contains('{')
    }

    fn sources_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("source folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                sources_under(&path, out);
            } else if path.extension().and_then(|e| e.to_str()) == Some("rs") {
                out.push(path);
            }
        }
    }

    /// Pages and emails take every word a person reads from the translation files: a string
    /// literal in their code that reads as English fails this, with its place. The exceptions
    /// are names (see `SAME_IN_EVERY_LANGUAGE`), machinery in attributes (`TECHNICAL_ATTRIBUTES`),
    /// and lines marked `// i18n: not for people` (a log line, an example in a placeholder).
    #[test]
    fn view_code_carries_no_english_for_people() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["src/pages", "src/components"] {
            sources_under(&root.join(dir), &mut files);
        }
        files.push(root.join("src/domain/mail/templates.rs"));
        files.sort();
        let mut found = Vec::new();
        for file in &files {
            let source = std::fs::read_to_string(file).expect("source");
            let source = source.split("\n#[cfg(test)]").next().unwrap_or_default();
            let lines: Vec<&str> = source.lines().collect();
            for (n, before, text) in literals(source) {
                if lines[n - 1].contains("i18n: not for people") || !reads_as_english(&text) {
                    continue;
                }
                let before = before.trim_end();
                let attribute = before
                    .rsplit(|c: char| c.is_whitespace() || c == '(' || c == ',')
                    .next()
                    .and_then(|w| w.strip_suffix('='))
                    .is_some_and(|a| TECHNICAL_ATTRIBUTES.contains(&a));
                let in_message_call = ["t!(", "t_in!("].iter().any(|m| {
                    before
                        .strip_suffix(m)
                        .is_some_and(|b| !b.ends_with(|c: char| c.is_alphanumeric() || c == '_'))
                });
                if attribute || in_message_call {
                    continue;
                }
                found.push(format!(
                    "{}:{n}: {text:?}",
                    file.strip_prefix(root).unwrap_or(file).display()
                ));
            }
        }
        assert!(
            found.is_empty(),
            "{} English literals outside the translation files:\n{}",
            found.len(),
            found.join("\n")
        );
    }
}
