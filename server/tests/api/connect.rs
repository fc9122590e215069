//! Payouts through Stripe Connect, against the fake Stripe: onboarding an Express account from
//! the studio, the account's status from Stripe and its webhooks, payout runs that transfer
//! exactly each source charge's net once (across crashes, lost answers and 500s), refused and
//! reversed transfers returning their donations to unpaid, and who may do what: nobody marks a
//! Stripe payout arrived by hand, one page's failure never stops the others, and a transfer
//! whose answer was lost is found by its group before anything is resent. The ledger check
//! passes after every scenario.

use crate::fake_stripe::{FakeStripe, WEBHOOK_SECRET, pm};
use crate::helpers::{
    TestApp, assert_ledger_ok, date, give_to, post, run_default_billing, spawn_app,
};
use crate::population::*;
use app::domain::payouts::connect::{self, ConnectError, ConnectFault, ConnectRunSummary};
use app::domain::payouts::onboarding;
use app::domain::payouts::{self, PayoutError};
use app::domain::processors::stripe::StripeProcessor;
use app::domain::processors::stripe::signature;
use serde_json::{Value, json};

const FIXTURES: &str = include_str!("../fixtures/stripe/fixtures3.json");

fn stripe(app: &TestApp) -> &StripeProcessor {
    app.state.stripe.as_deref().expect("Stripe is configured")
}

async fn run(app: &TestApp) -> ConnectRunSummary {
    connect::run(&app.state.db, stripe(app), date("2026-11-20"), None)
        .await
        .expect("payout run")
}

/// A Stripe event of `kind` carrying `object`, signed and delivered; the HTTP status.
async fn deliver(app: &TestApp, id: &str, kind: &str, created: i64, object: Value) -> u16 {
    let all: Value = serde_json::from_str(FIXTURES).unwrap();
    let mut e = all["resources"]["event"].clone();
    e["id"] = json!(id);
    e["type"] = json!(kind);
    e["created"] = json!(created);
    e["data"] = json!({ "object": object });
    let body = e.to_string();
    let now = chrono::Utc::now().timestamp();
    app.client
        .post(app.url("/stripe/webhook"))
        .header("content-type", "application/json")
        .header(
            "stripe-signature",
            signature::sign(WEBHOOK_SECRET, now, body.as_bytes()),
        )
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn fixture(resource: &str, overrides: Value) -> Value {
    let all: Value = serde_json::from_str(FIXTURES).unwrap();
    let mut o = all["resources"][resource].clone();
    for (k, v) in overrides.as_object().unwrap() {
        o[k] = v.clone();
    }
    o
}

struct Charged {
    /// The page paid through Stripe, with money from two charges.
    mara: i64,
    /// A page that never set up Stripe.
    tomas: i64,
    ana: i64,
    ben: i64,
}

/// Ana pledges $5 to Mara and tips Tomas $3 (one charge), Ben tips Mara $10 (another); both
/// are charged through the fake Stripe.
async fn charged(app: &TestApp) -> Charged {
    let db = &app.state.db;
    let mara = recipient(db, "mara", "USD").await;
    let tomas = recipient(db, "tomas", "USD").await;
    let ana = user(db, "Ana").await;
    let ben = user(db, "Ben").await;
    pledge(&app.state, ana, mara, "5").await;
    tip(&app.state, ana, tomas, "3").await;
    tip(&app.state, ben, mara, "10").await;
    card(&app.state, ana, pm::SUCCESS, 1).await;
    card(&app.state, ben, pm::SUCCESS, 1).await;
    let s = run_default_billing(app, date("2026-11-01")).await;
    assert_eq!(s.charges_succeeded, 2);
    Charged {
        mara,
        tomas,
        ana,
        ben,
    }
}

/// Onboards `recipient` through the domain calls and the fake, verified; returns the account.
async fn onboard(app: &TestApp, fake: &FakeStripe, recipient: i64) -> String {
    let owner = owner_of(&app.state.db, recipient).await;
    onboarding::start_onboarding(&app.state, owner, recipient)
        .await
        .unwrap();
    let account = stripe_account(app, recipient).await.unwrap();
    fake.finish_onboarding(&account, true);
    let status = onboarding::refresh_account(&app.state, owner, recipient)
        .await
        .unwrap();
    assert_eq!(status.status, app::model::trail::ConnectStatus::Ready);
    account
}

async fn stripe_account(app: &TestApp, recipient: i64) -> Option<String> {
    let (a,): (Option<String>,) =
        sqlx::query_as("select stripe_account_id from recipients where id = $1")
            .bind(recipient)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    a
}

/// (charge id, Stripe charge, the page's net of it) for each charge that paid `recipient`.
async fn nets(app: &TestApp, recipient: i64) -> Vec<(i64, String, i64)> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "select a.charge_id, c.processor_ref, cast(sum(a.net_minor) as bigint) from allocations a \
         join charges c on c.id = a.charge_id where a.recipient_id = $1 \
         group by a.charge_id, c.processor_ref order by a.charge_id",
    )
    .bind(recipient)
    .fetch_all(app.state.db.pool())
    .await
    .unwrap();
    rows
}

async fn available(app: &TestApp, recipient: i64) -> i64 {
    payouts::available(&app.state.db, recipient)
        .await
        .unwrap()
        .minor
}

/// (id, payout, status, transfer_ref, idempotency key, charge) of every transfer row.
async fn transfer_rows(app: &TestApp) -> Vec<(i64, i64, String, Option<String>, String, i64)> {
    sqlx::query_as(
        "select id, payout_id, status, transfer_ref, idempotency_key, charge_id \
         from stripe_transfers order by id",
    )
    .fetch_all(app.state.db.pool())
    .await
    .unwrap()
}

