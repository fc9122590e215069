//! The posts on a creator's or cause's public page: public ones in full, supporter-only ones
//! as a teaser naming their tiers unless the viewer's pledge unlocks them (the rule is in
//! `domain::studio`).

use crate::api::studio::get_posts;
use crate::i18n::arg;
use crate::model::studio::PostView;
use crate::t;
use leptos::prelude::*;

/// The page's posts, or nothing when it has none.
#[component]
pub fn PostsSection(slug: String) -> impl IntoView {
    let posts = Resource::new(move || slug.clone(), get_posts);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match posts.await {
                    Ok(list) if !list.is_empty() => view! { <PostList list/> }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PostList(list: Vec<PostView>) -> impl IntoView {
    view! {
        <section aria-labelledby="posts-title" class="posts">
            <h2 id="posts-title">{t!("pub-posts")}</h2>
            <ol class="post-list">
                {list.into_iter().map(|p| {
                    let audience = (!p.for_tiers.is_empty())
                        .then(|| t!("pub-post-for-tiers", tiers = arg(p.for_tiers.join(&t!("pub-post-tiers-or")))));
                    let locked = p.body_html.is_none();
                    let needs_card = p.needs_card;
                    view! {
                        <li>
                            <article class="post" class:post-locked=locked aria-labelledby=format!("post-{}-title", p.id)>
                                <h3 id=format!("post-{}-title", p.id)>{p.title}</h3>
                                <p class="post-meta muted">
                                    <time datetime=p.date.clone()>{crate::model::day_label(&p.date)}</time>
                                    {if locked { Some(format!(" · {}", t!("pub-post-supporters-only"))) } else { audience.clone().map(|a| format!(" · {a}")) }}
                                </p>
                                {match p.body_html {
                                    Some(html) => view! { <div class="bio post-body" inner_html=html></div> }.into_any(),
                                    None if needs_card => view! {
                                        <p class="post-teaser post-needs-card">
                                            {t!("pub-post-needs-card")}" "
                                            <a href="/account/billing#payment-method">{t!("pub-post-save-card")}</a>
                                            " — "{t!("pub-post-first-month-owed")}
                                        </p>
                                    }.into_any(),
                                    None => view! {
                                        <p class="post-teaser">
                                            {t!("pub-post-teaser", audience = arg(audience.unwrap_or_default()))}
                                        </p>
                                    }.into_any(),
                                }}
                            </article>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
    .into_any()
}
