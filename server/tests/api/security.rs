//! CSRF defence, security headers, health check and error pages.

use crate::helpers::{PASSWORD, spawn_app};

fn sign_up_fields(token: &str) -> Vec<(&'static str, String)> {
    vec![
        ("email", "zed@example.org".to_owned()),
        ("password", PASSWORD.to_owned()),
        ("display_name", "Zed".to_owned()),
        (app::web::CSRF_FIELD, token.to_owned()),
    ]
}

#[tokio::test]
async fn cross_site_and_tokenless_posts_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let token = app.csrf().await;
    let url = app.url("/api/sign_up");

    // A form on another site posting here: the browser says so.
    let res = app
        .client
        .post(&url)
        .header("origin", "https://evil.example")
        .form(&sign_up_fields(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = app
        .client
        .post(&url)
        .header("sec-fetch-site", "cross-site")
        .form(&sign_up_fields(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = app
        .client
        .post(&url)
        .header("sec-fetch-site", "same-site")
        .form(&sign_up_fields(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // Same origin but without the token, or with a wrong one.
    let mut no_token = sign_up_fields(&token);
    no_token.pop();
    let res = app
        .client
        .post(&url)
        .header("origin", &app.base)
        .form(&no_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = app
        .client
        .post(&url)
        .header("origin", &app.base)
        .form(&sign_up_fields(
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = app
        .client
        .post(&url)
        .header("origin", &app.base)
        .header(app::web::CSRF_HEADER, "wrong")
        .form(&sign_up_fields(""))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // A browser without the cookie (the attacker's victim never loaded a Chipin page).
    let fresh = reqwest::Client::new();
    let res = fresh
        .post(&url)
        .form(&sign_up_fields(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    assert_eq!(app.count("users").await, 0);
    assert_eq!(app.count("email_outbox").await, 0);

    // The same form from Chipin's own page goes through.
    let res = app
        .client
        .post(&url)
        .header("origin", &app.base)
        .header("sec-fetch-site", "same-origin")
        .form(&sign_up_fields(&token))
        .send()
        .await
        .unwrap();
    assert!(res.status().as_u16() < 400, "{}", res.status());
    assert_eq!(app.count("users").await, 1);
}

#[tokio::test]
async fn a_cross_site_logout_does_not_log_anyone_out() {
    let app = spawn_app().await;
    app.sign_up_and_log_in("yan@example.org", "Yan").await;
    let res = app
        .client
        .post(app.url("/api/log_out"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(app.whoami().await.as_deref(), Some("yan@example.org"));
}

#[tokio::test]
async fn pages_carry_security_headers_and_a_nonce_for_their_scripts() {
    let app = spawn_app().await;
    let res = app.get("/").await;
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline"));
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert!(h.contains_key("x-request-id"));
    let cookie = h
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(cookie.contains("chipin_csrf=") && cookie.contains("SameSite=Lax"));
    let body = res.text().await.unwrap();
    let scripts = body.matches("<script").count();
    assert!(scripts > 0);
    assert_eq!(
        body.matches(&format!("<script type=\"module\" nonce=\"{nonce}\""))
            .count()
            + body.matches(&format!("<script nonce=\"{nonce}\"")).count(),
        scripts,
        "every inline script carries this response's nonce"
    );
    // A second response gets a different nonce.
    let again = app.get("/").await;
    assert_ne!(
        again.headers()["content-security-policy"].to_str().unwrap(),
        csp
    );
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_lax() {
    let app = spawn_app().await;
    app.call(
        "sign_up",
        &[
            ("email", "xu@example.org"),
            ("password", PASSWORD),
            ("display_name", "Xu"),
        ],
    )
    .await;
    let link = app.last_link_to("xu@example.org").await.unwrap();
    app.client.get(&link).send().await.unwrap();
    let token = app.csrf().await;
    let res = app
        .client
        .post(app.url("/api/log_in"))
        .header("origin", &app.base)
        .header(app::web::CSRF_HEADER, token)
        .form(&[("email", "xu@example.org"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let set = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("chipin_session="))
        .expect("a session cookie");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "plain http in tests");
}

#[tokio::test]
async fn health_check_reports_the_database() {
    let app = spawn_app().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "ok");
    app.state.db.close().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 503);
}

#[tokio::test]
async fn unknown_pages_get_a_404_page_that_looks_like_the_site() {
    let app = spawn_app().await;
    let res = app.get("/no/such/page").await;
    assert_eq!(res.status(), 404);
    let body = res.text().await.unwrap();
    assert!(body.contains("Page not found") && body.contains("site-header"));
    let res = app.get("/c/nobody-here").await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn internal_errors_reach_the_browser_as_a_fixed_message() {
    let app = spawn_app().await;
    let token = app.csrf().await;
    // Break the database under the server function.
    sqlx::query("drop table email_outbox")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let res = app
        .client
        .post(app.url("/api/sign_up"))
        .header("origin", &app.base)
        .header(app::web::CSRF_HEADER, token)
        .form(&[
            ("email", "wu@example.org"),
            ("password", PASSWORD),
            ("display_name", "Wu"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 500);
    let body = res.text().await.unwrap();
    assert!(body.contains("\"kind\":\"internal\""), "{body}");
    assert!(
        !body.to_lowercase().contains("email_outbox") && !body.to_lowercase().contains("table"),
        "{body}"
    );
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_413_and_changes_nothing() {
    let app = spawn_app().await;
    let token = app.csrf().await;
    let huge = "a".repeat(server::DEFAULT_BODY_LIMIT + 1);
    // The way the hydrated page sends a form (token in a header, so the CSRF check never
    // reads the body): an otherwise valid sign-up.
    let res = app
        .client
        .post(app.url("/api/sign_up"))
        .header("origin", app.url(""))
        .header("sec-fetch-site", "same-origin")
        .header(app::web::CSRF_HEADER, &token)
        .form(&[
            ("email", "zed@example.org"),
            ("password", PASSWORD),
            ("display_name", "Zed"),
            ("padding", huge.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    // A plain HTML form, token in the body.
    let mut fields = sign_up_fields(&token);
    fields.push(("padding", huge.clone()));
    let res = app
        .client
        .post(app.url("/api/sign_up"))
        .header("origin", app.url(""))
        .header("sec-fetch-site", "same-origin")
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    // Any other address, page or not.
    for path in ["/login", "/no-such-page"] {
        let res = app
            .client
            .post(app.url(path))
            .header("origin", app.url(""))
            .header("sec-fetch-site", "same-origin")
            .header(app::web::CSRF_HEADER, &token)
            .body(huge.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 413, "{path}");
    }
    assert_eq!(app.count("users").await, 0);
    assert!(app.emails_to("zed@example.org").await.is_empty());

    // Just under the limit is an ordinary request.
    let res = app
        .client
        .post(app.url("/api/sign_up"))
        .header("origin", app.url(""))
        .header("sec-fetch-site", "same-origin")
        .header(app::web::CSRF_HEADER, &token)
        .form(&[
            ("email", "zed@example.org"),
            ("password", PASSWORD),
            ("display_name", "Zed"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(app.count("users").await, 1);
}

/// A request that is still running when `REQUEST_TIMEOUT_SECS` runs out is answered 503,
/// whatever route it is for: here the body never finishes arriving, so the CSRF check (or
/// the handler) waits on it for ever. One second, the smallest time-out.
#[tokio::test]
async fn a_request_that_outlasts_the_time_out_is_answered_503() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let app = crate::helpers::spawn_app_with(&[("REQUEST_TIMEOUT_SECS", "1")]).await;
    let token = app.csrf().await;
    let host = app
        .url("")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    for (path, token_header) in [("/api/sign_up", false), ("/api/log_in", true)] {
        let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
        let header = if token_header {
            format!("{}: {token}\r\n", app::web::CSRF_HEADER)
        } else {
            String::new()
        };
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\n\
             Sec-Fetch-Site: same-origin\r\nCookie: {}={token}\r\n{header}\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n\
             email=zed%40example.org&",
            app::web::CSRF_COOKIE
        );
        let started = std::time::Instant::now();
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = vec![0u8; 4096];
        let n = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut answer))
            .await
            .expect("an answer within the time-out")
            .unwrap();
        let answer = String::from_utf8_lossy(&answer[..n]).into_owned();
        assert!(answer.starts_with("HTTP/1.1 503"), "{path}: {answer}");
        assert!(
            answer
                .to_ascii_lowercase()
                .contains("content-security-policy"),
            "{answer}"
        );
        let took = started.elapsed();
        assert!(took >= std::time::Duration::from_millis(900), "{took:?}");
    }
    assert_eq!(app.count("users").await, 0);
}
