//! Reusable pieces of view.

pub mod form;
pub mod layout;
pub mod meta;
pub mod progress;
