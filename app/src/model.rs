//! Plain data shared by the server and the browser: what server functions return.

use serde::{Deserialize, Serialize};

pub mod button;
pub mod hooks;
pub mod reports;
pub mod studio;
pub mod trail;

/// The logged-in person, as pages need to know them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub display_name: String,
    pub email: String,
    pub is_admin: bool,
    /// Owns a creator or cause page: the header then links to the studio.
    pub owns_pages: bool,
}

/// Where a new account stands on the way to its first gift: the account page's first-run path.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GettingStarted {
    /// A payment method is saved and not known to be unusable.
    pub has_card: bool,
    /// The day of the month the consolidated charge is made, once a billing profile exists.
    pub billing_day: Option<i64>,
    /// Open pledges and tips ever made.
    pub gifts: i64,
    pub owns_pages: bool,
}

impl GettingStarted {
    /// Every step is behind them: the path is no longer shown.
    pub fn done(&self) -> bool {
        self.has_card && self.billing_day.is_some() && self.gifts > 0
    }
}

/// Creator or cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecipientKind {
    Creator,
    Cause,
}

impl RecipientKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Creator => "Creator",
            Self::Cause => "Cause",
        }
    }

    pub fn from_db(s: &str) -> Self {
        if s == "cause" {
            Self::Cause
        } else {
            Self::Creator
        }
    }
}

/// A recipient as a card on the explore page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientCard {
    pub slug: String,
    pub kind: RecipientKind,
    pub name: String,
    pub tagline: String,
    pub category: String,
    pub currency: String,
    /// Cheapest active tier, in minor units.
    pub from_minor: Option<i64>,
    pub image_url: Option<String>,
    /// Pledges that are active or past due.
    pub supporters: i64,
}

/// How the explore list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExploreSort {
    /// Most supporters first.
    #[default]
    Supporters,
    /// Newest pages first.
    Newest,
}

impl ExploreSort {
    /// Reads `?sort=`; anything unknown means the default.
    pub fn parse(raw: &str) -> Self {
        match raw {
            "newest" => Self::Newest,
            _ => Self::Supporters,
        }
    }

    pub fn value(self) -> &'static str {
        match self {
            Self::Supporters => "supporters",
            Self::Newest => "newest",
        }
    }
}

/// What the explore list was asked for, cleaned up: the values the filter form shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExploreFilter {
    /// Words to find in names; empty for all.
    pub q: String,
    /// A category; empty for all.
    pub category: String,
    /// Creators or causes only; `None` for both.
    pub kind: Option<RecipientKind>,
    pub sort: ExploreSort,
    /// 1-based.
    pub page: i64,
}

impl ExploreFilter {
    /// The query string for this filter at `page` (for prev/next links).
    pub fn query_string(&self, page: i64) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("q={}", encode_query(&self.q)));
        }
        if !self.category.is_empty() {
            parts.push(format!("category={}", encode_query(&self.category)));
        }
        if let Some(k) = self.kind {
            parts.push(format!("kind={}", k.label().to_lowercase()));
        }
        if self.sort != ExploreSort::default() {
            parts.push(format!("sort={}", self.sort.value()));
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    /// Whether anything narrows or reorders the list.
    pub fn is_default(&self) -> bool {
        self.q.is_empty() && self.category.is_empty() && self.kind.is_none() && self.page <= 1
    }
}

/// Percent-encodes a query-string value (space as `+`).
fn encode_query(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// One page of the explore list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExplorePage {
    pub filter: ExploreFilter,
    pub cards: Vec<RecipientCard>,
    /// How many recipients match the filter, on all pages.
    pub total: i64,
    pub pages: i64,
    /// The most supported creators and causes, shown above an unfiltered list.
    pub featured: Vec<RecipientCard>,
    /// Every category in use, for the filter form.
    pub categories: Vec<String>,
}

/// A tier as shown on a recipient's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierView {
    pub id: i64,
    pub name: String,
    pub price_minor: i64,
    pub description: String,
    pub perks: Vec<String>,
    pub supporter_limit: Option<i64>,
    /// Places left under the limit (never negative); `None` without a limit.
    pub remaining: Option<i64>,
}

/// A supporter as the public may see them: a name, or "Anonymous".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicSupporter {
    /// `None` for an anonymous supporter.
    pub name: Option<String>,
    pub since_label: String,
    /// The same day as `YYYY-MM-DD`, for pages to write in the reader's language.
    #[serde(default)]
    pub since_day: String,
}

