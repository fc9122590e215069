//! Stripe as the processor, against the local fake Stripe: the requests Chipin sends, what it
//! records for each outcome, idempotency across a crash and a restart, refunds, charges settled
//! later, and saving a card through Checkout.

use crate::fake_stripe::{FakeStripe, pm};
use crate::helpers::{TestApp, assert_ledger_ok, date, run_billing_with, spawn_app};
use crate::population::*;
use crate::processors::stripe_for;
use app::domain::billing::settle::{NOT_YET_SETTLED, Settled, settle_charge};
use app::domain::billing::{self, BillingConfig, FaultPoint, refunds};
use app::domain::books::journal::{self, Account};
use app::domain::giving::billing_profile;
use app::domain::platform::clock::now;
use app::domain::processors::stripe::StripeProcessor;
use app::domain::processors::{ChargeOutcome, PaymentProcessor, RefundRequest};
use app::money::{Currency, Money};
use serde_json::json;
use std::collections::HashMap;

/// A fresh Chipin, a fake Stripe, and the Stripe processor pointed at it.
async fn set_up() -> (TestApp, FakeStripe, StripeProcessor) {
    let app = spawn_app().await;
    let fake = FakeStripe::start().await;
    let stripe = stripe_for(&fake);
    (app, fake, stripe)
}

/// Runs billing as of `as_of` through `p` with the default billing settings.
async fn run(app: &TestApp, p: &dyn PaymentProcessor, as_of: &str) -> billing::RunSummary {
    run_billing_with(app, p, &BillingConfig::default(), date(as_of)).await
}

async fn set_customer(app: &TestApp, supporter: i64, customer: &str) {
    sqlx::query("update billing_profiles set processor_customer = $1 where user_id = $2")
        .bind(customer)
        .bind(supporter)
        .execute(app.state.db.pool())
        .await
        .unwrap();
}

/// (status, processor_ref, decline_code, fee) of the supporter's latest charge.
async fn latest_charge(
    app: &TestApp,
    supporter: i64,
) -> (String, Option<String>, Option<String>, Option<i64>) {
    sqlx::query_as(
        "select status, processor_ref, decline_code, fee_minor from charges \
         where supporter_id = $1 order by id desc limit 1",
    )
    .bind(supporter)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap()
}

