//! Plain form posts that fail, and the Markdown previews: what was typed comes back on the next
//! page load (never a password, a code or the CSRF token), focused on the error, once, and
//! never through the address.

use crate::helpers::{Answer, TestApp, spawn_app};
use crate::population::recipient;

/// The redirect of a failed plain post carries neither the error nor anything typed.
fn assert_clean_redirect(a: &Answer, typed: &[&str]) {
    assert!(a.status >= 300 && a.status < 400, "{a:?}");
    let location = a.location.clone().unwrap_or_default();
    for secret in ["__err", "__path", "csrf"].iter().chain(typed) {
        assert!(!location.contains(secret), "{secret} in {location}");
    }
}

async fn page(app: &TestApp, path: &str) -> String {
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.unwrap()
}

#[tokio::test]
async fn a_failed_tip_comes_back_once_with_what_was_typed_and_focused_on_the_amount() {
    let app = spawn_app().await;
    recipient(&app.state.db, "library", "USD").await;
    app.sign_up_and_log_in("fan@example.org", "Fan").await;
    let message = "Thank you for the Sunday story time, my daughter loves it ".repeat(4);
    let a = app
        .submit_form(
            "create_tip",
            &[
                ("slug", "library"),
                ("amount", "lots"),
                ("message", &message),
                ("visibility", "anonymous"),
            ],
            "/c/library",
        )
        .await;
    assert_clean_redirect(&a, &["lots", "Sunday"]);
    assert_eq!(a.location.as_deref(), Some(app.url("/c/library").as_str()));
    assert_eq!(app.count("tips").await, 0);

    let html = page(&app, "/c/library").await;
    assert!(html.contains(message.trim()), "the message comes back");
    let amount = html
        .split("id=\"tip-amount\"")
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .expect("the tip amount input");
    assert!(amount.contains("value=\"lots\""), "{amount}");
    assert!(amount.contains("autofocus"), "{amount}");
    assert!(amount.contains("aria-invalid=\"true\""), "{amount}");
    assert!(
        html.contains("id=\"tip-visibility-anonymous\" value=\"anonymous\" checked")
            || html.contains("value=\"anonymous\" checked"),
        "the visibility chosen comes back"
    );
    // The pledge form on the same page is not the one that failed.
    let pledge = html
        .split("id=\"pledge-amount\"")
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .expect("the pledge amount input");
    assert!(
        !pledge.contains("lots") && !pledge.contains("autofocus"),
        "{pledge}"
    );

    // Once: a reload shows the empty form again.
    let again = page(&app, "/c/library").await;
    assert!(!again.contains("Sunday story time"));
    assert_eq!(app.count("form_flashes").await, 0);
}

#[tokio::test]
async fn a_failed_sign_up_keeps_the_name_and_email_but_never_the_password() {
    let app = spawn_app().await;
    let password = "tiny";
    let a = app
        .submit_form(
            "sign_up",
            &[
                ("display_name", "Ana Sousa"),
                ("email", "ana@example.org"),
                ("password", password),
            ],
            "/signup",
        )
        .await;
    assert_clean_redirect(&a, &["ana@example.org", "Sousa"]);
    let (payload,): (String,) = sqlx::query_as("select payload from form_flashes")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert!(payload.contains("ana@example.org"));
    assert!(
        !payload.contains(password) && !payload.contains("csrf"),
        "{payload}"
    );

    let html = page(&app, "/signup").await;
    assert!(html.contains("value=\"Ana Sousa\""));
    assert!(html.contains("value=\"ana@example.org\""));
    let field = html
        .split("id=\"password\"")
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .unwrap();
    assert!(!field.contains("value="), "{field}");
    assert!(
        field.contains("autofocus"),
        "the error is on the password: {field}"
    );
}

#[tokio::test]
async fn a_failed_log_in_keeps_the_email_and_focuses_the_message() {
    let app = spawn_app().await;
    app.sign_up_and_log_in("fan@example.org", "Fan").await;
    let mut app = app;
    app.new_browser();
    let a = app
        .submit_form(
            "log_in",
            &[
                ("email", "fan@example.org"),
                ("password", "not-the-password"),
            ],
            "/login",
        )
        .await;
    assert_clean_redirect(&a, &["fan@example.org", "not-the-password"]);
    let html = page(&app, "/login").await;
    assert!(html.contains("value=\"fan@example.org\""));
    assert!(!html.contains("not-the-password"));
    assert!(
        html.contains("role=\"alert\" tabindex=\"-1\" autofocus"),
        "the form's message takes the focus"
    );
}

#[tokio::test]
async fn a_flash_is_for_the_browser_that_failed_and_expires() {
    let mut app = spawn_app().await;
    app.submit_form(
        "sign_up",
        &[
            ("display_name", "Ana Sousa"),
            ("email", "ana@example.org"),
            ("password", "x"),
        ],
        "/signup",
    )
    .await;
    // Another browser (no flash cookie) sees an empty form.
    app.new_browser();
    let html = page(&app, "/signup").await;
    assert!(!html.contains("Ana Sousa"));
    // A stale flash is not shown even with its cookie.
    app.submit_form(
        "sign_up",
        &[
            ("display_name", "Ben Okafor"),
            ("email", "ben@example.org"),
            ("password", "x"),
        ],
        "/signup",
    )
    .await;
    sqlx::query("update form_flashes set expires_at = 0")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let html = page(&app, "/signup").await;
    assert!(!html.contains("Ben Okafor"));
}

