//! The public page cache is dropped only by writes that change public data: signing in,
//! private settings, a pledge no card backs and an unpaid tip keep a kept page; a backed pledge,
//! a page owner's change and a paid tip refresh it.

use crate::helpers::{TestApp, run_billing, spawn_app_with};
use crate::paid_posts::{fan_pledges, mara, save_card};
use app::domain::recipients::posts::{PostForm, create_post};
use app::model::RecipientPage;

async fn page(app: &TestApp) -> RecipientPage {
    let a = app.call("recipients/page", &[("slug", "mara")]).await;
    assert_eq!(a.status, 200, "{a:?}");
    serde_json::from_str(&a.body).unwrap()
}

/// Renames the page behind the cache's back: only a refreshed page shows the new name.
async fn rename_quietly(app: &TestApp, name: &str) {
    sqlx::query("update recipients set name = $1 where slug = 'mara'")
        .bind(name)
        .execute(app.state.db.pool())
        .await
        .unwrap();
}

#[tokio::test]
async fn private_writes_keep_the_kept_public_page_and_public_writes_refresh_it() {
    let mut app = spawn_app_with(&[("PAGE_CACHE_SECS", "600")]).await;
    let (page_id, silver) = mara(&app).await;
    assert_eq!(page(&app).await.name, "Mara Draws");
    rename_quietly(&app, "Mara Paints").await;

    // Signing up and in, a billing day, a pledge without a card and an unpaid tip: private.
    fan_pledges(&mut app, "fan@example.org", silver).await;
    let a = app
        .call(
            "create_tip",
            &[
                ("slug", "mara"),
                ("amount", "3"),
                ("message", "Hi"),
                ("visibility", "public"),
            ],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    let kept = page(&app).await;
    assert_eq!(kept.name, "Mara Draws", "private writes keep the kept page");
    assert_eq!(kept.supporters, 0);

    // A card now backs the open pledge: the page is worked out afresh.
    save_card(&app, "pm_card_visa").await;
    let fresh = page(&app).await;
    assert_eq!((fresh.name.as_str(), fresh.supporters), ("Mara Paints", 1));

    // Changing the billing day is private again.
    rename_quietly(&app, "Mara Sculpts").await;
    let a = app.call("set_billing_day", &[("billing_day", "1")]).await;
    assert!(a.status < 400, "{a:?}");
    assert_eq!(page(&app).await.name, "Mara Paints");

    // The owner publishing a post refreshes it.
    let owner: (i64,) = sqlx::query_as("select owner_user_id from recipients where id = $1")
        .bind(page_id)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    create_post(
        &app.state.db,
        owner.0,
        page_id,
        PostForm {
            title: "News",
            body: "Hello",
            audience: "public",
            tier_ids: &[],
        },
    )
    .await
    .unwrap();
    assert_eq!(page(&app).await.name, "Mara Sculpts");

    // The tip is paid by a billing run, which refreshes the page: its message shows.
    rename_quietly(&app, "Mara Weaves").await;
    assert!(page(&app).await.recent_tips.is_empty());
    run_billing(&app, chrono::Utc::now().date_naive()).await;
    let paid = page(&app).await;
    assert_eq!(paid.name, "Mara Weaves");
    assert_eq!(paid.recent_tips.len(), 1);
}

/// One visitor's view of `/c/mara`: the page, the nonce its policy header allows, the CSRF
/// token its cookie holds, and whether it came from memory (it has an `Age`).
async fn view_as_visitor(app: &TestApp) -> (String, String, String, bool) {
    let res = app.get("/c/mara").await;
    assert_eq!(res.status(), 200);
    let kept = res.headers().contains_key("age");
    let policy = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy")
        .to_owned();
    let html = res.text().await.unwrap();
    let token = app.cookie(app::web::CSRF_COOKIE).expect("a CSRF cookie");
    (html, nonce, token, kept)
}

/// The whole page is kept for visitors without a session, yet each is given the nonce their
/// own policy header allows and their own CSRF token, never another visitor's; a signed-in
/// visitor is never given the kept page.
#[tokio::test]
async fn a_kept_page_carries_each_visitors_own_nonce_and_csrf_token() {
    let mut app = spawn_app_with(&[("PAGE_CACHE_SECS", "600")]).await;
    mara(&app).await;
    let (first, nonce1, token1, kept) = view_as_visitor(&app).await;
    assert!(!kept, "the first view renders the page");
    app.new_browser();
    let (second, nonce2, token2, kept) = view_as_visitor(&app).await;
    assert!(kept, "the second visitor is given the kept page");
    assert_ne!((&nonce1, &token1), (&nonce2, &token2));

    for (html, nonce, token, other_nonce, other_token) in [
        (&first, &nonce1, &token1, &nonce2, &token2),
        (&second, &nonce2, &token2, &nonce1, &token1),
    ] {
        assert!(html.contains(&format!("nonce=\"{nonce}\"")), "{html}");
        assert!(html.contains(&format!("value=\"{token}\"")), "{html}");
        assert!(!html.contains(other_nonce.as_str()) && !html.contains(other_token.as_str()));
    }
    let same =
        |html: &str, nonce: &str, token: &str| html.replace(nonce, "NONCE").replace(token, "TOKEN");
    assert_eq!(
        same(&first, &nonce1, &token1),
        same(&second, &nonce2, &token2),
        "the same page for both"
    );

    // A query string, a signed-in visitor, another language: each rendered for its request.
    let res = app.get("/c/mara?from=newsletter").await;
    assert!(!res.headers().contains_key("age"));
    let res = app
        .client
        .get(app.url("/c/mara"))
        .header("accept-language", "ko")
        .send()
        .await
        .unwrap();
    assert!(
        !res.headers().contains_key("age"),
        "the Korean page is rendered once"
    );
    assert!(res.text().await.unwrap().contains("lang=\"ko\""));
    app.sign_up_and_log_in("fan@example.org", "Fan").await;
    let res = app.get("/c/mara").await;
    assert!(!res.headers().contains_key("age"));
    let signed_in = res.text().await.unwrap();
    assert_ne!(
        same(&signed_in, &nonce1, &token1),
        same(&first, &nonce1, &token1)
    );
    assert!(!signed_in.contains(&nonce1) && !signed_in.contains(&nonce2));

    // A public change drops the kept page: the next visitor is given a fresh one.
    rename_quietly(&app, "Mara Paints").await;
    app.state.db.note_public_change();
    app.new_browser();
    let (fresh, _, _, kept) = view_as_visitor(&app).await;
    assert!(!kept && fresh.contains("Mara Paints"));
    let (_, _, _, kept) = view_as_visitor(&app).await;
    assert!(kept);

    // The home page with its explore list is kept the same way; a search is not.
    let home = |path: &'static str| {
        let app = &app;
        async move { app.get(path).await.headers().contains_key("age") }
    };
    assert!(!home("/").await);
    assert!(home("/").await);
    assert!(!home("/?q=mara").await);
}
