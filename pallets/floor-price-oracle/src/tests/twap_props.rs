//! TWAP: property tests of the pure math against a brute-force model, and the pallet's use of it.

use super::*;
use crate::twap::{checkpoint_spacing, TwapAccumulator};
use frame_support::assert_ok;
use proptest::prelude::*;
use sp_core::U256;

/// A price path: `price` in force from `block` until the next step.
#[derive(Clone, Debug)]
struct Path {
	steps: Vec<(u64, u128)>,
}

impl Path {
	fn price_at(&self, block: u64) -> u128 {
		self.steps.iter().rev().find(|(from, _)| *from <= block).map(|(_, price)| *price).unwrap()
	}

	/// Sum of prices over the blocks `[from, to)`.
	fn sum(&self, from: u64, to: u64) -> U256 {
		let mut total = U256::zero();
		for (index, (start, price)) in self.steps.iter().enumerate() {
			let end = self.steps.get(index + 1).map(|(next, _)| *next).unwrap_or(u64::MAX);
			let (lo, hi) = ((*start).max(from), end.min(to));
			if hi > lo {
				total += U256::from(*price) * U256::from(hi - lo);
			}
		}
		total
	}

	/// Lowest and highest price in force at some block of `[from, to]`.
	fn range(&self, from: u64, to: u64) -> (u128, u128) {
		let mut prices = vec![self.price_at(from)];
		prices.extend(
			self.steps.iter().filter(|(at, _)| *at > from && *at <= to).map(|(_, price)| *price),
		);
		(*prices.iter().min().unwrap(), *prices.iter().max().unwrap())
	}

	fn accumulator(&self, window: u64) -> TwapAccumulator<u64> {
		let (first_block, first_price) = self.steps[0];
		let mut accumulator = TwapAccumulator::new(first_block, first_price, window);
		for (block, price) in &self.steps[1..] {
			accumulator.record(*block, *price);
		}
		accumulator
	}
}

/// Same-block updates collapse: the last price of a block is the one in force.
fn path_from(start: u64, first: u128, updates: &[(u64, u128)]) -> Path {
	let mut steps = vec![(start, first)];
	let mut block = start;
	for (gap, price) in updates {
		block += gap;
		match steps.last_mut() {
			Some(last) if last.0 == block => last.1 = *price,
			_ => steps.push((block, *price)),
		}
	}
	Path { steps }
}

fn price() -> impl Strategy<Value = u128> {
	prop_oneof![1u128..=10_000, 1u128..=u128::MAX]
}

fn scenario() -> impl Strategy<Value = (u64, u128, Vec<(u64, u128)>, u64, u64)> {
	(
		0u64..5_000,
		price(),
		prop::collection::vec((prop_oneof![0u64..3, 0u64..400, 0u64..5_000], price()), 0..60),
		1u64..4_000,
		0u64..6_000,
	)
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(512))]

	#[test]
	fn a_constant_price_averages_to_itself(
		start in 0u64..5_000,
		price in price(),
		gaps in prop::collection::vec(0u64..2_000, 0..40),
		window in 1u64..4_000,
		wait in 0u64..6_000,
	) {
		let updates: Vec<_> = gaps.iter().map(|gap| (*gap, price)).collect();
		let path = path_from(start, price, &updates);
		let accumulator = path.accumulator(window);
		let now = path.steps.last().unwrap().0 + wait;
		prop_assert_eq!(accumulator.twap(now, window), price);
	}

	#[test]
	fn twap_lies_within_the_prices_of_the_window(
		(start, first, updates, window, wait) in scenario(),
	) {
		let path = path_from(start, first, &updates);
		let accumulator = path.accumulator(window);
		let now = path.steps.last().unwrap().0 + wait;
		let twap = accumulator.twap(now, window);
		let (low, high) = path.range(now.saturating_sub(window).max(start), now);
		prop_assert!(low <= twap && twap <= high, "{} not in [{}, {}]", twap, low, high);
	}

	#[test]
	fn twap_is_the_exact_average_over_most_of_the_window(
		(start, first, updates, window, wait) in scenario(),
	) {
		let path = path_from(start, first, &updates);
		let accumulator = path.accumulator(window);
		let now = path.steps.last().unwrap().0 + wait;
		let window_start = now.saturating_sub(window);
		let from = accumulator.window_start(now, window);

		// The average covers only blocks of the window, and all of it but one bucket at most.
		prop_assert!(from >= window_start && from <= now);
		if start <= window_start {
			prop_assert!(from <= window_start + checkpoint_spacing(window));
		} else {
			prop_assert_eq!(from, start);
		}

		let twap = accumulator.twap(now, window);
		if from == now {
			prop_assert_eq!(twap, path.price_at(now));
		} else {
			let expected = path.sum(from, now) / U256::from(now - from);
			prop_assert_eq!(U256::from(twap), expected);
		}
	}

	#[test]
	fn history_grows_within_its_bound_and_math_never_overflows(
		(start, first, updates, window, _wait) in scenario(),
		far_future in 0u64..u64::MAX / 2,
	) {
		let path = path_from(start, first, &updates);
		let accumulator = path.accumulator(window);
		prop_assert!(accumulator.checkpoints.len() <= 16);
		let now = path.steps.last().unwrap().0.saturating_add(far_future);
		let twap = accumulator.twap(now, window);
		let (low, high) = path.range(now.saturating_sub(window).max(start), now);
		prop_assert!(low <= twap && twap <= high);
	}
}

#[test]
fn the_pallet_twap_follows_the_spot_over_the_window() {
	ExtBuilder::default().genesis_price(1, 1_000).run(|| {
		run_to_block(1_800);
		assert_ok!(submit(alice(), &[(1, 1_100)]));
		// The new spot has no weight yet.
		assert_eq!((spot(1), twap(1)), (1_100, 1_000));

		run_to_block(3_600);
		assert_ok!(submit(alice(), &[(1, 1_100)]));
		// 1800 blocks at 1000, 1800 blocks at 1100.
		assert_eq!(twap(1), 1_050);

		run_to_block(7_300);
		assert_ok!(submit(alice(), &[(1, 1_100)]));
		assert_eq!(twap(1), 1_100);
	});
}

#[test]
fn a_clamped_spike_barely_moves_the_twap() {
	ExtBuilder::default().genesis_price(1, 1_000).run(|| {
		run_to_block(3_600);
		assert_ok!(submit(alice(), &[(1, 1_000)]));
		run_to_block(3_601);
		assert_ok!(submit(alice(), &[(1, 9_000)]));
		run_to_block(3_602);
		assert_ok!(submit(alice(), &[(1, 1_000)]));
		// One block at 1200 in a window of 3600 blocks.
		assert_eq!(spot(1), 1_000);
		assert_eq!(twap(1), 1_000);
	});
}
