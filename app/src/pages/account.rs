//! The logged-in person's account settings.

use crate::api::accounts::{ChangePassword, first_run_steps};
use crate::api::two_factor::two_factor_status;
use crate::components::form::{
    CsrfField, FieldError, FormAlert, StepUpCodeField, action_error, invalid,
};
use crate::components::layout::use_me;
use crate::components::meta::PageMeta;
use crate::model::GettingStarted;
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
    let started = Resource::new(|| (), |_| first_run_steps());
    view! {
        <PageMeta title="Your account" description="Your Chipin account."/>
        <section class="page narrow">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let two_factor_on = two_factor.await.map(|t| t.enabled).unwrap_or(false);
                    let first_run = started.await.ok().filter(|g| !g.done());
                    match me.await {
                        Ok(Some(me)) => view! {
                            <h1>"Your account"</h1>
                            {move || changed().then(|| view! {
                                <div class="alert alert-success" role="status">"Your password was changed. Other devices were logged out."</div>
                            })}
                            {first_run.map(|g| view! { <FirstRun g/> })}
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
                            <crate::pages::api_tokens::ApiTokensSection/>
                            <crate::pages::your_data::YourDataSection/>
                        }.into_any(),
                        _ => view! { <Redirect path="/login?next=/account"/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The steps between a new account and its first gift, each either done (said so) or a link
/// to where it is done; and, for someone without a page, the way to start one.
#[component]
fn FirstRun(g: GettingStarted) -> impl IntoView {
    let step = |done: bool, text: AnyView| {
        view! {
            <li class=if done { "step step-done" } else { "step" }>
                <span class="step-mark" aria-hidden="true">{if done { "✓" } else { "○" }}</span>
                <span class="visually-hidden">{if done { "Done: " } else { "To do: " }}</span>
                <span>{text}</span>
            </li>
        }
    };
    let card = if g.has_card {
        view! { "A card is saved. " <a href="/account/billing#payment-method">"Change it"</a> }
            .into_any()
    } else {
        view! {
            <a href="/account/billing#payment-method">"Add a card"</a>
            ": nothing is charged until your billing day, and then once for everything you give that month."
        }
        .into_any()
    };
    let day = match g.billing_day {
        Some(d) => view! {
            {format!("You are charged once a month, on day {d}. ")}
            <a href="/account/billing#billing-day">"Choose another day"</a>
        }
        .into_any(),
        None => view! {
            <a href="/account/billing#billing-day">"Choose your billing day"</a>
            ": the one day a month your gifts are charged together."
        }
        .into_any(),
    };
    let gifts = if g.gifts > 0 {
        view! { "You support someone. " <a href="/account/billing#pledges">"See your pledges"</a> }
            .into_any()
    } else {
        view! {
            <a href="/">"Find someone to support"</a>
            ": a monthly pledge, or a tip from one cent."
        }
        .into_any()
    };
    view! {
        <section class="panel first-run" id="first-run" aria-labelledby="first-run-title">
            <h2 id="first-run-title">"Start giving in three steps"</h2>
            <ol class="first-run-steps">
                {step(g.has_card, card)}
                {step(g.billing_day.is_some(), day)}
                {step(g.gifts > 0, gifts)}
            </ol>
            {(!g.owns_pages).then(|| view! {
                <p class="muted">"Make things or run a cause? " <a href="/studio">"Start a page"</a> " and let fans chip in."</p>
            })}
        </section>
    }
}
