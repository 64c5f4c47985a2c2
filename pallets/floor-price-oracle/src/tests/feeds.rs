//! The rules of `submit_floor_prices`.

use super::*;
use crate::{Error, Event, FeederRecord, FeederSubmissions, FloorFeed, FloorPrices};
use frame_support::{assert_noop, assert_ok, dispatch::Pays};

#[test]
fn accepted_submission_is_stored_in_pallet_oracle_and_is_free() {
	ExtBuilder::default().run(|| {
		let result = submit(alice(), &[(1, 1_000), (2, 2_000)]);
		assert_ok!(result);
		assert_eq!(result.unwrap().pays_fee, Pays::No);

		let raw = Oracle::raw_values(alice(), 1).expect("stored in pallet-oracle");
		assert_eq!((raw.value, raw.timestamp), (FloorFeed::single(1_000), 1));
		assert_eq!(Oracle::get(&2).map(|combined| combined.value), Some(FloorFeed::single(2_000)));
		assert_eq!(
			FeederSubmissions::<Test>::get(alice()),
			Some(FeederRecord { submitted_in: 1, observed_at: 1 })
		);
		assert!(oracle_events().contains(&Event::FloorPricesSubmitted {
			feeder: alice(),
			observed_at: 1,
			count: 2
		}));
	});
}

#[test]
fn a_non_members_feed_is_rejected() {
	ExtBuilder::default().run(|| {
		assert_noop!(submit(eve(), &[(1, 1_000)]), Error::<Test>::NotAFeeder);
		assert_eq!(Oracle::raw_values(eve(), 1), None);
	});
}

#[test]
fn a_removed_feeder_can_no_longer_feed_and_its_values_are_dropped() {
	ExtBuilder::default().feeders(vec![alice(), bob()]).run(|| {
		assert_ok!(submit(bob(), &[(1, 1_000)]));
		assert_ok!(FeederMembership::remove_member(RuntimeOrigin::root(), bob()));
		assert_eq!(Oracle::raw_values(bob(), 1), None);
		run_to_block(2);
		assert_noop!(submit(bob(), &[(1, 1_000)]), Error::<Test>::NotAFeeder);
	});
}

#[test]
fn one_submission_per_feeder_per_block() {
	ExtBuilder::default().feeders(vec![alice(), bob()]).run(|| {
		run_to_block(5);
		assert_ok!(submit_observed(alice(), &[(1, 1_000)], 4));
		assert_noop!(
			submit_observed(alice(), &[(1, 1_000)], 5),
			Error::<Test>::AlreadySubmittedThisBlock
		);
		// Other feeders are not affected.
		assert_ok!(submit(bob(), &[(1, 1_000)]));
		run_to_block(6);
		assert_ok!(submit(alice(), &[(1, 1_000)]));
	});
}

#[test]
fn observations_must_arrive_in_order() {
	ExtBuilder::default().run(|| {
		run_to_block(10);
		assert_ok!(submit_observed(alice(), &[(1, 1_000)], 8));
		run_to_block(11);
		assert_noop!(submit_observed(alice(), &[(1, 1_000)], 8), Error::<Test>::OutOfOrder);
		assert_noop!(submit_observed(alice(), &[(1, 1_000)], 7), Error::<Test>::OutOfOrder);
		assert_ok!(submit_observed(alice(), &[(1, 1_000)], 9));
	});
}

#[test]
fn observations_from_the_future_are_rejected() {
	ExtBuilder::default().run(|| {
		run_to_block(10);
		assert_noop!(submit_observed(alice(), &[(1, 1_000)], 11), Error::<Test>::FutureObservation);
	});
}

#[test]
fn observations_older_than_max_price_age_are_rejected() {
	ExtBuilder::default().run(|| {
		run_to_block(1_000);
		assert_noop!(
			submit_observed(alice(), &[(1, 1_000)], 399),
			Error::<Test>::ObservationTooOld
		);
		assert_ok!(submit_observed(alice(), &[(1, 1_000)], 400));
	});
}

#[test]
fn any_bad_value_rejects_the_whole_submission() {
	ExtBuilder::default().run(|| {
		assert_noop!(submit(alice(), &[(1, 1_000), (2, 0)]), Error::<Test>::ZeroPrice);
		assert_eq!(Oracle::raw_values(alice(), 1), None);
		assert_eq!(FloorPrices::<Test>::get(1), None);
		assert_eq!(FeederSubmissions::<Test>::get(alice()), None);
	});
}

#[test]
fn zero_prices_are_rejected() {
	ExtBuilder::default().run(|| {
		assert_noop!(submit(alice(), &[(1, 0)]), Error::<Test>::ZeroPrice);
	});
}

#[test]
fn prices_above_the_maximum_are_rejected() {
	ExtBuilder::default().run(|| {
		let max = MaxFloorPrice::get();
		assert_noop!(submit(alice(), &[(1, max + 1)]), Error::<Test>::PriceTooHigh);
		assert_ok!(submit(alice(), &[(1, max)]));
	});
}

#[test]
fn untracked_collections_are_rejected() {
	ExtBuilder::default().run(|| {
		assert_noop!(
			submit(alice(), &[(1, 1_000), (99, 1_000)]),
			Error::<Test>::CollectionNotTracked
		);
	});
}

#[test]
fn a_collection_may_appear_only_once() {
	ExtBuilder::default().run(|| {
		assert_noop!(
			submit(alice(), &[(1, 1_000), (1, 1_100)]),
			Error::<Test>::DuplicateCollection
		);
	});
}

#[test]
fn an_empty_submission_is_rejected() {
	ExtBuilder::default().run(|| {
		assert_noop!(submit(alice(), &[]), Error::<Test>::NothingSubmitted);
	});
}

#[test]
fn a_rejected_submission_pays_its_fee() {
	ExtBuilder::default().run(|| {
		let error = submit(alice(), &[(1, 0)]).expect_err("zero price");
		assert_eq!(error.post_info.pays_fee, Pays::Yes);
	});
}
