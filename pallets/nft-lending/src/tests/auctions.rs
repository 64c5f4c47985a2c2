//! Auction stories: outbid refunds, sniping, redeem, settlement with surplus, exact, shortfall
//! and no bid, defaulted sales, and a collection that refuses to let its NFT go.

use super::*;
use crate::{Error, Event, HoldReason};
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};

/// Alice borrowed 400 on a punk priced 1000; the price fell to 500 and the sweep started an
/// auction. Returns (pool, loan, frozen debt).
fn auction_of_a_crashed_punk() -> (PoolId, LoanId, Balance) {
	let pool = variable_pool(&[PUNKS], 10_000 * UNIT);
	nft(PUNKS, 0, &alice());
	set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
	let loan = borrow(&alice(), pool, PUNKS, 0, 400 * UNIT, None);
	run_to_block(100);
	set_price(PUNKS, 500 * UNIT, 500 * UNIT);
	run_to_block(101);
	let auction = Auctions::<Test>::get(loan).expect("auction started");
	(pool, loan, auction.debt)
}

fn held(who: &AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::NftLending(HoldReason::AuctionBid), who)
}

fn ends_at(loan: LoanId) -> u64 {
	Auctions::<Test>::get(loan).unwrap().ends_at
}

#[test]
fn an_outbid_bid_is_released_at_once() {
	new_test_ext().execute_with(|| {
		let (_, loan, debt) = auction_of_a_crashed_punk();
		// First bid: at least min(debt, 90% of 500) = 450 > debt? debt is about 400.
		assert_noop!(
			NftLending::bid(RuntimeOrigin::signed(bob()), loan, debt - 1),
			Error::<Test>::BidTooLow
		);
		assert_ok!(NftLending::bid(RuntimeOrigin::signed(bob()), loan, debt));
		assert_eq!(held(&bob()), debt);
		// Next bid: at least 1% of the debt more.
		assert_noop!(
			NftLending::bid(RuntimeOrigin::signed(charlie()), loan, debt + debt / 100 - 1),
			Error::<Test>::BidTooLow
		);
		assert_ok!(NftLending::bid(RuntimeOrigin::signed(charlie()), loan, debt + debt / 50));
		assert_eq!(held(&bob()), 0);
		assert_eq!(held(&charlie()), debt + debt / 50);
		assert!(matches!(last_event(), Event::BidPlaced { .. }));
		check();
	});
}

#[test]
fn a_crashed_collection_still_sells_below_the_debt() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 10_000 * UNIT);
		nft(PUNKS, 0, &alice());
		set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
		let loan = borrow(&alice(), pool, PUNKS, 0, 400 * UNIT, None);
		set_price(PUNKS, 200 * UNIT, 200 * UNIT);
		run_to_block(2);
		// min(debt, 90% of 200) = 180.
		assert_noop!(
			NftLending::bid(RuntimeOrigin::signed(bob()), loan, 180 * UNIT - 1),
			Error::<Test>::BidTooLow
		);
		assert_ok!(NftLending::bid(RuntimeOrigin::signed(bob()), loan, 180 * UNIT));
	});
}

#[test]
fn a_bid_in_the_last_hour_extends_the_auction_up_to_its_cap() {
	new_test_ext().execute_with(|| {
		let (_, loan, debt) = auction_of_a_crashed_punk();
		let original_end = ends_at(loan);
		run_to_block(original_end - 2 * HOUR);
		assert_ok!(NftLending::bid(RuntimeOrigin::signed(bob()), loan, debt));
		assert_eq!(ends_at(loan), original_end, "a bid before the last hour does not extend");
		run_to_block(original_end - 10);
		assert_ok!(NftLending::bid(RuntimeOrigin::signed(charlie()), loan, debt * 2));
		assert_eq!(ends_at(loan), original_end + HOUR);
		// Keep sniping: the end never passes original end + 6 hours.
		let mut amount = debt * 2;
		for round in 0..10 {
			let end = ends_at(loan);
			run_to_block(end - 1);
			amount += debt / 10;
			let bidder = if round % 2 == 0 { bob() } else { charlie() };
			assert_ok!(NftLending::bid(RuntimeOrigin::signed(bidder), loan, amount));
		}
		assert_eq!(ends_at(loan), original_end + 6 * HOUR);
		run_to_block(ends_at(loan));
		assert!(Loans::<Test>::get(loan).is_none(), "settled by the sweep at the capped end");
		assert_noop!(
			NftLending::bid(RuntimeOrigin::signed(bob()), loan, amount * 2),
			Error::<Test>::AuctionNotFound
		);
		check();
	});
}

