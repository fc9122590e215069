//! Refund requests: a supporter asks for a donation back from its trail page, within
//! `REFUND_REQUEST_DAYS` of the charge; the page's owner approves (the refund then goes
//! through the one refund mechanism, [`refunds::refund_item_as`], with the owner's authority)
//! or declines with a reason the supporter is emailed.
//!
//! "The whole charge was a mistake" makes one request per unrefunded donation of the charge,
//! so each page's owner answers for their own donations. A donation has at most one open
//! request (a partial unique index); a refund of the donation, however it is made, closes it
//! (see `refunds::record`).

use crate::domain::Db;
use crate::domain::billing::refunds::{self, RefundError, Refunded, Refunder, Why};
use crate::domain::mail::{self, templates};
use crate::domain::platform::clock::{iso_day, now};
use crate::domain::platform::settings::Settings;
use crate::domain::processors::PaymentProcessor;
use crate::model::trail::{RefundRequestRow, RefundedBy, TrailRefund, TrailRequest};
use crate::money::{Currency, Money};

/// The longest reason either side may give, in characters.
pub const REASON_MAX: usize = 500;

/// How long an approval under way keeps a request from being declined (seconds): as long as
/// the refund's own claim.
const APPROVAL_SECS: i64 = 600;

/// Why a request, an approval or a decline was refused.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// Not the supporter who paid (asking) or not the page's owner (answering): not found.
    #[error("not yours")]
    NotYours,
    #[error(
        "Refunds can be asked for up to {days} days after the charge; this one was charged on {charged_on}."
    )]
    WindowClosed { days: i64, charged_on: String },
    #[error("This donation is already refunded.")]
    AlreadyRefunded,
    #[error(
        "You already asked for a refund of this donation; its page's owner has not answered yet."
    )]
    AlreadyAsked,
    #[error("This request was already answered.")]
    Answered,
    #[error("Say why, in at most 500 characters.")]
    Reason,
    #[error(transparent)]
    Refund(#[from] RefundError),
    #[error("database")]
    Db(#[from] sqlx::Error),
}

/// The charge behind donation `item` as its supporter sees it: charge, supporter, when it
/// succeeded (a succeeded charge's `updated_at` never moves again), gross and refunded of
/// this item.
type ItemCharge = (i64, i64, i64, i64, i64);

async fn item_charge(db: &Db, item: i64) -> Result<Option<ItemCharge>, sqlx::Error> {
    sqlx::query_as(
        "select a.charge_id, c.supporter_id, c.updated_at, a.gross_minor, a.refunded_minor \
         from allocations a join charges c on c.id = a.charge_id \
         where a.item_id = $1 and c.status = 'succeeded'",
    )
    .bind(item)
    .fetch_optional(db.pool())
    .await
}

/// Until when (unix seconds) donations of a charge that succeeded at `settled` may be asked
/// back.
pub fn window_ends(settings: &Settings, settled: i64) -> i64 {
    settled.saturating_add(settings.refund_request_days.saturating_mul(86_400))
}

fn checked_reason(reason: &str) -> Result<String, RequestError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > REASON_MAX {
        return Err(RequestError::Reason);
    }
    Ok(reason.to_owned())
}

