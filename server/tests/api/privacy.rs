//! Your data: the download of everything Chipin holds about an account, and deleting an
//! account — personal data erased, pledges and sessions ended, pages closed, money history
//! kept under an anonymous reference so the ledger still adds up.

use crate::helpers::{
    PASSWORD, TestApp, assert_ledger_ok, date, give_to, run_default_billing, spawn_app, user_id,
};
use crate::population::{card, pledge, recipient, tip};
use app::domain::giving::pledges::{self, NewTip, PledgeError};
use app::domain::payouts::{self, NewPayout, RecordedBy};
use app::domain::privacy::erase::{self, DELETED_NAME, EraseError};
use app::domain::processors::simulated::methods;
use app::money::{Currency, Money};
use std::io::Read as _;

const FAN: &str = "fan@example.org";

/// The files of the account's download, by name.
async fn download(app: &TestApp) -> std::collections::BTreeMap<String, String> {
    let res = app.get("/account/data.zip").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/zip");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"chipin-data-")
    );
    assert_eq!(res.headers()["cache-control"], "private, no-store");
    let bytes = res.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut files = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut text = String::new();
        f.read_to_string(&mut text).unwrap();
        files.insert(f.name().to_owned(), text);
    }
    files
}

/// A logged-in fan ("Fan Person") who pledges $5 to "maker" and tips it $3 with a message,
/// charged once on the simulated card. Returns (fan, maker).
async fn charged_fan(app: &TestApp) -> (i64, i64) {
    let state = &app.state;
    let maker = recipient(&state.db, "maker", "USD").await;
    app.sign_up_and_log_in(FAN, "Fan Person").await;
    let fan = user_id(app, FAN).await;
    pledge(state, fan, maker, "5").await;
    pledges::create_tip(
        state,
        fan,
        NewTip {
            recipient_id: maker,
            amount: "3",
            message: "Keep drawing, from Fan Person",
            visibility: "public",
            budget_line: "",
        },
    )
    .await
    .unwrap();
    card(state, fan, methods::SUCCEEDS, 28).await;
    run_default_billing(app, date("2027-01-28")).await;
    (fan, maker)
}

#[tokio::test]
async fn the_download_holds_everything_about_the_account_and_nothing_of_anyone_else() {
    let mut app = spawn_app().await;
    // Someone else gives to the same page: none of it may appear in the fan's download.
    let state = app.state.clone();
    let (_, maker) = charged_fan(&app).await;
    let other = crate::population::user(&state.db, "Other").await;
    tip(&state, other, maker, "7").await;

    let files = download(&app).await;
    let json: serde_json::Value = serde_json::from_str(&files["chipin-account.json"]).unwrap();
    assert_eq!(json["account"]["email"], FAN);
    assert_eq!(json["account"]["display_name"], "Fan Person");
    assert_eq!(json["pledges"].as_array().unwrap().len(), 1);
    assert_eq!(json["pledges"][0]["page"], "maker");
    assert_eq!(json["pledges"][0]["amount_minor"], 500);
    assert_eq!(json["tips"][0]["message"], "Keep drawing, from Fan Person");
    let donations = json["donations"].as_array().unwrap();
    assert_eq!(donations.len(), 2, "{donations:?}");
    for d in donations {
        assert_eq!(d["status"], "paid");
        let (gross, fee, net) = (
            d["gross_minor"].as_i64().unwrap(),
            d["fee_minor"].as_i64().unwrap(),
            d["net_minor"].as_i64().unwrap(),
        );
        assert_eq!(gross, fee + d["platform_fee_minor"].as_i64().unwrap() + net);
    }
    let charges = json["charges"].as_array().unwrap();
    assert_eq!(charges.len(), 1);
    assert_eq!(charges[0]["amount_minor"], 800);
    assert_eq!(json["sessions"].as_array().unwrap().len(), 1);
    assert!(
        !json["emails"].as_array().unwrap().is_empty(),
        "the sign-up email"
    );
    // A statement CSV for the year charged, beside the JSON.
    let statement = files
        .keys()
        .find(|k| k.starts_with("statement-") && k.ends_with(".csv"))
        .expect("a statement CSV");
    assert!(files[statement].contains("maker"), "{}", files[statement]);

    let everything: String = files.values().cloned().collect();
    assert!(!everything.contains("other@example.org"));
    assert!(!everything.contains("password_hash"));
    assert!(!everything.contains("argon2"), "no password hash");
    let token = app.cookie("chipin_session").unwrap_or_default();
    assert!(
        token.is_empty() || !everything.contains(&token),
        "no session token"
    );

    // A visitor is sent to log in.
    app.new_browser();
    let res = app.get("/account/data.zip").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/login?next=/account");
}

