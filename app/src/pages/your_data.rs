//! Your data: the download of everything Chipin holds about you, and deleting your account.

use crate::api::accounts::DeleteAccount;
use crate::api::two_factor::two_factor_status;
use crate::components::form::{
    CsrfField, FieldError, FormAlert, StepUpCodeField, action_error, invalid,
};
use crate::components::layout::use_me;
use crate::components::meta::PageMeta;
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// The account page's "Your data" section.
#[component]
pub fn YourDataSection() -> impl IntoView {
    view! {
        <section aria-labelledby="your-data-title" class="stack">
            <h2 id="your-data-title">"Your data"</h2>
            <p>"Download everything Chipin holds about you: your account, pledges, tips, charges, donations and where they went, and for your pages their tiers, posts, expenses and payouts. One zip with a JSON file and the CSV reports."</p>
            <p><a class="button button-secondary" href="/account/data.zip" download>"Download your data"</a></p>
            <p><a href="/account/delete">"Delete your account…"</a></p>
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
        <PageMeta title="Delete your account" description="Delete your Chipin account."/>
        <section class="page narrow">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let two_factor_on = two_factor.await.map(|t| t.enabled).unwrap_or(false);
                    match me.await {
                        Ok(Some(_)) => view! {
                            <h1>"Delete your account"</h1>
                            <p>"Deleting your account cannot be undone. You may want to "<a href="/account/data.zip" download>"download your data"</a>" first."</p>
                            <h2>"What happens"</h2>
                            <ul class="stack">
                                <li>"Your pledges end and nothing more is charged. Tips and pledge months not yet charged are dropped."</li>
                                <li>"Your email, name, password, saved card, tip messages and sessions are erased. You are logged out everywhere."</li>
                                <li>"Money already given stays on record, under an anonymous name, so every page's accounts and every donor's trail still add up. Your name no longer appears anywhere."</li>
                                <li>"Pages you own close: their pledges end, they leave explore and take no new gifts; their texts and posts are removed. A page that still holds money must be paid out first."</li>
                            </ul>
                            <form method="post" action="/api/delete_account" class="stack" novalidate>
                                <CsrfField/>
                                <FormAlert error/>
                                <div class="field">
                                    <label for="password">"Your password"</label>
                                    <input id="password" name="password" type="password"
                                        autocomplete="current-password" required
                                        aria-invalid=invalid(error, "password") aria-describedby="password-error"/>
                                    <FieldError error field="password"/>
                                </div>
                                <div class="field">
                                    <label for="confirm">"Type "<strong>"delete"</strong>" to confirm"</label>
                                    <input id="confirm" name="confirm" type="text" autocomplete="off" required
                                        autocapitalize="none" spellcheck="false"
                                        aria-invalid=invalid(error, "confirm") aria-describedby="confirm-error"/>
                                    <FieldError error field="confirm"/>
                                </div>
                                {two_factor_on.then(|| view! { <StepUpCodeField error/> })}
                                <div class="hero-actions start">
                                    <button type="submit" class="button button-danger">"Delete my account"</button>
                                    <a class="button button-secondary" href="/account">"Keep my account"</a>
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
        <PageMeta title="Account deleted" description="Your Chipin account was deleted."/>
        <section class="page narrow">
            <h1>"Your account was deleted"</h1>
            <p>"Your personal data is erased and your pledges have ended. Thank you for the support you gave."</p>
            <p><a class="button" href="/">"Back to Chipin"</a></p>
        </section>
    }
}
