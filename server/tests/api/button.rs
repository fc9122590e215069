//! The chip-in button: only the framed button may be framed by other sites; the script, the
//! framed button and the badges are public, cacheable and carry no cookie; badges count paid
//! money only and survive any page name; one click makes exactly one pending tip, which a
//! forged post cannot; the daily limit holds even when clicks race; the undo link works for
//! its supporter within minutes only; the way back after logging in or adding a card stays on
//! this site.

use crate::helpers::{PASSWORD, TestApp, spawn_app, spawn_app_with, user_id};
use crate::population::{card, pledge, recipient, scalar, tip, user};
use app::domain::giving::one_click;
use app::domain::processors::simulated::methods;
use app::money::Currency;

/// A page "mara" in USD, and a signed-in supporter with a saved card; returns the page's id
/// and the supporter's.
async fn mara_and_a_supporter(app: &TestApp) -> (i64, i64) {
    let mara = recipient(&app.state.db, "mara", "USD").await;
    app.sign_up_and_log_in("fan@example.org", "Fan").await;
    let fan = user_id(app, "fan@example.org").await;
    card(&app.state, fan, methods::SUCCEEDS, 1).await;
    (mara, fan)
}

async fn chip_in(app: &TestApp, amount: &str) -> crate::helpers::Answer {
    app.submit_form(
        "chip_in",
        &[("slug", "mara"), ("amount", amount)],
        &format!("/chip-in/mara?amount={amount}"),
    )
    .await
}

fn header<'a>(res: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    res.headers().get(name).and_then(|v| v.to_str().ok())
}

async fn tips(app: &TestApp) -> i64 {
    scalar(&app.state.db, "select count(*) from tips").await
}

async fn item_status(app: &TestApp, tip: i64) -> String {
    let (s,): (String,) = sqlx::query_as("select status from donation_items where tip_id = $1")
        .bind(tip)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    s
}

#[tokio::test]
async fn only_the_framed_button_may_be_framed_by_other_sites() {
    let app = spawn_app().await;
    recipient(&app.state.db, "mara", "USD").await;
    let res = app.get("/embed/mara?amounts=0.01,1&layout=panel").await;
    assert_eq!(res.status(), 200);
    let csp = header(&res, "content-security-policy").unwrap().to_owned();
    assert!(csp.contains("frame-ancestors *"), "{csp}");
    assert!(!csp.contains("'unsafe-inline'"), "{csp}");
    assert!(header(&res, "x-frame-options").is_none());
    assert!(header(&res, "cache-control").unwrap().starts_with("public"));
    assert!(res.headers().get("set-cookie").is_none());
    let html = res.text().await.unwrap();
    // No form, nothing of a session: only links that open Chipin in a new window.
    assert!(!html.contains("<form"), "{html}");
    assert!(!html.contains("csrf"), "{html}");
    assert!(
        html.contains("/chip-in/mara?amount=0.01\" target=\"_blank\""),
        "{html}"
    );
    for path in [
        "/",
        "/c/mara",
        "/chip-in/mara?amount=1",
        "/embed.js",
        "/badge/mara.svg",
        "/login",
        "/embedded",
    ] {
        let res = app.get(path).await;
        assert_eq!(
            header(&res, "x-frame-options"),
            Some("DENY"),
            "{path} may be framed"
        );
        let csp = header(&res, "content-security-policy").unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    }
}

