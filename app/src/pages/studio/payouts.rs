//! `/studio/p/:id/payouts`: what is available to pay out, recording a payout received outside
//! Chipin (amount, date, reference), marking it arrived, and every payout expanded into the
//! donations it covered. When the site pays out through Stripe Connect, also the page's Stripe
//! account (set it up, or how far its verification is) and each payout's Stripe transfer.

use super::{id_param, load_failed, saved_message};
use crate::api::trail::{MarkPayoutPaid, RecordPayout, StartStripePayouts, get_payouts};
use crate::components::form::{CsrfField, FieldError, FormAlert, action_error, invalid};
use crate::error::AppError;
use crate::model::format_money;
use crate::model::trail::{ConnectAccount, ConnectStatus, PayoutRow, PayoutsPage};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PayoutsStudioPage() -> impl IntoView {
    let id = id_param("id");
    let data = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_payouts(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="page">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) => view! { <PayoutsView p/> }.into_any(),
                    Err(e) => load_failed(e, format!("/studio/p/{}/payouts", id.get_untracked().unwrap_or_default())),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PayoutsView(p: PayoutsPage) -> impl IntoView {
    let record = ServerAction::<RecordPayout>::new();
    let error = action_error(record.value());
    let mark = ServerAction::<MarkPayoutPaid>::new();
    let mark_error = action_error(mark.value());
    let saved = use_query_map()
        .with_untracked(|q| q.get("saved"))
        .and_then(|s| saved_message(&s));
    let base = format!("/studio/p/{}", p.recipient_id);
    let explain = if p.is_cause {
        "A cause's money is paid out once it is spent: the available amount is what your published expenses used and has not been paid out yet."
    } else {
        "Your balance after fees and refunds. Each payout is linked to the donations it paid, oldest first."
    };
    let rows = p
        .payouts
        .iter()
        .cloned()
        .map(|row| view! { <PayoutLine row recipient=p.recipient_id currency=p.currency.clone()/> })
        .collect_view();
    view! {
        <Title text=format!("Payouts: {}", p.name)/>
        <section class="page studio">
            <p><a href=base>{format!("← {}", p.name)}</a></p>
            <header class="page-head">
                <h1>"Payouts"</h1>
                <p class="lead">{explain}</p>
            </header>
            {saved.map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
            <div class="stats">
                <div class="stat">
                    <h2 class="stat-label">"Available to pay out"</h2>
                    <p class="stat-value" id="available">{format_money(p.available_minor, &p.currency)}</p>
                </div>
            </div>
            {p.stripe.clone().map(|account| view! { <StripePayouts account recipient=p.recipient_id/> })}
            <section class="panel" aria-labelledby="new-payout-title">
                <h2 id="new-payout-title">"Record a payout"</h2>
                <form method="post" action="/api/trail/record_payout" class="stack" novalidate>
                    <CsrfField/>
                    <input type="hidden" name="recipient_id" value=p.recipient_id.to_string()/>
                    <FormAlert error/>
                    <div class="field">
                        <label for="payout-amount">{format!("Amount ({})", p.currency)}</label>
                        <input id="payout-amount" name="amount" inputmode="decimal" autocomplete="off" required
                            aria-invalid=invalid(error, "amount") aria-describedby="amount-error"/>
                        <FieldError error field="amount"/>
                    </div>
                    <div class="field">
                        <label for="payout-date">"Date sent"</label>
                        <input id="payout-date" name="paid_on" type="date" value=p.today.clone() max=p.today.clone() required
                            aria-invalid=invalid(error, "paid_on") aria-describedby="paid_on-error"/>
                        <FieldError error field="paid_on"/>
                    </div>
                    <div class="field">
                        <label for="payout-reference">"Reference"</label>
                        <input id="payout-reference" name="reference" maxlength="100" autocomplete="off" required
                            aria-invalid=invalid(error, "reference") aria-describedby="reference-error"/>
                        <FieldError error field="reference"/>
                    </div>
                    <button type="submit" class="button">"Record payout"</button>
                </form>
            </section>
            <section class="panel" aria-labelledby="payouts-title">
                <h2 id="payouts-title">"Payout history"</h2>
                <FormAlert error=mark_error/>
                {if p.payouts.is_empty() {
                    view! { <p class="muted">"No payouts yet."</p> }.into_any()
                } else {
                    view! { <ul class="payout-list">{rows}</ul> }.into_any()
                }}
            </section>
        </section>
    }
    .into_any()
}

#[component]
fn StripePayouts(account: ConnectAccount, recipient: i64) -> impl IntoView {
    let start = ServerAction::<StartStripePayouts>::new();
    let error = action_error(start.value());
    let unreachable = use_query_map()
        .with_untracked(|q| q.get("stripe"))
        .is_some();
    let (label, explain, button) = match account.status {
        ConnectStatus::NotStarted => (
            "Not set up",
            "Get your balance paid to your bank account automatically: Stripe asks for your details and bank account on its own pages, and Chipin sends each payout as a Stripe transfer.",
            Some("Set up payouts with Stripe"),
        ),
        ConnectStatus::Pending if !account.details_submitted => (
            "Waiting for your details",
            "Stripe still needs some of your details before it can pay you. Continue where you left off.",
            Some("Continue with Stripe"),
        ),
        ConnectStatus::Pending => (
            "Pending verification",
            "Stripe has your details and is verifying them. Payouts start once Stripe enables them; this page updates by itself.",
            Some("Review your details on Stripe"),
        ),
        ConnectStatus::Ready => (
            "Ready",
            "Stripe payouts are on: your available balance is sent to your Stripe account with each payout run.",
            None,
        ),
    };
    view! {
        <section class="panel" id="stripe-payouts" aria-labelledby="stripe-payouts-title">
            <h2 id="stripe-payouts-title">"Payouts with Stripe"</h2>
            <p><strong id="stripe-status">{label}</strong></p>
            <p class="muted">{explain}</p>
            {unreachable.then(|| view! {
                <div class="alert alert-error" role="alert">"Stripe could not be reached. Please try again in a minute."</div>
            })}
            {button.map(|text| view! {
                <form method="post" action="/api/trail/start_stripe_payouts" class="stack">
                    <CsrfField/>
                    <input type="hidden" name="recipient_id" value=recipient.to_string()/>
                    <FormAlert error/>
                    <button type="submit" class="button">{text}</button>
                </form>
            })}
        </section>
    }
}

#[component]
fn PayoutLine(row: PayoutRow, recipient: i64, currency: String) -> impl IntoView {
    let c = currency.clone();
    let money = move |m: i64| format_money(m, &c);
    let status = match (&row.returned, row.transfer_status.as_deref(), row.paid) {
        (Some(_), _, _) => "returned: its donations are unpaid again",
        (None, Some("planned"), _) => "being sent through Stripe",
        (None, _, true) => "arrived",
        (None, _, false) => "in transit",
    };
    let transfer = row
        .transfer_ref
        .clone()
        .map(|t| format!(" · Stripe transfer {t}"));
    let returned = row.returned.clone().filter(|r| !r.is_empty());
    let count = row.shares.len();
    let shares = row
        .shares
        .iter()
        .map(|s| {
            let note = if s.refunded {
                "refunded since; taken back".to_owned()
            } else if s.amount_minor == s.net_minor {
                "whole net share".to_owned()
            } else {
                format!("part of its {} net share", money(s.net_minor))
            };
            let refund = (!s.refunded).then(|| {
                view! {
                    " "
                    <a href=format!("/studio/p/{recipient}/refund/{}", s.item_id)>"Refund…"</a>
                }
            });
            view! {
                <tr>
                    <td>{format!("Donation #{}", s.item_id)}{refund}</td>
                    <td>{crate::model::day_label(&s.charged_on)}</td>
                    <td class="num">{money(s.amount_minor)}</td>
                    <td>{note}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <li class="payout">
            <p>
                <strong>{money(row.amount_minor)}</strong>
                {format!(" · sent {} · reference {} · {status}", crate::model::day_label(&row.paid_on), row.reference)}
                {transfer}
            </p>
            {returned.map(|r| view! { <p class="muted">{r}</p> })}
            {(!row.paid && row.returned.is_none() && row.transfer_status.is_none()).then(|| view! {
                <form method="post" action="/api/trail/mark_payout_paid" class="inline-form">
                    <CsrfField/>
                    <input type="hidden" name="recipient_id" value=recipient.to_string()/>
                    <input type="hidden" name="payout_id" value=row.id.to_string()/>
                    <button type="submit" class="button button-secondary">"Mark as arrived"</button>
                </form>
            })}
            <details>
                <summary>{format!("The {count} donations it covered")}</summary>
                <div class="table-scroll">
                    <table class="items">
                        <caption class="visually-hidden">{format!("Donations in payout {}", row.id)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Donation"</th>
                                <th scope="col">"Charged on"</th>
                                <th scope="col" class="num">"Paid out"</th>
                                <th scope="col">"Note"</th>
                            </tr>
                        </thead>
                        <tbody>{shares}</tbody>
                    </table>
                </div>
            </details>
        </li>
    }
}
