//! Stripe as Chipin's payment processor.
//!
//! A consolidated charge is one PaymentIntent, created confirmed and off-session for the saved
//! payment method, with Chipin's own idempotency key: the key is derived from the committed
//! charge row, so a call repeated after a lost answer or a restart returns the PaymentIntent
//! Stripe already made instead of charging again. The client never invents keys or retries on
//! its own; a call that produced no answer leaves the charge pending for the next run.
//!
//! Saving a card happens on Stripe's own Checkout page in setup mode, for a Stripe Customer
//! that belongs to the supporter; card data never reaches Chipin.

mod connect_api;
pub mod signature;
pub use connect_api::{ConnectedAccount, TransferOutcome, TransferRequest};

use crate::domain::processors::{
    BoxFuture, ChargeOutcome, ChargeRequest, PaymentProcessor, ProcessorError, RefundOutcome,
    RefundRequest,
};
use std::collections::HashMap;
use std::fmt;
use std::time::Duration;
use stripe::{
    Client, ClientBuilder, IdempotencyKey, RequestStrategy, StripeError, StripeRequest as _,
};
use stripe_checkout::checkout_session::{CreateCheckoutSession, RetrieveCheckoutSession};
use stripe_core::customer::CreateCustomer;
use stripe_core::payment_intent::{
    CreatePaymentIntent, CreatePaymentIntentOffSession, RetrievePaymentIntent,
};
use stripe_core::refund::CreateRefund;
use stripe_shared::{
    ApiErrors, ApiErrorsType, CheckoutSessionMode, CheckoutSessionStatus, PaymentIntent,
    PaymentIntentStatus, SetupIntentStatus,
};
use stripe_types::Expandable;

/// Stripe's API address.
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com/";

/// How long one call to Stripe may take before it counts as lost.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// The PaymentIntent fields Chipin needs expanded: the fee is on the balance transaction of the
/// latest charge.
const EXPAND_FEE: &str = "latest_charge.balance_transaction";

/// The Stripe processor. Its `Debug` output never shows the secret key.
#[derive(Clone)]
pub struct StripeProcessor {
    client: Client,
    api_base: String,
    /// The key Stripe.js runs with in the supporter's browser (public by design).
    publishable_key: Option<String>,
    /// This installation's id, prefixed to every idempotency key and transfer group sent.
    installation: String,
}

impl fmt::Debug for StripeProcessor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StripeProcessor")
            .field("api_base", &self.api_base)
            .field("publishable_key", &self.publishable_key)
            .field("secret_key", &"[redacted]")
            .finish()
    }
}

/// Why a card could not be saved through Checkout.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(transparent)]
    Processor(#[from] ProcessorError),
    /// The session is not this supporter's, not finished, or its SetupIntent did not succeed.
    #[error("{0}")]
    NotCompleted(&'static str),
}

/// A Checkout session that has collected a payment method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletedSetup {
    pub customer: String,
    pub payment_method: String,
    /// Stripe's `card.fingerprint` of the saved card (one card saved twice has one), when
    /// Stripe sent the payment method expanded.
    pub fingerprint: Option<String>,
}

/// A PaymentIntent's client secret: it lets a browser confirm the payment, so it is shown to
/// the charge's supporter only and never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientSecret(pub String);

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// What Stripe.js needs to confirm a waiting PaymentIntent in the supporter's browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnSessionConfirmation {
    pub client_secret: ClientSecret,
    /// The card to confirm with, when the intent no longer holds one (after an off-session
    /// attempt that asked for authentication).
    pub payment_method: Option<String>,
}

/// Where a PaymentIntent that waited for its cardholder stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OnSessionState {
    /// The cardholder still has to authenticate it.
    NeedsAction(OnSessionConfirmation),
    /// It succeeded, was declined, or is processing.
    Finished(ChargeOutcome),
}

impl StripeProcessor {
    /// A processor using `secret_key`, talking to `api_base` (Stripe's own address in
    /// production, a local fake in tests).
    pub fn new(secret_key: &str, api_base: Option<&str>) -> Result<Self, ProcessorError> {
        // The client's TLS needs a process-wide crypto provider; when the build links more
        // than one, none is chosen automatically. Installing fails harmlessly if one is set.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let api_base = api_base.unwrap_or(DEFAULT_API_BASE).to_owned();
        let mut base = api_base.clone();
        if !base.ends_with('/') {
            base.push('/');
        }
        let client = ClientBuilder::new(secret_key)
            .url(base)
            .request_strategy(RequestStrategy::Once)
            .timeout(CALL_TIMEOUT)
            .build()
            .map_err(|e| ProcessorError::Invalid(format!("Stripe client: {e}")))?;
        Ok(Self {
            client,
            api_base,
            publishable_key: None,
            installation: String::new(),
        })
    }