#[tokio::test]
async fn the_script_is_small_cacheable_and_revalidates() {
    let app = spawn_app().await;
    let res = app.get("/embed.js").await;
    assert_eq!(res.status(), 200);
    assert!(header(&res, "content-type").unwrap().contains("javascript"));
    let cache = header(&res, "cache-control").unwrap().to_owned();
    assert!(cache.starts_with("public, max-age="), "{cache}");
    let etag = header(&res, "etag").unwrap().to_owned();
    assert!(res.headers().get("set-cookie").is_none());
    let body = res.text().await.unwrap();
    // Smaller than the 5 KB budget before compression, so certainly after it.
    assert!(body.len() < 5 * 1024, "{} bytes", body.len());
    assert!(body.contains("sandbox"));
    assert!(!body.contains("allow-same-origin"));
    // The frame's name when the owner gave no label: Chipin's, in every language it speaks.
    assert!(
        body.contains(r#"{"en":"Chip in","ko":"칩인"}"#),
        "no table of default labels in {body}"
    );
    assert!(!body.contains("/*LABELS*/"));
    let again = app
        .client
        .get(app.url("/embed.js"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
}

#[tokio::test]
async fn badges_count_paid_money_only_and_escape_the_page_name() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let mara = recipient(db, "mara", "USD").await;
    sqlx::query("update recipients set name = $1, goal_minor = 2000 where id = $2")
        .bind("<Mara & \"co\">")
        .bind(mara)
        .execute(db.pool())
        .await
        .unwrap();
    // A pledge without a card and an unpaid tip count for nothing yet.
    let promiser = user(db, "Promiser").await;
    pledge(&app.state, promiser, mara, "5").await;
    let tipper = user(db, "Tipper").await;
    tip(&app.state, tipper, mara, "3").await;
    let res = app.get("/badge/mara.svg").await;
    assert_eq!(res.status(), 200);
    assert!(
        header(&res, "content-type")
            .unwrap()
            .starts_with("image/svg+xml")
    );
    assert_eq!(header(&res, "cache-control"), Some("public, max-age=300"));
    let csp = header(&res, "content-security-policy").unwrap();
    assert!(
        csp.starts_with("default-src 'none'; style-src 'unsafe-inline'"),
        "{csp}"
    );
    assert!(res.headers().get("set-cookie").is_none());
    let etag = header(&res, "etag").unwrap().to_owned();
    let svg = res.text().await.unwrap();
    assert!(svg.contains("0 supporters"), "{svg}");
    assert!(svg.contains("&lt;Mara &amp; &quot;co&quot;&gt;"), "{svg}");
    assert!(!svg.contains("<Mara"), "{svg}");
    assert!(!svg.contains("& "), "{svg}");
    assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
    let same = app
        .client
        .get(app.url("/badge/mara.svg"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), 304);
    // With a card the pledge counts, as on the public page.
    card(&app.state, promiser, methods::SUCCEEDS, 1).await;
    let svg = app.get("/badge/mara.svg").await.text().await.unwrap();
    assert!(svg.contains("1 supporter<"), "{svg}");
    let monthly = app.get("/badge/mara.svg?show=monthly").await;
    assert_ne!(header(&monthly, "etag"), Some(etag.as_str()));
    let svg = monthly.text().await.unwrap();
    assert!(svg.contains("$5.00 a month"), "{svg}");
    let svg = app
        .get("/badge/mara.svg?show=goal")
        .await
        .text()
        .await
        .unwrap();
    assert!(svg.contains("25% of $20.00"), "{svg}");
    assert_eq!(app.get("/badge/nobody.svg").await.status(), 404);
    assert_eq!(app.get("/badge/mara.png").await.status(), 404);
}

#[tokio::test]
async fn one_click_makes_exactly_one_pending_tip_that_joins_the_next_charge() {
    let app = spawn_app().await;
    let (mara, fan) = mara_and_a_supporter(&app).await;
    let page = app.get("/chip-in/mara?amount=0.01").await;
    assert_eq!(page.status(), 200);
    assert_eq!(header(&page, "x-frame-options"), Some("DENY"));
    let html = page.text().await.unwrap();
    assert!(html.contains("Confirm $0.01 tip"), "{html}");
    assert!(html.contains("Fee: $0.01 of $0.01"), "{html}");
    assert!(html.contains("carried forward"), "{html}");
    let a = chip_in(&app, "0.01").await;
    assert_eq!(a.status, 302, "{a:?}");
    let to = a.location.unwrap();
    assert!(to.starts_with("/chip-in/mara/thanks?tip="), "{to}");
    assert_eq!(tips(&app).await, 1);
    let (id, amount, via_button): (i64, i64, i64) = sqlx::query_as(
        "select id, amount_minor, via_button from tips where supporter_id = $1 and recipient_id = $2",
    )
    .bind(fan)
    .bind(mara)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!((amount, via_button), (1, 1));
    assert_eq!(item_status(&app, id).await, "pending");
    let thanks = app.get(&to).await.text().await.unwrap();
    assert!(
        thanks.contains("Thank you — you can close this window"),
        "{thanks}"
    );
    assert!(thanks.contains("chip-in-undo"), "{thanks}");
    // It is an ordinary pending tip: the billing page lists it in the next charge.
    let billing = app.get("/account/billing").await.text().await.unwrap();
    assert!(billing.contains("mara"), "{billing}");
}

#[tokio::test]
async fn a_forged_or_tokenless_chip_in_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    mara_and_a_supporter(&app).await;
    let token = app.csrf().await;
    let fields = [("slug", "mara"), ("amount", "1")];
    // Another site's form: the browser sends the cookies, but says where the post came from.
    let cross_site = app
        .client
        .post(app.url("/api/chip_in"))
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .form(&[
            ("slug", "mara"),
            ("amount", "1"),
            (app::web::CSRF_FIELD, &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    // Same origin claimed, but without the token, or with a wrong one.
    let no_token = app
        .client
        .post(app.url("/api/chip_in"))
        .header("origin", &app.base)
        .header("sec-fetch-site", "same-origin")
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status(), 403);
    let wrong = app
        .client
        .post(app.url("/api/chip_in"))
        .header("origin", &app.base)
        .form(&[
            ("slug", "mara"),
            ("amount", "1"),
            (
                app::web::CSRF_FIELD,
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 403);
    assert_eq!(tips(&app).await, 0);
    assert_eq!(
        scalar(&app.state.db, "select count(*) from donation_items").await,
        0
    );
}

#[tokio::test]
async fn the_daily_one_click_limit_refuses_the_next_tip_with_a_clear_message() {
    let app = spawn_app_with(&[
        ("ONE_CLICK_TIPS_PER_DAY", "2"),
        ("TIPS_PER_ACCOUNT_HOUR", "100"),
    ])
    .await;
    mara_and_a_supporter(&app).await;
    assert_eq!(chip_in(&app, "0.01").await.status, 302);
    assert_eq!(chip_in(&app, "0.02").await.status, 302);
    let refused = app
        .call("chip_in", &[("slug", "mara"), ("amount", "0.03")])
        .await;
    assert_eq!(
        refused.error_field().as_deref(),
        Some("amount"),
        "{refused:?}"
    );
    assert!(
        refused
            .error_message()
            .contains("one-click tips in the last 24 hours"),
        "{refused:?}"
    );
    assert_eq!(tips(&app).await, 2);
    // The page's own tip form is not a one-click tip and still works.
    let form = app
        .call(
            "create_tip",
            &[("slug", "mara"), ("amount", "1"), ("visibility", "public")],
        )
        .await;
    assert!(form.status < 400, "{form:?}");
    assert_eq!(tips(&app).await, 3);
}

#[tokio::test]
async fn racing_clicks_never_pass_the_daily_limit() {
    let app = spawn_app_with(&[
        ("ONE_CLICK_TIPS_PER_DAY", "3"),
        ("TIPS_PER_ACCOUNT_HOUR", "100"),
    ])
    .await;
    let db = &app.state.db;
    let mara = recipient(db, "mara", "USD").await;
    let fan = user(db, "Fan").await;
    card(&app.state, fan, methods::SUCCEEDS, 1).await;
    let clicks = (0..8).map(|_| one_click::give(&app.state, fan, mara, Currency::USD, "0.01"));
    let results = futures::future::join_all(clicks).await;
    let made = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(made, 3, "{results:?}");
    assert_eq!(tips(&app).await, 3);
}

#[tokio::test]
async fn undo_works_within_minutes_for_its_supporter_only() {
    let mut app = spawn_app().await;
    mara_and_a_supporter(&app).await;
    chip_in(&app, "1").await;
    chip_in(&app, "2").await;
    let ids: Vec<(i64,)> = sqlx::query_as("select id from tips order by id")
        .fetch_all(app.state.db.pool())
        .await
        .unwrap();
    let (recent, old) = (ids[0].0, ids[1].0);
    // The second is older than the undo window.
    sqlx::query("update tips set created_at = created_at - $1 where id = $2")
        .bind(one_click::UNDO_SECS + 1)
        .bind(old)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let late = app
        .call("chip_in/undo", &[("tip_id", &old.to_string())])
        .await;
    assert!(late.status >= 400, "{late:?}");
    assert!(late.error_message().contains("10 minutes"), "{late:?}");
    assert_eq!(item_status(&app, old).await, "pending");
    // Someone else cannot undo it, nor learn that it exists.
    app.new_browser();
    app.sign_up_and_log_in("other@example.org", "Other").await;
    let other = app
        .call("chip_in/undo", &[("tip_id", &recent.to_string())])
        .await;
    assert_eq!(other.status, 404, "{other:?}");
    assert_eq!(item_status(&app, recent).await, "pending");
    // Its supporter can, once.
    app.new_browser();
    let a = app
        .submit_form(
            "log_in",
            &[("email", "fan@example.org"), ("password", PASSWORD)],
            "/login",
        )
        .await;
    assert_eq!(a.status, 302);
    let undo = app
        .submit_form(
            "chip_in/undo",
            &[("tip_id", &recent.to_string())],
            "/chip-in/mara/thanks",
        )
        .await;
    assert_eq!(undo.status, 302, "{undo:?}");
    assert_eq!(item_status(&app, recent).await, "voided");
    let page = app
        .get(&format!("/chip-in/mara/thanks?tip={recent}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Tip undone"), "{page}");
    let again = app
        .call("chip_in/undo", &[("tip_id", &recent.to_string())])
        .await;
    assert!(again.status >= 400, "{again:?}");
}

#[tokio::test]
async fn the_way_back_to_a_tip_stays_on_this_site() {
    let mut app = spawn_app().await;
    recipient(&app.state.db, "mara", "USD").await;
    app.sign_up_and_log_in("fan@example.org", "Fan").await;
    // Not signed in: the window offers to log in and come back to this very tip.
    app.new_browser();
    let html = app
        .get("/chip-in/mara?amount=0.01")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("/login?next=/chip-in/mara%3Famount%3D0.01"),
        "{html}"
    );
    let log_in = |next: &'static str| {
        let app = &app;
        async move {
            let a = app
                .submit_form(
                    "log_in",
                    &[
                        ("email", "fan@example.org"),
                        ("password", PASSWORD),
                        ("next", next),
                    ],
                    "/login",
                )
                .await;
            a.location.unwrap_or_default()
        }
    };
    assert_eq!(
        log_in("/chip-in/mara?amount=0.01").await,
        "/chip-in/mara?amount=0.01"
    );
    assert_eq!(log_in("//evil.example/chip-in").await, "/account");
    assert_eq!(log_in("https://evil.example/").await, "/account");
    // No card yet: the window sends to the card form, which comes back after saving one.
    let html = app
        .get("/chip-in/mara?amount=0.01")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Add a card"), "{html}");
    let refused = app
        .call("chip_in", &[("slug", "mara"), ("amount", "0.01")])
        .await;
    assert!(refused.status >= 400, "{refused:?}");
    assert_eq!(tips(&app).await, 0);
    let saved = app
        .submit_form(
            "set_payment_method",
            &[
                ("payment_method", methods::SUCCEEDS),
                ("next", "/chip-in/mara?amount=0.01"),
            ],
            "/account/billing",
        )
        .await;
    assert_eq!(
        saved.location.as_deref(),
        Some("/chip-in/mara?amount=0.01"),
        "{saved:?}"
    );
    let elsewhere = app
        .submit_form(
            "set_payment_method",
            &[
                ("payment_method", methods::SUCCEEDS),
                ("next", "https://evil.example/"),
            ],
            "/account/billing",
        )
        .await;
    assert_eq!(
        elsewhere.location.as_deref(),
        Some("/account"),
        "{elsewhere:?}"
    );
}
