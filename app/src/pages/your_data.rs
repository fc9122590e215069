//! Your data: the download of everything Chipin holds about you, and deleting your account.

use crate::api::accounts::DeleteAccount;
use crate::api::two_factor::two_factor_status;
use crate::components::form::{
    CsrfField, FieldError, FormAlert, StepUpCodeField, action_error, invalid,
};
use crate::components::layout::use_me;
use crate::components::meta::PageMeta;
use crate::t;
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// The account page's "Your data" section.
#[component]
pub fn YourDataSection() -> impl IntoView {
    view! {
        <section aria-labelledby="your-data-title" class="stack">
            <h2 id="your-data-title">{t!("acct-data-heading")}</h2>
            <p>{t!("acct-data-lead")}</p>
            <p><a class="button button-secondary" href="/account/data.zip" download>{t!("acct-data-download")}</a></p>
            <p><a href="/account/delete">{t!("acct-delete-link")}</a></p>
        </section>
    }
}

/// `/account/delete`: what deleting means, and the form that does it.
#[component]
pub fn DeleteAccountPage() -> impl IntoView {
    let me = use_me();
    let action = ServerAction::<DeleteAccount>::new();
    let error = action_error(action.value());
    let two_factor = Resource::new(|| (), |_| two_factor_status());
    view! {
        <PageMeta title=t!("acct-delete-title") description=t!("acct-delete-description")/>
        <section class="page narrow">
            <Suspense fallback=|| view! { <p>{t!("acct-loading")}</p> }>
                {move || Suspend::new(async move {
                    let two_factor_on = two_factor.await.map(|t| t.enabled).unwrap_or(false);
                    match me.await {
                        Ok(Some(_)) => view! {
                            <h1>{t!("acct-delete-title")}</h1>
                            <p>{t!("acct-delete-intro-before")}<a href="/account/data.zip" download>{t!("acct-delete-intro-link")}</a>{t!("acct-delete-intro-after")}</p>
                            <h2>{t!("acct-delete-what-happens")}</h2>
                            <ul class="stack">
                                <li>{t!("acct-delete-pledges-end")}</li>
                                <li>{t!("acct-delete-erased")}</li>
                                <li>{t!("acct-delete-money-stays")}</li>
                                <li>{t!("acct-delete-pages-close")}</li>
                            </ul>
                            <form method="post" action="/api/delete_account" class="stack" novalidate>
                                <CsrfField/>
                                <FormAlert error/>
                                <div class="field">
                                    <label for="password">{t!("acct-field-your-password")}</label>
                                    <input id="password" name="password" type="password"
                                        autocomplete="current-password" required
                                        aria-invalid=invalid(error, "password") aria-describedby="password-error"/>
                                    <FieldError error field="password"/>
                                </div>
                                <div class="field">
                                    <label for="confirm">{t!("acct-delete-type-before")}<strong>"delete"</strong>{t!("acct-delete-type-after")}</label>
                                    <input id="confirm" name="confirm" type="text" autocomplete="off" required
                                        autocapitalize="none" spellcheck="false"
                                        aria-invalid=invalid(error, "confirm") aria-describedby="confirm-error"/>
                                    <FieldError error field="confirm"/>
                                </div>
                                {two_factor_on.then(|| view! { <StepUpCodeField error/> })}
                                <div class="hero-actions start">
                                    <button type="submit" class="button button-danger">{t!("acct-delete-submit")}</button>
                                    <a class="button button-secondary" href="/account">{t!("acct-delete-keep")}</a>
                                </div>
                            </form>
                        }.into_any(),
                        _ => view! { <Redirect path="/login?next=/account/delete"/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/account/deleted`: the goodbye after a deletion.
#[component]
pub fn AccountDeletedPage() -> impl IntoView {
    view! {
        <PageMeta title=t!("acct-deleted-title") description=t!("acct-deleted-description")/>
        <section class="page narrow">
            <h1>{t!("acct-deleted-heading")}</h1>
            <p>{t!("acct-deleted-lead")}</p>
            <p><a class="button" href="/">{t!("error-back")}</a></p>
        </section>
    }
}
