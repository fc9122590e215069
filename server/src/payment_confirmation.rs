//! The return from Stripe.js after a supporter confirmed (or tried to confirm) a payment their
//! bank asked them to authenticate: Chipin asks Stripe how the PaymentIntent ended and settles
//! the charge through the code the scheduler and the webhooks use, so whichever of this return
//! and the webhook comes first settles it and the other changes nothing. A plain GET that
//! redirects to the charge's page with the outcome; it needs no WebAssembly.

use crate::plain::{internal, not_found};
use app::domain::AppState;
use app::domain::billing::authenticate::{self, AuthenticationError, Confirmation};
use app::i18n::Locale;
use app::web::RequestSession;
use axum::Extension;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};

/// `GET /account/billing/authenticate/{charge_id}/return`
pub async fn confirmed(
    Extension(state): Extension<AppState>,
    Extension(session): Extension<RequestSession>,
    Extension(locale): Extension<Locale>,
    Path(charge_id): Path<String>,
) -> Response {
    let Ok(charge) = charge_id.parse::<i64>() else {
        return not_found(locale);
    };
    let page = format!("/account/billing/authenticate/{charge}");
    let Some(user) = session.0.map(|s| s.user) else {
        return Redirect::to(&format!("/login?next={page}")).into_response();
    };
    let Some(stripe) = state.stripe.as_deref() else {
        // The simulated processor's challenge is answered on the page itself.
        return Redirect::to(&page).into_response();
    };
    let finished = authenticate::finish(
        &state.db,
        &state.billing,
        user.user_id,
        charge,
        Confirmation::Stripe(stripe),
        chrono::Utc::now().timestamp(),
    )
    .await;
    match finished {
        Ok(f) => Redirect::to(&format!("{page}?result={}", f.as_str())).into_response(),
        Err(AuthenticationError::NotFound) => not_found(locale),
        Err(AuthenticationError::Processor(e)) => {
            tracing::warn!(charge, error = %e, "could not ask Stripe how a confirmed payment ended");
            Redirect::to(&format!("{page}?result=unreachable")).into_response()
        }
        Err(AuthenticationError::Billing(e)) => {
            tracing::error!(charge, error = %e, "could not settle a confirmed payment");
            internal(locale)
        }
    }
}
