//! Weights of `pallet-nft-lending`.
//!
//! PLACEHOLDER until `scripts/benchmark.sh` regenerates this file from the benchmarks on the
//! reference machine. Do not edit by hand.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed for `pallet_nft_lending`.
pub trait WeightInfo {
	fn create_pool() -> Weight;
	fn set_pool_params() -> Weight;
	fn set_paused() -> Weight;
	fn add_collection() -> Weight;
	fn update_collection() -> Weight;
	fn remove_collection() -> Weight;
	fn withdraw_reserve() -> Weight;
	fn set_liquidation_config() -> Weight;
	fn deposit() -> Weight;
	fn withdraw() -> Weight;
	fn borrow() -> Weight;
	fn borrow_more() -> Weight;
	fn repay() -> Weight;
	fn extend() -> Weight;
	fn bid() -> Weight;
	fn redeem() -> Weight;
	fn settle() -> Weight;
	fn buy_defaulted() -> Weight;
	fn sweep_base() -> Weight;
	fn sweep_bucket() -> Weight;
	fn sweep_check() -> Weight;
	fn sweep_liquidate() -> Weight;
	fn sweep_settle() -> Weight;
}

/// Weights for `pallet_nft_lending` using the reference machine and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn create_pool() -> Weight {
		w::<T>(2, 2)
	}
	fn set_pool_params() -> Weight {
		w::<T>(1, 1)
	}
	fn set_paused() -> Weight {
		w::<T>(1, 1)
	}
	fn add_collection() -> Weight {
		w::<T>(3, 3)
	}
	fn update_collection() -> Weight {
		w::<T>(2, 1)
	}
	fn remove_collection() -> Weight {
		w::<T>(3, 3)
	}
	fn withdraw_reserve() -> Weight {
		w::<T>(3, 3)
	}
	fn set_liquidation_config() -> Weight {
		w::<T>(0, 1)
	}
	fn deposit() -> Weight {
		w::<T>(4, 4)
	}
	fn withdraw() -> Weight {
		w::<T>(4, 4)
	}
	fn borrow() -> Weight {
		w::<T>(14, 12)
	}
	fn borrow_more() -> Weight {
		w::<T>(7, 5)
	}
	fn repay() -> Weight {
		w::<T>(10, 10)
	}
	fn extend() -> Weight {
		w::<T>(8, 6)
	}
	fn bid() -> Weight {
		w::<T>(5, 5)
	}
	fn redeem() -> Weight {
		w::<T>(12, 12)
	}
	fn settle() -> Weight {
		w::<T>(14, 14)
	}
	fn buy_defaulted() -> Weight {
		w::<T>(12, 12)
	}
	fn sweep_base() -> Weight {
		w::<T>(6, 0)
	}
	fn sweep_bucket() -> Weight {
		w::<T>(1, 2)
	}
	fn sweep_check() -> Weight {
		w::<T>(4, 1)
	}
	fn sweep_liquidate() -> Weight {
		w::<T>(10, 10)
	}
	fn sweep_settle() -> Weight {
		w::<T>(14, 14)
	}
}

fn w<T: frame_system::Config>(reads: u64, writes: u64) -> Weight {
	Weight::from_parts(50_000_000, 10_000)
		.saturating_add(T::DbWeight::get().reads_writes(reads, writes))
}

impl WeightInfo for () {
	fn create_pool() -> Weight {
		r(2, 2)
	}
	fn set_pool_params() -> Weight {
		r(1, 1)
	}
	fn set_paused() -> Weight {
		r(1, 1)
	}
	fn add_collection() -> Weight {
		r(3, 3)
	}
	fn update_collection() -> Weight {
		r(2, 1)
	}
	fn remove_collection() -> Weight {
		r(3, 3)
	}
	fn withdraw_reserve() -> Weight {
		r(3, 3)
	}
	fn set_liquidation_config() -> Weight {
		r(0, 1)
	}
	fn deposit() -> Weight {
		r(4, 4)
	}
	fn withdraw() -> Weight {
		r(4, 4)
	}
	fn borrow() -> Weight {
		r(14, 12)
	}
	fn borrow_more() -> Weight {
		r(7, 5)
	}
	fn repay() -> Weight {
		r(10, 10)
	}
	fn extend() -> Weight {
		r(8, 6)
	}
	fn bid() -> Weight {
		r(5, 5)
	}
	fn redeem() -> Weight {
		r(12, 12)
	}
	fn settle() -> Weight {
		r(14, 14)
	}
	fn buy_defaulted() -> Weight {
		r(12, 12)
	}
	fn sweep_base() -> Weight {
		r(6, 0)
	}
	fn sweep_bucket() -> Weight {
		r(1, 2)
	}
	fn sweep_check() -> Weight {
		r(4, 1)
	}
	fn sweep_liquidate() -> Weight {
		r(10, 10)
	}
	fn sweep_settle() -> Weight {
		r(14, 14)
	}
}

fn r(reads: u64, writes: u64) -> Weight {
	Weight::from_parts(50_000_000, 10_000)
		.saturating_add(RocksDbWeight::get().reads_writes(reads, writes))
}
