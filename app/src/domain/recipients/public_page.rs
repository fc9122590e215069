//! A creator's or cause's page as the public sees it: bio, tiers with places left, the goal
//! and how close it is, recent supporters and tip messages, and for causes the ledger of money
//! received.
//!
//! Visibility is applied here, before anything leaves the domain: a public supporter shows
//! their name, an anonymous one shows no name, a private one is not listed at all (their money
//! still counts in totals, without a name). Only pledges that count and paid tips are shown or
//! totalled ([`super::backing`]).

use crate::domain::Db;
use crate::domain::platform::clock::{instant_label, iso_day};
use crate::domain::platform::markdown;
use crate::model::{
    CauseLedger, LedgerIncome, PublicSupporter, PublicTip, RecipientKind, RecipientPage, TierView,
};

/// Recent supporters and tip messages shown on a page.
const RECENT_LIMIT: i64 = 12;
/// Newest donations listed on a cause's ledger (the totals cover all of them).
const LEDGER_LIMIT: i64 = 50;

use super::backing;
/// Pledge statuses that hold a place in a limited tier (as pledging checks).
const HOLDING_A_PLACE: &str = "('active', 'past_due', 'paused')";

#[derive(sqlx::FromRow)]
struct HeadRow {
    id: i64,
    kind: String,
    name: String,
    tagline: String,
    category: String,
    currency: String,
    bio_md: String,
    goal_minor: Option<i64>,
    deadline: Option<i64>,
    image_url: Option<String>,
    owner_name: String,
    closed_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct TierRow {
    id: i64,
    name: String,
    price_minor: i64,
    description: String,
    perks: String,
    supporter_limit: Option<i64>,
    taken: i64,
}

#[derive(sqlx::FromRow)]
struct SupporterRow {
    visibility: String,
    display_name: String,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct TipRow {
    visibility: String,
    display_name: String,
    amount_minor: i64,
    message: String,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct IncomeRow {
    received_at: i64,
    visibility: String,
    display_name: String,
    tip_id: Option<i64>,
    gross_minor: i64,
    fees_minor: i64,
    net_minor: i64,
}

/// The name the public may see: `None` unless the supporter chose "public".
fn public_name(visibility: &str, display_name: String) -> Option<String> {
    (visibility == "public").then_some(display_name)
}

/// The public page of the recipient at `slug`, or `None` if there is none.
pub async fn load(db: &Db, slug: &str) -> Result<Option<RecipientPage>, sqlx::Error> {
    let head: Option<HeadRow> = sqlx::query_as(
        "select r.id, r.kind, r.name, r.tagline, r.category, r.currency, r.bio_md, r.goal_minor, \
                r.deadline, r.image_url, u.display_name as owner_name, r.closed_at \
         from recipients r join users u on u.id = r.owner_user_id where r.slug = $1",
    )
    .bind(slug)
    .fetch_optional(db.pool())
    .await?;
    let Some(head) = head else {
        return Ok(None);
    };
    let kind = RecipientKind::from_db(&head.kind);
    let (supporters, monthly_minor) = support_totals(db, head.id).await?;
    let ledger = match kind {
        RecipientKind::Cause => Some(cause_ledger(db, head.id).await?),
        RecipientKind::Creator => None,
    };
    Ok(Some(RecipientPage {
        slug: slug.to_owned(),
        kind,
        tiers: tiers(db, head.id).await?,
        recent_supporters: recent_supporters(db, head.id).await?,
        recent_tips: recent_tips(db, head.id).await?,
        name: head.name,
        tagline: head.tagline,
        category: head.category,
        currency: head.currency,
        bio_html: markdown::to_safe_html(&head.bio_md),
        goal_minor: head.goal_minor,
        image_url: head.image_url.filter(|u| !u.trim().is_empty()),
        owner_name: head.owner_name,
        deadline_label: head.deadline.map(instant_label),
        deadline_day: head.deadline.map(iso_day),
        supporters,
        monthly_minor,
        ledger,
        closed: head.closed_at.is_some(),
    }))
}

/// Active tiers in order, each with the places left under its limit.
async fn tiers(db: &Db, recipient: i64) -> Result<Vec<TierView>, sqlx::Error> {
    let rows: Vec<TierRow> = sqlx::query_as(&format!(
        "select t.id, t.name, t.price_minor, t.description, t.perks, t.supporter_limit, \
                cast((select count(*) from pledges p where p.tier_id = t.id \
                      and p.status in {HOLDING_A_PLACE}) as bigint) as taken \
         from tiers t where t.recipient_id = $1 and t.retired = 0 order by t.position, t.id"
    ))
    .bind(recipient)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|t| TierView {
            id: t.id,
            name: t.name,
            price_minor: t.price_minor,
            description: t.description,
            perks: t
                .perks
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            supporter_limit: t.supporter_limit,
            remaining: t.supporter_limit.map(|l| (l - t.taken).max(0)),
        })
        .collect())
}

/// How many pledges support the recipient now, and their monthly sum.
async fn support_totals(db: &Db, recipient: i64) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(&format!(
        "select cast(count(*) as bigint), cast(coalesce(sum(p.amount_minor), 0) as bigint) \
         from pledges p where p.recipient_id = $1 and {}",
        backing::pledge_counts("p")
    ))
    .bind(recipient)
    .fetch_one(db.pool())
    .await
}