async fn page(app: &TestApp, recipient: i64) -> String {
    let res = app.get(&format!("/studio/p/{recipient}/payouts")).await;
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

#[tokio::test]
async fn owners_onboard_an_express_account_once_and_see_its_status() {
    let fake = FakeStripe::start().await;
    let mut app = fake.spawn_app().await;
    let db = app.state.db.clone();
    let mara = recipient(&db, "mara", "USD").await;
    app.sign_up_and_log_in("mara@example.org", "Mara").await;
    give_to(&app, mara, "mara@example.org").await;
    app.turn_on_two_factor().await;
    let id = mara.to_string();
    let html = page(&app, mara).await;
    assert!(html.contains("Set up payouts with Stripe"), "{html}");
    assert!(html.contains("Not set up"));

    // The button sends the owner to Stripe's onboarding.
    let a = app
        .submit_form(
            "trail/start_stripe_payouts",
            &[("recipient_id", &id)],
            &format!("/studio/p/{mara}/payouts"),
        )
        .await;
    assert_eq!(a.status, 302, "{a:?}");
    let account = stripe_account(&app, mara).await.expect("account stored");
    let location = a.location.clone().unwrap();
    assert!(
        location.starts_with(&format!("https://connect.stripe.com/setup/e/{account}/")),
        "{location}"
    );
    let created = fake.requests_to("POST", "/v1/accounts");
    assert_eq!(created.len(), 1);
    let r = &created[0];
    assert_eq!(r.field("type"), Some("express"));
    assert_eq!(r.field("capabilities[transfers][requested]"), Some("true"));
    assert_eq!(r.params["metadata"]["chipin_recipient_id"], id);
    assert_eq!(r.field("email"), Some("mara@example.org"));
    // Every key sent to Stripe is namespaced by this installation's id.
    let key = format!("{}-chipin-account-{mara}", db.installation_id());
    assert_eq!(r.idempotency_key.as_deref(), Some(key.as_str()));
    let links = fake.requests_to("POST", "/v1/account_links");
    assert_eq!(links.len(), 1);
    let l = &links[0];
    assert_eq!(l.field("account"), Some(account.as_str()));
    assert_eq!(l.field("type"), Some("account_onboarding"));
    assert_eq!(
        l.field("return_url").map(str::to_owned),
        Some(app.url(&format!("/studio/p/{mara}/payouts/stripe-return")))
    );
    assert_eq!(
        l.field("refresh_url").map(str::to_owned),
        Some(app.url(&format!("/studio/p/{mara}/payouts/stripe-refresh")))
    );

    // A second click reuses the account and makes a new link.
    let again = app
        .submit_form(
            "trail/start_stripe_payouts",
            &[("recipient_id", &id)],
            &format!("/studio/p/{mara}/payouts"),
        )
        .await;
    assert_eq!(again.status, 302);
    assert_eq!(fake.requests_to("POST", "/v1/accounts").len(), 1);
    assert_eq!(fake.accounts_created(), vec![account.clone()]);
    assert_eq!(fake.requests_to("POST", "/v1/account_links").len(), 2);

    // Back from Stripe without finishing: details still missing.
    let back = app
        .get(&format!("/studio/p/{mara}/payouts/stripe-return"))
        .await;
    assert_eq!(back.status(), 303, "{back:?}");
    assert_eq!(
        fake.requests_to("GET", &format!("/v1/accounts/{account}"))
            .len(),
        1
    );
    assert!(page(&app, mara).await.contains("Waiting for your details"));
    // Finished, Stripe still verifying.
    fake.finish_onboarding(&account, false);
    app.get(&format!("/studio/p/{mara}/payouts/stripe-return"))
        .await;
    let html = page(&app, mara).await;
    assert!(html.contains("Pending verification"), "{html}");
    // An expired link makes a new one and goes back to Stripe.
    let refresh = app
        .get(&format!("/studio/p/{mara}/payouts/stripe-refresh"))
        .await;
    let to = refresh.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        to.starts_with("https://connect.stripe.com/setup/e/"),
        "{to}"
    );
    assert_eq!(fake.requests_to("POST", "/v1/accounts").len(), 1);

    // Stripe verifies the account: `account.updated` makes the page ready, once.
    let now = chrono::Utc::now().timestamp() + 5;
    let ready = fixture(
        "account",
        json!({"id": account, "details_submitted": true, "charges_enabled": true, "payouts_enabled": true}),
    );
    assert_eq!(
        deliver(&app, "evt_acct_1", "account.updated", now, ready.clone()).await,
        200
    );
    let html = page(&app, mara).await;
    assert!(html.contains(">Ready<"), "{html}");
    assert!(!html.contains("Set up payouts with Stripe"));
    // A late, older event does not undo it; a repeated one changes nothing.
    let older = fixture(
        "account",
        json!({"id": account, "details_submitted": false, "charges_enabled": false, "payouts_enabled": false}),
    );
    assert_eq!(
        deliver(&app, "evt_acct_0", "account.updated", now - 60, older).await,
        200
    );
    assert_eq!(
        deliver(&app, "evt_acct_1", "account.updated", now, ready).await,
        200
    );
    let status = onboarding::account_status(&db, mara).await.unwrap();
    assert_eq!(status.status, app::model::trail::ConnectStatus::Ready);
    assert!(status.details_submitted && status.payouts_enabled);
    // Stripe disables payouts later: no longer ready.
    let disabled = fixture(
        "account",
        json!({"id": account, "details_submitted": true, "charges_enabled": true, "payouts_enabled": false}),
    );
    assert_eq!(
        deliver(&app, "evt_acct_2", "account.updated", now + 10, disabled).await,
        200
    );
    assert_eq!(
        onboarding::account_status(&db, mara).await.unwrap().status,
        app::model::trail::ConnectStatus::Pending
    );

    // Someone else can neither onboard nor see the page's payouts.
    app.new_browser();
    app.sign_up_and_log_in("nosy@example.org", "Nosy").await;
    let a = app
        .call("trail/start_stripe_payouts", &[("recipient_id", &id)])
        .await;
    assert_eq!(a.status, 404, "{a:?}");
    let a = app.call("trail/payouts", &[("recipient_id", &id)]).await;
    assert_eq!(a.status, 404, "{a:?}");
    let r = app
        .get(&format!("/studio/p/{mara}/payouts/stripe-refresh"))
        .await;
    assert_eq!(r.headers()["location"], "/studio");
    let r = app
        .get(&format!("/studio/p/{mara}/payouts/stripe-return"))
        .await;
    assert_eq!(r.headers()["location"], "/studio");
    assert_eq!(fake.requests_to("POST", "/v1/accounts").len(), 1);
    assert_eq!(fake.requests_to("POST", "/v1/account_links").len(), 3);
    // Nor can someone logged out.
    app.new_browser();
    let r = app
        .get(&format!("/studio/p/{mara}/payouts/stripe-return"))
        .await;
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login"),
        "{r:?}"
    );
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn no_get_creates_a_stripe_account_or_starts_onboarding() {
    let fake = FakeStripe::start().await;
    let app = fake.spawn_app().await;
    let db = app.state.db.clone();
    let mara = recipient(&db, "mara", "USD").await;
    app.sign_up_and_log_in("mara@example.org", "Mara").await;
    give_to(&app, mara, "mara@example.org").await;
    app.turn_on_two_factor().await;

    // A link or an <img> pointing at the return addresses, followed by the logged-in owner.
    for path in [
        format!("/studio/p/{mara}/payouts/stripe-refresh"),
        format!("/studio/p/{mara}/payouts/stripe-return"),
    ] {
        let r = app
            .client
            .get(app.url(&path))
            .header("sec-fetch-site", "cross-site")
            .header("sec-fetch-dest", "image")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{path}: {r:?}");
        let to = r.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            to.starts_with(&format!("/studio/p/{mara}/payouts")),
            "{path} leads back to the payouts page, not to Stripe: {to}"
        );
    }
    let html = page(&app, mara).await;
    assert!(html.contains("Not set up"), "{html}");
    assert!(fake.requests_to("POST", "/v1/accounts").is_empty());
    assert!(fake.requests_to("POST", "/v1/account_links").is_empty());
    assert_eq!(stripe_account(&app, mara).await, None);

    // The studio's POST still creates the account; the refresh address then renews its link
    // without creating another.
    let a = app
        .submit_form(
            "trail/start_stripe_payouts",
            &[("recipient_id", &mara.to_string())],
            &format!("/studio/p/{mara}/payouts"),
        )
        .await;
    assert_eq!(a.status, 302, "{a:?}");
    let account = stripe_account(&app, mara).await.expect("account stored");
    let r = app
        .get(&format!("/studio/p/{mara}/payouts/stripe-refresh"))
        .await;
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        to.starts_with(&format!("https://connect.stripe.com/setup/e/{account}/")),
        "{to}"
    );
    assert_eq!(fake.requests_to("POST", "/v1/accounts").len(), 1);
    assert_eq!(fake.requests_to("POST", "/v1/account_links").len(), 2);
}

