//! Pledges (monthly), tips (one-off) and each supporter's billing day. Every function checks
//! who is asking: a supporter may only change their own pledges, and nobody may give to a page
//! they own.

use crate::domain::hooks::{self, Event, EventType};
use crate::domain::platform::clock::now;
use crate::domain::platform::db::Backend;
use crate::domain::platform::said::{Said, Value};
use crate::domain::{AppState, Db};
use crate::money::{Currency, Money, MoneyError};

/// The largest pledge or tip Chipin accepts, in major units of any currency (a guard against
/// typos like an extra zero block, not a business limit).
const MAX_MAJOR_UNITS: i64 = 10_000_000;

/// Who may see a pledge or tip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// Name shown publicly.
    Public,
    /// Counted publicly, name hidden.
    Anonymous,
    /// Only the supporter and the recipient know.
    Private,
}

impl Visibility {
    pub fn parse(s: &str) -> Result<Self, PledgeError> {
        match s {
            "public" => Ok(Self::Public),
            "anonymous" => Ok(Self::Anonymous),
            "private" => Ok(Self::Private),
            _ => Err(PledgeError::Field(
                "visibility",
                Said::message("give-err-visibility"),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Anonymous => "anonymous",
            Self::Private => "private",
        }
    }
}

/// What can go wrong with a pledge or tip. What the person reads is a [`Said`]: English here,
/// in their language where a server function answers them.
#[derive(Debug, thiserror::Error)]
pub enum PledgeError {
    #[error("{1}")]
    Field(&'static str, Said),
    #[error("There is no such creator or cause.")]
    NoSuchRecipient,
    #[error("There is no such pledge.")]
    NoSuchPledge,
    #[error("There is no such tip.")]
    NoSuchTip,
    #[error("This page has closed and no longer takes pledges or tips.")]
    Closed,
    #[error("You cannot support your own page.")]
    SelfSupport,
    #[error("{0}")]
    Conflict(Said),
    /// A limit against card testing refused it (recorded as a security event).
    #[error("{1}")]
    Limited(&'static str, Said),
    /// A large amount the supporter has not confirmed yet; the question to ask them.
    #[error("{0}")]
    NeedsConfirmation(Said),
    #[error("database")]
    Db(#[from] sqlx::Error),
}

/// Parses a pledge or tip amount typed into `field`, within Chipin's bounds.
pub(crate) fn amount(
    raw: &str,
    currency: Currency,
    field: &'static str,
) -> Result<Money, PledgeError> {
    let max = MAX_MAJOR_UNITS.saturating_mul(currency.minor_per_major());
    Money::parse(raw, currency, max)
        .map_err(|e: MoneyError| PledgeError::Field(field, Said::money(e)))
}

struct Recipient {
    id: i64,
    owner: i64,
    currency: Currency,
}

/// The active budget line of `recipient` a give form chose (`""`: none).
async fn earmark(db: &Db, recipient: i64, raw: &str) -> Result<Option<i64>, PledgeError> {
    let mut conn = db.pool().acquire().await?;
    crate::domain::recipients::budget_lines::chosen(
        &mut conn,
        recipient,
        raw,
        crate::domain::recipients::budget_lines::LineUse::Earmark,
    )
    .await?
    .map_err(|refusal| {
        PledgeError::Field(
            crate::domain::recipients::budget_lines::FIELD,
            Said::from(refusal.giving_words()),
        )
    })
}

async fn recipient(db: &Db, recipient_id: i64) -> Result<Recipient, PledgeError> {
    let row: Option<(i64, i64, String, Option<i64>)> = sqlx::query_as(
        "select id, owner_user_id, currency, closed_at from recipients where id = $1",
    )
    .bind(recipient_id)
    .fetch_optional(db.pool())
    .await?;
    let (id, owner, currency, closed) = row.ok_or(PledgeError::NoSuchRecipient)?;
    if closed.is_some() {
        return Err(PledgeError::Closed);
    }
    let currency = currency.parse().map_err(|_| PledgeError::NoSuchRecipient)?;
    Ok(Recipient {
        id,
        owner,
        currency,
    })
}

/// Inside the transaction that records a pledge or a tip: the page is still open. On
/// PostgreSQL the page's row is share-locked, so an account deletion closing it either waits
/// for this gift (and then ends it with the page's others) or commits first (and this gift is
/// refused): no gift slips in to a closed page.
async fn still_open(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    recipient_id: i64,
) -> Result<(), PledgeError> {
    let lock = match backend {
        Backend::Postgres => " for share",
        Backend::Sqlite => "",
    };
    let (closed,): (Option<i64>,) = sqlx::query_as(&format!(
        "select closed_at from recipients where id = $1{lock}"
    ))
    .bind(recipient_id)
    .fetch_one(&mut **tx)
    .await?;
    match closed {
        Some(_) => Err(PledgeError::Closed),
        None => Ok(()),
    }
}

/// Makes sure the supporter has a billing profile; the first pledge or tip sets the billing
/// day to today's day of the month (28 at most).
async fn ensure_profile(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    supporter: i64,
    at: i64,
) -> Result<(), sqlx::Error> {
    use chrono::Datelike as _;
    let day = chrono::DateTime::from_timestamp(at, 0).map_or(1, |d| d.day().min(28)) as i64;
    sqlx::query(
        "insert into billing_profiles (user_id, billing_day, created_at) values ($1, $2, $3) \
         on conflict (user_id) do nothing",
    )
    .bind(supporter)
    .bind(day)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A new monthly pledge.
#[derive(Clone, Debug)]
pub struct NewPledge<'a> {
    pub recipient_id: i64,
    pub amount: &'a str,
    pub tier_id: Option<i64>,
    pub visibility: &'a str,
    /// A budget line's id of the cause to earmark every period to, or empty for none.
    pub budget_line: &'a str,
}

/// Creates a pledge; its first period is charged in the supporter's next cycle.
pub async fn create_pledge(
    state: &AppState,
    supporter: i64,
    form: NewPledge<'_>,
) -> Result<i64, PledgeError> {
    let db = &state.db;
    let r = recipient(db, form.recipient_id).await?;
    if r.owner == supporter {
        return Err(PledgeError::SelfSupport);
    }
    let visibility = Visibility::parse(form.visibility)?;
    let money = amount(form.amount, r.currency, "amount")?;
    let line = earmark(db, r.id, form.budget_line).await?;
    let mut tx = db.begin_write().await?;
    still_open(&mut tx, db.backend(), r.id).await?;
    if let Some(tier_id) = form.tier_id {
        let tier: Option<(i64, Option<i64>, i64)> = sqlx::query_as(
            "select price_minor, supporter_limit, retired from tiers where id = $1 and recipient_id = $2",
        )
        .bind(tier_id)
        .bind(r.id)
        .fetch_optional(&mut *tx)
        .await?;
        let (price, limit, retired) = tier.ok_or(PledgeError::Field(
            "tier_id",
            Said::message("give-err-tier-choose"),
        ))?;
        if retired != 0 {
            return Err(PledgeError::Field(
                "tier_id",
                Said::message("give-err-tier-retired"),
            ));
        }
        if money.minor < price {
            return Err(PledgeError::Field(
                "amount",
                tier_minimum(Money::new(price, r.currency)),
            ));
        }
        if let Some(limit) = limit {
            let (taken,): (i64,) = sqlx::query_as(
                "select count(*) from pledges where tier_id = $1 and status in ('active', 'past_due', 'paused')",
            )
            .bind(tier_id)
            .fetch_one(&mut *tx)
            .await?;
            if taken >= limit {
                return Err(PledgeError::Field(
                    "tier_id",
                    Said::message("give-err-tier-full"),
                ));
            }
        }
    }
    let at = now();
    ensure_profile(&mut tx, supporter, at).await?;
    let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "insert into pledges (supporter_id, recipient_id, tier_id, amount_minor, currency, visibility, status, created_at, updated_at, budget_line_id) \
         values ($1, $2, $3, $4, $5, $6, 'active', $7, $7, $8) returning id",
    )
    .bind(supporter)
    .bind(r.id)
    .bind(form.tier_id)
    .bind(money.minor)
    .bind(r.currency.code())
    .bind(visibility.as_str())
    .bind(at)
    .bind(line)
    .fetch_one(&mut *tx)
    .await;
    let (id,) = match inserted {
        Ok(row) => row,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(PledgeError::Conflict(Said::message(
                "give-err-already-pledging",
            )));
        }
        Err(e) => return Err(e.into()),
    };
    pledge_event(&mut tx, id, EventType::PledgeCreated).await?;
    tx.commit().await?;
    note_if_counted(db, supporter).await?;
    Ok(id)
}

/// Queues the page's webhook `kind` about pledge `pledge_id` as it now is, in the caller's
/// transaction: `{"pledge_id", "recipient_id", "tier_id", "amount_minor", "currency",
/// "status"}`.
async fn pledge_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    pledge_id: i64,
    kind: EventType,
) -> Result<(), sqlx::Error> {
    let row: Option<(i64, Option<i64>, i64, String, String)> = sqlx::query_as(
        "select recipient_id, tier_id, amount_minor, currency, status from pledges where id = $1",
    )
    .bind(pledge_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((recipient_id, tier_id, amount_minor, currency, status)) = row else {
        return Ok(());
    };
    let data = serde_json::json!({
        "pledge_id": pledge_id,
        "recipient_id": recipient_id,
        "tier_id": tier_id,
        "amount_minor": amount_minor,
        "currency": currency,
        "status": status,
    });
    hooks::enqueue(
        tx,
        Event {
            recipient_id,
            kind,
            data,
        },
    )
    .await?;
    Ok(())
}

/// A change to how `supporter` pays changes public pages only if they have an open pledge.
pub async fn note_if_pledging(db: &Db, supporter: i64) -> Result<(), sqlx::Error> {
    let (open,): (i64,) = sqlx::query_as(
        "select cast(count(*) as bigint) from pledges where supporter_id = $1 and status in ('active', 'past_due')",
    )
    .bind(supporter)
    .fetch_one(db.pool())
    .await?;
    if open > 0 {
        db.note_public_change();
    }
    Ok(())
}

/// Public pages change with a supporter's pledges only when a usable card backs them (see
/// `recipients::backing`): a card-less pledge leaves the pages kept in memory alone.
async fn note_if_counted(db: &Db, supporter: i64) -> Result<(), sqlx::Error> {
    if crate::domain::recipients::backing::can_pay(db, supporter).await? {
        db.note_public_change();
    }
    Ok(())
}

/// The pledge `pledge_id` if it belongs to `supporter`: (status, currency, tier price).
async fn own_pledge(
    db: &Db,
    supporter: i64,
    pledge_id: i64,
) -> Result<(String, Currency, Option<i64>), PledgeError> {
    let row: Option<(String, String, Option<i64>)> = sqlx::query_as(
        "select p.status, p.currency, t.price_minor from pledges p left join tiers t on t.id = p.tier_id \
         where p.id = $1 and p.supporter_id = $2",
    )
    .bind(pledge_id)
    .bind(supporter)
    .fetch_optional(db.pool())
    .await?;
    let (status, currency, price) = row.ok_or(PledgeError::NoSuchPledge)?;
    Ok((
        status,
        currency.parse().map_err(|_| PledgeError::NoSuchPledge)?,
        price,
    ))
}

/// Changes the monthly amount; the next cycle charges the new amount.
pub async fn change_amount(
    state: &AppState,
    supporter: i64,
    pledge_id: i64,
    raw: &str,
) -> Result<(), PledgeError> {
    let (status, currency, price) = own_pledge(&state.db, supporter, pledge_id).await?;
    if status == "cancelled" {
        return Err(PledgeError::Conflict(Said::message(
            "give-err-pledge-cancelled",
        )));
    }
    let money = amount(raw, currency, "amount")?;
    if let Some(price) = price.filter(|p| money.minor < *p) {
        return Err(PledgeError::Field(
            "amount",
            tier_minimum(Money::new(price, currency)),
        ));
    }
    let at = now();
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "update pledges set amount_minor = $1, updated_at = $2 where id = $3 and supporter_id = $4",
    )
    .bind(money.minor)
    .bind(at)
    .bind(pledge_id)
    .bind(supporter)
    .execute(&mut *tx)
    .await?;
    // Lowered below what unlocked posts: the first period is owed at the amount that did.
    owe_first_period(&mut tx, pledge_id, at, true).await?;
    pledge_event(&mut tx, pledge_id, EventType::PledgeUpdated).await?;
    tx.commit().await?;
    note_if_counted(&state.db, supporter).await?;
    Ok(())
}

/// Books the first period of pledge `pledge_id` as a pending item, at the amount it had when it
/// first unlocked restricted posts, if it did and no period of it was ever booked: reading paid
/// posts commits the first month, so pausing, cancelling or (`only_if_lowered`) lowering the
/// pledge before billing day cannot undo it. The item is charged in the supporter's next
/// cycle like any other; a period the scheduler books later for the same month is the same row.
async fn owe_first_period(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    pledge_id: i64,
    at: i64,
    only_if_lowered: bool,
) -> Result<(), sqlx::Error> {
    let period = chrono::DateTime::from_timestamp(at, 0)
        .map(|d| crate::domain::billing::cycle_of(d.date_naive()))
        .unwrap_or_default();
    sqlx::query(
        "insert into donation_items (supporter_id, recipient_id, currency, gross_minor, pledge_id, period, status, created_at, budget_line_id) \
         select p.supporter_id, p.recipient_id, p.currency, p.unlocked_minor, p.id, $2, 'pending', $3, \
           (select b.id from budget_lines b where b.id = p.budget_line_id and b.retired_at is null) \
         from pledges p where p.id = $1 and p.unlocked_at is not null and p.unlocked_minor > 0 \
         and ($4 = 0 or p.amount_minor < p.unlocked_minor) \
         and not exists (select 1 from donation_items i where i.pledge_id = p.id) \
         on conflict (pledge_id, period) do nothing",
    )
    .bind(pledge_id)
    .bind(period)
    .bind(at)
    .bind(i64::from(only_if_lowered))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The first period a pledge owes if it is stopped now: `Some(amount)` when it has unlocked
/// restricted posts and none of its periods was booked yet (shown before cancelling).
pub async fn first_period_owed(db: &Db, pledge_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(Option<i64>,)> = sqlx::query_as(
        "select p.unlocked_minor from pledges p where p.id = $1 and p.unlocked_at is not null \
         and not exists (select 1 from donation_items i where i.pledge_id = p.id)",
    )
    .bind(pledge_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.and_then(|(m,)| m))
}

async fn set_status(
    state: &AppState,
    supporter: i64,
    pledge_id: i64,
    from: &[&str],
    to: &str,
    // The message id that refuses a pledge in another state.
    refusal: &'static str,
) -> Result<(), PledgeError> {
    let (status, _, _) = own_pledge(&state.db, supporter, pledge_id).await?;
    if !from.contains(&status.as_str()) {
        return Err(PledgeError::Conflict(Said::message(refusal)));
    }
    let at = now();
    let mut tx = state.db.begin_write().await?;
    let done = sqlx::query("update pledges set status = $1, updated_at = $2 where id = $3 and supporter_id = $4 and status = $5")
        .bind(to)
        .bind(at)
        .bind(pledge_id)
        .bind(supporter)
        .bind(&status)
        .execute(&mut *tx)
        .await?;
    if to != "active" {
        owe_first_period(&mut tx, pledge_id, at, false).await?;
    }
    if done.rows_affected() == 1 {
        let kind = if to == "cancelled" {
            EventType::PledgeCancelled
        } else {
            EventType::PledgeUpdated
        };
        pledge_event(&mut tx, pledge_id, kind).await?;
    }
    tx.commit().await?;
    note_if_counted(&state.db, supporter).await?;
    Ok(())
}

/// Pauses a pledge: no periods are charged until it is resumed.
pub async fn pause(state: &AppState, supporter: i64, pledge_id: i64) -> Result<(), PledgeError> {
    set_status(
        state,
        supporter,
        pledge_id,
        &["active", "past_due"],
        "paused",
        "give-err-pause-only-active",
    )
    .await
}

/// Resumes a paused pledge.
pub async fn resume(state: &AppState, supporter: i64, pledge_id: i64) -> Result<(), PledgeError> {
    set_status(
        state,
        supporter,
        pledge_id,
        &["paused"],
        "active",
        "give-err-resume-only-paused",
    )
    .await
}

/// Cancels a pledge for good (periods already charged stay charged, and a pledge that unlocked
/// restricted posts still owes its first period).
pub async fn cancel(state: &AppState, supporter: i64, pledge_id: i64) -> Result<(), PledgeError> {
    set_status(
        state,
        supporter,
        pledge_id,
        &["active", "past_due", "paused"],
        "cancelled",
        "give-err-already-cancelled",
    )
    .await
}

/// A new one-off tip.
#[derive(Clone, Debug)]
pub struct NewTip<'a> {
    pub recipient_id: i64,
    pub amount: &'a str,
    pub message: &'a str,
    pub visibility: &'a str,
    /// A budget line's id of the cause to earmark the tip to, or empty for none.
    pub budget_line: &'a str,
}

/// The longest tip message.
pub const MAX_MESSAGE_CHARS: usize = 500;

/// A tip's message as it is kept: trimmed, at most [`MAX_MESSAGE_CHARS`], no control
/// characters but line breaks.
pub(crate) fn tip_message(raw: &str) -> Result<&str, PledgeError> {
    let message = raw.trim();
    if message.chars().count() > MAX_MESSAGE_CHARS {
        return Err(PledgeError::Field(
            "message",
            Said::with(
                "give-err-message-long",
                vec![("max", Value::Number(MAX_MESSAGE_CHARS as i64))],
            ),
        ));
    }
    if message.chars().any(|c| c.is_control() && c != '\n') {
        return Err(PledgeError::Field(
            "message",
            Said::message("give-err-message-control"),
        ));
    }
    Ok(message)
}

/// Where a tip was given: the page's own tip form, or one click on a chip-in button.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TipSource {
    Form,
    Button,
}

/// Records a tip; it is collected by the supporter's next consolidated charge.
pub async fn create_tip(
    state: &AppState,
    supporter: i64,
    form: NewTip<'_>,
) -> Result<i64, PledgeError> {
    create_tip_from(state, supporter, form, TipSource::Form).await
}

/// [`create_tip`], remembering where it was given: a tip from a chip-in button also counts
/// against the day's one-click limit, in the same transaction (see [`one_click_within_limit`]).
pub async fn create_tip_from(
    state: &AppState,
    supporter: i64,
    form: NewTip<'_>,
    source: TipSource,
) -> Result<i64, PledgeError> {
    let db = &state.db;
    let r = recipient(db, form.recipient_id).await?;
    if r.owner == supporter {
        return Err(PledgeError::SelfSupport);
    }
    let visibility = Visibility::parse(form.visibility)?;
    let money = amount(form.amount, r.currency, "amount")?;
    let message = tip_message(form.message)?;
    let line = earmark(db, r.id, form.budget_line).await?;
    let at = now();
    let mut tx = db.begin_write().await?;
    still_open(&mut tx, db.backend(), r.id).await?;
    ensure_profile(&mut tx, supporter, at).await?;
    if let Err(e) = tips_within_limit(state, &mut tx, supporter, at).await? {
        tx.commit().await?;
        return Err(e);
    }
    let via_button = source == TipSource::Button;
    if via_button && let Err(e) = one_click_within_limit(state, &mut tx, supporter, at).await? {
        tx.rollback().await?;
        return Err(e);
    }
    let (tip_id,): (i64,) = sqlx::query_as(
        "insert into tips (supporter_id, recipient_id, amount_minor, currency, message, visibility, created_at, via_button) \
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
    )
    .bind(supporter)
    .bind(r.id)
    .bind(money.minor)
    .bind(r.currency.code())
    .bind(message)
    .bind(visibility.as_str())
    .bind(at)
    .bind(i64::from(via_button))
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "insert into donation_items (supporter_id, recipient_id, currency, gross_minor, tip_id, status, created_at, budget_line_id) \
         values ($1, $2, $3, $4, $5, 'pending', $6, $7)",
    )
    .bind(supporter)
    .bind(r.id)
    .bind(r.currency.code())
    .bind(money.minor)
    .bind(tip_id)
    .bind(at)
    .bind(line)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(tip_id)
}

