//! Public reads of creators and causes.

use crate::api::client::CsrfClient;
use crate::error::AppError;
use crate::model::{ExplorePage, RecipientPage};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {crate::api::ssr, crate::domain::recipients::explore};

/// One page of the explore list. Every parameter is optional text, as a GET form sends it;
/// values that make no sense fall back to the defaults instead of failing.
#[server(endpoint = "recipients/explore", client = CsrfClient)]
pub async fn explore_recipients(
    #[server(default)] q: String,
    #[server(default)] category: String,
    #[server(default)] kind: String,
    #[server(default)] sort: String,
    #[server(default)] page: String,
) -> Result<ExplorePage, AppError> {
    let state = ssr::state()?;
    let filter = explore::parse_filter(&q, &category, &kind, &sort, &page);
    state
        .public_cache
        .explore(&state.db, filter)
        .await
        .map_err(AppError::internal)
}

/// One recipient's public page.
#[server(endpoint = "recipients/page", client = CsrfClient)]
pub async fn get_recipient_page(slug: String) -> Result<RecipientPage, AppError> {
    let state = ssr::state()?;
    state
        .public_cache
        .recipient_page(&state.db, &slug)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)
}
