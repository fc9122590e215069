//! Stripe Connect in the fake: Express accounts, their onboarding links, and transfers.
//!
//! Accounts start with nothing submitted (`details_submitted`, `charges_enabled` and
//! `payouts_enabled` false) until a test finishes onboarding with
//! [`FakeStripe::finish_onboarding`]. A transfer to an account whose `transfers` capability
//! is not active is refused like Stripe does; a test can also script the next transfers to be
//! refused for the platform's balance (`balance_insufficient`), answered 500 once (nothing
//! made), or made with the connection dropped before the answer (a retry with the same key
//! replays it). Transfers are listed like Stripe lists them (`GET /v1/transfers`, filtered by
//! `transfer_group` and `destination`, newest first), and a test can make the fake forget
//! every idempotency key, as Stripe does after 24 hours.

use super::*;

/// What the Connect part of the fake remembers.
#[derive(Default)]
pub(super) struct ConnectInner {
    /// Transfers made (not replays), in order: the request and the transfer's id.
    transfers: Vec<(Recorded, String)>,
    /// The next transfer creations to refuse with this error code.
    refuse_next: Vec<String>,
    /// The next transfer creations to answer 500 (nothing made).
    fail_next: u64,
    /// The next transfer creations whose answer is lost after the transfer is made.
    drop_next: u64,
    /// How long every transfer creation takes before it is made, in milliseconds.
    delay_ms: u64,
}

impl FakeStripe {
    /// Transfers Stripe made (replays not counted), with the request that made each.
    pub fn transfers_created(&self) -> Vec<(Recorded, String)> {
        self.inner().connect.transfers.clone()
    }

    /// Accounts made, oldest first.
    pub fn accounts_created(&self) -> Vec<String> {
        self.object_ids_with_prefix("acct_fake_")
    }

    /// Plays the page owner finishing onboarding on Stripe: details submitted, and charges
    /// and payouts enabled when `verified`.
    pub fn finish_onboarding(&self, account: &str, verified: bool) {
        let mut inner = self.inner();
        let a = inner.objects.get_mut(account).expect("an account");
        merge(
            a,
            &json!({
                "details_submitted": true,
                "charges_enabled": verified,
                "payouts_enabled": verified,
                "capabilities": { "transfers": if verified { "active" } else { "pending" } },
            }),
        );
    }

    /// Makes every transfer creation take `ms` milliseconds before the transfer is made (a
    /// window for a test to kill the process waiting for it).
    pub fn slow_transfers(&self, ms: u64) {
        self.inner().connect.delay_ms = ms;
    }

    /// Refuses the next transfer creation with Stripe's error `code` (e.g.
    /// `balance_insufficient`).
    pub fn refuse_next_transfer(&self, code: &str) {
        self.inner().connect.refuse_next.push(code.to_owned());
    }

    /// Answers the next `n` transfer creations with 500, making nothing.
    pub fn fail_next_transfers(&self, n: u64) {
        self.inner().connect.fail_next = n;
    }

    /// Forgets every idempotency key, as Stripe does 24 hours after a key's first use: a
    /// request sent again with an old key is then made anew.
    pub fn forget_idempotency_keys(&self) {
        self.inner().answers.clear();
    }

    /// Makes the next `n` transfers but drops the connection before the answer.
    pub fn drop_next_transfer_answers(&self, n: u64) {
        self.inner().connect.drop_next = n;
    }
}

fn invalid(code: &str, param: Option<&str>, message: String) -> (u16, Value) {
    error(
        StatusCode::BAD_REQUEST,
        json!({"type": "invalid_request_error", "code": code, "param": param, "message": message,
               "doc_url": format!("https://stripe.com/docs/error-codes/{code}")}),
    )
}

