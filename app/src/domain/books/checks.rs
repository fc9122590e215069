//! Is every minor unit accounted for? `server ledger check`: every entry balances in each
//! currency, every charge's entry matches its allocations, and every donation's net share is
//! paid out, spent or still open exactly once (the trail).

use super::shares::{LIVE_EXPENSE_SHARES, LIVE_PAYOUT_SHARES};
use crate::domain::Db;
use std::collections::HashMap;

/// A broken invariant found by [`check`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Violation {
    #[error("journal entry {entry} does not balance in {currency} (off by {sum})")]
    UnbalancedEntry {
        entry: i64,
        currency: String,
        sum: i64,
    },
    #[error("charge {charge} succeeded for {amount} but its allocations add up to {allocated}")]
    AllocationsDoNotMatchCharge {
        charge: i64,
        amount: i64,
        allocated: i64,
    },
    #[error("charge {charge} reported a fee of {fee} but its items' fee shares add up to {shares}")]
    FeeSharesDoNotMatch { charge: i64, fee: i64, shares: i64 },
    #[error("donation item {item} is paid but has no allocation")]
    PaidItemWithoutAllocation { item: i64 },
    #[error(
        "donation item {item}: its journal lines net to {journal} for its recipient, but its allocation says {allocated}"
    )]
    ItemLinesDisagree {
        item: i64,
        journal: i64,
        allocated: i64,
    },
    #[error("succeeded charge {charge} has no journal entry")]
    ChargeWithoutEntry { charge: i64 },
    #[error("the whole journal does not balance in {currency} (off by {sum})")]
    JournalUnbalanced { currency: String, sum: i64 },
    #[error(transparent)]
    Trail(#[from] crate::domain::books::checks::TrailViolation),
}

/// What the check looked at.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckReport {
    pub entries: i64,
    pub lines: i64,
    pub charges: i64,
    pub allocations: i64,
    pub payouts: i64,
    pub expenses: i64,
}