#[tokio::test]
async fn a_charge_is_one_confirmed_off_session_payment_intent_under_chipins_key() {
    let (app, fake, stripe) = set_up().await;
    let db = &app.state.db;
    let (fan, _, _) = fan_of_mara_and_tomas(&app.state, pm::SUCCESS).await;
    set_customer(&app, fan, "cus_fan").await;

    let s = run(&app, &stripe, "2026-11-01").await;
    assert_eq!(s.charges_succeeded, 1);
    let calls = fake.charge_calls();
    assert_eq!(calls.len(), 1);
    let r = &calls[0];
    let (charge_id, key): (i64, String) =
        sqlx::query_as("select id, idempotency_key from charges where supporter_id = $1")
            .bind(fan)
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(r.field("amount"), Some("800"));
    assert_eq!(r.field("currency"), Some("usd"));
    assert_eq!(r.field("customer"), Some("cus_fan"));
    assert_eq!(r.field("payment_method"), Some(pm::SUCCESS));
    assert_eq!(r.field("off_session"), Some("true"));
    assert_eq!(r.field("confirm"), Some("true"));
    assert_eq!(
        r.params["metadata"]["chipin_charge_id"],
        charge_id.to_string()
    );
    assert_eq!(r.params["metadata"]["supporter_id"], fan.to_string());
    assert_eq!(r.params["metadata"]["cycle"], "2026-11");
    assert_eq!(r.list("expand"), vec!["latest_charge.balance_transaction"]);
    assert_eq!(r.idempotency_key.as_deref(), Some(key.as_str()));
    assert_eq!(
        r.authorization.as_deref(),
        Some("Bearer sk_test_chipin_fake")
    );

    // The recorded fee is the balance transaction's, and the reference is the PaymentIntent.
    let (pi, _) = &fake.payment_intents_created()[0];
    let created_id = fake.object_ids_with_prefix("pi_")[0].clone();
    assert_eq!(pi.idempotency_key.as_deref(), Some(key.as_str()));
    let (status, reference, code, fee) = latest_charge(&app, fan).await;
    assert_eq!(status, "succeeded");
    assert_eq!(reference.as_deref(), Some(created_id.as_str()));
    assert_eq!(code, None);
    assert_eq!(
        fee,
        Some(53),
        "2.9% of $8.00 + 30¢, read from the balance transaction"
    );
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn the_fee_recorded_is_the_one_on_stripes_balance_transaction() {
    let app = spawn_app().await;
    let fake = FakeStripe::start().await;
    fake.set_override("balance_transaction", json!({ "fee": 61 }));
    let stripe = stripe_for(&fake);
    let db = &app.state.db;
    let r = recipient(db, "mara", "USD").await;
    let fan = user(db, "Fan").await;
    pledge(&app.state, fan, r, "10").await;
    card(&app.state, fan, pm::SUCCESS, 1).await;
    let s = run(&app, &stripe, "2026-11-01").await;
    assert_eq!(s.totals[&Currency::USD].fee_minor, 61);
    assert_eq!(latest_charge(&app, fan).await.3, Some(61));
    assert_eq!(
        journal::balance(db, Account::Recipient(r), Currency::USD)
            .await
            .unwrap(),
        1000 - 61
    );
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn each_stripe_outcome_is_recorded_as_it_should_be() {
    let (app, fake, stripe) = set_up().await;
    let db = &app.state.db;
    let r = recipient(db, "mara", "USD").await;
    let mut fans = HashMap::new();
    for method in [
        pm::SUCCESS,
        pm::INSUFFICIENT_FUNDS,
        pm::EXPIRED_CARD,
        pm::CARD_DECLINED,
        pm::REQUIRES_AUTH,
        pm::REQUIRES_ACTION,
        pm::PROCESSING,
        pm::SERVER_ERROR_ONCE,
        pm::NETWORK_FAILURE_ONCE,
        "pm_unknown",
    ] {
        let fan = user(db, method).await;
        pledge(&app.state, fan, r, "5").await;
        card(&app.state, fan, method, 1).await;
        fans.insert(method, fan);
    }
    let s = run(&app, &stripe, "2026-11-01").await;
    assert_eq!(s.charges_succeeded, 1);
    assert_eq!(
        s.charges_declined, 4,
        "three declines and the unknown method"
    );
    assert_eq!(s.charges_requiring_action, 2);
    assert_eq!(s.charges_processing, 1);
    assert_eq!(s.charges_unreachable, 2, "500, lost answer");

    let expect = |status: &str, code: Option<&str>| (status.to_owned(), code.map(str::to_owned));
    for (method, want) in [
        (pm::SUCCESS, expect("succeeded", None)),
        (
            pm::INSUFFICIENT_FUNDS,
            expect("failed", Some("insufficient_funds")),
        ),
        (pm::EXPIRED_CARD, expect("failed", Some("expired_card"))),
        (pm::CARD_DECLINED, expect("failed", Some("generic_decline"))),
        (pm::REQUIRES_AUTH, expect("requires_action", None)),
        (pm::REQUIRES_ACTION, expect("requires_action", None)),
        (pm::PROCESSING, expect("processing", None)),
        (pm::SERVER_ERROR_ONCE, expect("pending", None)),
        (pm::NETWORK_FAILURE_ONCE, expect("pending", None)),
        ("pm_unknown", expect("failed", Some("resource_missing"))),
    ] {
        let (status, reference, code, _) = latest_charge(&app, fans[method]).await;
        assert_eq!((status.clone(), code), want, "{method}");
        if status != "pending" && method != "pm_unknown" {
            let reference = reference.unwrap_or_default();
            assert!(reference.starts_with("pi_fake_"), "{method}: {reference}");
        }
    }
    // Declines are in the retry schedule and the supporters were told.
    let (next_retry,): (Option<i64>,) =
        sqlx::query_as("select next_retry_at from charges where supporter_id = $1")
            .bind(fans[pm::INSUFFICIENT_FUNDS])
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert!(next_retry.is_some());
    let mail = app
        .emails_to(&format!("{}@example.org", pm::REQUIRES_AUTH))
        .await;
    assert!(
        mail.last()
            .unwrap()
            .1
            .contains("/account/billing/authenticate/")
    );

    // The next run resends the pending ones with the same keys: the 500 and the lost answer
    // succeed now, each with one PaymentIntent.
    let s = run(&app, &stripe, "2026-11-01").await;
    assert_eq!((s.charges_succeeded, s.charges_unreachable), (2, 0));
    for method in [pm::SERVER_ERROR_ONCE, pm::NETWORK_FAILURE_ONCE] {
        let (status, ..) = latest_charge(&app, fans[method]).await;
        assert_eq!(status, "succeeded", "{method}");
        let made = fake
            .payment_intents_created()
            .into_iter()
            .filter(|(r, _)| r.field("payment_method") == Some(method))
            .count();
        assert_eq!(made, 1, "{method}: one PaymentIntent");
    }
    let lost = fake
        .charge_calls()
        .into_iter()
        .filter(|r| r.field("payment_method") == Some(pm::NETWORK_FAILURE_ONCE))
        .collect::<Vec<_>>();
    assert_eq!(lost.len(), 2);
    assert_eq!(lost[0].idempotency_key, lost[1].idempotency_key);
    assert!(lost[1].replayed, "the second call got the first answer");
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn a_crash_after_stripe_charged_but_before_chipin_recorded_charges_once_after_restart() {
    let app = spawn_app().await;
    let fake = FakeStripe::start().await;
    let db = &app.state.db;
    let a = recipient(db, "mara", "USD").await;
    let mut fans = Vec::new();
    for i in 0..6 {
        let fan = user(db, &format!("fan{i}")).await;
        pledge(&app.state, fan, a, "4").await;
        card(&app.state, fan, pm::SUCCESS, 1).await;
        fans.push(fan);
    }
    // The process "dies" once Stripe has answered every call, before any outcome is committed.
    {
        let before_crash = stripe_for(&fake);
        let crashing = BillingConfig {
            fault: Some(FaultPoint::AfterProcessorCalls),
            claim_lease_secs: 0,
            ..BillingConfig::default()
        };
        let err = billing::run(db, &before_crash, &crashing, date("2026-11-01"), &|_| {})
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            billing::BillingError::Injected(FaultPoint::AfterProcessorCalls)
        ));
    }
    assert_eq!(
        scalar(db, "select count(*) from charges where status = 'pending'").await,
        6,
        "nothing was recorded"
    );
    assert_eq!(
        fake.payment_intents_created().len(),
        6,
        "but Stripe charged"
    );
    let first_keys: Vec<Option<String>> = fake
        .charge_calls()
        .iter()
        .map(|r| r.idempotency_key.clone())
        .collect();

    // A new process: a new client, nothing remembered but the database.
    let after_restart = stripe_for(&fake);
    let s = run(&app, &after_restart, "2026-11-01").await;
    assert_eq!(s.charges_succeeded, 6);
    let calls = fake.charge_calls();
    assert_eq!(calls.len(), 12);
    let mut resent: Vec<Option<String>> = calls[6..]
        .iter()
        .map(|r| r.idempotency_key.clone())
        .collect();
    let mut first_sorted = first_keys.clone();
    first_sorted.sort();
    resent.sort();
    assert_eq!(resent, first_sorted, "the same keys after the restart");
    assert!(calls[6..].iter().all(|r| r.replayed));
    assert_eq!(
        fake.payment_intents_created().len(),
        6,
        "one PaymentIntent per key"
    );
    let mut per_key: HashMap<String, usize> = HashMap::new();
    for (r, _) in fake.payment_intents_created() {
        *per_key
            .entry(r.idempotency_key.unwrap_or_default())
            .or_default() += 1;
    }
    assert!(per_key.values().all(|&n| n == 1));
    assert_eq!(
        scalar(
            db,
            "select count(*) from charges where status = 'succeeded'"
        )
        .await,
        6
    );
    assert_eq!(scalar(db, "select count(*) from charges").await, 6);
    // Each charge records the PaymentIntent Stripe made before the crash.
    let refs: Vec<(Option<String>,)> =
        sqlx::query_as("select processor_ref from charges order by id")
            .fetch_all(db.pool())
            .await
            .unwrap();
    let made: std::collections::HashSet<String> =
        fake.object_ids_with_prefix("pi_").into_iter().collect();
    assert!(
        refs.iter()
            .all(|(r,)| made.contains(r.as_deref().unwrap_or("")))
    );
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn refunds_go_through_stripe_with_their_own_keys() {
    let (app, fake, stripe) = set_up().await;
    let db = &app.state.db;
    let (_, _, b) = fan_of_mara_and_tomas(&app.state, pm::SUCCESS).await;
    run(&app, &stripe, "2026-11-01").await;
    let (charge, reference): (i64, String) =
        sqlx::query_as("select id, processor_ref from charges")
            .fetch_one(db.pool())
            .await
            .unwrap();
    let (item,): (i64,) = sqlx::query_as("select item_id from allocations where recipient_id = $1")
        .bind(b)
        .fetch_one(db.pool())
        .await
        .unwrap();

    let one = refunds::refund_item(db, &stripe, item).await.unwrap();
    assert_eq!(one.amount.minor, 300);
    let rest = refunds::refund_charge(db, &stripe, charge).await.unwrap();
    assert_eq!(rest.amount.minor, 500);
    let sent = fake.requests_to("POST", "/v1/refunds");
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].field("payment_intent"), Some(reference.as_str()));
    assert_eq!(sent[0].field("amount"), Some("300"));
    assert_eq!(sent[1].field("amount"), Some("500"));
    let keys: Vec<String> = sent
        .iter()
        .map(|r| r.idempotency_key.clone().unwrap())
        .collect();
    assert!(keys[0].starts_with("chipin-refund-") && keys[0] != keys[1]);
    let recorded: Vec<(String, i64)> =
        sqlx::query_as("select processor_ref, amount_minor from refunds order by id")
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert_eq!(recorded.len(), 2);
    assert!(recorded.iter().all(|(r, _)| r.starts_with("re_fake_")));
    assert_eq!(
        journal::balance(db, Account::SupporterPayments, Currency::USD)
            .await
            .unwrap(),
        0
    );
    assert_ledger_ok(&app).await;

    // The same refund sent again (an answer lost on the way) is the same refund.
    let again = stripe
        .refund(RefundRequest {
            idempotency_key: keys[0].clone(),
            processor_ref: reference.clone(),
            amount: Money::new(300, Currency::USD),
        })
        .await
        .unwrap();
    assert_eq!(again.refund_ref, recorded[0].0);
    // More than is left is refused.
    let too_much = stripe
        .refund(RefundRequest {
            idempotency_key: "chipin-refund-test-extra".into(),
            processor_ref: reference,
            amount: Money::new(1, Currency::USD),
        })
        .await;
    assert!(too_much.is_err());
}

