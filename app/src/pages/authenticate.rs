//! `/account/billing/authenticate/:charge_id`: the page a "confirm your payment" email links
//! to. It shows the waiting charge with its donations and lets the supporter answer their
//! bank's request; once the charge has left that state it shows what became of it.
//!
//! With Stripe, the answer is given in Stripe's own window: the page loads Stripe.js and
//! `/stripe-confirm.js` (a small script that needs no WebAssembly), whose "Confirm payment"
//! button confirms the PaymentIntent and then goes to the return address, where the server
//! settles the charge. The Content-Security-Policy allows Stripe's origins on this page only.

use crate::api::pledges::{AuthenticateCharge, get_charge_authentication};
use crate::components::form::{CsrfField, FieldError, FormAlert, action_error};
use crate::components::meta::PageMeta;
use crate::error::AppError;
use crate::i18n::arg;
use crate::model::{
    ChargeAuthentication, ChargeStatus, ConfirmWith, StripeConfirmation, day_label, format_money,
};
use crate::pages::billing::PastChargeView;
use crate::pages::not_found::ErrorPanel;
use crate::t;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn AuthenticatePage() -> impl IntoView {
    let params = use_params_map();
    let id =
        Memo::new(move |_| params.with(|p| p.get("charge_id").and_then(|s| s.parse::<i64>().ok())));
    let data = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_charge_authentication(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <PageMeta title=t!("bill-auth-title") description=t!("bill-auth-description")/>
        <section class="page">
            <p><a href="/account/billing">{t!("bill-back-arrow")}</a></p>
            <Suspense fallback=|| view! { <p>{t!("acct-loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(a) => view! { <AuthenticationView a/> }.into_any(),
                        Err(AppError::Unauthenticated) => {
                            let next = format!(
                                "/login?next=/account/billing/authenticate/{}",
                                id.get_untracked().unwrap_or_default()
                            );
                            view! { <Redirect path=next/> }.into_any()
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
fn AuthenticationView(a: ChargeAuthentication) -> impl IntoView {
    let query = use_query_map();
    let result = query.with_untracked(|q| q.get("result"));
    let c = &a.charge;
    let amount = format_money(c.amount_minor, &c.currency);
    let notice = result.and_then(|r| {
        Some(match r.as_str() {
            "paid" => ("alert-success", t!("bill-auth-paid", amount = arg(&amount))),
            "declined" => ("alert-error", t!("bill-auth-declined")),
            "settled" => ("alert-warning", t!("bill-auth-settled")),
            "waiting" => ("alert-warning", t!("bill-auth-waiting")),
            "unreachable" => ("alert-warning", t!("bill-auth-unreachable")),
            "processing" => ("alert-success", t!("bill-auth-processing")),
            _ => return None,
        })
    });
    let status_note = match c.status {
        ChargeStatus::RequiresAction => None,
        ChargeStatus::Succeeded => Some(t!("bill-auth-status-paid")),
        ChargeStatus::Failed => Some(t!("bill-auth-status-declined")),
        ChargeStatus::Processing => Some(t!("bill-auth-status-processing")),
        ChargeStatus::Pending | ChargeStatus::CarriedForward => {
            Some(t!("bill-auth-status-not-needed"))
        }
    };
    let charge_id = c.id;
    let date = day_label(&c.day);
    view! {
        <header class="page-head">
            <h1>{t!("bill-auth-title")}</h1>
            {match c.status {
                ChargeStatus::RequiresAction => view! {
                    <p class="lead">{t!("bill-auth-lead-waiting", amount = arg(&amount), date = arg(&date))}</p>
                }.into_any(),
                _ => view! { <p class="lead">{t!("bill-auth-lead", amount = arg(&amount), date = arg(&date))}</p> }.into_any(),
            }}
        </header>
        {notice.map(|(class, text)| view! { <div class=format!("alert {class}") role="status">{text}</div> })} // i18n: not for people (class names)
        {status_note.map(|n| view! { <p class="charge-status-note">{n}</p> })}
        <PastChargeView charge=a.charge.clone()/>
        {a.confirm_with.clone().map(|how| match how {
            ConfirmWith::SimulatedChallenge => view! { <SimulatedChallenge charge_id/> }.into_any(),
            ConfirmWith::StripeJs(confirmation) => view! { <StripeConfirm confirmation/> }.into_any(),
        })}
        <p><a href="/account/billing">{t!("bill-back-to-billing")}</a></p>
    }
    .into_any()
}

/// The simulated processor's stand-in for the bank's authentication window.
#[component]
fn SimulatedChallenge(charge_id: i64) -> impl IntoView {
    let action = ServerAction::<AuthenticateCharge>::new();
    let error = action_error(action.value());
    view! {
        <section class="panel" aria-labelledby="challenge-title">
            <h2 id="challenge-title">{t!("bill-auth-challenge-heading")}</h2>
            <form method="post" action="/api/authenticate_charge" class="stack checkout" novalidate>
                <CsrfField/>
                <input type="hidden" name="charge_id" value=charge_id.to_string()/>
                <div class="test-mode" role="note">
                    <span class="test-mode-tag">{t!("bill-test-mode")}</span>
                    <span>{t!("bill-auth-simulated")}</span>
                </div>
                <FormAlert error/>
                <FieldError error field="answer"/>
                <div class="button-row">
                    <button type="submit" class="button" name="answer" value="pass">{t!("bill-auth-pass")}</button>
                    <button type="submit" class="button button-secondary" name="answer" value="fail">{t!("bill-auth-fail")}</button>
                </div>
            </form>
        </section>
    }
    .into_any()
}

/// Stripe's window for the bank's check, opened by Stripe.js from `/stripe-confirm.js`, which
/// reads what it needs from this panel's `data-` attributes.
#[component]
fn StripeConfirm(confirmation: StripeConfirmation) -> impl IntoView {
    let StripeConfirmation {
        publishable_key,
        client_secret,
        payment_method,
        return_url,
    } = confirmation;
    view! {
        <section
            class="panel"
            aria-labelledby="confirm-title"
            id="stripe-confirm"
            data-publishable-key=publishable_key
            data-client-secret=client_secret
            data-payment-method=payment_method.unwrap_or_default()
            data-return-url=return_url
            data-message-unloaded=t!("bill-auth-stripe-unloaded")
            data-message-failed=t!("bill-auth-stripe-failed")
        >
            <h2 id="confirm-title">{t!("bill-auth-stripe-heading")}</h2>
            <p>{t!("bill-auth-stripe-lead")}</p>
            <p class="muted">{t!("bill-auth-stripe-js")}</p>
            <div class="alert alert-error" role="alert" data-stripe-message="" hidden=true></div>
            <div class="button-row">
                <button type="button" class="button" data-stripe-confirm="">{t!("bill-auth-confirm-payment")}</button>
            </div>
        </section>
        <script src="https://js.stripe.com/v3/"></script>
        <script src="/stripe-confirm.js"></script>
    }
    .into_any()
}
