//! The page a "confirm your payment" email links to: only the charge's supporter sees it, and
//! answering the simulated bank's challenge settles the charge once — paid like any charge of a
//! run, or declined into the retry schedule.

use crate::helpers::{Answer, TestApp, spawn_app};
use crate::population::{recipient, scalar, tier};
use app::domain::billing::simulated::methods;
use app::domain::{billing, ledger};
use app::model::{BillingDashboard, ChargeStatus, DonationStatus};
use chrono::{NaiveDate, Utc};

async fn run_billing(app: &TestApp, as_of: NaiveDate) -> billing::RunSummary {
    let state = &app.state;
    billing::run(
        &state.db,
        state.processor.as_ref(),
        &state.billing,
        as_of,
        &|_| {},
    )
    .await
    .expect("billing run")
}

/// A fan who pledged to "mara" at her $7 tier and tipped the cause "library" $3, with a card
/// that asks for authentication, after a run: returns the waiting charge's page path.
async fn charge_waiting_for_the_fan(app: &TestApp) -> String {
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
        (
            "set_payment_method",
            vec![("payment_method", methods::REQUIRES_AUTHENTICATION)],
        ),
        ("set_billing_day", vec![("billing_day", "1")]),
    ] {
        let a = app.call(f, &fields).await;
        assert!(a.status < 400, "{f}: {a:?}");
    }
    let s = run_billing(app, Utc::now().date_naive()).await;
    assert_eq!(s.charges_requiring_action, 1);
    let link = app
        .last_link_to("fan@example.org")
        .await
        .expect("the confirm-your-payment email");
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
    assert!(ledger::check(db).await.unwrap().is_ok());
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
    assert!(ledger::check(db).await.unwrap().is_ok());
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
