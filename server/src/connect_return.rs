//! The way back from Stripe's Connect onboarding to a page's payouts: the return address reads
//! the account's state from Stripe and records it; the refresh address (a link that expired
//! or was used) makes a new onboarding link for the page's existing account and sends the
//! owner there again. Both are GETs, reachable by any link or `<img>`, so neither creates a
//! Stripe account: that takes the studio's POST (`trail/start_stripe_payouts`, CSRF-checked).
//! A page without an account is sent back to its payouts page.

use app::domain::AppState;
use app::domain::payouts::connect::ConnectError;
use app::domain::payouts::onboarding;
use app::model::trail::ConnectStatus;
use app::web::RequestSession;
use axum::Extension;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};

fn payouts(recipient: i64) -> String {
    format!("/studio/p/{recipient}/payouts")
}

/// `GET /studio/p/{id}/payouts/stripe-return`
pub async fn stripe_return(
    Extension(state): Extension<AppState>,
    Extension(session): Extension<RequestSession>,
    Path(recipient): Path<i64>,
) -> Response {
    let Some(user) = session.0.map(|s| s.user) else {
        return Redirect::to(&format!("/login?next={}", payouts(recipient))).into_response();
    };
    let to = match onboarding::refresh_account(&state, user.user_id, recipient).await {
        Ok(a) if a.status == ConnectStatus::NotStarted => {
            format!("{}#stripe-payouts", payouts(recipient))
        }
        Ok(_) => format!("{}?saved=stripe#stripe-payouts", payouts(recipient)),
        Err(ConnectError::NotYours) => return Redirect::to("/studio").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "could not read a Stripe account after onboarding");
            format!("{}?stripe=unreachable#stripe-payouts", payouts(recipient))
        }
    };
    Redirect::to(&to).into_response()
}

/// `GET /studio/p/{id}/payouts/stripe-refresh`
pub async fn stripe_refresh(
    Extension(state): Extension<AppState>,
    Extension(session): Extension<RequestSession>,
    Path(recipient): Path<i64>,
) -> Response {
    let Some(user) = session.0.map(|s| s.user) else {
        return Redirect::to(&format!("/login?next={}", payouts(recipient))).into_response();
    };
    match onboarding::renew_onboarding_link(&state, user.user_id, recipient).await {
        Ok(Some(url)) => Redirect::to(&url).into_response(),
        Ok(None) => Redirect::to(&format!("{}#stripe-payouts", payouts(recipient))).into_response(),
        Err(ConnectError::NotYours) => Redirect::to("/studio").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "could not make a new Stripe onboarding link");
            Redirect::to(&format!(
                "{}?stripe=unreachable#stripe-payouts",
                payouts(recipient)
            ))
            .into_response()
        }
    }
}
