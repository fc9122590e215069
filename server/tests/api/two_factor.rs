//! Two-factor sign-in: setting it up from the account pages, the login's second step (and the
//! half-state before it, which opens nothing), replayed and out-of-window codes, recovery
//! codes, the owners' guard on payouts and expenses, the fresh check before a password change
//! or payout settings, and the operator's reset.

use crate::fake_stripe::FakeStripe;
use crate::helpers::{
    PASSWORD, TestApp, give_to, post, spawn_app, spawn_app_with, steady_step, totp_code, user_id,
};
use crate::population::recipient;
use chrono::Utc;

const EMAIL: &str = "mara@example.org";
const KEY: &str = "a-test-key-that-is-long-enough-0123456789";

fn now() -> i64 {
    Utc::now().timestamp()
}

/// Logs in with the password only; returns where the server sent the browser.
async fn password_step(app: &TestApp, next: Option<&str>) -> String {
    let mut fields = vec![("email", EMAIL), ("password", PASSWORD)];
    if let Some(n) = next {
        fields.push(("next", n));
    }
    let a = app.call("log_in", &fields).await;
    assert!(a.status < 400, "{a:?}");
    a.location.expect("a redirect")
}

/// A logged-out browser for mara, whose account has two-factor sign-in; returns its key.
async fn mara_with_two_factor(app: &mut TestApp) -> String {
    app.sign_up_and_log_in(EMAIL, "Mara").await;
    let secret = app.turn_on_two_factor().await;
    app.new_browser();
    secret
}

async fn last_step(app: &TestApp) -> i64 {
    let (s,): (i64,) = sqlx::query_as(
        "select t.last_step from two_factor t join users u on u.id = t.user_id where u.email = $1",
    )
    .bind(EMAIL)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    s
}

#[tokio::test]
async fn setting_up_shows_a_qr_code_and_the_key_a_first_code_turns_it_on_and_recovery_codes_show_once()
 {
    let app = spawn_app_with(&[("TWO_FACTOR_KEY", KEY)]).await;
    app.sign_up_and_log_in(EMAIL, "Mara").await;
    let account = app.get("/account").await.text().await.unwrap();
    assert!(account.contains("Set up two-factor sign-in"), "{account}");
    let a = app.call("two_factor/begin", &[]).await;
    assert_eq!(a.location.as_deref(), Some("/account/two-factor"), "{a:?}");
    let html = app.get("/account/two-factor").await.text().await.unwrap();
    assert!(html.contains("src=\"data:image/svg+xml;base64,"), "{html}");
    let secret = crate::helpers::secret_on_page(&html);
    assert_eq!(secret.len(), 32, "160 bits in base32: {secret}");

    // At rest the key is sealed with TWO_FACTOR_KEY: a dump of the table does not show it.
    let (stored,): (String,) = sqlx::query_as("select secret from two_factor")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert!(
        stored.starts_with("v1:") && !stored.contains(&secret),
        "{stored}"
    );

    // A wrong first code leaves it off.
    let a = app.call("two_factor/confirm", &[("code", "000000")]).await;
    assert_eq!(a.status, 400, "{a:?}");
    assert_eq!(a.error_field().as_deref(), Some("code"));
    let uid = user_id(&app, EMAIL).await;
    assert!(
        !app::domain::accounts::two_factor::is_enabled(&app.state.db, uid)
            .await
            .unwrap()
    );

    steady_step().await;
    let a = app
        .call(
            "two_factor/confirm",
            &[("code", &totp_code(&secret, now()))],
        )
        .await;
    assert_eq!(
        a.location.as_deref(),
        Some("/account/two-factor/recovery-codes"),
        "{a:?}"
    );
    let shown = app
        .get("/account/two-factor/recovery-codes")
        .await
        .text()
        .await
        .unwrap();
    let codes = recovery_codes_on(&shown);
    assert_eq!(codes.len(), 10, "{shown}");
    // Stored only as digests; the sealed copy for the page is gone once shown.
    let (hashes, revealing): (i64, i64) = sqlx::query_as(
        "select (select count(*) from recovery_codes), \
         (select count(*) from two_factor where recovery_reveal is not null)",
    )
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!((hashes, revealing), (10, 0));
    let digests: Vec<(String,)> = sqlx::query_as("select code_hash from recovery_codes")
        .fetch_all(app.state.db.pool())
        .await
        .unwrap();
    for (d,) in &digests {
        assert!(codes.iter().all(|c| !d.contains(&c.replace('-', ""))));
    }
    let again = app
        .get("/account/two-factor/recovery-codes")
        .await
        .text()
        .await
        .unwrap();
    assert!(recovery_codes_on(&again).is_empty(), "shown only once");
    let html = app.get("/account/two-factor").await.text().await.unwrap();
    assert!(html.contains("Two-factor sign-in is on"), "{html}");
    assert!(
        !html.contains("two-factor-secret"),
        "the key is not shown again"
    );
}

