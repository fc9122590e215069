//! The page for addresses that lead nowhere.

use crate::components::meta::PageMeta;
use crate::t;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <PageMeta title=t!("not-found-title") description=t!("not-found-description")/>
        <section class="page narrow center">
            <h1>{t!("not-found-title")}</h1>
            <p class="lead">{t!("not-found-lead")}</p>
            <p><a class="button" href="/">{t!("not-found-explore")}</a></p>
        </section>
    }
}

/// Shown in place of a page whose data could not be loaded.
#[component]
pub fn ErrorPanel(error: crate::error::AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(match error {
            crate::error::AppError::NotFound => http::StatusCode::NOT_FOUND,
            crate::error::AppError::Unauthenticated => http::StatusCode::UNAUTHORIZED,
            crate::error::AppError::Forbidden => http::StatusCode::FORBIDDEN,
            _ => http::StatusCode::INTERNAL_SERVER_ERROR,
        });
    }
    let title = match error {
        crate::error::AppError::NotFound => t!("not-found-title"),
        _ => t!("error-title"),
    };
    view! {
        <PageMeta title=title.clone() description=error.to_string()/>
        <section class="page narrow center">
            <h1>{title}</h1>
            <p class="lead">{error.to_string()}</p>
            <p><a class="button" href="/">{t!("error-back")}</a></p>
        </section>
    }
}
