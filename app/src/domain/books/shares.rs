//! Donation shares: how a payout or an expense is split over donation items' net shares,
//! exactly to the minor unit.
//!
//! A donation item's share is its allocation's net (nothing once refunded). A creator's share
//! is either paid out or unpaid; a cause's share is either spent (on expenses) or unspent, and
//! its spent money is either paid out or not yet. Payouts and expenses take the oldest open
//! shares first; money paid out or spent for an item refunded since is netted (a negative
//! share) by the next payout or expense, which is why an open amount can be negative.

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
