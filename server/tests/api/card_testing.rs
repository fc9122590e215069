//! Card testing: stolen cards are tried on donation pages, many times, on many accounts, from
//! one address. A card is saved only by a verified account and within the velocity limits;
//! failed charges hold an account or a card; new tips are limited per hour; every refusal is
//! a security event, the operator is mailed once per kind an hour, and `server security
//! events` lists them. Also: idempotency keys carry the installation's own prefix.

use crate::fake_stripe::{FakeStripe, PUBLISHABLE_KEY, WEBHOOK_SECRET};
use crate::helpers::{TestApp, date, run_billing, spawn_app, spawn_app_with, user_id};
use crate::population::{card, pledge, recipient, user};
use app::domain::giving::pledges::{self, NewTip, PledgeError};
use app::domain::processors::simulated::{SimulatedProcessor, methods};
use app::domain::processors::stripe::signature;
use app::domain::security::{self, Kind, Report};
use serde_json::json;

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The security events recorded: (kind, account, client address), oldest first.
async fn events(app: &TestApp) -> Vec<(String, Option<i64>, Option<String>)> {
    sqlx::query_as("select kind, user_id, client_addr from security_events order by id")
        .fetch_all(app.state.db.pool())
        .await
        .unwrap()
}

async fn kinds(app: &TestApp) -> Vec<String> {
    events(app).await.into_iter().map(|(k, _, _)| k).collect()
}

async fn saved_method(app: &TestApp, user: i64) -> Option<String> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("select payment_method from billing_profiles where user_id = $1")
            .bind(user)
            .fetch_optional(app.state.db.pool())
            .await
            .unwrap();
    row.and_then(|(m,)| m)
}

async fn unverify(app: &TestApp, user: i64) {
    sqlx::query("update users set email_verified_at = null where id = $1")
        .bind(user)
        .execute(app.state.db.pool())
        .await
        .unwrap();
}

async fn save_test_card(app: &TestApp, method: &str) -> crate::helpers::Answer {
    app.call("set_payment_method", &[("payment_method", method)])
        .await
}

#[tokio::test]
async fn an_account_without_a_verified_email_cannot_save_a_test_card() {
    let app = spawn_app().await;
    app.sign_up_and_log_in("fan@example.org", "Fan").await;
    let fan = user_id(&app, "fan@example.org").await;
    // Verified: saved.
    assert!(save_test_card(&app, methods::SUCCEEDS).await.status < 400);
    // The address no longer verified (the session outlives it): refused, nothing changes.
    unverify(&app, fan).await;
    let a = save_test_card(&app, methods::DECLINED).await;
    assert_eq!(a.status, 400, "{a:?}");
    assert_eq!(a.error_field().as_deref(), Some("payment_method"));
    assert!(a.error_message().contains("confirm your email"), "{a:?}");
    assert_eq!(
        saved_method(&app, fan).await.as_deref(),
        Some(methods::SUCCEEDS)
    );
    assert_eq!(
        events(&app).await,
        vec![(
            "card_unverified_account".to_owned(),
            Some(fan),
            Some("127.0.0.1".to_owned())
        )]
    );
    assert_eq!(app.count("card_saves").await, 1);
}