/// Refuses a new tip once the supporter made `tips_per_account_hour` in the last hour (a card
/// tester's tips each become a charge attempt), recording the refusal as a security event in
/// `tx`. The supporter's billing profile row is locked first on PostgreSQL, so parallel tips
/// are counted one after the other (SQLite's write transaction already serialises them).
async fn tips_within_limit(
    state: &AppState,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    supporter: i64,
    at: i64,
) -> Result<Result<(), PledgeError>, sqlx::Error> {
    if state.db.backend() == crate::domain::platform::db::Backend::Postgres {
        sqlx::query("select user_id from billing_profiles where user_id = $1 for update")
            .bind(supporter)
            .fetch_optional(&mut **tx)
            .await?;
    }
    let limit = state.settings.limits.tips_per_account_hour;
    let (recent,): (i64,) =
        sqlx::query_as("select count(*) from tips where supporter_id = $1 and created_at > $2")
            .bind(supporter)
            .bind(at - 3600)
            .fetch_one(&mut **tx)
            .await?;
    if recent < limit {
        return Ok(Ok(()));
    }
    let detail = format!("{recent} tips by the account in the last hour (limit {limit})");
    crate::domain::security::record_in(
        tx,
        state.settings.operator_email.as_deref(),
        crate::domain::security::Report {
            kind: crate::domain::security::Kind::TipsPerAccount,
            user: Some(supporter),
            client_addr: None,
            detail: &detail,
        },
        at,
    )
    .await?;
    Ok(Err(PledgeError::Limited(
        "amount",
        Said::with(
            "give-err-tips-per-hour",
            vec![("count", Value::Number(recent))],
        ),
    )))
}

