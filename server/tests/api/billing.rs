//! The pledge scheduler, end to end on the real database: consolidation, carry-forward, fees,
//! declines and retries, refunds, crashes at every phase, and overlapping runs.

use crate::helpers::{TestApp, assert_ledger_ok, date, run_billing_with, spawn_app};
use crate::population::*;
use crate::processors::{Card, Harness, Kind, for_both_processors};
use app::domain::billing::{self, BillingConfig, FaultPoint, refunds};
use app::domain::books::checks;
use app::domain::books::journal::{self, Account};
use app::domain::giving::pledges::{self, NewPledge, NewTip, PledgeError};
use app::domain::processors::simulated::{SimulatedProcessor, methods};
use app::money::Currency;
use std::collections::HashMap;

for_both_processors!(
    everything_one_supporter_gives_in_a_cycle_is_one_charge_split_exactly,
    a_second_run_in_the_same_cycle_charges_nothing_more,
    each_currency_gets_its_own_charge,
    declines_are_retried_on_schedule_then_pledges_pause_and_items_are_voided,
    fixing_the_card_before_a_retry_collects_the_same_items_once,
    a_charge_that_needs_authentication_waits_and_emails_the_supporter,
    refunding_one_item_reverses_exactly_its_lines_once,
    a_run_stopped_at_any_phase_resumes_and_charges_everyone_exactly_once,
    calls_lost_on_the_network_are_resent_with_the_same_key_next_run,
    calls_refused_for_the_rate_limit_are_resent_until_everyone_is_charged_once
);

/// A fresh Chipin, the processor under test and the default billing settings.
async fn set_up(kind: Kind) -> (TestApp, Harness, BillingConfig) {
    let app = spawn_app().await;
    (app, Harness::new(kind).await, BillingConfig::default())
}

/// A fresh Chipin, the simulated processor and the default billing settings.
async fn set_up_simulated() -> (TestApp, SimulatedProcessor, BillingConfig) {
    let app = spawn_app().await;
    (app, SimulatedProcessor::new(), BillingConfig::default())
}

async fn everything_one_supporter_gives_in_a_cycle_is_one_charge_split_exactly(kind: Kind) {
    let (app, p, config) = set_up(kind).await;
    let db = &app.state.db;
    let creator_a = recipient(db, "mara", "USD").await;
    let creator_b = recipient(db, "tomas", "USD").await;
    let cause = recipient(db, "library", "USD").await;
    let fan = user(db, "Fan").await;
    pledge(&app.state, fan, creator_a, "5").await;
    tip(&app.state, fan, creator_b, "1").await;
    tip(&app.state, fan, cause, "2.00").await;
    card(&app.state, fan, p.method(Card::Succeeds), 10).await;

    let summary = run_billing_with(&app, &p, &config, date("2026-11-10")).await;
    assert_eq!(summary.charges_succeeded, 1);
    assert_eq!(summary.items_charged, 3);
    let charges = p.successful_charges();
    assert_eq!(charges.len(), 1, "one card charge for three donations");
    assert_eq!(charges[0].amount.minor, 800);
    // 2.9% of $8.00 is 23.2¢, rounded to 23¢, plus 30¢.
    let totals = summary.totals[&Currency::USD];
    assert_eq!((totals.gross_minor, totals.fee_minor), (800, 53));

    let allocations: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
        "select recipient_id, gross_minor, fee_minor, net_minor from allocations order by gross_minor desc",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    // 53¢ pro rata to 500/200/100: 33.125, 13.25, 6.625 → 33, 13, 7 (largest remainder).
    assert_eq!(
        allocations,
        vec![
            (creator_a, 500, 33, 467),
            (cause, 200, 13, 187),
            (creator_b, 100, 7, 93)
        ]
    );
    assert_eq!(
        journal::balance(db, Account::Recipient(creator_a), Currency::USD)
            .await
            .unwrap(),
        467
    );
    assert_eq!(
        journal::balance(db, Account::ProcessorFees, Currency::USD)
            .await
            .unwrap(),
        53
    );
    assert_eq!(
        journal::balance(db, Account::SupporterPayments, Currency::USD)
            .await
            .unwrap(),
        -800
    );
    // The card payment is one line out of the supporter's card and one of fees; each item's
    // net names its item, which is what the trail and `ledger check` follow.
    let lines: Vec<(String, i64, Option<i64>)> =
        sqlx::query_as("select account, amount_minor, item_id from journal_lines order by id")
            .fetch_all(db.pool())
            .await
            .unwrap();
    let mut expected = vec![
        ("supporter_payments".to_owned(), -800, None),
        ("processor_fees".to_owned(), 53, None),
    ];
    let mut nets = Vec::new();
    for (page, net) in [(creator_a, 467), (creator_b, 93), (cause, 187)] {
        let item = scalar(
            db,
            &format!("select id from donation_items where recipient_id = {page}"),
        )
        .await;
        nets.push((format!("recipient:{page}"), net, Some(item)));
    }
    nets.sort_by_key(|(_, _, item)| *item);
    expected.extend(nets);
    assert_eq!(
        lines, expected,
        "one charge, one entry: the card payment, its fee, then each item's net"
    );
    assert_ledger_ok(&app).await;
}

