//! A tip not yet charged can be changed or removed by its supporter, and only by them, until a
//! billing run claims it; large amounts ask first; the fee of the amount typed shows in the
//! give forms without WebAssembly, and the home page's saving comes from the fee model.

use crate::helpers::{
    TestApp, assert_ledger_ok, date, post, run_billing, spawn_app, spawn_app_with, user_id,
};
use crate::population::*;
use app::domain::billing::{self, BillingConfig, FaultPoint};
use app::domain::giving::pending_tips::{self, TipChange};
use app::domain::giving::pledges::PledgeError;
use app::domain::platform::said::Said;
use app::domain::processors::simulated::methods;
use app::money::{Currency, format_money};
use std::sync::Arc;

/// The billing day of every test here, and a run on it.
const RUN_ON: &str = "2027-01-01";

async fn item(app: &TestApp, tip: i64) -> (String, i64, Option<i64>) {
    sqlx::query_as("select status, gross_minor, charge_id from donation_items where tip_id = $1")
        .bind(tip)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
}

async fn tip_row(app: &TestApp, tip: i64) -> (i64, String) {
    sqlx::query_as("select amount_minor, message from tips where id = $1")
        .bind(tip)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
}

/// The only tip of the supporter with this email.
async fn tip_of(app: &TestApp, email: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("select id from tips where supporter_id = $1")
        .bind(user_id(app, email).await)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    id
}

fn change(tip: i64, amount: &str) -> TipChange<'_> {
    TipChange {
        tip_id: tip,
        amount,
        message: "",
        confirmed: None,
    }
}

/// Charges whose amount is not the sum of the items they settle.
async fn charges_off(app: &TestApp) -> i64 {
    scalar(
        &app.state.db,
        "select count(*) from charges c where c.amount_minor <> \
         (select cast(coalesce(sum(i.gross_minor), 0) as bigint) from donation_items i where i.charge_id = c.id)",
    )
    .await
}

