//! The creator studio through its server functions, forms and upload: creating and editing a
//! page, taken addresses, image checks, tiers that move and retire without touching existing
//! pledges, who can read which post, and other people's ids refused everywhere.

use crate::helpers::{Answer, TestApp, spawn_app};
use app::model::studio::{PostView, StudioPage};

fn json<T: serde::de::DeserializeOwned>(a: &Answer) -> T {
    assert_eq!(a.status, 200, "{a:?}");
    serde_json::from_str(&a.body).unwrap_or_else(|e| panic!("{e}: {}", a.body))
}

fn assert_field_error(a: &Answer, field: &str) {
    assert_eq!(a.status, 400, "{a:?}");
    assert_eq!(a.error_kind(), "invalid", "{a:?}");
    assert_eq!(a.error_field().as_deref(), Some(field), "{a:?}");
    assert!(!a.error_message().is_empty());
}

fn assert_not_found(a: &Answer) {
    assert_eq!(a.status, 404, "{a:?}");
    assert_eq!(a.error_kind(), "not_found", "{a:?}");
}

/// The page id in a redirect to `/studio/p/{id}…`.
fn page_id(a: &Answer) -> i64 {
    let to = a
        .location
        .as_deref()
        .unwrap_or_else(|| panic!("no redirect: {a:?}"));
    let rest = to
        .strip_prefix("/studio/p/")
        .unwrap_or_else(|| panic!("not a studio page: {to}"));
    rest.split(['?', '#', '/']).next().unwrap().parse().unwrap()
}

