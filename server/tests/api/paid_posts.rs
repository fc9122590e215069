//! Paid posts are paid for: a pledge unlocks supporter-only posts, and counts in a page's public
//! totals, only while a saved, usable payment method backs it; the first unlock commits the
//! first month, which cancelling, pausing or lowering the pledge cannot undo; a tip counts, and
//! its message shows, only once it is paid.

use crate::helpers::{Answer, TestApp, assert_ledger_ok, run_billing, spawn_app};
use crate::population::{scalar, user};
use app::domain::platform::clock::now;
use app::domain::recipients::{explore, public_page};
use app::model::ExploreFilter;
use app::model::studio::PostView;
use chrono::Months;

const SECRET: &str = "The secret sketchbook.";

fn ok(a: &Answer) {
    assert!(a.status < 400, "{a:?}");
}

/// "mara" (owned by a user made in the database) with a $5 Silver tier and one post for it.
pub async fn mara(app: &TestApp) -> (i64, i64) {
    let db = &app.state.db;
    let owner = user(db, "Mara").await;
    let (page,): (i64,) = sqlx::query_as(
        "insert into recipients (kind, owner_user_id, slug, name, category, currency, goal_minor, created_at) \
         values ('creator', $1, 'mara', 'Mara Draws', 'Art', 'USD', 1000, $2) returning id",
    )
    .bind(owner)
    .bind(now())
    .fetch_one(db.pool())
    .await
    .unwrap();
    let (silver,): (i64,) = sqlx::query_as(
        "insert into tiers (recipient_id, name, price_minor, position, created_at) \
         values ($1, 'Silver', 500, 0, $2) returning id",
    )
    .bind(page)
    .bind(now())
    .fetch_one(db.pool())
    .await
    .unwrap();
    let (post,): (i64,) = sqlx::query_as(
        "insert into posts (recipient_id, title, body_md, public, created_at, updated_at) \
         values ($1, 'Silver sketches', $2, 0, $3, $3) returning id",
    )
    .bind(page)
    .bind(SECRET)
    .bind(now())
    .fetch_one(db.pool())
    .await
    .unwrap();
    sqlx::query("insert into post_tiers (post_id, tier_id) values ($1, $2)")
        .bind(post)
        .bind(silver)
        .execute(db.pool())
        .await
        .unwrap();
    (page, silver)
}

/// Signs a new fan up in a fresh browser and pledges at Silver; returns the pledge id.
pub async fn fan_pledges(app: &mut TestApp, email: &str, silver: i64) -> i64 {
    app.new_browser();
    app.sign_up_and_log_in(email, "Fan").await;
    ok(&app.call("set_billing_day", &[("billing_day", "1")]).await);
    ok(&app
        .call(
            "create_pledge",
            &[
                ("slug", "mara"),
                ("tier_id", &silver.to_string()),
                ("visibility", "public"),
            ],
        )
        .await);
    let (id,): (i64,) = sqlx::query_as(
        "select p.id from pledges p join users u on u.id = p.supporter_id where u.email = $1",
    )
    .bind(email)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    id
}

pub async fn save_card(app: &TestApp, method: &str) {
    ok(&app
        .call("set_payment_method", &[("payment_method", method)])
        .await);
}

async fn the_post(app: &TestApp) -> PostView {
    let a = app.call("studio/posts", &[("slug", "mara")]).await;
    assert_eq!(a.status, 200, "{a:?}");
    let posts: Vec<PostView> = serde_json::from_str(&a.body).unwrap();
    posts.into_iter().next().expect("the post")
}

async fn page_html(app: &TestApp) -> String {
    app.get("/c/mara").await.text().await.unwrap()
}

/// (supporters, monthly income) on the public page and the supporters on its explore card.
async fn public_counts(app: &TestApp) -> (i64, i64, i64) {
    let db = &app.state.db;
    let page = public_page::load(db, "mara").await.unwrap().unwrap();
    let cards = explore::cards(db, &ExploreFilter::default(), 1, 24)
        .await
        .unwrap();
    let card = cards.iter().find(|c| c.slug == "mara").unwrap();
    (page.supporters, page.monthly_minor, card.supporters)
}

