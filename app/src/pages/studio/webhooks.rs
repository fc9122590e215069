//! `/studio/p/:id/webhooks`: a page's webhook endpoints. Add one (an address and the events it
//! wants; its signing secret is shown once), rotate its secret, disable, enable or delete it,
//! and read each endpoint's recent deliveries (status, attempts, last answer, next try) with
//! "Send again" on a finished one. Plain forms, so it works before the WebAssembly loads.

use super::{id_param, load_failed, saved_message};
use crate::api::hooks::{CreateHookEndpoint, get_hooks_page};
use crate::components::form::{CsrfField, FieldError, FormAlert, action_error, invalid};
use crate::error::AppError;
use crate::i18n::arg;
use crate::model::hooks::{DeliveryView, EVENT_TYPES, EndpointView, HooksPage};
use crate::t;
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
        <Suspense fallback=|| view! { <p class="page">{t!("studio-loading")}</p> }>
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
    let address_help = if p.http_allowed {
        t!("studio-hook-url-help-http")
    } else {
        t!("studio-hook-url-help")
    };
    let endpoints = p
        .endpoints
        .iter()
        .cloned()
        .map(|e| view! { <Endpoint e/> })
        .collect_view();
    view! {
        <Title text=t!("studio-hooks-title", name = arg(&p.name))/>
        <section class="page studio">
            <p><a href=base>{t!("studio-back", name = arg(&p.name))}</a></p>
            <header class="page-head">
                <h1>{t!("studio-nav-webhooks")}</h1>
                <p class="lead">{t!("studio-hooks-lead")}</p>
            </header>
            {saved.map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
            {if p.endpoints.is_empty() {
                view! { <p class="muted">{t!("studio-hooks-none")}</p> }.into_any()
            } else {
                view! { <div class="stack">{endpoints}</div> }.into_any()
            }}
            <section class="panel" aria-labelledby="new-endpoint-title">
                <h2 id="new-endpoint-title">{t!("studio-hook-add-title")}</h2>
                <form method="post" action="/api/hooks/create" class="stack" novalidate>
                    <CsrfField/>
                    <input type="hidden" name="recipient_id" value=p.recipient_id.to_string()/>
                    <FormAlert error/>
                    <div class="field">
                        <label for="hook-url">{t!("studio-hook-url")}</label>
                        <input id="hook-url" name="url" type="url" inputmode="url" maxlength="2000" autocomplete="off" required
                            placeholder="https://example.org/chipin-hooks"
                            aria-invalid=invalid(error, "url") aria-describedby="url-help url-error"/>
                        <p class="help" id="url-help">{address_help}</p>
                        <FieldError error field="url"/>
                    </div>
                    <fieldset class="choices compact" aria-describedby="events-error">
                        <legend>{t!("studio-hook-events")}</legend>
                        {EVENT_TYPES.iter().map(|(name, what)| {
                            let id = format!("hook-event-{}", name.replace('.', "-"));
                            let for_id = id.clone();
                            view! {
                                <label class="choice" for=for_id>
                                    <input type="checkbox" id=id name="events[]" value=*name/>
                                    <span><code>{*name}</code>" "<span class="muted">{event_description(name).unwrap_or_else(|| (*what).to_owned())}</span></span>
                                </label>
                            }
                        }).collect_view()}
                        <FieldError error field="events"/>
                    </fieldset>
                    <button type="submit" class="button">{t!("studio-hook-add")}</button>
                </form>
            </section>
        </section>
    }
}

