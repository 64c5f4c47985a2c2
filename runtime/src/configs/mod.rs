//! The `Config` of every pallet, one file per concern.
//!
//! - [`system`]: frame-system, utility, sudo;
//! - [`consensus`]: timestamp, Aura, GRANDPA;
//! - [`monetary`]: balances, transaction payment;
//! - [`nfts`]: pallet-nfts and the genesis-only demo collections;
//! - [`lending`]: the lending pallet, the floor-price oracle and the glue between them;
//! - [`offchain`]: how off-chain workers (the price feeders) build signed transactions.
//!
//! Governance (preimage, scheduler, referenda, conviction voting, the lending tracks) lives in
//! `crate::governance`.

pub mod consensus;
pub mod lending;
pub mod monetary;
pub mod nfts;
pub mod offchain;
pub mod system;

pub use consensus::*;
pub use lending::*;
pub use monetary::*;
pub use nfts::*;
pub use system::*;
