//! The guarded price: what happens when `pallet-oracle` has a new median, and what readers get.
//!
//! Each collection has two guarded series, one per middle value of the fresh feeds
//! ([`crate::combine`]): the lower one prices borrowing, the upper one the health factor. Both
//! go through the same guard (at most `MaxDeviation` per block, measured from the spot at the
//! end of the previous block) and the same TWAP.

use frame_support::traits::{Get, SortedMembers};
use frame_system::pallet_prelude::BlockNumberFor;
use pallet_oracle::{DataProvider, OnNewData};
use sp_runtime::traits::Saturating;

use crate::{
	guard,
	twap::{checkpoint_spacing, TwapAccumulator},
	Config, Event, FeedTimestamps, FloorFeed, FloorPrices, GuardedPrice, OnPriceFall, Pallet,
	PriceQuote, PriceSide, PriceState, ReferencePrices, TwapHistories, TwapHistory, LOG_TARGET,
};

/// `pallet-oracle` calls this after storing each feed and recombining the collection's median.
impl<T: Config> OnNewData<T::AccountId, T::CollectionId, FloorFeed> for Pallet<T> {
	fn on_new_data(_feeder: &T::AccountId, collection: &T::CollectionId, _value: &FloorFeed) {
		Self::on_new_median(collection);
	}
}

impl<T: Config> Pallet<T> {
	/// The guarded price of `collection`, or `None` if it was never priced.
	///
	/// `fresh` is `now - updated_at <= MaxPriceAge`, `warm` is `now >= warm_from`.
	pub fn quote(collection: &T::CollectionId) -> Option<PriceQuote<BlockNumberFor<T>>> {
		let state = FloorPrices::<T>::get(collection)?;
		let now = frame_system::Pallet::<T>::block_number();
		Some(PriceQuote {
			spot: state.lower.spot,
			twap: state.lower.twap,
			health_spot: state.upper.spot,
			health_twap: state.upper.twap,
			updated_at: state.updated_at,
			fresh: Self::is_fresh(state.updated_at, now),
			warm: now >= state.warm_from,
			flagged: state.lower.flagged,
		})
	}

	pub(crate) fn is_fresh(updated_at: BlockNumberFor<T>, now: BlockNumberFor<T>) -> bool {
		now.saturating_sub(updated_at) <= T::MaxPriceAge::get()
	}

	/// How many fresh feeds a median needs: governance's `MinimumFeeders`, and never fewer than
	/// a majority of the current feeder set.
	pub fn effective_minimum_feeders() -> u32 {
		let members = T::Feeders::count() as u32;
		crate::MinimumFeeders::<T>::get().max(members / 2 + 1)
	}

	/// Feeds of `collection` that the combiner counts as unexpired (`timestamp + MaxPriceAge >
	/// now`).
	pub(crate) fn fresh_feed_count(collection: &T::CollectionId, now: BlockNumberFor<T>) -> u32 {
		let max_age = T::MaxPriceAge::get();
		let fresh = T::Feeds::feed_timestamps(collection)
			.into_iter()
			.filter(|stored_at| stored_at.saturating_add(max_age) > now)
			.count();
		u32::try_from(fresh).unwrap_or(u32::MAX)
	}

	/// Sets a price with nothing to compare it with (genesis), warm from `warm_from`.
	pub(crate) fn set_initial_price(
		collection: &T::CollectionId,
		price: u128,
		at: BlockNumberFor<T>,
		warm_from: BlockNumberFor<T>,
	) -> PriceState<BlockNumberFor<T>> {
		let state = PriceState::initial(price, at, warm_from);
		FloorPrices::<T>::insert(collection, state);
		TwapHistory::<T>::insert(collection, Self::new_histories(at, price, price));
		state
	}

	fn new_histories(
		at: BlockNumberFor<T>,
		lower: u128,
		upper: u128,
	) -> TwapHistories<BlockNumberFor<T>> {
		let window = T::TwapWindow::get();
		TwapHistories {
			lower: TwapAccumulator::new(at, lower, window),
			upper: TwapAccumulator::new(at, upper, window),
		}
	}

	/// Reads the combined middle values and, if they are a new median of enough fresh feeds,
	/// moves both guarded spots towards them, updates both TWAPs, and tells the lending pallet
	/// when the health price fell.
	pub(crate) fn on_new_median(collection: &T::CollectionId) {
		let now = frame_system::Pallet::<T>::block_number();
		let Some(feed) = T::Feeds::get(collection) else { return };
		if feed.lower == 0 || feed.lower > feed.upper || feed.upper > T::MaxFloorPrice::get() {
			// Only reachable through a path that skips `submit_floor_prices`' checks.
			log::warn!(target: LOG_TARGET, "ignoring median {feed:?} of {collection:?}: out of range");
			return;
		}
		if Self::fresh_feed_count(collection, now) < Self::effective_minimum_feeders() {
			// pallet-oracle kept its previous value: not a new median.
			return;
		}

		let warm_from = now.saturating_add(T::PriceWarmup::get());
		let previous = FloorPrices::<T>::get(collection);
		let state = match previous {
			// A price that went stale warms up again: its TWAP spans the silence.
			Some(previous) => {
				let warm_from = if Self::is_fresh(previous.updated_at, now) {
					previous.warm_from
				} else {
					warm_from.max(previous.warm_from)
				};
				Self::apply_guarded_median(collection, previous, feed, now, warm_from)
			}
			// The first median is guarded against governance's reference price, if any.
			None => match ReferencePrices::<T>::get(collection) {
				Some(reference) => {
					let start = PriceState::initial(reference, now, warm_from);
					TwapHistory::<T>::insert(
						collection,
						Self::new_histories(now, reference, reference),
					);
					Self::apply_guarded_median(collection, start, feed, now, warm_from)
				}
				None => {
					let state = PriceState {
						lower: GuardedPrice::initial(feed.lower),
						upper: GuardedPrice::initial(feed.upper),
						updated_at: now,
						warm_from,
					};
					FloorPrices::<T>::insert(collection, state);
					TwapHistory::<T>::insert(
						collection,
						Self::new_histories(now, feed.lower, feed.upper),
					);
					state
				}
			},
		};

		Self::deposit_event(Event::FloorPriceUpdated {
			collection: *collection,
			spot: state.lower.spot,
			twap: state.lower.twap,
			health_spot: state.upper.spot,
			health_twap: state.upper.twap,
		});
		let fell = previous.is_some_and(|previous| {
			state.upper.spot < previous.upper.spot || state.upper.twap < previous.upper.twap
		});
		if fell {
			T::OnPriceFall::on_price_fall(collection);
		}
	}