#[component]
fn Endpoint(e: EndpointView) -> impl IntoView {
    let id = e.id.to_string();
    let status = match &e.disabled {
        Some(why) => t!("studio-hook-disabled", why = arg(disabled_reason(why))),
        None => t!("studio-hook-enabled"),
    };
    let (switch_action, switch_label) = if e.disabled.is_some() {
        ("enable", t!("studio-hook-enable"))
    } else {
        ("disable", t!("studio-hook-disable"))
    };
    let deliveries = e.deliveries.clone();
    let log = if deliveries.is_empty() {
        view! { <p class="muted">{t!("studio-hook-nothing-sent")}</p> }.into_any()
    } else {
        let rows = deliveries
            .into_iter()
            .map(|d| view! { <DeliveryLine d/> })
            .collect_view();
        view! {
            <div class="table-scroll">
                <table class="items">
                    <caption class="visually-hidden">{t!("studio-hook-deliveries-caption", url = arg(&e.url))}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t!("studio-hook-col-event")}</th>
                            <th scope="col">{t!("studio-status")}</th>
                            <th scope="col" class="num">{t!("studio-hook-col-attempts")}</th>
                            <th scope="col">{t!("studio-hook-col-answer")}</th>
                            <th scope="col">{t!("studio-hook-col-next")}</th>
                            <th scope="col"><span class="visually-hidden">{t!("studio-actions")}</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="panel hook-endpoint" id=format!("endpoint-{}", e.id) aria-label=t!("studio-hook-endpoint-label", url = arg(&e.url))>
            <h2 class="studio-item-text">{e.url.clone()}</h2>
            <p class="endpoint-status">{status}</p>
            <p class="studio-item-text">{t!("studio-hook-events-list", events = arg(e.events.join(", ")))}</p>
            {e.new_secret.clone().map(|secret| view! {
                <div class="alert alert-success" role="status">
                    <p>{t!("studio-hook-secret")}</p>
                    <p><code class="secret" id=format!("secret-{}", e.id)>{secret}</code></p>
                </div>
            })}
            {e.previous_secret_until.map(|until| view! {
                <p class="muted">{t!("studio-hook-previous-secret", until = arg(crate::i18n::current().minute(until)))}</p>
            })}
            <div class="button-row">
                <form method="post" action="/api/hooks/rotate" class="inline-form">
                    <CsrfField/>
                    <input type="hidden" name="endpoint_id" value=id.clone()/>
                    <button type="submit" class="button button-secondary button-small">{t!("studio-hook-rotate")}</button>
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
                        question=t!("studio-hook-delete-question", url = arg(&e.url))
                        label=t!("studio-delete") aria_label=t!("studio-hook-delete-label", url = arg(&e.url))/>
                </form>
            </div>
            <h3>{t!("studio-hook-recent")}</h3>
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
        <tr class=format!("delivery delivery-{}", d.status)> // i18n: not for people
            <td><code>{d.event_type.clone()}</code><br/><span class="muted">{crate::i18n::current().minute(d.created)}</span></td>
            <td>{delivery_status(&d.status)}</td>
            <td class="num">{d.attempts}</td>
            <td class="studio-item-text">{answer}</td>
            <td>{d.next_try.map_or_else(|| "—".to_owned(), |at| crate::i18n::current().minute(at))}</td>
            <td>
                {finished.then(|| view! {
                    <form method="post" action="/api/hooks/send_again" class="inline-form">
                        <CsrfField/>
                        <input type="hidden" name="delivery_id" value=d.id.to_string()/>
                        <button type="submit" class="button button-secondary button-small">{t!("studio-hook-send-again")}</button>
                    </form>
                })}
            </td>
        </tr>
    }
}

/// What an event means, in the reader's language (the names of `EVENT_TYPES`).
fn event_description(name: &str) -> Option<String> {
    Some(match name {
        "pledge.created" => t!("studio-event-pledge-created"),
        "pledge.updated" => t!("studio-event-pledge-updated"),
        "pledge.cancelled" => t!("studio-event-pledge-cancelled"),
        "donation.paid" => t!("studio-event-donation-paid"),
        "donation.refunded" => t!("studio-event-donation-refunded"),
        "charge.failed" => t!("studio-event-charge-failed"),
        "payout.paid" => t!("studio-event-payout-paid"),
        "expense.recorded" => t!("studio-event-expense-recorded"),
        "post.published" => t!("studio-event-post-published"),
        _ => return None,
    })
}

/// A delivery's state (`pending`, `delivered`, `failed`) in the reader's language.
fn delivery_status(status: &str) -> String {
    match status {
        "pending" => t!("studio-delivery-pending"),
        "delivered" => t!("studio-delivery-delivered"),
        "failed" => t!("studio-delivery-failed"),
        other => other.to_owned(),
    }
}

/// Why an endpoint is disabled: the reasons Chipin stores are its own sentences, read back in
/// the reader's language.
fn disabled_reason(why: &str) -> String {
    match why {
        "Disabled by you." => t!("studio-hook-disabled-by-you"), // i18n: not for people
        "Disabled after three days of failed deliveries." => t!("studio-hook-disabled-failures"), // i18n: not for people
        other => other.to_owned(),
    }
}
