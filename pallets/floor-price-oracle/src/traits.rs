//! Traits this pallet offers to the runtime, and adapters that wire `pallet-oracle` to it.

use alloc::vec::Vec;
use core::marker::PhantomData;
use frame_support::traits::{Get, Time};
use frame_system::pallet_prelude::BlockNumberFor;

use crate::{Config, MinimumFeeders};

/// Told whenever a collection's guarded floor price changes. The runtime wires it to the lending
/// pallet, which marks the collection for the sweep's health check.
///
/// Implemented for `()` (nobody listens) and for tuples (each member is told in order).
pub trait OnFloorPriceUpdated<CollectionId> {
	/// The guarded price of `collection` has just been updated.
	fn on_floor_price_updated(collection: &CollectionId);
}

impl<CollectionId> OnFloorPriceUpdated<CollectionId> for () {
	fn on_floor_price_updated(_collection: &CollectionId) {}
}

macro_rules! impl_on_floor_price_updated_for_tuples {
	($($member:ident),+) => {
		impl<CollectionId, $($member: OnFloorPriceUpdated<CollectionId>),+>
			OnFloorPriceUpdated<CollectionId> for ($($member,)+)
		{
			fn on_floor_price_updated(collection: &CollectionId) {
				$($member::on_floor_price_updated(collection);)+
			}
		}
	};
}

impl_on_floor_price_updated_for_tuples!(A);
impl_on_floor_price_updated_for_tuples!(A, B);
impl_on_floor_price_updated_for_tuples!(A, B, C);
impl_on_floor_price_updated_for_tuples!(A, B, C, D);

/// Read access to the individual feeds behind a combined value: the block at which each
/// feeder's current value for `key` was stored.
///
/// The pallet counts the fresh ones to know whether the combined value is a new median of at
/// least `MinimumFeeders` feeds, or an old value `pallet-oracle` kept because too few feeders
/// reported recently (`DefaultCombineData` then returns the previous value unchanged).
pub trait FeedTimestamps<Key, Moment> {
	/// One entry per feeder that has a value for `key`, fresh or not.
	fn feed_timestamps(key: &Key) -> Vec<Moment>;
}

impl<R, I> FeedTimestamps<R::OracleKey, <R::Time as Time>::Moment> for pallet_oracle::Pallet<R, I>
where
	R: pallet_oracle::Config<I>,
	I: 'static,
{
	fn feed_timestamps(key: &R::OracleKey) -> Vec<<R::Time as Time>::Moment> {
		Self::read_raw_values(key).into_iter().map(|feed| feed.timestamp).collect()
	}
}

/// A `frame_support::traits::Time` that counts blocks: `pallet_oracle::Config::Time` for this
/// chain, so the oracle's timestamps and `ExpiresIn` are block numbers like everything else.
pub struct BlockClock<T>(PhantomData<T>);

impl<T: frame_system::Config> Time for BlockClock<T> {
	type Moment = BlockNumberFor<T>;

	fn now() -> Self::Moment {
		frame_system::Pallet::<T>::block_number()
	}
}

/// The current `MinimumFeeders` storage value as a `Get<u32>`: the minimum count for
/// `pallet_oracle::DefaultCombineData`, so governance changes it with `set_minimum_feeders`.
pub struct CurrentMinimumFeeders<T>(PhantomData<T>);

impl<T: Config> Get<u32> for CurrentMinimumFeeders<T> {
	fn get() -> u32 {
		MinimumFeeders::<T>::get()
	}
}

/// Sets up what the benchmarks need that only the runtime knows how to do.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<CollectionId> {
	/// A distinct collection id for each `index`.
	fn collection(index: u32) -> CollectionId;
	/// Makes `collection` tracked, so that `Config::Collections` contains it.
	fn track(collection: &CollectionId);
}

#[cfg(feature = "runtime-benchmarks")]
impl<CollectionId: From<u32>> BenchmarkHelper<CollectionId> for () {
	fn collection(index: u32) -> CollectionId {
		index.into()
	}

	fn track(_collection: &CollectionId) {}
}
