//! What the money trail's pages exchange between server and browser: a cause's expenses, a
//! page's payouts, and one donation's trail.

use serde::{Deserialize, Serialize};

/// One published expense.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpenseRow {
    pub id: i64,
    /// `YYYY-MM-DD` of the spending.
    pub spent_on: String,
    pub description: String,
    /// The budget line it was spent in, if any.
    pub budget_line: Option<String>,
    pub amount_minor: i64,
    pub receipt_url: Option<String>,
    /// How many donations' money paid for it.
    pub donations: i64,
    /// Why it was corrected, when it was.
    pub corrected: Option<String>,
}

/// A cause's expenses page in the studio.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpensesPage {
    pub recipient_id: i64,
    pub name: String,
    pub currency: String,
    /// Net of fees, refunds excluded.
    pub received_minor: i64,
    pub spent_minor: i64,
    pub unspent_minor: i64,
    pub expenses: Vec<ExpenseRow>,
    /// The cause's budget lines (retired ones included, marked) and its unearmarked money.
    pub budget_lines: Vec<BudgetLineRow>,
    pub unearmarked: BudgetLineRow,
    /// Today (UTC), the form's default date.
    pub today: String,
}

/// One budget line of a cause with its money, or (id 0) the cause's unearmarked money.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetLineRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub retired: bool,
    /// Net of fees of the donations earmarked to it (refunds excluded).
    pub earmarked_minor: i64,
    /// What expenses took from that money.
    pub spent_minor: i64,
    /// What of it is not spent yet: reserved for this line.
    pub unspent_minor: i64,
    /// The live expenses recorded in this line (they may also use unearmarked money).
    pub expenses_minor: i64,
}

/// One donation's part of a payout.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutShareRow {
    pub item_id: i64,
    /// `YYYY-MM-DD` of the charge.
    pub charged_on: String,
    pub net_minor: i64,
    pub amount_minor: i64,
    /// A negative share: taking back what was paid for a donation refunded since.
    pub refunded: bool,
}

/// One payout with the donations it covered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutRow {
    pub id: i64,
    pub amount_minor: i64,
    pub reference: String,
    /// `YYYY-MM-DD` it was sent.
    pub paid_on: String,
    pub paid: bool,
    pub recorded_by: String,
    /// The Stripe transfer that sent it (Stripe Connect), once Stripe made it.
    pub transfer_ref: Option<String>,
    /// `planned`, `sent`, `failed` or `reversed` for a Stripe transfer.
    pub transfer_status: Option<String>,
    /// Why it was returned (its donations are unpaid again), when it was.
    pub returned: Option<String>,
    pub shares: Vec<PayoutShareRow>,
}

/// How far a page's Stripe Connect account is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConnectStatus {
    /// No account yet.
    NotStarted,
    /// An account exists, but Stripe has not yet verified it or enabled payouts.
    Pending,
    /// Transfers reach the account.
    Ready,
}

/// A page's Stripe Connect account as its owner sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectAccount {
    pub status: ConnectStatus,
    pub details_submitted: bool,
    pub payouts_enabled: bool,
}

/// A page's payouts page in the studio.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutsPage {
    pub recipient_id: i64,
    pub name: String,
    pub currency: String,
    pub is_cause: bool,
    pub available_minor: i64,
    pub payouts: Vec<PayoutRow>,
    /// Today (UTC), the form's default date.
    pub today: String,
    /// The page's Stripe Connect account, when the site pays out through Stripe.
    pub stripe: Option<ConnectAccount>,
}

/// A payout that paid part of one donation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrailPayout {
    pub paid_on: String,
    pub reference: String,
    pub amount_minor: i64,
    pub arrived: bool,
    /// The Stripe transfer that paid it (Stripe Connect), once Stripe made it.
    pub transfer_ref: Option<String>,
}

/// An expense one donation helped pay for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrailExpense {
    pub spent_on: String,
    pub description: String,
    /// The budget line it was spent in, if any.
    pub budget_line: Option<String>,
    /// This donation's part of it.
    pub share_minor: i64,
    /// The whole expense.
    pub amount_minor: i64,
    pub receipt_url: Option<String>,
}

