//! PLACEHOLDER WEIGHTS for `pallet_floor_price_oracle`, until `scripts/benchmark.sh` regenerates
//! this file with the node's `benchmark pallet` command (frame-benchmarking-cli template).
//!
//! DO NOT TUNE BY HAND. These numbers are deliberately pessimistic estimates, not measurements:
//! they count the storage accesses of each path and assume up to 16 feeders, 40 µs of base
//! execution per call and 60 µs per submitted value (the value goes through `pallet-oracle`,
//! which reads every feeder's raw value to recombine the median, and this pallet reads them again
//! to count the fresh ones). The trait's function names equal the benchmark names, so the
//! generated file drops in unchanged.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]
#![allow(dead_code)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_floor_price_oracle`.
pub trait WeightInfo {
	fn submit_floor_prices(n: u32, ) -> Weight;
	fn on_new_data() -> Weight;
	fn set_minimum_feeders() -> Weight;
}

/// Storage reads per submitted value, with 16 feeders: 16 raw values recombined by
/// `pallet-oracle`, 16 counted for freshness, the combined value, the tracked-collection check,
/// the guarded price, the TWAP history and the membership set.
const READS_PER_VALUE: u64 = 37;
/// Storage writes per submitted value: raw value, combined value, guarded price, TWAP history,
/// and one for the lending pallet's health-check mark.
const WRITES_PER_VALUE: u64 = 5;
/// Proof size per submitted value (bytes): 32 raw values and the items above, with margin.
const PROOF_PER_VALUE: u64 = 90_000;

/// Weights for `pallet_floor_price_oracle` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `FeederMembership::Members` (r:1 w:0)
	/// Storage: `FloorPriceOracle::FeederSubmissions` (r:1 w:1)
	/// Storage: per value, see `READS_PER_VALUE` / `WRITES_PER_VALUE`.
	/// The range of component `n` is `[1, MaxFeedsPerSubmission]`.
	fn submit_floor_prices(n: u32, ) -> Weight {
		Weight::from_parts(40_000_000, 8_000)
			.saturating_add(Weight::from_parts(60_000_000, PROOF_PER_VALUE).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().reads(READS_PER_VALUE.saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(2_u64))
			.saturating_add(T::DbWeight::get().writes(WRITES_PER_VALUE.saturating_mul(n.into())))
	}
	/// Storage: `Oracle::Values` (r:1 w:0)
	/// Storage: `Oracle::RawValues` (r:16 w:0)
	/// Storage: `FloorPriceOracle::MinimumFeeders` (r:1 w:0)
	/// Storage: `FloorPriceOracle::FloorPrices` (r:1 w:1)
	/// Storage: `FloorPriceOracle::TwapHistory` (r:1 w:1)
	fn on_new_data() -> Weight {
		Weight::from_parts(50_000_000, 50_000)
			.saturating_add(T::DbWeight::get().reads(21_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `FloorPriceOracle::MinimumFeeders` (r:0 w:1)
	fn set_minimum_feeders() -> Weight {
		Weight::from_parts(15_000_000, 0)
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn submit_floor_prices(n: u32, ) -> Weight {
		Weight::from_parts(40_000_000, 8_000)
			.saturating_add(Weight::from_parts(60_000_000, PROOF_PER_VALUE).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().reads(READS_PER_VALUE.saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
			.saturating_add(RocksDbWeight::get().writes(WRITES_PER_VALUE.saturating_mul(n.into())))
	}
	fn on_new_data() -> Weight {
		Weight::from_parts(50_000_000, 50_000)
			.saturating_add(RocksDbWeight::get().reads(21_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn set_minimum_feeders() -> Weight {
		Weight::from_parts(15_000_000, 0)
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
}
