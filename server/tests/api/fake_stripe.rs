//! A local fake of Stripe's HTTP API for the tests, speaking Stripe's wire format:
//! form-encoded requests (nested keys like `metadata[chipin_charge_id]`), JSON answers built
//! from Stripe's own example objects (`tests/fixtures/stripe/fixtures3.json`) with the fields a
//! test cares about overridden, and errors shaped like Stripe's. `Idempotency-Key` is honoured
//! by replaying the first answer for a key. What a PaymentIntent does is scripted by its
//! payment method id:
//!
//! | payment method | answer |
//! |---|---|
//! | `pm_success` | succeeded, fee 2.9% + 30¢ (Chipin's simulated schedule) on its balance transaction |
//! | `pm_insufficient_funds`, `pm_expired_card`, `pm_card_declined` | 402 card error with that decline code |
//! | `pm_requires_auth` | 402 `authentication_required` |
//! | `pm_requires_action` | 200, status `requires_action` |
//! | `pm_processing` | 200, status `processing` |
//! | `pm_network_failure_once` | the PaymentIntent is made, but the connection drops before the answer; a retry with the same key replays it |
//! | `pm_500_once` | 500 on the first attempt (nothing made), succeeds when sent again |
//! | `pm_detached` | 400 `invalid_request_error` on `payment_method`: detached from its customer, no code |
//! | `pm_unactivated` | 400 `invalid_request_error` `payment_method_unactivated` |
//! | `pm_card_error_400` | 400 `card_error` `card_decline_rate_limit_exceeded`, no decline code |
//! | any other | 400 `resource_missing` on `payment_method` |
//!
//! `GET /v1/payment_intents/{id}` answers the PaymentIntent as it stands, client secret
//! included; a test moves it on as the supporter's browser would with Stripe.js
//! ([`FakeStripe::authenticate`]) or as Stripe does later ([`FakeStripe::succeed_later`],
//! [`FakeStripe::update_payment_intent`]).
//!
//! A rate limit (429) and dropped connections can be switched on per test, and every request
//! is recorded for assertions. Stripe Connect (accounts, onboarding links, transfers) is in
//! `fake_stripe/connect.rs`.

mod connect;

use app::domain::processors::ChargeRequest;
use app::domain::processors::FeeSchedule;
use app::money::{Currency, Money};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Payment method ids with a scripted outcome.
pub mod pm {
    pub const SUCCESS: &str = "pm_success";
    pub const INSUFFICIENT_FUNDS: &str = "pm_insufficient_funds";
    pub const EXPIRED_CARD: &str = "pm_expired_card";
    pub const CARD_DECLINED: &str = "pm_card_declined";
    pub const REQUIRES_AUTH: &str = "pm_requires_auth";
    pub const REQUIRES_ACTION: &str = "pm_requires_action";
    pub const PROCESSING: &str = "pm_processing";
    pub const NETWORK_FAILURE_ONCE: &str = "pm_network_failure_once";
    pub const SERVER_ERROR_ONCE: &str = "pm_500_once";
    pub const DETACHED: &str = "pm_detached";
    pub const UNACTIVATED: &str = "pm_unactivated";
    pub const CARD_ERROR_400: &str = "pm_card_error_400";
}

/// One request as the fake received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub idempotency_key: Option<String>,
    pub authorization: Option<String>,
    /// The form fields exactly as sent (`metadata[cycle]`, `expand[0]`, …).
    pub fields: Vec<(String, String)>,
    /// The same fields as nested JSON (`{"metadata": {"cycle": …}}`).
    pub params: Value,
    /// True when the answer was a replay of an earlier one with the same idempotency key.
    pub replayed: bool,
}

impl Recorded {
    /// A form field by its full name.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a list field such as `expand`.
    pub fn list(&self, name: &str) -> Vec<String> {
        match &self.params[name] {
            Value::Array(a) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            Value::Object(o) => o
                .values()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            Value::String(s) => vec![s.clone()],
            _ => Vec::new(),
        }
    }
}

/// An answer stored for an idempotency key.
#[derive(Clone)]
struct Stored {
    status: u16,
    body: Value,
}

