//! The supporter side of the website through its server functions and pages: pledging,
//! tipping, the fee preview, the billing dashboard before and after a billing run, who may
//! touch which pledge, and what bad input gets.

use crate::helpers::{Answer, TestApp, date, run_billing, spawn_app, spawn_app_with, user_id};
use crate::population::{recipient, scalar, tier};
use app::model::{
    BillingDashboard, ChargeStatus, DeclineReason, DonationPreview, DonationStatus, PledgeStatus,
};

fn json<T: serde::de::DeserializeOwned>(a: &Answer) -> T {
    assert_eq!(a.status, 200, "{a:?}");
    serde_json::from_str(&a.body).unwrap_or_else(|e| panic!("{e}: {}", a.body))
}

async fn dashboard(app: &TestApp) -> BillingDashboard {
    json(&app.call("billing_dashboard", &[]).await)
}

async fn preview(app: &TestApp, slug: &str, amount: &str) -> DonationPreview {
    json(
        &app.call("preview_donation", &[("slug", slug), ("amount", amount)])
            .await,
    )
}

fn assert_redirect(a: &Answer, to: &str) {
    assert!(
        a.status < 400 && a.location.as_deref() == Some(to),
        "expected a redirect to {to}: {a:?}"
    );
}

fn assert_field_error(a: &Answer, field: &str) {
    assert_eq!(a.status, 400, "{a:?}");
    assert_eq!(a.error_kind(), "invalid", "{a:?}");
    assert_eq!(a.error_field().as_deref(), Some(field), "{a:?}");
    assert!(!a.error_message().is_empty());
}

/// A creator "mara" (USD, one $7 tier) and a cause "library" (USD); returns the tier id.
async fn two_usd_pages(app: &TestApp) -> i64 {
    let db = &app.state.db;
    let mara = recipient(db, "mara", "USD").await;
    recipient(db, "library", "USD").await;
    tier(db, mara, 700, None).await
}

