//! Listing collections in pools, their risk numbers, and removal.

use super::*;
use crate::{Error, Event};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

#[test]
fn governance_lists_updates_and_removes_a_collection() {
	new_test_ext().execute_with(|| {
		let pool = pool_with(variable_params(), &[]);
		assert_ok!(NftLending::add_collection(
			RuntimeOrigin::root(),
			pool,
			PUNKS,
			collection_params()
		));
		assert!(NftLending::needs_price(&PUNKS));
		assert_eq!(Pools::<Test>::get(pool).unwrap().collections.len(), 1);
		let mut params = collection_params();
		params.ltv = Perbill::from_percent(30);
		assert_ok!(NftLending::update_collection(RuntimeOrigin::root(), pool, PUNKS, params));
		assert_eq!(
			Pools::<Test>::get(pool).unwrap().listing(&PUNKS).cloned().unwrap().params,
			params
		);
		assert_ok!(NftLending::remove_collection(RuntimeOrigin::root(), pool, PUNKS));
		assert!(!NftLending::needs_price(&PUNKS));
		assert!(Pools::<Test>::get(pool).unwrap().listing(&PUNKS).cloned().is_none());
		assert!(Pools::<Test>::get(pool).unwrap().collections.is_empty());
		check();
	});
}

#[test]
fn risk_numbers_are_bounds_checked() {
	new_test_ext().execute_with(|| {
		let pool = pool_with(variable_params(), &[]);
		let cases = [
			(
				CollectionParams { ltv: Perbill::zero(), ..collection_params() },
				Error::<Test>::InvalidLtv,
			),
			(
				CollectionParams { ltv: Perbill::from_percent(70), ..collection_params() },
				Error::<Test>::InvalidLtv,
			),
			(
				CollectionParams { liquidation_threshold: Perbill::one(), ..collection_params() },
				Error::<Test>::InvalidLtv,
			),
			(
				CollectionParams {
					liquidation_penalty: Perbill::from_percent(26),
					..collection_params()
				},
				Error::<Test>::PenaltyTooHigh,
			),
			(
				CollectionParams { max_loans: 0, ..collection_params() },
				Error::<Test>::InvalidCollectionLimits,
			),
			(
				CollectionParams { max_loans: 20_001, ..collection_params() },
				Error::<Test>::InvalidCollectionLimits,
			),
			(
				CollectionParams { debt_ceiling: 0, ..collection_params() },
				Error::<Test>::InvalidCollectionLimits,
			),
		];
		for (params, error) in cases {
			assert_noop!(
				NftLending::add_collection(RuntimeOrigin::root(), pool, PUNKS, params),
				error
			);
		}
	});
}

#[test]
fn listing_shows_who_can_freeze_the_collections_items() {
	new_test_ext().execute_with(|| {
		let pool = pool_with(variable_params(), &[]);
		ensure_collection(PUNKS);
		assert_ok!(NftLending::add_collection(
			RuntimeOrigin::root(),
			pool,
			PUNKS,
			collection_params()
		));
		let owner = collection_owner();
		let Some(Event::CollectionAdded { roles, .. }) = lending_events().pop() else {
			panic!("CollectionAdded");
		};
		assert_eq!(roles.owner, Some(owner.clone()));
		assert_eq!(roles.admins.to_vec(), vec![owner.clone()]);
		assert_eq!(roles.freezers.to_vec(), vec![owner.clone()]);
		let listing = NftLending::listing(pool, PUNKS).expect("listed");
		assert_eq!(listing.roles, roles);
		assert_eq!(
			(listing.status, listing.open_loans, listing.debt),
			(ListingStatus::Listed, 0, 0)
		);
		assert_eq!(NftLending::listing(pool, KITTIES), None);
	});
}

