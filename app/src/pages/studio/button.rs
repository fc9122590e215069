//! `/studio/p/:id/button`: the page's chip-in button. The owner picks amounts, a label, light
//! or dark, a button or a panel; the form is a plain GET to this same page, which shows the
//! button as visitors will see it (the real framed button) and the snippet to paste, so it
//! works without WebAssembly and nothing is saved: the snippet carries every choice.

use super::{id_param, load_failed};
use crate::api::button::get_button_studio;
use crate::error::AppError;
use crate::model::button::ButtonStudio;
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
        <Suspense fallback=|| view! { <p class="page">"Loading…"</p> }>
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
        <Title text=format!("Chip-in button: {}", b.name)/>
        <section class="page studio">
            <p><a href=back>{format!("← {}", b.name)}</a></p>
            <header class="page-head">
                <h1>"Chip-in button"</h1>
                <p class="lead">{format!(
                    "Paste a button on your site, blog or forum signature. Readers tip in one click; \
                     the tips join their next monthly charge, so even {} {} is worth sending.",
                    b.smallest, b.currency
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
    let choice = |name: &'static str, value: &'static str, text: &'static str, current: &str| {
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
                <label for="amounts">"Amounts"</label>
                <input id="amounts" name="amounts" value=b.amounts.clone() inputmode="decimal"
                    aria-invalid=amounts_error.is_some().then_some("true") aria-describedby="amounts-help amounts-error"/>
                <p class="help" id="amounts-help">{format!(
                    "Up to 5 amounts in {}, separated by commas; the smallest is {}.",
                    b.currency, b.smallest
                )}</p>
                {amounts_error.map(|m| view! { <p class="field-error" id="amounts-error" role="alert">{m}</p> })}
            </div>
            <div class="field">
                <label for="label">"Label"</label>
                <input id="label" name="label" value=b.label.clone() maxlength="40"
                    aria-invalid=label_error.is_some().then_some("true") aria-describedby="label-error"/>
                {label_error.map(|m| view! { <p class="field-error" id="label-error" role="alert">{m}</p> })}
            </div>
            <fieldset class="choices">
                <legend>"Colours"</legend>
                {choice("theme", "light", "Light", &b.theme)}
                {choice("theme", "dark", "Dark", &b.theme)}
            </fieldset>
            <fieldset class="choices">
                <legend>"Shape"</legend>
                {choice("layout", "compact", "Button (first amount)", &b.layout)}
                {choice("layout", "panel", "Panel (amounts, tiers, goal)", &b.layout)}
            </fieldset>
            <button type="submit" class="button">"Update preview"</button>
        </form>
    }
    .into_any()
}

#[component]
fn ButtonPreview(b: ButtonStudio) -> impl IntoView {
    let frame_height = if b.layout == "panel" { "320" } else { "64" };
    view! {
        <section class="panel" aria-labelledby="button-preview-title">
            <h2 id="button-preview-title">"Preview"</h2>
            <iframe class="button-preview" src=b.frame_src.clone() title="Chip-in button preview"
                sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"
                height=frame_height></iframe>
            <p class="help">"Without JavaScript, readers see this badge linking to a tip of the first amount:"</p>
            <img src=b.badge_src.clone() alt="Your page's badge" class="badge-preview"/>
        </section>
    }
    .into_any()
}

#[component]
fn SnippetPanel(b: ButtonStudio) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="snippet-title">
            <h2 id="snippet-title">"Copy this into your page"</h2>
            <textarea id="snippet" class="snippet" readonly rows="6" aria-label="Snippet to paste">{b.snippet.clone()}</textarea>
            <p class="help">"Badges for READMEs and forums: "
                <code>{format!("{}?show=supporters", b.badge_src)}</code> ", "
                <code>"?show=monthly"</code> ", " <code>"?show=goal"</code> "."</p>
        </section>
    }
    .into_any()
}
