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
use crate::i18n::{arg, num};
use crate::model::format_money;
use crate::model::trail::{PageDispute, RefundRequestRow, RefundsStudio};
use crate::t;
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
        <Suspense fallback=|| view! { <p class="page">{t!("studio-loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(r) => view! { <RefundsView r/> }.into_any(),
                    Err(e) => load_failed(e, format!("/studio/p/{}/refunds", id.get_untracked().unwrap_or_default())),
                }
            })}
        </Suspense>
    }
}

fn status_label(status: &str) -> (String, &'static str) {
    match status {
        "open" => (t!("studio-request-open"), "wait"),
        "refunded" => (t!("studio-request-refunded"), "ok"),
        _ => (t!("studio-request-declined"), "off"),
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
        view! { <p class="muted">{t!("studio-requests-none")}</p> }.into_any()
    } else {
        view! {
            <ul class="request-list">
                {r.requests.into_iter().map(|q| view! { <RequestItem q recipient/> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let disputes = if r.disputes.is_empty() {
        view! { <p class="muted">{t!("studio-disputes-none")}</p> }.into_any()
    } else {
        view! {
            <ul class="request-list" id="disputes">
                {r.disputes.into_iter().map(|d| view! { <DisputeItem d/> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <Title text=t!("studio-refunds-title", name = arg(&r.name))/>
        <section class="page studio">
            <p><a href=base.clone()>{t!("studio-back", name = arg(&r.name))}</a></p>
            <header class="page-head">
                <h1>{t!("studio-refunds-heading")}</h1>
                <p class="lead">{t!("studio-refunds-lead")}</p>
            </header>
            {done.map(|d| {
                let text = if d == "declined" {
                    t!("studio-refunds-declined")
                } else {
                    t!("studio-refunds-refunded")
                };
                view! { <div class="alert alert-success" role="status" id="request-done">{text}</div> }
            })}
            <FormAlert error=approve_error/>
            <FormAlert error=decline_error/>
            <section class="panel" aria-labelledby="requests-title">
                <h2 id="requests-title">{t!("studio-requests-title", count = num(open as i64))}</h2>
                {requests}
            </section>
            <section class="panel" aria-labelledby="disputes-title">
                <h2 id="disputes-title">{t!("studio-disputes")}</h2>
                <p class="muted">{t!("studio-disputes-help")}</p>
                {disputes}
            </section>
            <section class="panel" aria-labelledby="donations-title">
                <h2 id="donations-title">{t!("studio-latest-donations")}</h2>
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
        view! { <p class="muted">{t!("studio-request-you-declined", reason = arg(&q.decline_reason))}</p> }
    });
    view! {
        <li class="request" id=format!("request-{id}")>
            <p>
                <span class=format!("badge status-{css}")>{label}</span> // i18n: not for people
                " "
                <strong>{t!("studio-request-donation", item = arg(q.item_id.to_string()), amount = arg(format_money(q.gross_minor, &q.currency)))}</strong>
                <span class="muted">" "{t!("studio-request-asked", day = arg(crate::model::day_label(&q.asked_on)))}</span>
            </p>
            {q.whole_charge.then(|| view! { <p class="muted">{t!("studio-request-whole-charge")}</p> })}
            <blockquote class="request-reason">{q.reason.clone()}</blockquote>
            {declined}
            {is_open.then(|| view! {
                <div class="request-actions">
                    <form method="post" action="/api/refunds/approve" class="inline-form">
                        <CsrfField/>
                        <input type="hidden" name="recipient_id" value=recipient.to_string()/>
                        <input type="hidden" name="request_id" value=id.to_string()/>
                        <button type="submit" class="button button-danger">
                            {t!("studio-request-approve", amount = arg(format_money(q.gross_minor, &q.currency)))}
                        </button>
                    </form>
                    <form method="post" action="/api/refunds/decline" class="stack decline-form" novalidate>
                        <CsrfField/>
                        <input type="hidden" name="recipient_id" value=recipient.to_string()/>
                        <input type="hidden" name="request_id" value=id.to_string()/>
                        <div class="field">
                            <label for=reason_id.clone()>{t!("studio-request-decline-reason")}</label>
                            <textarea id=reason_id name="reason" rows="2" maxlength="500" required></textarea>
                        </div>
                        <button type="submit" class="button button-secondary">{t!("studio-request-decline")}</button>
                    </form>
                </div>
            })}
        </li>
    }
}

#[component]
fn DisputeItem(d: PageDispute) -> impl IntoView {
    let status = dispute_status(&d.status);
    let closed = matches!(d.status.as_str(), "won" | "lost" | "warning_closed");
    let held = if d.held_minor > 0 {
        t!(
            "studio-dispute-held",
            amount = arg(format_money(d.held_minor, &d.currency))
        )
    } else if d.status == "lost" {
        t!("studio-dispute-lost")
    } else {
        t!("studio-dispute-nothing-held")
    };
    view! {
        <li class="request dispute">
            <p>
                <span class=format!("badge status-{}", if closed { "off" } else { "bad" })>{status}</span> // i18n: not for people
                " "
                <strong>{held}</strong>
            </p>
            <p class="muted">
                {match dispute_reason(&d.reason) {
                    Some(reason) => t!(
                        "studio-dispute-dates-reason",
                        charged = arg(crate::model::day_label(&d.charged_on)),
                        opened = arg(crate::model::day_label(&d.opened_on)),
                        reason = arg(reason)
                    ),
                    None => t!(
                        "studio-dispute-dates",
                        charged = arg(crate::model::day_label(&d.charged_on)),
                        opened = arg(crate::model::day_label(&d.opened_on))
                    ),
                }}
            </p>
            {d.evidence_due.filter(|_| !closed).map(|due| view! {
                <p>{t!("studio-dispute-evidence", day = arg(crate::model::day_label(&due)))}</p>
            })}
        </li>
    }
}

/// A dispute's status (Stripe's words: `needs_response`, `won`…) in the reader's language.
fn dispute_status(status: &str) -> String {
    match status {
        "warning_needs_response" => t!("studio-dispute-status-warning-needs-response"),
        "warning_under_review" => t!("studio-dispute-status-warning-under-review"),
        "warning_closed" => t!("studio-dispute-status-warning-closed"),
        "needs_response" => t!("studio-dispute-status-needs-response"),
        "under_review" => t!("studio-dispute-status-under-review"),
        "won" => t!("studio-dispute-status-won"),
        "lost" => t!("studio-dispute-status-lost"),
        other => other.replace('_', " "),
    }
}

/// Why the supporter's bank says the payment is disputed, in the reader's language; `None`
/// when the processor gave no reason.
fn dispute_reason(reason: &str) -> Option<String> {
    Some(match reason {
        "" => return None,
        "fraudulent" => t!("studio-dispute-reason-fraudulent"),
        "duplicate" => t!("studio-dispute-reason-duplicate"),
        "subscription_canceled" => t!("studio-dispute-reason-subscription-canceled"),
        "product_not_received" => t!("studio-dispute-reason-product-not-received"),
        "product_unacceptable" => t!("studio-dispute-reason-product-unacceptable"),
        "credit_not_processed" => t!("studio-dispute-reason-credit-not-processed"),
        "unrecognized" => t!("studio-dispute-reason-unrecognized"),
        "general" => t!("studio-dispute-reason-general"),
        other => other.replace('_', " "),
    })
}
