//! The logged-in person's account settings.

use crate::api::accounts::ChangePassword;
use crate::api::two_factor::two_factor_status;
use crate::components::form::{
    CsrfField, FieldError, FormAlert, StepUpCodeField, action_error, invalid,
};
use crate::components::layout::use_me;
use crate::components::meta::PageMeta;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AccountPage() -> impl IntoView {
    let me = use_me();
    let action = ServerAction::<ChangePassword>::new();
    let error = action_error(action.value());
    let query = use_query_map();
    let changed = move || query.with(|q| q.get("changed").is_some());
    let two_factor = Resource::new(|| (), |_| two_factor_status());
    view! {
        <PageMeta title="Your account" description="Your Chipin account."/>
        <section class="page narrow">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let two_factor_on = two_factor.await.map(|t| t.enabled).unwrap_or(false);
                    match me.await {
                        Ok(Some(me)) => view! {
                            <h1>"Your account"</h1>
                            {move || changed().then(|| view! {
                                <div class="alert alert-success" role="status">"Your password was changed. Other devices were logged out."</div>
                            })}
                            <dl class="facts">
                                <dt>"Name"</dt><dd>{me.display_name}</dd>
                                <dt>"Email"</dt><dd>{me.email}</dd>
                            </dl>
                            <h2>"Change password"</h2>
                            <form method="post" action="/api/change_password" class="stack" novalidate>
                                <CsrfField/>
                                <FormAlert error/>
                                <div class="field">
                                    <label for="current_password">"Current password"</label>
                                    <input id="current_password" name="current_password" type="password"
                                        autocomplete="current-password" required
                                        aria-invalid=invalid(error, "current_password") aria-describedby="current_password-error"/>
                                    <FieldError error field="current_password"/>
                                </div>
                                <div class="field">
                                    <label for="new_password">"New password"</label>
                                    <input id="new_password" name="new_password" type="password"
                                        autocomplete="new-password" required minlength="8" maxlength="128"
                                        aria-invalid=invalid(error, "new_password") aria-describedby="new_password-error"/>
                                    <FieldError error field="new_password"/>
                                </div>
                                {two_factor_on.then(|| view! { <StepUpCodeField error/> })}
                                <button type="submit" class="button">"Change password"</button>
                            </form>
                            <h2>"Two-factor sign-in"</h2>
                            <p>{if two_factor_on {
                                "On: logging in asks for a code from your authenticator app."
                            } else {
                                "Off. Turn it on to protect your account with a code from your phone; page owners need it to connect payouts and record expenses."
                            }}</p>
                            <p><a class="button button-secondary" href="/account/two-factor">
                                {if two_factor_on { "Manage two-factor sign-in" } else { "Set up two-factor sign-in" }}
                            </a></p>
                            <crate::pages::your_data::YourDataSection/>
                        }.into_any(),
                        _ => view! { <Redirect path="/login?next=/account"/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