pub(super) async fn create_account(
    State(shared): State<Arc<Shared>>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut inner = shared.inner.lock().expect("lock");
    let (r, early) = admit(&mut inner, &method, "/v1/accounts", &headers, &body);
    if let Some(answer) = early {
        return answer;
    }
    if r.field("type") != Some("express") {
        let (s, b) = invalid(
            "parameter_invalid",
            Some("type"),
            "Chipin's fake makes Express accounts only.".into(),
        );
        remember(&mut inner, &r, s, &b);
        return respond(s, &b);
    }
    let n = next(&mut inner);
    let id = format!("acct_fake_{n:06}");
    if r.field("capabilities[transfers][requested]") != Some("true") {
        let (s, b) = invalid(
            "parameter_missing",
            Some("capabilities"),
            "Chipin's accounts must request the transfers capability.".into(),
        );
        remember(&mut inner, &r, s, &b);
        return respond(s, &b);
    }
    let account = object(
        &shared.fixtures,
        &inner,
        "account",
        json!({
            "id": id,
            "type": "express",
            "email": r.field("email"),
            "metadata": r.params.get("metadata").cloned().unwrap_or_else(|| json!({})),
            "details_submitted": false,
            "charges_enabled": false,
            "payouts_enabled": false,
            "capabilities": { "transfers": "inactive", "card_payments": "inactive" },
            "external_accounts": { "object": "list", "data": [], "has_more": false,
                                   "url": format!("/v1/accounts/{id}/external_accounts") },
        }),
    );
    inner.objects.insert(id, account.clone());
    remember(&mut inner, &r, 200, &account);
    respond(200, &account)
}

pub(super) async fn retrieve_account(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    retrieve(
        &shared,
        &method,
        &headers,
        &format!("/v1/accounts/{id}"),
        b"",
        ("account", &id),
        |_, _, a| id.starts_with("acct_").then(|| respond(200, a)),
    )
}

pub(super) async fn create_account_link(
    State(shared): State<Arc<Shared>>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut inner = shared.inner.lock().expect("lock");
    let (r, early) = admit(&mut inner, &method, "/v1/account_links", &headers, &body);
    if let Some(answer) = early {
        return answer;
    }
    let account = r.field("account").unwrap_or_default().to_owned();
    if !inner.objects.contains_key(&account) {
        return missing("account", &account);
    }
    if r.field("type") != Some("account_onboarding")
        || r.field("refresh_url").is_none()
        || r.field("return_url").is_none()
    {
        let (s, b) = invalid(
            "parameter_missing",
            Some("return_url"),
            "An onboarding link needs type, refresh_url and return_url.".into(),
        );
        return respond(s, &b);
    }
    let n = next(&mut inner);
    let now = chrono::Utc::now().timestamp();
    let link = object(
        &shared.fixtures,
        &inner,
        "account_link",
        json!({
            "created": now,
            "expires_at": now + 300,
            "url": format!("https://connect.stripe.com/setup/e/{account}/fake{n:06}"),
        }),
    );
    respond(200, &link)
}

