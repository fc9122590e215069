//! Outgoing webhooks: delivered to a real HTTP receiver started by the test, with signatures
//! checked by an independent implementation of Standard Webhooks (the `standardwebhooks`
//! package from PyPI, run by Python); retried after a 500 and a time-out; neither lost nor
//! doubled when a worker dies mid-flight; given up after three days (endpoint disabled, owner
//! emailed); never sent to private addresses; signed with both secrets during a rotation;
//! queued only by changes that commit; and seen and changed only by the page's owner.

use crate::helpers::{TestApp, date, give_to, run_default_billing, spawn_app_with};
use crate::population::*;
use app::domain::hooks::delivery::{self, Sender};
use app::domain::hooks::{self, Event, EventType};
use app::domain::platform::clock::now;
use app::domain::processors::simulated::methods;
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Settings that let the tests deliver to their own receiver on 127.0.0.1 over plain HTTP;
/// the worker polls once a day, so each test drives delivery itself.
const LOCAL: &[(&str, &str)] = &[
    ("WEBHOOKS_ALLOW_PRIVATE", "true"),
    ("WEBHOOKS_ALLOW_HTTP", "true"),
    ("WEBHOOKS_POLL_SECS", "86400"),
];

/// One request the receiver got.
#[derive(Clone, Debug)]
struct Received {
    headers: HashMap<String, String>,
    body: String,
}

impl Received {
    fn id(&self) -> &str {
        &self.headers["webhook-id"]
    }
}

/// How the receiver answers the next request.
#[derive(Clone, Copy, Debug)]
enum Reply {
    Status(u16),
    /// Answers 200 after this long (longer than the sender waits: a time-out).
    Slow(Duration),
    /// 307 to another address.
    Redirect,
}

/// A local HTTP server that records every request and answers from a script (200 when the
/// script is empty).
struct Receiver {
    url: String,
    port: u16,
    got: Arc<Mutex<Vec<Received>>>,
    script: Arc<Mutex<VecDeque<Reply>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Receiver {
    async fn start(script: &[Reply]) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let script = Arc::new(Mutex::new(script.iter().copied().collect::<VecDeque<_>>()));
        let (g, s) = (got.clone(), script.clone());
        let handler = move |headers: http::HeaderMap, body: String| {
            let (g, s) = (g.clone(), s.clone());
            async move {
                let headers = headers
                    .iter()
                    .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
                    .collect();
                g.lock().unwrap().push(Received { headers, body });
                let reply = s.lock().unwrap().pop_front().unwrap_or(Reply::Status(200));
                match reply {
                    Reply::Status(code) => (
                        http::StatusCode::from_u16(code).unwrap(),
                        [("location", "/")],
                        "answer",
                    ),
                    Reply::Slow(wait) => {
                        tokio::time::sleep(wait).await;
                        (http::StatusCode::OK, [("location", "/")], "late")
                    }
                    Reply::Redirect => (
                        http::StatusCode::TEMPORARY_REDIRECT,
                        [("location", "http://127.0.0.1:9/elsewhere")],
                        "moved",
                    ),
                }
            }
        };
        let router = axum::Router::new().fallback(axum::routing::any(handler));
        let task = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        Self {
            url: format!("http://127.0.0.1:{port}/hooks"),
            port,
            got,
            script,
            task,
        }
    }

