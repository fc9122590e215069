//! The chip-in button's server functions: the owner's button page in the studio, and the
//! supporter's one-click confirmation, thank-you page and undo. The confirmation and the undo
//! are plain form posts to Chipin's own origin, so the CSRF check refuses any the embedding
//! page (or any other site) could send.

use crate::api::client::CsrfClient;
use crate::error::AppError;
use crate::model::button::{ButtonStudio, ChipInReceipt, ChipInView};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    crate::api::ssr,
    crate::domain::giving::{dashboard, one_click},
    crate::domain::recipients::button::{self, ButtonOptions, RawOptions},
};

/// The owner's button page for their page `recipient_id`, with the choices typed into its
/// form (absent: the defaults).
#[server(endpoint = "button/studio", client = CsrfClient)]
pub async fn get_button_studio(
    recipient_id: i64,
    amounts: Option<String>,
    label: Option<String>,
    theme: Option<String>,
    layout: Option<String>,
) -> Result<ButtonStudio, AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let (name, slug, currency) = button::owned_page(&state.db, user.user_id, recipient_id)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    let defaults = ButtonOptions::new(currency);
    let typed_amounts = amounts.unwrap_or_else(|| defaults.amounts_text(currency));
    let typed_label = label.unwrap_or_else(|| defaults.label.clone());
    let typed_theme = theme.unwrap_or_else(|| defaults.theme.as_str().to_owned());
    let typed_layout = layout.unwrap_or_else(|| defaults.layout.as_str().to_owned());
    let parsed = ButtonOptions::parse(
        RawOptions {
            amounts: &typed_amounts,
            label: &typed_label,
            theme: &typed_theme,
            layout: &typed_layout,
        },
        currency,
    );
    let (options, error) = match parsed {
        Ok(o) => (o, None),
        Err(e) => (defaults, Some((e.field.to_owned(), e.message))),
    };
    let origin = state.settings.origin();
    Ok(ButtonStudio {
        recipient_id,
        snippet: options.snippet(&origin, &slug, &name, currency),
        frame_src: format!("/embed/{slug}?{}", options.query(currency)),
        badge_src: format!("/badge/{slug}.svg"),
        smallest: button::plain_amount(1, currency),
        name,
        slug,
        currency: currency.code().to_owned(),
        amounts: typed_amounts,
        label: typed_label,
        theme: typed_theme,
        layout: typed_layout,
        error,
    })
}

/// What the caller would confirm on `/chip-in/{slug}?amount=…`: the page, the amount, and the
/// fee share this tip would bear in their next consolidated charge.
#[server(endpoint = "chip_in/view", client = CsrfClient)]
pub async fn get_chip_in(slug: String, amount: String) -> Result<ChipInView, AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let (id, currency) = one_click::page(&state, &slug)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    let money = button::parse_amount(&amount, currency)
        .map_err(|m| AppError::invalid("amount", m.for_reader()))?;
    let has_card = crate::domain::recipients::backing::can_pay(&state.db, user.user_id)
        .await
        .map_err(AppError::internal)?;
    let typed = button::plain_amount(money.minor, currency);
    let today = chrono::Utc::now().date_naive();
    let preview = dashboard::preview(&state, user.user_id, &slug, &typed, today).await?;
    let (name,): (String,) = sqlx::query_as("select name from recipients where id = $1")
        .bind(id)
        .fetch_one(state.db.pool())
        .await
        .map_err(AppError::internal)?;
    Ok(ChipInView {
        name,
        slug,
        currency: currency.code().to_owned(),
        amount: typed,
        amount_minor: money.minor,
        has_card,
        preview: has_card.then_some(preview),
    })
}

/// Tips `amount` to the page at `slug` in one click; it joins the caller's next charge.
#[server(endpoint = "chip_in", client = CsrfClient)]
pub async fn chip_in(slug: String, amount: String) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let (id, currency) = one_click::page(&state, &slug)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    let tip = one_click::give(&state, user.user_id, id, currency, &amount).await?;
    leptos_axum::redirect(&format!("/chip-in/{slug}/thanks?tip={tip}"));
    Ok(())
}

/// The caller's one-click tip `tip_id`, for its thank-you page.
#[server(endpoint = "chip_in/receipt", client = CsrfClient)]
pub async fn get_chip_in_receipt(tip_id: i64) -> Result<ChipInReceipt, AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    let r = one_click::receipt(&state, user.user_id, tip_id)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    Ok(ChipInReceipt {
        tip_id: r.tip_id,
        recipient_name: r.recipient_name,
        recipient_slug: r.recipient_slug,
        amount_minor: r.amount_minor,
        currency: r.currency,
        undoable: r.undoable,
        removed: r.removed,
        undo_minutes: one_click::UNDO_SECS / 60,
    })
}

/// Takes back the caller's one-click tip `tip_id` within minutes of the click.
#[server(endpoint = "chip_in/undo", client = CsrfClient)]
pub async fn undo_chip_in(tip_id: i64) -> Result<(), AppError> {
    let state = ssr::state()?;
    let user = ssr::require_user()?;
    one_click::undo(&state, user.user_id, tip_id).await?;
    let slug = one_click::receipt(&state, user.user_id, tip_id)
        .await
        .map_err(AppError::internal)?
        .map(|r| r.recipient_slug)
        .unwrap_or_default();
    leptos_axum::redirect(&format!("/chip-in/{slug}/thanks?tip={tip_id}"));
    Ok(())
}
