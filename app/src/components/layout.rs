//! The header and footer around every page.

use crate::components::form::CsrfField;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::t;
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
        <a class="skip-link" href="#main">{t!("skip-to-content")}</a>
        <header class="site-header">
            <nav class="nav" aria-label=t!("nav-main")>
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"◗"</span>
                    <span class="brand-name">"Chipin"</span>
                </a>
                <a class="nav-link" href="/">{t!("nav-explore")}</a>
                <span class="nav-spacer"></span>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match me.await {
                            Ok(Some(me)) => {
                                let links = move || {
                                    view! {
                                        {me.owns_pages.then(|| view! { <a class="nav-link" href="/studio">{t!("nav-studio")}</a> })}
                                        <a class="nav-link" href="/account/billing">{t!("nav-billing")}</a>
                                        <a class="nav-link" href="/account">{me.display_name.clone()}</a>
                                        <form method="post" action="/api/log_out" class="inline-form">
                                            <CsrfField/>
                                            <button type="submit" class="button button-quiet">{t!("nav-log-out")}</button>
                                        </form>
                                    }
                                };
                                view! {
                                    <div class="nav-wide">{links()}</div>
                                    <details class="nav-menu">
                                        <summary class="nav-link">{t!("nav-menu")}</summary>
                                        <div class="nav-menu-panel">{links()}</div>
                                    </details>
                                }.into_any()
                            }
                            _ => view! {
                                <a class="nav-link" href="/login">{t!("nav-log-in")}</a>
                                <a class="button button-small" href="/signup">{t!("nav-sign-up")}</a>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </nav>
        </header>
    }
}

/// The site footer: what Chipin is, and the language switcher (a plain form: one button per
/// other language, so it works without WebAssembly and comes back to the same page).
#[component]
pub fn Footer() -> impl IntoView {
    let here = crate::i18n::current();
    let location = leptos_router::hooks::use_location();
    let search = location.search.get_untracked();
    let search = search.trim_start_matches('?');
    let back = if search.is_empty() {
        location.pathname.get_untracked()
    } else {
        format!("{}?{search}", location.pathname.get_untracked())
    };
    view! {
        <footer class="site-footer">
            <p>{t!("footer-about")}</p>
            <form method="post" action="/api/set_language" class="language-switch">
                <CsrfField/>
                <input type="hidden" name="back" value=back/>
                <span class="language-switch-label">{t!("language-switch")}": "</span>
                {Locale::ALL
                    .into_iter()
                    .map(|l| {
                        if l == here {
                            view! {
                                <span class="language-current" lang=l.tag() aria-current="true">
                                    {l.native_name()}
                                </span>
                            }
                                .into_any()
                        } else {
                            view! {
                                <button type="submit" name="language" value=l.tag() lang=l.tag() class="link-button">
                                    {l.native_name()}
                                </button>
                            }
                                .into_any()
                        }
                    })
                    .collect_view()}
            </form>
        </footer>
    }
}
