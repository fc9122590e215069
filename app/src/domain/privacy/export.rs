//! Everything Chipin holds about one account, as a zip: `chipin-account.json` (every row that
//! is theirs, section by section), a yearly statement CSV for each year they were charged and,
//! for each page they own, its supporters CSV. The same CSVs the reports pages offer, so the
//! download adds no second way of writing them.

use crate::domain::Db;
use crate::domain::recipients::reports::{self, ReportError};
use chrono::{DateTime, Datelike as _};
use serde_json::{Map, Value};
use sqlx::{Column as _, Row as _};
use std::io::Write as _;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("report: {0}")]
    Report(#[from] ReportError),
    #[error("zip: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("this account does not exist")]
    NoAccount,
}

/// The zip's bytes and the name to save it under.
#[derive(Debug)]
pub struct Export {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// Pages the account owns, as a subquery on `$1` (the account).
const OWNED: &str = "(select id from recipients where owner_user_id = $1)";

/// The sections of `chipin-account.json`: a name and the query (with `$1` the account) that
/// reads its rows. Secrets are left out on purpose: password hashes, session and link tokens,
/// and the text of emails (their subjects and times are listed).
fn sections() -> Vec<(&'static str, String)> {
    vec![
        (
            "account",
            "select id, email, display_name, email_verified_at, created_at, password_changed_at \
             from users where id = $1"
                .to_owned(),
        ),
        (
            "sessions",
            "select created_at, last_seen_at from sessions where user_id = $1 order by created_at"
                .to_owned(),
        ),
        (
            "billing_profile",
            "select billing_day, payment_method, created_at from billing_profiles where user_id = $1"
                .to_owned(),
        ),
        (
            "pledges",
            "select p.id, r.slug as page, p.tier_id, p.amount_minor, p.currency, p.visibility, \
             p.status, p.budget_line_id, p.created_at, p.updated_at \
             from pledges p join recipients r on r.id = p.recipient_id \
             where p.supporter_id = $1 order by p.id"
                .to_owned(),
        ),
        (
            "tips",
            "select t.id, r.slug as page, t.amount_minor, t.currency, t.message, t.visibility, \
             t.created_at from tips t join recipients r on r.id = t.recipient_id \
             where t.supporter_id = $1 order by t.id"
                .to_owned(),
        ),
        (
            "donations",
            "select i.id, r.slug as page, i.currency, i.gross_minor, i.pledge_id, i.period, \
             i.tip_id, i.status, i.charge_id, i.budget_line_id, i.created_at, \
             a.fee_minor, a.platform_fee_minor, a.net_minor, a.refunded_at \
             from donation_items i join recipients r on r.id = i.recipient_id \
             left join allocations a on a.item_id = i.id \
             where i.supporter_id = $1 order by i.id"
                .to_owned(),
        ),
        (
            "charges",
            "select id, currency, cycle, attempt, amount_minor, status, fee_minor, \
             platform_fee_minor, decline_code, created_at, updated_at \
             from charges where supporter_id = $1 order by id"
                .to_owned(),
        ),
        (
            "refunds",
            "select f.id, f.charge_id, f.item_id, f.amount_minor, f.created_at \
             from refunds f join charges c on c.id = f.charge_id \
             where c.supporter_id = $1 order by f.id"
                .to_owned(),
        ),
        (
            "pages",
            "select id, kind, slug, name, tagline, bio_md, category, currency, goal_minor, \
             deadline, image_url, created_at from recipients where owner_user_id = $1 order by id"
                .to_owned(),
        ),
        (
            "tiers",
            format!(
                "select id, recipient_id, name, price_minor, description, perks, supporter_limit, \
                 position, retired, created_at from tiers where recipient_id in {OWNED} order by id"
            ),
        ),
        (
            "posts",
            format!(
                "select id, recipient_id, title, body_md, public, created_at, updated_at \
                 from posts where recipient_id in {OWNED} order by id"
            ),
        ),
        (
            "budget_lines",
            format!(
                "select id, recipient_id, name, description, retired_at, created_at \
                 from budget_lines where recipient_id in {OWNED} order by id"
            ),
        ),
        (
            "expenses",
            format!(
                "select id, recipient_id, currency, amount_minor, description, spent_on, \
                 receipt_url, budget_line_id, corrected_at, correction_reason, created_at \
                 from expenses where recipient_id in {OWNED} order by id"
            ),
        ),
        (
            "payouts",
            format!(
                "select id, recipient_id, currency, amount_minor, reference, paid_on, status, \
                 recorded_by, created_at, paid_at from payouts where recipient_id in {OWNED} \
                 order by id"
            ),
        ),
        (
            "emails",
            "select o.subject, o.created_at, o.sent_at from email_outbox o \
             where lower(o.to_address) = (select lower(email) from users where id = $1) \
             order by o.id"
                .to_owned(),
        ),
    ]
}

/// One row as a JSON object, each column as the first of integer, text, real or boolean that
/// it reads as (the `Any` driver carries no other kinds).
fn row_object(row: &sqlx::any::AnyRow) -> Map<String, Value> {
    let mut out = Map::new();
    for (i, column) in row.columns().iter().enumerate() {
        let value = if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
            v.map_or(Value::Null, Value::from)
        } else if let Ok(v) = row.try_get::<Option<i32>, _>(i) {
            v.map_or(Value::Null, Value::from)
        } else if let Ok(v) = row.try_get::<Option<String>, _>(i) {
            v.map_or(Value::Null, Value::from)
        } else if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
            v.map_or(Value::Null, Value::from)
        } else if let Ok(v) = row.try_get::<Option<bool>, _>(i) {
            v.map_or(Value::Null, Value::from)
        } else {
            Value::Null
        };
        out.insert(column.name().to_owned(), value);
    }
    out
}