pub(super) async fn create_transfer(
    State(shared): State<Arc<Shared>>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let delay = shared.inner.lock().expect("lock").connect.delay_ms;
    if delay > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
    }
    let mut inner = shared.inner.lock().expect("lock");
    let (r, early) = admit(&mut inner, &method, "/v1/transfers", &headers, &body);
    if let Some(answer) = early {
        return answer;
    }
    if inner.connect.fail_next > 0 {
        inner.connect.fail_next -= 1;
        // Nothing was made and nothing is stored: the same request may be sent again.
        let (s, b) = error(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"type": "api_error", "message": "An unexpected error occurred."}),
        );
        return respond(s, &b);
    }
    let amount: i64 = r.field("amount").and_then(|a| a.parse().ok()).unwrap_or(0);
    let currency = r.field("currency").unwrap_or_default().to_owned();
    let destination = r.field("destination").unwrap_or_default().to_owned();
    let source = r.field("source_transaction").map(str::to_owned);
    let charge_known = |inner: &Inner, ch: &str| {
        inner
            .objects
            .values()
            .any(|o| o["latest_charge"]["id"] == ch || o["latest_charge"] == ch)
    };
    let refusal = if amount <= 0 {
        Some(invalid(
            "parameter_invalid_integer",
            Some("amount"),
            "Invalid positive integer".into(),
        ))
    } else if !inner.objects.contains_key(&destination) {
        Some(invalid(
            "resource_missing",
            Some("destination"),
            format!("No such destination: '{destination}'"),
        ))
    } else if inner.objects[&destination]["capabilities"]["transfers"] != "active" {
        Some(invalid(
            "insufficient_capabilities_for_transfer",
            Some("destination"),
            "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments".into(),
        ))
    } else if source.as_deref().is_some_and(|s| !charge_known(&inner, s)) {
        Some(invalid(
            "resource_missing",
            Some("source_transaction"),
            format!("No such charge: '{}'", source.clone().unwrap_or_default()),
        ))
    } else if !inner.connect.refuse_next.is_empty() {
        let code = inner.connect.refuse_next.remove(0);
        Some(invalid(
            &code,
            None,
            "You have insufficient available funds in your Stripe account.".into(),
        ))
    } else {
        None
    };
    if let Some((s, b)) = refusal {
        remember(&mut inner, &r, s, &b);
        return respond(s, &b);
    }
    let n = next(&mut inner);
    let id = format!("tr_fake_{n:06}");
    let transfer = object(
        &shared.fixtures,
        &inner,
        "transfer",
        json!({
            "id": id,
            "amount": amount,
            "currency": currency,
            "destination": destination,
            "destination_payment": format!("py_fake_{n:06}"),
            "balance_transaction": format!("txn_fake_{n:06}"),
            "source_transaction": source,
            "transfer_group": r.field("transfer_group"),
            "metadata": r.params.get("metadata").cloned().unwrap_or_else(|| json!({})),
            "reversals": { "object": "list", "data": [], "has_more": false,
                           "url": format!("/v1/transfers/{id}/reversals") },
        }),
    );
    inner.objects.insert(id.clone(), transfer.clone());
    inner.connect.transfers.push((r.clone(), id));
    remember(&mut inner, &r, 200, &transfer);
    if inner.connect.drop_next > 0 {
        inner.connect.drop_next -= 1;
        return dropped();
    }
    respond(200, &transfer)
}

/// `GET /v1/transfers`: Stripe's list object of the transfers made, newest first, filtered by
/// `transfer_group` and `destination` when given, at most `limit` (default 10) of them.
pub(super) async fn list_transfers(
    State(shared): State<Arc<Shared>>,
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let mut inner = shared.inner.lock().expect("lock");
    let query = query.unwrap_or_default();
    let (r, early) = admit(
        &mut inner,
        &method,
        "/v1/transfers",
        &headers,
        query.as_bytes(),
    );
    if let Some(answer) = early {
        return answer;
    }
    let limit: usize = match r.field("limit").map(str::parse::<usize>) {
        None => 10,
        Some(Ok(n)) if (1..=100).contains(&n) => n,
        Some(_) => {
            let (s, b) = invalid(
                "parameter_invalid_integer",
                Some("limit"),
                "This value must be greater than or equal to 1 and less than or equal to 100."
                    .into(),
            );
            return respond(s, &b);
        }
    };
    let matching: Vec<Value> = inner
        .connect
        .transfers
        .iter()
        .rev()
        .filter_map(|(_, id)| inner.objects.get(id))
        .filter(|t| {
            r.field("transfer_group")
                .is_none_or(|g| t["transfer_group"] == g)
                && r.field("destination").is_none_or(|d| t["destination"] == d)
        })
        .cloned()
        .collect();
    let has_more = matching.len() > limit;
    let data: Vec<Value> = matching.into_iter().take(limit).collect();
    respond(
        200,
        &json!({ "object": "list", "data": data, "has_more": has_more, "url": "/v1/transfers" }),
    )
}
