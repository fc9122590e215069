//! What the studio's webhooks page exchanges between server and browser: a page's endpoints,
//! each with its recent deliveries.

use serde::{Deserialize, Serialize};

/// Every event a page's endpoints may subscribe to, with a line saying when it is sent.
pub const EVENT_TYPES: &[(&str, &str)] = &[
    ("pledge.created", "A supporter pledged monthly."),
    (
        "pledge.updated",
        "A pledge's amount changed, or it was paused or resumed.",
    ),
    ("pledge.cancelled", "A supporter cancelled a pledge."),
    (
        "donation.paid",
        "A donation (a pledge's month or a tip) was charged successfully.",
    ),
    ("donation.refunded", "A donation was refunded."),
    (
        "charge.failed",
        "A charge with donations to this page was declined.",
    ),
    ("payout.paid", "A payout to you arrived."),
    ("expense.recorded", "An expense was published (causes)."),
    ("post.published", "A post was published."),
];

/// The studio's webhooks page for one page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HooksPage {
    pub recipient_id: i64,
    pub name: String,
    pub endpoints: Vec<EndpointView>,
    /// Plain `http://` endpoint addresses are accepted (tests and development).
    pub http_allowed: bool,
}

/// One registered endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointView {
    pub id: i64,
    pub url: String,
    pub events: Vec<String>,
    /// The signing secret, only the first time the page is shown after it was made.
    pub new_secret: Option<String>,
    /// When the previous secret stops being used to sign too (after a rotation), Unix seconds.
    pub previous_secret_until: Option<i64>,
    /// Why it is disabled, if it is.
    pub disabled: Option<String>,
    pub deliveries: Vec<DeliveryView>,
}

/// One delivery in an endpoint's log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub id: i64,
    pub event_type: String,
    /// The `webhook-id` header it is sent with.
    pub message_id: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    pub attempts: i64,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    /// The start of the last response body.
    pub last_response: Option<String>,
    /// Unix seconds (views write instants with `Locale::minute`).
    pub created: i64,
    /// When a pending delivery is tried next, Unix seconds.
    pub next_try: Option<i64>,
}
