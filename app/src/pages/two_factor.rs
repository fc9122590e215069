//! Two-factor sign-in: the login's second step, the settings page that sets it up (QR code and
//! key, a first code, recovery codes shown once) or turns it off, and the "confirm it is you"
//! page sensitive changes send people to. All plain forms: they work without WebAssembly.

use crate::api::accounts::LogInSecondFactor;
use crate::api::two_factor::{
    ConfirmItIsYou, ConfirmTwoFactor, DisableTwoFactor, take_recovery_codes, two_factor_status,
};
use crate::components::form::{CsrfField, FieldError, FormAlert, action_error, invalid};
use crate::components::meta::PageMeta;
use crate::error::AppError;
use crate::i18n::num;
use crate::model::TwoFactorPage;
use crate::t;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

/// The code field every form here shares.
#[component]
fn CodeField(
    error: Signal<Option<AppError>>,
    #[prop(optional)] recovery: bool,
    #[prop(into)] label: String,
) -> impl IntoView {
    let help = if recovery {
        t!("acct-code-help-recovery")
    } else {
        t!("acct-code-help")
    };
    view! {
        <div class="field">
            <label for="code">{label}</label>
            <input id="code" name="code" type="text" autocomplete="one-time-code" required
                autocapitalize="off" spellcheck="false"
                inputmode=if recovery { "text" } else { "numeric" } maxlength="40"
                aria-invalid=invalid(error, "code") aria-describedby="code-help code-error"/>
            <p class="help" id="code-help">{help}</p>
            <FieldError error field="code"/>
        </div>
    }
}

/// `/login/two-factor`: the second step of a login.
#[component]
pub fn TwoFactorLogInPage() -> impl IntoView {
    let action = ServerAction::<LogInSecondFactor>::new();
    let error = action_error(action.value());
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next").unwrap_or_default());
    view! {
        <PageMeta title=t!("acct-2fa-title") description=t!("acct-2fa-login-description")/>
        <section class="page narrow">
            <h1>{t!("acct-2fa-login-heading")}</h1>
            <p class="lead">{t!("acct-2fa-login-lead")}</p>
            <form method="post" action="/api/log_in_second_factor" class="stack" novalidate>
                <CsrfField/>
                <input type="hidden" name="next" value=next/>
                <FormAlert error/>
                <CodeField error recovery=true label=t!("acct-code-label")/>
                <button type="submit" class="button">{t!("acct-log-in")}</button>
            </form>
            <p class="muted">{t!("acct-2fa-lost-device")} " "
                {t!("acct-2fa-no-codes")} " " <a href="/login">{t!("acct-2fa-start-again")}</a> " " {t!("acct-2fa-or-ask-operator")}</p>
        </section>
    }
}