#[tokio::test]
async fn the_post_preview_is_a_post_and_nothing_typed_reaches_the_address() {
    let app = spawn_app().await;
    app.sign_up_and_log_in("mara@example.org", "Mara").await;
    let a = app
        .call(
            "studio/create_page",
            &[
                ("kind", "creator"),
                ("slug", "mara"),
                ("name", "Mara Draws"),
                ("tagline", "Comics"),
                ("category", "Art"),
                ("currency", "USD"),
                ("goal", ""),
                ("bio", "Hi"),
            ],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    let (id,): (i64,) = sqlx::query_as("select id from recipients where slug = 'mara'")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let write = format!("/studio/p/{id}/write");
    let html = page(&app, &write).await;
    assert!(!html.contains("formmethod=\"get\""), "no GET preview");
    assert!(html.contains("formaction=\"/studio/preview\""));

    let token = app.csrf().await;
    let back = format!("{write}#post-preview");
    let res = app
        .client
        .post(app.url("/studio/preview"))
        .header("origin", &app.base)
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("csrf_token", token.as_str()),
            ("recipient_id", &id.to_string()),
            ("title", "Sketchbook tour"),
            ("body", "A **bold** secret plan"),
            ("audience", "public"),
            ("preview", back.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, back);
    let html = page(&app, &write).await;
    assert!(
        html.contains("<strong>bold</strong>"),
        "the preview is rendered"
    );
    assert!(
        html.contains("value=\"Sketchbook tour\""),
        "the title stays typed"
    );
    assert_eq!(app.count("posts").await, 0, "nothing is saved");
}

/// Posts a destructive button's form the way a browser does: to `/confirm/ask`.
async fn ask(app: &TestApp, referer: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = app.csrf().await;
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    form.push(("csrf_token", &token));
    app.client
        .post(app.url("/confirm/ask"))
        .header("origin", &app.base)
        .header("sec-fetch-site", "same-origin")
        .header("referer", app.url(referer))
        .form(&form)
        .send()
        .await
        .unwrap()
}

async fn pledge_status(app: &TestApp, id: &str) -> String {
    let (status,): (String,) = sqlx::query_as("select status from pledges where id = $1")
        .bind(id.parse::<i64>().unwrap())
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    status
}

#[tokio::test]
async fn cancelling_a_pledge_asks_first_and_only_yes_cancels_it() {
    let app = spawn_app().await;
    recipient(&app.state.db, "library", "USD").await;
    app.sign_up_and_log_in("fan@example.org", "Fan").await;
    let a = app
        .call(
            "create_pledge",
            &[
                ("slug", "library"),
                ("amount", "5"),
                ("visibility", "public"),
            ],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    let (id,): (i64,) = sqlx::query_as("select id from pledges")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let id = id.to_string();
    let billing = page(&app, "/account/billing").await;
    assert!(
        billing.contains("formaction=\"/confirm/ask\"")
            && billing.contains("value=\"/api/cancel_pledge\""),
        "the cancel button asks first"
    );

    let res = ask(
        &app,
        "/account/billing",
        &[
            ("pledge_id", &id),
            (
                "confirm_question",
                "Cancel your monthly pledge of $5.00 to library?",
            ),
            ("confirm_label", "Cancel"),
            ("confirm_action", "/api/cancel_pledge"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/confirm");
    assert_eq!(
        pledge_status(&app, &id).await,
        "active",
        "asking changes nothing"
    );

    let question = page(&app, "/confirm").await;
    assert!(question.contains("Cancel your monthly pledge of $5.00 to library?"));
    assert!(question.contains("action=\"/api/cancel_pledge\""));
    assert!(question.contains(&format!("name=\"pledge_id\" value=\"{id}\"")));
    assert!(
        question.contains("href=\"/account/billing\""),
        "no goes back"
    );
    assert!(
        !question.contains("confirm_action"),
        "the question is not posted on"
    );
    // Answered or reloaded: nothing waits any more.
    assert!(page(&app, "/confirm").await.contains("Nothing to confirm"));

    let yes = app
        .submit_form(
            "cancel_pledge",
            &[("pledge_id", &id), ("confirm_back", "/account/billing")],
            "/confirm",
        )
        .await;
    assert_eq!(
        yes.location.as_deref(),
        Some("/account/billing?done=cancelled#pledges"),
        "{yes:?}"
    );
    assert_eq!(pledge_status(&app, &id).await, "cancelled");
}

#[tokio::test]
async fn a_confirmation_only_posts_to_this_sites_actions_and_needs_a_session() {
    let mut app = spawn_app().await;
    app.sign_up_and_log_in("fan@example.org", "Fan").await;
    let res = ask(
        &app,
        "/account/billing",
        &[
            ("confirm_action", "https://evil.example/steal"),
            ("confirm_question", "x"),
        ],
    )
    .await;
    assert_eq!(res.headers()["location"], "/");
    assert_eq!(app.count("form_flashes").await, 0);
    app.new_browser();
    let res = ask(
        &app,
        "/account/billing",
        &[("confirm_action", "/api/cancel_pledge"), ("pledge_id", "1")],
    )
    .await;
    assert_eq!(res.headers()["location"], "/login");
    assert_eq!(app.count("form_flashes").await, 0);
}
