//! The header and footer around every page.

use crate::components::form::CsrfField;
use crate::error::AppError;
use crate::model::Me;
use leptos::prelude::*;

/// The logged-in person, loaded once per page.
#[derive(Clone, Copy)]
pub struct MeResource(pub Resource<Result<Option<Me>, AppError>>);

/// The logged-in person, if any, from the App's resource.
pub fn use_me() -> Resource<Result<Option<Me>, AppError>> {
    expect_context::<MeResource>().0
}

/// The site header: the brand and Explore, then the person's links. On a phone those links
/// fold into a "Menu" disclosure (a `<details>`, so it opens without WebAssembly) and the
/// header stays one row.
#[component]
pub fn Header() -> impl IntoView {
    let me = use_me();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <nav class="nav" aria-label="Main">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"◗"</span>
                    <span class="brand-name">"Chipin"</span>
                </a>
                <a class="nav-link" href="/">"Explore"</a>
                <span class="nav-spacer"></span>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match me.await {
                            Ok(Some(me)) => {
                                let links = move || {
                                    view! {
                                        {me.owns_pages.then(|| view! { <a class="nav-link" href="/studio">"Studio"</a> })}
                                        <a class="nav-link" href="/account/billing">"Billing"</a>
                                        <a class="nav-link" href="/account">{me.display_name.clone()}</a>
                                        <form method="post" action="/api/log_out" class="inline-form">
                                            <CsrfField/>
                                            <button type="submit" class="button button-quiet">"Log out"</button>
                                        </form>
                                    }
                                };
                                view! {
                                    <div class="nav-wide">{links()}</div>
                                    <details class="nav-menu">
                                        <summary class="nav-link">"Menu"</summary>
                                        <div class="nav-menu-panel">{links()}</div>
                                    </details>
                                }.into_any()
                            }
                            _ => view! {
                                <a class="nav-link" href="/login">"Log in"</a>
                                <a class="button button-small" href="/signup">"Sign up"</a>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </nav>
        </header>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>
                "Chipin combines everything you give in a month into one card charge, so small tips are not eaten by fees. "
                "Open source and self-hostable."
            </p>
        </footer>
    }
}
