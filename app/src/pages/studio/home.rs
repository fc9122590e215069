//! `/studio`: the caller's pages; `/studio/new`: create one.

use super::load_failed;
use crate::api::studio::{CreatePage, get_my_pages};
use crate::components::form::{CsrfField, FieldError, FormAlert, action_error, invalid};
use crate::error::AppError;
use crate::model::RecipientKind;
use crate::model::studio::{CATEGORIES, StudioSummary};
use crate::money::Currency;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn StudioHome() -> impl IntoView {
    let pages = Resource::new(|| (), |_| get_my_pages());
    view! {
        <Title text="Studio"/>
        <section class="page">
            <header class="page-head">
                <h1>"Studio"</h1>
                <p class="lead">"Your creator and cause pages: details, tiers and posts."</p>
            </header>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
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
            <p class="muted">"You have no pages yet. Create one to start receiving pledges and tips."</p>
        })}
        <ul class="card-grid">
            {list.into_iter().map(|p| {
                let edit = format!("/studio/p/{}", p.id);
                let public = format!("/c/{}", p.slug);
                view! {
                    <li class="card">
                        <p class="card-meta">
                            <span class=format!("badge badge-{}", p.kind.label().to_lowercase())>{p.kind.label()}</span>
                            <span class="muted">{p.currency.clone()}</span>
                        </p>
                        <h2 class="card-title"><a href=edit>{p.name.clone()}</a></h2>
                        <p class="muted">{format!("{} active tiers · {} posts", p.active_tiers, p.posts)}</p>
                        <p class="card-foot"><a href=public>{format!("chipin/c/{}", p.slug)}</a></p>
                    </li>
                }
            }).collect_view()}
        </ul>
        <p class="hero-actions start"><a class="button" href="/studio/new">"Create a page"</a></p>
    }
    .into_any()
}

/// `/studio/new`.
#[component]
pub fn NewPagePage() -> impl IntoView {
    let action = ServerAction::<CreatePage>::new();
    let error = action_error(action.value());
    view! {
        <Title text="Create a page"/>
        <section class="page narrow">
            <p><a href="/studio">"← Studio"</a></p>
            <h1>"Create a page"</h1>
            <p class="lead">"A creator page gathers monthly support for ongoing work; a cause page raises money towards a target."</p>
            <form method="post" action="/api/studio/create_page" class="stack" novalidate>
                <CsrfField/>
                <FormAlert error/>
                <fieldset class="choices compact" aria-describedby="kind-error">
                    <legend>"Kind of page"</legend>
                    <label class="choice" for="kind-creator">
                        <input type="radio" id="kind-creator" name="kind" value="creator" checked/>
                        <span>"Creator: monthly support for your work"</span>
                    </label>
                    <label class="choice" for="kind-cause">
                        <input type="radio" id="kind-cause" name="kind" value="cause"/>
                        <span>"Cause: a campaign with a target and a deadline"</span>
                    </label>
                    <FieldError error field="kind"/>
                </fieldset>
                <PageFields error values=PageValues::default() kind=None/>
                <div class="field">
                    <label for="currency">"Currency"</label>
                    <select id="currency" name="currency" aria-describedby="currency-help currency-error"
                        aria-invalid=invalid(error, "currency")>
                        {Currency::ALL.into_iter().map(|c| view! { <option value=c.code()>{c.code()}</option> }).collect_view()}
                    </select>
                    <p class="help" id="currency-help">"Pledges and tips to your page are in this currency. It cannot be changed later."</p>
                    <FieldError error field="currency"/>
                </div>
                <div class="field">
                    <label for="bio">"About (Markdown)"</label>
                    <textarea id="bio" name="bio" rows="8" aria-describedby="bio-help bio-error"
                        aria-invalid=invalid(error, "bio")></textarea>
                    <p class="help" id="bio-help">"Tell supporters who you are and what their money makes possible. You can preview it after creating the page."</p>
                    <FieldError error field="bio"/>
                </div>
                <button type="submit" class="button">"Create page"</button>
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
        "Campaign deadline (causes, optional)"
    } else {
        "Campaign deadline (optional)"
    };
    let (goal_label, goal_help) = match kind {
        None => (
            "Goal (optional)",
            "For creators, a monthly income goal; for causes, the campaign target. For example 500.",
        ),
        Some(RecipientKind::Creator) => (
            "Monthly goal (optional)",
            "The monthly income you are working towards, for example 500.",
        ),
        Some(RecipientKind::Cause) => (
            "Campaign target (optional)",
            "The total the campaign is raising, for example 12000.",
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
            <label for="name">"Name"</label>
            <input id="name" name="name" value=name maxlength="80" required autocomplete="off"
                aria-invalid=invalid(error, "name") aria-describedby="name-error"/>
            <FieldError error field="name"/>
        </div>
        <div class="field">
            <label for="slug">"Page address"</label>
            <input id="slug" name="slug" value=slug maxlength="40" required autocomplete="off"
                autocapitalize="none" spellcheck="false"
                aria-invalid=invalid(error, "slug") aria-describedby="slug-help slug-error"/>
            <p class="help" id="slug-help">"Your page will be at /c/your-address: 3 to 40 lower-case letters, digits and hyphens."</p>
            <FieldError error field="slug"/>
        </div>
        <div class="field">
            <label for="tagline">"Tagline (optional)"</label>
            <input id="tagline" name="tagline" value=tagline maxlength="140" autocomplete="off"
                aria-invalid=invalid(error, "tagline") aria-describedby="tagline-error"/>
            <FieldError error field="tagline"/>
        </div>
        <div class="field">
            <label for="category">"Category"</label>
            <select id="category" name="category" aria-invalid=invalid(error, "category") aria-describedby="category-error">
                {CATEGORIES.iter().map(|c| {
                    let selected = category == *c;
                    view! { <option value=*c selected=selected>{*c}</option> }
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
