//! Refunds: one mechanism for every refund of a charge, whoever makes it — a page owner or the
//! operator through Chipin, or someone in Stripe's Dashboard.
//!
//! A refund names an amount of one charge. When it is exactly the rest of the donation items
//! Chipin asked for, those items are refunded whole; otherwise (a partial refund, or one made
//! in the Dashboard that matches no set of items) the amount is spread over the charge's
//! unrefunded money by the largest-remainder rule that splits charge fees
//! ([`super::fee_split::split`]). Either way each item's allocation records the gross returned
//! and the net share the page lost, and one reversing journal entry moves that money back to
//! the supporter, so refunded money can never be paid out; money already paid out is netted
//! by the page's next payout (see [`crate::domain::books::shares`]).
//!
//! **Who bears the card fee.** The processor keeps its fee when a payment is refunded. Chipin
//! (the platform account) bears it: the supporter gets back everything they paid, and the page
//! loses only what it received (its net share). For a partial refund the page loses the same
//! fraction of its net share as the supporter gets back of the gross, rounded down and exact
//! once the item is wholly refunded.
//!
//! A refund is recorded once per processor refund id (a unique index): a replayed webhook, or
//! the webhook of a refund Chipin already recorded from the processor's answer, changes
//! nothing. A refund Chipin makes first claims its items with a conditional update, so two
//! clicks or two racing requests send at most one refund.

use crate::domain::Db;
use crate::domain::billing::fee_split;
use crate::domain::books::journal::{self, Account, EntryKind, Line, NewEntry};
use crate::domain::books::shares::{LIVE_EXPENSE_SHARES, LIVE_PAYOUT_SHARES};
use crate::domain::hooks::{self, Event, EventType};
use crate::domain::mail::{self, templates};
use crate::domain::platform::clock::now;
use crate::domain::platform::sql::list as in_list;
use crate::domain::processors::{PaymentProcessor, ProcessorError, RefundRequest};
use crate::money::{Currency, Money};

/// How long a claim on items being refunded keeps other requests away, in seconds.
const CLAIM_SECS: i64 = 600;

/// Why a refund was not made.
#[derive(Debug, thiserror::Error)]
pub enum RefundError {
    #[error("There is nothing left to refund on that charge.")]
    NothingToRefund,
    #[error("That is more than can be refunded: at most {refundable} is left to refund.")]
    TooLarge { refundable: Money },
    #[error("This donation is already being refunded.")]
    InProgress,
    #[error("Only the page's owner can refund its donations.")]
    NotYours,
    #[error(
        "This donation's money is already spent on one of the cause's expenses, so only the operator can refund it."
    )]
    Spent,
    #[error("The payment processor refused the refund: {0}")]
    Processor(#[from] ProcessorError),
    #[error("database")]
    Db(#[from] sqlx::Error),
    #[error("ledger")]
    Ledger(#[from] journal::LedgerError),
    #[error("inconsistent data: {0}")]
    Inconsistent(String),
}

/// What a refund did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refunded {
    /// The items the refund touched, in id order.
    pub items: Vec<i64>,
    pub amount: Money,
}

/// Who makes a refund through Chipin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refunder {
    /// The owner of the page (user id): only their page's donations, never spent cause money.
    Owner(i64),
    /// The operator (command line): anything.
    Operator,
}

impl Refunder {
    fn code(self) -> &'static str {
        match self {
            Self::Owner(_) => "owner",
            Self::Operator => "operator",
        }
    }
}

/// Reasons a refund may give (the studio's short list); the operator may give any text.
pub const REASONS: &[&str] = &[
    "requested_by_supporter",
    "duplicate",
    "mistake",
    "fraudulent",
    "goodwill",
];

/// Why a refund is made: a reason code (see [`REASONS`]) and an optional note.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Why {
    pub reason: String,
    pub note: String,
}

/// What Chipin asks to refund of one charge.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Ask {
    /// The rest of these items, whole.
    Items(Vec<i64>),
    /// An amount, spread over the charge's unrefunded money.
    Amount(i64),
}

