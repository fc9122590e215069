//! The command-line jobs' library side: the bench population, a billing run over it, the ledger
//! check's report, and the billing timer's single step.

use crate::helpers::{date, run_billing_with, spawn_app};
use crate::population::scalar;
use app::domain::billing::BillingConfig;
use app::domain::platform::db::Backend;
use app::domain::processors::simulated::SimulatedProcessor;
use server::bench::{AVERAGE_ITEM_MINOR, build_population};
use server::cli::billing::format_summary;
use server::cli::ledger::ledger_check_report;

#[tokio::test]
async fn the_bench_population_has_every_supporter_and_item_at_two_dollars_on_average() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let p = build_population(db, 40, 3).await.unwrap();
    assert_eq!((p.supporters, p.pledges + p.tips), (40, 120));
    assert!(
        p.pledges > 0 && p.tips > 0,
        "a mixture of pledges and tips: {p:?}"
    );
    assert_eq!(p.gross_minor, 120 * AVERAGE_ITEM_MINOR);

    assert_eq!(
        scalar(db, "select count(*) from billing_profiles where billing_day = 1 and payment_method = 'pm_card_visa'").await,
        40
    );
    let pledged = scalar(db, "select count(*) from pledges where status = 'active'").await;
    let tipped = scalar(
        db,
        "select count(*) from donation_items where status = 'pending' and tip_id is not null",
    )
    .await;
    assert_eq!((pledged, tipped), (p.pledges as i64, p.tips as i64));
    let gross = scalar(
        db,
        "select cast(coalesce(sum(amount_minor), 0) as bigint) from pledges",
    )
    .await
        + scalar(
            db,
            "select cast(coalesce(sum(gross_minor), 0) as bigint) from donation_items",
        )
        .await;
    assert_eq!(gross, 120 * AVERAGE_ITEM_MINOR);
    assert_eq!(
        scalar(
            db,
            "select count(*) from donation_items where gross_minor < 50 or gross_minor > 350"
        )
        .await,
        0
    );
    assert_eq!(
        scalar(
            db,
            "select count(*) from (select supporter_id, recipient_id from pledges \
             group by supporter_id, recipient_id having count(*) > 1) as twice"
        )
        .await,
        0,
        "no supporter pledges twice to the same page"
    );
}

#[tokio::test]
async fn one_run_over_the_bench_population_charges_each_supporter_once_and_the_ledger_checks_out() {
    let app = spawn_app().await;
    let db = &app.state.db;
    build_population(db, 30, 4).await.unwrap();
    let processor = SimulatedProcessor::new();
    let summary = run_billing_with(
        &app,
        &processor,
        &BillingConfig::default(),
        date("2026-11-01"),
    )
    .await;
    assert_eq!(summary.supporters_due, 30);
    assert_eq!(summary.charges_succeeded, 30);
    assert_eq!(summary.items_charged, 120);
    assert_eq!(processor.successful_charges().len(), 30);
    assert_eq!(
        scalar(
            db,
            "select count(*) from (select supporter_id from charges where status = 'succeeded' \
             group by supporter_id having count(*) = 1) as once"
        )
        .await,
        30
    );
    let usd = summary.totals[&app::money::Currency::USD];
    assert_eq!(usd.gross_minor, 120 * AVERAGE_ITEM_MINOR);
    // Every supporter gives $8.00: 2.9% is 23.2¢, so 23¢ + 30¢ each.
    assert_eq!(usd.fee_minor, 30 * 53);
    let text = format_summary(&summary);
    assert!(
        text.contains(
            "USD: gross $240.00, processor fees $15.90, platform fees $0.00, net $224.10"
        ),
        "{text}"
    );

    let (report, ok) = ledger_check_report(db).await.unwrap();
    assert!(ok, "{report}");
    // Each charge's entry: the card payment, the processor's fee and four items' nets.
    assert_eq!(
        report,
        "ledger OK: 30 entries, 180 lines, 30 charges, 120 allocations, 0 payouts, 0 expenses"
    );
}

#[tokio::test]
async fn the_ledger_check_passes_an_empty_ledger() {
    let app = spawn_app().await;
    let (report, ok) = ledger_check_report(&app.state.db).await.unwrap();
    assert!(ok);
    assert_eq!(
        report,
        "ledger OK: 0 entries, 0 lines, 0 charges, 0 allocations, 0 payouts, 0 expenses"
    );
}

