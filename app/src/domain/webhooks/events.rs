//! Stripe's event objects, as much of each as Chipin reads. Unknown fields are ignored, so
//! new API versions do not break deliveries.

use super::WebhookError;
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;

#[derive(Deserialize)]
pub(super) struct Event {
    pub(super) id: String,
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) created: i64,
    pub(super) data: EventData,
    /// Set by Stripe on a Connect event: the connected account the event happened in.
    #[serde(default)]
    pub(super) account: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct EventData {
    pub(super) object: Value,
}

#[derive(Deserialize)]
pub(super) struct PaymentIntent {
    pub(super) id: String,
    pub(super) amount: i64,
    pub(super) currency: String,
    pub(super) status: String,
    #[serde(default)]
    pub(super) metadata: HashMap<String, String>,
    #[serde(default)]
    pub(super) latest_charge: Option<Value>,
    #[serde(default)]
    pub(super) last_payment_error: Option<PaymentError>,
}

#[derive(Deserialize)]
pub(super) struct PaymentError {
    #[serde(default)]
    pub(super) code: Option<String>,
    #[serde(default)]
    pub(super) decline_code: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct SetupIntent {
    pub(super) status: String,
    #[serde(default)]
    pub(super) customer: Option<Value>,
    #[serde(default)]
    pub(super) payment_method: Option<Value>,
}

#[derive(Deserialize)]
pub(super) struct CheckoutSession {
    pub(super) mode: String,
    #[serde(default)]
    pub(super) customer: Option<Value>,
    #[serde(default)]
    pub(super) setup_intent: Option<Value>,
}

#[derive(Deserialize)]
pub(super) struct Refund {
    pub(super) id: String,
    pub(super) amount: i64,
    pub(super) currency: String,
    #[serde(default)]
    pub(super) status: Option<String>,
    #[serde(default)]
    pub(super) payment_intent: Option<Value>,
    #[serde(default)]
    pub(super) metadata: HashMap<String, String>,
    /// Stripe's reason (`requested_by_customer`, `duplicate`, `fraudulent`), if given.
    #[serde(default)]
    pub(super) reason: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Charge {
    #[serde(default)]
    pub(super) payment_intent: Option<Value>,
    #[serde(default)]
    pub(super) refunds: Option<RefundList>,
}

#[derive(Deserialize)]
pub(super) struct RefundList {
    pub(super) data: Vec<Refund>,
}

#[derive(Deserialize)]
pub(super) struct Dispute {
    pub(super) id: String,
    pub(super) amount: i64,
    pub(super) currency: String,
    #[serde(default)]
    pub(super) payment_intent: Option<Value>,
    #[serde(default)]
    pub(super) reason: Option<String>,
    pub(super) status: String,
    pub(super) created: i64,
    #[serde(default)]
    pub(super) evidence_details: Option<EvidenceDetails>,
}

#[derive(Deserialize)]
pub(super) struct EvidenceDetails {
    #[serde(default)]
    pub(super) due_by: Option<i64>,
}

#[derive(Deserialize)]
pub(super) struct Account {
    pub(super) id: String,
    #[serde(default)]
    pub(super) details_submitted: bool,
    #[serde(default)]
    pub(super) charges_enabled: bool,
    #[serde(default)]
    pub(super) payouts_enabled: bool,
}

#[derive(Deserialize)]
pub(super) struct Transfer {
    pub(super) id: String,
    pub(super) amount: i64,
    #[serde(default)]
    pub(super) amount_reversed: i64,
    #[serde(default)]
    pub(super) reversed: bool,
    #[serde(default)]
    pub(super) metadata: HashMap<String, String>,
}

/// The id of an expandable field: the string itself, or the expanded object's `id`.
pub(super) fn id_of(v: Option<&Value>) -> Option<&str> {
    match v? {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("id")?.as_str(),
        _ => None,
    }
}

pub(super) fn object<T: serde::de::DeserializeOwned>(event: &Event) -> Result<T, WebhookError> {
    T::deserialize(&event.data.object)
        .map_err(|e| WebhookError::Malformed(format!("{} object: {e}", event.kind)))
}