#[derive(Default)]
struct Inner {
    requests: Vec<Recorded>,
    answers: HashMap<String, Stored>,
    /// Every object made, by id (PaymentIntents fully expanded).
    objects: HashMap<String, Value>,
    /// PaymentIntents made (not replays), in order, with what was asked.
    created: Vec<(Recorded, String)>,
    /// Keys that already failed their scripted first attempt.
    failed_once: HashSet<String>,
    drop_next: u64,
    rate_limit: Option<u32>,
    window: Option<(Instant, u32)>,
    rate_limited: u64,
    overrides: HashMap<String, Value>,
    counter: u64,
    refunded: HashMap<String, i64>,
    connect: connect::ConnectInner,
}

struct Shared {
    fixtures: Value,
    inner: Mutex<Inner>,
}

/// The publishable key of a Chipin started by [`FakeStripe::spawn_app`].
pub const PUBLISHABLE_KEY: &str = "pk_test_chipin_fake";
/// The webhook signing secret of a Chipin started by [`FakeStripe::spawn_app`].
pub const WEBHOOK_SECRET: &str = "whsec_chipin_fake";

impl FakeStripe {
    /// Starts Chipin configured for Stripe, with its API calls sent to this fake.
    pub async fn spawn_app(&self) -> crate::helpers::TestApp {
        crate::helpers::spawn_app_with(&[
            ("STRIPE_SECRET_KEY", "sk_test_chipin_fake"),
            ("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET),
            ("STRIPE_PUBLISHABLE_KEY", PUBLISHABLE_KEY),
            ("STRIPE_API_BASE", &self.url),
        ])
        .await
    }
}

/// A running fake Stripe; stops when dropped.
pub struct FakeStripe {
    pub url: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeStripe {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Stripe's example objects, read from the repository.
fn fixtures() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/stripe/fixtures3.json"
    );
    let text = std::fs::read_to_string(path).expect("read Stripe's fixtures");
    let all: Value = serde_json::from_str(&text).expect("Stripe's fixtures are JSON");
    all["resources"].clone()
}

/// Overwrites `base` with every field of `patch`, recursively for objects.
pub fn merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                match b.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => merge(existing, v),
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, p) => *b = p.clone(),
    }
}

/// Parses a form body into its fields and nested JSON.
fn parse_form(body: &[u8]) -> (Vec<(String, String)>, Value) {
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut root = json!({});
    for (key, value) in &fields {
        let mut parts: Vec<String> = Vec::new();
        let (head, rest) = key
            .split_once('[')
            .map_or((key.as_str(), ""), |(h, r)| (h, r));
        parts.push(head.to_owned());
        if !rest.is_empty() {
            for seg in rest.split('[') {
                parts.push(seg.trim_end_matches(']').to_owned());
            }
        }
        let mut node = &mut root;
        for (i, part) in parts.iter().enumerate() {
            let last = i == parts.len() - 1;
            if part.is_empty() {
                if !node.is_array() {
                    *node = json!([]);
                }
                let arr = node.as_array_mut().expect("array");
                arr.push(if last { json!(value) } else { json!({}) });
                node = arr.last_mut().expect("pushed");
                continue;
            }
            if !node.is_object() {
                *node = json!({});
            }
            let obj = node.as_object_mut().expect("object");
            if last {
                obj.insert(part.clone(), json!(value));
                break;
            }
            node = obj.entry(part.clone()).or_insert_with(|| json!({}));
        }
    }
    (fields, root)
}

fn error(status: StatusCode, error: Value) -> (u16, Value) {
    (status.as_u16(), json!({ "error": error }))
}

impl FakeStripe {
    pub async fn start() -> Self {
        let shared = Arc::new(Shared {
            fixtures: fixtures(),
            inner: Mutex::new(Inner::default()),
        });
        let app = Router::new()
            .route("/v1/payment_intents", post(create_payment_intent))
            .route("/v1/payment_intents/{id}", get(retrieve_payment_intent))
            .route("/v1/refunds", post(create_refund))
            .route("/v1/customers", post(create_customer))
            .route("/v1/checkout/sessions", post(create_session))
            .route("/v1/checkout/sessions/{id}", get(retrieve_session))
            .route("/v1/setup_intents/{id}", get(retrieve_setup_intent))
            .route("/v1/accounts", post(connect::create_account))
            .route("/v1/accounts/{id}", get(connect::retrieve_account))
            .route("/v1/account_links", post(connect::create_account_link))
            .route(
                "/v1/transfers",
                post(connect::create_transfer).get(connect::list_transfers),
            )
            .fallback(unknown)
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake Stripe");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url, shared, task }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.shared.inner.lock().expect("fake Stripe lock")
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.inner().requests.clone()
    }