/// Supporter `user` asks for donation `item` back (or, with `whole_charge`, every unrefunded
/// donation of its charge), saying why. Each page owner concerned is emailed once, in the
/// same transaction. Returns the new requests' ids.
pub async fn ask(
    db: &Db,
    settings: &Settings,
    user: i64,
    item: i64,
    whole_charge: bool,
    reason: &str,
) -> Result<Vec<i64>, RequestError> {
    let Some((charge, supporter, settled, gross, refunded)) = item_charge(db, item).await? else {
        return Err(RequestError::NotYours);
    };
    if supporter != user {
        return Err(RequestError::NotYours);
    }
    let reason = checked_reason(reason)?;
    if refunded >= gross && !whole_charge {
        return Err(RequestError::AlreadyRefunded);
    }
    let at = now();
    if at > window_ends(settings, settled) {
        return Err(RequestError::WindowClosed {
            days: settings.refund_request_days,
            charged_on: iso_day(settled),
        });
    }
    let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(
        "select a.item_id, a.recipient_id, a.gross_minor - a.refunded_minor, a.currency from allocations a \
         where a.charge_id = $1 and a.refunded_minor < a.gross_minor \
         and (a.item_id = $2 or $3 = 1) order by a.item_id",
    )
    .bind(charge)
    .bind(item)
    .bind(i64::from(whole_charge))
    .fetch_all(db.pool())
    .await?;
    if rows.is_empty() {
        return Err(RequestError::AlreadyRefunded);
    }
    let mut tx = db.begin_write().await?;
    let mut ids = Vec::new();
    // Per page: (recipient, [(donation, amount)]) for the owners' emails.
    let mut pages: Vec<(i64, Vec<(i64, Money)>)> = Vec::new();
    for (item, recipient, left, currency) in rows {
        let inserted: Option<(i64,)> = sqlx::query_as(
            "insert into refund_requests (item_id, charge_id, recipient_id, whole_charge, reason, status, created_at) \
             values ($1, $2, $3, $4, $5, 'open', $6) \
             on conflict (item_id) where status = 'open' do nothing returning id",
        )
        .bind(item)
        .bind(charge)
        .bind(recipient)
        .bind(i64::from(whole_charge))
        .bind(&reason)
        .bind(at)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((id,)) = inserted else { continue };
        ids.push(id);
        let line = (item, Money::new(left, book_currency(&currency)?));
        match pages.iter_mut().find(|(r, _)| *r == recipient) {
            Some((_, lines)) => lines.push(line),
            None => pages.push((recipient, vec![line])),
        }
    }
    if ids.is_empty() {
        tx.rollback().await?;
        return Err(RequestError::AlreadyAsked);
    }
    for (recipient, lines) in pages {
        let owner: Option<(String, String, String, Option<String>)> = sqlx::query_as(
            "select u.email, u.display_name, r.name, u.language from recipients r join users u on u.id = r.owner_user_id \
             where r.id = $1",
        )
        .bind(recipient)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((email, name, page, language)) = owner {
            let link = settings.link(&format!("/studio/p/{recipient}/refunds"));
            let mail = templates::refund_requested(
                &email,
                templates::recipient_locale(language.as_deref()),
                &name,
                &page,
                &lines,
                &reason,
                &link,
            );
            mail::enqueue(&mut *tx, &mail).await?;
        }
    }
    tx.commit().await?;
    Ok(ids)
}

/// A request as its page's owner answers it: item, page owner, status.
async fn request_for_owner(
    db: &Db,
    user: i64,
    request: i64,
) -> Result<(i64, i64, String, String), RequestError> {
    let row: Option<(i64, i64, i64, String, String)> = sqlx::query_as(
        "select q.item_id, q.recipient_id, r.owner_user_id, q.status, q.reason from refund_requests q \
         join recipients r on r.id = q.recipient_id where q.id = $1",
    )
    .bind(request)
    .fetch_optional(db.pool())
    .await?;
    match row {
        Some((item, recipient, owner, status, reason)) if owner == user => {
            Ok((item, recipient, status, reason))
        }
        _ => Err(RequestError::NotYours),
    }
}

