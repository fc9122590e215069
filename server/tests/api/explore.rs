//! The public side of the website: the explore list (search, filters, order, pages, bad
//! parameters), creator and cause pages (places left in tiers, goal progress, who may be
//! named), a cause's ledger of money received, and the meta tags pages carry.

use crate::helpers::{Answer, TestApp, date, run_billing_with, spawn_app};
use crate::population::{card, tier, tip, user};
use app::domain::billing::BillingConfig;
use app::domain::giving::pledges::{self, NewTip};
use app::domain::platform::clock::now;
use app::domain::processors::simulated::{SimulatedProcessor, methods};
use app::domain::{AppState, Db};
use app::model::{ExplorePage, ExploreSort, RecipientKind, RecipientPage, percent_of};

fn json<T: serde::de::DeserializeOwned>(a: &Answer) -> T {
    assert_eq!(a.status, 200, "{a:?}");
    serde_json::from_str(&a.body).unwrap_or_else(|e| panic!("{e}: {}", a.body))
}

async fn explore(app: &TestApp, params: &[(&str, &str)]) -> ExplorePage {
    json(&app.call("recipients/explore", params).await)
}

async fn page(app: &TestApp, slug: &str) -> RecipientPage {
    json(&app.call("recipients/page", &[("slug", slug)]).await)
}