    /// Requests to `path` so far.
    pub fn requests_to(&self, method: &str, path: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == method && r.path == path)
            .collect()
    }

    /// PaymentIntents made (replays not counted), with the request that made each and its
    /// status.
    pub fn payment_intents_created(&self) -> Vec<(Recorded, String)> {
        self.inner().created.clone()
    }

    /// The successful PaymentIntents, as the charge requests that made them (what a card
    /// statement would show).
    pub fn successful_charges(&self) -> Vec<ChargeRequest> {
        self.payment_intents_created()
            .into_iter()
            .filter(|(_, status)| status == "succeeded")
            .map(|(r, _)| charge_request(&r))
            .collect()
    }

    /// Creation calls for PaymentIntents, replays included.
    pub fn charge_calls(&self) -> Vec<Recorded> {
        self.requests_to("POST", "/v1/payment_intents")
    }

    /// Drops the connection of the next `n` PaymentIntent creations after making them.
    pub fn drop_next_answers(&self, n: u64) {
        self.inner().drop_next = n;
    }

    /// Answers 429 to requests over `per_second` in any one second.
    pub fn rate_limit(&self, per_second: u32) {
        self.inner().rate_limit = Some(per_second);
    }

    pub fn rate_limited_calls(&self) -> u64 {
        self.inner().rate_limited
    }

    /// Fields merged into every object of `resource` the fake makes from now on
    /// (`"balance_transaction"`, `"payment_intent"`, …).
    pub fn set_override(&self, resource: &str, patch: Value) {
        self.inner().overrides.insert(resource.to_owned(), patch);
    }

    /// The ids of the objects made whose id starts with `prefix`, in order.
    pub fn object_ids_with_prefix(&self, prefix: &str) -> Vec<String> {
        let mut ids: Vec<String> = self
            .inner()
            .objects
            .keys()
            .filter(|k| k.starts_with(prefix))
            .cloned()
            .collect();
        ids.sort();
        ids
    }

    /// Plays the supporter finishing Checkout: the session completes and its SetupIntent
    /// succeeds with `payment_method`.
    pub fn complete_setup(&self, session_id: &str, payment_method: &str) {
        let mut inner = self.inner();
        let setup_id = inner.objects[session_id]["setup_intent"]
            .as_str()
            .expect("a setup session")
            .to_owned();
        merge(
            inner.objects.get_mut(session_id).expect("session"),
            &json!({ "status": "complete" }),
        );
        merge(
            inner.objects.get_mut(&setup_id).expect("setup intent"),
            &json!({ "status": "succeeded", "payment_method": payment_method }),
        );
    }

    /// A PaymentIntent that finishes later succeeding, with its fee (as a webhook would report).
    pub fn succeed_later(&self, payment_intent: &str) {
        let mut inner = self.inner();
        let Some(intent) = inner.objects.get(payment_intent).cloned() else {
            return;
        };
        let amount = intent["amount"].as_i64().unwrap_or(0);
        let currency = intent["currency"].as_str().unwrap_or("usd").to_owned();
        let n = next(&mut inner);
        let charge = charge_object(
            &self.shared.fixtures,
            &inner,
            n,
            payment_intent,
            amount,
            &currency,
        );
        merge(
            inner.objects.get_mut(payment_intent).expect("intent"),
            &json!({ "status": "succeeded", "amount_received": amount, "latest_charge": charge }),
        );
    }
}

impl FakeStripe {
    /// An object the fake made, as it stands now (a PaymentIntent fully expanded).
    pub fn object(&self, id: &str) -> Option<Value> {
        self.inner().objects.get(id).cloned()
    }

    /// Fields merged into the PaymentIntent `payment_intent` as it stands (`{"status":
    /// "processing"}`, …).
    pub fn update_payment_intent(&self, payment_intent: &str, patch: Value) {
        let mut inner = self.inner();
        let intent = inner
            .objects
            .get_mut(payment_intent)
            .expect("a PaymentIntent the fake made");
        merge(intent, &patch);
    }