#[test]
fn redeem_cancels_the_auction_and_pays_the_fine_to_the_first_bidder() {
	new_test_ext().execute_with(|| {
		let (pool, loan, debt) = auction_of_a_crashed_punk();
		assert_ok!(NftLending::bid(RuntimeOrigin::signed(bob()), loan, debt));
		assert_ok!(NftLending::bid(RuntimeOrigin::signed(charlie()), loan, debt * 2));
		let fine = Perbill::from_percent(5).mul_ceil(debt);
		let (alice_before, bob_before, cash_before) =
			(balance(&alice()), balance(&bob()), ledger(pool).cash);
		assert_noop!(
			NftLending::redeem(RuntimeOrigin::signed(bob()), loan),
			Error::<Test>::NotBorrower
		);
		assert_ok!(NftLending::redeem(RuntimeOrigin::signed(alice()), loan));
		assert_eq!(alice_before - balance(&alice()), debt + fine);
		assert_eq!(balance(&bob()) - bob_before, fine);
		assert_eq!(held(&charlie()), 0);
		assert_eq!(ledger(pool).cash - cash_before, debt);
		assert!(Loans::<Test>::get(loan).is_none());
		assert_ok!(pallet_nfts::Pallet::<Test>::transfer(
			RuntimeOrigin::signed(alice()),
			PUNKS,
			0,
			dave()
		));
		check();
	});
}

#[test]
fn redeem_without_bids_pays_the_fine_to_the_reserve_and_only_in_time() {
	new_test_ext().execute_with(|| {
		let (pool, loan, debt) = auction_of_a_crashed_punk();
		let reserve = ledger(pool).reserve;
		let settle_at = Auctions::<Test>::get(loan).unwrap().settle_at;
		assert_ok!(NftLending::redeem(RuntimeOrigin::signed(alice()), loan));
		assert_eq!(ledger(pool).reserve - reserve, Perbill::from_percent(5).mul_ceil(debt));
		check();
		// The auction's settlement entry is left for the sweep, which drops it quietly.
		assert_eq!(Schedule::<Test>::iter_keys().count(), 1);
		run_to_block(settle_at);
		assert_eq!(Schedule::<Test>::iter_keys().count(), 0);
		assert!(lending_events().iter().all(|e| !matches!(
			e,
			crate::Event::AuctionSettled { .. } | crate::Event::SweepStepFailed { .. }
		)));
		check();
	});
	new_test_ext().execute_with(|| {
		let (_, loan, _) = auction_of_a_crashed_punk();
		let until = Auctions::<Test>::get(loan).unwrap().redeem_until;
		run_to_block(until);
		assert_noop!(
			NftLending::redeem(RuntimeOrigin::signed(alice()), loan),
			Error::<Test>::RedeemPeriodOver
		);
	});
}