/// A tip with a message, as the public may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicTip {
    /// `None` for an anonymous tip.
    pub name: Option<String>,
    pub amount_minor: i64,
    pub message: String,
    pub date_label: String,
    /// The same day as `YYYY-MM-DD`, for pages to write in the reader's language.
    #[serde(default)]
    pub day: String,
}

/// One donation received by a cause, on its public ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerIncome {
    pub date_label: String,
    /// The same day as `YYYY-MM-DD`, for pages to write in the reader's language.
    #[serde(default)]
    pub day: String,
    /// `None` for an anonymous or private donor.
    pub donor: Option<String>,
    pub is_tip: bool,
    pub gross_minor: i64,
    pub fee_minor: i64,
    pub net_minor: i64,
}

/// A cause's public ledger: money in (and, later, money out).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CauseLedger {
    /// The newest donations received.
    pub income: Vec<LedgerIncome>,
    /// Donations received in all, on every page of the ledger.
    pub income_count: i64,
    pub gross_minor: i64,
    /// Card and platform fees.
    pub fees_minor: i64,
    /// What reached the cause: gross minus fees. The progress bar counts this.
    pub net_minor: i64,
    /// Published expenses (corrections excluded) and what is left.
    pub spent_minor: i64,
    pub unspent_minor: i64,
    /// Expenses, newest first, corrected ones marked.
    pub expenses: Vec<trail::ExpenseRow>,
    /// Budget lines with their earmarked money (retired ones marked), and the unearmarked money.
    pub budget_lines: Vec<trail::BudgetLineRow>,
    pub unearmarked: trail::BudgetLineRow,
}

/// A recipient's public page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientPage {
    pub slug: String,
    pub kind: RecipientKind,
    pub name: String,
    pub tagline: String,
    pub category: String,
    pub currency: String,
    /// Sanitised HTML rendered from the Markdown bio.
    pub bio_html: String,
    /// Monthly goal (creator) or campaign target (cause).
    pub goal_minor: Option<i64>,
    pub tiers: Vec<TierView>,
    pub image_url: Option<String>,
    /// The page owner's display name (a cause's organizer).
    pub owner_name: String,
    /// A cause's deadline, as a date.
    pub deadline_label: Option<String>,
    /// The same day as `YYYY-MM-DD`, for pages to write in the reader's language.
    #[serde(default)]
    pub deadline_day: Option<String>,
    /// Pledges that are active or past due.
    pub supporters: i64,
    /// Sum of those pledges' monthly amounts.
    pub monthly_minor: i64,
    pub recent_supporters: Vec<PublicSupporter>,
    pub recent_tips: Vec<PublicTip>,
    /// For causes: what has been received.
    pub ledger: Option<CauseLedger>,
    /// The owner deleted their account: no new pledges or tips.
    pub closed: bool,
}

/// Progress towards a goal in whole percent, 0–100, for a progress bar.
pub fn percent_of(amount: i64, goal: i64) -> i64 {
    if goal <= 0 {
        return 0;
    }
    (i128::from(amount.max(0)) * 100 / i128::from(goal)).min(100) as i64
}

pub use crate::money::format_money;

/// A pledge's state, as supporters and creators see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PledgeStatus {
    Active,
    PastDue,
    Paused,
    Cancelled,
}

impl PledgeStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::PastDue => "Past due",
            Self::Paused => "Paused",
            Self::Cancelled => "Cancelled",
        }
    }

    /// A class suffix for the status badge.
    pub fn css(self) -> &'static str {
        match self {
            Self::Active => "ok",
            Self::PastDue => "bad",
            Self::Paused => "wait",
            Self::Cancelled => "off",
        }
    }

    pub fn from_db(s: &str) -> Self {
        match s {
            "past_due" => Self::PastDue,
            "paused" => Self::Paused,
            "cancelled" => Self::Cancelled,
            _ => Self::Active,
        }
    }
}

/// Who may see a pledge or tip.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisibilityChoice {
    Public,
    Anonymous,
    Private,
}

impl VisibilityChoice {
    pub const ALL: [Self; 3] = [Self::Public, Self::Anonymous, Self::Private];

    /// The form value.
    pub fn value(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Anonymous => "anonymous",
            Self::Private => "private",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Public => "Public: show my name",
            Self::Anonymous => "Anonymous: count it, hide my name",
            // The owner sees "Private supporter" and the amount, never the name.
            Self::Private => "Private: off the public page, your name hidden from the owner too",
        }
    }

    pub fn from_db(s: &str) -> Self {
        match s {
            "anonymous" => Self::Anonymous,
            "private" => Self::Private,
            _ => Self::Public,
        }
    }
}

