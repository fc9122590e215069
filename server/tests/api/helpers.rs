//! A running Chipin for one test, a client that behaves like a browser, and the small steps
//! many tests share: billing runs, the ledger check, dates and amounts, owners and users.

use app::domain::AppState;
use app::domain::billing::{self, BillingConfig, RunSummary};
use app::domain::books::checks;
use app::domain::processors::PaymentProcessor;
use app::money::{Currency, Money};
use chrono::NaiveDate;
use reqwest::cookie::{CookieStore as _, Jar};
use reqwest::header::HeaderValue;
use server::config::Config;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::oneshot;

/// A strong password for test accounts.
pub const PASSWORD: &str = "violet-kettle-harbour-91";

pub struct TestApp {
    pub base: String,
    /// The app's database, for processes of the real binary started by a test.
    pub database_url: String,
    pub state: AppState,
    pub client: reqwest::Client,
    jar: Arc<Jar>,
    _dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// A fresh database URL: a new PostgreSQL database when `CHIPIN_TEST_POSTGRES_URL` is set,
/// otherwise a SQLite file in `dir`.
pub async fn fresh_database(dir: &std::path::Path) -> String {
    match std::env::var("CHIPIN_TEST_POSTGRES_URL") {
        Ok(base) if !base.is_empty() => {
            sqlx::any::install_default_drivers();
            let base = base.trim_end_matches('/');
            let name = format!("chipin_test_{}", uuid_like());
            let admin = sqlx::AnyPool::connect(&format!("{base}/postgres"))
                .await
                .expect("connect to the test PostgreSQL server");
            sqlx::query(&format!("create database {name}"))
                .execute(&admin)
                .await
                .expect("create a test database");
            admin.close().await;
            format!("{base}/{name}")
        }
        _ => format!("sqlite://{}", dir.join("chipin.db").display()),
    }
}

fn uuid_like() -> String {
    use rand::Rng as _;
    let mut rng = rand::thread_rng();
    (0..16)
        .map(|_| char::from(b'a' + rng.gen_range(0..26)))
        .collect()
}

/// Spawns Chipin with default test settings.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// Spawns Chipin with extra configuration variables.
pub async fn spawn_app_with(vars: &[(&str, &str)]) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let base = format!("http://{addr}");
    let database_url = fresh_database(dir.path()).await;
    let mut map: HashMap<String, String> = HashMap::from([
        ("DATABASE_URL".into(), database_url.clone()),
        ("BIND".into(), addr.to_string()),
        ("BASE_URL".into(), base.clone()),
        (
            "MAIL_OUTBOX_DIR".into(),
            dir.path().join("outbox").display().to_string(),
        ),
        ("DEMO_DATA".into(), "false".into()),
        // Tests read their own writes at once.
        ("EXPLORE_CACHE_SECS".into(), "0".into()),
        ("PAGE_CACHE_SECS".into(), "0".into()),
        (
            "UPLOADS_DIR".into(),
            dir.path().join("uploads").display().to_string(),
        ),
    ]);
    for (k, v) in vars {
        map.insert((*k).into(), (*v).into());
    }
    let config = Config::from_lookup(|k| map.get(k).cloned()).expect("test config");
    let db = server::open_database(&config).await.expect("database");
    let state = server::app_state(db, &config).expect("app state");
    let (stop, stopped) = oneshot::channel::<()>();
    let serve_state = state.clone();
    let task = tokio::spawn(async move {
        let shutdown = async {
            let _ = stopped.await;
        };
        server::serve(config, serve_state, listener, shutdown)
            .await
            .expect("server ran");
    });
    let jar = Arc::new(Jar::default());
    let client = browser(&jar);
    TestApp {
        base,
        database_url,
        state,
        client,
        jar,
        _dir: dir,
        stop: Some(stop),
        task: Some(task),
    }
}

