//! Budget lines and earmarks: a cause's owner manages its lines, donors earmark tips and
//! pledges to one, and expenses spend a line's earmarked money first, then unearmarked money,
//! never money earmarked to another line.

use crate::helpers::{
    TestApp, assert_ledger_ok, date, give_to, post, run_default_billing, spawn_app, usd, user_id,
};
use crate::population::*;
use crate::trail::make_cause;
use app::domain::books::checks;
use app::domain::books::checks::TrailViolation;
use app::domain::giving::pledges::{self, NewTip};
use app::domain::payouts::expenses::{self, ExpenseError, NewExpense};
use app::domain::processors::simulated::methods;
use app::domain::recipients::budget_lines;
use app::money::Currency;

async fn line(app: &TestApp, cause: i64, name: &str) -> i64 {
    let owner = owner_of(&app.state.db, cause).await;
    budget_lines::create(&app.state.db, owner, cause, name, "")
        .await
        .unwrap()
}

async fn tip_to(app: &TestApp, fan: i64, cause: i64, amount: &str, line: Option<i64>) -> i64 {
    let line = line.map(|l| l.to_string()).unwrap_or_default();
    pledges::create_tip(
        &app.state,
        fan,
        NewTip {
            recipient_id: cause,
            amount,
            message: "",
            visibility: "public",
            budget_line: &line,
        },
    )
    .await
    .unwrap()
}

/// The net share of the donation item of each tip, in the order given.
async fn nets_of_tips(app: &TestApp, tips: &[i64]) -> Vec<(i64, i64)> {
    let mut out = Vec::new();
    for t in tips {
        let row: (i64, i64) = sqlx::query_as(
            "select a.item_id, a.net_minor from allocations a join donation_items i on i.id = a.item_id where i.tip_id = $1",
        )
        .bind(*t)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
        out.push(row);
    }
    out
}

fn expense(minor: i64, line: Option<i64>) -> NewExpense {
    NewExpense {
        amount: usd(minor),
        description: "Costs".to_owned(),
        spent_on: 0,
        receipt_url: None,
        budget_line_id: line,
    }
}

async fn shares_of(app: &TestApp, expense: i64) -> Vec<(i64, i64)> {
    sqlx::query_as(
        "select item_id, amount_minor from expense_shares where expense_id = $1 order by item_id",
    )
    .bind(expense)
    .fetch_all(app.state.db.pool())
    .await
    .unwrap()
}

