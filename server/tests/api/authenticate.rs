//! The page a "confirm your payment" email links to: only the charge's supporter sees it, and
//! answering the simulated bank's challenge settles the charge once — paid like any charge of a
//! run, or declined into the retry schedule. With Stripe the page loads Stripe.js for the
//! supporter, and the return from it settles the charge once, whichever of it and Stripe's
//! webhook comes first.

use crate::fake_stripe::{FakeStripe, PUBLISHABLE_KEY, WEBHOOK_SECRET, pm};
use crate::helpers::{Answer, TestApp, run_billing, spawn_app};
use crate::population::{card, recipient, scalar, tier};
use app::domain::books::checks;
use app::domain::processors::simulated::methods;
use app::domain::processors::stripe::signature;
use app::model::{BillingDashboard, ChargeStatus, DonationStatus};
use chrono::Utc;
use serde_json::json;

/// "fan@example.org" signs up, pledges to "mara" at her $7 tier and tips the cause "library"
/// $3, all through the website.
async fn fan_pledges_and_tips(app: &TestApp) {
    let db = &app.state.db;
    let mara = recipient(db, "mara", "USD").await;
    recipient(db, "library", "USD").await;
    let tier_id = tier(db, mara, 700, None).await.to_string();
    app.sign_up_and_log_in("fan@example.org", "Fan").await;
    for (f, fields) in [
        (
            "create_pledge",
            vec![
                ("slug", "mara"),
                ("tier_id", tier_id.as_str()),
                ("visibility", "public"),
            ],
        ),
        (
            "create_tip",
            vec![
                ("slug", "library"),
                ("amount", "3"),
                ("visibility", "public"),
            ],
        ),
    ] {
        let a = app.call(f, &fields).await;
        assert!(a.status < 400, "{f}: {a:?}");
    }
}

/// Bills as of today, which leaves the fan's charge waiting for authentication; returns the
/// link in the email that says so.
async fn bill_and_open_the_email(app: &TestApp) -> String {
    let s = run_billing(app, Utc::now().date_naive()).await;
    assert_eq!(s.charges_requiring_action, 1);
    app.last_link_to("fan@example.org")
        .await
        .expect("the confirm-your-payment email")
}

/// A fan who pledged to "mara" at her $7 tier and tipped the cause "library" $3, with a card
/// that asks for authentication, after a run: returns the waiting charge's page path.
async fn charge_waiting_for_the_fan(app: &TestApp) -> String {
    fan_pledges_and_tips(app).await;
    for (f, fields) in [
        (
            "set_payment_method",
            vec![("payment_method", methods::REQUIRES_AUTHENTICATION)],
        ),
        ("set_billing_day", vec![("billing_day", "1")]),
    ] {
        let a = app.call(f, &fields).await;
        assert!(a.status < 400, "{f}: {a:?}");
    }
    let link = bill_and_open_the_email(app).await;
    let path = link.strip_prefix(&app.base).expect("a link to this site");
    assert!(path.starts_with("/account/billing/authenticate/"), "{path}");
    path.to_owned()
}

fn charge_id(path: &str) -> String {
    path.rsplit('/').next().unwrap().to_owned()
}

