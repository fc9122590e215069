//! What may a page's owner read through the API with a token? The page's pledges (all, or the
//! supporters: those that count now), its donations with the payouts that paid them out, and
//! its expenses, page by page. A supporter appears as the studio shows them: by name only if
//! they chose "public"; an anonymous or private supporter's row carries no identity at all.
//! Every function takes a page the caller was proven to own ([`owned_page`]).

use super::cursor::{PageRequest, Paged, paged};
use crate::domain::Db;
use crate::domain::platform::clock::iso_day;
use crate::domain::recipients::backing;
use crate::model::RecipientKind;
use crate::model::trail::ExpenseRow;
use std::collections::HashMap;

/// A page its owner reads through the API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedApiPage {
    pub id: i64,
    pub kind: RecipientKind,
    pub currency: String,
}

/// The page at `slug` if `owner` owns it; `None` when there is no such page and when it is
/// someone else's, so a token cannot learn which pages exist beyond the public ones.
pub async fn owned_page(
    db: &Db,
    owner: i64,
    slug: &str,
) -> Result<Option<OwnedApiPage>, sqlx::Error> {
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "select id, kind, currency from recipients where slug = $1 and owner_user_id = $2",
    )
    .bind(slug)
    .bind(owner)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|(id, kind, currency)| OwnedApiPage {
        id,
        kind: RecipientKind::from_db(&kind),
        currency,
    }))
}

/// The name a supporter who chose `visibility` shows: only "public" shows one.
fn shown_name(visibility: &str, display_name: String) -> Option<String> {
    (visibility == "public").then_some(display_name)
}

/// A pledge as its page's owner reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PledgeRow {
    pub id: i64,
    /// The supporter's name if they chose to be public.
    pub supporter: Option<String>,
    /// `public`, `anonymous` or `private`.
    pub visibility: String,
    pub tier: Option<String>,
    pub amount_minor: i64,
    pub currency: String,
    /// `active`, `past_due`, `paused` or `cancelled`.
    pub status: String,
    /// Counts now: open and backed by a usable card (see `recipients::backing`).
    pub counts: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct PledgeDbRow {
    id: i64,
    display_name: String,
    visibility: String,
    tier: Option<String>,
    amount_minor: i64,
    currency: String,
    status: String,
    counts: i64,
    created_at: i64,
    updated_at: i64,
}

/// One page of `page`'s pledges, newest first: every one, or with `supporters_only` just
/// those that count now (the page's supporters).
pub async fn pledges(
    db: &Db,
    page: &OwnedApiPage,
    supporters_only: bool,
    req: &PageRequest,
) -> Result<Paged<PledgeRow>, sqlx::Error> {
    let counts = backing::pledge_counts("p");
    let filter = if supporters_only {
        format!("and {counts}")
    } else {
        String::new()
    };
    let rows: Vec<PledgeDbRow> = sqlx::query_as(&format!(
        "select p.id, u.display_name, p.visibility, t.name as tier, p.amount_minor, p.currency, \
                p.status, case when {counts} then 1 else 0 end as counts, p.created_at, p.updated_at \
         from pledges p join users u on u.id = p.supporter_id left join tiers t on t.id = p.tier_id \
         where p.recipient_id = $1 and p.id < $2 {filter} order by p.id desc limit $3"
    ))
    .bind(page.id)
    .bind(req.before)
    .bind(req.fetch())
    .fetch_all(db.pool())
    .await?;
    let rows = rows
        .into_iter()
        .map(|r| PledgeRow {
            id: r.id,
            supporter: shown_name(&r.visibility, r.display_name),
            visibility: r.visibility,
            tier: r.tier,
            amount_minor: r.amount_minor,
            currency: r.currency,
            status: r.status,
            counts: r.counts != 0,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
        .collect();
    Ok(paged(rows, req, |r| r.id))
}

/// A payout's part of one donation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayoutPart {
    pub payout_id: i64,
    /// Negative when a refund took back money paid out earlier.
    pub amount_minor: i64,
    /// `in_transit` or `paid`.
    pub status: String,
    /// `YYYY-MM-DD` the payout was made.
    pub paid_on: String,
}

/// A donation its page received: one pledge period or one tip that a charge paid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DonationRow {
    pub id: i64,
    /// `pledge` or `tip`.
    pub kind: &'static str,
    /// `paid` or `refunded`.
    pub status: String,
    pub currency: String,
    pub gross_minor: i64,
    /// Card and platform fees.
    pub fees_minor: i64,
    pub net_minor: i64,
    /// What went back to the supporter, of the gross.
    pub refunded_minor: i64,
    /// When its charge succeeded.
    pub paid_at: i64,
    pub supporter: Option<String>,
    pub visibility: String,
    pub budget_line: Option<String>,
    pub payouts: Vec<PayoutPart>,
}

