//! The logged-in person's account settings.

use crate::api::accounts::{ChangePassword, SetLanguage, first_run_steps};
use crate::api::two_factor::two_factor_status;
use crate::components::form::{
    CsrfField, FieldError, FormAlert, StepUpCodeField, action_error, invalid,
};
use crate::components::layout::use_me;
use crate::components::meta::PageMeta;
use crate::i18n::{Locale, num};
use crate::model::GettingStarted;
use crate::t;
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
        <PageMeta title=t!("acct-title") description=t!("acct-description")/>
        <section class="page narrow">
            <Suspense fallback=|| view! { <p>{t!("acct-loading")}</p> }>
                {move || Suspend::new(async move {
                    let two_factor_on = two_factor.await.map(|t| t.enabled).unwrap_or(false);
                    let first_run = started.await.ok().filter(|g| !g.done());
                    match me.await {
                        Ok(Some(me)) => view! {
                            <h1>{t!("acct-title")}</h1>
                            {move || changed().then(|| view! {
                                <div class="alert alert-success" role="status">{t!("acct-password-changed")}</div>
                            })}
                            {first_run.map(|g| view! { <FirstRun g/> })}
                            <dl class="facts">
                                <dt>{t!("acct-name")}</dt><dd>{me.display_name}</dd>
                                <dt>{t!("acct-field-email")}</dt><dd>{me.email}</dd>
                            </dl>
                            <h2>{t!("acct-change-password")}</h2>
                            <form method="post" action="/api/change_password" class="stack" novalidate>
                                <CsrfField/>
                                <FormAlert error/>
                                <div class="field">
                                    <label for="current_password">{t!("acct-field-current-password")}</label>
                                    <input id="current_password" name="current_password" type="password"
                                        autocomplete="current-password" required
                                        aria-invalid=invalid(error, "current_password") aria-describedby="current_password-error"/>
                                    <FieldError error field="current_password"/>
                                </div>
                                <div class="field">
                                    <label for="new_password">{t!("acct-field-new-password")}</label>
                                    <input id="new_password" name="new_password" type="password"
                                        autocomplete="new-password" required minlength="8" maxlength="128"
                                        aria-invalid=invalid(error, "new_password") aria-describedby="new_password-error"/>
                                    <FieldError error field="new_password"/>
                                </div>
                                {two_factor_on.then(|| view! { <StepUpCodeField error/> })}
                                <button type="submit" class="button">{t!("acct-change-password")}</button>
                            </form>
                            <LanguageSection/>
                            <h2>{t!("acct-2fa-title")}</h2>
                            <p>{if two_factor_on {
                                t!("acct-2fa-status-on")
                            } else {
                                t!("acct-2fa-status-off")
                            }}</p>
                            <p><a class="button button-secondary" href="/account/two-factor">
                                {if two_factor_on { t!("acct-2fa-manage") } else { t!("acct-2fa-set-up") }}
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
            <li class=if done { "step step-done" } else { "step" }> // i18n: not for people (class names)
                <span class="step-mark" aria-hidden="true">{if done { "✓" } else { "○" }}</span>
                <span class="visually-hidden">{format!("{} ", if done { t!("acct-step-done") } else { t!("acct-step-to-do") })}</span>
                <span>{text}</span>
            </li>
        }
    };
    let card = if g.has_card {
        view! { {t!("acct-first-card-saved")} " " <a href="/account/billing#payment-method">{t!("acct-first-card-change")}</a> }
            .into_any()
    } else {
        view! {
            <a href="/account/billing#payment-method">{t!("acct-first-card-add")}</a>
            ": " {t!("acct-first-card-add-why")}
        }
        .into_any()
    };
    let day = match g.billing_day {
        Some(d) => view! {
            {t!("acct-first-day-set", day = num(d))} " "
            <a href="/account/billing#billing-day">{t!("acct-first-day-change")}</a>
        }
        .into_any(),
        None => view! {
            <a href="/account/billing#billing-day">{t!("acct-first-day-choose")}</a>
            ": " {t!("acct-first-day-why")}
        }
        .into_any(),
    };
    let gifts = if g.gifts > 0 {
        view! { {t!("acct-first-gifts-some")} " " <a href="/account/billing#pledges">{t!("acct-first-gifts-see")}</a> }
            .into_any()
    } else {
        view! {
            <a href="/">{t!("acct-first-gifts-find")}</a>
            ": " {t!("acct-first-gifts-why")}
        }
        .into_any()
    };
    view! {
        <section class="panel first-run" id="first-run" aria-labelledby="first-run-title">
            <h2 id="first-run-title">{t!("acct-first-heading")}</h2>
            <ol class="first-run-steps">
                {step(g.has_card, card)}
                {step(g.billing_day.is_some(), day)}
                {step(g.gifts > 0, gifts)}
            </ol>
            {(!g.owns_pages).then(|| view! {
                <p class="muted">{t!("acct-first-page-ask")} " " <a href="/studio">{t!("acct-first-page-start")}</a> " " {t!("acct-first-page-why")}</p>
            })}
        </section>
    }
}

/// The language pages and emails are in: a plain form (it works without WebAssembly) that
/// saves it on the account and comes back here.
#[component]
fn LanguageSection() -> impl IntoView {
    let here = crate::i18n::current();
    let error = action_error(ServerAction::<SetLanguage>::new().value());
    view! {
        <section aria-labelledby="language-title" class="stack" id="language">
            <h2 id="language-title">{t!("acct-language-heading")}</h2>
            <form method="post" action="/api/set_language" class="stack" novalidate>
                <CsrfField/>
                <input type="hidden" name="back" value="/account"/>
                <div class="field">
                    <label for="language">{t!("acct-language-label")}</label>
                    <select id="language" name="language" aria-invalid=invalid(error, "language")
                        aria-describedby="language-help language-error">
                        {Locale::ALL
                            .into_iter()
                            .map(|l| view! {
                                <option value=l.tag() lang=l.tag() selected=l == here>{l.native_name()}</option>
                            })
                            .collect_view()}
                    </select>
                    <p class="help" id="language-help">{t!("acct-language-help")}</p>
                    <FieldError error field="language"/>
                </div>
                <button type="submit" class="button button-secondary">{t!("acct-language-save")}</button>
            </form>
        </section>
    }
}