    fn got(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

/// The Python that has the `standardwebhooks` package: `CHIPIN_STANDARDWEBHOOKS_PYTHON` (CI
/// sets it), or a virtual environment in `~/.cache/chipin` made on first use with pip.
fn verifier_python() -> PathBuf {
    static MADE: Mutex<Option<PathBuf>> = Mutex::new(None);
    if let Ok(p) = std::env::var("CHIPIN_STANDARDWEBHOOKS_PYTHON")
        && !p.is_empty()
    {
        return PathBuf::from(p);
    }
    let mut made = MADE.lock().unwrap();
    if let Some(p) = made.as_ref() {
        return p.clone();
    }
    let home = std::env::var("HOME").unwrap_or_else(|_| "/tmp".to_owned());
    let venv = PathBuf::from(home).join(".cache/chipin/standardwebhooks-venv");
    let python = venv.join("bin/python");
    let has = |py: &PathBuf| {
        std::process::Command::new(py)
            .args(["-c", "import standardwebhooks"])
            .status()
            .is_ok_and(|s| s.success())
    };
    if !has(&python) {
        let ok = std::process::Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success())
            && std::process::Command::new(venv.join("bin/pip"))
                .args(["install", "-q", "standardwebhooks==1.3.0"])
                .status()
                .is_ok_and(|s| s.success());
        assert!(
            ok && has(&python),
            "could not install the standardwebhooks package into {}",
            venv.display()
        );
    }
    *made = Some(python.clone());
    python
}

/// What the `standardwebhooks` library says of each request under each secret: "ok", or the
/// exception it raised.
fn verify(cases: &[(&str, &Received)]) -> Vec<String> {
    const SCRIPT: &str = r#"
import json, sys
from standardwebhooks.webhooks import Webhook
out = []
for case in json.load(sys.stdin):
    try:
        Webhook(case["secret"]).verify(case["body"], case["headers"])
        out.append("ok")
    except Exception as e:
        out.append(type(e).__name__)
print(json.dumps(out))
"#;
    let input = serde_json::Value::Array(
        cases
            .iter()
            .map(|(secret, r)| {
                serde_json::json!({"secret": secret, "body": r.body, "headers": r.headers})
            })
            .collect(),
    )
    .to_string();
    let mut child = std::process::Command::new(verifier_python())
        .args(["-c", SCRIPT])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python runs");
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the verifier failed: {out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// An endpoint for `recipient` straight in the database (as registered, with `events`), for
/// addresses the studio would refuse; returns (id, secret).
async fn endpoint(app: &TestApp, recipient: i64, url: &str, events: &str) -> (i64, String) {
    let secret = hooks::signing::new_secret();
    let (id,): (i64,) = sqlx::query_as(
        "insert into hook_endpoints (recipient_id, url, events, secret, secret_unseen, created_at) \
         values ($1, $2, $3, $4, 0, $5) returning id",
    )
    .bind(recipient)
    .bind(url)
    .bind(events)
    .bind(&secret)
    .bind(now())
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    (id, secret)
}

/// Queues a `post.published` event for `recipient` in a transaction of its own.
async fn event(app: &TestApp, recipient: i64, n: i64) -> u64 {
    let mut tx = app.state.db.begin_write().await.unwrap();
    let queued = hooks::enqueue(
        &mut tx,
        Event {
            recipient_id: recipient,
            kind: EventType::PostPublished,
            data: serde_json::json!({"post_id": n, "recipient_id": recipient}),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    queued
}

/// (status, attempts, next attempt, last status code, last error) of every delivery, by id.
async fn deliveries(app: &TestApp) -> Vec<(String, i64, i64, Option<i64>, Option<String>)> {
    sqlx::query_as(
        "select status, attempts, next_attempt_at, last_status_code, last_error from hook_deliveries order by id",
    )
    .fetch_all(app.state.db.pool())
    .await
    .unwrap()
}

async fn message_ids(app: &TestApp) -> Vec<String> {
    sqlx::query_as::<_, (String,)>("select message_id from hook_events order by id")
        .fetch_all(app.state.db.pool())
        .await
        .unwrap()
        .into_iter()
        .map(|(m,)| m)
        .collect()
}

fn site(app: &TestApp) -> String {
    app.state.billing.site_url.clone()
}

/// The signing secret shown on a studio page, if any.
fn secret_on(html: &str) -> Option<String> {
    let at = html.find("whsec_")?;
    let rest = &html[at..];
    Some(rest[..rest.find('<').unwrap()].to_owned())
}

#[tokio::test]
async fn deliveries_reach_a_local_receiver_signed_as_the_standard_webhooks_library_verifies() {
    let mut vars = LOCAL.to_vec();
    // This test lets the server's own worker deliver.
    vars.retain(|(k, _)| *k != "WEBHOOKS_POLL_SECS");
    vars.push(("WEBHOOKS_POLL_SECS", "1"));
    let app = spawn_app_with(&vars).await;
    let receiver = Receiver::start(&[]).await;
    let db = &app.state.db;
    app.sign_up_and_log_in("owner@example.org", "Owner").await;
    let page = recipient(db, "maker", "USD").await;
    give_to(&app, page, "owner@example.org").await;
    let studio = format!("/studio/p/{page}/webhooks");

    // Registered through the studio's plain form; the secret is on the next page view only.
    let a = app
        .submit_form(
            "hooks/create",
            &[
                ("recipient_id", &page.to_string()),
                ("url", &receiver.url),
                ("events[]", "pledge.created"),
                ("events[]", "donation.paid"),
            ],
            &studio,
        )
        .await;
    assert_eq!(
        a.location.as_deref(),
        Some(format!("{studio}?saved=hook_created").as_str()),
        "{a:?}"
    );
    let html = app.get(&studio).await.text().await.unwrap();
    let secret = secret_on(&html).expect("the new secret is shown");
    assert!(secret.len() >= "whsec_".len() + 32, "{secret}");
    let again = app.get(&studio).await.text().await.unwrap();
    assert_eq!(secret_on(&again), None, "a secret is shown only once");
    assert!(again.contains(&receiver.url));

    // A pledge, then its first charge: two events, delivered by the worker.
    let fan = user(db, "Fan").await;
    pledge(&app.state, fan, page, "5").await;
    card(&app.state, fan, methods::SUCCEEDS, 28).await;
    run_default_billing(&app, date("2027-01-28")).await;
    let mut got = Vec::new();
    for _ in 0..100 {
        got = receiver.got();
        if got.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(got.len(), 2, "{got:?}");
    let types: Vec<String> = got
        .iter()
        .map(|r| {
            let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
            v["type"].as_str().unwrap().to_owned()
        })
        .collect();
    // Sent at once, they may arrive in either order.
    if types[0] != "pledge.created" {
        got.reverse();
    }
    let mut sorted = types.clone();
    sorted.sort();
    assert_eq!(sorted, ["donation.paid", "pledge.created"]);
    let paid: serde_json::Value = serde_json::from_str(&got[1].body).unwrap();
    assert_eq!(paid["data"]["gross_minor"], 500);
    assert_eq!(paid["data"]["currency"], "USD");
    assert_eq!(paid["data"]["recipient_id"], page);
    assert!(paid["timestamp"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        got.iter().map(|r| r.id().to_owned()).collect::<Vec<_>>(),
        message_ids(&app).await,
        "each event's webhook-id"
    );
    assert_eq!(got[0].headers["content-type"], "application/json");

    // The independent implementation accepts every delivery, and refuses them under another
    // secret or with the body changed.
    let other = hooks::signing::new_secret();
    let mut tampered = got[0].clone();
    tampered.body = tampered.body.replace("pledge.created", "pledge.cancelled");
    assert_eq!(
        verify(&[
            (&secret, &got[0]),
            (&secret, &got[1]),
            (&other, &got[0]),
            (&secret, &tampered)
        ]),
        [
            "ok",
            "ok",
            "WebhookVerificationError",
            "WebhookVerificationError"
        ]
    );

    // The log says so.
    let mut logged = Vec::new();
    for _ in 0..50 {
        logged = deliveries(&app).await;
        if logged.iter().all(|d| d.0 == "delivered") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        logged
            .iter()
            .all(|d| d.0 == "delivered" && d.1 == 1 && d.3 == Some(200)),
        "{logged:?}"
    );
    let html = app.get(&studio).await.text().await.unwrap();
    assert_eq!(html.matches("delivery delivery-delivered").count(), 2);
}

#[tokio::test]
async fn a_500_and_a_time_out_are_retried_with_back_off_and_the_same_webhook_id() {
    let app = spawn_app_with(LOCAL).await;
    let receiver = Receiver::start(&[
        Reply::Status(500),
        Reply::Slow(Duration::from_secs(3)),
        Reply::Status(204),
    ])
    .await;
    let page = recipient(&app.state.db, "maker", "USD").await;
    endpoint(&app, page, &receiver.url, ",post.published,").await;
    assert_eq!(event(&app, page, 1).await, 1);
    let sender = Sender::with_timeout(true, Duration::from_secs(1));
    let db = &app.state.db;
    let t0 = now();

    let r = delivery::deliver_due(db, &sender, &site(&app), t0, 10)
        .await
        .unwrap();
    assert_eq!((r.claimed, r.failed), (1, 1));
    let d = &deliveries(&app).await[0];
    assert_eq!(
        (d.0.as_str(), d.1, d.2, d.3),
        ("pending", 1, t0 + 5, Some(500))
    );
    // Not due again before its back-off.
    let r = delivery::deliver_due(db, &sender, &site(&app), t0 + 4, 10)
        .await
        .unwrap();
    assert_eq!(r.claimed, 0);

    let r = delivery::deliver_due(db, &sender, &site(&app), t0 + 5, 10)
        .await
        .unwrap();
    assert_eq!(r.failed, 1);
    let d = &deliveries(&app).await[0];
    assert_eq!(
        (d.0.as_str(), d.1, d.2, d.3, d.4.as_deref()),
        ("pending", 2, t0 + 5 + 300, None, Some("timed out"))
    );

    let r = delivery::deliver_due(db, &sender, &site(&app), t0 + 305, 10)
        .await
        .unwrap();
    assert_eq!(r.delivered, 1);
    let d = &deliveries(&app).await[0];
    assert_eq!((d.0.as_str(), d.1, d.3), ("delivered", 3, Some(204)));

    let got = receiver.got();
    assert_eq!(got.len(), 3);
    assert!(got.iter().all(|r| r.id() == got[0].id()), "one webhook-id");
    let stamps: Vec<i64> = got
        .iter()
        .map(|r| r.headers["webhook-timestamp"].parse().unwrap())
        .collect();
    assert_eq!(
        stamps,
        [t0, t0 + 5, t0 + 305],
        "each attempt signs its own time"
    );
    assert_eq!(receiver.script.lock().unwrap().len(), 0);
}

#[tokio::test]
async fn a_worker_that_dies_after_sending_leaves_exactly_one_resend_after_its_lease() {
    let app = spawn_app_with(LOCAL).await;
    let receiver = Receiver::start(&[]).await;
    let db = &app.state.db;
    let page = recipient(db, "maker", "USD").await;
    endpoint(&app, page, &receiver.url, ",post.published,").await;
    for n in 0..3 {
        event(&app, page, n).await;
    }
    let sender = Sender::new(true);
    let t0 = now();

    // A worker claims all three, sends them, and dies before recording anything.
    let claimed = delivery::claim(db, t0, 10).await.unwrap();
    assert_eq!(claimed.len(), 3);
    for d in &claimed {
        assert!(sender.attempt(d, t0).await.delivered);
    }
    drop(claimed);
    assert_eq!(receiver.got().len(), 3);

    // While the lease lasts nobody sends them again.
    let r = delivery::deliver_due(db, &sender, &site(&app), t0 + delivery::LEASE_SECS - 1, 10)
        .await
        .unwrap();
    assert_eq!(r.claimed, 0);
    // After it, each is sent once more and recorded.
    let r = delivery::deliver_due(db, &sender, &site(&app), t0 + delivery::LEASE_SECS, 10)
        .await
        .unwrap();
    assert_eq!((r.claimed, r.delivered), (3, 3));
    let r = delivery::deliver_due(db, &sender, &site(&app), t0 + 10 * 86_400, 10)
        .await
        .unwrap();
    assert_eq!(r.claimed, 0, "nothing left to send");

    let got = receiver.got();
    assert_eq!(got.len(), 6);
    let mut per_id: HashMap<String, usize> = HashMap::new();
    for r in &got {
        *per_id.entry(r.id().to_owned()).or_default() += 1;
    }
    let ids = message_ids(&app).await;
    assert_eq!(per_id.len(), 3);
    for id in &ids {
        assert_eq!(
            per_id[id], 2,
            "{id}: sent once before the crash and once after"
        );
    }
    assert!(deliveries(&app).await.iter().all(|d| d.0 == "delivered"));
}

#[tokio::test]
async fn workers_claiming_at_once_never_hold_the_same_delivery_and_a_stale_claim_writes_nothing() {
    let app = spawn_app_with(LOCAL).await;
    let db = &app.state.db;
    let page = recipient(db, "maker", "USD").await;
    endpoint(&app, page, "http://127.0.0.1:9/", ",post.published,").await;
    for n in 0..40 {
        event(&app, page, n).await;
    }
    let t0 = now();
    let (a, b, c) = tokio::join!(
        delivery::claim(db, t0, 25),
        delivery::claim(db, t0, 25),
        delivery::claim(db, t0, 25)
    );
    let mut ids: Vec<i64> = [a.unwrap(), b.unwrap(), c.unwrap()]
        .into_iter()
        .flatten()
        .map(|d| d.id)
        .collect();
    let claimed = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), claimed, "no delivery claimed twice");
    assert_eq!(claimed, 40, "every due delivery claimed by someone");

    // A claim taken over after its lease: the first worker's late result is not recorded.
    sqlx::query("update hook_deliveries set status = 'delivered' where id <> $1")
        .bind(ids[0])
        .execute(db.pool())
        .await
        .unwrap();
    let first = delivery::claim(db, t0 + 1_000, 1).await.unwrap().remove(0);
    let second = delivery::claim(db, t0 + 1_000 + delivery::LEASE_SECS, 1)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(first.id, second.id);
    let ok = delivery::Outcome {
        delivered: true,
        status_code: Some(200),
        error: None,
        response: None,
    };
    assert_eq!(
        delivery::record(db, &site(&app), &first, &ok, t0 + 1_200)
            .await
            .unwrap(),
        delivery::Recorded::Stale
    );
    assert_eq!(
        delivery::record(db, &site(&app), &second, &ok, t0 + 1_200)
            .await
            .unwrap(),
        delivery::Recorded::Delivered
    );
}

#[tokio::test]
async fn three_days_of_failures_disable_the_endpoint_and_email_its_owner() {
    let app = spawn_app_with(LOCAL).await;
    let receiver = Receiver::start(&[Reply::Status(503); 20]).await;
    let db = &app.state.db;
    let page = recipient(db, "maker", "USD").await;
    let (endpoint_id, _) = endpoint(&app, page, &receiver.url, ",post.published,").await;
    event(&app, page, 1).await;
    let sender = Sender::new(true);
    let t0 = now();
    let mut at = t0;
    let mut attempts = 0;
    loop {
        let r = delivery::deliver_due(db, &sender, &site(&app), at, 10)
            .await
            .unwrap();
        assert_eq!(r.claimed, 1);
        attempts += 1;
        let d = &deliveries(&app).await[0];
        if d.0 == "failed" {
            assert_eq!(r.gave_up, 1);
            break;
        }
        assert!(at - t0 < 3 * 86_400);
        at = d.2;
    }
    assert_eq!(attempts, 12, "retried for three days");
    assert!(at - t0 > 2 * 86_400);
    assert_eq!(receiver.got().len(), 12);
    let (disabled,): (Option<String>,) =
        sqlx::query_as("select disabled_reason from hook_endpoints where id = $1")
            .bind(endpoint_id)
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert!(disabled.unwrap().contains("three days"));
    let mails = app.emails_to("owner-maker@example.org").await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(mails[0].0.contains("disabled"), "{:?}", mails[0]);
    assert!(mails[0].1.contains(&format!("/studio/p/{page}/webhooks")));

    // A disabled endpoint gets no new deliveries, and nothing more is sent.
    assert_eq!(event(&app, page, 2).await, 0);
    let r = delivery::deliver_due(db, &sender, &site(&app), at + 86_400, 10)
        .await
        .unwrap();
    assert_eq!(r.claimed, 0);
}

#[tokio::test]
async fn webhooks_never_reach_private_addresses_whatever_the_address_or_name_says() {
    // The operator setting is off: the default.
    let app = spawn_app_with(&[
        ("WEBHOOKS_ALLOW_HTTP", "true"),
        ("WEBHOOKS_POLL_SECS", "86400"),
    ])
    .await;
    let receiver = Receiver::start(&[]).await;
    let db = &app.state.db;
    let page = recipient(db, "maker", "USD").await;
    let port = receiver.port;
    let urls = [
        format!("http://127.0.0.1:{port}/hooks"),
        format!("http://localhost:{port}/hooks"),
        format!("http://[::1]:{port}/hooks"),
        format!("http://[::ffff:127.0.0.1]:{port}/hooks"),
        format!("http://[::ffff:7f00:1]:{port}/hooks"),
        "http://10.1.2.3/hooks".to_owned(),
        "http://169.254.169.254/latest/meta-data".to_owned(),
        "http://192.168.0.10/".to_owned(),
        "http://100.64.0.1/".to_owned(),
        "http://[fd00::1]/".to_owned(),
        "http://0x7f.1/".to_owned(),
    ];
    for url in &urls {
        endpoint(&app, page, url, ",post.published,").await;
    }
    assert_eq!(event(&app, page, 1).await, urls.len() as u64);
    let sender = Sender::new(app.state.settings.webhooks_allow_private);
    let r = delivery::deliver_due(db, &sender, &site(&app), now(), 50)
        .await
        .unwrap();
    assert_eq!(
        (r.claimed, r.failed),
        (urls.len() as u64, urls.len() as u64)
    );
    assert!(receiver.got().is_empty(), "nothing reached the receiver");
    for (d, url) in deliveries(&app).await.iter().zip(&urls) {
        let error = d.4.clone().unwrap_or_default();
        assert!(
            error.starts_with("refused:"),
            "{url}: {error:?} should be a refusal"
        );
    }

    // The studio refuses such addresses when they are written as addresses, and plain HTTP
    // unless the operator allows it.
    app.sign_up_and_log_in("owner@example.org", "Owner").await;
    let mine = recipient(db, "mine", "USD").await;
    give_to(&app, mine, "owner@example.org").await;
    for url in [
        "https://10.0.0.1/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://169.254.169.254/",
    ] {
        let a = app
            .call(
                "hooks/create",
                &[
                    ("recipient_id", &mine.to_string()),
                    ("url", url),
                    ("events[]", "post.published"),
                ],
            )
            .await;
        assert_eq!(a.error_field().as_deref(), Some("url"), "{url}: {a:?}");
    }
    let strict = spawn_app_with(&[("WEBHOOKS_POLL_SECS", "86400")]).await;
    strict.sign_up_and_log_in("o@example.org", "O").await;
    let p = recipient(&strict.state.db, "p", "USD").await;
    give_to(&strict, p, "o@example.org").await;
    let a = strict
        .call(
            "hooks/create",
            &[
                ("recipient_id", &p.to_string()),
                ("url", "http://hooks.example.org/"),
                ("events[]", "post.published"),
            ],
        )
        .await;
    assert_eq!(a.error_field().as_deref(), Some("url"), "{a:?}");
    assert_eq!(app.count("hook_endpoints").await, urls.len() as i64);
}

#[tokio::test]
async fn a_redirect_is_a_failure_and_is_not_followed() {
    let app = spawn_app_with(LOCAL).await;
    let receiver = Receiver::start(&[Reply::Redirect]).await;
    let page = recipient(&app.state.db, "maker", "USD").await;
    endpoint(&app, page, &receiver.url, ",post.published,").await;
    event(&app, page, 1).await;
    let r = delivery::deliver_due(&app.state.db, &Sender::new(true), &site(&app), now(), 10)
        .await
        .unwrap();
    assert_eq!(r.failed, 1);
    let d = &deliveries(&app).await[0];
    assert_eq!(d.3, Some(307));
    assert!(
        d.4.as_deref()
            .unwrap()
            .contains("redirects are not followed")
    );
    assert_eq!(receiver.got().len(), 1);
}

#[tokio::test]
async fn a_rotated_secret_signs_beside_the_new_one_for_a_day() {
    let app = spawn_app_with(LOCAL).await;
    let receiver = Receiver::start(&[]).await;
    let db = &app.state.db;
    app.sign_up_and_log_in("owner@example.org", "Owner").await;
    let page = recipient(db, "maker", "USD").await;
    give_to(&app, page, "owner@example.org").await;
    let studio = format!("/studio/p/{page}/webhooks");
    let a = app
        .submit_form(
            "hooks/create",
            &[
                ("recipient_id", &page.to_string()),
                ("url", &receiver.url),
                ("events[]", "post.published"),
            ],
            &studio,
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    let old = secret_on(&app.get(&studio).await.text().await.unwrap()).unwrap();
    let (endpoint_id,): (i64,) = sqlx::query_as("select id from hook_endpoints")
        .fetch_one(db.pool())
        .await
        .unwrap();
    let a = app
        .submit_form(
            "hooks/rotate",
            &[("endpoint_id", &endpoint_id.to_string())],
            &studio,
        )
        .await;
    assert_eq!(
        a.location.as_deref(),
        Some(format!("{studio}?saved=hook_rotated").as_str())
    );
    let html = app.get(&studio).await.text().await.unwrap();
    let new = secret_on(&html).expect("the new secret is shown once");
    assert_ne!(old, new);
    assert!(html.contains("The previous secret also signs until"));

    event(&app, page, 1).await;
    let sender = Sender::new(true);
    delivery::deliver_due(db, &sender, &site(&app), now(), 10)
        .await
        .unwrap();
    let got = receiver.got();
    assert_eq!(got[0].headers["webhook-signature"].split(' ').count(), 2);
    assert_eq!(
        verify(&[(&old, &got[0]), (&new, &got[0])]),
        ["ok", "ok"],
        "receivers holding either secret accept it"
    );

    // A day later only the new secret signs.
    event(&app, page, 2).await;
    delivery::deliver_due(db, &sender, &site(&app), now() + 86_401, 10)
        .await
        .unwrap();
    let got = receiver.got();
    let header = &got[1].headers["webhook-signature"];
    assert_eq!(header.split(' ').count(), 1);
    let stamp: i64 = got[1].headers["webhook-timestamp"].parse().unwrap();
    assert_eq!(
        Some(header.clone()),
        hooks::signing::sign(&new, got[1].id(), stamp, got[1].body.as_bytes())
    );
}

#[tokio::test]
async fn an_event_is_queued_only_with_the_change_that_causes_it() {
    let app = spawn_app_with(LOCAL).await;
    let db = &app.state.db;
    let page = recipient(db, "maker", "USD").await;
    let every = format!(",{},", EventType::ALL.map(|e| e.as_str()).join(","));
    endpoint(&app, page, "http://127.0.0.1:9/", &every).await;

    // Written on the caller's transaction: rolled back, it is gone with the change.
    let mut tx = db.begin_write().await.unwrap();
    sqlx::query("update recipients set name = 'Renamed' where id = $1")
        .bind(page)
        .execute(&mut *tx)
        .await
        .unwrap();
    let queued = hooks::enqueue(
        &mut tx,
        Event {
            recipient_id: page,
            kind: EventType::PostPublished,
            data: serde_json::json!({}),
        },
    )
    .await
    .unwrap();
    assert_eq!(queued, 1);
    tx.rollback().await.unwrap();
    assert_eq!(app.count("hook_events").await, 0);
    assert_eq!(app.count("hook_deliveries").await, 0);

    // A change refused writes no event; each change that commits writes its own.
    let fan = user(db, "Fan").await;
    let pledge_id = pledge(&app.state, fan, page, "5").await;
    app::domain::giving::pledges::change_amount(&app.state, fan, pledge_id, "7")
        .await
        .unwrap();
    app::domain::giving::pledges::cancel(&app.state, fan, pledge_id)
        .await
        .unwrap();
    assert!(
        app::domain::giving::pledges::cancel(&app.state, fan, pledge_id)
            .await
            .is_err()
    );
    let other = user(db, "Other").await;
    tip(&app.state, other, page, "3").await;
    card(&app.state, other, methods::SUCCEEDS, 28).await;
    let declined = user(db, "Declined").await;
    tip(&app.state, declined, page, "4").await;
    card(&app.state, declined, methods::DECLINED, 28).await;
    run_default_billing(&app, date("2027-01-28")).await;
    let (item,): (i64,) = sqlx::query_as("select item_id from allocations where recipient_id = $1")
        .bind(page)
        .fetch_one(db.pool())
        .await
        .unwrap();
    app::domain::billing::refunds::refund_item_as(
        db,
        app.state.processor.as_ref(),
        item,
        app::domain::billing::refunds::Refunder::Operator,
        &Default::default(),
    )
    .await
    .unwrap();
    let events: Vec<(String, String)> =
        sqlx::query_as("select event_type, payload from hook_events order by id")
            .fetch_all(db.pool())
            .await
            .unwrap();
    let mut types: Vec<&str> = events.iter().map(|(t, _)| t.as_str()).collect();
    // A billing run settles declines before successes; everything else is in order.
    types.sort_unstable();
    assert_eq!(
        types,
        [
            "charge.failed",
            "donation.paid",
            "donation.refunded",
            "pledge.cancelled",
            "pledge.created",
            "pledge.updated",
        ]
    );
    let payload = |kind: &str| {
        let (_, p) = events.iter().find(|(t, _)| t == kind).unwrap();
        serde_json::from_str::<serde_json::Value>(p).unwrap()
    };
    assert_eq!(payload("pledge.created")["data"]["pledge_id"], pledge_id);
    assert_eq!(payload("pledge.updated")["data"]["amount_minor"], 700);
    assert_eq!(payload("pledge.cancelled")["data"]["status"], "cancelled");
    assert_eq!(payload("donation.paid")["data"]["gross_minor"], 300);
    assert_eq!(payload("charge.failed")["data"]["amount_minor"], 400);
    assert_eq!(payload("donation.refunded")["data"]["donation_id"], item);
    assert_eq!(payload("donation.refunded")["data"]["fully_refunded"], true);
    assert_eq!(app.count("hook_deliveries").await, 6);
}

#[tokio::test]
async fn only_the_pages_owner_sees_and_changes_its_endpoints() {
    let mut app = spawn_app_with(LOCAL).await;
    let db = &app.state.db.clone();
    app.sign_up_and_log_in("owner@example.org", "Owner").await;
    let page = recipient(db, "maker", "USD").await;
    give_to(&app, page, "owner@example.org").await;
    let studio = format!("/studio/p/{page}/webhooks");
    let a = app
        .submit_form(
            "hooks/create",
            &[
                ("recipient_id", &page.to_string()),
                ("url", "https://hooks.example.org/chipin"),
                ("events[]", "post.published"),
            ],
            &studio,
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    let (endpoint_id,): (i64,) = sqlx::query_as("select id from hook_endpoints")
        .fetch_one(db.pool())
        .await
        .unwrap();
    event(&app, page, 1).await;
    sqlx::query("update hook_deliveries set status = 'failed'")
        .execute(db.pool())
        .await
        .unwrap();
    let (delivery_id,): (i64,) = sqlx::query_as("select id from hook_deliveries")
        .fetch_one(db.pool())
        .await
        .unwrap();
    let before: (String, String, Option<i64>) =
        sqlx::query_as("select url, secret, disabled_at from hook_endpoints")
            .fetch_one(db.pool())
            .await
            .unwrap();

    // Someone else, logged in: nothing to see, nothing they can change.
    app.new_browser();
    app.sign_up_and_log_in("intruder@example.org", "Intruder")
        .await;
    let html = app.get(&studio).await.text().await.unwrap();
    assert!(!html.contains("hooks.example.org"));
    assert!(secret_on(&html).is_none());
    let id = endpoint_id.to_string();
    for (function, fields) in [
        ("hooks/page", vec![("recipient_id", page.to_string())]),
        ("hooks/rotate", vec![("endpoint_id", id.clone())]),
        (
            "hooks/switch",
            vec![("endpoint_id", id.clone()), ("action", "disable".into())],
        ),
        ("hooks/delete", vec![("endpoint_id", id.clone())]),
        (
            "hooks/send_again",
            vec![("delivery_id", delivery_id.to_string())],
        ),
        (
            "hooks/create",
            vec![
                ("recipient_id", page.to_string()),
                ("url", "https://evil.example.org/".into()),
                ("events[]", "donation.paid".into()),
            ],
        ),
    ] {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let a = app.call(function, &fields).await;
        assert_eq!(a.error_kind(), "not_found", "{function}: {a:?}");
    }
    // A visitor who is not logged in is asked to.
    app.new_browser();
    let a = app.call("hooks/rotate", &[("endpoint_id", &id)]).await;
    assert_eq!(a.error_kind(), "unauthenticated", "{a:?}");

    let after: (String, String, Option<i64>) =
        sqlx::query_as("select url, secret, disabled_at from hook_endpoints")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(before, after);
    assert_eq!(app.count("hook_endpoints").await, 1);
    let (status,): (String,) = sqlx::query_as("select status from hook_deliveries")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(status, "failed");

    // The owner can: disable, send again, enable, delete.
    app.new_browser();
    app.call(
        "log_in",
        &[
            ("email", "owner@example.org"),
            ("password", crate::helpers::PASSWORD),
        ],
    )
    .await;
    let a = app
        .submit_form(
            "hooks/switch",
            &[("endpoint_id", &id), ("action", "disable")],
            &studio,
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    let a = app
        .submit_form(
            "hooks/send_again",
            &[("delivery_id", &delivery_id.to_string())],
            &studio,
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    assert_eq!(deliveries(&app).await[0].0, "pending");
    assert!(
        delivery::claim(db, now(), 10).await.unwrap().is_empty(),
        "a disabled endpoint's deliveries wait"
    );
    let a = app
        .submit_form(
            "hooks/switch",
            &[("endpoint_id", &id), ("action", "enable")],
            &studio,
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    assert_eq!(delivery::claim(db, now(), 10).await.unwrap().len(), 1);
    let a = app
        .submit_form("hooks/delete", &[("endpoint_id", &id)], &studio)
        .await;
    assert_eq!(
        a.location.as_deref(),
        Some(format!("{studio}?saved=hook_deleted").as_str()),
        "{a:?}"
    );
    assert_eq!(app.count("hook_endpoints").await, 0);
    assert_eq!(app.count("hook_deliveries").await, 0);
}

#[tokio::test]
async fn bad_endpoint_forms_are_refused_at_the_field_and_change_nothing() {
    let app = spawn_app_with(LOCAL).await;
    app.sign_up_and_log_in("owner@example.org", "Owner").await;
    let page = recipient(&app.state.db, "maker", "USD").await;
    give_to(&app, page, "owner@example.org").await;
    let page = page.to_string();
    for (url, events, field) in [
        ("", vec!["post.published"], "url"),
        ("not a url", vec!["post.published"], "url"),
        ("ftp://example.org/", vec!["post.published"], "url"),
        ("https://u:p@example.org/", vec!["post.published"], "url"),
        ("https://example.org/", vec![], "events"),
        ("https://example.org/", vec!["user.deleted"], "events"),
    ] {
        let mut fields = vec![("recipient_id", page.as_str()), ("url", url)];
        fields.extend(events.iter().map(|e| ("events[]", *e)));
        let a = app.call("hooks/create", &fields).await;
        assert_eq!(
            a.error_field().as_deref(),
            Some(field),
            "{url} {events:?}: {a:?}"
        );
    }
    assert_eq!(app.count("hook_endpoints").await, 0);
}
