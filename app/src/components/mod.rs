//! Reusable pieces of view.

pub mod form;
pub mod layout;