#[tokio::test]
async fn only_a_causes_owner_adds_and_retires_its_budget_lines_and_creators_have_none() {
    let mut app = spawn_app().await;
    let db = app.state.db.clone();
    let cause = make_cause(&app, "wells").await;
    let creator = recipient(&db, "maker", "USD").await;
    app.sign_up_and_log_in("org@example.org", "Organizer").await;
    give_to(&app, cause, "org@example.org").await;
    give_to(&app, creator, "org@example.org").await;
    let id = cause.to_string();
    let add = |name: &str, description: &str| {
        vec![
            ("recipient_id", id.clone()),
            ("name", name.to_owned()),
            ("description", description.to_owned()),
        ]
    };
    let a = post(&app, "trail/create_budget_line", &add("Hosting", "Servers")).await;
    assert_eq!(
        a.location.as_deref(),
        Some(format!("/studio/p/{cause}/expenses?saved=budget_line#budget-lines").as_str()),
        "{a:?}"
    );
    // Bad names, a name taken in any case, and long descriptions are refused by field.
    for (fields, field) in [
        (add("  ", ""), "name"),
        (add(&"x".repeat(61), ""), "name"),
        (add("hOSTING", ""), "name"),
        (add("Events", &"y".repeat(201)), "description"),
    ] {
        let a = post(&app, "trail/create_budget_line", &fields).await;
        assert_eq!(a.status, 400, "{a:?}");
        assert_eq!(a.error_field().as_deref(), Some(field), "{a:?}");
    }
    assert!(
        post(&app, "trail/create_budget_line", &add("hOSTING", ""))
            .await
            .error_message()
            .contains("already has a budget line called “hOSTING”")
    );
    let a = post(&app, "trail/create_budget_line", &add(&"é".repeat(60), "")).await;
    assert!(a.location.is_some(), "60 characters fit: {a:?}");
    assert_eq!(app.count("budget_lines").await, 2);
    // A creator page has no budget lines, with a clear reason.
    let a = post(
        &app,
        "trail/create_budget_line",
        &[
            ("recipient_id", creator.to_string()),
            ("name", "Hosting".to_owned()),
        ],
    )
    .await;
    assert_eq!(a.status, 400, "{a:?}");
    assert!(a.error_message().contains("Only causes"), "{a:?}");
    let (hosting,): (i64,) = sqlx::query_as("select id from budget_lines where name = 'Hosting'")
        .fetch_one(db.pool())
        .await
        .unwrap();
    let page = app
        .get(&format!("/studio/p/{cause}/expenses"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Budget lines") && page.contains("Hosting") && page.contains("Servers"),
        "{page}"
    );

    // Someone else can neither add nor retire this cause's lines.
    app.new_browser();
    app.sign_up_and_log_in("other@example.org", "Other").await;
    let a = post(&app, "trail/create_budget_line", &add("Mine", "")).await;
    assert_eq!(a.status, 404, "{a:?}");
    let retire = vec![
        ("recipient_id", id.clone()),
        ("budget_line_id", hosting.to_string()),
    ];
    let a = post(&app, "trail/retire_budget_line", &retire).await;
    assert_eq!(a.status, 404, "{a:?}");
    assert_eq!(app.count("budget_lines").await, 2);
    assert_eq!(
        scalar(
            &db,
            "select count(*) from budget_lines where retired_at is not null"
        )
        .await,
        0
    );

    // The owner retires it once; its history stays.
    app.new_browser();
    let a = app
        .call(
            "log_in",
            &[
                ("email", "org@example.org"),
                ("password", crate::helpers::PASSWORD),
            ],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    let a = post(&app, "trail/retire_budget_line", &retire).await;
    assert!(a.location.is_some(), "{a:?}");
    let a = post(&app, "trail/retire_budget_line", &retire).await;
    assert_eq!(a.status, 400, "{a:?}");
    assert_eq!(app.count("budget_lines").await, 2);
    // Another cause's line cannot be retired through this cause.
    let other = make_cause(&app, "roads").await;
    let foreign = line(&app, other, "Asphalt").await;
    let a = post(
        &app,
        "trail/retire_budget_line",
        &[
            ("recipient_id", id.clone()),
            ("budget_line_id", foreign.to_string()),
        ],
    )
    .await;
    assert_eq!(a.status, 404, "{a:?}");
}

#[tokio::test]
async fn donors_earmark_tips_and_pledges_to_an_open_line_of_that_cause_only() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let cause = make_cause(&app, "wells").await;
    let hosting = line(&app, cause, "Hosting").await;
    let events = line(&app, cause, "Events").await;
    let other = make_cause(&app, "roads").await;
    let foreign = line(&app, other, "Asphalt").await;
    recipient(db, "maker", "USD").await;
    budget_lines::retire(db, owner_of(db, cause).await, cause, events)
        .await
        .unwrap();
    app.sign_up_and_log_in("donor@example.org", "Donor").await;
    let donor = user_id(&app, "donor@example.org").await;
    let tip = |slug: &str, line: String| {
        vec![
            ("slug", slug.to_owned()),
            ("amount", "5".to_owned()),
            ("visibility", "public".to_owned()),
            ("budget_line_id", line),
        ]
    };
    // Another cause's line, a retired line, a creator and nonsense are refused by field.
    for (fields, message) in [
        (
            tip("wells", foreign.to_string()),
            "Choose one of this cause's",
        ),
        (tip("wells", events.to_string()), "retired"),
        (
            tip("wells", "hosting".to_owned()),
            "Choose one of this cause's",
        ),
        (
            tip("maker", hosting.to_string()),
            "Choose one of this cause's",
        ),
    ] {
        let a = post(&app, "create_tip", &fields).await;
        assert_eq!(a.status, 400, "{a:?}");
        assert_eq!(a.error_field().as_deref(), Some("budget_line_id"), "{a:?}");
        assert!(a.error_message().contains(message), "{a:?}");
    }
    assert_eq!(app.count("tips").await, 0);
    assert_eq!(app.count("donation_items").await, 0);
    let a = post(&app, "create_tip", &tip("wells", hosting.to_string())).await;
    assert!(a.location.is_some(), "{a:?}");
    let a = post(&app, "create_tip", &tip("wells", String::new())).await;
    assert!(a.location.is_some(), "no earmark: {a:?}");

    // A pledge's earmark goes on every period it produces.
    let pledge = vec![
        ("slug", "wells".to_owned()),
        ("tier_id", "custom".to_owned()),
        ("amount", "7".to_owned()),
        ("visibility", "public".to_owned()),
        ("budget_line_id", foreign.to_string()),
    ];
    let a = post(&app, "create_pledge", &pledge).await;
    assert_eq!(a.error_field().as_deref(), Some("budget_line_id"), "{a:?}");
    assert_eq!(app.count("pledges").await, 0);
    let mut pledge = pledge;
    pledge[4].1 = hosting.to_string();
    let a = post(&app, "create_pledge", &pledge).await;
    assert!(a.location.is_some(), "{a:?}");
    card(&app.state, donor, methods::SUCCEEDS, 28).await;
    run_default_billing(&app, date("2027-01-28")).await;
    run_default_billing(&app, date("2027-02-28")).await;
    let items: Vec<(Option<i64>, Option<i64>, Option<String>)> =
        sqlx::query_as("select budget_line_id, tip_id, period from donation_items order by id")
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert_eq!(items.len(), 4, "{items:?}");
    assert_eq!(items[0].0, Some(hosting));
    assert_eq!(items[1].0, None);
    let periods: Vec<Option<i64>> = items
        .iter()
        .filter(|i| i.2.is_some())
        .map(|i| i.0)
        .collect();
    assert_eq!(periods, vec![Some(hosting), Some(hosting)]);
    // Once the line is retired, later periods go where they are needed most.
    budget_lines::retire(db, owner_of(db, cause).await, cause, hosting)
        .await
        .unwrap();
    run_default_billing(&app, date("2027-03-28")).await;
    let (last,): (Option<i64>,) = sqlx::query_as(
        "select budget_line_id from donation_items where period is not null order by id desc limit 1",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(last, None);
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn an_expense_in_a_line_spends_its_earmarks_first_then_unearmarked_money_and_a_correction_gives_them_back()
 {
    let app = spawn_app().await;
    let db = &app.state.db;
    let cause = make_cause(&app, "wells").await;
    let owner = owner_of(db, cause).await;
    let hosting = line(&app, cause, "Hosting").await;
    let events = line(&app, cause, "Events").await;
    let mut tips = Vec::new();
    for (name, amount, l) in [
        ("ann", "10", None),
        ("bob", "20", Some(hosting)),
        ("cat", "15", Some(events)),
        ("dan", "5", Some(hosting)),
        ("eve", "8", None),
    ] {
        let fan = user(db, name).await;
        tips.push(tip_to(&app, fan, cause, amount, l).await);
        card(&app.state, fan, methods::SUCCEEDS, 28).await;
    }
    run_default_billing(&app, date("2027-01-28")).await;
    let n = nets_of_tips(&app, &tips).await;
    let (ann, bob, cat, dan, eve) = (n[0], n[1], n[2], n[3], n[4]);
    let unearmarked = ann.1 + eve.1;

    // Without a line only unearmarked money may be spent: refused above it, by name.
    let err = expenses::record_checked(db, cause, Currency::USD, &expense(unearmarked + 1, None))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ExpenseError::MoreThanUnearmarked { available } if available == usd(unearmarked))
    );
    assert!(
        err.to_string().starts_with(&format!(
            "Only {} is unspent and not earmarked",
            usd(unearmarked)
        )),
        "{err}"
    );
    // A line's expense takes its own earmarks, oldest first, then unearmarked money.
    let e1 = expenses::record_checked(
        db,
        cause,
        Currency::USD,
        &expense(bob.1 + dan.1 + 100, Some(hosting)),
    )
    .await
    .unwrap();
    let mut want = vec![bob, dan, (ann.0, 100)];
    want.sort_unstable();
    assert_eq!(shares_of(&app, e1).await, want);
    // Above what the line may use: refused, naming the line and the amount.
    let left = unearmarked - 100;
    let err = expenses::record_checked(db, cause, Currency::USD, &expense(left + 1, Some(hosting)))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "Only {} can be spent in “Hosting”: the money earmarked to it plus money not earmarked. An expense in that line cannot be larger.",
            usd(left)
        )
    );
    // The same through the owner's form, as a field error on the amount.
    let too_much = usd(cat.1 + left + 1).to_string();
    let events_id = events.to_string();
    let err = expenses::record(
        db,
        owner,
        cause,
        &expenses::ExpenseForm {
            amount: &too_much,
            description: "Hall",
            spent_on: "2026-01-05",
            receipt_url: "",
            budget_line: &events_id,
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, ExpenseError::MoreThanLine { line, available } if line == "Events" && *available == usd(cat.1 + left)),
        "{err:?}"
    );
    // Another cause's line, or nonsense, is a field error; nothing is stored.
    let other = make_cause(&app, "roads").await;
    let foreign = line(&app, other, "Asphalt").await;
    for bad in [foreign.to_string(), "x".to_owned()] {
        let err = expenses::record(
            db,
            owner,
            cause,
            &expenses::ExpenseForm {
                amount: "1",
                description: "Hall",
                spent_on: "2026-01-05",
                receipt_url: "",
                budget_line: &bad,
            },
        )
        .await
        .unwrap_err();
        assert!(
            matches!(err, ExpenseError::Field("budget_line_id", _)),
            "{err:?}"
        );
    }
    assert_eq!(app.count("expenses").await, 1);

    let e2 = expenses::record_checked(db, cause, Currency::USD, &expense(50, Some(events)))
        .await
        .unwrap();
    assert_eq!(shares_of(&app, e2).await, vec![(cat.0, 50)]);
    let e3 = expenses::record_checked(db, cause, Currency::USD, &expense(left, None))
        .await
        .unwrap();
    let mut want = vec![(ann.0, ann.1 - 100), eve];
    want.sort_unstable();
    assert_eq!(shares_of(&app, e3).await, want);
    assert_eq!(
        expenses::spendable(db, cause, Currency::USD, None)
            .await
            .unwrap(),
        usd(0)
    );
    assert_eq!(
        expenses::spendable(db, cause, Currency::USD, Some(events))
            .await
            .unwrap(),
        usd(cat.1 - 50)
    );
    let (lines, general) = budget_lines::rows(db, cause).await.unwrap();
    let by_name = |n: &str| lines.iter().find(|l| l.name == n).unwrap().clone();
    assert_eq!(
        (
            by_name("Hosting").earmarked_minor,
            by_name("Hosting").spent_minor,
            by_name("Hosting").unspent_minor,
            by_name("Hosting").expenses_minor
        ),
        (bob.1 + dan.1, bob.1 + dan.1, 0, bob.1 + dan.1 + 100)
    );
    assert_eq!(
        (
            by_name("Events").earmarked_minor,
            by_name("Events").spent_minor,
            by_name("Events").unspent_minor
        ),
        (cat.1, 50, cat.1 - 50)
    );
    assert_eq!(
        (
            general.earmarked_minor,
            general.spent_minor,
            general.unspent_minor
        ),
        (unearmarked, unearmarked, 0)
    );
    assert_ledger_ok(&app).await;

    // Reversing the Hosting expense gives back exactly its shares, earmarks included: the
    // next Hosting expense of the same amount takes the very same ones.
    expenses::correct(db, Some(owner), e1, "wrong invoice")
        .await
        .unwrap();
    let (lines, general) = budget_lines::rows(db, cause).await.unwrap();
    let hosting_row = lines.iter().find(|l| l.name == "Hosting").unwrap();
    assert_eq!(hosting_row.unspent_minor, bob.1 + dan.1);
    assert_eq!(hosting_row.expenses_minor, 0);
    assert_eq!(general.unspent_minor, 100);
    assert_eq!(
        expenses::spendable(db, cause, Currency::USD, None)
            .await
            .unwrap(),
        usd(100)
    );
    let e4 = expenses::record_checked(
        db,
        cause,
        Currency::USD,
        &expense(bob.1 + dan.1 + 100, Some(hosting)),
    )
    .await
    .unwrap();
    assert_eq!(shares_of(&app, e4).await, shares_of(&app, e1).await);
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn the_database_and_the_ledger_check_refuse_earmarked_money_spent_outside_its_line() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let cause = make_cause(&app, "wells").await;
    let hosting = line(&app, cause, "Hosting").await;
    let events = line(&app, cause, "Events").await;
    let ann = user(db, "ann").await;
    let bob = user(db, "bob").await;
    let t1 = tip_to(&app, ann, cause, "10", Some(hosting)).await;
    let t2 = tip_to(&app, bob, cause, "10", None).await;
    for fan in [ann, bob] {
        card(&app.state, fan, methods::SUCCEEDS, 28).await;
    }
    run_default_billing(&app, date("2027-01-28")).await;
    let n = nets_of_tips(&app, &[t1, t2]).await;
    // An Events expense spends only unearmarked money.
    let e = expenses::record_checked(db, cause, Currency::USD, &expense(300, Some(events)))
        .await
        .unwrap();
    assert_eq!(shares_of(&app, e).await, vec![(n[1].0, 300)]);
    // A share drawing Hosting money for an Events expense is refused by the database.
    let refused = sqlx::query(
        "insert into expense_shares (expense_id, item_id, amount_minor) values ($1, $2, 1)",
    )
    .bind(e)
    .bind(n[0].0)
    .execute(db.pool())
    .await;
    assert!(refused.is_err(), "earmarked money spent in another line");
    assert_ledger_ok(&app).await;
    // A donation earmarked after the fact shows up in the operator's check, which fails. On
    // PostgreSQL the database refuses the change itself (an item's budget line is fixed once
    // written, migration 0031); the test sets that guard aside to reach the check.
    if db.backend() == app::domain::platform::db::Backend::Postgres {
        let refused = sqlx::query("update donation_items set budget_line_id = $1 where id = $2")
            .bind(hosting)
            .bind(n[1].0)
            .execute(db.pool())
            .await;
        assert!(refused.is_err(), "an item's budget line is fixed");
        sqlx::query("alter table donation_items disable trigger donation_items_keys_fixed")
            .execute(db.pool())
            .await
            .unwrap();
    }
    sqlx::query("update donation_items set budget_line_id = $1 where id = $2")
        .bind(hosting)
        .bind(n[1].0)
        .execute(db.pool())
        .await
        .unwrap();
    match checks::check(db).await.unwrap() {
        Err(checks::Violation::Trail(TrailViolation::EarmarkIgnored { expense, item })) => {
            assert_eq!((expense, item), (e, n[1].0));
        }
        other => panic!("{other:?}"),
    }
    let (report, ok) = server::cli::ledger::ledger_check_report(db).await.unwrap();
    assert!(!ok, "{report}");
    assert!(
        report.contains(&format!(
            "expense {e} uses donation item {}, which is earmarked to another budget line",
            n[1].0
        )),
        "{report}"
    );
}

