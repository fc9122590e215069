//! Payouts and cause expenses: each is split over the oldest open donation shares exactly,
//! refused beyond what is available, posted to the journal, and checked by `ledger check`.

use crate::helpers::{
    Answer, TestApp, assert_ledger_ok, date, give_to, post, run_billing, run_default_billing,
    spawn_app, spawn_app_with, usd,
};
use crate::population::*;
use app::domain::billing::{self, refunds};
use app::domain::books::cause_ledger;
use app::domain::books::checks::{self, TrailViolation};
use app::domain::books::journal::{self, Account};
use app::domain::payouts::expenses::{self, ExpenseError, ExpenseForm};
use app::domain::payouts::{self, NewPayout, PayoutError, RecordedBy};
use app::domain::processors::simulated::methods;
use app::money::{Currency, Money};

/// Each fan tips `recipient` the given amounts and is charged as of 2027-01-28. Returns the
/// items' net shares in the order they were charged.
pub async fn charged_tips(
    app: &TestApp,
    recipient: i64,
    fans: &[(&str, &[&str])],
) -> Vec<(i64, i64)> {
    let db = &app.state.db;
    for (name, tips) in fans {
        let fan = user(db, name).await;
        for t in *tips {
            tip(&app.state, fan, recipient, t).await;
        }
        card(&app.state, fan, methods::SUCCEEDS, 28).await;
    }
    run_default_billing(app, date("2027-01-28")).await;
    sqlx::query_as(
        "select item_id, net_minor from allocations where recipient_id = $1 order by charge_id, item_id",
    )
    .bind(recipient)
    .fetch_all(db.pool())
    .await
    .unwrap()
}

fn payout(recipient: i64, minor: i64) -> NewPayout {
    NewPayout {
        recipient_id: recipient,
        amount: usd(minor),
        paid_on: 1_800_000_000,
        reference: "bank 1".to_owned(),
        by: RecordedBy::Operator,
    }
}

async fn shares(app: &TestApp, table: &str, parent: &str, id: i64) -> Vec<(i64, i64)> {
    sqlx::query_as(&format!(
        "select item_id, amount_minor from {table} where {parent} = $1 order by item_id"
    ))
    .bind(id)
    .fetch_all(app.state.db.pool())
    .await
    .unwrap()
}

pub async fn make_cause(app: &TestApp, slug: &str) -> i64 {
    let id = recipient(&app.state.db, slug, "USD").await;
    sqlx::query("update recipients set kind = 'cause' where id = $1")
        .bind(id)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    id
}

#[tokio::test]
async fn a_payout_takes_the_oldest_unpaid_shares_and_splits_the_last_exactly() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let creator = recipient(db, "maker", "USD").await;
    let items = charged_tips(&app, creator, &[("ann", &["10"]), ("bob", &["20"])]).await;
    assert_eq!(items.len(), 2);
    let total: i64 = items.iter().map(|i| i.1).sum();
    assert_eq!(payouts::available(db, creator).await.unwrap(), usd(total));

    let first = items[0].1 + 7;
    let p1 = payouts::record(db, payout(creator, first)).await.unwrap();
    assert_eq!(
        shares(&app, "payout_shares", "payout_id", p1).await,
        vec![(items[0].0, items[0].1), (items[1].0, 7)]
    );
    assert_eq!(
        journal::balance(db, Account::Recipient(creator), Currency::USD)
            .await
            .unwrap(),
        total - first
    );
    assert_eq!(
        journal::balance(db, Account::PayoutsInTransit, Currency::USD)
            .await
            .unwrap(),
        first
    );
    assert_ledger_ok(&app).await;

    // More than is left is refused, with the amount that is left, and changes nothing.
    let err = payouts::record(db, payout(creator, total - first + 1))
        .await
        .unwrap_err();
    assert!(
        matches!(err, PayoutError::MoreThanAvailable { available } if available == usd(total - first))
    );
    assert_eq!(
        err.to_string(),
        format!("Only {} is available to pay out.", usd(total - first))
    );
    assert_eq!(app.count("payouts").await, 1);

    let p2 = payouts::record(db, payout(creator, total - first))
        .await
        .unwrap();
    assert_eq!(
        shares(&app, "payout_shares", "payout_id", p2).await,
        vec![(items[1].0, items[1].1 - 7)]
    );
    assert_eq!(payouts::available(db, creator).await.unwrap(), usd(0));
    assert!(matches!(
        payouts::record(db, payout(creator, 1)).await,
        Err(PayoutError::MoreThanAvailable { .. })
    ));

    payouts::mark_paid(db, p1, None).await.unwrap();
    assert!(matches!(
        payouts::mark_paid(db, p1, None).await,
        Err(PayoutError::AlreadyPaid)
    ));
    assert_eq!(
        journal::balance(db, Account::PayoutsPaid, Currency::USD)
            .await
            .unwrap(),
        first
    );
    assert_eq!(
        journal::balance(db, Account::PayoutsInTransit, Currency::USD)
            .await
            .unwrap(),
        total - first
    );
    assert_ledger_ok(&app).await;

    let history = payouts::history(db, creator).await.unwrap();
    assert_eq!(history.len(), 2);
    assert!(history[1].paid && !history[0].paid);
    assert_eq!(history[1].shares.len(), 2);
}

