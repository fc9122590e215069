//! `POST /stripe/webhook` end to end: signed deliveries built from Stripe's own example
//! objects (`tests/fixtures/stripe/fixtures3.json`), refused forgeries, each event applied
//! once in any order, and what every handled event leaves in the database.

use crate::helpers::{
    TestApp, assert_ledger_ok, date, run_billing_with, spawn_app, spawn_app_with,
};
use crate::population::*;
use app::domain::billing::{BillingConfig, disputes, refunds};
use app::domain::books::journal::{self, Account};
use app::domain::processors::simulated::{SimulatedProcessor, methods};
use app::domain::processors::stripe::signature;
use app::domain::processors::{
    BoxFuture, ChargeOutcome, ChargeRequest, PaymentProcessor, ProcessorError, RefundOutcome,
    RefundRequest,
};
use app::domain::webhooks::{self, Processed};
use app::money::Currency;
use serde_json::{Value, json};

const SECRET: &str = "whsec_chipin_test_secret";
const FIXTURES: &str = include_str!("../fixtures/stripe/fixtures3.json");

fn fixture(resource: &str) -> Value {
    let all: Value = serde_json::from_str(FIXTURES).expect("fixtures parse");
    all["resources"][resource].clone()
}

/// Stripe's example object for `resource` with `overrides` laid over its top-level fields.
fn object(resource: &str, overrides: Value) -> Value {
    let mut o = fixture(resource);
    for (k, v) in overrides.as_object().expect("overrides are an object") {
        o[k] = v.clone();
    }
    o
}

/// Stripe's example event of type `kind` carrying `object`.
fn event(id: &str, kind: &str, created: i64, object: Value) -> String {
    let mut e = fixture("event");
    e["id"] = json!(id);
    e["type"] = json!(kind);
    e["created"] = json!(created);
    e["data"] = json!({ "object": object });
    e.to_string()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

async fn deliver(app: &TestApp, body: &str, signature: Option<&str>) -> u16 {
    let mut req = app
        .client
        .post(app.url("/stripe/webhook"))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(s) = signature {
        req = req.header("stripe-signature", s);
    }
    req.send().await.expect("POST").status().as_u16()
}

/// Delivers `body` signed with the endpoint's secret, as Stripe does.
async fn send(app: &TestApp, body: &str) -> u16 {
    deliver(
        app,
        body,
        Some(&signature::sign(SECRET, now(), body.as_bytes())),
    )
    .await
}

async fn stripe_app() -> TestApp {
    spawn_app_with(&[
        ("STRIPE_SECRET_KEY", "sk_test_chipin"),
        ("STRIPE_WEBHOOK_SECRET", SECRET),
        ("STRIPE_PUBLISHABLE_KEY", "pk_test_chipin"),
    ])
    .await
}

/// A processor whose charges are all still processing: a webhook settles them.
#[derive(Debug, Default)]
struct ProcessingProcessor {
    fee: Option<i64>,
}

impl PaymentProcessor for ProcessingProcessor {
    fn charge(
        &self,
        request: ChargeRequest,
    ) -> BoxFuture<'_, Result<ChargeOutcome, ProcessorError>> {
        Box::pin(async move {
            Ok(ChargeOutcome::Processing {
                processor_ref: format!("pi_test_{}", request.charge_id),
            })
        })
    }

    fn refund(
        &self,
        _request: RefundRequest,
    ) -> BoxFuture<'_, Result<RefundOutcome, ProcessorError>> {
        Box::pin(async { Err(ProcessorError::Invalid("not in these tests".into())) })
    }

    fn payment_fee(&self, _: &str) -> BoxFuture<'_, Result<Option<i64>, ProcessorError>> {
        let fee = self.fee;
        Box::pin(async move { Ok(fee) })
    }
}

/// A supporter with a $5 pledge and a $3 tip to two recipients, charged $8 in one charge that
/// is still processing. Returns (charge id, its PaymentIntent, recipient a, recipient b).
async fn processing_charge(app: &TestApp) -> (i64, String, i64, i64) {
    let db = &app.state.db;
    let (_, a, b) = fan_of_mara_and_tomas(&app.state, methods::SUCCEEDS).await;
    let s = run_billing_with(
        app,
        &ProcessingProcessor::default(),
        &BillingConfig::default(),
        date("2026-11-01"),
    )
    .await;
    assert_eq!(s.charges_processing, 1);
    let (id, pi): (i64, String) = sqlx::query_as("select id, processor_ref from charges")
        .fetch_one(db.pool())
        .await
        .unwrap();
    (id, pi, a, b)
}