    /// Plays the supporter answering their bank's check in Stripe.js: passed, the
    /// PaymentIntent succeeds with its fee; failed, it goes back to `requires_payment_method`
    /// with Stripe's `payment_intent_authentication_failure` error.
    pub fn authenticate(&self, payment_intent: &str, passes: bool) {
        if passes {
            self.update_payment_intent(
                payment_intent,
                json!({"last_payment_error": null, "next_action": null}),
            );
            self.succeed_later(payment_intent);
        } else {
            let message = "We are unable to authenticate your payment method. Please choose a different payment method and try again.";
            self.update_payment_intent(
                payment_intent,
                json!({
                    "status": "requires_payment_method",
                    "next_action": null,
                    "last_payment_error": {
                        "type": "invalid_request_error",
                        "code": "payment_intent_authentication_failure",
                        "decline_code": null,
                        "message": message,
                        "doc_url": "https://stripe.com/docs/error-codes/payment-intent-authentication-failure",
                    },
                }),
            );
        }
    }
}

/// Reads back the charge request a PaymentIntent creation carried.
fn charge_request(r: &Recorded) -> ChargeRequest {
    let currency: Currency = r
        .field("currency")
        .unwrap_or("usd")
        .to_ascii_uppercase()
        .parse()
        .unwrap_or(Currency::USD);
    let num = |f: &str| r.field(f).and_then(|v| v.parse().ok()).unwrap_or(0);
    ChargeRequest {
        idempotency_key: r.idempotency_key.clone().unwrap_or_default(),
        amount: Money::new(num("amount"), currency),
        customer: r.field("customer").map(str::to_owned),
        payment_method: r.field("payment_method").unwrap_or_default().to_owned(),
        charge_id: num("metadata[chipin_charge_id]"),
        supporter_id: num("metadata[supporter_id]"),
        cycle: r.field("metadata[cycle]").unwrap_or_default().to_owned(),
    }
}

fn next(inner: &mut Inner) -> u64 {
    inner.counter += 1;
    inner.counter
}

/// A fixture object with `fields` and then the test's overrides on top.
fn object(fixtures: &Value, inner: &Inner, resource: &str, fields: Value) -> Value {
    let mut o = fixtures[resource].clone();
    assert!(o.is_object(), "no fixture for {resource}");
    merge(&mut o, &fields);
    if let Some(patch) = inner.overrides.get(resource) {
        merge(&mut o, patch);
    }
    o
}

/// The fee Chipin's simulated processor would take, so both processors agree in tests.
fn fee(amount: i64, currency: &str) -> i64 {
    let c: Currency = currency
        .to_ascii_uppercase()
        .parse()
        .unwrap_or(Currency::USD);
    FeeSchedule::standard(c).estimate(amount)
}

/// A succeeded charge with its balance transaction expanded.
fn charge_object(
    fixtures: &Value,
    inner: &Inner,
    n: u64,
    payment_intent: &str,
    amount: i64,
    currency: &str,
) -> Value {
    let charge_id = format!("ch_fake_{n:06}");
    let fee = fee(amount, currency);
    let balance = object(
        fixtures,
        inner,
        "balance_transaction",
        json!({
            "id": format!("txn_fake_{n:06}"),
            "amount": amount,
            "currency": currency,
            "fee": fee,
            "net": amount - fee,
            "source": charge_id,
            "fee_details": [{"amount": fee, "application": null, "currency": currency,
                             "description": "Stripe processing fees", "type": "stripe_fee"}],
        }),
    );
    object(
        fixtures,
        inner,
        "charge",
        json!({
            "id": charge_id,
            "amount": amount,
            "amount_captured": amount,
            "captured": true,
            "currency": currency,
            "paid": true,
            "status": "succeeded",
            "payment_intent": payment_intent,
            "balance_transaction": balance,
        }),
    )
}

/// Collapses expansions the request did not ask for to ids, as Stripe does.
fn expanded(mut intent: Value, expand: &[String]) -> Value {
    let wants = |p: &str| {
        expand
            .iter()
            .any(|e| e == p || e.starts_with(&format!("{p}.")))
    };
    if let Some(charge) = intent.get_mut("latest_charge")
        && charge.is_object()
    {
        if !wants("latest_charge") {
            *charge = charge["id"].clone();
        } else if !expand
            .iter()
            .any(|e| e == "latest_charge.balance_transaction")
        {
            let id = charge["balance_transaction"]["id"].clone();
            if !id.is_null() {
                charge["balance_transaction"] = id;
            }
        }
    }
    intent
}

