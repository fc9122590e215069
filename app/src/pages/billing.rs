//! The supporter's billing page: the upcoming charge, their pledges, past charges split into
//! donations, the payment method and the billing day.
//!
//! Every form is a plain post that reloads this page, with or without WebAssembly. A refused
//! post comes back with its error in the URL, which the matching `ServerAction` picks up.

use crate::api::pledges::{
    CancelPledge, ChangePledgeAmount, ChangeTip, PausePledge, RemoveTip, ResumePledge,
    SetBillingDay, SetPaymentMethod, StartCardSetup, get_billing_dashboard,
};
use crate::components::form::{
    ConfirmLarge, CsrfField, FieldError, FormAlert, Typed, action_error, invalid,
};
use crate::components::meta::PageMeta;
use crate::error::AppError;
use crate::model::{
    BillingDashboard, ChargeStatus, PastCharge, PledgeRow, PledgeStatus, UpcomingCharge,
    format_money,
};
use crate::pages::not_found::ErrorPanel;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

#[component]
pub fn BillingPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_billing_dashboard());
    view! {
        <PageMeta title="Billing" description="Your pledges, tips and charges on Chipin, with every fee shown."/>
        <section class="page">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <BillingView data=d/> }.into_any(),
                        Err(AppError::Unauthenticated) => {
                            view! { <Redirect path="/login?next=/account/billing"/> }.into_any()
                        }
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
    .into_any()
}

#[component]
fn BillingView(data: BillingDashboard) -> impl IntoView {
    let query = use_query_map();
    // After a failed post, the address's earlier "Thank you!" is stale.
    let failed = crate::components::form::came_back_failed();
    let param = move |k: &str| query.with_untracked(|q| q.get(k)).filter(|_| !failed);
    let added = param("added").and_then(|kind| {
        let r = data.recent.clone()?;
        let amount = format_money(r.amount_minor, &r.currency);
        let when = if r.collect_label.is_empty() {
            "with your next charge".to_owned()
        } else {
            format!("on {} with your next {} charge", r.collect_label, r.currency)
        };
        Some(if kind == "pledge" && r.is_pledge {
            format!(
                "Thank you! Your monthly pledge of {amount} to {} is set up. Its first month will be collected {when}.",
                r.recipient_name
            )
        } else {
            format!(
                "Thank you! Your tip of {amount} to {} will be collected {when}.",
                r.recipient_name
            )
        })
    });
    let done = param("done").and_then(|d| {
        Some(match d.as_str() {
            "changed" => {
                "Your pledge amount was changed. The new amount applies from your next charge."
            }
            "paused" => "Your pledge is paused. Nothing is charged for it until you resume it.",
            "resumed" => "Your pledge is active again.",
            "cancelled" => {
                "Your pledge was cancelled. Months already charged stay with the recipient."
            }
            "tip_changed" => "Your tip was changed. Your next charge collects the new amount.",
            "tip_removed" => "Your tip was removed. Nothing is charged for it.",
            _ => return None,
        })
    });
    let saved = param("saved").and_then(|s| {
        Some(match s.as_str() {
            "payment_method" => "Your payment method was saved.",
            "billing_day" => "Your billing day was saved.",
            _ => return None,
        })
    });
    let notice = added
        .or(done.map(str::to_owned))
        .or(saved.map(str::to_owned))
        .or(param("cancelled")
            .filter(|c| c == "payment_method")
            .map(|_| {
                "Nothing was changed: you left Stripe's page before saving a card.".to_owned()
            }));
    let card_error = param("card").and_then(|c| {
        Some(match c.as_str() {
            "not_saved" => "Your card was not saved: Stripe's page was not completed for your account. Please try again.",
            "unreachable" => "Stripe could not be reached, so we could not check your new card. Please try again in a minute.",
            "unverified" => "Your card was not saved: please confirm your email address first, with the link we sent you.",
            "too_many_cards" => "Your card was not saved: too many cards have been saved today from this account or network. Please try again tomorrow.",
            "too_many_failures" => "Your card was not saved: too many payments have failed today. Please try again tomorrow.",
            _ => return None,
        })
    });
    let needs_method = data.payment_method.is_none() && !data.upcoming.is_empty();
    view! {
        <header class="page-head">
            <h1>"Billing"</h1>
            <p class="lead">"Everything you give is combined into one charge per currency on your billing day."</p>
            <p><a href="/account/billing/statement">"Yearly statement and CSV download"</a></p>
        </header>
        {notice.map(|n| view! { <div class="alert alert-success" role="status">{n}</div> })}
        {card_error.map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> })}
        {data.attention.clone().map(|c| view! { <AttentionBanner charge=c/> })}
        {needs_method.then(|| view! {
            <div class="alert alert-warning" role="note">
                "Add a payment method before your next charge. "
                <a href="#payment-method">"Choose one below"</a>
            </div>
        })}
        <div class="billing-grid">
            <div class="billing-main">
                <UpcomingSection upcoming=data.upcoming.clone()/>
                <PledgesSection pledges=data.pledges.clone()/>
                <PastSection past=data.past.clone()/>
            </div>
            <div class="billing-side">
                <PaymentMethodSection data=data.clone()/>
                <BillingDaySection data/>
            </div>
        </div>
    }
    .into_any()
}