/// The JSON document: an explanation, when it was made, and every section.
pub async fn document(db: &Db, user: i64, at: i64) -> Result<Value, ExportError> {
    let mut doc = Map::new();
    doc.insert(
        "about".into(),
        Value::from(
            "Everything Chipin holds about your account. Instants are Unix seconds (UTC); \
             amounts are integer minor units of their currency (cents, or won). Passwords, \
             session and link tokens are never stored in a readable form and are not included.",
        ),
    );
    doc.insert("exported_at".into(), Value::from(at));
    for (name, sql) in sections() {
        let rows = sqlx::query(&sql).bind(user).fetch_all(db.pool()).await?;
        let rows: Vec<Value> = rows.iter().map(|r| Value::Object(row_object(r))).collect();
        if name == "account" || name == "billing_profile" {
            doc.insert(name.into(), rows.into_iter().next().unwrap_or(Value::Null));
        } else {
            doc.insert(name.into(), Value::Array(rows));
        }
    }
    if doc.get("account").is_none_or(Value::is_null) {
        return Err(ExportError::NoAccount);
    }
    Ok(Value::Object(doc))
}

/// The whole download for `user`, made at `at` (Unix seconds).
pub async fn export(db: &Db, user: i64, at: i64) -> Result<Export, ExportError> {
    let doc = document(db, user, at).await?;
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("chipin-account.json", options)?;
    zip.write_all(
        serde_json::to_string_pretty(&doc)
            .expect("a JSON value serialises")
            .as_bytes(),
    )?;

    // A statement for each year the account was charged.
    let years: Vec<(i64,)> = sqlx::query_as(
        "select distinct created_at from charges where supporter_id = $1 and status = 'succeeded'",
    )
    .bind(user)
    .fetch_all(db.pool())
    .await?;
    let mut years: Vec<i32> = years
        .into_iter()
        .filter_map(|(t,)| DateTime::from_timestamp(t, 0).map(|d| d.year()))
        .filter(|y| reports::STATEMENT_YEARS.contains(y))
        .collect();
    years.sort_unstable();
    years.dedup();
    for year in years {
        let statement = reports::statement(db, user, year).await?;
        zip.start_file(format!("statement-{year}.csv"), options)?;
        zip.write_all(reports::statement_csv(&statement).as_bytes())?;
    }

    // Each owned page's supporters.
    let pages: Vec<(i64, String)> =
        sqlx::query_as("select id, slug from recipients where owner_user_id = $1 order by id")
            .bind(user)
            .fetch_all(db.pool())
            .await?;
    for (page, slug) in pages {
        let report = reports::supporters(db, user, page, None).await?;
        zip.start_file(format!("supporters-{slug}.csv"), options)?;
        zip.write_all(reports::supporters_csv(&report).as_bytes())?;
    }

    let bytes = zip.finish()?.into_inner();
    let day = DateTime::from_timestamp(at, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    Ok(Export {
        filename: format!("chipin-data-{day}.zip"),
        bytes,
    })
}