async fn html(app: &TestApp, path: &str) -> (u16, String) {
    let res = app.get(path).await;
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

/// A page of `kind` owned by a new user, created `age` hours ago; returns its id.
async fn page_of(
    db: &Db,
    kind: &str,
    slug: &str,
    name: &str,
    category: &str,
    goal: Option<i64>,
    age: i64,
) -> i64 {
    let owner = user(db, &format!("owner-{slug}")).await;
    let (id,): (i64,) = sqlx::query_as(
        "insert into recipients (kind, owner_user_id, slug, name, tagline, category, currency, goal_minor, created_at) \
         values ($1, $2, $3, $4, 'A tagline', $5, 'USD', $6, $7) returning id",
    )
    .bind(kind)
    .bind(owner)
    .bind(slug)
    .bind(name)
    .bind(category)
    .bind(goal)
    .bind(now() - age * 3600)
    .fetch_one(db.pool())
    .await
    .unwrap();
    id
}

/// A pledge straight in the database, with the given status and visibility, by a supporter
/// with a saved card (billed on the 28th), so it counts publicly while it is open.
async fn raw_pledge(
    db: &Db,
    supporter: i64,
    recipient: i64,
    tier: Option<i64>,
    amount: i64,
    status: &str,
    visibility: &str,
) {
    sqlx::query(
        "insert into billing_profiles (user_id, billing_day, payment_method, created_at) \
         values ($1, 28, 'pm_card_visa', $2) on conflict (user_id) do nothing",
    )
    .bind(supporter)
    .bind(now())
    .execute(db.pool())
    .await
    .unwrap();
    sqlx::query(
        "insert into pledges (supporter_id, recipient_id, tier_id, amount_minor, currency, visibility, status, created_at, updated_at) \
         values ($1, $2, $3, $4, 'USD', $5, $6, $7, $7)",
    )
    .bind(supporter)
    .bind(recipient)
    .bind(tier)
    .bind(amount)
    .bind(visibility)
    .bind(status)
    .bind(now())
    .execute(db.pool())
    .await
    .unwrap();
}

/// 30 pages: creators "Maker 00"…"Maker 19" (Art, odd ones Music) and causes "Cause 00"…
/// "Cause 09" (Community), the newest first by number. Maker 05 has 3 supporters, Cause 02
/// has 2, Maker 11 has 1; paused and cancelled pledges, and the two active pledges to Maker 17
/// that no usable card backs, count for nobody.
async fn thirty_pages(app: &TestApp) {
    let db = &app.state.db;
    let mut ids = std::collections::HashMap::new();
    for i in 0..20 {
        let category = if i % 2 == 0 { "Art" } else { "Music" };
        let slug = format!("maker-{i:02}");
        let id = page_of(
            db,
            "creator",
            &slug,
            &format!("Maker {i:02}"),
            category,
            None,
            i,
        )
        .await;
        ids.insert(slug, id);
    }
    for i in 0..10 {
        let slug = format!("cause-{i:02}");
        let id = page_of(
            db,
            "cause",
            &slug,
            &format!("Cause {i:02}"),
            "Community",
            None,
            20 + i,
        )
        .await;
        ids.insert(slug, id);
    }
    let fans: Vec<i64> = futures_join(db, 4).await;
    for (slug, n) in [("maker-05", 3), ("cause-02", 2), ("maker-11", 1)] {
        for fan in &fans[..n] {
            raw_pledge(db, *fan, ids[slug], None, 500, "active", "public").await;
        }
    }
    raw_pledge(db, fans[3], ids["maker-19"], None, 500, "paused", "public").await;
    // Pledges no usable card backs count for nobody: one without a card, one whose card was
    // found unusable.
    for (name, method, unusable) in [
        ("NoCard", None, None),
        (
            "DeadCard",
            Some("pm_card_chargeDeclinedExpiredCard"),
            Some("pm_card_chargeDeclinedExpiredCard"),
        ),
    ] {
        let fan = user(db, name).await;
        sqlx::query(
            "insert into billing_profiles (user_id, billing_day, payment_method, unusable_payment_method, created_at) \
             values ($1, 28, $2, $3, $4)",
        )
        .bind(fan)
        .bind(method)
        .bind(unusable)
        .bind(now())
        .execute(db.pool())
        .await
        .unwrap();
        sqlx::query(
            "insert into pledges (supporter_id, recipient_id, amount_minor, currency, visibility, status, created_at, updated_at) \
             values ($1, $2, 500, 'USD', 'public', 'active', $3, $3)",
        )
        .bind(fan)
        .bind(ids["maker-17"])
        .bind(now())
        .execute(db.pool())
        .await
        .unwrap();
    }
    raw_pledge(
        db,
        fans[3],
        ids["maker-18"],
        None,
        500,
        "cancelled",
        "public",
    )
    .await;
}

async fn futures_join(db: &Db, n: usize) -> Vec<i64> {
    let mut out = Vec::new();
    for i in 0..n {
        out.push(user(db, &format!("Fan{i}")).await);
    }
    out
}

fn names(p: &ExplorePage) -> Vec<&str> {
    p.cards.iter().map(|c| c.name.as_str()).collect()
}

#[tokio::test]
async fn the_explore_list_sorts_by_supporters_and_pages_by_twenty_four() {
    let app = spawn_app().await;
    thirty_pages(&app).await;

    let first = explore(&app, &[]).await;
    assert_eq!((first.total, first.pages, first.filter.page), (30, 2, 1));
    assert_eq!(first.cards.len(), 24);
    assert_eq!(
        names(&first)[..4],
        ["Maker 05", "Cause 02", "Maker 11", "Maker 00"],
        "most supporters first, then newest"
    );
    assert_eq!(
        first
            .cards
            .iter()
            .map(|c| c.supporters)
            .take(4)
            .collect::<Vec<_>>(),
        [3, 2, 1, 0]
    );
    let paused = first.cards.iter().find(|c| c.name == "Maker 19").unwrap();
    assert_eq!(paused.supporters, 0, "paused pledges do not count");
    let unbacked = first.cards.iter().find(|c| c.name == "Maker 17").unwrap();
    assert_eq!(
        unbacked.supporters, 0,
        "pledges without a usable card do not count"
    );
    let featured: Vec<&str> = first.featured.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        featured,
        ["Maker 05", "Maker 11", "Cause 02"],
        "only pages with supporters"
    );

    let second = explore(&app, &[("page", "2")]).await;
    assert_eq!(second.cards.len(), 6);
    assert!(
        second.featured.is_empty(),
        "featured only above the first page"
    );
    let mut all: Vec<&str> = names(&first);
    all.extend(names(&second));
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), 30, "the two pages together list everyone once");

    let newest = explore(&app, &[("sort", "newest")]).await;
    assert_eq!(newest.filter.sort, ExploreSort::Newest);
    assert_eq!(names(&newest)[..3], ["Maker 00", "Maker 01", "Maker 02"]);
    let counts = |name: &str| {
        newest
            .cards
            .iter()
            .find(|c| c.name == name)
            .unwrap()
            .supporters
    };
    assert_eq!(
        (counts("Maker 05"), counts("Maker 17")),
        (3, 0),
        "the same rule when newest first"
    );
}