/// The recovery codes listed on the page (`xxxx-xxxx-xxxx-xxxx`).
fn recovery_codes_on(html: &str) -> Vec<String> {
    let Some(start) = html.find("class=\"recovery-codes\"") else {
        return Vec::new();
    };
    let list = &html[start..html[start..].find("</ul>").unwrap() + start];
    list.split("<code>")
        .skip(1)
        .map(|c| c[..c.find("</code>").unwrap()].to_owned())
        .collect()
}

#[tokio::test]
async fn a_login_needs_the_code_and_the_half_state_in_between_opens_nothing() {
    let mut app = spawn_app().await;
    let secret = mara_with_two_factor(&mut app).await;

    let to = password_step(&app, Some("/c/mara?tab=posts")).await;
    assert_eq!(to, "/login/two-factor?next=%2Fc%2Fmara%3Ftab%3Dposts");
    assert!(app.cookie(app::web::SESSION_COOKIE).is_none());
    assert!(app.cookie(app::web::CHALLENGE_COOKIE).is_some());
    // The challenge is no session: nothing that needs a login works.
    assert_eq!(app.whoami().await, None);
    for (f, fields) in [
        ("two_factor/status", vec![]),
        ("two_factor/begin", vec![]),
        (
            "change_password",
            vec![("current_password", PASSWORD), ("new_password", "x")],
        ),
    ] {
        let a = app.call(f, &fields).await;
        assert!(a.status == 401 || a.status == 404, "{f}: {a:?}");
    }
    // Nor is the challenge token a session token.
    let challenge = app.cookie(app::web::CHALLENGE_COOKIE).unwrap();
    app.set_session_cookie(&challenge);
    assert_eq!(app.whoami().await, None);

    let a = app
        .call(
            "log_in_second_factor",
            &[("code", "123456"), ("next", "/c/mara?tab=posts")],
        )
        .await;
    assert_eq!(a.status, 400, "{a:?}");
    assert_eq!(a.error_field().as_deref(), Some("code"));
    assert_eq!(app.whoami().await, None);

    let code = app.fresh_code(EMAIL, &secret).await;
    let a = app
        .call(
            "log_in_second_factor",
            &[("code", &code), ("next", "/c/mara?tab=posts")],
        )
        .await;
    assert_eq!(a.location.as_deref(), Some("/c/mara?tab=posts"), "{a:?}");
    assert_eq!(app.whoami().await.as_deref(), Some(EMAIL));
    // The challenge was used up: it cannot start a second session.
    let a = app.call("log_in_second_factor", &[("code", &code)]).await;
    assert_eq!(a.status, 400, "{a:?}");

    // `next` is still only ever a local path.
    app.new_browser();
    let to = password_step(&app, Some("/\t/evil.example")).await;
    assert_eq!(to, "/login/two-factor?next=%2Faccount");
    let code = app.fresh_code(EMAIL, &secret).await;
    let a = app
        .call(
            "log_in_second_factor",
            &[("code", &code), ("next", "//evil.example")],
        )
        .await;
    assert_eq!(a.location.as_deref(), Some("/account"), "{a:?}");

    // A stale challenge (older than five minutes) is refused even with a right code.
    app.new_browser();
    password_step(&app, None).await;
    sqlx::query("update login_challenges set created_at = created_at - 301")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let code = app.fresh_code(EMAIL, &secret).await;
    let a = app.call("log_in_second_factor", &[("code", &code)]).await;
    assert_eq!(a.status, 400, "{a:?}");
    assert!(a.error_message().contains("expired"), "{a:?}");
    assert_eq!(app.whoami().await, None);
}

