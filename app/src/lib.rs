//! Chipin: creator-support crowdfunding where one charge carries everything a fan gives.
//!
//! This crate is both halves of the web application. With `ssr` it is the server library:
//! pages rendered on the server, server functions, and the domain. With `hydrate` it is the
//! browser bundle: only the few interactive parts (islands) of those pages.

#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod i18n;
pub mod model;
pub mod money;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod domain;
#[cfg(feature = "ssr")]
pub mod web;

#[cfg(test)]
mod migration_pairs;

use leptos::prelude::*;
use leptos_meta::{Link, Meta, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

/// The CSRF cookie (double-submit): forms and server-function calls must echo its value.
pub const CSRF_COOKIE_NAME: &str = "chipin_csrf";
/// The form field that carries the CSRF token in a plain form post.
pub const CSRF_FIELD_NAME: &str = "csrf_token";
/// The header that carries the CSRF token in a server-function call from the browser.
pub const CSRF_HEADER_NAME: &str = "x-csrf-token";

/// The HTML document around every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang=i18n::current().tag()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: layout and route table.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let me = Resource::new(|| (), |_| api::accounts::current_user());
    provide_context(components::layout::MeResource(me));
    provide_context(components::meta::SiteUrl::current());

    view! {
        <Stylesheet id="leptos" href="/pkg/chipin.css"/>
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Title formatter=|title: String| if title.is_empty() { "Chipin".to_owned() } else { format!("{title} · Chipin") }/>
        <Meta property="og:site_name" content="Chipin"/>
        <Router>
            <components::layout::Header/>
            <main id="main">
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view=pages::home::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/c/:slug") view=pages::recipient::RecipientPage ssr=SsrMode::Async/>
                    <Route path=path!("/confirm") view=components::confirm::ConfirmPage ssr=SsrMode::Async/>
                    <Route path=path!("/signup") view=pages::auth::SignUpPage ssr=SsrMode::Async/>
                    <Route path=path!("/signup/check-email") view=pages::auth::CheckEmailPage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=pages::auth::LogInPage ssr=SsrMode::Async/>
                    <Route path=path!("/login/two-factor") view=pages::two_factor::TwoFactorLogInPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/two-factor") view=pages::two_factor::TwoFactorSettingsPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/two-factor/recovery-codes") view=pages::two_factor::RecoveryCodesPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/confirm") view=pages::two_factor::ConfirmItIsYouPage ssr=SsrMode::Async/>
                    <Route path=path!("/verify-email/failed") view=pages::auth::VerifyFailedPage ssr=SsrMode::Async/>
                    <Route path=path!("/forgot-password") view=pages::auth::ForgotPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/forgot-password/sent") view=pages::auth::ResetSentPage ssr=SsrMode::Async/>
                    <Route path=path!("/reset-password") view=pages::auth::ResetPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=pages::account::AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/api-tokens/new") view=pages::api_tokens::NewApiTokenPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/delete") view=pages::your_data::DeleteAccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/deleted") view=pages::your_data::AccountDeletedPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/billing") view=pages::billing::BillingPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/donations/:item") view=pages::donation::DonationTrailPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/billing/authenticate/:charge_id") view=pages::authenticate::AuthenticatePage ssr=SsrMode::Async/>
                    <Route path=path!("/account/billing/statement") view=pages::statement::StatementPage ssr=SsrMode::Async/>
                    <Route path=path!("/studio") view=pages::studio::home::StudioHome ssr=SsrMode::Async/>
                    <Route path=path!("/studio/new") view=pages::studio::home::NewPagePage ssr=SsrMode::Async/>
                    <Route path=path!("/studio/p/:id") view=pages::studio::editor::StudioEditorPage ssr=SsrMode::Async/>
                    <Route path=path!("/studio/p/:id/tiers/:tier") view=pages::studio::tier::EditTierPage ssr=SsrMode::Async/>
                    <Route path=path!("/studio/p/:id/supporters") view=pages::studio::supporters::SupportersPage ssr=SsrMode::Async/>
                    <Route path=path!("/studio/p/:id/income") view=pages::studio::income::IncomePage ssr=SsrMode::Async/>
                    <Route path=path!("/studio/p/:id/refunds") view=pages::studio::refunds::RefundsStudioPage ssr=SsrMode::Async/>
                    <Route path=path!("/studio/p/:id/refund/:item") view=pages::studio::refund::RefundPage ssr=SsrMode::Async/>
                    <Route path=path!("/studio/p/:id/expenses") view=pages::studio::expenses::ExpensesStudioPage ssr=SsrMode::Async/>
                    <Route path=path!("/studio/p/:id/payouts") view=pages::studio::payouts::PayoutsStudioPage ssr=SsrMode::Async/>
                    <Route path=path!("/studio/p/:id/webhooks") view=pages::studio::webhooks::WebhooksStudioPage ssr=SsrMode::Async/>
                    <Route path=path!("/studio/p/:id/write") view=pages::studio::post::NewPostPage ssr=SsrMode::Async/>
                    <Route path=path!("/studio/p/:id/posts/:post") view=pages::studio::post::EditPostPage ssr=SsrMode::Async/>
                    <Route path=path!("/studio/p/:id/button") view=pages::studio::button::ButtonStudioPage ssr=SsrMode::Async/>
                    <Route path=path!("/chip-in/:slug") view=pages::chip_in::ChipInPage ssr=SsrMode::Async/>
                    <Route path=path!("/chip-in/:slug/thanks") view=pages::chip_in::ChipInThanksPage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <components::layout::Footer/>
        </Router>
    }
}

/// Entry point of the browser bundle. Pages are rendered on the server and stay as they are;
/// only the islands (`#[island]` components, the giving forms) are hydrated, each from the
/// props the server wrote next to it.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