#[tokio::test]
async fn search_and_filters_narrow_the_list() {
    let app = spawn_app().await;
    thirty_pages(&app).await;

    let found = explore(&app, &[("q", "  maker 1 ")]).await;
    assert_eq!(found.total, 10, "Maker 10 to Maker 19, case-insensitively");
    assert!(found.cards.iter().all(|c| c.name.starts_with("Maker 1")));
    assert!(found.featured.is_empty(), "no featured row above a search");

    let music = explore(&app, &[("category", "Music")]).await;
    assert_eq!(music.total, 10);
    assert!(music.cards.iter().all(|c| c.category == "Music"));
    assert_eq!(music.categories, ["Art", "Community", "Music"]);

    let causes = explore(&app, &[("kind", "cause"), ("sort", "newest")]).await;
    assert_eq!(causes.total, 10);
    assert!(causes.cards.iter().all(|c| c.kind == RecipientKind::Cause));
    assert_eq!(causes.cards[0].name, "Cause 00");

    let both = explore(
        &app,
        &[("q", "maker"), ("category", "Art"), ("kind", "creator")],
    )
    .await;
    assert_eq!(both.total, 10);

    let wildcard = explore(&app, &[("q", "%")]).await;
    assert_eq!(
        wildcard.total, 0,
        "a % in the search is a literal percent sign"
    );
    assert!(wildcard.cards.is_empty());
    assert_eq!(wildcard.pages, 1);
}

#[tokio::test]
async fn bad_explore_parameters_fall_back_instead_of_failing() {
    let app = spawn_app().await;
    thirty_pages(&app).await;

    let p = explore(
        &app,
        &[("page", "-1"), ("sort", "loudest"), ("kind", "robot")],
    )
    .await;
    assert_eq!(p.filter.page, 1);
    assert_eq!(p.filter.sort, ExploreSort::Supporters);
    assert_eq!(p.filter.kind, None);
    assert_eq!(p.total, 30);
    let past_the_end = explore(&app, &[("page", "99")]).await;
    assert_eq!(
        past_the_end.filter.page, 2,
        "a page past the end shows the last page"
    );
    let huge = explore(&app, &[("page", "999999999999999999999")]).await;
    assert_eq!(huge.filter.page, 1);

    for path in [
        "/?page=-1",
        "/?page=abc&sort=%27;drop%20table%20recipients;--",
        "/?q=%00%25_&category=nope&kind=x",
        "/?page=99999999999",
    ] {
        let (status, _) = html(&app, path).await;
        assert_eq!(status, 200, "{path}");
    }
    assert_eq!(app.count("recipients").await, 30);
}