/// What the logged-in person may do on a recipient's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiveContext {
    /// The caller owns this page (and cannot give to it).
    pub is_owner: bool,
    /// The caller's open pledge to this page, if any.
    pub pledge: Option<PledgeRow>,
}

/// One line of an upcoming consolidated charge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpcomingItem {
    pub recipient_name: String,
    pub recipient_slug: String,
    /// What the line is, for pages to name it in the reader's language.
    #[serde(default)]
    pub kind: ItemKind,
    pub amount_minor: i64,
    /// Cycles this item has already been carried forward (below the minimum charge).
    pub carried_cycles: i64,
    /// The donation being previewed (not yet made).
    pub is_new: bool,
    /// A tip not yet claimed by a charge: its id, so the supporter may change or remove it.
    #[serde(default)]
    pub tip_id: Option<i64>,
    /// That tip's message.
    #[serde(default)]
    pub message: String,
}

/// What a line of an upcoming charge is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    #[default]
    Tip,
    /// A month of a pledge: its period (`YYYY-MM`) once due, or the tier for the month ahead.
    Pledge {
        period: Option<String>,
        tier: Option<String>,
    },
    /// The donation being previewed.
    ThisDonation,
}

impl ItemKind {
    /// A tip, or the month `period` (`YYYY-MM`) of a pledge.
    pub fn of(is_pledge: bool, period: Option<String>) -> Self {
        if is_pledge {
            Self::Pledge { period, tier: None }
        } else {
            Self::Tip
        }
    }

    /// Its name in the reader's language: "Tip", "Monthly pledge, Dec 2026" (or "2026-12"),
    /// "Monthly pledge · Gold", "This donation".
    pub fn name(&self) -> String {
        self.name_in(crate::i18n::current())
    }

    /// The same in `locale` (a CSV file, an email).
    pub fn name_in(&self, locale: crate::i18n::Locale) -> String {
        use crate::i18n::arg;
        match self {
            Self::ThisDonation => crate::t_in!(locale, "give-item-this-donation"),
            Self::Tip => crate::t_in!(locale, "give-item-tip"),
            Self::Pledge {
                period: Some(p), ..
            } => crate::t_in!(
                locale,
                "give-item-pledge-period",
                period = arg(locale.period(p))
            ),
            Self::Pledge {
                period: None,
                tier: Some(tier),
            } => crate::t_in!(locale, "give-item-pledge-tier", tier = arg(tier.as_str())),
            Self::Pledge { .. } => crate::t_in!(locale, "give-item-pledge"),
        }
    }
}

/// The form field that confirms a large amount: the amount in minor units the supporter
/// said yes to (see `domain::giving::large_gifts`). An error on this field is the question.
pub const CONFIRM_LARGE_FIELD: &str = "confirm_large";

/// The home page's worked example of what consolidating saves, from the fee model the
/// billing run uses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeExample {
    pub currency: String,
    /// One small gift.
    pub gift_minor: i64,
    /// Its card fee if it were charged alone.
    pub alone_fee_minor: i64,
    /// How many such gifts share one charge in the example.
    pub gifts: i64,
    /// The fee of that one charge.
    pub combined_fee_minor: i64,
    /// Each gift's share of it (largest-remainder split; the largest share).
    pub share_minor: i64,
    /// The fee schedule, for people ("2.9% + $0.30").
    pub fee_rule: String,
}

/// The next consolidated charge in one currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpcomingCharge {
    pub currency: String,
    /// When it will be collected, for people ("12 June 2026").
    pub date_label: String,
    /// The same day, `YYYY-MM-DD`, for pages to write in the reader's language.
    #[serde(default)]
    pub day: String,
    pub items: Vec<UpcomingItem>,
    pub total_minor: i64,
    /// Estimated processor fee on the total.
    pub estimated_fee_minor: i64,
    /// Below this total the items carry forward instead of being charged.
    pub min_charge_minor: i64,
    /// The total is below the minimum and the items may still be carried forward.
    pub will_carry_forward: bool,
}

/// The fee preview shown before pledging or tipping.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DonationPreview {
    pub amount_minor: i64,
    /// The next consolidated charge in this currency, this donation included.
    pub charge: UpcomingCharge,
    /// This donation's share of the estimated fee (largest-remainder split).
    pub share_minor: i64,
    /// The fee if this donation were charged on its own.
    pub alone_fee_minor: i64,
    /// The fee schedule, for people ("2.9% + $0.30").
    pub fee_rule: String,
}