async fn stripe_app_with(fake: &FakeStripe, vars: &[(&str, &str)]) -> TestApp {
    let mut all = vec![
        ("STRIPE_SECRET_KEY", "sk_test_chipin_fake"),
        ("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("STRIPE_PUBLISHABLE_KEY", PUBLISHABLE_KEY),
        ("STRIPE_API_BASE", fake.url.as_str()),
    ];
    all.extend_from_slice(vars);
    spawn_app_with(&all).await
}

async fn start_checkout(app: &TestApp) -> crate::helpers::Answer {
    app.submit_form("start_card_setup", &[], "/account/billing")
        .await
}

fn session_of(a: &crate::helpers::Answer) -> String {
    assert_eq!(a.status, 302, "{a:?}");
    a.location
        .as_deref()
        .and_then(|l| l.strip_prefix("https://checkout.stripe.com/c/pay/"))
        .unwrap_or_else(|| panic!("sent to Stripe Checkout: {a:?}"))
        .to_owned()
}

async fn stripe_return(app: &TestApp, session: &str) -> String {
    let res = app
        .get(&format!(
            "/account/billing/stripe-return?session_id={session}"
        ))
        .await;
    assert_eq!(res.status(), 303);
    res.headers()["location"].to_str().unwrap().to_owned()
}

/// Delivers a signed webhook; returns the outcome Chipin recorded for it.
async fn webhook(app: &TestApp, id: &str, kind: &str, object: serde_json::Value) -> String {
    let body = json!({
        "id": id, "object": "event", "type": kind, "created": now(),
        "data": { "object": object },
    })
    .to_string();
    let status = app
        .client
        .post(app.url("/stripe/webhook"))
        .header("content-type", "application/json")
        .header(
            "stripe-signature",
            signature::sign(WEBHOOK_SECRET, now(), body.as_bytes()),
        )
        .body(body)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
    let (outcome,): (String,) = sqlx::query_as("select outcome from stripe_events where id = $1")
        .bind(id)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    outcome
}

#[tokio::test]
async fn an_account_without_a_verified_email_cannot_save_a_card_through_stripe() {
    let fake = FakeStripe::start().await;
    let app = stripe_app_with(&fake, &[]).await;
    app.sign_up_and_log_in("fan@example.org", "Fan").await;
    let fan = user_id(&app, "fan@example.org").await;
    // Checkout started while verified, finished after the address lost its verification.
    let session = session_of(&start_checkout(&app).await);
    unverify(&app, fan).await;
    fake.complete_setup(&session, "pm_1Stolen");
    assert_eq!(
        stripe_return(&app, &session).await,
        "/account/billing?card=unverified#payment-method"
    );
    assert_eq!(saved_method(&app, fan).await, None);
    // The webhook that reports the same setup is refused by the same gate.
    let (customer,): (String,) =
        sqlx::query_as("select processor_customer from billing_profiles where user_id = $1")
            .bind(fan)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    let si = json!({
        "id": "seti_1", "object": "setup_intent", "status": "succeeded",
        "customer": customer, "payment_method": "pm_1Stolen",
    });
    assert_eq!(
        webhook(&app, "evt_si_unverified", "setup_intent.succeeded", si).await,
        "refused: card_unverified_account"
    );
    assert_eq!(saved_method(&app, fan).await, None);
    // Starting Checkout again is refused before anything is asked of Stripe.
    let sessions_before = fake.requests_to("POST", "/v1/checkout/sessions").len();
    let a = app.call("start_card_setup", &[]).await;
    assert_eq!(a.status, 400, "{a:?}");
    assert!(a.error_message().contains("confirm your email"), "{a:?}");
    assert_eq!(
        fake.requests_to("POST", "/v1/checkout/sessions").len(),
        sessions_before
    );
    assert_eq!(
        kinds(&app).await,
        vec!["card_unverified_account"; 3],
        "the return, the webhook and the new start are each recorded"
    );
    assert_eq!(app.count("card_saves").await, 0);
}

#[tokio::test]
async fn saved_cards_are_limited_per_account_and_per_client_address_per_day() {
    let mut app = spawn_app_with(&[
        ("CARDS_PER_ACCOUNT_DAY", "2"),
        ("CARDS_PER_CLIENT_DAY", "3"),
    ])
    .await;
    app.sign_up_and_log_in("a@example.org", "A").await;
    let a = user_id(&app, "a@example.org").await;
    assert!(save_test_card(&app, methods::SUCCEEDS).await.status < 400);
    // Saving the card the account already has counts nothing.
    assert!(save_test_card(&app, methods::SUCCEEDS).await.status < 400);
    assert!(save_test_card(&app, methods::DECLINED).await.status < 400);
    let refused = save_test_card(&app, methods::INSUFFICIENT_FUNDS).await;
    assert_eq!(refused.status, 400, "{refused:?}");
    assert_eq!(refused.error_field().as_deref(), Some("payment_method"));
    assert!(
        refused.error_message().contains("too many cards today"),
        "{refused:?}"
    );
    assert_eq!(
        saved_method(&app, a).await.as_deref(),
        Some(methods::DECLINED)
    );
    assert_eq!(kinds(&app).await, vec!["cards_per_account"]);

    // A second account from the same address saves the address's third card; a third
    // account's is refused.
    app.new_browser();
    app.sign_up_and_log_in("b@example.org", "B").await;
    assert!(save_test_card(&app, methods::SUCCEEDS).await.status < 400);
    app.new_browser();
    app.sign_up_and_log_in("c@example.org", "C").await;
    let c = user_id(&app, "c@example.org").await;
    let refused = save_test_card(&app, methods::SUCCEEDS).await;
    assert_eq!(refused.status, 400, "{refused:?}");
    assert!(
        refused.error_message().contains("from your network"),
        "{refused:?}"
    );
    assert_eq!(saved_method(&app, c).await, None);
    assert_eq!(
        events(&app).await.last().cloned(),
        Some((
            "cards_per_client".to_owned(),
            Some(c),
            Some("127.0.0.1".to_owned())
        ))
    );

    // A day later the window has passed.
    sqlx::query("update card_saves set created_at = created_at - 86401")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    assert!(save_test_card(&app, methods::SUCCEEDS).await.status < 400);
    assert_eq!(
        saved_method(&app, c).await.as_deref(),
        Some(methods::SUCCEEDS)
    );
}

/// Moves the failed charges into the last minute of the wall clock (billing runs date them
/// by the day they bill as of).
async fn failed_a_minute_ago(app: &TestApp) {
    sqlx::query("update charges set updated_at = $1 where status = 'failed'")
        .bind(now() - 60)
        .execute(app.state.db.pool())
        .await
        .unwrap();
}

async fn charge_statuses(app: &TestApp, supporter: i64) -> Vec<String> {
    let rows: Vec<(String,)> =
        sqlx::query_as("select status from charges where supporter_id = $1 order by id")
            .bind(supporter)
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
    rows.into_iter().map(|(s,)| s).collect()
}

#[tokio::test]
async fn an_account_past_its_failed_charges_is_not_charged_again_until_the_window_passes() {
    let app = spawn_app_with(&[("FAILED_CHARGES_PER_ACCOUNT_DAY", "1")]).await;
    let db = &app.state.db;
    let mara = recipient(db, "mara", "USD").await;
    let fan = user(db, "Fan").await;
    pledge(&app.state, fan, mara, "5").await;
    card(&app.state, fan, methods::DECLINED, 1).await;
    let s = run_billing(&app, date("2026-11-01")).await;
    assert_eq!(s.charges_declined, 1);
    // The retry a day later is held: no call, the charge stays pending, an event says why.
    let s = run_billing(&app, date("2026-11-02")).await;
    assert_eq!((s.charges_declined, s.charges_succeeded), (0, 0));
    assert_eq!(charge_statuses(&app, fan).await, vec!["failed", "pending"]);
    assert_eq!(kinds(&app).await, vec!["failed_charges_per_account"]);
    // Once the window has passed, it is sent.
    let s = run_billing(&app, date("2026-11-04")).await;
    assert_eq!(s.charges_declined, 1);
    assert_eq!(charge_statuses(&app, fan).await, vec!["failed", "failed"]);

    // Nor may the account save a card while it is past the limit.
    failed_a_minute_ago(&app).await;
    let e = pledges::set_payment_method(&app.state, fan, methods::SUCCEEDS, Some("203.0.113.9"))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, PledgeError::Limited("payment_method", m) if m.contains("failed today")),
        "{e:?}"
    );
    assert_eq!(
        saved_method(&app, fan).await.as_deref(),
        Some(methods::DECLINED)
    );
    assert_eq!(
        events(&app).await.last().cloned(),
        Some((
            "failed_charges_per_account".to_owned(),
            Some(fan),
            Some("203.0.113.9".to_owned())
        ))
    );
}

