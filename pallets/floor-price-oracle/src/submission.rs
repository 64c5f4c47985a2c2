//! Feeders' submissions: the checks of `submit_floor_prices` and the hand-over to
//! `pallet-oracle`. The off-chain worker runs the same checks before it sends anything.

use alloc::collections::btree_set::BTreeSet;
use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{Contains, SortedMembers},
};
use frame_system::pallet_prelude::BlockNumberFor;
use pallet_oracle::DataFeeder;
use sp_runtime::traits::Saturating;

use crate::{
	guard, Config, Error, Event, FeederRecord, FeederSubmissions, FloorFeed, FloorPrices, Pallet,
	ReferencePrices, SubmittedPrices,
};

impl<T: Config> Pallet<T> {
	/// Checks a whole submission, then stores it: nothing changes unless every value passes.
	pub(crate) fn do_submit_floor_prices(
		feeder: T::AccountId,
		prices: SubmittedPrices<T>,
		observed_at: BlockNumberFor<T>,
	) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		Self::ensure_feeder(&feeder)?;
		Self::ensure_new_observation(&feeder, observed_at, now)?;
		ensure!(!prices.is_empty(), Error::<T>::NothingSubmitted);
		Self::ensure_distinct_collections(&prices)?;
		for (collection, price) in prices.iter() {
			Self::ensure_acceptable_price(collection, *price, now)?;
		}

		FeederSubmissions::<T>::insert(&feeder, FeederRecord { submitted_in: now, observed_at });
		for (collection, price) in prices.iter() {
			// pallet-oracle stores the value, recombines the median and calls our `OnNewData`.
			T::Feeds::feed_value(Some(feeder.clone()), *collection, FloorFeed::single(*price))?;
		}
		Self::deposit_event(Event::FloorPricesSubmitted {
			feeder,
			observed_at,
			count: prices.len() as u32,
		});
		Ok(())
	}

	pub(crate) fn ensure_feeder(who: &T::AccountId) -> Result<(), Error<T>> {
		ensure!(T::Feeders::contains(who), Error::<T>::NotAFeeder);
		Ok(())
	}

	/// One accepted submission per feeder per block, observations strictly in order, none from
	/// the future and none already stale.
	pub(crate) fn ensure_new_observation(
		feeder: &T::AccountId,
		observed_at: BlockNumberFor<T>,
		now: BlockNumberFor<T>,
	) -> Result<(), Error<T>> {
		ensure!(observed_at <= now, Error::<T>::FutureObservation);
		ensure!(
			observed_at.saturating_add(T::MaxPriceAge::get()) >= now,
			Error::<T>::ObservationTooOld
		);
		if let Some(last) = FeederSubmissions::<T>::get(feeder) {
			ensure!(last.submitted_in != now, Error::<T>::AlreadySubmittedThisBlock);
			ensure!(observed_at > last.observed_at, Error::<T>::OutOfOrder);
		}
		Ok(())
	}

	fn ensure_distinct_collections(prices: &[(T::CollectionId, u128)]) -> Result<(), Error<T>> {
		let mut seen = BTreeSet::new();
		for (collection, _) in prices {
			ensure!(seen.insert(*collection), Error::<T>::DuplicateCollection);
		}
		Ok(())
	}

	/// The rules one reported value must pass: a tracked collection, a non-zero price not above
	/// `MaxFloorPrice` and not absurd. A value is absurd when it is more than `AbsurdFactor`
	/// times away from what the chain already trusts: while the price is fresh and warm, the band
	/// between its lower and upper TWAPs; before the first median or during the warm-up,
	/// governance's reference price if it gave one (an unvetted first median is never the
	/// reference); once the price is stale the check is off, so a real move larger than the
	/// factor is followed (the deviation guard still clamps each step).
	pub(crate) fn ensure_acceptable_price(
		collection: &T::CollectionId,
		price: u128,
		now: BlockNumberFor<T>,
	) -> Result<(), Error<T>> {
		ensure!(T::Collections::contains(collection), Error::<T>::CollectionNotTracked);
		ensure!(price > 0, Error::<T>::ZeroPrice);
		ensure!(price <= T::MaxFloorPrice::get(), Error::<T>::PriceTooHigh);
		let factor = T::AbsurdFactor::get();
		let reference = || ReferencePrices::<T>::get(collection);
		let absurd = match FloorPrices::<T>::get(collection) {
			Some(state) if Self::is_fresh(state.updated_at, now) => {
				if now >= state.warm_from {
					guard::is_outside_band(price, state.lower.twap, state.upper.twap, factor)
				} else {
					reference().is_some_and(|r| guard::is_absurd(price, r, factor))
				}
			}
			Some(_stale) => false,
			None => reference().is_some_and(|r| guard::is_absurd(price, r, factor)),
		};
		ensure!(!absurd, Error::<T>::AbsurdPrice);
		Ok(())
	}
}
