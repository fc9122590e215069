//! What the chip-in button's pages exchange between server and browser: the studio's button
//! page, the one-click confirmation and its thank-you page.

use super::DonationPreview;
use serde::{Deserialize, Serialize};

/// The studio's button page: the choices as typed, the snippet they make and the framed
/// preview's address (or the field to fix).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ButtonStudio {
    pub recipient_id: i64,
    pub name: String,
    pub slug: String,
    pub currency: String,
    pub amounts: String,
    pub label: String,
    pub theme: String,
    pub layout: String,
    /// `(field, message)` when a choice does not parse; the snippet is then the last good one.
    pub error: Option<(String, String)>,
    pub snippet: String,
    /// `/embed/{slug}?…`, for the preview frame.
    pub frame_src: String,
    /// `/badge/{slug}.svg`.
    pub badge_src: String,
    /// The smallest amount the page's currency allows, as written ("0.01", "1").
    pub smallest: String,
}

/// The one-click confirmation page for a signed-in supporter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChipInView {
    pub name: String,
    pub slug: String,
    pub currency: String,
    /// The amount as the address gave it, normalised ("0.01").
    pub amount: String,
    pub amount_minor: i64,
    /// The supporter has a usable saved card.
    pub has_card: bool,
    /// The fee this tip would bear in the next consolidated charge (`None` without a card).
    pub preview: Option<DonationPreview>,
}

/// A one-click tip, as its thank-you page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChipInReceipt {
    pub tip_id: i64,
    pub recipient_name: String,
    pub recipient_slug: String,
    pub amount_minor: i64,
    pub currency: String,
    pub undoable: bool,
    pub removed: bool,
    /// Minutes the undo link lasts.
    pub undo_minutes: i64,
}
