//! One module per page or page family.

pub mod account;
pub mod api_tokens;
pub mod auth;
pub mod authenticate;
pub mod billing;
pub mod chip_in;
pub mod donation;
pub mod home;
pub mod not_found;
pub mod posts;
pub mod recipient;
pub mod statement;
pub mod studio;
pub mod two_factor;
pub mod your_data;
