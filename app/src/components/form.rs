//! Form pieces: the CSRF field every form carries, and error messages next to their fields.

use crate::error::AppError;
use leptos::prelude::*;

/// This page's CSRF token: from the request on the server, from the cookie in the browser.
pub fn csrf_token() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<crate::web::RequestCsrf>().cloned())
            .map(|t| t.0)
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        crate::api::client::csrf_from_document().unwrap_or_default()
    }
}

/// The hidden field that proves a form post came from a Chipin page.
#[component]
pub fn CsrfField() -> impl IntoView {
    view! { <input type="hidden" name=crate::CSRF_FIELD_NAME value=csrf_token()/> }
}

/// The error of a server action, if its last result was an error.
pub fn action_error<T: Send + Sync + 'static>(
    value: impl With<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
) -> Signal<Option<AppError>> {
    Signal::derive(move || value.with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned())))
}

/// The message for `field`, shown under its input and announced to screen readers. Its id is
/// `{field}-error` unless `id` is given (for pages with two forms sharing a field name).
#[component]
pub fn FieldError(
    error: Signal<Option<AppError>>,
    field: &'static str,
    #[prop(optional, into)] id: Option<String>,
) -> impl IntoView {
    let message = move || {
        error
            .get()
            .filter(|e| e.field() == Some(field))
            .map(|e| e.to_string())
    };
    let id = id.unwrap_or_else(|| format!("{field}-error"));
    view! {
        <Show when=move || message().is_some()>
            <p class="field-error" id=id.clone() role="alert">{message}</p>
        </Show>
    }
}

/// `aria-invalid` for an input whose field has an error.
pub fn invalid(
    error: Signal<Option<AppError>>,
    field: &'static str,
) -> impl Fn() -> &'static str + Send + Sync + Copy {
    move || {
        if error.get().is_some_and(|e| e.field() == Some(field)) {
            "true"
        } else {
            "false"
        }
    }
}

/// A form-level error (anything not tied to one field).
#[component]
pub fn FormAlert(error: Signal<Option<AppError>>) -> impl IntoView {
    let message = move || {
        error
            .get()
            .filter(|e| e.field().is_none())
            .map(|e| e.to_string())
    };
    view! {
        <Show when=move || message().is_some()>
            <div class="alert alert-error" role="alert">{message}</div>
        </Show>
    }
}

/// The second-factor code a sensitive form asks for again when two-factor sign-in is on and
/// the session's last check is older than ten minutes (field `code`).
#[component]
pub fn StepUpCodeField(error: Signal<Option<AppError>>) -> impl IntoView {
    view! {
        <div class="field">
            <label for="code">"Code from your authenticator app"</label>
            <input id="code" name="code" type="text" autocomplete="one-time-code"
                inputmode="numeric" maxlength="40"
                aria-invalid=invalid(error, "code") aria-describedby="code-help code-error"/>
            <p class="help" id="code-help">"Not needed if you entered one in the last ten minutes. A recovery code works too."</p>
            <FieldError error field="code"/>
        </div>
    }
}
