//! `/studio/p/:id/button`: the page's chip-in button. The owner picks amounts, a label, light
//! or dark, a button or a panel; the form is a plain GET to this same page, which shows the
//! button as visitors will see it (the real framed button) and the snippet to paste, so it
//! works without WebAssembly and nothing is saved: the snippet carries every choice.

use super::{id_param, load_failed};
use crate::api::button::get_button_studio;
use crate::error::AppError;
use crate::i18n::arg;
use crate::model::button::ButtonStudio;
use crate::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ButtonStudioPage() -> impl IntoView {
    let id = id_param("id");
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.get();
            (
                id.get(),
                q.get("amounts"),
                q.get("label"),
                q.get("theme"),
                q.get("layout"),
            )
        },
        |(id, amounts, label, theme, layout)| async move {
            match id {
                Some(id) => get_button_studio(id, amounts, label, theme, layout).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="page">{t!("studio-loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(b) => view! { <ButtonView b/> }.into_any(),
                    Err(e) => load_failed(e, format!("/studio/p/{}/button", id.get_untracked().unwrap_or_default())),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ButtonView(b: ButtonStudio) -> impl IntoView {
    let back = format!("/studio/p/{}", b.recipient_id);
    view! {
        <Title text=t!("studio-button-title", name = arg(&b.name))/>
        <section class="page studio">
            <p><a href=back>{t!("studio-back", name = arg(&b.name))}</a></p>
            <header class="page-head">
                <h1>{t!("studio-nav-button")}</h1>
                <p class="lead">{t!(
                    "studio-button-lead",
                    smallest = arg(&b.smallest),
                    currency = arg(&b.currency)
                )}</p>
            </header>
            <div class="studio-grid">
                <div class="studio-main"><ButtonForm b=b.clone()/></div>
                <aside class="studio-side"><ButtonPreview b=b.clone()/></aside>
            </div>
            <SnippetPanel b/>
        </section>
    }
    .into_any()
}

#[component]
fn ButtonForm(b: ButtonStudio) -> impl IntoView {
    let here = format!("/studio/p/{}/button", b.recipient_id);
    let error_for = |field: &str| {
        b.error
            .as_ref()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
    };
    let amounts_error = error_for("amounts");
    let label_error = error_for("label");
    let choice = |name: &'static str, value: &'static str, text: String, current: &str| {
        let id = format!("{name}-{value}");
        let for_id = id.clone();
        view! {
            <label class="choice" for=for_id>
                <input type="radio" id=id name=name value=value checked=current == value/>
                <span>{text}</span>
            </label>
        }
        .into_any()
    };
    view! {
        <form method="get" action=here class="stack panel" id="button-form">
            <div class="field">
                <label for="amounts">{t!("studio-button-amounts")}</label>
                <input id="amounts" name="amounts" value=b.amounts.clone() inputmode="decimal"
                    aria-invalid=amounts_error.is_some().then_some("true") aria-describedby="amounts-help amounts-error"/>
                <p class="help" id="amounts-help">{t!(
                    "studio-button-amounts-help",
                    currency = arg(&b.currency),
                    smallest = arg(&b.smallest)
                )}</p>
                {amounts_error.map(|m| view! { <p class="field-error" id="amounts-error" role="alert">{m}</p> })}
            </div>
            <div class="field">
                <label for="label">{t!("studio-button-label")}</label>
                <input id="label" name="label" value=b.label.clone() maxlength="40"
                    aria-invalid=label_error.is_some().then_some("true") aria-describedby="label-error"/>
                {label_error.map(|m| view! { <p class="field-error" id="label-error" role="alert">{m}</p> })}
            </div>
            <fieldset class="choices">
                <legend>{t!("studio-button-colours")}</legend>
                {choice("theme", "light", t!("studio-button-light"), &b.theme)}
                {choice("theme", "dark", t!("studio-button-dark"), &b.theme)}
            </fieldset>
            <fieldset class="choices">
                <legend>{t!("studio-button-shape")}</legend>
                {choice("layout", "compact", t!("studio-button-compact"), &b.layout)}
                {choice("layout", "panel", t!("studio-button-panel"), &b.layout)}
            </fieldset>
            <button type="submit" class="button">{t!("studio-button-update")}</button>
        </form>
    }
    .into_any()
}

#[component]
fn ButtonPreview(b: ButtonStudio) -> impl IntoView {
    let frame_height = if b.layout == "panel" { "320" } else { "64" };
    view! {
        <section class="panel" aria-labelledby="button-preview-title">
            <h2 id="button-preview-title">{t!("studio-preview")}</h2>
            <iframe class="button-preview" src=b.frame_src.clone() title=t!("studio-button-frame")
                sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"
                height=frame_height></iframe>
            <p class="help">{t!("studio-button-badge-help")}</p>
            <img src=b.badge_src.clone() alt=t!("studio-button-badge-alt") class="badge-preview"/>
        </section>
    }
    .into_any()
}

#[component]
fn SnippetPanel(b: ButtonStudio) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="snippet-title">
            <h2 id="snippet-title">{t!("studio-button-snippet")}</h2>
            <textarea id="snippet" class="snippet" readonly rows="6" aria-label=t!("studio-button-snippet-label")>{b.snippet.clone()}</textarea>
            <p class="help">{t!("studio-button-badges")} " "
                <code>{format!("{}?show=supporters", b.badge_src)}</code> ", "
                <code>"?show=monthly"</code> ", " <code>"?show=goal"</code> "."</p>
        </section>
    }
    .into_any()
}
