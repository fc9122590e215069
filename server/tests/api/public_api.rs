//! The read-only API at `/api/v1`: public figures count only real money and never carry a paid
//! post's body; personal access tokens are shown once, stored hashed, noted when used and dead
//! once revoked; a token reads only its owner's pages and supporters only as they chose to be
//! shown; cursor pages see every row once while rows are added; rate limits answer 429 with
//! `Retry-After`; only the public part answers other origins; and the OpenAPI document lists
//! exactly the routes served.

use crate::helpers::{TestApp, give_to, run_billing, spawn_app, spawn_app_with};
use crate::population::{card, pledge, recipient, scalar, tier, tip, user};
use app::domain::developer::tokens;
use app::domain::platform::clock::now;
use app::domain::processors::simulated::methods;
use chrono::Datelike as _;
use serde_json::Value;
use std::collections::{BTreeSet, HashSet};

async fn get_json(app: &TestApp, path: &str, token: Option<&str>) -> (u16, Value) {
    let mut req = app.client.get(app.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    (status, body)
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

/// A live token of `user`, made through the domain as the account page makes one.
async fn token_for(app: &TestApp, user: i64) -> String {
    let db = &app.state.db;
    tokens::create(db, user, "a-session-token", "tests")
        .await
        .unwrap();
    tokens::take_new(db, user, "a-session-token")
        .await
        .unwrap()
        .expect("the new token")
        .1
}

async fn insert_post(app: &TestApp, page: i64, title: &str, body: &str, public: bool) -> i64 {
    let (id,): (i64,) = sqlx::query_as(
        "insert into posts (recipient_id, title, body_md, public, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $5) returning id",
    )
    .bind(page)
    .bind(title)
    .bind(body)
    .bind(i64::from(public))
    .bind(now())
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    id
}

async fn set_visibility(app: &TestApp, pledge: i64, visibility: &str) {
    sqlx::query("update pledges set visibility = $1 where id = $2")
        .bind(visibility)
        .bind(pledge)
        .execute(app.state.db.pool())
        .await
        .unwrap();
}

#[tokio::test]
async fn public_figures_count_only_real_money_and_paid_post_bodies_never_appear() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let mara = recipient(db, "mara", "USD").await;
    sqlx::query("update recipients set goal_minor = 1000 where id = $1")
        .bind(mara)
        .execute(db.pool())
        .await
        .unwrap();
    let silver = tier(db, mara, 500, Some(10)).await;
    let post = insert_post(
        &app,
        mara,
        "Silver sketches",
        "The secret sketchbook.",
        false,
    )
    .await;
    sqlx::query("insert into post_tiers (post_id, tier_id) values ($1, $2)")
        .bind(post)
        .bind(silver)
        .execute(db.pool())
        .await
        .unwrap();
    insert_post(&app, mara, "Hello", "Open to all.", true).await;
    // One pledge backed by a card counts; one without a card is a promise and does not.
    let paying = user(db, "Paying").await;
    card(&app.state, paying, methods::SUCCEEDS, 1).await;
    pledge(&app.state, paying, mara, "5").await;
    let promising = user(db, "Promising").await;
    pledge(&app.state, promising, mara, "7").await;

    let (status, page) = get_json(&app, "/api/v1/pages/mara", None).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["supporters"], 1, "{page}");
    assert_eq!(page["monthly_minor"], 500, "{page}");
    assert_eq!(page["kind"], "creator");
    assert_eq!(page["currency"], "USD");
    assert_eq!(page["goal"]["amount_minor"], 500);
    assert_eq!(page["goal"]["percent"], 50);
    let (_, list) = get_json(&app, "/api/v1/pages", None).await;
    let item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == "mara")
        .unwrap()
        .clone();
    assert_eq!(
        (item["supporters"].clone(), item["monthly_minor"].clone()),
        (1.into(), 500.into())
    );
    let (_, goal) = get_json(&app, "/api/v1/pages/mara/goal", None).await;
    assert_eq!(
        (goal["target_minor"].clone(), goal["amount_minor"].clone()),
        (1000.into(), 500.into())
    );
    let (_, tiers) = get_json(&app, "/api/v1/pages/mara/tiers", None).await;
    assert_eq!(tiers["items"][0]["price_minor"], 500);
    assert_eq!(tiers["items"][0]["remaining"], 10, "{tiers}");

    let res = app.get("/api/v1/pages/mara/posts").await;
    assert_eq!(res.status(), 200);
    let raw = res.text().await.unwrap();
    assert!(
        raw.contains("Silver sketches") && raw.contains("Hello"),
        "{raw}"
    );
    assert!(
        !raw.contains("secret sketchbook") && !raw.contains("Open to all"),
        "{raw}"
    );
    let posts: Value = serde_json::from_str(&raw).unwrap();
    let silver_post = posts["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["title"] == "Silver sketches")
        .unwrap();
    assert_eq!(silver_post["public"], false);
    assert_eq!(silver_post["for_tiers"][0], "Tier");

    // A creator has no public ledger; a missing page is a JSON 404.
    let (status, body) = get_json(&app, "/api/v1/pages/mara/ledger", None).await;
    assert_eq!((status, code(&body)), (404, "not_found"));
    let (status, body) = get_json(&app, "/api/v1/pages/nobody", None).await;
    assert_eq!((status, code(&body)), (404, "not_found"));
    let (status, body) = get_json(&app, "/api/v1/no-such-route", None).await;
    assert_eq!((status, code(&body)), (404, "not_found"));
}

