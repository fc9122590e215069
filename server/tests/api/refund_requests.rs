//! Supporters' refund requests and what page owners see of refunds and disputes: only the
//! paying supporter may ask, within the window, once while a request is open; only the page's
//! owner answers; approving refunds once through the one refund mechanism however it is
//! clicked; declining emails the reason; spent cause money stays refused; disputes reach the
//! page's owner and nobody else.

use crate::helpers::{
    TestApp, assert_ledger_ok, date, give_to, post, run_default_billing, spawn_app, user_id,
};
use crate::population::*;
use crate::trail::{charged_tips, make_cause};
use app::domain::billing::refunds::RefundError;
use app::domain::giving::refund_requests::{self, RequestError};
use app::domain::payouts::expenses::{self, ExpenseForm};
use app::domain::processors::simulated::methods;

async fn supporter_of(app: &TestApp, item: i64) -> i64 {
    let (s,): (i64,) = sqlx::query_as(
        "select c.supporter_id from allocations a join charges c on c.id = a.charge_id where a.item_id = $1",
    )
    .bind(item)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    s
}

/// Moves the charge that paid `item` to `days_ago` days before now (when it succeeded).
async fn charged_days_ago(app: &TestApp, item: i64, days_ago: i64) {
    let at = chrono::Utc::now().timestamp() - days_ago * 86_400;
    let db = app.state.db.pool();
    sqlx::query(
        "update charges set updated_at = $1 where id = (select charge_id from allocations where item_id = $2)",
    )
    .bind(at)
    .bind(item)
    .execute(db)
    .await
    .unwrap();
}

async fn status(app: &TestApp, request: i64) -> String {
    let (s,): (String,) = sqlx::query_as("select status from refund_requests where id = $1")
        .bind(request)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    s
}

async fn refunded_sum(app: &TestApp) -> i64 {
    let (n,): (i64,) =
        sqlx::query_as("select cast(coalesce(sum(amount_minor), 0) as bigint) from refunds")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    n
}

fn subjects(mail: &[(String, String)], part: &str) -> usize {
    mail.iter().filter(|(s, _)| s.contains(part)).count()
}

#[tokio::test]
async fn only_the_supporter_who_paid_can_ask_and_only_once_while_a_request_is_open() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let settings = &app.state.settings;
    let creator = recipient(db, "maker", "USD").await;
    let items = charged_tips(&app, creator, &[("ann", &["10"])]).await;
    let item = items[0].0;
    let ann = supporter_of(&app, item).await;
    let stranger = user(db, "eve").await;
    let owner = owner_of(db, creator).await;
    for who in [stranger, owner] {
        assert!(matches!(
            refund_requests::ask(db, settings, who, item, false, "Please").await,
            Err(RequestError::NotYours)
        ));
    }
    // A reason is required.
    assert!(matches!(
        refund_requests::ask(db, settings, ann, item, false, "   ").await,
        Err(RequestError::Reason)
    ));
    assert_eq!(app.count("refund_requests").await, 0);

    let ids = refund_requests::ask(db, settings, ann, item, false, "I gave twice")
        .await
        .unwrap();
    assert_eq!(ids.len(), 1);
    // The page's owner is emailed, with the reason and a link to the studio list.
    let mail = app.emails_to("owner-maker@example.org").await;
    assert_eq!(subjects(&mail, "A refund request for maker"), 1, "{mail:?}");
    let text = &mail.last().unwrap().1;
    assert!(text.contains("I gave twice"), "{text}");
    assert!(
        text.contains(&format!("/studio/p/{creator}/refunds")),
        "{text}"
    );
    assert!(
        text.contains(&format!("donation #{item} of $10.00")),
        "{text}"
    );

    // Asking again, even for the whole charge, while it is open: refused, nothing new.
    for whole in [false, true] {
        assert!(matches!(
            refund_requests::ask(db, settings, ann, item, whole, "Again").await,
            Err(RequestError::AlreadyAsked)
        ));
    }
    assert_eq!(app.count("refund_requests").await, 1);
    let mail = app.emails_to("owner-maker@example.org").await;
    assert_eq!(subjects(&mail, "A refund request"), 1);
}