/// Shown when the latest charge failed or is waiting for the supporter.
#[component]
fn AttentionBanner(charge: PastCharge) -> impl IntoView {
    let amount = format_money(charge.amount_minor, &charge.currency);
    let message = match charge.status {
        ChargeStatus::RequiresAction => format!(
            "Your bank asked you to confirm the payment of {amount} from {}. Confirm it to complete the charge.",
            charge.date_label
        ),
        _ => {
            let reason = charge.decline_reason.clone().unwrap_or_default();
            let next = match &charge.next_retry_label {
                Some(d) => format!("We will try again on {d}."),
                None => {
                    "That was the last attempt: its donations were voided and your pledges paused."
                        .to_owned()
                }
            };
            format!(
                "Your payment of {amount} on {} failed. {reason} {next}",
                charge.date_label
            )
        }
    };
    let fix = match charge.status {
        ChargeStatus::RequiresAction => view! {
            <p><a href=format!("/account/billing/authenticate/{}", charge.id) rel="external">"Confirm the payment"</a></p>
        }
        .into_any(),
        _ => view! { <p><a href="#payment-method">"Update your payment method"</a></p> }.into_any(),
    };
    view! {
        <div class="alert alert-error banner" role="alert">
            <p>{message}</p>
            {fix}
        </div>
    }
    .into_any()
}

/// True for the error that asks to confirm a large amount (shown at the field, not as a
/// failure).
fn asks_to_confirm(e: &AppError) -> bool {
    e.field() == Some(crate::model::CONFIRM_LARGE_FIELD)
}