#[tokio::test]
async fn a_page_owner_downloads_their_pages_with_their_supporters_csv() {
    let app = spawn_app().await;
    let (_, maker) = charged_fan(&app).await;
    let mut app = app;
    app.new_browser();
    app.sign_up_and_log_in("maker@example.org", "Maker").await;
    give_to(&app, maker, "maker@example.org").await;
    let files = download(&app).await;
    let json: serde_json::Value = serde_json::from_str(&files["chipin-account.json"]).unwrap();
    assert_eq!(json["pages"][0]["slug"], "maker");
    assert!(json["pledges"].as_array().unwrap().is_empty());
    let csv = &files["supporters-maker.csv"];
    assert!(csv.contains("Fan Person"), "{csv}");
}

#[tokio::test]
async fn deleting_an_account_erases_personal_data_and_keeps_the_money_history() {
    let app = spawn_app().await;
    let state = &app.state;
    let db = &state.db;
    let (fan, maker) = charged_fan(&app).await;
    // One more tip, not yet charged.
    tip(state, fan, maker, "2").await;
    let charges_before = app.count("charges").await;
    let allocations_before = app.count("allocations").await;
    let public = app.get("/c/maker").await.text().await.unwrap();
    assert!(public.contains("Fan Person"));

    // A wrong password or a missing confirmation changes nothing.
    let a = app
        .call(
            "delete_account",
            &[("password", "not-my-password"), ("confirm", "delete")],
        )
        .await;
    assert_eq!(a.error_field().as_deref(), Some("password"), "{a:?}");
    let a = app
        .call(
            "delete_account",
            &[("password", PASSWORD), ("confirm", "yes")],
        )
        .await;
    assert_eq!(a.error_field().as_deref(), Some("confirm"), "{a:?}");
    assert_eq!(app.whoami().await.as_deref(), Some(FAN));

    let a = app
        .call(
            "delete_account",
            &[("password", PASSWORD), ("confirm", " Delete ")],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    assert_eq!(a.location.as_deref(), Some("/account/deleted"));
    assert_eq!(app.whoami().await, None, "logged out");
    let a = app
        .call("log_in", &[("email", FAN), ("password", PASSWORD)])
        .await;
    assert!(a.status >= 400, "the old login no longer works: {a:?}");

    // Personal data is gone.
    let (email, name, hash, verified, deleted): (String, String, String, Option<i64>, Option<i64>) =
        sqlx::query_as(
            "select email, display_name, password_hash, email_verified_at, deleted_at from users where id = $1",
        )
        .bind(fan)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert!(email.ends_with("@deleted.invalid"), "{email}");
    assert_eq!(name, DELETED_NAME);
    assert_eq!(hash, "!");
    assert_eq!((verified.is_none(), deleted.is_some()), (true, true));
    let scalar = |sql: &'static str| async move {
        let (n,): (i64,) = sqlx::query_as(sql)
            .bind(fan)
            .fetch_one(db.pool())
            .await
            .unwrap();
        n
    };
    assert_eq!(
        scalar("select count(*) from sessions where user_id = $1").await,
        0
    );
    assert_eq!(
        scalar("select count(*) from email_tokens where user_id = $1").await,
        0
    );
    assert_eq!(
        scalar("select count(*) from billing_profiles where user_id = $1 and (payment_method is not null or processor_customer is not null)").await,
        0
    );
    assert_eq!(scalar("select count(*) from tips where supporter_id = $1 and (message <> '' or visibility = 'public')").await, 0);
    assert_eq!(scalar("select count(*) from pledges where supporter_id = $1 and (status <> 'cancelled' or visibility = 'public')").await, 0);
    assert_eq!(
        scalar(
            "select count(*) from donation_items where supporter_id = $1 and status = 'pending'"
        )
        .await,
        0
    );
    assert!(
        app.emails_to(FAN).await.is_empty(),
        "mail to the address is erased"
    );
    let everything = format!(
        "{}{}",
        app.get("/c/maker").await.text().await.unwrap(),
        app.call("recipients/explore", &[]).await.body
    );
    assert!(!everything.contains("Fan Person"));
    assert!(!everything.contains("Keep drawing"));

    // Money history stays, and adds up.
    assert_eq!(app.count("charges").await, charges_before);
    assert_eq!(app.count("allocations").await, allocations_before);
    assert_ledger_ok(&app).await;
    // Nothing more is charged.
    let next = run_default_billing(&app, date("2027-02-28")).await;
    assert_eq!(app.count("charges").await, charges_before, "{next:?}");
    // Deleting twice is refused.
    assert!(matches!(
        erase::erase(db, fan).await,
        Err(EraseError::AlreadyDeleted)
    ));
}

