//! Tips that arrive while a billing run gathers: the amount of every charge and the set of
//! items it settles are fixed together, so a tip committed mid-gather either joins a charge
//! whose amount counts it or waits, pending, for the next cycle.

use crate::helpers::{TestApp, assert_ledger_ok, spawn_app_with};
use crate::population::*;
use app::domain::billing::{self, BillingConfig};
use app::domain::processors::simulated::methods;
use chrono::{Months, NaiveDate};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

const SUPPORTERS: usize = 30;
const TIPPERS: usize = 3;
const ROUNDS: u32 = 20;

/// Keeps tipping (each tipper its own share of supporters, round robin) until `stop` is set;
/// returns the ids of the tips it made.
async fn keep_tipping(
    state: app::domain::AppState,
    supporters: Arc<Vec<i64>>,
    recipients: [i64; 2],
    tipper: usize,
    stop: Arc<AtomicBool>,
) -> Vec<i64> {
    let mut tips = Vec::new();
    let mut n = tipper;
    while !stop.load(Ordering::Relaxed) {
        let supporter = supporters[n % supporters.len()];
        tips.push(tip(&state, supporter, recipients[n % 2], "3").await);
        n += TIPPERS;
    }
    tips
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    scalar(&app.state.db, sql).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn tips_made_during_a_run_are_charged_in_full_or_wait_for_the_next_cycle() {
    // Each tipper makes many tips within the hour: lift the limit against card testing.
    let app = spawn_app_with(&[("TIPS_PER_ACCOUNT_HOUR", "100000")]).await;
    let db = &app.state.db;
    let recipients = [
        recipient(db, "mara", "USD").await,
        recipient(db, "tomas", "USD").await,
    ];
    let mut supporters = Vec::with_capacity(SUPPORTERS);
    for n in 0..SUPPORTERS {
        let supporter = user(db, &format!("Fan{n}")).await;
        card(&app.state, supporter, methods::SUCCEEDS, 1).await;
        supporters.push(supporter);
    }
    let supporters = Arc::new(supporters);
    let first: NaiveDate = "2027-01-01".parse().unwrap();
    let mut tips: Vec<i64> = Vec::new();

    for round in 0..ROUNDS {
        let as_of = first + Months::new(round);
        let stop = Arc::new(AtomicBool::new(false));
        let tippers: Vec<_> = (0..TIPPERS)
            .map(|t| {
                tokio::spawn(keep_tipping(
                    app.state.clone(),
                    supporters.clone(),
                    recipients,
                    t,
                    stop.clone(),
                ))
            })
            .collect();
        // Let the tippers get going, so that tips commit all through the gather.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let run = billing::run(
            db,
            app.state.processor.as_ref(),
            &BillingConfig::default(),
            as_of,
            &|_| {},
        )
        .await;
        stop.store(true, Ordering::Relaxed);
        for t in tippers {
            tips.extend(t.await.unwrap());
        }
        if let Err(e) = run {
            panic!("round {round}: the billing run failed: {e}");
        }

        let off = count(
            &app,
            "select count(*) from charges c where c.amount_minor <> \
             (select cast(coalesce(sum(i.gross_minor), 0) as bigint) from donation_items i where i.charge_id = c.id)",
        )
        .await;
        assert_eq!(off, 0, "round {round}: charges whose items do not add up");
        let stray = count(
            &app,
            "select count(*) from donation_items i where i.status = 'charging' and not exists \
             (select 1 from charges c where c.id = i.charge_id and c.status <> 'succeeded')",
        )
        .await;
        assert_eq!(
            stray, 0,
            "round {round}: items charging outside an open charge"
        );
        let unsettled = count(
            &app,
            "select count(*) from donation_items i where i.tip_id is not null and not ( \
               (i.status = 'pending' and i.charge_id is null) \
               or (i.status = 'paid' and exists (select 1 from charges c \
                   where c.id = i.charge_id and c.status = 'succeeded')))",
        )
        .await;
        assert_eq!(unsettled, 0, "round {round}: tips neither pending nor paid");
        assert_ledger_ok(&app).await;
    }

    // Every tip made has exactly one item, and after one quiet run every one of them is paid.
    let items = count(
        &app,
        "select count(*) from donation_items where tip_id is not null",
    )
    .await;
    assert_eq!(items as usize, tips.len(), "one item per tip");
    let quiet = first + Months::new(ROUNDS);
    let summary = billing::run(
        db,
        app.state.processor.as_ref(),
        &BillingConfig::default(),
        quiet,
        &|_| {},
    )
    .await
    .expect("the quiet run");
    assert_eq!(summary.charges_declined, 0);
    let paid = count(
        &app,
        "select count(*) from donation_items where tip_id is not null and status = 'paid'",
    )
    .await;
    assert_eq!(paid as usize, tips.len(), "every tip is paid once");
    assert_ledger_ok(&app).await;
    assert!(
        tips.len() > SUPPORTERS,
        "the tippers made tips: {}",
        tips.len()
    );
}