#[test]
fn settlement_with_surplus_pays_pool_reserve_and_borrower() {
	new_test_ext().execute_with(|| {
		let (pool, loan, debt) = auction_of_a_crashed_punk();
		let penalty = Perbill::from_percent(5).mul_ceil(debt);
		let price = debt + penalty + 50 * UNIT;
		assert_ok!(NftLending::bid(RuntimeOrigin::signed(bob()), loan, price));
		let end = ends_at(loan);
		assert_noop!(
			NftLending::settle(RuntimeOrigin::signed(dave()), loan),
			Error::<Test>::AuctionNotEnded
		);
		System::set_block_number(end);
		let (alice_before, reserve_before, value_before) =
			(balance(&alice()), ledger(pool).reserve, info(pool).pool_value);
		assert_ok!(NftLending::settle(RuntimeOrigin::signed(dave()), loan));
		assert_eq!(balance(&alice()) - alice_before, 50 * UNIT);
		assert_eq!(ledger(pool).reserve - reserve_before, penalty);
		assert!(info(pool).pool_value >= value_before, "lenders lose nothing");
		assert_eq!(pallet_nfts::Pallet::<Test>::owner(PUNKS, 0), Some(bob()));
		assert_eq!(held(&bob()), 0);
		assert!(lending_events().iter().any(|e| matches!(
			e,
			Event::AuctionSettled { surplus, shortfall: 0, .. } if *surplus == 50 * UNIT
		)));
		// The winner's NFT moves freely.
		assert_ok!(pallet_nfts::Pallet::<Test>::transfer(
			RuntimeOrigin::signed(bob()),
			PUNKS,
			0,
			dave()
		));
		check();
	});
}

#[test]
fn settlement_at_exactly_debt_plus_penalty_leaves_no_surplus() {
	new_test_ext().execute_with(|| {
		let (_, loan, debt) = auction_of_a_crashed_punk();
		let penalty = Perbill::from_percent(5).mul_ceil(debt);
		assert_ok!(NftLending::bid(RuntimeOrigin::signed(bob()), loan, debt + penalty));
		let alice_before = balance(&alice());
		run_to_block(ends_at(loan));
		assert_eq!(balance(&alice()), alice_before);
		assert!(lending_events().iter().any(|e| matches!(
			e,
			Event::AuctionSettled { surplus: 0, shortfall: 0, penalty: p, .. } if *p == penalty
		)));
	});
}

#[test]
fn a_shortfall_is_covered_by_the_reserve_then_written_off_with_a_bad_debt_event() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 10_000 * UNIT);
		nft(PUNKS, 0, &alice());
		set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
		let loan = borrow(&alice(), pool, PUNKS, 0, 400 * UNIT, None);
		run_to_block(10 * DAY);
		set_price(PUNKS, 200 * UNIT, 200 * UNIT);
		run_to_block(10 * DAY + 1);
		let debt = Auctions::<Test>::get(loan).unwrap().debt;
		assert_ok!(NftLending::bid(RuntimeOrigin::signed(bob()), loan, 180 * UNIT));
		let reserve = ledger(pool).reserve;
		assert!(reserve > 0);
		let value_before = info(pool).pool_value;
		run_to_block(ends_at(loan));
		let shortfall = debt - 180 * UNIT;
		assert_eq!(ledger(pool).reserve, 0, "the reserve covers first");
		let written_off = shortfall - reserve;
		assert!(lending_events().iter().any(|e| matches!(
			e,
			Event::BadDebt { loss, covered_by_reserve, written_off: w, .. }
				if *loss == shortfall && *covered_by_reserve == reserve && *w == written_off
		)));
		// Lenders lose exactly what was written off (plus the interest of the last blocks,
		// which only adds).
		let value_after = info(pool).pool_value;
		assert!(value_before - value_after <= written_off);
		check();
	});
}

#[test]
fn no_bid_books_the_loss_and_buy_defaulted_brings_money_back() {
	new_test_ext().execute_with(|| {
		let (pool, loan, debt) = auction_of_a_crashed_punk();
		let value_before = info(pool).pool_value;
		run_to_block(ends_at(loan));
		let pool_account = NftLending::pool_account(pool);
		assert_eq!(pallet_nfts::Pallet::<Test>::owner(PUNKS, 0), Some(pool_account));
		assert_eq!(ledger(pool).bad_debt, debt);
		assert!(lending_events()
			.iter()
			.any(|e| matches!(e, Event::LoanDefaulted { held_by_pool: true, .. })));
		assert!(lending_events().iter().any(|e| matches!(e, Event::BadDebt { .. })));
		assert!(info(pool).pool_value < value_before);
		check();

		// The price starts at the valuation (500) and falls to 20% over 3 days.
		let start_price = 500 * UNIT;
		assert_noop!(
			NftLending::buy_defaulted(RuntimeOrigin::signed(bob()), loan, start_price - 1),
			Error::<Test>::PriceAboveMax
		);
		run_to_block(System::block_number() + 36 * HOUR);
		let price = NftLending::defaulted_price(ends_at_or_since(loan), start_price);
		assert!(price < start_price && price > start_price / 5);
		let value_before_sale = info(pool).pool_value;
		assert_ok!(NftLending::buy_defaulted(RuntimeOrigin::signed(bob()), loan, price));
		assert_eq!(pallet_nfts::Pallet::<Test>::owner(PUNKS, 0), Some(bob()));
		assert_eq!(ledger(pool).bad_debt, 0);
		assert_eq!(info(pool).pool_value - value_before_sale, price);
		assert!(Loans::<Test>::get(loan).is_none());
		assert_noop!(
			NftLending::buy_defaulted(RuntimeOrigin::signed(bob()), loan, price),
			Error::<Test>::LoanNotFound
		);
		check();
	});
}

