//! What does a supporter see of their own giving? The upcoming consolidated charge (itemised),
//! their pledges, past charges split into donations, and the fee preview shown before they
//! pledge or tip. Read-only: every change goes through `pledges`.
//!
//! Dates follow the scheduler: a supporter is gathered on their billing day, once per currency
//! per month, so the next charge is this month's billing day unless this month's cycle is
//! already decided (then next month's), or today if the day has passed undecided (the next
//! run picks it up). Fees are estimates from the simulated processor's schedule; the real fee
//! is whatever the processor reports, split the same way.

use crate::domain::billing::fee_split::split;
use crate::domain::billing::{BillingConfig, cycle_of};
use crate::domain::giving::pledges::PledgeError;
use crate::domain::platform::clock::{date_label, instant_label, iso_day};
use crate::domain::processors::{FeeSchedule, PaymentProcessor, simulated};
use crate::domain::{AppState, Db};
use crate::model::{
    BillingDashboard, ChargeStatus, DonationPreview, FeeExample, GiveContext, ItemKind,
    PaymentMethodOption, PledgeRow, PledgeStatus, RecentGift, UpcomingCharge, UpcomingItem,
    VisibilityChoice,
};
use crate::money::{Currency, Money};
use chrono::{Datelike as _, Months, NaiveDate};
use std::collections::BTreeMap;

/// The largest amount accepted, in major units (as `pledges` does).
const MAX_MAJOR_UNITS: i64 = 10_000_000;

/// The billing day a supporter without a profile would get: today's, at most 28.
pub fn default_billing_day(today: NaiveDate) -> i64 {
    i64::from(today.day().min(28))
}

/// When the next charge in a currency is gathered (see the module comment).
pub fn next_charge_date(today: NaiveDate, billing_day: i64, decided_this_month: bool) -> NaiveDate {
    let day = billing_day.clamp(1, 28) as u32;
    let this_month = today.with_day(day).unwrap_or(today);
    if decided_this_month {
        this_month
            .checked_add_months(Months::new(1))
            .unwrap_or(this_month)
    } else if i64::from(today.day()) <= billing_day {
        this_month
    } else {
        today
    }
}

/// The label of a test payment method, if it is one.
pub fn payment_method_label(method: &str) -> Option<&'static str> {
    simulated::methods::ALL
        .iter()
        .find(|(value, _)| *value == method)
        .map(|(_, label)| *label)
}

struct Recipient {
    id: i64,
    owner: i64,
    currency: Currency,
}

async fn recipient(db: &Db, slug: &str) -> Result<Option<Recipient>, sqlx::Error> {
    let row: Option<(i64, i64, String)> =
        sqlx::query_as("select id, owner_user_id, currency from recipients where slug = $1")
            .bind(slug)
            .fetch_optional(db.pool())
            .await?;
    Ok(row.and_then(|(id, owner, currency)| {
        Some(Recipient {
            id,
            owner,
            currency: currency.parse().ok()?,
        })
    }))
}

/// The id of the recipient at `slug`.
pub async fn recipient_id(db: &Db, slug: &str) -> Result<Option<i64>, sqlx::Error> {
    Ok(recipient(db, slug).await?.map(|r| r.id))
}

/// The monthly price of `recipient`'s tier `tier`, if it has one by that id.
pub async fn tier_price(db: &Db, recipient: i64, tier: i64) -> Result<Option<Money>, sqlx::Error> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "select t.price_minor, r.currency from tiers t join recipients r on r.id = t.recipient_id \
         where t.id = $1 and t.recipient_id = $2",
    )
    .bind(tier)
    .bind(recipient)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.and_then(|(price, currency)| Some(Money::new(price, currency.parse().ok()?))))
}

#[derive(sqlx::FromRow)]
struct PledgeDbRow {
    id: i64,
    recipient_name: String,
    recipient_slug: String,
    tier_name: Option<String>,
    tier_price: Option<i64>,
    amount_minor: i64,
    currency: String,
    status: String,
    visibility: String,
    created_at: i64,
    first_period_owed: Option<i64>,
}

impl From<PledgeDbRow> for PledgeRow {
    fn from(r: PledgeDbRow) -> Self {
        Self {
            id: r.id,
            recipient_name: r.recipient_name,
            recipient_slug: r.recipient_slug,
            tier_name: r.tier_name,
            tier_price_minor: r.tier_price,
            amount_minor: r.amount_minor,
            currency: r.currency,
            status: PledgeStatus::from_db(&r.status),
            visibility: VisibilityChoice::from_db(&r.visibility),
            since_label: instant_label(r.created_at),
            since_day: iso_day(r.created_at),
            first_period_owed_minor: r.first_period_owed,
        }
    }
}