/// What a refund is applied as by [`record`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// These items, whole, when the amount is exactly what is left of them; otherwise spread.
    Items(Vec<i64>),
    /// Spread over the charge's unrefunded money.
    Spread,
}

/// One allocation as a refund sees it.
#[derive(Clone, Debug)]
struct Open {
    item: i64,
    recipient: i64,
    gross: i64,
    net: i64,
    refunded: i64,
    refunded_net: i64,
}

impl Open {
    fn left(&self) -> i64 {
        self.gross - self.refunded
    }
}

/// Refunds every unrefunded item of a succeeded charge (the operator).
pub async fn refund_charge(
    db: &Db,
    processor: &dyn PaymentProcessor,
    charge_id: i64,
) -> Result<Refunded, RefundError> {
    refund_charge_as(
        db,
        processor,
        charge_id,
        Refunder::Operator,
        &Why::default(),
    )
    .await
}

/// Refunds what is left of a succeeded charge, as `by`.
pub async fn refund_charge_as(
    db: &Db,
    processor: &dyn PaymentProcessor,
    charge_id: i64,
    by: Refunder,
    why: &Why,
) -> Result<Refunded, RefundError> {
    let open = open_items(db, charge_id).await?;
    let items = open.iter().map(|o| o.item).collect();
    refund(db, processor, charge_id, Ask::Items(items), by, why).await
}

/// Refunds `amount` (minor units) of a succeeded charge, spread over its unrefunded money
/// (the operator). Refused with the refundable amount when it is more than that.
pub async fn refund_amount(
    db: &Db,
    processor: &dyn PaymentProcessor,
    charge_id: i64,
    amount_minor: i64,
    why: &Why,
) -> Result<Refunded, RefundError> {
    if amount_minor <= 0 {
        return Err(RefundError::NothingToRefund);
    }
    refund(
        db,
        processor,
        charge_id,
        Ask::Amount(amount_minor),
        Refunder::Operator,
        why,
    )
    .await
}

/// Refunds one donation item of its charge (the operator).
pub async fn refund_item(
    db: &Db,
    processor: &dyn PaymentProcessor,
    item_id: i64,
) -> Result<Refunded, RefundError> {
    refund_item_as(db, processor, item_id, Refunder::Operator, &Why::default()).await
}

/// Refunds what is left of one donation item, as `by`: a page owner only their own page's
/// donations, and never a cause donation whose money is already spent on an expense.
pub async fn refund_item_as(
    db: &Db,
    processor: &dyn PaymentProcessor,
    item_id: i64,
    by: Refunder,
    why: &Why,
) -> Result<Refunded, RefundError> {
    let charge: Option<(i64,)> =
        sqlx::query_as("select charge_id from allocations where item_id = $1")
            .bind(item_id)
            .fetch_optional(db.pool())
            .await?;
    let (charge_id,) = charge.ok_or(RefundError::NothingToRefund)?;
    refund(db, processor, charge_id, Ask::Items(vec![item_id]), by, why).await
}

/// Refuses `by` for items it may not refund (see [`refund_item_as`]).
pub async fn authorise(db: &Db, by: Refunder, items: &[i64]) -> Result<(), RefundError> {
    let Refunder::Owner(user) = by else {
        return Ok(());
    };
    for &item in items {
        let row: Option<(i64, String, i64)> = sqlx::query_as(&format!(
            "select r.owner_user_id, r.kind, \
               cast(coalesce((select sum(l.amount_minor) from {LIVE_EXPENSE_SHARES} l where l.item_id = a.item_id), 0) as bigint) \
             from allocations a join recipients r on r.id = a.recipient_id where a.item_id = $1"
        ))
        .bind(item)
        .fetch_optional(db.pool())
        .await?;
        match row {
            Some((owner, _, _)) if owner != user => return Err(RefundError::NotYours),
            Some((_, kind, spent)) if kind == "cause" && spent > 0 => {
                return Err(RefundError::Spent);
            }
            Some(_) => {}
            None => return Err(RefundError::NotYours),
        }
    }
    Ok(())
}

