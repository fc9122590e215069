//! May this account save this card now? The one gate every path that saves a payment method
//! passes through — the simulated test cards, the return from Stripe Checkout and Stripe's
//! `setup_intent.succeeded` / `checkout.session.completed` webhooks — and that starting
//! Stripe Checkout asks first. A card is saved only by an account whose email is verified,
//! and not past the velocity limits against card testing ([`Limits`]): cards saved per
//! account and per client address in 24 hours, failed charges per account and per card
//! (the processor's fingerprint) in 24 hours. Each refusal is a security event.
//!
//! The counts are of real rows: `card_saves` (one per card saved) and failed `charges`.

use crate::domain::platform::db::Backend;
use crate::domain::platform::settings::Limits;
use crate::domain::security::{self, Kind, Report};

/// The window the daily limits count over, in seconds.
pub const DAY_SECS: i64 = 24 * 3600;

/// Why a card was not saved; the message is what the supporter reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CardRefusal {
    #[error("Please confirm your email address before saving a card: follow the link we sent you.")]
    Unverified,
    #[error("This account has saved too many cards today. Please try again tomorrow.")]
    CardsPerAccount,
    #[error("Too many cards have been saved from your network today. Please try again tomorrow.")]
    CardsPerClient,
    #[error("Too many payments from this account have failed today. Please try again tomorrow.")]
    FailedChargesPerAccount,
    #[error(
        "Too many payments with this card have failed today. Please use another card or try again tomorrow."
    )]
    FailedChargesPerCard,
}

impl CardRefusal {
    /// The security event this refusal is logged as.
    pub const fn kind(self) -> Kind {
        match self {
            Self::Unverified => Kind::CardUnverified,
            Self::CardsPerAccount => Kind::CardsPerAccount,
            Self::CardsPerClient => Kind::CardsPerClient,
            Self::FailedChargesPerAccount => Kind::FailedChargesPerAccount,
            Self::FailedChargesPerCard => Kind::FailedChargesPerCard,
        }
    }

    /// A short code for the query string of a redirect (`?card=…`).
    pub const fn code(self) -> &'static str {
        match self {
            Self::Unverified => "unverified",
            Self::CardsPerAccount | Self::CardsPerClient => "too_many_cards",
            Self::FailedChargesPerAccount | Self::FailedChargesPerCard => "too_many_failures",
        }
    }

    /// The refusal a `?card=` code stands for, for the page that shows it.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "unverified" => Some(Self::Unverified),
            "too_many_cards" => Some(Self::CardsPerAccount),
            "too_many_failures" => Some(Self::FailedChargesPerAccount),
            _ => None,
        }
    }
}

/// A card about to be saved.
#[derive(Clone, Copy, Debug)]
pub struct NewCard<'a> {
    pub user: i64,
    /// The client address of the request that saves it (none for a webhook).
    pub client_addr: Option<&'a str>,
    /// The processor's payment method id.
    pub payment_method: &'a str,
    /// The processor's fingerprint of the card, when known.
    pub fingerprint: Option<&'a str>,
}

/// Where the limits and the alert address come from.
#[derive(Clone, Copy, Debug)]
pub struct Policy<'a> {
    pub limits: &'a Limits,
    pub operator_email: Option<&'a str>,
    pub backend: Backend,
}

/// What a count is of: an account, or an address or a card.
enum Key<'a> {
    Id(i64),
    Text(&'a str),
}

async fn count(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    sql: &str,
    key: Key<'_>,
    since: i64,
) -> Result<i64, sqlx::Error> {
    let query = sqlx::query_as(sql);
    let query = match key {
        Key::Id(id) => query.bind(id),
        Key::Text(text) => query.bind(text.to_owned()),
    };
    let (n,): (i64,) = query.bind(since).fetch_one(&mut **tx).await?;
    Ok(n)
}

/// Failed charges of `user` in the 24 hours before `at`.
pub const FAILED_FOR_ACCOUNT: &str = "select count(*) from charges where supporter_id = $1 and status = 'failed' and updated_at >= $2";
/// Failed charges with the card `fingerprint` in the 24 hours before `at`.
pub const FAILED_FOR_CARD: &str = "select count(*) from charges where card_fingerprint = $1 and status = 'failed' and updated_at >= $2";

