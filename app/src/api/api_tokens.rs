//! Personal access tokens for the read-only API: the caller's list, creating one (shown once,
//! on the page the form leads to), and revoking one. Each acts only on the caller's tokens.

use crate::api::client::CsrfClient;
use crate::error::AppError;
use crate::model::{ApiTokenRow, NewApiToken};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {crate::api::ssr, crate::domain::developer::tokens};

#[cfg(feature = "ssr")]
impl From<tokens::TokenError> for AppError {
    fn from(e: tokens::TokenError) -> Self {
        use crate::i18n::num;
        use crate::t;
        match e {
            tokens::TokenError::NameMissing => {
                AppError::invalid("name", t!("acct-token-name-missing"))
            }
            tokens::TokenError::NameTooLong => {
                AppError::invalid("name", t!("acct-token-name-too-long"))
            }
            tokens::TokenError::TooMany => AppError::invalid(
                "name",
                t!("acct-token-too-many", count = num(tokens::MAX_ACTIVE)),
            ),
            tokens::TokenError::NotYours => AppError::NotFound,
            e @ tokens::TokenError::Db(_) => AppError::internal(e),
        }
    }
}

/// The caller's tokens, newest first.
#[server(endpoint = "api_tokens/list", client = CsrfClient)]
pub async fn api_tokens() -> Result<Vec<ApiTokenRow>, AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let rows = tokens::list(&state.db, user.user_id)
        .await
        .map_err(AppError::internal)?;
    Ok(rows
        .into_iter()
        .map(|t| ApiTokenRow {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created: t.created_at,
            last_used: t.last_used_at,
            revoked: t.revoked_at,
        })
        .collect())
}

/// Creates a token named `name`, then shows it once.
#[server(endpoint = "api_tokens/create", client = CsrfClient)]
pub async fn create_api_token(name: String) -> Result<(), AppError> {
    let state = ssr::state()?;
    let session = ssr::session().ok_or(AppError::Unauthenticated)?;
    tokens::create(&state.db, session.user.user_id, &session.token, &name).await?;
    leptos_axum::redirect("/account/api-tokens/new");
    Ok(())
}

/// The token this session created a moment ago, once; `None` after that.
#[server(endpoint = "api_tokens/new", client = CsrfClient)]
pub async fn take_new_api_token() -> Result<Option<NewApiToken>, AppError> {
    let state = ssr::state()?;
    let session = ssr::session().ok_or(AppError::Unauthenticated)?;
    let taken = tokens::take_new(&state.db, session.user.user_id, &session.token)
        .await
        .map_err(AppError::internal)?;
    Ok(taken.map(|(name, token)| NewApiToken { name, token }))
}

/// Revokes the caller's token `id`: programs using it are refused from now on.
#[server(endpoint = "api_tokens/revoke", client = CsrfClient)]
pub async fn revoke_api_token(id: i64) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    tokens::revoke(&state.db, user.user_id, id).await?;
    leptos_axum::redirect("/account?token_revoked=1#api-tokens");
    Ok(())
}
