//! The `Config` of every pallet, one file per concern.
//!
//! - [`system`]: frame-system, utility, sudo;
//! - [`consensus`]: timestamp, Aura, GRANDPA;
//! - [`monetary`]: balances, transaction payment;
//! - [`nfts`]: pallet-nfts and the genesis-only demo collections.

pub mod consensus;
pub mod monetary;
pub mod nfts;
pub mod system;

pub use consensus::*;
pub use monetary::*;
pub use nfts::*;
pub use system::*;