    /// The same processor, with the publishable key the on-session confirmation page hands to
    /// Stripe.js.
    pub fn with_publishable_key(mut self, publishable_key: &str) -> Self {
        self.publishable_key = Some(publishable_key.to_owned());
        self
    }

    /// The same processor, namespacing what it sends by `installation` (see
    /// [`crate::domain::Db::installation_id`]): every idempotency key and transfer group
    /// becomes `<installation>-<key>`, so two installations sharing one Stripe account (or a
    /// database created afresh) never replay each other's answers or find each other's
    /// transfers.
    pub fn with_installation(mut self, installation: &str) -> Self {
        self.installation = installation.to_owned();
        self
    }

    /// `name` in this installation's namespace.
    pub(crate) fn namespaced(&self, name: &str) -> String {
        if self.installation.is_empty() {
            name.to_owned()
        } else {
            format!("{}-{name}", self.installation)
        }
    }

    /// The publishable key for Stripe.js, when one is configured.
    pub fn publishable_key(&self) -> Option<&str> {
        self.publishable_key.as_deref()
    }

    /// The request strategy for one call: exactly one attempt, under Chipin's key in this
    /// installation's namespace.
    fn idempotent(&self, key: &str) -> Result<RequestStrategy, ProcessorError> {
        IdempotencyKey::new(self.namespaced(key))
            .map(RequestStrategy::Idempotent)
            .map_err(|e| ProcessorError::Invalid(format!("idempotency key: {e}")))
    }

    /// Creates the Stripe Customer for a supporter. The key makes a repeated call (after a
    /// lost answer) return the same customer.
    pub async fn create_customer(
        &self,
        supporter_id: i64,
        email: &str,
        name: &str,
    ) -> Result<String, ProcessorError> {
        let customer = CreateCustomer::new()
            .email(email)
            .name(name)
            .metadata(HashMap::from([(
                "chipin_user_id".to_owned(),
                supporter_id.to_string(),
            )]))
            .customize()
            .request_strategy(self.idempotent(&format!("chipin-customer-{supporter_id}"))?)
            .send(&self.client)
            .await
            .map_err(call_error)?;
        Ok(customer.id.to_string())
    }

    /// Starts a Checkout session in setup mode for `customer`; returns the page to send the
    /// supporter to.
    pub async fn create_setup_session(
        &self,
        customer: &str,
        currency: crate::money::Currency,
        success_url: &str,
        cancel_url: &str,
    ) -> Result<String, ProcessorError> {
        let session = CreateCheckoutSession::new()
            .mode(CheckoutSessionMode::Setup)
            .customer(customer)
            .currency(stripe_currency(currency))
            .success_url(success_url)
            .cancel_url(cancel_url)
            .send(&self.client)
            .await
            .map_err(call_error)?;
        session
            .url
            .ok_or_else(|| ProcessorError::Invalid("Checkout session without a URL".into()))
    }

    /// Looks up a finished Checkout session of `customer` and the payment method its
    /// SetupIntent saved.
    pub async fn completed_setup(
        &self,
        session_id: &str,
        customer: &str,
    ) -> Result<CompletedSetup, SetupError> {
        let valid_id = session_id.starts_with("cs_")
            && session_id.len() <= 255
            && session_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !valid_id {
            return Err(SetupError::NotCompleted("That is not a Checkout session."));
        }
        let session = RetrieveCheckoutSession::new(session_id)
            .expand(vec![
                "setup_intent".to_owned(),
                "setup_intent.payment_method".to_owned(),
            ])
            .send(&self.client)
            .await
            .map_err(call_error)?;
        let owner = session.customer.as_ref().map(|c| c.id().to_string());
        if owner.as_deref() != Some(customer) {
            return Err(SetupError::NotCompleted(
                "That Checkout session belongs to someone else.",
            ));
        }
        if session.mode != CheckoutSessionMode::Setup
            || session.status != Some(CheckoutSessionStatus::Complete)
        {
            return Err(SetupError::NotCompleted(
                "The card was not saved: Checkout was not completed.",
            ));
        }
        let intent = match session.setup_intent {
            Some(Expandable::Object(intent)) => *intent,
            Some(Expandable::Id(id)) => stripe_core::setup_intent::RetrieveSetupIntent::new(id)
                .send(&self.client)
                .await
                .map_err(call_error)?,
            None => {
                return Err(SetupError::NotCompleted(
                    "The card was not saved: Checkout did not set it up.",
                ));
            }
        };
        if intent.status != SetupIntentStatus::Succeeded {
            return Err(SetupError::NotCompleted(
                "The card was not saved: the bank did not confirm it.",
            ));
        }
        let fingerprint = match &intent.payment_method {
            Some(Expandable::Object(method)) => {
                method.card.as_ref().and_then(|c| c.fingerprint.clone())
            }
            _ => None,
        };
        let payment_method =
            intent
                .payment_method
                .map(|m| m.id().to_string())
                .ok_or(SetupError::NotCompleted(
                    "The card was not saved: no payment method came back.",
                ))?;
        Ok(CompletedSetup {
            customer: customer.to_owned(),
            payment_method,
            fingerprint,
        })
    }