/// `/account/two-factor`: set up or turn off two-factor sign-in.
#[component]
pub fn TwoFactorSettingsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| two_factor_status());
    view! {
        <PageMeta title=t!("acct-2fa-title") description=t!("acct-2fa-settings-description")/>
        <section class="page narrow">
            <p class="muted"><a href="/account">{t!("acct-back-to-account")}</a></p>
            <h1>{t!("acct-2fa-title")}</h1>
            <Suspense fallback=|| view! { <p>{t!("acct-loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => view! { <TwoFactorSettings page/> }.into_any(),
                        Err(AppError::Unauthenticated) => {
                            view! { <Redirect path="/login?next=/account/two-factor"/> }.into_any()
                        }
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn TwoFactorSettings(page: TwoFactorPage) -> impl IntoView {
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let confirm_error = action_error(confirm.value());
    let disable = ServerAction::<DisableTwoFactor>::new();
    let disable_error = action_error(disable.value());
    let off = use_query_map().with_untracked(|q| q.get("off").is_some());
    if page.enabled {
        return view! {
            <div class="alert alert-success" role="status">{t!("acct-2fa-is-on")}</div>
            <p>{t!("acct-2fa-on-explain")}</p>
            <p>{t!("acct-2fa-codes-left", count = num(page.recovery_codes_left))}</p>
            <h2>{t!("acct-2fa-turn-off-heading")}</h2>
            <p class="muted">{t!("acct-2fa-owners-need")}</p>
            <form method="post" action="/api/two_factor/disable" class="stack" novalidate>
                <CsrfField/>
                <FormAlert error=disable_error/>
                <CodeField error=disable_error recovery=true label=t!("acct-code-label")/>
                <button type="submit" class="button button-secondary">{t!("acct-2fa-turn-off-submit")}</button>
            </form>
        }
        .into_any();
    }
    match page.enrolment {
        Some(e) => view! {
            <ol class="steps stack">
                <li>
                    <p>{t!("acct-2fa-scan")}</p>
                    <img class="qr" src=e.qr_data_uri alt=t!("acct-2fa-qr-alt") width="240" height="240"/>
                </li>
                <li>
                    <p>{t!("acct-2fa-cant-scan")}</p>
                    <p><code class="secret" id="two-factor-secret">{e.secret}</code></p>
                </li>
                <li>
                    <p>{t!("acct-2fa-enter-code")}</p>
                    <form method="post" action="/api/two_factor/confirm" class="stack" novalidate>
                        <CsrfField/>
                        <FormAlert error=confirm_error/>
                        <CodeField error=confirm_error label=t!("acct-2fa-code-from-app")/>
                        <button type="submit" class="button">{t!("acct-2fa-turn-on-submit")}</button>
                    </form>
                </li>
            </ol>
        }
        .into_any(),
        None => view! {
            {off.then(|| view! { <div class="alert alert-success" role="status">{t!("acct-2fa-is-off")}</div> })}
            <p class="lead">{t!("acct-2fa-off-lead")}</p>
            <p>{t!("acct-2fa-optional")}</p>
            <form method="post" action="/api/two_factor/begin" class="stack">
                <CsrfField/>
                <button type="submit" class="button">{t!("acct-2fa-set-up")}</button>
            </form>
        }
        .into_any(),
    }
}

/// `/account/two-factor/recovery-codes`: the new recovery codes, shown this once.
#[component]
pub fn RecoveryCodesPage() -> impl IntoView {
    let codes = Resource::new(|| (), |_| take_recovery_codes());
    view! {
        <PageMeta title=t!("acct-recovery-title") description=t!("acct-recovery-description")/>
        <section class="page narrow">
            <h1>{t!("acct-recovery-heading")}</h1>
            <Suspense fallback=|| view! { <p>{t!("acct-loading")}</p> }>
                {move || Suspend::new(async move {
                    match codes.await {
                        Ok(Some(codes)) => view! {
                            <div class="alert alert-success" role="status">{t!("acct-2fa-is-on")}</div>
                            <p class="lead">{t!("acct-recovery-lead")}</p>
                            <ul class="recovery-codes">
                                {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                            </ul>
                            <p><a class="button" href="/account">{t!("acct-recovery-saved")}</a></p>
                        }.into_any(),
                        Ok(None) => view! {
                            <p class="lead">{t!("acct-recovery-once")}</p>
                            <p><a class="button" href="/account/two-factor">{t!("acct-2fa-title")}</a></p>
                        }.into_any(),
                        Err(AppError::Unauthenticated) => view! { <Redirect path="/login?next=/account"/> }.into_any(),
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/account/confirm?next=…`: a code before a sensitive change, then back to `next`.
#[component]
pub fn ConfirmItIsYouPage() -> impl IntoView {
    let action = ServerAction::<ConfirmItIsYou>::new();
    let error = action_error(action.value());
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next").unwrap_or_default());
    view! {
        <PageMeta title=t!("acct-confirm-title") description=t!("acct-confirm-description")/>
        <section class="page narrow">
            <h1>{t!("acct-confirm-title")}</h1>
            <p class="lead">{t!("acct-confirm-lead")}</p>
            <form method="post" action="/api/two_factor/step_up" class="stack" novalidate>
                <CsrfField/>
                <input type="hidden" name="next" value=next/>
                <FormAlert error/>
                <CodeField error recovery=true label=t!("acct-code-label")/>
                <button type="submit" class="button">{t!("acct-continue")}</button>
            </form>
        </section>
    }
}
