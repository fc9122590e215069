//! The one settle path: the fee policy every caller shares, and the dates a billing run writes.

use crate::helpers::{TestApp, spawn_app};
use crate::population::*;
use app::domain::billing::settle::{NOT_YET_SETTLED, Settled, settle_charge};
use app::domain::billing::{self, BillingConfig, RunSummary, end_of_day};
use app::domain::books::checks;
use app::domain::platform::clock::now;
use app::domain::processors::simulated::{SimulatedProcessor, methods};
use app::domain::processors::{
    BoxFuture, ChargeOutcome, ChargeRequest, PaymentProcessor, ProcessorError, RefundOutcome,
    RefundRequest,
};
use chrono::NaiveDate;

/// The simulated processor, except that it reports a fee one unit above the whole amount
/// for the charges of one supporter: an answer no real charge can have.
#[derive(Debug)]
struct FeeAboveAmountFor {
    supporter: i64,
    inner: SimulatedProcessor,
}

impl PaymentProcessor for FeeAboveAmountFor {
    fn charge(
        &self,
        request: ChargeRequest,
    ) -> BoxFuture<'_, Result<ChargeOutcome, ProcessorError>> {
        Box::pin(async move {
            let absurd = request.supporter_id == self.supporter;
            let amount = request.amount.minor;
            match self.inner.charge(request).await? {
                ChargeOutcome::Succeeded { processor_ref, .. } if absurd => {
                    Ok(ChargeOutcome::Succeeded {
                        processor_ref,
                        fee_minor: amount + 1,
                    })
                }
                outcome => Ok(outcome),
            }
        })
    }

    fn refund(
        &self,
        request: RefundRequest,
    ) -> BoxFuture<'_, Result<RefundOutcome, ProcessorError>> {
        self.inner.refund(request)
    }
}

async fn run(app: &TestApp, p: &dyn PaymentProcessor, as_of: NaiveDate) -> RunSummary {
    billing::run(&app.state.db, p, &BillingConfig::default(), as_of, &|_| {})
        .await
        .expect("billing run")
}

async fn charge_of(app: &TestApp, supporter: i64) -> (i64, String, Option<i64>) {
    sqlx::query_as(
        "select id, status, claimed_until from charges where supporter_id = $1 order by id desc limit 1",
    )
    .bind(supporter)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap()
}

async fn assert_ledger_ok(app: &TestApp) {
    if let Err(v) = checks::check(&app.state.db).await.unwrap() {
        panic!("ledger check failed: {v}");
    }
}

#[tokio::test]
async fn a_fee_above_the_amount_leaves_that_charge_unsettled_and_the_rest_of_the_run_goes_on() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let page = recipient(db, "mara", "USD").await;
    let odd = user(db, "Odd").await;
    let fine = user(db, "Fine").await;
    for fan in [odd, fine] {
        pledge(&app.state, fan, page, "5").await;
        card(&app.state, fan, methods::SUCCEEDS, 1).await;
    }
    let processor = FeeAboveAmountFor {
        supporter: odd,
        inner: SimulatedProcessor::new(),
    };
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();

    let summary = run(&app, &processor, as_of).await;
    assert_eq!(
        summary.charges_succeeded, 1,
        "the other supporter is charged"
    );
    assert_eq!(summary.charges_unreachable, 1);
    let (odd_charge, status, claimed) = charge_of(&app, odd).await;
    assert_eq!(
        status, "pending",
        "the absurd answer is not written into the books"
    );
    assert_eq!(claimed, None, "the claim is released for the next run");
    let (entries,): (i64,) =
        sqlx::query_as("select count(*) from journal_entries where charge_id = $1")
            .bind(odd_charge)
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(entries, 0);
    assert_eq!(charge_of(&app, fine).await.1, "succeeded");
    assert_ledger_ok(&app).await;

    // Once the processor answers sensibly, the same charge (same key) is settled, once.
    let summary = run(&app, &processor.inner, as_of).await;
    assert_eq!(summary.charges_succeeded, 1);
    assert_eq!(
        charge_of(&app, odd).await,
        (odd_charge, "succeeded".into(), None)
    );
    let calls = processor.inner.successful_charges();
    assert_eq!(
        calls.len(),
        2,
        "the processor's call log: one success per supporter"
    );
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn a_reported_fee_outside_the_amount_is_refused_by_every_settle_caller_alike() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let page = recipient(db, "mara", "USD").await;
    let fan = user(db, "Fan").await;
    pledge(&app.state, fan, page, "5").await;
    card(&app.state, fan, methods::REQUIRES_AUTHENTICATION, 1).await;
    run(
        &app,
        &SimulatedProcessor::new(),
        NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
    )
    .await;
    let (charge, status, _) = charge_of(&app, fan).await;
    assert_eq!(status, "requires_action");
    let (processor_ref,): (String,) =
        sqlx::query_as("select processor_ref from charges where id = $1")
            .bind(charge)
            .fetch_one(db.pool())
            .await
            .unwrap();

    let config = BillingConfig::default();
    for fee_minor in [-1, 501] {
        let outcome = ChargeOutcome::Succeeded {
            processor_ref: processor_ref.clone(),
            fee_minor,
        };
        let settled = settle_charge(db, &config, charge, outcome, NOT_YET_SETTLED, now())
            .await
            .unwrap();
        assert_eq!(settled, Settled::FeeRefused, "fee {fee_minor}");
        assert_eq!(charge_of(&app, fan).await.1, "requires_action");
    }
    // The whole amount as the fee is possible (nothing reaches the page) and is settled.
    let outcome = ChargeOutcome::Succeeded {
        processor_ref,
        fee_minor: 500,
    };
    assert_eq!(
        settle_charge(db, &config, charge, outcome, NOT_YET_SETTLED, now())
            .await
            .unwrap(),
        Settled::Changed
    );
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn a_back_dated_run_dates_its_journal_entries_as_its_charges() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let page = recipient(db, "mara", "USD").await;
    let fan = user(db, "Fan").await;
    pledge(&app.state, fan, page, "5").await;
    card(&app.state, fan, methods::SUCCEEDS, 1).await;
    // Well before today, so the wall clock and the run's as-of time cannot agree by chance.
    let as_of = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
    assert!(end_of_day(as_of) < now() - 86_400);

    run(&app, &SimulatedProcessor::new(), as_of).await;
    let (charge, status, _) = charge_of(&app, fan).await;
    assert_eq!(status, "succeeded");
    let (charged_at, entry_at): (i64, i64) = sqlx::query_as(
        "select c.updated_at, e.created_at from charges c \
         join journal_entries e on e.charge_id = c.id where c.id = $1",
    )
    .bind(charge)
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(charged_at, end_of_day(as_of));
    assert_eq!(entry_at, charged_at, "the journal agrees with the charge");
}
