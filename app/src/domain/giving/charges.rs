//! What became of a supporter's charges? Each past charge with its donations (gross, fee
//! share, platform fee, net) and, for a declined one, why and when it is tried again.

use crate::domain::Db;
use crate::domain::platform::clock::iso_day;
use crate::domain::platform::sql::list;
use crate::domain::processors::payment_method_unusable;
use crate::model::{ChargeStatus, DeclineReason, DonationStatus, PastCharge, PastDonation};
use std::collections::BTreeMap;

/// Past charges shown at most.
const PAST_LIMIT: i64 = 50;

/// Why a charge was declined, from the processor's decline code.
pub fn decline_reason(code: &str) -> DeclineReason {
    match code {
        "card_declined" => DeclineReason::CardDeclined,
        "insufficient_funds" => DeclineReason::InsufficientFunds,
        "expired_card" => DeclineReason::ExpiredCard,
        "payment_method_missing" => DeclineReason::NoPaymentMethod,
        "authentication_failed" | "payment_intent_authentication_failure" => {
            DeclineReason::AuthenticationFailed
        }
        c if payment_method_unusable(c) => DeclineReason::MethodUnusable(c.to_owned()),
        other => DeclineReason::Other(other.to_owned()),
    }
}

#[derive(sqlx::FromRow)]
struct ChargeRow {
    id: i64,
    currency: String,
    cycle: String,
    attempt: i64,
    amount_minor: i64,
    status: String,
    decline_code: Option<String>,
    fee_minor: Option<i64>,
    platform_fee_minor: Option<i64>,
    next_retry_at: Option<i64>,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct DonationRow {
    item_id: i64,
    charge_id: i64,
    recipient_name: String,
    recipient_slug: String,
    gross_minor: i64,
    pledge_id: Option<i64>,
    period: Option<String>,
    status: String,
    carried_cycles: i64,
    fee_minor: Option<i64>,
    platform_fee_minor: Option<i64>,
    net_minor: Option<i64>,
    refunded_at: Option<i64>,
}

/// Each charge with its donations, keyed by when it was made.
async fn with_donations(
    db: &Db,
    supporter: i64,
    charges: Vec<ChargeRow>,
) -> Result<Vec<(i64, PastCharge)>, sqlx::Error> {
    let mut donations: BTreeMap<i64, Vec<PastDonation>> = BTreeMap::new();
    if !charges.is_empty() {
        let sql = format!(
            "select i.id as item_id, i.charge_id, r.name as recipient_name, r.slug as recipient_slug, i.gross_minor, \
                    i.pledge_id, i.period, i.status, i.carried_cycles, a.fee_minor, \
                    a.platform_fee_minor, a.net_minor, a.refunded_at \
             from donation_items i join recipients r on r.id = i.recipient_id \
             left join allocations a on a.item_id = i.id \
             where i.supporter_id = $1 and i.charge_id in ({}) order by i.id",
            list(2, charges.len())
        );
        let mut q = sqlx::query_as::<_, DonationRow>(&sql).bind(supporter);
        for c in &charges {
            q = q.bind(c.id);
        }
        for d in q.fetch_all(db.pool()).await? {
            let status = match d.status.as_str() {
                _ if d.refunded_at.is_some() => DonationStatus::Refunded,
                "pending" if d.carried_cycles > 0 => DonationStatus::CarriedForward,
                "pending" => DonationStatus::Pending,
                "charging" => DonationStatus::Charging,
                "paid" => DonationStatus::Paid,
                "voided" => DonationStatus::Voided,
                _ => DonationStatus::Refunded,
            };
            donations
                .entry(d.charge_id)
                .or_default()
                .push(PastDonation {
                    item_id: d.item_id,
                    recipient_name: d.recipient_name,
                    recipient_slug: d.recipient_slug,
                    is_pledge: d.pledge_id.is_some(),
                    period: d.period.filter(|_| d.pledge_id.is_some()),
                    gross_minor: d.gross_minor,
                    fee_minor: d.fee_minor,
                    platform_fee_minor: d.platform_fee_minor,
                    net_minor: d.net_minor,
                    status,
                });
        }
    }
    Ok(charges
        .into_iter()
        .map(|c| {
            let status = ChargeStatus::from_db(&c.status);
            (
                c.created_at,
                PastCharge {
                    id: c.id,
                    day: iso_day(c.created_at),
                    cycle: c.cycle,
                    attempt: c.attempt,
                    currency: c.currency,
                    amount_minor: c.amount_minor,
                    status,
                    decline_reason: c.decline_code.as_deref().map(decline_reason),
                    fee_minor: c.fee_minor,
                    platform_fee_minor: c.platform_fee_minor,
                    next_retry_day: c.next_retry_at.map(iso_day),
                    donations: donations.remove(&c.id).unwrap_or_default(),
                },
            )
        })
        .collect())
}

const CHARGE_SELECT: &str = "select id, currency, cycle, attempt, amount_minor, status, decline_code, fee_minor, \
        platform_fee_minor, next_retry_at, created_at from charges";

/// One of `supporter`'s charges with its donations; `None` when there is no such charge or it
/// is someone else's.
pub async fn charge_of(
    db: &Db,
    supporter: i64,
    charge: i64,
) -> Result<Option<PastCharge>, sqlx::Error> {
    let rows: Vec<ChargeRow> = sqlx::query_as(&format!(
        "{CHARGE_SELECT} where id = $1 and supporter_id = $2"
    ))
    .bind(charge)
    .bind(supporter)
    .fetch_all(db.pool())
    .await?;
    Ok(with_donations(db, supporter, rows)
        .await?
        .into_iter()
        .next()
        .map(|(_, c)| c))
}

/// Past charges, newest first, each with its donations; carried-forward cycles are listed too.
pub(super) async fn past_charges(
    db: &Db,
    supporter: i64,
) -> Result<Vec<(i64, PastCharge)>, sqlx::Error> {
    let charges: Vec<ChargeRow> = sqlx::query_as(&format!(
        "{CHARGE_SELECT} where supporter_id = $1 and status <> 'superseded' \
         order by created_at desc, id desc limit $2"
    ))
    .bind(supporter)
    .bind(PAST_LIMIT)
    .fetch_all(db.pool())
    .await?;
    let mut past = with_donations(db, supporter, charges).await?;
    let carried: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "select currency, cycle, total_minor, created_at from billing_cycles \
         where supporter_id = $1 and outcome = 'carried_forward' order by created_at desc limit $2",
    )
    .bind(supporter)
    .bind(PAST_LIMIT)
    .fetch_all(db.pool())
    .await?;
    past.extend(carried.into_iter().map(|(currency, cycle, total, at)| {
        (
            at,
            PastCharge {
                id: 0,
                day: iso_day(at),
                cycle,
                attempt: 0,
                currency,
                amount_minor: total,
                status: ChargeStatus::CarriedForward,
                decline_reason: None,
                fee_minor: None,
                platform_fee_minor: None,
                next_retry_day: None,
                donations: Vec::new(),
            },
        )
    }));
    // Newest first; on the same instant a charge before a carry (ids keep charges in order).
    past.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.id.cmp(&a.1.id)));
    past.truncate(PAST_LIMIT as usize);
    Ok(past)
}