/// The owner `user` of the request's page approves it: the donation is refunded in full
/// through the one refund mechanism, as the owner (spent cause money is refused). Approving
/// twice, or racing another approval, refunds once; the second finds it done and succeeds.
/// Returns the refund when this call made it.
pub async fn approve(
    db: &Db,
    processor: &dyn PaymentProcessor,
    user: i64,
    request: i64,
) -> Result<Option<Refunded>, RequestError> {
    let (item, _, status, reason) = request_for_owner(db, user, request).await?;
    match status.as_str() {
        "refunded" => return Ok(None),
        "open" => {}
        _ => return Err(RequestError::Answered),
    }
    // Mark the approval under way (`decided_at` while still open) so a decline racing it
    // finds the request taken; a process that dies here leaves a mark that lapses after
    // APPROVAL_SECS, as the refund's own claim does.
    let at = now();
    let marked = sqlx::query(
        "update refund_requests set decided_at = $1 where id = $2 and status = 'open' \
         and (decided_at is null or decided_at < $3)",
    )
    .bind(at)
    .bind(request)
    .bind(at - APPROVAL_SECS)
    .execute(db.pool())
    .await?;
    if marked.rows_affected() != 1 {
        let (_, _, status, _) = request_for_owner(db, user, request).await?;
        return match status.as_str() {
            "refunded" => Ok(None),
            "open" => Err(RefundError::InProgress.into()),
            _ => Err(RequestError::Answered),
        };
    }
    let why = Why {
        reason: "requested_by_supporter".to_owned(),
        note: reason,
    };
    let result = refunds::refund_item_as(db, processor, item, Refunder::Owner(user), &why).await;
    if result.is_err() {
        // Not refunded: the request is open to answer again at once.
        sqlx::query(
            "update refund_requests set decided_at = null where id = $1 and status = 'open' and decided_at = $2",
        )
        .bind(request)
        .bind(at)
        .execute(db.pool())
        .await?;
    }
    match result {
        Ok(r) => Ok(Some(r)),
        Err(e @ (RefundError::InProgress | RefundError::NothingToRefund)) => {
            let (_, _, status, _) = request_for_owner(db, user, request).await?;
            if status == "refunded" {
                Ok(None)
            } else {
                Err(e.into())
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// The owner `user` of the request's page declines it with `reason`, which the supporter is
/// emailed in the same transaction. A request already answered, or whose donation is being
/// refunded right now, is not declined.
pub async fn decline(
    db: &Db,
    settings: &Settings,
    user: i64,
    request: i64,
    reason: &str,
) -> Result<(), RequestError> {
    let (item, _, status, _) = request_for_owner(db, user, request).await?;
    if status != "open" {
        return Err(RequestError::Answered);
    }
    let reason = checked_reason(reason)?;
    let at = now();
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "update refund_requests set status = 'declined', decline_reason = $1, decided_at = $2 \
         where id = $3 and status = 'open' and (decided_at is null or decided_at < $4) \
         and not exists (select 1 from allocations a \
           where a.item_id = refund_requests.item_id and a.refund_claimed_until > $2)",
    )
    .bind(&reason)
    .bind(at)
    .bind(request)
    .bind(at - APPROVAL_SECS)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        tx.rollback().await?;
        return Err(RequestError::Answered);
    }
    let who: Option<(String, String, String, i64, String, Option<String>)> = sqlx::query_as(
        "select u.email, u.display_name, r.name, a.gross_minor, a.currency, u.language from allocations a \
         join charges c on c.id = a.charge_id join users u on u.id = c.supporter_id \
         join recipients r on r.id = a.recipient_id where a.item_id = $1",
    )
    .bind(item)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((email, name, page, gross, currency, language)) = who {
        let link = settings.link(&format!("/account/donations/{item}"));
        let mail = templates::refund_declined(
            &email,
            templates::recipient_locale(language.as_deref()),
            &name,
            &page,
            Money::new(gross, book_currency(&currency)?),
            &reason,
            &link,
        );
        mail::enqueue(&mut *tx, &mail).await?;
    }
    tx.commit().await?;
    Ok(())
}

type RequestDbRow = (i64, i64, i64, String, i64, String, String, String, i64, i64);

const REQUEST_SELECT: &str = "select q.id, q.item_id, a.gross_minor, a.currency, q.whole_charge, q.reason, q.status, \
       q.decline_reason, q.created_at, a.recipient_id \
     from refund_requests q join allocations a on a.item_id = q.item_id";

fn request_row(
    (
        id,
        item_id,
        gross_minor,
        currency,
        whole,
        reason,
        status,
        decline_reason,
        created_at,
        recipient_id,
    ): RequestDbRow,
) -> RefundRequestRow {
    RefundRequestRow {
        id,
        item_id,
        recipient_id,
        gross_minor,
        currency,
        whole_charge: whole != 0,
        reason,
        status,
        decline_reason,
        asked_on: iso_day(created_at),
    }
}

/// The requests of page `recipient`, open ones first then the latest answered (at most 20),
/// if `user` owns it.
pub async fn for_page(
    db: &Db,
    user: i64,
    recipient: i64,
) -> Result<Option<Vec<RefundRequestRow>>, sqlx::Error> {
    let owns: Option<(i64,)> =
        sqlx::query_as("select id from recipients where id = $1 and owner_user_id = $2")
            .bind(recipient)
            .bind(user)
            .fetch_optional(db.pool())
            .await?;
    if owns.is_none() {
        return Ok(None);
    }
    let rows: Vec<RequestDbRow> = sqlx::query_as(&format!(
        "{REQUEST_SELECT} where q.recipient_id = $1 \
         order by case when q.status = 'open' then 0 else 1 end, q.created_at desc, q.id desc limit 50"
    ))
    .bind(recipient)
    .fetch_all(db.pool())
    .await?;
    Ok(Some(rows.into_iter().map(request_row).collect()))
}

/// How many requests of page `recipient` are open.
pub async fn open_count(db: &Db, recipient: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "select count(*) from refund_requests where recipient_id = $1 and status = 'open'",
    )
    .bind(recipient)
    .fetch_one(db.pool())
    .await?;
    Ok(n)
}

/// Every request, newest first (the operator's list).
pub async fn list(db: &Db) -> Result<Vec<RefundRequestRow>, sqlx::Error> {
    let rows: Vec<RequestDbRow> = sqlx::query_as(&format!(
        "{REQUEST_SELECT} order by q.created_at desc, q.id desc"
    ))
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(request_row).collect())
}

