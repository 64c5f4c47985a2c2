//! How `pallet-oracle` combines the feeders' reports: the two middle values of the fresh ones.
//!
//! [`middle_values`] is the pure rule; [`MiddleValues`] plugs it into `pallet-oracle` as its
//! `CombineData` (instead of `DefaultCombineData`, whose median of an even count is the upper
//! middle value alone: with two feeders, either one would set the price by itself).

use alloc::vec::Vec;
use core::marker::PhantomData;
use frame_support::traits::{Get, Time};
use pallet_oracle::{CombineData, TimestampedValue};
use sp_runtime::traits::Saturating;

use crate::FloorFeed;

/// The lower and upper middle values of `prices` (sorted or not): the same value when the count
/// is odd, the two values either side of the middle when it is even. `None` for no prices.
///
/// Every value below the lower middle has at least half of the values at or above it, and every
/// value above the upper middle at least half at or below it: with at most half of the values
/// wrong in either direction, the lower middle is never above an honest value and the upper
/// middle never below one.
pub fn middle_values(prices: &mut [u128]) -> Option<(u128, u128)> {
	if prices.is_empty() {
		return None;
	}
	prices.sort_unstable();
	let count = prices.len();
	Some((prices[(count - 1) / 2], prices[count / 2]))
}

/// `pallet-oracle`'s combiner: the two middle values of the reports younger than `ExpiresIn`,
/// if there are at least `MinimumCount` of them; otherwise nothing (`pallet-oracle` then keeps
/// its previous combined value, and this pallet, which counts the fresh feeds itself, does not
/// take it for a new median).
///
/// A report's value is a [`FloorFeed::single`]; a combined value that reached `RawValues` by
/// another path (root) counts with both of its middles.
pub struct MiddleValues<T, MinimumCount, ExpiresIn, I = ()>(
	PhantomData<(T, MinimumCount, ExpiresIn, I)>,
);

type MomentOf<T, I> = <<T as pallet_oracle::Config<I>>::Time as Time>::Moment;

impl<T, I, MinimumCount, ExpiresIn>
	CombineData<T::OracleKey, TimestampedValue<FloorFeed, MomentOf<T, I>>>
	for MiddleValues<T, MinimumCount, ExpiresIn, I>
where
	T: pallet_oracle::Config<I, OracleValue = FloorFeed>,
	I: 'static,
	MinimumCount: Get<u32>,
	ExpiresIn: Get<MomentOf<T, I>>,
{
	fn combine_data(
		_key: &T::OracleKey,
		values: Vec<TimestampedValue<FloorFeed, MomentOf<T, I>>>,
		_previous: Option<TimestampedValue<FloorFeed, MomentOf<T, I>>>,
	) -> Option<TimestampedValue<FloorFeed, MomentOf<T, I>>> {
		let now = T::Time::now();
		let expires_in = ExpiresIn::get();
		let fresh: Vec<_> =
			values.into_iter().filter(|v| v.timestamp.saturating_add(expires_in) > now).collect();
		if fresh.is_empty() || (fresh.len() as u32) < MinimumCount::get() {
			return None;
		}
		let mut lowers: Vec<u128> = fresh.iter().map(|v| v.value.lower).collect();
		let mut uppers: Vec<u128> = fresh.iter().map(|v| v.value.upper).collect();
		let (lower, _) = middle_values(&mut lowers)?;
		let (_, upper) = middle_values(&mut uppers)?;
		let timestamp = fresh.iter().map(|v| v.timestamp).max()?;
		Some(TimestampedValue { value: FloorFeed { lower, upper }, timestamp })
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	#[test]
	fn odd_counts_have_one_middle_and_even_counts_two() {
		assert_eq!(middle_values(&mut []), None);
		assert_eq!(middle_values(&mut [7]), Some((7, 7)));
		assert_eq!(middle_values(&mut [10, 1]), Some((1, 10)));
		assert_eq!(middle_values(&mut [5, 1, 9]), Some((5, 5)));
		assert_eq!(middle_values(&mut [4, 1, 9, 6]), Some((4, 6)));
	}

	proptest! {
		/// The two middles bound every true median: the lower is at most, the upper at least,
		/// the value below which lie at most half of the prices.
		#[test]
		fn the_two_middles_bound_the_true_median(
			mut prices in prop::collection::vec(1u128..1_000_000, 1..16),
		) {
			let (lower, upper) = middle_values(&mut prices.clone()).unwrap();
			prop_assert!(lower <= upper);
			prices.sort_unstable();
			let n = prices.len();
			// Real-valued median: the mean of the two middles (or the middle itself).
			let median_x2 = prices[(n - 1) / 2] + prices[n / 2];
			prop_assert!(2 * lower <= median_x2 && median_x2 <= 2 * upper);
			// At least half of the values lie at or above the lower middle, and at least half
			// at or below the upper middle.
			let at_or_above = prices.iter().filter(|p| **p >= lower).count();
			let at_or_below = prices.iter().filter(|p| **p <= upper).count();
			prop_assert!(2 * at_or_above >= n && 2 * at_or_below >= n);
		}

		/// However the dishonest half of the feeders reports, the lower middle is never above
		/// the highest honest value and the upper middle never below the lowest honest value:
		/// liars who are not a majority can neither raise borrowing nor lower the health price.
		#[test]
		fn a_minority_cannot_push_a_middle_past_the_honest_values(
			honest in prop::collection::vec(1u128..1_000_000, 1..9),
			liars in prop::collection::vec(0u128..u128::MAX / 2, 0..9),
		) {
			prop_assume!(liars.len() <= honest.len());
			let mut all: Vec<u128> = honest.iter().chain(liars.iter()).copied().collect();
			let (lower, upper) = middle_values(&mut all).unwrap();
			let highest_honest = *honest.iter().max().unwrap();
			let lowest_honest = *honest.iter().min().unwrap();
			prop_assert!(lower <= highest_honest);
			prop_assert!(upper >= lowest_honest);
		}
	}
}