/// The allocations of a succeeded charge with money left to refund, in item order.
async fn open_items(db: &Db, charge_id: i64) -> Result<Vec<Open>, sqlx::Error> {
    let rows: Vec<(i64, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "select a.item_id, a.recipient_id, a.gross_minor, a.net_minor, a.refunded_minor, a.refunded_net_minor \
         from allocations a join charges c on c.id = a.charge_id \
         where a.charge_id = $1 and c.status = 'succeeded' and a.refunded_minor < a.gross_minor \
         order by a.item_id",
    )
    .bind(charge_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(open_from).collect())
}

fn open_from(
    (item, recipient, gross, net, refunded, refunded_net): (i64, i64, i64, i64, i64, i64),
) -> Open {
    Open {
        item,
        recipient,
        gross,
        net,
        refunded,
        refunded_net,
    }
}

async fn refund(
    db: &Db,
    processor: &dyn PaymentProcessor,
    charge_id: i64,
    ask: Ask,
    by: Refunder,
    why: &Why,
) -> Result<Refunded, RefundError> {
    let charge: Option<(String, Option<String>)> = sqlx::query_as(
        "select currency, processor_ref from charges where id = $1 and status = 'succeeded'",
    )
    .bind(charge_id)
    .fetch_optional(db.pool())
    .await?;
    let Some((currency, Some(processor_ref))) = charge else {
        return Err(RefundError::NothingToRefund);
    };
    let currency: Currency = currency
        .parse()
        .map_err(|_| RefundError::Inconsistent(format!("charge {charge_id} currency")))?;
    let open = open_items(db, charge_id).await?;
    let refundable: i64 = open.iter().map(Open::left).sum();
    let (items, amount, target, key) = match ask {
        Ask::Items(asked) => {
            let mut items: Vec<i64> = open
                .iter()
                .filter(|o| asked.contains(&o.item))
                .map(|o| o.item)
                .collect();
            items.sort_unstable();
            if items.is_empty() {
                return Err(RefundError::NothingToRefund);
            }
            let amount = open
                .iter()
                .filter(|o| items.contains(&o.item))
                .map(Open::left)
                .sum();
            let key = refund_key(charge_id, &items);
            (items.clone(), amount, Target::Items(items), key)
        }
        Ask::Amount(amount) => {
            if refundable == 0 {
                return Err(RefundError::NothingToRefund);
            }
            if amount > refundable {
                return Err(RefundError::TooLarge {
                    refundable: Money::new(refundable, currency),
                });
            }
            let items = open.iter().map(|o| o.item).collect();
            let already: i64 = open.iter().map(|o| o.refunded).sum();
            // Derived from the state it applies to, so a retry after a crash is the same refund.
            let key = format!("chipin-refund-{charge_id}-p{already}-{amount}");
            (items, amount, Target::Spread, key)
        }
    };
    authorise(db, by, &items).await?;

    // Claim the items; a second click or a racing request finds them claimed.
    let at = now();
    let mut tx = db.begin_write().await?;
    let sql = format!(
        "update allocations set refund_claimed_until = $1 where charge_id = $2 \
         and refunded_minor < gross_minor and (refund_claimed_until is null or refund_claimed_until < $3) \
         and item_id in ({})",
        in_list(4, items.len())
    );
    let mut q = sqlx::query(&sql)
        .bind(at + CLAIM_SECS)
        .bind(charge_id)
        .bind(at);
    for i in &items {
        q = q.bind(*i);
    }
    let claimed = q.execute(&mut *tx).await?.rows_affected();
    if claimed != items.len() as u64 {
        tx.rollback().await?;
        return Err(RefundError::InProgress);
    }
    tx.commit().await?;

    let outcome = processor
        .refund(RefundRequest {
            idempotency_key: key,
            processor_ref,
            amount: Money::new(amount, currency),
        })
        .await;
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) => {
            release(db, charge_id, &items).await?;
            return Err(e.into());
        }
    };

    let at = now();
    let mut tx = db.begin_write().await?;
    let recorded = record(
        &mut tx,
        charge_id,
        &target,
        amount,
        &outcome.refund_ref,
        by.code(),
        why,
        at,
    )
    .await;
    let refunded = match recorded {
        Ok(r) => r,
        Err(e) => {
            drop(tx);
            release(db, charge_id, &items).await?;
            return Err(e);
        }
    };
    let sql = format!(
        "update allocations set refund_claimed_until = null where charge_id = $1 and item_id in ({})",
        in_list(2, items.len())
    );
    let mut q = sqlx::query(&sql).bind(charge_id);
    for i in &items {
        q = q.bind(*i);
    }
    q.execute(&mut *tx).await?;
    tx.commit().await?;
    // Refunded money leaves public totals and ledgers.
    db.note_public_change();
    if let Some(refunded) = refunded {
        return Ok(refunded);
    }
    // The processor's webhook recorded this very refund first.
    let recorded: Option<(i64,)> =
        sqlx::query_as("select amount_minor from refunds where processor_ref = $1")
            .bind(&outcome.refund_ref)
            .fetch_optional(db.pool())
            .await?;
    match recorded {
        Some((minor,)) if minor == amount => Ok(Refunded {
            items,
            amount: Money::new(amount, currency),
        }),
        _ => Err(RefundError::NothingToRefund),
    }
}