/// Where one donation's money went, as its donor sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DonationTrail {
    pub item_id: i64,
    pub recipient_name: String,
    pub recipient_slug: String,
    pub is_cause: bool,
    /// A tip or a month of a pledge (views name it with `ItemKind::name`).
    pub kind: crate::model::ItemKind,
    pub currency: String,
    /// The budget line of the cause the donor earmarked it to, if any.
    pub budget_line: Option<String>,
    pub gross_minor: i64,
    /// The charge that collected it, once it succeeded.
    pub charge_id: Option<i64>,
    pub charge_ref: Option<String>,
    pub charged_on: Option<String>,
    pub fee_minor: i64,
    pub platform_fee_minor: i64,
    pub net_minor: i64,
    pub refunded: bool,
    pub payouts: Vec<TrailPayout>,
    /// Net not yet paid out (negative while money paid for a refunded donation is netted).
    pub unpaid_minor: i64,
    /// For causes: the expenses it paid for, and what of it is still unspent.
    pub expenses: Vec<TrailExpense>,
    pub unspent_minor: i64,
    /// The refunds made of it, oldest first.
    #[serde(default)]
    pub refunds: Vec<TrailRefund>,
    /// The supporter's latest refund request for it.
    #[serde(default)]
    pub request: Option<TrailRequest>,
    /// When the supporter may ask for it back now: the last day (`YYYY-MM-DD`) they may.
    #[serde(default)]
    pub ask_until: Option<String>,
    /// Other donations of the same charge with money left to refund.
    #[serde(default)]
    pub other_donations: i64,
}

/// A refund of (part of) one donation, as its supporter sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrailRefund {
    pub amount_minor: i64,
    /// `YYYY-MM-DD`.
    pub refunded_on: String,
    /// The reason given: one of the refund reason codes, or the words of whoever refunded.
    pub reason: String,
    pub by: RefundedBy,
}

/// Who made a refund.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RefundedBy {
    /// The page's owner, from the studio.
    Owner,
    /// Chipin's operator, from the command line.
    Operator,
    /// The payment processor (a dispute lost, a refund made at the processor).
    Processor,
}

/// A supporter's refund request as they see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrailRequest {
    /// `open`, `refunded` or `declined`.
    pub status: String,
    pub reason: String,
    pub decline_reason: String,
    /// `YYYY-MM-DD`.
    pub asked_on: String,
}

/// A refund request as the page's owner (or the operator) sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRequestRow {
    pub id: i64,
    pub item_id: i64,
    pub recipient_id: i64,
    pub gross_minor: i64,
    pub currency: String,
    /// Asked as part of "the whole charge was a mistake".
    pub whole_charge: bool,
    pub reason: String,
    /// `open`, `refunded` or `declined`.
    pub status: String,
    pub decline_reason: String,
    /// `YYYY-MM-DD`.
    pub asked_on: String,
}

/// One donation to a page, as its owner sees it with its refunds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageDonationRow {
    pub item_id: i64,
    /// `YYYY-MM-DD` of the charge.
    pub charged_on: String,
    /// A tip or a month of a pledge (views name it with `ItemKind::name`).
    pub kind: crate::model::ItemKind,
    pub currency: String,
    pub gross_minor: i64,
    pub refunded_minor: i64,
    /// `YYYY-MM-DD` of the last refund, when refunded.
    pub refunded_on: Option<String>,
    /// Something is left to refund.
    pub refundable: bool,
}

/// A dispute touching a page's donations, as its owner sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageDispute {
    /// `YYYY-MM-DD` the processor opened it.
    pub opened_on: String,
    /// `YYYY-MM-DD` of the disputed charge.
    pub charged_on: String,
    /// What the page received from the disputed charge and cannot be paid out meanwhile.
    pub held_minor: i64,
    pub currency: String,
    /// Stripe's status (`needs_response`, `under_review`, `won`, `lost`, …).
    pub status: String,
    pub reason: String,
    /// `YYYY-MM-DD` the evidence is due, when the processor said.
    pub evidence_due: Option<String>,
}

/// The studio's refunds page: requests to answer, disputes, and the page's recent donations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundsStudio {
    pub recipient_id: i64,
    pub name: String,
    pub currency: String,
    pub requests: Vec<RefundRequestRow>,
    pub disputes: Vec<PageDispute>,
    pub donations: Vec<PageDonationRow>,
}

/// What a page owner sees before refunding one donation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundPreview {
    pub recipient_id: i64,
    pub page_name: String,
    pub item_id: i64,
    pub currency: String,
    /// The supporter's name as the owner sees it; `None` when the account is gone.
    pub supporter: Option<String>,
    /// `YYYY-MM-DD` of the charge.
    pub charged_on: String,
    /// What the supporter gets back.
    pub refund_minor: i64,
    /// What the page loses (its net share of the refund).
    pub page_loses_minor: i64,
    /// The card fee the processor keeps, borne by the platform.
    pub fee_kept_minor: i64,
    /// Whether some of the donation was already paid out (it then comes out of the next payout).
    pub paid_out: bool,
    /// Why it cannot be refunded by the owner, if it cannot, in the reader's language.
    pub refused: Option<String>,
    /// The reason codes to choose from.
    pub reasons: Vec<String>,
}
