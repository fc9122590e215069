//! Stripe Connect calls: Express accounts for recipients, their onboarding links, and
//! transfers from the platform balance. Creating an account and a transfer carries Chipin's
//! own idempotency key, like a charge, so a call repeated after a lost answer or a restart
//! gets back what Stripe already made.

use super::{StripeProcessor, call_error, stripe_currency};
use crate::domain::processors::ProcessorError;
use crate::money::Money;
use std::collections::HashMap;
use stripe::{StripeError, StripeRequest as _};
use stripe_connect::account::{
    CreateAccount, CreateAccountCapabilities, CreateAccountCapabilitiesTransfers,
    CreateAccountType, RetrieveAccount,
};
use stripe_connect::account_link::{CreateAccountLink, CreateAccountLinkType};
use stripe_connect::transfer::{CreateTransfer, ListTransfer};
use stripe_shared::Account;

/// What Chipin keeps of a connected account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectedAccount {
    pub id: String,
    pub details_submitted: bool,
    pub charges_enabled: bool,
    pub payouts_enabled: bool,
}

impl From<&Account> for ConnectedAccount {
    fn from(a: &Account) -> Self {
        Self {
            id: a.id.to_string(),
            details_submitted: a.details_submitted.unwrap_or(false),
            charges_enabled: a.charges_enabled.unwrap_or(false),
            payouts_enabled: a.payouts_enabled.unwrap_or(false),
        }
    }
}

/// One transfer to a connected account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferRequest {
    /// Derived from the committed transfer row (its payout and source charge).
    pub idempotency_key: String,
    pub amount: Money,
    /// The connected account (`acct_…`).
    pub destination: String,
    /// The Stripe charge (`ch_…`) the money came from, where known: the transfer then waits
    /// for that charge's funds instead of needing them in the available balance.
    pub source_transaction: Option<String>,
    /// Chipin's payout id, so Stripe groups the transfers of one payout.
    pub transfer_group: String,
    pub metadata: Vec<(String, String)>,
}

/// What Stripe answered to a transfer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransferOutcome {
    /// The transfer exists (`tr_…`).
    Sent { transfer_ref: String },
    /// Stripe refused it for good (`balance_insufficient`, a destination that cannot receive
    /// transfers, …): nothing was sent.
    Refused { reason: String },
}

impl StripeProcessor {
    /// Creates the Express account of recipient `recipient_id`, with the transfers capability
    /// requested. The key is the recipient's, so a repeated call returns the same account.
    pub async fn create_connected_account(
        &self,
        recipient_id: i64,
        email: Option<&str>,
    ) -> Result<ConnectedAccount, ProcessorError> {
        let mut capabilities = CreateAccountCapabilities::new();
        capabilities.transfers = Some(CreateAccountCapabilitiesTransfers {
            requested: Some(true),
        });
        let mut create = CreateAccount::new()
            .type_(CreateAccountType::Express)
            .capabilities(capabilities)
            .metadata(HashMap::from([(
                "chipin_recipient_id".to_owned(),
                recipient_id.to_string(),
            )]));
        if let Some(email) = email {
            create = create.email(email);
        }
        let account = create
            .customize()
            .request_strategy(self.idempotent(&format!("chipin-account-{recipient_id}"))?)
            .send(&self.client)
            .await
            .map_err(call_error)?;
        Ok(ConnectedAccount::from(&account))
    }

    /// A single-use link to Stripe's hosted onboarding for `account`; Stripe sends the person
    /// back to `return_url`, or to `refresh_url` when the link has expired.
    pub async fn onboarding_link(
        &self,
        account: &str,
        refresh_url: &str,
        return_url: &str,
    ) -> Result<String, ProcessorError> {
        let link = CreateAccountLink::new(account, CreateAccountLinkType::AccountOnboarding)
            .refresh_url(refresh_url)
            .return_url(return_url)
            .send(&self.client)
            .await
            .map_err(call_error)?;
        Ok(link.url)
    }

    /// The current state of a connected account.
    pub async fn connected_account(
        &self,
        account: &str,
    ) -> Result<ConnectedAccount, ProcessorError> {
        let account = RetrieveAccount::new(account)
            .send(&self.client)
            .await
            .map_err(call_error)?;
        Ok(ConnectedAccount::from(&account))
    }

    /// The Stripe charge (`ch_…`) of a PaymentIntent, if it has one.
    pub async fn payment_charge(
        &self,
        payment_intent: &str,
    ) -> Result<Option<String>, ProcessorError> {
        let intent = stripe_core::payment_intent::RetrievePaymentIntent::new(payment_intent)
            .send(&self.client)
            .await
            .map_err(call_error)?;
        Ok(intent.latest_charge.map(|c| c.id().to_string()))
    }

    /// Sends a transfer under Chipin's key. An error means no answer (network, 5xx, 429,
    /// a rejected key): the same request is sent again later with the same key.
    pub async fn transfer(
        &self,
        request: &TransferRequest,
    ) -> Result<TransferOutcome, ProcessorError> {
        let mut create = CreateTransfer::new(
            stripe_currency(request.amount.currency),
            request.destination.as_str(),
        )
        .amount(request.amount.minor)
        .transfer_group(self.namespaced(&request.transfer_group).as_str())
        .metadata(request.metadata.iter().cloned().collect::<HashMap<_, _>>());
        if let Some(source) = &request.source_transaction {
            create = create.source_transaction(source.as_str());
        }
        let answer = create
            .customize()
            .request_strategy(self.idempotent(&request.idempotency_key)?)
            .send(&self.client)
            .await;
        match answer {
            Ok(transfer) => Ok(TransferOutcome::Sent {
                transfer_ref: transfer.id.to_string(),
            }),
            // A request Stripe will never accept as sent: recorded as failed.
            Err(StripeError::Stripe(e, status @ (400 | 402 | 404))) => {
                let reason = e
                    .code
                    .as_ref()
                    .map(|c| c.as_str().to_owned())
                    .or(e.message.clone())
                    .unwrap_or_else(|| format!("Stripe answered {status}"));
                Ok(TransferOutcome::Refused { reason })
            }
            Err(e) => Err(call_error(e)),
        }
    }

    /// The transfer Stripe already made for `request`, if any: looked up by its transfer
    /// group (one payout, one transfer) and matched on destination, amount and currency.
    /// Asked before a transfer is sent again, since Stripe forgets an idempotency key after
    /// 24 hours and would then make a second transfer. An error means no answer.
    pub async fn find_transfer(
        &self,
        request: &TransferRequest,
    ) -> Result<Option<String>, ProcessorError> {
        let group = self.namespaced(&request.transfer_group);
        let list = ListTransfer::new()
            .transfer_group(group.as_str())
            .destination(request.destination.as_str())
            .limit(10)
            .send(&self.client)
            .await
            .map_err(call_error)?;
        let currency = stripe_currency(request.amount.currency);
        Ok(list
            .data
            .into_iter()
            .find(|t| {
                t.transfer_group.as_deref() == Some(group.as_str())
                    && t.amount == request.amount.minor
                    && t.currency == currency
                    && t.destination.as_ref().map(|d| d.id().as_str())
                        == Some(request.destination.as_str())
            })
            .map(|t| t.id.to_string()))
    }
}
