//! The pledge scheduler: one charge per supporter, per currency, per cycle. Gathering due
//! items, sending charges, settling what the processor answers (one path for every answer,
//! whenever it comes), retries, receipts, refunds, disputes and on-session authentication.
//!
//! A run has three phases, each committed before the next begins, so a crash anywhere loses
//! nothing and charges nobody twice:
//!
//! 1. **Gather** (`gather.rs`): for every supporter whose billing day has come, add one period
//!    of each active pledge, take every unsettled tip, and decide: charge the sum, or carry the
//!    items forward when the sum is below the minimum. A decision is a `billing_cycles` row (one
//!    per supporter, currency and cycle) and, to charge, a `charges` row whose idempotency key
//!    is derived from supporter, currency, cycle and attempt. This intent is committed before
//!    any processor call.
//! 2. **Send** (`send.rs`): pending charges are claimed in batches, sent to the processor
//!    concurrently, and their outcomes committed in one transaction per batch through
//!    **settle** (`settle.rs`), the one path every processor answer takes, whoever brings it:
//!    allocations (fee split exactly), the journal entry, and the state of items and pledges. A
//!    charge whose call failed stays pending and is resent with the same key by the next run.
//! 3. **Retries** are scheduled before gathering: a declined charge gets a new attempt on the
//!    retry schedule, and after the last one its items are voided and the pledges paused.
//!
//! On PostgreSQL, several runs at once split the work with `FOR UPDATE SKIP LOCKED`; the unique
//! keys on cycles and charges and the processor's idempotency make double charging impossible
//! even when they overlap.
//!
//! May import: platform, mail, security, processors, books, hooks.

pub mod authenticate;
pub mod disputes;
pub mod fee_split;
pub mod gather;
pub mod receipts;
pub mod refunds;
pub mod retries;
pub mod send;
pub mod settle;

use crate::domain::Db;
pub use crate::domain::processors::PaymentProcessor;
use crate::money::Currency;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// How the scheduler behaves; [`BillingConfig::default`] is Chipin's policy.
#[derive(Clone, Debug)]
pub struct BillingConfig {
    /// Below this total (minor units) a cycle's items carry forward.
    pub min_charge: BTreeMap<Currency, i64>,
    /// Items carried this many cycles are charged whatever the total.
    pub max_carry_cycles: i64,
    /// Chipin's own fee in basis points of each item (0 by default).
    pub platform_fee_bps: i64,
    /// Days after the first decline on which a charge is retried.
    pub retry_days: Vec<i64>,
    /// Supporters or charges handled per transaction.
    pub batch_size: usize,
    /// Processor calls in flight at once.
    pub concurrency: usize,
    /// Processor calls started per second at most (the processor's rate limit), if any.
    pub calls_per_second: Option<std::num::NonZeroU32>,
    /// How long a claim on a pending charge keeps other runs away, in seconds. A run renews
    /// the claims it still holds every third of this while it works, so the lease only has
    /// to outlast one renewal: a run that died (a killed process) frees its charges within
    /// this many seconds.
    pub claim_lease_secs: i64,
    /// Stop the run at this point (crash tests only).
    pub fault: Option<FaultPoint>,
    /// Hold the run still at a point, so a chaos test can kill its process there (tests and
    /// `server bench chaos` only).
    pub pause: Option<Pause>,
    /// The site's public address, for links in emails.
    pub site_url: String,
    /// Limits against card testing: an account or a card past its failed charges in 24 hours
    /// is not charged again until the window has passed (its charges stay pending).
    pub limits: crate::domain::platform::settings::Limits,
    /// Where security alerts are mailed, if anywhere.
    pub operator_email: Option<String>,
}

impl Default for BillingConfig {
    fn default() -> Self {
        Self {
            min_charge: Currency::ALL
                .into_iter()
                .map(|c| {
                    let min = match c {
                        Currency::KRW => 2_000,
                        Currency::JPY => 300,
                        _ => 2 * c.minor_per_major(),
                    };
                    (c, min)
                })
                .collect(),
            max_carry_cycles: 2,
            platform_fee_bps: 0,
            retry_days: vec![1, 3, 5, 7],
            batch_size: 5000,
            concurrency: 64,
            calls_per_second: None,
            claim_lease_secs: 30,
            fault: None,
            pause: None,
            site_url: "http://127.0.0.1:3000".to_owned(),
            limits: Default::default(),
            operator_email: None,
        }
    }
}