#[tokio::test]
async fn a_refund_after_payout_leaves_a_negative_balance_that_the_next_payout_nets() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let creator = recipient(db, "maker", "USD").await;
    let items = charged_tips(&app, creator, &[("ann", &["10"])]).await;
    let (old, old_net) = items[0];
    payouts::record(db, payout(creator, old_net)).await.unwrap();
    refunds::refund_item(db, app.state.processor.as_ref(), old)
        .await
        .unwrap();
    assert_eq!(
        journal::balance(db, Account::Recipient(creator), Currency::USD)
            .await
            .unwrap(),
        -old_net
    );
    assert_ledger_ok(&app).await;
    assert!(matches!(
        payouts::record(db, payout(creator, 1)).await,
        Err(PayoutError::MoreThanAvailable { available }) if available == usd(0)
    ));

    // A new donation: the next payout first takes back what the refunded one was paid.
    let fan = user(db, "cat").await;
    tip(&app.state, fan, creator, "30").await;
    card(&app.state, fan, methods::SUCCEEDS, 28).await;
    run_default_billing(&app, date("2027-02-28")).await;
    let (new, new_net): (i64, i64) =
        sqlx::query_as("select item_id, net_minor from allocations where item_id <> $1")
            .bind(old)
            .fetch_one(db.pool())
            .await
            .unwrap();
    let left = new_net - old_net;
    assert_eq!(payouts::available(db, creator).await.unwrap(), usd(left));
    let p = payouts::record(db, payout(creator, left)).await.unwrap();
    assert_eq!(
        shares(&app, "payout_shares", "payout_id", p).await,
        vec![(old, -old_net), (new, new_net)]
    );
    assert_eq!(
        journal::balance(db, Account::Recipient(creator), Currency::USD)
            .await
            .unwrap(),
        0
    );
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn an_expense_spends_the_oldest_unspent_shares_and_a_correction_frees_them() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let cause = make_cause(&app, "wells").await;
    let owner = owner_of(db, cause).await;
    let items = charged_tips(&app, cause, &[("ann", &["10"]), ("bob", &["20"])]).await;
    let total: i64 = items.iter().map(|i| i.1).sum();

    let form = |amount: &'static str| ExpenseForm {
        amount,
        description: "Pipes",
        spent_on: "2026-01-05",
        receipt_url: "https://example.org/r.pdf",
        budget_line: "",
    };
    // Bad input is refused field by field; nothing is stored.
    for (bad, field) in [
        (
            ExpenseForm {
                amount: "-3",
                ..form("1")
            },
            "amount",
        ),
        (
            ExpenseForm {
                description: " ",
                ..form("1")
            },
            "description",
        ),
        (
            ExpenseForm {
                spent_on: "05/01/2026",
                ..form("1")
            },
            "spent_on",
        ),
        (
            ExpenseForm {
                spent_on: "2999-01-01",
                ..form("1")
            },
            "spent_on",
        ),
        (
            ExpenseForm {
                receipt_url: "javascript:alert(1)",
                ..form("1")
            },
            "receipt_url",
        ),
    ] {
        match expenses::record(db, owner, cause, &bad).await {
            Err(ExpenseError::Field(f, _)) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    // Someone else's cause, or too much, is refused.
    let stranger = user(db, "stranger").await;
    assert!(matches!(
        expenses::record(db, stranger, cause, &form("1")).await,
        Err(ExpenseError::NotYours)
    ));
    let entries = app.count("journal_entries").await;
    let too_much = Money::new(total + 1, Currency::USD).to_string();
    let err = expenses::record(
        db,
        owner,
        cause,
        &ExpenseForm {
            amount: &too_much,
            ..form("1")
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "Only {} is unspent; an expense cannot be larger.",
            usd(total)
        )
    );
    assert_eq!(app.count("expenses").await, 0);
    assert_eq!(app.count("journal_entries").await, entries);

    let first_amount = Money::new(items[0].1 + 3, Currency::USD).to_string();
    let e1 = expenses::record(
        db,
        owner,
        cause,
        &ExpenseForm {
            amount: &first_amount,
            ..form("1")
        },
    )
    .await
    .unwrap();
    assert_eq!(
        shares(&app, "expense_shares", "expense_id", e1).await,
        vec![(items[0].0, items[0].1), (items[1].0, 3)]
    );
    assert_eq!(
        journal::balance(db, Account::CauseSpending(cause), Currency::USD)
            .await
            .unwrap(),
        items[0].1 + 3
    );
    assert_ledger_ok(&app).await;
    let t = cause_ledger::totals(db, cause, Currency::USD)
        .await
        .unwrap();
    assert_eq!(t.spent, usd(items[0].1 + 3));
    assert_eq!(t.unspent, usd(total - items[0].1 - 3));

    // The correction reverses the entry and frees the shares; a new expense takes them again.
    assert!(matches!(
        expenses::correct(db, Some(stranger), e1, "typo").await,
        Err(ExpenseError::NotYours)
    ));
    expenses::correct(db, Some(owner), e1, "wrong amount")
        .await
        .unwrap();
    assert!(matches!(
        expenses::correct(db, Some(owner), e1, "again").await,
        Err(ExpenseError::AlreadyCorrected)
    ));
    assert_eq!(
        journal::balance(db, Account::CauseSpending(cause), Currency::USD)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        expenses::unspent(db, cause, Currency::USD).await.unwrap(),
        usd(total)
    );
    assert_ledger_ok(&app).await;
    let e2 = expenses::record(db, owner, cause, &form("5"))
        .await
        .unwrap();
    assert_eq!(
        shares(&app, "expense_shares", "expense_id", e2).await,
        vec![(items[0].0, 500)]
    );

    // A cause's payout pays out spent money only; then that expense cannot be corrected.
    assert_eq!(payouts::available(db, cause).await.unwrap(), usd(500));
    assert!(matches!(
        payouts::record(db, payout(cause, 501)).await,
        Err(PayoutError::MoreThanAvailable { .. })
    ));
    let p = payouts::record(db, payout(cause, 200)).await.unwrap();
    assert_eq!(
        shares(&app, "payout_shares", "payout_id", p).await,
        vec![(items[0].0, 200)]
    );
    assert!(matches!(
        expenses::correct(db, Some(owner), e2, "oops").await,
        Err(ExpenseError::PaidOut)
    ));
    assert_ledger_ok(&app).await;
    let list = cause_ledger::list(db, cause, Currency::USD).await.unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(
        list.iter()
            .find(|e| e.id == e1)
            .unwrap()
            .corrected
            .as_deref(),
        Some("wrong amount")
    );
    assert_eq!(list.iter().find(|e| e.id == e2).unwrap().donations, 1);
}

#[tokio::test]
async fn the_database_refuses_to_pay_out_a_share_twice() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let creator = recipient(db, "maker", "USD").await;
    let items = charged_tips(&app, creator, &[("ann", &["10"])]).await;
    let p = payouts::record(db, payout(creator, items[0].1))
        .await
        .unwrap();
    let (entry,): (i64,) = sqlx::query_as("select entry_id from payouts where id = $1")
        .bind(p)
        .fetch_one(db.pool())
        .await
        .unwrap();
    let (again,): (i64,) = sqlx::query_as(
        "insert into payouts (recipient_id, currency, amount_minor, reference, paid_on, status, recorded_by, entry_id, created_at) \
         values ($1, 'USD', 1, 'x', 0, 'in_transit', 'operator', $2, 0) returning id",
    )
    .bind(creator)
    .bind(entry)
    .fetch_one(db.pool())
    .await
    .unwrap();
    let doubled = sqlx::query(
        "insert into payout_shares (payout_id, item_id, amount_minor) values ($1, $2, 1)",
    )
    .bind(again)
    .bind(items[0].0)
    .execute(db.pool())
    .await;
    assert!(doubled.is_err(), "a share was paid out twice");
    assert!(
        sqlx::query("delete from payout_shares")
            .execute(db.pool())
            .await
            .is_err(),
        "shares are history"
    );
    // The payout row without shares is a break the check names.
    let (report, ok) = server::cli::ledger::ledger_check_report(db).await.unwrap();
    assert!(!ok, "{report}");
    assert!(
        report.contains(&format!(
            "payout {again} is for 1 but its shares add up to 0"
        )),
        "{report}"
    );
    match checks::check(db).await.unwrap() {
        Err(checks::Violation::Trail(TrailViolation::PayoutSharesDoNotAddUp {
            payout,
            amount: 1,
            shares: 0,
        })) => {
            assert_eq!(payout, again)
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn organizers_record_and_correct_expenses_in_the_studio_and_strangers_are_refused() {
    let mut app = spawn_app().await;
    let db = app.state.db.clone();
    let cause = make_cause(&app, "wells").await;
    // One public donor and one anonymous donor.
    let ann = user(&db, "Annabel").await;
    tip(&app.state, ann, cause, "10").await;
    let shy = user(&db, "Shyname").await;
    app::domain::giving::pledges::create_tip(
        &app.state,
        shy,
        app::domain::giving::pledges::NewTip {
            recipient_id: cause,
            amount: "20",
            message: "",
            visibility: "anonymous",
            budget_line: "",
        },
    )
    .await
    .unwrap();
    for fan in [ann, shy] {
        card(&app.state, fan, methods::SUCCEEDS, 28).await;
    }
    run_default_billing(&app, date("2027-01-28")).await;
    let net: i64 = crate::population::scalar(
        &db,
        "select cast(sum(net_minor) as bigint) from allocations",
    )
    .await;

    app.sign_up_and_log_in("org@example.org", "Organizer").await;
    give_to(&app, cause, "org@example.org").await;
    let secret = app.turn_on_two_factor().await;
    let id = cause.to_string();
    let record = |amount: &'static str,
                  description: &'static str,
                  date: &'static str,
                  receipt: &'static str| {
        vec![
            ("recipient_id", id.clone()),
            ("amount", amount.to_owned()),
            ("description", description.to_owned()),
            ("spent_on", date.to_owned()),
            ("receipt_url", receipt.to_owned()),
        ]
    };
    for (fields, field) in [
        (record("ten", "Pipes", "2026-01-05", ""), "amount"),
        (record("5", "", "2026-01-05", ""), "description"),
        (record("5", "Pipes", "someday", ""), "spent_on"),
        (record("5", "Pipes", "2026-01-05", "ftp://x"), "receipt_url"),
        (record("100000", "Pipes", "2026-01-05", ""), "amount"),
    ] {
        let a = post(&app, "trail/record_expense", &fields).await;
        assert_eq!(a.status, 400, "{a:?}");
        assert_eq!(a.error_field().as_deref(), Some(field), "{a:?}");
    }
    assert_eq!(app.count("expenses").await, 0);
    let a = post(
        &app,
        "trail/record_expense",
        &record(
            "12.34",
            "Water pipes",
            "2026-01-05",
            "https://example.org/receipt.pdf",
        ),
    )
    .await;
    assert_eq!(
        a.location.as_deref(),
        Some(format!("/studio/p/{cause}/expenses?saved=expense").as_str()),
        "{a:?}"
    );
    let page = app
        .get(&format!("/studio/p/{cause}/expenses"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Water pipes"), "{page}");
    assert!(
        page.contains(&usd(net - 1234).to_string()),
        "unspent balance shown"
    );
    let payouts_page = app
        .get(&format!("/studio/p/{cause}/payouts"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        payouts_page.contains("$12.34"),
        "spent money is available to pay out"
    );

    // The public ledger: totals, the expense with its donation count and receipt; the
    // anonymous donor stays anonymous.
    let public = app.get("/c/wells").await.text().await.unwrap();
    assert!(public.contains("Water pipes") && public.contains("https://example.org/receipt.pdf"));
    assert!(
        public.contains("Where the money went"),
        "the spending chart"
    );
    assert!(
        public.contains("Annabel") && !public.contains("Shyname"),
        "{public}"
    );

    // Another user may not see or touch any of it.
    let (expense,): (i64,) = sqlx::query_as("select id from expenses")
        .fetch_one(db.pool())
        .await
        .unwrap();
    app.new_browser();
    app.sign_up_and_log_in("other@example.org", "Other").await;
    let e = expense.to_string();
    for (f, fields) in [
        ("trail/expenses", vec![("recipient_id", id.clone())]),
        ("trail/payouts", vec![("recipient_id", id.clone())]),
        (
            "trail/record_expense",
            record("1", "Mine", "2026-01-05", ""),
        ),
        (
            "trail/correct_expense",
            vec![
                ("recipient_id", id.clone()),
                ("expense_id", e.clone()),
                ("reason", "no".to_owned()),
            ],
        ),
        (
            "trail/record_payout",
            vec![
                ("recipient_id", id.clone()),
                ("amount", "1".to_owned()),
                ("paid_on", "2026-01-05".to_owned()),
                ("reference", "x".to_owned()),
            ],
        ),
        (
            "trail/mark_payout_paid",
            vec![("recipient_id", id.clone()), ("payout_id", "1".to_owned())],
        ),
    ] {
        let a = post(&app, f, &fields).await;
        assert_eq!(a.status, 404, "{f}: {a:?}");
    }
    assert_eq!(app.count("expenses").await, 1);
    assert_eq!(app.count("payouts").await, 0);

    // Back as the organizer: record a payout of the spent money, then the correction is refused.
    app.new_browser();
    app.log_in_with_code("org@example.org", &secret).await;
    let a = post(
        &app,
        "trail/record_payout",
        &[
            ("recipient_id", id.clone()),
            ("amount", "12.35".to_owned()),
            ("paid_on", "2026-01-06".to_owned()),
            ("reference", "T-1".to_owned()),
        ],
    )
    .await;
    assert_eq!(a.error_field().as_deref(), Some("amount"), "{a:?}");
    let a = post(
        &app,
        "trail/record_payout",
        &[
            ("recipient_id", id.clone()),
            ("amount", "12.34".to_owned()),
            ("paid_on", "2026-01-06".to_owned()),
            ("reference", "T-1".to_owned()),
        ],
    )
    .await;
    assert!(a.location.is_some(), "{a:?}");
    let a = post(
        &app,
        "trail/correct_expense",
        &[
            ("recipient_id", id.clone()),
            ("expense_id", e.clone()),
            ("reason", "typo".to_owned()),
        ],
    )
    .await;
    assert_eq!(a.status, 400, "{a:?}");
    assert!(a.error_message().contains("paid out"), "{a:?}");
    let (payout,): (i64,) = sqlx::query_as("select id from payouts")
        .fetch_one(db.pool())
        .await
        .unwrap();
    let a = post(
        &app,
        "trail/mark_payout_paid",
        &[
            ("recipient_id", id.clone()),
            ("payout_id", payout.to_string()),
        ],
    )
    .await;
    assert!(a.location.is_some(), "{a:?}");
    let history = app
        .get(&format!("/studio/p/{cause}/payouts"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        history.contains("T-1") && history.contains("arrived"),
        "{history}"
    );
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn a_donor_follows_a_tip_to_its_payout_and_expenses_and_no_one_else_can() {
    let mut app = spawn_app().await;
    let db = app.state.db.clone();
    let cause = make_cause(&app, "wells").await;
    let owner = owner_of(&db, cause).await;
    app.sign_up_and_log_in("donor@example.org", "Donor").await;
    let (donor,): (i64,) = sqlx::query_as("select id from users where email = 'donor@example.org'")
        .fetch_one(db.pool())
        .await
        .unwrap();
    tip(&app.state, donor, cause, "25").await;
    card(&app.state, donor, methods::SUCCEEDS, 28).await;
    run_billing(&app, date("2027-01-28")).await;
    let (item, fee, net): (i64, i64, i64) =
        sqlx::query_as("select item_id, fee_minor, net_minor from allocations")
            .fetch_one(db.pool())
            .await
            .unwrap();
    let form = |amount: &'static str, description: &'static str| ExpenseForm {
        amount,
        description,
        spent_on: "2026-01-05",
        receipt_url: "https://example.org/r1.pdf",
        budget_line: "",
    };
    expenses::record(&db, owner, cause, &form("10", "Pipes"))
        .await
        .unwrap();
    expenses::record(&db, owner, cause, &form("4.50", "Taps"))
        .await
        .unwrap();
    payouts::record(
        &db,
        NewPayout {
            reference: "WIRE-7".to_owned(),
            ..payout(cause, 1000)
        },
    )
    .await
    .unwrap();

    let a = post(&app, "trail/donation", &[("item_id", item.to_string())]).await;
    assert_eq!(a.status, 200, "{a:?}");
    let t: app::model::trail::DonationTrail = serde_json::from_str(&a.body).unwrap();
    assert_eq!((t.gross_minor, t.fee_minor, t.net_minor), (2500, fee, net));
    assert_eq!(t.fee_minor + t.platform_fee_minor + t.net_minor, 2500);
    assert_eq!(
        t.expenses.iter().map(|e| e.share_minor).collect::<Vec<_>>(),
        vec![1000, 450]
    );
    assert_eq!(t.unspent_minor, net - 1450);
    assert_eq!(t.payouts.len(), 1);
    assert_eq!(t.unpaid_minor, 450);
    let page = app
        .get(&format!("/account/donations/{item}"))
        .await
        .text()
        .await
        .unwrap();
    for text in [
        "WIRE-7",
        "Pipes",
        "Taps",
        "https://example.org/r1.pdf",
        &usd(net).to_string(),
        &usd(net - 1450).to_string(),
    ] {
        assert!(page.contains(text), "{text} missing: {page}");
    }
    // The receipt itemises the donation with its fee share and links to the same trail.
    let mails = app.emails_to("donor@example.org").await;
    let receipt = mails
        .iter()
        .find(|(subject, _)| subject == &format!("Your Chipin receipt: {}", usd(2500)))
        .unwrap_or_else(|| panic!("no receipt: {mails:?}"));
    assert!(
        receipt
            .1
            .contains(&format!("{}/account/donations/{item}", app.base)),
        "{}",
        receipt.1
    );
    assert!(
        receipt.1.contains(&format!("fee share {}", usd(fee))),
        "{}",
        receipt.1
    );
    let billing_page = app.get("/account/billing").await.text().await.unwrap();
    assert!(
        billing_page.contains(&format!("/account/donations/{item}")),
        "the dashboard links the trail"
    );

    // Another supporter, or a visitor, gets nothing.
    app.new_browser();
    let a = post(&app, "trail/donation", &[("item_id", item.to_string())]).await;
    assert_eq!(a.status, 401, "{a:?}");
    app.sign_up_and_log_in("nosy@example.org", "Nosy").await;
    let a = post(&app, "trail/donation", &[("item_id", item.to_string())]).await;
    assert_eq!(a.status, 404, "{a:?}");
    let page = app
        .get(&format!("/account/donations/{item}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("WIRE-7") && !page.contains("Pipes"),
        "{page}"
    );
}

#[tokio::test]
async fn every_demo_donation_has_a_complete_trail() {
    let app = spawn_app().await;
    let db = &app.state.db;
    assert!(server::load_demo_data(&app.state).await.unwrap());
    assert_ledger_ok(&app).await;
    let items = crate::population::scalar(db, "select count(*) from donation_items").await;
    assert!(items > 0);
    // Every donation was charged and split, and payouts and expenses use some of them.
    assert_eq!(
        crate::population::scalar(db, "select count(*) from allocations").await,
        items
    );
    assert_eq!(app.count("payouts").await, 3);
    assert_eq!(app.count("expenses").await, 6);
    // The two library causes have two budget lines each, earmarked gifts and an expense in
    // each line.
    assert_eq!(app.count("budget_lines").await, 4);
    assert!(
        crate::population::scalar(
            db,
            "select count(*) from donation_items where budget_line_id is not null"
        )
        .await
            >= 2
    );
    assert_eq!(
        crate::population::scalar(
            db,
            "select count(distinct budget_line_id) from expenses where budget_line_id is not null"
        )
        .await,
        4
    );
    let rows: Vec<(i64, i64)> = sqlx::query_as("select id, supporter_id from donation_items")
        .fetch_all(db.pool())
        .await
        .unwrap();
    for (item, supporter) in rows {
        let t = app::domain::books::trail::donation(db, supporter, item)
            .await
            .unwrap()
            .unwrap();
        assert!(t.charge_id.is_some(), "{t:?}");
        assert_eq!(
            t.fee_minor + t.platform_fee_minor + t.net_minor,
            t.gross_minor
        );
        let paid: i64 = t.payouts.iter().map(|p| p.amount_minor).sum();
        if t.is_cause {
            let spent: i64 = t.expenses.iter().map(|e| e.share_minor).sum();
            assert_eq!(spent + t.unspent_minor, t.net_minor, "{t:?}");
            assert_eq!(paid + t.unpaid_minor, spent, "{t:?}");
        } else {
            assert_eq!(paid + t.unpaid_minor, t.net_minor, "{t:?}");
        }
    }
    korean_demo_pages_are_complete(&app).await;
}

/// The Korean creator and cause: in won, with three monthly tiers, a public and a
/// supporters-only post, charged gifts, and for the cause a budget line with an expense; a
/// supporter whose account reads Chipin in Korean gives to both.
async fn korean_demo_pages_are_complete(app: &TestApp) {
    let db = &app.state.db;
    for (slug, kind, name) in [
        ("seoyeon-hanji", "creator", "서연의 한지 공방"),
        (
            "mangwon-library",
            "cause",
            "망원동 작은도서관 주말에도 문 열기",
        ),
    ] {
        let (id, k, n, currency, bio): (i64, String, String, String, String) = sqlx::query_as(
            "select id, kind, name, currency, bio_md from recipients where slug = $1",
        )
        .bind(slug)
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert_eq!(
            (k.as_str(), n.as_str(), currency.as_str()),
            (kind, name, "KRW")
        );
        assert!(bio.contains("후원금"), "{bio}");
        let prices: Vec<(i64,)> = sqlx::query_as(
            "select price_minor from tiers where recipient_id = $1 order by position",
        )
        .bind(id)
        .fetch_all(db.pool())
        .await
        .unwrap();
        assert_eq!(prices, vec![(3000,), (5000,), (10000,)]);
        let posts: Vec<(String, i64)> =
            sqlx::query_as("select title, public from posts where recipient_id = $1 order by id")
                .bind(id)
                .fetch_all(db.pool())
                .await
                .unwrap();
        assert_eq!(posts.len(), 2, "{posts:?}");
        assert_eq!(posts.iter().map(|p| p.1).collect::<Vec<_>>(), vec![1, 0]);
        let restricted: (i64,) = sqlx::query_as(
            "select count(*) from post_tiers t join posts p on p.id = t.post_id where p.recipient_id = $1",
        )
        .bind(id)
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert_eq!(restricted.0, 1);
        // Pledges and tips, every one charged in won.
        let (pledges, tips, charged): (i64, i64, i64) = sqlx::query_as(
            "select (select count(*) from pledges where recipient_id = $1), \
                    (select count(*) from tips where recipient_id = $1), \
                    (select count(*) from allocations where recipient_id = $1 and currency = 'KRW')",
        )
        .bind(id)
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert!(
            pledges >= 2 && tips >= 1,
            "{slug}: {pledges} pledges, {tips} tips"
        );
        assert_eq!(charged, pledges + tips, "{slug}");
    }
    let (lines, expenses): (i64, i64) = sqlx::query_as(
        "select (select count(*) from budget_lines b join recipients r on r.id = b.recipient_id \
                 where r.slug = 'mangwon-library' and b.name = '어린이 책'), \
                (select count(*) from expenses e join recipients r on r.id = e.recipient_id \
                 where r.slug = 'mangwon-library' and e.currency = 'KRW' and e.budget_line_id is not null)",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!((lines, expenses), (1, 2));
    let (language, gifts): (Option<String>, i64) = sqlx::query_as(
        "select u.language, (select count(*) from donation_items i where i.supporter_id = u.id) \
         from users u where u.email = 'minjun@demo.chipin.example'",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(language.as_deref(), Some("ko"));
    assert!(gifts >= 3, "{gifts}");
}

#[tokio::test]
async fn the_operator_records_a_payout_from_the_command_line() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let creator = recipient(db, "maker", "USD").await;
    let items = charged_tips(&app, creator, &[("ann", &["10"])]).await;
    let net = items[0].1;
    let too_much = usd(net + 1).to_string();
    let err = server::cli::payouts::record(&app.state, "maker", &too_much, "BANK-1", None)
        .await
        .unwrap_err();
    assert_eq!(
        server::cli::error_chain(&err),
        format!(
            "the payout was refused: Only {} is available to pay out.",
            usd(net)
        )
    );
    assert!(
        server::cli::payouts::record(&app.state, "nobody", "1", "BANK-1", None)
            .await
            .is_err()
    );
    let line = server::cli::payouts::record(&app.state, "maker", "5", "BANK-1", Some("2026-01-31"))
        .await
        .unwrap();
    let (id,): (i64,) = sqlx::query_as("select id from payouts")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(
        line,
        format!(
            "payout {id} of $5.00 to maker recorded (in transit); {} left to pay out",
            usd(net - 500)
        )
    );
    assert_eq!(
        server::cli::payouts::mark_paid(&app.state, id)
            .await
            .unwrap(),
        format!("payout {id} marked paid")
    );
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn a_disputed_donation_is_held_back_from_payouts_until_the_dispute_is_won() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let creator = recipient(db, "held", "USD").await;
    let items = charged_tips(&app, creator, &[("cy", &["10"]), ("di", &["20"])]).await;
    let total: i64 = items.iter().map(|i| i.1).sum();
    let (disputed_charge,): (i64,) =
        sqlx::query_as("select charge_id from allocations where item_id = $1")
            .bind(items[0].0)
            .fetch_one(db.pool())
            .await
            .unwrap();
    let set_dispute = |status: &'static str| {
        sqlx::query(
            "insert into disputes (dispute_ref, charge_id, amount_minor, currency, reason, status, created, updated_at) \
             values ('dp_1', $1, 1000, 'USD', 'fraudulent', $2, 1, 1) \
             on conflict (dispute_ref) do update set status = excluded.status",
        )
        .bind(disputed_charge)
        .bind(status)
    };
    set_dispute("needs_response")
        .execute(db.pool())
        .await
        .unwrap();
    assert_eq!(
        payouts::available(db, creator).await.unwrap(),
        usd(total - items[0].1)
    );
    let err = payouts::record(db, payout(creator, total))
        .await
        .unwrap_err();
    assert!(
        matches!(err, PayoutError::MoreThanAvailable { .. }),
        "{err:?}"
    );
    let p = payouts::record(db, payout(creator, items[1].1))
        .await
        .unwrap();
    assert_eq!(
        shares(&app, "payout_shares", "payout_id", p).await,
        vec![(items[1].0, items[1].1)]
    );
    set_dispute("won").execute(db.pool()).await.unwrap();
    assert_eq!(
        payouts::available(db, creator).await.unwrap(),
        usd(items[0].1)
    );
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn each_successful_charge_owes_one_receipt_written_once_by_the_mail_worker() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let creator = recipient(db, "receipts", "USD").await;
    charged_tips(&app, creator, &[("ed", &["10", "5"]), ("flo", &["20"])]).await;
    let receipts = || async {
        let (n,): (i64,) = sqlx::query_as(
            "select count(*) from email_outbox where subject like 'Your Chipin receipt:%'",
        )
        .fetch_one(db.pool())
        .await
        .unwrap();
        n
    };
    // The run itself only notes what is owed: one per charge, none written yet.
    assert_eq!(app.count("receipts_due").await, 2);
    assert_eq!(receipts().await, 0);
    let site = &app.state.billing.site_url;
    let write = billing::receipts::write_receipts;
    assert_eq!(write(db, site, 1).await.unwrap(), 1);
    assert_eq!(write(db, site, 10).await.unwrap(), 1);
    assert_eq!(write(db, site, 10).await.unwrap(), 0);
    assert_eq!(receipts().await, 2);
    assert_eq!(app.count("receipts_due").await, 0);
    // Ed's two tips are one charge, so one receipt listing both.
    let ed = app.emails_to("ed@example.org").await;
    let receipt = ed
        .iter()
        .find(|(subject, _)| subject.starts_with("Your Chipin receipt"))
        .expect("ed's receipt");
    assert_eq!(
        receipt.1.matches("/account/donations/").count(),
        2,
        "{}",
        receipt.1
    );
}

/// A one-page PDF receipt.
const RECEIPT_PDF: &[u8] = include_bytes!("../fixtures/receipt.pdf");

/// Posts the receipt upload form like a browser (CSRF token as the first field).
async fn upload_receipt(
    app: &TestApp,
    cause: i64,
    file_name: &str,
    declared_type: &str,
    bytes: Vec<u8>,
) -> Answer {
    let token = app.csrf().await;
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(file_name.to_owned())
        .mime_str(declared_type)
        .unwrap();
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .part("receipt", part);
    app.post_multipart(&format!("/studio/p/{cause}/expenses/receipt"), form)
        .await
}

/// How many files the uploads folder holds.
fn stored_files(app: &TestApp) -> usize {
    std::fs::read_dir(&app.state.settings.uploads_dir).map_or(0, |d| d.count())
}

async fn page_text(app: &TestApp, path: &str) -> String {
    app.get(path).await.text().await.unwrap()
}

#[tokio::test]
async fn organizers_upload_receipts_checked_by_content_and_link_them_to_expenses() {
    let mut app = spawn_app().await;
    let cause = make_cause(&app, "wells").await;
    charged_tips(&app, cause, &[("Annabel", &["20"])]).await;
    app.sign_up_and_log_in("org@example.org", "Organizer").await;
    give_to(&app, cause, "org@example.org").await;
    app.turn_on_two_factor().await;
    let form = page_text(&app, &format!("/studio/p/{cause}/expenses")).await;
    assert!(form.contains("enctype=\"multipart/form-data\""), "{form}");
    assert!(form.contains("up to 5 MiB"));

    // A real PDF is stored and served back as a PDF, shown inline under a safe name.
    let a = upload_receipt(
        &app,
        cause,
        "receipt.pdf",
        "application/pdf",
        RECEIPT_PDF.to_vec(),
    )
    .await;
    assert_eq!(a.status, 303, "{a:?}");
    let to = a.location.clone().expect("a redirect");
    let prefix = format!("/studio/p/{cause}/expenses?receipt=");
    assert!(
        to.starts_with(&prefix) && to.ends_with(".pdf#new-expense"),
        "{to}"
    );
    let name = to[prefix.len()..to.len() - "#new-expense".len()].to_owned();
    let url = format!("/media/{name}");
    let res = app.get(&url).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(
        res.headers()["content-disposition"],
        format!("inline; filename=\"receipt-{}.pdf\"", &name[..12]).as_str()
    );
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(res.headers().contains_key("content-security-policy"));
    assert_eq!(res.bytes().await.unwrap().as_ref(), RECEIPT_PDF);
    assert_eq!(stored_files(&app), 1);

    // Back on the form, the receipt is attached to the next expense.
    let back = page_text(&app, to.split('#').next().unwrap()).await;
    assert!(back.contains(&format!("value=\"{url}\"")), "{back}");
    let a = post(
        &app,
        "trail/record_expense",
        &[
            ("recipient_id", cause.to_string()),
            ("amount", "3.50".to_owned()),
            ("description", "Pipe fittings".to_owned()),
            ("spent_on", "2026-01-05".to_owned()),
            ("receipt_url", url.clone()),
        ],
    )
    .await;
    assert_eq!(
        a.location.as_deref(),
        Some(format!("/studio/p/{cause}/expenses?saved=expense").as_str()),
        "{a:?}"
    );
    let (receipt,): (Option<String>,) =
        sqlx::query_as("select receipt_url from expenses where recipient_id = $1")
            .bind(cause)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(receipt.as_deref(), Some(url.as_str()));
    assert!(page_text(&app, "/c/wells").await.contains(&url));

    // A text file called .pdf, an empty file and anything over 5 MiB are refused with a
    // reason on the form, and nothing is stored.
    let mut big = RECEIPT_PDF.to_vec();
    big.resize(5 * 1024 * 1024 + 1, b' ');
    let mut bigger = RECEIPT_PDF.to_vec();
    bigger.resize(7 * 1024 * 1024, b' ');
    let gif = b"GIF89a not a receipt type".to_vec();
    for (file, bytes, code, reason) in [
        (
            "invoice.pdf",
            b"<html>not a pdf</html>".to_vec(),
            "receipt_type",
            "not a PDF, PNG, JPEG or WebP",
        ),
        (
            "invoice.gif",
            gif,
            "receipt_type",
            "not a PDF, PNG, JPEG or WebP",
        ),
        ("huge.pdf", big, "receipt_size", "larger than 5 MiB"),
        ("huger.pdf", bigger, "receipt_size", "larger than 5 MiB"),
    ] {
        let a = upload_receipt(&app, cause, file, "application/pdf", bytes).await;
        assert_eq!(
            a.location.as_deref(),
            Some(format!("/studio/p/{cause}/expenses?receipt_error={code}#new-expense").as_str()),
            "{file}: {a:?}"
        );
        let shown = page_text(
            &app,
            &format!("/studio/p/{cause}/expenses?receipt_error={code}"),
        )
        .await;
        assert!(shown.contains(reason), "{file}");
        assert!(shown.contains("id=\"receipt-file-error\""), "{file}");
        assert_eq!(stored_files(&app), 1, "{file} stored nothing");
    }
    // Crafted links put neither words nor addresses on the page.
    let crafted = page_text(
        &app,
        &format!("/studio/p/{cause}/expenses?receipt_error=Call+0800&receipt=..%2F..%2Fsecret.pdf"),
    )
    .await;
    assert!(!crafted.contains("Call 0800") && !crafted.contains("secret.pdf"));
    assert!(crafted.contains("The receipt could not be saved."));

    // Someone else cannot upload to the cause, nor can a visitor.
    app.new_browser();
    app.sign_up_and_log_in("other@example.org", "Other").await;
    let mut other = RECEIPT_PDF.to_vec();
    other.extend_from_slice(b"% other\n");
    let a = upload_receipt(&app, cause, "receipt.pdf", "application/pdf", other.clone()).await;
    assert_eq!(a.status, 404, "{a:?}");
    app.new_browser();
    let a = upload_receipt(&app, cause, "receipt.pdf", "application/pdf", other).await;
    assert!(
        a.status == 403
            || a.location
                .as_deref()
                .is_some_and(|l| l.starts_with("/login")),
        "{a:?}"
    );
    assert_eq!(stored_files(&app), 1);
}

/// Records a dispute of the charge that paid `item`, with `status` (Stripe's names), as the
/// `charge.dispute.*` webhooks do.
async fn dispute_charge_of(app: &TestApp, item: i64, status: &str) {
    use app::domain::billing::disputes::{self, DisputeReport};
    let db = &app.state.db;
    let (charge, pi, amount): (i64, String, i64) = sqlx::query_as(
        "select c.id, c.processor_ref, c.amount_minor from charges c \
         join allocations a on a.charge_id = c.id where a.item_id = $1",
    )
    .bind(item)
    .fetch_one(db.pool())
    .await
    .unwrap();
    let dispute_ref = format!("dp_{charge}");
    let mut tx = db.begin_write().await.unwrap();
    let matched = disputes::record(
        &mut tx,
        &DisputeReport {
            dispute_ref: &dispute_ref,
            payment_intent: Some(&pi),
            amount_minor: amount,
            currency: "usd",
            reason: "fraudulent",
            status,
            created: 1_800_000_000,
            evidence_due_by: Some(1_800_864_000),
        },
        1_800_000_000,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(matched, Some(charge));
}

fn pipes(amount: &str) -> ExpenseForm<'_> {
    ExpenseForm {
        amount,
        description: "Pipes",
        spent_on: "2026-01-05",
        receipt_url: "",
        budget_line: "",
    }
}

#[tokio::test]
async fn a_cause_can_neither_spend_nor_pay_out_disputed_money_until_the_dispute_is_won() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let cause = make_cause(&app, "wells").await;
    let owner = owner_of(db, cause).await;
    let items = charged_tips(&app, cause, &[("ann", &["10"])]).await;
    let (item, net) = items[0];
    // 3.00 was spent before the payer disputed the charge with their bank.
    let before = expenses::record(db, owner, cause, &pipes("3"))
        .await
        .unwrap();
    dispute_charge_of(&app, item, "needs_response").await;

    // The spent money cannot be paid out, and the unspent rest cannot be spent.
    assert_eq!(payouts::available(db, cause).await.unwrap(), usd(0));
    let err = payouts::record(db, payout(cause, 1)).await.unwrap_err();
    assert_eq!(err.to_string(), "Only $0.00 is available to pay out.");
    assert_eq!(
        expenses::spendable(db, cause, Currency::USD, None)
            .await
            .unwrap(),
        usd(0)
    );
    let (entries, expenses_before) = (
        app.count("journal_entries").await,
        app.count("expenses").await,
    );
    let err = expenses::record(db, owner, cause, &pipes("1"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ExpenseError::HeldByDisputes { available, held }
            if available == usd(0) && held == usd(net - 300)),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "Only $0.00 can be spent now; an expense cannot be larger. Another {} comes from \
             payments their payers dispute with their bank (chargebacks) and cannot be spent \
             unless the disputes are won.",
            usd(net - 300)
        )
    );
    assert_eq!(app.count("journal_entries").await, entries);
    assert_eq!(app.count("expenses").await, expenses_before);
    assert_ledger_ok(&app).await;

    // Still frozen while the bank reviews it; released once the dispute is won.
    dispute_charge_of(&app, item, "under_review").await;
    assert_eq!(payouts::available(db, cause).await.unwrap(), usd(0));
    dispute_charge_of(&app, item, "won").await;
    assert_eq!(payouts::available(db, cause).await.unwrap(), usd(300));
    let rest = Money::new(net - 300, Currency::USD).to_string();
    let after = expenses::record(db, owner, cause, &pipes(&rest))
        .await
        .unwrap();
    assert_eq!(
        shares(&app, "expense_shares", "expense_id", after).await,
        vec![(item, net - 300)]
    );
    let p = payouts::record(db, payout(cause, net)).await.unwrap();
    assert_eq!(
        shares(&app, "payout_shares", "payout_id", p).await,
        vec![(item, net)]
    );
    assert_ne!(before, after);
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn with_one_of_two_donations_disputed_only_the_undisputed_one_is_spent_and_paid_out() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let cause = make_cause(&app, "wells").await;
    let owner = owner_of(db, cause).await;
    let items = charged_tips(&app, cause, &[("ann", &["10"]), ("bob", &["20"])]).await;
    let [(kept, kept_net), (disputed, disputed_net)] = items[..] else {
        panic!("two donations: {items:?}");
    };
    // Bob's bank took his payment back: a lost dispute freezes it for good.
    dispute_charge_of(&app, disputed, "needs_response").await;
    dispute_charge_of(&app, disputed, "lost").await;

    assert_eq!(
        expenses::spendable(db, cause, Currency::USD, None)
            .await
            .unwrap(),
        usd(kept_net)
    );
    let all = Money::new(kept_net + disputed_net, Currency::USD).to_string();
    let err = expenses::record(db, owner, cause, &pipes(&all))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ExpenseError::HeldByDisputes { available, held }
            if available == usd(kept_net) && held == usd(disputed_net)),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with(&format!("Only {} can be spent now;", usd(kept_net))),
        "{err}"
    );
    // More than the undisputed money is refused; all of it is spent from the undisputed
    // donation alone.
    let one_more = Money::new(kept_net + 1, Currency::USD).to_string();
    assert!(matches!(
        expenses::record(db, owner, cause, &pipes(&one_more)).await,
        Err(ExpenseError::HeldByDisputes { .. })
    ));
    let kept_amount = Money::new(kept_net, Currency::USD).to_string();
    let e = expenses::record(db, owner, cause, &pipes(&kept_amount))
        .await
        .unwrap();
    assert_eq!(
        shares(&app, "expense_shares", "expense_id", e).await,
        vec![(kept, kept_net)]
    );
    assert_eq!(payouts::available(db, cause).await.unwrap(), usd(kept_net));
    let p = payouts::record(db, payout(cause, kept_net)).await.unwrap();
    assert_eq!(
        shares(&app, "payout_shares", "payout_id", p).await,
        vec![(kept, kept_net)]
    );
    assert!(matches!(
        payouts::record(db, payout(cause, 1)).await,
        Err(PayoutError::MoreThanAvailable { available }) if available == usd(0)
    ));
    // The ledger still holds the disputed money as the cause's, unspent.
    assert_eq!(
        journal::balance(db, Account::Recipient(cause), Currency::USD)
            .await
            .unwrap(),
        disputed_net
    );
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn receipt_uploads_count_against_the_page_quota_and_unattached_ones_are_swept_with_their_files()
 {
    use app::domain::platform::clock::now;
    let app = spawn_app_with(&[("RECEIPT_QUOTA_MB", "1")]).await;
    let cause = make_cause(&app, "wells").await;
    charged_tips(&app, cause, &[("Annabel", &["20"])]).await;
    app.sign_up_and_log_in("org@example.org", "Organizer").await;
    give_to(&app, cause, "org@example.org").await;
    app.turn_on_two_factor().await;
    let name_in = |a: &Answer| {
        let to = a.location.clone().expect("a redirect");
        let prefix = format!("/studio/p/{cause}/expenses?receipt=");
        assert!(to.starts_with(&prefix), "{to}");
        to[prefix.len()..to.len() - "#new-expense".len()].to_owned()
    };
    let kept = name_in(
        &upload_receipt(
            &app,
            cause,
            "a.pdf",
            "application/pdf",
            RECEIPT_PDF.to_vec(),
        )
        .await,
    );
    let mut other = RECEIPT_PDF.to_vec();
    other.extend_from_slice(b"\n% another receipt\n");
    let dropped = name_in(&upload_receipt(&app, cause, "b.pdf", "application/pdf", other).await);
    assert_eq!(stored_files(&app), 2);

    // Past the page's 1 MiB: refused with a reason on the form, nothing stored or counted.
    let mut big = RECEIPT_PDF.to_vec();
    big.resize(1024 * 1024 - RECEIPT_PDF.len(), b' ');
    let a = upload_receipt(&app, cause, "big.pdf", "application/pdf", big).await;
    let to = a.location.clone().expect("a redirect");
    assert_eq!(
        to,
        format!("/studio/p/{cause}/expenses?receipt_error=receipt_quota#new-expense")
    );
    assert!(
        page_text(&app, to.split('#').next().unwrap())
            .await
            .contains("used their storage allowance")
    );
    assert_eq!(stored_files(&app), 2);
    assert_eq!(app.count("receipt_uploads").await, 2);

    // The first is attached to an expense; the second never is.
    let a = post(
        &app,
        "trail/record_expense",
        &[
            ("recipient_id", cause.to_string()),
            ("amount", "3.50".to_owned()),
            ("description", "Pipe fittings".to_owned()),
            ("spent_on", "2026-01-05".to_owned()),
            ("receipt_url", format!("/media/{kept}")),
        ],
    )
    .await;
    assert!(a.status < 400, "{a:?}");
    let sweep = |before: i64| {
        let db = app.state.db.clone();
        let dir = app.state.settings.uploads_dir.clone();
        async move {
            payouts::receipt_uploads::sweep(&db, &dir, before)
                .await
                .unwrap()
        }
    };
    // Too recent to sweep yet.
    assert_eq!(sweep(now() - 3600).await, 0);
    assert_eq!(stored_files(&app), 2);
    assert_eq!(sweep(now() + 1).await, 1, "only the unattached upload");
    assert_eq!(stored_files(&app), 1);
    assert_eq!(app.get(&format!("/media/{dropped}")).await.status(), 404);
    assert_eq!(app.get(&format!("/media/{kept}")).await.status(), 200);
    assert_eq!(sweep(now() + 1).await, 0);
}
