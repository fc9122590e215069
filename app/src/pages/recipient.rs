//! A creator's or cause's public page.

use crate::api::recipients::get_recipient_page;
use crate::model::{RecipientPage as Page, format_money};
use crate::pages::not_found::ErrorPanel;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

#[component]
pub fn RecipientPage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(
        move || params.with(|p| p.get("slug").unwrap_or_default()),
        get_recipient_page,
    );
    view! {
        <Suspense fallback=|| view! { <p class="page">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => view! { <RecipientView page=p/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RecipientView(page: Page) -> impl IntoView {
    let currency = page.currency.clone();
    let goal = page
        .goal_minor
        .map(|g| format!("Goal: {} a month", format_money(g, &currency)));
    view! {
        <Title text=page.name.clone()/>
        <Meta name="description" content=page.tagline.clone()/>
        <Meta property="og:title" content=page.name.clone()/>
        <Meta property="og:description" content=page.tagline.clone()/>
        <article class="page">
            <header class="profile-head">
                <p class="card-meta">
                    <span class=format!("badge badge-{}", page.kind.label().to_lowercase())>{page.kind.label()}</span>
                    <span class="muted">{page.category.clone()}</span>
                </p>
                <h1>{page.name.clone()}</h1>
                <p class="lead">{page.tagline.clone()}</p>
                {goal.map(|g| view! { <p class="muted">{g}</p> })}
            </header>
            <div class="profile-body">
                <section class="bio" inner_html=page.bio_html.clone()></section>
                <section aria-labelledby="tiers-title">
                    <h2 id="tiers-title">{if page.tiers.is_empty() { "Give" } else { "Tiers" }}</h2>
                    {if page.tiers.is_empty() {
                        view! { <p class="muted">"Pledges and tips open soon."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="tier-list">
                                {page.tiers.into_iter().map(|t| {
                                    let price = format_money(t.price_minor, &currency);
                                    view! {
                                        <li class="tier">
                                            <h3>{t.name}</h3>
                                            <p class="tier-price">{price}<span class="muted">" / month"</span></p>
                                            <p>{t.description}</p>
                                            <ul class="perks">
                                                {t.perks.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                                            </ul>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
            </div>
        </article>
    }
}