/// Creates a creator page as the logged-in user; returns its id.
async fn create_page(app: &TestApp, slug: &str) -> i64 {
    let a = app
        .call(
            "studio/create_page",
            &[
                ("kind", "creator"),
                ("slug", slug),
                ("name", "Mara Draws"),
                ("tagline", "Comics about cats"),
                ("category", "Art"),
                ("currency", "USD"),
                ("goal", "500"),
                ("bio", "I draw **comics**."),
            ],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    page_id(&a)
}

async fn create_tier(app: &TestApp, page: i64, name: &str, price: &str) -> i64 {
    let page = page.to_string();
    let a = app
        .call(
            "studio/create_tier",
            &[
                ("recipient_id", &page),
                ("name", name),
                ("price", price),
                ("description", "Thanks"),
                ("perks", "Early access\nSketches"),
                ("supporter_limit", ""),
            ],
        )
        .await;
    assert_eq!(
        a.location.as_deref(),
        Some(format!("/studio/p/{page}?saved=tier#tiers").as_str()),
        "{a:?}"
    );
    let (id,): (i64,) = sqlx::query_as("select max(id) from tiers")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    id
}

async fn studio_page(app: &TestApp, page: i64) -> StudioPage {
    json(
        &app.call("studio/page", &[("recipient_id", &page.to_string())])
            .await,
    )
}

async fn text(app: &TestApp, path: &str) -> String {
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.unwrap()
}

#[tokio::test]
async fn an_owner_creates_and_edits_a_page_with_a_previewed_bio_and_taken_addresses_are_refused() {
    let mut app = spawn_app().await;
    app.sign_up_and_log_in("mara@example.org", "Mara").await;

    // Without WebAssembly: a plain form post, then a redirect into the studio.
    let a = app
        .submit_form(
            "studio/create_page",
            &[
                ("kind", "cause"),
                ("slug", "Library-Roof"),
                ("name", "Fix the library roof"),
                ("tagline", "Keep the books dry"),
                ("category", "Community"),
                ("currency", "EUR"),
                // A euro amount written the continental way.
                ("goal", "12.000,00"),
                ("deadline", "2199-06-30"),
                ("bio", "We need **new tiles**.\n\n<script>alert(1)</script>"),
            ],
            "/studio/new",
        )
        .await;
    assert_eq!(a.status, 302, "{a:?}");
    let id = page_id(&a);
    let page = studio_page(&app, id).await;
    assert_eq!(page.slug, "library-roof");
    assert_eq!(page.currency, "EUR");
    assert_eq!(page.goal, "12000.00");
    assert_eq!(page.deadline, "2199-06-30");
    assert_eq!(page.tagline, "Keep the books dry");
    let studio = text(&app, &format!("/studio/p/{id}?saved=created")).await;
    assert!(studio.contains("Your page is live."));
    let public = text(&app, "/c/library-roof").await;
    assert!(public.contains("<strong>new tiles</strong>"));
    assert!(!public.contains("<script>alert(1)"));
    let listed = text(&app, "/studio").await;
    assert!(listed.contains("Fix the library roof"));

    // The preview renders what was typed, sanitised, and saves nothing.
    let preview = preview(
        &app,
        &format!("/studio/p/{id}"),
        &[
            ("recipient_id", &id.to_string()),
            ("slug", "library-roof"),
            ("name", "Draft name"),
            ("category", "Community"),
            ("bio", "**bold** <img src=x onerror=alert(1)>"),
        ],
    )
    .await;
    let rendered = preview
        .split(r#"id="bio-preview""#)
        .nth(1)
        .expect("a preview");
    assert!(rendered.contains("<strong>bold</strong>"), "{rendered}");
    assert!(!rendered.contains("onerror"), "{rendered}");
    assert!(preview.contains(r#"value="Draft name""#));
    assert_eq!(studio_page(&app, id).await.name, "Fix the library roof");

    // Bad fields are named and store nothing.
    let before = app.count("recipients").await;
    for (field, value, error_field) in [
        ("category", "Crypto", "category"),
        ("currency", "BTC", "currency"),
        ("slug", "a b", "slug"),
        ("goal", "-5", "goal"),
        ("tagline", "x\u{7}", "tagline"),
        ("slug", "library-roof", "slug"),
    ] {
        let mut fields = vec![
            ("kind", "creator"),
            ("slug", "another-page"),
            ("name", "Another"),
            ("category", "Art"),
            ("currency", "USD"),
        ];
        fields.retain(|(k, _)| *k != field);
        fields.push((field, value));
        let a = app.call("studio/create_page", &fields).await;
        assert_field_error(&a, error_field);
        if value == "library-roof" {
            assert!(a.error_message().contains("taken"), "{a:?}");
        }
    }
    // On a euro page "1,500" could be one and a half or fifteen hundred: asked, not guessed.
    let a = app
        .call(
            "studio/create_page",
            &[
                ("kind", "creator"),
                ("slug", "another-page"),
                ("name", "Another"),
                ("category", "Art"),
                ("currency", "EUR"),
                ("goal", "1,500"),
            ],
        )
        .await;
    assert_field_error(&a, "goal");
    assert!(
        a.error_message().contains("€1.50") && a.error_message().contains("€1,500.00"),
        "{a:?}"
    );
    assert_eq!(app.count("recipients").await, before);

    // Someone else cannot take the address either.
    app.new_browser();
    app.sign_up_and_log_in("other@example.org", "Other").await;
    let a = app
        .call(
            "studio/create_page",
            &[
                ("kind", "creator"),
                ("slug", "library-roof"),
                ("name", "Squatter"),
                ("category", "Art"),
                ("currency", "USD"),
            ],
        )
        .await;
    assert_field_error(&a, "slug");
    // Without WebAssembly the refused form comes back with the message by its field.
    let a = app
        .submit_form(
            "studio/create_page",
            &[
                ("kind", "creator"),
                ("slug", "library-roof"),
                ("name", "Squatter"),
                ("category", "Art"),
                ("currency", "USD"),
            ],
            "/studio/new",
        )
        .await;
    assert_eq!(a.status, 302, "{a:?}");
    let back = a.location.unwrap();
    // The error and the typed values wait server-side; the address stays clean.
    assert_eq!(back, app.url("/studio/new"));
    let form = app
        .client
        .get(&back)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(form.contains("That address is taken; choose another."));
    assert!(form.contains(r#"id="slug-error""#));
    // Nor see the owner's studio.
    let res = app.get(&format!("/studio/p/{id}")).await;
    assert_eq!(res.status(), 404);
    assert!(!res.text().await.unwrap().contains("Keep the books dry"));
    let other = create_page(&app, "other-page").await;

    // Editing: the owner changes the details; a taken address is refused and changes nothing.
    app.new_browser();
    app.call(
        "log_in",
        &[
            ("email", "mara@example.org"),
            ("password", crate::helpers::PASSWORD),
        ],
    )
    .await;
    let id_s = id.to_string();
    let edit = |slug: &'static str, name: &'static str| {
        [
            ("recipient_id", id_s.clone()),
            ("slug", slug.to_owned()),
            ("name", name.to_owned()),
            ("tagline", "Dry books".to_owned()),
            ("category", "Education".to_owned()),
            ("goal", "15000".to_owned()),
            ("deadline", "".to_owned()),
            ("bio", "Tiles *bought*.".to_owned()),
        ]
    };
    let fields = edit("other-page", "New name");
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let a = app.call("studio/update_page", &refs).await;
    assert_field_error(&a, "slug");
    assert_eq!(studio_page(&app, id).await.name, "Fix the library roof");

    let fields = edit("roof-fund", "Roof fund");
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let a = app.call("studio/update_page", &refs).await;
    assert_eq!(
        a.location.as_deref(),
        Some(format!("/studio/p/{id}?saved=page").as_str()),
        "{a:?}"
    );
    let page = studio_page(&app, id).await;
    assert_eq!(
        (
            page.slug.as_str(),
            page.name.as_str(),
            page.category.as_str(),
            page.goal.as_str(),
            page.deadline.as_str()
        ),
        ("roof-fund", "Roof fund", "Education", "15000.00", "")
    );
    assert_eq!(page.currency, "EUR", "the currency never changes");
    assert!(text(&app, "/c/roof-fund").await.contains("<em>bought</em>"));
    assert_ne!(other, id);
}

/// A tiny valid PNG (1×1, transparent).
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// Posts the upload form like a browser (CSRF token as the first field, before the file).
async fn upload(
    app: &TestApp,
    page: i64,
    file_name: &str,
    bytes: Vec<u8>,
    with_token: bool,
) -> Answer {
    let token = app.csrf().await;
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(file_name.to_owned())
        .mime_str("image/png")
        .unwrap();
    let form = if with_token {
        reqwest::multipart::Form::new().text("csrf_token", token)
    } else {
        reqwest::multipart::Form::new()
    };
    app.post_multipart(&format!("/studio/p/{page}/image"), form.part("image", part))
        .await
}

#[tokio::test]
async fn an_upload_with_its_token_only_in_the_address_or_after_the_file_is_refused() {
    let app = spawn_app().await;
    app.sign_up_and_log_in("mara@example.org", "Mara").await;
    let page = create_page(&app, "mara").await;
    let token = app.csrf().await;
    let part = || {
        reqwest::multipart::Part::bytes(PNG.to_vec())
            .file_name("a.png")
            .mime_str("image/png")
            .unwrap()
    };
    let in_address = app
        .post_multipart(
            &format!("/studio/p/{page}/image?csrf_token={token}"),
            reqwest::multipart::Form::new().part("image", part()),
        )
        .await;
    assert_eq!(in_address.status, 403);
    let after_file = app
        .post_multipart(
            &format!("/studio/p/{page}/image"),
            reqwest::multipart::Form::new()
                .part("image", part())
                .text("csrf_token", token.clone()),
        )
        .await;
    assert_eq!(after_file.status, 403);
    let wrong = app
        .post_multipart(
            &format!("/studio/p/{page}/image"),
            reqwest::multipart::Form::new()
                .text("csrf_token", "x".repeat(43))
                .part("image", part()),
        )
        .await;
    assert_eq!(wrong.status, 403);
    assert_eq!(image_url(&app, page).await, None);
    let first = upload(&app, page, "a.png", PNG.to_vec(), true).await;
    assert!(
        first
            .location
            .as_deref()
            .is_some_and(|l| l.contains("image=saved")),
        "{first:?}"
    );
    assert!(image_url(&app, page).await.is_some());
}

/// Presses an editor's Preview button: the form posts to `/studio/preview` and the browser
/// follows the redirect back to `page`, whose HTML this returns.
async fn preview(app: &TestApp, page: &str, fields: &[(&str, &str)]) -> String {
    let token = app.csrf().await;
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    form.push(("csrf_token", &token));
    form.push(("preview", page));
    let res = app
        .client
        .post(app.url("/studio/preview"))
        .header("origin", &app.base)
        .header("sec-fetch-site", "same-origin")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"].to_str().unwrap(), page);
    text(app, page).await
}

async fn image_url(app: &TestApp, page: i64) -> Option<String> {
    let (url,): (Option<String>,) =
        sqlx::query_as("select image_url from recipients where id = $1")
            .bind(page)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    url
}

#[tokio::test]
async fn uploads_take_real_images_up_to_two_mib_and_serve_them_with_their_type() {
    let mut app = spawn_app().await;
    app.sign_up_and_log_in("mara@example.org", "Mara").await;
    let page = create_page(&app, "mara").await;

    let a = upload(&app, page, "cat.png", PNG.to_vec(), true).await;
    assert_eq!(
        a.location.as_deref(),
        Some(format!("/studio/p/{page}?image=saved#image").as_str()),
        "{a:?}"
    );
    let url = image_url(&app, page).await.expect("an image");
    assert!(url.starts_with("/media/") && url.ends_with(".png"), "{url}");
    let res = app.get(&url).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);
    assert!(
        text(&app, &format!("/studio/p/{page}?image=saved"))
            .await
            .contains(&url)
    );

    // A text file called .png, and anything over 2 MiB, are refused with a reason.
    let refusals = [
        (
            "notes.png",
            b"just some text, honestly".to_vec(),
            "not a PNG",
        ),
        (
            "huge.png",
            {
                let mut big = PNG.to_vec();
                big.resize(2 * 1024 * 1024 + 1, 0);
                big
            },
            "larger than 2 MiB",
        ),
        (
            "huger.png",
            {
                let mut big = PNG.to_vec();
                big.resize(5 * 1024 * 1024, 0);
                big
            },
            "larger than 2 MiB",
        ),
    ];
    for (name, bytes, reason) in refusals {
        let a = upload(&app, page, name, bytes, true).await;
        let to = a.location.clone().unwrap_or_else(|| panic!("{a:?}"));
        assert!(
            to.starts_with(&format!("/studio/p/{page}?image_error=")),
            "{to}"
        );
        let shown = text(&app, to.split('#').next().unwrap()).await;
        assert!(shown.contains(reason), "{name}: {reason}");
        assert_eq!(
            image_url(&app, page).await.as_deref(),
            Some(url.as_str()),
            "{name} changed nothing"
        );
    }

    // A crafted link cannot put its own words on the page.
    let crafted = text(&app, &format!("/studio/p/{page}?image_error=Call+0800+now")).await;
    assert!(!crafted.contains("Call 0800 now"));
    assert!(crafted.contains("The image could not be saved."));

    // No CSRF token, no upload; nothing is served from outside the uploads.
    let a = upload(&app, page, "cat.png", PNG.to_vec(), false).await;
    assert_eq!(a.status, 403);
    for path in [
        "/media/..%2F..%2Fetc%2Fpasswd",
        "/media/cat.png",
        &url.replace(".png", ".gif"),
    ] {
        assert_eq!(app.get(path).await.status(), 404, "{path}");
    }

    // Nor can someone else change the image.
    app.new_browser();
    app.sign_up_and_log_in("other@example.org", "Other").await;
    let a = upload(&app, page, "cat.gif", b"GIF89a-other".to_vec(), true).await;
    assert_eq!(a.status, 404, "{a:?}");
    assert_eq!(image_url(&app, page).await.as_deref(), Some(url.as_str()));
}

#[tokio::test]
async fn tiers_reorder_edit_and_retire_while_existing_pledges_keep_their_terms() {
    let mut app = spawn_app().await;
    app.sign_up_and_log_in("mara@example.org", "Mara").await;
    let page = create_page(&app, "mara").await;
    let bronze = create_tier(&app, page, "Bronze", "3").await;
    let gold = create_tier(&app, page, "Gold", "10").await;
    let a = app
        .call(
            "studio/create_tier",
            &[
                ("recipient_id", &page.to_string()),
                ("name", "Free"),
                ("price", "0"),
            ],
        )
        .await;
    assert_field_error(&a, "price");

    // A supporter with a card pledges at Bronze (only backed pledges are counted).
    app.new_browser();
    app.sign_up_and_log_in("fan@example.org", "Fan").await;
    let a = app
        .call("set_payment_method", &[("payment_method", "pm_card_visa")])
        .await;
    assert!(a.status < 400, "{a:?}");
    let a = app
        .call(
            "create_pledge",
            &[
                ("slug", "mara"),
                ("tier_id", &bronze.to_string()),
                ("visibility", "public"),
            ],
        )
        .await;
    assert!(a.status < 400, "{a:?}");

    app.new_browser();
    app.call(
        "log_in",
        &[
            ("email", "mara@example.org"),
            ("password", crate::helpers::PASSWORD),
        ],
    )
    .await;
    // Move Gold up, with the plain form.
    let a = app
        .submit_form(
            "studio/move_tier",
            &[("tier_id", &gold.to_string()), ("direction", "up")],
            &format!("/studio/p/{page}"),
        )
        .await;
    assert_eq!(
        a.location.as_deref(),
        Some(format!("/studio/p/{page}?saved=order#tiers").as_str())
    );
    let order: Vec<i64> = studio_page(&app, page)
        .await
        .tiers
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(order, vec![gold, bronze]);
    let public = text(&app, "/c/mara").await;
    assert!(public.find("Gold").unwrap() < public.find("Bronze").unwrap());
    // Moving the first tier up changes nothing.
    app.call(
        "studio/move_tier",
        &[("tier_id", &gold.to_string()), ("direction", "up")],
    )
    .await;
    let order: Vec<i64> = studio_page(&app, page)
        .await
        .tiers
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(order, vec![gold, bronze]);

    // Edit Bronze: name, perks and a limit; a bad limit is refused.
    let a = app
        .call(
            "studio/update_tier",
            &[
                ("tier_id", &bronze.to_string()),
                ("name", "Bronze"),
                ("supporter_limit", "-1"),
            ],
        )
        .await;
    assert_field_error(&a, "supporter_limit");
    let a = app
        .call(
            "studio/update_tier",
            &[
                ("tier_id", &bronze.to_string()),
                ("name", "Bronze friends"),
                ("description", "Say hi"),
                ("perks", "Stickers"),
                ("supporter_limit", "50"),
            ],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    let t = studio_page(&app, page)
        .await
        .tiers
        .into_iter()
        .find(|t| t.id == bronze)
        .unwrap();
    assert_eq!(
        (
            t.name.as_str(),
            t.perks.as_str(),
            t.supporter_limit,
            t.supporters,
            t.price_minor
        ),
        ("Bronze friends", "Stickers", Some(50), 1, 300)
    );

    let editor = text(&app, &format!("/studio/p/{page}/tiers/{bronze}")).await;
    assert!(editor.contains(r#"value="Bronze friends""#) && editor.contains("Stickers"));
    assert!(editor.contains("$3.00 / month"));

    // Retire Bronze: hidden from new supporters, the existing pledge untouched.
    let a = app
        .call("studio/retire_tier", &[("tier_id", &bronze.to_string())])
        .await;
    assert_eq!(
        a.location.as_deref(),
        Some(format!("/studio/p/{page}?saved=retired#tiers").as_str())
    );
    let (amount, status, tier): (i64, String, Option<i64>) =
        sqlx::query_as("select amount_minor, status, tier_id from pledges")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(
        (amount, status.as_str(), tier),
        (300, "active", Some(bronze))
    );
    assert!(!text(&app, "/c/mara").await.contains("Bronze friends"));
    let page_now = studio_page(&app, page).await;
    assert!(page_now.tiers.iter().any(|t| t.id == bronze && t.retired));

    app.new_browser();
    app.sign_up_and_log_in("late@example.org", "Late").await;
    let a = app
        .call(
            "create_pledge",
            &[
                ("slug", "mara"),
                ("tier_id", &bronze.to_string()),
                ("visibility", "public"),
            ],
        )
        .await;
    assert_field_error(&a, "tier_id");
}

async fn posts(app: &TestApp, slug: &str) -> Vec<PostView> {
    json(&app.call("studio/posts", &[("slug", slug)]).await)
}

#[tokio::test]
async fn tier_only_posts_are_teasers_until_a_pledge_at_that_tier_or_higher_unlocks_them() {
    let mut app = spawn_app().await;
    app.sign_up_and_log_in("mara@example.org", "Mara").await;
    let page = create_page(&app, "mara").await;
    let bronze = create_tier(&app, page, "Bronze", "3").await;
    let silver = create_tier(&app, page, "Silver", "5").await;
    let gold = create_tier(&app, page, "Gold", "10").await;
    let page_s = page.to_string();
    let a = app
        .submit_form(
            "studio/create_post",
            &[
                ("recipient_id", &page_s),
                ("title", "Hello everyone"),
                ("body", "Welcome to my **page**."),
                ("audience", "public"),
            ],
            &format!("/studio/p/{page}/write"),
        )
        .await;
    assert_eq!(
        a.location.as_deref(),
        Some(format!("/studio/p/{page}?saved=post#posts").as_str()),
        "{a:?}"
    );
    let silver_s = silver.to_string();
    let a = app
        .call(
            "studio/create_post",
            &[
                ("recipient_id", &page_s),
                ("title", "Silver sketches"),
                ("body", "The secret sketchbook."),
                ("audience", "tiers"),
                ("tier_ids[]", &silver_s),
            ],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    // Restricted to no tier, or to a tier of another page: refused, nothing stored.
    for extra in [vec![], vec![("tier_ids[]", "999999")]] {
        let mut fields = vec![
            ("recipient_id", page_s.as_str()),
            ("title", "Broken"),
            ("body", "x"),
            ("audience", "tiers"),
        ];
        fields.extend(extra);
        assert_field_error(&app.call("studio/create_post", &fields).await, "tier_ids");
    }
    assert_field_error(
        &app.call(
            "studio/create_post",
            &[
                ("recipient_id", &page_s),
                ("title", ""),
                ("body", "x"),
                ("audience", "public"),
            ],
        )
        .await,
        "title",
    );
    assert_eq!(app.count("posts").await, 2);
    // Preview shows the typed post rendered, with the typed audience, and saves nothing.
    let preview = preview(
        &app,
        &format!("/studio/p/{page}/write"),
        &[
            ("recipient_id", &page_s),
            ("title", "Draft"),
            ("body", "**soon**"),
            ("audience", "tiers"),
            ("tier_ids[]", &gold.to_string()),
        ],
    )
    .await;
    let rendered = preview
        .split(r#"id="post-preview""#)
        .nth(1)
        .expect("a preview");
    assert!(rendered.contains("<strong>soon</strong>"));
    assert!(preview.contains(r#"value="Draft""#));
    let gold_box = preview
        .split(&format!(r#"id="post-tier-{gold}""#))
        .nth(1)
        .unwrap();
    assert!(gold_box[..gold_box.find('>').unwrap()].contains("checked"));
    assert_eq!(app.count("posts").await, 2);
    let owner_view = posts(&app, "mara").await;
    assert!(
        owner_view.iter().all(|p| p.body_html.is_some()),
        "the owner reads everything"
    );

    // A visitor sees the public post in full and a teaser of the other.
    app.new_browser();
    let public = text(&app, "/c/mara").await;
    assert!(public.contains("Welcome to my <strong>page</strong>."));
    assert!(public.contains("Silver sketches"));
    assert!(public.contains("For supporters of Silver"));
    assert!(!public.contains("The secret sketchbook."));

    // A Bronze supporter still sees the teaser; Silver and Gold supporters read it.
    for (email, tier, readable) in [
        ("bronze@example.org", bronze, false),
        ("silver@example.org", silver, true),
        ("gold@example.org", gold, true),
    ] {
        app.new_browser();
        app.sign_up_and_log_in(email, "Fan").await;
        // Posts unlock only for a pledge a usable card backs (see `paid_posts`).
        let a = app
            .call("set_payment_method", &[("payment_method", "pm_card_visa")])
            .await;
        assert!(a.status < 400, "{a:?}");
        let a = app
            .call(
                "create_pledge",
                &[
                    ("slug", "mara"),
                    ("tier_id", &tier.to_string()),
                    ("visibility", "public"),
                ],
            )
            .await;
        assert!(a.status < 400, "{a:?}");
        let page_html = text(&app, "/c/mara").await;
        assert_eq!(
            page_html.contains("The secret sketchbook."),
            readable,
            "{email}"
        );
        let view = posts(&app, "mara").await;
        let locked = view.iter().find(|p| p.title == "Silver sketches").unwrap();
        assert_eq!(locked.body_html.is_some(), readable, "{email}");
        assert_eq!(locked.for_tiers, vec!["Silver".to_owned()]);
    }

    // The owner opens it to everyone, then deletes it.
    app.new_browser();
    app.call(
        "log_in",
        &[
            ("email", "mara@example.org"),
            ("password", crate::helpers::PASSWORD),
        ],
    )
    .await;
    let post = studio_page(&app, page)
        .await
        .posts
        .into_iter()
        .find(|p| p.title == "Silver sketches")
        .unwrap();
    assert_eq!(post.tier_ids, vec![silver]);
    let post_s = post.id.to_string();
    let editor = text(&app, &format!("/studio/p/{page}/posts/{post_s}")).await;
    assert!(editor.contains(r#"value="Silver sketches""#));
    assert!(editor.contains("The secret sketchbook."));
    assert!(
        text(&app, &format!("/studio/p/{page}/write"))
            .await
            .contains("Publish post")
    );
    assert_eq!(
        app.get(&format!("/studio/p/{page}/posts/999999"))
            .await
            .status(),
        404
    );
    let a = app
        .call(
            "studio/update_post",
            &[
                ("post_id", &post_s),
                ("title", "Sketches for all"),
                ("body", "The secret sketchbook."),
                ("audience", "public"),
            ],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    app.new_browser();
    assert!(
        text(&app, "/c/mara")
            .await
            .contains("The secret sketchbook.")
    );
    app.call(
        "log_in",
        &[
            ("email", "mara@example.org"),
            ("password", crate::helpers::PASSWORD),
        ],
    )
    .await;
    let a = app
        .call("studio/delete_post", &[("post_id", &post_s)])
        .await;
    assert_eq!(
        a.location.as_deref(),
        Some(format!("/studio/p/{page}?saved=deleted#posts").as_str())
    );
    assert_eq!(app.count("posts").await, 1);
    assert_eq!(app.count("post_tiers").await, 0);
}

#[tokio::test]
async fn other_peoples_pages_tiers_and_posts_are_refused_and_unchanged() {
    let mut app = spawn_app().await;
    app.sign_up_and_log_in("mara@example.org", "Mara").await;
    let page = create_page(&app, "mara").await;
    let tier = create_tier(&app, page, "Bronze", "3").await;
    let second = create_tier(&app, page, "Gold", "10").await;
    let (page_s, tier_s) = (page.to_string(), tier.to_string());
    let a = app
        .call(
            "studio/create_post",
            &[
                ("recipient_id", &page_s),
                ("title", "Mine"),
                ("body", "Mine."),
                ("audience", "tiers"),
                ("tier_ids[]", &tier_s),
            ],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    let post_s = studio_page(&app, page).await.posts[0].id.to_string();
    let before = studio_page(&app, page).await;

    // Logged out: nothing.
    app.new_browser();
    let a = app
        .call(
            "studio/create_page",
            &[
                ("kind", "creator"),
                ("slug", "anon"),
                ("name", "Anon"),
                ("category", "Art"),
                ("currency", "USD"),
            ],
        )
        .await;
    assert_eq!(a.status, 401, "{a:?}");
    let a = app
        .call(
            "studio/update_tier",
            &[("tier_id", &tier_s), ("name", "Anon")],
        )
        .await;
    assert_eq!(a.status, 401, "{a:?}");

    // Another creator, with a page of their own, touching Mara's ids.
    app.sign_up_and_log_in("other@example.org", "Other").await;
    let own = create_page(&app, "other").await;
    let own_tier = create_tier(&app, own, "Mine", "4").await.to_string();
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("studio/page", vec![("recipient_id", &page_s)]),
        (
            "studio/update_page",
            vec![
                ("recipient_id", &page_s),
                ("slug", "stolen"),
                ("name", "Stolen"),
                ("category", "Art"),
            ],
        ),
        (
            "studio/create_tier",
            vec![
                ("recipient_id", &page_s),
                ("name", "Sneaky"),
                ("price", "1"),
            ],
        ),
        (
            "studio/update_tier",
            vec![("tier_id", &tier_s), ("name", "Sneaky")],
        ),
        (
            "studio/move_tier",
            vec![("tier_id", &tier_s), ("direction", "down")],
        ),
        ("studio/retire_tier", vec![("tier_id", &tier_s)]),
        (
            "studio/create_post",
            vec![
                ("recipient_id", &page_s),
                ("title", "Spam"),
                ("body", "Spam"),
                ("audience", "public"),
            ],
        ),
        (
            "studio/update_post",
            vec![
                ("post_id", &post_s),
                ("title", "Spam"),
                ("body", "Spam"),
                ("audience", "public"),
            ],
        ),
        ("studio/delete_post", vec![("post_id", &post_s)]),
    ];
    for (function, fields) in calls {
        assert_not_found(&app.call(function, &fields).await);
    }
    // Nor can their own post be restricted to Mara's tier.
    assert_field_error(
        &app.call(
            "studio/create_post",
            &[
                ("recipient_id", &own.to_string()),
                ("title", "Mixed"),
                ("body", "x"),
                ("audience", "tiers"),
                ("tier_ids[]", &tier_s),
            ],
        )
        .await,
        "tier_ids",
    );
    assert!(own_tier.parse::<i64>().is_ok());

    app.new_browser();
    app.call(
        "log_in",
        &[
            ("email", "mara@example.org"),
            ("password", crate::helpers::PASSWORD),
        ],
    )
    .await;
    let after = studio_page(&app, page).await;
    assert_eq!(after, before, "nothing of Mara's changed");
    assert_eq!(
        after.tiers.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![tier, second]
    );
    assert_eq!(app.count("posts").await, 1);
}

/// The header's links as a person sees them (the wide row; the phone menu repeats them).
fn header(html: &str) -> &str {
    let start = html.find("<header").expect("a header");
    let end = html[start..].find("</header>").expect("its end") + start;
    &html[start..end]
}

#[tokio::test]
async fn a_new_fan_gets_first_steps_and_no_studio_link_until_they_own_a_page() {
    let app = spawn_app().await;
    app.sign_up_and_log_in("ana@example.org", "Ana").await;
    let fan = crate::helpers::user_id(&app, "ana@example.org").await;

    let home = app.get("/").await.text().await.unwrap();
    let top = header(&home);
    assert!(
        top.contains("href=\"/account/billing\"") && top.contains("Explore"),
        "{top}"
    );
    assert!(
        !top.contains("href=\"/studio\""),
        "a fan without a page: {top}"
    );

    // Every step is still to do, each a link to where it is done; and the way to a page.
    let account = app.get("/account").await.text().await.unwrap();
    assert!(account.contains("id=\"first-run\""), "{account}");
    for (link, words) in [
        ("/account/billing#payment-method", "Add a card"),
        ("/account/billing#billing-day", "Choose your billing day"),
        ("/", "Find someone to support"),
        ("/studio", "Start a page"),
    ] {
        assert!(
            account.contains(&format!("href=\"{link}\">{words}</a>")),
            "{words}: {account}"
        );
    }
    assert_eq!(account.matches("To do: ").count(), 3, "{account}");

    // A card and a billing day: two steps done, said so.
    crate::population::card(
        &app.state,
        fan,
        app::domain::processors::simulated::methods::SUCCEEDS,
        9,
    )
    .await;
    let account = app.get("/account").await.text().await.unwrap();
    assert!(account.contains("A card is saved."), "{account}");
    assert!(
        account.contains("You are charged once a month, on day 9."),
        "{account}"
    );
    assert_eq!(account.matches("To do: ").count(), 1, "{account}");

    // A first tip ends the path.
    let creator = crate::population::recipient(&app.state.db, "mara", "USD").await;
    app::domain::giving::pledges::create_tip(
        &app.state,
        fan,
        app::domain::giving::pledges::NewTip {
            recipient_id: creator,
            amount: "2",
            message: "",
            visibility: "public",
            budget_line: "",
        },
    )
    .await
    .unwrap();
    let account = app.get("/account").await.text().await.unwrap();
    assert!(!account.contains("id=\"first-run\""), "{account}");

    // Owning a page puts the studio in the header.
    create_page(&app, "ana-sings").await;
    let home = app.get("/").await.text().await.unwrap();
    assert!(header(&home).contains("href=\"/studio\""), "{home}");
}