#[tokio::test]
async fn a_pledge_and_a_tip_become_one_upcoming_charge_and_then_one_past_charge_split_exactly() {
    let app = spawn_app().await;
    let tier_id = two_usd_pages(&app).await.to_string();
    app.sign_up_and_log_in("fan@example.org", "Fan").await;

    // Before giving anything, a $2 tip would be charged alone.
    let p = preview(&app, "library", "2").await;
    assert_eq!(p.amount_minor, 200);
    assert_eq!(p.charge.items.len(), 1);
    assert!(p.charge.items[0].is_new);
    assert_eq!(
        p.charge.estimated_fee_minor, 36,
        "2.9% of $2 is 5.8¢ → 6¢, plus 30¢"
    );
    assert_eq!((p.share_minor, p.alone_fee_minor), (36, 36));
    assert_eq!(p.fee_rule, "2.9% + $0.30");

    let a = app
        .call(
            "create_pledge",
            &[
                ("slug", "mara"),
                ("tier_id", &tier_id),
                ("visibility", "public"),
            ],
        )
        .await;
    assert_redirect(&a, "/account/billing?added=pledge");
    let a = app
        .call(
            "create_tip",
            &[
                ("slug", "library"),
                ("amount", "2"),
                ("message", "Keep the doors open"),
                ("visibility", "anonymous"),
            ],
        )
        .await;
    assert_redirect(&a, "/account/billing?added=tip");
    let db = &app.state.db;
    assert_eq!(
        scalar(
            db,
            "select amount_minor from pledges where tier_id is not null"
        )
        .await,
        700,
        "a tier pledge is for the tier's price"
    );
    assert_eq!(scalar(db, "select amount_minor from tips").await, 200);

    // A further $1 joins the same charge: it bears a sliver of one fee, not 33¢ of its own.
    let p = preview(&app, "library", "1").await;
    let amounts: Vec<i64> = p.charge.items.iter().map(|i| i.amount_minor).collect();
    assert_eq!(
        amounts,
        vec![200, 700, 100],
        "pending tip, pledge period, new gift"
    );
    assert_eq!(p.charge.total_minor, 1000);
    assert_eq!(p.charge.estimated_fee_minor, 59);
    // 59¢ pro rata to 200/700/100 is 11.8, 41.3, 5.9: largest remainders round to 12, 41, 6.
    assert_eq!(p.share_minor, 6);
    assert_eq!(p.alone_fee_minor, 33);

    let d = dashboard(&app).await;
    assert_eq!(d.upcoming.len(), 1, "one charge for one currency");
    let next = &d.upcoming[0];
    assert_eq!(next.currency, "USD");
    assert_eq!(next.items.len(), 2);
    assert_eq!(next.total_minor, 900);
    assert_eq!(next.estimated_fee_minor, 56);
    assert!(!next.will_carry_forward);
    assert_eq!(d.pledges.len(), 1);
    assert_eq!(d.pledges[0].status, PledgeStatus::Active);
    assert!(d.past.is_empty() && d.attention.is_none());
    let recent = d.recent.expect("the tip is the newest gift");
    assert!(!recent.is_pledge);
    assert_eq!(recent.collect_label, next.date_label);
    let page = app
        .get("/account/billing?added=tip")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Your tip of $2.00 to library will be collected on"));
    assert!(page.contains("USD charge on"));

    let a = app
        .call("set_payment_method", &[("payment_method", "pm_card_visa")])
        .await;
    assert_redirect(&a, "/account/billing?saved=payment_method#payment-method");
    let a = app.call("set_billing_day", &[("billing_day", "5")]).await;
    assert_redirect(&a, "/account/billing?saved=billing_day#billing-day");
    let summary = run_billing(&app, date("2026-11-05")).await;
    assert_eq!(summary.charges_succeeded, 1);

    let d = dashboard(&app).await;
    assert_eq!(d.billing_day, Some(5));
    assert_eq!(d.payment_method.as_deref(), Some("pm_card_visa"));
    assert_eq!(d.past.len(), 1, "one charge for both donations");
    let charge = &d.past[0];
    assert_eq!(charge.status, ChargeStatus::Succeeded);
    assert_eq!(charge.amount_minor, 900);
    assert_eq!(charge.cycle, "2026-11");
    let fee = charge.fee_minor.expect("a succeeded charge has a fee");
    assert_eq!(fee, 56);
    assert_eq!(charge.donations.len(), 2);
    let shares: i64 = charge.donations.iter().map(|d| d.fee_minor.unwrap()).sum();
    assert_eq!(shares, fee, "fee shares add up to the fee");
    for donation in &charge.donations {
        assert_eq!(donation.status, DonationStatus::Paid);
        assert_eq!(
            donation.gross_minor,
            donation.fee_minor.unwrap()
                + donation.platform_fee_minor.unwrap()
                + donation.net_minor.unwrap()
        );
    }
    assert!(d.attention.is_none());
    // Next time only the pledge's next month is due.
    assert_eq!(d.upcoming.len(), 1);
    assert_eq!(d.upcoming[0].total_minor, 700);
}

