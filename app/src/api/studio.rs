//! The creator studio's server functions: a page's owner creates and edits it, its tiers and
//! its posts; readers fetch the posts they may see. Every change authenticates the caller and
//! passes their id to the domain, which touches only pages that caller owns (anything else is
//! `NotFound`, so ids of other people's pages reveal nothing). Each form is a plain post that
//! redirects back into the studio, so it works without WebAssembly.

#![expect(
    clippy::too_many_arguments,
    reason = "a server function takes one argument per form field"
)]

use crate::api::client::CsrfClient;
use crate::error::AppError;
use crate::model::studio::{PostView, StudioPage, StudioSummary};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    crate::api::ssr,
    crate::domain::recipients::pages::{self, PageForm},
    crate::domain::recipients::posts::{self, PostForm},
    crate::domain::recipients::{self, NewTier, RecipientError},
    crate::domain::recipients::{studio, tiers},
};

#[cfg(feature = "ssr")]
impl From<RecipientError> for AppError {
    fn from(e: RecipientError) -> Self {
        match e {
            RecipientError::Field(field, message) => AppError::invalid(field, message.read()),
            RecipientError::SlugTaken => {
                AppError::invalid("slug", crate::t!("studio-error-slug-taken"))
            }
            RecipientError::NotYours => AppError::NotFound,
            RecipientError::Db(e) => AppError::internal(e),
        }
    }
}

#[cfg(feature = "ssr")]
fn studio_url(recipient: i64, rest: &str) -> String {
    format!("/studio/p/{recipient}{rest}")
}

/// The caller's pages.
#[server(endpoint = "studio/pages", client = CsrfClient)]
pub async fn get_my_pages() -> Result<Vec<StudioSummary>, AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    studio::my_pages(&state.db, user.user_id)
        .await
        .map_err(AppError::internal)
}

/// One of the caller's pages with its tiers and posts, for editing.
#[server(endpoint = "studio/page", client = CsrfClient)]
pub async fn get_studio_page(recipient_id: i64) -> Result<StudioPage, AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let mut page = studio::studio_page(&state.db, user.user_id, recipient_id)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    page.open_refund_requests =
        crate::domain::giving::refund_requests::open_count(&state.db, recipient_id)
            .await
            .map_err(AppError::internal)?;
    Ok(page)
}

/// Markdown as it will appear on the page (sanitised HTML), for the editor's preview.
#[server(endpoint = "studio/preview", client = CsrfClient)]
pub async fn preview_markdown(markdown: String) -> Result<String, AppError> {
    ssr::require_user()?;
    if markdown.chars().count() > posts::POST_BODY_MAX {
        return Err(AppError::invalid(
            "bio",
            crate::t!("studio-error-preview-too-long"),
        ));
    }
    Ok(crate::domain::platform::markdown::to_safe_html(&markdown))
}

/// The posts on the page at `slug` as the caller (logged in or not) may see them.
#[server(endpoint = "studio/posts", client = CsrfClient)]
pub async fn get_posts(slug: String) -> Result<Vec<PostView>, AppError> {
    let state = ssr::state()?;
    let posts = match ssr::session().map(|s| s.user.user_id) {
        Some(viewer) => posts::posts_for(&state.db, &slug, Some(viewer)).await,
        None => state.public_cache.public_posts(&state.db, &slug).await,
    };
    posts.map_err(AppError::internal)?.ok_or(AppError::NotFound)
}

/// Creates a creator or cause page owned by the caller.
#[server(endpoint = "studio/create_page", client = CsrfClient)]
pub async fn create_page(
    kind: Option<String>,
    slug: Option<String>,
    name: Option<String>,
    tagline: Option<String>,
    category: Option<String>,
    currency: Option<String>,
    goal: Option<String>,
    deadline: Option<String>,
    bio: Option<String>,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let id = pages::create_page(
        &state.db,
        user.user_id,
        PageForm {
            kind: kind.as_deref().unwrap_or_default(),
            slug: slug.as_deref().unwrap_or_default(),
            name: name.as_deref().unwrap_or_default(),
            tagline: tagline.as_deref().unwrap_or_default(),
            category: category.as_deref().unwrap_or_default(),
            currency: currency.as_deref().unwrap_or_default(),
            goal: goal.as_deref().unwrap_or_default(),
            deadline: deadline.as_deref().unwrap_or_default(),
            bio: bio.as_deref().unwrap_or_default(),
        },
    )
    .await?;
    leptos_axum::redirect(&studio_url(id, "?saved=created"));
    Ok(())
}

/// Saves the caller's page: address, name, tagline, category, bio, goal and deadline.
#[server(endpoint = "studio/update_page", client = CsrfClient)]
pub async fn update_page(
    recipient_id: i64,
    slug: Option<String>,
    name: Option<String>,
    tagline: Option<String>,
    category: Option<String>,
    goal: Option<String>,
    deadline: Option<String>,
    bio: Option<String>,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    pages::update_page(
        &state.db,
        user.user_id,
        recipient_id,
        PageForm {
            slug: slug.as_deref().unwrap_or_default(),
            name: name.as_deref().unwrap_or_default(),
            tagline: tagline.as_deref().unwrap_or_default(),
            category: category.as_deref().unwrap_or_default(),
            goal: goal.as_deref().unwrap_or_default(),
            deadline: deadline.as_deref().unwrap_or_default(),
            bio: bio.as_deref().unwrap_or_default(),
            ..PageForm::default()
        },
    )
    .await?;
    leptos_axum::redirect(&studio_url(recipient_id, "?saved=page"));
    Ok(())
}

