//! Receipts: a successful charge owes its supporter one email listing every donation with its
//! fee shares and a link to its trail. Settling notes the debt (`receipts_due`) in the charge's
//! own transaction; the mail worker writes the emails later, so a billing run never renders
//! mail.

use super::BillingError;
use crate::domain::Db;
use crate::domain::mail::templates;
use crate::domain::platform::clock::now as wall_clock;
use crate::domain::platform::db::Backend;
use crate::domain::platform::sql::{json_ids, json_param, json_rows};

/// Writes the receipts successful charges owe, up to `limit` of them, into the email outbox:
/// every donation with its fee shares and a link to its trail page on `site_url`. A receipt
/// is taken off the list in the transaction that queues its email, so it is written once even
/// with several workers. Returns how many were written.
pub async fn write_receipts(db: &Db, site_url: &str, limit: i64) -> Result<u64, BillingError> {
    let backend = db.backend();
    // Most polls find nothing owed; they should not take the write lock to learn that.
    let owed: Option<(i64,)> = sqlx::query_as("select charge_id from receipts_due limit 1")
        .fetch_optional(db.pool())
        .await?;
    if owed.is_none() {
        return Ok(0);
    }
    let mut tx = db.begin_write().await?;
    let taken: Vec<i64> = sqlx::query_as::<_, (i64,)>(
        "delete from receipts_due where charge_id in \
           (select charge_id from receipts_due order by charge_id limit $1) returning charge_id",
    )
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|(id,)| id)
    .collect();
    if taken.is_empty() {
        return Ok(0);
    }
    queue_receipts(
        &mut tx,
        backend,
        site_url,
        &json_param(&taken),
        wall_clock(),
    )
    .await?;
    tx.commit().await?;
    Ok(taken.len() as u64)
}

/// Queues a receipt for every charge in `won` (a JSON array of charge ids): one read of their
/// donations and one insert into the outbox for them all.
async fn queue_receipts(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    site_url: &str,
    won: &str,
    at: i64,
) -> Result<(), BillingError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        charge_id: i64,
        currency: String,
        amount_minor: i64,
        charge_fee: i64,
        email: String,
        display_name: String,
        language: Option<String>,
        item_id: i64,
        recipient: String,
        period: Option<String>,
        gross_minor: i64,
        fee_minor: i64,
        platform_fee_minor: i64,
        net_minor: i64,
        budget_line: Option<String>,
    }
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "select c.id as charge_id, c.currency, c.amount_minor, coalesce(c.fee_minor, 0) as charge_fee,                 u.email, u.display_name, u.language, a.item_id, r.name as recipient, i.period,                 a.gross_minor, a.fee_minor, a.platform_fee_minor, a.net_minor, b.name as budget_line          from charges c join users u on u.id = c.supporter_id          join allocations a on a.charge_id = c.id join donation_items i on i.id = a.item_id          join recipients r on r.id = a.recipient_id          left join budget_lines b on b.id = i.budget_line_id          where c.id in ({}) order by c.id, a.item_id",
        json_ids(backend, 1)
    ))
    .bind(won)
    .fetch_all(&mut **tx)
    .await?;
    let mut emails: Vec<(String, String, String, String)> = Vec::new();
    let mut start = 0;
    while start < rows.len() {
        let first = &rows[start];
        let end = rows[start..]
            .iter()
            .position(|r| r.charge_id != first.charge_id)
            .map_or(rows.len(), |n| start + n);
        // Currencies in the books are ones Chipin has; another would be a corrupt row.
        let currency: crate::money::Currency = first
            .currency
            .parse()
            .map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        let m = |minor: i64| crate::money::Money::new(minor, currency);
        let lines: Vec<templates::ReceiptLine> = rows[start..end]
            .iter()
            .map(|r| templates::ReceiptLine {
                recipient: r.recipient.clone(),
                period: r.period.clone(),
                budget_line: r.budget_line.clone(),
                gross: m(r.gross_minor),
                fee: m(r.fee_minor),
                platform_fee: m(r.platform_fee_minor),
                net: m(r.net_minor),
                link: format!("{site_url}/account/donations/{}", r.item_id),
            })
            .collect();
        let e = templates::charge_receipt(
            &first.email,
            templates::recipient_locale(first.language.as_deref()),
            &first.display_name,
            first.charge_id,
            m(first.amount_minor),
            m(first.charge_fee),
            &lines,
        );
        emails.push((e.to, e.subject, e.text, e.html));
        start = end;
    }
    if emails.is_empty() {
        return Ok(());
    }
    sqlx::query(&format!(
        "insert into email_outbox (to_address, subject, body_text, body_html, created_at, next_attempt_at)          select v.to_address, v.subject, v.body_text, v.body_html, $1, $1 from ({}) as v",
        json_rows(
            backend,
            2,
            &[
                ("to_address", "text"),
                ("subject", "text"),
                ("body_text", "text"),
                ("body_html", "text"),
            ]
        )
    ))
    .bind(at)
    .bind(json_param(&emails))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