#[tokio::test]
async fn the_home_page_renders_the_filter_form_and_plain_page_links() {
    let app = spawn_app().await;
    thirty_pages(&app).await;

    let (status, body) = html(&app, "/?q=a&kind=creator").await;
    assert_eq!(status, 200);
    assert!(body.contains(r#"<form method="get" action="/#explore""#));
    assert!(body.contains("20 creators and causes"));
    assert!(
        !body.contains(r#"class="pager""#),
        "one page needs no page links"
    );
    assert!(body.contains(r#"<option value="creator" selected"#));

    let (_, first) = html(&app, "/?q=a&sort=newest").await;
    assert!(first.contains("30 creators and causes"));
    assert!(first.contains(r#"href="/?q=a&amp;sort=newest&amp;page=2#explore""#));
    assert!(first.contains("Page 1 of 2"));
    let (_, second) = html(&app, "/?q=a&sort=newest&page=2").await;
    assert!(second.contains(r#"href="/?q=a&amp;sort=newest#explore""#));
    assert!(second.contains("Page 2 of 2"));
    assert!(second.contains("Cause 09"), "the oldest is last");

    let (_, home) = html(&app, "/").await;
    assert!(
        home.contains("<title>Support creators and causes, one charge a month · Chipin</title>")
    );
    assert!(home.contains(r#"<meta name="description" content="Tips and monthly pledges"#));
    assert!(home.contains(r#"<meta property="og:type" content="website""#));
    assert!(home.contains(&format!(
        r#"<meta property="og:url" content="{}/""#,
        app.base
    )));
    assert_eq!(
        home.matches(r#"name="description""#).count(),
        1,
        "one description"
    );
}

/// A creator "mara" with a $15.00 monthly goal, a $5 tier limited to 3 places and an
/// unlimited $10 tier, supported publicly, anonymously, privately, and by a paused pledge.
async fn mara(state: &AppState) -> (i64, i64, i64) {
    let db = &state.db;
    let mara = page_of(db, "creator", "mara", "Mara Draws", "Art", Some(1500), 0).await;
    sqlx::query("update recipients set image_url = '/demo/mara-draws.svg', bio_md = 'I **paint** birds.' where id = $1")
        .bind(mara)
        .execute(db.pool())
        .await
        .unwrap();
    let small = tier(db, mara, 500, Some(3)).await;
    let big = tier(db, mara, 1000, None).await;
    let (ann, bo, cy, dee) = (
        user(db, "Annika").await,
        user(db, "Bohdan").await,
        user(db, "Cyrille").await,
        user(db, "Dagny").await,
    );
    raw_pledge(db, ann, mara, Some(small), 500, "active", "public").await;
    raw_pledge(db, bo, mara, Some(small), 500, "past_due", "anonymous").await;
    raw_pledge(db, cy, mara, Some(big), 1000, "active", "private").await;
    raw_pledge(db, dee, mara, Some(small), 500, "paused", "public").await;
    (mara, small, big)
}

async fn tip_with(
    state: &AppState,
    who: i64,
    to: i64,
    amount: &str,
    message: &str,
    visibility: &str,
) {
    pledges::create_tip(
        state,
        who,
        NewTip {
            recipient_id: to,
            amount,
            message,
            visibility,
            budget_line: "",
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_creator_page_shows_places_left_goal_progress_and_only_who_may_be_named() {
    let app = spawn_app().await;
    let (mara_id, small, big) = mara(&app.state).await;
    let db = &app.state.db;
    let (eve, fay, gus) = (
        user(db, "Evander").await,
        user(db, "Fenella").await,
        user(db, "Gulliver").await,
    );
    tip_with(&app.state, eve, mara_id, "3", "Lovely herons", "public").await;
    tip_with(
        &app.state,
        fay,
        mara_id,
        "2",
        "From a quiet fan",
        "anonymous",
    )
    .await;
    tip_with(&app.state, gus, mara_id, "4", "Secret thanks", "private").await;
    assert!(
        page(&app, "mara").await.recent_tips.is_empty(),
        "a tip's message shows only once the tip is paid"
    );
    for fan in [eve, fay, gus] {
        card(&app.state, fan, methods::SUCCEEDS, 10).await;
    }
    run_billing_with(
        &app,
        &SimulatedProcessor::new(),
        &BillingConfig::default(),
        date("2026-11-10"),
    )
    .await;

    let p = page(&app, "mara").await;
    assert_eq!(p.supporters, 3, "active and past due; not paused");
    assert_eq!(p.monthly_minor, 2000);
    assert_eq!(p.goal_minor, Some(1500));
    assert_eq!(percent_of(p.monthly_minor, 1500), 100, "capped at 100%");
    let places: Vec<(i64, Option<i64>)> = p.tiers.iter().map(|t| (t.id, t.remaining)).collect();
    assert_eq!(
        places,
        [(small, Some(0)), (big, None)],
        "active, past due and paused pledges each hold one of the 3 places"
    );
    let named: Vec<Option<&str>> = p
        .recent_supporters
        .iter()
        .map(|s| s.name.as_deref())
        .collect();
    assert_eq!(named.len(), 2, "the private supporter is not listed");
    assert!(named.contains(&Some("Annika")) && named.contains(&None));
    let tips: Vec<(Option<&str>, &str)> = p
        .recent_tips
        .iter()
        .map(|t| (t.name.as_deref(), t.message.as_str()))
        .collect();
    assert_eq!(tips.len(), 2);
    assert!(tips.contains(&(Some("Evander"), "Lovely herons")));
    assert!(tips.contains(&(None, "From a quiet fan")));
    assert!(p.ledger.is_none(), "creators have no public ledger");

    let (status, body) = html(&app, "/c/mara").await;
    assert_eq!(status, 200);
    for private in ["Cyrille", "Gulliver", "Secret thanks", "Bohdan", "Fenella"] {
        assert!(!body.contains(private), "{private} must not appear");
    }
    assert!(body.contains("Annika") && body.contains("Evander") && body.contains("Anonymous"));
    assert!(body.contains("Full: all 3 places taken"));
    assert!(body.contains(
        r#"<progress id="goal-progress" max="100" value="100" aria-labelledby="goal-progress-label" aria-valuetext="$20.00 of $15.00 monthly goal pledged (100%)""#
    ));
    assert!(body.contains("$20.00"));
    assert!(body.contains("3 supporters"));
    assert!(
        body.contains("<strong>paint</strong>"),
        "the bio is rendered Markdown"
    );
    assert!(body.contains(r#"alt="Picture of Mara Draws""#));
    assert!(body.contains("<title>Mara Draws · Chipin</title>"));
    assert!(body.contains(r#"<meta property="og:title" content="Mara Draws""#));
    assert!(body.contains(r#"<meta property="og:description" content="A tagline""#));
    assert!(body.contains(r#"<meta property="og:type" content="profile""#));
    assert!(body.contains(&format!(
        r#"<meta property="og:url" content="{}/c/mara""#,
        app.base
    )));
    assert!(body.contains(&format!(
        r#"<meta property="og:image" content="{}/demo/mara-draws.svg""#,
        app.base
    )));
}

#[tokio::test]
async fn a_cause_page_shows_its_target_organizer_deadline_and_ledger_of_money_received() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let cause = page_of(
        db,
        "cause",
        "library",
        "Riverside Library",
        "Community",
        Some(10_000),
        0,
    )
    .await;
    sqlx::query("update recipients set deadline = $1 where id = $2")
        .bind(1_798_761_600_i64) // 1 January 2027
        .bind(cause)
        .execute(db.pool())
        .await
        .unwrap();
    let (hal, ivy, jon) = (
        user(db, "Halvard").await,
        user(db, "Ivy").await,
        user(db, "Jonquil").await,
    );
    tip_with(&app.state, hal, cause, "20", "For Sundays", "public").await;
    tip_with(&app.state, ivy, cause, "10", "", "anonymous").await;
    tip(&app.state, jon, cause, "5").await;
    sqlx::query("update tips set visibility = 'private' where supporter_id = $1")
        .bind(jon)
        .execute(db.pool())
        .await
        .unwrap();

    let before = page(&app, "library").await;
    let ledger = before.ledger.expect("causes have a ledger");
    assert_eq!(
        (ledger.income_count, ledger.net_minor),
        (0, 0),
        "nothing collected yet"
    );

    for fan in [hal, ivy, jon] {
        card(&app.state, fan, methods::SUCCEEDS, 10).await;
    }
    run_billing_with(
        &app,
        &SimulatedProcessor::new(),
        &BillingConfig::default(),
        date("2026-11-10"),
    )
    .await;

    let p = page(&app, "library").await;
    assert_eq!(p.owner_name, "owner-library");
    assert_eq!(p.deadline_label.as_deref(), Some("1 Jan 2027"));
    let l = p.ledger.expect("causes have a ledger");
    assert_eq!(l.income_count, 3);
    assert_eq!(l.gross_minor, 3500);
    // Each tip is charged alone: 2.9% + 30¢ of $20, $10 and $5 is 88¢ + 59¢ + 45¢.
    assert_eq!(l.fees_minor, 88 + 59 + 45);
    assert_eq!(l.net_minor, 3500 - 192);
    assert_eq!(
        l.income.iter().map(|i| i.net_minor).sum::<i64>(),
        l.net_minor
    );
    let donors: Vec<Option<&str>> = l.income.iter().map(|i| i.donor.as_deref()).collect();
    assert_eq!(
        donors.iter().filter(|d| d.is_none()).count(),
        2,
        "anonymous and private"
    );
    assert!(donors.contains(&Some("Halvard")));
    assert!(l.income.iter().all(|i| i.is_tip));

    let (_, body) = html(&app, "/c/library").await;
    assert!(!body.contains("Jonquil") && !body.contains("Ivy"));
    assert!(body.contains("Organized by"));
    assert!(body.contains("Ends 1 Jan 2027"));
    assert!(
        body.contains("Public ledger") && body.contains("Money in") && body.contains("Money out")
    );
    assert!(body.contains("Total (3 donations)"));
    assert!(body.contains("$33.08"), "net received");
    assert!(body.contains(&format!(
        r#"max="100" value="{}""#,
        percent_of(3308, 10_000)
    )));
    assert!(body.contains("target raised, after card fees"));
}

#[tokio::test]
async fn every_page_has_a_title_description_and_open_graph_tags() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/login",
        "/signup",
        "/forgot-password",
        "/no-such-page",
        "/c/nobody",
    ] {
        let (_, body) = html(&app, path).await;
        assert!(body.contains("<title>"), "{path}");
        assert_eq!(
            body.matches(r#"<meta name="description""#).count(),
            1,
            "{path}"
        );
        for tag in ["og:title", "og:description", "og:type", "og:url"] {
            assert!(
                body.contains(&format!(r#"property="{tag}""#)),
                "{path}: {tag}"
            );
        }
    }
}
