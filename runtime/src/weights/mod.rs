//! Weights of the polkadot-sdk pallets measured on this runtime (`./scripts/benchmark.sh`).
//! Our own pallets keep theirs in `pallets/<name>/src/weights.rs`; every other pallet uses the
//! weights its crate ships (`SubstrateWeight`), measured on Substrate's reference runtime.

pub mod pallet_balances;
