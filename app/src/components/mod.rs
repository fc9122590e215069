//! Reusable pieces of view.

pub mod chart;
pub mod confirm;
pub mod donations;
pub mod form;
pub mod layout;
pub mod meta;
pub mod progress;
