//! The studio in its owner's language: the pages, what a refused form says, and the header
//! row of the supporters download — Korean for a Korean browser, English otherwise.

use crate::helpers::{Answer, TestApp, spawn_app};
use app::domain::giving::pledges::{self, NewPledge};
use app::domain::platform::clock::now;

const KOREAN: &[(&str, &str)] = &[("accept-language", "ko-KR,ko;q=0.9")];
const ENGLISH: &[(&str, &str)] = &[("accept-language", "en-US,en;q=0.9")];

/// The page at `path` as a browser asking for `headers` reads it.
async fn page(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut req = app.client.get(app.url(path));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let res = req.send().await.expect("GET");
    let status = res.status().as_u16();
    (status, res.text().await.expect("body"))
}

/// The owner's page `slug` of `kind`, created through the studio's form.
async fn create_page(app: &TestApp, kind: &str, slug: &str) -> i64 {
    let a = app
        .call(
            "studio/create_page",
            &[
                ("kind", kind),
                ("slug", slug),
                ("name", slug),
                ("category", "Art"),
                ("currency", "KRW"),
            ],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    let (id,): (i64,) = sqlx::query_as("select id from recipients where slug = $1")
        .bind(slug)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    id
}

fn refused(a: &Answer, field: &str) -> String {
    assert_eq!(a.status, 400, "{a:?}");
    assert_eq!(a.error_field().as_deref(), Some(field), "{a:?}");
    a.error_message()
}

#[tokio::test]
async fn a_korean_organizer_reads_the_studio_and_its_errors_in_korean() {
    let app = spawn_app().await;
    app.sign_up_and_log_in("jiwoo@example.org", "Jiwoo").await;
    // Signing up saved the language it was done in, which outranks the browser's; this owner
    // has none saved, so each request's own language decides.
    sqlx::query("update users set language = null where email = 'jiwoo@example.org'")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let creator = create_page(&app, "creator", "jiwoo-draws").await;
    let cause = create_page(&app, "cause", "maeul-well").await;

    // The studio's pages.
    let (status, html) = page(&app, "/studio", KOREAN).await;
    assert_eq!(status, 200);
    assert!(html.contains("내 창작자 페이지와 모금 페이지"), "{html}");
    assert!(!html.contains("Your creator and cause pages"), "{html}");
    let (_, html) = page(&app, "/studio", ENGLISH).await;
    assert!(html.contains("Your creator and cause pages: details, tiers and posts."));

    let (status, html) = page(&app, &format!("/studio/p/{creator}"), KOREAN).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("페이지 정보") && html.contains("등급 추가"),
        "{html}"
    );
    assert!(!html.contains("Page details"), "{html}");
    let (_, html) = page(&app, &format!("/studio/p/{cause}/expenses"), KOREAN).await;
    assert!(
        html.contains("예산 항목") && html.contains("지출 기록하기"),
        "{html}"
    );
    let (_, html) = page(&app, &format!("/studio/p/{cause}/expenses"), ENGLISH).await;
    assert!(html.contains("Budget lines") && html.contains("Record an expense"));

    // Refused fields, in the language of the request.
    let id = cause.to_string();
    let line = [("recipient_id", id.as_str()), ("name", "  ")];
    let a = app
        .call_with_headers("trail/create_budget_line", &line, KOREAN)
        .await;
    assert_eq!(refused(&a, "name"), "예산 항목 이름은 1~60자로 정하세요.");
    let a = app
        .call_with_headers("trail/create_budget_line", &line, ENGLISH)
        .await;
    assert_eq!(
        refused(&a, "name"),
        "Give the budget line a name of 1 to 60 characters."
    );

    let payout = |amount: &'static str, day: &'static str| {
        [
            ("recipient_id", id.clone()),
            ("amount", amount.to_owned()),
            ("paid_on", day.to_owned()),
            ("reference", "KB-1".to_owned()),
        ]
    };
    let fields = payout("10000", "12/06/2026");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let a = app
        .call_with_headers("trail/record_payout", &fields, KOREAN)
        .await;
    assert_eq!(
        refused(&a, "paid_on"),
        "날짜를 YYYY-MM-DD 형식으로 입력하세요."
    );
    let a = app
        .call_with_headers("trail/record_payout", &fields, ENGLISH)
        .await;
    assert_eq!(refused(&a, "paid_on"), "Give the date as YYYY-MM-DD.");
    let fields = payout("만 원", "2026-01-02");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let a = app
        .call_with_headers("trail/record_payout", &fields, KOREAN)
        .await;
    let message = refused(&a, "amount");
    assert!(
        message.chars().any(|c| ('가'..='힣').contains(&c)),
        "{message}"
    );

    let slug = [
        ("kind", "creator"),
        ("slug", "studio"),
        ("name", "Taken"),
        ("category", "Art"),
        ("currency", "KRW"),
    ];
    let a = app
        .call_with_headers("studio/create_page", &slug, KOREAN)
        .await;
    assert_eq!(
        refused(&a, "slug"),
        "예약된 주소입니다. 다른 주소를 고르세요."
    );

    // The supporters download: the same columns, headers and statuses in the reader's
    // language, the data as it is.
    let (fan,): (i64,) = sqlx::query_as(
        "insert into users (email, display_name, password_hash, email_verified_at, created_at, password_changed_at) \
         values ('fan@example.org', 'Fan', '!', $1, $1, $1) returning id",
    )
    .bind(now())
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    pledges::create_pledge(
        &app.state,
        fan,
        NewPledge {
            recipient_id: creator,
            amount: "5000",
            tier_id: None,
            visibility: "anonymous",
            budget_line: "",
        },
    )
    .await
    .unwrap();
    let since = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let csv_path = format!("/studio/p/{creator}/supporters.csv");
    let (status, csv) = page(&app, &csv_path, KOREAN).await;
    assert_eq!(status, 200, "{csv}");
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(lines[0], "후원자,등급,월 금액,통화,시작일,상태", "{csv}");
    assert_eq!(
        lines[1],
        format!("익명,직접 입력,5000,KRW,{since},활성"),
        "{csv}"
    );
    let (_, csv) = page(&app, &csv_path, ENGLISH).await;
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        lines[0], "Supporter,Tier,Monthly amount,Currency,Since,Status",
        "{csv}"
    );
    assert_eq!(
        lines[1],
        format!("Anonymous,Custom,5000,KRW,{since},Active")
    );

    // The switcher's cookie does the same as the browser's language (a Cookie header set by
    // hand replaces the jar's, so it carries the session too).
    let session = app.cookie(app::web::SESSION_COOKIE).expect("logged in");
    let cookies = format!("{}={session}; chipin_lang=ko", app::web::SESSION_COOKIE);
    let (_, html) = page(&app, "/studio", &[("cookie", cookies.as_str())]).await;
    assert!(html.contains("내 창작자 페이지와 모금 페이지"), "{html}");
    let (_, csv) = page(&app, &csv_path, &[("cookie", cookies.as_str())]).await;
    assert!(
        csv.starts_with("후원자,등급,월 금액,통화,시작일,상태\r\n"),
        "{csv}"
    );
}