#[tokio::test]
async fn charges_stripe_finishes_later_are_settled_once_with_the_fee() {
    let (app, fake, stripe) = set_up().await;
    let db = &app.state.db;
    let config = BillingConfig::default();
    let r = recipient(db, "mara", "USD").await;
    let slow = user(db, "Slow").await;
    let bounced = user(db, "Bounced").await;
    for fan in [slow, bounced] {
        pledge(&app.state, fan, r, "5").await;
        card(&app.state, fan, pm::PROCESSING, 1).await;
    }
    run(&app, &stripe, "2026-11-01").await;
    let (_, slow_ref, ..) = latest_charge(&app, slow).await;
    let (_, bounced_ref, ..) = latest_charge(&app, bounced).await;
    let (slow_ref, bounced_ref) = (slow_ref.unwrap(), bounced_ref.unwrap());

    // Still processing at Stripe: nothing to settle yet.
    let outcome = stripe.payment_intent_outcome(&slow_ref).await.unwrap();
    assert!(matches!(outcome, ChargeOutcome::Processing { .. }));
    assert_eq!(
        settle_later(db, &config, &outcome).await,
        Settled::Unchanged
    );

    fake.succeed_later(&slow_ref);
    let outcome = stripe.payment_intent_outcome(&slow_ref).await.unwrap();
    assert_eq!(
        outcome,
        ChargeOutcome::Succeeded {
            processor_ref: slow_ref.clone(),
            fee_minor: 45
        }
    );
    assert!(matches!(
        settle_later(db, &config, &outcome).await,
        Settled::Changed
    ));
    assert_eq!(
        settle_later(db, &config, &outcome).await,
        Settled::Unchanged,
        "a repeated webhook changes nothing"
    );
    let (status, _, _, fee) = latest_charge(&app, slow).await;
    assert_eq!((status.as_str(), fee), ("succeeded", Some(45)));
    assert_eq!(
        journal::balance(db, Account::Recipient(r), Currency::USD)
            .await
            .unwrap(),
        455
    );

    let failed = ChargeOutcome::Declined {
        processor_ref: Some(bounced_ref),
        code: "insufficient_funds".into(),
    };
    assert!(matches!(
        settle_later(db, &config, &failed).await,
        Settled::Changed
    ));
    let (status, _, code, _) = latest_charge(&app, bounced).await;
    assert_eq!(
        (status.as_str(), code.as_deref()),
        ("failed", Some("insufficient_funds"))
    );
    let (pledge_status,): (String,) =
        sqlx::query_as("select status from pledges where supporter_id = $1")
            .bind(bounced)
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(pledge_status, "past_due");
    // A success reported for a charge that already failed does not pay it.
    let late = ChargeOutcome::Succeeded {
        processor_ref: latest_charge(&app, bounced).await.1.unwrap(),
        fee_minor: 45,
    };
    assert_eq!(settle_later(db, &config, &late).await, Settled::Unchanged);
    assert_ledger_ok(&app).await;
}

