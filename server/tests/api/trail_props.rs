//! Property test: random sequences of tips, charges, refunds, payouts, expenses and their
//! corrections, with tips earmarked to a cause's budget lines and expenses recorded in them.
//! Whatever happens, no share is paid out or spent twice, earmarked money is spent only in its
//! line, every minor unit of every donation is accounted for, and the trail's sums equal the
//! journal's balances.

use crate::helpers::{date, run_default_billing, spawn_app};
use crate::population::*;
use crate::trail::make_cause;
use app::domain::billing::refunds;
use app::domain::books::checks;
use app::domain::books::journal::{self, Account};
use app::domain::giving::pledges::{self, NewTip};
use app::domain::payouts::expenses::{self, NewExpense};
use app::domain::payouts::{self, NewPayout, RecordedBy};
use app::domain::processors::simulated::methods;
use app::domain::recipients::budget_lines;
use app::money::{Currency, Money};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Tip {
        fan: usize,
        cause: bool,
        minor: i64,
        line: Option<usize>,
    },
    Bill,
    Refund(usize),
    Payout {
        cause: bool,
        minor: i64,
    },
    MarkPaid(usize),
    Expense {
        minor: i64,
        line: Option<usize>,
    },
    Correct(usize),
    Retire(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..3usize, any::<bool>(), 100i64..5_000, prop::option::of(0..2usize))
            .prop_map(|(fan, cause, minor, line)| Op::Tip { fan, cause, minor, line }),
        2 => Just(Op::Bill),
        1 => (0..20usize).prop_map(Op::Refund),
        2 => (any::<bool>(), 1i64..6_000).prop_map(|(cause, minor)| Op::Payout { cause, minor }),
        1 => (0..10usize).prop_map(Op::MarkPaid),
        2 => (1i64..6_000, prop::option::of(0..2usize)).prop_map(|(minor, line)| Op::Expense { minor, line }),
        1 => (0..10usize).prop_map(Op::Correct),
        1 => (0..8usize).prop_map(Op::Retire),
    ]
}