async fn a_second_run_in_the_same_cycle_charges_nothing_more(kind: Kind) {
    let (app, p, config) = set_up(kind).await;
    let db = &app.state.db;
    let r = recipient(db, "mara", "USD").await;
    let fan = user(db, "Fan").await;
    pledge(&app.state, fan, r, "5").await;
    card(&app.state, fan, p.method(Card::Succeeds), 3).await;
    run_billing_with(&app, &p, &config, date("2026-11-03")).await;
    let again = run_billing_with(&app, &p, &config, date("2026-11-20")).await;
    assert_eq!(again.charges_created, 0);
    assert_eq!(p.charge_calls(), 1);
    // The next month charges the next period.
    let december = run_billing_with(&app, &p, &config, date("2026-12-03")).await;
    assert_eq!(december.charges_succeeded, 1);
    assert_eq!(p.successful_charges().len(), 2);
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn supporters_are_charged_only_once_their_billing_day_has_come() {
    let (app, p, config) = set_up_simulated().await;
    let db = &app.state.db;
    let r = recipient(db, "mara", "USD").await;
    let early = user(db, "Early").await;
    let late = user(db, "Late").await;
    for (u, day) in [(early, 5), (late, 20)] {
        pledge(&app.state, u, r, "3").await;
        card(&app.state, u, methods::SUCCEEDS, day).await;
    }
    let s = run_billing_with(&app, &p, &config, date("2026-11-10")).await;
    assert_eq!(s.charges_succeeded, 1);
    assert_eq!(p.successful_charges()[0].supporter_id, early);
    let s = run_billing_with(&app, &p, &config, date("2026-11-20")).await;
    assert_eq!(s.charges_succeeded, 1);
    assert_eq!(p.successful_charges()[1].supporter_id, late);
}

async fn each_currency_gets_its_own_charge(kind: Kind) {
    let (app, p, config) = set_up(kind).await;
    let db = &app.state.db;
    let usd = recipient(db, "mara", "USD").await;
    let eur = recipient(db, "tomas", "EUR").await;
    let krw = recipient(db, "jiwoo", "KRW").await;
    let fan = user(db, "Fan").await;
    pledge(&app.state, fan, usd, "3").await;
    pledge(&app.state, fan, eur, "4").await;
    tip(&app.state, fan, krw, "5000").await;
    card(&app.state, fan, p.method(Card::Succeeds), 1).await;
    let s = run_billing_with(&app, &p, &config, date("2026-11-01")).await;
    assert_eq!(s.charges_succeeded, 3);
    let mut currencies: Vec<Currency> = p
        .successful_charges()
        .iter()
        .map(|c| c.amount.currency)
        .collect();
    currencies.sort();
    assert_eq!(
        currencies,
        vec![Currency::USD, Currency::EUR, Currency::KRW]
    );
    assert_eq!(s.totals[&Currency::KRW].fee_minor, 170, "3.4% of ₩5,000");
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn small_totals_carry_forward_at_most_twice_then_are_charged() {
    let (app, p, config) = set_up_simulated().await;
    let db = &app.state.db;
    let r = recipient(db, "mara", "USD").await;
    let fan = user(db, "Fan").await;
    tip(&app.state, fan, r, "0.50").await;
    card(&app.state, fan, methods::SUCCEEDS, 1).await;
    let s = run_billing_with(&app, &p, &config, date("2026-11-01")).await;
    assert_eq!(
        (
            s.charges_created,
            s.items_carried_forward,
            s.supporters_carried_forward
        ),
        (0, 1, 1)
    );
    let outcome: (String, i64) = sqlx::query_as("select outcome, total_minor from billing_cycles")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(outcome, ("carried_forward".to_owned(), 50));
    tip(&app.state, fan, r, "0.25").await;
    let s = run_billing_with(&app, &p, &config, date("2026-12-01")).await;
    assert_eq!(s.items_carried_forward, 2);
    assert!(p.calls().is_empty());
    let s = run_billing_with(&app, &p, &config, date("2027-01-01")).await;
    assert_eq!(s.charges_succeeded, 1, "carried twice, so charged anyway");
    assert_eq!(p.successful_charges()[0].amount.minor, 75);
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn a_tip_that_reaches_the_minimum_is_charged_with_the_carried_items() {
    let (app, p, config) = set_up_simulated().await;
    let db = &app.state.db;
    let r = recipient(db, "mara", "USD").await;
    let fan = user(db, "Fan").await;
    tip(&app.state, fan, r, "1").await;
    card(&app.state, fan, methods::SUCCEEDS, 1).await;
    run_billing_with(&app, &p, &config, date("2026-11-01")).await;
    tip(&app.state, fan, r, "1.50").await;
    let s = run_billing_with(&app, &p, &config, date("2026-12-01")).await;
    assert_eq!((s.charges_succeeded, s.items_charged), (1, 2));
}

async fn declines_are_retried_on_schedule_then_pledges_pause_and_items_are_voided(kind: Kind) {
    let (app, p, config) = set_up(kind).await;
    let db = &app.state.db;
    let r = recipient(db, "mara", "USD").await;
    let fan = user(db, "Fan").await;
    let pledge_id = pledge(&app.state, fan, r, "5").await;
    card(&app.state, fan, p.method(Card::InsufficientFunds), 1).await;
    let s = run_billing_with(&app, &p, &config, date("2026-11-01")).await;
    assert_eq!(s.charges_declined, 1);
    let status = |id| async move {
        let (s,): (String,) = sqlx::query_as("select status from pledges where id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await
            .unwrap();
        s
    };
    assert_eq!(status(pledge_id).await, "past_due");
    let mails = app.emails_to("fan@example.org").await;
    assert!(mails.last().unwrap().0.contains("did not go through"));
    assert!(mails.last().unwrap().1.contains("insufficient funds"));

    // Not yet due: nothing happens on the same day.
    assert_eq!(
        run_billing_with(&app, &p, &config, date("2026-11-01"))
            .await
            .retries_scheduled,
        0
    );
    // +1, +3, +5, +7 days.
    for day in ["2026-11-02", "2026-11-04", "2026-11-06", "2026-11-08"] {
        let s = run_billing_with(&app, &p, &config, date(day)).await;
        assert_eq!((s.retries_scheduled, s.charges_declined), (1, 1), "{day}");
    }
    assert_eq!(status(pledge_id).await, "paused");
    assert_eq!(
        scalar(
            db,
            "select count(*) from donation_items where status = 'voided'"
        )
        .await,
        1
    );
    assert_eq!(scalar(db, "select count(*) from charges").await, 5);
    assert!(
        app.emails_to("fan@example.org")
            .await
            .last()
            .unwrap()
            .1
            .contains("pledges are paused")
    );
    let s = run_billing_with(&app, &p, &config, date("2026-11-20")).await;
    assert_eq!((s.retries_scheduled, s.charges_created), (0, 0));
    assert!(p.successful_charges().is_empty());
    assert_ledger_ok(&app).await;
}

async fn fixing_the_card_before_a_retry_collects_the_same_items_once(kind: Kind) {
    let (app, p, config) = set_up(kind).await;
    let db = &app.state.db;
    let r = recipient(db, "mara", "USD").await;
    let fan = user(db, "Fan").await;
    let pledge_id = pledge(&app.state, fan, r, "5").await;
    tip(&app.state, fan, r, "2").await;
    card(&app.state, fan, p.method(Card::Declined), 1).await;
    run_billing_with(&app, &p, &config, date("2026-11-01")).await;
    pledges::set_payment_method(&app.state, fan, p.method(Card::Succeeds), None)
        .await
        .unwrap();
    let s = run_billing_with(&app, &p, &config, date("2026-11-02")).await;
    assert_eq!(
        (s.retries_scheduled, s.charges_succeeded, s.items_charged),
        (1, 1, 2)
    );
    let (status,): (String,) = sqlx::query_as("select status from pledges where id = $1")
        .bind(pledge_id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(status, "active");
    assert_eq!(p.successful_charges().len(), 1);
    assert_eq!(p.successful_charges()[0].amount.minor, 700);
    assert_ledger_ok(&app).await;
}

async fn a_charge_that_needs_authentication_waits_and_emails_the_supporter(kind: Kind) {
    let (app, p, config) = set_up(kind).await;
    let db = &app.state.db;
    let r = recipient(db, "mara", "USD").await;
    let fan = user(db, "Fan").await;
    pledge(&app.state, fan, r, "5").await;
    card(&app.state, fan, p.method(Card::RequiresAuthentication), 1).await;
    let s = run_billing_with(&app, &p, &config, date("2026-11-01")).await;
    assert_eq!(s.charges_requiring_action, 1);
    assert_eq!(
        scalar(
            db,
            "select count(*) from charges where status = 'requires_action'"
        )
        .await,
        1
    );
    assert_eq!(
        scalar(
            db,
            "select count(*) from donation_items where status = 'charging'"
        )
        .await,
        1
    );
    let (subject, body) = app.emails_to("fan@example.org").await.pop().unwrap();
    assert!(subject.contains("confirm"), "{subject}");
    assert!(body.contains("/account/billing/authenticate/"));
    assert_eq!(
        run_billing_with(&app, &p, &config, date("2026-11-02"))
            .await
            .charges_created,
        0,
        "it waits"
    );
}

#[tokio::test]
async fn supporters_without_a_payment_method_are_told_and_not_charged() {
    let (app, p, config) = set_up_simulated().await;
    let db = &app.state.db;
    let r = recipient(db, "mara", "USD").await;
    let fan = user(db, "Fan").await;
    pledge(&app.state, fan, r, "5").await;
    pledges::set_billing_day(&app.state, fan, 1).await.unwrap();
    let s = run_billing_with(&app, &p, &config, date("2026-11-01")).await;
    assert_eq!(s.charges_declined, 1);
    assert!(p.calls().is_empty());
    assert!(
        app.emails_to("fan@example.org")
            .await
            .pop()
            .unwrap()
            .1
            .contains("no payment method")
    );
}

async fn refunding_one_item_reverses_exactly_its_lines_once(kind: Kind) {
    let (app, p, config) = set_up(kind).await;
    let db = &app.state.db;
    let (_, a, b) = fan_of_mara_and_tomas(&app.state, p.method(Card::Succeeds)).await;
    run_billing_with(&app, &p, &config, date("2026-11-01")).await;
    let before_a = journal::balance(db, Account::Recipient(a), Currency::USD)
        .await
        .unwrap();
    let (item,): (i64,) = sqlx::query_as("select item_id from allocations where recipient_id = $1")
        .bind(b)
        .fetch_one(db.pool())
        .await
        .unwrap();
    let refunded = refunds::refund_item(db, &p, item).await.unwrap();
    assert_eq!(refunded.amount.minor, 300);
    assert_eq!(
        journal::balance(db, Account::Recipient(b), Currency::USD)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        journal::balance(db, Account::Recipient(a), Currency::USD)
            .await
            .unwrap(),
        before_a
    );
    assert!(matches!(
        refunds::refund_item(db, &p, item).await,
        Err(refunds::RefundError::NothingToRefund)
    ));
    assert_ledger_ok(&app).await;
    // The rest of the charge.
    let (charge,): (i64,) = sqlx::query_as("select id from charges")
        .fetch_one(db.pool())
        .await
        .unwrap();
    let rest = refunds::refund_charge(db, &p, charge).await.unwrap();
    assert_eq!(rest.amount.minor, 500);
    assert_eq!(
        journal::balance(db, Account::SupporterPayments, Currency::USD)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        scalar(
            db,
            "select count(*) from donation_items where status = 'refunded'"
        )
        .await,
        2
    );
    assert_ledger_ok(&app).await;
    // Nothing in the journal can be changed afterwards.
    assert!(
        sqlx::query("update journal_lines set amount_minor = 1")
            .execute(db.pool())
            .await
            .is_err()
    );
    assert!(
        sqlx::query("delete from journal_entries")
            .execute(db.pool())
            .await
            .is_err()
    );
}

#[tokio::test]
async fn the_database_refuses_an_unbalanced_entry_where_it_can_and_the_check_finds_it() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let mut tx = db.pool().begin().await.unwrap();
    let (entry,): (i64,) = sqlx::query_as("insert into journal_entries (kind, memo, created_at) values ('correction', 'bad', 0) returning id")
        .fetch_one(&mut *tx).await.unwrap();
    let inserted = sqlx::query("insert into journal_lines (entry_id, account, currency, amount_minor) values ($1, 'processor_fees', 'USD', 5)")
        .bind(entry).execute(&mut *tx).await;
    match db.backend() {
        app::domain::platform::db::Backend::Postgres => {
            assert!(
                inserted.is_err(),
                "PostgreSQL checks each statement's entries"
            );
            drop(tx);
            assert_eq!(
                scalar(db, "select count(*) from journal_entries").await,
                0,
                "nothing of the entry was kept"
            );
        }
        app::domain::platform::db::Backend::Sqlite => {
            inserted.unwrap();
            tx.commit().await.unwrap();
            let v = checks::check(db).await.unwrap().unwrap_err();
            assert!(
                matches!(v, checks::Violation::UnbalancedEntry { .. }),
                "{v}"
            );
        }
    }
}

/// What journal lines, allocations and donation items name must exist and stay: PostgreSQL
/// checks it once per statement (migration 0031) where SQLite uses foreign keys, and both
/// refuse the same rows. Each refusal is paired with the same row naming what exists, which
/// is accepted (and rolled back).
#[tokio::test]
async fn the_books_refuse_rows_naming_what_does_not_exist_and_keep_what_they_name() {
    let (app, p, config) = set_up_simulated().await;
    let db = &app.state.db;
    let r = recipient(db, "mara", "USD").await;
    let fan = user(db, "Fan").await;
    let pledge_id = pledge(&app.state, fan, r, "5").await;
    tip(&app.state, fan, r, "3").await;
    card(&app.state, fan, methods::SUCCEEDS, 1).await;
    let s = run_billing_with(&app, &p, &config, date("2026-11-01")).await;
    assert_eq!((s.charges_succeeded, s.items_charged), (1, 2));
    // An item not charged yet, so without an allocation.
    tip(&app.state, fan, r, "4").await;
    let paid = scalar(db, "select min(id) from donation_items").await;
    let open = scalar(db, "select max(id) from donation_items").await;
    let charge = scalar(db, "select min(id) from charges").await;
    let entry = scalar(db, "select min(id) from journal_entries").await;
    let missing = 1_000_000_i64;
    let counts = "select (select count(*) from journal_entries) * 1000000 \
                  + (select count(*) from journal_lines) * 1000 + (select count(*) from allocations) \
                  + (select count(*) from donation_items) * 1000000000";
    let before = scalar(db, counts).await;

    // Balanced lines of a new entry, naming an item.
    for (item, accepted) in [(paid, true), (missing, false)] {
        let mut tx = db.pool().begin().await.unwrap();
        let (new_entry,): (i64,) = sqlx::query_as(
            "insert into journal_entries (kind, memo, created_at) values ('correction', 'x', 0) returning id",
        )
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        let lines = sqlx::query(
            "insert into journal_lines (entry_id, account, currency, amount_minor, item_id) values \
             ($1, 'processor_fees', 'USD', 5, $2), ($1, 'platform_fees', 'USD', -5, $2)",
        )
        .bind(new_entry)
        .bind(item)
        .execute(&mut *tx)
        .await;
        assert_eq!(
            lines.is_ok(),
            accepted,
            "lines naming item {item}: {lines:?}"
        );
    }
    // Lines of an entry that does not exist.
    let lines = sqlx::query(
        "insert into journal_lines (entry_id, account, currency, amount_minor) values \
         ($1, 'processor_fees', 'USD', 5), ($1, 'platform_fees', 'USD', -5)",
    )
    .bind(missing)
    .execute(db.pool())
    .await;
    assert!(lines.is_err(), "lines naming a missing entry are refused");

    // Allocations naming an item, a charge and a recipient.
    for (item, charge_id, recipient_id, accepted) in [
        (open, charge, r, true),
        (missing, charge, r, false),
        (open, missing, r, false),
        (open, charge, missing, false),
    ] {
        let mut tx = db.pool().begin().await.unwrap();
        let inserted = sqlx::query(
            "insert into allocations (item_id, charge_id, recipient_id, currency, gross_minor, \
             fee_minor, platform_fee_minor, net_minor) values ($1, $2, $3, 'USD', 100, 0, 0, 100)",
        )
        .bind(item)
        .bind(charge_id)
        .bind(recipient_id)
        .execute(&mut *tx)
        .await;
        assert_eq!(
            inserted.is_ok(),
            accepted,
            "allocation of item {item}, charge {charge_id}, recipient {recipient_id}: {inserted:?}"
        );
    }

    // Donation items naming a supporter, a recipient and a pledge.
    for (supporter, recipient_id, pledge_of, accepted) in [
        (fan, r, pledge_id, true),
        (missing, r, pledge_id, false),
        (fan, missing, pledge_id, false),
        (fan, r, missing, false),
    ] {
        let mut tx = db.pool().begin().await.unwrap();
        let inserted = sqlx::query(
            "insert into donation_items (supporter_id, recipient_id, currency, gross_minor, \
             pledge_id, period, status, created_at) values ($1, $2, 'USD', 100, $3, '2099-01', 'pending', 0)",
        )
        .bind(supporter)
        .bind(recipient_id)
        .bind(pledge_of)
        .execute(&mut *tx)
        .await;
        assert_eq!(
            inserted.is_ok(),
            accepted,
            "item of supporter {supporter}, recipient {recipient_id}, pledge {pledge_of}: {inserted:?}"
        );
    }

    // What the books name is kept.
    for sql in [
        format!("delete from donation_items where id = {paid}"),
        format!("delete from charges where id = {charge}"),
        format!("delete from recipients where id = {r}"),
        format!("delete from journal_entries where id = {entry}"),
    ] {
        assert!(
            sqlx::query(&sql).execute(db.pool()).await.is_err(),
            "refused: {sql}"
        );
    }
    assert_eq!(
        scalar(db, counts).await,
        before,
        "nothing was written or removed"
    );
    assert_ledger_ok(&app).await;
}

async fn crash_population(app: &TestApp, method: &str) -> Vec<i64> {
    let db = &app.state.db;
    let a = recipient(db, "mara", "USD").await;
    let b = recipient(db, "tomas", "EUR").await;
    let mut fans = Vec::new();
    for i in 0..25 {
        let fan = user(db, &format!("fan{i}")).await;
        pledge(&app.state, fan, a, &format!("{}", 2 + i % 4)).await;
        if i % 3 == 0 {
            tip(&app.state, fan, b, "3").await;
        }
        card(&app.state, fan, method, 1).await;
        fans.push(fan);
    }
    fans
}

async fn a_run_stopped_at_any_phase_resumes_and_charges_everyone_exactly_once(kind: Kind) {
    for fault in [
        FaultPoint::AfterIntents,
        FaultPoint::AfterProcessorCalls,
        FaultPoint::AfterFirstResults,
    ] {
        let app = spawn_app().await;
        let p = Harness::new(kind).await;
        crash_population(&app, p.method(Card::Succeeds)).await;
        let crashing = BillingConfig {
            fault: Some(fault),
            batch_size: 10,
            claim_lease_secs: 0,
            ..BillingConfig::default()
        };
        let err = billing::run(&app.state.db, &p, &crashing, date("2026-11-01"), &|_| {})
            .await
            .unwrap_err();
        assert!(matches!(err, billing::BillingError::Injected(f) if f == fault));
        let resumed = BillingConfig {
            batch_size: 10,
            ..BillingConfig::default()
        };
        run_billing_with(&app, &p, &resumed, date("2026-11-01")).await;
        // 25 USD charges plus 9 EUR charges.
        let successes = p.successful_charges();
        assert_eq!(successes.len(), 34, "{fault:?}");
        let mut per_key: HashMap<(i64, Currency), usize> = HashMap::new();
        for c in &successes {
            *per_key
                .entry((c.supporter_id, c.amount.currency))
                .or_default() += 1;
        }
        assert!(
            per_key.values().all(|&n| n == 1),
            "{fault:?}: someone was charged twice"
        );
        assert_eq!(
            scalar(
                &app.state.db,
                "select count(*) from charges where status = 'succeeded'"
            )
            .await,
            34
        );
        assert_eq!(
            scalar(&app.state.db, "select count(*) from charges").await,
            34
        );
        assert_ledger_ok(&app).await;
    }
}

async fn calls_lost_on_the_network_are_resent_with_the_same_key_next_run(kind: Kind) {
    let app = spawn_app().await;
    let p = Harness::new(kind).await;
    crash_population(&app, p.method(Card::Succeeds)).await;
    p.fail_next_calls(7);
    let config = BillingConfig::default();
    let s = run_billing_with(&app, &p, &config, date("2026-11-01")).await;
    assert_eq!((s.charges_succeeded, s.charges_unreachable), (27, 7));
    let s = run_billing_with(&app, &p, &config, date("2026-11-01")).await;
    assert_eq!(s.charges_succeeded, 7);
    assert_eq!(p.successful_charges().len(), 34);
    assert_ledger_ok(&app).await;
}

async fn calls_refused_for_the_rate_limit_are_resent_until_everyone_is_charged_once(kind: Kind) {
    let app = spawn_app().await;
    // A processor that takes 20 calls a second, and a scheduler that was not told so.
    let p = Harness::with_rate_limit(kind, Some(20)).await;
    crash_population(&app, p.method(Card::Succeeds)).await;
    let config = BillingConfig {
        concurrency: 34,
        ..BillingConfig::default()
    };
    let s = run_billing_with(&app, &p, &config, date("2026-11-01")).await;
    assert!(p.rate_limited_calls() > 0, "the burst went over the limit");
    assert_eq!((s.charges_succeeded, s.charges_unreachable), (34, 0));
    let keys: std::collections::HashSet<String> = p
        .successful_charges()
        .into_iter()
        .map(|c| c.idempotency_key)
        .collect();
    assert_eq!(keys.len(), 34, "one payment per charge");
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn a_scheduler_told_the_rate_limit_keeps_under_it() {
    let app = spawn_app().await;
    crash_population(&app, methods::SUCCEEDS).await;
    let p = SimulatedProcessor::new().with_rate_limit(20);
    let config = BillingConfig {
        concurrency: 34,
        calls_per_second: std::num::NonZeroU32::new(20),
        ..BillingConfig::default()
    };
    let s = run_billing_with(&app, &p, &config, date("2026-11-01")).await;
    assert_eq!(s.charges_succeeded, 34);
    assert_eq!(p.rate_limited_calls(), 0);
    assert_eq!(p.successful_charges().len(), 34);
}

#[tokio::test]
async fn two_runs_at_once_charge_each_supporter_exactly_once() {
    let app = spawn_app().await;
    let p = SimulatedProcessor::new().with_latency(std::time::Duration::from_millis(5));
    let fans = crash_population(&app, methods::SUCCEEDS).await;
    let config = BillingConfig {
        batch_size: 4,
        concurrency: 4,
        ..BillingConfig::default()
    };
    let (a, b) = tokio::join!(
        billing::run(&app.state.db, &p, &config, date("2026-11-01"), &|_| {}),
        billing::run(&app.state.db, &p, &config, date("2026-11-01"), &|_| {}),
    );
    if app.state.db.backend() == app::domain::platform::db::Backend::Postgres {
        // Both runs worked, each on its own share of the supporters.
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.charges_created + b.charges_created, 34);
    } else {
        // SQLite serialises writers; a run may give up, but never charges twice.
        assert!(a.is_ok() || b.is_ok());
        run_billing_with(&app, &p, &config, date("2026-11-01")).await;
    }
    let successes = p.successful_charges();
    assert_eq!(successes.len(), 34);
    for fan in fans {
        let usd = successes
            .iter()
            .filter(|c| c.supporter_id == fan && c.amount.currency == Currency::USD)
            .count();
        assert_eq!(usd, 1, "supporter {fan}");
    }
    assert_eq!(
        scalar(&app.state.db, "select count(*) from allocations").await,
        34
    );
    assert_ledger_ok(&app).await;
}

/// On PostgreSQL another transaction can book a pledge's period while a run is gathering its
/// supporter (stopping a pledge whose first month is owed books that month at once, at the
/// amount that unlocked posts). The run then reads the batch again and charges the booked
/// period: once, at its booked amount, never beside a second period of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_period_booked_while_its_supporter_is_gathered_is_charged_once() {
    use app::domain::billing::{Pause, PausePoint};
    use std::sync::atomic::{AtomicBool, Ordering};
    static READ: AtomicBool = AtomicBool::new(false);
    fn read(_: PausePoint) {
        READ.store(true, Ordering::SeqCst);
    }
    let app = spawn_app().await;
    if app.state.db.backend() != app::domain::platform::db::Backend::Postgres {
        eprintln!("skipped: SQLite lets no other writer in while a batch is gathered");
        return;
    }
    let db = &app.state.db;
    let page = recipient(db, "mara", "USD").await;
    let fan = user(db, "Fan").await;
    let pledge_id = pledge(&app.state, fan, page, "5").await;
    card(&app.state, fan, methods::SUCCEEDS, 10).await;
    let p = SimulatedProcessor::new();
    let config = BillingConfig {
        pause: Some(Pause {
            at: PausePoint::GatherRead,
            hold: std::time::Duration::from_millis(700),
            announce: read,
        }),
        ..BillingConfig::default()
    };
    let state = app.state.clone();
    let run = tokio::spawn(async move {
        billing::run(&state.db, &p, &config, date("2026-11-10"), &|_| {})
            .await
            .map(|summary| (summary, p.successful_charges()))
    });
    while !READ.load(Ordering::SeqCst) {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    // The run has read the pledge and found no period for November; one is booked now.
    sqlx::query(
        "insert into donation_items (supporter_id, recipient_id, currency, gross_minor, pledge_id, period, status, created_at) \
         values ($1, $2, 'USD', 700, $3, '2026-11', 'pending', 1)",
    )
    .bind(fan)
    .bind(page)
    .bind(pledge_id)
    .execute(db.pool())
    .await
    .unwrap();
    let (summary, charges) = run.await.unwrap().expect("the run read the batch again");
    assert_eq!(summary.charges_created, 1);
    assert_eq!(summary.items_charged, 1);
    assert_eq!(charges.len(), 1);
    assert_eq!(charges[0].amount.minor, 700, "the booked period, alone");
    assert_eq!(
        scalar(
            db,
            &format!("select count(*) from donation_items where pledge_id = {pledge_id} and status = 'paid'")
        )
        .await,
        1
    );
    assert_ledger_ok(&app).await;
}

#[tokio::test]
async fn bad_pledges_and_tips_are_refused_and_write_nothing() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let r = recipient(db, "mara", "USD").await;
    let krw = recipient(db, "jiwoo", "KRW").await;
    let owner = owner_of(db, r).await;
    let fan = user(db, "Fan").await;
    let other = user(db, "Other").await;
    let cheap = tier(db, r, 500, None).await;
    let full = tier(db, r, 100, Some(1)).await;
    let new_pledge = |recipient_id, amount, tier_id| NewPledge {
        recipient_id,
        amount,
        tier_id,
        visibility: "public",
        budget_line: "",
    };

    let field = |e: PledgeError| match e {
        PledgeError::Field(f, m) => (f, m.to_string()),
        other => panic!("expected a field error, got {other:?}"),
    };
    for bad in ["", "0", "-5", "1.005", "abc", "99999999999", "€5"] {
        let e = pledges::create_pledge(&app.state, fan, new_pledge(r, bad, None))
            .await
            .unwrap_err();
        assert_eq!(field(e).0, "amount", "{bad:?}");
    }
    let e = pledges::create_tip(
        &app.state,
        fan,
        NewTip {
            recipient_id: krw,
            amount: "10.5",
            message: "",
            visibility: "public",
            budget_line: "",
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        field(e),
        (
            "amount",
            "KRW amounts can have at most 0 decimal places.".to_owned()
        )
    );
    let e = pledges::create_pledge(&app.state, fan, new_pledge(r, "4", Some(cheap)))
        .await
        .unwrap_err();
    assert_eq!(
        field(e),
        (
            "amount",
            "This tier needs at least $5.00 a month.".to_owned()
        )
    );
    assert!(matches!(
        pledges::create_pledge(&app.state, owner, new_pledge(r, "5", None)).await,
        Err(PledgeError::SelfSupport)
    ));
    assert!(matches!(
        pledges::create_tip(
            &app.state,
            owner,
            NewTip {
                recipient_id: r,
                amount: "5",
                message: "",
                visibility: "public",
                budget_line: "",
            }
        )
        .await,
        Err(PledgeError::SelfSupport)
    ));
    assert!(matches!(
        pledges::create_pledge(&app.state, fan, new_pledge(999_999, "5", None)).await,
        Err(PledgeError::NoSuchRecipient)
    ));
    let e = pledges::create_pledge(
        &app.state,
        fan,
        NewPledge {
            visibility: "everyone",
            budget_line: "",
            ..new_pledge(r, "5", None)
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(e).0, "visibility");
    let long = "x".repeat(501);
    let e = pledges::create_tip(
        &app.state,
        fan,
        NewTip {
            recipient_id: r,
            amount: "5",
            message: &long,
            visibility: "public",
            budget_line: "",
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(e).0, "message");
    assert_eq!(
        field(
            pledges::set_billing_day(&app.state, fan, 29)
                .await
                .unwrap_err()
        )
        .0,
        "billing_day"
    );
    assert_eq!(
        field(
            pledges::set_billing_day(&app.state, fan, 0)
                .await
                .unwrap_err()
        )
        .0,
        "billing_day"
    );
    assert_eq!(scalar(db, "select count(*) from pledges").await, 0);
    assert_eq!(scalar(db, "select count(*) from tips").await, 0);
    assert_eq!(scalar(db, "select count(*) from donation_items").await, 0);
    assert_eq!(scalar(db, "select count(*) from billing_profiles").await, 0);

    // A full tier refuses the next supporter; another supporter's pledge cannot be touched.
    let mine = pledges::create_pledge(&app.state, fan, new_pledge(r, "1", Some(full)))
        .await
        .unwrap();
    let e = pledges::create_pledge(&app.state, other, new_pledge(r, "1", Some(full)))
        .await
        .unwrap_err();
    assert_eq!(field(e), ("tier_id", "This tier is full.".to_owned()));
    assert!(matches!(
        pledges::cancel(&app.state, other, mine).await,
        Err(PledgeError::NoSuchPledge)
    ));
    assert!(matches!(
        pledges::change_amount(&app.state, other, mine, "9").await,
        Err(PledgeError::NoSuchPledge)
    ));
    assert!(matches!(
        pledges::pause(&app.state, other, mine).await,
        Err(PledgeError::NoSuchPledge)
    ));
    assert!(matches!(
        pledges::create_pledge(&app.state, fan, new_pledge(r, "3", None)).await,
        Err(PledgeError::Conflict(_))
    ));
    assert_eq!(scalar(db, "select count(*) from pledges").await, 1);
}

#[tokio::test]
async fn pledges_pause_resume_change_and_cancel() {
    let (app, p, config) = set_up_simulated().await;
    let db = &app.state.db;
    let r = recipient(db, "mara", "USD").await;
    let fan = user(db, "Fan").await;
    let id = pledge(&app.state, fan, r, "5").await;
    card(&app.state, fan, methods::SUCCEEDS, 1).await;
    pledges::pause(&app.state, fan, id).await.unwrap();
    assert_eq!(
        run_billing_with(&app, &p, &config, date("2026-11-01"))
            .await
            .charges_created,
        0
    );
    assert!(pledges::pause(&app.state, fan, id).await.is_err());
    pledges::resume(&app.state, fan, id).await.unwrap();
    pledges::change_amount(&app.state, fan, id, "7.25")
        .await
        .unwrap();
    run_billing_with(&app, &p, &config, date("2026-12-01")).await;
    assert_eq!(p.successful_charges()[0].amount.minor, 725);
    pledges::cancel(&app.state, fan, id).await.unwrap();
    assert_eq!(
        run_billing_with(&app, &p, &config, date("2027-01-01"))
            .await
            .charges_created,
        0
    );
    assert!(pledges::resume(&app.state, fan, id).await.is_err());
}

#[tokio::test]
async fn pages_and_tiers_are_checked_and_belong_to_their_owner() {
    use app::domain::recipients::{self, NewRecipient, NewTier, RecipientError};
    let app = spawn_app().await;
    let db = &app.state.db;
    let owner = user(db, "Owner").await;
    let stranger = user(db, "Stranger").await;
    let page = |slug, currency, goal| NewRecipient {
        kind: "creator",
        slug,
        name: "Mara",
        category: "Art",
        currency,
        goal,
    };
    let id = recipients::create(db, owner, page("mara", "USD", "1,500"))
        .await
        .unwrap();
    assert!(matches!(
        recipients::create(db, stranger, page("Mara", "USD", "")).await,
        Err(RecipientError::SlugTaken)
    ));
    for (slug, currency, goal, field) in [
        ("x", "USD", "", "slug"),
        ("ok-slug", "XYZ", "", "currency"),
        ("ok-slug", "KRW", "10.5", "goal"),
    ] {
        match recipients::create(db, owner, page(slug, currency, goal)).await {
            Err(RecipientError::Field(f, _)) => assert_eq!(f, field),
            other => panic!("{other:?}"),
        }
    }
    let tier = |price, limit| NewTier {
        name: "Fan",
        price,
        description: "",
        perks: "A\nB",
        supporter_limit: limit,
    };
    let t = recipients::create_tier(db, owner, id, tier("3", ""))
        .await
        .unwrap();
    assert!(matches!(
        recipients::create_tier(db, stranger, id, tier("3", "")).await,
        Err(RecipientError::NotYours)
    ));
    assert!(matches!(
        recipients::create_tier(db, owner, id, tier("0", "")).await,
        Err(RecipientError::Field("price", _))
    ));
    assert!(matches!(
        recipients::create_tier(db, owner, id, tier("3", "-1")).await,
        Err(RecipientError::Field("supporter_limit", _))
    ));
    assert!(matches!(
        recipients::retire_tier(db, stranger, t).await,
        Err(RecipientError::NotYours)
    ));
    // A pledge at the tier keeps its terms after the tier retires; new ones are refused.
    let fan = user(db, "Fan").await;
    let pledge_id = pledges::create_pledge(
        &app.state,
        fan,
        NewPledge {
            recipient_id: id,
            amount: "3",
            tier_id: Some(t),
            visibility: "public",
            budget_line: "",
        },
    )
    .await
    .unwrap();
    recipients::retire_tier(db, owner, t).await.unwrap();
    let other = user(db, "Other").await;
    assert!(matches!(
        pledges::create_pledge(
            &app.state,
            other,
            NewPledge {
                recipient_id: id,
                amount: "3",
                tier_id: Some(t),
                visibility: "public",
                budget_line: "",
            }
        )
        .await,
        Err(PledgeError::Field("tier_id", _))
    ));
    let (status, amount): (String, i64) =
        sqlx::query_as("select status, amount_minor from pledges where id = $1")
            .bind(pledge_id)
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!((status.as_str(), amount), ("active", 300));
    assert_eq!(scalar(db, "select count(*) from recipients").await, 1);
}
