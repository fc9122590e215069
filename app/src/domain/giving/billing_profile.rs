//! Saving a supporter's card with Stripe: one Stripe Customer per supporter (kept in
//! `billing_profiles.processor_customer`), Stripe Checkout in setup mode to collect the card,
//! and the payment method it saved stored as the supporter's default. The last step is shared
//! by the return from Checkout and the `checkout.session.completed` / `setup_intent.succeeded`
//! webhooks, so whichever arrives first saves the card and the other changes nothing; both go
//! through the card-testing gate ([`cards`]).

use crate::domain::giving::cards::{self, CardRefusal, NewCard, Policy};
use crate::domain::platform::clock::now;
use crate::domain::processors::ProcessorError;
use crate::domain::processors::stripe::{SetupError, StripeProcessor};
use crate::domain::{AppState, Db};
use crate::money::Currency;

/// Why a card could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum PaymentMethodError {
    /// Stripe is not configured; the simulated test cards are used instead.
    #[error("Card payments through Stripe are not set up on this site.")]
    NotConfigured,
    /// Checkout did not end with a card for this supporter; the reason is for the log (the
    /// reader is told `bill-card-not-saved` in their language).
    #[error("{0}")]
    NotSaved(&'static str),
    /// The card-testing gate refused it (see [`cards`]).
    #[error("{0}")]
    Refused(CardRefusal),
    #[error("Stripe could not be reached. Please try again in a minute.")]
    Processor(#[source] ProcessorError),
    #[error("database")]
    Db(#[from] sqlx::Error),
}

impl From<SetupError> for PaymentMethodError {
    fn from(e: SetupError) -> Self {
        match e {
            SetupError::Processor(e) => Self::Processor(e),
            SetupError::NotCompleted(m) => Self::NotSaved(m),
        }
    }
}

fn stripe(state: &AppState) -> Result<&StripeProcessor, PaymentMethodError> {
    state
        .stripe
        .as_deref()
        .ok_or(PaymentMethodError::NotConfigured)
}

/// The supporter's Stripe Customer, created (and remembered) the first time.
pub async fn ensure_customer(
    state: &AppState,
    supporter: i64,
) -> Result<String, PaymentMethodError> {
    let stripe = stripe(state)?;
    let existing: Option<(Option<String>,)> =
        sqlx::query_as("select processor_customer from billing_profiles where user_id = $1")
            .bind(supporter)
            .fetch_optional(state.db.pool())
            .await?;
    if let Some((Some(customer),)) = existing {
        return Ok(customer);
    }
    let (email, name): (String, String) =
        sqlx::query_as("select email, display_name from users where id = $1")
            .bind(supporter)
            .fetch_one(state.db.pool())
            .await?;
    // The customer's idempotency key is the supporter's id, so two tabs racing here get the
    // same customer back and store the same value.
    let customer = stripe
        .create_customer(supporter, &email, &name)
        .await
        .map_err(PaymentMethodError::Processor)?;
    let at = now();
    let day = chrono::DateTime::from_timestamp(at, 0)
        .map_or(1, |d| chrono::Datelike::day(&d).min(28)) as i64;
    sqlx::query(
        "insert into billing_profiles (user_id, billing_day, processor_customer, created_at) \
         values ($1, $2, $3, $4) \
         on conflict (user_id) do update set processor_customer = excluded.processor_customer \
         where billing_profiles.processor_customer is null",
    )
    .bind(supporter)
    .bind(day)
    .bind(&customer)
    .bind(at)
    .execute(state.db.pool())
    .await?;
    let (stored,): (Option<String>,) =
        sqlx::query_as("select processor_customer from billing_profiles where user_id = $1")
            .bind(supporter)
            .fetch_one(state.db.pool())
            .await?;
    Ok(stored.unwrap_or(customer))
}

/// The currency the supporter gives in most recently (Checkout needs one in setup mode).
async fn setup_currency(db: &Db, supporter: i64) -> Result<Currency, sqlx::Error> {
    let latest: Option<(String,)> = sqlx::query_as(
        "select currency from donation_items where supporter_id = $1 order by id desc limit 1",
    )
    .bind(supporter)
    .fetch_optional(db.pool())
    .await?;
    Ok(latest
        .and_then(|(c,)| c.parse().ok())
        .unwrap_or(Currency::USD))
}

fn policy(state: &AppState) -> Policy<'_> {
    Policy {
        limits: &state.settings.limits,
        operator_email: state.settings.operator_email.as_deref(),
        backend: state.db.backend(),
    }
}

/// Whether `path` is a chip-in window's address on this site (`/chip-in/…`, no scheme, no
/// host, nothing a browser would read as another site): the one place a card saved on the
/// way to a tip sends the supporter back to.
pub fn is_tip_path(path: &str) -> bool {
    path.starts_with("/chip-in/")
        && !path.contains("//")
        && !path.contains('\\')
        && !path.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// Starts Stripe Checkout in setup mode for the supporter; returns the address to send them
/// to. Coming back lands on `/account/billing/stripe-return` (saved) or the billing page
/// (cancelled). An account the card-testing gate would refuse is refused here already, before
/// a Customer or a Checkout session is made at Stripe.
pub async fn start_checkout(
    state: &AppState,
    supporter: i64,
    client_addr: Option<&str>,
    back_to_tip: Option<&str>,
) -> Result<String, PaymentMethodError> {
    stripe(state)?;
    let at = now();
    let mut tx = state.db.begin_write().await?;
    let card = NewCard {
        user: supporter,
        client_addr,
        payment_method: "",
        fingerprint: None,
    };
    let checked = cards::check_in(&mut tx, policy(state), card, at).await?;
    tx.commit().await?;
    checked.map_err(PaymentMethodError::Refused)?;
    let customer = ensure_customer(state, supporter).await?;
    let stripe = stripe(state)?;
    let site = state.billing.site_url.as_str();
    let currency = setup_currency(&state.db, supporter).await?;
    // A tip started from a chip-in button is where the supporter goes once the card is saved.
    let back = back_to_tip
        .filter(|n| is_tip_path(n))
        .map(|n| {
            let query: String = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("next", n)
                .finish();
            format!("&{query}")
        })
        .unwrap_or_default();
    stripe
        .create_setup_session(
            &customer,
            currency,
            &format!(
                "{site}/account/billing/stripe-return?session_id={{CHECKOUT_SESSION_ID}}{back}"
            ),
            &format!("{site}/account/billing?cancelled=payment_method#payment-method"),
        )
        .await
        .map_err(PaymentMethodError::Processor)
}

/// The return from Checkout: checks the session is this supporter's and completed, and stores
/// the payment method it saved as their default through the card-testing gate.
pub async fn finish_checkout(
    state: &AppState,
    supporter: i64,
    session_id: &str,
    client_addr: Option<&str>,
) -> Result<(), PaymentMethodError> {
    let stripe = stripe(state)?;
    let customer: Option<(Option<String>,)> =
        sqlx::query_as("select processor_customer from billing_profiles where user_id = $1")
            .bind(supporter)
            .fetch_optional(state.db.pool())
            .await?;
    let Some((Some(customer),)) = customer else {
        return Err(PaymentMethodError::NotSaved(
            "That Checkout session belongs to someone else.",
        ));
    };
    let setup = stripe.completed_setup(session_id, &customer).await?;
    let mut tx = state.db.begin_write().await?;
    let saved = save_for_customer(
        &mut tx,
        policy(state),
        &setup.customer,
        &setup.payment_method,
        setup.fingerprint.as_deref(),
        client_addr,
        now(),
    )
    .await?;
    tx.commit().await?;
    match saved {
        Some(Ok(_)) => {
            // Whether the supporter's open pledges count may have changed.
            super::pledges::note_if_pledging(&state.db, supporter).await?;
            Ok(())
        }
        Some(Err(refused)) => Err(PaymentMethodError::Refused(refused)),
        None => Err(PaymentMethodError::NotSaved(
            "That Checkout session belongs to someone else.",
        )),
    }
}

/// Stores `payment_method` as the default of the supporter whose Stripe Customer is
/// `customer`, in the caller's transaction, through the card-testing gate
/// ([`cards::save_in`]: a verified email, the velocity limits). `None` when no supporter has
/// that customer or an id is not well formed; otherwise the supporter, or why the card was
/// refused (the refusal is recorded in `tx`, which the caller commits either way). Used by
/// the return from Checkout and by Stripe's webhooks alike.
pub async fn save_for_customer(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    policy: Policy<'_>,
    customer: &str,
    payment_method: &str,
    fingerprint: Option<&str>,
    client_addr: Option<&str>,
    at: i64,
) -> Result<Option<Result<i64, CardRefusal>>, sqlx::Error> {
    let valid = |s: &str| {
        !s.is_empty() && s.len() <= 255 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    };
    if !valid(customer) || !valid(payment_method) {
        return Ok(None);
    }
    let fingerprint = fingerprint.filter(|f| valid(f));
    let owner: Option<(i64,)> =
        sqlx::query_as("select user_id from billing_profiles where processor_customer = $1")
            .bind(customer)
            .fetch_optional(&mut **tx)
            .await?;
    let Some((user,)) = owner else {
        return Ok(None);
    };
    let card = NewCard {
        user,
        client_addr,
        payment_method,
        fingerprint,
    };
    Ok(Some(
        cards::save_in(tx, policy, card, at).await?.map(|()| user),
    ))
}
