//! Integration tests: each spawns the real Chipin on port 0 with a fresh database and talks
//! to it like a browser would (HTTP, cookies, forms). Set `CHIPIN_TEST_POSTGRES_URL` to run
//! them all on PostgreSQL instead of SQLite.

mod accounts;
mod authenticate;
mod billing;
mod billing_props;
mod button;
mod card_testing;
mod cli;
mod connect;
mod earmarks;
mod email;
mod explore;
mod fake_stripe;
mod forms;
mod gather_race;
mod helpers;
mod hooks;
mod languages;
mod ops;
mod page_cache;
mod paid_posts;
mod pending_tips;
mod population;
mod privacy;
mod processors;
mod public_api;
mod refund_requests;
mod refunds;
mod reports;
mod scale;
mod security;
mod settle;
mod stripe;
mod stripe_webhooks;
mod studio;
mod studio_languages;
mod trail;
mod trail_props;
mod two_factor;
mod website;