#[tokio::test]
async fn a_card_past_its_failed_charges_is_not_charged_or_saved_again_on_any_account() {
    let app = spawn_app_with(&[("FAILED_CHARGES_PER_CARD_DAY", "2")]).await;
    let db = &app.state.db;
    let mara = recipient(db, "mara", "USD").await;
    let mut fans = Vec::new();
    for name in ["One", "Two", "Three"] {
        let fan = user(db, name).await;
        pledge(&app.state, fan, mara, "5").await;
        card(&app.state, fan, methods::DECLINED, 1).await;
        fans.push(fan);
    }
    let s = run_billing(&app, date("2026-11-01")).await;
    assert_eq!(s.charges_declined, 3);
    let (fingerprints,): (i64,) =
        sqlx::query_as("select count(*) from charges where card_fingerprint = $1")
            .bind(SimulatedProcessor::fingerprint(methods::DECLINED))
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(fingerprints, 3, "each attempt records its card");
    // The three retries use the card that failed three times: all held.
    let s = run_billing(&app, date("2026-11-02")).await;
    assert_eq!(s.charges_declined, 0);
    for fan in &fans {
        assert_eq!(charge_statuses(&app, *fan).await, vec!["failed", "pending"]);
    }
    assert_eq!(kinds(&app).await, vec!["failed_charges_per_card"; 3]);
    let s = run_billing(&app, date("2026-11-04")).await;
    assert_eq!(s.charges_declined, 3);

    // A fresh account cannot save that card while it is over the limit; another card is fine.
    failed_a_minute_ago(&app).await;
    let fresh = user(db, "Fresh").await;
    let e = pledges::set_payment_method(&app.state, fresh, methods::DECLINED, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, PledgeError::Limited(_, m) if m.contains("with this card")),
        "{e:?}"
    );
    assert_eq!(saved_method(&app, fresh).await, None);
    assert_eq!(
        kinds(&app).await.last().map(String::as_str),
        Some("failed_charges_per_card")
    );
    pledges::set_payment_method(&app.state, fresh, methods::SUCCEEDS, None)
        .await
        .unwrap();
}