#[tokio::test]
async fn only_the_supporter_who_tipped_can_change_or_remove_the_tip() {
    let mut app = spawn_app().await;
    recipient(&app.state.db, "library", "USD").await;
    app.sign_up_and_log_in("fan@example.org", "Fan").await;
    let a = app
        .call(
            "create_tip",
            &[
                ("slug", "library"),
                ("amount", "3"),
                ("message", "Hi"),
                ("visibility", "public"),
            ],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    let tip = tip_of(&app, "fan@example.org").await;
    let id = tip.to_string();

    app.new_browser();
    app.sign_up_and_log_in("other@example.org", "Other").await;
    let a = app
        .call("change_tip", &[("tip_id", &id), ("amount", "1")])
        .await;
    assert_eq!(a.status, 404, "{a:?}");
    let a = app.call("remove_tip", &[("tip_id", &id)]).await;
    assert_eq!(a.status, 404, "{a:?}");
    assert_eq!(item(&app, tip).await, ("pending".to_owned(), 300, None));
    assert_eq!(tip_row(&app, tip).await, (300, "Hi".to_owned()));

    app.new_browser();
    let a = app
        .call("change_tip", &[("tip_id", &id), ("amount", "1")])
        .await;
    assert_eq!(a.status, 401, "logged out: {a:?}");

    app.new_browser();
    app.csrf().await;
    // The owner, logged in again through the form.
    let a = app
        .call(
            "log_in",
            &[
                ("email", "fan@example.org"),
                ("password", crate::helpers::PASSWORD),
            ],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    let a = app
        .call(
            "change_tip",
            &[("tip_id", &id), ("amount", "4.50"), ("message", "Hello")],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    assert_eq!(item(&app, tip).await, ("pending".to_owned(), 450, None));
    assert_eq!(tip_row(&app, tip).await, (450, "Hello".to_owned()));
    let a = app.call("remove_tip", &[("tip_id", &id)]).await;
    assert!(a.status < 400, "{a:?}");
    assert_eq!(item(&app, tip).await.0, "voided");
    let a = app.call("remove_tip", &[("tip_id", &id)]).await;
    assert_eq!(a.status, 400, "{a:?}");
    assert_eq!(a.error_message(), "This tip was already removed.");
}

#[tokio::test]
async fn a_removed_tip_is_not_charged_and_the_ledger_still_balances() {
    let app = spawn_app().await;
    let (fan, _, _) = fan_of_mara_and_tomas(&app.state, methods::SUCCEEDS).await;
    let (tip,): (i64,) = sqlx::query_as("select id from tips where supporter_id = $1")
        .bind(fan)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    pending_tips::remove(&app.state, fan, tip).await.unwrap();
    run_billing(&app, date(RUN_ON)).await;
    let (status, _, charge) = item(&app, tip).await;
    assert_eq!((status.as_str(), charge), ("voided", None));
    let charged = scalar(
        &app.state.db,
        "select cast(coalesce(sum(amount_minor), 0) as bigint) from charges where status = 'succeeded'",
    )
    .await;
    assert_eq!(charged, 500, "only the $5 pledge is charged");
    assert_eq!(charges_off(&app).await, 0);
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn a_changed_tip_is_charged_at_the_new_amount_exactly_once() {
    let app = spawn_app().await;
    let (fan, _, _) = fan_of_mara_and_tomas(&app.state, methods::SUCCEEDS).await;
    let (tip,): (i64,) = sqlx::query_as("select id from tips where supporter_id = $1")
        .bind(fan)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let changed = pending_tips::change(
        &app.state,
        fan,
        TipChange {
            tip_id: tip,
            amount: "4.25",
            message: "More for the tools",
            confirmed: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(changed.minor, 425);
    run_billing(&app, date(RUN_ON)).await;
    run_billing(&app, date(RUN_ON)).await;
    let (status, gross, charge) = item(&app, tip).await;
    assert_eq!((status.as_str(), gross), ("paid", 425));
    let charge = charge.expect("charged");
    let (amount,): (i64,) = sqlx::query_as("select amount_minor from charges where id = $1")
        .bind(charge)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(amount, 500 + 425);
    assert_eq!(
        scalar(&app.state.db, "select count(*) from charges").await,
        1,
        "one charge, once"
    );
    assert_eq!(
        tip_row(&app, tip).await,
        (425, "More for the tools".to_owned())
    );
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn a_tip_a_run_has_claimed_cannot_be_changed_or_removed() {
    let app = spawn_app().await;
    let (fan, _, _) = fan_of_mara_and_tomas(&app.state, methods::SUCCEEDS).await;
    let (tip,): (i64,) = sqlx::query_as("select id from tips where supporter_id = $1")
        .bind(fan)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    // A run that committed its intent and stopped before calling the processor: the tip is
    // claimed (charging), not yet paid.
    let stopping = BillingConfig {
        fault: Some(FaultPoint::AfterIntents),
        claim_lease_secs: 0,
        ..BillingConfig::default()
    };
    let stopped = billing::run(
        &app.state.db,
        app.state.processor.as_ref(),
        &stopping,
        date(RUN_ON),
        &|_| {},
    )
    .await;
    assert!(stopped.is_err());
    let claimed = item(&app, tip).await;
    assert_eq!(claimed.0, "charging");
    for attempt in [
        pending_tips::change(&app.state, fan, change(tip, "1"))
            .await
            .err(),
        pending_tips::remove(&app.state, fan, tip).await.err(),
    ] {
        match attempt {
            Some(PledgeError::Conflict(m)) => assert_eq!(m, already_charging()),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
    assert_eq!(item(&app, tip).await, claimed, "nothing changed");
    assert_eq!(tip_row(&app, tip).await.0, 300);

    // Once paid, the same.
    run_billing(&app, date(RUN_ON)).await;
    assert_eq!(item(&app, tip).await.0, "paid");
    assert!(matches!(
        pending_tips::remove(&app.state, fan, tip).await,
        Err(PledgeError::Conflict(m)) if m == already_charging()
    ));
    assert_eq!(item(&app, tip).await.0, "paid");
    assert_ledger_ok(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn removals_and_changes_racing_a_billing_run_end_one_way_only() {
    const FANS: usize = 40;
    let app = spawn_app().await;
    let db = &app.state.db;
    let to = recipient(db, "mara", "USD").await;
    let mut tips = Vec::new();
    for n in 0..FANS {
        let fan = user(db, &format!("Racer{n}")).await;
        card(&app.state, fan, methods::SUCCEEDS, 1).await;
        tips.push((fan, tip(&app.state, fan, to, "3").await));
    }
    let tips = Arc::new(tips);
    // Half the fans remove their tip and half raise it to $4, all while a run gathers.
    let racers = {
        let state = app.state.clone();
        let tips = tips.clone();
        tokio::spawn(async move {
            let mut outcomes = Vec::new();
            for (n, &(fan, tip)) in tips.iter().enumerate() {
                let done = if n % 2 == 0 {
                    pending_tips::remove(&state, fan, tip).await.map(|_| ())
                } else {
                    pending_tips::change(&state, fan, change(tip, "4"))
                        .await
                        .map(|_| ())
                };
                outcomes.push((tip, n % 2 == 0, done));
            }
            outcomes
        })
    };
    let config = BillingConfig {
        batch_size: 7,
        ..BillingConfig::default()
    };
    let run = billing::run(
        db,
        app.state.processor.as_ref(),
        &config,
        date(RUN_ON),
        &|_| {},
    );
    let (outcomes, run) = tokio::join!(racers, run);
    run.expect("the run");
    let outcomes = outcomes.unwrap();
    // Anything the run claimed first is charged in the next run of the cycle too.
    run_billing(&app, date(RUN_ON)).await;
    let first = outcomes.iter().filter(|(_, _, d)| d.is_ok()).count();
    eprintln!(
        "{first} of {FANS} removals and changes went first; the run claimed the other {}",
        FANS - first
    );
    for (tip, removing, done) in outcomes {
        let (status, gross, charge) = item(&app, tip).await;
        match (removing, done) {
            (true, Ok(())) => assert_eq!((status.as_str(), charge), ("voided", None), "tip {tip}"),
            (false, Ok(())) => {
                assert_eq!((status.as_str(), gross), ("paid", 400), "tip {tip}");
                assert_eq!(tip_row(&app, tip).await.0, 400);
            }
            (_, Err(PledgeError::Conflict(m))) => {
                assert_eq!(m, already_charging());
                assert_eq!((status.as_str(), gross), ("paid", 300), "tip {tip}");
                assert_eq!(tip_row(&app, tip).await.0, 300);
            }
            (_, Err(e)) => panic!("tip {tip}: {e}"),
        }
    }
    assert_eq!(
        charges_off(&app).await,
        0,
        "charges whose items do not add up"
    );
    assert_eq!(
        scalar(
            db,
            "select count(*) from donation_items where status in ('pending', 'charging')"
        )
        .await,
        0
    );
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn a_large_amount_is_recorded_only_once_its_supporter_confirms_it() {
    let app = spawn_app_with(&[("TIPS_PER_ACCOUNT_HOUR", "1")]).await;
    recipient(&app.state.db, "library", "USD").await;
    recipient(&app.state.db, "jiwoo", "KRW").await;
    app.sign_up_and_log_in("fan@example.org", "Fan").await;

    let a = app
        .call(
            "create_tip",
            &[
                ("slug", "library"),
                ("amount", "250"),
                ("visibility", "public"),
            ],
        )
        .await;
    assert_eq!(a.status, 400, "{a:?}");
    assert_eq!(a.error_field().as_deref(), Some("confirm_large"));
    assert_eq!(a.error_message(), "Give $250.00 to library?");
    let a = app
        .call(
            "create_tip",
            &[
                ("slug", "library"),
                ("amount", "250"),
                ("visibility", "public"),
                ("confirm_large", "2500"),
            ],
        )
        .await;
    assert_eq!(
        a.error_field().as_deref(),
        Some("confirm_large"),
        "another amount's yes"
    );
    let a = app
        .call(
            "create_pledge",
            &[
                ("slug", "library"),
                ("amount", "100.01"),
                ("tier_id", "custom"),
                ("visibility", "public"),
            ],
        )
        .await;
    assert_eq!(a.error_message(), "Give $100.01 to library?");
    assert_eq!(app.count("tips").await, 0);
    assert_eq!(app.count("pledges").await, 0);
    assert_eq!(app.count("donation_items").await, 0);

    // $100 exactly and ₩100,000 do not ask; the confirmed amount is recorded.
    let a = app
        .call(
            "create_tip",
            &[
                ("slug", "jiwoo"),
                ("amount", "100000"),
                ("visibility", "public"),
            ],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    let a = app
        .call(
            "create_pledge",
            &[
                ("slug", "library"),
                ("amount", "100.01"),
                ("tier_id", "custom"),
                ("visibility", "public"),
                ("confirm_large", "10001"),
            ],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    assert_eq!(app.count("pledges").await, 1);

    // Changing the tip is not a new tip (the hourly limit is 1 and was used), but a large
    // new amount asks too.
    let tip = tip_of(&app, "fan@example.org").await.to_string();
    let a = app
        .call("change_tip", &[("tip_id", &tip), ("amount", "5000")])
        .await;
    assert!(a.status < 400, "{a:?}");
    let a = app
        .call("change_tip", &[("tip_id", &tip), ("amount", "150000")])
        .await;
    assert_eq!(a.error_message(), "Change your tip to jiwoo to ₩150,000?");
    let a = app
        .call(
            "change_tip",
            &[
                ("tip_id", &tip),
                ("amount", "150000"),
                ("confirm_large", "150000"),
            ],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    let (amount, _) = tip_row(&app, tip.parse().unwrap()).await;
    assert_eq!(amount, 150_000);
    assert_eq!(item(&app, tip.parse().unwrap()).await.1, 150_000);
}

#[tokio::test]
async fn without_javascript_a_large_tip_asks_at_the_field_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    recipient(&app.state.db, "library", "USD").await;
    app.sign_up_and_log_in("fan@example.org", "Fan").await;
    let fields = [
        ("slug", "library"),
        ("amount", "250"),
        ("message", "For the new roof"),
        ("visibility", "public"),
    ];
    let a = app.submit_form("create_tip", &fields, "/c/library").await;
    assert!(a.status >= 300 && a.status < 400, "{a:?}");
    assert_eq!(app.count("tips").await, 0);
    let html = app.get("/c/library").await.text().await.unwrap();
    let ask = html
        .split("id=\"tip-confirm_large\"")
        .nth(1)
        .expect("the question at the tip's amount");
    assert!(ask.contains("Give $250.00 to library?"), "{ask}");
    assert!(
        ask.contains("name=\"confirm_large\" value=\"25000\""),
        "{ask}"
    );
    assert!(ask.contains("Yes, give $250.00"), "{ask}");
    assert!(html.contains("For the new roof"), "the message is kept");
    // The fee of the amount typed shows beside the question.
    let fee = html
        .split("id=\"tip-fee\"")
        .nth(1)
        .expect("the fee preview");
    assert!(fee.contains("$250.00"), "{fee}");

    let mut confirmed = fields.to_vec();
    confirmed.push(("confirm_large", "25000"));
    let a = app
        .submit_form("create_tip", &confirmed, "/c/library")
        .await;
    assert_eq!(
        a.location.as_deref(),
        Some("/account/billing?added=tip"),
        "{a:?}"
    );
    assert_eq!(app.count("tips").await, 1);
}

#[tokio::test]
async fn without_javascript_the_preview_button_shows_the_fee_of_the_amount_typed() {
    let app = spawn_app().await;
    recipient(&app.state.db, "library", "USD").await;
    app.sign_up_and_log_in("fan@example.org", "Fan").await;
    let token = app.csrf().await;
    let res = app
        .client
        .post(app.url(app::components::form::GIVE_PREVIEW_PATH))
        .header("origin", &app.base)
        .header("sec-fetch-site", "same-origin")
        .header("accept", "text/html")
        .form(&[
            ("slug", "library"),
            ("amount", "7"),
            ("message", "Story hour"),
            ("preview", "tip"),
            (app::web::CSRF_FIELD, token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let back = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(back, "/c/library#tip");
    assert!(!back.contains('7') && !back.contains("Story"));
    assert_eq!(app.count("tips").await, 0, "a preview gives nothing");

    let html = app.get("/c/library").await.text().await.unwrap();
    let amount = html
        .split("id=\"tip-amount\"")
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .expect("the tip amount input");
    assert!(
        amount.contains("value=\"7\""),
        "the amount is kept: {amount}"
    );
    assert!(html.contains("Story hour"));
    let fee = html
        .split("id=\"tip-fee\"")
        .nth(1)
        .and_then(|rest| rest.split("</div>").next())
        .expect("the fee preview");
    // 2.9% of $7.00 rounds to 20¢, plus 30¢: alone in the charge, it bears all 50¢.
    assert!(fee.contains("Fee: $0.50 of $7.00"), "{fee}");
    // No separate preview form asks for the amount again.
    assert!(!html.contains("preview-amount"));
    assert!(!html.contains("method=\"get\" action=\"/c/library"));
}

#[tokio::test]
async fn the_home_page_example_is_worked_out_by_the_fee_model() {
    let app = spawn_app().await;
    let html = app.get("/").await.text().await.unwrap();
    let fees = app.state.processor.fee_schedule(Currency::USD);
    let alone = fees.estimate(100);
    let combined = fees.estimate(500);
    let shares = app::domain::billing::fee_split::split(combined, &[100; 5]).unwrap();
    // What the specification promises for the standard card fee: 33¢ alone, 45¢ for five.
    assert_eq!((alone, combined), (33, 45));
    let m = |minor: i64| format_money(minor, "USD");
    let example = html
        .split("id=\"fee-example\"")
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .expect("the example on the home page");
    assert!(
        example.contains(&format!(
            "A {} tip charged alone loses {} to the card fee",
            m(100),
            m(alone)
        )),
        "{example}"
    );
    assert!(
        example.contains(&format!("one fee of {}", m(combined))),
        "{example}"
    );
    assert!(
        example.contains(&format!("about {} each", m(*shares.iter().max().unwrap()))),
        "{example}"
    );
    assert!(
        example.contains(&format!("{} saved", m(alone * 5 - combined))),
        "{example}"
    );
}

#[tokio::test]
async fn the_billing_page_offers_change_and_remove_for_pending_tips_only() {
    let app = spawn_app().await;
    recipient(&app.state.db, "library", "USD").await;
    app.sign_up_and_log_in("fan@example.org", "Fan").await;
    post(
        &app,
        "create_tip",
        &[
            ("slug", "library".into()),
            ("amount", "3".into()),
            ("visibility", "public".into()),
        ],
    )
    .await;
    let tip = tip_of(&app, "fan@example.org").await;
    let html = app.get("/account/billing").await.text().await.unwrap();
    assert!(html.contains("action=\"/api/change_tip\""), "a change form");
    assert!(
        html.contains("value=\"/api/remove_tip\""),
        "a remove button that asks first"
    );
    assert!(html.contains(&format!("name=\"tip_id\" value=\"{tip}\"")));
    assert!(
        html.contains("the card fee is not added on top"),
        "the page says the fee is inside the amounts"
    );
    let fan = user_id(&app, "fan@example.org").await;
    pending_tips::remove(&app.state, fan, tip).await.unwrap();
    let html = app.get("/account/billing").await.text().await.unwrap();
    assert!(
        !html.contains("action=\"/api/change_tip\""),
        "nothing left to change"
    );
}

/// What a supporter is told when a billing run got to their tip first.
fn already_charging() -> Said {
    Said::message("give-err-tip-charging")
}
