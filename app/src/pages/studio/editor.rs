//! `/studio/p/:id`: one page's details with a Markdown preview, its image, its tiers (add,
//! reorder, retire) and its posts.
//!
//! The bio preview is a POST round trip: the Preview button posts the form to
//! [`PREVIEW_PATH`], which keeps it in a one-time flash and sends the browser back here; this
//! page renders the typed values back into the form with the sanitised preview beside them.
//! Nothing is saved until Save, and nothing typed ever travels in the address.

use super::home::{PageFields, PageValues};
use super::{id_param, kind_name, load_failed, saved_message, upload_refusal_text};
use crate::api::studio::{
    CreateTier, DeletePost, MoveTier, RetireTier, UpdatePage, get_studio_page, preview_markdown,
};
use crate::components::form::{
    CsrfField, FieldError, FormAlert, PREVIEW_PATH, Typed, action_error, invalid,
};
use crate::error::AppError;
use crate::i18n::{arg, num};
use crate::model::format_money;
use crate::model::studio::{StudioPage, StudioPost, StudioTier};
use crate::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

type PreviewResource = Resource<Result<Option<String>, AppError>>;

#[component]
pub fn StudioEditorPage() -> impl IntoView {
    let id = id_param("id");
    let typed_bio = Typed::at(PREVIEW_PATH).find("bio");
    let page = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_studio_page(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let preview: PreviewResource = Resource::new(
        move || typed_bio.clone(),
        |bio| async move {
            match bio {
                Some(bio) => preview_markdown(bio).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="page">{t!("studio-loading")}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => view! { <Editor page=p preview/> }.into_any(),
                    Err(e) => load_failed(e, format!("/studio/p/{}", id.get_untracked().unwrap_or_default())),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Editor(page: StudioPage, preview: PreviewResource) -> impl IntoView {
    let query = use_query_map();
    let saved = query
        .with_untracked(|q| q.get("saved"))
        .and_then(|s| saved_message(&s));
    let public = format!("/c/{}", page.slug);
    view! {
        <Title text=t!("studio-editor-title", name = arg(&page.name))/>
        <section class="page studio">
            <p><a href="/studio">{t!("studio-back-to-studio")}</a></p>
            <header class="page-head">
                <h1>{page.name.clone()}</h1>
                <p class="lead">
                    {t!("studio-editor-kind", kind = arg(kind_name(page.kind)), currency = arg(&page.currency))}
                    " "
                    <a href=public>{t!("studio-editor-view-public")}</a>
                </p>
                <nav class="subnav" aria-label=t!("studio-nav-reports")>
                    <a href=format!("/studio/p/{}/supporters", page.id)>{t!("studio-nav-supporters")}</a>
                    " · "
                    <a href=format!("/studio/p/{}/income", page.id)>{t!("studio-nav-income")}</a>
                    " · "
                    <a href=format!("/studio/p/{}/payouts", page.id)>{t!("studio-nav-payouts")}</a>
                    " · "
                    <a href=format!("/studio/p/{}/button", page.id)>{t!("studio-nav-button")}</a>
                    " · "
                    <a href=format!("/studio/p/{}/refunds", page.id) id="refunds-link">{
                        match page.open_refund_requests {
                            0 => t!("studio-nav-refunds"),
                            n => t!("studio-nav-refunds-open", count = num(n)),
                        }
                    }</a>
                    {(page.kind == crate::model::RecipientKind::Cause).then(|| view! {
                        " · "
                        <a href=format!("/studio/p/{}/expenses", page.id)>{t!("studio-nav-expenses")}</a>
                    })}
                    " · "
                    <a href=format!("/studio/p/{}/webhooks", page.id)>{t!("studio-nav-webhooks")}</a>
                </nav>
            </header>
            {saved.map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
            <div class="studio-grid">
                <div class="studio-main">
                    <DetailsSection page=page.clone() preview/>
                    <TiersSection page=page.clone()/>
                    <PostsSection page=page.clone()/>
                </div>
                <aside class="studio-side">
                    <ImageSection page=page.clone()/>
                </aside>
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn DetailsSection(page: StudioPage, preview: PreviewResource) -> impl IntoView {
    let action = ServerAction::<UpdatePage>::new();
    let error = action_error(action.value());
    // After Preview, or a save that failed, the form shows what was typed, not what is stored.
    let typed = [Typed::at(PREVIEW_PATH), Typed::of::<UpdatePage>()]
        .into_iter()
        .find(|t| !t.is_empty());
    let typed = typed.map(|t| {
        let get = |k: &str| t.get(k);
        (
            PageValues {
                slug: get("slug"),
                name: get("name"),
                tagline: get("tagline"),
                category: get("category"),
                goal: get("goal"),
                deadline: get("deadline"),
            },
            get("bio"),
        )
    });
    let (values, bio) = typed.unwrap_or_else(|| {
        (
            PageValues {
                slug: page.slug.clone(),
                name: page.name.clone(),
                tagline: page.tagline.clone(),
                category: page.category.clone(),
                goal: page.goal.clone(),
                deadline: page.deadline.clone(),
            },
            page.bio_md.clone(),
        )
    });
    let back = format!("/studio/p/{}#bio-preview", page.id);
    view! {
        <section class="panel" id="details" aria-labelledby="details-title">
            <h2 id="details-title">{t!("studio-details")}</h2>
            <form method="post" action="/api/studio/update_page" class="stack" novalidate>
                <CsrfField/>
                <input type="hidden" name="recipient_id" value=page.id.to_string()/>
                <FormAlert error/>
                <PageFields error values kind=Some(page.kind)/>
                <div class="field">
                    <label for="bio">{t!("studio-bio")}</label>
                    <textarea id="bio" name="bio" rows="10" aria-describedby="bio-help bio-error"
                        aria-invalid=invalid(error, "bio")>{bio}</textarea>
                    <p class="help" id="bio-help">{t!("studio-bio-help")}</p>
                    <FieldError error field="bio"/>
                </div>
                <div class="button-row">
                    <button type="submit" class="button">{t!("studio-details-save")}</button>
                    <button type="submit" class="button button-secondary"
                        formaction=PREVIEW_PATH name="preview" value=back>{t!("studio-preview")}</button>
                </div>
            </form>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match preview.await {
                        Ok(Some(html)) => view! {
                            <div class="md-preview" id="bio-preview">
                                <h3>{t!("studio-preview-unsaved")}</h3>
                                <div class="bio" inner_html=html></div>
                            </div>
                        }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(e) => view! { <p class="field-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
    .into_any()
}

#[component]
fn ImageSection(page: StudioPage) -> impl IntoView {
    let query = use_query_map();
    let (saved, problem) =
        query.with_untracked(|q| (q.get("image").is_some(), q.get("image_error")));
    let problem = problem.map(|code| upload_refusal_text(&code, t!("studio-image-failed")));
    let action = format!("/studio/p/{}/image", page.id);
    view! {
        <section class="panel" id="image" aria-labelledby="image-title">
            <h2 id="image-title">{t!("studio-image")}</h2>
            {match page.image_url.clone() {
                Some(src) => view! {
                    <img class="page-image" src=src alt=t!("studio-image-alt", name = arg(&page.name))/>
                }.into_any(),
                None => view! { <p class="muted">{t!("studio-image-none")}</p> }.into_any(),
            }}
            {saved.then(|| view! { <div class="alert alert-success" role="status">{t!("studio-image-saved")}</div> })}
            <form method="post" action=action enctype="multipart/form-data" class="stack">
                // First, before the file: the server reads only the start of the body for it.
                <CsrfField/>
                <div class="field">
                    <label for="image-file">{t!("studio-image-upload-label")}</label>
                    <input id="image-file" name="image" type="file" required
                        accept="image/png,image/jpeg,image/webp,image/gif"
                        aria-invalid=if problem.is_some() { "true" } else { "false" }
                        aria-describedby="image-help image-error"/>
                    <p class="help" id="image-help">{t!("studio-image-help")}</p>
                    {problem.map(|p| view! { <p class="field-error" id="image-error" role="alert">{p}</p> })}
                </div>
                <button type="submit" class="button button-secondary">{t!("studio-image-upload")}</button>
            </form>
        </section>
    }
    .into_any()
}

#[component]
fn TiersSection(page: StudioPage) -> impl IntoView {
    let action = ServerAction::<CreateTier>::new();
    let error = action_error(action.value());
    let move_error = action_error(ServerAction::<MoveTier>::new().value());
    let retire_error = action_error(ServerAction::<RetireTier>::new().value());
    let (active, retired): (Vec<StudioTier>, Vec<StudioTier>) =
        page.tiers.iter().cloned().partition(|t| !t.retired);
    let has_active = !active.is_empty();
    let last = active.len().saturating_sub(1);
    let currency = page.currency.clone();
    let rows = active
        .into_iter()
        .enumerate()
        .map(|(i, t)| view! { <TierRow page_id=page.id tier=t currency=currency.clone() first=i == 0 last=i == last/> })
        .collect_view();
    let retired_list = (!retired.is_empty()).then(|| {
        let currency = page.currency.clone();
        view! {
            <h3>{t!("studio-tiers-retired")}</h3>
            <p class="muted">{t!("studio-tiers-retired-help")}</p>
            <ul class="studio-list">
                {retired.into_iter().map(|t| view! {
                    <li class="studio-item">
                        <span class="item-name">{t.name}</span>
                        <span class="muted">{t!("studio-tier-retired-line", price = arg(format_money(t.price_minor, &currency)), count = num(t.supporters))}</span>
                    </li>
                }).collect_view()}
            </ul>
        }
    });
    view! {
        <section class="panel" id="tiers" aria-labelledby="tiers-title">
            <h2 id="tiers-title">{t!("studio-tiers")}</h2>
            <FormAlert error=move_error/>
            <FormAlert error=retire_error/>
            {if !has_active {
                view! { <p class="muted">{t!("studio-tiers-none")}</p> }.into_any()
            } else {
                view! { <ol class="studio-list">{rows}</ol> }.into_any()
            }}
            {retired_list}
            <h3 id="new-tier-title">{t!("studio-tier-add-title")}</h3>
            <form method="post" action="/api/studio/create_tier" class="stack" novalidate aria-labelledby="new-tier-title">
                <CsrfField/>
                <input type="hidden" name="recipient_id" value=page.id.to_string()/>
                <FormAlert error/>
                <div class="field">
                    <label for="tier-name">{t!("studio-tier-name")}</label>
                    <input id="tier-name" name="name" maxlength="60" autocomplete="off" required
                        aria-invalid=invalid(error, "name") aria-describedby="tier-name-error"/>
                    <FieldError error field="name" id="tier-name-error"/>
                </div>
                <div class="field">
                    <label for="tier-price">{t!("studio-tier-price", currency = arg(&page.currency))}</label>
                    <input id="tier-price" name="price" inputmode="decimal" autocomplete="off" required
                        aria-invalid=invalid(error, "price") aria-describedby="tier-price-help tier-price-error"/>
                    <p class="help" id="tier-price-help">{t!("studio-tier-price-help")}</p>
                    <FieldError error field="price" id="tier-price-error"/>
                </div>
                <TierTextFields error description=String::new() perks=String::new() limit=String::new()/>
                <button type="submit" class="button">{t!("studio-tier-add")}</button>
            </form>
        </section>
    }
    .into_any()
}

/// The description, perks and limit fields of a tier form.
#[component]
pub(crate) fn TierTextFields(
    error: Signal<Option<AppError>>,
    description: String,
    perks: String,
    limit: String,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for="tier-description">{t!("studio-tier-description")}</label>
            <textarea id="tier-description" name="description" rows="3" maxlength="1000"
                aria-invalid=invalid(error, "description") aria-describedby="tier-description-error">{description}</textarea>
            <FieldError error field="description" id="tier-description-error"/>
        </div>
        <div class="field">
            <label for="tier-perks">{t!("studio-tier-perks")}</label>
            <textarea id="tier-perks" name="perks" rows="4"
                aria-invalid=invalid(error, "perks") aria-describedby="tier-perks-error">{perks}</textarea>
            <FieldError error field="perks" id="tier-perks-error"/>
        </div>
        <div class="field">
            <label for="tier-limit">{t!("studio-tier-limit")}</label>
            <input id="tier-limit" name="supporter_limit" value=limit inputmode="numeric" autocomplete="off"
                aria-invalid=invalid(error, "supporter_limit") aria-describedby="tier-limit-help tier-limit-error"/>
            <p class="help" id="tier-limit-help">{t!("studio-tier-limit-help")}</p>
            <FieldError error field="supporter_limit" id="tier-limit-error"/>
        </div>
    }
    .into_any()
}

#[component]
fn TierRow(
    page_id: i64,
    tier: StudioTier,
    currency: String,
    first: bool,
    last: bool,
) -> impl IntoView {
    let id = tier.id.to_string();
    let edit = format!("/studio/p/{page_id}/tiers/{}", tier.id);
    let supporters = match tier.supporter_limit {
        Some(l) => t!(
            "studio-tier-supporters-of",
            count = num(tier.supporters),
            limit = num(l)
        ),
        None => t!("studio-tier-supporters", count = num(tier.supporters)),
    };
    let name = tier.name.clone();
    let move_form = move |direction: &'static str, label: String, aria: String| {
        view! {
            <form method="post" action="/api/studio/move_tier" class="inline-form">
                <CsrfField/>
                <input type="hidden" name="tier_id" value=id.clone()/>
                <input type="hidden" name="direction" value=direction/>
                <button type="submit" class="button button-small button-secondary"
                    aria-label=aria>{label}</button>
            </form>
        }
    };
    let up = (!first).then(|| {
        move_form(
            "up",
            t!("studio-tier-up"),
            t!("studio-tier-up-label", name = arg(&name)),
        )
    });
    let down = (!last).then(|| {
        move_form(
            "down",
            t!("studio-tier-down"),
            t!("studio-tier-down-label", name = arg(&name)),
        )
    });
    view! {
        <li class="studio-item tier-row">
            <div class="studio-item-text">
                <span class="item-name">{tier.name.clone()}</span>
                <span class="muted">{t!("studio-tier-line", price = arg(format_money(tier.price_minor, &currency)), supporters = arg(supporters))}</span>
            </div>
            <div class="studio-actions">
                {up}
                {down}
                <a class="button button-small button-secondary" href=edit
                    aria-label=t!("studio-edit-label", name = arg(&tier.name))>{t!("studio-edit")}</a>
                <form method="post" action="/api/studio/retire_tier" class="inline-form">
                    <CsrfField/>
                    <input type="hidden" name="tier_id" value=tier.id.to_string()/>
                    <crate::components::confirm::ConfirmButton action="/api/studio/retire_tier"
                        question=t!("studio-tier-retire-question", name = arg(&tier.name))
                        label=t!("studio-retire") aria_label=t!("studio-retire-label", name = arg(&tier.name))/>
                </form>
            </div>
        </li>
    }
    .into_any()
}

#[component]
fn PostsSection(page: StudioPage) -> impl IntoView {
    let delete_error = action_error(ServerAction::<DeletePost>::new().value());
    let write = format!("/studio/p/{}/write", page.id);
    let tiers = page.tiers.clone();
    let audience = move |p: &StudioPost| {
        if p.public {
            t!("studio-post-public")
        } else {
            let names: Vec<String> = tiers
                .iter()
                .filter(|t| p.tier_ids.contains(&t.id))
                .map(|t| t.name.clone())
                .collect();
            t!("studio-post-supporters-of", tiers = arg(names.join(", ")))
        }
    };
    let empty = page.posts.is_empty();
    view! {
        <section class="panel" id="posts" aria-labelledby="posts-title">
            <h2 id="posts-title">{t!("studio-posts")}</h2>
            <FormAlert error=delete_error/>
            {empty.then(|| view! { <p class="muted">{t!("studio-posts-none")}</p> })}
            <ul class="studio-list">
                {page.posts.iter().map(|p| {
                    let edit = format!("/studio/p/{}/posts/{}", page.id, p.id);
                    let who = audience(p);
                    view! {
                        <li class="studio-item">
                            <div class="studio-item-text">
                                <span class="item-name">{p.title.clone()}</span>
                                <span class="muted">{t!("studio-post-line", audience = arg(who), day = arg(crate::model::day_label(&p.updated)))}</span>
                            </div>
                            <div class="studio-actions">
                                <a class="button button-small button-secondary" href=edit
                                    aria-label=t!("studio-edit-label", name = arg(&p.title))>{t!("studio-edit")}</a>
                                <form method="post" action="/api/studio/delete_post" class="inline-form">
                                    <CsrfField/>
                                    <input type="hidden" name="post_id" value=p.id.to_string()/>
                                    <crate::components::confirm::ConfirmButton action="/api/studio/delete_post"
                                        question=t!("studio-post-delete-question", title = arg(&p.title))
                                        label=t!("studio-delete") aria_label=t!("studio-delete-label", name = arg(&p.title))/>
                                </form>
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p><a class="button" href=write>{t!("studio-post-write")}</a></p>
        </section>
    }
    .into_any()
}