async fn release(db: &Db, charge_id: i64, items: &[i64]) -> Result<(), sqlx::Error> {
    let sql = format!(
        "update allocations set refund_claimed_until = null where charge_id = $1 and item_id in ({})",
        in_list(2, items.len())
    );
    let mut q = sqlx::query(&sql).bind(charge_id);
    for i in items {
        q = q.bind(*i);
    }
    q.execute(db.pool()).await?;
    Ok(())
}

/// How a refund of `amount` is spread over `open` items: `(index in open, gross returned)`,
/// only non-zero parts. `target` items are taken whole when `amount` is exactly what is left of
/// them; otherwise the amount is split over every item's unrefunded gross by largest remainder.
/// `None` when `amount` exceeds what is left.
fn portions(open: &[Open], target: &Target, amount: i64) -> Option<Vec<(usize, i64)>> {
    if let Target::Items(items) = target {
        let named: Vec<usize> = (0..open.len())
            .filter(|&i| items.contains(&open[i].item))
            .collect();
        let left: i64 = named.iter().map(|&i| open[i].left()).sum();
        if !named.is_empty() && left == amount {
            return Some(named.into_iter().map(|i| (i, open[i].left())).collect());
        }
    }
    let lefts: Vec<i64> = open.iter().map(Open::left).collect();
    if amount <= 0 || amount > lefts.iter().sum::<i64>() {
        return None;
    }
    let parts = fee_split::split(amount, &lefts)?;
    Some(
        parts
            .into_iter()
            .enumerate()
            .filter(|(_, p)| *p > 0)
            .collect(),
    )
}

/// The net share an item has lost once `refunded` of its gross is returned: the same fraction
/// of its net, rounded down, and all of it once the item is wholly refunded.
fn net_lost(gross: i64, net: i64, refunded: i64) -> Option<i64> {
    if refunded >= gross {
        return Some(net);
    }
    let lost = i128::from(refunded).checked_mul(i128::from(net))? / i128::from(gross);
    i64::try_from(lost).ok()
}