fn respond(status: u16, body: &Value) -> Response {
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        [
            ("content-type", "application/json"),
            ("request-id", "req_fake"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// An answer whose connection breaks after the headers: the client never gets the body.
fn dropped() -> Response {
    let stream = futures::stream::once(async {
        tokio::time::sleep(Duration::from_millis(5)).await;
        Err::<Bytes, std::io::Error>(std::io::Error::other("connection dropped"))
    });
    Response::builder()
        .status(StatusCode::OK)
        .header("content-type", "application/json")
        .body(Body::from_stream(stream))
        .expect("response")
}

/// Records a request; answers 429 when over the rate limit, or the stored answer when the
/// idempotency key was seen before.
fn admit(
    inner: &mut Inner,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> (Recorded, Option<Response>) {
    let (fields, params) = parse_form(body);
    let header = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let mut recorded = Recorded {
        method: method.to_string(),
        path: path.to_owned(),
        idempotency_key: header("idempotency-key"),
        authorization: header("authorization"),
        fields,
        params,
        replayed: false,
    };
    if let Some(limit) = inner.rate_limit {
        let now = Instant::now();
        let (start, count) = match inner.window {
            Some((start, count)) if now.duration_since(start) < Duration::from_secs(1) => {
                (start, count)
            }
            _ => (now, 0),
        };
        if count >= limit {
            inner.rate_limited += 1;
            inner.requests.push(recorded);
            let (s, b) = error(
                StatusCode::TOO_MANY_REQUESTS,
                json!({"type": "invalid_request_error", "code": "rate_limit",
                       "message": "Too many requests hit the API too quickly."}),
            );
            return (
                inner.requests.last().expect("pushed").clone(),
                Some(respond(s, &b)),
            );
        }
        inner.window = Some((start, count + 1));
    }
    if let Some(key) = &recorded.idempotency_key
        && let Some(stored) = inner.answers.get(key).cloned()
    {
        recorded.replayed = true;
        inner.requests.push(recorded.clone());
        return (recorded, Some(respond(stored.status, &stored.body)));
    }
    inner.requests.push(recorded.clone());
    (recorded, None)
}

fn remember(inner: &mut Inner, r: &Recorded, status: u16, body: &Value) {
    if let Some(key) = &r.idempotency_key {
        inner.answers.insert(
            key.clone(),
            Stored {
                status,
                body: body.clone(),
            },
        );
    }
}

fn card_error(intent: &Value, code: &str, decline_code: &str, message: &str) -> (u16, Value) {
    error(
        StatusCode::PAYMENT_REQUIRED,
        json!({
            "type": "card_error",
            "code": code,
            "decline_code": decline_code,
            "message": message,
            "payment_intent": intent,
            "doc_url": format!("https://stripe.com/docs/error-codes/{code}"),
        }),
    )
}

async fn create_payment_intent(
    State(shared): State<Arc<Shared>>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut inner = shared.inner.lock().expect("lock");
    let (r, early) = admit(&mut inner, &method, "/v1/payment_intents", &headers, &body);
    if let Some(answer) = early {
        return answer;
    }
    let key = r.idempotency_key.clone().unwrap_or_default();
    let amount: i64 = r.field("amount").and_then(|a| a.parse().ok()).unwrap_or(0);
    let currency = r.field("currency").unwrap_or("usd").to_owned();
    let payment_method = r.field("payment_method").unwrap_or_default().to_owned();
    let expand = r.list("expand");
    if amount <= 0 {
        let (s, b) = error(
            StatusCode::BAD_REQUEST,
            json!({"type": "invalid_request_error", "code": "parameter_invalid_integer",
                   "param": "amount", "message": "Invalid positive integer"}),
        );
        remember(&mut inner, &r, s, &b);
        return respond(s, &b);
    }
    if payment_method == pm::SERVER_ERROR_ONCE && inner.failed_once.insert(key.clone()) {
        // Nothing was made and nothing is stored: the same request may be sent again.
        let (s, b) = error(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"type": "api_error", "message": "An unexpected error occurred."}),
        );
        return respond(s, &b);
    }
    let drop_answer = (payment_method == pm::NETWORK_FAILURE_ONCE
        && inner.failed_once.insert(key.clone()))
        || inner
            .drop_next
            .checked_sub(1)
            .map(|n| inner.drop_next = n)
            .is_some();
    let n = next(&mut inner);
    let id = format!("pi_fake_{n:06}");
    let metadata = r
        .params
        .get("metadata")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let mut intent = object(
        &shared.fixtures,
        &inner,
        "payment_intent",
        json!({
            "id": id,
            "amount": amount,
            "currency": currency,
            "customer": r.field("customer"),
            "payment_method": payment_method,
            "metadata": metadata,
            "confirmation_method": "automatic",
            "client_secret": format!("{id}_secret_fake"),
            "canceled_at": null,
            "last_payment_error": null,
            "next_action": null,
            "processing": null,
            "latest_charge": null,
            "amount_received": 0,
        }),
    );
    let succeed = |inner: &Inner, intent: &mut Value| {
        let charge = charge_object(&shared.fixtures, inner, n, &id, amount, &currency);
        merge(
            intent,
            &json!({"status": "succeeded", "amount_received": amount, "latest_charge": charge}),
        );
    };
    let declined = |intent: &mut Value, code: &str, decline: &str, message: &str| {
        let e = json!({"type": "card_error", "code": code, "decline_code": decline, "message": message});
        merge(
            intent,
            &json!({"status": "requires_payment_method", "last_payment_error": e}),
        );
    };
    let (status, body) = match payment_method.as_str() {
        pm::SUCCESS | pm::NETWORK_FAILURE_ONCE | pm::SERVER_ERROR_ONCE => {
            succeed(&inner, &mut intent);
            (200, expanded(intent.clone(), &expand))
        }
        pm::PROCESSING => {
            merge(&mut intent, &json!({"status": "processing"}));
            (200, expanded(intent.clone(), &expand))
        }
        pm::REQUIRES_ACTION => {
            merge(
                &mut intent,
                &json!({"status": "requires_action",
                        "next_action": {"type": "use_stripe_sdk", "use_stripe_sdk": {}}}),
            );
            (200, expanded(intent.clone(), &expand))
        }
        pm::REQUIRES_AUTH => {
            let message = "This payment required an authentication action to complete, but `error_on_requires_action` was set.";
            declined(
                &mut intent,
                "authentication_required",
                "authentication_required",
                message,
            );
            // Stripe reports the card that needs authenticating on the error, which is how
            // the supporter's browser confirms the payment with it later.
            let card = object(
                &shared.fixtures,
                &inner,
                "payment_method",
                json!({"id": payment_method, "customer": r.field("customer")}),
            );
            merge(
                &mut intent,
                &json!({"payment_method": null, "last_payment_error": {"payment_method": card}}),
            );
            card_error(
                &intent,
                "authentication_required",
                "authentication_required",
                message,
            )
        }
        pm::INSUFFICIENT_FUNDS => {
            let message = "Your card has insufficient funds.";
            declined(&mut intent, "card_declined", "insufficient_funds", message);
            card_error(&intent, "card_declined", "insufficient_funds", message)
        }
        pm::EXPIRED_CARD => {
            let message = "Your card has expired.";
            declined(&mut intent, "expired_card", "expired_card", message);
            card_error(&intent, "expired_card", "expired_card", message)
        }
        pm::CARD_DECLINED => {
            let message = "Your card was declined.";
            declined(&mut intent, "card_declined", "generic_decline", message);
            card_error(&intent, "card_declined", "generic_decline", message)
        }
        pm::DETACHED | pm::UNACTIVATED | pm::CARD_ERROR_400 => {
            // Refused before any PaymentIntent is made; Stripe keeps no answer for the key.
            let e = match payment_method.as_str() {
                pm::DETACHED => json!({"type": "invalid_request_error", "param": "payment_method",
                    "message": "The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first."}),
                pm::UNACTIVATED => {
                    json!({"type": "invalid_request_error", "code": "payment_method_unactivated",
                    "message": "The operation cannot be performed as the payment method used has not been activated. Activate the payment method in the Dashboard, then try again."})
                }
                _ => json!({"type": "card_error", "code": "card_decline_rate_limit_exceeded",
                    "message": "This card has been declined too many times. You can try to charge this card again after 24 hours."}),
            };
            let (s, b) = error(StatusCode::BAD_REQUEST, e);
            return respond(s, &b);
        }
        other => {
            let (s, b) = error(
                StatusCode::BAD_REQUEST,
                json!({"type": "invalid_request_error", "code": "resource_missing",
                       "param": "payment_method",
                       "message": format!("No such PaymentMethod: '{other}'")}),
            );
            remember(&mut inner, &r, s, &b);
            return respond(s, &b);
        }
    };
    let final_status = intent["status"].as_str().unwrap_or_default().to_owned();
    inner.objects.insert(id.clone(), intent);
    inner.created.push((r.clone(), final_status));
    remember(&mut inner, &r, status, &body);
    if drop_answer {
        return dropped();
    }
    respond(status, &body)
}

/// Answers a request at `path` to read the stored object `id`: records it through `admit`
/// (with `query`, the query string, as its body) and gives `admit`'s early answer if there is
/// one; otherwise `answer` of the request and the object, or Stripe's 404 naming `kind` when
/// there is no such object or `answer` gives none.
fn retrieve(
    shared: &Shared,
    method: &Method,
    headers: &HeaderMap,
    path: &str,
    query: &[u8],
    (kind, id): (&str, &str),
    answer: impl FnOnce(&Inner, &Recorded, &Value) -> Option<Response>,
) -> Response {
    let mut inner = shared.inner.lock().expect("lock");
    let (r, early) = admit(&mut inner, method, path, headers, query);
    if let Some(early) = early {
        return early;
    }
    inner
        .objects
        .get(id)
        .and_then(|object| answer(&inner, &r, object))
        .unwrap_or_else(|| missing(kind, id))
}

async fn retrieve_payment_intent(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    retrieve(
        &shared,
        &method,
        &headers,
        &format!("/v1/payment_intents/{id}"),
        query.unwrap_or_default().as_bytes(),
        ("payment_intent", &id),
        |_, r, intent| Some(respond(200, &expanded(intent.clone(), &r.list("expand")))),
    )
}

fn missing(param: &str, id: &str) -> Response {
    let (s, b) = error(
        StatusCode::NOT_FOUND,
        json!({"type": "invalid_request_error", "code": "resource_missing", "param": param,
               "message": format!("No such {param}: '{id}'")}),
    );
    respond(s, &b)
}

async fn create_refund(
    State(shared): State<Arc<Shared>>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut inner = shared.inner.lock().expect("lock");
    let (r, early) = admit(&mut inner, &method, "/v1/refunds", &headers, &body);
    if let Some(answer) = early {
        return answer;
    }
    let pi = r.field("payment_intent").unwrap_or_default().to_owned();
    let Some(intent) = inner.objects.get(&pi).cloned() else {
        return missing("payment_intent", &pi);
    };
    let received = intent["amount_received"].as_i64().unwrap_or(0);
    let already = inner.refunded.get(&pi).copied().unwrap_or(0);
    let amount = r
        .field("amount")
        .and_then(|a| a.parse().ok())
        .unwrap_or(received - already);
    let (status, body) = if intent["status"] != "succeeded"
        || amount <= 0
        || already + amount > received
    {
        error(
            StatusCode::BAD_REQUEST,
            json!({"type": "invalid_request_error", "code": "charge_already_refunded",
                   "message": format!("Refund amount ({amount}) is greater than unrefunded amount on charge ({})", received - already)}),
        )
    } else {
        let n = next(&mut inner);
        let refund = object(
            &shared.fixtures,
            &inner,
            "refund",
            json!({
                "id": format!("re_fake_{n:06}"),
                "amount": amount,
                "currency": intent["currency"],
                "payment_intent": pi,
                "charge": intent["latest_charge"]["id"],
                "status": "succeeded",
            }),
        );
        inner.refunded.insert(pi.clone(), already + amount);
        inner.objects.insert(
            refund["id"].as_str().unwrap_or_default().to_owned(),
            refund.clone(),
        );
        (200, refund)
    };
    remember(&mut inner, &r, status, &body);
    respond(status, &body)
}

async fn create_customer(
    State(shared): State<Arc<Shared>>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut inner = shared.inner.lock().expect("lock");
    let (r, early) = admit(&mut inner, &method, "/v1/customers", &headers, &body);
    if let Some(answer) = early {
        return answer;
    }
    let n = next(&mut inner);
    let customer = object(
        &shared.fixtures,
        &inner,
        "customer",
        json!({
            "id": format!("cus_fake_{n:06}"),
            "email": r.field("email"),
            "name": r.field("name"),
            "metadata": r.params.get("metadata").cloned().unwrap_or_else(|| json!({})),
            "discount": null,
        }),
    );
    inner.objects.insert(
        customer["id"].as_str().unwrap_or_default().to_owned(),
        customer.clone(),
    );
    remember(&mut inner, &r, 200, &customer);
    respond(200, &customer)
}

async fn create_session(
    State(shared): State<Arc<Shared>>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut inner = shared.inner.lock().expect("lock");
    let (r, early) = admit(
        &mut inner,
        &method,
        "/v1/checkout/sessions",
        &headers,
        &body,
    );
    if let Some(answer) = early {
        return answer;
    }
    let customer = r.field("customer").unwrap_or_default().to_owned();
    if r.field("mode") != Some("setup") || !inner.objects.contains_key(&customer) {
        let (s, b) = error(
            StatusCode::BAD_REQUEST,
            json!({"type": "invalid_request_error", "code": "parameter_missing",
                   "message": "A setup session needs mode=setup and an existing customer."}),
        );
        return respond(s, &b);
    }
    let n = next(&mut inner);
    let setup_id = format!("seti_fake_{n:06}");
    let setup = object(
        &shared.fixtures,
        &inner,
        "setup_intent",
        json!({
            "id": setup_id,
            "customer": customer,
            "status": "requires_payment_method",
            "client_secret": format!("{setup_id}_secret_fake"),
            "last_setup_error": null,
            "next_action": null,
            "payment_method_configuration_details": null,
        }),
    );
    let session_id = format!("cs_test_fake_{n:06}");
    let session = object(
        &shared.fixtures,
        &inner,
        "checkout.session",
        json!({
            "id": session_id,
            "mode": "setup",
            "customer": customer,
            "currency": r.field("currency"),
            "status": "open",
            "payment_status": "no_payment_required",
            "success_url": r.field("success_url"),
            "cancel_url": r.field("cancel_url"),
            "setup_intent": setup_id,
            "payment_intent": null,
            "subscription": null,
            "invoice": null,
            "url": format!("https://checkout.stripe.com/c/pay/{session_id}"),
        }),
    );
    inner.objects.insert(setup_id, setup);
    inner.objects.insert(session_id, session.clone());
    respond(200, &session)
}

async fn retrieve_session(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    retrieve(
        &shared,
        &method,
        &headers,
        &format!("/v1/checkout/sessions/{id}"),
        query.unwrap_or_default().as_bytes(),
        ("checkout.session", &id),
        |inner, r, session| {
            let mut session = session.clone();
            if r.list("expand").iter().any(|e| e == "setup_intent")
                && let Some(setup) = session["setup_intent"]
                    .as_str()
                    .and_then(|s| inner.objects.get(s))
            {
                session["setup_intent"] = setup.clone();
            }
            Some(respond(200, &session))
        },
    )
}

async fn retrieve_setup_intent(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    retrieve(
        &shared,
        &method,
        &headers,
        &format!("/v1/setup_intents/{id}"),
        b"",
        ("setup_intent", &id),
        |_, _, o| Some(respond(200, o)),
    )
}

async fn unknown(method: Method, uri: axum::http::Uri) -> Response {
    let (s, b) = error(
        StatusCode::NOT_FOUND,
        json!({"type": "invalid_request_error",
               "message": format!("Unrecognized request URL ({method}: {})", uri.path())}),
    );
    respond(s, &b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_form_keys_become_nested_json() {
        let (fields, params) =
            parse_form(b"amount=800&metadata%5Bcycle%5D=2026-11&expand%5B0%5D=a.b&expand%5B1%5D=c&x%5B%5D=1&x%5B%5D=2");
        assert_eq!(fields.len(), 6);
        assert_eq!(params["amount"], "800");
        assert_eq!(params["metadata"]["cycle"], "2026-11");
        assert_eq!(params["expand"]["0"], "a.b");
        assert_eq!(params["x"], json!(["1", "2"]));
    }
}