#[tokio::test]
async fn a_failed_charge_shows_a_banner_that_leads_to_the_payment_method() {
    let app = spawn_app().await;
    two_usd_pages(&app).await;
    app.sign_up_and_log_in("fan@example.org", "Fan").await;
    app.call(
        "create_tip",
        &[
            ("slug", "library"),
            ("amount", "3"),
            ("visibility", "public"),
        ],
    )
    .await;
    app.call(
        "set_payment_method",
        &[("payment_method", "pm_card_chargeDeclinedInsufficientFunds")],
    )
    .await;
    app.call("set_billing_day", &[("billing_day", "1")]).await;
    run_billing(&app, date("2026-11-01")).await;
    let d = dashboard(&app).await;
    let failed = d.attention.expect("the latest charge failed");
    assert_eq!(failed.status, ChargeStatus::Failed);
    assert_eq!(
        failed.decline_reason,
        Some(DeclineReason::InsufficientFunds)
    );
    assert!(failed.next_retry_day.is_some());
    assert_eq!(failed.donations[0].status, DonationStatus::Charging);
    let page = app.get("/account/billing").await.text().await.unwrap();
    assert!(page.contains("failed. The card has insufficient funds."));
    assert!(page.contains(r##"href="#payment-method""##));
}

#[tokio::test]
async fn nobody_can_change_pause_resume_or_cancel_someone_elses_pledge() {
    let mut app = spawn_app().await;
    two_usd_pages(&app).await;
    app.sign_up_and_log_in("ann@example.org", "Ann").await;
    app.call(
        "create_pledge",
        &[
            ("slug", "mara"),
            ("tier_id", "custom"),
            ("amount", "5"),
            ("visibility", "public"),
        ],
    )
    .await;
    let pledge = scalar(&app.state.db, "select id from pledges")
        .await
        .to_string();
    let a = app.call("pause_pledge", &[("pledge_id", &pledge)]).await;
    assert_redirect(&a, "/account/billing?done=paused#pledges");

    app.new_browser();
    app.sign_up_and_log_in("bob@example.org", "Bob").await;
    for (function, extra) in [
        ("change_pledge_amount", Some(("amount", "1"))),
        ("pause_pledge", None),
        ("resume_pledge", None),
        ("cancel_pledge", None),
    ] {
        let mut fields = vec![("pledge_id", pledge.as_str())];
        fields.extend(extra);
        let a = app.call(function, &fields).await;
        assert_eq!(a.status, 404, "{function}: {a:?}");
        assert_eq!(a.error_kind(), "not_found", "{function}");
    }
    let (amount, status): (i64, String) =
        sqlx::query_as("select amount_minor, status from pledges")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(
        (amount, status.as_str()),
        (500, "paused"),
        "nothing changed"
    );
    assert!(
        dashboard(&app).await.pledges.is_empty(),
        "Bob sees only his own"
    );

    // Ann herself can resume, change and cancel.
    app.new_browser();
    app.call(
        "log_in",
        &[
            ("email", "ann@example.org"),
            ("password", crate::helpers::PASSWORD),
        ],
    )
    .await;
    for (function, extra, done) in [
        ("resume_pledge", None, "resumed"),
        ("change_pledge_amount", Some(("amount", "6.50")), "changed"),
        ("cancel_pledge", None, "cancelled"),
    ] {
        let mut fields = vec![("pledge_id", pledge.as_str())];
        fields.extend(extra);
        let a = app.call(function, &fields).await;
        assert_redirect(&a, &format!("/account/billing?done={done}#pledges"));
    }
    let d = dashboard(&app).await;
    assert_eq!(d.pledges[0].status, PledgeStatus::Cancelled);
    assert_eq!(d.pledges[0].amount_minor, 650);
    assert!(d.upcoming.is_empty(), "a cancelled pledge adds nothing");
}

#[tokio::test]
async fn visitors_are_refused_by_every_supporter_function_and_sent_to_log_in() {
    let app = spawn_app().await;
    two_usd_pages(&app).await;
    let calls: &[(&str, &[(&str, &str)])] = &[
        ("give_context", &[("slug", "mara")]),
        ("preview_donation", &[("slug", "mara"), ("amount", "5")]),
        ("billing_dashboard", &[]),
        (
            "create_pledge",
            &[("slug", "mara"), ("amount", "5"), ("visibility", "public")],
        ),
        (
            "create_tip",
            &[("slug", "mara"), ("amount", "5"), ("visibility", "public")],
        ),
        (
            "change_pledge_amount",
            &[("pledge_id", "1"), ("amount", "5")],
        ),
        ("pause_pledge", &[("pledge_id", "1")]),
        ("resume_pledge", &[("pledge_id", "1")]),
        ("cancel_pledge", &[("pledge_id", "1")]),
        ("set_billing_day", &[("billing_day", "3")]),
        ("set_payment_method", &[("payment_method", "pm_card_visa")]),
    ];
    for (function, fields) in calls {
        let a = app.call(function, fields).await;
        assert_eq!(a.status, 401, "{function}: {a:?}");
        assert_eq!(a.error_kind(), "unauthenticated", "{function}");
    }
    for table in ["pledges", "tips", "billing_profiles"] {
        assert_eq!(app.count(table).await, 0, "{table}");
    }
    let res = app.get("/account/billing").await;
    assert_eq!(
        res.headers()["location"],
        "/login?next=/account/billing",
        "the billing page sends visitors to log in"
    );
    let page = app.get("/c/mara").await.text().await.unwrap();
    assert!(page.contains(r#"href="/login?next=/c/mara""#));
    assert!(!page.contains(r#"action="/api/create_pledge""#));
}

#[tokio::test]
async fn bad_input_names_the_field_and_stores_nothing() {
    let app = spawn_app().await;
    let tier_id = two_usd_pages(&app).await.to_string();
    app.sign_up_and_log_in("fan@example.org", "Fan").await;
    for amount in ["0", "-1", "1.005", "abc", "", "99999999999"] {
        let a = app
            .call(
                "create_pledge",
                &[
                    ("slug", "mara"),
                    ("tier_id", "custom"),
                    ("amount", amount),
                    ("visibility", "public"),
                ],
            )
            .await;
        assert_field_error(&a, "amount");
        let a = app
            .call(
                "create_tip",
                &[
                    ("slug", "library"),
                    ("amount", amount),
                    ("visibility", "public"),
                ],
            )
            .await;
        assert_field_error(&a, "amount");
        let a = app
            .call(
                "preview_donation",
                &[("slug", "library"), ("amount", amount)],
            )
            .await;
        assert_field_error(&a, "amount");
    }
    let long = "x".repeat(501);
    let a = app
        .call(
            "create_tip",
            &[
                ("slug", "library"),
                ("amount", "2"),
                ("message", &long),
                ("visibility", "public"),
            ],
        )
        .await;
    assert_field_error(&a, "message");
    let a = app
        .call(
            "create_tip",
            &[
                ("slug", "library"),
                ("amount", "2"),
                ("visibility", "everyone"),
            ],
        )
        .await;
    assert_field_error(&a, "visibility");
    for bad_tier in ["999999", "first", "-3"] {
        let a = app
            .call(
                "create_pledge",
                &[
                    ("slug", "mara"),
                    ("tier_id", bad_tier),
                    ("visibility", "public"),
                ],
            )
            .await;
        assert_field_error(&a, "tier_id");
    }
    let a = app
        .call(
            "create_pledge",
            &[("slug", "mara"), ("visibility", "public")],
        )
        .await;
    assert_field_error(&a, "tier_id");
    for day in ["29", "0", "-1", "abc", ""] {
        let a = app.call("set_billing_day", &[("billing_day", day)]).await;
        assert_field_error(&a, "billing_day");
    }
    for method in ["", "pm card; drop table"] {
        let a = app
            .call("set_payment_method", &[("payment_method", method)])
            .await;
        assert_field_error(&a, "payment_method");
    }
    let a = app
        .call(
            "create_tip",
            &[
                ("slug", "nobody"),
                ("amount", "2"),
                ("visibility", "public"),
            ],
        )
        .await;
    assert_eq!(a.status, 404, "{a:?}");
    for table in ["pledges", "tips", "donation_items", "billing_profiles"] {
        assert_eq!(app.count(table).await, 0, "{table}");
    }

    // A pledge's amount cannot be changed to nonsense either, nor below its tier's price.
    app.call(
        "create_pledge",
        &[
            ("slug", "mara"),
            ("tier_id", &tier_id),
            ("visibility", "private"),
        ],
    )
    .await;
    let pledge = scalar(&app.state.db, "select id from pledges")
        .await
        .to_string();
    for amount in ["0", "-1", "1.005", "abc", "6.99"] {
        let a = app
            .call(
                "change_pledge_amount",
                &[("pledge_id", &pledge), ("amount", amount)],
            )
            .await;
        assert_field_error(&a, "amount");
    }
    assert_eq!(
        scalar(&app.state.db, "select amount_minor from pledges").await,
        700
    );
    let a = app
        .call(
            "create_pledge",
            &[
                ("slug", "mara"),
                ("tier_id", "custom"),
                ("amount", "3"),
                ("visibility", "public"),
            ],
        )
        .await;
    assert_eq!(
        a.error_kind(),
        "rejected",
        "one open pledge per page: {a:?}"
    );
    assert_eq!(app.count("pledges").await, 1);
}

#[tokio::test]
async fn owners_see_their_page_as_theirs_and_cannot_support_it() {
    let app = spawn_app().await;
    app.sign_up_and_log_in("mara@example.org", "Mara").await;
    let owner = user_id(&app, "mara@example.org").await;
    sqlx::query(
        "insert into recipients (kind, owner_user_id, slug, name, category, currency, created_at) \
         values ('creator', $1, 'mara', 'Mara Draws', 'Art', 'USD', 0)",
    )
    .bind(owner)
    .execute(app.state.db.pool())
    .await
    .unwrap();
    let page = app.get("/c/mara").await.text().await.unwrap();
    assert!(page.contains("This is your page"));
    assert!(!page.contains(r#"action="/api/create_tip""#));
    let a = app
        .call(
            "create_tip",
            &[("slug", "mara"), ("amount", "2"), ("visibility", "public")],
        )
        .await;
    assert_eq!(a.status, 400);
    assert_eq!(a.error_message(), "You cannot support your own page.");
    assert_eq!(app.count("tips").await, 0);
}

#[tokio::test]
async fn the_forms_work_as_plain_posts_and_preview_their_fee_without_a_second_form() {
    let app = spawn_app().await;
    two_usd_pages(&app).await;
    app.sign_up_and_log_in("fan@example.org", "Fan").await;

    let page = app.get("/c/mara").await.text().await.unwrap();
    assert!(page.contains(r#"action="/api/create_pledge""#));
    assert!(page.contains(r#"action="/api/create_tip""#));
    // The fee preview is a button of each give form, not a form asking for the amount again.
    assert_eq!(
        page.matches(r#"formaction="/give/preview""#).count(),
        2,
        "a Preview fee button in the pledge and the tip form"
    );
    assert!(!page.contains(r#"method="get" action="/c/mara"#));
    let page = app
        .get("/c/library?amount=1.50")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("This donation"),
        "the old preview address previews nothing"
    );

    // A refused post returns to the form with the message.
    let a = app
        .submit_form(
            "create_tip",
            &[
                ("slug", "library"),
                ("amount", "1.005"),
                ("visibility", "public"),
            ],
            "/c/library",
        )
        .await;
    assert_eq!(a.status, 302);
    let back = a.location.unwrap();
    // The error waits server-side for the next page load: nothing of it is in the address.
    assert_eq!(back, app.url("/c/library"));
    let page = app
        .client
        .get(&back)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("USD amounts can have at most 2 decimal places."));
    assert!(page.contains(r#"id="tip-amount-error""#));

    let a = app
        .submit_form(
            "create_pledge",
            &[
                ("slug", "mara"),
                ("tier_id", "custom"),
                ("amount", "4"),
                ("visibility", "anonymous"),
            ],
            "/c/mara",
        )
        .await;
    assert_redirect(&a, "/account/billing?added=pledge");
    let page = app
        .get("/account/billing?added=pledge")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Your monthly pledge of $4.00 to mara is set up."));
    let page = app.get("/c/mara").await.text().await.unwrap();
    assert!(
        page.contains("Your monthly pledge"),
        "no second pledge form"
    );
    assert!(!page.contains(r#"action="/api/create_pledge""#));

    let a = app
        .submit_form(
            "set_billing_day",
            &[("billing_day", "29")],
            "/account/billing",
        )
        .await;
    let back = a.location.unwrap();
    let page = app
        .client
        .get(&back)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Choose a day from 1 to 28."));
}

/// A public page is served from memory for a while, and the first write through the site
/// drops it: what the command line or another process changes waits for the entry to expire,
/// what a request changes shows on the next view.
#[tokio::test]
async fn a_public_page_kept_in_memory_outlives_private_writes_and_is_dropped_by_a_public_one() {
    let mut app = spawn_app_with(&[("PAGE_CACHE_SECS", "600")]).await;
    two_usd_pages(&app).await;
    async fn view(app: &TestApp) -> String {
        let res = app.get("/c/mara").await;
        assert_eq!(res.status(), 200);
        res.text().await.unwrap()
    }
    assert!(!view(&app).await.contains("Mara Renamed Elsewhere"));

    sqlx::query("update recipients set name = 'Mara Renamed Elsewhere' where slug = 'mara'")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    assert!(
        !view(&app).await.contains("Mara Renamed Elsewhere"),
        "a change outside the site waits for the kept page to expire"
    );

    // Signing up and in changes nothing the public sees (more in `page_cache`).
    app.sign_up_and_log_in("fan@example.org", "Fan").await;
    app.new_browser();
    assert!(!view(&app).await.contains("Mara Renamed Elsewhere"));
    // The owner renaming a tier does.
    let (tier,): (i64,) = sqlx::query_as("select min(t.id) from tiers t join recipients r on r.id = t.recipient_id where r.slug = 'mara'")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let (owner,): (i64,) =
        sqlx::query_as("select owner_user_id from recipients where slug = 'mara'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    app::domain::recipients::tiers::update_tier(
        &app.state.db,
        owner,
        tier,
        app::domain::recipients::NewTier {
            name: "Renamed tier",
            price: "7",
            description: "",
            perks: "",
            supporter_limit: "",
        },
    )
    .await
    .unwrap();
    assert!(view(&app).await.contains("Mara Renamed Elsewhere"));
}

#[tokio::test]
async fn the_bundle_and_styles_are_compressed_and_pages_never_are() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    let css = ".card { padding: 1rem; border-radius: 12px; }\n".repeat(400);
    std::fs::write(site.path().join("pkg/chipin.css"), &css).unwrap();
    let app = spawn_app_with(&[("LEPTOS_SITE_ROOT", site.path().to_str().unwrap())]).await;
    let get = |path: &str, accept: &str| {
        app.client
            .get(app.url(path))
            .header("accept-encoding", accept)
            .send()
    };

    let res = get("/pkg/chipin.css", "gzip").await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let body = res.bytes().await.unwrap();
    assert_eq!(&body[..2], &[0x1f, 0x8b], "a gzip stream");
    assert!(
        body.len() * 10 < css.len(),
        "{} of {}",
        body.len(),
        css.len()
    );
    let res = get("/pkg/chipin.css", "br;q=1, gzip;q=0.5").await.unwrap();
    assert_eq!(res.headers()["content-encoding"], "br");
    // A client that asks for nothing gets the file as it is.
    let res = get("/pkg/chipin.css", "identity").await.unwrap();
    assert!(res.headers().get("content-encoding").is_none());
    assert_eq!(res.text().await.unwrap(), css);

    // Pages carry the CSRF token beside what visitors type: never compressed (BREACH).
    app.sign_up_and_log_in("fan@example.org", "Fan").await;
    for path in ["/", "/account", "/login?next=/account"] {
        let res = get(path, "br, gzip").await.unwrap();
        assert!(
            res.headers().get("content-encoding").is_none(),
            "{path}: {:?}",
            res.headers()
        );
        assert!(res.text().await.unwrap().contains("csrf_token"), "{path}");
    }
}