async fn page(app: &TestApp, path: &str) -> (u16, String) {
    let res = app.get(path).await;
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn answer(app: &TestApp, id: &str, answer: &str, from: &str) -> Answer {
    app.submit_form(
        "authenticate_charge",
        &[("charge_id", id), ("answer", answer)],
        from,
    )
    .await
}

async fn money_rows(app: &TestApp) -> (i64, i64, i64) {
    let db = &app.state.db;
    (
        scalar(db, "select count(*) from allocations").await,
        scalar(db, "select count(*) from journal_entries").await,
        scalar(db, "select count(*) from journal_lines").await,
    )
}

#[tokio::test]
async fn the_emailed_link_shows_the_waiting_charge_and_paying_settles_it_once() {
    let app = spawn_app().await;
    let path = charge_waiting_for_the_fan(&app).await;
    let id = charge_id(&path);

    let (status, html) = page(&app, &path).await;
    assert_eq!(status, 200);
    assert!(html.contains("Confirm your payment"));
    assert!(html.contains("$10.00"), "the charge's amount");
    assert!(
        html.contains("mara") && html.contains("library"),
        "its donations"
    );
    assert!(html.contains("TEST MODE"));
    assert!(html.contains(r#"action="/api/authenticate_charge""#));
    let before = money_rows(&app).await;

    let a = answer(&app, &id, "pass", &path).await;
    assert_eq!(a.status, 302, "{a:?}");
    assert_eq!(
        a.location.as_deref(),
        Some(format!("{path}?result=paid").as_str())
    );
    let db = &app.state.db;
    assert_eq!(
        scalar(
            db,
            &format!("select count(*) from charges where id = {id} and status = 'succeeded'")
        )
        .await,
        1
    );
    let after = money_rows(&app).await;
    assert_eq!(after.0, before.0 + 2, "one allocation per donation");
    assert_eq!(after.1, before.1 + 1, "one journal entry for the charge");
    assert_eq!(
        scalar(
            db,
            "select count(*) from donation_items where status = 'paid'"
        )
        .await,
        2
    );
    assert!(checks::check(db).await.unwrap().is_ok());
    // The allocations split the fee exactly, as a run's success does: $10.00 at 2.9% + 30¢.
    assert_eq!(
        scalar(db, "select cast(sum(fee_minor) as bigint) from allocations").await,
        59
    );
    assert_eq!(
        scalar(
            db,
            "select cast(sum(gross_minor - fee_minor - net_minor) as bigint) from allocations"
        )
        .await,
        0
    );

    let d: BillingDashboard =
        serde_json::from_str(&app.call("billing_dashboard", &[]).await.body).unwrap();
    assert!(d.attention.is_none(), "nothing is waiting any more");
    let paid = &d.past[0];
    assert_eq!(paid.status, ChargeStatus::Succeeded);
    assert!(
        paid.donations
            .iter()
            .all(|d| d.status == DonationStatus::Paid && d.fee_minor.is_some())
    );

    // Answering again changes nothing and says so.
    let a = answer(&app, &id, "pass", &path).await;
    assert_eq!(
        a.location.as_deref(),
        Some(format!("{path}?result=settled").as_str())
    );
    assert_eq!(money_rows(&app).await, after);
    let (status, html) = page(&app, &format!("{path}?result=paid")).await;
    assert_eq!(status, 200);
    assert!(html.contains("went through"));
    assert!(html.contains("This payment is paid."));
    assert!(
        !html.contains(r#"action="/api/authenticate_charge""#),
        "no challenge once paid"
    );
}

#[tokio::test]
async fn failing_the_authentication_is_a_decline_retried_on_schedule() {
    let app = spawn_app().await;
    let path = charge_waiting_for_the_fan(&app).await;
    let id = charge_id(&path);
    let before = money_rows(&app).await;

    let a = answer(&app, &id, "fail", &path).await;
    assert_eq!(
        a.location.as_deref(),
        Some(format!("{path}?result=declined").as_str())
    );
    let db = &app.state.db;
    let (status, code, retry): (String, Option<String>, Option<i64>) =
        sqlx::query_as("select status, decline_code, next_retry_at from charges where id = $1")
            .bind(id.parse::<i64>().unwrap())
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(status, "failed");
    assert_eq!(code.as_deref(), Some("authentication_failed"));
    assert!(retry.is_some(), "a retry is scheduled");
    assert_eq!(money_rows(&app).await, before, "no money moved");
    assert_eq!(
        scalar(db, "select count(*) from pledges where status = 'past_due'").await,
        1
    );
    let (subject, _) = app.emails_to("fan@example.org").await.pop().unwrap();
    assert!(subject.contains("did not go through"), "{subject}");
    let html = page(&app, &path).await.1;
    assert!(html.contains("Your bank could not confirm the payment."));

    // With a working card, the scheduled retry collects the same donations.
    app.call(
        "set_payment_method",
        &[("payment_method", methods::SUCCEEDS)],
    )
    .await;
    let later = Utc::now().date_naive() + chrono::Days::new(2);
    let s = run_billing(&app, later).await;
    assert_eq!(s.retries_scheduled, 1);
    assert_eq!(s.charges_succeeded, 1);
    assert_eq!(s.items_charged, 2);
    assert!(checks::check(db).await.unwrap().is_ok());
}

#[tokio::test]
async fn only_the_charges_supporter_may_see_or_answer_it() {
    let mut app = spawn_app().await;
    let path = charge_waiting_for_the_fan(&app).await;
    let id = charge_id(&path);

    // Bad input names the field and changes nothing.
    let a = app
        .call(
            "authenticate_charge",
            &[("charge_id", &id), ("answer", "maybe")],
        )
        .await;
    assert_eq!(a.status, 400, "{a:?}");
    assert_eq!(a.error_field().as_deref(), Some("answer"));

    // A visitor is sent to log in.
    app.new_browser();
    let res = app.get(&path).await;
    assert_eq!(
        res.headers()["location"],
        format!("/login?next={path}").as_str()
    );
    let a = app
        .call(
            "authenticate_charge",
            &[("charge_id", &id), ("answer", "pass")],
        )
        .await;
    assert_eq!(a.status, 401, "{a:?}");

    // Someone else gets "not found", from the page and the function alike.
    app.sign_up_and_log_in("other@example.org", "Other").await;
    let (status, html) = page(&app, &path).await;
    assert_eq!(status, 404);
    assert!(!html.contains("$10.00"));
    let a = app
        .call(
            "authenticate_charge",
            &[("charge_id", &id), ("answer", "pass")],
        )
        .await;
    assert_eq!(a.status, 404, "{a:?}");
    let a = app
        .call("charge_authentication", &[("charge_id", &id)])
        .await;
    assert_eq!(a.status, 404, "{a:?}");
    let (status, _) = page(&app, "/account/billing/authenticate/999999").await;
    assert_eq!(status, 404);
    assert_eq!(
        scalar(
            &app.state.db,
            "select count(*) from charges where status = 'requires_action'"
        )
        .await,
        1,
        "still waiting for its supporter"
    );
    assert_eq!(app.count("allocations").await, 0);
}

// With Stripe: the page loads Stripe.js for the charge's supporter, and the return from it
// settles the charge through the same code as the webhooks, whichever comes first.

/// A charge waiting with Stripe: the fan's $10.00 (a $7 pledge to "mara", a $3 tip to
/// "library") was refused off-session with `authentication_required`. Returns the page's path,
/// the charge id and its PaymentIntent.
async fn stripe_charge_waiting(app: &TestApp) -> (String, i64, String) {
    let db = &app.state.db;
    fan_pledges_and_tips(app).await;
    let fan = scalar(db, "select id from users where email = 'fan@example.org'").await;
    card(&app.state, fan, pm::REQUIRES_AUTH, 1).await;
    let link = bill_and_open_the_email(app).await;
    let path = link.strip_prefix(&app.base).unwrap().to_owned();
    let (id, pi): (i64, String) =
        sqlx::query_as("select id, processor_ref from charges where status = 'requires_action'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(path, format!("/account/billing/authenticate/{id}"));
    (path, id, pi)
}

/// The browser coming back from Stripe.js: where it is sent.
async fn come_back(app: &TestApp, path: &str) -> (u16, Option<String>) {
    let res = app.get(&format!("{path}/return")).await;
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    (res.status().as_u16(), location)
}

async fn charge_row(app: &TestApp, id: i64) -> (String, Option<String>, Option<i64>, Option<i64>) {
    sqlx::query_as(
        "select status, decline_code, fee_minor, next_retry_at from charges where id = $1",
    )
    .bind(id)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap()
}

/// Delivers Stripe's `kind` event for the PaymentIntent as the fake holds it, signed.
async fn webhook(app: &TestApp, fake: &FakeStripe, kind: &str, pi: &str, event_id: &str) -> String {
    let all: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/stripe/fixtures3.json")).unwrap();
    let mut event = all["resources"]["event"].clone();
    event["id"] = json!(event_id);
    event["type"] = json!(kind);
    event["created"] = json!(Utc::now().timestamp());
    let mut intent = fake.object(pi).expect("the PaymentIntent");
    // Stripe does not expand objects in webhooks.
    if let Some(charge) = intent["latest_charge"]["id"].as_str() {
        intent["latest_charge"] = json!(charge);
    }
    event["data"] = json!({ "object": intent });
    let body = event.to_string();
    let res = app
        .client
        .post(app.url("/stripe/webhook"))
        .header("content-type", "application/json")
        .header(
            "stripe-signature",
            signature::sign(WEBHOOK_SECRET, Utc::now().timestamp(), body.as_bytes()),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (outcome,): (String,) = sqlx::query_as("select outcome from stripe_events where id = $1")
        .bind(event_id)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    outcome
}

#[tokio::test]
async fn with_stripe_the_supporter_confirms_on_a_page_that_loads_stripe_js_with_their_client_secret()
 {
    let fake = FakeStripe::start().await;
    let mut app = fake.spawn_app().await;
    let (path, id, pi) = stripe_charge_waiting(&app).await;
    let secret = format!("{pi}_secret_fake");

    let res = app.get(&path).await;
    assert_eq!(res.status(), 200);
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = res.text().await.unwrap();
    assert!(html.contains("$10.00") && html.contains("mara") && html.contains("library"));
    assert!(html.contains(&format!(r#"data-publishable-key="{PUBLISHABLE_KEY}""#)));
    assert!(html.contains(&format!(r#"data-client-secret="{secret}""#)));
    assert!(
        html.contains(&format!(r#"data-payment-method="{}""#, pm::REQUIRES_AUTH)),
        "the card Stripe asked to authenticate is confirmed again"
    );
    assert!(html.contains(&format!(r#"data-return-url="{path}/return""#)));
    assert!(html.contains(r#"<script src="https://js.stripe.com/v3/"></script>"#));
    assert!(html.contains(r#"<script src="/stripe-confirm.js"></script>"#));
    assert!(html.contains("Confirm payment"));
    assert!(!html.contains("TEST MODE"), "no simulated challenge");
    assert!(!html.contains(r#"action="/api/authenticate_charge""#));
    // The PaymentIntent was asked for, with Chipin's secret key.
    let asked = fake.requests_to("GET", &format!("/v1/payment_intents/{pi}"));
    assert_eq!(asked.len(), 1);
    assert_eq!(
        asked[0].authorization.as_deref(),
        Some("Bearer sk_test_chipin_fake")
    );
    // Stripe is let in on this page only.
    let script_src = csp
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap();
    assert!(script_src.contains("https://js.stripe.com"), "{csp}");
    assert!(
        csp.contains(
            "frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com"
        ),
        "{csp}"
    );
    assert!(
        csp.contains("connect-src 'self' https://api.stripe.com"),
        "{csp}"
    );
    let billing = app.get("/account/billing").await;
    let elsewhere = billing.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(!elsewhere.contains("stripe"), "{elsewhere}");
    let banner = billing.text().await.unwrap();
    assert!(
        banner.contains(&format!(r#"href="{path}" rel="external""#)),
        "the billing page's link loads the page afresh, with its own policy"
    );
    // The test challenge is refused with Stripe, and nothing changed.
    let a = app
        .call(
            "authenticate_charge",
            &[("charge_id", &id.to_string()), ("answer", "pass")],
        )
        .await;
    assert_eq!(a.error_field().as_deref(), Some("answer"));
    assert_eq!(charge_row(&app, id).await.0, "requires_action");
    // Stripe's own event for the off-session attempt does not decline the waiting charge.
    let outcome = webhook(
        &app,
        &fake,
        "payment_intent.payment_failed",
        &pi,
        "evt_auth",
    )
    .await;
    assert!(outcome.contains("waits for authentication"), "{outcome}");
    assert_eq!(charge_row(&app, id).await.0, "requires_action");

    // A visitor is sent to log in, from the page and the return alike; Stripe is not asked.
    app.new_browser();
    let res = app.get(&path).await;
    assert_eq!(
        res.headers()["location"],
        format!("/login?next={path}").as_str()
    );
    let (status, to) = come_back(&app, &path).await;
    assert_eq!(status, 303);
    assert_eq!(to, Some(format!("/login?next={path}")));

    // Someone else gets "not found" and never the secret.
    app.sign_up_and_log_in("other@example.org", "Other").await;
    let (status, html) = page(&app, &path).await;
    assert_eq!(status, 404);
    assert!(!html.contains(&secret) && !html.contains("$10.00"));
    let a = app
        .call("charge_authentication", &[("charge_id", &id.to_string())])
        .await;
    assert_eq!(a.status, 404, "{a:?}");
    assert!(!a.body.contains(&secret));
    assert_eq!(come_back(&app, &path).await.0, 404);
    assert_eq!(
        fake.requests_to("GET", &format!("/v1/payment_intents/{pi}"))
            .len(),
        1,
        "Stripe was asked for the supporter only"
    );
    assert_eq!(charge_row(&app, id).await.0, "requires_action");
    assert_eq!(app.count("allocations").await, 0);
}

#[tokio::test]
async fn coming_back_from_stripe_js_paid_settles_the_charge_once_and_the_webhook_then_does_nothing()
{
    let fake = FakeStripe::start().await;
    let app = fake.spawn_app().await;
    let (path, id, pi) = stripe_charge_waiting(&app).await;
    let before = money_rows(&app).await;

    fake.authenticate(&pi, true);
    let (status, to) = come_back(&app, &path).await;
    assert_eq!(status, 303);
    assert_eq!(to, Some(format!("{path}?result=paid")));
    let (status, _, fee, _) = charge_row(&app, id).await;
    assert_eq!((status.as_str(), fee), ("succeeded", Some(59)));
    let after = money_rows(&app).await;
    assert_eq!(after.0, before.0 + 2, "one allocation per donation");
    assert_eq!(after.1, before.1 + 1, "one journal entry");
    let db = &app.state.db;
    assert_eq!(
        scalar(
            db,
            "select count(*) from donation_items where status = 'paid'"
        )
        .await,
        2
    );
    assert!(checks::check(db).await.unwrap().is_ok());

    // Stripe's webhook for the same payment comes later and changes nothing.
    let outcome = webhook(&app, &fake, "payment_intent.succeeded", &pi, "evt_late").await;
    assert!(outcome.contains("already"), "{outcome}");
    assert_eq!(money_rows(&app).await, after);
    // Coming back again says it was settled already.
    assert_eq!(
        come_back(&app, &path).await.1,
        Some(format!("{path}?result=settled"))
    );
    assert_eq!(money_rows(&app).await, after);
    let (_, html) = page(&app, &format!("{path}?result=paid")).await;
    assert!(html.contains("went through") && html.contains("This payment is paid."));
    assert!(
        !html.contains("data-client-secret"),
        "nothing left to confirm"
    );
    // One receipt.
    let mail = app.emails_to("fan@example.org").await;
    assert_eq!(
        mail.iter()
            .filter(|(subject, _)| subject.to_lowercase().contains("receipt"))
            .count(),
        1,
        "{mail:?}"
    );
}

#[tokio::test]
async fn when_the_webhook_settles_the_charge_first_the_return_and_the_page_change_nothing() {
    let fake = FakeStripe::start().await;
    let app = fake.spawn_app().await;
    let (path, id, pi) = stripe_charge_waiting(&app).await;

    fake.authenticate(&pi, true);
    let outcome = webhook(&app, &fake, "payment_intent.succeeded", &pi, "evt_first").await;
    assert!(outcome.starts_with("applied"), "{outcome}");
    let after = money_rows(&app).await;
    assert_eq!(charge_row(&app, id).await.0, "succeeded");

    assert_eq!(
        come_back(&app, &path).await.1,
        Some(format!("{path}?result=settled"))
    );
    let (status, html) = page(&app, &path).await;
    assert_eq!(status, 200);
    assert!(html.contains("This payment is paid."));
    assert!(!html.contains("data-client-secret") && !html.contains("js.stripe.com/v3"));
    assert_eq!(money_rows(&app).await, after);
    assert!(checks::check(&app.state.db).await.unwrap().is_ok());
}

#[tokio::test]
async fn a_page_opened_after_stripe_succeeded_settles_the_charge_and_says_it_is_paid() {
    let fake = FakeStripe::start().await;
    let app = fake.spawn_app().await;
    let (path, id, pi) = stripe_charge_waiting(&app).await;

    // Confirmed in another window; neither the return nor the webhook has come yet.
    fake.authenticate(&pi, true);
    let (status, html) = page(&app, &path).await;
    assert_eq!(status, 200);
    assert!(html.contains("This payment is paid."), "{html}");
    assert!(!html.contains("data-client-secret"));
    assert_eq!(charge_row(&app, id).await.0, "succeeded");
    let after = money_rows(&app).await;
    let outcome = webhook(&app, &fake, "payment_intent.succeeded", &pi, "evt_after").await;
    assert!(outcome.contains("already"), "{outcome}");
    assert_eq!(money_rows(&app).await, after);
}

#[tokio::test]
async fn a_failed_authentication_with_stripe_is_a_decline_retried_on_schedule() {
    let fake = FakeStripe::start().await;
    let app = fake.spawn_app().await;
    let (path, id, pi) = stripe_charge_waiting(&app).await;
    let before = money_rows(&app).await;

    fake.authenticate(&pi, false);
    assert_eq!(
        come_back(&app, &path).await.1,
        Some(format!("{path}?result=declined"))
    );
    let (status, code, _, retry) = charge_row(&app, id).await;
    assert_eq!(status, "failed");
    assert_eq!(
        code.as_deref(),
        Some("payment_intent_authentication_failure")
    );
    assert!(retry.is_some(), "a retry is scheduled");
    assert_eq!(money_rows(&app).await, before, "no money moved");
    let db = &app.state.db;
    assert_eq!(
        scalar(db, "select count(*) from pledges where status = 'past_due'").await,
        1
    );
    let (subject, body) = app.emails_to("fan@example.org").await.pop().unwrap();
    assert!(subject.contains("did not go through"), "{subject}");
    assert!(body.contains("/account/billing"), "{body}");
    // The webhook for the same failure changes nothing more.
    let outcome = webhook(
        &app,
        &fake,
        "payment_intent.payment_failed",
        &pi,
        "evt_fail",
    )
    .await;
    assert!(outcome.contains("already"), "{outcome}");
    assert_eq!(
        scalar(db, "select count(*) from charges where status = 'failed'").await,
        1
    );
}

#[tokio::test]
async fn a_payment_still_processing_or_still_waiting_is_left_to_the_webhook_or_the_supporter() {
    let fake = FakeStripe::start().await;
    let app = fake.spawn_app().await;
    let (path, id, pi) = stripe_charge_waiting(&app).await;
    let before = money_rows(&app).await;

    // Stripe.js gave up before the bank answered: still waiting, and the page asks again.
    fake.update_payment_intent(
        &pi,
        json!({"status": "requires_action", "last_payment_error": null,
               "next_action": {"type": "use_stripe_sdk", "use_stripe_sdk": {}}}),
    );
    assert_eq!(
        come_back(&app, &path).await.1,
        Some(format!("{path}?result=waiting"))
    );
    assert_eq!(charge_row(&app, id).await.0, "requires_action");
    let (_, html) = page(&app, &format!("{path}?result=waiting")).await;
    assert!(html.contains("has not confirmed the payment yet"));
    assert!(html.contains("data-client-secret"));
    assert!(
        html.contains(r#"data-payment-method="""#),
        "the PaymentIntent holds its card now"
    );

    // Confirmed and processing: the charge waits for the webhook, and nothing is paid yet.
    fake.update_payment_intent(&pi, json!({"status": "processing", "next_action": null}));
    assert_eq!(
        come_back(&app, &path).await.1,
        Some(format!("{path}?result=processing"))
    );
    assert_eq!(charge_row(&app, id).await.0, "processing");
    assert_eq!(money_rows(&app).await, before);
    let (_, html) = page(&app, &format!("{path}?result=processing")).await;
    assert!(html.contains("being processed") && !html.contains("data-client-secret"));

    // The webhook settles it, once.
    fake.succeed_later(&pi);
    let outcome = webhook(&app, &fake, "payment_intent.succeeded", &pi, "evt_done").await;
    assert!(outcome.starts_with("applied"), "{outcome}");
    assert_eq!(charge_row(&app, id).await.0, "succeeded");
    assert_eq!(
        come_back(&app, &path).await.1,
        Some(format!("{path}?result=settled"))
    );
    assert_eq!(money_rows(&app).await.1, before.1 + 1);
    assert!(checks::check(&app.state.db).await.unwrap().is_ok());
}
