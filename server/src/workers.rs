//! Background work inside `server serve`: draining the email outbox and housekeeping.

use app::domain::AppState;
use app::domain::accounts::{sessions, throttle};
use app::domain::mail::{self, Mailer};
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

/// Starts the outbox drainer (every `mail_every`) and hourly housekeeping.
pub fn spawn(state: AppState, mailer: Mailer, mail_every: Duration) -> Workers {
    let (stop, rx) = watch::channel(false);
    let mail_state = state.clone();
    let mut mail_rx = rx.clone();
    let mail_task = tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(mail_every) => {},
                _ = mail_rx.changed() => break,
            }
            let from = mail_state.settings.mail_from.clone();
            if let Err(e) = mail::drain_once(&mail_state.db, &mailer, &from).await {
                tracing::error!(error = %e, "outbox drain failed");
            }
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
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(3600)) => {},
                _ = house_rx.changed() => break,
            }
        }
    });
    Workers {
        stop,
        handles: vec![mail_task, house_task],
    }
}
