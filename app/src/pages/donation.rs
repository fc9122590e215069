//! `/account/donations/:item`: where one donation went, for its donor only. Charged on (which
//! charge), gross, fee share, platform fee share and net; the payouts that paid it out; and
//! for causes the expenses it paid for with their receipts, and what is still unspent.

use crate::api::refunds::AskForRefund;
use crate::api::trail::get_donation_trail;
use crate::components::form::{CsrfField, FieldError, FormAlert, action_error, invalid};
use crate::error::AppError;
use crate::model::format_money;
use crate::model::trail::DonationTrail;
use crate::pages::studio::{id_param, load_failed};
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
        <Suspense fallback=|| view! { <p class="page">"Loading…"</p> }>
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
        (Some(id), Some(on)) => format!(
            "Charged on {} as part of charge {}.",
            crate::model::day_label(on),
            crate::model::charge_reference(*id)
        ),
        _ => "Not charged yet: it will be collected with your next consolidated charge.".to_owned(),
    };
    let paid_rows = t
        .payouts
        .iter()
        .map(|p| {
            let what = if p.amount_minor < 0 {
                "taken back: the donation was refunded after it was paid out"
            } else if p.arrived {
                "arrived"
            } else {
                "in transit"
            };
            view! {
                <tr>
                    <td data-label="Sent on">{crate::model::day_label(&p.paid_on)}</td>
                    <td data-label="Reference">
                        {p.reference.clone()}
                        {p.transfer_ref.clone().map(|t| view! { <br/><span class="muted">{format!("Stripe transfer {t}")}</span> })}
                    </td>
                    <td data-label="Status">{what}</td>
                    <td class="num" data-label="Amount">{money(p.amount_minor)}</td>
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
                    <td data-label="Date">{crate::model::day_label(&e.spent_on)}</td>
                    <td data-label="Expense">
                        {e.description.clone()}
                        {e.budget_line.clone().map(|l| view! { <span class="item-label">{format!("Budget line: {l}")}</span> })}
                    </td>
                    <td data-label="Receipt">{match e.receipt_url.clone() {
                        Some(u) => view! { <a href=u rel="nofollow noopener">"Receipt"</a> }.into_any(),
                        None => view! { <span class="muted">"No receipt published"</span> }.into_any(),
                    }}</td>
                    <td class="num" data-label="Expense total">{money(e.amount_minor)}</td>
                    <td class="num" data-label="Your part">{money(e.share_minor)}</td>
                </tr>
            }
        })
        .collect_view();
    let paid_label = if t.is_cause {
        "Paid out to the organizer for those expenses"
    } else {
        "Paid out to the creator"
    };
    let has_payouts = !t.payouts.is_empty();
    let has_expenses = !t.expenses.is_empty();
    let refund_panel = (!t.refunds.is_empty() || t.request.is_some() || t.ask_until.is_some())
        .then(|| view! { <RefundPanel t=t.clone()/> });
    view! {
        <Title text=format!("Your donation to {}", t.recipient_name)/>
        <section class="page narrow trail">
            <p><a href="/account/billing">"← Billing"</a></p>
            <header class="page-head">
                <h1>"Where your donation went"</h1>
                <p class="lead">
                    {t.label.clone()} " to " <a href=format!("/c/{}", t.recipient_slug)>{t.recipient_name.clone()}</a>
                    {t.refunded.then_some(". It was refunded to you.")}
                </p>
                {t.budget_line.clone().map(|l| view! {
                    <p id="trail-earmark">
                        "You earmarked it for the budget line " <strong>{l}</strong>
                        ": it is spent only on expenses in that line."
                    </p>
                })}
            </header>
            {refund_panel}
            <section class="panel" aria-labelledby="charged-title">
                <h2 id="charged-title">"Charged"</h2>
                <p id="charged">{charged}</p>
                <dl class="ledger-totals">
                    <div><dt>"Gross"</dt><dd id="trail-gross">{money(t.gross_minor)}</dd></div>
                    <div><dt>"Card fee share"</dt><dd id="trail-fee">{money(t.fee_minor)}</dd></div>
                    <div><dt>"Platform fee share"</dt><dd id="trail-platform">{money(t.platform_fee_minor)}</dd></div>
                    <div><dt>"Net to recipient"</dt><dd id="trail-net">{money(t.net_minor)}</dd></div>
                </dl>
            </section>
            {t.is_cause.then(|| view! {
                <section class="panel" aria-labelledby="spent-title">
                    <h2 id="spent-title">"Spent on"</h2>
                    {if has_expenses {
                        view! {
                            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="spent-title">
                                <table class="items stack" aria-labelledby="spent-title">
                                    <thead><tr>
                                        <th scope="col">"Date"</th>
                                        <th scope="col">"Expense"</th>
                                        <th scope="col">"Receipt"</th>
                                        <th scope="col" class="num">"Expense total"</th>
                                        <th scope="col" class="num">"Your part"</th>
                                    </tr></thead>
                                    <tbody>{expense_rows}</tbody>
                                </table>
                            </div>
                        }.into_any()
                    } else {
                        view! { <p class="muted">"None of it has been spent yet."</p> }.into_any()
                    }}
                    <p>"Still unspent: " <strong id="trail-unspent">{money(t.unspent_minor)}</strong></p>
                </section>
            })}
            <section class="panel" aria-labelledby="paid-title">
                <h2 id="paid-title">{paid_label}</h2>
                {if has_payouts {
                    view! {
                        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="paid-title">
                            <table class="items stack" aria-labelledby="paid-title">
                                <thead><tr>
                                    <th scope="col">"Sent on"</th>
                                    <th scope="col">"Reference"</th>
                                    <th scope="col">"Status"</th>
                                    <th scope="col" class="num">"Amount"</th>
                                </tr></thead>
                                <tbody>{paid_rows}</tbody>
                            </table>
                        </div>
                    }.into_any()
                } else {
                    view! { <p class="muted">"Not paid out yet."</p> }.into_any()
                }}
                // "Not paid out yet: $0.00" beside unspent money read as if nothing had moved.
                {if t.unpaid_minor == 0 && t.refunded && !has_payouts {
                    view! {
                        <p id="trail-paid-out">"Nothing of it is paid out: it was refunded."</p>
                    }.into_any()
                } else if t.unpaid_minor == 0 {
                    view! {
                        <p id="trail-paid-out">
                            "All of it has been paid out"
                            {t.is_cause.then_some("; what is still unspent waits with the organizer until an expense uses it")}
                            "."
                        </p>
                    }.into_any()
                } else if t.unpaid_minor < 0 {
                    view! {
                        <p id="trail-paid-out">
                            "Refunded after it was paid out: "
                            <strong id="trail-unpaid">{money(-t.unpaid_minor)}</strong>
                            " comes out of the page's next payout."
                        </p>
                    }.into_any()
                } else {
                    view! { <p>"Not paid out yet: " <strong id="trail-unpaid">{money(t.unpaid_minor)}</strong></p> }.into_any()
                }}
            </section>
        </section>
    }
    .into_any()
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
                <li>{format!(
                    "{} refunded on {} by {}: {}.",
                    money(r.amount_minor),
                    crate::model::day_label(&r.refunded_on),
                    r.by,
                    if r.reason.is_empty() { "no reason given" } else { r.reason.as_str() }
                )}</li>
            }
        })
        .collect_view();
    let has_refunds = !t.refunds.is_empty();
    let request = t.request.clone().map(|q| {
        let text = match q.status.as_str() {
            "open" => format!(
                "You asked for a refund on {}. The page's owner has not answered yet.",
                crate::model::day_label(&q.asked_on)
            ),
            "refunded" => format!(
                "You asked for a refund on {}; it was refunded.",
                crate::model::day_label(&q.asked_on)
            ),
            _ => format!(
                "You asked for a refund on {}; the page's owner declined: {}",
                crate::model::day_label(&q.asked_on),
                q.decline_reason
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
            <p>{format!("You can ask the page's owner for this donation back until {}. If they approve, you get back everything you paid for it.", crate::model::day_label(&until))}</p>
            <FormAlert error/>
            <div class="field">
                <label for="ask-reason">"Why do you want it back?"</label>
                <textarea id="ask-reason" name="reason" rows="3" maxlength="500" required
                    aria-invalid=invalid(error, "reason") aria-describedby="reason-error"></textarea>
                <FieldError error field="reason"/>
            </div>
            {(others > 0).then(|| view! {
                <label class="choice" for="ask-whole">
                    <input type="checkbox" id="ask-whole" name="whole_charge" value="1"/>
                    {format!(" The whole charge was a mistake: ask for its {others} other donation(s) back too")}
                </label>
            })}
            <button type="submit" class="button button-secondary">"Ask for a refund"</button>
        </form>
    });
    view! {
        <section class="panel" aria-labelledby="refund-title" id="trail-refund">
            <h2 id="refund-title">"Refund"</h2>
            {asked.then(|| view! {
                <div class="alert alert-success" role="status">"Your request is sent. The page's owner is emailed and you will hear back by email."</div>
            })}
            {has_refunds.then(|| view! { <ul class="facts" id="trail-refunds">{refunds}</ul> })}
            {request}
            {form}
        </section>
    }
}
