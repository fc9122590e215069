//! `/account/donations/:item`: where one donation went, for its donor only. Charged on (which
//! charge), gross, fee share, platform fee share and net; the payouts that paid it out; and
//! for causes the expenses it paid for with their receipts, and what is still unspent.

use crate::api::refunds::AskForRefund;
use crate::api::trail::get_donation_trail;
use crate::components::donations::refund_reason;
use crate::components::form::{CsrfField, FieldError, FormAlert, action_error, invalid};
use crate::error::AppError;
use crate::i18n::{arg, around_slot, num, slot};
use crate::model::format_money;
use crate::model::trail::{DonationTrail, RefundedBy};
use crate::pages::studio::{id_param, load_failed};
use crate::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DonationTrailPage() -> impl IntoView {
    let item = id_param("item");
    let data = Resource::new(
        move || item.get(),
        |item| async move {
            match item {
                Some(item) => get_donation_trail(item).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="page">{t!("pub-loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(t) => view! { <TrailView t/> }.into_any(),
                    Err(e) => load_failed(e, format!("/account/donations/{}", item.get_untracked().unwrap_or_default())),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TrailView(t: DonationTrail) -> impl IntoView {
    let c = t.currency.clone();
    let money = move |m: i64| format_money(m, &c);
    let charged = match (&t.charge_id, &t.charged_on) {
        (Some(id), Some(on)) => t!(
            "give-trail-charged-on",
            day = arg(crate::model::day_label(on)),
            charge = arg(crate::model::charge_reference(*id)),
        ),
        _ => t!("give-trail-not-charged"),
    };
    let paid_rows = t
        .payouts
        .iter()
        .map(|p| {
            let what = if p.amount_minor < 0 {
                t!("give-trail-payout-taken-back")
            } else if p.arrived {
                t!("give-trail-payout-arrived")
            } else {
                t!("give-trail-payout-in-transit")
            };
            view! {
                <tr>
                    <td data-label=t!("give-trail-col-sent-on")>{crate::model::day_label(&p.paid_on)}</td>
                    <td data-label=t!("give-trail-col-reference")>
                        {p.reference.clone()}
                        {p.transfer_ref.clone().map(|r| view! { <br/><span class="muted">{t!("give-trail-stripe-transfer", reference = arg(r))}</span> })}
                    </td>
                    <td data-label=t!("give-trail-col-status")>{what}</td>
                    <td class="num" data-label=t!("pub-col-amount")>{money(p.amount_minor)}</td>
                </tr>
            }
        })
        .collect_view();
    let expense_rows = t
        .expenses
        .iter()
        .map(|e| {
            view! {
                <tr>
                    <td data-label=t!("pub-col-date")>{crate::model::day_label(&e.spent_on)}</td>
                    <td data-label=t!("pub-col-expense")>
                        {e.description.clone()}
                        {e.budget_line.clone().map(|l| view! { <span class="item-label">{t!("pub-budget-line", name = arg(l))}</span> })}
                    </td>
                    <td data-label=t!("pub-col-receipt")>{match e.receipt_url.clone() {
                        Some(u) => view! { <a href=u rel="nofollow noopener">{t!("pub-receipt")}</a> }.into_any(),
                        None => view! { <span class="muted">{t!("pub-no-receipt")}</span> }.into_any(),
                    }}</td>
                    <td class="num" data-label=t!("give-trail-col-expense-total")>{money(e.amount_minor)}</td>
                    <td class="num" data-label=t!("give-trail-col-your-part")>{money(e.share_minor)}</td>
                </tr>
            }
        })
        .collect_view();
    let paid_label = if t.is_cause {
        t!("give-trail-paid-organizer")
    } else {
        t!("give-trail-paid-creator")
    };
    let has_payouts = !t.payouts.is_empty();
    let has_expenses = !t.expenses.is_empty();
    let refund_panel = (!t.refunds.is_empty() || t.request.is_some() || t.ask_until.is_some())
        .then(|| view! { <RefundPanel t=t.clone()/> });
    let what = arg(t.kind.name());
    let (lead_before, lead_after) = around_slot(&if t.refunded {
        t!("give-trail-lead-refunded", what = what, page = slot())
    } else {
        t!("give-trail-lead", what = what, page = slot())
    });
    let (refunded_before, refunded_after) =
        around_slot(&t!("give-trail-refunded-after", amount = slot()));
    view! {
        <Title text=t!("give-trail-title", name = arg(t.recipient_name.as_str()))/>
        <section class="page narrow trail">
            <p><a href="/account/billing">"← "{t!("give-back-to-billing")}</a></p>
            <header class="page-head">
                <h1>{t!("give-trail-heading")}</h1>
                <p class="lead">
                    {lead_before}
                    <a href=format!("/c/{}", t.recipient_slug)>{t.recipient_name.clone()}</a>
                    {lead_after}
                </p>
                {t.budget_line.clone().map(|l| {
                    let (before, after) = around_slot(&t!("give-trail-earmark", line = slot()));
                    view! { <p id="trail-earmark">{before}<strong>{l}</strong>{after}</p> }
                })}
            </header>
            {refund_panel}
            <section class="panel" aria-labelledby="charged-title">
                <h2 id="charged-title">{t!("give-trail-charged")}</h2>
                <p id="charged">{charged}</p>
                <dl class="ledger-totals">
                    <div><dt>{t!("give-col-gross")}</dt><dd id="trail-gross">{money(t.gross_minor)}</dd></div>
                    <div><dt>{t!("give-trail-card-fee")}</dt><dd id="trail-fee">{money(t.fee_minor)}</dd></div>
                    <div><dt>{t!("give-trail-platform-fee")}</dt><dd id="trail-platform">{money(t.platform_fee_minor)}</dd></div>
                    <div><dt>{t!("give-trail-net")}</dt><dd id="trail-net">{money(t.net_minor)}</dd></div>
                </dl>
            </section>
            {t.is_cause.then(|| view! {
                <section class="panel" aria-labelledby="spent-title">
                    <h2 id="spent-title">{t!("give-trail-spent-on")}</h2>
                    {if has_expenses {
                        view! {
                            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="spent-title">
                                <table class="items stack" aria-labelledby="spent-title">
                                    <thead><tr>
                                        <th scope="col">{t!("pub-col-date")}</th>
                                        <th scope="col">{t!("pub-col-expense")}</th>
                                        <th scope="col">{t!("pub-col-receipt")}</th>
                                        <th scope="col" class="num">{t!("give-trail-col-expense-total")}</th>
                                        <th scope="col" class="num">{t!("give-trail-col-your-part")}</th>
                                    </tr></thead>
                                    <tbody>{expense_rows}</tbody>
                                </table>
                            </div>
                        }.into_any()
                    } else {
                        view! { <p class="muted">{t!("give-trail-none-spent")}</p> }.into_any()
                    }}
                    <p>{t!("give-trail-still-unspent")}" " <strong id="trail-unspent">{money(t.unspent_minor)}</strong></p>
                </section>
            })}
            <section class="panel" aria-labelledby="paid-title">
                <h2 id="paid-title">{paid_label}</h2>
                {if has_payouts {
                    view! {
                        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="paid-title">
                            <table class="items stack" aria-labelledby="paid-title">
                                <thead><tr>
                                    <th scope="col">{t!("give-trail-col-sent-on")}</th>
                                    <th scope="col">{t!("give-trail-col-reference")}</th>
                                    <th scope="col">{t!("give-trail-col-status")}</th>
                                    <th scope="col" class="num">{t!("pub-col-amount")}</th>
                                </tr></thead>
                                <tbody>{paid_rows}</tbody>
                            </table>
                        </div>
                    }.into_any()
                } else {
                    view! { <p class="muted">{t!("give-trail-not-paid-out")}</p> }.into_any()
                }}
                // "Not paid out yet: $0.00" beside unspent money read as if nothing had moved.
                {if t.unpaid_minor == 0 && t.refunded && !has_payouts {
                    view! {
                        <p id="trail-paid-out">{t!("give-trail-nothing-paid-out")}</p>
                    }.into_any()
                } else if t.unpaid_minor == 0 {
                    view! {
                        <p id="trail-paid-out">
                            {if t.is_cause { t!("give-trail-all-paid-out-cause") } else { t!("give-trail-all-paid-out") }}
                        </p>
                    }.into_any()
                } else if t.unpaid_minor < 0 {
                    view! {
                        <p id="trail-paid-out">
                            {refunded_before}
                            <strong id="trail-unpaid">{money(-t.unpaid_minor)}</strong>
                            {refunded_after}
                        </p>
                    }.into_any()
                } else {
                    view! { <p>{t!("give-trail-not-paid-out-yet")}" " <strong id="trail-unpaid">{money(t.unpaid_minor)}</strong></p> }.into_any()
                }}
            </section>
        </section>
    }
    .into_any()
}

/// Who made a refund, in the reader's language.
fn refunded_by(by: RefundedBy) -> String {
    match by {
        RefundedBy::Owner => t!("give-refund-by-owner"),
        RefundedBy::Operator => t!("give-refund-by-operator"),
        RefundedBy::Processor => t!("give-refund-by-processor"),
    }
}

/// The donation's refunds, the supporter's request for one, and the form to ask while the
/// window is open.
#[component]
fn RefundPanel(t: DonationTrail) -> impl IntoView {
    let ask = ServerAction::<AskForRefund>::new();
    let error = action_error(ask.value());
    let asked = use_query_map().with_untracked(|q| q.get("asked").is_some());
    let c = t.currency.clone();
    let money = move |m: i64| format_money(m, &c);
    let refunds = t
        .refunds
        .iter()
        .map(|r| {
            view! {
                <li>{t!(
                    "give-refund-line",
                    amount = arg(money(r.amount_minor)),
                    day = arg(crate::model::day_label(&r.refunded_on)),
                    by = arg(refunded_by(r.by)),
                    reason = arg(if r.reason.is_empty() { t!("give-refund-no-reason") } else { refund_reason(&r.reason) }),
                )}</li>
            }
        })
        .collect_view();
    let has_refunds = !t.refunds.is_empty();
    let request = t.request.clone().map(|q| {
        let text = match q.status.as_str() {
            "open" => t!(
                "give-refund-asked-open",
                day = arg(crate::model::day_label(&q.asked_on)),
            ),
            "refunded" => t!(
                "give-refund-asked-refunded",
                day = arg(crate::model::day_label(&q.asked_on)),
            ),
            _ => t!(
                "give-refund-asked-declined",
                day = arg(crate::model::day_label(&q.asked_on)),
                reason = arg(q.decline_reason.as_str()),
            ),
        };
        view! { <p id="refund-request-status">{text}</p> }
    });
    let others = t.other_donations;
    let item = t.item_id;
    let form = t.ask_until.clone().map(|until| view! {
        <form method="post" action="/api/refunds/ask" class="stack" novalidate id="refund-ask">
            <CsrfField/>
            <input type="hidden" name="item_id" value=item.to_string()/>
            <p>{t!("give-refund-ask-until", day = arg(crate::model::day_label(&until)))}</p>
            <FormAlert error/>
            <div class="field">
                <label for="ask-reason">{t!("give-refund-why")}</label>
                <textarea id="ask-reason" name="reason" rows="3" maxlength="500" required
                    aria-invalid=invalid(error, "reason") aria-describedby="reason-error"></textarea>
                <FieldError error field="reason"/>
            </div>
            {(others > 0).then(|| view! {
                <label class="choice" for="ask-whole">
                    <input type="checkbox" id="ask-whole" name="whole_charge" value="1"/>
                    <span>{t!("give-refund-whole-charge", count = num(others))}</span>
                </label>
            })}
            <button type="submit" class="button button-secondary">{t!("give-refund-ask")}</button>
        </form>
    });
    view! {
        <section class="panel" aria-labelledby="refund-title" id="trail-refund">
            <h2 id="refund-title">{t!("give-refund")}</h2>
            {asked.then(|| view! {
                <div class="alert alert-success" role="status">{t!("give-refund-sent")}</div>
            })}
            {has_refunds.then(|| view! { <ul class="facts" id="trail-refunds">{refunds}</ul> })}
            {request}
            {form}
        </section>
    }
}
