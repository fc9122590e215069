//! The page for addresses that lead nowhere.

use crate::components::meta::PageMeta;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <PageMeta title="Page not found" description="There is nothing at this address on Chipin."/>
        <section class="page narrow center">
            <h1>"Page not found"</h1>
            <p class="lead">"There is nothing at this address. It may have moved, or the link may be mistyped."</p>
            <p><a class="button" href="/">"Explore creators and causes"</a></p>
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
        crate::error::AppError::NotFound => "Page not found",
        _ => "Something went wrong",
    };
    view! {
        <PageMeta title=title description=error.to_string()/>
        <section class="page narrow center">
            <h1>{title}</h1>
            <p class="lead">{error.to_string()}</p>
            <p><a class="button" href="/">"Back to Chipin"</a></p>
        </section>
    }
}
