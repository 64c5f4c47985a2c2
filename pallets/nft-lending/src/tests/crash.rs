//! A crash story: a collection's price falls 50% over a day with many loans open. Every loan
//! becomes an auction, lenders' losses equal the booked bad debt exactly, and the invariants hold
//! after every block.

use super::*;
use crate::{views::LoanStatus, Event};
use frame_support::assert_ok;

#[test]
fn a_fifty_percent_crash_over_a_day_liquidates_every_loan_and_books_losses_exactly() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 100_000 * UNIT);
		set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
		let borrowers = 40u32;
		let mut loans = Vec::new();
		for item in 0..borrowers {
			let owner = account(1 + (item % 4) as u8);
			nft(PUNKS, item, &owner);
			// 300..=399 borrowed on a 1000 valuation: HF from 1.75 to 2.33.
			loans.push(borrow(
				&owner,
				pool,
				PUNKS,
				item,
				(300 + item as u128 * 99 / 40) * UNIT,
				None,
			));
		}
		let lenders_before = info(pool).pool_value;

		// The price falls 50% over a day, one step an hour (the oracle's 20% guard allows it).
		for hour in 1..=24u64 {
			run_to_block(1 + hour * HOUR);
			let price = 1_000 * UNIT - (500 * UNIT * hour as u128) / 24;
			set_price(PUNKS, price, price);
		}
		run_to_block(2 + 24 * HOUR);
		// At 500, 70% is 350: loans above 350 are unhealthy; drop to 250 to catch them all.
		set_price(PUNKS, 250 * UNIT, 250 * UNIT);
		run_to_block(3 + 24 * HOUR);
		for loan in &loans {
			assert_eq!(Loans::<Test>::get(loan).unwrap().state, LoanState::InAuction);
		}

		// Half the auctions get their minimum first bid (90% of the valuation when the auction
		// started, or the debt if lower); the rest get none.
		for (i, loan) in loans.iter().enumerate() {
			if i % 2 == 0 {
				let LoanStatus::InAuction { min_bid, .. } =
					NftLending::loan_info(*loan).unwrap().status
				else {
					panic!("in auction")
				};
				assert_ok!(NftLending::bid(RuntimeOrigin::signed(eve()), *loan, min_bid));
			}
		}
		let last_end =
			loans.iter().map(|l| Auctions::<Test>::get(l).unwrap().ends_at).max().unwrap();
		let mut block = System::block_number();
		while block < last_end + 1 {
			block += 1;
			run_to_block(block);
		}
		assert!(Auctions::<Test>::iter().next().is_none(), "every auction settled");

		// Losses: every BadDebt event's written-off part, and what the reserve covered.
		let (mut written_off, mut covered) = (0, 0);
		for event in lending_events() {
			if let Event::BadDebt { written_off: w, covered_by_reserve: c, .. } = event {
				written_off += w;
				covered += c;
			}
		}
		assert!(written_off > 0);
		let lenders_after = info(pool).pool_value;
		// Lenders' value moved by interest earned minus exactly the written-off losses.
		let l = ledger(pool);
		let interest_to_lenders = lenders_after + written_off - lenders_before;
		assert!(interest_to_lenders < 100 * UNIT, "only interest explains the rest");
		assert_eq!(l.cash + l.debt(), l.pool_value() + l.reserve + l.bad_debt);
		assert!(covered <= 100 * UNIT);
		check();
	});
}
