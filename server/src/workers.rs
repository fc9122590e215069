//! Background work inside `server serve`: draining the email outbox, delivering webhooks,
//! billing on a timer, and housekeeping.

use crate::cli::error_chain;
use app::domain::AppState;
use app::domain::accounts::{sessions, throttle};
use app::domain::billing::{self, BillingError, RunSummary};
use app::domain::hooks;
use app::domain::mail::{self, Mailer};
use app::domain::platform::db::Job;
use app::money::Money;
use chrono::NaiveDate;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Running workers; [`Workers::stop`] lets each finish its current step.
pub struct Workers {
    stop: watch::Sender<bool>,
    handles: Vec<JoinHandle<()>>,
}

impl Workers {
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for h in self.handles {
            let _ = h.await;
        }
    }
}

/// Starts the outbox drainer (every `mail_every`), the webhook sender (every `hooks_every`),
/// the billing scheduler (every `billing_every`) and hourly housekeeping.
pub fn spawn(
    state: AppState,
    mailer: Mailer,
    mail_every: Duration,
    hooks_every: Duration,
    billing_every: Duration,
) -> Workers {
    let (stop, rx) = watch::channel(false);
    let mail_state = state.clone();
    let mut mail_rx = rx.clone();
    let mail_task = tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(mail_every) => {},
                _ = mail_rx.changed() => break,
            }
            drain_mail(&mail_state, &mailer, &mail_rx).await;
        }
    });
    let hooks_state = state.clone();
    let mut hooks_rx = rx.clone();
    let hooks_task = tokio::spawn(async move {
        let sender = hooks::delivery::Sender::new(hooks_state.settings.webhooks_allow_private);
        loop {
            tokio::select! {
                _ = tokio::time::sleep(hooks_every) => {},
                _ = hooks_rx.changed() => break,
            }
            deliver_hooks(&hooks_state, &sender, &hooks_rx).await;
        }
    });
    let billing_state = state.clone();
    let mut billing_rx = rx.clone();
    // The first run comes one interval after start, like the outbox: a run is idempotent
    // within its cycle, so nothing is lost by waiting, and a freshly started process (or a
    // test) is not charging cards before anyone asked. A run in progress when the process
    // stops is finished first; were it cut short, the next run would resume it.
    let billing_task = tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(billing_every) => {},
                _ = billing_rx.changed() => break,
            }
            // A run notes its own public changes (`billing::run`).
            let _ = bill_in_turn(&billing_state, chrono::Utc::now().date_naive()).await;
        }
    });
    let mut house_rx = rx;
    let house_task = tokio::spawn(async move {
        loop {
            match sessions::purge_expired(&state.db, &state.settings).await {
                Ok(n) if n > 0 => tracing::info!(count = n, "expired sessions removed"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "session purge failed"),
            }
            if let Err(e) = throttle::purge_old(&state.db).await {
                tracing::error!(error = %e, "login-failure purge failed");
            }
            let cutoff = app::domain::platform::clock::now()
                - state.settings.receipt_unattached_hours * 3600;
            match app::domain::payouts::receipt_uploads::sweep(
                &state.db,
                &state.settings.uploads_dir,
                cutoff,
            )
            .await
            {
                Ok(n) if n > 0 => tracing::info!(count = n, "unattached receipt uploads removed"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "receipt upload sweep failed"),
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(3600)) => {},
                _ = house_rx.changed() => break,
            }
        }
    });
    Workers {
        stop,
        handles: vec![mail_task, hooks_task, billing_task, house_task],
    }
}

/// Writes the receipts the latest charges owe into the outbox, then sends what is due a batch
/// at a time (one SMTP connection, one commit per batch) until the outbox is empty or the
/// process is stopping; a stop waits for the batch in flight only. On PostgreSQL one instance
/// at a time does this (an advisory lock); the others wait for their next poll.
async fn drain_mail(state: &AppState, mailer: &Mailer, stop: &watch::Receiver<bool>) {
    let _turn = match state.db.try_job_turn(Job::Mail).await {
        Ok(Some(turn)) => turn,
        Ok(None) => {
            tracing::debug!("another instance is sending mail; this one waits for its next turn");
            return;
        }
        Err(e) => {
            tracing::error!(error = %error_chain(&e), "could not take the mail worker's turn");
            return;
        }
    };
    let site = &state.billing.site_url;
    let from = &state.settings.mail_from;
    loop {
        let written = match billing::receipts::write_receipts(&state.db, site, 500).await {
            Ok(n) => n,
            Err(e) => {
                tracing::error!(error = %error_chain(&e), "writing receipts failed");
                0
            }
        };
        // A full batch that went out means more may be waiting; a batch that failed waits
        // for the next poll (the messages carry their retry times).
        let more_mail = match mail::drain_batch(&state.db, mailer, from, mail::BATCH_SIZE).await {
            Ok((report, claimed)) => claimed == mail::BATCH_SIZE && report.sent > 0,
            Err(e) => {
                tracing::error!(error = %e, "outbox drain failed");
                return;
            }
        };
        if (written < 500 && !more_mail) || *stop.borrow() {
            return;
        }
    }
}

