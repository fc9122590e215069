//! Signing up, confirming the address, logging in and resetting a forgotten password.
//!
//! Forms that change who is logged in post as plain forms so the whole page (header included)
//! reloads with the new session; the others are `ActionForm`s. All of them work without
//! WebAssembly: errors come back through the URL and are shown by the same components.

use crate::api::accounts::{LogIn, RequestPasswordReset, ResetPassword, SignUp, reset_link_valid};
use crate::components::form::{
    CsrfField, FieldError, FormAlert, Typed, action_error, focus_if_invalid, invalid,
};
use crate::components::meta::PageMeta;
use crate::t;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let error = action_error(action.value());
    let typed = Typed::of::<SignUp>();
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next").unwrap_or_default());
    let login_href = move || with_next("/login", &next());
    view! {
        <PageMeta title=t!("acct-signup-title") description=t!("acct-signup-description")/>
        <section class="page narrow">
            <h1>{t!("acct-signup-heading")}</h1>
            <p class="lead">{t!("acct-signup-lead")}</p>
            <ActionForm action=action attr:class="stack" attr:novalidate=true>
                <CsrfField/>
                <input type="hidden" name="next" value=next/>
                <FormAlert error/>
                <div class="field">
                    <label for="display_name">{t!("acct-field-your-name")}</label>
                    <input id="display_name" name="display_name" autocomplete="name" required maxlength="60"
                        value=typed.get("display_name") autofocus=focus_if_invalid(error, "display_name")
                        aria-invalid=invalid(error, "display_name") aria-describedby="display_name-error"/>
                    <FieldError error field="display_name"/>
                </div>
                <div class="field">
                    <label for="email">{t!("acct-field-email")}</label>
                    <input id="email" name="email" type="email" autocomplete="email" required maxlength="254"
                        value=typed.get("email") autofocus=focus_if_invalid(error, "email")
                        aria-invalid=invalid(error, "email") aria-describedby="email-error"/>
                    <FieldError error field="email"/>
                </div>
                <div class="field">
                    <label for="password">{t!("acct-field-password")}</label>
                    <input id="password" name="password" type="password" autocomplete="new-password" required
                        minlength="8" maxlength="128" aria-invalid=invalid(error, "password")
                        autofocus=focus_if_invalid(error, "password")
                        aria-describedby="password-help password-error"/>
                    <p class="help" id="password-help">{t!("acct-password-help")}</p>
                    <FieldError error field="password"/>
                </div>
                <button type="submit" class="button" disabled=move || action.pending().get()>{t!("acct-signup-submit")}</button>
            </ActionForm>
            <p class="muted">{t!("acct-signup-have-account")} " " <a href=login_href>{t!("acct-log-in")}</a></p>
        </section>
    }
}

#[component]
pub fn CheckEmailPage() -> impl IntoView {
    view! {
        <PageMeta title=t!("acct-check-email-title") description=t!("acct-check-email-description")/>
        <section class="page narrow center">
            <h1>{t!("acct-check-email-title")}</h1>
            <p class="lead">{t!("acct-check-email-lead")}</p>
            <p class="muted">{t!("acct-check-email-nothing")}</p>
        </section>
    }
}

#[component]
pub fn VerifyFailedPage() -> impl IntoView {
    view! {
        <PageMeta title=t!("acct-verify-failed-title") description=t!("acct-verify-failed-description")/>
        <section class="page narrow center">
            <h1>{t!("acct-link-dead-heading")}</h1>
            <p class="lead">{t!("acct-verify-failed-lead")}</p>
            <p><a class="button" href="/login">{t!("acct-log-in")}</a></p>
        </section>
    }
}