const PLEDGE_SELECT: &str = "select p.id, r.name as recipient_name, r.slug as recipient_slug, \
       t.name as tier_name, t.price_minor as tier_price, p.amount_minor, p.currency, p.status, \
       p.visibility, p.created_at, \
       case when p.status <> 'cancelled' and p.unlocked_at is not null \
            and not exists (select 1 from donation_items i where i.pledge_id = p.id) \
            then p.unlocked_minor end as first_period_owed \
     from pledges p join recipients r on r.id = p.recipient_id left join tiers t on t.id = p.tier_id";

/// What `supporter` may do on the page at `slug`; `None` if there is no such page.
pub async fn give_context(
    db: &Db,
    supporter: i64,
    slug: &str,
) -> Result<Option<GiveContext>, sqlx::Error> {
    let Some(r) = recipient(db, slug).await? else {
        return Ok(None);
    };
    let pledge: Option<PledgeDbRow> = sqlx::query_as(&format!(
        "{PLEDGE_SELECT} where p.supporter_id = $1 and p.recipient_id = $2 and p.status <> 'cancelled'"
    ))
    .bind(supporter)
    .bind(r.id)
    .fetch_optional(db.pool())
    .await?;
    Ok(Some(GiveContext {
        is_owner: r.owner == supporter,
        pledge: pledge.map(PledgeRow::from),
    }))
}

/// The supporter's billing day and payment method, if they have a profile.
async fn profile(db: &Db, supporter: i64) -> Result<Option<(i64, Option<String>)>, sqlx::Error> {
    sqlx::query_as("select billing_day, payment_method from billing_profiles where user_id = $1")
        .bind(supporter)
        .fetch_optional(db.pool())
        .await
}

/// An unsettled item.
#[derive(sqlx::FromRow)]
struct PendingItemRow {
    currency: String,
    name: String,
    slug: String,
    gross_minor: i64,
    pledge_id: Option<i64>,
    period: Option<String>,
    carried_cycles: i64,
    /// The tip, while no charge has claimed it.
    tip_id: Option<i64>,
    message: Option<String>,
}

/// Builds the next charge of every currency from what is pending and what pledges will add.
async fn upcoming(
    db: &Db,
    config: &BillingConfig,
    processor: &dyn PaymentProcessor,
    supporter: i64,
    today: NaiveDate,
    billing_day: i64,
) -> Result<BTreeMap<Currency, UpcomingCharge>, sqlx::Error> {
    // Unsettled items: tips not yet charged and periods carried forward.
    let pending: Vec<PendingItemRow> = sqlx::query_as(
        "select i.currency, r.name, r.slug, i.gross_minor, i.pledge_id, i.period, i.carried_cycles, \
             case when i.charge_id is null then i.tip_id end as tip_id, t.message \
             from donation_items i join recipients r on r.id = i.recipient_id \
             left join tips t on t.id = i.tip_id \
             where i.supporter_id = $1 and i.status = 'pending' and i.charge_id is null order by i.id",
    )
    .bind(supporter)
    .fetch_all(db.pool())
    .await?;
    // One more period of every pledge that is running.
    let pledges: Vec<(String, String, String, i64, Option<String>)> = sqlx::query_as(
        "select p.currency, r.name, r.slug, p.amount_minor, t.name \
         from pledges p join recipients r on r.id = p.recipient_id left join tiers t on t.id = p.tier_id \
         where p.supporter_id = $1 and p.status in ('active', 'past_due') order by p.id",
    )
    .bind(supporter)
    .fetch_all(db.pool())
    .await?;
    let decided: Vec<(String,)> = sqlx::query_as(
        "select currency from billing_cycles where supporter_id = $1 and cycle = $2",
    )
    .bind(supporter)
    .bind(cycle_of(today))
    .fetch_all(db.pool())
    .await?;

    let mut by_currency: BTreeMap<Currency, Vec<UpcomingItem>> = BTreeMap::new();
    for item in pending {
        let Ok(c) = item.currency.parse::<Currency>() else {
            continue;
        };
        let kind = match (item.pledge_id, &item.period) {
            (Some(_), period) => ItemKind::Pledge {
                period: period.clone(),
                tier: None,
            },
            (None, _) => ItemKind::Tip,
        };
        by_currency.entry(c).or_default().push(UpcomingItem {
            recipient_name: item.name,
            recipient_slug: item.slug,
            kind,
            amount_minor: item.gross_minor,
            carried_cycles: item.carried_cycles,
            is_new: false,
            tip_id: item.tip_id,
            message: item.message.unwrap_or_default(),
        });
    }
    for (currency, name, slug, amount, tier) in pledges {
        let Ok(c) = currency.parse::<Currency>() else {
            continue;
        };
        by_currency.entry(c).or_default().push(UpcomingItem {
            recipient_name: name,
            recipient_slug: slug,
            kind: ItemKind::Pledge { period: None, tier },
            amount_minor: amount,
            carried_cycles: 0,
            is_new: false,
            tip_id: None,
            message: String::new(),
        });
    }
    Ok(by_currency
        .into_iter()
        .map(|(c, items)| {
            let is_decided = decided.iter().any(|(d,)| d == c.code());
            (
                c,
                charge(
                    config,
                    processor.fee_schedule(c),
                    c,
                    today,
                    billing_day,
                    is_decided,
                    items,
                ),
            )
        })
        .collect())
}