/// A pledge in the supporter's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PledgeRow {
    pub id: i64,
    pub recipient_name: String,
    pub recipient_slug: String,
    pub tier_name: Option<String>,
    pub tier_price_minor: Option<i64>,
    pub amount_minor: i64,
    pub currency: String,
    pub status: PledgeStatus,
    pub visibility: VisibilityChoice,
    pub since_label: String,
    /// The day it started, `YYYY-MM-DD`.
    #[serde(default)]
    pub since_day: String,
    /// The first month this pledge still owes if it is paused, lowered or cancelled now: it
    /// has unlocked supporter-only posts and no month of it was charged yet.
    #[serde(default)]
    pub first_period_owed_minor: Option<i64>,
}

/// How a charge (or a cycle's decision) ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChargeStatus {
    Pending,
    Processing,
    Succeeded,
    Failed,
    RequiresAction,
    /// Not charged: the cycle's total was below the minimum.
    CarriedForward,
}

impl ChargeStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Processing => "Processing",
            Self::Succeeded => "Succeeded",
            Self::Failed => "Failed",
            Self::RequiresAction => "Requires action",
            Self::CarriedForward => "Carried forward",
        }
    }

    pub fn css(self) -> &'static str {
        match self {
            Self::Succeeded => "ok",
            Self::Failed => "bad",
            Self::RequiresAction | Self::Pending | Self::Processing => "wait",
            Self::CarriedForward => "off",
        }
    }

    pub fn from_db(s: &str) -> Self {
        Self::parse_db(s).unwrap_or(Self::Pending)
    }

    /// The status as a `charges.status` column spells it (a cycle carried forward has no
    /// charge row; it is spelt as the dashboard names it).
    pub const fn as_db(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Processing => "processing",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::RequiresAction => "requires_action",
            Self::CarriedForward => "carried_forward",
        }
    }

    /// A `charges.status` value; `None` for anything else.
    pub fn parse_db(s: &str) -> Option<Self> {
        [
            Self::Pending,
            Self::Processing,
            Self::Succeeded,
            Self::Failed,
            Self::RequiresAction,
        ]
        .into_iter()
        .find(|status| status.as_db() == s)
    }
}

/// What became of one donation in a charge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DonationStatus {
    Pending,
    CarriedForward,
    Charging,
    Paid,
    Voided,
    Refunded,
}

impl DonationStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::CarriedForward => "Carried forward",
            Self::Charging => "Being charged",
            Self::Paid => "Paid",
            Self::Voided => "Voided",
            Self::Refunded => "Refunded",
        }
    }

    pub fn css(self) -> &'static str {
        match self {
            Self::Paid => "ok",
            Self::Voided => "bad",
            Self::Pending | Self::Charging => "wait",
            Self::CarriedForward | Self::Refunded => "off",
        }
    }
}

/// One donation inside a past charge: where its money went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastDonation {
    /// Its trail page is `/account/donations/{item_id}`.
    pub item_id: i64,
    pub recipient_name: String,
    pub recipient_slug: String,
    /// A month of a pledge (its period, `YYYY-MM`, once known), or else a tip; the page
    /// names it in the reader's language.
    pub is_pledge: bool,
    pub period: Option<String>,
    pub gross_minor: i64,
    /// Known once the charge succeeded.
    pub fee_minor: Option<i64>,
    pub platform_fee_minor: Option<i64>,
    pub net_minor: Option<i64>,
    pub status: DonationStatus,
}

/// The one reference a person sees for a charge: on the receipt email, the billing page, the
/// donation trail, the yearly statement and its CSV. Chipin's own id, so it never repeats
/// (the processor's reference stays in the books, for support).
pub fn charge_reference(charge_id: i64) -> String {
    format!("CH-{charge_id:06}")
}

/// A day as every page shows it, in the reader's language: "6 Dec 2026", "2026년 12월 6일", from the `YYYY-MM-DD` the models carry (CSV
/// files and date fields keep `YYYY-MM-DD`). Anything else is shown as it is.
pub fn day_label(iso: &str) -> String {
    let mut parts = iso.splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return iso.to_owned();
    };
    match (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) {
        (Ok(year), Ok(month), Ok(day))
            if y.len() == 4 && d.len() == 2 && (1..=12).contains(&month) =>
        {
            crate::i18n::current().day(year, month, day)
        }
        _ => iso.to_owned(),
    }
}

