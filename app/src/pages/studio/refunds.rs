//! `/studio/p/:id/refunds`: what the page's owner answers and watches about money going back.
//! Supporters' refund requests (approve refunds the donation; decline needs a reason the
//! supporter is emailed), disputes (chargebacks) touching the page's donations with what they
//! hold and the evidence deadline, and the latest donations with their refunds. Every form is
//! a plain post, so the page works before the WebAssembly loads.

use super::{id_param, load_failed};
use crate::api::refunds::{ApproveRefundRequest, DeclineRefundRequest, get_refunds_studio};
use crate::components::donations::PageDonations;
use crate::components::form::{CsrfField, FormAlert, action_error};
use crate::error::AppError;
use crate::model::format_money;
use crate::model::trail::{PageDispute, RefundRequestRow, RefundsStudio};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn RefundsStudioPage() -> impl IntoView {
    let id = id_param("id");
    let data = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_refunds_studio(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="page">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(r) => view! { <RefundsView r/> }.into_any(),
                    Err(e) => load_failed(e, format!("/studio/p/{}/refunds", id.get_untracked().unwrap_or_default())),
                }
            })}
        </Suspense>
    }
}

fn status_label(status: &str) -> (&'static str, &'static str) {
    match status {
        "open" => ("Waiting for you", "wait"),
        "refunded" => ("Refunded", "ok"),
        _ => ("Declined", "off"),
    }
}

#[component]
fn RefundsView(r: RefundsStudio) -> impl IntoView {
    let approve = ServerAction::<ApproveRefundRequest>::new();
    let decline = ServerAction::<DeclineRefundRequest>::new();
    let approve_error = action_error(approve.value());
    let decline_error = action_error(decline.value());
    let done = use_query_map().with_untracked(|q| q.get("done"));
    let base = format!("/studio/p/{}", r.recipient_id);
    let recipient = r.recipient_id;
    let open = r.requests.iter().filter(|q| q.status == "open").count();
    let requests = if r.requests.is_empty() {
        view! { <p class="muted">"No supporter has asked for a refund."</p> }.into_any()
    } else {
        view! {
            <ul class="request-list">
                {r.requests.into_iter().map(|q| view! { <RequestItem q recipient/> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let disputes = if r.disputes.is_empty() {
        view! { <p class="muted">"No disputes touch this page's donations."</p> }.into_any()
    } else {
        view! {
            <ul class="request-list" id="disputes">
                {r.disputes.into_iter().map(|d| view! { <DisputeItem d/> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <Title text=format!("Refunds: {}", r.name)/>
        <section class="page studio">
            <p><a href=base.clone()>{format!("← {}", r.name)}</a></p>
            <header class="page-head">
                <h1>"Refunds and disputes"</h1>
                <p class="lead">"Approving a request refunds the whole donation; the card fee the processor keeps is borne by Chipin, not you. Money already paid out comes out of your next payout."</p>
            </header>
            {done.map(|d| {
                let text = if d == "declined" {
                    "Request declined. The supporter is emailed your reason."
                } else {
                    "Refunded. The supporter's bank usually shows it within 5–10 business days."
                };
                view! { <div class="alert alert-success" role="status" id="request-done">{text}</div> }
            })}
            <FormAlert error=approve_error/>
            <FormAlert error=decline_error/>
            <section class="panel" aria-labelledby="requests-title">
                <h2 id="requests-title">{format!("Refund requests ({open} open)")}</h2>
                {requests}
            </section>
            <section class="panel" aria-labelledby="disputes-title">
                <h2 id="disputes-title">"Disputes"</h2>
                <p class="muted">"A dispute (chargeback) is the supporter's bank taking the payment back. While it is open, what the charge paid your page is held: it stays in your balance but is not paid out."</p>
                {disputes}
            </section>
            <section class="panel" aria-labelledby="donations-title">
                <h2 id="donations-title">"Latest donations"</h2>
                <PageDonations recipient_id=recipient rows=r.donations title_id="donations-title"/>
            </section>
        </section>
    }
    .into_any()
}

#[component]
fn RequestItem(q: RefundRequestRow, recipient: i64) -> impl IntoView {
    let (label, css) = status_label(&q.status);
    let is_open = q.status == "open";
    let id = q.id;
    let reason_id = format!("decline-reason-{id}");
    let declined = (q.status == "declined").then(|| {
        view! { <p class="muted">{format!("You declined: {}", q.decline_reason)}</p> }
    });
    view! {
        <li class="request" id=format!("request-{id}")>
            <p>
                <span class=format!("badge status-{css}")>{label}</span>
                " "
                <strong>{format!("Donation #{} · {}", q.item_id, format_money(q.gross_minor, &q.currency))}</strong>
                <span class="muted">{format!(" asked on {}", crate::model::day_label(&q.asked_on))}</span>
            </p>
            {q.whole_charge.then(|| view! { <p class="muted">"Part of a request for a whole charge given by mistake."</p> })}
            <blockquote class="request-reason">{q.reason.clone()}</blockquote>
            {declined}
            {is_open.then(|| view! {
                <div class="request-actions">
                    <form method="post" action="/api/refunds/approve" class="inline-form">
                        <CsrfField/>
                        <input type="hidden" name="recipient_id" value=recipient.to_string()/>
                        <input type="hidden" name="request_id" value=id.to_string()/>
                        <button type="submit" class="button button-danger">
                            {format!("Approve and refund {}", format_money(q.gross_minor, &q.currency))}
                        </button>
                    </form>
                    <form method="post" action="/api/refunds/decline" class="stack decline-form" novalidate>
                        <CsrfField/>
                        <input type="hidden" name="recipient_id" value=recipient.to_string()/>
                        <input type="hidden" name="request_id" value=id.to_string()/>
                        <div class="field">
                            <label for=reason_id.clone()>"Reason for declining (sent to the supporter)"</label>
                            <textarea id=reason_id name="reason" rows="2" maxlength="500" required></textarea>
                        </div>
                        <button type="submit" class="button button-secondary">"Decline"</button>
                    </form>
                </div>
            })}
        </li>
    }
}

#[component]
fn DisputeItem(d: PageDispute) -> impl IntoView {
    let status = d.status.replace('_', " ");
    let closed = matches!(d.status.as_str(), "won" | "lost" | "warning_closed");
    let held = if d.held_minor > 0 {
        format!(
            "{} held from your payouts",
            format_money(d.held_minor, &d.currency)
        )
    } else if d.status == "lost" {
        "Lost: the supporter's bank kept the payment".to_owned()
    } else {
        "Nothing held".to_owned()
    };
    view! {
        <li class="request dispute">
            <p>
                <span class=format!("badge status-{}", if closed { "off" } else { "bad" })>{status}</span>
                " "
                <strong>{held}</strong>
            </p>
            <p class="muted">
                {format!("Charge of {}; disputed on {}", crate::model::day_label(&d.charged_on), crate::model::day_label(&d.opened_on))}
                {(!d.reason.is_empty()).then(|| format!(" ({})", d.reason.replace('_', " ")))}
                "."
            </p>
            {d.evidence_due.filter(|_| !closed).map(|due| view! {
                <p>{format!("Evidence due by {}. Chipin answers the processor; reply to Chipin's email with anything that shows the supporter meant to give.", crate::model::day_label(&due))}</p>
            })}
        </li>
    }
}