#[tokio::test]
async fn a_charge_in_flight_holds_the_deletion_back_and_changes_nothing() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let (fan, _) = charged_fan(&app).await;
    sqlx::query("update charges set status = 'requires_action' where supporter_id = $1")
        .bind(fan)
        .execute(db.pool())
        .await
        .unwrap();
    let a = app
        .call(
            "delete_account",
            &[("password", PASSWORD), ("confirm", "delete")],
        )
        .await;
    assert_eq!(a.status, 400, "{a:?}");
    assert!(a.error_message().contains("waits for your bank"), "{a:?}");
    assert_eq!(app.whoami().await.as_deref(), Some(FAN));
    let (email,): (String,) = sqlx::query_as("select email from users where id = $1")
        .bind(fan)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(email, FAN);
}

#[tokio::test]
async fn an_owner_deletes_only_once_their_page_is_paid_out_and_the_page_then_closes() {
    let mut app = spawn_app().await;
    let state = app.state.clone();
    let db = &state.db;
    let (fan, maker) = charged_fan(&app).await;
    app.new_browser();
    app.sign_up_and_log_in("maker@example.org", "Maker").await;
    give_to(&app, maker, "maker@example.org").await;
    let owner = user_id(&app, "maker@example.org").await;
    assert!(
        app.call("recipients/explore", &[])
            .await
            .body
            .contains("\"maker\"")
    );

    // The page holds the fan's money: refused, nothing changes.
    let a = app
        .call(
            "delete_account",
            &[("password", PASSWORD), ("confirm", "delete")],
        )
        .await;
    assert_eq!(a.status, 400, "{a:?}");
    assert!(a.error_message().contains("still holds money"), "{a:?}");
    assert_eq!(app.whoami().await.as_deref(), Some("maker@example.org"));

    // Paid out but not arrived: still refused.
    let held = payouts::available(db, maker).await.unwrap();
    let payout = payouts::record(
        db,
        NewPayout {
            recipient_id: maker,
            amount: held,
            paid_on: 1_800_000_000,
            reference: "bank 1".to_owned(),
            by: RecordedBy::Operator,
        },
    )
    .await
    .unwrap();
    assert!(matches!(
        erase::erase(db, owner).await,
        Err(EraseError::NotNow(_))
    ));
    payouts::mark_paid(db, payout, None).await.unwrap();

    let a = app
        .call(
            "delete_account",
            &[("password", PASSWORD), ("confirm", "delete")],
        )
        .await;
    assert!(a.status < 400, "{a:?}");

    // The page is closed: the fan's pledge ended, no new gift, out of explore, said so.
    let (status,): (String,) = sqlx::query_as("select status from pledges where supporter_id = $1")
        .bind(fan)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(status, "cancelled");
    let refused = pledges::create_tip(
        &state,
        fan,
        NewTip {
            recipient_id: maker,
            amount: "1",
            message: "",
            visibility: "public",
            budget_line: "",
        },
    )
    .await;
    assert!(matches!(refused, Err(PledgeError::Closed)), "{refused:?}");
    assert!(
        !app.call("recipients/explore", &[])
            .await
            .body
            .contains("\"maker\"")
    );
    let page = app.get("/c/maker").await.text().await.unwrap();
    assert!(page.contains("This page has closed"));
    assert!(!page.contains("Maker<"), "the owner's name is gone");
    let charges = app.count("charges").await;
    run_default_billing(&app, date("2027-02-28")).await;
    assert_eq!(
        app.count("charges").await,
        charges,
        "nothing more is charged"
    );
    assert_ledger_ok(&app).await;
    assert_eq!(
        payouts::available(db, maker).await.unwrap(),
        Money::new(0, Currency::USD)
    );
}

