//! The guarded price: what happens when `pallet-oracle` has a new median, and what readers get.

use frame_support::traits::Get;
use frame_system::pallet_prelude::BlockNumberFor;
use pallet_oracle::{DataProvider, OnNewData};
use sp_runtime::traits::Saturating;

use crate::{
	guard, twap::TwapAccumulator, Config, Event, FeedTimestamps, FloorPrices, MinimumFeeders,
	OnFloorPriceUpdated, Pallet, PriceQuote, PriceState, TwapHistory, LOG_TARGET,
};

/// `pallet-oracle` calls this after storing each feed and recombining the collection's median.
impl<T: Config> OnNewData<T::AccountId, T::CollectionId, u128> for Pallet<T> {
	fn on_new_data(_feeder: &T::AccountId, collection: &T::CollectionId, _value: &u128) {
		Self::on_new_median(collection);
	}
}

impl<T: Config> Pallet<T> {
	/// The guarded price of `collection`, or `None` if it was never priced.
	///
	/// `fresh` is `now - updated_at <= MaxPriceAge`.
	pub fn quote(collection: &T::CollectionId) -> Option<PriceQuote<BlockNumberFor<T>>> {
		let state = FloorPrices::<T>::get(collection)?;
		let now = frame_system::Pallet::<T>::block_number();
		Some(PriceQuote {
			spot: state.spot,
			twap: state.twap,
			updated_at: state.updated_at,
			fresh: Self::is_fresh(state.updated_at, now),
			flagged: state.flagged,
		})
	}

	pub(crate) fn is_fresh(updated_at: BlockNumberFor<T>, now: BlockNumberFor<T>) -> bool {
		now.saturating_sub(updated_at) <= T::MaxPriceAge::get()
	}

	/// Feeds of `collection` that `pallet-oracle`'s `DefaultCombineData` counts as unexpired
	/// (`timestamp + ExpiresIn > now`, with `ExpiresIn = MaxPriceAge`).
	pub(crate) fn fresh_feed_count(collection: &T::CollectionId, now: BlockNumberFor<T>) -> u32 {
		let max_age = T::MaxPriceAge::get();
		let fresh = T::Feeds::feed_timestamps(collection)
			.into_iter()
			.filter(|stored_at| stored_at.saturating_add(max_age) > now)
			.count();
		u32::try_from(fresh).unwrap_or(u32::MAX)
	}

	/// Sets a price with nothing to compare it with: genesis, or a collection's first median.
	pub(crate) fn set_initial_price(
		collection: &T::CollectionId,
		price: u128,
		at: BlockNumberFor<T>,
	) -> PriceState<BlockNumberFor<T>> {
		let state = PriceState::initial(price, at);
		FloorPrices::<T>::insert(collection, state);
		TwapHistory::<T>::insert(collection, TwapAccumulator::new(at, price, T::TwapWindow::get()));
		state
	}

	/// Reads the combined median and, if it is a new median of enough fresh feeds, moves the
	/// guarded spot towards it, updates the TWAP, and tells the listeners.
	pub(crate) fn on_new_median(collection: &T::CollectionId) {
		let now = frame_system::Pallet::<T>::block_number();
		let Some(median) = T::Feeds::get(collection) else { return };
		if median == 0 || median > T::MaxFloorPrice::get() {
			// Only reachable through a path that skips `submit_floor_prices`' checks.
			log::warn!(target: LOG_TARGET, "ignoring median {median} of {collection:?}: out of range");
			return;
		}
		let required = MinimumFeeders::<T>::get().max(1);
		if Self::fresh_feed_count(collection, now) < required {
			// pallet-oracle kept its previous value: not a new median.
			return;
		}

		let state = match FloorPrices::<T>::get(collection) {
			None => Self::set_initial_price(collection, median, now),
			Some(previous) => Self::apply_guarded_median(collection, previous, median, now),
		};

		Self::deposit_event(Event::FloorPriceUpdated {
			collection: *collection,
			spot: state.spot,
			twap: state.twap,
		});
		T::OnPriceUpdated::on_floor_price_updated(collection);
	}

	fn apply_guarded_median(
		collection: &T::CollectionId,
		previous: PriceState<BlockNumberFor<T>>,
		median: u128,
		now: BlockNumberFor<T>,
	) -> PriceState<BlockNumberFor<T>> {
		// The reference is the spot at the end of the previous block.
		let reference_spot =
			if previous.updated_at < now { previous.spot } else { previous.reference_spot };
		let moved = guard::limit_move(reference_spot, median, T::MaxDeviation::get());
		if moved.clamped {
			Self::deposit_event(Event::PriceClamped {
				collection: *collection,
				median,
				spot: moved.spot,
			});
		}

		let window = T::TwapWindow::get();
		let mut history = match TwapHistory::<T>::get(collection) {
			// A changed window changes the bucket size: restart from the last known point.
			Some(history) if history.spacing == crate::twap::checkpoint_spacing(window) => history,
			Some(history) => TwapAccumulator::new(history.last_block, history.last_price, window),
			None => TwapAccumulator::new(previous.updated_at, previous.spot, window),
		};
		history.record(now, moved.spot);
		let twap = history.twap(now, window);
		TwapHistory::<T>::insert(collection, history);

		let state = PriceState {
			spot: moved.spot,
			twap,
			updated_at: now,
			flagged: moved.clamped,
			median,
			reference_spot,
		};
		FloorPrices::<T>::insert(collection, state);
		state
	}

	/// Invariants, checked by `try_state` and after every step in tests:
	/// 1. `MinimumFeeders` is in `1..=MaxFeeders`.
	/// 2. Every guarded price has a TWAP history, spot and TWAP in `1..=MaxFloorPrice`, and was
	///    updated at or before the current block.
	/// 3. No feeder's last submission lies in the future.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::ensure;

		let now = frame_system::Pallet::<T>::block_number();
		let minimum = MinimumFeeders::<T>::get();
		ensure!(minimum >= 1 && minimum <= T::MaxFeeders::get(), "MinimumFeeders out of range");
		let max = T::MaxFloorPrice::get();
		for (collection, state) in FloorPrices::<T>::iter() {
			ensure!(TwapHistory::<T>::contains_key(collection), "guarded price without history");
			ensure!(state.spot > 0 && state.spot <= max, "spot out of range");
			ensure!(state.twap > 0 && state.twap <= max, "twap out of range");
			ensure!(state.updated_at <= now, "price updated in the future");
		}
		for (_, record) in crate::FeederSubmissions::<T>::iter() {
			ensure!(record.submitted_in <= now, "submission in the future");
			ensure!(record.observed_at <= record.submitted_in, "observation after submission");
		}
		Ok(())
	}
}
