//! `/chip-in/:slug?amount=…`: the small top-level window a chip-in button opens. A signed-in
//! supporter with a saved card sees the page, the amount and the fee share this tip will bear
//! in their next consolidated charge, and confirms in one click (a plain form post with the
//! CSRF token: nothing on the embedding site can send it). Without a session it offers to log
//! in or sign up and come back here; without a card, to add one and come back.
//!
//! `/chip-in/:slug/thanks?tip=…`: the thank-you page, with the undo button for a few minutes.

use crate::api::button::{ChipIn, UndoChipIn, get_chip_in, get_chip_in_receipt};
use crate::components::form::{CsrfField, FieldError, FormAlert, action_error};
use crate::components::meta::PageMeta;
use crate::error::AppError;
use crate::i18n::{arg, num};
use crate::model::button::{ChipInReceipt, ChipInView};
use crate::model::format_money;
use crate::pages::not_found::ErrorPanel;
use crate::pages::recipient::PreviewView;
use crate::t;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// This page's own address, to come back to after logging in or adding a card.
fn here(slug: &str, amount: &str) -> String {
    let amount: String = amount
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .take(20)
        .collect();
    format!("/chip-in/{slug}?amount={amount}")
}

/// The address with its `?` and `&` encoded, as the value of a `next=` parameter.
fn as_next(path: &str) -> String {
    path.replace('%', "%25")
        .replace('?', "%3F")
        .replace('&', "%26")
        .replace('=', "%3D")
}

#[component]
pub fn ChipInPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("slug").unwrap_or_default()));
    let amount = Memo::new(move |_| query.with(|q| q.get("amount").unwrap_or_default()));
    let data = Resource::new(
        move || (slug.get(), amount.get()),
        |(slug, amount)| get_chip_in(slug, amount),
    );
    view! {
        <PageMeta title=t!("give-chip-in") description=t!("give-chip-in-description")/>
        <section class="page narrow chip-in">
            <Suspense fallback=|| view! { <p>{t!("pub-loading")}</p> }>
                {move || Suspend::new(async move {
                    let back = here(&slug.get_untracked(), &amount.get_untracked());
                    match data.await {
                        Ok(v) => view! { <ConfirmView v back/> }.into_any(),
                        Err(AppError::Unauthenticated) => view! { <SignInFirst back/> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Not signed in: log in (or sign up) and come back to this very tip.
#[component]
fn SignInFirst(back: String) -> impl IntoView {
    let next = as_next(&back);
    view! {
        <h1>{t!("give-chip-in")}</h1>
        <p class="lead">{t!("give-chip-in-log-in-lead")}</p>
        <p class="hero-actions start">
            <a class="button" href=format!("/login?next={next}")>{t!("give-chip-in-log-in")}</a>
            <a class="button button-secondary" href=format!("/signup?next={next}")>{t!("pub-create-account")}</a>
        </p>
        <p class="muted">{t!("give-chip-in-come-back")}</p>
    }
}

#[component]
fn ConfirmView(v: ChipInView, back: String) -> impl IntoView {
    let action = ServerAction::<ChipIn>::new();
    let error = action_error(action.value());
    let amount = format_money(v.amount_minor, &v.currency);
    let page = format!("/c/{}", v.slug);
    if !v.has_card {
        let add = format!("/account/billing?next={}#payment-method", as_next(&back));
        return view! {
            <h1>{t!("give-chip-in-to", amount = arg(amount.as_str()), name = arg(v.name.as_str()))}</h1>
            <p class="lead">{t!("give-chip-in-add-card-lead")}</p>
            <p class="hero-actions start">
                <a class="button" href=add>{t!("give-chip-in-add-card")}</a>
                <a class="button button-secondary" href=page>{t!("give-chip-in-visit", name = arg(v.name.as_str()))}</a>
            </p>
        }
        .into_any();
    }
    view! {
        <h1>{t!("give-chip-in-amount", amount = arg(amount.as_str()))}</h1>
        <p class="lead">{t!("give-chip-in-recipient")}" "<a href=page>{v.name.clone()}</a></p>
        // The give forms' own fee preview: this tip's share of the next consolidated charge.
        {v.preview.clone().map(|preview| view! { <div class="chip-in-fee" id="chip-in-fee"><PreviewView preview/></div> })}
        <form method="post" action="/api/chip_in" class="stack" novalidate>
            <CsrfField/>
            <input type="hidden" name="slug" value=v.slug.clone()/>
            <input type="hidden" name="amount" value=v.amount.clone()/>
            <FormAlert error/>
            <FieldError error field="amount"/>
            <button type="submit" class="button chip-in-confirm">{t!("give-chip-in-confirm", amount = arg(amount.as_str()))}</button>
        </form>
        <p class="muted">{t!("give-chip-in-terms")}</p>
    }
    .into_any()
}

#[component]
pub fn ChipInThanksPage() -> impl IntoView {
    let query = use_query_map();
    let tip = Memo::new(move |_| query.with(|q| q.get("tip").and_then(|t| t.parse::<i64>().ok())));
    let data = Resource::new(
        move || tip.get(),
        |tip| async move {
            match tip {
                Some(t) => get_chip_in_receipt(t).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <PageMeta title=t!("give-thanks-title") description=t!("give-thanks-description")/>
        <section class="page narrow chip-in">
            <Suspense fallback=|| view! { <p>{t!("pub-loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(r) => view! { <ThanksView r/> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ThanksView(r: ChipInReceipt) -> impl IntoView {
    let action = ServerAction::<UndoChipIn>::new();
    let error = action_error(action.value());
    let amount = format_money(r.amount_minor, &r.currency);
    if r.removed {
        return view! {
            <h1>{t!("give-tip-undone")}</h1>
            <p class="lead" id="chip-in-result">{t!("give-tip-undone-lead", amount = arg(amount.as_str()), name = arg(r.recipient_name.as_str()))}</p>
            <p class="muted">{t!("give-close-window")}</p>
        }
        .into_any();
    }
    view! {
        <h1>{t!("give-thanks-heading")}</h1>
        <p class="lead" id="chip-in-result">{t!("give-thanks-lead", amount = arg(amount.as_str()), name = arg(r.recipient_name.as_str()))}</p>
        <FormAlert error/>
        {r.undoable.then(|| view! {
            <form method="post" action="/api/chip_in/undo" class="inline-form">
                <CsrfField/>
                <input type="hidden" name="tip_id" value=r.tip_id.to_string()/>
                <button type="submit" class="button button-secondary" id="chip-in-undo">
                    {t!("give-undo", minutes = num(r.undo_minutes))}
                </button>
            </form>
        })}
        <p class="muted"><a href="/account/billing#upcoming">{t!("give-see-next-charge")}</a></p>
    }
    .into_any()
}