/// Records a refund the processor made, in the caller's transaction (see the module
/// documentation for how it is spread). Returns `None`, changing nothing, when this processor
/// refund is already recorded. Refused with [`RefundError::TooLarge`] when the charge has less
/// left to refund than `amount`.
///
/// Used when the processor answers a refund Chipin asked for and again when a webhook reports a
/// refund succeeded, whoever made it; whichever comes second changes nothing.
#[expect(clippy::too_many_arguments, reason = "one call site per refund path")]
pub async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    charge_id: i64,
    target: &Target,
    amount: i64,
    refund_ref: &str,
    refunded_by: &str,
    why: &Why,
    at: i64,
) -> Result<Option<Refunded>, RefundError> {
    let known: Option<(i64,)> = sqlx::query_as("select id from refunds where processor_ref = $1")
        .bind(refund_ref)
        .fetch_optional(&mut **tx)
        .await?;
    if known.is_some() {
        return Ok(None);
    }
    let (currency,): (String,) = sqlx::query_as("select currency from charges where id = $1")
        .bind(charge_id)
        .fetch_one(&mut **tx)
        .await?;
    let currency: Currency = currency
        .parse()
        .map_err(|_| RefundError::Inconsistent(format!("charge {charge_id} currency")))?;
    let rows: Vec<(i64, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "select item_id, recipient_id, gross_minor, net_minor, refunded_minor, refunded_net_minor \
         from allocations where charge_id = $1 and refunded_minor < gross_minor order by item_id",
    )
    .bind(charge_id)
    .fetch_all(&mut **tx)
    .await?;
    let open: Vec<Open> = rows.into_iter().map(open_from).collect();
    let Some(parts) = portions(&open, target, amount) else {
        return Err(RefundError::TooLarge {
            refundable: Money::new(open.iter().map(Open::left).sum(), currency),
        });
    };
    // The refund row first: of two deliveries of one refund racing, only one inserts it.
    let single = match target {
        Target::Items(items) if items.len() == 1 && parts.len() == 1 => Some(items[0]),
        _ => None,
    };
    let inserted: Option<(i64,)> = sqlx::query_as(
        "insert into refunds (charge_id, item_id, amount_minor, processor_ref, created_at, reason, note, refunded_by) \
         values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (processor_ref) do nothing returning id",
    )
    .bind(charge_id)
    .bind(single)
    .bind(amount)
    .bind(refund_ref)
    .bind(at)
    .bind(&why.reason)
    .bind(&why.note)
    .bind(refunded_by)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((refund_id,)) = inserted else {
        return Ok(None);
    };

    let mut lines = Vec::new();
    let mut touched = Vec::new();
    let mut receipt_lines = Vec::new();
    let line = |account, amount_minor, item| Line {
        account,
        currency,
        amount_minor,
        item_id: Some(item),
    };
    for (i, part) in parts {
        let o = &open[i];
        let refunded = o
            .refunded
            .checked_add(part)
            .ok_or_else(|| RefundError::Inconsistent("refund overflow".into()))?;
        let refunded_net = net_lost(o.gross, o.net, refunded)
            .ok_or_else(|| RefundError::Inconsistent("refund overflow".into()))?;
        let lost = refunded_net - o.refunded_net;
        let whole = refunded == o.gross;
        // Conditional on what was read: a concurrent refund of the same item rolls this back.
        let done = sqlx::query(
            "update allocations set refunded_minor = $1, refunded_net_minor = $2, \
             refunded_at = case when $1 = gross_minor then $3 else refunded_at end \
             where item_id = $4 and refunded_minor = $5 and refunded_net_minor = $6",
        )
        .bind(refunded)
        .bind(refunded_net)
        .bind(at)
        .bind(o.item)
        .bind(o.refunded)
        .bind(o.refunded_net)
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(RefundError::InProgress);
        }
        if whole {
            sqlx::query("update donation_items set status = 'refunded' where id = $1")
                .bind(o.item)
                .execute(&mut **tx)
                .await?;
            // However it was refunded, a supporter's open request for it is answered.
            sqlx::query(
                "update refund_requests set status = 'refunded', decided_at = $1 where item_id = $2 and status = 'open'",
            )
            .bind(at)
            .bind(o.item)
            .execute(&mut **tx)
            .await?;
        }
        sqlx::query(
            "insert into refund_items (refund_id, item_id, amount_minor, net_minor) values ($1, $2, $3, $4)",
        )
        .bind(refund_id)
        .bind(o.item)
        .bind(part)
        .bind(lost)
        .execute(&mut **tx)
        .await?;
        // The supporter gets `part` back; the page gives back its net share of it and the
        // platform the rest (the processor's fee, which it keeps, and any platform fee).
        lines.push(line(Account::SupporterPayments, part, o.item));
        if lost != 0 {
            lines.push(line(Account::Recipient(o.recipient), -lost, o.item));
        }
        if part != lost {
            lines.push(line(Account::PlatformFees, lost - part, o.item));
        }
        touched.push(o.item);
        receipt_lines.push((o.recipient, part));
        hooks::enqueue(
            tx,
            Event {
                recipient_id: o.recipient,
                kind: EventType::DonationRefunded,
                data: serde_json::json!({
                    "donation_id": o.item,
                    "recipient_id": o.recipient,
                    "charge_id": charge_id,
                    "refund_id": refund_id,
                    "amount_minor": part,
                    "net_minor": lost,
                    "currency": currency.code(),
                    "fully_refunded": whole,
                }),
            },
        )
        .await?;
    }
    let (entry_id,): (i64,) =
        sqlx::query_as("select id from journal_entries where charge_id = $1 and kind = 'charge'")
            .bind(charge_id)
            .fetch_one(&mut **tx)
            .await?;
    journal::post(
        tx,
        NewEntry {
            kind: EntryKind::Refund,
            charge_id: Some(charge_id),
            reverses_entry_id: None,
            memo: format!("refund {refund_ref} of charge {charge_id}"),
            lines,
        }
        .reversing(entry_id),
    )
    .await?;
    receipt(tx, charge_id, amount, currency, &receipt_lines).await?;
    touched.sort_unstable();
    Ok(Some(Refunded {
        items: touched,
        amount: Money::new(amount, currency),
    }))
}