#[tokio::test]
async fn the_ledger_check_names_an_unbalanced_entry() {
    let app = spawn_app().await;
    let db = &app.state.db;
    if db.backend() == Backend::Postgres {
        // PostgreSQL refuses to commit such an entry at all (see the billing tests).
        return;
    }
    let (entry,): (i64,) = sqlx::query_as(
        "insert into journal_entries (kind, memo, created_at) values ('correction', 'bad', 0) returning id",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    sqlx::query(
        "insert into journal_lines (entry_id, account, currency, amount_minor) values ($1, 'processor_fees', 'USD', 5)",
    )
    .bind(entry)
    .execute(db.pool())
    .await
    .unwrap();
    let (report, ok) = ledger_check_report(db).await.unwrap();
    assert!(!ok);
    assert_eq!(
        report,
        format!("ledger check FAILED: journal entry {entry} does not balance in USD (off by 5)")
    );
}

#[tokio::test]
async fn the_billing_timer_step_bills_with_the_configured_platform_fee() {
    let app = spawn_app().await;
    let config = server::config::Config::from_lookup(|k| match k {
        "BILLING_PLATFORM_FEE_BPS" => Some("500".to_owned()),
        "BILLING_MAX_CARRY_CYCLES" => Some("0".to_owned()),
        _ => None,
    })
    .unwrap();
    let state = server::app_state(app.state.db.clone(), &config).expect("app state");
    assert_eq!(state.billing.platform_fee_bps, 500);
    assert_eq!(state.billing.max_carry_cycles, 0);
    // One supporter with a single 50¢ item: under the minimum, but nothing may be carried.
    build_population(&state.db, 1, 1).await.unwrap();
    sqlx::query("update pledges set amount_minor = 50")
        .execute(state.db.pool())
        .await
        .unwrap();
    sqlx::query("update donation_items set gross_minor = 50")
        .execute(state.db.pool())
        .await
        .unwrap();

    let summary = server::workers::bill_once(&state, date("2026-11-01"))
        .await
        .unwrap();
    assert_eq!(summary.charges_succeeded, 1);
    let usd = summary.totals[&app::money::Currency::USD];
    // 5% of 50¢ is 2.5¢, rounded half up.
    assert_eq!((usd.gross_minor, usd.platform_fee_minor), (50, 3));
    let (report, ok) = ledger_check_report(&state.db).await.unwrap();
    assert!(ok, "{report}");
}

#[tokio::test]
async fn the_operator_refunds_a_donation_or_part_of_a_charge_and_lists_the_refunds() {
    use crate::population::{owner_of, recipient, user};
    use crate::trail::charged_tips;
    use server::cli::{CliError, error_chain, refunds};
    let app = spawn_app().await;
    let db = &app.state.db;
    let creator = recipient(db, "maker", "USD").await;
    let items = charged_tips(&app, creator, &[("ann", &["10", "4"])]).await;
    let _ = (owner_of(db, creator).await, user(db, "someone").await);
    let (charge,): (i64,) = sqlx::query_as("select charge_id from allocations limit 1")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert!(
        refunds::list_report(&app.state)
            .await
            .unwrap()
            .contains("none")
    );

    let line = refunds::donation(&app.state, items[0].0, "duplicate", None)
        .await
        .unwrap();
    assert_eq!(
        line,
        format!(
            "donation {}: refunded $10.00 (donations {})",
            items[0].0, items[0].0
        )
    );
    // Twice: refused, nothing more is refunded.
    let again = refunds::donation(&app.state, items[0].0, "duplicate", None).await;
    assert!(matches!(again, Err(CliError::Refund(_))));
    // More than is left of the charge: refused with what is left.
    let e = refunds::charge(&app.state, charge, Some("5"), "goodwill", None)
        .await
        .unwrap_err();
    assert!(
        error_chain(&e).contains("at most $4.00"),
        "{}",
        error_chain(&e)
    );
    // A reason is required.
    assert!(
        refunds::charge(&app.state, charge, Some("1"), " ", None)
            .await
            .is_err()
    );
    let part = refunds::charge(&app.state, charge, Some("1.50"), "goodwill", Some("sorry"))
        .await
        .unwrap();
    assert!(part.contains("refunded $1.50"), "{part}");
    let list = refunds::list_report(&app.state).await.unwrap();
    assert_eq!(
        list.lines().filter(|l| l.contains("operator")).count(),
        2,
        "{list}"
    );
    assert!(
        list.contains("duplicate") && list.contains("goodwill"),
        "{list}"
    );
    crate::helpers::assert_ledger_ok(&app).await;
}
