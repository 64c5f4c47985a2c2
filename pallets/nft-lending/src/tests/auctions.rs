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

fn in_auction(loan: LoanId) -> bool {
	Loans::<Test>::get(loan).is_some_and(|l| l.state == LoanState::InAuction)
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
fn redeem_cancels_the_auction_and_pays_the_fine_to_the_leading_bidder() {
	new_test_ext().execute_with(|| {
		let (pool, loan, debt) = auction_of_a_crashed_punk();
		assert_ok!(NftLending::bid(RuntimeOrigin::signed(bob()), loan, debt));
		assert_ok!(NftLending::bid(RuntimeOrigin::signed(charlie()), loan, debt * 2));
		let fine = Perbill::from_percent(5).mul_ceil(debt);
		let (alice_before, bob_before, charlie_before, cash_before) =
			(balance(&alice()), balance(&bob()), balance(&charlie()), ledger(pool).cash);
		assert_noop!(
			NftLending::redeem(RuntimeOrigin::signed(bob()), loan),
			Error::<Test>::NotBorrower
		);
		assert_ok!(NftLending::redeem(RuntimeOrigin::signed(alice()), loan));
		assert_eq!(alice_before - balance(&alice()), debt + fine);
		// Charlie leads: the fine is his (and his bid is released); Bob, outbid, gets nothing.
		assert_eq!(balance(&charlie()) - charlie_before, fine + debt * 2);
		assert_eq!(balance(&bob()), bob_before);
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
		// Redeem removed the auction's settlement entry: the sweep has nothing left to do.
		assert_eq!(Schedule::<Test>::iter_keys().count(), 0);
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
fn no_bid_books_the_loss_and_buy_defaulted_brings_money_back_over_a_day() {
	new_test_ext().execute_with(|| {
		let (pool, loan, debt) = auction_of_a_crashed_punk();
		let value_before = info(pool).pool_value;
		run_to_block(ends_at(loan));
		let pool_account = NftLending::pool_account(pool);
		assert_eq!(pallet_nfts::Pallet::<Test>::owner(PUNKS, 0), Some(pool_account.clone()));
		assert_eq!(ledger(pool).bad_debt, debt);
		assert!(lending_events()
			.iter()
			.any(|e| matches!(e, Event::LoanDefaulted { held_by_pool: true, .. })));
		assert!(lending_events().iter().any(|e| matches!(e, Event::BadDebt { .. })));
		assert!(info(pool).pool_value < value_before);
		// The pool holds the NFT; nobody can take it but a buyer.
		assert!(pallet_nfts::Pallet::<Test>::transfer(
			RuntimeOrigin::signed(pool_account),
			PUNKS,
			0,
			dave()
		)
		.is_err());
		check();

		// The price starts at the valuation (500) and falls to 20% over 3 days.
		let start_price = 500 * UNIT;
		assert_noop!(
			NftLending::buy_defaulted(RuntimeOrigin::signed(bob()), loan, start_price - 1),
			Error::<Test>::PriceAboveMax
		);
		run_to_block(System::block_number() + 36 * HOUR);
		let price = NftLending::defaulted_price(&Loans::<Test>::get(loan).unwrap().state);
		assert!(price < start_price && price > start_price / 5);
		let (value_before_sale, reserve_before_sale) = (info(pool).pool_value, info(pool).reserve);
		let reserve_paid = match Loans::<Test>::get(loan).unwrap().state {
			LoanState::Defaulted { reserve_paid, .. } => reserve_paid,
			_ => unreachable!(),
		};
		assert_ok!(NftLending::buy_defaulted(RuntimeOrigin::signed(bob()), loan, price));
		assert_eq!(pallet_nfts::Pallet::<Test>::owner(PUNKS, 0), Some(bob()));
		assert_eq!(ledger(pool).bad_debt, 0);
		// The reserve is refilled first; the rest unlocks into lenders' value over a day.
		assert_eq!(info(pool).reserve - reserve_before_sale, reserve_paid);
		assert_eq!(info(pool).pool_value, value_before_sale);
		assert_eq!(info(pool).locked_gain, price - reserve_paid);
		run_to_block(System::block_number() + 12 * HOUR);
		let half = info(pool).pool_value - value_before_sale;
		assert!(half > (price - reserve_paid) * 4 / 10 && half < (price - reserve_paid) * 6 / 10);
		run_to_block(System::block_number() + 12 * HOUR);
		assert_eq!(info(pool).locked_gain, 0);
		assert!(info(pool).pool_value - value_before_sale >= price - reserve_paid);
		assert!(Loans::<Test>::get(loan).is_none());
		assert_noop!(
			NftLending::buy_defaulted(RuntimeOrigin::signed(bob()), loan, price),
			Error::<Test>::LoanNotFound
		);
		check();
	});
}

#[test]
fn a_frozen_nft_keeps_the_winning_bid_held_until_it_can_be_delivered() {
	new_test_ext().execute_with(|| {
		let (pool, loan, debt) = auction_of_a_crashed_punk();
		assert_ok!(NftLending::bid(RuntimeOrigin::signed(bob()), loan, debt));
		// The collection's freezer freezes the pledged item during the auction.
		freeze_item(PUNKS, 0);
		run_to_block(ends_at(loan));
		assert_eq!(held(&bob()), debt, "the winner's bid stays held");
		let deliver_by = Auctions::<Test>::get(loan).unwrap().deliver_by.expect("waiting");
		assert!(lending_events().iter().any(|e| matches!(
			e,
			Event::CollateralUndeliverable { deliver_by: d, .. } if *d == deliver_by
		)));
		assert!(in_auction(loan));
		// Nobody can redeem or bid any more; anyone may retry the settlement.
		assert_noop!(
			NftLending::redeem(RuntimeOrigin::signed(alice()), loan),
			Error::<Test>::RedeemPeriodOver
		);
		assert_ok!(NftLending::settle(RuntimeOrigin::signed(dave()), loan));
		assert!(in_auction(loan), "still frozen");
		check();
		// The owner gives up: the NFT moves, the winner gets it and the pool its money.
		thaw_item(PUNKS, 0);
		let cash_before = ledger(pool).cash;
		assert_ok!(NftLending::settle(RuntimeOrigin::signed(dave()), loan));
		assert_eq!(pallet_nfts::Pallet::<Test>::owner(PUNKS, 0), Some(bob()));
		assert_eq!(held(&bob()), 0);
		assert_eq!(ledger(pool).cash - cash_before, debt);
		assert!(Loans::<Test>::get(loan).is_none());
		check();
	});
}

#[test]
fn a_nft_frozen_past_the_delivery_deadline_defaults_and_never_sells_below_the_debt() {
	new_test_ext().execute_with(|| {
		let (pool, loan, debt) = auction_of_a_crashed_punk();
		assert_ok!(NftLending::bid(RuntimeOrigin::signed(bob()), loan, debt));
		freeze_item(PUNKS, 0);
		run_to_block(ends_at(loan));
		let deliver_by = Auctions::<Test>::get(loan).unwrap().deliver_by.unwrap();
		let bob_before = balance(&bob());
		run_to_block(deliver_by);
		assert_eq!(balance(&bob()), bob_before + debt, "the bid came back at the deadline");
		assert!(lending_events().iter().any(|e| matches!(e, Event::DeliveryTimedOut { .. })));
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
		// Days later the curve is at its floor, but an NFT that was frozen sells for its debt.
		thaw_item(PUNKS, 0);
		run_to_block(System::block_number() + 4 * DAY);
		assert_eq!(NftLending::defaulted_price(&Loans::<Test>::get(loan).unwrap().state), debt);
		assert_noop!(
			NftLending::buy_defaulted(RuntimeOrigin::signed(bob()), loan, debt - 1),
			Error::<Test>::PriceAboveMax
		);
		assert_ok!(NftLending::buy_defaulted(RuntimeOrigin::signed(bob()), loan, debt));
		check();
	});
}

#[test]
fn a_running_auction_keeps_the_numbers_it_started_with() {
	new_test_ext().execute_with(|| {
		let (_, loan, debt) = auction_of_a_crashed_punk();
		let started = Auctions::<Test>::get(loan).unwrap();
		// Governance raises the discount floor and the increment after the auction started.
		let config = LiquidationConfig {
			first_bid_discount: Perbill::zero(),
			bid_increment: Perbill::from_percent(10),
			extension_window: 1,
			..LiquidationSettings::<Test>::get()
		};
		assert_ok!(NftLending::set_liquidation_config(RuntimeOrigin::root(), config));
		// The first bid is still min(debt, 90% of 500); the next still 1% above.
		assert_eq!(NftLending::min_bid(&Auctions::<Test>::get(loan).unwrap()), debt);
		assert_ok!(NftLending::bid(RuntimeOrigin::signed(bob()), loan, debt));
		assert_noop!(
			NftLending::bid(RuntimeOrigin::signed(charlie()), loan, debt + debt / 100 - 1),
			Error::<Test>::BidTooLow
		);
		assert_ok!(NftLending::bid(RuntimeOrigin::signed(charlie()), loan, debt + debt / 100 + 1));
		// A bid in the last hour still extends by an hour.
		run_to_block(started.ends_at - 10);
		assert_ok!(NftLending::bid(RuntimeOrigin::signed(bob()), loan, debt * 2));
		assert_eq!(Auctions::<Test>::get(loan).unwrap().ends_at, started.ends_at + HOUR);
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
