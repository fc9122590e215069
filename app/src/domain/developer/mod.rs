//! What may programs outside Chipin read, and with which key? The personal access tokens of
//! the read-only API (`/api/v1`), and the read models it serves page by page: pages and post
//! titles for anyone; a page's supporters, pledges, donations with their payouts, and
//! expenses for its owner. Supporters appear as the public and studio pages show them (a name
//! only when they chose "public"), and only real money counts in totals (see
//! `recipients::backing`). The HTTP shape of the answers is the server's business.
//!
//! May import: platform, recipients.

pub mod cursor;
pub mod owner_reads;
pub mod public_reads;
pub mod tokens;