/// A succeeded PaymentIntent for $8 whose latest charge and balance transaction are expanded.
fn succeeded_intent(pi: &str, fee: i64) -> Value {
    let bt = object(
        "balance_transaction",
        json!({ "amount": 800, "currency": "usd", "fee": fee, "net": 800 - fee }),
    );
    let charge = object(
        "charge",
        json!({ "amount": 800, "currency": "usd", "payment_intent": pi, "balance_transaction": bt }),
    );
    object(
        "payment_intent",
        json!({
            "id": pi, "amount": 800, "currency": "usd", "status": "succeeded",
            "amount_received": 800, "latest_charge": charge, "last_payment_error": null,
        }),
    )
}

fn failed_intent(pi: &str) -> Value {
    object(
        "payment_intent",
        json!({
            "id": pi, "amount": 800, "currency": "usd", "status": "requires_payment_method",
            "last_payment_error": { "type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds" },
        }),
    )
}

async fn charge_state(app: &TestApp, id: i64) -> (String, Option<i64>, Option<String>) {
    sqlx::query_as("select status, fee_minor, decline_code from charges where id = $1")
        .bind(id)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
}

async fn outcome_of(app: &TestApp, event: &str) -> String {
    let (o,): (String,) = sqlx::query_as("select outcome from stripe_events where id = $1")
        .bind(event)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    o
}

#[tokio::test]
async fn forged_stale_and_malformed_deliveries_are_refused_and_change_nothing() {
    let app = stripe_app().await;
    let (charge, pi, _, _) = processing_charge(&app).await;
    let body = event(
        "evt_forged",
        "payment_intent.succeeded",
        now(),
        succeeded_intent(&pi, 53),
    );
    let t = now();
    let good = signature::sign(SECRET, t, body.as_bytes());
    let good_v1 = good.split_once(",v1=").unwrap().1.to_owned();
    let tampered = body.replace("\"fee\":53", "\"fee\":1");
    assert_ne!(tampered, body);
    let cases: Vec<(&str, Option<String>, &str)> = vec![
        (
            "forged signature",
            Some(format!("t={t},v1={}", "ab".repeat(32))),
            body.as_str(),
        ),
        ("tampered body", Some(good.clone()), tampered.as_str()),
        (
            "wrong secret",
            Some(signature::sign("whsec_someone_else", t, body.as_bytes())),
            body.as_str(),
        ),
        (
            "stale timestamp",
            Some(signature::sign(SECRET, t - 301, body.as_bytes())),
            body.as_str(),
        ),
        (
            "future timestamp",
            // Well past the tolerance: `t` was read before the deliveries above, and the
            // server's clock may have moved on since (the exact edge is a unit test).
            Some(signature::sign(SECRET, t + 400, body.as_bytes())),
            body.as_str(),
        ),
        (
            "malformed header",
            Some(format!("v1={good_v1}")),
            body.as_str(),
        ),
        (
            "malformed timestamp",
            Some(format!("t=soon,v1={good_v1}")),
            body.as_str(),
        ),
        (
            "malformed signature",
            Some(format!("t={t},v1=not-hex")),
            body.as_str(),
        ),
        ("missing header", None, body.as_str()),
    ];
    for (what, header, body) in cases {
        assert_eq!(deliver(&app, body, header.as_deref()).await, 400, "{what}");
    }
    assert_eq!(app.count("stripe_events").await, 0);
    assert_eq!(app.count("journal_entries").await, 0);
    assert_eq!(charge_state(&app, charge).await.0, "processing");

    // While a secret rotates, Stripe signs with both; either v1 may be the one that matches.
    let old = signature::sign("whsec_previous_secret", t, body.as_bytes());
    let old_v1 = old.split_once(",v1=").unwrap().1;
    let rotating = format!("t={t},v1={old_v1},v1={good_v1}");
    assert_eq!(deliver(&app, &body, Some(&rotating)).await, 200);
    assert_eq!(charge_state(&app, charge).await.0, "succeeded");
}

