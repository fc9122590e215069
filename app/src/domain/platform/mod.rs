//! What does every subsystem stand on? The database and its SQL dialects, the clock and its
//! date labels, in-memory caching, uploaded files, random tokens, settings and Markdown.
//!
//! May import: nothing else in the domain.

pub mod cache;
pub mod clock;
pub mod db;
pub mod markdown;
pub mod settings;
pub mod sql;
pub mod tokens;
pub mod uploads;
