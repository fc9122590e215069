//! `/studio`: the caller's pages; `/studio/new`: create one.

use super::{kind_name, load_failed};
use crate::api::studio::{CreatePage, get_my_pages};
use crate::components::form::{CsrfField, FieldError, FormAlert, action_error, invalid};
use crate::error::AppError;
use crate::i18n::num;
use crate::model::RecipientKind;
use crate::model::studio::{StudioSummary, categories, category_name};
use crate::money::Currency;
use crate::t;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn StudioHome() -> impl IntoView {
    let pages = Resource::new(|| (), |_| get_my_pages());
    view! {
        <Title text=t!("studio-title")/>
        <section class="page">
            <header class="page-head">
                <h1>{t!("studio-title")}</h1>
                <p class="lead">{t!("studio-home-lead")}</p>
            </header>
            <Suspense fallback=|| view! { <p>{t!("studio-loading")}</p> }>
                {move || Suspend::new(async move {
                    match pages.await {
                        Ok(list) => view! { <PageList list/> }.into_any(),
                        Err(e) => load_failed(e, "/studio".to_owned()),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn PageList(list: Vec<StudioSummary>) -> impl IntoView {
    let empty = list.is_empty();
    view! {
        {empty.then(|| view! {
            <p class="muted">{t!("studio-home-empty")}</p>
        })}
        <ul class="card-grid">
            {list.into_iter().map(|p| {
                let edit = format!("/studio/p/{}", p.id);
                let public = format!("/c/{}", p.slug);
                view! {
                    <li class="card">
                        <p class="card-meta">
                            <span class=format!("badge badge-{}", p.kind.label().to_lowercase())>{kind_name(p.kind)}</span> // i18n: not for people
                            <span class="muted">{p.currency.clone()}</span>
                        </p>
                        <h2 class="card-title"><a href=edit>{p.name.clone()}</a></h2>
                        <p class="muted">{t!("studio-home-counts", tiers = num(p.active_tiers), posts = num(p.posts))}</p>
                        <p class="card-foot"><a href=public>{format!("chipin/c/{}", p.slug)}</a></p>
                    </li>
                }
            }).collect_view()}
        </ul>
        <p class="hero-actions start"><a class="button" href="/studio/new">{t!("studio-create-page")}</a></p>
    }
    .into_any()
}

/// `/studio/new`.
#[component]
pub fn NewPagePage() -> impl IntoView {
    let action = ServerAction::<CreatePage>::new();
    let error = action_error(action.value());
    view! {
        <Title text=t!("studio-create-page")/>
        <section class="page narrow">
            <p><a href="/studio">{t!("studio-back-to-studio")}</a></p>
            <h1>{t!("studio-create-page")}</h1>
            <p class="lead">{t!("studio-new-lead")}</p>
            <form method="post" action="/api/studio/create_page" class="stack" novalidate>
                <CsrfField/>
                <FormAlert error/>
                <fieldset class="choices compact" aria-describedby="kind-error">
                    <legend>{t!("studio-new-kind")}</legend>
                    <label class="choice" for="kind-creator">
                        <input type="radio" id="kind-creator" name="kind" value="creator" checked/>
                        <span>{t!("studio-new-kind-creator")}</span>
                    </label>
                    <label class="choice" for="kind-cause">
                        <input type="radio" id="kind-cause" name="kind" value="cause"/>
                        <span>{t!("studio-new-kind-cause")}</span>
                    </label>
                    <FieldError error field="kind"/>
                </fieldset>
                <PageFields error values=PageValues::default() kind=None/>
                <div class="field">
                    <label for="currency">{t!("studio-currency")}</label>
                    <select id="currency" name="currency" aria-describedby="currency-help currency-error"
                        aria-invalid=invalid(error, "currency")>
                        {Currency::ALL.into_iter().map(|c| view! { <option value=c.code()>{c.code()}</option> }).collect_view()}
                    </select>
                    <p class="help" id="currency-help">{t!("studio-currency-help")}</p>
                    <FieldError error field="currency"/>
                </div>
                <div class="field">
                    <label for="bio">{t!("studio-bio")}</label>
                    <textarea id="bio" name="bio" rows="8" aria-describedby="bio-help bio-error"
                        aria-invalid=invalid(error, "bio")></textarea>
                    <p class="help" id="bio-help">{t!("studio-new-bio-help")}</p>
                    <FieldError error field="bio"/>
                </div>
                <button type="submit" class="button">{t!("studio-new-submit")}</button>
            </form>
        </section>
    }
}

/// What the page fields start with.
#[derive(Clone, Debug, Default)]
pub struct PageValues {
    pub slug: String,
    pub name: String,
    pub tagline: String,
    pub category: String,
    pub goal: String,
    pub deadline: String,
}

/// The fields a page has on creation and when edited.
#[component]
pub fn PageFields(
    error: Signal<Option<AppError>>,
    values: PageValues,
    /// The page's kind when editing; `None` on creation, which asks for everything.
    kind: Option<RecipientKind>,
) -> impl IntoView {
    let show_deadline = kind != Some(RecipientKind::Creator);
    let deadline_label = if kind.is_none() {
        t!("studio-field-deadline-new")
    } else {
        t!("studio-field-deadline")
    };
    let (goal_label, goal_help) = match kind {
        None => (t!("studio-field-goal"), t!("studio-field-goal-help")),
        Some(RecipientKind::Creator) => (
            t!("studio-field-goal-creator"),
            t!("studio-field-goal-creator-help"),
        ),
        Some(RecipientKind::Cause) => (
            t!("studio-field-goal-cause"),
            t!("studio-field-goal-cause-help"),
        ),
    };
    let PageValues {
        slug,
        name,
        tagline,
        category,
        goal,
        deadline,
    } = values;
    view! {
        <div class="field">
            <label for="name">{t!("studio-field-name")}</label>
            <input id="name" name="name" value=name maxlength="80" required autocomplete="off"
                aria-invalid=invalid(error, "name") aria-describedby="name-error"/>
            <FieldError error field="name"/>
        </div>
        <div class="field">
            <label for="slug">{t!("studio-field-slug")}</label>
            <input id="slug" name="slug" value=slug maxlength="40" required autocomplete="off"
                autocapitalize="none" spellcheck="false"
                aria-invalid=invalid(error, "slug") aria-describedby="slug-help slug-error"/>
            <p class="help" id="slug-help">{t!("studio-field-slug-help")}</p>
            <FieldError error field="slug"/>
        </div>
        <div class="field">
            <label for="tagline">{t!("studio-field-tagline")}</label>
            <input id="tagline" name="tagline" value=tagline maxlength="140" autocomplete="off"
                aria-invalid=invalid(error, "tagline") aria-describedby="tagline-error"/>
            <FieldError error field="tagline"/>
        </div>
        <div class="field">
            <label for="category">{t!("studio-field-category")}</label>
            <select id="category" name="category" aria-invalid=invalid(error, "category") aria-describedby="category-error">
                {categories().map(|c| {
                    let selected = category == c;
                    view! { <option value=c selected=selected>{category_name(c)}</option> }
                }).collect_view()}
            </select>
            <FieldError error field="category"/>
        </div>
        <div class="field">
            <label for="goal">{goal_label}</label>
            <input id="goal" name="goal" value=goal inputmode="decimal" autocomplete="off"
                aria-invalid=invalid(error, "goal") aria-describedby="goal-help goal-error"/>
            <p class="help" id="goal-help">{goal_help}</p>
            <FieldError error field="goal"/>
        </div>
        {show_deadline.then(|| view! {
            <div class="field">
                <label for="deadline">{deadline_label}</label>
                <input id="deadline" name="deadline" type="date" value=deadline
                    aria-invalid=invalid(error, "deadline") aria-describedby="deadline-error"/>
                <FieldError error field="deadline"/>
            </div>
        })}
    }
    .into_any()
}
