//! The reports: a page owner's supporters (with their chosen visibility) and income, a
//! supporter's yearly statement, their CSV downloads, and everyone else refused.

use crate::helpers::{Answer, PASSWORD, TestApp, run_billing, spawn_app, user_id};
use crate::population::{card, recipient};
use app::domain::giving::pledges::{self, NewPledge, NewTip};
use app::domain::platform::clock::now;
use app::model::reports::{IncomeReport, Statement, SupportersReport};
use app::model::{ItemKind, PledgeStatus};
use chrono::Datelike as _;

fn json<T: serde::de::DeserializeOwned>(a: &Answer) -> T {
    assert_eq!(a.status, 200, "{a:?}");
    serde_json::from_str(&a.body).unwrap_or_else(|e| panic!("{e}: {}", a.body))
}

fn assert_not_found(a: &Answer) {
    assert_eq!(a.status, 404, "{a:?}");
    assert_eq!(a.error_kind(), "not_found", "{a:?}");
}

/// A verified user with a chosen display name, made in the database.
async fn named_user(app: &TestApp, email: &str, name: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as(
        "insert into users (email, display_name, password_hash, email_verified_at, created_at, password_changed_at) \
         values ($1, $2, '!', $3, $3, $3) returning id",
    )
    .bind(email)
    .bind(name)
    .bind(now())
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    id
}

async fn pledge(
    app: &TestApp,
    who: i64,
    to: i64,
    amount: &str,
    tier: Option<i64>,
    vis: &str,
) -> i64 {
    pledges::create_pledge(
        &app.state,
        who,
        NewPledge {
            recipient_id: to,
            amount,
            tier_id: tier,
            visibility: vis,
            budget_line: "",
        },
    )
    .await
    .unwrap()
}

