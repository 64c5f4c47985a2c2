//! Traits this pallet offers to the runtime, and adapters that wire `pallet-oracle` to it.

use alloc::vec::Vec;
use core::marker::PhantomData;
use frame_support::traits::{Get, Time};
use frame_system::pallet_prelude::BlockNumberFor;

use crate::Config;

/// Told when a collection's health price falls: the upper middle value's spot or TWAP went
/// down. The runtime wires it to the lending pallet, which queues the collection for the
/// sweep's health check. A rise changes no health factor for the worse, so it tells nobody.
///
/// Implemented for `()` (nobody listens) and for tuples (each member is told in order).
pub trait OnPriceFall<CollectionId> {
	/// The health price of `collection` has just fallen.
	fn on_price_fall(collection: &CollectionId);
}

impl<CollectionId> OnPriceFall<CollectionId> for () {
	fn on_price_fall(_collection: &CollectionId) {}
}

macro_rules! impl_on_price_fall_for_tuples {
	($($member:ident),+) => {
		impl<CollectionId, $($member: OnPriceFall<CollectionId>),+>
			OnPriceFall<CollectionId> for ($($member,)+)
		{
			fn on_price_fall(collection: &CollectionId) {
				$($member::on_price_fall(collection);)+
			}
		}
	};
}

impl_on_price_fall_for_tuples!(A);
impl_on_price_fall_for_tuples!(A, B);
impl_on_price_fall_for_tuples!(A, B, C);
impl_on_price_fall_for_tuples!(A, B, C, D);

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

/// The effective minimum of fresh feeds a median needs, as a `Get<u32>`: governance's
/// `MinimumFeeders`, but never less than a majority of the feeder set (`members / 2 + 1`).
///
/// `set_minimum_feeders` refuses a minimum that is not a majority; the feeder set itself changes
/// through `pallet-membership`, whose changes cannot be refused, so the majority is also enforced
/// here, on every median: adding feeders raises the effective minimum at once. Also the minimum
/// count of `pallet-oracle`'s combiner ([`crate::combine::MiddleValues`]).
pub struct CurrentMinimumFeeders<T>(PhantomData<T>);

impl<T: Config> Get<u32> for CurrentMinimumFeeders<T> {
	fn get() -> u32 {
		crate::Pallet::<T>::effective_minimum_feeders()
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