#[tokio::test]
async fn a_processing_charge_succeeds_once_whatever_arrives_after() {
    let app = stripe_app().await;
    let db = &app.state.db;
    let (charge, pi, a, b) = processing_charge(&app).await;
    let succeeded = event(
        "evt_ok_1",
        "payment_intent.succeeded",
        now(),
        succeeded_intent(&pi, 53),
    );
    assert_eq!(send(&app, &succeeded).await, 200);
    assert_eq!(
        charge_state(&app, charge).await,
        ("succeeded".to_owned(), Some(53), None)
    );
    assert!(outcome_of(&app, "evt_ok_1").await.starts_with("applied"));
    // Allocations add up to the charge and split the fee exactly.
    let (gross, fee, net): (i64, i64, i64) = sqlx::query_as(
        "select cast(sum(gross_minor) as bigint), cast(sum(fee_minor) as bigint), cast(sum(net_minor) as bigint) \
         from allocations where charge_id = $1",
    )
    .bind(charge)
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!((gross, fee, net), (800, 53, 747));
    let net_a = journal::balance(db, Account::Recipient(a), Currency::USD)
        .await
        .unwrap();
    let net_b = journal::balance(db, Account::Recipient(b), Currency::USD)
        .await
        .unwrap();
    assert_eq!(net_a + net_b, 747);
    assert_eq!(
        scalar(
            db,
            "select count(*) from donation_items where status = 'paid'"
        )
        .await,
        2
    );

    // The same event again, a second success for the same PaymentIntent, and a late decline.
    assert_eq!(send(&app, &succeeded).await, 200);
    let again = event(
        "evt_ok_2",
        "payment_intent.succeeded",
        now(),
        succeeded_intent(&pi, 99),
    );
    assert_eq!(send(&app, &again).await, 200);
    let late_failure = event(
        "evt_failed_late",
        "payment_intent.payment_failed",
        now(),
        failed_intent(&pi),
    );
    assert_eq!(send(&app, &late_failure).await, 200);

    assert_eq!(
        app.count("stripe_events").await,
        3,
        "the duplicate is not recorded twice"
    );
    assert!(outcome_of(&app, "evt_ok_2").await.starts_with("ignored"));
    assert!(
        outcome_of(&app, "evt_failed_late")
            .await
            .starts_with("ignored")
    );
    assert_eq!(
        charge_state(&app, charge).await,
        ("succeeded".to_owned(), Some(53), None)
    );
    assert_eq!(app.count("journal_entries").await, 1, "posted once");
    assert_eq!(app.count("allocations").await, 2);
    assert_eq!(
        scalar(
            db,
            "select count(*) from charges where next_retry_at is not null"
        )
        .await,
        0
    );
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn a_failed_payment_enters_the_retry_schedule_and_a_late_success_cannot_pay_it_twice() {
    let app = stripe_app().await;
    let db = &app.state.db;
    let (charge, pi, _, _) = processing_charge(&app).await;
    let failed = event(
        "evt_failed",
        "payment_intent.payment_failed",
        now(),
        failed_intent(&pi),
    );
    assert_eq!(send(&app, &failed).await, 200);
    assert_eq!(
        charge_state(&app, charge).await,
        (
            "failed".to_owned(),
            None,
            Some("insufficient_funds".to_owned())
        )
    );
    assert_eq!(
        scalar(
            db,
            "select count(*) from charges where next_retry_at is not null"
        )
        .await,
        1,
        "a retry is scheduled like for a decline answered at once"
    );
    assert_eq!(
        scalar(db, "select count(*) from pledges where status = 'past_due'").await,
        1
    );
    assert!(
        app.emails_to("fan@example.org")
            .await
            .iter()
            .any(|(_, body)| body.contains("insufficient funds"))
    );
    assert_eq!(send(&app, &failed).await, 200);
    let late = event(
        "evt_late_ok",
        "payment_intent.succeeded",
        now(),
        succeeded_intent(&pi, 53),
    );
    assert_eq!(send(&app, &late).await, 200);
    assert_eq!(charge_state(&app, charge).await.0, "failed");
    assert_eq!(app.count("journal_entries").await, 0);
    assert_eq!(app.count("allocations").await, 0);
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn a_success_without_its_fee_is_refused_until_the_fee_is_known() {
    let app = stripe_app().await;
    let db = &app.state.db;
    let (charge, pi, _, _) = processing_charge(&app).await;
    // As Stripe sends it: the latest charge is only an id.
    let mut intent = succeeded_intent(&pi, 0);
    intent["latest_charge"] = json!("ch_3PgafuB7WZ01zgkW");
    let body = event("evt_no_fee", "payment_intent.succeeded", now(), intent);
    assert_eq!(send(&app, &body).await, 500, "Stripe will deliver it again");
    assert_eq!(app.count("stripe_events").await, 0);
    assert_eq!(charge_state(&app, charge).await.0, "processing");

    // With a processor that can tell the fee, the same event settles the charge.
    let processor = ProcessingProcessor { fee: Some(41) };
    let done = webhooks::process(db, &BillingConfig::default(), &processor, body.as_bytes())
        .await
        .unwrap();
    assert!(matches!(done, Processed::Recorded { .. }));
    assert_eq!(
        charge_state(&app, charge).await,
        ("succeeded".to_owned(), Some(41), None)
    );
    assert_eq!(
        webhooks::process(db, &BillingConfig::default(), &processor, body.as_bytes())
            .await
            .unwrap(),
        Processed::Duplicate
    );
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn unknown_events_are_recorded_and_acknowledged() {
    let app = stripe_app().await;
    // Stripe's example event as it is: a plan.created.
    let body = fixture("event").to_string();
    assert_eq!(send(&app, &body).await, 200);
    assert_eq!(
        outcome_of(&app, "evt_1Pgc76B7WZ01zgkWwyRHS12y").await,
        "unknown type"
    );
    assert_eq!(send(&app, &body).await, 200);
    assert_eq!(app.count("stripe_events").await, 1);
    // Signed, but not an event.
    assert_eq!(send(&app, "{\"hello\": 1}").await, 400);
    assert_eq!(app.count("stripe_events").await, 1);
}

#[tokio::test]
async fn the_endpoint_exists_only_with_a_signing_secret_and_takes_small_bodies() {
    let plain = spawn_app().await;
    let body = fixture("event").to_string();
    assert_eq!(
        deliver(
            &plain,
            &body,
            Some(&signature::sign(SECRET, now(), body.as_bytes()))
        )
        .await,
        404
    );
    let app = stripe_app().await;
    let huge = format!("{{\"pad\": \"{}\"}}", "x".repeat(300 * 1024));
    assert_eq!(send(&app, &huge).await, 413);
}

#[tokio::test]
async fn a_completed_setup_saves_the_payment_method_for_the_customer() {
    let app = stripe_app().await;
    let db = &app.state.db;
    let fan = user(db, "Fan").await;
    card(&app.state, fan, methods::SUCCEEDS, 1).await;
    sqlx::query("update billing_profiles set processor_customer = 'cus_fan' where user_id = $1")
        .bind(fan)
        .execute(db.pool())
        .await
        .unwrap();
    let method = || async {
        let (m,): (Option<String>,) =
            sqlx::query_as("select payment_method from billing_profiles where user_id = $1")
                .bind(fan)
                .fetch_one(db.pool())
                .await
                .unwrap();
        m
    };
    let si = object(
        "setup_intent",
        json!({ "status": "succeeded", "customer": "cus_fan", "payment_method": "pm_1NewCard", "last_setup_error": null }),
    );
    assert_eq!(
        send(
            &app,
            &event("evt_si", "setup_intent.succeeded", now(), si.clone())
        )
        .await,
        200
    );
    assert_eq!(method().await.as_deref(), Some("pm_1NewCard"));

    // Checkout in setup mode with its setup intent expanded.
    let mut expanded = si.clone();
    expanded["payment_method"] = json!("pm_2Replaced");
    let session = object(
        "checkout.session",
        json!({ "mode": "setup", "status": "complete", "customer": "cus_fan", "setup_intent": expanded }),
    );
    assert_eq!(
        send(
            &app,
            &event("evt_cs", "checkout.session.completed", now(), session)
        )
        .await,
        200
    );
    assert_eq!(method().await.as_deref(), Some("pm_2Replaced"));
    // Not expanded (as Stripe sends it): recorded; the setup intent's own event saves it.
    let session = object(
        "checkout.session",
        json!({ "mode": "setup", "customer": "cus_fan", "setup_intent": "seti_123" }),
    );
    assert_eq!(
        send(
            &app,
            &event("evt_cs2", "checkout.session.completed", now(), session)
        )
        .await,
        200
    );
    assert!(outcome_of(&app, "evt_cs2").await.starts_with("ignored"));
    // Someone else's customer, and a setup that did not succeed, change nothing.
    let other = object(
        "setup_intent",
        json!({ "status": "succeeded", "customer": "cus_other", "payment_method": "pm_9" }),
    );
    assert_eq!(
        send(
            &app,
            &event("evt_si2", "setup_intent.succeeded", now(), other)
        )
        .await,
        200
    );
    let unfinished = object(
        "setup_intent",
        json!({ "status": "requires_payment_method", "customer": "cus_fan", "payment_method": "pm_9" }),
    );
    assert_eq!(
        send(
            &app,
            &event("evt_si3", "setup_intent.succeeded", now(), unfinished)
        )
        .await,
        200
    );
    assert_eq!(method().await.as_deref(), Some("pm_2Replaced"));
}

/// A supporter charged $8 ($5 to a, $3 to b) by the simulated processor at once.
async fn succeeded_charge(app: &TestApp) -> (i64, String, i64, i64, SimulatedProcessor) {
    let db = &app.state.db;
    let p = SimulatedProcessor::new();
    let (_, a, b) = fan_of_mara_and_tomas(&app.state, methods::SUCCEEDS).await;
    run_billing_with(app, &p, &BillingConfig::default(), date("2026-11-01")).await;
    let (id, pi): (i64, String) =
        sqlx::query_as("select id, processor_ref from charges where status = 'succeeded'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    (id, pi, a, b, p)
}

async fn item_of(app: &TestApp, recipient: i64) -> i64 {
    let (item,): (i64,) = sqlx::query_as("select item_id from allocations where recipient_id = $1")
        .bind(recipient)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    item
}

#[tokio::test]
async fn a_refund_chipin_started_is_settled_once_from_its_webhooks() {
    let app = stripe_app().await;
    let db = &app.state.db;
    let (charge, pi, a, b, p) = succeeded_charge(&app).await;
    let item_b = item_of(&app, b).await;
    let key = refunds::refund_key(charge, &[item_b]);
    let refund = |status: &str| {
        object(
            "refund",
            json!({
                "id": "re_tip", "amount": 300, "currency": "usd", "status": status,
                "payment_intent": pi, "metadata": { "chipin_refund_key": key },
            }),
        )
    };
    // Still pending at the bank: nothing yet.
    assert_eq!(
        send(
            &app,
            &event("evt_re_1", "refund.created", now(), refund("pending"))
        )
        .await,
        200
    );
    assert_eq!(app.count("refunds").await, 0);
    assert_eq!(
        send(
            &app,
            &event("evt_re_2", "refund.updated", now(), refund("succeeded"))
        )
        .await,
        200
    );
    assert_eq!(app.count("refunds").await, 1);
    assert_eq!(
        journal::balance(db, Account::Recipient(b), Currency::USD)
            .await
            .unwrap(),
        0
    );
    // The charge's own event lists the same refund: recorded already.
    let mut ch = object(
        "charge",
        json!({ "amount": 800, "amount_refunded": 300, "refunded": false, "payment_intent": pi }),
    );
    ch["refunds"]["data"] = json!([refund("succeeded")]);
    assert_eq!(
        send(&app, &event("evt_ch_re", "charge.refunded", now(), ch)).await,
        200
    );
    assert_eq!(app.count("refunds").await, 1);
    assert_eq!(
        scalar(
            db,
            "select count(*) from journal_entries where kind = 'refund'"
        )
        .await,
        1
    );
    assert!(matches!(
        refunds::refund_item(db, &p, item_b).await,
        Err(refunds::RefundError::NothingToRefund)
    ));

    // A refund of the rest without Chipin's key: its amount says it is the whole rest.
    let rest = object(
        "refund",
        json!({ "id": "re_rest", "amount": 500, "currency": "usd", "status": "succeeded", "payment_intent": pi }),
    );
    assert_eq!(
        send(&app, &event("evt_re_3", "refund.updated", now(), rest)).await,
        200
    );
    assert_eq!(
        journal::balance(db, Account::Recipient(a), Currency::USD)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        journal::balance(db, Account::SupporterPayments, Currency::USD)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        scalar(
            db,
            "select count(*) from donation_items where status = 'refunded'"
        )
        .await,
        2
    );
    // An amount that matches nothing open is recorded as an event but changes nothing.
    let odd = object(
        "refund",
        json!({ "id": "re_odd", "amount": 123, "currency": "usd", "status": "succeeded", "payment_intent": pi }),
    );
    assert_eq!(
        send(&app, &event("evt_re_4", "refund.updated", now(), odd)).await,
        200
    );
    assert_eq!(app.count("refunds").await, 2);
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn a_refund_answered_first_is_not_recorded_again_by_its_webhook() {
    let app = stripe_app().await;
    let db = &app.state.db;
    let (charge, pi, _, b, p) = succeeded_charge(&app).await;
    let item_b = item_of(&app, b).await;
    refunds::refund_item(db, &p, item_b).await.unwrap();
    let key = refunds::refund_key(charge, &[item_b]);
    let refund = object(
        "refund",
        json!({
            "id": format!("re_sim_{key}"), "amount": 300, "currency": "usd", "status": "succeeded",
            "payment_intent": pi, "metadata": { "chipin_refund_key": key },
        }),
    );
    assert_eq!(
        send(&app, &event("evt_re", "refund.updated", now(), refund)).await,
        200
    );
    assert_eq!(app.count("refunds").await, 1);
    assert_eq!(
        scalar(
            db,
            "select count(*) from journal_entries where kind = 'refund'"
        )
        .await,
        1
    );
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn a_dispute_freezes_its_charges_recipient_amounts_until_won() {
    let app = stripe_app().await;
    let db = &app.state.db;
    let (charge, pi, a, b, _) = succeeded_charge(&app).await;
    let balance_a = journal::balance(db, Account::Recipient(a), Currency::USD)
        .await
        .unwrap();
    assert!(balance_a > 0);
    assert_eq!(
        disputes::payable_minor(db, a, Currency::USD).await.unwrap(),
        balance_a
    );
    let dispute = |status: &str| {
        object(
            "dispute",
            json!({ "id": "dp_1", "amount": 800, "currency": "usd", "payment_intent": pi, "status": status, "reason": "fraudulent" }),
        )
    };
    assert_eq!(
        send(
            &app,
            &event(
                "evt_dp_1",
                "charge.dispute.created",
                now(),
                dispute("needs_response")
            )
        )
        .await,
        200
    );
    assert_eq!(
        disputes::frozen_minor(db, a, Currency::USD).await.unwrap(),
        balance_a
    );
    assert_eq!(
        disputes::payable_minor(db, a, Currency::USD).await.unwrap(),
        0
    );
    assert_eq!(
        disputes::payable_minor(db, b, Currency::USD).await.unwrap(),
        0
    );
    let listed = disputes::list(db).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].charge_id, Some(charge));
    assert_eq!(listed[0].status, "needs_response");
    let (_, _, net_total): (i64, i64, i64) = sqlx::query_as(
        "select cast(sum(gross_minor) as bigint), cast(sum(fee_minor) as bigint), cast(sum(net_minor) as bigint) from allocations",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(listed[0].frozen_minor, net_total);
    let report = server::cli::disputes::disputes_list_report(db)
        .await
        .unwrap();
    assert!(
        report.contains("dp_1") && report.contains("needs_response"),
        "{report}"
    );
    // The ledger is untouched: the money is held, not moved.
    assert_ledger_ok(&app).await;

    assert_eq!(
        send(
            &app,
            &event("evt_dp_2", "charge.dispute.closed", now(), dispute("won"))
        )
        .await,
        200
    );
    assert_eq!(
        disputes::payable_minor(db, a, Currency::USD).await.unwrap(),
        balance_a
    );
    // A late update cannot reopen a closed dispute.
    assert_eq!(
        send(
            &app,
            &event(
                "evt_dp_3",
                "charge.dispute.updated",
                now() - 60,
                dispute("under_review")
            )
        )
        .await,
        200
    );
    assert_eq!(disputes::list(db).await.unwrap()[0].status, "won");
    assert_eq!(
        disputes::frozen_minor(db, a, Currency::USD).await.unwrap(),
        0
    );

    // A dispute for a payment Chipin does not know is still shown to the operator.
    let stranger = object(
        "dispute",
        json!({ "id": "dp_2", "amount": 100, "currency": "usd", "payment_intent": "pi_unknown", "status": "needs_response" }),
    );
    assert_eq!(
        send(
            &app,
            &event("evt_dp_4", "charge.dispute.created", now(), stranger)
        )
        .await,
        200
    );
    let listed = disputes::list(db).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(
        listed
            .iter()
            .any(|d| d.dispute_ref == "dp_2" && d.charge_id.is_none())
    );
}

#[tokio::test]
async fn connected_account_status_is_recorded_and_never_goes_back_in_time() {
    let app = stripe_app().await;
    let db = &app.state.db;
    let r = recipient(db, "mara", "USD").await;
    let account_id = fixture("account")["id"].as_str().unwrap().to_owned();
    sqlx::query("update recipients set stripe_account_id = $1 where id = $2")
        .bind(&account_id)
        .bind(r)
        .execute(db.pool())
        .await
        .unwrap();
    let status = || async {
        let row: (Option<i64>, Option<i64>) = sqlx::query_as(
            "select stripe_charges_enabled, stripe_payouts_enabled from recipients where id = $1",
        )
        .bind(r)
        .fetch_one(db.pool())
        .await
        .unwrap();
        row
    };
    let account = |charges: bool, payouts: bool| {
        object(
            "account",
            json!({ "charges_enabled": charges, "payouts_enabled": payouts }),
        )
    };
    let t = now();
    assert_eq!(
        send(
            &app,
            &event("evt_acct_1", "account.updated", t, account(true, false))
        )
        .await,
        200
    );
    assert_eq!(status().await, (Some(1), Some(0)));
    // An older event delivered late does not undo the newer status.
    assert_eq!(
        send(
            &app,
            &event(
                "evt_acct_0",
                "account.updated",
                t - 100,
                account(false, true)
            )
        )
        .await,
        200
    );
    assert_eq!(status().await, (Some(1), Some(0)));
    assert_eq!(
        send(
            &app,
            &event("evt_acct_2", "account.updated", t + 1, account(true, true))
        )
        .await,
        200
    );
    assert_eq!(status().await, (Some(1), Some(1)));
}

#[tokio::test]
async fn deliveries_racing_each_other_settle_the_charge_once() {
    let app = stripe_app().await;
    let (charge, pi, _, _) = processing_charge(&app).await;
    let bodies: Vec<String> = (0..8)
        .map(|i| {
            event(
                &format!("evt_race_{}", i % 2),
                "payment_intent.succeeded",
                now(),
                succeeded_intent(&pi, 53),
            )
        })
        .collect();
    let url = app.url("/stripe/webhook");
    let calls: Vec<_> = bodies
        .iter()
        .map(|body| {
            let (client, url, body) = (app.client.clone(), url.clone(), body.clone());
            tokio::spawn(async move {
                let signature = signature::sign(SECRET, now(), body.as_bytes());
                client
                    .post(url)
                    .header("stripe-signature", signature)
                    .body(body)
                    .send()
                    .await
                    .expect("POST")
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut answers = Vec::new();
    for call in calls {
        answers.push(call.await.expect("delivery task"));
    }
    // A delivery that lost a race for the database may be refused; Stripe sends it again.
    for (body, status) in bodies.iter().zip(&answers) {
        assert!(matches!(status, 200 | 500), "{answers:?}");
        if *status == 500 {
            assert_eq!(send(&app, body).await, 200);
        }
    }
    assert_eq!(app.count("stripe_events").await, 2);
    assert_eq!(app.count("journal_entries").await, 1);
    assert_eq!(app.count("allocations").await, 2);
    assert_eq!(
        charge_state(&app, charge).await,
        ("succeeded".to_owned(), Some(53), None)
    );
    assert_ledger_ok(&app).await;
}

/// `event` as Stripe sends it for a connected account: with `account` set.
fn connect_event(id: &str, kind: &str, created: i64, object: Value, account: &str) -> String {
    let mut e: Value = serde_json::from_str(&event(id, kind, created, object)).unwrap();
    e["account"] = json!(account);
    e.to_string()
}

#[tokio::test]
async fn a_connected_accounts_events_are_never_applied_to_platform_state() {
    let app = stripe_app().await;
    let db = &app.state.db;
    let (charge, pi, _, _) = processing_charge(&app).await;
    // A payment in a connected account that shares the PaymentIntent id and Chipin's
    // metadata (another installation's page, say): recorded, not applied. No fee is looked up.
    let mut intent = succeeded_intent(&pi, 53);
    intent["metadata"] = json!({ "chipin_charge_id": charge.to_string() });
    let body = connect_event(
        "evt_connect_pi",
        "payment_intent.succeeded",
        now(),
        intent.clone(),
        "acct_1Page",
    );
    assert_eq!(send(&app, &body).await, 200);
    assert_eq!(
        outcome_of(&app, "evt_connect_pi").await,
        "ignored: payment_intent.succeeded of connected account acct_1Page"
    );
    assert_eq!(charge_state(&app, charge).await.0, "processing");
    let failed = connect_event(
        "evt_connect_fail",
        "payment_intent.payment_failed",
        now(),
        failed_intent(&pi),
        "acct_1Page",
    );
    assert_eq!(send(&app, &failed).await, 200);
    assert_eq!(charge_state(&app, charge).await.0, "processing");
    assert_eq!(app.count("journal_entries").await, 0);

    // A connected account's own status is applied; another account's status sent from a
    // connected account is not.
    let r = recipient(db, "page", "USD").await;
    sqlx::query("update recipients set stripe_account_id = 'acct_1Page' where id = $1")
        .bind(r)
        .execute(db.pool())
        .await
        .unwrap();
    let account = |id: &str| {
        object(
            "account",
            json!({ "id": id, "charges_enabled": true, "payouts_enabled": true }),
        )
    };
    let spoofed = connect_event(
        "evt_connect_other",
        "account.updated",
        now(),
        account("acct_1Page"),
        "acct_2Else",
    );
    assert_eq!(send(&app, &spoofed).await, 200);
    assert!(
        outcome_of(&app, "evt_connect_other")
            .await
            .starts_with("ignored: account.updated of connected account")
    );
    let own = connect_event(
        "evt_connect_own",
        "account.updated",
        now(),
        account("acct_1Page"),
        "acct_1Page",
    );
    assert_eq!(send(&app, &own).await, 200);
    assert_eq!(outcome_of(&app, "evt_connect_own").await, "applied");

    // The platform's own event for the same PaymentIntent settles the charge.
    let platform = event("evt_platform_pi", "payment_intent.succeeded", now(), intent);
    assert_eq!(send(&app, &platform).await, 200);
    assert_eq!(
        charge_state(&app, charge).await,
        ("succeeded".to_owned(), Some(53), None)
    );
}

/// `(refunded gross, net share lost)` of the charge's items to a, then b.
async fn refunded_parts(app: &TestApp) -> Vec<(i64, i64)> {
    sqlx::query_as(
        "select refunded_minor, refunded_net_minor from allocations order by recipient_id",
    )
    .fetch_all(app.state.db.pool())
    .await
    .unwrap()
}

async fn balance(app: &TestApp, account: Account) -> i64 {
    journal::balance(&app.state.db, account, Currency::USD)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_partial_refund_made_in_the_dashboard_is_spread_over_the_charges_items_once() {
    let app = stripe_app().await;
    let db = &app.state.db;
    // $5 to a (fee 33, net 467) and $3 to b (fee 20, net 280).
    let (_, pi, a, b, p) = succeeded_charge(&app).await;
    assert_eq!(
        (
            balance(&app, Account::Recipient(a)).await,
            balance(&app, Account::Recipient(b)).await
        ),
        (467, 280)
    );
    let dashboard = |id: &str, amount: i64| {
        object(
            "refund",
            json!({ "id": id, "amount": amount, "currency": "usd", "status": "succeeded", "payment_intent": pi }),
        )
    };
    let first = event(
        "evt_dash_1",
        "refund.updated",
        now(),
        dashboard("re_dash_1", 250),
    );
    assert_eq!(send(&app, &first).await, 200);
    // 250 over 500 and 300 by largest remainder: 156.25 and 93.75, the odd cent to b.
    // Each page loses the same fraction of its net share, rounded down.
    assert_eq!(refunded_parts(&app).await, vec![(156, 145), (94, 87)]);
    assert_eq!(balance(&app, Account::Recipient(a)).await, 467 - 145);
    // What a cause's page shows as given and received drops by the refunded part too.
    let totals = app::domain::books::cause_ledger::totals(db, a, Currency::USD)
        .await
        .unwrap();
    assert_eq!(
        (totals.gross.minor, totals.fees.minor, totals.net.minor),
        (500 - 156, (500 - 156) - (467 - 145), 467 - 145)
    );
    assert_eq!(balance(&app, Account::Recipient(b)).await, 280 - 87);
    assert_eq!(balance(&app, Account::SupporterPayments).await, -800 + 250);
    // The card fee is not returned: the platform bears what the pages did not give back.
    assert_eq!(
        balance(&app, Account::PlatformFees).await,
        -(250 - 145 - 87)
    );
    assert_eq!(
        scalar(
            db,
            "select count(*) from donation_items where status = 'paid'"
        )
        .await,
        2
    );
    assert_ledger_ok(&app).await;

    // The same event again, and the same refund in the charge's own event: nothing changes.
    assert_eq!(send(&app, &first).await, 200);
    let mut ch = object(
        "charge",
        json!({ "amount": 800, "amount_refunded": 250, "refunded": false, "payment_intent": pi }),
    );
    ch["refunds"]["data"] = json!([dashboard("re_dash_1", 250)]);
    assert_eq!(
        send(&app, &event("evt_ch_dash", "charge.refunded", now(), ch)).await,
        200
    );
    assert_eq!(app.count("refunds").await, 1);
    assert_eq!(
        scalar(
            db,
            "select count(*) from journal_entries where kind = 'refund'"
        )
        .await,
        1
    );
    assert_eq!(refunded_parts(&app).await, vec![(156, 145), (94, 87)]);

    // Chipin can no longer refund b whole for $3: what is left of it is refunded.
    let item_b = item_of(&app, b).await;
    let rest_b = refunds::refund_item(db, &p, item_b).await.unwrap();
    assert_eq!(rest_b.amount.minor, 300 - 94);
    assert_eq!(balance(&app, Account::Recipient(b)).await, 0);

    // The rest of the charge, again from the Dashboard: everything is back with the supporter.
    assert_eq!(
        send(
            &app,
            &event(
                "evt_dash_2",
                "refund.updated",
                now(),
                dashboard("re_dash_2", 500 - 156)
            )
        )
        .await,
        200
    );
    assert_eq!(refunded_parts(&app).await, vec![(500, 467), (300, 280)]);
    assert_eq!(balance(&app, Account::Recipient(a)).await, 0);
    assert_eq!(balance(&app, Account::SupporterPayments).await, 0);
    assert_eq!(
        scalar(
            db,
            "select count(*) from donation_items where status = 'refunded'"
        )
        .await,
        2
    );
    // A refund of more than is left is not applied (and logged).
    assert_eq!(
        send(
            &app,
            &event(
                "evt_dash_3",
                "refund.updated",
                now(),
                dashboard("re_dash_3", 1)
            )
        )
        .await,
        200
    );
    assert_eq!(app.count("refunds").await, 3);
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn a_refund_that_matches_none_of_the_items_it_names_is_spread_not_ignored() {
    let app = stripe_app().await;
    let (charge, pi, a, b, _) = succeeded_charge(&app).await;
    let item_b = item_of(&app, b).await;
    // Chipin's key names b ($3), but someone refunded $1.00 of the payment.
    let odd = object(
        "refund",
        json!({
            "id": "re_odd", "amount": 100, "currency": "usd", "status": "succeeded",
            "payment_intent": pi, "metadata": { "chipin_refund_key": refunds::refund_key(charge, &[item_b]) },
        }),
    );
    assert_eq!(
        send(&app, &event("evt_odd", "refund.updated", now(), odd)).await,
        200
    );
    // 100 over 500 and 300: 62.5 and 37.5, the tie to the earlier item (b's tip, gathered
    // first).
    assert_eq!(refunded_parts(&app).await, vec![(62, 57), (38, 35)]);
    assert_eq!(balance(&app, Account::Recipient(a)).await, 467 - 57);
    assert_eq!(balance(&app, Account::Recipient(b)).await, 280 - 35);
    let shares: Vec<(i64, i64)> = sqlx::query_as(
        "select r.amount_minor, r.net_minor from refund_items r \
         join allocations a on a.item_id = r.item_id order by a.recipient_id",
    )
    .fetch_all(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(shares, vec![(62, 57), (38, 35)]);
    assert_ledger_ok(&app).await;
}