/// Totals, fee and date of one currency's next charge.
fn charge(
    config: &BillingConfig,
    fees: FeeSchedule,
    currency: Currency,
    today: NaiveDate,
    billing_day: i64,
    decided: bool,
    items: Vec<UpcomingItem>,
) -> UpcomingCharge {
    let total: i64 = items.iter().map(|i| i.amount_minor).sum();
    let max_carried = items.iter().map(|i| i.carried_cycles).max().unwrap_or(0);
    let min = config.min_charge(currency);
    UpcomingCharge {
        currency: currency.code().to_owned(),
        date_label: date_label(next_charge_date(today, billing_day, decided)),
        day: next_charge_date(today, billing_day, decided).to_string(),
        total_minor: total,
        estimated_fee_minor: fees.estimate(total),
        min_charge_minor: min,
        will_carry_forward: total < min && max_carried < config.max_carry_cycles,
        items,
    }
}

/// What giving `raw` to the page at `slug` would add to the caller's next charge, and what
/// share of its fee the gift would bear.
pub async fn preview(
    state: &AppState,
    supporter: i64,
    slug: &str,
    raw: &str,
    today: NaiveDate,
) -> Result<DonationPreview, PledgeError> {
    let db = &state.db;
    let r = recipient(db, slug)
        .await?
        .ok_or(PledgeError::NoSuchRecipient)?;
    if r.owner == supporter {
        return Err(PledgeError::SelfSupport);
    }
    let max = MAX_MAJOR_UNITS.saturating_mul(r.currency.minor_per_major());
    let amount = Money::parse(raw, r.currency, max)
        .map_err(|e| PledgeError::Field("amount", crate::domain::platform::said::Said::money(e)))?;
    let billing_day = profile(db, supporter)
        .await?
        .map_or_else(|| default_billing_day(today), |(d, _)| d);
    let mut all = upcoming(
        db,
        &state.billing,
        state.processor.as_ref(),
        supporter,
        today,
        billing_day,
    )
    .await?;
    let mut items = all.remove(&r.currency).map(|c| c.items).unwrap_or_default();
    let (name, _) = names(db, r.id).await?;
    items.push(UpcomingItem {
        recipient_name: name,
        recipient_slug: slug.to_owned(),
        kind: ItemKind::ThisDonation,
        amount_minor: amount.minor,
        carried_cycles: 0,
        is_new: true,
        tip_id: None,
        message: String::new(),
    });
    let decided: Option<(i64,)> = sqlx::query_as(
        "select cast(1 as bigint) from billing_cycles where supporter_id = $1 and currency = $2 and cycle = $3",
    )
    .bind(supporter)
    .bind(r.currency.code())
    .bind(cycle_of(today))
    .fetch_optional(db.pool())
    .await?;
    let fees = state.processor.fee_schedule(r.currency);
    let next = charge(
        &state.billing,
        fees,
        r.currency,
        today,
        billing_day,
        decided.is_some(),
        items,
    );
    let grosses: Vec<i64> = next.items.iter().map(|i| i.amount_minor).collect();
    let share = split(next.estimated_fee_minor, &grosses)
        .and_then(|s| s.last().copied())
        .unwrap_or(0);
    Ok(DonationPreview {
        amount_minor: amount.minor,
        share_minor: share,
        alone_fee_minor: fees.estimate(amount.minor),
        fee_rule: fees.describe(r.currency),
        charge: next,
    })
}

/// What consolidating saves, worked out with the fee model the billing run uses: `gifts`
/// gifts of `gift_minor` each, charged alone or together in one charge (in `currency`).
pub fn fee_example(
    processor: &dyn PaymentProcessor,
    currency: Currency,
    gift_minor: i64,
    gifts: usize,
) -> Option<FeeExample> {
    let fees = processor.fee_schedule(currency);
    let grosses = vec![gift_minor; gifts];
    let total = gift_minor.checked_mul(i64::try_from(gifts).ok()?)?;
    let combined = fees.estimate(total);
    let shares = split(combined, &grosses)?;
    Some(FeeExample {
        currency: currency.code().to_owned(),
        gift_minor,
        alone_fee_minor: fees.estimate(gift_minor),
        gifts: i64::try_from(gifts).ok()?,
        combined_fee_minor: combined,
        share_minor: shares.into_iter().max()?,
        fee_rule: fees.describe(currency),
    })
}

