//! Public reads of creators and causes.

use crate::api::client::CsrfClient;
use crate::error::AppError;
use crate::model::{RecipientCard, RecipientPage};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {crate::api::ssr, crate::domain::recipients};

/// Creators and causes for the explore page.
#[server(endpoint = "recipients/list", client = CsrfClient)]
pub async fn list_recipients() -> Result<Vec<RecipientCard>, AppError> {
    let state = ssr::state()?;
    recipients::list_cards(&state.db, 48)
        .await
        .map_err(AppError::internal)
}

/// One recipient's public page.
#[server(endpoint = "recipients/page", client = CsrfClient)]
pub async fn get_recipient_page(slug: String) -> Result<RecipientPage, AppError> {
    let state = ssr::state()?;
    recipients::page(&state.db, &slug)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)
}
