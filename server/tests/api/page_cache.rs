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