#[tokio::test]
async fn a_used_code_is_refused_and_wrong_codes_count_as_failed_logins() {
    let mut app = spawn_app().await;
    let secret = mara_with_two_factor(&mut app).await;
    // The code that turned it on was for this step: logging in with it again is a replay.
    steady_step().await;
    let used = totp_code(&secret, last_step(&app).await * 30);
    password_step(&app, None).await;
    let a = app.call("log_in_second_factor", &[("code", &used)]).await;
    assert_eq!(a.status, 400, "replayed code: {a:?}");
    // The next step's code works once, and then is a replay too.
    let next = totp_code(&secret, now() + 30);
    let a = app.call("log_in_second_factor", &[("code", &next)]).await;
    assert!(a.status < 400, "{a:?}");
    app.new_browser();
    password_step(&app, None).await;
    let a = app.call("log_in_second_factor", &[("code", &next)]).await;
    assert_eq!(a.status, 400, "replayed code: {a:?}");

    // Wrong codes are failed logins of the account: after the free ones, even the right code
    // must wait, and a right password does not wipe the count.
    let mut wrong = 0;
    loop {
        let a = app
            .call("log_in_second_factor", &[("code", "000000")])
            .await;
        if a.status == 429 {
            break;
        }
        assert_eq!(a.status, 400, "{a:?}");
        wrong += 1;
        assert!(wrong <= 5, "never throttled");
    }
    // The right code cleared the count; since then one replay and four wrong codes are free.
    assert_eq!(wrong, 4);
    let code = app.fresh_code(EMAIL, &secret).await;
    let a = app.call("log_in_second_factor", &[("code", &code)]).await;
    assert_eq!(a.status, 429, "even the right code waits: {a:?}");
    app.new_browser();
    let a = app
        .call("log_in", &[("email", EMAIL), ("password", PASSWORD)])
        .await;
    assert_eq!(a.status, 429, "the password step is throttled too: {a:?}");
    let (failures,): (i64,) =
        sqlx::query_as("select count(*) from login_failures where scope = 'account' and key = $1")
            .bind(EMAIL)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(failures, 5, "refused attempts are not counted again");
}

#[tokio::test]
async fn a_code_one_step_off_is_accepted_and_two_steps_off_is_not() {
    let mut app = spawn_app().await;
    let secret = mara_with_two_factor(&mut app).await;
    // Forget the step used at set-up, as if a minute had passed.
    sqlx::query("update two_factor set last_step = 0")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    password_step(&app, None).await;
    steady_step().await;
    let t = now();
    for off in [-2, 2] {
        let a = app
            .call(
                "log_in_second_factor",
                &[("code", &totp_code(&secret, t + off * 30))],
            )
            .await;
        assert_eq!(a.status, 400, "{off} steps off: {a:?}");
    }
    let a = app
        .call(
            "log_in_second_factor",
            &[("code", &totp_code(&secret, t - 30))],
        )
        .await;
    assert!(a.status < 400, "one step behind: {a:?}");
    assert_eq!(last_step(&app).await, t / 30 - 1);

    app.new_browser();
    password_step(&app, None).await;
    let a = app
        .call(
            "log_in_second_factor",
            &[("code", &totp_code(&secret, t + 30))],
        )
        .await;
    assert!(a.status < 400, "one step ahead: {a:?}");
    assert_eq!(last_step(&app).await, t / 30 + 1);
    // Now every code of the window is at or before the last used step.
    app.new_browser();
    password_step(&app, None).await;
    let a = app
        .call("log_in_second_factor", &[("code", &totp_code(&secret, t))])
        .await;
    assert_eq!(a.status, 400, "older than the last used step: {a:?}");
}