/// Refuses a one-click tip once the supporter confirmed `one_click_tips_per_day` of them in
/// the last 24 hours. Runs after [`tips_within_limit`] in the same transaction, so the
/// supporter's profile row is already locked on PostgreSQL and parallel clicks are counted
/// one after the other.
async fn one_click_within_limit(
    state: &AppState,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    supporter: i64,
    at: i64,
) -> Result<Result<(), PledgeError>, sqlx::Error> {
    let limit = state.settings.limits.one_click_tips_per_day;
    let (recent,): (i64,) = sqlx::query_as(
        "select count(*) from tips where supporter_id = $1 and via_button = 1 and created_at > $2",
    )
    .bind(supporter)
    .bind(at - 24 * 3600)
    .fetch_one(&mut **tx)
    .await?;
    if recent < limit {
        return Ok(Ok(()));
    }
    Ok(Err(PledgeError::Limited(
        "amount",
        Said::with(
            "give-err-one-click-per-day",
            vec![("count", Value::Number(recent))],
        ),
    )))
}

/// Sets the day of the month (1–28) on which the supporter is charged.
pub async fn set_billing_day(
    state: &AppState,
    supporter: i64,
    day: i64,
) -> Result<(), PledgeError> {
    if !(1..=28).contains(&day) {
        return Err(PledgeError::Field(
            "billing_day",
            Said::message("give-err-billing-day"),
        ));
    }
    let at = now();
    sqlx::query(
        "insert into billing_profiles (user_id, billing_day, created_at) values ($1, $2, $3) \
         on conflict (user_id) do update set billing_day = excluded.billing_day",
    )
    .bind(supporter)
    .bind(day)
    .bind(at)
    .execute(state.db.pool())
    .await?;
    Ok(())
}