#[component]
pub fn LogInPage() -> impl IntoView {
    // A plain form: the error of a failed attempt comes back in the URL and lands here.
    let action = ServerAction::<LogIn>::new();
    let error = action_error(action.value());
    let typed = Typed::of::<LogIn>();
    let query = use_query_map();
    let notice = move || {
        query.with(|q| {
            if q.get("verified").is_some() {
                Some(t!("acct-login-verified"))
            } else if q.get("reset").is_some() {
                Some(t!("acct-login-reset"))
            } else {
                None
            }
        })
    };
    let next = move || query.with(|q| q.get("next").unwrap_or_default());
    view! {
        <PageMeta title=t!("acct-log-in") description=t!("acct-login-description")/>
        <section class="page narrow">
            <h1>{t!("acct-log-in")}</h1>
            {move || notice().map(|n| view! { <div class="alert alert-success" role="status">{n}</div> })}
            <form method="post" action="/api/log_in" class="stack" novalidate>
                <CsrfField/>
                <input type="hidden" name="next" value=next/>
                <FormAlert error/>
                <div class="field">
                    <label for="email">{t!("acct-field-email")}</label>
                    <input id="email" name="email" type="email" autocomplete="email" required
                        value=typed.get("email") autofocus=focus_if_invalid(error, "email")
                        aria-invalid=invalid(error, "email") aria-describedby="email-error"/>
                    <FieldError error field="email"/>
                </div>
                <div class="field">
                    <label for="password">{t!("acct-field-password")}</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required
                        autofocus=focus_if_invalid(error, "password")
                        aria-invalid=invalid(error, "password") aria-describedby="password-error"/>
                    <FieldError error field="password"/>
                </div>
                <button type="submit" class="button">{t!("acct-log-in")}</button>
            </form>
            <p class="muted">
                <a href="/forgot-password">{t!("acct-forgot-link")}</a>
                " · " {t!("acct-login-new-here")} " " <a href=move || with_next("/signup", &next())>{t!("acct-login-create-account")}</a>
            </p>
        </section>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = action_error(action.value());
    view! {
        <PageMeta title=t!("acct-forgot-title") description=t!("acct-forgot-description")/>
        <section class="page narrow">
            <h1>{t!("acct-forgot-heading")}</h1>
            <p class="lead">{t!("acct-forgot-lead")}</p>
            <ActionForm action=action attr:class="stack" attr:novalidate=true>
                <CsrfField/>
                <FormAlert error/>
                <div class="field">
                    <label for="email">{t!("acct-field-email")}</label>
                    <input id="email" name="email" type="email" autocomplete="email" required
                        aria-invalid=invalid(error, "email") aria-describedby="email-error"/>
                    <FieldError error field="email"/>
                </div>
                <button type="submit" class="button" disabled=move || action.pending().get()>{t!("acct-forgot-submit")}</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn ResetSentPage() -> impl IntoView {
    view! {
        <PageMeta title=t!("acct-check-email-title") description=t!("acct-check-email-description")/>
        <section class="page narrow center">
            <h1>{t!("acct-check-email-title")}</h1>
            <p class="lead">{t!("acct-reset-sent-lead")}</p>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.with(|q| q.get("token").unwrap_or_default());
    let valid = Resource::new(token, reset_link_valid);
    let action = ServerAction::<ResetPassword>::new();
    let error = action_error(action.value());
    view! {
        <PageMeta title=t!("acct-reset-title") description=t!("acct-reset-description")/>
        <section class="page narrow">
            <Suspense fallback=|| view! { <p>{t!("acct-reset-checking")}</p> }>
                {move || Suspend::new(async move {
                    if valid.await.unwrap_or(false) {
                        view! {
                            <h1>{t!("acct-reset-title")}</h1>
                            <form method="post" action="/api/reset_password" class="stack" novalidate>
                                <CsrfField/>
                                <input type="hidden" name="token" value=token/>
                                <FormAlert error/>
                                <div class="field">
                                    <label for="password">{t!("acct-field-new-password")}</label>
                                    <input id="password" name="password" type="password" autocomplete="new-password"
                                        required minlength="8" maxlength="128" aria-invalid=invalid(error, "password")
                                        aria-describedby="password-help password-error"/>
                                    <p class="help" id="password-help">{t!("acct-password-help")}</p>
                                    <FieldError error field="password"/>
                                </div>
                                <button type="submit" class="button">{t!("acct-reset-submit")}</button>
                            </form>
                        }.into_any()
                    } else {
                        view! {
                            <h1>{t!("acct-link-dead-heading")}</h1>
                            <p class="lead">{t!("acct-reset-dead-lead")}</p>
                            <FormAlert error/>
                            <p><a class="button" href="/forgot-password">{t!("acct-reset-new-link")}</a></p>
                        }.into_any()
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `path` with `?next=…` when there is somewhere to come back to.
fn with_next(path: &str, next: &str) -> String {
    if next.is_empty() {
        path.to_owned()
    } else {
        let mut query = leptos_router::params::ParamsMap::new();
        query.insert("next", next.to_owned());
        format!("{path}{}", query.to_query_string())
    }
}