#[test]
fn collection_calls_fail_cleanly() {
	new_test_ext().execute_with(|| {
		let pool = pool_with(variable_params(), &[PUNKS]);
		assert_noop!(
			NftLending::add_collection(
				RuntimeOrigin::signed(alice()),
				pool,
				KITTIES,
				collection_params()
			),
			DispatchError::BadOrigin
		);
		assert_noop!(
			NftLending::add_collection(RuntimeOrigin::root(), pool, PUNKS, collection_params()),
			Error::<Test>::CollectionAlreadyListed
		);
		assert_noop!(
			NftLending::add_collection(RuntimeOrigin::root(), 5, KITTIES, collection_params()),
			Error::<Test>::PoolNotFound
		);
		assert_noop!(
			NftLending::update_collection(
				RuntimeOrigin::root(),
				pool,
				KITTIES,
				collection_params()
			),
			Error::<Test>::CollectionNotListed
		);
		assert_noop!(
			NftLending::remove_collection(RuntimeOrigin::root(), pool, KITTIES),
			Error::<Test>::CollectionNotListed
		);
		for c in 1..4 {
			assert_ok!(NftLending::add_collection(
				RuntimeOrigin::root(),
				pool,
				c,
				collection_params()
			));
		}
		assert_noop!(
			NftLending::add_collection(RuntimeOrigin::root(), pool, 9, collection_params()),
			Error::<Test>::TooManyCollections
		);
	});
}

#[test]
fn removing_a_collection_stops_new_loans_while_open_loans_run_on() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 1_000 * UNIT);
		nft(PUNKS, 0, &alice());
		nft(PUNKS, 1, &alice());
		set_price(PUNKS, 100 * UNIT, 100 * UNIT);
		let loan = borrow(&alice(), pool, PUNKS, 0, 10 * UNIT, None);
		assert_ok!(NftLending::remove_collection(RuntimeOrigin::root(), pool, PUNKS));
		assert_eq!(
			Pools::<Test>::get(pool).unwrap().listing(&PUNKS).cloned().unwrap().status,
			ListingStatus::Removed
		);
		assert_noop!(
			NftLending::borrow(RuntimeOrigin::signed(alice()), pool, PUNKS, 1, UNIT, None),
			Error::<Test>::CollectionNotListed
		);
		assert_noop!(
			NftLending::borrow_more(RuntimeOrigin::signed(alice()), loan, UNIT),
			Error::<Test>::CollectionNotListed
		);
		check();
		// Repaying the last loan forgets the removed collection.
		assert_ok!(NftLending::repay(RuntimeOrigin::signed(alice()), loan, 100 * UNIT));
		assert!(Pools::<Test>::get(pool).unwrap().listing(&PUNKS).cloned().is_none());
		assert!(Pools::<Test>::get(pool).unwrap().collections.is_empty());
		check();
	});
}

#[test]
fn a_removed_collection_can_be_listed_again() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 1_000 * UNIT);
		nft(PUNKS, 0, &alice());
		set_price(PUNKS, 100 * UNIT, 100 * UNIT);
		borrow(&alice(), pool, PUNKS, 0, 10 * UNIT, None);
		assert_ok!(NftLending::remove_collection(RuntimeOrigin::root(), pool, PUNKS));
		assert_ok!(NftLending::add_collection(
			RuntimeOrigin::root(),
			pool,
			PUNKS,
			collection_params()
		));
		let entry = Pools::<Test>::get(pool).unwrap().listing(&PUNKS).cloned().unwrap();
		assert_eq!(entry.status, ListingStatus::Listed);
		assert_eq!(entry.open_loans, 1);
		check();
	});
}

#[test]
fn parameter_changes_do_not_touch_open_loans() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 1_000 * UNIT);
		nft(PUNKS, 0, &alice());
		set_price(PUNKS, 100 * UNIT, 100 * UNIT);
		let loan = borrow(&alice(), pool, PUNKS, 0, 10 * UNIT, None);
		let mut params = collection_params();
		params.liquidation_threshold = Perbill::from_percent(50);
		params.liquidation_penalty = Perbill::from_percent(10);
		assert_ok!(NftLending::update_collection(RuntimeOrigin::root(), pool, PUNKS, params));
		let stored = Loans::<Test>::get(loan).unwrap();
		assert_eq!(stored.liquidation_threshold, Perbill::from_percent(70));
		assert_eq!(stored.liquidation_penalty, Perbill::from_percent(5));
	});
}