/// Verifies every invariant of the money model; returns the first violation found.
pub async fn check(db: &Db) -> Result<Result<CheckReport, Violation>, sqlx::Error> {
    let pool = db.pool();
    let unbalanced: Option<(i64, String, i64)> = sqlx::query_as(
        "select entry_id, currency, cast(sum(amount_minor) as bigint) from journal_lines \
         group by entry_id, currency having sum(amount_minor) <> 0 order by entry_id limit 1",
    )
    .fetch_optional(pool)
    .await?;
    if let Some((entry, currency, sum)) = unbalanced {
        return Ok(Err(Violation::UnbalancedEntry {
            entry,
            currency,
            sum,
        }));
    }
    let whole: Option<(String, i64)> = sqlx::query_as(
        "select currency, cast(sum(amount_minor) as bigint) from journal_lines group by currency having sum(amount_minor) <> 0 limit 1",
    )
    .fetch_optional(pool)
    .await?;
    if let Some((currency, sum)) = whole {
        return Ok(Err(Violation::JournalUnbalanced { currency, sum }));
    }
    let bad_alloc: Option<(i64, i64, i64)> = sqlx::query_as(
        "select c.id, c.amount_minor, cast(coalesce(sum(a.gross_minor), 0) as bigint) from charges c \
         left join allocations a on a.charge_id = c.id where c.status = 'succeeded' \
         group by c.id, c.amount_minor having coalesce(sum(a.gross_minor), 0) <> c.amount_minor limit 1",
    )
    .fetch_optional(pool)
    .await?;
    if let Some((charge, amount, allocated)) = bad_alloc {
        return Ok(Err(Violation::AllocationsDoNotMatchCharge {
            charge,
            amount,
            allocated,
        }));
    }
    let bad_fee: Option<(i64, i64, i64)> = sqlx::query_as(
        "select c.id, coalesce(c.fee_minor, 0), cast(coalesce(sum(a.fee_minor), 0) as bigint) from charges c \
         join allocations a on a.charge_id = c.id where c.status = 'succeeded' \
         group by c.id, c.fee_minor having coalesce(sum(a.fee_minor), 0) <> coalesce(c.fee_minor, 0) limit 1",
    )
    .fetch_optional(pool)
    .await?;
    if let Some((charge, fee, shares)) = bad_fee {
        return Ok(Err(Violation::FeeSharesDoNotMatch {
            charge,
            fee,
            shares,
        }));
    }
    let orphan: Option<(i64,)> = sqlx::query_as(
        "select i.id from donation_items i left join allocations a on a.item_id = i.id \
         where i.status in ('paid', 'refunded') and a.item_id is null limit 1",
    )
    .fetch_optional(pool)
    .await?;
    if let Some((item,)) = orphan {
        return Ok(Err(Violation::PaidItemWithoutAllocation { item }));
    }
    let no_entry: Option<(i64,)> = sqlx::query_as(
        "select c.id from charges c where c.status = 'succeeded' and not exists \
         (select 1 from journal_entries e where e.charge_id = c.id and e.kind = 'charge') limit 1",
    )
    .fetch_optional(pool)
    .await?;
    if let Some((charge,)) = no_entry {
        return Ok(Err(Violation::ChargeWithoutEntry { charge }));
    }
    // Each item's recipient lines must equal its net share (or zero once refunded).
    let disagree: Option<(i64, i64, i64)> = sqlx::query_as(
        "select a.item_id, cast(coalesce(sum(l.amount_minor), 0) as bigint), \
                (a.net_minor - a.refunded_net_minor) \
         from allocations a left join journal_lines l \
           on l.item_id = a.item_id and l.account = 'recipient:' || a.recipient_id \
         group by a.item_id, a.net_minor, a.refunded_net_minor \
         having coalesce(sum(l.amount_minor), 0) <> (a.net_minor - a.refunded_net_minor) \
         limit 1",
    )
    .fetch_optional(pool)
    .await?;
    if let Some((item, journal, allocated)) = disagree {
        return Ok(Err(Violation::ItemLinesDisagree {
            item,
            journal,
            allocated,
        }));
    }
    let (entries,): (i64,) = sqlx::query_as("select count(*) from journal_entries")
        .fetch_one(pool)
        .await?;
    let (lines,): (i64,) = sqlx::query_as("select count(*) from journal_lines")
        .fetch_one(pool)
        .await?;
    let (charges,): (i64,) =
        sqlx::query_as("select count(*) from charges where status = 'succeeded'")
            .fetch_one(pool)
            .await?;
    let (allocations,): (i64,) = sqlx::query_as("select count(*) from allocations")
        .fetch_one(pool)
        .await?;
    let trail = match check_trail(db).await? {
        Ok(t) => t,
        Err(v) => return Ok(Err(v.into())),
    };
    Ok(Ok(CheckReport {
        entries,
        lines,
        charges,
        allocations,
        payouts: trail.payouts,
        expenses: trail.expenses,
    }))
}

/// A break in the trail found by [`check_trail`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TrailViolation {
    #[error("payout {payout} is for {amount} but its shares add up to {shares}")]
    PayoutSharesDoNotAddUp {
        payout: i64,
        amount: i64,
        shares: i64,
    },
    #[error("expense {expense} is for {amount} but its shares add up to {shares}")]
    ExpenseSharesDoNotAddUp {
        expense: i64,
        amount: i64,
        shares: i64,
    },
    #[error("payout {payout} has no journal entry for its amount")]
    PayoutWithoutEntry { payout: i64 },
    #[error("expense {expense} has no journal entry for its amount")]
    ExpenseWithoutEntry { expense: i64 },
    #[error(
        "expense {expense} uses donation item {item}, which is earmarked to another budget line"
    )]
    EarmarkIgnored { expense: i64, item: i64 },
    #[error(
        "donation item {item}: net {net}, but {paid} of it is paid out and {spent} spent (each must lie between 0 and the net)"
    )]
    ShareOverdrawn {
        item: i64,
        net: i64,
        paid: i64,
        spent: i64,
    },
    #[error(
        "account {account} holds {journal} in the journal but its donations' trail says {trail}"
    )]
    BalanceDisagrees {
        account: String,
        journal: i64,
        trail: i64,
    },
}

/// What the trail check looked at.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrailReport {
    pub payouts: i64,
    pub expenses: i64,
}