/// The newest supporters who did not choose to be private.
async fn recent_supporters(db: &Db, recipient: i64) -> Result<Vec<PublicSupporter>, sqlx::Error> {
    let rows: Vec<SupporterRow> = sqlx::query_as(&format!(
        "select p.visibility, u.display_name, p.created_at from pledges p \
         join users u on u.id = p.supporter_id \
         where p.recipient_id = $1 and {} \
           and p.visibility in ('public', 'anonymous') \
         order by p.created_at desc, p.id desc limit {RECENT_LIMIT}",
        backing::pledge_counts("p")
    ))
    .bind(recipient)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PublicSupporter {
            name: public_name(&r.visibility, r.display_name),
            since_label: instant_label(r.created_at),
            since_day: iso_day(r.created_at),
        })
        .collect())
}

/// The newest paid tips with a message that are not private (a tip's message shows only once
/// the tip is paid, so an unpaid tip cannot put words on a page).
async fn recent_tips(db: &Db, recipient: i64) -> Result<Vec<PublicTip>, sqlx::Error> {
    let rows: Vec<TipRow> = sqlx::query_as(&format!(
        "select t.visibility, u.display_name, t.amount_minor, t.message, t.created_at from tips t \
         join users u on u.id = t.supporter_id \
         join donation_items di on di.tip_id = t.id \
         where t.recipient_id = $1 and t.visibility in ('public', 'anonymous') and t.message <> '' \
           and {} \
         order by t.created_at desc, t.id desc limit {RECENT_LIMIT}",
        backing::item_paid("di")
    ))
    .bind(recipient)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PublicTip {
            name: public_name(&r.visibility, r.display_name),
            amount_minor: r.amount_minor,
            message: r.message,
            date_label: instant_label(r.created_at),
            day: iso_day(r.created_at),
        })
        .collect())
}

/// Paid donation shares of a cause, less any part refunded: the newest listed, all totalled.
async fn cause_ledger(db: &Db, recipient: i64) -> Result<CauseLedger, sqlx::Error> {
    const RECEIVED: &str = "from allocations a \
         join donation_items di on di.id = a.item_id \
         where a.recipient_id = $1 and di.status = 'paid' and a.refunded_at is null";
    let (income_count, gross_minor, fees_minor, net_minor): (i64, i64, i64, i64) =
        sqlx::query_as(&format!(
            "select cast(count(*) as bigint), \
                    cast(coalesce(sum(a.gross_minor - a.refunded_minor), 0) as bigint), \
                    cast(coalesce(sum((a.gross_minor - a.refunded_minor) \
                                      - (a.net_minor - a.refunded_net_minor)), 0) as bigint), \
                    cast(coalesce(sum(a.net_minor - a.refunded_net_minor), 0) as bigint) {RECEIVED}"
        ))
        .bind(recipient)
        .fetch_one(db.pool())
        .await?;
    let rows: Vec<IncomeRow> = sqlx::query_as(
        "select c.updated_at as received_at, coalesce(p.visibility, t.visibility) as visibility, \
                u.display_name, di.tip_id, cast(a.gross_minor - a.refunded_minor as bigint) as gross_minor, \
                cast((a.gross_minor - a.refunded_minor) - (a.net_minor - a.refunded_net_minor) as bigint) as fees_minor, \
                cast(a.net_minor - a.refunded_net_minor as bigint) as net_minor \
         from allocations a \
         join donation_items di on di.id = a.item_id \
         join charges c on c.id = a.charge_id \
         join users u on u.id = di.supporter_id \
         left join pledges p on p.id = di.pledge_id \
         left join tips t on t.id = di.tip_id \
         where a.recipient_id = $1 and di.status = 'paid' and a.refunded_at is null \
         order by c.updated_at desc, a.item_id desc limit $2",
    )
    .bind(recipient)
    .bind(LEDGER_LIMIT)
    .fetch_all(db.pool())
    .await?;
    let currency: crate::money::Currency =
        sqlx::query_as::<_, (String,)>("select currency from recipients where id = $1")
            .bind(recipient)
            .fetch_one(db.pool())
            .await?
            .0
            .parse()
            .unwrap_or(crate::money::Currency::USD);
    let totals = crate::domain::books::cause_ledger::totals(db, recipient, currency).await?;
    let expenses = crate::domain::books::cause_ledger::rows(db, recipient, currency).await?;
    let (budget_lines, unearmarked) =
        crate::domain::recipients::budget_lines::rows(db, recipient).await?;
    Ok(CauseLedger {
        budget_lines,
        unearmarked,
        spent_minor: totals.spent.minor,
        unspent_minor: net_minor - totals.spent.minor,
        expenses,
        income: rows
            .into_iter()
            .map(|r| LedgerIncome {
                date_label: instant_label(r.received_at),
                day: iso_day(r.received_at),
                donor: public_name(&r.visibility, r.display_name),
                is_tip: r.tip_id.is_some(),
                gross_minor: r.gross_minor,
                fee_minor: r.fees_minor,
                net_minor: r.net_minor,
            })
            .collect(),
        income_count,
        gross_minor,
        fees_minor,
        net_minor,
    })
}