async fn pledge_items(app: &TestApp, pledge: i64) -> Vec<(i64, String)> {
    sqlx::query_as(
        "select gross_minor, status from donation_items where pledge_id = $1 order by id",
    )
    .bind(pledge)
    .fetch_all(app.state.db.pool())
    .await
    .unwrap()
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

#[tokio::test]
async fn a_pledge_without_a_card_reads_no_paid_post_and_counts_nowhere_until_a_card_backs_it() {
    let mut app = spawn_app().await;
    let (page, silver) = mara(&app).await;
    let pledge = fan_pledges(&mut app, "fan@example.org", silver).await;
    let fan = user_id(&app, "fan@example.org").await;
    app::domain::giving::pledges::create_tip(
        &app.state,
        fan,
        app::domain::giving::pledges::NewTip {
            recipient_id: page,
            amount: "3",
            message: "Lovely herons",
            visibility: "public",
            budget_line: "",
        },
    )
    .await
    .unwrap();

    let post = the_post(&app).await;
    assert!(post.body_html.is_none(), "no card, no paid post");
    assert!(post.needs_card, "the fan is told a card unlocks it");
    let html = page_html(&app).await;
    assert!(!html.contains(SECRET));
    assert!(html.contains("Your pledge unlocks this post once a payment method is saved."));
    assert_eq!(
        public_counts(&app).await,
        (0, 0, 0),
        "an unbacked pledge counts for nobody"
    );
    let p = public_page::load(&app.state.db, "mara")
        .await
        .unwrap()
        .unwrap();
    assert!(p.recent_supporters.is_empty());
    assert!(
        p.recent_tips.is_empty(),
        "an unpaid tip's message is not shown"
    );
    assert!(!html.contains("Lovely herons"));
    assert_eq!(
        scalar(
            &app.state.db,
            &format!("select count(*) from pledges where id = {pledge} and unlocked_at is null")
        )
        .await,
        1,
        "nothing was unlocked"
    );

    save_card(&app, "pm_card_visa").await;
    let post = the_post(&app).await;
    assert!(post.body_html.is_some_and(|b| b.contains(SECRET)));
    assert!(!post.needs_card);
    assert_eq!(public_counts(&app).await, (1, 500, 1));
    let (unlocked_minor,): (Option<i64>,) =
        sqlx::query_as("select unlocked_minor from pledges where id = $1")
            .bind(pledge)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(
        unlocked_minor,
        Some(500),
        "the unlock is recorded with its amount"
    );
    assert!(
        public_page::load(&app.state.db, "mara")
            .await
            .unwrap()
            .unwrap()
            .recent_tips
            .is_empty(),
        "a backed but unpaid tip is still not shown"
    );

    run_billing(&app, today()).await;
    let p = public_page::load(&app.state.db, "mara")
        .await
        .unwrap()
        .unwrap();
    let tips: Vec<&str> = p.recent_tips.iter().map(|t| t.message.as_str()).collect();
    assert_eq!(tips, ["Lovely herons"], "shown once paid");
    app.new_browser();
    assert!(page_html(&app).await.contains("Lovely herons"));
    assert_ledger_ok(&app).await;
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    crate::helpers::user_id(app, email).await
}

#[tokio::test]
async fn cancelling_after_reading_a_paid_post_still_pays_the_first_month_exactly_once() {
    let mut app = spawn_app().await;
    let (_, silver) = mara(&app).await;
    // A fan who never opens a supporter-only post owes nothing after cancelling.
    let browser_only = fan_pledges(&mut app, "window@example.org", silver).await;
    save_card(&app, "pm_card_visa").await;
    ok(&app
        .call("cancel_pledge", &[("pledge_id", &browser_only.to_string())])
        .await);
    assert!(pledge_items(&app, browser_only).await.is_empty());

    let pledge = fan_pledges(&mut app, "reader@example.org", silver).await;
    save_card(&app, "pm_card_visa").await;
    assert!(the_post(&app).await.body_html.is_some());
    let billing = app.get("/account/billing").await.text().await.unwrap();
    assert!(
        billing.contains("its first month ($5.00) is charged on your billing day even if you pause, lower or cancel it now"),
        "the page says so before cancelling"
    );
    ok(&app
        .call("pause_pledge", &[("pledge_id", &pledge.to_string())])
        .await);
    ok(&app
        .call("cancel_pledge", &[("pledge_id", &pledge.to_string())])
        .await);
    assert_eq!(
        pledge_items(&app, pledge).await,
        [(500, "pending".to_owned())],
        "pausing then cancelling books the first month once"
    );
    assert!(
        the_post(&app).await.body_html.is_none(),
        "cancelled: locked again"
    );
    assert_eq!(public_counts(&app).await, (0, 0, 0));

    let reader = user_id(&app, "reader@example.org").await;
    let window = user_id(&app, "window@example.org").await;
    let charged = |who: i64| {
        format!(
            "select cast(coalesce(sum(amount_minor), 0) as bigint) from charges where supporter_id = {who} and status = 'succeeded'"
        )
    };
    run_billing(&app, today()).await;
    run_billing(&app, today()).await;
    let next_month = today().checked_add_months(Months::new(1)).unwrap();
    run_billing(&app, next_month).await;
    assert_eq!(
        scalar(&app.state.db, &charged(reader)).await,
        500,
        "charged once, for one month"
    );
    assert_eq!(
        scalar(
            &app.state.db,
            &format!("select count(*) from charges where supporter_id = {reader}")
        )
        .await,
        1
    );
    assert_eq!(pledge_items(&app, pledge).await, [(500, "paid".to_owned())]);
    assert_eq!(scalar(&app.state.db, &charged(window)).await, 0);
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn lowering_a_pledge_after_reading_still_owes_the_first_month_at_the_amount_that_unlocked() {
    let mut app = spawn_app().await;
    let (_, silver) = mara(&app).await;
    let pledge = fan_pledges(&mut app, "fan@example.org", silver).await;
    save_card(&app, "pm_card_visa").await;
    assert!(the_post(&app).await.body_html.is_some());
    // Lowered under the tier's price is refused; a custom pledge at a tier cannot go lower.
    sqlx::query("update pledges set tier_id = null where id = $1")
        .bind(pledge)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    ok(&app
        .call(
            "change_pledge_amount",
            &[("pledge_id", &pledge.to_string()), ("amount", "1")],
        )
        .await);
    assert_eq!(
        pledge_items(&app, pledge).await,
        [(500, "pending".to_owned())]
    );
    assert!(
        the_post(&app).await.body_html.is_none(),
        "$1 unlocks nothing"
    );
    run_billing(&app, today()).await;
    let fan = user_id(&app, "fan@example.org").await;
    assert_eq!(
        scalar(
            &app.state.db,
            &format!("select cast(coalesce(sum(amount_minor), 0) as bigint) from charges where supporter_id = {fan} and status = 'succeeded'")
        )
        .await,
        500,
        "the first month at $5; the $1 months start next cycle"
    );
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn a_card_found_unusable_locks_paid_posts_and_stops_counting_until_another_is_saved() {
    let mut app = spawn_app().await;
    let (_, silver) = mara(&app).await;
    let pledge = fan_pledges(&mut app, "fan@example.org", silver).await;
    save_card(&app, "pm_card_chargeDeclinedExpiredCard").await;
    assert!(
        the_post(&app).await.body_html.is_some(),
        "not known to be unusable yet"
    );
    assert_eq!(public_counts(&app).await, (1, 500, 1));

    run_billing(&app, today()).await;
    let (status, decline): (String, Option<String>) =
        sqlx::query_as("select status, decline_code from charges order by id desc limit 1")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), decline.as_deref()),
        ("failed", Some("expired_card"))
    );
    let post = the_post(&app).await;
    assert!(post.body_html.is_none(), "an expired card unlocks nothing");
    assert!(post.needs_card);
    assert_eq!(public_counts(&app).await, (0, 0, 0), "nor counts");
    save_card(&app, "pm_card_chargeDeclinedExpiredCard").await;
    assert!(
        the_post(&app).await.body_html.is_none(),
        "saving the same dead card again changes nothing"
    );

    save_card(&app, "pm_card_visa").await;
    assert!(the_post(&app).await.body_html.is_some());
    assert_eq!(public_counts(&app).await, (1, 500, 1));
    assert_eq!(
        pledge_items(&app, pledge).await.len(),
        1,
        "the declined month is the one owed, not a second"
    );
    assert_ledger_ok(&app).await;
}