	fn apply_guarded_median(
		collection: &T::CollectionId,
		previous: PriceState<BlockNumberFor<T>>,
		feed: FloorFeed,
		now: BlockNumberFor<T>,
		warm_from: BlockNumberFor<T>,
	) -> PriceState<BlockNumberFor<T>> {
		let window = T::TwapWindow::get();
		let mut histories = match TwapHistory::<T>::get(collection) {
			Some(histories) if histories.lower.spacing == checkpoint_spacing(window) => histories,
			// A changed window changes the bucket size: restart from the last known points.
			Some(histories) => TwapHistories {
				lower: TwapAccumulator::new(
					histories.lower.last_block,
					histories.lower.last_price,
					window,
				),
				upper: TwapAccumulator::new(
					histories.upper.last_block,
					histories.upper.last_price,
					window,
				),
			},
			None => {
				Self::new_histories(previous.updated_at, previous.lower.spot, previous.upper.spot)
			}
		};
		let lower = Self::guard_side(
			collection,
			PriceSide::Lower,
			&previous.lower,
			previous.updated_at,
			feed.lower,
			now,
			&mut histories.lower,
		);
		let upper = Self::guard_side(
			collection,
			PriceSide::Upper,
			&previous.upper,
			previous.updated_at,
			feed.upper,
			now,
			&mut histories.upper,
		);
		TwapHistory::<T>::insert(collection, histories);
		let state = PriceState { lower, upper, updated_at: now, warm_from };
		FloorPrices::<T>::insert(collection, state);
		state
	}

	/// One series' step: clamp the move from the spot at the end of the previous block, record
	/// the new spot in its TWAP.
	#[allow(clippy::too_many_arguments)]
	fn guard_side(
		collection: &T::CollectionId,
		side: PriceSide,
		previous: &GuardedPrice,
		previous_update: BlockNumberFor<T>,
		median: u128,
		now: BlockNumberFor<T>,
		history: &mut TwapAccumulator<BlockNumberFor<T>>,
	) -> GuardedPrice {
		let reference_spot =
			if previous_update < now { previous.spot } else { previous.reference_spot };
		let moved = guard::limit_move(reference_spot, median, T::MaxDeviation::get());
		if moved.clamped {
			Self::deposit_event(Event::PriceClamped {
				collection: *collection,
				side,
				median,
				spot: moved.spot,
			});
		}
		history.record(now, moved.spot);
		GuardedPrice {
			spot: moved.spot,
			twap: history.twap(now, T::TwapWindow::get()),
			median,
			reference_spot,
			flagged: moved.clamped,
		}
	}

	/// Invariants, checked by `try_state` and after every step in tests:
	/// 1. `MinimumFeeders` is in `1..=MaxFeeders`, and the effective minimum is a majority of
	///    the feeder set.
	/// 2. Every guarded price has TWAP histories; both series' spots and TWAPs lie in
	///    `1..=MaxFloorPrice`, the lower series' spot at or below the upper one's; updated at or
	///    before the current block.
	/// 3. No feeder's last submission lies in the future.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::{ensure, traits::SortedMembers};

		let now = frame_system::Pallet::<T>::block_number();
		let minimum = crate::MinimumFeeders::<T>::get();
		ensure!(minimum >= 1 && minimum <= T::MaxFeeders::get(), "MinimumFeeders out of range");
		let members = T::Feeders::sorted_members().len() as u32;
		ensure!(
			2 * Self::effective_minimum_feeders() > members,
			"a minority of the feeders could set a price"
		);
		let max = T::MaxFloorPrice::get();
		for (collection, state) in FloorPrices::<T>::iter() {
			ensure!(TwapHistory::<T>::contains_key(collection), "guarded price without history");
			for series in [&state.lower, &state.upper] {
				ensure!(series.spot > 0 && series.spot <= max, "spot out of range");
				ensure!(series.twap > 0 && series.twap <= max, "twap out of range");
			}
			ensure!(state.lower.spot <= state.upper.spot, "the lower spot is above the upper one");
			ensure!(state.updated_at <= now, "price updated in the future");
		}
		for (_, record) in crate::FeederSubmissions::<T>::iter() {
			ensure!(record.submitted_in <= now, "submission in the future");
			ensure!(record.observed_at <= record.submitted_in, "observation after submission");
		}
		Ok(())
	}
}
