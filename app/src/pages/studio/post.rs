//! `/studio/p/:id/write` and `/studio/p/:id/posts/:post`: write or edit a post and choose who
//! can read it: everyone, or supporters of some tiers. Preview is the same POST round trip as
//! the bio's: the typed post comes back rendered, and nothing is saved until Publish or Save.

use super::{id_param, load_failed};
use crate::api::studio::{CreatePost, UpdatePost, get_studio_page, preview_markdown};
use crate::components::form::{
    CsrfField, FieldError, FormAlert, PREVIEW_PATH, Typed, action_error, invalid,
};
use crate::error::AppError;
use crate::i18n::arg;
use crate::model::studio::{StudioPage, StudioPost};
use crate::t;
use leptos::prelude::*;
use leptos_meta::Title;

type PreviewResource = Resource<Result<Option<String>, AppError>>;

/// `/studio/p/:id/write`.
#[component]
pub fn NewPostPage() -> impl IntoView {
    post_page(false)
}

/// `/studio/p/:id/posts/:post`.
#[component]
pub fn EditPostPage() -> impl IntoView {
    post_page(true)
}

fn post_page(editing: bool) -> impl IntoView {
    let id = id_param("id");
    let post = id_param("post");
    let typed_body = Typed::at(PREVIEW_PATH).find("body");
    let preview: PreviewResource = Resource::new(
        move || typed_body.clone(),
        |body| async move {
            match body {
                Some(body) => preview_markdown(body).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let data = Resource::new(
        move || (id.get(), post.get()),
        move |(id, post)| async move {
            let Some(id) = id else {
                return Err(AppError::NotFound);
            };
            let page = get_studio_page(id).await?;
            let existing = match (editing, post) {
                (false, _) => None,
                (true, Some(post)) => Some(
                    page.posts
                        .iter()
                        .find(|p| p.id == post)
                        .cloned()
                        .ok_or(AppError::NotFound)?,
                ),
                (true, None) => return Err(AppError::NotFound),
            };
            Ok((page, existing))
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="page">{t!("studio-loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((page, existing)) => view! { <PostForm page existing preview/> }.into_any(),
                    Err(e) => load_failed(e, format!("/studio/p/{}", id.get_untracked().unwrap_or_default())),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PostForm(
    page: StudioPage,
    existing: Option<StudioPost>,
    preview: PreviewResource,
) -> impl IntoView {
    let create = ServerAction::<CreatePost>::new();
    let update = ServerAction::<UpdatePost>::new();
    let (create_error, update_error) = (action_error(create.value()), action_error(update.value()));
    let error = Signal::derive(move || create_error.get().or_else(|| update_error.get()));
    let back = format!("/studio/p/{}#posts", page.id);
    let editing = existing.is_some();
    let post = existing.unwrap_or(StudioPost {
        id: 0,
        title: String::new(),
        body_md: String::new(),
        public: true,
        tier_ids: Vec::new(),
        updated: String::new(),
    });
    // After Preview, or a post that failed, the form shows what was typed, not what is stored.
    let typed = [
        Typed::at(PREVIEW_PATH),
        Typed::of::<CreatePost>(),
        Typed::of::<UpdatePost>(),
    ]
    .into_iter()
    .find(|t| !t.is_empty());
    let post = match typed {
        None => post,
        Some(t) => StudioPost {
            title: t.get("title"),
            body_md: t.get("body"),
            public: t.get("audience") != "tiers",
            tier_ids: t
                .all("tier_ids[]")
                .iter()
                .filter_map(|id| id.parse().ok())
                .collect(),
            ..post
        },
    };
    let here = if editing {
        format!("/studio/p/{}/posts/{}#post-preview", page.id, post.id)
    } else {
        format!("/studio/p/{}/write#post-preview", page.id)
    };
    let title = if editing {
        t!("studio-post-edit")
    } else {
        t!("studio-post-write")
    };
    let action = if editing {
        "/api/studio/update_post"
    } else {
        "/api/studio/create_post"
    };
    let tiers: Vec<_> = page.tiers.iter().filter(|t| !t.retired).cloned().collect();
    let has_tiers = !tiers.is_empty();
    view! {
        <Title text=title.clone()/>
        <section class="page narrow">
            <p><a href=back>{t!("studio-back", name = arg(&page.name))}</a></p>
            <h1>{title}</h1>
            <form method="post" action=action class="stack" novalidate>
                <CsrfField/>
                {if editing {
                    view! { <input type="hidden" name="post_id" value=post.id.to_string()/> }.into_any()
                } else {
                    view! { <input type="hidden" name="recipient_id" value=page.id.to_string()/> }.into_any()
                }}
                <FormAlert error/>
                <div class="field">
                    <label for="post-title">{t!("studio-post-title")}</label>
                    <input id="post-title" name="title" value=post.title.clone() maxlength="120" required autocomplete="off"
                        aria-invalid=invalid(error, "title") aria-describedby="title-error"/>
                    <FieldError error field="title"/>
                </div>
                <div class="field">
                    <label for="post-body">{t!("studio-post-body")}</label>
                    <textarea id="post-body" name="body" rows="12"
                        aria-invalid=invalid(error, "body") aria-describedby="body-error">{post.body_md.clone()}</textarea>
                    <FieldError error field="body"/>
                </div>
                <fieldset class="choices compact" aria-describedby="audience-error tier_ids-error">
                    <legend>{t!("studio-post-audience")}</legend>
                    <label class="choice" for="audience-public">
                        <input type="radio" id="audience-public" name="audience" value="public" checked=post.public/>
                        <span>{t!("studio-post-everyone")}</span>
                    </label>
                    <label class="choice" for="audience-tiers">
                        <input type="radio" id="audience-tiers" name="audience" value="tiers" checked=!post.public
                            disabled=!has_tiers/>
                        <span>{t!("studio-post-these-tiers")}</span>
                    </label>
                    {(!has_tiers).then(|| view! { <p class="help">{t!("studio-post-no-tiers")}</p> })}
                    <div class="tier-checks">
                        {tiers.into_iter().map(|t| {
                            let id = format!("post-tier-{}", t.id);
                            let for_id = id.clone();
                            let checked = post.tier_ids.contains(&t.id);
                            view! {
                                <label class="choice" for=for_id>
                                    <input type="checkbox" id=id name="tier_ids[]" value=t.id.to_string() checked=checked/>
                                    <span>{t.name}</span>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                    <p class="help">{t!("studio-post-higher-tiers")}</p>
                    <FieldError error field="audience"/>
                    <FieldError error field="tier_ids"/>
                </fieldset>
                <div class="button-row">
                    <button type="submit" class="button">{if editing { t!("studio-post-save") } else { t!("studio-post-publish") }}</button>
                    <button type="submit" class="button button-secondary"
                        formaction=PREVIEW_PATH name="preview" value=here>{t!("studio-preview")}</button>
                </div>
            </form>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match preview.await {
                        Ok(Some(html)) => view! {
                            <div class="md-preview" id="post-preview">
                                <h2>{t!("studio-preview-unsaved")}</h2>
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
