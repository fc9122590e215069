//! Personal access tokens for the API: the account page's section (list, create, revoke) and
//! the page that shows a new token, once. Plain forms: all of it works without WebAssembly.

use crate::api::api_tokens::{CreateApiToken, RevokeApiToken, api_tokens, take_new_api_token};
use crate::components::form::{CsrfField, FieldError, FormAlert, action_error, invalid};
use crate::components::meta::PageMeta;
use crate::error::AppError;
use crate::i18n::arg;
use crate::model::ApiTokenRow;
use crate::t;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

/// The account page's "API tokens" section.
#[component]
pub fn ApiTokensSection() -> impl IntoView {
    let create = ServerAction::<CreateApiToken>::new();
    let error = action_error(create.value());
    let revoke = ServerAction::<RevokeApiToken>::new();
    let revoke_error = action_error(revoke.value());
    let list = Resource::new(|| (), |_| api_tokens());
    let query = use_query_map();
    let revoked = move || query.with(|q| q.get("token_revoked").is_some());
    view! {
        <section aria-labelledby="api-tokens-title" class="stack" id="api-tokens">
            <h2 id="api-tokens-title">{t!("acct-tokens-heading")}</h2>
            <p>{t!("acct-tokens-intro-before")}
                <a href="/api/v1">{t!("acct-tokens-intro-link")}</a>
                {t!("acct-tokens-intro-after")}</p>
            {move || revoked().then(|| view! {
                <div class="alert alert-success" role="status">{t!("acct-token-revoked")}</div>
            })}
            <FormAlert error=revoke_error/>
            <Suspense fallback=|| view! { <p>{t!("acct-loading")}</p> }>
                {move || Suspend::new(async move {
                    let rows = list.await.unwrap_or_default();
                    if rows.is_empty() {
                        view! { <p class="muted">{t!("acct-tokens-none")}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="api-tokens">
                                {rows.into_iter().map(|t| view! { <TokenItem t/> }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                })}
            </Suspense>
            <form method="post" action="/api/api_tokens/create" class="stack" novalidate>
                <CsrfField/>
                <FormAlert error/>
                <div class="field">
                    <label for="api-token-name">{t!("acct-token-name-label")}</label>
                    <input id="api-token-name" name="name" type="text" maxlength="60" required
                        placeholder=t!("acct-token-name-placeholder")
                        aria-invalid=invalid(error, "name") aria-describedby="name-error"/>
                    <FieldError error field="name"/>
                </div>
                <button type="submit" class="button button-secondary">{t!("acct-token-create")}</button>
            </form>
        </section>
    }
}

#[component]
fn TokenItem(t: ApiTokenRow) -> impl IntoView {
    let locale = crate::i18n::current();
    let used = t.last_used.map_or_else(
        || t!("acct-token-never-used"),
        |u| t!("acct-token-last-used", when = arg(locale.minute(u))),
    );
    let created = t!("acct-token-created", when = arg(locale.minute(t.created)));
    view! {
        <li class="api-token">
            <span class="api-token-text">
                <strong>{t.name.clone()}</strong>
                <span class="muted"><code>{format!("{}…", t.prefix)}</code>{format!(" · {created} · {used}")}</span>
                {t.revoked.map(|r| view! { <span class="muted">{t!("acct-token-revoked-at", when = arg(locale.minute(r)))}</span> })}
            </span>
            {t.revoked.is_none().then(|| view! {
                <form method="post" action="/api/api_tokens/revoke" class="inline-form">
                    <CsrfField/>
                    <input type="hidden" name="id" value=t.id.to_string()/>
                    <button type="submit" class="button button-secondary">
                        {t!("acct-token-revoke")}<span class="visually-hidden">{format!(" {}", t.name)}</span>
                    </button>
                </form>
            })}
        </li>
    }
}

/// `/account/api-tokens/new`: the token just created, shown this once.
#[component]
pub fn NewApiTokenPage() -> impl IntoView {
    let token = Resource::new(|| (), |_| take_new_api_token());
    view! {
        <PageMeta title=t!("acct-new-token-title") description=t!("acct-new-token-description")/>
        <section class="page narrow">
            <h1>{t!("acct-new-token-title")}</h1>
            <Suspense fallback=|| view! { <p>{t!("acct-loading")}</p> }>
                {move || Suspend::new(async move {
                    match token.await {
                        Ok(Some(t)) => view! {
                            <div class="alert alert-success" role="status">{t!("acct-new-token-created", name = arg(&t.name))}</div>
                            <p class="lead">{t!("acct-new-token-lead")}</p>
                            <p><code class="secret" id="api-token">{t.token}</code></p>
                            <p>{t!("acct-new-token-send-before")}<code>"Authorization"</code>{t!("acct-new-token-send-after")}<code>"Authorization: Bearer chipin_pat_…"</code></p> // i18n: not for people (an HTTP header)
                            <p><a class="button" href="/account#api-tokens">{t!("acct-new-token-saved")}</a></p>
                        }.into_any(),
                        Ok(None) => view! {
                            <p class="lead">{t!("acct-new-token-gone")}</p>
                            <p><a class="button" href="/account#api-tokens">{t!("acct-your-tokens")}</a></p>
                        }.into_any(),
                        Err(AppError::Unauthenticated) => view! { <Redirect path="/login?next=/account"/> }.into_any(),
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
