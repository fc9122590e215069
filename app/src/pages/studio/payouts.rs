//! `/studio/p/:id/payouts`: what is available to pay out, recording a payout received outside
//! Chipin (amount, date, reference), marking it arrived, and every payout expanded into the
//! donations it covered. When the site pays out through Stripe Connect, also the page's Stripe
//! account (set it up, or how far its verification is) and each payout's Stripe transfer.

use super::{id_param, load_failed, saved_message};
use crate::api::trail::{MarkPayoutPaid, RecordPayout, StartStripePayouts, get_payouts};
use crate::components::form::{CsrfField, FieldError, FormAlert, action_error, invalid};
use crate::error::AppError;
use crate::i18n::{arg, num};
use crate::model::format_money;
use crate::model::trail::{ConnectAccount, ConnectStatus, PayoutRow, PayoutsPage};
use crate::t;
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
        <Suspense fallback=|| view! { <p class="page">{t!("studio-loading")}</p> }>
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
        t!("studio-payouts-lead-cause")
    } else {
        t!("studio-payouts-lead-creator")
    };
    let rows = p
        .payouts
        .iter()
        .cloned()
        .map(|row| view! { <PayoutLine row recipient=p.recipient_id currency=p.currency.clone()/> })
        .collect_view();
    view! {
        <Title text=t!("studio-payouts-title", name = arg(&p.name))/>
        <section class="page studio">
            <p><a href=base>{t!("studio-back", name = arg(&p.name))}</a></p>
            <header class="page-head">
                <h1>{t!("studio-nav-payouts")}</h1>
                <p class="lead">{explain}</p>
            </header>
            {saved.map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
            <div class="stats">
                <div class="stat">
                    <h2 class="stat-label">{t!("studio-payouts-available")}</h2>
                    <p class="stat-value" id="available">{format_money(p.available_minor, &p.currency)}</p>
                </div>
            </div>
            {p.stripe.clone().map(|account| view! { <StripePayouts account recipient=p.recipient_id/> })}
            <section class="panel" aria-labelledby="new-payout-title">
                <h2 id="new-payout-title">{t!("studio-payout-record-title")}</h2>
                <form method="post" action="/api/trail/record_payout" class="stack" novalidate>
                    <CsrfField/>
                    <input type="hidden" name="recipient_id" value=p.recipient_id.to_string()/>
                    <FormAlert error/>
                    <div class="field">
                        <label for="payout-amount">{t!("studio-amount-label", currency = arg(&p.currency))}</label>
                        <input id="payout-amount" name="amount" inputmode="decimal" autocomplete="off" required
                            aria-invalid=invalid(error, "amount") aria-describedby="amount-error"/>
                        <FieldError error field="amount"/>
                    </div>
                    <div class="field">
                        <label for="payout-date">{t!("studio-payout-date")}</label>
                        <input id="payout-date" name="paid_on" type="date" value=p.today.clone() max=p.today.clone() required
                            aria-invalid=invalid(error, "paid_on") aria-describedby="paid_on-error"/>
                        <FieldError error field="paid_on"/>
                    </div>
                    <div class="field">
                        <label for="payout-reference">{t!("studio-payout-reference")}</label>
                        <input id="payout-reference" name="reference" maxlength="100" autocomplete="off" required
                            aria-invalid=invalid(error, "reference") aria-describedby="reference-error"/>
                        <FieldError error field="reference"/>
                    </div>
                    <button type="submit" class="button">{t!("studio-payout-record")}</button>
                </form>
            </section>
            <section class="panel" aria-labelledby="payouts-title">
                <h2 id="payouts-title">{t!("studio-payouts-history")}</h2>
                <FormAlert error=mark_error/>
                {if p.payouts.is_empty() {
                    view! { <p class="muted">{t!("studio-payouts-none")}</p> }.into_any()
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
            t!("studio-stripe-not-started"),
            t!("studio-stripe-not-started-help"),
            Some(t!("studio-stripe-not-started-button")),
        ),
        ConnectStatus::Pending if !account.details_submitted => (
            t!("studio-stripe-details"),
            t!("studio-stripe-details-help"),
            Some(t!("studio-stripe-details-button")),
        ),
        ConnectStatus::Pending => (
            t!("studio-stripe-pending"),
            t!("studio-stripe-pending-help"),
            Some(t!("studio-stripe-pending-button")),
        ),
        ConnectStatus::Ready => (
            t!("studio-stripe-ready"),
            t!("studio-stripe-ready-help"),
            None,
        ),
    };
    view! {
        <section class="panel" id="stripe-payouts" aria-labelledby="stripe-payouts-title">
            <h2 id="stripe-payouts-title">{t!("studio-stripe-title")}</h2>
            <p><strong id="stripe-status">{label}</strong></p>
            <p class="muted">{explain}</p>
            {unreachable.then(|| view! {
                <div class="alert alert-error" role="alert">{t!("studio-stripe-unreachable")}</div>
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
        (Some(_), _, _) => t!("studio-payout-returned"),
        (None, Some("planned"), _) => t!("studio-payout-sending"),
        (None, _, true) => t!("studio-payout-arrived"),
        (None, _, false) => t!("studio-payout-in-transit"),
    };
    let transfer = row
        .transfer_ref
        .clone()
        .map(|t| t!("studio-payout-transfer", transfer = arg(t)));
    let returned = row.returned.clone().filter(|r| !r.is_empty());
    let count = row.shares.len();
    let shares = row
        .shares
        .iter()
        .map(|s| {
            let note = if s.refunded {
                t!("studio-share-refunded")
            } else if s.amount_minor == s.net_minor {
                t!("studio-share-whole")
            } else {
                t!("studio-share-part", share = arg(money(s.net_minor)))
            };
            let refund = (!s.refunded).then(|| {
                view! {
                    " "
                    <a href=format!("/studio/p/{recipient}/refund/{}", s.item_id)>{t!("studio-share-refund")}</a>
                }
            });
            view! {
                <tr>
                    <td>{t!("studio-donation-number", item = arg(s.item_id.to_string()))}{refund}</td>
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
                " · "
                {t!(
                    "studio-payout-line",
                    day = arg(crate::model::day_label(&row.paid_on)),
                    reference = arg(&row.reference),
                    status = arg(status)
                )}
                {transfer}
            </p>
            {returned.map(|r| view! { <p class="muted">{r}</p> })}
            {(!row.paid && row.returned.is_none() && row.transfer_status.is_none()).then(|| view! {
                <form method="post" action="/api/trail/mark_payout_paid" class="inline-form">
                    <CsrfField/>
                    <input type="hidden" name="recipient_id" value=recipient.to_string()/>
                    <input type="hidden" name="payout_id" value=row.id.to_string()/>
                    <button type="submit" class="button button-secondary">{t!("studio-payout-mark-arrived")}</button>
                </form>
            })}
            <details>
                <summary>{t!("studio-payout-covered", count = num(count as i64))}</summary>
                <div class="table-scroll">
                    <table class="items">
                        <caption class="visually-hidden">{t!("studio-payout-caption", payout = arg(row.id.to_string()))}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t!("studio-share-donation")}</th>
                                <th scope="col">{t!("studio-share-charged")}</th>
                                <th scope="col" class="num">{t!("studio-share-paid")}</th>
                                <th scope="col">{t!("studio-share-note")}</th>
                            </tr>
                        </thead>
                        <tbody>{shares}</tbody>
                    </table>
                </div>
            </details>
        </li>
    }
}
