//! The on-chain price is the median of fresh feeds from at least `MinimumFeeders` feeders.

use super::*;
use crate::{Event, FloorPrices};
use frame_support::assert_ok;

fn five_feeders() -> ExtBuilder {
	ExtBuilder::default()
		.feeders(vec![alice(), bob(), charlie(), dave(), eve()])
		.minimum_feeders(3)
		.genesis_price(1, 1_000)
}

#[test]
fn honest_majority_sets_the_median_and_liars_do_not_move_it() {
	five_feeders().run(|| {
		run_to_block(2);
		// Three honest feeders around 1000, two liars far above (but not absurd).
		assert_ok!(submit(alice(), &[(1, 1_000)]));
		assert_ok!(submit(bob(), &[(1, 1_010)]));
		assert_ok!(submit(charlie(), &[(1, 990)]));
		assert_ok!(submit(dave(), &[(1, 5_000)]));
		assert_ok!(submit(eve(), &[(1, 9_000)]));

		// Sorted: 990, 1000, 1010, 5000, 9000: the median is 1010.
		assert_eq!(spot(1), 1_010);
		let state = FloorPrices::<Test>::get(1).unwrap();
		assert_eq!((state.lower.median, state.lower.flagged), (1_010, false));
		assert!(!oracle_events().iter().any(|event| matches!(event, Event::PriceClamped { .. })));
	});
}

#[test]
fn liars_below_cannot_drag_the_median_down() {
	five_feeders().run(|| {
		run_to_block(2);
		assert_ok!(submit(alice(), &[(1, 500)]));
		assert_ok!(submit(bob(), &[(1, 500)]));
		assert_ok!(submit(charlie(), &[(1, 1_000)]));
		assert_ok!(submit(dave(), &[(1, 1_000)]));
		assert_ok!(submit(eve(), &[(1, 1_000)]));
		assert_eq!(spot(1), 1_000);
	});
}

#[test]
fn no_price_update_until_the_minimum_number_of_feeders_reported() {
	five_feeders().run(|| {
		run_to_block(2);
		assert_ok!(submit(alice(), &[(1, 1_100)]));
		assert_ok!(submit(bob(), &[(1, 1_100)]));
		let state = FloorPrices::<Test>::get(1).unwrap();
		assert_eq!((state.lower.spot, state.updated_at), (1_000, 0));
		assert!(MarkedForHealthCheck::get().is_empty());

		assert_ok!(submit(charlie(), &[(1, 1_100)]));
		assert_eq!(spot(1), 1_100);
		assert_eq!(FloorPrices::<Test>::get(1).unwrap().updated_at, 2);
	});
}

#[test]
fn expired_feeds_do_not_count_towards_the_minimum() {
	ExtBuilder::default().feeders(vec![alice(), bob()]).minimum_feeders(2).run(|| {
		assert_ok!(submit(alice(), &[(1, 1_000)]));
		assert_ok!(submit(bob(), &[(1, 1_000)]));
		assert_eq!(FloorPrices::<Test>::get(1).unwrap().updated_at, 1);

		// Alice's feed of block 1 expires at 1 + MaxPriceAge.
		run_to_block(1 + MaxPriceAge::get());
		assert_ok!(submit(bob(), &[(1, 1_100)]));
		// pallet-oracle kept its old value; the guarded price is not re-stamped.
		assert_eq!(FloorPrices::<Test>::get(1).unwrap().updated_at, 1);

		assert_ok!(submit(alice(), &[(1, 1_100)]));
		assert_eq!(FloorPrices::<Test>::get(1).unwrap().updated_at, 1 + MaxPriceAge::get());
		assert_eq!(spot(1), 1_100);
	});
}

#[test]
fn the_first_median_of_a_collection_sets_its_price() {
	ExtBuilder::default().run(|| {
		assert_eq!(FloorPrices::<Test>::get(3), None);
		assert_ok!(submit(alice(), &[(3, 7_000)]));
		let quote = FloorPriceOracle::quote(&3).unwrap();
		assert_eq!(
			(quote.spot, quote.twap, quote.updated_at, quote.fresh),
			(7_000, 7_000, 1, true)
		);
	});
}

#[test]
fn each_new_median_emits_an_event_and_only_a_fall_marks_the_collection_for_a_health_check() {
	ExtBuilder::default().genesis_price(1, 1_000).genesis_price(2, 800).run(|| {
		run_to_block(2);
		assert_ok!(submit(alice(), &[(1, 1_100), (2, 700), (3, 500)]));
		// Collection 1 rose and 3 got its first price: only 2's fall is told.
		assert_eq!(MarkedForHealthCheck::get(), vec![2]);
		let events = oracle_events();
		assert!(events.contains(&Event::FloorPriceUpdated {
			collection: 1,
			spot: 1_100,
			twap: 1_000,
			health_spot: 1_100,
			health_twap: 1_000,
		}));
		assert!(events.contains(&Event::FloorPriceUpdated {
			collection: 3,
			spot: 500,
			twap: 500,
			health_spot: 500,
			health_twap: 500,
		}));
	});
}