/// Verifies the trail: every payout and expense equals the sum of its shares and has its
/// journal entry; no item's net is paid out or spent beyond itself; and for every recipient,
/// the journal's balances equal what its donations' trail says is unpaid, unspent and
/// spent-not-paid-out, and the payout accounts equal the payouts in transit and paid.
pub async fn check_trail(db: &Db) -> Result<Result<TrailReport, TrailViolation>, sqlx::Error> {
    let pool = db.pool();
    let bad: Option<(i64, i64, i64)> = sqlx::query_as(
        "select p.id, p.amount_minor, cast(coalesce(sum(s.amount_minor), 0) as bigint) from payouts p \
         left join payout_shares s on s.payout_id = p.id group by p.id, p.amount_minor \
         having coalesce(sum(s.amount_minor), 0) <> p.amount_minor limit 1",
    )
    .fetch_optional(pool)
    .await?;
    if let Some((payout, amount, shares)) = bad {
        return Ok(Err(TrailViolation::PayoutSharesDoNotAddUp {
            payout,
            amount,
            shares,
        }));
    }
    let bad: Option<(i64, i64, i64)> = sqlx::query_as(
        "select x.id, x.amount_minor, cast(coalesce(sum(s.amount_minor), 0) as bigint) from expenses x \
         left join expense_shares s on s.expense_id = x.id group by x.id, x.amount_minor \
         having coalesce(sum(s.amount_minor), 0) <> x.amount_minor limit 1",
    )
    .fetch_optional(pool)
    .await?;
    if let Some((expense, amount, shares)) = bad {
        return Ok(Err(TrailViolation::ExpenseSharesDoNotAddUp {
            expense,
            amount,
            shares,
        }));
    }
    let bad: Option<(i64,)> = sqlx::query_as(
        "select p.id from payouts p where not exists (select 1 from journal_lines l \
           where l.entry_id = p.entry_id and l.account = 'payouts_in_transit' and l.amount_minor = p.amount_minor) \
         or (p.status = 'paid' and not exists (select 1 from journal_lines l \
           where l.entry_id = p.paid_entry_id and l.account = 'payouts_paid' and l.amount_minor = p.amount_minor)) \
         or (p.returned_at is not null and not exists (select 1 from journal_lines l \
           where l.entry_id = p.return_entry_id and l.account in ('payouts_in_transit', 'payouts_paid') \
           and l.amount_minor = -p.amount_minor)) \
         limit 1",
    )
    .fetch_optional(pool)
    .await?;
    if let Some((payout,)) = bad {
        return Ok(Err(TrailViolation::PayoutWithoutEntry { payout }));
    }
    let bad: Option<(i64,)> = sqlx::query_as(
        "select x.id from expenses x where not exists (select 1 from journal_lines l \
           where l.entry_id = x.entry_id and l.account = 'cause_spending:' || x.recipient_id and l.amount_minor = x.amount_minor) \
         limit 1",
    )
    .fetch_optional(pool)
    .await?;
    if let Some((expense,)) = bad {
        return Ok(Err(TrailViolation::ExpenseWithoutEntry { expense }));
    }
    // Earmarked money is spent only by expenses in its own line.
    let bad: Option<(i64, i64)> = sqlx::query_as(
        "select s.expense_id, s.item_id from expense_shares s \
         join donation_items i on i.id = s.item_id join expenses x on x.id = s.expense_id \
         where i.budget_line_id is not null \
           and (x.budget_line_id is null or x.budget_line_id <> i.budget_line_id) \
         limit 1",
    )
    .fetch_optional(pool)
    .await?;
    if let Some((expense, item)) = bad {
        return Ok(Err(TrailViolation::EarmarkIgnored { expense, item }));
    }
    let bad: Option<(i64, i64, i64, i64)> = sqlx::query_as(&format!(
        "select a.item_id, a.net_minor, coalesce(p.paid, 0), coalesce(x.spent, 0) from allocations a \
         left join (select item_id, cast(sum(amount_minor) as bigint) as paid from {LIVE_PAYOUT_SHARES} l group by item_id) p \
           on p.item_id = a.item_id \
         left join (select item_id, cast(sum(amount_minor) as bigint) as spent from {LIVE_EXPENSE_SHARES} l group by item_id) x \
           on x.item_id = a.item_id \
         where coalesce(p.paid, 0) < 0 or coalesce(p.paid, 0) > a.net_minor \
            or coalesce(x.spent, 0) < 0 or coalesce(x.spent, 0) > a.net_minor \
         limit 1"
    ))
    .fetch_optional(pool)
    .await?;
    if let Some((item, net, paid, spent)) = bad {
        return Ok(Err(TrailViolation::ShareOverdrawn {
            item,
            net,
            paid,
            spent,
        }));
    }
    if let Some(v) = balances_agree(db).await? {
        return Ok(Err(v));
    }
    let (payouts,): (i64,) = sqlx::query_as("select count(*) from payouts")
        .fetch_one(pool)
        .await?;
    let (expenses,): (i64,) = sqlx::query_as("select count(*) from expenses")
        .fetch_one(pool)
        .await?;
    Ok(Ok(TrailReport { payouts, expenses }))
}

