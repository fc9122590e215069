//! Short plain-text answers, in the reader's language, for the requests no page answers: an
//! upload's owner check, a payment's return from Stripe, a form too large to read.

use app::i18n::Locale;
use app::t_in;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::header::CONTENT_LANGUAGE;

/// `text` (already in `locale`) with `status`.
pub fn plain(locale: Locale, status: StatusCode, text: String) -> Response {
    (status, [(CONTENT_LANGUAGE, locale.tag())], text).into_response()
}

/// 404: "We could not find that."
pub fn not_found(locale: Locale) -> Response {
    plain(
        locale,
        StatusCode::NOT_FOUND,
        t_in!(locale, "error-not-found"),
    )
}

/// 500: "Something went wrong on our side…"; the cause goes to the log, never to the reader.
pub fn internal(locale: Locale) -> Response {
    plain(
        locale,
        StatusCode::INTERNAL_SERVER_ERROR,
        t_in!(locale, "error-internal"),
    )
}
