//! Price guards: pure math over plain numbers, no storage.

use sp_runtime::Perbill;

/// The outcome of the deviation guard for one new median.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct GuardedMove {
	/// The new spot price.
	pub spot: u128,
	/// The median moved further than allowed and `spot` was clamped to the bound.
	pub clamped: bool,
}

/// Moves the spot from `reference` towards `median` by at most `max_deviation` of `reference`.
///
/// The bound is rounded up so that a tiny reference price can still move, and the result never
/// falls below one unit (a zero price would break every valuation).
pub fn limit_move(reference: u128, median: u128, max_deviation: Perbill) -> GuardedMove {
	let max_move = max_deviation.mul_ceil(reference);
	let upper = reference.saturating_add(max_move);
	let lower = reference.saturating_sub(max_move).max(1);
	if median > upper {
		GuardedMove { spot: upper, clamped: true }
	} else if median < lower {
		GuardedMove { spot: lower, clamped: true }
	} else {
		GuardedMove { spot: median, clamped: false }
	}
}

/// A value more than `factor` times above or below the reference cannot be a real floor price
/// report: it is a unit error, a broken source or an attack.
pub fn is_absurd(value: u128, reference: u128, factor: u32) -> bool {
	is_outside_band(value, reference, reference, factor)
}

/// A value more than `factor` times above `high` or below `low`: absurd against a band, such as
/// the lower and upper TWAPs of a collection whose two middle values differ (so neither middle
/// alone, which a single feeder may hold, decides what the others may report).
pub fn is_outside_band(value: u128, low: u128, high: u128, factor: u32) -> bool {
	let factor = u128::from(factor.max(1));
	value > high.saturating_mul(factor) || value.saturating_mul(factor) < low
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	#[test]
	fn moves_inside_the_bound_pass_unchanged() {
		let twenty = Perbill::from_percent(20);
		assert_eq!(limit_move(100, 120, twenty), GuardedMove { spot: 120, clamped: false });
		assert_eq!(limit_move(100, 80, twenty), GuardedMove { spot: 80, clamped: false });
	}

	#[test]
	fn moves_beyond_the_bound_are_clamped() {
		let twenty = Perbill::from_percent(20);
		assert_eq!(limit_move(100, 150, twenty), GuardedMove { spot: 120, clamped: true });
		assert_eq!(limit_move(100, 10, twenty), GuardedMove { spot: 80, clamped: true });
	}

	#[test]
	fn tiny_prices_still_move_and_never_reach_zero() {
		let twenty = Perbill::from_percent(20);
		assert_eq!(limit_move(1, 5, twenty), GuardedMove { spot: 2, clamped: true });
		assert_eq!(limit_move(1, 0, twenty), GuardedMove { spot: 1, clamped: true });
	}

	#[test]
	fn absurd_means_more_than_factor_away() {
		assert!(!is_absurd(1_000, 100, 10));
		assert!(is_absurd(1_001, 100, 10));
		assert!(!is_absurd(10, 100, 10));
		assert!(is_absurd(9, 100, 10));
	}

	#[test]
	fn a_band_accepts_everything_within_a_factor_of_either_end() {
		assert!(!is_outside_band(1_000, 100, 100_000, 10));
		assert!(!is_outside_band(10, 100, 100_000, 10));
		assert!(is_outside_band(9, 100, 100_000, 10));
		assert!(!is_outside_band(1_000_000, 100, 100_000, 10));
		assert!(is_outside_band(1_000_001, 100, 100_000, 10));
	}

	proptest! {
		#[test]
		fn guarded_spot_stays_within_the_bound(
			reference in 1u128..=u128::MAX,
			median in 0u128..=u128::MAX,
			percent in 0u32..=100,
		) {
			let deviation = Perbill::from_percent(percent);
			let moved = limit_move(reference, median, deviation);
			let bound = deviation.mul_ceil(reference);
			prop_assert!(moved.spot >= 1);
			prop_assert!(moved.spot <= reference.saturating_add(bound));
			prop_assert!(moved.spot >= reference.saturating_sub(bound).max(1));
			prop_assert_eq!(moved.clamped, moved.spot != median);
		}
	}
}
