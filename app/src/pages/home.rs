//! The front page: what Chipin is, and the creators and causes to support.

use crate::api::recipients::list_recipients;
use crate::model::{RecipientCard, format_money};
use crate::pages::not_found::ErrorPanel;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn HomePage() -> impl IntoView {
    let recipients = Resource::new(|| (), |_| list_recipients());
    view! {
        <Title text="Support creators and causes, one charge a month"/>
        <Meta property="og:title" content="Chipin"/>
        <Meta property="og:description" content="Tips and monthly pledges to creators and causes, combined into one charge, with every cent traced."/>
        <section class="hero">
            <h1>"Chip in for the people and causes you love"</h1>
            <p class="lead">
                "Tip a dollar or pledge monthly. Chipin combines everything you give into one charge a month, "
                "so card fees don't eat small gifts, and shows you where every cent went."
            </p>
            <div class="hero-actions">
                <a class="button" href="#explore">"Find someone to support"</a>
                <a class="button button-secondary" href="/signup">"Create an account"</a>
            </div>
        </section>
        <section id="explore" class="page" aria-labelledby="explore-title">
            <h2 id="explore-title">"Creators and causes"</h2>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match recipients.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="muted">"No creators or causes yet. Be the first!"</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <ul class="card-grid">
                                {list.into_iter().map(|r| view! { <RecipientCardView card=r/> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn RecipientCardView(card: RecipientCard) -> impl IntoView {
    let href = format!("/c/{}", card.slug);
    let from = card
        .from_minor
        .map(|m| format!("from {} a month", format_money(m, &card.currency)));
    view! {
        <li class="card">
            <p class="card-meta">
                <span class=format!("badge badge-{}", card.kind.label().to_lowercase())>{card.kind.label()}</span>
                <span class="muted">{card.category}</span>
            </p>
            <h3 class="card-title"><a href=href>{card.name}</a></h3>
            <p>{card.tagline}</p>
            {from.map(|f| view! { <p class="card-foot">{f}</p> })}
        </li>
    }
}
