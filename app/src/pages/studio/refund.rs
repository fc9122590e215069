//! `/studio/p/:id/refund/:item`: the confirmation before a page's owner refunds one donation.
//! It says what the supporter gets back, what the page loses, who bears the card fee the
//! processor keeps, and that money already paid out comes out of the next payout. The form
//! is a plain post, so it works before the WebAssembly loads.

use super::{id_param, load_failed};
use crate::api::refunds::{RefundDonation, get_refund_preview};
use crate::components::form::{CsrfField, FieldError, FormAlert, action_error, invalid};
use crate::error::AppError;
use crate::model::format_money;
use crate::model::trail::RefundPreview;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RefundPage() -> impl IntoView {
    let id = id_param("id");
    let item = id_param("item");
    let data = Resource::new(
        move || (id.get(), item.get()),
        |(id, item)| async move {
            match (id, item) {
                (Some(id), Some(item)) => get_refund_preview(id, item).await,
                _ => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="page">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) => view! { <RefundView p/> }.into_any(),
                    Err(e) => load_failed(e, format!(
                        "/studio/p/{}/refund/{}",
                        id.get_untracked().unwrap_or_default(),
                        item.get_untracked().unwrap_or_default()
                    )),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RefundView(p: RefundPreview) -> impl IntoView {
    let refund = ServerAction::<RefundDonation>::new();
    let error = action_error(refund.value());
    let c = p.currency.clone();
    let money = move |m: i64| format_money(m, &c);
    let back = format!("/studio/p/{}/supporters", p.recipient_id);
    let paid_note = p.paid_out.then(|| {
        view! {
            <li id="refund-paid-out">"Part of this donation was already paid out to you, so it comes out of your next payout."</li>
        }
    });
    view! {
        <Title text=format!("Refund a donation: {}", p.page_name)/>
        <section class="page studio">
            <p><a href=back.clone()>{format!("← Supporters of {}", p.page_name)}</a></p>
            <header class="page-head">
                <h1>"Refund a donation"</h1>
                <p class="lead">{format!("{} gave this donation on {}.", p.supporter, crate::model::day_label(&p.charged_on))}</p>
            </header>
            <ul class="facts" id="refund-facts">
                <li id="refund-supporter-gets">{format!("The supporter gets back {}.", money(p.refund_minor))}</li>
                <li id="refund-page-loses">{format!("Your page loses {} (what it received after fees).", money(p.page_loses_minor))}</li>
                <li id="refund-fee">{format!(
                    "The card fee of {} is not returned by the payment processor; Chipin bears it, not you.",
                    money(p.fee_kept_minor)
                )}</li>
                {paid_note}
                <li>"Their bank usually shows the refund within 5–10 business days. This cannot be undone."</li>
            </ul>
            {match p.refused.clone() {
                Some(why) => view! { <div class="alert alert-error" role="alert" id="refund-refused">{why}</div> }.into_any(),
                None => view! {
                    <form method="post" action="/api/refunds/refund_donation" class="stack" novalidate>
                        <CsrfField/>
                        <input type="hidden" name="recipient_id" value=p.recipient_id.to_string()/>
                        <input type="hidden" name="item_id" value=p.item_id.to_string()/>
                        <FormAlert error/>
                        <div class="field">
                            <label for="refund-reason">"Why"</label>
                            <select id="refund-reason" name="reason" required
                                aria-invalid=invalid(error, "reason") aria-describedby="reason-error">
                                <option value="">"Choose a reason"</option>
                                {p.reasons.iter().map(|(code, label)| view! {
                                    <option value=code.clone()>{label.clone()}</option>
                                }).collect_view()}
                            </select>
                            <FieldError error field="reason"/>
                        </div>
                        <div class="field">
                            <label for="refund-note">"Note (optional)"</label>
                            <textarea id="refund-note" name="note" maxlength="500" rows="3"
                                aria-invalid=invalid(error, "note") aria-describedby="note-error"></textarea>
                            <FieldError error field="note"/>
                        </div>
                        <button type="submit" class="button button-danger">
                            {format!("Refund {}", money(p.refund_minor))}
                        </button>
                        " "
                        <a class="button button-secondary" href=back>"Keep the donation"</a>
                    </form>
                }.into_any(),
            }}
        </section>
    }
}