#[derive(sqlx::FromRow)]
struct DonationDbRow {
    id: i64,
    tip_id: Option<i64>,
    status: String,
    currency: String,
    gross_minor: i64,
    fees_minor: i64,
    net_minor: i64,
    refunded_minor: i64,
    paid_at: i64,
    display_name: String,
    visibility: String,
    budget_line: Option<String>,
}

/// One page of the donations `page` received (those a succeeded charge paid), newest first,
/// each with the payouts that carried its money out.
pub async fn donations(
    db: &Db,
    page: &OwnedApiPage,
    req: &PageRequest,
) -> Result<Paged<DonationRow>, sqlx::Error> {
    let rows: Vec<DonationDbRow> = sqlx::query_as(
        "select di.id, di.tip_id, di.status, a.currency, a.gross_minor, \
                cast(a.fee_minor + a.platform_fee_minor as bigint) as fees_minor, a.net_minor, \
                a.refunded_minor, c.updated_at as paid_at, u.display_name, \
                coalesce(p.visibility, t.visibility) as visibility, b.name as budget_line \
         from allocations a \
         join donation_items di on di.id = a.item_id \
         join charges c on c.id = a.charge_id \
         join users u on u.id = di.supporter_id \
         left join pledges p on p.id = di.pledge_id \
         left join tips t on t.id = di.tip_id \
         left join budget_lines b on b.id = di.budget_line_id \
         where a.recipient_id = $1 and a.item_id < $2 order by a.item_id desc limit $3",
    )
    .bind(page.id)
    .bind(req.before)
    .bind(req.fetch())
    .fetch_all(db.pool())
    .await?;
    let page_rows = paged(rows, req, |r| r.id);
    let lowest = page_rows.items.last().map_or(req.before, |r| r.id);
    let parts: Vec<(i64, i64, i64, String, i64)> = sqlx::query_as(
        "select ps.item_id, ps.payout_id, ps.amount_minor, po.status, po.paid_on \
         from payout_shares ps join payouts po on po.id = ps.payout_id \
         where po.recipient_id = $1 and ps.item_id >= $2 and ps.item_id < $3 \
         order by ps.payout_id",
    )
    .bind(page.id)
    .bind(lowest)
    .bind(req.before)
    .fetch_all(db.pool())
    .await?;
    let mut parts_of: HashMap<i64, Vec<PayoutPart>> = HashMap::new();
    for (item, payout_id, amount_minor, status, paid_on) in parts {
        parts_of.entry(item).or_default().push(PayoutPart {
            payout_id,
            amount_minor,
            status,
            paid_on: iso_day(paid_on),
        });
    }
    Ok(Paged {
        items: page_rows
            .items
            .into_iter()
            .map(|r| DonationRow {
                id: r.id,
                kind: if r.tip_id.is_some() { "tip" } else { "pledge" },
                status: r.status,
                currency: r.currency,
                gross_minor: r.gross_minor,
                fees_minor: r.fees_minor,
                net_minor: r.net_minor,
                refunded_minor: r.refunded_minor,
                paid_at: r.paid_at,
                supporter: shown_name(&r.visibility, r.display_name),
                visibility: r.visibility,
                budget_line: r.budget_line,
                payouts: parts_of.remove(&r.id).unwrap_or_default(),
            })
            .collect(),
        next_cursor: page_rows.next_cursor,
    })
}

/// One page of `page`'s expenses (a cause's; a creator has none), newest recorded first,
/// corrected ones included and marked, as the cause's ledger shows them.
pub async fn expenses(
    db: &Db,
    page: &OwnedApiPage,
    req: &PageRequest,
) -> Result<Paged<ExpenseRow>, sqlx::Error> {
    type Row = (
        i64,
        i64,
        String,
        i64,
        Option<String>,
        i64,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "select x.id, x.amount_minor, x.description, x.spent_on, x.receipt_url, \
           cast((select count(*) from expense_shares s where s.expense_id = x.id and s.amount_minor > 0) as bigint), \
           x.correction_reason, b.name \
         from expenses x left join budget_lines b on b.id = x.budget_line_id \
         where x.recipient_id = $1 and x.id < $2 order by x.id desc limit $3",
    )
    .bind(page.id)
    .bind(req.before)
    .bind(req.fetch())
    .fetch_all(db.pool())
    .await?;
    let rows = rows
        .into_iter()
        .map(
            |(
                id,
                amount_minor,
                description,
                spent_on,
                receipt_url,
                donations,
                corrected,
                budget_line,
            )| {
                ExpenseRow {
                    id,
                    spent_on: iso_day(spent_on),
                    description,
                    budget_line,
                    amount_minor,
                    receipt_url,
                    donations,
                    corrected,
                }
            },
        )
        .collect();
    Ok(paged(rows, req, |r| r.id))
}