impl BillingConfig {
    /// The minimum charge in `currency`.
    pub fn min_charge(&self, currency: Currency) -> i64 {
        self.min_charge.get(&currency).copied().unwrap_or(1)
    }
}

/// Where a crash test may stop a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultPoint {
    /// Intents committed, processor not yet called.
    AfterIntents,
    /// Processor called, outcomes not committed.
    AfterProcessorCalls,
    /// The first batch of outcomes committed, the rest not.
    AfterFirstResults,
}

/// Where a chaos test may hold a run still to kill its process there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PausePoint {
    /// Gathering a batch: its pledges and booked items read, nothing written yet.
    GatherRead,
    /// In the middle of gathering: a batch's decisions and intents written, not committed.
    Gather,
    /// Processor calls answered, their outcomes not yet settled.
    AfterProcessorCalls,
    /// In the middle of settling: a batch's outcomes written, not committed.
    Settle,
}

/// A hold at a [`PausePoint`]: `announce` is called there (the chaos bench prints a line its
/// parent waits for), then the run sleeps for `hold` before going on.
#[derive(Clone, Copy, Debug)]
pub struct Pause {
    pub at: PausePoint,
    pub hold: std::time::Duration,
    pub announce: fn(PausePoint),
}

/// Holds the run at `point` if the config asks for it.
pub(crate) async fn pause_at(config: &BillingConfig, point: PausePoint) {
    if let Some(pause) = config.pause
        && pause.at == point
    {
        (pause.announce)(point);
        tokio::time::sleep(pause.hold).await;
    }
}

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum BillingError {
    #[error("database")]
    Db(#[from] sqlx::Error),
    #[error("ledger")]
    Ledger(#[from] crate::domain::books::journal::LedgerError),
    #[error("the run was stopped at {0:?} (fault injection)")]
    Injected(FaultPoint),
    #[error("inconsistent data: {0}")]
    Inconsistent(String),
}

/// Totals for one currency.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CurrencyTotals {
    pub gross_minor: i64,
    pub fee_minor: i64,
    pub platform_fee_minor: i64,
}

/// What a run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunSummary {
    pub cycle: String,
    pub supporters_due: u64,
    pub charges_created: u64,
    pub charges_succeeded: u64,
    pub charges_declined: u64,
    pub charges_requiring_action: u64,
    pub charges_processing: u64,
    pub charges_unreachable: u64,
    pub items_charged: u64,
    pub items_carried_forward: u64,
    pub supporters_carried_forward: u64,
    pub retries_scheduled: u64,
    pub items_voided: u64,
    /// Pending charges this run did not send because another run holds their claim (still
    /// working on them, or killed and not yet expired).
    pub charges_leased_elsewhere: u64,
    /// When the last of those claims runs out (unix seconds); a run after it takes them.
    pub leased_until: Option<i64>,
    pub totals: BTreeMap<Currency, CurrencyTotals>,
}

/// Progress reports for a progress bar.
#[derive(Clone, Copy, Debug)]
pub enum Progress {
    /// Supporters looked at so far in the gather phase.
    Gathered(u64),
    /// Charges to send in this run, once known.
    ChargesToSend(u64),
    /// Charges whose outcome is committed so far.
    Charged(u64),
}

/// The cycle a date belongs to: its month.
pub fn cycle_of(date: NaiveDate) -> String {
    date.format("%Y-%m").to_string()
}

/// The instant a run "as of" `date` counts as now: the end of that day (UTC).
pub fn end_of_day(date: NaiveDate) -> i64 {
    date.and_hms_opt(23, 59, 59)
        .map_or(0, |d| d.and_utc().timestamp())
}

/// Runs one billing cycle as of `as_of`: retries due, gather, charge.
pub async fn run(
    db: &Db,
    processor: &dyn PaymentProcessor,
    config: &BillingConfig,
    as_of: NaiveDate,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<RunSummary, BillingError> {
    let mut summary = RunSummary {
        cycle: cycle_of(as_of),
        ..RunSummary::default()
    };
    retries::schedule_retries(db, config, end_of_day(as_of), &mut summary).await?;
    gather::gather(db, config, as_of, &mut summary, progress).await?;
    if config.fault == Some(FaultPoint::AfterIntents) {
        return Err(BillingError::Injected(FaultPoint::AfterIntents));
    }
    send::send_pending(
        db,
        processor,
        config,
        end_of_day(as_of),
        &mut summary,
        progress,
    )
    .await?;
    // Settled charges change supporter counts, paid tips and cause ledgers.
    db.note_public_change();
    Ok(summary)
}
