//! Property test: random populations of pledges, tips, currencies, cards and refunds, billed
//! over several cycles. Whatever happens, the ledger balances, every charge is split exactly,
//! no item is settled twice and no money goes missing.

use crate::helpers::{assert_ledger_ok, date, run_billing_with, spawn_app};
use crate::population::*;
use app::domain::billing::{BillingConfig, refunds};
use app::domain::books::journal::{self, Account};
use app::domain::processors::simulated::{SimulatedProcessor, methods};
use app::money::{Currency, Money};
use proptest::prelude::*;
use std::collections::HashSet;

#[derive(Clone, Debug)]
struct Supporter {
    method: usize,
    billing_day: i64,
    pledges: Vec<(usize, i64)>,
    tips: Vec<(usize, i64)>,
}

const RECIPIENTS: [(&str, &str); 4] = [("ra", "USD"), ("rb", "USD"), ("rc", "EUR"), ("rd", "KRW")];
const METHODS: [&str; 5] = [
    methods::SUCCEEDS,
    methods::SUCCEEDS,
    methods::DECLINED,
    methods::INSUFFICIENT_FUNDS,
    methods::REQUIRES_AUTHENTICATION,
];

fn supporter() -> impl Strategy<Value = Supporter> {
    (
        0..METHODS.len(),
        1i64..=28,
        prop::collection::vec((0..4usize, 1i64..2_000), 0..3),
        prop::collection::vec((0..4usize, 1i64..3_000), 0..4),
    )
        .prop_map(|(method, billing_day, pledges, tips)| Supporter {
            method,
            billing_day,
            pledges,
            tips,
        })
}

fn amount(minor: i64, currency: &str) -> String {
    Money::new(minor, currency.parse().unwrap()).to_string()
}

async fn check_everything(population: Vec<Supporter>, refund_every: usize) {
    let app = spawn_app().await;
    let db = &app.state.db;
    let p = SimulatedProcessor::new();
    let config = BillingConfig {
        batch_size: 7,
        ..BillingConfig::default()
    };
    let mut recipients = Vec::new();
    for (slug, currency) in RECIPIENTS {
        recipients.push(recipient(db, slug, currency).await);
    }
    let mut tips_made = 0;
    for (i, s) in population.iter().enumerate() {
        let fan = user(db, &format!("fan{i}")).await;
        let mut pledged = HashSet::new();
        for (r, minor) in &s.pledges {
            if pledged.insert(*r) {
                pledge(
                    &app.state,
                    fan,
                    recipients[*r],
                    &amount(*minor, RECIPIENTS[*r].1),
                )
                .await;
            }
        }
        for (r, minor) in &s.tips {
            tip(
                &app.state,
                fan,
                recipients[*r],
                &amount(*minor, RECIPIENTS[*r].1),
            )
            .await;
            tips_made += 1;
        }
        card(&app.state, fan, METHODS[s.method], s.billing_day).await;
    }
    for day in [
        "2027-01-28",
        "2027-02-10",
        "2027-02-28",
        "2027-03-28",
        "2027-04-05",
    ] {
        run_billing_with(&app, &p, &config, date(day)).await;
    }
    // Refund some paid items.
    let paid: Vec<(i64,)> = sqlx::query_as("select item_id from allocations order by item_id")
        .fetch_all(db.pool())
        .await
        .unwrap();
    for (k, (item,)) in paid.iter().enumerate() {
        if refund_every > 0 && k % refund_every == 0 {
            refunds::refund_item(db, &p, *item).await.unwrap();
        }
    }

    assert_ledger_ok(&app).await;
    // Each item settled at most once, and every item is in exactly one state.
    let settled = scalar(
        db,
        "select count(*) from donation_items where status in ('paid', 'refunded')",
    )
    .await;
    assert_eq!(
        settled,
        scalar(db, "select count(*) from allocations").await
    );
    let total = scalar(db, "select count(*) from donation_items").await;
    let by_state = scalar(db, "select count(*) from donation_items where status in ('pending', 'charging', 'paid', 'voided', 'refunded')").await;
    assert_eq!(total, by_state);
    assert_eq!(
        scalar(
            db,
            "select count(*) from donation_items where tip_id is not null"
        )
        .await,
        tips_made
    );
    // Card statements agree with the database: one success per charge row, none twice.
    let successes = p.successful_charges();
    assert_eq!(
        successes.len() as i64,
        scalar(
            db,
            "select count(*) from charges where status = 'succeeded'"
        )
        .await
    );
    let keys: HashSet<_> = successes
        .iter()
        .map(|c| (c.supporter_id, c.amount.currency, c.cycle.clone()))
        .collect();
    assert_eq!(
        keys.len(),
        successes.len(),
        "a supporter was charged twice in one cycle and currency"
    );
    // No money missing: what came in is exactly what fees and recipients hold, per currency.
    for currency in [Currency::USD, Currency::EUR, Currency::KRW] {
        let came_in = -journal::balance(db, Account::SupporterPayments, currency)
            .await
            .unwrap();
        let fees = journal::balance(db, Account::ProcessorFees, currency)
            .await
            .unwrap();
        let platform = journal::balance(db, Account::PlatformFees, currency)
            .await
            .unwrap();
        let mut held = 0;
        for r in &recipients {
            held += journal::balance(db, Account::Recipient(*r), currency)
                .await
                .unwrap();
        }
        assert_eq!(came_in, fees + platform + held, "{currency}");
        let (charged,): (Option<i64>,) = sqlx::query_as(
            "select cast(sum(a.gross_minor) as bigint) from allocations a where a.currency = $1 and a.refunded_at is null",
        )
        .bind(currency.code())
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert_eq!(came_in, charged.unwrap_or(0), "{currency}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_populations_keep_every_money_invariant(
        population in prop::collection::vec(supporter(), 1..10),
        refund_every in 0usize..4,
    ) {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(check_everything(population, refund_every));
    }
}