async fn names(db: &Db, recipient: i64) -> Result<(String, String), sqlx::Error> {
    sqlx::query_as("select name, slug from recipients where id = $1")
        .bind(recipient)
        .fetch_one(db.pool())
        .await
}

/// Everything on `supporter`'s billing page, as of `today`.
pub async fn billing(
    state: &AppState,
    supporter: i64,
    today: NaiveDate,
) -> Result<BillingDashboard, sqlx::Error> {
    let db = &state.db;
    let profile = profile(db, supporter).await?;
    let billing_day = profile.as_ref().map(|(d, _)| *d);
    let effective = billing_day.unwrap_or_else(|| default_billing_day(today));
    let payment_method = profile.and_then(|(_, m)| m);
    let upcoming = upcoming(
        db,
        &state.billing,
        state.processor.as_ref(),
        supporter,
        today,
        effective,
    )
    .await?;
    let pledges: Vec<PledgeDbRow> = sqlx::query_as(&format!(
        "{PLEDGE_SELECT} where p.supporter_id = $1 \
         order by case when p.status = 'cancelled' then 1 else 0 end, p.created_at desc, p.id desc"
    ))
    .bind(supporter)
    .fetch_all(db.pool())
    .await?;
    let past = super::charges::past_charges(db, supporter).await?;
    // The latest real charge decides the banner.
    let attention = past
        .iter()
        .map(|(_, c)| c)
        .filter(|c| c.status != ChargeStatus::CarriedForward)
        .max_by_key(|c| c.id)
        .filter(|c| {
            matches!(
                c.status,
                ChargeStatus::Failed | ChargeStatus::RequiresAction
            )
        })
        .cloned();
    let recent = recent_gift(db, supporter, &upcoming).await?;
    Ok(BillingDashboard {
        billing_day,
        effective_billing_day: effective,
        payment_method_label: payment_method
            .as_deref()
            .map(|m| payment_method_label(m).unwrap_or("Saved card").to_owned()),
        payment_method,
        stripe_checkout: state.stripe.is_some(),
        payment_methods: simulated::methods::ALL
            .iter()
            .filter(|_| state.stripe.is_none())
            .map(|(value, label)| PaymentMethodOption {
                value: (*value).to_owned(),
                label: (*label).to_owned(),
            })
            .collect(),
        upcoming: upcoming.into_values().collect(),
        pledges: pledges.into_iter().map(PledgeRow::from).collect(),
        past: past.into_iter().map(|(_, c)| c).collect(),
        attention,
        recent,
    })
}

/// The newest pledge or tip, and when its next charge collects it.
async fn recent_gift(
    db: &Db,
    supporter: i64,
    upcoming: &BTreeMap<Currency, UpcomingCharge>,
) -> Result<Option<RecentGift>, sqlx::Error> {
    let row: Option<(i64, String, i64, String, i64)> = sqlx::query_as(
        "select cast(g.is_pledge as bigint), r.name, g.amount_minor, g.currency, g.created_at from ( \
           select 1 as is_pledge, recipient_id, amount_minor, currency, created_at, id from pledges \
             where supporter_id = $1 and status <> 'cancelled' \
           union all \
           select 0 as is_pledge, recipient_id, amount_minor, currency, created_at, id from tips \
             where supporter_id = $1 \
         ) g join recipients r on r.id = g.recipient_id \
         order by g.created_at desc, g.is_pledge asc, g.id desc limit 1",
    )
    .bind(supporter)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|(is_pledge, name, amount, currency, _)| {
        let next = currency
            .parse::<Currency>()
            .ok()
            .and_then(|c| upcoming.get(&c));
        let collect_label = next.map(|c| c.date_label.clone()).unwrap_or_default();
        let collect_day = next.map(|c| c.day.clone()).unwrap_or_default();
        RecentGift {
            is_pledge: is_pledge == 1,
            recipient_name: name,
            amount_minor: amount,
            currency,
            collect_label,
            collect_day,
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_next_charge_follows_the_billing_day_and_this_months_decision() {
        assert_eq!(
            next_charge_date(d("2026-06-03"), 12, false),
            d("2026-06-12")
        );
        assert_eq!(
            next_charge_date(d("2026-06-12"), 12, false),
            d("2026-06-12")
        );
        assert_eq!(
            next_charge_date(d("2026-06-20"), 12, false),
            d("2026-06-20")
        );
        assert_eq!(next_charge_date(d("2026-06-20"), 12, true), d("2026-07-12"));
        assert_eq!(next_charge_date(d("2026-12-31"), 28, true), d("2027-01-28"));
        assert_eq!(default_billing_day(d("2026-01-31")), 28);
    }
}