/// Compares every recipient's and payout account's journal balance with the trail's sums.
async fn balances_agree(db: &Db) -> Result<Option<TrailViolation>, sqlx::Error> {
    let pool = db.pool();
    let sums = |sql: String| async move {
        let rows: Vec<(String, i64)> = sqlx::query_as(&sql).fetch_all(pool).await?;
        Ok::<_, sqlx::Error>(rows.into_iter().collect::<HashMap<_, _>>())
    };
    let journal = sums(
        "select account || '/' || currency, cast(sum(amount_minor) as bigint) from journal_lines \
         where account like 'recipient:%' or account like 'cause_spending:%' \
            or account in ('payouts_in_transit', 'payouts_paid') \
         group by account, currency"
            .to_owned(),
    )
    .await?;
    // Per recipient: its shares, what was paid out of them and what was spent of them.
    let rows: Vec<(i64, String, String, i64, i64, i64)> = sqlx::query_as(&format!(
        "select r.id, r.kind, r.currency, \
           cast(coalesce((select sum((a.net_minor - a.refunded_net_minor)) \
                 from allocations a where a.recipient_id = r.id), 0) as bigint), \
           cast(coalesce((select sum(p.amount_minor) from payouts p where p.recipient_id = r.id and p.returned_at is null), 0) as bigint), \
           cast(coalesce((select sum(l.amount_minor) from {LIVE_EXPENSE_SHARES} l \
                 join allocations a on a.item_id = l.item_id where a.recipient_id = r.id), 0) as bigint) \
         from recipients r order by r.id"
    ))
    .fetch_all(pool)
    .await?;
    let mut expected: Vec<(String, i64)> = Vec::new();
    for (id, kind, currency, shares, paid, spent) in rows {
        if kind == "cause" {
            expected.push((format!("recipient:{id}/{currency}"), shares - spent));
            expected.push((format!("cause_spending:{id}/{currency}"), spent - paid));
        } else {
            expected.push((format!("recipient:{id}/{currency}"), shares - paid));
        }
    }
    let payouts: Vec<(String, String, i64)> = sqlx::query_as(
        "select status, currency, cast(sum(amount_minor) as bigint) from payouts \
         where returned_at is null group by status, currency",
    )
    .fetch_all(pool)
    .await?;
    let mut transit: HashMap<String, i64> = HashMap::new();
    let mut paid: HashMap<String, i64> = HashMap::new();
    for (status, currency, sum) in payouts {
        // Money arrives in transit for every payout and leaves it for the paid ones.
        *transit.entry(currency.clone()).or_default() += sum;
        if status == "paid" {
            *transit.entry(currency.clone()).or_default() -= sum;
            *paid.entry(currency).or_default() += sum;
        }
    }
    let currencies: Vec<String> = journal
        .keys()
        .filter_map(|k| k.rsplit_once('/').map(|(_, c)| c.to_owned()))
        .chain(transit.keys().cloned())
        .collect();
    for c in currencies {
        expected.push((
            format!("payouts_in_transit/{c}"),
            transit.get(&c).copied().unwrap_or(0),
        ));
        expected.push((
            format!("payouts_paid/{c}"),
            paid.get(&c).copied().unwrap_or(0),
        ));
    }
    for (account, trail) in expected {
        let held = journal.get(&account).copied().unwrap_or(0);
        if held != trail {
            return Ok(Some(TrailViolation::BalanceDisagrees {
                account,
                journal: held,
                trail,
            }));
        }
    }
    Ok(None)
}