#[tokio::test]
async fn new_tips_are_limited_per_account_per_hour() {
    let app = spawn_app_with(&[("TIPS_PER_ACCOUNT_HOUR", "2")]).await;
    recipient(&app.state.db, "library", "USD").await;
    app.sign_up_and_log_in("fan@example.org", "Fan").await;
    let fan = user_id(&app, "fan@example.org").await;
    let tip = || {
        app.call(
            "create_tip",
            &[
                ("slug", "library"),
                ("amount", "3"),
                ("visibility", "public"),
            ],
        )
    };
    assert!(tip().await.status < 400);
    assert!(tip().await.status < 400);
    let refused = tip().await;
    assert_eq!(refused.status, 400, "{refused:?}");
    assert_eq!(refused.error_field().as_deref(), Some("amount"));
    assert!(
        refused.error_message().contains("tips in the last hour"),
        "{refused:?}"
    );
    assert_eq!(app.count("tips").await, 2);
    assert_eq!(app.count("donation_items").await, 2);
    assert_eq!(
        events(&app).await,
        vec![("tips_per_account".to_owned(), Some(fan), None)]
    );
    // An hour later the window has passed.
    sqlx::query("update tips set created_at = created_at - 3601")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    assert!(tip().await.status < 400);
}

fn a_tip(recipient_id: i64) -> NewTip<'static> {
    NewTip {
        recipient_id,
        amount: "3",
        message: "",
        visibility: "public",
        budget_line: "",
    }
}

