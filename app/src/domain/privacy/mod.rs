//! What does Chipin hold about a person, and how do they take it with them or erase it? The
//! download of everything an account holds ([`export`]: one JSON document and the CSV reports,
//! in a zip) and the deletion of an account ([`erase`]: personal data erased, pledges and
//! sessions ended, money history kept under an anonymous reference).
//!
//! May import: platform, books, recipients.

pub mod erase;
pub mod export;
