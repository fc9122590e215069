//! The front page: what Chipin is, and finding creators and causes to support.
//!
//! The filter is a plain GET form and the pages are plain links, so searching and paging work
//! without WebAssembly; the server renders whatever the query string asks for.

use crate::api::pledges::get_fee_example;
use crate::api::recipients::explore_recipients;
use crate::components::meta::PageMeta;
use crate::i18n::{arg, num};
use crate::model::{
    ExploreFilter, ExplorePage, ExploreSort, FeeExample, RecipientCard, format_money,
};
use crate::pages::not_found::ErrorPanel;
use crate::t;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn HomePage() -> impl IntoView {
    let query = use_query_map();
    let params = move || {
        query.with(|q| {
            let get = |k: &str| q.get(k).unwrap_or_default();
            (
                get("q"),
                get("category"),
                get("kind"),
                get("sort"),
                get("page"),
            )
        })
    };
    let explore = Resource::new(params, |(q, category, kind, sort, page)| {
        explore_recipients(q, category, kind, sort, page)
    });
    let example = Resource::new(|| (), |_| get_fee_example());
    view! {
        <PageMeta
            title=t!("pub-home-title")
            description=t!("pub-home-description")
        />
        <section class="hero">
            <h1>{t!("pub-home-heading")}</h1>
            <p class="lead">{t!("pub-home-lead")}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    example.await.ok().flatten().map(|e| view! { <FeeSaving example=e/> })
                })}
            </Suspense>
            <div class="hero-actions">
                <a class="button" href="#explore">{t!("pub-home-find")}</a>
                <a class="button button-secondary" href="/signup">{t!("pub-create-account")}</a>
            </div>
        </section>
        <Suspense fallback=|| view! { <p class="page">{t!("pub-loading")}</p> }>
            {move || Suspend::new(async move {
                match explore.await {
                    Ok(page) => view! { <Explore page/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What one shared card fee saves, worked out by the fee model the billing run uses: "A $1.00
/// tip charged alone loses $0.33 to the card fee; in Chipin, five gifts share one fee …".
#[component]
fn FeeSaving(example: FeeExample) -> impl IntoView {
    let m = |minor: i64| format_money(minor, &example.currency);
    let alone_total = example.alone_fee_minor.saturating_mul(example.gifts);
    let text = t!(
        "pub-fee-saving",
        gift = arg(m(example.gift_minor)),
        alone = arg(m(example.alone_fee_minor)),
        rule = arg(example.fee_rule.as_str()),
        count = num(example.gifts),
        combined = arg(m(example.combined_fee_minor)),
        share = arg(m(example.share_minor)),
        saved = arg(m(alone_total.saturating_sub(example.combined_fee_minor))),
        total = arg(m(example.gift_minor.saturating_mul(example.gifts))),
    );
    view! { <p class="fee-example" id="fee-example">{text}</p> }
}

#[component]
fn Explore(page: ExplorePage) -> impl IntoView {
    let featured = (!page.featured.is_empty()).then(|| {
        view! {
            <section class="page featured" aria-labelledby="featured-title">
                <h2 id="featured-title">{t!("pub-featured")}</h2>
                <p class="muted">{t!("pub-featured-lead")}</p>
                <CardGrid cards=page.featured.clone()/>
            </section>
        }
    });
    let ExplorePage {
        filter,
        cards,
        total,
        pages,
        categories,
        ..
    } = page;
    let found = match total {
        0 => t!("pub-found-none"),
        n => t!("pub-found", count = num(n)),
    };
    let list = if cards.is_empty() {
        view! {
            <p class="muted">
                {t!("pub-no-match")}" "
                <a href="/#explore">{t!("pub-show-everyone")}</a>
            </p>
        }
        .into_any()
    } else {
        view! { <CardGrid cards/> }.into_any()
    };
    view! {
        {featured}
        <section id="explore" class="page" aria-labelledby="explore-title">
            <h2 id="explore-title">{t!("pub-explore-title")}</h2>
            <FilterForm filter=filter.clone() categories/>
            <p class="result-count" role="status">{found}</p>
            {list}
            <Pager filter pages/>
        </section>
    }
}

/// Search, category, kind and order: a GET form back to this page.
#[component]
fn FilterForm(filter: ExploreFilter, categories: Vec<String>) -> impl IntoView {
    let kind = filter
        .kind
        .map(|k| k.label().to_lowercase())
        .unwrap_or_default();
    let category = filter.category.clone();
    let sort = filter.sort;
    view! {
        <form method="get" action="/#explore" class="filters" role="search" aria-label=t!("pub-filter-label")>
            <div class="field filter-q">
                <label for="explore-q">{t!("pub-filter-search")}</label>
                <input id="explore-q" type="search" name="q" value=filter.q.clone() maxlength="80"/>
            </div>
            <div class="field">
                <label for="explore-category">{t!("pub-filter-category")}</label>
                <select id="explore-category" name="category">
                    <option value="" selected=category.is_empty()>{t!("pub-filter-all-categories")}</option>
                    {categories.into_iter().map(|c| {
                        let selected = c == category;
                        let value = c.clone();
                        let label = crate::model::studio::category_name(&c);
                        view! { <option value=value selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="explore-kind">{t!("pub-filter-kind")}</label>
                <select id="explore-kind" name="kind">
                    <option value="" selected=kind.is_empty()>{t!("pub-filter-all-kinds")}</option>
                    <option value="creator" selected=kind == "creator">{t!("pub-filter-creators")}</option>
                    <option value="cause" selected=kind == "cause">{t!("pub-filter-causes")}</option>
                </select>
            </div>
            <div class="field">
                <label for="explore-sort">{t!("pub-filter-sort")}</label>
                <select id="explore-sort" name="sort">
                    <option value="supporters" selected=sort == ExploreSort::Supporters>{t!("pub-filter-most-supporters")}</option>
                    <option value="newest" selected=sort == ExploreSort::Newest>{t!("pub-filter-newest")}</option>
                </select>
            </div>
            <div class="filter-actions">
                <button type="submit" class="button">{t!("pub-filter-search-button")}</button>
            </div>
        </form>
    }
}

/// Previous and next links; plain links, so they work without WebAssembly.
#[component]
fn Pager(filter: ExploreFilter, pages: i64) -> impl IntoView {
    let at = filter.page;
    (pages > 1).then(|| {
        let prev = (at > 1).then(|| format!("/{}#explore", filter.query_string(at - 1)));
        let next = (at < pages).then(|| format!("/{}#explore", filter.query_string(at + 1)));
        view! {
            <nav class="pager" aria-label=t!("pub-pager")>
                {prev.map(|href| view! { <a class="button button-secondary" rel="prev" href=href>{t!("pub-pager-previous")}</a> })}
                <span class="pager-at">{t!("pub-pager-at", at = num(at), pages = num(pages))}</span>
                {next.map(|href| view! { <a class="button button-secondary" rel="next" href=href>{t!("pub-pager-next")}</a> })}
            </nav>
        }
    })
}

#[component]
fn CardGrid(cards: Vec<RecipientCard>) -> impl IntoView {
    view! {
        <ul class="card-grid">
            // The first cards are in view on arrival: loading their pictures lazily would hold
            // back the page's largest paint.
            {cards.into_iter().enumerate().map(|(i, card)| view! { <RecipientCardView card eager={i < 2}/> }).collect_view()}
        </ul>
    }
}

/// "Creator" or "Cause", in the reader's language.
pub(crate) fn kind_label(kind: crate::model::RecipientKind) -> String {
    match kind {
        crate::model::RecipientKind::Creator => t!("pub-kind-creator"),
        crate::model::RecipientKind::Cause => t!("pub-kind-cause"),
    }
}

#[component]
fn RecipientCardView(card: RecipientCard, eager: bool) -> impl IntoView {
    let href = format!("/c/{}", card.slug);
    let from = card.from_minor.map(|m| {
        t!(
            "pub-card-from",
            amount = arg(format_money(m, &card.currency))
        )
    });
    let supporters = t!("pub-supporters", count = num(card.supporters));
    view! {
        <li class="card">
            {card.image_url.map(|src| view! {
                // The name is right below, so the picture is decoration for screen readers.
                <img class="card-image" src=src alt="" loading=if eager { "eager" } else { "lazy" } width="320" height="160"/>
            })}
            <p class="card-meta">
                <span class=format!("badge badge-{}", card.kind.label().to_lowercase())>{kind_label(card.kind)}</span> // i18n: not for people (CSS classes)
                <span class="muted">{crate::model::studio::category_name(&card.category)}</span>
            </p>
            <h3 class="card-title"><a href=href>{card.name}</a></h3>
            <p>{card.tagline}</p>
            <p class="card-foot">
                <span>{supporters}</span>
                {from.map(|f| view! { <span>{f}</span> })}
            </p>
        </li>
    }
}