#[component]
fn UpcomingSection(upcoming: Vec<UpcomingCharge>) -> impl IntoView {
    let errors = [
        action_error(ServerAction::<ChangeTip>::new().value()),
        action_error(ServerAction::<RemoveTip>::new().value()),
    ];
    let error = Signal::derive(move || {
        errors
            .iter()
            .find_map(|e| e.get())
            .filter(|e| !asks_to_confirm(e))
    });
    view! {
        <section class="panel" id="upcoming" aria-labelledby="upcoming-title">
            <h2 id="upcoming-title">"Upcoming charge"</h2>
            {move || error.get().map(|e| view! {
                <div class="alert alert-error" role="alert" tabindex="-1" autofocus=true>{format!("Your tip was not changed. {e}")}</div>
            })}
            {if upcoming.is_empty() {
                view! {
                    <p class="muted">"Nothing to collect yet. Pledges and tips you make are collected together on your billing day."</p>
                }.into_any()
            } else {
                upcoming.into_iter().map(|c| view! { <UpcomingView charge=c/> }).collect_view().into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn UpcomingView(charge: UpcomingCharge) -> impl IntoView {
    let cur = charge.currency.clone();
    let money = move |m: i64| format_money(m, &cur);
    let title = format!("{} charge on {}", charge.currency, charge.date_label);
    view! {
        <div class="upcoming" data-currency=charge.currency.clone()>
            <h3>{title.clone()}</h3>
            <div class="table-wrap">
                <table class="items">
                    <caption class="visually-hidden">{format!("Items in your {title}")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Donation"</th>
                            <th scope="col" class="num">"Amount"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {charge.items.iter().map(|i| view! {
                            <tr>
                                <td>
                                    <a class="item-name" href=format!("/c/{}", i.recipient_slug)>{i.recipient_name.clone()}</a>
                                    <span class="item-label">
                                        {i.label.clone()}
                                        {(i.carried_cycles > 0).then(|| view! {
                                            " " <span class="badge status-off">"Carried forward"</span>
                                        })}
                                    </span>
                                    {i.tip_id.map(|tip| view! {
                                        <PendingTipForms tip amount_minor=i.amount_minor currency=charge.currency.clone()
                                            recipient=i.recipient_name.clone() message=i.message.clone()/>
                                    })}
                                </td>
                                <td class="num">{money(i.amount_minor)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                    <tfoot>
                        <tr><th scope="row">"You pay"</th><td class="num">{money(charge.total_minor)}</td></tr>
                        <tr class="fee-row">
                            <th scope="row">"Estimated card fee, inside that total"</th>
                            <td class="num">{money(charge.estimated_fee_minor)}</td>
                        </tr>
                    </tfoot>
                </table>
            </div>
            <p class="help fee-inside">
                "You pay exactly the total: the card fee is not added on top. It is taken out of these amounts, "
                "each donation bearing a share in proportion to its size, and each recipient receives the rest."
            </p>
            {charge.will_carry_forward.then(|| view! {
                <p class="note">
                    {format!(
                        "This is below the {} minimum charge, so unless you add more it is carried forward to the next cycle.",
                        money(charge.min_charge_minor)
                    )}
                </p>
            })}
        </div>
    }
    .into_any()
}

/// Change (amount and message) or remove a tip no charge has claimed yet. The amount comes
/// back as typed if the change failed or asks to confirm a large amount.
#[component]
fn PendingTipForms(
    tip: i64,
    amount_minor: i64,
    currency: String,
    recipient: String,
    message: String,
) -> impl IntoView {
    let error = action_error(ServerAction::<ChangeTip>::new().value());
    let typed = Typed::of::<ChangeTip>();
    let this = typed.chose("tip_id", &tip.to_string());
    // Only the row whose change came back shows its error and what was typed.
    let error = Signal::derive(move || error.get().filter(|_| this));
    let amount = if this {
        typed.get("amount")
    } else {
        crate::money::Money::new(
            amount_minor,
            currency.parse().unwrap_or(crate::money::Currency::USD),
        )
        .to_string()
    };
    let message = if this { typed.get("message") } else { message };
    let id = tip.to_string();
    let amount_id = format!("tip-{tip}-amount");
    let message_id = format!("tip-{tip}-message");
    let amount_error = format!("tip-{tip}-amount-error");
    let message_error = format!("tip-{tip}-message-error");
    let shown = format_money(amount_minor, &currency);
    view! {
        <details class="tip-manage" open=this>
            <summary>
                "Change or remove"
                <span class="visually-hidden">{format!(" this tip to {recipient}")}</span>
            </summary>
            <form method="post" action="/api/change_tip" class="stack" novalidate>
                <CsrfField/>
                <input type="hidden" name="tip_id" value=id.clone()/>
                <div class="field">
                    <label for=amount_id.clone()>{format!("Tip amount ({currency})")}</label>
                    <input id=amount_id name="amount" value=amount.clone() inputmode="decimal" autocomplete="off"
                        autofocus=this && error.get_untracked().is_some_and(|e| e.field() == Some("amount"))
                        aria-invalid=invalid(error, "amount") aria-describedby=amount_error.clone()/>
                    <FieldError error field="amount" id=amount_error/>
                    <ConfirmLarge prefix=format!("tip-{tip}") error amount currency=currency.clone() yes="Yes, give"/>
                </div>
                <div class="field">
                    <label for=message_id.clone()>"Message (optional)"</label>
                    <textarea id=message_id name="message" maxlength="500" rows="2"
                        aria-invalid=invalid(error, "message") aria-describedby=message_error.clone()>{message}</textarea>
                    <FieldError error field="message" id=message_error/>
                </div>
                <div class="button-row">
                    <button type="submit" class="button button-small button-secondary">"Change tip"</button>
                </div>
            </form>
            <form method="post" action="/api/remove_tip" class="inline-form">
                <CsrfField/>
                <input type="hidden" name="tip_id" value=id/>
                <crate::components::confirm::ConfirmButton action="/api/remove_tip"
                    question=format!("Remove your tip of {shown} to {recipient}? It will not be charged.")
                    label="Remove" aria_label=format!("Remove tip of {shown} to {recipient}")/>
            </form>
        </details>
    }
    .into_any()
}

#[component]
fn PledgesSection(pledges: Vec<PledgeRow>) -> impl IntoView {
    let errors = [
        action_error(ServerAction::<ChangePledgeAmount>::new().value()),
        action_error(ServerAction::<PausePledge>::new().value()),
        action_error(ServerAction::<ResumePledge>::new().value()),
        action_error(ServerAction::<CancelPledge>::new().value()),
    ];
    let error = Signal::derive(move || {
        errors
            .iter()
            .find_map(|e| e.get())
            .filter(|e| !asks_to_confirm(e))
    });
    view! {
        <section class="panel" id="pledges" aria-labelledby="pledges-title">
            <h2 id="pledges-title">"Your pledges"</h2>
            {move || error.get().map(|e| view! {
                <div class="alert alert-error" role="alert">{format!("Your pledge was not changed. {e}")}</div>
            })}
            {if pledges.is_empty() {
                view! {
                    <p class="muted">"You have no pledges yet. " <a href="/#explore">"Find a creator or cause"</a></p>
                }.into_any()
            } else {
                view! {
                    <table class="pledges">
                        <caption class="visually-hidden">"Your monthly pledges"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Recipient"</th>
                                <th scope="col" class="num">"Monthly"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Manage"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {pledges.into_iter().map(|p| view! { <PledgeRowView pledge=p/> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn PledgeRowView(pledge: PledgeRow) -> impl IntoView {
    let p = pledge;
    let amount = format_money(p.amount_minor, &p.currency);
    let input_id = format!("pledge-{}-amount", p.id);
    let label_for = input_id.clone();
    let id = p.id.to_string();
    let name = p.recipient_name.clone();
    let open = p.status != PledgeStatus::Cancelled;
    // A change of this pledge that asks to confirm a large amount comes back with it.
    let asked = action_error(ServerAction::<ChangePledgeAmount>::new().value());
    let typed = Typed::of::<ChangePledgeAmount>();
    let this = typed.chose("pledge_id", &p.id.to_string());
    let asked = Signal::derive(move || asked.get().filter(|_| this));
    let new_amount = if this {
        typed.get("amount")
    } else {
        amount.clone()
    };
    let currency = p.currency.clone();
    let pause_or_resume = match p.status {
        PledgeStatus::Active | PledgeStatus::PastDue => Some(("/api/pause_pledge", "Pause")),
        PledgeStatus::Paused => Some(("/api/resume_pledge", "Resume")),
        PledgeStatus::Cancelled => None,
    };
    view! {
        <tr data-pledge=id.clone()>
            <td data-label="Recipient">
                <a class="item-name" href=format!("/c/{}", p.recipient_slug)>{p.recipient_name.clone()}</a>
                <span class="item-label">
                    {p.tier_name.clone().map(|t| format!("{t} · "))}
                    {format!("since {}", p.since_label)}
                </span>
            </td>
            <td data-label="Monthly" class="num">{amount.clone()}</td>
            <td data-label="Status">
                <span class=format!("badge status-{}", p.status.css())>{p.status.label()}</span>
            </td>
            <td data-label="Manage">
                {open.then(|| view! {
                    <div class="pledge-actions">
                        <form method="post" action="/api/change_pledge_amount" class="inline-change">
                            <CsrfField/>
                            <input type="hidden" name="pledge_id" value=id.clone()/>
                            <label for=label_for class="visually-hidden">{format!("New monthly amount for {name}")}</label>
                            <input id=input_id name="amount" value=new_amount.clone() inputmode="decimal" autocomplete="off" size="8"/>
                            <button type="submit" class="button button-small button-secondary"
                                aria-label=format!("Change amount for {name}")>"Change amount"</button>
                            <ConfirmLarge prefix=format!("pledge-{}", p.id) error=asked amount=new_amount.clone()
                                currency=currency.clone() yes="Yes, pledge"/>
                        </form>
                        {pause_or_resume.map(|(action, label)| view! {
                            <form method="post" action=action class="inline-form">
                                <CsrfField/>
                                <input type="hidden" name="pledge_id" value=id.clone()/>
                                <button type="submit" class="button button-small button-secondary"
                                    aria-label=format!("{label} pledge to {name}")>{label}</button>
                            </form>
                        })}
                        {p.first_period_owed_minor.map(|owed| view! {
                            <p class="pledge-owed muted">
                                {format!(
                                    "You have read supporter-only posts with this pledge, so its first month ({}) is charged on your billing day even if you pause, lower or cancel it now.",
                                    format_money(owed, &p.currency)
                                )}
                            </p>
                        })}
                        <form method="post" action="/api/cancel_pledge" class="inline-form">
                            <CsrfField/>
                            <input type="hidden" name="pledge_id" value=id.clone()/>
                            <crate::components::confirm::ConfirmButton action="/api/cancel_pledge"
                                question=format!("Cancel your monthly pledge of {amount} to {name}? Nothing more is charged for it; months already charged stay with the recipient.")
                                label="Cancel" aria_label=format!("Cancel pledge to {name}")/>
                        </form>
                    </div>
                })}
            </td>
        </tr>
    }
    .into_any()
}

#[component]
fn PastSection(past: Vec<PastCharge>) -> impl IntoView {
    view! {
        <section class="panel" id="past-charges" aria-labelledby="past-title">
            <h2 id="past-title">"Past charges"</h2>
            {if past.is_empty() {
                view! { <p class="muted">"No charges yet."</p> }.into_any()
            } else {
                view! {
                    <ol class="charges">
                        {past.into_iter().map(|c| view! { <li><PastChargeView charge=c/></li> }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
pub(crate) fn PastChargeView(charge: PastCharge) -> impl IntoView {
    let c = charge;
    let cur = c.currency.clone();
    let money = move |m: i64| format_money(m, &cur);
    let money_opt = {
        let money = money.clone();
        move |m: Option<i64>| m.map_or_else(|| "—".to_owned(), &money)
    };
    let heading = format!("{} · {} charge", c.date_label, c.currency);
    let explain = match c.status {
        ChargeStatus::CarriedForward => Some(
            "Below the minimum charge, so nothing was charged: these donations were carried forward to the next cycle."
                .to_owned(),
        ),
        ChargeStatus::Failed => Some(format!(
            "{} {}",
            c.decline_reason.clone().unwrap_or_default(),
            c.next_retry_label
                .as_ref()
                .map(|d| format!("Next attempt on {d}."))
                .unwrap_or_default()
        )),
        ChargeStatus::RequiresAction => {
            Some("Waiting for you to confirm the payment with your bank.".to_owned())
        }
        ChargeStatus::Processing => Some("The bank is still processing this payment.".to_owned()),
        ChargeStatus::Pending => Some("About to be sent to the card processor.".to_owned()),
        ChargeStatus::Succeeded => c.fee_minor.map(|f| {
            format!(
                "Card fee {}, shared by its donations in proportion to their size.",
                money(f)
            )
        }),
    };
    let moved = c.donations.is_empty() && c.status == ChargeStatus::Failed;
    view! {
        <article class="charge" data-status=c.status.label()>
            <header class="charge-head">
                <h3>{heading}</h3>
                <p class="charge-meta">
                    <span class="muted charge-ref">{crate::model::charge_reference(c.id)}</span>
                    <span class="muted">{format!("Cycle {}", c.cycle)}</span>
                    {(c.attempt > 1).then(|| view! { <span class="muted">{format!("Attempt {}", c.attempt)}</span> })}
                    <span class="charge-amount">{money(c.amount_minor)}</span>
                    <span class=format!("badge status-{}", c.status.css())>{c.status.label()}</span>
                </p>
            </header>
            {explain.map(|e| view! { <p class="charge-note">{e}</p> })}
            {moved.then(|| view! { <p class="charge-note muted">"Its donations moved to the next attempt."</p> })}
            {(!c.donations.is_empty()).then(|| view! {
                <div class="table-wrap">
                    <table class="items donations">
                        <caption class="visually-hidden">{format!("Donations in the {} charge of {}", c.currency, c.date_label)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Donation"</th>
                                <th scope="col" class="num">"Gross"</th>
                                <th scope="col" class="num">"Fee share"</th>
                                <th scope="col" class="num">"Platform fee"</th>
                                <th scope="col" class="num">"Net to recipient"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {c.donations.iter().map(|d| view! {
                                <tr>
                                    <td>
                                        <a class="item-name" href=format!("/c/{}", d.recipient_slug)>{d.recipient_name.clone()}</a>
                                        <span class="item-label">
                                            {d.label.clone()} " "
                                            <span class=format!("badge status-{}", d.status.css())>{d.status.label()}</span>
                                        </span>
                                        {d.net_minor.is_some().then(|| view! {
                                            <a class="trail-link" href=format!("/account/donations/{}", d.item_id)>"Where it went"</a>
                                        })}
                                    </td>
                                    <td class="num" data-label="Gross">{money(d.gross_minor)}</td>
                                    <td class="num" data-label="Fee share">{money_opt(d.fee_minor)}</td>
                                    <td class="num" data-label="Platform">{money_opt(d.platform_fee_minor)}</td>
                                    <td class="num" data-label="Net">{money_opt(d.net_minor)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
        </article>
    }
    .into_any()
}

#[component]
fn PaymentMethodSection(data: BillingDashboard) -> impl IntoView {
    let action = ServerAction::<SetPaymentMethod>::new();
    let error = action_error(action.value());
    let current = data.payment_method.clone().unwrap_or_default();
    // Sent here from a chip-in window to add a card: go back to that tip once it is saved.
    let next = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("next"))
        .filter(|n| n.starts_with("/chip-in/"));
    view! {
        <section class="panel" id="payment-method" aria-labelledby="payment-method-title">
            <h2 id="payment-method-title">"Payment method"</h2>
            {next.clone().map(|n| view! {
                <p class="alert alert-warning" role="status">"Save a card, then you go straight back to your tip. "
                    <a href=n>"Back to your tip"</a></p>
            })}
            <p class="current-method">
                {match data.payment_method_label.clone() {
                    Some(l) => view! { "Saved: " <strong>{l}</strong> }.into_any(),
                    None => view! { <span class="muted">"No payment method saved yet."</span> }.into_any(),
                }}
            </p>
            {data.stripe_checkout.then(|| view! { <StripeCardForm has_card=data.payment_method.is_some() next=next.clone()/> })}
            {(!data.stripe_checkout).then(|| view! {
                <form method="post" action="/api/set_payment_method" class="stack checkout" novalidate>
                    <CsrfField/>
                    {next.clone().map(|n| view! { <input type="hidden" name="next" value=n/> })}
                    <div class="test-mode" role="note">
                        <span class="test-mode-tag">"TEST MODE"</span>
                        <span>"Simulated checkout: no real card is charged. Pick how the test card behaves."</span>
                    </div>
                    <FormAlert error/>
                    <fieldset class="choices" aria-describedby="payment_method-error">
                        <legend>"Test card"</legend>
                        {data.payment_methods.iter().map(|m| {
                            let id = format!("pm-{}", m.value);
                            let for_id = id.clone();
                            view! {
                                <label class="choice" for=for_id>
                                    <input type="radio" id=id name="payment_method" value=m.value.clone()
                                        checked=m.value == current/>
                                    <span>{m.label.clone()}</span>
                                </label>
                            }
                        }).collect_view()}
                        <FieldError error field="payment_method"/>
                    </fieldset>
                    <button type="submit" class="button">"Save payment method"</button>
                </form>
            })}
        </section>
    }
    .into_any()
}

/// With Stripe: a button that opens Stripe Checkout to save or replace the card.
#[component]
fn StripeCardForm(has_card: bool, next: Option<String>) -> impl IntoView {
    let action = ServerAction::<StartCardSetup>::new();
    let error = action_error(action.value());
    let label = if has_card {
        "Replace card with Stripe"
    } else {
        "Add a card with Stripe"
    };
    view! {
        <form method="post" action="/api/start_card_setup" class="stack">
            <CsrfField/>
            {next.map(|n| view! { <input type="hidden" name="next" value=n/> })}
            <FormAlert error/>
            <p class="help">"You enter your card on Stripe's secure page; Chipin never sees the card number."</p>
            <button type="submit" class="button">{label}</button>
        </form>
    }
    .into_any()
}

#[component]
fn BillingDaySection(data: BillingDashboard) -> impl IntoView {
    let action = ServerAction::<SetBillingDay>::new();
    let error = action_error(action.value());
    let help = match data.billing_day {
        Some(_) => "Everything you give is collected on this day each month.",
        None => "Set when you first pledge or tip; you can choose it now.",
    };
    view! {
        <section class="panel" id="billing-day" aria-labelledby="billing-day-title">
            <h2 id="billing-day-title">"Billing day"</h2>
            <form method="post" action="/api/set_billing_day" class="stack" novalidate>
                <CsrfField/>
                <FormAlert error/>
                <div class="field">
                    <label for="billing_day">"Day of the month (1–28)"</label>
                    <input id="billing_day" name="billing_day" type="number" inputmode="numeric" min="1" max="28"
                        value=data.effective_billing_day.to_string() required
                        aria-invalid=invalid(error, "billing_day") aria-describedby="billing_day-help billing_day-error"/>
                    <p class="help" id="billing_day-help">{help}</p>
                    <FieldError error field="billing_day"/>
                </div>
                <button type="submit" class="button button-secondary">"Save billing day"</button>
            </form>
        </section>
    }
    .into_any()
}