/// One consolidated charge attempt (or a cycle carried forward), with its donations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastCharge {
    pub id: i64,
    /// The day it was made, `YYYY-MM-DD` (UTC); pages show it with [`day_label`].
    pub day: String,
    pub cycle: String,
    pub attempt: i64,
    pub currency: String,
    pub amount_minor: i64,
    pub status: ChargeStatus,
    /// Why the processor declined.
    pub decline_reason: Option<DeclineReason>,
    pub fee_minor: Option<i64>,
    pub platform_fee_minor: Option<i64>,
    /// The day a declined charge is tried again, `YYYY-MM-DD` (UTC).
    pub next_retry_day: Option<String>,
    pub donations: Vec<PastDonation>,
}

/// Why a card processor declined a charge; pages say it in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclineReason {
    CardDeclined,
    InsufficientFunds,
    ExpiredCard,
    NoPaymentMethod,
    AuthenticationFailed,
    /// The saved method can no longer be used (the processor's code).
    MethodUnusable(String),
    /// Any other decline (the processor's code).
    Other(String),
}

/// How the supporter answers their bank's request to authenticate a payment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfirmWith {
    /// The simulated processor's test challenge: a button to pass it and one to fail it.
    SimulatedChallenge,
    /// Stripe.js confirms the PaymentIntent in the browser, then sends the supporter to
    /// `return_url`, where the server asks Stripe how it ended.
    StripeJs(StripeConfirmation),
}

/// What the page hands Stripe.js to confirm one waiting PaymentIntent. Only the charge's
/// supporter is ever sent it; `Debug` leaves the client secret out.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StripeConfirmation {
    pub publishable_key: String,
    /// The PaymentIntent's client secret: it lets this browser confirm the payment.
    pub client_secret: String,
    /// The card to confirm with, when the PaymentIntent no longer holds one.
    pub payment_method: Option<String>,
    /// Where the browser goes once Stripe.js is done (a path on this site).
    pub return_url: String,
}

impl std::fmt::Debug for StripeConfirmation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeConfirmation")
            .field("publishable_key", &self.publishable_key)
            .field("client_secret", &"[redacted]")
            .field("payment_method", &self.payment_method)
            .field("return_url", &self.return_url)
            .finish()
    }
}

/// The page a "confirm your payment" email links to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeAuthentication {
    pub charge: PastCharge,
    /// How to confirm it, while it waits for the supporter; `None` once it has left that state.
    pub confirm_with: Option<ConfirmWith>,
}

/// A test payment method of the simulated processor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMethodOption {
    pub value: String,
    pub label: String,
}

/// The newest pledge or tip, for the "added" notice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentGift {
    pub is_pledge: bool,
    pub recipient_name: String,
    pub amount_minor: i64,
    pub currency: String,
    /// When it will be collected ("12 June 2026").
    pub collect_label: String,
    /// The same day, `YYYY-MM-DD`.
    #[serde(default)]
    pub collect_day: String,
}

/// Everything on the supporter's billing page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingDashboard {
    /// The saved billing day, or `None` before the first pledge or tip.
    pub billing_day: Option<i64>,
    /// The day used for dates: the saved one, or today's (at most 28).
    pub effective_billing_day: i64,
    pub payment_method: Option<String>,
    pub payment_method_label: Option<String>,
    /// The local checkout's test methods (empty when cards are saved with Stripe).
    pub payment_methods: Vec<PaymentMethodOption>,
    /// Cards are saved on Stripe's Checkout page instead of the simulated one.
    pub stripe_checkout: bool,
    pub upcoming: Vec<UpcomingCharge>,
    pub pledges: Vec<PledgeRow>,
    pub past: Vec<PastCharge>,
    /// The latest charge, when it failed or needs the supporter (for the banner).
    pub attention: Option<PastCharge>,
    pub recent: Option<RecentGift>,
}

/// The account's two-factor sign-in, as its settings page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorPage {
    pub enabled: bool,
    pub recovery_codes_left: i64,
    /// A set-up waiting for its first code.
    pub enrolment: Option<TwoFactorEnrolment>,
}

/// What a person copies into their authenticator app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorEnrolment {
    /// The secret in base32, grouped in fours for typing by hand.
    pub secret: String,
    /// The QR code, as a `data:image/svg+xml` address for an `<img>`.
    pub qr_data_uri: String,
}

/// A personal access token as the account page lists it (never the token itself).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenRow {
    pub id: i64,
    pub name: String,
    /// Its first characters, e.g. `chipin_pat_Ab3x`, to tell tokens apart.
    pub prefix: String,
    /// When it was made (Unix seconds; views write it with `Locale::minute`).
    pub created: i64,
    /// When it was last used, if ever.
    pub last_used: Option<i64>,
    /// When it was revoked, if it was.
    pub revoked: Option<i64>,
}

/// A token just created, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiToken {
    pub name: String,
    pub token: String,
}