/// Adds a tier at the end of the caller's page's list.
#[server(endpoint = "studio/create_tier", client = CsrfClient)]
pub async fn create_tier(
    recipient_id: i64,
    name: Option<String>,
    price: Option<String>,
    description: Option<String>,
    perks: Option<String>,
    supporter_limit: Option<String>,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    recipients::create_tier(
        &state.db,
        user.user_id,
        recipient_id,
        NewTier {
            name: name.as_deref().unwrap_or_default(),
            price: price.as_deref().unwrap_or_default(),
            description: description.as_deref().unwrap_or_default(),
            perks: perks.as_deref().unwrap_or_default(),
            supporter_limit: supporter_limit.as_deref().unwrap_or_default(),
        },
    )
    .await?;
    leptos_axum::redirect(&studio_url(recipient_id, "?saved=tier#tiers"));
    Ok(())
}

/// Changes a tier's name, description, perks and supporter limit.
#[server(endpoint = "studio/update_tier", client = CsrfClient)]
pub async fn update_tier(
    tier_id: i64,
    name: Option<String>,
    description: Option<String>,
    perks: Option<String>,
    supporter_limit: Option<String>,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let recipient = tiers::update_tier(
        &state.db,
        user.user_id,
        tier_id,
        NewTier {
            name: name.as_deref().unwrap_or_default(),
            price: "",
            description: description.as_deref().unwrap_or_default(),
            perks: perks.as_deref().unwrap_or_default(),
            supporter_limit: supporter_limit.as_deref().unwrap_or_default(),
        },
    )
    .await?;
    leptos_axum::redirect(&studio_url(recipient, "?saved=tier#tiers"));
    Ok(())
}

/// Moves a tier one place `up` or `down` in its page's list.
#[server(endpoint = "studio/move_tier", client = CsrfClient)]
pub async fn move_tier(tier_id: i64, direction: String) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let up = match direction.as_str() {
        "up" => true,
        "down" => false,
        _ => {
            return Err(AppError::invalid(
                "direction",
                crate::t!("studio-error-direction"),
            ));
        }
    };
    let recipient = tiers::move_tier(&state.db, user.user_id, tier_id, up).await?;
    leptos_axum::redirect(&studio_url(recipient, "?saved=order#tiers"));
    Ok(())
}

/// Retires a tier: hidden from new pledges; existing pledges keep their terms.
#[server(endpoint = "studio/retire_tier", client = CsrfClient)]
pub async fn retire_tier(tier_id: i64) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let recipient = tiers::retire_tier(&state.db, user.user_id, tier_id).await?;
    leptos_axum::redirect(&studio_url(recipient, "?saved=retired#tiers"));
    Ok(())
}

/// Publishes a post on the caller's page: `audience` is `public` or `tiers`, and then
/// `tier_ids` (checkboxes named `tier_ids[]`) lists the tiers it is for.
#[server(endpoint = "studio/create_post", client = CsrfClient)]
pub async fn create_post(
    recipient_id: i64,
    title: Option<String>,
    body: Option<String>,
    audience: Option<String>,
    tier_ids: Option<Vec<String>>,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let tier_ids = tier_ids.unwrap_or_default();
    posts::create_post(
        &state.db,
        user.user_id,
        recipient_id,
        PostForm {
            title: title.as_deref().unwrap_or_default(),
            body: body.as_deref().unwrap_or_default(),
            audience: audience.as_deref().unwrap_or_default(),
            tier_ids: &tier_ids,
        },
    )
    .await?;
    leptos_axum::redirect(&studio_url(recipient_id, "?saved=post#posts"));
    Ok(())
}

/// Changes a post's title, body and audience.
#[server(endpoint = "studio/update_post", client = CsrfClient)]
pub async fn update_post(
    post_id: i64,
    title: Option<String>,
    body: Option<String>,
    audience: Option<String>,
    tier_ids: Option<Vec<String>>,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let tier_ids = tier_ids.unwrap_or_default();
    let recipient = posts::update_post(
        &state.db,
        user.user_id,
        post_id,
        PostForm {
            title: title.as_deref().unwrap_or_default(),
            body: body.as_deref().unwrap_or_default(),
            audience: audience.as_deref().unwrap_or_default(),
            tier_ids: &tier_ids,
        },
    )
    .await?;
    leptos_axum::redirect(&studio_url(recipient, "?saved=post#posts"));
    Ok(())
}

/// Deletes a post.
#[server(endpoint = "studio/delete_post", client = CsrfClient)]
pub async fn delete_post(post_id: i64) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let recipient = posts::delete_post(&state.db, user.user_id, post_id).await?;
    leptos_axum::redirect(&studio_url(recipient, "?saved=deleted#posts"));
    Ok(())
}
