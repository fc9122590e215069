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
use crate::model::TwoFactorPage;
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
        "The 6-digit code your authenticator app shows now, or one of your recovery codes."
    } else {
        "The 6-digit code your authenticator app shows now."
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
        <PageMeta title="Two-factor sign-in" description="Enter the code from your authenticator app to finish logging in."/>
        <section class="page narrow">
            <h1>"Enter your code"</h1>
            <p class="lead">"Your password was right. Open your authenticator app and enter the code it shows for Chipin."</p>
            <form method="post" action="/api/log_in_second_factor" class="stack" novalidate>
                <CsrfField/>
                <input type="hidden" name="next" value=next/>
                <FormAlert error/>
                <CodeField error recovery=true label="Code"/>
                <button type="submit" class="button">"Log in"</button>
            </form>
            <p class="muted">"Lost your device? Enter one of your recovery codes instead. "
                "No codes left? " <a href="/login">"Start again"</a> " or ask the site's operator."</p>
        </section>
    }
}

/// `/account/two-factor`: set up or turn off two-factor sign-in.
#[component]
pub fn TwoFactorSettingsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| two_factor_status());
    view! {
        <PageMeta title="Two-factor sign-in" description="Protect your Chipin account with codes from an authenticator app."/>
        <section class="page narrow">
            <p class="muted"><a href="/account">"← Your account"</a></p>
            <h1>"Two-factor sign-in"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
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
            <div class="alert alert-success" role="status">"Two-factor sign-in is on."</div>
            <p>"Logging in asks for a code from your authenticator app after your password, and so do changes to your password and payout settings."</p>
            <p>{format!("Recovery codes left: {} of 10.", page.recovery_codes_left)}</p>
            <h2>"Turn it off"</h2>
            <p class="muted">"Page owners need two-factor sign-in to connect payouts and record expenses."</p>
            <form method="post" action="/api/two_factor/disable" class="stack" novalidate>
                <CsrfField/>
                <FormAlert error=disable_error/>
                <CodeField error=disable_error recovery=true label="Code"/>
                <button type="submit" class="button button-secondary">"Turn off two-factor sign-in"</button>
            </form>
        }
        .into_any();
    }
    match page.enrolment {
        Some(e) => view! {
            <ol class="steps stack">
                <li>
                    <p>"Scan this QR code with an authenticator app (for example Aegis, 2FAS, Google Authenticator or 1Password)."</p>
                    <img class="qr" src=e.qr_data_uri alt="QR code to add Chipin to your authenticator app" width="240" height="240"/>
                </li>
                <li>
                    <p>"Can't scan it? Type this key into the app instead (time-based, 6 digits):"</p>
                    <p><code class="secret" id="two-factor-secret">{e.secret}</code></p>
                </li>
                <li>
                    <p>"Enter the code the app now shows for Chipin."</p>
                    <form method="post" action="/api/two_factor/confirm" class="stack" novalidate>
                        <CsrfField/>
                        <FormAlert error=confirm_error/>
                        <CodeField error=confirm_error label="Code from the app"/>
                        <button type="submit" class="button">"Turn on two-factor sign-in"</button>
                    </form>
                </li>
            </ol>
        }
        .into_any(),
        None => view! {
            {off.then(|| view! { <div class="alert alert-success" role="status">"Two-factor sign-in is off."</div> })}
            <p class="lead">"Keep your account safe even if someone learns your password: after your password, Chipin asks for a code from an app on your phone."</p>
            <p>"It is optional for supporters, and needed by page owners before they connect payouts or record expenses."</p>
            <form method="post" action="/api/two_factor/begin" class="stack">
                <CsrfField/>
                <button type="submit" class="button">"Set up two-factor sign-in"</button>
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
        <PageMeta title="Recovery codes" description="Your Chipin recovery codes."/>
        <section class="page narrow">
            <h1>"Save your recovery codes"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match codes.await {
                        Ok(Some(codes)) => view! {
                            <div class="alert alert-success" role="status">"Two-factor sign-in is on."</div>
                            <p class="lead">"If you lose your phone, each of these codes logs you in once instead of a code from the app. Print them or keep them in a password manager: this is the only time they are shown."</p>
                            <ul class="recovery-codes">
                                {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                            </ul>
                            <p><a class="button" href="/account">"I have saved them"</a></p>
                        }.into_any(),
                        Ok(None) => view! {
                            <p class="lead">"Recovery codes are shown only once, right after two-factor sign-in is turned on."</p>
                            <p><a class="button" href="/account/two-factor">"Two-factor sign-in"</a></p>
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
        <PageMeta title="Confirm it is you" description="Enter a code from your authenticator app to continue."/>
        <section class="page narrow">
            <h1>"Confirm it is you"</h1>
            <p class="lead">"Payout settings and your password are protected: enter the code from your authenticator app to continue. You will not be asked again for ten minutes."</p>
            <form method="post" action="/api/two_factor/step_up" class="stack" novalidate>
                <CsrfField/>
                <input type="hidden" name="next" value=next/>
                <FormAlert error/>
                <CodeField error recovery=true label="Code"/>
                <button type="submit" class="button">"Continue"</button>
            </form>
        </section>
    }
}