/// A refund preview as read: page, currency, gross, net, refunded, net lost, charged at, paid
/// out, claimed until, supporter.
type PreviewRow = (
    String,
    String,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    Option<String>,
);

/// A refund as read for the list.
type ListRow = (i64, i64, i64, String, String, String, Option<String>, i64);

/// Queues the supporter's refund receipt in the refund's transaction, so it is sent exactly
/// once per recorded refund, whoever made it. `parts` are `(recipient, amount)`.
async fn receipt(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    charge_id: i64,
    amount: i64,
    currency: Currency,
    parts: &[(i64, i64)],
) -> Result<(), sqlx::Error> {
    let (email, name, language): (String, String, Option<String>) = sqlx::query_as(
        "select u.email, u.display_name, u.language from charges c join users u on u.id = c.supporter_id where c.id = $1",
    )
    .bind(charge_id)
    .fetch_one(&mut **tx)
    .await?;
    let mut lines = Vec::with_capacity(parts.len());
    for (recipient, part) in parts {
        let (page,): (String,) = sqlx::query_as("select name from recipients where id = $1")
            .bind(recipient)
            .fetch_one(&mut **tx)
            .await?;
        lines.push((page, Money::new(*part, currency)));
    }
    let email = templates::refund_receipt(
        &email,
        templates::recipient_locale(language.as_deref()),
        &name,
        Money::new(amount, currency),
        &lines,
    );
    mail::enqueue(&mut **tx, &email).await
}