#[tokio::test]
async fn without_stripe_the_payouts_page_is_manual_only() {
    let app = spawn_app().await;
    let db = app.state.db.clone();
    let mara = recipient(&db, "mara", "USD").await;
    app.sign_up_and_log_in("mara@example.org", "Mara").await;
    give_to(&app, mara, "mara@example.org").await;
    app.turn_on_two_factor().await;
    let html = page(&app, mara).await;
    assert!(!html.contains("Payouts with Stripe"));
    assert!(html.contains("Record a payout"));
    let id = mara.to_string();
    let a = app
        .call("trail/start_stripe_payouts", &[("recipient_id", &id)])
        .await;
    assert_eq!(a.status, 400, "{a:?}");
    assert!(a.error_message().contains("not set up"), "{a:?}");
    assert!(stripe_account(&app, mara).await.is_none());
}

#[tokio::test]
async fn a_payout_run_transfers_each_source_charges_net_exactly_once() {
    let fake = FakeStripe::start().await;
    let app = fake.spawn_app().await;
    let db = app.state.db.clone();
    let c = charged(&app).await;
    // Nothing is paid to a page that has not onboarded.
    let s = run(&app).await;
    assert_eq!((s.planned, s.sent), (0, 0));
    let account = onboard(&app, &fake, c.mara).await;
    let nets = nets(&app, c.mara).await;
    assert_eq!(nets.len(), 2, "two source charges");
    let total: i64 = nets.iter().map(|n| n.2).sum();
    assert_eq!(available(&app, c.mara).await, total);

    let s = run(&app).await;
    assert_eq!((s.planned, s.sent, s.waiting), (2, 2, 0), "{s:?}");
    assert!(s.failed.is_empty());
    assert_eq!(s.sent_minor[&app::money::Currency::USD], total);
    let made = fake.transfers_created();
    assert_eq!(made.len(), 2);
    let rows = transfer_rows(&app).await;
    for ((charge, pi, net), ((r, tr), row)) in nets.iter().zip(made.iter().zip(&rows)) {
        let (_, payout, status, transfer_ref, key, row_charge) = row;
        assert_eq!(row_charge, charge);
        assert_eq!(status, "sent");
        assert_eq!(transfer_ref.as_deref(), Some(tr.as_str()));
        assert_eq!(key, &format!("chipin-transfer-{payout}-{charge}"));
        let installation = app.state.db.installation_id();
        assert_eq!(
            r.idempotency_key.as_deref(),
            Some(format!("{installation}-{key}").as_str())
        );
        assert_eq!(r.field("amount"), Some(net.to_string().as_str()));
        assert_eq!(r.field("currency"), Some("usd"));
        assert_eq!(r.field("destination"), Some(account.as_str()));
        let ch = fake.object(pi).unwrap()["latest_charge"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(ch.starts_with("ch_"));
        assert_eq!(r.field("source_transaction"), Some(ch.as_str()));
        assert_eq!(
            r.field("transfer_group"),
            Some(format!("{installation}-chipin-payout-{payout}").as_str())
        );
        assert_eq!(r.params["metadata"]["chipin_payout_id"], payout.to_string());
        assert_eq!(r.params["metadata"]["chipin_charge_id"], charge.to_string());
        assert_eq!(
            r.authorization.as_deref(),
            Some("Bearer sk_test_chipin_fake")
        );
    }
    // Each donation's share is linked to the transfer of its own charge, and all is paid.
    assert_eq!(available(&app, c.mara).await, 0);
    let history = payouts::history(&db, c.mara).await.unwrap();
    assert_eq!(history.len(), 2);
    for p in &history {
        assert!(
            p.paid,
            "a made transfer is on the recipient's Stripe balance"
        );
        assert_eq!(p.recorded_by, "processor");
        assert_eq!(p.transfer_status.as_deref(), Some("sent"));
        let sum: i64 = p.shares.iter().map(|s| s.amount.minor).sum();
        assert_eq!(sum, p.amount.minor);
        assert!(p.shares.iter().all(|s| s.amount == s.net));
    }
    let (ben_item,): (i64,) = sqlx::query_as(
        "select a.item_id from allocations a join donation_items d on d.id = a.item_id \
         where d.supporter_id = $1",
    )
    .bind(c.ben)
    .fetch_one(db.pool())
    .await
    .unwrap();
    let trail = app::domain::books::trail::donation(&db, c.ben, ben_item)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(trail.payouts.len(), 1);
    assert_eq!(trail.unpaid_minor, 0);
    let ben_transfer = rows
        .iter()
        .find(|r| r.5 == trail.charge_id.unwrap())
        .unwrap();
    assert_eq!(trail.payouts[0].transfer_ref, ben_transfer.3);
    // The studio shows the transfer ids.
    let (_, ana_ref) = (c.ana, rows[0].3.clone().unwrap());
    let html = app::domain::payouts::studio_page(&db, owner_of(&db, c.mara).await, c.mara, true)
        .await
        .unwrap();
    assert!(
        html.payouts
            .iter()
            .any(|p| p.transfer_ref.as_deref() == Some(ana_ref.as_str()))
    );

    // Tomas never onboarded: his money stays.
    assert!(available(&app, c.tomas).await > 0);
    // A second run finds nothing new to pay.
    let s = run(&app).await;
    assert_eq!((s.planned, s.sent), (0, 0));
    assert_eq!(fake.transfers_created().len(), 2);
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn a_crash_after_stripe_made_a_transfer_finds_it_by_its_group_and_pays_once() {
    let fake = FakeStripe::start().await;
    let app = fake.spawn_app().await;
    let c = charged(&app).await;
    onboard(&app, &fake, c.mara).await;
    let total = available(&app, c.mara).await;

    // Planned and committed, then the process dies before calling Stripe.
    let e = connect::run(
        &app.state.db,
        stripe(&app),
        date("2026-11-20"),
        Some(ConnectFault::AfterPlan),
    )
    .await;
    assert!(matches!(
        e,
        Err(ConnectError::Injected(ConnectFault::AfterPlan))
    ));
    assert!(fake.transfers_created().is_empty());
    assert_eq!(
        available(&app, c.mara).await,
        0,
        "the plan holds the shares"
    );
    assert_ledger_ok(&app).await;

    // Restarted: Stripe makes the first transfer, and the process dies before recording it.
    let e = connect::run(
        &app.state.db,
        stripe(&app),
        date("2026-11-20"),
        Some(ConnectFault::AfterFirstTransfer),
    )
    .await;
    assert!(matches!(e, Err(ConnectError::Injected(_))));
    assert_eq!(fake.transfers_created().len(), 1);
    let rows = transfer_rows(&app).await;
    assert!(rows.iter().all(|r| r.2 == "planned" && r.3.is_none()));
    assert_ledger_ok(&app).await;

    // Restarted again: the first transfer was sent before, so it is looked up by its group
    // and found, not sent again; the second is sent.
    let s = run(&app).await;
    assert_eq!((s.planned, s.sent, s.found), (0, 2, 1), "{s:?}");
    let made = fake.transfers_created();
    assert_eq!(made.len(), 2, "nobody was paid twice");
    let calls = fake.requests_to("POST", "/v1/transfers");
    assert_eq!(calls.len(), 2);
    assert_ne!(calls[0].idempotency_key, calls[1].idempotency_key);
    let lookups = fake.requests_to("GET", "/v1/transfers");
    assert_eq!(lookups.len(), 1);
    assert_eq!(
        lookups[0].field("transfer_group"),
        calls[0].field("transfer_group")
    );
    let rows = transfer_rows(&app).await;
    assert_eq!(rows[0].3.as_deref(), Some(made[0].1.as_str()));
    assert_eq!(rows[1].3.as_deref(), Some(made[1].1.as_str()));
    let sent: i64 = made
        .iter()
        .map(|(r, _)| r.field("amount").unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(sent, total);
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn lost_answers_and_500s_are_sent_again_with_the_same_key() {
    let fake = FakeStripe::start().await;
    let app = fake.spawn_app().await;
    let c = charged(&app).await;
    onboard(&app, &fake, c.mara).await;
    // The first transfer gets a 500 (nothing made); the second goes through.
    fake.fail_next_transfers(1);
    let s = run(&app).await;
    assert_eq!((s.planned, s.sent, s.waiting), (2, 1, 1), "{s:?}");
    assert_eq!(fake.transfers_created().len(), 1);
    assert_ledger_ok(&app).await;
    // Sent again with the same key: made this time, but the answer is lost.
    fake.drop_next_transfer_answers(1);
    let s = run(&app).await;
    assert_eq!((s.planned, s.sent, s.waiting), (0, 0, 1), "{s:?}");
    assert_eq!(fake.transfers_created().len(), 2);
    let (attempts,): (i64,) =
        sqlx::query_as("select attempts from stripe_transfers where status = 'planned'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(attempts, 2);
    assert_ledger_ok(&app).await;
    // Once more: Stripe replays the transfer it made; nobody is paid twice.
    let s = run(&app).await;
    assert_eq!((s.planned, s.sent, s.waiting), (0, 1, 0), "{s:?}");
    assert_eq!(fake.transfers_created().len(), 2);
    let rows = transfer_rows(&app).await;
    let calls = fake.requests_to("POST", "/v1/transfers");
    for row in &rows {
        let with_key: Vec<_> = calls
            .iter()
            .filter(|c| {
                c.idempotency_key.as_deref()
                    == Some(format!("{}-{}", app.state.db.installation_id(), row.4).as_str())
            })
            .collect();
        assert!(!with_key.is_empty());
        assert!(
            with_key.iter().all(|c| c.params == with_key[0].params),
            "a resent transfer is the same request"
        );
    }
    assert!(transfer_rows(&app).await.iter().all(|r| r.2 == "sent"));
    assert_eq!(available(&app, c.mara).await, 0);
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn a_refused_transfer_returns_its_donations_to_unpaid_and_a_later_run_pays_them() {
    let fake = FakeStripe::start().await;
    let app = fake.spawn_app().await;
    let db = app.state.db.clone();
    let c = charged(&app).await;
    onboard(&app, &fake, c.mara).await;
    let nets = nets(&app, c.mara).await;
    fake.refuse_next_transfer("balance_insufficient");
    let s = run(&app).await;
    assert_eq!((s.planned, s.sent), (2, 1), "{s:?}");
    assert_eq!(s.failed.len(), 1);
    assert_eq!(s.failed[0].1, c.mara);
    assert_eq!(s.failed[0].2, "balance_insufficient");
    let rows = transfer_rows(&app).await;
    assert_eq!(rows[0].2, "failed");
    assert_eq!(rows[1].2, "sent");
    // The refused transfer's payout is returned; its charge's net is unpaid again.
    assert_eq!(available(&app, c.mara).await, nets[0].2);
    let (returned, reason): (Option<i64>, Option<String>) =
        sqlx::query_as("select returned_at, return_reason from payouts where id = $1")
            .bind(rows[0].1)
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert!(returned.is_some());
    assert!(reason.unwrap().contains("balance_insufficient"));
    let history = payouts::history(&db, c.mara).await.unwrap();
    let failed = history.iter().find(|p| p.id == rows[0].1).unwrap();
    assert!(failed.returned.is_some());
    assert_eq!(failed.transfer_status.as_deref(), Some("failed"));
    // A returned payout cannot be marked arrived by hand.
    assert!(payouts::mark_paid(&db, rows[0].1, None).await.is_err());
    assert_ledger_ok(&app).await;
    // The operator's CLI shows refusals; the next run pays the money under a new payout.
    let out = server::cli::payouts::stripe_run(&app.state, Some(date("2026-11-21")))
        .await
        .unwrap();
    assert!(out.contains("transfers sent:    1"), "{out}");
    assert_eq!(available(&app, c.mara).await, 0);
    let made = fake.transfers_created();
    assert_eq!(made.len(), 2);
    let rows = transfer_rows(&app).await;
    assert_eq!(rows.len(), 3);
    assert_ne!(rows[2].4, rows[0].4, "a new payout, a new key");
    assert_eq!(rows[2].5, nets[0].0);
    assert_ledger_ok(&app).await;

    // A destination Stripe no longer lets receive transfers is refused the same way.
    let account = stripe_account(&app, c.mara).await.unwrap();
    let ana2 = user(&db, "Ana2").await;
    tip(&app.state, ana2, c.mara, "7").await;
    card(&app.state, ana2, pm::SUCCESS, 1).await;
    run_default_billing(&app, date("2026-12-01")).await;
    // (Ana's pledge renewed too: two new charges, two transfers.)
    fake.finish_onboarding(&account, false);
    let s = run(&app).await;
    assert_eq!((s.planned, s.sent, s.failed.len()), (2, 0, 2), "{s:?}");
    assert!(
        s.failed
            .iter()
            .all(|f| f.2 == "insufficient_capabilities_for_transfer")
    );
    let after: i64 = self::nets(&app, c.mara).await.iter().map(|n| n.2).sum();
    let before: i64 = nets.iter().map(|n| n.2).sum();
    assert_eq!(available(&app, c.mara).await, after - before);
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn a_reversed_transfer_returns_its_donations_once() {
    let fake = FakeStripe::start().await;
    let app = fake.spawn_app().await;
    let db = app.state.db.clone();
    let c = charged(&app).await;
    onboard(&app, &fake, c.mara).await;
    run(&app).await;
    let rows = transfer_rows(&app).await;
    let (_, payout, _, tr, _, charge) = rows[1].clone();
    let tr = tr.unwrap();
    let net = nets(&app, c.mara)
        .await
        .into_iter()
        .find(|n| n.0 == charge)
        .unwrap()
        .2;
    let transfer = fake.object(&tr).unwrap();
    // A partial reversal is left to the operator.
    let mut partial = transfer.clone();
    partial["amount_reversed"] = json!(1);
    assert_eq!(
        deliver(&app, "evt_rev_0", "transfer.reversed", 1, partial).await,
        200
    );
    assert_eq!(available(&app, c.mara).await, 0);
    let mut reversed = transfer.clone();
    reversed["reversed"] = json!(true);
    reversed["amount_reversed"] = transfer["amount"].clone();
    let entries_before = scalar(&db, "select count(*) from journal_entries").await;
    assert_eq!(
        deliver(&app, "evt_rev_1", "transfer.reversed", 2, reversed.clone()).await,
        200
    );
    assert_eq!(available(&app, c.mara).await, net);
    let status: (String,) =
        sqlx::query_as("select status from stripe_transfers where transfer_ref = $1")
            .bind(&tr)
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(status.0, "reversed");
    let (returned,): (Option<i64>,) =
        sqlx::query_as("select returned_at from payouts where id = $1")
            .bind(payout)
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert!(returned.is_some());
    let entries = scalar(&db, "select count(*) from journal_entries").await;
    assert_eq!(entries, entries_before + 1);
    assert_ledger_ok(&app).await;
    // Delivered again, or as a second event about the same transfer: nothing changes.
    assert_eq!(
        deliver(&app, "evt_rev_1", "transfer.reversed", 2, reversed.clone()).await,
        200
    );
    assert_eq!(
        deliver(&app, "evt_rev_2", "transfer.reversed", 3, reversed).await,
        200
    );
    assert_eq!(
        scalar(&db, "select count(*) from journal_entries").await,
        entries
    );
    assert_eq!(available(&app, c.mara).await, net);
    // A transfer Chipin never made is ignored.
    let stranger = fixture("transfer", json!({"id": "tr_not_ours", "reversed": true}));
    assert_eq!(
        deliver(&app, "evt_rev_3", "transfer.reversed", 4, stranger).await,
        200
    );
    assert_ledger_ok(&app).await;
    // The donor's trail no longer counts the reversed payout.
    let (item,): (i64,) = sqlx::query_as(
        "select a.item_id from allocations a where a.charge_id = $1 and a.recipient_id = $2 limit 1",
    )
    .bind(charge)
    .bind(c.mara)
    .fetch_one(db.pool())
    .await
    .unwrap();
    let (supporter,): (i64,) =
        sqlx::query_as("select supporter_id from donation_items where id = $1")
            .bind(item)
            .fetch_one(db.pool())
            .await
            .unwrap();
    let trail = app::domain::books::trail::donation(&db, supporter, item)
        .await
        .unwrap()
        .unwrap();
    assert!(trail.payouts.is_empty());
    assert!(trail.unpaid_minor > 0);
    let _ = c.ana;
}

/// The state of every payout of `recipient`: (id, status, recorded by).
async fn payout_states(app: &TestApp, recipient: i64) -> Vec<(i64, String, String)> {
    sqlx::query_as(
        "select id, status, recorded_by from payouts where recipient_id = $1 order by id",
    )
    .bind(recipient)
    .fetch_all(app.state.db.pool())
    .await
    .unwrap()
}

#[tokio::test]
async fn nobody_marks_a_stripe_payout_arrived_by_hand_and_its_transfer_still_pays_once() {
    let fake = FakeStripe::start().await;
    let app = fake.spawn_app().await;
    let db = app.state.db.clone();
    let c = charged(&app).await;
    app.sign_up_and_log_in("mara@example.org", "Mara").await;
    give_to(&app, c.mara, "mara@example.org").await;
    let owner = owner_of(&db, c.mara).await;
    onboard(&app, &fake, c.mara).await;
    let total = available(&app, c.mara).await;
    // The run plans and commits Mara's payouts, then stops before calling Stripe.
    let e = connect::run(
        &db,
        stripe(&app),
        date("2026-11-20"),
        Some(ConnectFault::AfterPlan),
    )
    .await;
    assert!(matches!(e, Err(ConnectError::Injected(_))));
    let before = payout_states(&app, c.mara).await;
    assert_eq!(before.len(), 2);
    assert!(
        before
            .iter()
            .all(|p| p.1 == "in_transit" && p.2 == "processor")
    );
    let payout = before[0].0;
    let entries = scalar(&db, "select count(*) from journal_entries").await;

    // The studio's "Mark as arrived", posted by the owner anyway, is refused.
    let a = post(
        &app,
        "trail/mark_payout_paid",
        &[
            ("recipient_id", c.mara.to_string()),
            ("payout_id", payout.to_string()),
        ],
    )
    .await;
    assert_eq!(a.status, 400, "{a:?}");
    assert!(a.error_message().contains("sent by Stripe"), "{a:?}");
    // So is the domain call, for the owner and for the operator, and the command line.
    assert!(matches!(
        payouts::mark_paid(&db, payout, Some(owner)).await,
        Err(PayoutError::SentByProcessor)
    ));
    assert!(matches!(
        payouts::mark_paid(&db, payout, None).await,
        Err(PayoutError::SentByProcessor)
    ));
    let e = server::cli::payouts::mark_paid(&app.state, payout)
        .await
        .unwrap_err();
    assert!(
        server::cli::error_chain(&e).contains("sent by Stripe"),
        "{e}"
    );
    // Nothing changed.
    assert_eq!(payout_states(&app, c.mara).await, before);
    assert_eq!(
        scalar(&db, "select count(*) from journal_entries").await,
        entries
    );
    assert_ledger_ok(&app).await;

    // The run sends both transfers, marks both payouts arrived, and pays exactly once.
    let s = run(&app).await;
    assert_eq!((s.planned, s.sent, s.waiting), (0, 2, 0), "{s:?}");
    assert!(s.errors.is_empty() && s.failed.is_empty(), "{s:?}");
    let made = fake.transfers_created();
    assert_eq!(made.len(), 2);
    let sent: i64 = made
        .iter()
        .map(|(r, _)| r.field("amount").unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(sent, total);
    assert!(
        payout_states(&app, c.mara)
            .await
            .iter()
            .all(|p| p.1 == "paid")
    );
    assert!(transfer_rows(&app).await.iter().all(|r| r.2 == "sent"));
    assert_eq!(available(&app, c.mara).await, 0);
    // Arrived now, still refused by hand: it is the run's to change, not the owner's.
    let a = post(
        &app,
        "trail/mark_payout_paid",
        &[
            ("recipient_id", c.mara.to_string()),
            ("payout_id", payout.to_string()),
        ],
    )
    .await;
    assert_eq!(a.status, 400, "{a:?}");
    let s = run(&app).await;
    assert_eq!((s.planned, s.sent), (0, 0), "{s:?}");
    assert_eq!(fake.transfers_created().len(), 2);
    assert_ledger_ok(&app).await;
}

/// Makes recording a made transfer of `recipient` fail in the database, as a hard error
/// would (a broken row, a full disk): the transfer's commit is refused.
async fn jam(app: &TestApp, recipient: i64) {
    use app::domain::platform::db::Backend;
    let sql = match app.state.db.backend() {
        Backend::Sqlite => vec![format!(
            "create trigger test_jam before update of status on stripe_transfers \
             when new.status = 'sent' and old.recipient_id = {recipient} \
             begin select raise(abort, 'jammed for a test'); end"
        )],
        Backend::Postgres => vec![
            "create function test_jam() returns trigger language plpgsql as \
             $$ begin raise exception 'jammed for a test'; end $$"
                .to_owned(),
            format!(
                "create trigger test_jam before update on stripe_transfers for each row \
                 when (new.status = 'sent' and old.recipient_id = {recipient}) \
                 execute function test_jam()"
            ),
        ],
    };
    for statement in sql {
        sqlx::raw_sql(&statement)
            .execute(app.state.db.pool())
            .await
            .unwrap();
    }
}

async fn unjam(app: &TestApp) {
    use app::domain::platform::db::Backend;
    let sql = match app.state.db.backend() {
        Backend::Sqlite => "drop trigger test_jam",
        Backend::Postgres => "drop trigger test_jam on stripe_transfers",
    };
    sqlx::raw_sql(sql)
        .execute(app.state.db.pool())
        .await
        .unwrap();
}

#[tokio::test]
async fn one_page_whose_transfers_fail_hard_does_not_stop_another_page_being_paid() {
    let fake = FakeStripe::start().await;
    let app = fake.spawn_app().await;
    let db = app.state.db.clone();
    let c = charged(&app).await;
    onboard(&app, &fake, c.mara).await;
    onboard(&app, &fake, c.tomas).await;
    let tomas_total = available(&app, c.tomas).await;
    assert!(tomas_total > 0);
    // Mara's transfers are made at Stripe, but recording them fails; Tomas comes after her.
    jam(&app, c.mara).await;
    let s = run(&app).await;
    assert_eq!((s.planned, s.sent), (3, 1), "{s:?}");
    assert_eq!(s.errors.len(), 2, "{s:?}");
    assert!(
        s.errors
            .iter()
            .all(|e| e.0 == c.mara && e.1.is_some() && e.2.contains("jammed")),
        "{s:?}"
    );
    assert_eq!(fake.transfers_created().len(), 3);
    assert_eq!(available(&app, c.tomas).await, 0, "Tomas was paid");
    assert!(
        payout_states(&app, c.tomas)
            .await
            .iter()
            .all(|p| p.1 == "paid")
    );
    let (left,): (i64,) = sqlx::query_as(
        "select count(*) from stripe_transfers where recipient_id = $1 \
         and status = 'planned' and first_sent_at is not null",
    )
    .bind(c.mara)
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(
        left, 2,
        "Mara's transfers stay planned, marked as sent once"
    );
    assert_ledger_ok(&app).await;

    // The operator's run while still jammed: the errors are printed, nothing is sent again.
    let out = server::cli::payouts::stripe_run(&app.state, Some(date("2026-11-21")))
        .await
        .unwrap();
    assert!(out.contains("errors:            2"), "{out}");
    assert!(out.contains(&format!("to page {}", c.mara)), "{out}");
    assert_eq!(fake.transfers_created().len(), 3);
    assert_ledger_ok(&app).await;

    // Fixed: Mara's transfers are found at Stripe and recorded; nobody is paid twice.
    unjam(&app).await;
    let s = run(&app).await;
    assert_eq!((s.planned, s.sent, s.found), (0, 2, 2), "{s:?}");
    assert!(s.errors.is_empty(), "{s:?}");
    assert_eq!(fake.transfers_created().len(), 3);
    assert_eq!(fake.requests_to("POST", "/v1/transfers").len(), 3);
    assert!(transfer_rows(&app).await.iter().all(|r| r.2 == "sent"));
    assert_eq!(available(&app, c.mara).await, 0);
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn a_transfer_whose_answer_was_lost_is_found_by_its_group_after_stripe_forgot_the_key() {
    let fake = FakeStripe::start().await;
    let app = fake.spawn_app().await;
    let c = charged(&app).await;
    onboard(&app, &fake, c.mara).await;
    let total = available(&app, c.mara).await;
    // The first transfer is made, but its answer never arrives.
    fake.drop_next_transfer_answers(1);
    let s = run(&app).await;
    assert_eq!((s.planned, s.sent, s.waiting), (2, 1, 1), "{s:?}");
    assert_eq!(fake.transfers_created().len(), 2);
    let rows = transfer_rows(&app).await;
    assert_eq!(rows[0].2, "planned");
    assert_ledger_ok(&app).await;
    // More than 24 hours later Stripe has forgotten the key: resending it would pay again.
    fake.forget_idempotency_keys();
    let s = run(&app).await;
    assert_eq!(
        (s.planned, s.sent, s.found, s.waiting),
        (0, 1, 1, 0),
        "{s:?}"
    );
    let made = fake.transfers_created();
    assert_eq!(made.len(), 2, "nobody was paid twice");
    assert_eq!(fake.requests_to("POST", "/v1/transfers").len(), 2);
    let lookups = fake.requests_to("GET", "/v1/transfers");
    assert_eq!(lookups.len(), 1);
    assert_eq!(
        lookups[0].field("transfer_group"),
        Some(
            format!(
                "{}-chipin-payout-{}",
                app.state.db.installation_id(),
                rows[0].1
            )
            .as_str()
        )
    );
    let rows = transfer_rows(&app).await;
    assert!(rows.iter().all(|r| r.2 == "sent"));
    assert_eq!(rows[0].3.as_deref(), Some(made[0].1.as_str()));
    let sent: i64 = made
        .iter()
        .map(|(r, _)| r.field("amount").unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(sent, total);
    assert_eq!(available(&app, c.mara).await, 0);
    assert!(
        payout_states(&app, c.mara)
            .await
            .iter()
            .all(|p| p.1 == "paid")
    );
    assert_ledger_ok(&app).await;
}

/// The payout run under chaos: two `server payouts stripe-run` processes of the real binary,
/// against the fake Stripe (every transfer takes 15 ms), while new charges keep paying the
/// page; one process is killed with SIGKILL at a random moment in each round (planning,
/// waiting for Stripe's answer, recording it) until 20 were killed at work. Then every payout
/// was made by exactly one transfer at Stripe, the transfers add up to everything the page
/// earned, nothing is left to pay, and the ledger check passes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payout_runs_killed_at_random_moments_pay_every_payout_exactly_once() {
    use rand::Rng as _;
    use std::collections::HashMap;
    let fake = FakeStripe::start().await;
    fake.slow_transfers(15);
    let app = fake.spawn_app().await;
    let c = charged(&app).await;
    onboard(&app, &fake, c.mara).await;
    let dir = tempfile::tempdir().unwrap();
    let start = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["payouts", "stripe-run", "--as-of", "2026-11-20"])
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", &app.database_url)
            .env("STRIPE_SECRET_KEY", "sk_test_chipin_fake")
            .env("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
            .env(
                "STRIPE_PUBLISHABLE_KEY",
                crate::fake_stripe::PUBLISHABLE_KEY,
            )
            .env("STRIPE_API_BASE", &fake.url)
            .env("RUST_LOG", "error")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("a payout run process")
    };
    let mut kills = 0;
    let mut round = 0;
    // Rounds until 20 runs were killed at work (a run may finish before its moment comes).
    while kills < 20 && round < 80 {
        // New money for the page: two supporters tip and are charged through Stripe.
        for k in 0..2 {
            let fan = user(&app.state.db, &format!("Chaos fan {round}-{k}")).await;
            tip(&app.state, fan, c.mara, "4").await;
            card(&app.state, fan, pm::SUCCESS, 1).await;
        }
        run_default_billing(&app, date("2026-11-01")).await;
        let mut runs = [start(), start()];
        let wait = rand::thread_rng().gen_range(10..200);
        tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
        let victim = round % 2;
        if runs[victim].try_wait().unwrap().is_none() {
            runs[victim].kill().unwrap();
            kills += 1;
        }
        for r in &mut runs {
            r.wait().unwrap();
        }
        round += 1;
    }
    // One last run, in this process, finishes what the killed ones left.
    let last = run(&app).await;
    assert!(last.errors.is_empty(), "{last:?}");
    assert!(
        kills >= 20,
        "only {kills} runs in {round} rounds were still at work when killed"
    );

    let made = fake.transfers_created();
    let mut per_group: HashMap<String, usize> = HashMap::new();
    for (r, _) in &made {
        *per_group
            .entry(r.field("transfer_group").unwrap().to_owned())
            .or_default() += 1;
    }
    assert!(
        per_group.values().all(|n| *n == 1),
        "a payout was transferred twice: {per_group:?}"
    );
    let rows = transfer_rows(&app).await;
    assert!(
        rows.iter().all(|r| r.2 == "sent" && r.3.is_some()),
        "{rows:?}"
    );
    assert_eq!(rows.len(), made.len(), "one transfer row per transfer made");
    let sent: i64 = made
        .iter()
        .map(|(r, _)| r.field("amount").unwrap().parse::<i64>().unwrap())
        .sum();
    let earned: i64 = nets(&app, c.mara).await.iter().map(|n| n.2).sum();
    assert_eq!(sent, earned, "the transfers add up to what the page earned");
    assert_eq!(available(&app, c.mara).await, 0);
    assert_ledger_ok(&app).await;
    eprintln!(
        "payout chaos: {round} rounds, {kills} runs killed at work, {} transfers made, {} found \
         by the last run",
        made.len(),
        last.found
    );
}