#[tokio::test]
async fn the_public_ledger_the_trail_and_the_receipt_show_earmarks_and_lines() {
    let app = spawn_app().await;
    let db = app.state.db.clone();
    let cause = make_cause(&app, "wells").await;
    let owner = owner_of(&db, cause).await;
    let hosting = line(&app, cause, "Hosting").await;
    let _events = line(&app, cause, "Events").await;
    app.sign_up_and_log_in("donor@example.org", "Donor").await;
    let donor = user_id(&app, "donor@example.org").await;
    // The give forms offer the open lines as a plain select.
    let page = app.get("/c/wells").await.text().await.unwrap();
    assert!(
        page.contains("name=\"budget_line_id\"")
            && page.contains("needed most")
            && page.contains(&format!("value=\"{hosting}\"")),
        "{page}"
    );
    let tip = tip_to(&app, donor, cause, "25", Some(hosting)).await;
    card(&app.state, donor, methods::SUCCEEDS, 28).await;
    run_default_billing(&app, date("2027-01-28")).await;
    let n = nets_of_tips(&app, &[tip]).await;
    let (item, net) = n[0];
    expenses::record(
        &db,
        owner,
        cause,
        &expenses::ExpenseForm {
            amount: "10",
            description: "Server rent",
            spent_on: "2026-01-05",
            receipt_url: "",
            budget_line: &hosting.to_string(),
        },
    )
    .await
    .unwrap();
    let public = app.get("/c/wells").await.text().await.unwrap();
    assert!(
        public.contains("Budget lines") && public.contains("Budget line: Hosting"),
        "{public}"
    );
    assert!(public.contains(&usd(net - 1000).to_string()), "{public}");
    let trail = app
        .get(&format!("/account/donations/{item}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        trail.contains("You earmarked it for the budget line")
            && trail.contains("Hosting")
            && trail.contains("Server rent"),
        "{trail}"
    );
    let t = app::domain::books::trail::donation(&db, donor, item)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.budget_line.as_deref(), Some("Hosting"));
    assert_eq!(t.expenses[0].budget_line.as_deref(), Some("Hosting"));
    assert_eq!(t.unspent_minor, net - 1000);
    let mails = app.emails_to("donor@example.org").await;
    assert!(
        mails
            .iter()
            .any(|(_, body)| body.contains("tip, earmarked for Hosting")),
        "{mails:?}"
    );
}