/// Saves the payment method (a test card of the simulated processor) to charge, through the
/// card-testing gate ([`crate::domain::giving::cards`]): refused for an unverified account
/// or past a velocity limit. `client_addr` is the saving request's client address.
pub async fn set_payment_method(
    state: &AppState,
    supporter: i64,
    method: &str,
    client_addr: Option<&str>,
) -> Result<(), PledgeError> {
    if method.is_empty()
        || method.len() > 255
        || !method
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(PledgeError::Field(
            "payment_method",
            Said::message("give-err-payment-method"),
        ));
    }
    use crate::domain::giving::cards::{self, NewCard, Policy};
    use crate::domain::processors::simulated::SimulatedProcessor;
    let at = now();
    let fingerprint = SimulatedProcessor::fingerprint(method);
    let mut tx = state.db.begin_write().await?;
    ensure_profile(&mut tx, supporter, at).await?;
    let policy = Policy {
        limits: &state.settings.limits,
        operator_email: state.settings.operator_email.as_deref(),
        backend: state.db.backend(),
    };
    let card = NewCard {
        user: supporter,
        client_addr,
        payment_method: method,
        fingerprint: Some(&fingerprint),
    };
    let saved = cards::save_in(&mut tx, policy, card, at).await?;
    tx.commit().await?;
    if saved.is_ok() {
        // Whether the supporter's open pledges count may have changed.
        note_if_pledging(&state.db, supporter).await?;
    }
    saved.map_err(|refused| PledgeError::Limited("payment_method", card_refusal(refused)))
}

/// Why a card was refused, for the person.
pub fn card_refusal(refused: crate::domain::giving::cards::CardRefusal) -> Said {
    use crate::domain::giving::cards::CardRefusal;
    Said::message(match refused {
        CardRefusal::Unverified => "give-err-card-unverified",
        CardRefusal::CardsPerAccount => "give-err-cards-per-account",
        CardRefusal::CardsPerClient => "give-err-cards-per-client",
        CardRefusal::FailedChargesPerAccount => "give-err-failed-per-account",
        CardRefusal::FailedChargesPerCard => "give-err-failed-per-card",
    })
}

/// "This tier needs at least ₩12,000 a month."
fn tier_minimum(price: Money) -> Said {
    Said::with(
        "give-err-tier-minimum",
        vec![("amount", Value::Amount(price))],
    )
}