/// Starts Checkout from the billing page's form; returns the session id.
async fn start_checkout(app: &TestApp) -> String {
    let a = app
        .submit_form("start_card_setup", &[], "/account/billing")
        .await;
    assert_eq!(a.status, 302, "{a:?}");
    let location = a.location.unwrap();
    let id = location
        .strip_prefix("https://checkout.stripe.com/c/pay/")
        .unwrap_or_else(|| panic!("sent to Stripe Checkout: {location}"));
    id.to_owned()
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

async fn profile(app: &TestApp, email: &str) -> (Option<String>, Option<String>) {
    sqlx::query_as(
        "select b.processor_customer, b.payment_method from billing_profiles b \
         join users u on u.id = b.user_id where u.email = $1",
    )
    .bind(email)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap()
}

#[tokio::test]
async fn a_card_saved_on_stripe_checkout_becomes_the_supporters_default_and_can_be_replaced() {
    let fake = FakeStripe::start().await;
    let mut app = fake.spawn_app().await;
    app.sign_up_and_log_in("fan@example.org", "Fan").await;

    // The billing page offers Stripe, not the simulated test cards.
    let page = app.get("/account/billing").await.text().await.unwrap();
    assert!(
        page.contains("Add a card with Stripe"),
        "Stripe button shown"
    );
    assert!(!page.contains("Simulated checkout"), "no test cards");
    let refused = app
        .call("set_payment_method", &[("payment_method", "pm_card_visa")])
        .await;
    assert_eq!(refused.error_field().as_deref(), Some("payment_method"));

    let session = start_checkout(&app).await;
    let sessions = fake.requests_to("POST", "/v1/checkout/sessions");
    assert_eq!(sessions.len(), 1);
    let s = &sessions[0];
    assert_eq!(s.field("mode"), Some("setup"));
    assert_eq!(
        s.field("success_url"),
        Some(
            format!(
                "{}/account/billing/stripe-return?session_id={{CHECKOUT_SESSION_ID}}",
                app.base
            )
            .as_str()
        )
    );
    assert!(
        s.field("cancel_url")
            .unwrap()
            .starts_with(&app.url("/account/billing"))
    );
    let (customer, method) = profile(&app, "fan@example.org").await;
    let customer = customer.expect("a Stripe customer per supporter");
    assert_eq!(s.field("customer"), Some(customer.as_str()));
    assert_eq!(method, None);
    let customers = fake.requests_to("POST", "/v1/customers");
    assert_eq!(customers[0].field("email"), Some("fan@example.org"));

    // Coming back before finishing saves nothing.
    assert!(
        stripe_return(&app, &session)
            .await
            .contains("card=not_saved")
    );
    assert_eq!(profile(&app, "fan@example.org").await.1, None);

    fake.complete_setup(&session, "pm_saved_first");
    let back = stripe_return(&app, &session).await;
    assert_eq!(back, "/account/billing?saved=payment_method#payment-method");
    assert_eq!(
        profile(&app, "fan@example.org").await.1.as_deref(),
        Some("pm_saved_first")
    );
    let page = app.get("/account/billing").await.text().await.unwrap();
    assert!(page.contains("Replace card with Stripe"));

    // Replacing it: the same customer, a new session, the new card.
    let second = start_checkout(&app).await;
    assert_ne!(second, session);
    fake.complete_setup(&second, "pm_saved_second");
    stripe_return(&app, &second).await;
    assert_eq!(
        profile(&app, "fan@example.org").await,
        (Some(customer.clone()), Some("pm_saved_second".to_owned()))
    );
    assert_eq!(fake.requests_to("POST", "/v1/customers").len(), 1);

    // Someone else cannot use that session to set their card, and nothing of theirs changes.
    app.new_browser();
    app.sign_up_and_log_in("other@example.org", "Other").await;
    let other_session = start_checkout(&app).await;
    fake.complete_setup(&other_session, "pm_other");
    assert!(
        stripe_return(&app, &second)
            .await
            .contains("card=not_saved")
    );
    assert_eq!(profile(&app, "other@example.org").await.1, None);
    assert!(
        stripe_return(&app, "not-a-session")
            .await
            .contains("card=not_saved")
    );
    assert_eq!(
        profile(&app, "fan@example.org").await.1.as_deref(),
        Some("pm_saved_second")
    );

    // The step a webhook reuses: the card saved for a customer, through the same gate.
    let policy = app::domain::giving::cards::Policy {
        limits: &app.state.settings.limits,
        operator_email: None,
        backend: app.state.db.backend(),
    };
    let mut tx = app.state.db.begin_write().await.unwrap();
    let at = chrono::Utc::now().timestamp();
    assert!(matches!(
        billing_profile::save_for_customer(
            &mut tx,
            policy,
            &customer,
            "pm_from_webhook",
            None,
            None,
            at
        )
        .await
        .unwrap(),
        Some(Ok(_))
    ));
    assert_eq!(
        billing_profile::save_for_customer(&mut tx, policy, "cus_nobody", "pm_x", None, None, at)
            .await
            .unwrap(),
        None
    );
    tx.commit().await.unwrap();
    assert_eq!(
        profile(&app, "fan@example.org").await.1.as_deref(),
        Some("pm_from_webhook")
    );
}

#[tokio::test]
async fn visitors_cannot_start_checkout_or_use_the_return_page() {
    let fake = FakeStripe::start().await;
    let app = fake.spawn_app().await;
    let a = app.call("start_card_setup", &[]).await;
    assert!(a.status >= 400, "{a:?}");
    let res = app
        .get("/account/billing/stripe-return?session_id=cs_test_x")
        .await;
    assert_eq!(res.status(), 303);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );
    assert!(fake.requests().is_empty(), "Stripe was not called");
}