#[tokio::test]
async fn the_operator_is_mailed_once_per_kind_per_hour() {
    let app = spawn_app_with(&[
        ("TIPS_PER_ACCOUNT_HOUR", "1"),
        ("OPERATOR_EMAIL", "ops@example.org"),
    ])
    .await;
    let db = &app.state.db;
    let library = recipient(db, "library", "USD").await;
    let fan = user(db, "Fan").await;
    pledges::create_tip(&app.state, fan, a_tip(library))
        .await
        .unwrap();
    for _ in 0..3 {
        let e = pledges::create_tip(&app.state, fan, a_tip(library))
            .await
            .unwrap_err();
        assert!(matches!(e, PledgeError::Limited(..)), "{e:?}");
    }
    let mails = app.emails_to("ops@example.org").await;
    assert_eq!(
        mails.len(),
        1,
        "three trips of one kind, one email: {mails:?}"
    );
    assert_eq!(mails[0].0, "Chipin security alert: tips_per_account");
    assert!(
        mails[0].1.contains("server security events --since"),
        "{}",
        mails[0].1
    );
    assert_eq!(app.count("security_events").await, 3);
    // Another kind in the same hour is mailed too.
    sqlx::query("update users set email_verified_at = null where id = $1")
        .bind(fan)
        .execute(db.pool())
        .await
        .unwrap();
    pledges::set_payment_method(&app.state, fan, methods::SUCCEEDS, None)
        .await
        .unwrap_err();
    let mails = app.emails_to("ops@example.org").await;
    assert_eq!(mails.len(), 2);
    assert_eq!(mails[1].0, "Chipin security alert: card_unverified_account");
    // An hour after the first alert, the next trip of that kind is mailed again.
    sqlx::query("update security_alerts set last_sent_at = last_sent_at - 3600 where kind = 'tips_per_account'")
        .execute(db.pool())
        .await
        .unwrap();
    pledges::create_tip(&app.state, fan, a_tip(library))
        .await
        .unwrap_err();
    pledges::create_tip(&app.state, fan, a_tip(library))
        .await
        .unwrap_err();
    let mails = app.emails_to("ops@example.org").await;
    assert_eq!(mails.len(), 3, "{mails:?}");
    // Never a card number or a secret in the mail.
    assert!(mails.iter().all(|(_, text)| !text.contains("pm_card")));
}

#[tokio::test]
async fn without_an_operator_address_events_are_recorded_and_nobody_is_mailed() {
    let app = spawn_app_with(&[("TIPS_PER_ACCOUNT_HOUR", "1")]).await;
    let db = &app.state.db;
    let library = recipient(db, "library", "USD").await;
    let fan = user(db, "Fan").await;
    pledges::create_tip(&app.state, fan, a_tip(library))
        .await
        .unwrap();
    pledges::create_tip(&app.state, fan, a_tip(library))
        .await
        .unwrap_err();
    assert_eq!(app.count("security_events").await, 1);
    assert_eq!(app.count("email_outbox").await, 0);
}