#[tokio::test]
async fn a_token_is_shown_once_stored_hashed_noted_when_used_and_refused_once_revoked() {
    let mut app = spawn_app().await;
    app.new_browser();
    app.sign_up_and_log_in("owner@example.org", "Owner").await;
    let page = recipient(&app.state.db, "owned", "USD").await;
    give_to(&app, page, "owner@example.org").await;

    // A nameless token is refused at its field, and nothing is made.
    let a = app
        .submit_form("api_tokens/create", &[("name", "   ")], "/account")
        .await;
    assert_eq!(a.location, Some(app.url("/account")), "{a:?}");
    let account = app.get("/account").await.text().await.unwrap();
    assert!(account.contains("Name the token"), "the error at the field");
    assert_eq!(
        scalar(&app.state.db, "select count(*) from api_tokens").await,
        0
    );

    // The plain form (no WebAssembly): create, then the page that shows the token.
    let a = app
        .submit_form(
            "api_tokens/create",
            &[("name", "Newsletter sync")],
            "/account",
        )
        .await;
    assert!(a.status == 302 || a.status == 303, "{a:?}");
    assert_eq!(
        a.location.as_deref(),
        Some("/account/api-tokens/new"),
        "{a:?}"
    );
    let html = app
        .get("/account/api-tokens/new")
        .await
        .text()
        .await
        .unwrap();
    let at = html
        .find("id=\"api-token\"")
        .unwrap_or_else(|| panic!("the token on the page: {html}"));
    let start = at + html[at..].find('>').unwrap() + 1;
    let token: String = html[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    assert_eq!(token.len(), "chipin_pat_".len() + 43, "{token}");
    let again = app
        .get("/account/api-tokens/new")
        .await
        .text()
        .await
        .unwrap();
    assert!(!again.contains(&token), "a token is shown once");

    // Only its SHA-256 and first characters are kept.
    let (hash, prefix, reveal): (String, String, Option<String>) =
        sqlx::query_as("select token_hash, prefix, reveal from api_tokens")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(hash, app::domain::platform::tokens::digest(&token));
    assert!(token.starts_with(&prefix) && prefix.len() < 20);
    assert_eq!(
        reveal, None,
        "nothing of the token is left after showing it"
    );

    // Used: the answer comes, and the use is noted on the account page.
    let (status, body) = get_json(&app, "/api/v1/pages/owned/supporters", Some(&token)).await;
    assert_eq!(status, 200, "{body}");
    let used = scalar(
        &app.state.db,
        "select count(*) from api_tokens where last_used_at is not null",
    )
    .await;
    assert_eq!(used, 1);
    let account = app.get("/account").await.text().await.unwrap();
    assert!(
        account.contains("Newsletter sync") && account.contains("last used"),
        "{account}"
    );

    // Unknown and missing tokens: 401 with a Bearer challenge.
    for sent in [
        Some("chipin_pat_nope"),
        Some(&format!("chipin_pat_{}", "A".repeat(43))),
        None,
    ] {
        let mut req = app.client.get(app.url("/api/v1/pages/owned/pledges"));
        if let Some(t) = sent {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 401);
        let challenge = res.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(challenge.starts_with("Bearer"), "{challenge}");
        let body: Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
        assert_eq!(code(&body), "unauthorized");
    }

    // Revoked through the account page's form: refused from then on.
    let id = scalar(&app.state.db, "select id from api_tokens")
        .await
        .to_string();
    let a = app
        .submit_form("api_tokens/revoke", &[("id", &id)], "/account")
        .await;
    assert!(a.status == 302 || a.status == 303, "{a:?}");
    let res = app
        .client
        .get(app.url("/api/v1/pages/owned/supporters"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(
        res.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("invalid_token")
    );
}

#[tokio::test]
async fn a_token_reads_only_its_owners_pages_and_others_look_missing() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let a = recipient(db, "page-a", "USD").await;
    recipient(db, "page-b", "USD").await;
    let owner_a = scalar(
        db,
        &format!("select owner_user_id from recipients where id = {a}"),
    )
    .await;
    let token = token_for(&app, owner_a).await;
    for route in ["supporters", "pledges", "donations", "expenses"] {
        let (status, _) =
            get_json(&app, &format!("/api/v1/pages/page-a/{route}"), Some(&token)).await;
        assert_eq!(status, 200, "{route}");
        let (status, theirs) =
            get_json(&app, &format!("/api/v1/pages/page-b/{route}"), Some(&token)).await;
        let (missing_status, missing) = get_json(
            &app,
            &format!("/api/v1/pages/no-such-page/{route}"),
            Some(&token),
        )
        .await;
        assert_eq!((status, missing_status), (404, 404), "{route}");
        assert_eq!(
            theirs, missing,
            "another owner's page looks like no page at all"
        );
    }
}

#[tokio::test]
async fn supporters_appear_as_they_chose_and_donations_carry_their_payouts() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let cause = recipient(db, "library", "USD").await;
    sqlx::query("update recipients set kind = 'cause' where id = $1")
        .bind(cause)
        .execute(db.pool())
        .await
        .unwrap();
    let owner = scalar(
        db,
        &format!("select owner_user_id from recipients where id = {cause}"),
    )
    .await;
    let today = chrono::Utc::now().date_naive();
    let day = i64::from(today.day().min(28));
    let mut pledges = Vec::new();
    for (name, visibility) in [
        ("Pat Public", "public"),
        ("Ann Anonymous", "anonymous"),
        ("Priv Private", "private"),
    ] {
        let fan = user(db, name).await;
        card(&app.state, fan, methods::SUCCEEDS, day).await;
        let p = pledge(&app.state, fan, cause, "5").await;
        set_visibility(&app, p, visibility).await;
        pledges.push(p);
    }
    let tipper = user(db, "Tia Tipper").await;
    card(&app.state, tipper, methods::SUCCEEDS, day).await;
    tip(&app.state, tipper, cause, "2").await;
    let summary = run_billing(&app, today).await;
    assert!(summary.charges_succeeded >= 4, "{summary:?}");
    let token = token_for(&app, owner).await;

    let res = app
        .client
        .get(app.url("/api/v1/pages/library/supporters"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let raw = res.text().await.unwrap();
    assert!(raw.contains("Pat Public"), "{raw}");
    assert!(
        !raw.contains("Ann Anonymous") && !raw.contains("Priv Private"),
        "{raw}"
    );
    let body: Value = serde_json::from_str(&raw).unwrap();
    let seen: BTreeSet<(String, Option<String>)> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["visibility"].as_str().unwrap().to_owned(),
                p["supporter"].as_str().map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(
        seen,
        BTreeSet::from([
            ("anonymous".to_owned(), None),
            ("private".to_owned(), None),
            ("public".to_owned(), Some("Pat Public".to_owned())),
        ])
    );

    // A cause pays out what it spent: an expense, then the payout of it.
    let spent_on = today.to_string();
    app::domain::payouts::expenses::record(
        db,
        owner,
        cause,
        &app::domain::payouts::expenses::ExpenseForm {
            amount: "3",
            description: "Books for the shelf",
            spent_on: &spent_on,
            receipt_url: "",
            budget_line: "",
        },
    )
    .await
    .unwrap();
    let (status, expenses) = get_json(&app, "/api/v1/pages/library/expenses", Some(&token)).await;
    assert_eq!(status, 200);
    assert_eq!(expenses["items"][0]["amount_minor"], 300, "{expenses}");
    assert_eq!(expenses["items"][0]["description"], "Books for the shelf");

    // Donations: real charges only, each with the payout that carried its money out.
    let available = app::domain::payouts::available(db, cause).await.unwrap();
    let payout = app::domain::payouts::record(
        db,
        app::domain::payouts::NewPayout {
            recipient_id: cause,
            amount: available,
            paid_on: app::domain::platform::clock::midnight(today),
            reference: "bank 1".to_owned(),
            by: app::domain::payouts::RecordedBy::Operator,
        },
    )
    .await
    .unwrap();
    let res = app
        .client
        .get(app.url("/api/v1/pages/library/donations"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let raw = res.text().await.unwrap();
    assert!(
        !raw.contains("Ann Anonymous") && !raw.contains("Priv Private"),
        "{raw}"
    );
    assert!(
        raw.contains("Tia Tipper"),
        "a public tipper is named: {raw}"
    );
    let body: Value = serde_json::from_str(&raw).unwrap();
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 4, "{body}");
    assert_eq!(items.iter().filter(|d| d["kind"] == "tip").count(), 1);
    let paid_out: i64 = items
        .iter()
        .flat_map(|d| d["payouts"].as_array().unwrap().iter())
        .map(|p| {
            assert_eq!(p["payout_id"], payout);
            p["amount_minor"].as_i64().unwrap()
        })
        .sum();
    assert_eq!(
        paid_out, 300,
        "the payout of the expense, traced to the donations"
    );
    let net: i64 = items.iter().map(|d| d["net_minor"].as_i64().unwrap()).sum();

    // The public ledger shows the same money, without private names.
    let res = app.get("/api/v1/pages/library/ledger").await;
    let raw = res.text().await.unwrap();
    assert!(
        !raw.contains("Ann Anonymous") && !raw.contains("Priv Private"),
        "{raw}"
    );
    let ledger: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(ledger["net_minor"], net);
    assert_eq!(ledger["income_count"], 4);
    let (status, lines) = get_json(&app, "/api/v1/pages/library/budget-lines", None).await;
    assert_eq!(status, 200);
    assert_eq!(lines["unearmarked"]["earmarked_minor"], net, "{lines}");
}

#[tokio::test]
async fn cursor_pages_walk_every_row_once_while_rows_are_added() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let mut expected = HashSet::new();
    for i in 0..7 {
        let slug = format!("page-{i}");
        recipient(db, &slug, "USD").await;
        expected.insert(slug);
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/pages?limit=3".to_owned();
    let mut pages = 0;
    loop {
        let (status, body) = get_json(&app, &path, None).await;
        assert_eq!(status, 200, "{body}");
        pages += 1;
        for p in body["items"].as_array().unwrap() {
            seen.push(p["slug"].as_str().unwrap().to_owned());
        }
        if pages == 1 {
            // Added mid-walk: it must not shift the pages still to come.
            recipient(db, "late-page", "USD").await;
        }
        match body["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/pages?limit=3&cursor={c}"),
            None => break,
        }
    }
    let unique: HashSet<String> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "no row twice: {seen:?}");
    assert!(expected.is_subset(&unique), "every row once: {seen:?}");
    assert_eq!(pages, 3);

    for bad in [
        "/api/v1/pages?cursor=not-a-cursor",
        "/api/v1/pages?limit=0",
        "/api/v1/pages?limit=101",
        "/api/v1/pages?sort=name",
        "/api/v1/pages/page-1?verbose=1",
    ] {
        let (status, body) = get_json(&app, bad, None).await;
        assert_eq!((status, code(&body)), (400, "bad_request"), "{bad}: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
}

#[tokio::test]
async fn too_many_requests_are_answered_429_with_retry_after_per_address_and_per_token() {
    let app = spawn_app_with(&[("API_REQUESTS_PER_ADDRESS_MINUTE", "3")]).await;
    for _ in 0..3 {
        assert_eq!(app.get("/api/v1/pages").await.status(), 200);
    }
    let res = app.get("/api/v1/pages").await;
    assert_eq!(res.status(), 429);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // Another site's script reading the public part can read the refusal and its wait.
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    assert_eq!(
        res.headers()["access-control-expose-headers"],
        "retry-after"
    );
    let body: Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
    assert_eq!(code(&body), "rate_limited");
    // …while a refused request with a token gets no CORS.
    let res = app
        .client
        .get(app.url("/api/v1/pages/mine/pledges"))
        .bearer_auth("chipin_pat_whatever")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    assert!(!res.headers().contains_key("access-control-allow-origin"));
    // The rest of the site is not the API's business.
    assert_eq!(app.get("/healthz").await.status(), 200);

    let app = spawn_app_with(&[
        ("API_REQUESTS_PER_ADDRESS_MINUTE", "100"),
        ("API_REQUESTS_PER_TOKEN_MINUTE", "2"),
    ])
    .await;
    let page = recipient(&app.state.db, "mine", "USD").await;
    let owner = scalar(
        &app.state.db,
        &format!("select owner_user_id from recipients where id = {page}"),
    )
    .await;
    let token = token_for(&app, owner).await;
    for _ in 0..2 {
        let (status, _) = get_json(&app, "/api/v1/pages/mine/pledges", Some(&token)).await;
        assert_eq!(status, 200);
    }
    let res = app
        .client
        .get(app.url("/api/v1/pages/mine/pledges"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    // The address still has room for the public part.
    assert_eq!(app.get("/api/v1/pages/mine").await.status(), 200);
}

#[tokio::test]
async fn only_the_public_part_answers_other_origins() {
    let app = spawn_app().await;
    let page = recipient(&app.state.db, "mine", "USD").await;
    let owner = scalar(
        &app.state.db,
        &format!("select owner_user_id from recipients where id = {page}"),
    )
    .await;
    let token = token_for(&app, owner).await;
    let origin = "https://blog.example.net";
    for path in [
        "/api/v1/pages",
        "/api/v1/pages/mine",
        "/api/v1/pages/mine/posts",
        "/api/v1/openapi.json",
    ] {
        let res = app
            .client
            .get(app.url(path))
            .header("origin", origin)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(res.headers()["access-control-allow-origin"], "*", "{path}");
        assert!(
            !res.headers()
                .contains_key("access-control-allow-credentials")
        );
    }
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/pages/mine"))
        .header("origin", origin)
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");

    for path in [
        "/api/v1/pages/mine/supporters",
        "/api/v1/pages/mine/donations",
    ] {
        let res = app
            .client
            .get(app.url(path))
            .header("origin", origin)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert!(
            !res.headers().contains_key("access-control-allow-origin"),
            "{path}"
        );
        assert_eq!(
            res.headers()["cache-control"],
            "private, no-store",
            "{path}"
        );
        let preflight = app
            .client
            .request(reqwest::Method::OPTIONS, app.url(path))
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .send()
            .await
            .unwrap();
        assert!(
            !preflight
                .headers()
                .contains_key("access-control-allow-origin"),
            "{path}"
        );
    }
}

/// Every route the API serves, as its OpenAPI document must list them.
const ROUTES: &[&str] = &[
    "/api/v1/pages",
    "/api/v1/pages/{slug}",
    "/api/v1/pages/{slug}/budget-lines",
    "/api/v1/pages/{slug}/donations",
    "/api/v1/pages/{slug}/expenses",
    "/api/v1/pages/{slug}/goal",
    "/api/v1/pages/{slug}/ledger",
    "/api/v1/pages/{slug}/pledges",
    "/api/v1/pages/{slug}/posts",
    "/api/v1/pages/{slug}/supporters",
    "/api/v1/pages/{slug}/tiers",
];

#[tokio::test]
async fn the_openapi_document_lists_exactly_the_routes_served_and_its_page_shows_them() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let cause = recipient(db, "library", "USD").await;
    sqlx::query("update recipients set kind = 'cause' where id = $1")
        .bind(cause)
        .execute(db.pool())
        .await
        .unwrap();
    let owner = scalar(
        db,
        &format!("select owner_user_id from recipients where id = {cause}"),
    )
    .await;
    let token = token_for(&app, owner).await;

    let (status, doc) = get_json(&app, "/api/v1/openapi.json", None).await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths: BTreeSet<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(paths, ROUTES.iter().copied().collect());
    assert_eq!(
        server::api_v1::openapi()
            .paths
            .paths
            .keys()
            .map(String::as_str)
            .collect::<BTreeSet<_>>(),
        paths,
        "the served document is the router's"
    );
    // Every documented route is served: a real answer, not the catch-all 404.
    for path in ROUTES {
        let op = &doc["paths"][path]["get"];
        let needs_token = op["security"].is_array();
        let url = path.replace("{slug}", "library");
        let (status, body) = get_json(&app, &url, needs_token.then_some(token.as_str())).await;
        assert_eq!(status, 200, "{url}: {body}");
        if needs_token {
            let (status, _) = get_json(&app, &url, None).await;
            assert_eq!(status, 401, "{url} needs a token");
        }
    }
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());

    let res = app.get("/api/v1").await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = res.text().await.unwrap();
    for path in ROUTES {
        assert!(
            html.contains(&format!("GET {path}")),
            "{path} missing from the page"
        );
    }
    assert!(!html.contains("<script"), "the page needs no script");
}

#[tokio::test]
async fn a_new_token_is_shown_to_one_of_two_pages_at_once_and_never_to_another_session() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let owner = user(db, "Owner").await;
    tokens::create(db, owner, "session-one", "race")
        .await
        .unwrap();
    assert_eq!(
        tokens::take_new(db, owner, "session-two").await.unwrap(),
        None,
        "another session of the account cannot unmask it"
    );
    let (a, b) = tokio::join!(
        tokens::take_new(db, owner, "session-one"),
        tokens::take_new(db, owner, "session-one")
    );
    let shown: Vec<_> = [a.unwrap(), b.unwrap()].into_iter().flatten().collect();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(
        tokens::take_new(db, owner, "session-one").await.unwrap(),
        None
    );

    // A bad name changes nothing; an account holds at most MAX_ACTIVE live tokens.
    assert!(matches!(
        tokens::create(db, owner, "session-one", "  ").await,
        Err(tokens::TokenError::NameMissing)
    ));
    for i in 1..tokens::MAX_ACTIVE {
        tokens::create(db, owner, "s", &format!("t{i}"))
            .await
            .unwrap();
    }
    assert!(
        tokens::create(db, owner, "s", "one too many")
            .await
            .is_err()
    );
    assert_eq!(
        scalar(db, "select count(*) from api_tokens").await,
        tokens::MAX_ACTIVE
    );
}