fn browser(jar: &Arc<Jar>) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        // A page that never finishes fails its test instead of stalling the suite.
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .expect("client")
}

/// What a server function answered.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

impl Answer {
    /// The error the server function returned, as JSON.
    pub fn error(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not a JSON error: {self:?}"))
    }

    /// The field a validation error names.
    pub fn error_field(&self) -> Option<String> {
        self.error()["field"].as_str().map(str::to_owned)
    }

    pub fn error_message(&self) -> String {
        self.error()["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn error_kind(&self) -> String {
        self.error()["kind"].as_str().unwrap_or_default().to_owned()
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A cookie's value in this client's jar.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let url = reqwest::Url::parse(&self.base).unwrap();
        let header = self.jar.cookies(&url)?;
        header.to_str().ok()?.split(';').find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then(|| v.to_owned())
        })
    }

    /// Forgets every cookie, like a new browser.
    pub fn new_browser(&mut self) {
        self.jar = Arc::new(Jar::default());
        self.client = browser(&self.jar);
    }

    /// Replaces the session cookie (to replay an old one).
    pub fn set_session_cookie(&self, token: &str) {
        let url = reqwest::Url::parse(&self.base).unwrap();
        self.jar.add_cookie_str(
            &format!("{}={token}; Path=/", app::web::SESSION_COOKIE),
            &url,
        );
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// Makes sure this browser has a CSRF cookie by loading a page, and returns it.
    pub async fn csrf(&self) -> String {
        if let Some(t) = self.cookie(app::web::CSRF_COOKIE) {
            return t;
        }
        let res = self.get("/login").await;
        assert_eq!(res.status(), 200);
        self.cookie(app::web::CSRF_COOKIE)
            .expect("a CSRF cookie after the first page")
    }

    /// Calls a server function the way the hydrated page does (CSRF header, same origin).
    pub async fn call(&self, function: &str, fields: &[(&str, &str)]) -> Answer {
        self.call_with_headers(function, fields, &[]).await
    }

    /// [`TestApp::call`] with extra request headers, e.g. what a proxy would add.
    pub async fn call_with_headers(
        &self,
        function: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Answer {
        let token = self.csrf().await;
        let mut req = self
            .client
            .post(self.url(&format!("/api/{function}")))
            .header("origin", &self.base)
            .header("sec-fetch-site", "same-origin")
            .header(app::web::CSRF_HEADER, token);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let res = req.form(fields).send().await.expect("POST");
        answer(res).await
    }

    /// Submits a plain HTML form the way a browser without JavaScript does.
    pub async fn submit_form(
        &self,
        function: &str,
        fields: &[(&str, &str)],
        referer: &str,
    ) -> Answer {
        let token = self.csrf().await;
        let mut fields: Vec<(&str, &str)> = fields.to_vec();
        fields.push((app::web::CSRF_FIELD, &token));
        let res = self
            .client
            .post(self.url(&format!("/api/{function}")))
            .header("origin", &self.base)
            .header("sec-fetch-site", "same-origin")
            .header("accept", "text/html,application/xhtml+xml")
            .header("referer", self.url(referer))
            .form(&fields)
            .send()
            .await
            .expect("POST");
        answer(res).await
    }

    /// Signs up, verifies through the emailed link, and logs in.
    pub async fn sign_up_and_log_in(&self, email: &str, name: &str) {
        let a = self
            .call(
                "sign_up",
                &[
                    ("email", email),
                    ("password", PASSWORD),
                    ("display_name", name),
                ],
            )
            .await;
        assert!(a.status < 400, "sign up failed: {a:?}");
        let link = self
            .last_link_to(email)
            .await
            .expect("a verification email");
        let res = self.client.get(&link).send().await.unwrap();
        assert_eq!(res.headers()["location"], "/login?verified=1");
        let a = self
            .call("log_in", &[("email", email), ("password", PASSWORD)])
            .await;
        assert!(a.status < 400, "log in failed: {a:?}");
    }

    /// Turns on two-factor sign-in for the logged-in account through its pages, as a person
    /// does (set up, read the key, confirm with a first code); returns the key (base32).
    pub async fn turn_on_two_factor(&self) -> String {
        steady_step().await;
        let a = self.call("two_factor/begin", &[]).await;
        assert!(a.status < 400, "{a:?}");
        let html = self.get("/account/two-factor").await.text().await.unwrap();
        let secret = secret_on_page(&html);
        let code = totp_code(&secret, chrono::Utc::now().timestamp());
        let a = self.call("two_factor/confirm", &[("code", &code)]).await;
        assert_eq!(
            a.location.as_deref(),
            Some("/account/two-factor/recovery-codes"),
            "{a:?}"
        );
        secret
    }

    /// Logs in with the password and, for an account with two-factor sign-in, a code.
    pub async fn log_in_with_code(&self, email: &str, secret: &str) {
        let a = self
            .call("log_in", &[("email", email), ("password", PASSWORD)])
            .await;
        assert!(a.status < 400, "log in failed: {a:?}");
        if a.location
            .as_deref()
            .is_some_and(|l| l.starts_with("/login/two-factor"))
        {
            let code = self.fresh_code(email, secret).await;
            let a = self.call("log_in_second_factor", &[("code", &code)]).await;
            assert!(a.status < 400, "second step failed: {a:?}");
        }
    }

    /// A code for the account `email` that its replay check will take: the current one, or
    /// the next step's when the current was already used. Stands in for waiting up to 30 s;
    /// only when both were used does it pretend a step passed (by moving the account's last
    /// used step back).
    pub async fn fresh_code(&self, email: &str, secret: &str) -> String {
        steady_step().await;
        let now = chrono::Utc::now().timestamp();
        let step = now / 30;
        let (last,): (i64,) = sqlx::query_as(
            "select t.last_step from two_factor t join users u on u.id = t.user_id where u.email = $1",
        )
        .bind(email)
        .fetch_one(self.state.db.pool())
        .await
        .unwrap();
        if step > last {
            return totp_code(secret, now);
        }
        if step + 1 > last {
            return totp_code(secret, now + 30);
        }
        sqlx::query("update two_factor set last_step = $1 where user_id = (select id from users where email = $2)")
            .bind(step - 1)
            .bind(email)
            .execute(self.state.db.pool())
            .await
            .unwrap();
        totp_code(secret, now)
    }

    /// Who the server thinks this browser is (the `current_user` server function).
    pub async fn whoami(&self) -> Option<String> {
        let a = self.call("current_user", &[]).await;
        assert_eq!(a.status, 200, "{a:?}");
        let v: serde_json::Value = serde_json::from_str(&a.body).unwrap();
        v["email"].as_str().map(str::to_owned)
    }

    /// Queued emails to `to`: (subject, text body), oldest first.
    /// Every email queued for `to`, after writing the receipts owed, as the mail worker does.
    pub async fn emails_to(&self, to: &str) -> Vec<(String, String)> {
        app::domain::billing::receipts::write_receipts(
            &self.state.db,
            &self.state.billing.site_url,
            i64::MAX,
        )
        .await
        .unwrap();
        sqlx::query_as(
            "select subject, body_text from email_outbox where to_address = $1 order by id",
        )
        .bind(to)
        .fetch_all(self.state.db.pool())
        .await
        .unwrap()
    }

    /// The first link in the newest email to `to`.
    pub async fn last_link_to(&self, to: &str) -> Option<String> {
        let (_, text) = self.emails_to(to).await.pop()?;
        text.split_whitespace()
            .find(|w| w.starts_with("http://"))
            .map(str::to_owned)
    }

    /// Posts a multipart form the way a browser does, to `path` on this site.
    pub async fn post_multipart(&self, path: &str, form: reqwest::multipart::Form) -> Answer {
        let res = self
            .client
            .post(self.url(path))
            .header("origin", &self.base)
            .header("sec-fetch-site", "same-origin")
            .multipart(form)
            .send()
            .await
            .unwrap();
        answer(res).await
    }

    pub async fn count(&self, table: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(&format!("select count(*) from {table}"))
            .fetch_one(self.state.db.pool())
            .await
            .unwrap();
        n
    }
}

async fn answer(res: reqwest::Response) -> Answer {
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .and_then(|v: &HeaderValue| v.to_str().ok())
        .map(str::to_owned);
    let body = res.text().await.unwrap_or_default();
    Answer {
        status,
        location,
        body,
    }
}

/// Calls a server function with owned field values (for fields built with `format!`).
pub async fn post(app: &TestApp, function: &str, fields: &[(&str, String)]) -> Answer {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.call(function, &fields).await
}

/// The id of the user with this email.
pub async fn user_id(app: &TestApp, email: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("select id from users where email = $1")
        .bind(email)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    id
}

/// Makes the user with this email the owner of `recipient`.
pub async fn give_to(app: &TestApp, recipient: i64, email: &str) {
    sqlx::query("update recipients set owner_user_id = (select id from users where email = $1) where id = $2")
        .bind(email)
        .bind(recipient)
        .execute(app.state.db.pool())
        .await
        .unwrap();
}

/// A day written as `YYYY-MM-DD`.
pub fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// An amount in US cents.
pub fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

/// Runs billing as of `as_of` through `processor` with `config`.
pub async fn run_billing_with(
    app: &TestApp,
    processor: &dyn PaymentProcessor,
    config: &BillingConfig,
    as_of: NaiveDate,
) -> RunSummary {
    billing::run(&app.state.db, processor, config, as_of, &|_| {})
        .await
        .expect("billing run")
}

/// Runs billing as of `as_of` through the app's processor with the app's billing settings.
pub async fn run_billing(app: &TestApp, as_of: NaiveDate) -> RunSummary {
    let state = &app.state;
    run_billing_with(app, state.processor.as_ref(), &state.billing, as_of).await
}

/// Runs billing as of `as_of` through the app's processor with the default billing settings.
pub async fn run_default_billing(app: &TestApp, as_of: NaiveDate) -> RunSummary {
    run_billing_with(
        app,
        app.state.processor.as_ref(),
        &BillingConfig::default(),
        as_of,
    )
    .await
}

/// Fails the test unless the ledger check passes.
pub async fn assert_ledger_ok(app: &TestApp) {
    if let Err(v) = checks::check(&app.state.db).await.unwrap() {
        panic!("ledger check failed: {v}");
    }
}

/// The key shown on the two-factor set-up page (its `<code id="two-factor-secret">`).
pub fn secret_on_page(html: &str) -> String {
    let start = html
        .find("id=\"two-factor-secret\"")
        .unwrap_or_else(|| panic!("no key on the page: {html}"));
    let rest = &html[start..];
    let rest = &rest[rest.find('>').unwrap() + 1..];
    let text = &rest[..rest.find("</code>").unwrap()];
    text.chars()
        .filter(|c| c.is_ascii_uppercase() || ('2'..='7').contains(c))
        .collect()
}

/// The six-digit code an authenticator app shows at unix time `at` for `secret` (base32).
pub fn totp_code(secret: &str, at: i64) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret).expect("a base32 key");
    totp_rs::Builder::new()
        .with_secret(secret.as_bytes().to_vec())
        .build()
        .expect("a TOTP")
        .generate(at as u64)
        .to_string()
}

/// Waits out the last seconds of a 30-second step, so a code computed here is for the step
/// the server sees too.
pub async fn steady_step() {
    let into = chrono::Utc::now().timestamp() % 30;
    if into >= 27 {
        tokio::time::sleep(std::time::Duration::from_secs((31 - into) as u64)).await;
    }
}
