//! Personal access tokens for the API: the account page's section (list, create, revoke) and
//! the page that shows a new token, once. Plain forms: all of it works without WebAssembly.

use crate::api::api_tokens::{CreateApiToken, RevokeApiToken, api_tokens, take_new_api_token};
use crate::components::form::{CsrfField, FieldError, FormAlert, action_error, invalid};
use crate::components::meta::PageMeta;
use crate::error::AppError;
use crate::model::ApiTokenRow;
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
            <h2 id="api-tokens-title">"API tokens"</h2>
            <p>"A personal access token lets your own programs read your pages through "
                <a href="/api/v1">"Chipin's API"</a>
                ": supporters (as they chose to be shown), pledges, donations and their payouts, expenses. Tokens can only read, and only your pages. Keep a token secret like a password."</p>
            {move || revoked().then(|| view! {
                <div class="alert alert-success" role="status">"The token was revoked. Programs using it are refused from now on."</div>
            })}
            <FormAlert error=revoke_error/>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let rows = list.await.unwrap_or_default();
                    if rows.is_empty() {
                        view! { <p class="muted">"You have no tokens."</p> }.into_any()
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
                    <label for="api-token-name">"New token's name"</label>
                    <input id="api-token-name" name="name" type="text" maxlength="60" required
                        placeholder="e.g. Newsletter sync"
                        aria-invalid=invalid(error, "name") aria-describedby="name-error"/>
                    <FieldError error field="name"/>
                </div>
                <button type="submit" class="button button-secondary">"Create token"</button>
            </form>
        </section>
    }
}

#[component]
fn TokenItem(t: ApiTokenRow) -> impl IntoView {
    let used = t
        .last_used
        .clone()
        .map_or_else(|| "never used".to_owned(), |u| format!("last used {u}"));
    view! {
        <li class="api-token">
            <span class="api-token-text">
                <strong>{t.name.clone()}</strong>
                <span class="muted"><code>{format!("{}…", t.prefix)}</code>{format!(" · created {} · {used}", t.created)}</span>
                {t.revoked.clone().map(|r| view! { <span class="muted">{format!("Revoked {r}")}</span> })}
            </span>
            {t.revoked.is_none().then(|| view! {
                <form method="post" action="/api/api_tokens/revoke" class="inline-form">
                    <CsrfField/>
                    <input type="hidden" name="id" value=t.id.to_string()/>
                    <button type="submit" class="button button-secondary">
                        "Revoke"<span class="visually-hidden">{format!(" {}", t.name)}</span>
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
        <PageMeta title="Your new API token" description="Your new Chipin API token."/>
        <section class="page narrow">
            <h1>"Your new API token"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match token.await {
                        Ok(Some(t)) => view! {
                            <div class="alert alert-success" role="status">{format!("The token \u{201c}{}\u{201d} was created.", t.name)}</div>
                            <p class="lead">"Copy it now and keep it somewhere safe: this is the only time it is shown. Chipin keeps only a fingerprint of it."</p>
                            <p><code class="secret" id="api-token">{t.token}</code></p>
                            <p>"Send it in the "<code>"Authorization"</code>" header: "<code>"Authorization: Bearer chipin_pat_…"</code></p>
                            <p><a class="button" href="/account#api-tokens">"I have saved it"</a></p>
                        }.into_any(),
                        Ok(None) => view! {
                            <p class="lead">"A token is shown only once, right after it is created, and only in the browser that created it. If you lost it, revoke it and create another."</p>
                            <p><a class="button" href="/account#api-tokens">"Your tokens"</a></p>
                        }.into_any(),
                        Err(AppError::Unauthenticated) => view! { <Redirect path="/login?next=/account"/> }.into_any(),
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
