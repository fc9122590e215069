//! What does every subsystem stand on? The database and its SQL dialects, the clock and its
//! date labels, in-memory caching, uploaded files, random tokens, settings, Markdown, and what
//! a failed form post typed, and what a refusal says in the reader's language.
//!
//! May import: nothing else in the domain.

pub mod cache;
pub mod clock;
pub mod db;
pub mod form_flash;
pub mod markdown;
pub mod said;
pub mod settings;
pub mod sql;
pub mod tokens;
pub mod uploads;
pub mod words;