/// Logs the owner in and creates a creator page "mara" in USD with a $500 monthly goal.
async fn owner_with_page(app: &TestApp) -> i64 {
    app.sign_up_and_log_in("owner@example.org", "Owner").await;
    let a = app
        .call(
            "studio/create_page",
            &[
                ("kind", "creator"),
                ("slug", "mara"),
                ("name", "Mara Draws"),
                ("category", "Art"),
                ("currency", "USD"),
                ("goal", "500"),
            ],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    let (id,): (i64,) = sqlx::query_as("select id from recipients where slug = 'mara'")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    id
}

async fn log_in(app: &mut TestApp, email: &str) {
    app.new_browser();
    let a = app
        .call("log_in", &[("email", email), ("password", PASSWORD)])
        .await;
    assert!(a.status < 400, "{a:?}");
}

#[tokio::test]
async fn the_owner_sees_supporters_as_they_chose_to_be_seen_filters_them_and_downloads_safe_csv() {
    let mut app = spawn_app().await;
    let page = owner_with_page(&app).await;
    let db = &app.state.db;
    let (gold,): (i64,) = sqlx::query_as(
        "insert into tiers (recipient_id, name, price_minor, position, created_at) \
         values ($1, 'Gold, \"plus\"', 700, 0, $2) returning id",
    )
    .bind(page)
    .bind(now())
    .fetch_one(db.pool())
    .await
    .unwrap();
    let loud = named_user(&app, "loud@example.org", "=SUM(A1)").await;
    let shy = named_user(&app, "shy@example.org", "Secret Sam").await;
    let hidden = named_user(&app, "hidden@example.org", "Hidden Hana").await;
    pledge(&app, loud, page, "7", Some(gold), "public").await;
    pledge(&app, shy, page, "3", None, "anonymous").await;
    let paused = pledge(&app, hidden, page, "4.50", None, "private").await;
    pledges::pause(&app.state, hidden, paused).await.unwrap();

    let id = page.to_string();
    let all: SupportersReport = json(
        &app.call("reports/supporters", &[("recipient_id", &id)])
            .await,
    );
    assert_eq!(all.rows.len(), 3);
    let mut names: Vec<&str> = all.rows.iter().map(|r| r.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["=SUM(A1)", "Anonymous", "Private supporter"]);
    let loud_row = all.rows.iter().find(|r| r.name == "=SUM(A1)").unwrap();
    assert_eq!(loud_row.tier, "Gold, \"plus\"");
    assert_eq!(
        (loud_row.amount_minor, loud_row.currency.as_str()),
        (700, "USD")
    );
    assert_eq!(loud_row.status, PledgeStatus::Active);
    let anon = all.rows.iter().find(|r| r.name == "Anonymous").unwrap();
    assert_eq!((anon.tier.as_str(), anon.amount_minor), ("Custom", 300));

    let only_paused: SupportersReport = json(
        &app.call(
            "reports/supporters",
            &[("recipient_id", &id), ("status", "paused")],
        )
        .await,
    );
    assert_eq!(only_paused.rows.len(), 1);
    assert_eq!(only_paused.rows[0].name, "Private supporter");
    assert_eq!(only_paused.rows[0].status, PledgeStatus::Paused);
    assert_eq!(only_paused.rows[0].amount_minor, 450);

    // The page, filtered by a plain GET form.
    let html = app
        .get(&format!("/studio/p/{page}/supporters?status=paused"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Private supporter"), "{html}");
    assert!(html.contains("$4.50"));
    assert!(!html.contains("=SUM(A1)") && !html.contains("Hidden Hana"));
    let html = app
        .get(&format!("/studio/p/{page}/supporters"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("=SUM(A1)") && html.contains("Anonymous"));
    assert!(!html.contains("Secret Sam") && !html.contains("shy@example.org"));
    assert!(html.contains(&format!("/studio/p/{page}/supporters.csv")));

    let res = app.get(&format!("/studio/p/{page}/supporters.csv")).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "Supporter,Tier,Monthly amount,Currency,Since,Status"
    );
    assert_eq!(
        lines.len(),
        5,
        "header, three rows and the final line break: {csv}"
    );
    let since = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert!(
        csv.contains(&format!(
            "'=SUM(A1),\"Gold, \"\"plus\"\"\",7.00,USD,{since},Active\r\n"
        )),
        "{csv}"
    );
    assert!(csv.contains(&format!("Anonymous,Custom,3.00,USD,{since},Active\r\n")));
    assert!(csv.contains(&format!(
        "Private supporter,Custom,4.50,USD,{since},Paused\r\n"
    )));
    assert!(!csv.contains("Secret Sam") && !csv.contains("Hidden Hana") && !csv.contains('@'));
    let csv = app
        .get(&format!("/studio/p/{page}/supporters.csv?status=active"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(!csv.contains("Paused"));

    // A stranger gets nothing: not the data, the page, nor the download.
    app.new_browser();
    app.sign_up_and_log_in("stranger@example.org", "Stranger")
        .await;
    assert_not_found(
        &app.call("reports/supporters", &[("recipient_id", &id)])
            .await,
    );
    assert_not_found(&app.call("reports/income", &[("recipient_id", &id)]).await);
    let res = app.get(&format!("/studio/p/{page}/supporters.csv")).await;
    assert_eq!(res.status(), 404);
    assert!(!res.text().await.unwrap().contains("SUM"));
    for path in ["supporters", "income"] {
        let html = app
            .get(&format!("/studio/p/{page}/{path}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            !html.contains("=SUM(A1)") && !html.contains("Anonymous"),
            "{html}"
        );
        assert!(html.contains("We could not find that."), "{html}");
    }
    // A visitor is sent to log in.
    app.new_browser();
    let res = app.get(&format!("/studio/p/{page}/supporters.csv")).await;
    assert!(res.status().is_redirection(), "{res:?}");
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );
    log_in(&mut app, "owner@example.org").await;
    let csv = app
        .get(&format!("/studio/p/{page}/supporters.csv"))
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("'=SUM(A1)"), "the owner again: {csv}");
}

#[tokio::test]
async fn the_statement_and_the_income_page_add_up_to_the_allocations_of_a_billing_run() {
    let mut app = spawn_app().await;
    let mara = owner_with_page(&app).await;
    let db = app.state.db.clone();
    let library = recipient(&db, "library", "USD").await;
    let euro = recipient(&db, "euro", "EUR").await;

    app.new_browser();
    app.sign_up_and_log_in("fan@example.org", "Fan").await;
    let fan = user_id(&app, "fan@example.org").await;
    let other = named_user(&app, "other@example.org", "Other").await;
    pledge(&app, fan, mara, "5", None, "public").await;
    pledge(&app, fan, euro, "4", None, "private").await;
    pledges::create_tip(
        &app.state,
        fan,
        NewTip {
            recipient_id: library,
            amount: "3",
            message: "",
            visibility: "anonymous",
            budget_line: "",
        },
    )
    .await
    .unwrap();
    pledge(&app, other, mara, "10", None, "public").await;
    let today = chrono::Utc::now().date_naive();
    let day = i64::from(today.day().min(28));
    card(&app.state, fan, "pm_card_visa", day).await;
    card(&app.state, other, "pm_card_visa", day).await;
    let summary = run_billing(&app, today).await;
    assert_eq!(
        summary.charges_succeeded, 3,
        "fan in USD and EUR, other in USD"
    );

    let year = chrono::Utc::now().year().to_string();
    let s: Statement = json(&app.call("reports/statement", &[("year", &year)]).await);
    assert_eq!(s.rows.len(), 3, "{s:?}");
    let expected: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
        "select a.currency, cast(sum(a.gross_minor) as bigint), cast(sum(a.fee_minor) as bigint), \
                cast(sum(a.platform_fee_minor) as bigint), cast(sum(a.net_minor) as bigint) \
         from allocations a join charges c on c.id = a.charge_id \
         where c.supporter_id = $1 group by a.currency order by a.currency",
    )
    .bind(fan)
    .fetch_all(db.pool())
    .await
    .unwrap();
    let totals: Vec<(String, i64, i64, i64, i64)> = s
        .totals
        .iter()
        .map(|t| {
            (
                t.currency.clone(),
                t.gross_minor,
                t.fee_minor,
                t.platform_fee_minor,
                t.net_minor,
            )
        })
        .collect();
    assert_eq!(totals, expected);
    assert_eq!(totals[0].0, "EUR");
    assert_eq!(totals[0].1, 400);
    assert_eq!(
        totals[1].1, 800,
        "$5 pledge and $3 tip; not the other supporter's $10"
    );
    for r in &s.rows {
        assert_eq!(
            r.gross_minor,
            r.fee_minor + r.platform_fee_minor + r.net_minor
        );
        assert!(!r.charge_ref.is_empty());
    }
    assert!(
        s.rows
            .iter()
            .any(|r| r.kind == ItemKind::Tip && r.recipient_name == "library")
    );

    let empty: Statement = json(&app.call("reports/statement", &[("year", "2001")]).await);
    assert!(empty.rows.is_empty() && empty.totals.is_empty());
    let a = app.call("reports/statement", &[("year", "1999")]).await;
    assert_eq!(a.status, 400, "{a:?}");

    let html = app
        .get(&format!("/account/billing/statement?year={year}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("Statement for {year}")), "{html}");
    assert!(html.contains("library") && html.contains("€4.00") && html.contains("$8.00"));
    assert!(!html.contains("$10.00"));
    let billing_page = app.get("/account/billing").await.text().await.unwrap();
    assert!(billing_page.contains("href=\"/account/billing/statement\""));

    let res = app
        .get(&format!("/account/billing/statement.csv?year={year}"))
        .await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("chipin-statement-{year}.csv"))
    );
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with(
        "Date,Recipient,Donation,Currency,Gross,Fee share,Platform fee,Net,Charge reference\r\n"
    ));
    // In the reader's language: the header row and the donations' names; the rest as it is.
    let set_language = |tag: &'static str| {
        sqlx::query("update users set language = $1 where id = $2")
            .bind(tag)
            .bind(fan)
            .execute(db.pool())
    };
    set_language("ko").await.unwrap();
    let korean = app
        .get(&format!("/account/billing/statement.csv?year={year}"))
        .await
        .text()
        .await
        .unwrap();
    set_language("en").await.unwrap();
    assert!(
        korean.starts_with(
            "날짜,받는 곳,후원,통화,총액,수수료 분담,플랫폼 수수료,실수령,결제 참조 번호\r\n"
        ),
        "{korean}"
    );
    assert!(korean.contains(",팁,USD,3.00,"), "{korean}");
    assert_eq!(korean.lines().count(), csv.lines().count());
    // One reference per charge, the same on the statement, its CSV, the billing page and the
    // receipt email.
    let charges: Vec<(i64,)> =
        sqlx::query_as("select id from charges where supporter_id = $1 and status = 'succeeded'")
            .bind(fan)
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert_eq!(charges.len(), 2, "one USD, one EUR");
    let receipts: String = app
        .emails_to("fan@example.org")
        .await
        .into_iter()
        .map(|(subject, body)| format!("{subject}\n{body}"))
        .collect();
    for (id,) in charges {
        let reference = app::model::charge_reference(id);
        assert!(
            s.rows.iter().any(|r| r.charge_ref == reference),
            "{reference}"
        );
        assert!(html.contains(&reference), "statement page: {reference}");
        assert!(csv.contains(&format!(",{reference}\r\n")), "{csv}");
        assert!(
            billing_page.contains(&reference),
            "billing page: {reference}"
        );
        assert!(receipts.contains(&reference), "receipt email: {reference}");
    }
    assert!(
        !html.contains("pi_sim_") && !csv.contains("pi_sim_") && !billing_page.contains("pi_sim_")
    );
    // Only data rows under the header: a spreadsheet summing a column gets the year's total.
    assert_eq!(csv.lines().count(), 1 + 3, "{csv}");
    assert!(!csv.contains("Total"), "{csv}");
    // Summing the USD rows' columns gives the ledger's totals to the cent.
    let usd = &expected[1];
    let column = |i: usize| -> i64 {
        csv.lines()
            .skip(1)
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|cells| cells[3] == "USD")
            .map(|cells| cells[i].replace('.', "").parse::<i64>().unwrap())
            .sum()
    };
    assert_eq!(
        (column(4), column(5), column(6), column(7)),
        (usd.1, usd.2, usd.3, usd.4),
        "{csv}"
    );
    assert!(!csv.contains("10.00"));
    let res = app.get("/account/billing/statement.csv?year=abc").await;
    assert_eq!(res.status(), 400);

    // The owner's income: net of fees from both supporters, and both pledges ahead.
    log_in(&mut app, "owner@example.org").await;
    let (net,): (i64,) = sqlx::query_as(
        "select cast(sum(net_minor) as bigint) from allocations where recipient_id = $1",
    )
    .bind(mara)
    .fetch_one(db.pool())
    .await
    .unwrap();
    let id = mara.to_string();
    let income: IncomeReport = json(&app.call("reports/income", &[("recipient_id", &id)]).await);
    assert_eq!(income.this_month_net_minor, net);
    assert!(net > 0 && net < 1500, "fees came off: {net}");
    assert_eq!(income.forecast_minor, 1500);
    assert_eq!(income.active_pledges, 2);
    assert_eq!(
        (income.goal_minor, income.goal_progress_minor),
        (Some(50_000), 1500)
    );
    assert_eq!(income.months.len(), 12);
    let last = income.months.last().unwrap();
    assert_eq!(last.month, today.format("%Y-%m").to_string());
    assert_eq!(last.net_minor, net);
    assert!(income.months[..11].iter().all(|m| m.net_minor == 0));

    let html = app
        .get(&format!("/studio/p/{mara}/income"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<svg") && html.contains("viewBox=\"0 0 400 240\""),
        "{html}"
    );
    assert!(html.contains("<title id=\"chart-title\">Net income per month</title>"));
    assert!(html.contains(&app::model::format_money(net, "USD")));
    assert!(html.contains("$15.00"));
    assert!(html.contains("(3%)"), "$15 of $500 a month");

    // The fan's statement is theirs alone: the owner's own is empty.
    let mine: Statement = json(&app.call("reports/statement", &[("year", &year)]).await);
    assert!(mine.rows.is_empty());
}