    /// The current outcome of a PaymentIntent (for a webhook, or a charge confirmed
    /// on-session), with the fee once it has succeeded.
    pub async fn payment_intent_outcome(
        &self,
        payment_intent: &str,
    ) -> Result<ChargeOutcome, ProcessorError> {
        let intent = RetrievePaymentIntent::new(payment_intent)
            .expand(vec![EXPAND_FEE.to_owned()])
            .send(&self.client)
            .await
            .map_err(call_error)?;
        match outcome_of(&intent) {
            Some(outcome) => Ok(outcome),
            None => Err(ProcessorError::Unavailable(format!(
                "{payment_intent} succeeded but its balance transaction is not available yet"
            ))),
        }
    }

    /// Where a PaymentIntent that waited for its cardholder stands now, for the page that
    /// confirms it on-session: still waiting (with what Stripe.js needs to confirm it), or
    /// finished one way or another.
    pub async fn on_session_state(
        &self,
        payment_intent: &str,
    ) -> Result<OnSessionState, ProcessorError> {
        let intent = RetrievePaymentIntent::new(payment_intent)
            .expand(vec![EXPAND_FEE.to_owned()])
            .send(&self.client)
            .await
            .map_err(call_error)?;
        match outcome_of(&intent) {
            Some(ChargeOutcome::RequiresAuthentication { .. }) => {
                let client_secret = intent.client_secret.clone().ok_or_else(|| {
                    ProcessorError::Invalid(format!("{payment_intent} has no client secret"))
                })?;
                // After an off-session attempt that asked for authentication, the intent is
                // back to `requires_payment_method` and the card is on the last error; it is
                // confirmed again with that card.
                let payment_method = (intent.status == PaymentIntentStatus::RequiresPaymentMethod)
                    .then(|| {
                        intent
                            .last_payment_error
                            .as_ref()
                            .and_then(|e| e.payment_method.as_ref())
                            .map(|m| m.id.to_string())
                            .or_else(|| intent.payment_method.as_ref().map(|m| m.id().to_string()))
                    })
                    .flatten();
                Ok(OnSessionState::NeedsAction(OnSessionConfirmation {
                    client_secret: ClientSecret(client_secret),
                    payment_method,
                }))
            }
            Some(outcome) => Ok(OnSessionState::Finished(outcome)),
            None => Err(ProcessorError::Unavailable(format!(
                "{payment_intent} succeeded but its balance transaction is not available yet"
            ))),
        }
    }

    async fn create_payment_intent(
        &self,
        request: &ChargeRequest,
    ) -> Result<ChargeOutcome, ProcessorError> {
        let mut create = CreatePaymentIntent::new(
            request.amount.minor,
            stripe_currency(request.amount.currency),
        )
        .payment_method(request.payment_method.as_str())
        .off_session(CreatePaymentIntentOffSession::Bool(true))
        .confirm(true)
        .metadata(HashMap::from([
            ("chipin_charge_id".to_owned(), request.charge_id.to_string()),
            ("supporter_id".to_owned(), request.supporter_id.to_string()),
            ("cycle".to_owned(), request.cycle.clone()),
        ]))
        .expand(vec![EXPAND_FEE.to_owned()]);
        if let Some(customer) = &request.customer {
            create = create.customer(customer.as_str());
        }
        let answer = create
            .customize()
            .request_strategy(self.idempotent(&request.idempotency_key)?)
            .send(&self.client)
            .await;
        match answer {
            Ok(intent) => match outcome_of(&intent) {
                Some(outcome) => Ok(outcome),
                // Succeeded, but the fee is not readable yet: ask again for it.
                None => self.payment_intent_outcome(intent.id.as_str()).await,
            },
            Err(StripeError::Stripe(error, status)) => refused(&error, status),
            Err(e) => Err(call_error(e)),
        }
    }
}