/// What refunding donation `item` would do, for its page's owner `user` (`None` when the
/// item is not a charged donation to one of their pages), and why the owner may not make it,
/// if they may not (the caller words it for the reader; the preview's `refused` is unset).
pub async fn preview(
    db: &Db,
    user: i64,
    recipient: i64,
    item: i64,
) -> Result<Option<(crate::model::trail::RefundPreview, Option<RefundError>)>, sqlx::Error> {
    let row: Option<PreviewRow> = sqlx::query_as(&format!(
        "select r.name, a.currency, a.gross_minor, a.net_minor, a.refunded_minor, a.refunded_net_minor, \
           c.updated_at, \
           cast(coalesce((select sum(l.amount_minor) from {LIVE_PAYOUT_SHARES} l where l.item_id = a.item_id), 0) as bigint), \
           coalesce(a.refund_claimed_until, 0), \
           u.display_name \
         from allocations a join recipients r on r.id = a.recipient_id \
         join charges c on c.id = a.charge_id \
         left join users u on u.id = c.supporter_id \
         where a.item_id = $1 and a.recipient_id = $2 and r.owner_user_id = $3"
    ))
    .bind(item)
    .bind(recipient)
    .bind(user)
    .fetch_optional(db.pool())
    .await?;
    let Some((
        page_name,
        currency,
        gross,
        net,
        refunded,
        refunded_net,
        charged_at,
        paid,
        claimed,
        supporter,
    )) = row
    else {
        return Ok(None);
    };
    let refused = match authorise(db, Refunder::Owner(user), &[item]).await {
        Err(RefundError::Db(e)) => return Err(e),
        Err(e) => Some(e),
        Ok(()) if refunded >= gross => Some(RefundError::NothingToRefund),
        Ok(()) if claimed > now() => Some(RefundError::InProgress),
        Ok(()) => None,
    };
    let refund = gross - refunded;
    let loses = net - refunded_net;
    let preview = crate::model::trail::RefundPreview {
        recipient_id: recipient,
        page_name,
        item_id: item,
        currency,
        supporter,
        charged_on: chrono::DateTime::from_timestamp(charged_at, 0)
            .map(|t| t.date_naive().to_string())
            .unwrap_or_default(),
        refund_minor: refund,
        page_loses_minor: loses,
        fee_kept_minor: refund - loses,
        paid_out: paid > 0,
        refused: None,
        reasons: REASONS.iter().map(|c| (*c).to_owned()).collect(),
    };
    Ok(Some((preview, refused)))
}

/// A page's donation as read: item, charged at, period, currency, gross, refunded, refunded at.
type PageDonationDbRow = (i64, i64, Option<String>, String, i64, i64, Option<i64>);

/// The latest `limit` charged donations to page `recipient`, newest first, with what was
/// refunded of each, as its owner sees them. The caller checks that the viewer owns the page.
pub async fn page_donations(
    db: &Db,
    recipient: i64,
    limit: i64,
) -> Result<Vec<crate::model::trail::PageDonationRow>, sqlx::Error> {
    let rows: Vec<PageDonationDbRow> = sqlx::query_as(
        "select a.item_id, c.updated_at, i.period, a.currency, a.gross_minor, a.refunded_minor, \
           (select max(r.created_at) from refund_items ri join refunds r on r.id = ri.refund_id where ri.item_id = a.item_id) \
         from allocations a join charges c on c.id = a.charge_id \
         join donation_items i on i.id = a.item_id \
         where a.recipient_id = $1 and c.status = 'succeeded' \
         order by c.updated_at desc, a.item_id desc limit $2",
    )
    .bind(recipient)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let day = crate::domain::platform::clock::iso_day;
    Ok(rows
        .into_iter()
        .map(
            |(item_id, charged, period, currency, gross, refunded, refunded_at)| {
                crate::model::trail::PageDonationRow {
                    item_id,
                    charged_on: day(charged),
                    kind: match period {
                        Some(p) => crate::model::ItemKind::of(true, Some(p)),
                        None => crate::model::ItemKind::Tip,
                    },
                    currency,
                    gross_minor: gross,
                    refunded_minor: refunded,
                    refunded_on: refunded_at.filter(|_| refunded > 0).map(day),
                    refundable: refunded < gross,
                }
            },
        )
        .collect())
}

/// One refund as the operator sees it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct RefundRow {
    pub id: i64,
    pub charge_id: i64,
    pub amount_minor: i64,
    pub currency: String,
    /// The donation items it touched, comma-separated.
    pub items: String,
    pub refunded_by: String,
    pub reason: String,
    pub processor_ref: String,
    pub created_at: i64,
}