/// Sends the webhook deliveries that are due, a batch at a time, until none is left or the
/// process is stopping. Every instance does this at once: each claims its own deliveries
/// (see `hooks::delivery`), so no turn is needed.
async fn deliver_hooks(
    state: &AppState,
    sender: &hooks::delivery::Sender,
    stop: &watch::Receiver<bool>,
) {
    loop {
        let at = app::domain::platform::clock::now();
        let site = &state.billing.site_url;
        match hooks::delivery::deliver_due(&state.db, sender, site, at, hooks::delivery::BATCH)
            .await
        {
            Ok(report) if report.claimed as i64 == hooks::delivery::BATCH && !*stop.borrow() => {}
            Ok(_) => return,
            Err(e) => {
                tracing::error!(error = %e, "webhook delivery failed");
                return;
            }
        }
    }
}

/// [`bill_once`] if no other instance sharing the database is billing now (on PostgreSQL an
/// advisory lock decides; on SQLite there is one instance). `Ok(None)`: another instance has
/// the turn, and this one waits for its next tick.
pub async fn bill_in_turn(
    state: &AppState,
    as_of: NaiveDate,
) -> Result<Option<RunSummary>, BillingError> {
    let Some(turn) = state.db.try_job_turn(Job::Billing).await? else {
        tracing::info!(%as_of, "another instance is billing; this one waits for its next turn");
        return Ok(None);
    };
    let result = bill_once(state, as_of).await;
    drop(turn);
    result.map(Some)
}

/// One billing run as of `as_of` with the state's processor and policy; its summary (or its
/// error, with the cause chain) goes to the log.
pub async fn bill_once(state: &AppState, as_of: NaiveDate) -> Result<RunSummary, BillingError> {
    let started = std::time::Instant::now();
    let result = billing::run(
        &state.db,
        state.processor.as_ref(),
        &state.billing,
        as_of,
        &|_| {},
    )
    .await;
    record_billing_metrics(&result, started.elapsed());
    match &result {
        Ok(s) => {
            tracing::info!(
                cycle = %s.cycle,
                %as_of,
                seconds = started.elapsed().as_secs_f64(),
                supporters_due = s.supporters_due,
                charges_created = s.charges_created,
                charges_succeeded = s.charges_succeeded,
                charges_declined = s.charges_declined,
                charges_requiring_action = s.charges_requiring_action,
                charges_processing = s.charges_processing,
                charges_unreachable = s.charges_unreachable,
                items_charged = s.items_charged,
                items_carried_forward = s.items_carried_forward,
                supporters_carried_forward = s.supporters_carried_forward,
                retries_scheduled = s.retries_scheduled,
                items_voided = s.items_voided,
                charges_leased_elsewhere = s.charges_leased_elsewhere,
                leased_until = s.leased_until,
                "billing run finished"
            );
            for (currency, t) in &s.totals {
                let net = t.gross_minor - t.fee_minor - t.platform_fee_minor;
                tracing::info!(
                    cycle = %s.cycle,
                    %currency,
                    gross = %Money::new(t.gross_minor, *currency),
                    processor_fees = %Money::new(t.fee_minor, *currency),
                    platform_fees = %Money::new(t.platform_fee_minor, *currency),
                    net = %Money::new(net, *currency),
                    "billing totals"
                );
            }
        }
        Err(e) => tracing::error!(%as_of, error = %error_chain(e), "billing run failed"),
    }
    result
}

/// A run's figures for `/metrics`: its duration, charges by outcome, items charged and
/// carried forward.
fn record_billing_metrics(result: &Result<RunSummary, BillingError>, took: Duration) {
    let outcome = if result.is_ok() { "ok" } else { "error" };
    metrics::counter!("chipin_billing_runs_total", "outcome" => outcome).increment(1);
    metrics::histogram!("chipin_billing_run_duration_seconds").record(took.as_secs_f64());
    let Ok(s) = result else { return };
    for (outcome, n) in [
        ("succeeded", s.charges_succeeded),
        ("declined", s.charges_declined),
        ("requires_action", s.charges_requiring_action),
        ("processing", s.charges_processing),
        ("unreachable", s.charges_unreachable),
    ] {
        metrics::counter!("chipin_billing_charges_total", "outcome" => outcome).increment(n);
    }
    metrics::counter!("chipin_billing_items_charged_total").increment(s.items_charged);
    metrics::counter!("chipin_billing_items_carried_forward_total")
        .increment(s.items_carried_forward);
}