/// The first limit `card` is past, if any (nothing is written).
pub async fn refusal(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    limits: &Limits,
    card: NewCard<'_>,
    at: i64,
) -> Result<Option<(CardRefusal, String)>, sqlx::Error> {
    let verified: Option<(Option<i64>,)> =
        sqlx::query_as("select email_verified_at from users where id = $1")
            .bind(card.user)
            .fetch_optional(&mut **tx)
            .await?;
    if !matches!(verified, Some((Some(_),))) {
        return Ok(Some((
            CardRefusal::Unverified,
            "an account without a verified email tried to save a card".to_owned(),
        )));
    }
    let since = at - DAY_SECS;
    let saved = count(
        tx,
        "select count(*) from card_saves where user_id = $1 and created_at > $2",
        Key::Id(card.user),
        since,
    )
    .await?;
    if saved >= limits.cards_per_account_day {
        return Ok(Some((
            CardRefusal::CardsPerAccount,
            format!(
                "{saved} cards saved by the account in 24 h (limit {})",
                limits.cards_per_account_day
            ),
        )));
    }
    if let Some(client) = card.client_addr {
        let saved = count(
            tx,
            "select count(*) from card_saves where client_addr = $1 and created_at > $2",
            Key::Text(client),
            since,
        )
        .await?;
        if saved >= limits.cards_per_client_day {
            return Ok(Some((
                CardRefusal::CardsPerClient,
                format!(
                    "{saved} cards saved from the address in 24 h (limit {})",
                    limits.cards_per_client_day
                ),
            )));
        }
    }
    let failed = count(tx, FAILED_FOR_ACCOUNT, Key::Id(card.user), since).await?;
    if failed >= limits.failed_charges_per_account_day {
        return Ok(Some((
            CardRefusal::FailedChargesPerAccount,
            format!(
                "{failed} failed charges of the account in 24 h (limit {}); card not saved",
                limits.failed_charges_per_account_day
            ),
        )));
    }
    if let Some(fingerprint) = card.fingerprint {
        let failed = count(tx, FAILED_FOR_CARD, Key::Text(fingerprint), since).await?;
        if failed >= limits.failed_charges_per_card_day {
            return Ok(Some((
                CardRefusal::FailedChargesPerCard,
                format!(
                    "{failed} failed charges with card {fingerprint} in 24 h (limit {}); card not saved",
                    limits.failed_charges_per_card_day
                ),
            )));
        }
    }
    Ok(None)
}

/// Asks [`refusal`] and records the refusal as a security event, in the caller's transaction
/// (which the caller commits either way, so the event is kept).
pub async fn check_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    policy: Policy<'_>,
    card: NewCard<'_>,
    at: i64,
) -> Result<Result<(), CardRefusal>, sqlx::Error> {
    let Some((refused, detail)) = refusal(tx, policy.limits, card, at).await? else {
        return Ok(Ok(()));
    };
    security::record_in(
        tx,
        policy.operator_email,
        Report {
            kind: refused.kind(),
            user: Some(card.user),
            client_addr: card.client_addr,
            detail: &detail,
        },
        at,
    )
    .await?;
    Ok(Err(refused))
}

/// Saves `card` as the default payment method of its account, in the caller's transaction,
/// unless a limit refuses it (then the refusal is recorded and nothing else changes). Saving
/// the method the account already has changes nothing and counts nothing, so the return from
/// Checkout and its webhook saving the same card count once. The account's billing profile
/// must exist. On PostgreSQL the profile row is locked first, so two saves of one account
/// count one after the other.
pub async fn save_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    policy: Policy<'_>,
    card: NewCard<'_>,
    at: i64,
) -> Result<Result<(), CardRefusal>, sqlx::Error> {
    let lock = match policy.backend {
        Backend::Postgres => " for update",
        Backend::Sqlite => "",
    };
    let current: Option<(Option<String>,)> = sqlx::query_as(&format!(
        "select payment_method from billing_profiles where user_id = $1{lock}"
    ))
    .bind(card.user)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some((Some(method),)) = &current
        && method == card.payment_method
    {
        return Ok(Ok(()));
    }
    if let Err(refused) = check_in(tx, policy, card, at).await? {
        return Ok(Err(refused));
    }
    sqlx::query(
        "insert into card_saves (user_id, client_addr, payment_method, fingerprint, created_at) \
         values ($1, $2, $3, $4, $5)",
    )
    .bind(card.user)
    .bind(card.client_addr)
    .bind(card.payment_method)
    .bind(card.fingerprint)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "update billing_profiles set payment_method = $1, payment_method_fingerprint = $2 \
         where user_id = $3",
    )
    .bind(card.payment_method)
    .bind(card.fingerprint)
    .bind(card.user)
    .execute(&mut **tx)
    .await?;
    Ok(Ok(()))
}