#[tokio::test]
async fn racing_requests_for_one_donation_open_one() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let creator = recipient(db, "maker", "USD").await;
    let items = charged_tips(&app, creator, &[("ann", &["10"])]).await;
    let item = items[0].0;
    let ann = supporter_of(&app, item).await;
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let db = db.clone();
        let settings = app.state.settings.clone();
        tasks.push(tokio::spawn(async move {
            refund_requests::ask(&db, &settings, ann, item, false, "Twice").await
        }));
    }
    let mut opened = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(ids) => opened += ids.len(),
            Err(RequestError::AlreadyAsked) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(opened, 1);
    assert_eq!(app.count("refund_requests").await, 1);
}

#[tokio::test]
async fn requests_are_refused_outside_the_window_and_once_refunded() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let creator = recipient(db, "maker", "USD").await;
    let items = charged_tips(&app, creator, &[("ann", &["10", "4"])]).await;
    let (first, second) = (items[0].0, items[1].0);
    let ann = supporter_of(&app, first).await;
    let mut settings = (*app.state.settings).clone();
    assert_eq!(settings.refund_request_days, 14);

    charged_days_ago(&app, first, 15).await;
    match refund_requests::ask(db, &settings, ann, first, false, "Late").await {
        Err(e @ RequestError::WindowClosed { days: 14, .. }) => {
            assert!(e.to_string().contains("up to 14 days"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    // A longer window (REFUND_REQUEST_DAYS=30) lets it through.
    settings.refund_request_days = 30;
    refund_requests::ask(db, &settings, ann, first, false, "In time")
        .await
        .unwrap();
    // 0 days: never.
    settings.refund_request_days = 0;
    assert!(matches!(
        refund_requests::ask(db, &settings, ann, second, false, "x").await,
        Err(RequestError::WindowClosed { .. })
    ));
    assert_eq!(app.count("refund_requests").await, 1);

    // Once the donation is refunded (here by the operator) its open request is answered, and
    // asking again is refused.
    settings.refund_request_days = 14;
    app::domain::billing::refunds::refund_item(db, app.state.processor.as_ref(), first)
        .await
        .unwrap();
    let (st,): (String,) = sqlx::query_as("select status from refund_requests")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(st, "refunded");
    assert!(matches!(
        refund_requests::ask(db, &settings, ann, first, false, "More").await,
        Err(RequestError::AlreadyRefunded)
    ));
    assert_eq!(app.count("refund_requests").await, 1);
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn only_the_pages_owner_can_approve_or_decline_and_others_change_nothing() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let p = app.state.processor.as_ref();
    let creator = recipient(db, "maker", "USD").await;
    let other = recipient(db, "other", "USD").await;
    let items = charged_tips(&app, creator, &[("ann", &["10"])]).await;
    let item = items[0].0;
    let ann = supporter_of(&app, item).await;
    let ids = refund_requests::ask(db, &app.state.settings, ann, item, false, "Oops")
        .await
        .unwrap();
    let request = ids[0];
    let other_owner = owner_of(db, other).await;
    for who in [other_owner, ann] {
        assert!(matches!(
            refund_requests::approve(db, p, who, request).await,
            Err(RequestError::NotYours)
        ));
        assert!(matches!(
            refund_requests::decline(db, &app.state.settings, who, request, "No").await,
            Err(RequestError::NotYours)
        ));
    }
    assert_eq!(status(&app, request).await, "open");
    assert_eq!(app.count("refunds").await, 0);
    assert_eq!(
        subjects(&app.emails_to("ann@example.org").await, "refund"),
        0
    );
}

#[tokio::test]
async fn approving_refunds_once_however_often_it_is_clicked_or_raced() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let creator = recipient(db, "maker", "USD").await;
    let items = charged_tips(&app, creator, &[("ann", &["10", "4"])]).await;
    let item = items[0].0;
    let ann = supporter_of(&app, item).await;
    let owner = owner_of(db, creator).await;
    let request = refund_requests::ask(db, &app.state.settings, ann, item, false, "Oops")
        .await
        .unwrap()[0];
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let db = db.clone();
        let p = app.state.processor.clone();
        tasks.push(tokio::spawn(async move {
            refund_requests::approve(&db, p.as_ref(), owner, request).await
        }));
    }
    let mut made = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(Some(r)) => {
                made += 1;
                assert_eq!(r.amount.minor, 1000);
                assert_eq!(r.items, vec![item]);
            }
            Ok(None) | Err(RequestError::Refund(RefundError::InProgress)) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(made, 1);
    // Clicked again afterwards: done already, nothing more.
    assert!(matches!(
        refund_requests::approve(db, app.state.processor.as_ref(), owner, request).await,
        Ok(None)
    ));
    assert_eq!(refunded_sum(&app).await, 1000);
    assert_eq!(app.count("refunds").await, 1);
    assert_eq!(status(&app, request).await, "refunded");
    let (by, reason, note): (String, String, String) =
        sqlx::query_as("select refunded_by, reason, note from refunds")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(
        (by.as_str(), reason.as_str(), note.as_str()),
        ("owner", "requested_by_supporter", "Oops")
    );
    // The other donation of the charge is untouched; the supporter gets one refund receipt.
    let (left,): (i64,) =
        sqlx::query_as("select refunded_minor from allocations where item_id = $1")
            .bind(items[1].0)
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(left, 0);
    assert_eq!(
        subjects(
            &app.emails_to("ann@example.org").await,
            "Your Chipin refund"
        ),
        1
    );
    // Declining an approved request is refused.
    assert!(matches!(
        refund_requests::decline(db, &app.state.settings, owner, request, "No").await,
        Err(RequestError::Answered)
    ));
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn declining_needs_a_reason_and_emails_it_to_the_supporter() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let settings = &app.state.settings;
    let creator = recipient(db, "maker", "USD").await;
    let items = charged_tips(&app, creator, &[("ann", &["10"])]).await;
    let item = items[0].0;
    let ann = supporter_of(&app, item).await;
    let owner = owner_of(db, creator).await;
    let request = refund_requests::ask(db, settings, ann, item, false, "Changed my mind")
        .await
        .unwrap()[0];
    assert!(matches!(
        refund_requests::decline(db, settings, owner, request, " ").await,
        Err(RequestError::Reason)
    ));
    assert_eq!(status(&app, request).await, "open");
    refund_requests::decline(
        db,
        settings,
        owner,
        request,
        "The commission is already delivered",
    )
    .await
    .unwrap();
    assert_eq!(status(&app, request).await, "declined");
    let mail = app.emails_to("ann@example.org").await;
    let declined: Vec<_> = mail
        .iter()
        .filter(|(s, _)| s == "Your refund request to maker")
        .collect();
    assert_eq!(declined.len(), 1, "{mail:?}");
    assert!(
        declined[0]
            .1
            .contains("The commission is already delivered")
    );
    assert!(
        declined[0]
            .1
            .contains(&format!("/account/donations/{item}"))
    );
    // Answered: neither a second decline nor an approval changes anything.
    assert!(matches!(
        refund_requests::decline(db, settings, owner, request, "Again").await,
        Err(RequestError::Answered)
    ));
    assert!(matches!(
        refund_requests::approve(db, app.state.processor.as_ref(), owner, request).await,
        Err(RequestError::Answered)
    ));
    assert_eq!(app.count("refunds").await, 0);
    assert_eq!(
        subjects(
            &app.emails_to("ann@example.org").await,
            "Your refund request"
        ),
        1
    );
    // The supporter may ask again (a new request), still within the window.
    refund_requests::ask(db, settings, ann, item, false, "Please reconsider")
        .await
        .unwrap();
    assert_eq!(app.count("refund_requests").await, 2);
}

#[tokio::test]
async fn approving_a_request_for_spent_cause_money_is_refused_with_the_reason() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let cause = make_cause(&app, "wells").await;
    let owner = owner_of(db, cause).await;
    let items = charged_tips(&app, cause, &[("ann", &["10"])]).await;
    let item = items[0].0;
    let ann = supporter_of(&app, item).await;
    let form = ExpenseForm {
        amount: "5",
        description: "Pipes",
        spent_on: "2026-01-05",
        receipt_url: "https://example.org/r.pdf",
        budget_line: "",
    };
    expenses::record(db, owner, cause, &form).await.unwrap();
    let request = refund_requests::ask(db, &app.state.settings, ann, item, false, "Oops")
        .await
        .unwrap()[0];
    match refund_requests::approve(db, app.state.processor.as_ref(), owner, request).await {
        Err(e @ RequestError::Refund(RefundError::Spent)) => {
            assert!(
                e.to_string().contains("only the operator can refund it"),
                "{e}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(status(&app, request).await, "open");
    assert_eq!(app.count("refunds").await, 0);
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn a_whole_charge_request_goes_to_each_pages_owner_for_their_donations() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let p = app.state.processor.as_ref();
    let a = recipient(db, "alpha", "USD").await;
    let b = recipient(db, "beta", "USD").await;
    let ann = user(db, "ann").await;
    let to_a = tip(&app.state, ann, a, "10").await;
    tip(&app.state, ann, a, "3").await;
    tip(&app.state, ann, b, "7").await;
    card(&app.state, ann, methods::SUCCEEDS, 28).await;
    run_default_billing(&app, date("2027-01-28")).await;
    let (item,): (i64,) = sqlx::query_as("select i.id from donation_items i where i.tip_id = $1")
        .bind(to_a)
        .fetch_one(db.pool())
        .await
        .unwrap();
    let ids = refund_requests::ask(db, &app.state.settings, ann, item, true, "All a mistake")
        .await
        .unwrap();
    assert_eq!(ids.len(), 3);
    let alpha = app.emails_to("owner-alpha@example.org").await;
    let beta = app.emails_to("owner-beta@example.org").await;
    assert_eq!(
        subjects(&alpha, "A refund request for alpha"),
        1,
        "{alpha:?}"
    );
    assert_eq!(subjects(&beta, "A refund request for beta"), 1, "{beta:?}");
    assert!(alpha[0].1.contains("$10.00") && alpha[0].1.contains("$3.00"));
    assert!(beta[0].1.contains("$7.00") && !beta[0].1.contains("$10.00"));
    // Each owner sees and answers only their own page's requests.
    let owner_a = owner_of(db, a).await;
    let owner_b = owner_of(db, b).await;
    let list_b = refund_requests::for_page(db, owner_b, b)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(list_b.len(), 1);
    assert!(list_b[0].whole_charge);
    assert!(
        refund_requests::for_page(db, owner_a, b)
            .await
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        refund_requests::approve(db, p, owner_a, list_b[0].id).await,
        Err(RequestError::NotYours)
    ));
    refund_requests::approve(db, p, owner_b, list_b[0].id)
        .await
        .unwrap();
    assert_eq!(refunded_sum(&app).await, 700);
    let open_a = refund_requests::open_count(db, a).await.unwrap();
    assert_eq!(open_a, 2);
    // The operator lists them all.
    let report = server::cli::refunds::requests_report(&app.state)
        .await
        .unwrap();
    assert_eq!(
        report.matches("[whole charge] All a mistake").count(),
        3,
        "{report}"
    );
    assert_ledger_ok(&app).await;
}

/// Records an open dispute of the charge that paid `item`, as the webhooks do.
async fn dispute(app: &TestApp, item: i64) {
    use app::domain::billing::disputes::{self, DisputeReport};
    let db = &app.state.db;
    let (pi, amount): (String, i64) = sqlx::query_as(
        "select c.processor_ref, c.amount_minor from charges c \
         join allocations a on a.charge_id = c.id where a.item_id = $1",
    )
    .bind(item)
    .fetch_one(db.pool())
    .await
    .unwrap();
    let mut tx = db.begin_write().await.unwrap();
    disputes::record(
        &mut tx,
        &DisputeReport {
            dispute_ref: "dp_1",
            payment_intent: Some(&pi),
            amount_minor: amount,
            currency: "usd",
            reason: "fraudulent",
            status: "needs_response",
            created: 1_800_000_000,
            // 2027-01-24
            evidence_due_by: Some(1_800_777_600),
        },
        1_800_000_000,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_supporter_asks_from_the_trail_page_and_the_owner_approves_in_the_studio() {
    let mut app = spawn_app().await;
    let db = app.state.db.clone();
    let creator = recipient(&db, "maker", "USD").await;
    let other = recipient(&db, "other", "USD").await;

    // The supporter signs up, tips and is charged.
    app.sign_up_and_log_in("ann@example.org", "Ann").await;
    let ann = user_id(&app, "ann@example.org").await;
    tip(&app.state, ann, creator, "10").await;
    card(&app.state, ann, methods::SUCCEEDS, 28).await;
    run_default_billing(&app, date("2027-01-28")).await;
    let (item, net): (i64, i64) = sqlx::query_as("select item_id, net_minor from allocations")
        .fetch_one(db.pool())
        .await
        .unwrap();
    let trail = app
        .get(&format!("/account/donations/{item}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(trail.contains("Ask for a refund"), "{trail}");
    let ask = |reason: &str| vec![("item_id", item.to_string()), ("reason", reason.to_owned())];
    let a = post(&app, "refunds/ask", &ask("")).await;
    assert_eq!(a.error_field().as_deref(), Some("reason"), "{a:?}");
    let a = post(&app, "refunds/ask", &ask("Meant to give $1")).await;
    assert!(a.status < 400, "{a:?}");
    assert_eq!(
        a.location.as_deref(),
        Some(&*format!("/account/donations/{item}?asked=1"))
    );
    let a = post(&app, "refunds/ask", &ask("Again")).await;
    assert!(a.error_message().contains("already asked"), "{a:?}");
    let trail = app
        .get(&format!("/account/donations/{item}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(trail.contains("has not answered yet"), "{trail}");
    assert!(!trail.contains("Ask for a refund"));
    let (request,): (i64,) = sqlx::query_as("select id from refund_requests")
        .fetch_one(db.pool())
        .await
        .unwrap();
    let answer = |page: i64| {
        vec![
            ("recipient_id", page.to_string()),
            ("request_id", request.to_string()),
        ]
    };
    // The supporter cannot approve their own request.
    let a = post(&app, "refunds/approve", &answer(creator)).await;
    assert_eq!(a.error_kind(), "not_found", "{a:?}");

    // Another page's owner finds nothing and changes nothing.
    app.new_browser();
    app.sign_up_and_log_in("olga@example.org", "Olga").await;
    give_to(&app, other, "olga@example.org").await;
    for page in [creator, other] {
        let a = post(&app, "refunds/approve", &answer(page)).await;
        assert_eq!(a.error_kind(), "not_found", "{a:?}");
        let mut fields = answer(page);
        fields.push(("reason", "No".to_owned()));
        let a = post(&app, "refunds/decline", &fields).await;
        assert_eq!(a.error_kind(), "not_found", "{a:?}");
    }
    let res = app.get(&format!("/studio/p/{creator}/refunds")).await;
    let body = res.text().await.unwrap();
    assert!(!body.contains("Meant to give $1"));
    assert_eq!(app.count("refunds").await, 0);
    assert_eq!(status(&app, request).await, "open");

    // The owner sees it in the studio and approves it (twice: a double click).
    app.new_browser();
    app.sign_up_and_log_in("owner@example.org", "Owner").await;
    give_to(&app, creator, "owner@example.org").await;
    let editor = app
        .get(&format!("/studio/p/{creator}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(editor.contains("Refunds (1 to answer)"), "{editor}");
    let studio = app
        .get(&format!("/studio/p/{creator}/refunds"))
        .await
        .text()
        .await
        .unwrap();
    assert!(studio.contains("Meant to give $1"), "{studio}");
    assert!(studio.contains("Approve and refund $10.00"));
    let a = post(&app, "refunds/approve", &answer(creator)).await;
    assert!(a.status < 400, "{a:?}");
    let a = post(&app, "refunds/approve", &answer(creator)).await;
    assert!(a.status < 400, "{a:?}");
    assert_eq!(app.count("refunds").await, 1);
    assert_eq!(refunded_sum(&app).await, 1000);
    assert_eq!(status(&app, request).await, "refunded");

    // The owner's supporters and income pages mark it refunded, with no refund link.
    for page in ["supporters", "income"] {
        let html = app
            .get(&format!("/studio/p/{creator}/{page}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("Refunded: $10.00"), "{page}: {html}");
        assert!(!html.contains(&format!("/studio/p/{creator}/refund/{item}")));
    }
    let _ = net;

    // The supporter's trail page shows the refund in place.
    app.new_browser();
    app.log_in_with_code("ann@example.org", "").await;
    let trail = app
        .get(&format!("/account/donations/{item}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(trail.contains("$10.00 refunded on"), "{trail}");
    assert!(
        trail.contains("by the page&#x27;s owner") || trail.contains("by the page's owner"),
        "{trail}"
    );
    assert!(trail.contains("The supporter asked for it"));
    assert!(trail.contains("it was refunded"));
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn unrefunded_donations_get_a_refund_link_in_the_studio() {
    let mut app = spawn_app().await;
    let db = app.state.db.clone();
    let creator = recipient(&db, "maker", "USD").await;
    let items = charged_tips(&app, creator, &[("ann", &["10"])]).await;
    let item = items[0].0;
    app.sign_up_and_log_in("owner@example.org", "Owner").await;
    give_to(&app, creator, "owner@example.org").await;
    for page in ["supporters", "income", "refunds"] {
        let html = app
            .get(&format!("/studio/p/{creator}/{page}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains(&format!("/studio/p/{creator}/refund/{item}")),
            "{page}: {html}"
        );
        assert!(!html.contains("Refunded:"));
    }
    app.new_browser();
    app.sign_up_and_log_in("olga@example.org", "Olga").await;
    let a = post(
        &app,
        "refunds/donations",
        &[("recipient_id", creator.to_string())],
    )
    .await;
    assert_eq!(a.error_kind(), "not_found", "{a:?}");
}

#[tokio::test]
async fn a_dispute_is_shown_to_the_pages_owner_and_not_to_other_owners() {
    let mut app = spawn_app().await;
    let db = app.state.db.clone();
    let creator = recipient(&db, "maker", "USD").await;
    let other = recipient(&db, "other", "USD").await;
    let items = charged_tips(&app, creator, &[("ann", &["10"])]).await;
    let (item, net) = items[0];
    dispute(&app, item).await;

    app.sign_up_and_log_in("owner@example.org", "Owner").await;
    give_to(&app, creator, "owner@example.org").await;
    let html = app
        .get(&format!("/studio/p/{creator}/refunds"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!(
            "{} held from your payouts",
            app::model::format_money(net, "USD")
        )),
        "{html}"
    );
    assert!(html.contains("needs response"));
    assert!(html.contains("Evidence due by 24 Jan 2027"), "{html}");
    let a = post(
        &app,
        "refunds/studio",
        &[("recipient_id", creator.to_string())],
    )
    .await;
    assert!(a.status < 400, "{a:?}");
    assert!(a.body.contains("needs_response"));

    // Another owner: their own page shows no dispute, the disputed page is not found.
    app.new_browser();
    app.sign_up_and_log_in("olga@example.org", "Olga").await;
    give_to(&app, other, "olga@example.org").await;
    let a = post(
        &app,
        "refunds/studio",
        &[("recipient_id", creator.to_string())],
    )
    .await;
    assert_eq!(a.error_kind(), "not_found", "{a:?}");
    let html = app
        .get(&format!("/studio/p/{other}/refunds"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("No disputes touch this page"), "{html}");
    assert!(!html.contains("held from your payouts"));
}

#[tokio::test]
async fn an_approval_and_a_decline_racing_each_other_end_one_way_only() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let creator = recipient(db, "maker", "USD").await;
    let items = charged_tips(&app, creator, &[("ann", &["10", "4", "3", "2", "1"])]).await;
    let ann = supporter_of(&app, items[0].0).await;
    let owner = owner_of(db, creator).await;
    for (item, _) in &items {
        let request = refund_requests::ask(db, &app.state.settings, ann, *item, false, "Oops")
            .await
            .unwrap()[0];
        let approving = {
            let db = db.clone();
            let p = app.state.processor.clone();
            tokio::spawn(
                async move { refund_requests::approve(&db, p.as_ref(), owner, request).await },
            )
        };
        let declining = {
            let db = db.clone();
            let settings = app.state.settings.clone();
            tokio::spawn(async move {
                refund_requests::decline(&db, &settings, owner, request, "No, sorry").await
            })
        };
        let approved = approving.await.unwrap();
        let declined = declining.await.unwrap();
        let (refunded,): (i64,) =
            sqlx::query_as("select refunded_minor from allocations where item_id = $1")
                .bind(item)
                .fetch_one(db.pool())
                .await
                .unwrap();
        match status(&app, request).await.as_str() {
            // The approval won: refunded in full, and the decline was refused.
            "refunded" => {
                assert!(matches!(approved, Ok(Some(_))), "{approved:?}");
                assert!(declined.is_err(), "{declined:?}");
                assert!(refunded > 0);
            }
            // The decline won: nothing refunded, and the approval said so.
            "declined" => {
                assert!(declined.is_ok(), "{declined:?}");
                assert!(approved.is_err(), "{approved:?}");
                assert_eq!(refunded, 0);
            }
            other => panic!("request left {other}: {approved:?} {declined:?}"),
        }
    }
    assert_ledger_ok(&app).await;
}