/// What a PaymentIntent's state means for Chipin; `None` when it succeeded but the fee is
/// not in the answer.
fn outcome_of(intent: &PaymentIntent) -> Option<ChargeOutcome> {
    let processor_ref = intent.id.to_string();
    Some(match &intent.status {
        PaymentIntentStatus::Succeeded => {
            let charge = intent.latest_charge.as_ref()?.as_object()?;
            let balance = charge.balance_transaction.as_ref()?.as_object()?;
            ChargeOutcome::Succeeded {
                processor_ref,
                fee_minor: fee_in_charge_currency(intent.amount, balance.amount, balance.fee),
            }
        }
        PaymentIntentStatus::Processing => ChargeOutcome::Processing { processor_ref },
        PaymentIntentStatus::RequiresAction | PaymentIntentStatus::RequiresConfirmation => {
            ChargeOutcome::RequiresAuthentication { processor_ref }
        }
        PaymentIntentStatus::RequiresPaymentMethod | PaymentIntentStatus::Canceled => {
            let code = intent
                .last_payment_error
                .as_deref()
                .and_then(decline_code)
                .unwrap_or_else(|| "card_declined".to_owned());
            if code == "authentication_required" {
                ChargeOutcome::RequiresAuthentication { processor_ref }
            } else {
                ChargeOutcome::Declined {
                    processor_ref: Some(processor_ref),
                    code,
                }
            }
        }
        _ => ChargeOutcome::Processing { processor_ref },
    })
}

/// The fee in the charge's currency. The balance transaction is in the account's settlement
/// currency; when that differs, the fee is scaled by the charge's own conversion.
fn fee_in_charge_currency(charge_amount: i64, settled_amount: i64, settled_fee: i64) -> i64 {
    if settled_amount <= 0 || settled_amount == charge_amount {
        return settled_fee.clamp(0, charge_amount.max(0));
    }
    let scaled = (i128::from(settled_fee) * i128::from(charge_amount)
        + i128::from(settled_amount) / 2)
        / i128::from(settled_amount);
    i64::try_from(scaled)
        .unwrap_or(charge_amount)
        .clamp(0, charge_amount.max(0))
}

/// The decline code of a card error: Stripe's `decline_code`, else its `code`.
fn decline_code(error: &ApiErrors) -> Option<String> {
    error
        .decline_code
        .clone()
        .or_else(|| error.code.as_ref().map(|c| c.as_str().to_owned()))
}

/// Maps an error answer from Stripe to an outcome (card errors) or a processor error.
fn refused(error: &ApiErrors, status: u16) -> Result<ChargeOutcome, ProcessorError> {
    let intent = error.payment_intent.as_ref();
    let processor_ref = intent.map(|i| i.id.to_string());
    let code = error.code.as_ref().map(|c| c.as_str().to_owned());
    match status {
        402 => {
            let requires_action = intent.is_some_and(|i| {
                matches!(
                    i.status,
                    PaymentIntentStatus::RequiresAction | PaymentIntentStatus::RequiresConfirmation
                )
            });
            if code.as_deref() == Some("authentication_required") || requires_action {
                return match processor_ref {
                    Some(processor_ref) => {
                        Ok(ChargeOutcome::RequiresAuthentication { processor_ref })
                    }
                    None => Err(ProcessorError::Invalid(
                        "authentication required without a PaymentIntent".into(),
                    )),
                };
            }
            Ok(ChargeOutcome::Declined {
                processor_ref,
                code: decline_code(error).unwrap_or_else(|| "card_declined".to_owned()),
            })
        }
        429 => Err(ProcessorError::RateLimited),
        500.. => Err(ProcessorError::Unavailable(format!(
            "Stripe answered {status}"
        ))),
        _ => match card_refusal(error) {
            Some(code) => Ok(ChargeOutcome::Declined {
                processor_ref,
                code,
            }),
            None => Err(ProcessorError::Invalid(format!(
                "Stripe answered {status}: {}",
                code.as_deref()
                    .or(error.message.as_deref())
                    .unwrap_or("no reason given")
            ))),
        },
    }
}