/// What donation `item`'s trail page shows of refunds to its supporter `user`: the refunds
/// made of it, its latest request, and whether a request may be made now (and for how many
/// other donations of the same charge).
pub async fn for_trail(
    db: &Db,
    settings: &Settings,
    user: i64,
    item: i64,
) -> Result<(Vec<TrailRefund>, Option<TrailRequest>, Option<String>, i64), sqlx::Error> {
    let refunds: Vec<(i64, i64, String, String)> = sqlx::query_as(
        "select ri.amount_minor, r.created_at, r.reason, r.refunded_by from refund_items ri \
         join refunds r on r.id = ri.refund_id where ri.item_id = $1 order by r.created_at, r.id",
    )
    .bind(item)
    .fetch_all(db.pool())
    .await?;
    let refunds = refunds
        .into_iter()
        .map(|(amount_minor, at, reason, by)| TrailRefund {
            amount_minor,
            refunded_on: iso_day(at),
            reason,
            by: match by.as_str() {
                "owner" => RefundedBy::Owner,
                "operator" => RefundedBy::Operator,
                _ => RefundedBy::Processor,
            },
        })
        .collect();
    let request: Option<(String, String, String, i64)> = sqlx::query_as(
        "select status, reason, decline_reason, created_at from refund_requests where item_id = $1 \
         order by created_at desc, id desc limit 1",
    )
    .bind(item)
    .fetch_optional(db.pool())
    .await?;
    let request = request.map(|(status, reason, decline_reason, at)| TrailRequest {
        status,
        reason,
        decline_reason,
        asked_on: iso_day(at),
    });
    let Some((charge, supporter, settled, gross, refunded)) = item_charge(db, item).await? else {
        return Ok((refunds, request, None, 0));
    };
    let open = request.as_ref().is_some_and(|r| r.status == "open");
    let ends = window_ends(settings, settled);
    let may_ask = supporter == user && refunded < gross && !open && now() <= ends;
    let (others,): (i64,) = sqlx::query_as(
        "select count(*) from allocations where charge_id = $1 and item_id <> $2 and refunded_minor < gross_minor",
    )
    .bind(charge)
    .bind(item)
    .fetch_one(db.pool())
    .await?;
    Ok((refunds, request, may_ask.then(|| iso_day(ends)), others))
}

/// A currency code read from the books: always one Chipin has; another is a corrupt row.
fn book_currency(code: &str) -> Result<Currency, sqlx::Error> {
    code.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))
}
