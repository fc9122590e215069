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
        <PageMeta title="Sign up" description="Create a Chipin account to tip and pledge to creators and causes."/>
        <section class="page narrow">
            <h1>"Create your Chipin account"</h1>
            <p class="lead">"Support creators and causes with one monthly charge."</p>
            <ActionForm action=action attr:class="stack" attr:novalidate=true>
                <CsrfField/>
                <input type="hidden" name="next" value=next/>
                <FormAlert error/>
                <div class="field">
                    <label for="display_name">"Your name"</label>
                    <input id="display_name" name="display_name" autocomplete="name" required maxlength="60"
                        value=typed.get("display_name") autofocus=focus_if_invalid(error, "display_name")
                        aria-invalid=invalid(error, "display_name") aria-describedby="display_name-error"/>
                    <FieldError error field="display_name"/>
                </div>
                <div class="field">
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="email" required maxlength="254"
                        value=typed.get("email") autofocus=focus_if_invalid(error, "email")
                        aria-invalid=invalid(error, "email") aria-describedby="email-error"/>
                    <FieldError error field="email"/>
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" autocomplete="new-password" required
                        minlength="8" maxlength="128" aria-invalid=invalid(error, "password")
                        autofocus=focus_if_invalid(error, "password")
                        aria-describedby="password-help password-error"/>
                    <p class="help" id="password-help">"8 to 128 characters. A few unrelated words make a strong password."</p>
                    <FieldError error field="password"/>
                </div>
                <button type="submit" class="button" disabled=move || action.pending().get()>"Create account"</button>
            </ActionForm>
            <p class="muted">"Already have an account? " <a href=login_href>"Log in"</a></p>
        </section>
    }
}

#[component]
pub fn CheckEmailPage() -> impl IntoView {
    view! {
        <PageMeta title="Check your email" description="Follow the link we emailed you to continue on Chipin."/>
        <section class="page narrow center">
            <h1>"Check your email"</h1>
            <p class="lead">"We sent a link to confirm your address. Open it to finish creating your account."</p>
            <p class="muted">"Nothing arrived after a few minutes? Check your spam folder, or try logging in to get a new link."</p>
        </section>
    }
}

#[component]
pub fn VerifyFailedPage() -> impl IntoView {
    view! {
        <PageMeta title="Link no longer works" description="That email link was already used or has expired; ask for a new one."/>
        <section class="page narrow center">
            <h1>"This link no longer works"</h1>
            <p class="lead">"It was already used, or it is more than 48 hours old: confirmation links work once. If your address is confirmed, just log in; if not, logging in sends you a new link."</p>
            <p><a class="button" href="/login">"Log in"</a></p>
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
                Some("Your email address is confirmed. You can log in now.")
            } else if q.get("reset").is_some() {
                Some("Your password was changed. Log in with the new one.")
            } else {
                None
            }
        })
    };
    let next = move || query.with(|q| q.get("next").unwrap_or_default());
    view! {
        <PageMeta title="Log in" description="Log in to Chipin to manage your pledges, tips and billing."/>
        <section class="page narrow">
            <h1>"Log in"</h1>
            {move || notice().map(|n| view! { <div class="alert alert-success" role="status">{n}</div> })}
            <form method="post" action="/api/log_in" class="stack" novalidate>
                <CsrfField/>
                <input type="hidden" name="next" value=next/>
                <FormAlert error/>
                <div class="field">
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="email" required
                        value=typed.get("email") autofocus=focus_if_invalid(error, "email")
                        aria-invalid=invalid(error, "email") aria-describedby="email-error"/>
                    <FieldError error field="email"/>
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required
                        autofocus=focus_if_invalid(error, "password")
                        aria-invalid=invalid(error, "password") aria-describedby="password-error"/>
                    <FieldError error field="password"/>
                </div>
                <button type="submit" class="button">"Log in"</button>
            </form>
            <p class="muted">
                <a href="/forgot-password">"Forgot your password?"</a>
                " · New here? " <a href=move || with_next("/signup", &next())>"Create an account"</a>
            </p>
        </section>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = action_error(action.value());
    view! {
        <PageMeta title="Forgot your password" description="Get a link to reset your Chipin password by email."/>
        <section class="page narrow">
            <h1>"Reset your password"</h1>
            <p class="lead">"Enter your email address and we will send you a link to choose a new password."</p>
            <ActionForm action=action attr:class="stack" attr:novalidate=true>
                <CsrfField/>
                <FormAlert error/>
                <div class="field">
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="email" required
                        aria-invalid=invalid(error, "email") aria-describedby="email-error"/>
                    <FieldError error field="email"/>
                </div>
                <button type="submit" class="button" disabled=move || action.pending().get()>"Send reset link"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn ResetSentPage() -> impl IntoView {
    view! {
        <PageMeta title="Check your email" description="Follow the link we emailed you to continue on Chipin."/>
        <section class="page narrow center">
            <h1>"Check your email"</h1>
            <p class="lead">"If an account uses that address, a reset link is on its way. It works once, for one hour."</p>
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
        <PageMeta title="Choose a new password" description="Choose a new password for your Chipin account."/>
        <section class="page narrow">
            <Suspense fallback=|| view! { <p>"Checking your link…"</p> }>
                {move || Suspend::new(async move {
                    if valid.await.unwrap_or(false) {
                        view! {
                            <h1>"Choose a new password"</h1>
                            <form method="post" action="/api/reset_password" class="stack" novalidate>
                                <CsrfField/>
                                <input type="hidden" name="token" value=token/>
                                <FormAlert error/>
                                <div class="field">
                                    <label for="password">"New password"</label>
                                    <input id="password" name="password" type="password" autocomplete="new-password"
                                        required minlength="8" maxlength="128" aria-invalid=invalid(error, "password")
                                        aria-describedby="password-help password-error"/>
                                    <p class="help" id="password-help">"8 to 128 characters. A few unrelated words make a strong password."</p>
                                    <FieldError error field="password"/>
                                </div>
                                <button type="submit" class="button">"Set new password"</button>
                            </form>
                        }.into_any()
                    } else {
                        view! {
                            <h1>"This link no longer works"</h1>
                            <p class="lead">"It was already used, or it is more than an hour old: reset links work once, for one hour."</p>
                            <FormAlert error/>
                            <p><a class="button" href="/forgot-password">"Send a new link"</a></p>
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
