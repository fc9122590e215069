//! Refunds made through Chipin: who may make them, at most once however they are asked for,
//! never more than is left, never spent cause money by the organizer, and after a payout out
//! of the next one.

use crate::helpers::{TestApp, assert_ledger_ok, date, run_default_billing, spawn_app, usd};
use crate::population::*;
use crate::trail::{charged_tips, make_cause};
use app::domain::billing::refunds::{self, RefundError, Refunder, Why};
use app::domain::books::journal::{self, Account};
use app::domain::payouts::expenses::{self, ExpenseForm};
use app::domain::payouts::{self, NewPayout, RecordedBy};
use app::money::Currency;

fn why() -> Why {
    Why {
        reason: "mistake".to_owned(),
        note: "Typed 30 for 3".to_owned(),
    }
}

async fn balance(app: &TestApp, recipient: i64) -> i64 {
    journal::balance(&app.state.db, Account::Recipient(recipient), Currency::USD)
        .await
        .unwrap()
}

async fn charge_of(app: &TestApp, item: i64) -> i64 {
    let (c,): (i64,) = sqlx::query_as("select charge_id from allocations where item_id = $1")
        .bind(item)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    c
}

#[tokio::test]
async fn only_the_pages_owner_or_the_operator_can_refund_its_donations() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let p = app.state.processor.as_ref();
    let creator = recipient(db, "maker", "USD").await;
    let other = recipient(db, "other", "USD").await;
    let items = charged_tips(&app, creator, &[("ann", &["10", "4"])]).await;
    let stranger = owner_of(db, other).await;
    let ann = user(db, "not-ann").await;
    for who in [stranger, ann] {
        assert!(matches!(
            refunds::refund_item_as(db, p, items[0].0, Refunder::Owner(who), &why()).await,
            Err(RefundError::NotYours)
        ));
    }
    assert_eq!(app.count("refunds").await, 0);
    let owner = owner_of(db, creator).await;
    let done = refunds::refund_item_as(db, p, items[0].0, Refunder::Owner(owner), &why())
        .await
        .unwrap();
    assert_eq!(done.amount.minor, 1000);
    let (by, reason, note): (String, String, String) =
        sqlx::query_as("select refunded_by, reason, note from refunds")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(
        (by.as_str(), reason.as_str(), note.as_str()),
        ("owner", "mistake", "Typed 30 for 3")
    );
    // The operator refunds the other one.
    refunds::refund_item_as(db, p, items[1].0, Refunder::Operator, &Why::default())
        .await
        .unwrap();
    assert_eq!(balance(&app, creator).await, 0);
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn a_donation_is_refunded_once_however_many_requests_race_for_it() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let creator = recipient(db, "maker", "USD").await;
    let items = charged_tips(&app, creator, &[("ann", &["10", "4"])]).await;
    let owner = owner_of(db, creator).await;
    let item = items[0].0;
    let charge = charge_of(&app, item).await;
    let mut tasks = Vec::new();
    for n in 0..8 {
        let db = db.clone();
        let p = app.state.processor.clone();
        tasks.push(tokio::spawn(async move {
            if n % 2 == 0 {
                refunds::refund_item_as(&db, p.as_ref(), item, Refunder::Owner(owner), &why()).await
            } else {
                refunds::refund_charge_as(&db, p.as_ref(), charge, Refunder::Operator, &why()).await
            }
        }));
    }
    let mut refunded = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(r) => refunded += r.amount.minor,
            Err(RefundError::InProgress | RefundError::NothingToRefund) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    // Whatever won, each donation went back once: never more than the charge.
    let (recorded,): (i64,) =
        sqlx::query_as("select cast(coalesce(sum(amount_minor), 0) as bigint) from refunds")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(refunded, recorded);
    assert!(recorded == 1000 || recorded == 1400, "{recorded}");
    let (over,): (i64,) = sqlx::query_as(
        "select count(*) from allocations where refunded_minor > gross_minor or refund_claimed_until is not null",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(over, 0);
    // Clicked again afterwards: nothing more.
    assert!(matches!(
        refunds::refund_item_as(
            db,
            app.state.processor.as_ref(),
            item,
            Refunder::Owner(owner),
            &why()
        )
        .await,
        Err(RefundError::NothingToRefund)
    ));
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn a_refund_larger_than_what_is_left_is_refused_with_what_is() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let p = app.state.processor.as_ref();
    let creator = recipient(db, "maker", "USD").await;
    let items = charged_tips(&app, creator, &[("ann", &["10", "4"])]).await;
    let charge = charge_of(&app, items[0].0).await;
    refunds::refund_amount(db, p, charge, 400, &why())
        .await
        .unwrap();
    match refunds::refund_amount(db, p, charge, 1001, &why()).await {
        Err(RefundError::TooLarge { refundable }) => {
            assert_eq!(refundable, usd(1000));
            assert!(
                RefundError::TooLarge { refundable }
                    .to_string()
                    .contains("$10.00")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(app.count("refunds").await, 1);
    refunds::refund_amount(db, p, charge, 1000, &why())
        .await
        .unwrap();
    assert_eq!(balance(&app, creator).await, 0);
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn a_partial_refund_after_a_payout_comes_out_of_the_next_payout() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let p = app.state.processor.as_ref();
    let creator = recipient(db, "maker", "USD").await;
    let items = charged_tips(&app, creator, &[("ann", &["10"])]).await;
    let (item, net) = items[0];
    let payout = |minor| NewPayout {
        recipient_id: creator,
        amount: usd(minor),
        paid_on: 1_800_000_000,
        reference: "bank 1".to_owned(),
        by: RecordedBy::Operator,
    };
    payouts::record(db, payout(net)).await.unwrap();
    let charge = charge_of(&app, item).await;
    refunds::refund_amount(db, p, charge, 500, &why())
        .await
        .unwrap();
    let (lost,): (i64,) = sqlx::query_as("select refunded_net_minor from allocations")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(lost, net / 2);
    assert_eq!(balance(&app, creator).await, -lost);
    assert_eq!(payouts::available(db, creator).await.unwrap(), usd(-lost));
    assert_ledger_ok(&app).await;

    // The next donation's payout first takes back what the refund returned.
    let fan = user(db, "cat").await;
    tip(&app.state, fan, creator, "30").await;
    card(
        &app.state,
        fan,
        app::domain::processors::simulated::methods::SUCCEEDS,
        28,
    )
    .await;
    run_default_billing(&app, date("2027-02-28")).await;
    let (new_net,): (i64,) =
        sqlx::query_as("select net_minor from allocations where item_id <> $1")
            .bind(item)
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(
        payouts::available(db, creator).await.unwrap(),
        usd(new_net - lost)
    );
    payouts::record(db, payout(new_net - lost)).await.unwrap();
    assert_eq!(balance(&app, creator).await, 0);
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn an_organizer_cannot_refund_cause_money_already_spent_but_the_operator_can() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let p = app.state.processor.as_ref();
    let cause = make_cause(&app, "wells").await;
    let owner = owner_of(db, cause).await;
    let items = charged_tips(&app, cause, &[("ann", &["10"]), ("bob", &["20"])]).await;
    let form = ExpenseForm {
        amount: "5",
        description: "Pipes",
        spent_on: "2026-01-05",
        receipt_url: "https://example.org/r.pdf",
        budget_line: "",
    };
    expenses::record(db, owner, cause, &form).await.unwrap();
    // The oldest share is spent; the newer one is not.
    assert!(matches!(
        refunds::refund_item_as(db, p, items[0].0, Refunder::Owner(owner), &why()).await,
        Err(RefundError::Spent)
    ));
    assert_eq!(app.count("refunds").await, 0);
    refunds::refund_item_as(db, p, items[1].0, Refunder::Owner(owner), &why())
        .await
        .unwrap();
    refunds::refund_item_as(db, p, items[0].0, Refunder::Operator, &why())
        .await
        .unwrap();
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn an_owner_refunds_a_donation_from_the_studio_after_seeing_what_it_costs() {
    use crate::helpers::{give_to, post};
    let mut app = spawn_app().await;
    let db = app.state.db.clone();
    let creator = recipient(&db, "maker", "USD").await;
    let items = charged_tips(&app, creator, &[("ann", &["10"])]).await;
    let (item, net) = items[0];
    let fields = |reason: &str| {
        vec![
            ("recipient_id", creator.to_string()),
            ("item_id", item.to_string()),
            ("reason", reason.to_owned()),
            ("note", "Sorry!".to_owned()),
        ]
    };
    // A stranger, logged in, finds nothing and refunds nothing.
    app.sign_up_and_log_in("eve@example.org", "Eve").await;
    let a = post(&app, "refunds/refund_donation", &fields("mistake")).await;
    assert_eq!(a.error_kind(), "not_found", "{a:?}");
    assert_eq!(app.count("refunds").await, 0);

    app.new_browser();
    app.sign_up_and_log_in("owner@example.org", "Owner").await;
    give_to(&app, creator, "owner@example.org").await;
    let page = app
        .get(&format!("/studio/p/{creator}/refund/{item}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("The supporter gets back $10.00."), "{page}");
    assert!(page.contains(&format!(
        "Your page loses {}",
        app::model::format_money(net, "USD")
    )));
    assert!(page.contains(&format!(
        "The card fee of {}",
        app::model::format_money(1000 - net, "USD")
    )));
    // A reason from the list is required.
    let a = post(&app, "refunds/refund_donation", &fields("because")).await;
    assert_eq!(a.error_field().as_deref(), Some("reason"));
    assert_eq!(app.count("refunds").await, 0);

    let a = post(&app, "refunds/refund_donation", &fields("mistake")).await;
    assert!(a.status < 400, "{a:?}");
    assert_eq!(balance(&app, creator).await, 0);
    // The second click is refused and refunds nothing more.
    let a = post(&app, "refunds/refund_donation", &fields("mistake")).await;
    assert!(
        a.error_message().contains("nothing left to refund"),
        "{a:?}"
    );
    assert_eq!(app.count("refunds").await, 1);
    let page = app
        .get(&format!("/studio/p/{creator}/refund/{item}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("nothing left to refund"));
    // The supporter is told once: how much, for which donation, when the bank shows it.
    let refunds_mail: Vec<(String, String)> = app
        .emails_to("ann@example.org")
        .await
        .into_iter()
        .filter(|(subject, _)| subject.contains("refund"))
        .collect();
    assert_eq!(refunds_mail.len(), 1, "{refunds_mail:?}");
    assert_eq!(refunds_mail[0].0, "Your Chipin refund: $10.00");
    assert!(
        refunds_mail[0]
            .1
            .contains("$10.00 of your donation to maker")
    );
    assert!(refunds_mail[0].1.contains("5 to 10 business days"));
    assert_ledger_ok(&app).await;
}
