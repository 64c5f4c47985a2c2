//! Deviation guard (clamp and flag) and absurd-value rejection.

use super::*;
use crate::{Error, Event, FloorFeed, FloorPrices, PriceSide};
use frame_support::{assert_noop, assert_ok};

#[test]
fn a_jump_beyond_the_deviation_bound_is_clamped_and_flagged() {
	ExtBuilder::default().genesis_price(1, 1_000).run(|| {
		run_to_block(2);
		assert_ok!(submit(alice(), &[(1, 1_500)]));

		let state = FloorPrices::<Test>::get(1).unwrap();
		assert_eq!(
			(state.lower.spot, state.lower.median, state.lower.flagged),
			(1_200, 1_500, true)
		);
		assert!(FloorPriceOracle::quote(&1).unwrap().flagged);
		assert!(oracle_events().contains(&Event::PriceClamped {
			collection: 1,
			side: PriceSide::Lower,
			median: 1_500,
			spot: 1_200
		}));
	});
}

#[test]
fn the_flag_clears_on_the_next_update_within_bounds() {
	ExtBuilder::default().genesis_price(1, 1_000).run(|| {
		run_to_block(2);
		assert_ok!(submit(alice(), &[(1, 1_500)]));
		assert!(FloorPrices::<Test>::get(1).unwrap().lower.flagged);

		run_to_block(3);
		// 1300 is within 20% of 1200.
		assert_ok!(submit(alice(), &[(1, 1_300)]));
		let state = FloorPrices::<Test>::get(1).unwrap();
		assert_eq!((state.lower.spot, state.lower.flagged), (1_300, false));
	});
}

#[test]
fn several_feeds_in_one_block_cannot_compound_their_moves() {
	let feeders = vec![alice(), bob(), charlie()];
	ExtBuilder::default().feeders(feeders).genesis_price(1, 1_000).run(|| {
		run_to_block(2);
		assert_ok!(submit(alice(), &[(1, 1_500)]));
		assert_ok!(submit(bob(), &[(1, 1_500)]));
		assert_ok!(submit(charlie(), &[(1, 1_500)]));
		// Measured from the spot at the end of block 1, not from 1200.
		assert_eq!(spot(1), 1_200);

		run_to_block(3);
		assert_ok!(submit(alice(), &[(1, 1_500)]));
		assert_eq!(spot(1), 1_440);
	});
}

#[test]
fn a_real_crash_is_followed_one_bounded_step_per_block() {
	ExtBuilder::default().genesis_price(1, 1_000).run(|| {
		let mut expected = 1_000u128;
		for block in 2..=12 {
			run_to_block(block);
			assert_ok!(submit(alice(), &[(1, 150)]));
			expected = (expected * 4 / 5).max(150);
			assert_eq!(spot(1), expected, "block {block}");
		}
		assert_eq!(spot(1), 150);
		assert!(!FloorPrices::<Test>::get(1).unwrap().lower.flagged);
	});
}

#[test]
fn absurd_values_are_rejected_while_the_spot_is_fresh() {
	ExtBuilder::default().genesis_price(1, 1_000).run(|| {
		run_to_block(2);
		assert_noop!(submit(alice(), &[(1, 10_001)]), Error::<Test>::AbsurdPrice);
		assert_noop!(submit(alice(), &[(1, 99)]), Error::<Test>::AbsurdPrice);
		// Exactly ten times is still accepted (and clamped).
		assert_ok!(submit(alice(), &[(1, 10_000)]));
		assert_eq!(spot(1), 1_200);
	});
}

#[test]
fn the_absurd_check_is_off_once_the_spot_is_stale() {
	ExtBuilder::default().genesis_price(1, 1_000).run(|| {
		run_to_block(MaxPriceAge::get() + 1);
		assert!(!FloorPriceOracle::quote(&1).unwrap().fresh);
		assert_ok!(submit(alice(), &[(1, 50_000)]));
		// Still clamped: recovery is bounded per block.
		assert_eq!(spot(1), 1_200);
		assert!(FloorPrices::<Test>::get(1).unwrap().lower.flagged);
	});
}

#[test]
fn medians_reaching_the_oracle_by_another_path_are_still_guarded() {
	ExtBuilder::default().genesis_price(1, 1_000).run(|| {
		run_to_block(2);
		// Root feeds pallet-oracle directly, skipping submit_floor_prices' checks.
		let values = vec![(1, FloorFeed::single(1_000_000))].try_into().unwrap();
		assert_ok!(Oracle::feed_values(RuntimeOrigin::root(), values));
		assert_eq!(spot(1), 1_200);

		run_to_block(3);
		let zero = vec![(1, FloorFeed::single(0))].try_into().unwrap();
		assert_ok!(Oracle::feed_values(RuntimeOrigin::root(), zero));
		// The combined median of {0} is ignored.
		assert_eq!(spot(1), 1_200);
	});
}