#[tokio::test]
async fn the_security_events_command_lists_the_events_since_a_day() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let day = |s: &str| {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp()
    };
    let report = |kind, detail| Report {
        kind,
        user: Some(7),
        client_addr: Some("198.51.100.4"),
        detail,
    };
    security::record(
        db,
        None,
        report(Kind::CardsPerClient, "6 cards from the address"),
        day("2026-11-01"),
    )
    .await
    .unwrap();
    security::record(
        db,
        None,
        report(Kind::TipsPerAccount, "11 tips in the hour"),
        day("2026-11-03"),
    )
    .await
    .unwrap();
    let list = |since: Option<&str>, now: i64| {
        let since = since.map(|s| server::cli::security::parse_since(s).unwrap());
        async move {
            server::cli::security::events_report(db, since, now)
                .await
                .unwrap()
        }
    };
    let all = list(Some("2026-11-01"), now()).await;
    assert!(
        all.contains("cards_per_client") && all.contains("tips_per_account"),
        "{all}"
    );
    assert!(
        all.contains("198.51.100.4") && all.contains("6 cards from the address"),
        "{all}"
    );
    assert!(
        all.ends_with("2 events since 2026-11-01 00:00 UTC"),
        "{all}"
    );
    let later = list(Some("2026-11-02"), now()).await;
    assert!(
        !later.contains("cards_per_client") && later.contains("tips_per_account"),
        "{later}"
    );
    // Without --since: the last seven days.
    let recent = list(None, day("2026-11-05")).await;
    assert!(recent.contains("cards_per_client"), "{recent}");
    assert_eq!(
        list(None, day("2026-12-01")).await,
        "no security events since 2026-11-24 12:00 UTC"
    );
    assert!(server::cli::security::parse_since("yesterday").is_err());
}

#[tokio::test]
async fn idempotency_keys_carry_the_installations_own_prefix_and_differ_between_databases() {
    let fake = FakeStripe::start().await;
    let first = stripe_app_with(&fake, &[]).await;
    let second = stripe_app_with(&fake, &[]).await;
    let (one, two) = (
        first.state.db.installation_id().to_owned(),
        second.state.db.installation_id().to_owned(),
    );
    assert_eq!(one.len(), 16);
    assert_ne!(one, two, "each database has its own installation id");
    // The id is stored, and migrating again keeps it.
    let (stored,): (String,) = sqlx::query_as("select installation_id from installation")
        .fetch_one(first.state.db.pool())
        .await
        .unwrap();
    assert_eq!(stored, one);
    first.state.db.migrate().await.unwrap();
    assert_eq!(first.state.db.installation_id(), one);

    // The same supporter id in both databases asks Stripe for a customer under the same
    // Chipin key: namespaced, the two are told apart and each gets its own customer.
    for app in [&first, &second] {
        app.sign_up_and_log_in("fan@example.org", "Fan").await;
        assert_eq!(user_id(app, "fan@example.org").await, 1);
        session_of(&start_checkout(app).await);
    }
    let keys: Vec<String> = fake
        .requests_to("POST", "/v1/customers")
        .into_iter()
        .map(|r| r.idempotency_key.unwrap())
        .collect();
    assert_eq!(
        keys,
        vec![
            format!("{one}-chipin-customer-1"),
            format!("{two}-chipin-customer-1")
        ]
    );
    let customer = |app: &TestApp| {
        let pool = app.state.db.pool().clone();
        async move {
            let (c,): (String,) =
                sqlx::query_as("select processor_customer from billing_profiles where user_id = 1")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            c
        }
    };
    assert_ne!(customer(&first).await, customer(&second).await);

    // A charge's key is namespaced the same way.
    let mara = recipient(&first.state.db, "mara", "USD").await;
    pledge(&first.state, 1, mara, "5").await;
    let session = session_of(&start_checkout(&first).await);
    fake.complete_setup(&session, "pm_card_visa");
    stripe_return(&first, &session).await;
    sqlx::query("update billing_profiles set billing_day = 1 where user_id = 1")
        .execute(first.state.db.pool())
        .await
        .unwrap();
    run_billing(&first, date("2026-11-01")).await;
    let charges = fake.charge_calls();
    assert_eq!(charges.len(), 1);
    let (key,): (String,) = sqlx::query_as("select idempotency_key from charges")
        .fetch_one(first.state.db.pool())
        .await
        .unwrap();
    assert_eq!(
        charges[0].idempotency_key.as_deref(),
        Some(format!("{one}-{key}").as_str())
    );
}
