//! Sign-up, verification, login, throttling, reset, change of password, sessions.

use crate::helpers::{Answer, PASSWORD, TestApp, spawn_app, spawn_app_with};
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_new_account_is_verified_by_the_emailed_link_and_can_then_log_in() {
    let app = spawn_app().await;
    let a = app
        .call(
            "sign_up",
            &[
                ("email", "Ada@Example.org"),
                ("password", PASSWORD),
                ("display_name", "Ada"),
            ],
        )
        .await;
    assert_eq!(a.status, 200, "{a:?}");

    let emails = app.emails_to("ada@example.org").await;
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].0, "Confirm your Chipin account");
    let link = app.last_link_to("ada@example.org").await.unwrap();
    assert!(link.starts_with(&app.url("/verify-email?token=")), "{link}");

    let res = app.client.get(&link).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/login?verified=1");
    // The link works once.
    let res = app.client.get(&link).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/verify-email/failed");

    let a = app
        .call(
            "log_in",
            &[("email", "ada@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    assert_eq!(app.whoami().await.as_deref(), Some("ada@example.org"));
}

#[tokio::test]
async fn signing_up_on_the_way_to_a_tip_comes_back_to_it_after_the_emailed_link() {
    let app = spawn_app().await;
    let a = app
        .call(
            "sign_up",
            &[
                ("email", "cy@example.org"),
                ("password", PASSWORD),
                ("display_name", "Cy"),
                ("next", "/chip-in/mara-draws?amount=1.00"),
            ],
        )
        .await;
    assert_eq!(a.status, 200, "{a:?}");
    let link = app.last_link_to("cy@example.org").await.unwrap();
    let res = app.client.get(&link).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        "/login?verified=1&next=%2Fchip-in%2Fmara-draws%3Famount%3D1.00"
    );

    // A way back off this site is dropped when signing up…
    app.call(
        "sign_up",
        &[
            ("email", "dee@example.org"),
            ("password", PASSWORD),
            ("display_name", "Dee"),
            ("next", "//evil.example/x"),
        ],
    )
    .await;
    let link = app.last_link_to("dee@example.org").await.unwrap();
    assert!(!link.contains("evil") && !link.contains("next"), "{link}");
    let res = app.client.get(&link).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/login?verified=1");

    // …and again when a link is edited by hand.
    app.call(
        "sign_up",
        &[
            ("email", "eve@example.org"),
            ("password", PASSWORD),
            ("display_name", "Eve"),
        ],
    )
    .await;
    let link = app.last_link_to("eve@example.org").await.unwrap();
    let res = app
        .client
        .get(format!("{link}&next=https%3A%2F%2Fevil.example"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/login?verified=1");
}

#[tokio::test]
async fn logging_in_before_verifying_is_refused_and_sends_a_fresh_link() {
    let app = spawn_app().await;
    app.call(
        "sign_up",
        &[
            ("email", "bo@example.org"),
            ("password", PASSWORD),
            ("display_name", "Bo"),
        ],
    )
    .await;
    sqlx::query("update email_tokens set created_at = created_at - 600")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let a = app
        .call(
            "log_in",
            &[("email", "bo@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(a.status, 400);
    assert!(a.error_message().contains("confirm your email"), "{a:?}");
    assert_eq!(app.emails_to("bo@example.org").await.len(), 2);
    assert_eq!(app.whoami().await, None);
}

#[tokio::test]
async fn signing_up_with_a_taken_address_answers_the_same_and_tells_the_owner() {
    let app = spawn_app().await;
    app.sign_up_and_log_in("cy@example.org", "Cy").await;
    let mut other = spawn_app().await;
    other.new_browser();
    let first = app
        .call(
            "sign_up",
            &[
                ("email", "new@example.org"),
                ("password", PASSWORD),
                ("display_name", "New"),
            ],
        )
        .await;
    let again = app
        .call(
            "sign_up",
            &[
                ("email", "CY@example.org"),
                ("password", PASSWORD),
                ("display_name", "Impostor"),
            ],
        )
        .await;
    assert_eq!(first.status, again.status);
    assert_eq!(first.body, again.body);
    assert_eq!(first.location, again.location);
    let (users,): (i64,) =
        sqlx::query_as("select count(*) from users where email = 'cy@example.org'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(users, 1);
    let (name,): (String,) =
        sqlx::query_as("select display_name from users where email = 'cy@example.org'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(name, "Cy", "the existing account is untouched");
    let mails = app.emails_to("cy@example.org").await;
    assert_eq!(mails.last().unwrap().0, "You already have a Chipin account");
}

#[tokio::test]
async fn unknown_emails_and_wrong_passwords_get_the_same_answer_in_similar_time() {
    let app = spawn_app().await;
    app.sign_up_and_log_in("di@example.org", "Di").await;
    let mut unknown = Vec::new();
    let mut wrong = Vec::new();
    let mut bodies = Vec::new();
    for i in 0..5 {
        let t = Instant::now();
        let a = app
            .call(
                "log_in",
                &[
                    ("email", &format!("nobody{i}@example.org")),
                    ("password", PASSWORD),
                ],
            )
            .await;
        unknown.push(t.elapsed());
        bodies.push((a.status, a.body));
        let t = Instant::now();
        let a = app
            .call(
                "log_in",
                &[
                    ("email", "di@example.org"),
                    ("password", "wrong-password-1"),
                ],
            )
            .await;
        wrong.push(t.elapsed());
        bodies.push((a.status, a.body));
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{bodies:?}");
    assert!(bodies[0].1.contains("Email or password is incorrect."));
    unknown.sort();
    wrong.sort();
    // Medians of five, so one attempt slowed by a busy machine does not decide.
    let (u, w) = (unknown[2].as_secs_f64(), wrong[2].as_secs_f64());
    assert!(
        u / w < 3.0 && w / u < 3.0,
        "unknown {u:.4}s vs wrong {w:.4}s"
    );
}

#[tokio::test]
async fn repeated_failures_lock_the_account_even_for_the_right_password() {
    let app = spawn_app().await;
    app.sign_up_and_log_in("ed@example.org", "Ed").await;
    for _ in 0..5 {
        let a = app
            .call(
                "log_in",
                &[
                    ("email", "ed@example.org"),
                    ("password", "not-the-password"),
                ],
            )
            .await;
        assert_eq!(a.error_kind(), "rejected", "{a:?}");
    }
    let a = app
        .call(
            "log_in",
            &[("email", "ed@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(a.error_kind(), "rate_limited", "{a:?}");
    assert_eq!(a.status, 429);
    assert!(a.error_message().starts_with("Too many failed attempts"));
    // Unknown accounts are throttled the same way, so throttling reveals nothing.
    for _ in 0..5 {
        app.call(
            "log_in",
            &[("email", "ghost@example.org"), ("password", "x-password")],
        )
        .await;
    }
    let a = app
        .call(
            "log_in",
            &[("email", "ghost@example.org"), ("password", "x-password")],
        )
        .await;
    assert_eq!(a.error_kind(), "rate_limited");
}

#[tokio::test]
async fn parallel_wrong_passwords_get_no_more_tries_than_one_after_another() {
    let app = spawn_app().await;
    app.sign_up_and_log_in("fay@example.org", "Fay").await;
    app.csrf().await;
    let free = app::domain::accounts::throttle::ACCOUNT.free as usize;
    let answers = futures::future::join_all((0..20).map(|i| {
        let app = &app;
        async move {
            let password = format!("wrong-password-{i}");
            app.call(
                "log_in",
                &[("email", "fay@example.org"), ("password", &password)],
            )
            .await
        }
    }))
    .await;
    let kinds: Vec<String> = answers.iter().map(|a| a.error_kind()).collect();
    // Only an attempt let through to the password check is answered "rejected".
    let checked = kinds.iter().filter(|k| *k == "rejected").count();
    let throttled = kinds.iter().filter(|k| *k == "rate_limited").count();
    assert_eq!(checked + throttled, kinds.len(), "{kinds:?}");
    assert!(
        (1..=free).contains(&checked),
        "{checked} of 20 parallel attempts reached the password check: {kinds:?}"
    );
    let a = app
        .call(
            "log_in",
            &[("email", "fay@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(a.error_kind(), "rate_limited", "{a:?}");
}

#[tokio::test]
async fn one_address_trying_many_accounts_is_throttled() {
    let app = spawn_app().await;
    for i in 0..30 {
        let a = app
            .call(
                "log_in",
                &[
                    ("email", &format!("u{i}@example.org")),
                    ("password", "guess-guess-1"),
                ],
            )
            .await;
        assert_eq!(a.error_kind(), "rejected");
    }
    let a = app
        .call(
            "log_in",
            &[
                ("email", "fresh@example.org"),
                ("password", "guess-guess-1"),
            ],
        )
        .await;
    assert_eq!(a.error_kind(), "rate_limited", "{a:?}");
}

/// Fails a login for a fresh account, sending `forwarded` as `X-Forwarded-For`.
async fn wrong_login_via(app: &TestApp, i: usize, forwarded: &str) -> Answer {
    let email = format!("u{i}@example.org");
    app.call_with_headers(
        "log_in",
        &[("email", &email), ("password", "guess-guess-1")],
        &[("x-forwarded-for", forwarded)],
    )
    .await
}

#[tokio::test]
async fn a_forged_forwarded_for_from_an_untrusted_peer_does_not_dodge_the_address_throttle() {
    // The test client (127.0.0.1) is not one of the trusted proxies.
    let app = spawn_app_with(&[("TRUSTED_PROXIES", "10.0.0.0/8, fd00::/8")]).await;
    for i in 0..30 {
        let a = wrong_login_via(&app, i, &format!("198.51.100.{i}")).await;
        assert_eq!(a.error_kind(), "rejected", "{a:?}");
    }
    let a = wrong_login_via(&app, 30, "198.51.100.250").await;
    assert_eq!(a.error_kind(), "rate_limited", "{a:?}");
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_is_throttled_by_the_address_the_proxy_saw() {
    let app = spawn_app_with(&[("TRUSTED_PROXIES", "127.0.0.1")]).await;
    // The client forges left entries; the proxy appends the address it saw, 203.0.113.7.
    for i in 0..30 {
        let a = wrong_login_via(&app, i, &format!("198.51.100.{i}, 203.0.113.7")).await;
        assert_eq!(a.error_kind(), "rejected", "{a:?}");
    }
    let a = wrong_login_via(&app, 30, "198.51.100.250, 203.0.113.7").await;
    assert_eq!(a.error_kind(), "rate_limited", "{a:?}");
    // Another client behind the same proxy is not held back by the first one's failures.
    let a = wrong_login_via(&app, 31, "203.0.113.8").await;
    assert_eq!(a.error_kind(), "rejected", "{a:?}");
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_once_and_ends_every_session() {
    let app = spawn_app().await;
    app.sign_up_and_log_in("fay@example.org", "Fay").await;
    let old_session = app.cookie(app::web::SESSION_COOKIE).unwrap();

    let a = app
        .call("request_password_reset", &[("email", "fay@example.org")])
        .await;
    assert_eq!(a.status, 200, "{a:?}");
    // Unknown addresses get the same answer and no email.
    let b = app
        .call("request_password_reset", &[("email", "nobody@example.org")])
        .await;
    assert_eq!((a.status, &a.body), (b.status, &b.body));
    assert!(app.emails_to("nobody@example.org").await.is_empty());

    let link = app.last_link_to("fay@example.org").await.unwrap();
    let token = link.split("token=").nth(1).unwrap().to_owned();
    assert!(link.starts_with(&app.url("/reset-password?token=")));

    let weak = app
        .call(
            "reset_password",
            &[("token", &token), ("password", "password1")],
        )
        .await;
    assert_eq!(weak.error_field().as_deref(), Some("password"));

    let new_password = "harbour-violet-kettle-37";
    let a = app
        .call(
            "reset_password",
            &[("token", &token), ("password", new_password)],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    let again = app
        .call(
            "reset_password",
            &[("token", &token), ("password", "another-fine-phrase-8")],
        )
        .await;
    assert!(
        again.error_message().contains("invalid or has expired"),
        "{again:?}"
    );

    app.set_session_cookie(&old_session);
    assert_eq!(app.whoami().await, None, "the old session ended");
    let a = app
        .call(
            "log_in",
            &[("email", "fay@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(a.error_kind(), "rejected");
    let a = app
        .call(
            "log_in",
            &[("email", "fay@example.org"), ("password", new_password)],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
}

async fn reset_token(app: &TestApp, email: &str) -> String {
    let a = app
        .call("request_password_reset", &[("email", email)])
        .await;
    assert_eq!(a.status, 200, "{a:?}");
    let link = app.last_link_to(email).await.unwrap();
    link.split("token=").nth(1).unwrap().to_owned()
}

#[tokio::test]
async fn reset_links_die_when_the_password_changes() {
    let mut app = spawn_app().await;
    app.sign_up_and_log_in("ivy@example.org", "Ivy").await;

    // Two links; using one kills the other.
    let first = reset_token(&app, "ivy@example.org").await;
    let second = reset_token(&app, "ivy@example.org").await;
    assert_ne!(first, second);
    let a = app
        .call(
            "reset_password",
            &[("token", &second), ("password", "harbour-violet-kettle-37")],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    let a = app
        .call(
            "reset_password",
            &[("token", &first), ("password", "another-fine-phrase-8")],
        )
        .await;
    assert!(
        a.error_message().contains("invalid or has expired"),
        "{a:?}"
    );

    // A link mailed before a change on the account page is refused afterwards.
    app.new_browser();
    let a = app
        .call(
            "log_in",
            &[
                ("email", "ivy@example.org"),
                ("password", "harbour-violet-kettle-37"),
            ],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    let before = reset_token(&app, "ivy@example.org").await;
    let a = app
        .call(
            "change_password",
            &[
                ("current_password", "harbour-violet-kettle-37"),
                ("new_password", "kettle-harbour-violet-5"),
            ],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    let a = app.call("reset_link_valid", &[("token", &before)]).await;
    assert_eq!((a.status, a.body.trim()), (200, "false"), "{a:?}");
    let a = app
        .call(
            "reset_password",
            &[("token", &before), ("password", "another-fine-phrase-8")],
        )
        .await;
    assert!(
        a.error_message().contains("invalid or has expired"),
        "{a:?}"
    );
    let a = app
        .call(
            "log_in",
            &[
                ("email", "ivy@example.org"),
                ("password", "kettle-harbour-violet-5"),
            ],
        )
        .await;
    assert!(
        a.status < 400,
        "the account-page password still holds: {a:?}"
    );

    // A link whose row escaped retirement but predates the change is refused too.
    let stale = reset_token(&app, "ivy@example.org").await;
    sqlx::query("update users set password_changed_at = password_changed_at + 60")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let a = app
        .call(
            "reset_password",
            &[("token", &stale), ("password", "another-fine-phrase-8")],
        )
        .await;
    assert!(
        a.error_message().contains("invalid or has expired"),
        "{a:?}"
    );

    // A link asked for after the change works. (An hour later: this is the sixth email to
    // the address, one more than the mail throttle lets through in an hour.)
    sqlx::query("update users set password_changed_at = password_changed_at - 60")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    sqlx::query(
        "update login_failures set at = at - 3600 where scope in ('mail_client', 'mail_target')",
    )
    .execute(app.state.db.pool())
    .await
    .unwrap();
    let after = reset_token(&app, "ivy@example.org").await;
    let a = app
        .call(
            "reset_password",
            &[("token", &after), ("password", "another-fine-phrase-8")],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
}

#[tokio::test]
async fn an_expired_reset_link_is_refused() {
    let app = spawn_app().await;
    app.sign_up_and_log_in("gus@example.org", "Gus").await;
    app.call("request_password_reset", &[("email", "gus@example.org")])
        .await;
    let link = app.last_link_to("gus@example.org").await.unwrap();
    let token = link.split("token=").nth(1).unwrap().to_owned();
    sqlx::query("update email_tokens set expires_at = expires_at - 7200")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let a = app
        .call(
            "reset_password",
            &[("token", &token), ("password", "harbour-violet-kettle-37")],
        )
        .await;
    assert!(a.error_message().contains("invalid or has expired"));
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_logs_out_other_devices() {
    let mut app = spawn_app().await;
    app.sign_up_and_log_in("hal@example.org", "Hal").await;
    let other_device = app.cookie(app::web::SESSION_COOKIE).unwrap();
    app.new_browser();
    app.call(
        "log_in",
        &[("email", "hal@example.org"), ("password", PASSWORD)],
    )
    .await;
    let this_device = app.cookie(app::web::SESSION_COOKIE).unwrap();
    assert_ne!(this_device, other_device);

    let a = app
        .call(
            "change_password",
            &[
                ("current_password", "wrong-one-here"),
                ("new_password", "kettle-harbour-violet-5"),
            ],
        )
        .await;
    assert_eq!(a.error_field().as_deref(), Some("current_password"));
    let a = app
        .call(
            "change_password",
            &[("current_password", PASSWORD), ("new_password", "short")],
        )
        .await;
    assert_eq!(a.error_field().as_deref(), Some("new_password"));

    let a = app
        .call(
            "change_password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "kettle-harbour-violet-5"),
            ],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    let renewed = app.cookie(app::web::SESSION_COOKIE).unwrap();
    assert_ne!(renewed, this_device, "the session token is renewed");
    assert_eq!(app.whoami().await.as_deref(), Some("hal@example.org"));
    app.set_session_cookie(&other_device);
    assert_eq!(app.whoami().await, None);
    assert_eq!(
        app.emails_to("hal@example.org").await.last().unwrap().0,
        "Your Chipin password was changed"
    );
}

#[tokio::test]
async fn changing_the_password_requires_a_session() {
    let app = spawn_app().await;
    let a = app
        .call(
            "change_password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "kettle-harbour-violet-5"),
            ],
        )
        .await;
    assert_eq!(
        (a.status, a.error_kind().as_str()),
        (401, "unauthenticated")
    );
}

#[tokio::test]
async fn login_issues_a_new_token_and_logout_ends_it_on_the_server() {
    let app = spawn_app().await;
    app.sign_up_and_log_in("ivy@example.org", "Ivy").await;
    let first = app.cookie(app::web::SESSION_COOKIE).unwrap();
    app.call(
        "log_in",
        &[("email", "ivy@example.org"), ("password", PASSWORD)],
    )
    .await;
    let second = app.cookie(app::web::SESSION_COOKIE).unwrap();
    assert_ne!(first, second);
    app.set_session_cookie(&first);
    assert_eq!(
        app.whoami().await,
        None,
        "the previous session was ended at login"
    );
    app.set_session_cookie(&second);
    assert_eq!(app.whoami().await.as_deref(), Some("ivy@example.org"));

    app.call("log_out", &[]).await;
    app.set_session_cookie(&second);
    assert_eq!(
        app.whoami().await,
        None,
        "a replayed cookie does not work after logout"
    );
    let (n,): (i64,) = sqlx::query_as("select count(*) from sessions")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn sessions_store_only_a_digest_of_the_token() {
    let app = spawn_app().await;
    app.sign_up_and_log_in("jo@example.org", "Jo").await;
    let token = app.cookie(app::web::SESSION_COOKIE).unwrap();
    let (stored,): (String,) = sqlx::query_as("select token_hash from sessions")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_ne!(stored, token);
    assert_eq!(stored, app::domain::platform::tokens::digest(&token));
}

#[tokio::test]
async fn an_idle_session_expires() {
    let app = spawn_app_with(&[
        ("SESSION_IDLE_TIMEOUT_SECS", "1"),
        ("SESSION_ABSOLUTE_TIMEOUT_SECS", "600"),
    ])
    .await;
    app.sign_up_and_log_in("kim@example.org", "Kim").await;
    assert_eq!(app.whoami().await.as_deref(), Some("kim@example.org"));
    tokio::time::sleep(Duration::from_millis(2200)).await;
    assert_eq!(app.whoami().await, None);
}

#[tokio::test]
async fn a_busy_session_still_ends_at_its_absolute_limit() {
    let app = spawn_app_with(&[
        ("SESSION_IDLE_TIMEOUT_SECS", "1"),
        ("SESSION_ABSOLUTE_TIMEOUT_SECS", "1"),
    ])
    .await;
    app.sign_up_and_log_in("lu@example.org", "Lu").await;
    sqlx::query("update sessions set created_at = created_at - 5")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(app.whoami().await, None);
}

#[tokio::test]
async fn bad_sign_up_input_names_the_field_and_stores_nothing() {
    let app = spawn_app().await;
    let huge = "x".repeat(10_000);
    let cases: &[(&str, &str, &str, &str)] = &[
        ("", PASSWORD, "Mo", "email"),
        ("not-an-email", PASSWORD, "Mo", "email"),
        ("mo@exa mple.org", PASSWORD, "Mo", "email"),
        (&huge, PASSWORD, "Mo", "email"),
        ("mo@example.org", PASSWORD, "", "display_name"),
        ("mo@example.org", PASSWORD, "   ", "display_name"),
        ("mo@example.org", PASSWORD, &huge, "display_name"),
        ("mo@example.org", PASSWORD, "Mo\u{0007}", "display_name"),
        ("mo@example.org", "", "Mo", "password"),
        ("mo@example.org", "short", "Mo", "password"),
        ("mo@example.org", "password123", "Mo", "password"),
        ("mo@example.org", &huge, "Mo", "password"),
        (
            "mo@example.org",
            "line\nbreak-in-password",
            "Mo",
            "password",
        ),
    ];
    for (email, password, name, field) in cases {
        let a = app
            .call(
                "sign_up",
                &[
                    ("email", email),
                    ("password", password),
                    ("display_name", name),
                ],
            )
            .await;
        assert_eq!(a.status, 400, "{a:?}");
        assert_eq!(
            a.error_field().as_deref(),
            Some(*field),
            "{email:.20} {password:.20} {name:.20}: {a:?}"
        );
        assert!(!a.error_message().is_empty());
    }
    let a = app.call("sign_up", &[("email", "mo@example.org")]).await;
    assert_eq!(a.error_kind(), "rejected", "missing fields: {a:?}");
    assert_eq!(app.count("users").await, 0);
    assert_eq!(app.count("email_outbox").await, 0);
}

#[tokio::test]
async fn a_failed_plain_form_post_returns_to_the_form_with_the_error() {
    let app = spawn_app().await;
    let a = app
        .submit_form(
            "sign_up",
            &[
                ("email", "nope"),
                ("password", PASSWORD),
                ("display_name", "Ni"),
            ],
            "/signup",
        )
        .await;
    assert_eq!(a.status, 302);
    let location = a.location.unwrap();
    // The error waits server-side for the next page load, not in the address.
    assert_eq!(location, app.url("/signup"));
    let page = app
        .client
        .get(&location)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Enter an email address like name@example.com."),
        "the page shows the error"
    );

    let ok = app
        .submit_form(
            "sign_up",
            &[
                ("email", "ni@example.org"),
                ("password", PASSWORD),
                ("display_name", "Ni"),
            ],
            "/signup",
        )
        .await;
    assert_eq!(ok.status, 302);
    assert_eq!(ok.location.as_deref(), Some("/signup/check-email"));
}

#[tokio::test]
async fn login_follows_next_only_to_a_local_path_after_a_browsers_clean_up() {
    let app = spawn_app().await;
    app.sign_up_and_log_in("nia@example.org", "Nia").await;
    let log_in_to = |next: &'static str| {
        let app = &app;
        async move {
            let a = app
                .submit_form(
                    "log_in",
                    &[
                        ("email", "nia@example.org"),
                        ("password", PASSWORD),
                        ("next", next),
                    ],
                    "/login",
                )
                .await;
            assert_eq!(a.status, 302, "{next:?}: {a:?}");
            a.location.unwrap_or_default()
        }
    };
    assert_eq!(log_in_to("/account/billing").await, "/account/billing");
    // Each of these is another site (or a script) once a browser has cleaned it up.
    for sneaky in [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/\\evil.example",
        " //evil.example",
        "https://evil.example",
        "java\nscript:alert(1)",
        "%2F%2Fevil.example",
    ] {
        assert_eq!(log_in_to(sneaky).await, "/account", "{sneaky:?}");
    }
    // Encoded slashes stay a path on this site; what a header cannot carry is encoded.
    assert_eq!(
        log_in_to("/%2F%2Fevil.example").await,
        "/%2F%2Fevil.example"
    );
    assert_eq!(log_in_to("/c/마라").await, "/c/%EB%A7%88%EB%9D%BC");
    assert_eq!(app.whoami().await.as_deref(), Some("nia@example.org"));
}

/// Signs up `email` with `forwarded` as `X-Forwarded-For`.
async fn sign_up_via(app: &TestApp, email: &str, name: &str, forwarded: &str) -> Answer {
    app.call_with_headers(
        "sign_up",
        &[
            ("email", email),
            ("password", PASSWORD),
            ("display_name", name),
        ],
        &[("x-forwarded-for", forwarded)],
    )
    .await
}

#[tokio::test]
async fn one_client_address_signing_up_many_accounts_is_throttled_and_sends_nothing_more() {
    let app = spawn_app().await;
    let limit = app.state.settings.mail_requests_per_client_hour;
    for i in 0..limit {
        let a = app
            .call(
                "sign_up",
                &[
                    ("email", &format!("s{i}@example.org")),
                    ("password", PASSWORD),
                    ("display_name", "Sam"),
                ],
            )
            .await;
        assert!(a.status < 400, "{i}: {a:?}");
    }
    let a = app
        .call(
            "sign_up",
            &[
                ("email", "one-too-many@example.org"),
                ("password", PASSWORD),
                ("display_name", "Sam"),
            ],
        )
        .await;
    assert_eq!(a.error_kind(), "rate_limited", "{a:?}");
    assert!(a.error_message().contains("try again in"), "{a:?}");
    assert!(app.emails_to("one-too-many@example.org").await.is_empty());
    assert_eq!(app.count("email_outbox").await, limit);
    let (users,): (i64,) =
        sqlx::query_as("select count(*) from users where email = 'one-too-many@example.org'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(users, 0, "a throttled sign-up creates no account");
}

#[tokio::test]
async fn sign_ups_for_one_address_from_many_clients_send_it_at_most_the_limit_of_emails() {
    let app = spawn_app_with(&[("TRUSTED_PROXIES", "127.0.0.1")]).await;
    let limit = app::domain::accounts::throttle::MAIL_TARGET.per_hour;
    let mut refused = 0;
    for i in 0..limit + 3 {
        // Each request comes from another client, as the trusted proxy saw it.
        let a = sign_up_via(&app, "Victim@example.org", "Sam", &format!("203.0.113.{i}")).await;
        if i < limit {
            assert!(a.status < 400, "{i}: {a:?}");
        } else {
            assert_eq!(a.error_kind(), "rate_limited", "{i}: {a:?}");
            refused += 1;
        }
    }
    assert_eq!(refused, 3);
    assert_eq!(
        app.emails_to("victim@example.org").await.len() as i64,
        limit
    );
    // Another address is not held back by the first one's requests.
    let a = sign_up_via(&app, "other@example.org", "Sam", "203.0.113.99").await;
    assert!(a.status < 400, "{a:?}");
    assert_eq!(app.emails_to("other@example.org").await.len(), 1);
}

#[tokio::test]
async fn password_reset_requests_for_one_address_are_throttled_whether_or_not_it_has_an_account() {
    let app = spawn_app_with(&[("TRUSTED_PROXIES", "127.0.0.1")]).await;
    let limit = app::domain::accounts::throttle::MAIL_TARGET.per_hour;
    for email in ["nobody@example.org", "somebody@example.org"] {
        if email == "somebody@example.org" {
            app.sign_up_and_log_in(email, "Sb").await;
        }
        let before = app.emails_to(email).await.len() as i64;
        let mut answers = Vec::new();
        for i in 0..limit + 2 {
            let a = app
                .call_with_headers(
                    "request_password_reset",
                    &[("email", email)],
                    &[("x-forwarded-for", &format!("198.51.100.{i}"))],
                )
                .await;
            answers.push(a.error_kind());
        }
        // The sign-up above used one of the address's requests.
        let allowed = if before > 0 { limit - 1 } else { limit };
        let rate_limited = answers.iter().filter(|k| *k == "rate_limited").count() as i64;
        assert_eq!(rate_limited, limit + 2 - allowed, "{email}: {answers:?}");
        assert!(app.emails_to(email).await.len() as i64 - before <= allowed);
    }
}

#[tokio::test]
async fn mail_to_an_unverified_address_never_carries_the_sign_up_forms_text() {
    let app = spawn_app().await;
    let typed = "Visit evil.example now";
    let a = app
        .call(
            "sign_up",
            &[
                ("email", "target@example.org"),
                ("password", PASSWORD),
                ("display_name", typed),
            ],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    // Again, so the "you already have an account" notice goes out for the unverified account.
    let again = app
        .call(
            "sign_up",
            &[
                ("email", "target@example.org"),
                ("password", PASSWORD),
                ("display_name", "Other text"),
            ],
        )
        .await;
    assert_eq!(again.status, a.status);
    let r = app
        .call("request_password_reset", &[("email", "target@example.org")])
        .await;
    assert!(r.status < 400, "{r:?}");

    let mails: Vec<(String, String, String)> = sqlx::query_as(
        "select subject, body_text, body_html from email_outbox where to_address = $1 order by id",
    )
    .bind("target@example.org")
    .fetch_all(app.state.db.pool())
    .await
    .unwrap();
    let subjects: Vec<&str> = mails.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(
        subjects,
        [
            "Confirm your Chipin account",
            "You already have a Chipin account",
            "Reset your Chipin password"
        ]
    );
    for (subject, text, html) in &mails {
        for part in [subject, text, html] {
            assert!(!part.contains("evil.example"), "{part}");
            assert!(!part.contains("Other text"), "{part}");
        }
        assert!(text.starts_with("Hello,"), "{text}");
    }
}

#[tokio::test]
async fn a_korean_account_gets_its_emails_in_korean() {
    use crate::helpers::{date, run_billing};
    use crate::population::{card, recipient, tip};
    use app::domain::processors::simulated::methods;
    let app = spawn_app().await;
    // Signing up from a Korean browser saves Korean as the account's language.
    let a = app
        .call_with_headers(
            "sign_up",
            &[
                ("email", "minji@example.org"),
                ("password", PASSWORD),
                ("display_name", "민지"),
            ],
            &[("accept-language", "ko-KR,ko;q=0.9")],
        )
        .await;
    assert_eq!(a.status, 200, "{a:?}");
    let (subject, text) = app.emails_to("minji@example.org").await.pop().unwrap();
    assert_eq!(subject, "Chipin 계정을 확인해 주세요");
    assert!(
        text.starts_with("안녕하세요.\n\nChipin에 오신 것을 환영합니다!"),
        "{text}"
    );
    assert!(text.contains("이 링크는 48시간 동안 유효합니다."), "{text}");
    let link = app.last_link_to("minji@example.org").await.unwrap();
    let res = app.client.get(&link).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/login?verified=1");

    // Whatever language the request comes in, the account's own is used.
    let a = app
        .call_with_headers(
            "request_password_reset",
            &[("email", "minji@example.org")],
            &[("accept-language", "en")],
        )
        .await;
    assert_eq!(a.status, 200, "{a:?}");
    let (subject, text) = app.emails_to("minji@example.org").await.pop().unwrap();
    assert_eq!(subject, "Chipin 비밀번호를 재설정하세요");
    assert!(text.starts_with("민지님, 안녕하세요.\n\n"), "{text}");
    assert!(text.contains("새 비밀번호 정하기: http://"), "{text}");

    // An English account's mail is as it always was.
    let a = app
        .call(
            "sign_up",
            &[
                ("email", "eve@example.org"),
                ("password", PASSWORD),
                ("display_name", "Eve"),
            ],
        )
        .await;
    assert_eq!(a.status, 200, "{a:?}");
    let (subject, text) = app.emails_to("eve@example.org").await.pop().unwrap();
    assert_eq!(subject, "Confirm your Chipin account");
    assert!(
        text.starts_with(
            "Hello,\n\nWelcome to Chipin! Please confirm your email address so you can log in.\n\n\
             Confirm your address: http://"
        ),
        "{text}"
    );
    let link = app.last_link_to("eve@example.org").await.unwrap();
    app.client.get(&link).send().await.unwrap();

    // Charge receipts: won as Korean writes them for her, as English writes them for Eve.
    let db = &app.state.db;
    let page = recipient(db, "hanji", "KRW").await;
    for email in ["minji@example.org", "eve@example.org"] {
        let who = crate::helpers::user_id(&app, email).await;
        tip(&app.state, who, page, "12000").await;
        card(&app.state, who, methods::SUCCEEDS, 28).await;
    }
    run_billing(&app, date("2027-01-28")).await;
    let mails = app.emails_to("minji@example.org").await;
    let (_, receipt) = mails
        .iter()
        .find(|(subject, _)| subject == "Chipin 영수증: 12,000원")
        .unwrap_or_else(|| panic!("no Korean receipt: {mails:?}"));
    assert!(
        receipt
            .starts_with("민지님, 안녕하세요.\n\n감사합니다! 카드로 결제된 금액은 12,000원입니다"),
        "{receipt}"
    );
    assert!(
        receipt.contains("- hanji(팁): 후원 12,000원, 수수료 분담 "),
        "{receipt}"
    );
    assert!(receipt.contains("후원 경로: http://"), "{receipt}");
    let mails = app.emails_to("eve@example.org").await;
    let (_, receipt) = mails
        .iter()
        .find(|(subject, _)| subject == "Your Chipin receipt: ₩12,000")
        .unwrap_or_else(|| panic!("no English receipt: {mails:?}"));
    assert!(
        receipt.contains("- hanji (tip): ₩12,000 given, fee share ₩"),
        "{receipt}"
    );
}

/// The language saved on the account (`None` before one is saved).
async fn saved_language(app: &TestApp, email: &str) -> Option<String> {
    let (language,): (Option<String>,) =
        sqlx::query_as("select language from users where email = $1")
            .bind(email)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    language
}

#[tokio::test]
async fn a_person_who_signs_up_in_korean_keeps_korean_pages_and_can_switch_to_english() {
    let app = spawn_app().await;
    let a = app
        .call_with_headers(
            "sign_up",
            &[
                ("email", "jiwoo@example.org"),
                ("password", PASSWORD),
                ("display_name", "지우"),
            ],
            &[("accept-language", "ko-KR,ko;q=0.9,en;q=0.5")],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    assert_eq!(
        saved_language(&app, "jiwoo@example.org").await.as_deref(),
        Some("ko")
    );

    // The browser sends no Accept-Language from here on: the account's language decides.
    let link = app.last_link_to("jiwoo@example.org").await.unwrap();
    app.client.get(&link).send().await.unwrap();
    let a = app
        .call(
            "log_in",
            &[("email", "jiwoo@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    let page = app.get("/account").await.text().await.unwrap();
    assert!(page.contains(r#"<html lang="ko""#), "{page}");
    assert!(page.contains("내 계정"), "the account page is in Korean");
    assert!(page.contains("비밀번호 변경"));
    assert!(!page.contains("Change password"));
    // The language setting shows the current one selected, each in its own name.
    assert!(page.contains(r#"action="/api/set_language""#));
    assert!(
        page.contains(r#"<option value="ko" lang="ko" selected"#),
        "{page}"
    );
    assert!(page.contains("English</option>"));

    let a = app
        .submit_form(
            "set_language",
            &[("language", "en"), ("back", "/account")],
            "/account",
        )
        .await;
    assert_eq!(a.status, 302, "{a:?}");
    assert_eq!(a.location.as_deref(), Some("/account"));
    assert_eq!(
        saved_language(&app, "jiwoo@example.org").await.as_deref(),
        Some("en")
    );
    let page = app.get("/account").await.text().await.unwrap();
    assert!(page.contains(r#"<html lang="en""#));
    assert!(page.contains("Your account") && page.contains("Change password"));
    assert!(!page.contains("내 계정"));

    // A language Chipin does not have is refused at the field, and nothing changes.
    let a = app
        .call("set_language", &[("language", "xx"), ("back", "/account")])
        .await;
    assert_eq!(a.error_field().as_deref(), Some("language"), "{a:?}");
    assert_eq!(
        a.error_message(),
        "Chipin is not translated into that language."
    );
    let a = app
        .submit_form(
            "set_language",
            &[("language", "xx"), ("back", "/account")],
            "/account",
        )
        .await;
    assert_eq!(a.location.as_deref(), Some(app.url("/account").as_str()));
    let page = app.get("/account").await.text().await.unwrap();
    assert!(page.contains("Chipin is not translated into that language."));
    assert!(page.contains(r#"<html lang="en""#));
    assert_eq!(
        saved_language(&app, "jiwoo@example.org").await.as_deref(),
        Some("en")
    );
    assert_eq!(
        app.cookie(app::i18n::LANGUAGE_COOKIE).as_deref(),
        Some("en")
    );
}

#[tokio::test]
async fn a_korean_reader_gets_field_errors_and_rate_limits_in_korean() {
    let app = spawn_app().await;
    let korean = [("accept-language", "ko")];
    let a = app
        .call_with_headers(
            "sign_up",
            &[
                ("email", "minjun@example.org"),
                ("password", "short"),
                ("display_name", "민준"),
            ],
            &korean,
        )
        .await;
    assert_eq!(a.error_field().as_deref(), Some("password"), "{a:?}");
    assert_eq!(a.error_message(), "비밀번호는 8자 이상으로 정하세요.");

    let a = app
        .call_with_headers(
            "sign_up",
            &[
                ("email", "not an address"),
                ("password", PASSWORD),
                ("display_name", "민준"),
            ],
            &korean,
        )
        .await;
    assert_eq!(a.error_field().as_deref(), Some("email"));
    assert_eq!(
        a.error_message(),
        "이메일 주소에는 공백이나 제어 문자를 쓸 수 없습니다."
    );

    // The same mistake in English reads as it always did.
    let a = app
        .call(
            "sign_up",
            &[
                ("email", "minjun@example.org"),
                ("password", "short"),
                ("display_name", "Minjun"),
            ],
        )
        .await;
    assert_eq!(
        a.error_message(),
        "Use at least 8 characters for your password."
    );

    // A wrong password, then the throttle, in Korean.
    let mut last = None;
    for _ in 0..30 {
        let a = app
            .call_with_headers(
                "log_in",
                &[
                    ("email", "nobody@example.org"),
                    ("password", "wrong-password"),
                ],
                &korean,
            )
            .await;
        if a.error_kind() == "rate_limited" {
            last = Some(a);
            break;
        }
        assert_eq!(
            a.error_message(),
            "이메일 또는 비밀번호가 올바르지 않습니다."
        );
    }
    let throttled = last.expect("failed logins are throttled");
    assert!(
        throttled
            .error_message()
            .starts_with("실패한 시도가 너무 많습니다."),
        "{throttled:?}"
    );
    assert!(
        throttled
            .error_message()
            .contains("초 뒤에 다시 시도하세요.")
    );
}
