//! `/studio/p/:id/refund/:item`: the confirmation before a page's owner refunds one donation.
//! It says what the supporter gets back, what the page loses, who bears the card fee the
//! processor keeps, and that money already paid out comes out of the next payout. The form
//! is a plain post, so it works before the WebAssembly loads.

use super::{id_param, load_failed};
use crate::api::refunds::{RefundDonation, get_refund_preview};
use crate::components::donations::refund_reason;
use crate::components::form::{CsrfField, FieldError, FormAlert, action_error, invalid};
use crate::error::AppError;
use crate::i18n::arg;
use crate::model::format_money;
use crate::model::trail::RefundPreview;
use crate::t;
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
        <Suspense fallback=|| view! { <p class="page">{t!("studio-loading")}</p> }>
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
            <li id="refund-paid-out">{t!("studio-refund-paid-out")}</li>
        }
    });
    view! {
        <Title text=t!("studio-refund-title", name = arg(&p.page_name))/>
        <section class="page studio">
            <p><a href=back.clone()>{t!("studio-refund-back", name = arg(&p.page_name))}</a></p>
            <header class="page-head">
                <h1>{t!("studio-refund-heading")}</h1>
                <p class="lead">{t!("studio-refund-lead", supporter = arg(p.supporter.clone().unwrap_or_else(|| t!("studio-refund-a-supporter"))), day = arg(crate::model::day_label(&p.charged_on)))}</p>
            </header>
            <ul class="facts" id="refund-facts">
                <li id="refund-supporter-gets">{t!("studio-refund-supporter-gets", amount = arg(money(p.refund_minor)))}</li>
                <li id="refund-page-loses">{t!("studio-refund-page-loses", amount = arg(money(p.page_loses_minor)))}</li>
                <li id="refund-fee">{t!("studio-refund-fee", amount = arg(money(p.fee_kept_minor)))}</li>
                {paid_note}
                <li>{t!("studio-refund-timing")}</li>
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
                            <label for="refund-reason">{t!("studio-refund-why")}</label>
                            <select id="refund-reason" name="reason" required
                                aria-invalid=invalid(error, "reason") aria-describedby="reason-error">
                                <option value="">{t!("studio-refund-choose")}</option>
                                {p.reasons.iter().map(|code| view! {
                                    <option value=code.clone()>{refund_reason(code)}</option>
                                }).collect_view()}
                            </select>
                            <FieldError error field="reason"/>
                        </div>
                        <div class="field">
                            <label for="refund-note">{t!("studio-refund-note")}</label>
                            <textarea id="refund-note" name="note" maxlength="500" rows="3"
                                aria-invalid=invalid(error, "note") aria-describedby="note-error"></textarea>
                            <FieldError error field="note"/>
                        </div>
                        <button type="submit" class="button button-danger">
                            {t!("studio-refund-submit", amount = arg(money(p.refund_minor)))}
                        </button>
                        " "
                        <a class="button button-secondary" href=back>{t!("studio-refund-keep")}</a>
                    </form>
                }.into_any(),
            }}
        </section>
    }
}
