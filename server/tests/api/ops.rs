//! Operating Chipin: a clean shutdown under way requests, `/metrics`, and `server backup`.

use crate::helpers::{PASSWORD, date, fresh_database, spawn_app_with};
use server::bench::build_population;
use std::process::{Command, Stdio};
use std::time::Duration;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// A free local port (bound and let go: another process could take it in between, which
/// would fail the test loudly rather than pass it wrongly).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn is_postgres() -> bool {
    std::env::var("CHIPIN_TEST_POSTGRES_URL").is_ok_and(|v| !v.is_empty())
}

/// The real `server` binary with a test environment (nothing inherited but `PATH`), run in
/// `dir` so no `.env` file is read.
fn server_command(dir: &std::path::Path, database_url: &str, port: u16) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_server"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "info,sqlx=warn")
        .env("DATABASE_URL", database_url)
        .env("BIND", format!("127.0.0.1:{port}"))
        .env("BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("MAIL_OUTBOX_DIR", dir.join("outbox"))
        .env("UPLOADS_DIR", dir.join("uploads"))
        .env("DEMO_DATA", "false")
        .current_dir(dir);
    cmd
}

#[tokio::test]
async fn sigterm_stops_accepting_lets_requests_under_way_finish_and_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database(dir.path()).await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let log = std::fs::File::create(dir.path().join("server.log")).unwrap();
    let mut child = server_command(dir.path(), &database_url, port)
        // The mail worker polls every second, so it is busy with the pool at shutdown too.
        .env("MAIL_POLL_SECS", "1")
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("start the server binary");

    let client = reqwest::Client::new();
    let mut up = false;
    for _ in 0..600 {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await
            && r.status() == 200
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "the server did not come up");

    // Sign-ups whose bodies are half sent: each is a request under way, waiting in its handler
    // for the rest of its body, when the signal comes.
    let token = "a".repeat(43);
    let mut streams = Vec::new();
    for i in 0..6 {
        let body =
            format!("email=leaving{i}%40example.org&password={PASSWORD}&display_name=Reader+{i}");
        let head = format!(
            "POST /api/sign_up HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {base}\r\n\
             Sec-Fetch-Site: same-origin\r\nCookie: {}={token}\r\n{}: {token}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
            app::web::CSRF_COOKIE,
            app::web::CSRF_HEADER,
            body.len()
        );
        let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        let (first, rest) = body.split_at(body.len() / 2);
        s.write_all(head.as_bytes()).await.unwrap();
        s.write_all(first.as_bytes()).await.unwrap();
        streams.push((s, rest.to_owned()));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err(),
        "a stopping server takes no new connections"
    );

    let mut answers = Vec::new();
    for (mut s, rest) in streams {
        s.write_all(rest.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        // The connection is kept alive by default; a stopping server closes it after answering.
        tokio::time::timeout(Duration::from_secs(60), s.read_to_end(&mut answer))
            .await
            .expect("the connection is closed after the answer")
            .unwrap();
        answers.push(String::from_utf8_lossy(&answer).into_owned());
    }
    for a in &answers {
        assert!(a.starts_with("HTTP/1.1 200"), "{a}");
    }

    let mut exited = None;
    for _ in 0..300 {
        if let Some(status) = child.try_wait().unwrap() {
            exited = Some(status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let Some(status) = exited else {
        let _ = child.kill();
        panic!("the server did not exit after SIGTERM");
    };
    let log = std::fs::read_to_string(dir.path().join("server.log")).unwrap();
    assert!(status.success(), "exit status {status:?}\n{log}");
    assert!(!log.contains("closed pool"), "{log}");
    assert!(!log.contains("ERROR"), "{log}");
    assert!(log.contains("database closed"), "{log}");

    // Every answered sign-up was committed, with its email queued.
    let db = app::domain::Db::connect(&database_url, 1).await.unwrap();
    let (users,): (i64,) = sqlx::query_as("select count(*) from users where email like 'leaving%'")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(users, 6);
    let (mails,): (i64,) =
        sqlx::query_as("select count(*) from email_outbox where to_address like 'leaving%'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(mails, 6);
    db.close().await;
}

const TOKEN: &str = "metrics-token-0123456789abcdef";

#[tokio::test]
async fn metrics_are_not_served_unless_configured() {
    let app = spawn_app_with(&[]).await;
    let res = app.get("/metrics").await;
    assert_eq!(res.status(), 404);
    let res = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn metrics_on_the_main_address_need_the_bearer_token() {
    let app = spawn_app_with(&[("METRICS_TOKEN", TOKEN)]).await;
    assert_eq!(app.get("/metrics").await.status(), 401);
    let wrong = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("metrics-token-0123456789abcdeX")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let in_query = app.get(&format!("/metrics?token={TOKEN}")).await;
    assert_eq!(in_query.status(), 401);
}

#[tokio::test]
async fn metrics_show_requests_by_route_billing_runs_processor_calls_mail_and_the_pool() {
    let app = spawn_app_with(&[("METRICS_TOKEN", TOKEN)]).await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    assert_eq!(app.get("/c/no-such-creator-here").await.status(), 404);
    build_population(&app.state.db, 3, 2).await.unwrap();
    let summary = server::workers::bill_once(&app.state, date("2026-11-01"))
        .await
        .unwrap();
    assert!(summary.charges_succeeded > 0);

    let res = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = res.text().await.unwrap();
    for series in [
        r#"chipin_http_requests_total{method="GET",route="/healthz",status="200"}"#,
        // Labelled by the route pattern, not the address asked for.
        r#"route="/c/{slug}",status="404"}"#,
        "chipin_http_request_duration_seconds_bucket{",
        r#"chipin_billing_runs_total{outcome="ok"}"#,
        "chipin_billing_run_duration_seconds_bucket{",
        r#"chipin_billing_charges_total{outcome="succeeded"}"#,
        "chipin_billing_items_charged_total",
        "chipin_billing_items_carried_forward_total",
        r#"chipin_processor_call_duration_seconds_bucket{operation="charge",outcome="ok""#,
        "chipin_mail_backlog",
        "chipin_db_pool_connections",
        "chipin_db_pool_idle_connections",
    ] {
        assert!(text.contains(series), "no {series} in\n{text}");
    }
    assert!(
        !text.contains("no-such-creator-here"),
        "raw paths never become labels"
    );
}

#[tokio::test]
async fn metrics_on_their_own_address_are_not_on_the_main_one() {
    let port = free_port();
    let app = spawn_app_with(&[("METRICS_BIND", &format!("127.0.0.1:{port}"))]).await;
    let main = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(main.status(), 404);
    let own = reqwest::get(format!("http://127.0.0.1:{port}/metrics"))
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
    assert!(
        own.text()
            .await
            .unwrap()
            .contains("chipin_db_pool_connections")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_copies_a_serving_sqlite_database_and_checks_the_copys_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database(dir.path()).await;
    let app = spawn_app_with(&[("DATABASE_URL", &database_url)]).await;
    let copy = dir.path().join("backup.db");
    let run = |port| {
        server_command(dir.path(), &database_url, port)
            .args(["backup", copy.to_str().unwrap()])
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    if is_postgres() {
        let out = run(free_port());
        assert!(!out.status.success());
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("pg_dump"), "{said}");
        assert!(!copy.exists());
        return;
    }
    build_population(&app.state.db, 20, 3).await.unwrap();
    server::workers::bill_once(&app.state, date("2026-11-01"))
        .await
        .unwrap();
    // A writer keeps going while the copy is taken.
    let writer = {
        let db = app.state.db.clone();
        tokio::spawn(async move {
            for i in 0..200 {
                let email = app::domain::mail::templates::verify_email(
                    &format!("during{i}@example.org"),
                    app::i18n::Locale::En,
                    "http://x.test/v",
                );
                app::domain::mail::enqueue(db.pool(), &email).await.unwrap();
            }
        })
    };
    let out = tokio::task::block_in_place(|| run(free_port()));
    writer.await.unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("ledger OK"), "{said}");

    // The copy is a database of its own with the charges in it.
    let db = app::domain::Db::connect(&format!("sqlite://{}", copy.display()), 1)
        .await
        .unwrap();
    let (charges,): (i64,) = sqlx::query_as("select count(*) from charges")
        .fetch_one(db.pool())
        .await
        .unwrap();
    db.close().await;
    assert!(charges > 0);

    // A backup never overwrites.
    let again = run(free_port());
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}
