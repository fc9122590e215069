//! Onboarding a page to Stripe Connect: the owner asks for payouts with Stripe; Chipin creates
//! the page's Express account once (its idempotency key is the page's id) and sends the owner
//! to a Stripe onboarding link. Coming back (or a stale link) lands on Chipin again, which
//! reads the account's state; `account.updated` webhooks keep it current afterwards.

use super::connect::ConnectError;
use crate::domain::platform::clock::now;
use crate::domain::processors::stripe::StripeProcessor;
use crate::domain::recipients::OwnedPage;
use crate::domain::{AppState, Db};
use crate::model::trail::{ConnectAccount, ConnectStatus};

fn status_of(account: Option<&str>, details: bool, payouts_enabled: bool) -> ConnectStatus {
    match account {
        None => ConnectStatus::NotStarted,
        Some(_) if details && payouts_enabled => ConnectStatus::Ready,
        Some(_) => ConnectStatus::Pending,
    }
}

/// How far the page's Stripe Connect account is.
pub async fn account_status(db: &Db, recipient: i64) -> Result<ConnectAccount, sqlx::Error> {
    let row: Option<(Option<String>, Option<i64>, Option<i64>)> = sqlx::query_as(
        "select stripe_account_id, stripe_details_submitted, stripe_payouts_enabled \
         from recipients where id = $1",
    )
    .bind(recipient)
    .fetch_optional(db.pool())
    .await?;
    let (account, details, payouts_enabled) = row.unwrap_or((None, None, None));
    let details = details == Some(1);
    let payouts_enabled = payouts_enabled == Some(1);
    Ok(ConnectAccount {
        status: status_of(account.as_deref(), details, payouts_enabled),
        details_submitted: details,
        payouts_enabled,
    })
}

fn stripe(state: &AppState) -> Result<&StripeProcessor, ConnectError> {
    state.stripe.as_deref().ok_or(ConnectError::NotConfigured)
}

/// The page's connected account if `owner` owns the page: (account, owner's email).
async fn owned(
    db: &Db,
    owner: i64,
    recipient: i64,
) -> Result<(Option<String>, String), ConnectError> {
    let page = OwnedPage::load(db, owner, recipient)
        .await?
        .ok_or(ConnectError::NotYours)?;
    let (email,): (String,) = sqlx::query_as("select email from users where id = $1")
        .bind(page.owner)
        .fetch_one(db.pool())
        .await?;
    Ok((page.stripe_account, email))
}

/// The page's connected account, created (and remembered) the first time.
async fn ensure_account(
    state: &AppState,
    owner: i64,
    recipient: i64,
) -> Result<String, ConnectError> {
    let (existing, email) = owned(&state.db, owner, recipient).await?;
    if let Some(account) = existing {
        return Ok(account);
    }
    let stripe = stripe(state)?;
    // The key is the page's id, so two clicks racing here get the same account back.
    let account = stripe
        .create_connected_account(recipient, Some(&email))
        .await
        .map_err(ConnectError::Processor)?;
    sqlx::query(
        "update recipients set stripe_account_id = $1 where id = $2 and stripe_account_id is null",
    )
    .bind(&account.id)
    .bind(recipient)
    .execute(state.db.pool())
    .await?;
    let (stored,): (Option<String>,) =
        sqlx::query_as("select stripe_account_id from recipients where id = $1")
            .bind(recipient)
            .fetch_one(state.db.pool())
            .await?;
    Ok(stored.unwrap_or(account.id))
}

/// Starts (or continues) Stripe onboarding for a page `owner` owns, creating its Express
/// account the first time; returns Stripe's onboarding address to send them to. Only the
/// studio's POST (with its CSRF check) may call this: a GET must never create an account, so
/// the addresses Stripe sends people back to use [`renew_onboarding_link`] instead.
pub async fn start_onboarding(
    state: &AppState,
    owner: i64,
    recipient: i64,
) -> Result<String, ConnectError> {
    stripe(state)?;
    let account = ensure_account(state, owner, recipient).await?;
    onboarding_link(state, recipient, &account).await
}

/// A new onboarding link for the page's existing account (Stripe's refresh address, a GET);
/// `None` if the page has no account yet, which only [`start_onboarding`] creates.
pub async fn renew_onboarding_link(
    state: &AppState,
    owner: i64,
    recipient: i64,
) -> Result<Option<String>, ConnectError> {
    stripe(state)?;
    let (existing, _) = owned(&state.db, owner, recipient).await?;
    match existing {
        Some(account) => Ok(Some(onboarding_link(state, recipient, &account).await?)),
        None => Ok(None),
    }
}

async fn onboarding_link(
    state: &AppState,
    recipient: i64,
    account: &str,
) -> Result<String, ConnectError> {
    let site = state.billing.site_url.trim_end_matches('/');
    let back = format!("{site}/studio/p/{recipient}/payouts");
    stripe(state)?
        .onboarding_link(
            account,
            &format!("{back}/stripe-refresh"),
            &format!("{back}/stripe-return"),
        )
        .await
        .map_err(ConnectError::Processor)
}

/// Reads the page's account from Stripe and records its state (on the return from
/// onboarding). Newer than any webhook sent before it, so older events no longer apply.
pub async fn refresh_account(
    state: &AppState,
    owner: i64,
    recipient: i64,
) -> Result<ConnectAccount, ConnectError> {
    let stripe = stripe(state)?;
    let (existing, _) = owned(&state.db, owner, recipient).await?;
    let Some(account) = existing else {
        return Ok(account_status(&state.db, recipient).await?);
    };
    let a = stripe
        .connected_account(&account)
        .await
        .map_err(ConnectError::Processor)?;
    sqlx::query(
        "update recipients set stripe_details_submitted = $1, stripe_charges_enabled = $2, \
         stripe_payouts_enabled = $3, stripe_account_synced_at = $4 \
         where id = $5 and stripe_account_id = $6",
    )
    .bind(i64::from(a.details_submitted))
    .bind(i64::from(a.charges_enabled))
    .bind(i64::from(a.payouts_enabled))
    .bind(now())
    .bind(recipient)
    .bind(&account)
    .execute(state.db.pool())
    .await?;
    Ok(account_status(&state.db, recipient).await?)
}
