//! The `<head>` tags of a page: title, description and Open Graph, so a shared link shows a
//! proper preview.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_location;

/// The site's absolute address without a trailing slash, for Open Graph URLs.
#[derive(Clone, Debug)]
pub struct SiteUrl(pub String);

impl SiteUrl {
    /// The configured address on the server; the page's own origin in the browser.
    pub fn current() -> Self {
        #[cfg(feature = "ssr")]
        {
            let url = use_context::<crate::domain::AppState>()
                .map(|s| {
                    s.settings
                        .base_url
                        .as_str()
                        .trim_end_matches('/')
                        .to_owned()
                })
                .unwrap_or_default();
            Self(url)
        }
        #[cfg(not(feature = "ssr"))]
        {
            Self(window().location().origin().unwrap_or_default())
        }
    }

    /// `path` (or an absolute URL, kept as it is) as an absolute URL.
    pub fn absolute(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{}/{}", self.0, path.trim_start_matches('/'))
        }
    }
}

/// Title, description, and Open Graph tags for the current address.
#[component]
pub fn PageMeta(
    #[prop(into)] title: String,
    #[prop(into)] description: String,
    /// A picture for link previews: a site path or an absolute URL.
    #[prop(default = None)]
    image: Option<String>,
    /// Open Graph type: "website" unless told otherwise.
    #[prop(default = "website")]
    og_type: &'static str,
) -> impl IntoView {
    let site = use_context::<SiteUrl>().unwrap_or_else(SiteUrl::current);
    let url = site.absolute(&use_location().pathname.get_untracked());
    let image = image.map(|i| site.absolute(&i));
    view! {
        <Title text=title.clone()/>
        <Meta name="description" content=description.clone()/>
        <Meta property="og:title" content=title/>
        <Meta property="og:description" content=description/>
        <Meta property="og:type" content=og_type/>
        <Meta property="og:url" content=url/>
        {image.map(|i| view! { <Meta property="og:image" content=i/> })}
    }
}
