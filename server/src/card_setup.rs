//! The return from Stripe Checkout after a supporter saved a card: the session is checked to
//! be theirs and complete, and its payment method becomes their default — through the
//! card-testing gate (a verified email, the velocity limits), like every other way to save one.

use app::domain::AppState;
use app::domain::giving::billing_profile::{self, PaymentMethodError};
use app::web::{ClientAddr, RequestSession};
use axum::Extension;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};

#[derive(serde::Deserialize)]
pub struct ReturnQuery {
    session_id: Option<String>,
    /// The chip-in window the supporter was on when they went to save a card.
    next: Option<String>,
}

/// `GET /account/billing/stripe-return?session_id=…`
pub async fn stripe_return(
    Extension(state): Extension<AppState>,
    Extension(session): Extension<RequestSession>,
    client: Option<Extension<ClientAddr>>,
    Query(q): Query<ReturnQuery>,
) -> Response {
    let Some(user) = session.0.map(|s| s.user) else {
        return Redirect::to("/login?next=/account/billing").into_response();
    };
    let session_id = q.session_id.unwrap_or_default();
    let client = client.map(|Extension(a)| a.0);
    let finished =
        billing_profile::finish_checkout(&state, user.user_id, &session_id, client.as_deref())
            .await;
    let refused;
    let to = match finished {
        Ok(()) => q
            .next
            .as_deref()
            .filter(|n| billing_profile::is_tip_path(n))
            .unwrap_or("/account/billing?saved=payment_method#payment-method"),
        Err(PaymentMethodError::Refused(r)) => {
            refused = format!("/account/billing?card={}#payment-method", r.code());
            refused.as_str()
        }
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