fn ends_at_or_since(loan: LoanId) -> u64 {
	match Loans::<Test>::get(loan).unwrap().state {
		LoanState::Defaulted { since, .. } => since,
		_ => panic!("defaulted"),
	}
}

#[test]
fn a_collection_that_refuses_transfers_does_not_brick_settlement() {
	new_test_ext().execute_with(|| {
		let (pool, loan, debt) = auction_of_a_crashed_punk();
		assert_ok!(NftLending::bid(RuntimeOrigin::signed(bob()), loan, debt));
		// The collection owner makes items non-transferable during the auction.
		lock_collection_transfers(PUNKS);
		let bob_before = balance(&bob());
		run_to_block(ends_at(loan));
		assert_eq!(balance(&bob()), bob_before + debt, "the bid came back");
		assert_eq!(held(&bob()), 0, "the winner's bid is released");
		assert!(lending_events()
			.iter()
			.any(|e| matches!(e, Event::CollateralUndeliverable { .. })));
		let stored = Loans::<Test>::get(loan).unwrap();
		assert!(matches!(stored.state, LoanState::Defaulted { held_by_pool: false, .. }));
		assert_eq!(pallet_nfts::Pallet::<Test>::owner(PUNKS, 0), Some(alice()));
		assert_eq!(ledger(pool).bad_debt, debt);
		// It still cannot move, and it cannot be bought until the collection allows transfers.
		assert!(pallet_nfts::Pallet::<Test>::transfer(
			RuntimeOrigin::signed(alice()),
			PUNKS,
			0,
			dave()
		)
		.is_err());
		assert_noop!(
			NftLending::buy_defaulted(RuntimeOrigin::signed(bob()), loan, 1_000 * UNIT),
			Error::<Test>::NftNotDeliverable
		);
		check();
	});
}

#[test]
fn settle_and_bid_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		let (pool, loan, debt) = auction_of_a_crashed_punk();
		let unknown = LoanId::new(pool, 99);
		assert_noop!(
			NftLending::settle(RuntimeOrigin::signed(bob()), unknown),
			Error::<Test>::AuctionNotFound
		);
		assert_noop!(
			NftLending::bid(RuntimeOrigin::signed(bob()), unknown, debt),
			Error::<Test>::AuctionNotFound
		);
		assert_noop!(
			NftLending::redeem(RuntimeOrigin::signed(alice()), unknown),
			Error::<Test>::LoanNotFound
		);
		// A bidder without the money.
		assert!(NftLending::bid(RuntimeOrigin::signed(account(77)), loan, debt).is_err());
		assert_noop!(
			NftLending::repay(RuntimeOrigin::signed(alice()), loan, debt),
			Error::<Test>::LoanNotActive
		);
		assert_noop!(
			NftLending::buy_defaulted(RuntimeOrigin::signed(bob()), loan, debt),
			Error::<Test>::NotDefaulted
		);
		System::set_block_number(ends_at(loan));
		assert_noop!(
			NftLending::bid(RuntimeOrigin::signed(bob()), loan, debt),
			Error::<Test>::AuctionEnded
		);
	});
}