async fn run_sequence(ops: Vec<Op>) {
    let app = spawn_app().await;
    let db = &app.state.db;
    let processor = app.state.processor.as_ref();
    let creator = recipient(db, "maker", "USD").await;
    let cause = make_cause(&app, "wells").await;
    let owner = owner_of(db, cause).await;
    let mut lines = Vec::new();
    for name in ["Hosting", "Events"] {
        lines.push(
            budget_lines::create(db, owner, cause, name, "")
                .await
                .unwrap(),
        );
    }
    let mut retired = [false; 2];
    let mut fans = Vec::new();
    for i in 0..3 {
        let fan = user(db, &format!("fan{i}")).await;
        card(&app.state, fan, methods::SUCCEEDS, 28).await;
        fans.push(fan);
    }
    let usd = |minor| Money::new(minor, Currency::USD);
    let mut month = 1;
    for op in ops {
        match op {
            Op::Tip {
                fan,
                cause: c,
                minor,
                line,
            } => {
                // A creator's tip carries no earmark; a cause's may name one of its lines.
                let line = line.filter(|_| c);
                let outcome = pledges::create_tip(
                    &app.state,
                    fans[fan],
                    NewTip {
                        recipient_id: if c { cause } else { creator },
                        amount: &usd(minor).to_string(),
                        message: "",
                        visibility: "public",
                        budget_line: &line.map(|l| lines[l].to_string()).unwrap_or_default(),
                    },
                )
                .await;
                // Refused exactly when the line is retired.
                assert_eq!(
                    outcome.is_ok(),
                    !line.is_some_and(|l| retired[l]),
                    "{outcome:?}"
                );
            }
            Op::Bill => {
                run_default_billing(&app, date(&format!("2027-{month:02}-28"))).await;
                month = (month % 12) + 1;
            }
            Op::Refund(k) => {
                let items: Vec<(i64,)> = sqlx::query_as(
                    "select item_id from allocations where refunded_at is null order by item_id",
                )
                .fetch_all(db.pool())
                .await
                .unwrap();
                if let Some((item,)) = items.get(k % items.len().max(1)) {
                    refunds::refund_item(db, processor, *item).await.unwrap();
                }
            }
            Op::Payout { cause: c, minor } => {
                let r = if c { cause } else { creator };
                let available = payouts::available(db, r).await.unwrap();
                let outcome = payouts::record(
                    db,
                    NewPayout {
                        recipient_id: r,
                        amount: usd(minor),
                        paid_on: 0,
                        reference: "ref".to_owned(),
                        by: RecordedBy::Operator,
                    },
                )
                .await;
                // Refused exactly when it is more than is available.
                assert_eq!(outcome.is_ok(), minor <= available.minor, "{outcome:?}");
            }
            Op::MarkPaid(k) => {
                let open: Vec<(i64,)> = sqlx::query_as(
                    "select id from payouts where status = 'in_transit' order by id",
                )
                .fetch_all(db.pool())
                .await
                .unwrap();
                if let Some((id,)) = open.get(k % open.len().max(1)) {
                    payouts::mark_paid(db, *id, None).await.unwrap();
                }
            }
            Op::Expense { minor, line } => {
                let line_id = line.map(|l| lines[l]);
                let spendable = expenses::spendable(db, cause, Currency::USD, line_id)
                    .await
                    .unwrap();
                let outcome = expenses::record_checked(
                    db,
                    cause,
                    Currency::USD,
                    &NewExpense {
                        amount: usd(minor),
                        description: "supplies".to_owned(),
                        spent_on: 0,
                        receipt_url: None,
                        budget_line_id: line_id,
                    },
                )
                .await;
                // Refused exactly when it is more than its line may spend; a retired line
                // still spends what was earmarked to it.
                assert_eq!(outcome.is_ok(), minor <= spendable.minor, "{outcome:?}");
            }
            Op::Retire(k) => {
                if k < lines.len() {
                    let outcome = budget_lines::retire(db, owner, cause, lines[k]).await;
                    assert_eq!(outcome.is_ok(), !retired[k], "{outcome:?}");
                    retired[k] = true;
                }
            }
            Op::Correct(k) => {
                let live: Vec<(i64,)> = sqlx::query_as(
                    "select id from expenses where corrected_at is null order by id",
                )
                .fetch_all(db.pool())
                .await
                .unwrap();
                if let Some((id,)) = live.get(k % live.len().max(1)) {
                    // Refused only once its money was paid out; either way nothing breaks.
                    let _ = expenses::correct(db, None, *id, "correction").await;
                }
            }
        }
        if let Err(v) = checks::check(db).await.unwrap() {
            panic!("ledger check after {op:?}: {v}");
        }
    }
    // Every minor unit that came in sits in exactly one place.
    let bal = |a| async move { journal::balance(db, a, Currency::USD).await.unwrap() };
    let came_in = -bal(Account::SupporterPayments).await;
    let placed = bal(Account::ProcessorFees).await
        + bal(Account::PlatformFees).await
        + bal(Account::Recipient(creator)).await
        + bal(Account::Recipient(cause)).await
        + bal(Account::CauseSpending(cause)).await
        + bal(Account::PayoutsInTransit).await
        + bal(Account::PayoutsPaid).await;
    assert_eq!(came_in, placed);
    // No item's net is paid out or spent beyond itself; paid out and unpaid make up each
    // creator donation's net share.
    let (over,): (i64,) = sqlx::query_as(
        "select count(*) from allocations a where \
           coalesce((select sum(amount_minor) from payout_shares s where s.item_id = a.item_id), 0) not between 0 and a.net_minor \
           or coalesce((select sum(s.amount_minor) from expense_shares s join expenses e on e.id = s.expense_id \
                        where s.item_id = a.item_id and e.corrected_at is null), 0) not between 0 and a.net_minor",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(over, 0);
    let (unpaid,): (i64,) = sqlx::query_as(
        "select cast(coalesce(sum(case when a.refunded_at is null then a.net_minor else 0 end \
           - coalesce((select sum(amount_minor) from payout_shares s where s.item_id = a.item_id), 0)), 0) as bigint) \
         from allocations a where a.recipient_id = $1",
    )
    .bind(creator)
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(unpaid, bal(Account::Recipient(creator)).await);
    // Earmarks are respected: no live or corrected share drew money earmarked to another line.
    let (ignored,): (i64,) = sqlx::query_as(
        "select count(*) from expense_shares s join donation_items i on i.id = s.item_id \
         join expenses x on x.id = s.expense_id \
         where i.budget_line_id is not null and (x.budget_line_id is null or x.budget_line_id <> i.budget_line_id)",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(ignored, 0);
    // The lines' and the unearmarked pool's unspent money make up the cause's balance, and
    // each pool's money in is spent or unspent to the minor unit.
    let (rows, general) = budget_lines::rows(db, cause).await.unwrap();
    let mut unspent = 0;
    for r in rows.iter().chain(std::iter::once(&general)) {
        assert_eq!(r.earmarked_minor, r.spent_minor + r.unspent_minor, "{r:?}");
        unspent += r.unspent_minor;
    }
    assert_eq!(unspent, bal(Account::Recipient(cause)).await);
    let (earmarked_net,): (i64,) = sqlx::query_as(
        "select cast(coalesce(sum(case when a.refunded_at is null then a.net_minor else 0 end), 0) as bigint) \
         from allocations a join donation_items i on i.id = a.item_id where i.budget_line_id is not null",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(
        earmarked_net,
        rows.iter().map(|r| r.earmarked_minor).sum::<i64>()
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_payouts_and_expenses_keep_every_share_accounted_for(
        ops in prop::collection::vec(op(), 1..40),
    ) {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(run_sequence(ops));
    }
}