/// The code to record when Stripe refuses a charge, with a status other than 402, because of
/// the card itself: a card error without a decline code, or a request refused for its payment
/// method or customer (missing, detached, not activated, in an unexpected state). Sending the
/// same request again would be refused the same way, so the charge fails like a decline and
/// goes into the retry schedule, where the supporter can replace the card. `None` for other
/// refusals (a request Chipin built wrong), which leave the charge pending.
fn card_refusal(error: &ApiErrors) -> Option<String> {
    let code = error.code.as_ref().map(|c| c.as_str().to_owned());
    match error.type_ {
        ApiErrorsType::CardError => {
            Some(decline_code(error).unwrap_or_else(|| "card_declined".to_owned()))
        }
        ApiErrorsType::InvalidRequestError => {
            let about_the_card = matches!(
                error.param.as_deref(),
                Some("payment_method" | "customer" | "source")
            ) || code
                .as_deref()
                .is_some_and(|c| c.starts_with("payment_method_"));
            about_the_card.then(|| code.unwrap_or_else(|| "invalid_payment_method".to_owned()))
        }
        _ => None,
    }
}

/// Maps a failed call that is not a charge to a processor error.
fn call_error(error: StripeError) -> ProcessorError {
    match error {
        StripeError::Stripe(e, 429) => {
            let _ = e;
            ProcessorError::RateLimited
        }
        StripeError::Stripe(_, status @ 500..) => {
            ProcessorError::Unavailable(format!("Stripe answered {status}"))
        }
        StripeError::Stripe(e, status) => ProcessorError::Invalid(format!(
            "Stripe answered {status}: {}",
            e.code
                .as_ref()
                .map(|c| c.as_str().to_owned())
                .or(e.message.clone())
                .unwrap_or_else(|| "no reason given".to_owned())
        )),
        // An answer that could not be read, a lost connection or a timeout: Stripe may or may
        // not have acted, so the call is repeated later with the same key.
        StripeError::JSONDeserialize(m) => {
            ProcessorError::Unavailable(format!("unreadable answer: {m}"))
        }
        StripeError::ClientError(m) => ProcessorError::Unavailable(m),
        StripeError::Timeout => ProcessorError::Unavailable("timed out".into()),
        StripeError::ConfigError(m) => ProcessorError::Invalid(m),
    }
}

fn stripe_currency(currency: crate::money::Currency) -> stripe_types::Currency {
    let code = currency.code().to_ascii_lowercase();
    match code.parse() {
        Ok(c) => c,
        Err(never) => match never {},
    }
}

impl PaymentProcessor for StripeProcessor {
    fn charge(
        &self,
        request: ChargeRequest,
    ) -> BoxFuture<'_, Result<ChargeOutcome, ProcessorError>> {
        Box::pin(async move { self.create_payment_intent(&request).await })
    }

    fn refund(
        &self,
        request: RefundRequest,
    ) -> BoxFuture<'_, Result<RefundOutcome, ProcessorError>> {
        Box::pin(async move {
            // The key also travels as metadata, so a refund webhook can tell which items of
            // the charge this refund covers.
            let refund = CreateRefund::new()
                .payment_intent(request.processor_ref.as_str())
                .amount(request.amount.minor)
                .metadata(HashMap::from([(
                    "chipin_refund_key".to_owned(),
                    request.idempotency_key.clone(),
                )]))
                .customize()
                .request_strategy(self.idempotent(&request.idempotency_key)?)
                .send(&self.client)
                .await
                .map_err(call_error)?;
            Ok(RefundOutcome {
                refund_ref: refund.id.to_string(),
            })
        })
    }

    fn payment_fee(
        &self,
        processor_ref: &str,
    ) -> BoxFuture<'_, Result<Option<i64>, ProcessorError>> {
        let payment_intent = processor_ref.to_owned();
        Box::pin(async move {
            match self.payment_intent_outcome(&payment_intent).await? {
                ChargeOutcome::Succeeded { fee_minor, .. } => Ok(Some(fee_minor)),
                _ => Ok(None),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fees_in_another_settlement_currency_are_scaled_to_the_charge() {
        assert_eq!(fee_in_charge_currency(800, 800, 53), 53);
        // €10.00 settled as $11.00 with a $0.62 fee: €0.56.
        assert_eq!(fee_in_charge_currency(1000, 1100, 62), 56);
        assert_eq!(
            fee_in_charge_currency(100, 100, 500),
            100,
            "never above the charge"
        );
    }

    #[test]
    fn the_secret_key_is_never_printed() {
        let p = StripeProcessor::new("sk_test_secret123", Some("http://127.0.0.1:1")).unwrap();
        let printed = format!("{p:?}");
        assert!(!printed.contains("secret123"), "{printed}");
    }
}
