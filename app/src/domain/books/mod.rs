//! Where is every minor unit? The double-entry journal, donation shares (which payout paid and
//! which expense spent each donation's net), the checks that prove both, and the donation
//! trail read model.
//!
//! May import: platform.

pub mod cause_ledger;
pub mod checks;
pub mod journal;
pub mod shares;
pub mod trail;
