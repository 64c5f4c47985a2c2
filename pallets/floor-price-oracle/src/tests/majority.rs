//! No minority sets a price: the effective minimum is a majority of the feeder set, and with an
//! even number of fresh feeds the two middle values feed two series (borrowing on the lower one,
//! the health factor on the upper one).

use super::*;
use crate::{Error, FloorPrices, MinimumFeeders};
use frame_support::{assert_noop, assert_ok};

fn two_feeders() -> ExtBuilder {
	ExtBuilder::default().feeders(vec![alice(), bob()]).minimum_feeders(2).genesis_price(1, 1_000)
}

#[test]
fn governance_cannot_set_a_minority_minimum() {
	ExtBuilder::default().feeders(vec![alice(), bob(), charlie(), dave()]).minimum_feeders(3).run(
		|| {
			// Four feeders: two is only half.
			assert_noop!(
				FloorPriceOracle::set_minimum_feeders(RuntimeOrigin::root(), 2),
				Error::<Test>::MinimumFeedersNotMajority
			);
			assert_ok!(FloorPriceOracle::set_minimum_feeders(RuntimeOrigin::root(), 3));
			assert_eq!(MinimumFeeders::<Test>::get(), 3);
		},
	);
}

#[test]
fn new_feeders_raise_the_effective_minimum_at_once() {
	ExtBuilder::default().feeders(vec![alice()]).minimum_feeders(1).genesis_price(1, 1_000).run(
		|| {
			assert_eq!(FloorPriceOracle::effective_minimum_feeders(), 1);
			// Governance adds two feeders; membership changes cannot be refused, so the
			// minimum follows the set: now two of three.
			assert_ok!(FeederMembership::add_member(RuntimeOrigin::root(), bob()));
			assert_ok!(FeederMembership::add_member(RuntimeOrigin::root(), charlie()));
			assert_eq!(MinimumFeeders::<Test>::get(), 1);
			assert_eq!(FloorPriceOracle::effective_minimum_feeders(), 2);
			run_to_block(2);
			assert_ok!(submit(alice(), &[(1, 1_100)]));
			assert_eq!(FloorPrices::<Test>::get(1).unwrap().updated_at, 0, "one feed is no median");
			assert_ok!(submit(bob(), &[(1, 1_100)]));
			assert_eq!(FloorPrices::<Test>::get(1).unwrap().updated_at, 2);
		},
	);
}

#[test]
fn with_two_feeds_borrowing_follows_the_lower_and_health_the_upper() {
	two_feeders().run(|| {
		run_to_block(2);
		assert_ok!(submit(alice(), &[(1, 1_000)]));
		assert_ok!(submit(bob(), &[(1, 1_150)]));
		let state = FloorPrices::<Test>::get(1).unwrap();
		assert_eq!((state.lower.median, state.upper.median), (1_000, 1_150));
		let quote = FloorPriceOracle::quote(&1).unwrap();
		assert_eq!((quote.spot, quote.health_spot), (1_000, 1_150));
	});
}

#[test]
fn a_feeder_lying_high_moves_only_the_upper_series() {
	two_feeders().run(|| {
		for block in 2..=200 {
			run_to_block(block);
			assert_ok!(submit(alice(), &[(1, 1_000)]));
			assert_ok!(submit(bob(), &[(1, 10_000)]));
			let quote = FloorPriceOracle::quote(&1).unwrap();
			assert_eq!((quote.spot, quote.twap), (1_000, 1_000), "block {block}");
			assert!(!quote.flagged);
		}
		let quote = FloorPriceOracle::quote(&1).unwrap();
		assert_eq!(quote.health_spot, 10_000);
	});
}

#[test]
fn a_feeder_lying_low_moves_only_the_lower_series_and_never_tells_of_a_fall() {
	two_feeders().run(|| {
		for block in 2..=200 {
			run_to_block(block);
			assert_ok!(submit(alice(), &[(1, 1_000)]));
			assert_ok!(submit(bob(), &[(1, 100)]));
		}
		let quote = FloorPriceOracle::quote(&1).unwrap();
		assert_eq!((quote.health_spot, quote.health_twap), (1_000, 1_000));
		assert_eq!(quote.spot, 100);
		assert!(MarkedForHealthCheck::get().is_empty(), "the health price never fell");
	});
}

#[test]
fn only_falls_of_the_health_price_are_told() {
	ExtBuilder::default().genesis_price(1, 1_000).run(|| {
		run_to_block(2);
		assert_ok!(submit(alice(), &[(1, 1_100)]));
		assert!(MarkedForHealthCheck::get().is_empty(), "a rise tells nobody");
		run_to_block(3);
		assert_ok!(submit(alice(), &[(1, 1_100)]));
		assert!(MarkedForHealthCheck::get().is_empty(), "an unchanged price tells nobody");
		run_to_block(4);
		assert_ok!(submit(alice(), &[(1, 1_000)]));
		assert_eq!(MarkedForHealthCheck::get(), vec![1]);
	});
}

mod properties {
	use super::*;
	use crate::combine::middle_values;
	use proptest::prelude::*;

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(64))]

		/// Whatever two to four feeders report, block after block: whenever borrowing is open
		/// on the price (fresh, not flagged), what a borrower is measured against, the lower of
		/// the lower spot and TWAP, is at most the lower middle value of the fresh reports.
		#[test]
		fn the_price_a_borrower_sees_never_exceeds_the_lower_middle_value(
			feeders in 2usize..=4,
			reports in prop::collection::vec(
				prop::collection::vec(500u128..2_000, 4),
				1..40,
			),
		) {
			let members: Vec<AccountId> =
				[alice(), bob(), charlie(), dave()][..feeders].to_vec();
			ExtBuilder::default()
				.feeders(members.clone())
				.minimum_feeders(feeders as u32 / 2 + 1)
				.genesis_price(1, 1_000)
				.run(|| {
					for (offset, prices) in reports.iter().enumerate() {
						run_to_block(2 + offset as BlockNumber);
						let mut fed = Vec::new();
						for (feeder, price) in members.iter().zip(prices) {
							if submit(*feeder, &[(1, *price)]).is_ok() {
								fed.push(*price);
							}
						}
						let quote = FloorPriceOracle::quote(&1).unwrap();
						let state = crate::FloorPrices::<Test>::get(1).unwrap();
						if quote.updated_at == System::block_number() && !quote.flagged {
							let (lower, _) = middle_values(&mut fed.clone()).unwrap();
							prop_assert_eq!(state.lower.median, lower);
							prop_assert!(quote.spot.min(quote.twap) <= lower);
						}
					}
					Ok(())
				})?;
		}
	}
}