#[tokio::test]
async fn a_recovery_code_logs_in_once() {
    let mut app = spawn_app().await;
    app.sign_up_and_log_in(EMAIL, "Mara").await;
    app.turn_on_two_factor().await;
    let codes = recovery_codes_on(
        &app.get("/account/two-factor/recovery-codes")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(codes.len(), 10);
    app.new_browser();
    password_step(&app, None).await;
    // Typed loosely: upper case, spaces instead of dashes.
    let typed = codes[3].to_uppercase().replace('-', " ");
    let a = app.call("log_in_second_factor", &[("code", &typed)]).await;
    assert!(a.status < 400, "{a:?}");
    assert_eq!(app.whoami().await.as_deref(), Some(EMAIL));
    let page = app.get("/account/two-factor").await.text().await.unwrap();
    assert!(page.contains("Recovery codes left: 9 of 10."), "{page}");

    app.new_browser();
    password_step(&app, None).await;
    let a = app
        .call("log_in_second_factor", &[("code", &codes[3])])
        .await;
    assert_eq!(a.status, 400, "a recovery code works once: {a:?}");
    let a = app
        .call("log_in_second_factor", &[("code", &codes[4])])
        .await;
    assert!(a.status < 400, "another one still works: {a:?}");
}

#[tokio::test]
async fn owners_need_two_factor_before_connecting_payouts_or_recording_expenses() {
    let fake = FakeStripe::start().await;
    let app = fake.spawn_app().await;
    let db = app.state.db.clone();
    let mara = recipient(&db, "mara", "USD").await;
    app.sign_up_and_log_in(EMAIL, "Mara").await;
    give_to(&app, mara, EMAIL).await;
    let id = mara.to_string();

    let a = app
        .call("trail/start_stripe_payouts", &[("recipient_id", &id)])
        .await;
    assert_eq!(a.status, 400, "{a:?}");
    assert!(a.error_message().contains("two-factor"), "{a:?}");
    assert!(fake.requests_to("POST", "/v1/accounts").is_empty());
    let expense = [
        ("recipient_id", id.clone()),
        ("amount", "1.00".to_owned()),
        ("description", "Paint".to_owned()),
        ("spent_on", "2026-01-05".to_owned()),
    ];
    let a = post(&app, "trail/record_expense", &expense).await;
    assert_eq!(a.status, 400, "{a:?}");
    assert!(a.error_message().contains("two-factor"), "{a:?}");
    assert_eq!(app.count("expenses").await, 0);

    let secret = app.turn_on_two_factor().await;
    // Turned on just now, so the session is freshly checked: onboarding goes ahead.
    let a = app
        .call("trail/start_stripe_payouts", &[("recipient_id", &id)])
        .await;
    assert!(
        a.location
            .as_deref()
            .is_some_and(|l| l.starts_with("https://connect.stripe.com/")),
        "{a:?}"
    );
    // Expenses pass the guard (this creator page has no expenses to record: another refusal).
    let a = post(&app, "trail/record_expense", &expense).await;
    assert!(!a.body.contains("two-factor"), "{a:?}");

    // Ten minutes later payout settings ask again.
    sqlx::query("update sessions set second_factor_at = second_factor_at - 601")
        .execute(db.pool())
        .await
        .unwrap();
    let a = app
        .call("trail/start_stripe_payouts", &[("recipient_id", &id)])
        .await;
    assert_eq!(
        a.location.as_deref(),
        Some(format!("/account/confirm?next=%2Fstudio%2Fp%2F{mara}%2Fpayouts").as_str()),
        "{a:?}"
    );
    assert_eq!(fake.requests_to("POST", "/v1/account_links").len(), 1);
    let a = app
        .call(
            "two_factor/step_up",
            &[("code", "999999"), ("next", "/studio")],
        )
        .await;
    assert_eq!(a.status, 400, "{a:?}");
    let code = app.fresh_code(EMAIL, &secret).await;
    let a = app
        .call(
            "two_factor/step_up",
            &[
                ("code", &code),
                ("next", &format!("/studio/p/{mara}/payouts")),
            ],
        )
        .await;
    assert_eq!(
        a.location.as_deref(),
        Some(format!("/studio/p/{mara}/payouts").as_str())
    );
    let a = app
        .call("trail/start_stripe_payouts", &[("recipient_id", &id)])
        .await;
    assert!(
        a.location
            .as_deref()
            .is_some_and(|l| l.starts_with("https://connect.stripe.com/")),
        "{a:?}"
    );
    assert_eq!(fake.requests_to("POST", "/v1/account_links").len(), 2);
}

#[tokio::test]
async fn changing_the_password_asks_for_a_code_once_the_last_check_is_ten_minutes_old() {
    let app = spawn_app().await;
    app.sign_up_and_log_in(EMAIL, "Mara").await;
    let secret = app.turn_on_two_factor().await;
    sqlx::query("update sessions set second_factor_at = second_factor_at - 601")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let new_password = "quartz-lantern-meadow-27";
    let change = |code: &'static str| {
        vec![
            ("current_password", PASSWORD.to_owned()),
            ("new_password", new_password.to_owned()),
            ("code", code.to_owned()),
        ]
    };
    for code in ["", "000000"] {
        let a = post(&app, "change_password", &change(code)).await;
        assert_eq!(a.status, 400, "{a:?}");
        assert_eq!(a.error_field().as_deref(), Some("code"), "{a:?}");
    }
    let page = app.get("/account").await.text().await.unwrap();
    assert!(page.contains("Code from your authenticator app"), "{page}");
    let code = app.fresh_code(EMAIL, &secret).await;
    let a = post(
        &app,
        "change_password",
        &[
            ("current_password", PASSWORD.to_owned()),
            ("new_password", new_password.to_owned()),
            ("code", code),
        ],
    )
    .await;
    assert_eq!(a.location.as_deref(), Some("/account?changed=1"), "{a:?}");
    let (hash,): (String,) = sqlx::query_as("select password_hash from users where email = $1")
        .bind(EMAIL)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert!(
        app.state
            .hasher
            .verify(new_password, Some(&hash))
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn turning_it_off_needs_a_current_code() {
    let mut app = spawn_app().await;
    app.sign_up_and_log_in(EMAIL, "Mara").await;
    let secret = app.turn_on_two_factor().await;
    let a = app.call("two_factor/disable", &[("code", "")]).await;
    assert_eq!(a.status, 400, "{a:?}");
    let a = app.call("two_factor/disable", &[("code", "123456")]).await;
    assert_eq!(a.status, 400, "{a:?}");
    let code = app.fresh_code(EMAIL, &secret).await;
    let a = app.call("two_factor/disable", &[("code", &code)]).await;
    assert_eq!(
        a.location.as_deref(),
        Some("/account/two-factor?off=1"),
        "{a:?}"
    );
    assert_eq!(app.count("recovery_codes").await, 0);
    app.new_browser();
    let to = password_step(&app, None).await;
    assert_eq!(to, "/account");
}

#[tokio::test]
async fn the_operator_resets_two_factor_from_the_command_line() {
    let mut app = spawn_app().await;
    mara_with_two_factor(&mut app).await;
    let out = server::cli::accounts::reset_two_factor(&app.state.db, " Mara@Example.org ")
        .await
        .unwrap();
    assert!(
        out.contains("two-factor sign-in is off for mara@example.org"),
        "{out}"
    );
    assert_eq!(app.count("two_factor").await, 0);
    assert_eq!(app.count("recovery_codes").await, 0);
    let to = password_step(&app, None).await;
    assert_eq!(to, "/account", "the password alone logs in again");
    assert_eq!(app.whoami().await.as_deref(), Some(EMAIL));
    let unknown =
        server::cli::accounts::reset_two_factor(&app.state.db, "nobody@example.org").await;
    assert!(unknown.is_err());
}
