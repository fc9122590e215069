//! Where each donation's money went: how a payout or an expense is split over donation items'
//! net shares, and the checks that every minor unit of those shares is accounted for once.
//!
//! A donation item's share is its allocation's net (nothing once refunded). A creator's share
//! is either paid out or unpaid; a cause's share is either spent (on expenses) or unspent, and
//! its spent money is either paid out or not yet. Payouts and expenses take the oldest open
//! shares first; money paid out or spent for an item refunded since is netted (a negative
//! share) by the next payout or expense, which is why an open amount can be negative.

use crate::domain::Db;
use std::collections::HashMap;

/// Splits `amount` over open shares `(item, open)` given oldest first: every negative open
/// amount is netted, then positive ones are taken in order, the last one partly if need be.
/// `None` when the open shares add up to less than `amount`.
pub fn split(amount: i64, open: &[(i64, i64)]) -> Option<Vec<(i64, i64)>> {
    let mut out = Vec::new();
    let mut left = amount;
    for &(item, o) in open.iter().filter(|(_, o)| *o < 0) {
        out.push((item, o));
        left = left.checked_sub(o)?;
    }
    for &(item, o) in open.iter().filter(|(_, o)| *o > 0) {
        if left == 0 {
            break;
        }
        let take = o.min(left);
        out.push((item, take));
        left -= take;
    }
    (left == 0).then_some(out)
}

/// What the open shares add up to (the amount a payout or expense may take).
pub fn available(open: &[(i64, i64)]) -> i64 {
    open.iter().map(|(_, o)| *o).sum()
}

/// A cause's open share for expenses: `(item, open, budget line the item is earmarked to)`.
pub type OpenShare = (i64, i64, Option<i64>);

/// The open shares of one pool: those earmarked to `line`, or the unearmarked ones (`None`).
fn pool(open: &[OpenShare], line: Option<i64>) -> Vec<(i64, i64)> {
    open.iter()
        .filter(|s| s.2 == line)
        .map(|s| (s.0, s.1))
        .collect()
}

/// What an expense in budget line `line` may spend: the line's earmarked money, then the
/// unearmarked money; an expense without a line (`None`) only the unearmarked money. A pool
/// that is overdrawn (money spent for donations refunded since) counts as nothing.
pub fn available_for(line: Option<i64>, open: &[OpenShare]) -> i64 {
    let general = available(&pool(open, None)).max(0);
    match line {
        Some(l) => available(&pool(open, Some(l))).max(0) + general,
        None => general,
    }
}

/// Splits an expense of `amount` in budget line `line` over open shares given oldest first:
/// the line's earmarked shares first, then unearmarked ones, each pool by [`split`]. Money
/// earmarked to another line is never taken, and an expense without a line takes only
/// unearmarked money. `None` when that is not enough.
pub fn split_earmarked(
    amount: i64,
    line: Option<i64>,
    open: &[OpenShare],
) -> Option<Vec<(i64, i64)>> {
    let mut out = Vec::new();
    let mut left = amount;
    if let Some(l) = line {
        let own = pool(open, Some(l));
        let take = left.min(available(&own).max(0));
        if take > 0 {
            out.extend(split(take, &own)?);
            left -= take;
        }
    }
    if left > 0 {
        out.extend(split(left, &pool(open, None))?);
    }
    Some(out)
}

