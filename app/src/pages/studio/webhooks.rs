//! `/studio/p/:id/webhooks`: a page's webhook endpoints. Add one (an address and the events it
//! wants; its signing secret is shown once), rotate its secret, disable, enable or delete it,
//! and read each endpoint's recent deliveries (status, attempts, last answer, next try) with
//! "Send again" on a finished one. Plain forms, so it works before the WebAssembly loads.

use super::{id_param, load_failed, saved_message};
use crate::api::hooks::{CreateHookEndpoint, get_hooks_page};
use crate::components::form::{CsrfField, FieldError, FormAlert, action_error, invalid};
use crate::error::AppError;
use crate::model::hooks::{DeliveryView, EVENT_TYPES, EndpointView, HooksPage};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn WebhooksStudioPage() -> impl IntoView {
    let id = id_param("id");
    let data = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_hooks_page(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="page">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) => view! { <HooksView p/> }.into_any(),
                    Err(e) => load_failed(e, format!("/studio/p/{}/webhooks", id.get_untracked().unwrap_or_default())),
                }
            })}
        </Suspense>
    }
}

#[component]
fn HooksView(p: HooksPage) -> impl IntoView {
    let create = ServerAction::<CreateHookEndpoint>::new();
    let error = action_error(create.value());
    let saved = use_query_map()
        .with_untracked(|q| q.get("saved"))
        .and_then(|s| saved_message(&s));
    let base = format!("/studio/p/{}", p.recipient_id);
    let scheme = if p.http_allowed {
        "https:// (or http://)"
    } else {
        "https://"
    };
    let endpoints = p
        .endpoints
        .iter()
        .cloned()
        .map(|e| view! { <Endpoint e/> })
        .collect_view();
    view! {
        <Title text=format!("Webhooks: {}", p.name)/>
        <section class="page studio">
            <p><a href=base>{format!("← {}", p.name)}</a></p>
            <header class="page-head">
                <h1>"Webhooks"</h1>
                <p class="lead">"Chipin posts a signed JSON message to your server when something happens on this page. Signatures follow the Standard Webhooks specification; failed deliveries are retried for three days."</p>
            </header>
            {saved.map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
            {if p.endpoints.is_empty() {
                view! { <p class="muted">"No endpoints yet."</p> }.into_any()
            } else {
                view! { <div class="stack">{endpoints}</div> }.into_any()
            }}
            <section class="panel" aria-labelledby="new-endpoint-title">
                <h2 id="new-endpoint-title">"Add an endpoint"</h2>
                <form method="post" action="/api/hooks/create" class="stack" novalidate>
                    <CsrfField/>
                    <input type="hidden" name="recipient_id" value=p.recipient_id.to_string()/>
                    <FormAlert error/>
                    <div class="field">
                        <label for="hook-url">"Address"</label>
                        <input id="hook-url" name="url" type="url" inputmode="url" maxlength="2000" autocomplete="off" required
                            placeholder="https://example.org/chipin-hooks"
                            aria-invalid=invalid(error, "url") aria-describedby="url-help url-error"/>
                        <p class="help" id="url-help">{format!("A public {scheme} address. Redirects are not followed.")}</p>
                        <FieldError error field="url"/>
                    </div>
                    <fieldset class="choices compact" aria-describedby="events-error">
                        <legend>"Events to send"</legend>
                        {EVENT_TYPES.iter().map(|(name, what)| {
                            let id = format!("hook-event-{}", name.replace('.', "-"));
                            let for_id = id.clone();
                            view! {
                                <label class="choice" for=for_id>
                                    <input type="checkbox" id=id name="events[]" value=*name/>
                                    <span><code>{*name}</code>" "<span class="muted">{*what}</span></span>
                                </label>
                            }
                        }).collect_view()}
                        <FieldError error field="events"/>
                    </fieldset>
                    <button type="submit" class="button">"Add endpoint"</button>
                </form>
            </section>
        </section>
    }
}

#[component]
fn Endpoint(e: EndpointView) -> impl IntoView {
    let id = e.id.to_string();
    let status = match &e.disabled {
        Some(why) => format!("Disabled: {why}"),
        None => "Enabled".to_owned(),
    };
    let (switch_action, switch_label) = if e.disabled.is_some() {
        ("enable", "Enable")
    } else {
        ("disable", "Disable")
    };
    let deliveries = e.deliveries.clone();
    let log = if deliveries.is_empty() {
        view! { <p class="muted">"Nothing sent yet."</p> }.into_any()
    } else {
        let rows = deliveries
            .into_iter()
            .map(|d| view! { <DeliveryLine d/> })
            .collect_view();
        view! {
            <div class="table-scroll">
                <table class="items">
                    <caption class="visually-hidden">{format!("Deliveries to {}", e.url)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Event"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col" class="num">"Attempts"</th>
                            <th scope="col">"Last answer"</th>
                            <th scope="col">"Next try"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="panel hook-endpoint" id=format!("endpoint-{}", e.id) aria-label=format!("Endpoint {}", e.url)>
            <h2 class="studio-item-text">{e.url.clone()}</h2>
            <p class="endpoint-status">{status}</p>
            <p class="studio-item-text">"Events: "{e.events.join(", ")}</p>
            {e.new_secret.clone().map(|secret| view! {
                <div class="alert alert-success" role="status">
                    <p>"Signing secret (shown only now; keep it on your server):"</p>
                    <p><code class="secret" id=format!("secret-{}", e.id)>{secret}</code></p>
                </div>
            })}
            {e.previous_secret_until.clone().map(|until| view! {
                <p class="muted">{format!("The previous secret also signs until {until}.")}</p>
            })}
            <div class="button-row">
                <form method="post" action="/api/hooks/rotate" class="inline-form">
                    <CsrfField/>
                    <input type="hidden" name="endpoint_id" value=id.clone()/>
                    <button type="submit" class="button button-secondary button-small">"Rotate secret"</button>
                </form>
                <form method="post" action="/api/hooks/switch" class="inline-form">
                    <CsrfField/>
                    <input type="hidden" name="endpoint_id" value=id.clone()/>
                    <input type="hidden" name="action" value=switch_action/>
                    <button type="submit" class="button button-secondary button-small">{switch_label}</button>
                </form>
                <form method="post" action="/api/hooks/delete" class="inline-form">
                    <CsrfField/>
                    <input type="hidden" name="endpoint_id" value=id.clone()/>
                    <crate::components::confirm::ConfirmButton action="/api/hooks/delete"
                        question=format!("Delete the endpoint {} and its delivery log? Nothing more is sent to it.", e.url)
                        label="Delete" aria_label=format!("Delete the endpoint {}", e.url)/>
                </form>
            </div>
            <h3>"Recent deliveries"</h3>
            {log}
        </section>
    }
}

#[component]
fn DeliveryLine(d: DeliveryView) -> impl IntoView {
    let answer = match (d.last_status_code, &d.last_error) {
        (Some(code), None) => format!("HTTP {code}"),
        (Some(_), Some(e)) | (None, Some(e)) => e.clone(),
        (None, None) => "—".to_owned(),
    };
    let finished = d.status != "pending";
    view! {
        <tr class=format!("delivery delivery-{}", d.status)>
            <td><code>{d.event_type.clone()}</code><br/><span class="muted">{d.created.clone()}</span></td>
            <td>{d.status.clone()}</td>
            <td class="num">{d.attempts}</td>
            <td class="studio-item-text">{answer}</td>
            <td>{d.next_try.clone().unwrap_or_else(|| "—".to_owned())}</td>
            <td>
                {finished.then(|| view! {
                    <form method="post" action="/api/hooks/send_again" class="inline-form">
                        <CsrfField/>
                        <input type="hidden" name="delivery_id" value=d.id.to_string()/>
                        <button type="submit" class="button button-secondary button-small">"Send again"</button>
                    </form>
                })}
            </td>
        </tr>
    }
}
