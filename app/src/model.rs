//! Plain data shared by the server and the browser: what server functions return.

use serde::{Deserialize, Serialize};

/// The logged-in person, as pages need to know them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub display_name: String,
    pub email: String,
    pub is_admin: bool,
}

/// Creator or cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecipientKind {
    Creator,
    Cause,
}

impl RecipientKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Creator => "Creator",
            Self::Cause => "Cause",
        }
    }

    pub fn from_db(s: &str) -> Self {
        if s == "cause" {
            Self::Cause
        } else {
            Self::Creator
        }
    }
}

/// A recipient as a card on the explore page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientCard {
    pub slug: String,
    pub kind: RecipientKind,
    pub name: String,
    pub tagline: String,
    pub category: String,
    pub currency: String,
    /// Cheapest active tier, in minor units.
    pub from_minor: Option<i64>,
}

/// A tier as shown on a recipient's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierView {
    pub id: i64,
    pub name: String,
    pub price_minor: i64,
    pub description: String,
    pub perks: Vec<String>,
}

/// A recipient's public page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientPage {
    pub slug: String,
    pub kind: RecipientKind,
    pub name: String,
    pub tagline: String,
    pub category: String,
    pub currency: String,
    /// Sanitised HTML rendered from the Markdown bio.
    pub bio_html: String,
    pub goal_minor: Option<i64>,
    pub tiers: Vec<TierView>,
}

pub use crate::money::format_money;