#[tokio::test]
async fn a_card_stripe_refuses_with_400_fails_like_a_decline_and_is_not_sent_again() {
    let (app, fake, stripe) = set_up().await;
    let db = &app.state.db;
    let r = recipient(db, "mara", "USD").await;
    let mut fans = HashMap::new();
    for method in [
        pm::DETACHED,
        pm::UNACTIVATED,
        pm::CARD_ERROR_400,
        "pm_deleted",
    ] {
        let fan = user(db, method).await;
        pledge(&app.state, fan, r, "5").await;
        card(&app.state, fan, method, 1).await;
        fans.insert(method, fan);
    }
    let s = run(&app, &stripe, "2026-11-01").await;
    assert_eq!(s.charges_declined, 4);
    assert_eq!(s.charges_unreachable, 0, "none left pending");
    for (method, code) in [
        (pm::DETACHED, "invalid_payment_method"),
        (pm::UNACTIVATED, "payment_method_unactivated"),
        (pm::CARD_ERROR_400, "card_decline_rate_limit_exceeded"),
        ("pm_deleted", "resource_missing"),
    ] {
        let fan = fans[method];
        let (status, reference, recorded, _) = latest_charge(&app, fan).await;
        assert_eq!(
            (status.as_str(), recorded.as_deref()),
            ("failed", Some(code)),
            "{method}"
        );
        assert_eq!(reference, None, "{method}: Stripe made no PaymentIntent");
        let (retry, pledge_status): (Option<i64>, String) = sqlx::query_as(
            "select c.next_retry_at, p.status from charges c join pledges p \
             on p.supporter_id = c.supporter_id where c.supporter_id = $1",
        )
        .bind(fan)
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert!(retry.is_some(), "{method}: in the retry schedule");
        assert_eq!(pledge_status, "past_due", "{method}");
        let (subject, body) = app
            .emails_to(&format!("{method}@example.org"))
            .await
            .pop()
            .unwrap_or_else(|| panic!("{method}: the supporter is told"));
        assert!(
            subject.contains("did not go through"),
            "{method}: {subject}"
        );
        assert!(
            body.contains("Update your payment method: http://")
                && body.contains("/account/billing\n"),
            "{method}: the link to update the payment method: {body}"
        );
    }
    let first_keys: Vec<Option<String>> = fake
        .charge_calls()
        .iter()
        .map(|c| c.idempotency_key.clone())
        .collect();
    assert_eq!(first_keys.len(), 4);

    // The next run the same day sends nothing again.
    let s = run(&app, &stripe, "2026-11-01").await;
    assert_eq!((s.charges_declined, s.charges_unreachable), (0, 0));
    assert_eq!(fake.charge_calls().len(), 4, "not resent");

    // The scheduled retry is a new attempt under a new key (and fails the same way until the
    // supporter replaces the card).
    let s = run(&app, &stripe, "2026-11-02").await;
    assert_eq!(s.retries_scheduled, 4);
    assert_eq!(s.charges_declined, 4);
    let calls = fake.charge_calls();
    assert_eq!(calls.len(), 8);
    for c in &calls[4..] {
        assert!(
            !first_keys.contains(&c.idempotency_key),
            "a new attempt, a new key"
        );
    }
    assert_ledger_ok(&app).await;
}

