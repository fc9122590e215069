//! Chipin in the reader's language: a Korean browser reads a creator's page in Korean, with
//! won written as Koreans write them; a browser that asks for nothing reads English.

use crate::helpers::{TestApp, spawn_app};
use http::header::ACCEPT_LANGUAGE;

/// A creator page in won with one tier, owned by a new account; the browser is then a fresh
/// visitor without a session.
async fn won_page(app: &mut TestApp) {
    app.sign_up_and_log_in("jiwoo@example.com", "Jiwoo").await;
    let a = app
        .call(
            "studio/create_page",
            &[
                ("kind", "creator"),
                ("slug", "jiwoo"),
                ("name", "Jiwoo Draws"),
                ("tagline", "Webtoons about cats"),
                ("category", "Art"),
                ("currency", "KRW"),
                ("goal", "500000"),
                ("bio", "I draw **webtoons**."),
            ],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    let to = a
        .location
        .clone()
        .expect("a redirect to the new page's studio");
    let id = to
        .strip_prefix("/studio/p/")
        .and_then(|rest| rest.split(['?', '#', '/']).next())
        .expect("a studio page")
        .to_owned();
    let a = app
        .call(
            "studio/create_tier",
            &[
                ("recipient_id", id.as_str()),
                ("name", "Fan"),
                ("price", "12000"),
                ("description", "Thanks"),
                ("perks", "Early access"),
                ("supporter_limit", ""),
            ],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    app.new_browser();
}

async fn page_html(app: &TestApp, accept_language: Option<&str>) -> String {
    let mut req = app.client.get(app.url("/c/jiwoo"));
    if let Some(l) = accept_language {
        req = req.header(ACCEPT_LANGUAGE, l);
    }
    let res = req.send().await.expect("GET the page");
    assert_eq!(res.status(), 200);
    res.text().await.expect("the page")
}

#[tokio::test]
async fn a_korean_reader_sees_the_creator_page_and_amounts_in_korean() {
    let mut app = spawn_app().await;
    won_page(&mut app).await;

    let ko = page_html(&app, Some("ko-KR,ko;q=0.9,en;q=0.5")).await;
    assert!(ko.contains(r#"<html lang="ko""#), "not marked Korean");
    assert!(
        ko.contains("12,000원"),
        "the tier's price is not written in won: {ko}"
    );
    assert!(ko.contains("500,000원"), "the goal is not written in won");
    assert!(
        ko.contains("로그인하고 후원하기"),
        "the give panel is not in Korean"
    );
    assert!(
        ko.contains("후원자 0명"),
        "the supporter count is not in Korean"
    );
    assert!(ko.contains("등급"), "the tiers heading is not in Korean");
    assert!(
        !ko.contains("Log in to give"),
        "English left on the Korean page"
    );
    assert!(
        !ko.contains("₩12,000"),
        "won written the English way on the Korean page"
    );

    let en = page_html(&app, None).await;
    assert!(en.contains(r#"<html lang="en""#), "not marked English");
    assert!(
        en.contains("₩12,000"),
        "the tier's price is not written in won"
    );
    assert!(en.contains("Log in to give"));
    assert!(en.contains("0 supporters"));
    assert!(!en.contains("12,000원"), "Korean won on the English page");
    assert!(
        !en.contains("로그인하고 후원하기"),
        "Korean on the English page"
    );
}

#[tokio::test]
async fn refusals_outside_the_pages_are_in_the_readers_language() {
    let app = spawn_app().await;
    // A form posted from another site: refused, in the language the browser asks for.
    let refused = |lang: &'static str| {
        app.client
            .post(app.url("/api/chip_in"))
            .header("origin", "https://evil.example")
            .header("sec-fetch-site", "cross-site")
            .header(ACCEPT_LANGUAGE, lang)
            .form(&[("slug", "mara"), ("amount", "1")])
            .send()
    };
    let korean = refused("ko-KR,ko;q=0.9").await.unwrap();
    assert_eq!(korean.status(), 403);
    let page = korean.text().await.unwrap();
    assert!(page.contains(r#"<html lang="ko">"#), "{page}");
    assert!(page.contains("요청을 처리하지 않았습니다"), "{page}");
    assert!(!page.contains("Request refused"), "{page}");
    let english = refused("en-GB").await.unwrap().text().await.unwrap();
    assert!(english.contains(r#"<html lang="en">"#), "{english}");
    assert!(english.contains("Request refused"), "{english}");

    // A file that is not there: the plain answer names its language.
    let missing = app
        .client
        .get(app.url("/account/billing/authenticate/not-a-number/return"))
        .header(ACCEPT_LANGUAGE, "ko")
        .send()
        .await
        .unwrap();
    let status = missing.status();
    let language = missing
        .headers()
        .get("content-language")
        .map(|v| v.to_str().unwrap().to_owned());
    let text = missing.text().await.unwrap();
    assert_eq!(status, 404, "{text}");
    assert_eq!(language.as_deref(), Some("ko"));
    assert_eq!(text, "찾을 수 없습니다.");
}