/// Tips racing the deletion that closes their page: each is refused or ended with the page;
/// none is left waiting to be charged to a closed page (on PostgreSQL the page's row lock
/// orders them).
#[tokio::test]
async fn no_tip_slips_into_a_page_closed_by_a_deletion_at_the_same_moment() {
    let app = spawn_app().await;
    let state = app.state.clone();
    let db = &state.db;
    for round in 0..5 {
        let page = recipient(db, &format!("page-{round}"), "USD").await;
        let owner = crate::population::owner_of(db, page).await;
        let mut fans = Vec::new();
        for n in 0..8 {
            fans.push(crate::population::user(db, &format!("fan-{round}-{n}")).await);
        }
        let mut tasks = Vec::new();
        for fan in fans {
            let state = state.clone();
            tasks.push(tokio::spawn(async move {
                pledges::create_tip(
                    &state,
                    fan,
                    NewTip {
                        recipient_id: page,
                        amount: "1",
                        message: "",
                        visibility: "public",
                        budget_line: "",
                    },
                )
                .await
                .map(|_| ())
            }));
        }
        let erased = erase::erase(db, owner).await.unwrap();
        assert_eq!(erased.pages_closed, 1);
        for t in tasks {
            match t.await.unwrap() {
                Ok(()) | Err(PledgeError::Closed) => {}
                Err(e) => panic!("{e:?}"),
            }
        }
        let (waiting,): (i64,) = sqlx::query_as(
            "select count(*) from donation_items where recipient_id = $1 and status = 'pending'",
        )
        .bind(page)
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert_eq!(waiting, 0, "round {round}");
    }
}

#[tokio::test]
async fn with_two_factor_on_deleting_asks_for_a_code_and_erases_the_secret() {
    let app = spawn_app().await;
    let db = &app.state.db;
    app.sign_up_and_log_in(FAN, "Fan Person").await;
    let fan = user_id(&app, FAN).await;
    let secret = app.turn_on_two_factor().await;
    sqlx::query("update sessions set second_factor_at = second_factor_at - 601")
        .execute(db.pool())
        .await
        .unwrap();
    let a = app
        .call(
            "delete_account",
            &[("password", PASSWORD), ("confirm", "delete"), ("code", "")],
        )
        .await;
    assert_eq!(a.error_field().as_deref(), Some("code"), "{a:?}");
    assert_eq!(app.whoami().await.as_deref(), Some(FAN));
    let code = app.fresh_code(FAN, &secret).await;
    let a = app
        .call(
            "delete_account",
            &[
                ("password", PASSWORD),
                ("confirm", "delete"),
                ("code", &code),
            ],
        )
        .await;
    assert_eq!(a.location.as_deref(), Some("/account/deleted"), "{a:?}");
    for table in ["two_factor", "recovery_codes", "sessions"] {
        let (n,): (i64,) =
            sqlx::query_as(&format!("select count(*) from {table} where user_id = $1"))
                .bind(fan)
                .fetch_one(db.pool())
                .await
                .unwrap();
        assert_eq!(n, 0, "{table}");
    }
}

#[tokio::test]
async fn a_first_month_owed_for_reading_paid_posts_is_paid_before_the_account_can_go() {
    let app = spawn_app().await;
    let state = &app.state;
    let db = &state.db;
    let maker = recipient(db, "maker", "USD").await;
    app.sign_up_and_log_in(FAN, "Fan Person").await;
    let fan = user_id(&app, FAN).await;
    card(state, fan, methods::SUCCEEDS, 28).await;
    let p = pledge(state, fan, maker, "5").await;
    // The pledge unlocked supporter-only posts (as reading one records).
    sqlx::query("update pledges set unlocked_at = 1, unlocked_minor = 500 where id = $1")
        .bind(p)
        .execute(db.pool())
        .await
        .unwrap();
    let a = app
        .call(
            "delete_account",
            &[("password", PASSWORD), ("confirm", "delete")],
        )
        .await;
    assert_eq!(a.status, 400, "{a:?}");
    assert!(a.error_message().contains("first month is owed"), "{a:?}");
    assert_eq!(app.whoami().await.as_deref(), Some(FAN));
    // Once billing has charged it, the account can go.
    run_default_billing(&app, date("2027-01-28")).await;
    let a = app
        .call(
            "delete_account",
            &[("password", PASSWORD), ("confirm", "delete")],
        )
        .await;
    assert_eq!(a.location.as_deref(), Some("/account/deleted"), "{a:?}");
    assert_ledger_ok(&app).await;
}