/// Every refund, newest first.
pub async fn list(db: &Db) -> Result<Vec<RefundRow>, sqlx::Error> {
    let rows: Vec<ListRow> = sqlx::query_as(
        "select r.id, r.charge_id, r.amount_minor, c.currency, r.refunded_by, r.reason, r.processor_ref, r.created_at \
         from refunds r join charges c on c.id = r.charge_id order by r.created_at desc, r.id desc",
    )
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, charge_id, amount_minor, currency, refunded_by, reason, processor_ref, created_at) in
        rows
    {
        let items: Vec<(i64,)> = sqlx::query_as(
            "select item_id from refund_items where refund_id = $1 order by item_id",
        )
        .bind(id)
        .fetch_all(db.pool())
        .await?;
        out.push(RefundRow {
            id,
            charge_id,
            amount_minor,
            currency,
            items: items
                .iter()
                .map(|(i,)| i.to_string())
                .collect::<Vec<_>>()
                .join(","),
            refunded_by,
            reason,
            processor_ref: processor_ref.unwrap_or_default(),
            created_at,
        });
    }
    Ok(out)
}

/// The idempotency key of a refund of `items` of a charge. The processor is asked to keep it
/// with the refund (as metadata), so a webhook can tell which items a refund was for.
pub fn refund_key(charge_id: i64, items: &[i64]) -> String {
    format!(
        "chipin-refund-{charge_id}-{}",
        items
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join("-")
    )
}

/// The charge and items a refund key names (see [`refund_key`]).
pub fn parse_refund_key(key: &str) -> Option<(i64, Vec<i64>)> {
    let mut parts = key.strip_prefix("chipin-refund-")?.split('-');
    let charge = parts.next()?.parse().ok()?;
    let items = parts
        .map(|p| p.parse().ok())
        .collect::<Option<Vec<i64>>>()?;
    (!items.is_empty()).then_some((charge, items))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(item: i64, gross: i64, net: i64, refunded: i64) -> Open {
        Open {
            item,
            recipient: 1,
            gross,
            net,
            refunded,
            refunded_net: 0,
        }
    }

    #[test]
    fn a_refund_key_names_its_charge_and_items() {
        let key = refund_key(12, &[3, 40]);
        assert_eq!(key, "chipin-refund-12-3-40");
        assert_eq!(parse_refund_key(&key), Some((12, vec![3, 40])));
        for bad in [
            "chipin-refund-12",
            "chipin-refund-x-1",
            "refund-1-2",
            "chipin-refund-1-2-",
            "chipin-refund-1-p0-250",
        ] {
            assert_eq!(parse_refund_key(bad), None, "{bad}");
        }
    }

    #[test]
    fn named_items_are_taken_whole_only_when_the_amount_is_theirs() {
        let items = [open(1, 500, 470, 0), open(2, 300, 282, 0)];
        let named = Target::Items(vec![2]);
        assert_eq!(portions(&items, &named, 300), Some(vec![(1, 300)]));
        // The same items, a different amount: spread by largest remainder over both.
        assert_eq!(portions(&items, &named, 100), Some(vec![(0, 63), (1, 37)]));
        assert_eq!(
            portions(&items, &Target::Spread, 800),
            Some(vec![(0, 500), (1, 300)])
        );
        assert_eq!(portions(&items, &Target::Spread, 801), None);
        assert_eq!(portions(&items, &Target::Spread, 0), None);
    }

    #[test]
    fn a_spread_never_takes_more_than_is_left_of_an_item() {
        let items = [open(1, 500, 470, 499), open(2, 300, 282, 0)];
        let parts = portions(&items, &Target::Spread, 301).unwrap();
        assert_eq!(parts.iter().map(|p| p.1).sum::<i64>(), 301);
        assert!(parts.iter().all(|&(i, p)| p <= items[i].left()));
    }

    #[test]
    fn the_page_loses_its_net_in_proportion_and_all_of_it_at_the_end() {
        assert_eq!(net_lost(1000, 941, 0), Some(0));
        assert_eq!(net_lost(1000, 941, 500), Some(470));
        assert_eq!(net_lost(1000, 941, 999), Some(940));
        assert_eq!(net_lost(1000, 941, 1000), Some(941));
    }
}
