//! Governance settings and genesis.

use super::*;
use crate::{Error, Event, FloorPrices, MinimumFeeders, TwapHistory};
use frame_support::{assert_noop, assert_ok, traits::Get};
use sp_runtime::DispatchError;

#[test]
fn governance_sets_the_minimum_number_of_feeders() {
	ExtBuilder::default().feeders(vec![alice(), bob(), charlie()]).run(|| {
		assert_ok!(FloorPriceOracle::set_minimum_feeders(RuntimeOrigin::root(), 3));
		assert_eq!(MinimumFeeders::<Test>::get(), 3);
		assert_eq!(<crate::CurrentMinimumFeeders<Test> as Get<u32>>::get(), 3);
		assert!(oracle_events().contains(&Event::MinimumFeedersSet { minimum: 3 }));
	});
}

#[test]
fn the_minimum_number_of_feeders_stays_within_bounds() {
	ExtBuilder::default().run(|| {
		assert_noop!(
			FloorPriceOracle::set_minimum_feeders(RuntimeOrigin::root(), 0),
			Error::<Test>::MinimumFeedersOutOfRange
		);
		assert_noop!(
			FloorPriceOracle::set_minimum_feeders(RuntimeOrigin::root(), MaxFeeders::get() + 1),
			Error::<Test>::MinimumFeedersOutOfRange
		);
		assert_ok!(FloorPriceOracle::set_minimum_feeders(RuntimeOrigin::root(), MaxFeeders::get()));
	});
}

#[test]
fn only_governance_sets_the_minimum_number_of_feeders() {
	ExtBuilder::default().run(|| {
		assert_noop!(
			FloorPriceOracle::set_minimum_feeders(RuntimeOrigin::signed(alice()), 2),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn a_higher_minimum_takes_effect_on_the_next_median() {
	let feeders = vec![alice(), bob(), charlie()];
	ExtBuilder::default().feeders(feeders).minimum_feeders(2).genesis_price(1, 1_000).run(|| {
		assert_ok!(FloorPriceOracle::set_minimum_feeders(RuntimeOrigin::root(), 3));
		run_to_block(2);
		assert_ok!(submit(alice(), &[(1, 1_100)]));
		assert_ok!(submit(bob(), &[(1, 1_100)]));
		assert_eq!(FloorPrices::<Test>::get(1).unwrap().updated_at, 0);
		assert_ok!(submit(charlie(), &[(1, 1_100)]));
		assert_eq!(FloorPrices::<Test>::get(1).unwrap().updated_at, 2);
	});
}

#[test]
fn genesis_prices_are_fresh_and_start_their_twap() {
	ExtBuilder::default().minimum_feeders(2).genesis_price(1, 5_000).genesis_price(2, 7).run(
		|| {
			assert_eq!(MinimumFeeders::<Test>::get(), 2);
			let quote = FloorPriceOracle::quote(&1).unwrap();
			assert_eq!(
				(quote.spot, quote.twap, quote.updated_at, quote.fresh),
				(5_000, 5_000, 0, true)
			);
			assert_eq!(TwapHistory::<Test>::get(2).unwrap().lower.last_price, 7);
		},
	);
}

#[test]
#[should_panic(expected = "minimum_feeders must be in 1..=MaxFeeders")]
fn genesis_rejects_a_zero_minimum() {
	ExtBuilder::default().minimum_feeders(0).build();
}

#[test]
fn integrity_test_passes_for_the_mock() {
	use frame_support::traits::Hooks;
	ExtBuilder::default().run(|| {
		<FloorPriceOracle as Hooks<BlockNumber>>::integrity_test();
	});
}