/// Takes the recipient's row lock in the caller's transaction (on SQLite, the database's write
/// lock), so two payouts or expenses cannot both take the same open shares.
pub(crate) async fn lock_recipient(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    recipient: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("update recipients set owner_user_id = owner_user_id where id = $1")
        .bind(recipient)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Inserts share rows `(parent, item, amount)` into `table` (`payout_shares` or
/// `expense_shares`, whose parent column is `parent`), a few hundred per statement.
pub(crate) async fn insert_shares(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    table: &str,
    parent_column: &str,
    parent: i64,
    shares: &[(i64, i64)],
) -> Result<(), sqlx::Error> {
    for chunk in shares.chunks(300) {
        let sql = format!(
            "insert into {table} ({parent_column}, item_id, amount_minor) values {}",
            crate::domain::platform::sql::placeholders(chunk.len(), 3)
        );
        let mut q = sqlx::query(&sql);
        for (item, amount) in chunk {
            q = q.bind(parent).bind(*item).bind(*amount);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Live (uncorrected) expense shares, as a subquery with columns `item_id, amount_minor`.
/// Shares of payouts that were not returned (a refused or reversed transfer returns its
/// payout, and its shares count as unpaid again).
pub(crate) const LIVE_PAYOUT_SHARES: &str = "(select s.item_id, s.amount_minor, s.payout_id \
     from payout_shares s join payouts p on p.id = s.payout_id where p.returned_at is null)";

pub(crate) const LIVE_EXPENSE_SHARES: &str = "(select s.item_id, s.amount_minor, s.expense_id \
     from expense_shares s join expenses e on e.id = s.expense_id where e.corrected_at is null)";

/// A break in the trail found by [`check`].
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
pub async fn check(db: &Db) -> Result<Result<TrailReport, TrailViolation>, sqlx::Error> {
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
           cast(coalesce((select sum(case when a.refunded_at is null then a.net_minor else 0 end) \
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

/// Where donation `item` went, if `supporter` gave it; `None` otherwise (or if there is none).
pub async fn donation(
    db: &Db,
    supporter: i64,
    item: i64,
) -> Result<Option<crate::model::trail::DonationTrail>, sqlx::Error> {
    use crate::domain::platform::clock::iso_day;
    use crate::model::trail::{DonationTrail, TrailExpense, TrailPayout};
    type Row = (
        i64,
        String,
        String,
        String,
        String,
        i64,
        Option<String>,
        Option<i64>,
        Option<String>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<String>,
    );
    let row: Option<Row> = sqlx::query_as(
        "select i.id, r.name, r.slug, r.kind, i.currency, i.gross_minor, i.period, \
           a.charge_id, c.processor_ref, c.updated_at, a.fee_minor, a.platform_fee_minor, a.net_minor, a.refunded_at, \
           b.name \
         from donation_items i join recipients r on r.id = i.recipient_id \
         left join allocations a on a.item_id = i.id left join charges c on c.id = a.charge_id \
         left join budget_lines b on b.id = i.budget_line_id \
         where i.id = $1 and i.supporter_id = $2",
    )
    .bind(item)
    .bind(supporter)
    .fetch_optional(db.pool())
    .await?;
    let Some((
        id,
        name,
        slug,
        kind,
        currency,
        gross,
        period,
        charge_id,
        charge_ref,
        charged_at,
        fee,
        platform,
        net,
        refunded_at,
        earmark,
    )) = row
    else {
        return Ok(None);
    };
    let payouts: Vec<(i64, String, i64, String, Option<String>)> = sqlx::query_as(
        "select p.paid_on, p.reference, s.amount_minor, p.status, t.transfer_ref from payout_shares s \
         join payouts p on p.id = s.payout_id left join stripe_transfers t on t.payout_id = p.id \
         where s.item_id = $1 and p.returned_at is null order by p.id",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    #[derive(sqlx::FromRow)]
    struct ExpenseRow {
        spent_on: i64,
        description: String,
        share: i64,
        amount: i64,
        receipt_url: Option<String>,
        budget_line: Option<String>,
    }
    let expenses: Vec<ExpenseRow> = sqlx::query_as(
        "select x.spent_on, x.description, s.amount_minor as share, x.amount_minor as amount, \
                x.receipt_url, b.name as budget_line from expense_shares s \
         join expenses x on x.id = s.expense_id left join budget_lines b on b.id = x.budget_line_id \
         where s.item_id = $1 and x.corrected_at is null order by x.id",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    let share = if refunded_at.is_some() {
        0
    } else {
        net.unwrap_or(0)
    };
    let paid: i64 = payouts.iter().map(|p| p.2).sum();
    let spent: i64 = expenses.iter().map(|e| e.share).sum();
    let is_cause = kind == "cause";
    Ok(Some(DonationTrail {
        item_id: id,
        recipient_name: name,
        recipient_slug: slug,
        is_cause,
        label: match period {
            Some(p) => format!("Monthly pledge, {p}"),
            None => "Tip".to_owned(),
        },
        currency,
        budget_line: earmark,
        gross_minor: gross,
        charge_id,
        charge_ref,
        charged_on: charged_at.map(iso_day),
        fee_minor: fee.unwrap_or(0),
        platform_fee_minor: platform.unwrap_or(0),
        net_minor: net.unwrap_or(0),
        refunded: refunded_at.is_some(),
        unpaid_minor: if is_cause { spent - paid } else { share - paid },
        unspent_minor: if is_cause { share - spent } else { 0 },
        payouts: payouts
            .into_iter()
            .map(
                |(paid_on, reference, amount, status, transfer_ref)| TrailPayout {
                    paid_on: iso_day(paid_on),
                    reference,
                    amount_minor: amount,
                    arrived: status == "paid",
                    transfer_ref,
                },
            )
            .collect(),
        expenses: expenses
            .into_iter()
            .map(|e| TrailExpense {
                spent_on: iso_day(e.spent_on),
                description: e.description,
                budget_line: e.budget_line,
                share_minor: e.share,
                amount_minor: e.amount,
                receipt_url: e.receipt_url,
            })
            .collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn oldest_shares_go_first_and_the_last_is_split_exactly() {
        let open = [(1, 500), (2, 300), (3, 941)];
        assert_eq!(split(650, &open), Some(vec![(1, 500), (2, 150)]));
        assert_eq!(split(1741, &open), Some(vec![(1, 500), (2, 300), (3, 941)]));
        assert_eq!(split(1742, &open), None);
    }

    #[test]
    fn money_paid_for_a_refunded_donation_is_netted_first() {
        // Item 1 was refunded after 500 of it was paid out: the next payout takes it back.
        let open = [(1, -500), (2, 300), (3, 941)];
        assert_eq!(available(&open), 741);
        assert_eq!(split(700, &open), Some(vec![(1, -500), (2, 300), (3, 900)]));
        assert_eq!(split(742, &open), None);
    }

    #[test]
    fn an_expense_in_a_line_spends_its_earmarks_first_and_never_another_lines() {
        // Items 1 and 4 are unearmarked, 2 is earmarked to line 7, 3 to line 8.
        let open = [
            (1, 500, None),
            (2, 300, Some(7)),
            (3, 200, Some(8)),
            (4, 100, None),
        ];
        assert_eq!(available_for(Some(7), &open), 900);
        assert_eq!(available_for(Some(8), &open), 800);
        assert_eq!(available_for(None, &open), 600);
        assert_eq!(
            split_earmarked(450, Some(7), &open),
            Some(vec![(2, 300), (1, 150)])
        );
        assert_eq!(split_earmarked(250, Some(7), &open), Some(vec![(2, 250)]));
        assert_eq!(
            split_earmarked(550, None, &open),
            Some(vec![(1, 500), (4, 50)])
        );
        assert_eq!(split_earmarked(601, None, &open), None);
        assert_eq!(split_earmarked(901, Some(7), &open), None);
        // A line that does not exist has nothing earmarked: only unearmarked money.
        assert_eq!(available_for(Some(9), &open), 600);
    }

    #[test]
    fn an_overdrawn_pool_is_netted_only_by_its_own_expenses() {
        // Line 7's donation 2 was refunded after 100 of it was spent.
        let open = [(1, 500, None), (2, -100, Some(7)), (3, 300, Some(7))];
        assert_eq!(available_for(None, &open), 500);
        assert_eq!(split_earmarked(500, None, &open), Some(vec![(1, 500)]));
        assert_eq!(available_for(Some(7), &open), 700);
        assert_eq!(
            split_earmarked(250, Some(7), &open),
            Some(vec![(2, -100), (3, 300), (1, 50)])
        );
    }

    proptest! {
        #[test]
        fn an_earmarked_split_takes_exactly_the_amount_from_allowed_shares_only(
            open in prop::collection::vec((-500i64..5_000, prop::option::of(0i64..3)), 0..14),
            line in prop::option::of(0i64..3),
            amount in 1i64..20_000,
        ) {
            let open: Vec<OpenShare> = open.into_iter().enumerate().map(|(i, (o, l))| (i as i64, o, l)).collect();
            match split_earmarked(amount, line, &open) {
                Some(shares) => {
                    prop_assert!(amount <= available_for(line, &open));
                    prop_assert_eq!(shares.iter().map(|s| s.1).sum::<i64>(), amount);
                    for (item, take) in &shares {
                        let (_, o, l) = open[*item as usize];
                        prop_assert!(l.is_none() || l == line, "item {} of line {:?} spent by {:?}", item, l, line);
                        let within = if o < 0 { *take == o } else { *take > 0 && *take <= o };
                        prop_assert!(within, "item {} took {} of {}", item, take, o);
                    }
                    let mut items: Vec<i64> = shares.iter().map(|s| s.0).collect();
                    items.sort_unstable();
                    items.dedup();
                    prop_assert_eq!(items.len(), shares.len());
                    // The line's own earmarks go first: unearmarked money is used only once
                    // the line's pool is used up.
                    if let Some(l) = line {
                        let used_general = shares.iter().any(|(i, t)| *t > 0 && open[*i as usize].2.is_none());
                        let own: i64 = open.iter().filter(|s| s.2 == Some(l)).map(|s| s.1).sum();
                        let own_taken: i64 = shares.iter().filter(|(i, _)| open[*i as usize].2 == Some(l)).map(|s| s.1).sum();
                        if used_general {
                            prop_assert_eq!(own_taken, own.max(0));
                        }
                    }
                }
                None => prop_assert!(amount > available_for(line, &open)),
            }
        }

        #[test]
        fn a_split_takes_exactly_the_amount_and_no_share_beyond_itself(
            open in prop::collection::vec(-1_000i64..5_000, 0..12),
            amount in 1i64..20_000,
        ) {
            let open: Vec<(i64, i64)> = open.into_iter().enumerate().map(|(i, o)| (i as i64, o)).collect();
            match split(amount, &open) {
                Some(shares) => {
                    prop_assert!(amount <= available(&open));
                    prop_assert_eq!(shares.iter().map(|s| s.1).sum::<i64>(), amount);
                    for (item, take) in &shares {
                        let o = open[*item as usize].1;
                        prop_assert!(*take != 0);
                        let within = if o < 0 { *take == o } else { *take > 0 && *take <= o };
                        prop_assert!(within, "item {} took {} of {}", item, take, o);
                    }
                    let mut items: Vec<i64> = shares.iter().map(|s| s.0).collect();
                    items.dedup();
                    prop_assert_eq!(items.len(), shares.len());
                }
                None => prop_assert!(amount > available(&open)),
            }
        }
    }
}
