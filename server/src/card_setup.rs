//! The return from Stripe Checkout after a supporter saved a card: the session is checked to
//! be theirs and complete, and its payment method becomes their default.

use app::domain::AppState;
use app::domain::giving::billing_profile::{self, PaymentMethodError};
use app::web::RequestSession;
use axum::Extension;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};

#[derive(serde::Deserialize)]
pub struct ReturnQuery {
    session_id: Option<String>,
}

/// `GET /account/billing/stripe-return?session_id=…`
pub async fn stripe_return(
    Extension(state): Extension<AppState>,
    Extension(session): Extension<RequestSession>,
    Query(q): Query<ReturnQuery>,
) -> Response {
    let Some(user) = session.0.map(|s| s.user) else {
        return Redirect::to("/login?next=/account/billing").into_response();
    };
    let session_id = q.session_id.unwrap_or_default();
    let to = match billing_profile::finish_checkout(&state, user.user_id, &session_id).await {
        Ok(()) => "/account/billing?saved=payment_method#payment-method",
        Err(PaymentMethodError::Processor(e)) => {
            tracing::warn!(error = %e, "could not check a Stripe Checkout session");
            "/account/billing?card=unreachable#payment-method"
        }
        Err(PaymentMethodError::Db(e)) => {
            tracing::error!(error = %e, "could not store a saved card");
            "/account/billing?card=unreachable#payment-method"
        }
        Err(e) => {
            tracing::info!(reason = %e, "a Stripe Checkout return was refused");
            "/account/billing?card=not_saved#payment-method"
        }
    };
    Redirect::to(to).into_response()
}
