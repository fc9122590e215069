//! What the creator studio and the posts on public pages exchange between server and browser.

use super::RecipientKind;
use serde::{Deserialize, Serialize};

/// The categories a page can be filed under: the key pages store (and explore filters by),
/// and the message naming it in the reader's language.
pub const CATEGORY_NAMES: &[(&str, &str)] = &[
    ("Art", "pub-category-art"),
    ("Music", "pub-category-music"),
    ("Writing", "pub-category-writing"),
    ("Video", "pub-category-video"),
    ("Podcasts", "pub-category-podcasts"),
    ("Games", "pub-category-games"),
    ("Software", "pub-category-software"),
    ("Education", "pub-category-education"),
    ("Science", "pub-category-science"),
    ("Community", "pub-category-community"),
    ("Environment", "pub-category-environment"),
    ("Health", "pub-category-health"),
    ("Other", "pub-category-other"),
];

/// The category keys, in the studio's order.
pub fn categories() -> impl Iterator<Item = &'static str> {
    CATEGORY_NAMES.iter().map(|(key, _)| *key)
}

/// Category `key`'s name in the reader's language (an unknown key as it is).
pub fn category_name(key: &str) -> String {
    CATEGORY_NAMES
        .iter()
        .find(|(k, _)| *k == key)
        .map_or_else(|| key.to_owned(), |(_, id)| crate::i18n::current().text(id))
}

/// One of the caller's pages, as listed in the studio.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudioSummary {
    pub id: i64,
    pub kind: RecipientKind,
    pub slug: String,
    pub name: String,
    pub currency: String,
    pub active_tiers: i64,
    pub posts: i64,
}

/// A page as its owner edits it: the stored values, formatted for form inputs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudioPage {
    pub id: i64,
    pub kind: RecipientKind,
    pub slug: String,
    pub name: String,
    pub tagline: String,
    pub category: String,
    pub currency: String,
    pub bio_md: String,
    /// The monthly goal (creators) or campaign target (causes) as a plain number, or empty.
    pub goal: String,
    /// The campaign deadline as `YYYY-MM-DD`, or empty.
    pub deadline: String,
    pub image_url: Option<String>,
    /// Active tiers in the order supporters see them, then retired ones.
    pub tiers: Vec<StudioTier>,
    /// Newest first.
    pub posts: Vec<StudioPost>,
    /// Supporters' refund requests waiting for an answer.
    #[serde(default)]
    pub open_refund_requests: i64,
}

/// A tier as its owner edits it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudioTier {
    pub id: i64,
    pub name: String,
    pub price_minor: i64,
    pub description: String,
    /// One perk per line.
    pub perks: String,
    pub supporter_limit: Option<i64>,
    pub retired: bool,
    /// Open (active or past due) pledges at this tier.
    pub supporters: i64,
}

/// A post as its owner edits it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudioPost {
    pub id: i64,
    pub title: String,
    pub body_md: String,
    pub public: bool,
    pub tier_ids: Vec<i64>,
    /// `YYYY-MM-DD` of the last change.
    pub updated: String,
}

/// A post on a public page: the body when the viewer may read it, otherwise a teaser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostView {
    pub id: i64,
    pub title: String,
    /// `YYYY-MM-DD` of publication.
    pub date: String,
    /// Sanitised HTML, or `None` when the post is locked for this viewer.
    pub body_html: Option<String>,
    /// For a restricted post: the names of the tiers it is for.
    pub for_tiers: Vec<String>,
    /// The viewer's pledge would unlock this post, but no usable payment method backs it yet.
    #[serde(default)]
    pub needs_card: bool,
}

/// The message for an upload refused with `code` (see `domain::uploads::UploadError::code`).
pub fn upload_refusal(code: &str) -> Option<&'static str> {
    Some(match code {
        "empty" => "Choose an image file to upload.",
        "size" => "The image is larger than 2 MiB. Choose a smaller one.",
        "type" => "That file is not a PNG, JPEG, WebP or GIF image.",
        "receipt_size" => "The receipt is larger than 5 MiB. Choose a smaller file.",
        "receipt_type" => "That file is not a PDF, PNG, JPEG or WebP file.",
        "receipt_quota" => {
            "This page's receipts have used their storage allowance. Attach or remove earlier uploads first; unattached ones are removed after a day."
        }
        _ => return None,
    })
}

/// The address of a receipt the studio's upload form just stored, if `name` is one of the
/// names that form gives back (the content hash and a receipt extension, nothing else).
pub fn uploaded_receipt_url(name: &str) -> Option<String> {
    let (hash, ext) = name.split_once('.')?;
    let well_formed = hash.len() == 64
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && matches!(ext, "pdf" | "png" | "jpg" | "webp");
    well_formed.then(|| format!("/media/{name}"))
}

#[cfg(test)]
mod receipt_tests {
    use super::uploaded_receipt_url;

    #[test]
    fn only_stored_receipt_names_become_links() {
        let good = format!("{}.pdf", "0a".repeat(32));
        assert_eq!(uploaded_receipt_url(&good), Some(format!("/media/{good}")));
        for bad in [
            "x.pdf",
            "../../etc/passwd",
            &format!("{}.gif", "0a".repeat(32)),
            &format!("{}.pdf", "0A".repeat(32)),
            &format!("{}.pdf\"onload=\"", "0a".repeat(32)),
        ] {
            assert_eq!(uploaded_receipt_url(bad), None, "{bad}");
        }
    }
}
