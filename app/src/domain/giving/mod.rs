//! What does a supporter give, and what do they see of it? Pledges and tips, the billing
//! profile (billing day, saved payment method), and the supporter's dashboard read model.
//!
//! May import: platform, mail, security, processors, books, recipients, billing, hooks.

pub mod authentication;
pub mod billing_profile;
pub mod cards;
pub mod charges;
pub mod dashboard;
pub mod first_run;
pub mod large_gifts;
pub mod one_click;
pub mod pending_tips;
pub mod pledges;
pub mod refund_requests;
