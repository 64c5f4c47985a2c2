//! A collection's first price: warm-up, governance's reference price, and an absurd filter that
//! never compares against an unvetted first median.

use super::*;
use crate::{Error, Event, FloorPrices, ReferencePrices};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

const WARMUP: BlockNumber = 50;

fn builder() -> ExtBuilder {
	PriceWarmup::set(WARMUP);
	ExtBuilder::default().feeders(vec![alice(), bob(), charlie()]).minimum_feeders(2)
}

#[test]
fn borrowing_opens_only_after_the_warm_up() {
	builder().run(|| {
		run_to_block(10);
		assert_ok!(submit(alice(), &[(1, 1_000)]));
		assert_ok!(submit(bob(), &[(1, 1_000)]));
		assert_eq!(FloorPrices::<Test>::get(1).unwrap().warm_from, 10 + WARMUP);
		for block in 11..10 + WARMUP {
			run_to_block(block);
			assert_ok!(submit(alice(), &[(1, 1_000)]));
			assert!(!FloorPriceOracle::quote(&1).unwrap().warm, "block {block}");
		}
		run_to_block(10 + WARMUP);
		assert!(FloorPriceOracle::quote(&1).unwrap().warm);
	});
}

#[test]
fn genesis_prices_are_warm_at_once() {
	builder().genesis_price(1, 1_000).run(|| {
		assert!(FloorPriceOracle::quote(&1).unwrap().warm);
	});
}

#[test]
fn a_price_that_went_stale_warms_up_again() {
	builder().genesis_price(1, 1_000).run(|| {
		let back = MaxPriceAge::get() + 5;
		run_to_block(back);
		assert_ok!(submit(alice(), &[(1, 1_000)]));
		assert_ok!(submit(bob(), &[(1, 1_000)]));
		let quote = FloorPriceOracle::quote(&1).unwrap();
		assert!(quote.fresh && !quote.warm);
		assert_eq!(FloorPrices::<Test>::get(1).unwrap().warm_from, back + WARMUP);
	});
}

#[test]
fn the_first_median_is_clamped_to_governances_reference() {
	builder().run(|| {
		assert_ok!(FloorPriceOracle::set_reference_price(RuntimeOrigin::root(), 1, Some(1_000)));
		assert!(oracle_events()
			.contains(&Event::ReferencePriceSet { collection: 1, price: Some(1_000) }));
		run_to_block(2);
		// Both feeders report 5x the reference (within the absurd factor): the first spot is
		// the reference plus the guard, flagged.
		assert_ok!(submit(alice(), &[(1, 5_000)]));
		assert_ok!(submit(bob(), &[(1, 5_000)]));
		let quote = FloorPriceOracle::quote(&1).unwrap();
		assert_eq!((quote.spot, quote.twap, quote.flagged), (1_200, 1_200, true));
	});
}

#[test]
fn during_the_warm_up_feeds_far_from_the_reference_are_absurd() {
	builder().run(|| {
		assert_ok!(FloorPriceOracle::set_reference_price(RuntimeOrigin::root(), 1, Some(1_000)));
		run_to_block(2);
		assert_noop!(submit(alice(), &[(1, 100_000)]), Error::<Test>::AbsurdPrice);
		assert_ok!(submit(alice(), &[(1, 1_000)]));
	});
}

#[test]
fn without_a_reference_an_unvetted_first_median_is_no_reference_either() {
	builder().run(|| {
		run_to_block(2);
		// Bob reports 100x; with Charlie offline, Alice and Bob make the first median: the lower
		// middle is Alice's, the upper Bob's.
		assert_ok!(submit(bob(), &[(1, 100_000)]));
		assert_ok!(submit(alice(), &[(1, 1_000)]));
		let quote = FloorPriceOracle::quote(&1).unwrap();
		assert_eq!((quote.spot, quote.health_spot), (1_000, 100_000));
		// Honest feeds keep being accepted during and after the warm-up.
		for block in 3..=2 * WARMUP {
			run_to_block(block);
			assert_ok!(submit(alice(), &[(1, 1_000)]));
			assert_ok!(submit(charlie(), &[(1, 1_000)]));
			let _ = submit(bob(), &[(1, 100_000)]);
		}
		let quote = FloorPriceOracle::quote(&1).unwrap();
		assert_eq!((quote.spot, quote.twap), (1_000, 1_000));
		assert!(quote.warm);
	});
}

#[test]
fn the_reference_price_is_governances_to_set() {
	builder().run(|| {
		assert_noop!(
			FloorPriceOracle::set_reference_price(RuntimeOrigin::signed(alice()), 1, Some(1)),
			DispatchError::BadOrigin
		);
		assert_noop!(
			FloorPriceOracle::set_reference_price(RuntimeOrigin::root(), 1, Some(0)),
			Error::<Test>::ZeroPrice
		);
		assert_noop!(
			FloorPriceOracle::set_reference_price(
				RuntimeOrigin::root(),
				1,
				Some(MaxFloorPrice::get() + 1)
			),
			Error::<Test>::PriceTooHigh
		);
		assert_ok!(FloorPriceOracle::set_reference_price(RuntimeOrigin::root(), 1, Some(7)));
		assert_eq!(ReferencePrices::<Test>::get(1), Some(7));
		assert_ok!(FloorPriceOracle::set_reference_price(RuntimeOrigin::root(), 1, None));
		assert_eq!(ReferencePrices::<Test>::get(1), None);
	});
}
