//! Figures for wallets: pool, loan, max borrow, positions.

use super::*;
use crate::{
	math::Rate,
	views::{BorrowLimitError, LoanStatus},
};
use frame_support::assert_ok;
use sp_runtime::traits::One as _;

#[test]
fn pool_figures_add_up() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 1_000 * UNIT);
		let empty = info(pool);
		assert_eq!(empty.share_price, Rate::one());
		assert_eq!(empty.utilization, Perbill::zero());
		nft(PUNKS, 0, &alice());
		set_price(PUNKS, 5_000 * UNIT, 5_000 * UNIT);
		borrow(&alice(), pool, PUNKS, 0, 500 * UNIT, None);
		run_to_block(1_000);
		let figures = info(pool);
		assert_eq!(
			figures.cash + figures.debt,
			figures.pool_value + figures.reserve + figures.bad_debt
		);
		assert!(figures.utilization > Perbill::from_percent(49));
		assert!(figures.supply_apr < figures.borrow_apr);
		assert!(figures.share_price > Rate::one());
		assert_eq!(NftLending::pool_info(77), None);
	});
}

#[test]
fn loan_figures_show_debt_health_and_due_block() {
	new_test_ext().execute_with(|| {
		let pool = fixed_pool(&[KITTIES], 10_000 * UNIT);
		nft(KITTIES, 0, &alice());
		set_price(KITTIES, 1_000 * UNIT, 1_000 * UNIT);
		let loan = borrow(&alice(), pool, KITTIES, 0, 350 * UNIT, Some(7 * DAY));
		let figures = NftLending::loan_info(loan).unwrap();
		assert_eq!(figures.debt, 350 * UNIT);
		assert_eq!(figures.health_factor, Some(Rate::saturating_from_integer(2)));
		assert_eq!(figures.due, Some(1 + 7 * DAY));
		assert_eq!(figures.status, LoanStatus::Active);
		assert_eq!(NftLending::loan_info(LoanId::new(0, 99)), None);
	});
}

#[test]
fn max_borrow_is_the_tightest_limit() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 1_000 * UNIT);
		nft(PUNKS, 0, &alice());
		nft(PUNKS, 1, &alice());
		set_price(PUNKS, 1_000 * UNIT, 800 * UNIT);
		// ltv 40% of min(1000, 800) = 320.
		assert_eq!(NftLending::max_borrow_amount(pool, PUNKS, 0), Ok(320 * UNIT));
		set_price(PUNKS, 10_000 * UNIT, 10_000 * UNIT);
		// Utilization: 90% of the pool's money.
		let cash = ledger(pool).cash;
		assert_eq!(
			NftLending::max_borrow_amount(pool, PUNKS, 0),
			Ok(Perbill::from_percent(90).mul_floor(cash))
		);
		let amount = NftLending::max_borrow_amount(pool, PUNKS, 0).unwrap();
		borrow(&alice(), pool, PUNKS, 0, amount, None);
		assert_eq!(
			NftLending::max_borrow_amount(pool, PUNKS, 0),
			Err(BorrowLimitError::NftAlreadyPledged)
		);
		assert_eq!(
			NftLending::max_borrow_amount(pool, PUNKS, 1),
			Err(BorrowLimitError::BelowMinimumLoan)
		);
		assert_eq!(
			NftLending::max_borrow_amount(pool, KITTIES, 1),
			Err(BorrowLimitError::CollectionNotListed)
		);
		make_price_stale(PUNKS);
		assert_eq!(
			NftLending::max_borrow_amount(pool, PUNKS, 1),
			Err(BorrowLimitError::StalePrice)
		);
		assert_eq!(NftLending::max_borrow_amount(9, PUNKS, 1), Err(BorrowLimitError::PoolNotFound));
	});
}

#[test]
fn positions_list_deposits_and_loans() {
	new_test_ext().execute_with(|| {
		let a = variable_pool(&[PUNKS], 1_000 * UNIT);
		let b = fixed_pool(&[KITTIES], 0);
		assert_ok!(NftLending::deposit(RuntimeOrigin::signed(alice()), b, 500 * UNIT));
		nft(PUNKS, 0, &alice());
		set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
		let loan = borrow(&alice(), a, PUNKS, 0, 100 * UNIT, None);
		let positions = NftLending::account_positions(&alice());
		assert_eq!(positions.deposits.len(), 1);
		assert_eq!(positions.deposits[0].pool, b);
		assert_eq!(positions.loans.len(), 1);
		assert_eq!(positions.loans[0].0, loan);
		let eve_positions = NftLending::account_positions(&eve());
		assert_eq!(eve_positions.deposits[0].pool, a);
		assert!(eve_positions.loans.is_empty());
		// Loans are found through the NFTs the account owns: NFTs without a loan are skipped,
		// and a repaid loan is gone.
		nft(PUNKS, 1, &alice());
		assert_eq!(NftLending::account_positions(&alice()).loans.len(), 1);
		assert_ok!(NftLending::repay(RuntimeOrigin::signed(alice()), loan, 1_000 * UNIT));
		assert!(NftLending::account_positions(&alice()).loans.is_empty());
		check();
	});
}

use sp_arithmetic::FixedPointNumber;

#[test]
fn a_repaid_nft_can_be_pledged_again() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 10_000 * UNIT);
		nft(PUNKS, 0, &alice());
		set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
		let first = borrow(&alice(), pool, PUNKS, 0, 300 * UNIT, None);
		assert_eq!(
			NftLending::max_borrow_amount(pool, PUNKS, 0),
			Err(BorrowLimitError::NftAlreadyPledged)
		);
		assert_ok!(NftLending::repay(RuntimeOrigin::signed(alice()), first, 10_000 * UNIT));
		// Repaying released the pledge: no position, and the NFT is free to pledge.
		assert_eq!(LoanOfNft::<Test>::get(PUNKS, 0), None);
		assert!(NftLending::positions(alice()).loans.is_empty());
		assert_eq!(NftLending::max_borrow_amount(pool, PUNKS, 0), Ok(400 * UNIT));
		let second = borrow(&alice(), pool, PUNKS, 0, 200 * UNIT, None);
		assert_ne!(first, second);
		assert_eq!(LoanOfNft::<Test>::get(PUNKS, 0), Some(second));
		let loans: Vec<_> =
			NftLending::positions(alice()).loans.into_iter().map(|(id, _)| id).collect();
		assert_eq!(loans, vec![second]);
		check();
	});
}