#[test]
fn a_client_secret_is_never_printed() {
    use app::domain::processors::stripe::ClientSecret;
    use app::model::StripeConfirmation;
    let printed = format!("{:?}", ClientSecret("pi_1_secret_shh".into()));
    assert!(!printed.contains("shh"), "{printed}");
    let printed = format!(
        "{:?}",
        StripeConfirmation {
            publishable_key: "pk_test_1".into(),
            client_secret: "pi_1_secret_shh".into(),
            payment_method: None,
            return_url: "/r".into(),
        }
    );
    assert!(
        !printed.contains("shh") && printed.contains("pk_test_1"),
        "{printed}"
    );
}

/// Settles the charge an outcome names by its processor reference, as a webhook reporting it
/// later would.
async fn settle_later(
    db: &app::domain::Db,
    config: &BillingConfig,
    outcome: &ChargeOutcome,
) -> Settled {
    let reference = match outcome {
        ChargeOutcome::Succeeded { processor_ref, .. }
        | ChargeOutcome::RequiresAuthentication { processor_ref }
        | ChargeOutcome::Processing { processor_ref } => processor_ref.clone(),
        ChargeOutcome::Declined { processor_ref, .. } => processor_ref.clone().unwrap_or_default(),
    };
    let (id,): (i64,) = sqlx::query_as("select id from charges where processor_ref = $1")
        .bind(reference)
        .fetch_one(db.pool())
        .await
        .unwrap();
    settle_charge(db, config, id, outcome.clone(), NOT_YET_SETTLED, now())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_card_saved_on_stripe_on_the_way_to_a_tip_goes_back_to_the_tip() {
    let fake = FakeStripe::start().await;
    let app = fake.spawn_app().await;
    app.sign_up_and_log_in("fan@example.org", "Fan").await;

    let a = app
        .submit_form(
            "start_card_setup",
            &[("next", "/chip-in/mara-draws?amount=1.00")],
            "/account/billing",
        )
        .await;
    assert_eq!(a.status, 302, "{a:?}");
    let session = a
        .location
        .as_deref()
        .and_then(|l| l.strip_prefix("https://checkout.stripe.com/c/pay/"))
        .expect("sent to Stripe Checkout")
        .to_owned();
    let sessions = fake.requests_to("POST", "/v1/checkout/sessions");
    assert_eq!(
        sessions[0].field("success_url"),
        Some(
            format!(
                "{}/account/billing/stripe-return?session_id={{CHECKOUT_SESSION_ID}}\
                 &next=%2Fchip-in%2Fmara-draws%3Famount%3D1.00",
                app.base
            )
            .as_str()
        )
    );
    fake.complete_setup(&session, "pm_for_the_tip");
    let res = app
        .get(&format!(
            "/account/billing/stripe-return?session_id={session}\
             &next=%2Fchip-in%2Fmara-draws%3Famount%3D1.00"
        ))
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/chip-in/mara-draws?amount=1.00");
    assert_eq!(
        profile(&app, "fan@example.org").await.1.as_deref(),
        Some("pm_for_the_tip")
    );

    // Only a chip-in window on this site is a way back: anything else is not sent to Stripe,
    // and a return edited by hand lands on the billing page.
    let a = app
        .submit_form(
            "start_card_setup",
            &[("next", "//evil.example/chip-in/x")],
            "/account/billing",
        )
        .await;
    assert_eq!(a.status, 302, "{a:?}");
    let second = a
        .location
        .as_deref()
        .and_then(|l| l.strip_prefix("https://checkout.stripe.com/c/pay/"))
        .expect("sent to Stripe Checkout")
        .to_owned();
    let sessions = fake.requests_to("POST", "/v1/checkout/sessions");
    assert!(!sessions[1].field("success_url").unwrap().contains("next"));
    fake.complete_setup(&second, "pm_second");
    let res = app
        .get(&format!(
            "/account/billing/stripe-return?session_id={second}&next=https%3A%2F%2Fevil.example"
        ))
        .await;
    assert_eq!(
        res.headers()["location"],
        "/account/billing?saved=payment_method#payment-method"
    );
}
