//! Benchmarks (frame-benchmarking v2). Worst case: the feeder set full, every feeder with a fresh
//! value for every collection (so `pallet-oracle` and this pallet read all of them), and the
//! TWAP history crossing into a new checkpoint bucket, and the new median a fall of the health
//! price. Run with the runtime's real `OnPriceFall`, the measured weight includes the lending
//! pallet's health-check mark.

use super::*;
use crate::{pallet::*, traits::BenchmarkHelper as _};
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{EnsureOrigin, Get, SortedMembers},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use pallet_oracle::{DataFeeder, OnNewData};
use sp_runtime::traits::{One, Saturating};

/// A price every check accepts: well inside `MaxFloorPrice`.
fn base_price<T: Config>() -> u128 {
	(T::MaxFloorPrice::get() / 4).max(1)
}

/// Fills the feeder set and returns its members.
fn full_feeder_set<T: Config>() -> Vec<T::AccountId> {
	for index in 0..T::MaxFeeders::get() {
		if T::Feeders::sorted_members().len() as u32 >= T::MaxFeeders::get() {
			break;
		}
		T::Feeders::add(&account("feeder", index, 0));
	}
	T::Feeders::sorted_members()
}

/// `count` tracked collections, each already priced by every feeder but `except`.
fn priced_collections<T: Config>(
	count: u32,
	feeders: &[T::AccountId],
	except: &T::AccountId,
) -> Vec<T::CollectionId> {
	let collections: Vec<T::CollectionId> =
		(0..count).map(<T as Config>::BenchmarkHelper::collection).collect();
	for collection in &collections {
		<T as Config>::BenchmarkHelper::track(collection);
		for feeder in feeders.iter().filter(|feeder| *feeder != except) {
			T::Feeds::feed_value(
				Some(feeder.clone()),
				*collection,
				FloorFeed::single(base_price::<T>()),
			)
			.expect("feeder is a member");
		}
		// The guarded price stands 10% higher, so the next median is a fall of the health price
		// (the lending pallet is told: the worst case).
		FloorPrices::<T>::mutate(collection, |state| {
			if let Some(state) = state {
				let higher = base_price::<T>() / 10 * 11;
				state.upper.spot = higher;
				state.upper.twap = higher;
			}
		});
	}
	collections
}

/// Moves past the current checkpoint bucket, staying well within `MaxPriceAge`.
fn advance_blocks<T: Config>() -> BlockNumberFor<T> {
	let spacing = crate::twap::checkpoint_spacing(T::TwapWindow::get());
	let step = spacing.min(T::MaxPriceAge::get() / 2u32.into()).max(One::one());
	let now = frame_system::Pallet::<T>::block_number().saturating_add(step);
	frame_system::Pallet::<T>::set_block_number(now);
	now
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn submit_floor_prices(
		n: Linear<1, { T::MaxFeedsPerSubmission::get() }>,
	) -> Result<(), BenchmarkError> {
		frame_system::Pallet::<T>::set_block_number(One::one());
		MinimumFeeders::<T>::put(1);
		let feeders = full_feeder_set::<T>();
		let feeder = feeders.first().cloned().ok_or(BenchmarkError::Stop("no feeders"))?;
		let collections = priced_collections::<T>(n, &feeders, &feeder);
		let now = advance_blocks::<T>();
		let prices: BoundedVec<_, T::MaxFeedsPerSubmission> = collections
			.iter()
			.map(|collection| (*collection, base_price::<T>()))
			.collect::<Vec<_>>()
			.try_into()
			.map_err(|_| BenchmarkError::Stop("too many prices"))?;

		// The caller's account is read and written for the fee in every transaction.
		whitelist_account!(feeder);
		#[extrinsic_call]
		_(RawOrigin::Signed(feeder.clone()), prices, now);

		let record = FeederSubmissions::<T>::get(&feeder).expect("submission accepted");
		assert_eq!(record.submitted_in, now);
		for collection in &collections {
			assert_eq!(FloorPrices::<T>::get(collection).expect("priced").updated_at, now);
		}
		Ok(())
	}

	#[benchmark]
	fn on_new_data() -> Result<(), BenchmarkError> {
		frame_system::Pallet::<T>::set_block_number(One::one());
		MinimumFeeders::<T>::put(1);
		let feeders = full_feeder_set::<T>();
		let feeder = feeders.first().cloned().ok_or(BenchmarkError::Stop("no feeders"))?;
		let collections = priced_collections::<T>(1, &feeders, &feeder);
		let collection = collections[0];
		// The first median of a new block, crossing into a new TWAP checkpoint bucket.
		let now = advance_blocks::<T>();
		let median = base_price::<T>();

		#[block]
		{
			<Pallet<T> as OnNewData<_, _, _>>::on_new_data(
				&feeder,
				&collection,
				&FloorFeed::single(median),
			);
		}

		assert_eq!(FloorPrices::<T>::get(collection).expect("priced").updated_at, now);
		Ok(())
	}

	#[benchmark]
	fn set_minimum_feeders() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let minimum = T::MaxFeeders::get();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, minimum);

		assert_eq!(MinimumFeeders::<T>::get(), minimum);
		Ok(())
	}

	#[benchmark]
	fn set_reference_price() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let collection = <T as Config>::BenchmarkHelper::collection(0);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, collection, Some(base_price::<T>()));

		assert_eq!(ReferencePrices::<T>::get(collection), Some(base_price::<T>()));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
