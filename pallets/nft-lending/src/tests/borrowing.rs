//! Borrowing, borrowing more, repaying and extending.

use super::*;
use crate::{math::Rate, Error};
use frame_support::{assert_noop, assert_ok};
use sp_arithmetic::FixedPointNumber;

fn setup_variable() -> PoolId {
	let pool = variable_pool(&[PUNKS], 10_000 * UNIT);
	nft(PUNKS, 0, &alice());
	nft(PUNKS, 1, &alice());
	nft(PUNKS, 2, &bob());
	set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
	pool
}

#[test]
fn borrow_pledges_the_nft_and_pays_the_borrower() {
	new_test_ext().execute_with(|| {
		let pool = setup_variable();
		let before = balance(&alice());
		let loan = borrow(&alice(), pool, PUNKS, 0, 400 * UNIT, None);
		assert_eq!(balance(&alice()) - before, 400 * UNIT);
		assert_eq!(pallet_nfts::Pallet::<Test>::owner(PUNKS, 0), Some(alice()));
		assert_eq!(LoanOfNft::<Test>::get(PUNKS, 0), Some(loan));
		assert_eq!(debt_of(loan), 400 * UNIT);
		assert_eq!(ledger(pool).cash, 10_000 * UNIT - 1_000_000_000 - 400 * UNIT);
		assert!(lending_events().iter().any(|e| matches!(
			e,
			crate::Event::Borrowed { loan: l, amount, apr: None, due: None, .. }
				if *l == loan && *amount == 400 * UNIT
		)));
		check();
	});
}

/// The id in the pool's `Borrowed` event of the latest borrow.
fn last_borrowed() -> LoanId {
	lending_events()
		.into_iter()
		.rev()
		.find_map(|e| match e {
			crate::Event::Borrowed { loan, .. } => Some(loan),
			_ => None,
		})
		.expect("a Borrowed event")
}

#[test]
fn each_pool_numbers_its_loans_and_never_reuses_a_number() {
	new_test_ext().execute_with(|| {
		let blue_chip = setup_variable();
		let shared = variable_pool(&[KITTIES], 10_000 * UNIT);
		nft(KITTIES, 0, &bob());
		set_price(KITTIES, 1_000 * UNIT, 1_000 * UNIT);
		let open = |who: AccountId, pool, collection, item| {
			assert_ok!(NftLending::borrow(
				RuntimeOrigin::signed(who),
				pool,
				collection,
				item,
				100 * UNIT,
				None
			));
			last_borrowed()
		};
		assert_eq!(open(alice(), blue_chip, PUNKS, 0), LoanId::new(blue_chip, 0));
		// Another pool counts on its own.
		assert_eq!(open(bob(), shared, KITTIES, 0), LoanId::new(shared, 0));
		assert_eq!(open(alice(), blue_chip, PUNKS, 1), LoanId::new(blue_chip, 1));
		// A closed loan's number is not given out again, not even to the same NFT.
		assert_ok!(NftLending::repay(
			RuntimeOrigin::signed(alice()),
			LoanId::new(blue_chip, 0),
			1_000 * UNIT
		));
		assert_eq!(open(alice(), blue_chip, PUNKS, 0), LoanId::new(blue_chip, 2));
		assert_eq!(Pools::<Test>::get(blue_chip).unwrap().loans_opened, 3);
		assert_eq!(Pools::<Test>::get(shared).unwrap().loans_opened, 1);
		// The same number in another pool is another loan.
		assert_eq!(Loans::<Test>::get(LoanId::new(shared, 0)).unwrap().borrower, bob());
		assert_eq!(Loans::<Test>::get(LoanId::new(blue_chip, 1)).unwrap().item, 1);
		check();
	});
}

#[test]
fn a_pool_that_has_given_out_every_loan_number_refuses_the_next_borrow() {
	new_test_ext().execute_with(|| {
		let pool = setup_variable();
		Pools::<Test>::mutate(pool, |p| p.as_mut().unwrap().loans_opened = u32::MAX);
		assert_noop!(
			NftLending::borrow(RuntimeOrigin::signed(alice()), pool, PUNKS, 0, 100 * UNIT, None),
			Error::<Test>::NoLoanNumberLeft
		);
	});
}

#[test]
fn borrow_is_measured_against_the_lower_of_spot_and_twap() {
	new_test_ext().execute_with(|| {
		let pool = setup_variable();
		set_price(PUNKS, 1_000 * UNIT, 500 * UNIT);
		assert_noop!(
			NftLending::borrow(
				RuntimeOrigin::signed(alice()),
				pool,
				PUNKS,
				0,
				200 * UNIT + 1,
				None
			),
			Error::<Test>::ExceedsLtv
		);
		set_price(PUNKS, 500 * UNIT, 1_000 * UNIT);
		assert_noop!(
			NftLending::borrow(
				RuntimeOrigin::signed(alice()),
				pool,
				PUNKS,
				0,
				200 * UNIT + 1,
				None
			),
			Error::<Test>::ExceedsLtv
		);
		borrow(&alice(), pool, PUNKS, 0, 200 * UNIT, None);
		check();
	});
}

#[test]
fn every_borrow_rule_fails_with_its_own_error_and_changes_nothing() {
	new_test_ext().execute_with(|| {
		let pool = setup_variable();
		let signed = RuntimeOrigin::signed;
		assert_noop!(
			NftLending::borrow(signed(alice()), 9, PUNKS, 0, UNIT, None),
			Error::<Test>::PoolNotFound
		);
		assert_noop!(
			NftLending::borrow(signed(alice()), pool, KITTIES, 0, 50 * UNIT, None),
			Error::<Test>::CollectionNotListed
		);
		assert_noop!(
			NftLending::borrow(signed(alice()), pool, PUNKS, 2, 50 * UNIT, None),
			Error::<Test>::NotNftOwner
		);
		assert_noop!(
			NftLending::borrow(signed(alice()), pool, PUNKS, 0, UNIT / 10 - 1, None),
			Error::<Test>::LoanTooSmall
		);
		// At least 10% of what the NFT could borrow (400).
		assert_noop!(
			NftLending::borrow(signed(alice()), pool, PUNKS, 0, 40 * UNIT - 1, None),
			Error::<Test>::LoanTooSmall
		);
		assert_noop!(
			NftLending::borrow(signed(alice()), pool, PUNKS, 0, 50 * UNIT, Some(DAY)),
			Error::<Test>::TermNotApplicable
		);
		assert_noop!(
			NftLending::borrow(signed(alice()), pool, PUNKS, 0, 400 * UNIT + 1, None),
			Error::<Test>::ExceedsLtv
		);
		make_price_stale(PUNKS);
		assert_noop!(
			NftLending::borrow(signed(alice()), pool, PUNKS, 0, 50 * UNIT, None),
			Error::<Test>::StalePrice
		);
		set_floor_price(
			PUNKS,
			FloorPrice { warm: false, ..FloorPrice::settled(1_000 * UNIT, 1_000 * UNIT) },
		);
		assert_noop!(
			NftLending::borrow(signed(alice()), pool, PUNKS, 0, 50 * UNIT, None),
			Error::<Test>::PriceWarmingUp
		);
		set_floor_price(
			PUNKS,
			FloorPrice { flagged: true, ..FloorPrice::settled(1_000 * UNIT, 1_000 * UNIT) },
		);
		assert_noop!(
			NftLending::borrow(signed(alice()), pool, PUNKS, 0, 50 * UNIT, None),
			Error::<Test>::PriceFlagged
		);
		set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
		nft(KITTIES, 0, &alice());
		assert_ok!(NftLending::add_collection(
			RuntimeOrigin::root(),
			pool,
			KITTIES,
			collection_params()
		));
		assert_noop!(
			NftLending::borrow(signed(alice()), pool, KITTIES, 0, 50 * UNIT, None),
			Error::<Test>::NoPrice
		);
		borrow(&alice(), pool, PUNKS, 0, 50 * UNIT, None);
		assert_noop!(
			NftLending::borrow(signed(alice()), pool, PUNKS, 0, 50 * UNIT, None),
			Error::<Test>::NftAlreadyPledged
		);
		check();
	});
}

#[test]
fn debt_ceiling_loan_count_and_utilization_limit_borrowing() {
	new_test_ext().execute_with(|| {
		let pool = setup_variable();
		let mut params = collection_params();
		params.debt_ceiling = 500 * UNIT;
		params.max_loans = 2;
		assert_ok!(NftLending::update_collection(RuntimeOrigin::root(), pool, PUNKS, params));
		borrow(&alice(), pool, PUNKS, 0, 300 * UNIT, None);
		assert_noop!(
			NftLending::borrow(RuntimeOrigin::signed(alice()), pool, PUNKS, 1, 201 * UNIT, None),
			Error::<Test>::DebtCeilingReached
		);
		borrow(&alice(), pool, PUNKS, 1, 200 * UNIT, None);
		assert_noop!(
			NftLending::borrow(RuntimeOrigin::signed(bob()), pool, PUNKS, 2, 50 * UNIT, None),
			Error::<Test>::MaxLoansReached
		);
	});
	new_test_ext().execute_with(|| {
		// A small pool: 1000 UNIT, max utilization 90%.
		let pool = variable_pool(&[PUNKS], 1_000 * UNIT);
		nft(PUNKS, 0, &alice());
		set_price(PUNKS, 10_000 * UNIT, 10_000 * UNIT);
		assert_noop!(
			NftLending::borrow(RuntimeOrigin::signed(alice()), pool, PUNKS, 0, 900 * UNIT, None),
			Error::<Test>::UtilizationTooHigh
		);
		assert_noop!(
			NftLending::borrow(RuntimeOrigin::signed(alice()), pool, PUNKS, 0, 1_000 * UNIT, None),
			Error::<Test>::InsufficientLiquidity
		);
		borrow(&alice(), pool, PUNKS, 0, 890 * UNIT, None);
		check();
	});
}

#[test]
fn a_fixed_loan_locks_its_apr_for_the_chosen_term() {
	new_test_ext().execute_with(|| {
		let pool = fixed_pool(&[KITTIES], 10_000 * UNIT);
		nft(KITTIES, 0, &alice());
		set_price(KITTIES, 1_000 * UNIT, 1_000 * UNIT);
		assert_noop!(
			NftLending::borrow(RuntimeOrigin::signed(alice()), pool, KITTIES, 0, 50 * UNIT, None),
			Error::<Test>::TermRequired
		);
		assert_noop!(
			NftLending::borrow(
				RuntimeOrigin::signed(alice()),
				pool,
				KITTIES,
				0,
				50 * UNIT,
				Some(3 * DAY)
			),
			Error::<Test>::TermNotOffered
		);
		let loan = borrow(&alice(), pool, KITTIES, 0, 400 * UNIT, Some(30 * DAY));
		let info = NftLending::loan_info(loan).unwrap();
		// Utilization after the borrow is about 4%: APR = 2% + 8% * 4/70, about 2.46%.
		assert!(info.apr.unwrap() > Rate::saturating_from_rational(2, 100));
		assert!(info.apr.unwrap() < Rate::saturating_from_rational(3, 100));
		assert_eq!(info.due, Some(1 + 30 * DAY));
		assert_eq!(info.overdue_at, Some(1 + 30 * DAY + 24 * HOUR + 1));
		// The APR stays when the pool's utilization moves.
		nft(KITTIES, 1, &bob());
		borrow(&bob(), pool, KITTIES, 1, 400 * UNIT, Some(7 * DAY));
		assert_eq!(NftLending::loan_info(loan).unwrap().apr, info.apr);
		check();
	});
}

#[test]
fn borrow_more_stays_within_the_current_ltv() {
	new_test_ext().execute_with(|| {
		let pool = setup_variable();
		let loan = borrow(&alice(), pool, PUNKS, 0, 100 * UNIT, None);
		assert_ok!(NftLending::borrow_more(RuntimeOrigin::signed(alice()), loan, 300 * UNIT));
		assert_eq!(debt_of(loan), 400 * UNIT);
		assert_noop!(
			NftLending::borrow_more(RuntimeOrigin::signed(alice()), loan, 1),
			Error::<Test>::ExceedsLtv
		);
		assert_noop!(
			NftLending::borrow_more(RuntimeOrigin::signed(bob()), loan, UNIT),
			Error::<Test>::NotBorrower
		);
		assert_noop!(
			NftLending::borrow_more(RuntimeOrigin::signed(alice()), loan, 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			NftLending::borrow_more(RuntimeOrigin::signed(alice()), LoanId::new(pool, 77), UNIT),
			Error::<Test>::LoanNotFound
		);
		check();
	});
	new_test_ext().execute_with(|| {
		let pool = fixed_pool(&[KITTIES], 10_000 * UNIT);
		nft(KITTIES, 0, &alice());
		set_price(KITTIES, 1_000 * UNIT, 1_000 * UNIT);
		let loan = borrow(&alice(), pool, KITTIES, 0, 100 * UNIT, Some(7 * DAY));
		assert_noop!(
			NftLending::borrow_more(RuntimeOrigin::signed(alice()), loan, UNIT),
			Error::<Test>::NotVariableLoan
		);
	});
}

#[test]
fn borrow_more_keeps_a_health_margin_even_when_governance_raised_the_ltv() {
	new_test_ext().execute_with(|| {
		let pool = setup_variable();
		// The loan keeps its 70% threshold; governance then lets new loans borrow 68%.
		let loan = borrow(&alice(), pool, PUNKS, 0, 400 * UNIT, None);
		let params = CollectionParams {
			ltv: Perbill::from_percent(68),
			liquidation_threshold: Perbill::from_percent(75),
			..collection_params()
		};
		assert_ok!(NftLending::update_collection(RuntimeOrigin::root(), pool, PUNKS, params));
		// 680 would be within the new ltv, but at 70% the loan's health factor would be 1.03.
		assert_noop!(
			NftLending::borrow_more(RuntimeOrigin::signed(alice()), loan, 280 * UNIT),
			Error::<Test>::BelowHealthMargin
		);
		// Up to 700 / 1.1 = 636 keeps a health factor of 1.1.
		assert_ok!(NftLending::borrow_more(RuntimeOrigin::signed(alice()), loan, 230 * UNIT));
		let health = NftLending::loan_info(loan).unwrap().health_factor.unwrap();
		assert!(health >= Rate::saturating_from_rational(11, 10), "{health:?}");
		check();
	});
}

#[test]
fn a_partial_repayment_may_not_leave_dust() {
	new_test_ext().execute_with(|| {
		let pool = setup_variable();
		let loan = borrow(&alice(), pool, PUNKS, 0, 100 * UNIT, None);
		let debt = debt_of(loan);
		// The mock's minimum loan is 0.1 NFTL.
		assert_noop!(
			NftLending::repay(RuntimeOrigin::signed(alice()), loan, debt - UNIT / 20),
			Error::<Test>::RepayLeavesDust
		);
		assert_ok!(NftLending::repay(RuntimeOrigin::signed(alice()), loan, debt - UNIT));
		assert_ok!(NftLending::repay(RuntimeOrigin::signed(alice()), loan, 10 * UNIT));
		assert!(Loans::<Test>::get(loan).is_none());
		check();
	});
}

#[test]
fn anyone_can_repay_partially_and_full_repayment_returns_the_nft_at_once() {
	new_test_ext().execute_with(|| {
		let pool = setup_variable();
		let loan = borrow(&alice(), pool, PUNKS, 0, 400 * UNIT, None);
		run_to_block(1_000);
		let debt = debt_of(loan);
		assert!(debt > 400 * UNIT);
		assert_ok!(NftLending::repay(RuntimeOrigin::signed(charlie()), loan, 100 * UNIT));
		assert!(debt_of(loan) <= debt - 100 * UNIT + 1);
		assert!(
			matches!(last_event(), crate::Event::Repaid { amount, .. } if amount == 100 * UNIT)
		);
		check();
		// Over-paying is capped at the debt.
		let owed = debt_of(loan);
		let before = balance(&bob());
		assert_ok!(NftLending::repay(RuntimeOrigin::signed(bob()), loan, 10_000 * UNIT));
		assert_eq!(before - balance(&bob()), owed);
		assert!(Loans::<Test>::get(loan).is_none());
		// The NFT no longer backs a loan (its index entry waits for the sweep to drop it).
		assert!(NftLending::loan_of_nft(&PUNKS, &0).is_none());
		// The NFT moves again, in the same block.
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
fn repay_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		let pool = setup_variable();
		let loan = borrow(&alice(), pool, PUNKS, 0, 400 * UNIT, None);
		assert_noop!(
			NftLending::repay(RuntimeOrigin::signed(alice()), loan, 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			NftLending::repay(RuntimeOrigin::signed(alice()), LoanId::new(pool, 99), UNIT),
			Error::<Test>::LoanNotFound
		);
		// A payer who cannot pay.
		assert!(NftLending::repay(RuntimeOrigin::signed(account(77)), loan, UNIT).is_err());
		assert_eq!(debt_of(loan), 400 * UNIT);
	});
}

#[test]
fn a_fixed_loan_pays_interest_first_then_principal() {
	new_test_ext().execute_with(|| {
		let pool = fixed_pool(&[KITTIES], 10_000 * UNIT);
		nft(KITTIES, 0, &alice());
		set_price(KITTIES, 1_000 * UNIT, 1_000 * UNIT);
		let loan = borrow(&alice(), pool, KITTIES, 0, 400 * UNIT, Some(30 * DAY));
		run_to_block(1 + 10 * DAY);
		let debt = debt_of(loan);
		let interest = debt - 400 * UNIT;
		assert!(interest > 0);
		// Pay half the interest: the principal stays, the rest of the interest is carried.
		assert_ok!(NftLending::repay(RuntimeOrigin::signed(alice()), loan, interest / 2));
		let LoanDebt::Fixed { principal, unpaid_interest, .. } =
			Loans::<Test>::get(loan).unwrap().debt
		else {
			panic!("fixed loan")
		};
		assert_eq!(principal, 400 * UNIT);
		assert_eq!(unpaid_interest, interest - interest / 2);
		check();
		// Pay more than the interest: the principal falls.
		assert_ok!(NftLending::repay(
			RuntimeOrigin::signed(alice()),
			loan,
			unpaid_interest + 100 * UNIT
		));
		let LoanDebt::Fixed { principal, unpaid_interest, .. } =
			Loans::<Test>::get(loan).unwrap().debt
		else {
			panic!("fixed loan")
		};
		assert_eq!(principal, 300 * UNIT);
		assert_eq!(unpaid_interest, 0);
		check();
		assert_ok!(NftLending::repay(RuntimeOrigin::signed(alice()), loan, 1_000 * UNIT));
		assert!(Loans::<Test>::get(loan).is_none());
		check();
	});
}

#[test]
fn extend_pays_interest_and_starts_a_new_term_at_todays_rate() {
	new_test_ext().execute_with(|| {
		let pool = fixed_pool(&[KITTIES], 10_000 * UNIT);
		nft(KITTIES, 0, &alice());
		set_price(KITTIES, 1_000 * UNIT, 1_000 * UNIT);
		let loan = borrow(&alice(), pool, KITTIES, 0, 400 * UNIT, Some(7 * DAY));
		run_to_block(1 + 7 * DAY);
		let interest = debt_of(loan) - 400 * UNIT;
		let before = balance(&alice());
		assert_ok!(NftLending::extend(RuntimeOrigin::signed(alice()), loan));
		assert_eq!(before - balance(&alice()), interest);
		let info = NftLending::loan_info(loan).unwrap();
		assert_eq!(info.debt, 400 * UNIT);
		assert_eq!(info.due, Some(1 + 14 * DAY));
		check();
		assert_noop!(
			NftLending::extend(RuntimeOrigin::signed(bob()), loan),
			Error::<Test>::NotBorrower
		);
	});
}

#[test]
fn extend_works_while_the_pool_is_paused_or_the_collection_removed() {
	new_test_ext().execute_with(|| {
		let pool = fixed_pool(&[KITTIES], 10_000 * UNIT);
		nft(KITTIES, 0, &alice());
		set_price(KITTIES, 1_000 * UNIT, 1_000 * UNIT);
		let loan = borrow(&alice(), pool, KITTIES, 0, 300 * UNIT, Some(7 * DAY));
		run_to_block(3 * DAY);
		assert_ok!(NftLending::set_paused(RuntimeOrigin::root(), pool, true));
		assert_ok!(NftLending::remove_collection(RuntimeOrigin::root(), pool, KITTIES));
		assert_ok!(NftLending::extend(RuntimeOrigin::signed(alice()), loan));
		let due = NftLending::loan_info(loan).unwrap().due.unwrap();
		assert_eq!(due, 3 * DAY + 7 * DAY);
		check();
	});
}

#[test]
fn extend_is_refused_when_overdue_or_unhealthy_or_variable() {
	new_test_ext().execute_with(|| {
		let pool = fixed_pool(&[KITTIES], 10_000 * UNIT);
		nft(KITTIES, 0, &alice());
		set_price(KITTIES, 1_000 * UNIT, 1_000 * UNIT);
		let loan = borrow(&alice(), pool, KITTIES, 0, 400 * UNIT, Some(7 * DAY));
		// Unhealthy: 400 > 70% of 500 (no sweep has run in this block).
		set_price(KITTIES, 500 * UNIT, 500 * UNIT);
		assert_noop!(
			NftLending::extend(RuntimeOrigin::signed(alice()), loan),
			Error::<Test>::LoanUnhealthy
		);
		// Overdue: from due + grace + 1 (set the block without running the sweep).
		set_price(KITTIES, 1_000 * UNIT, 1_000 * UNIT);
		System::set_block_number(1 + 7 * DAY + 24 * HOUR + 1);
		assert_noop!(
			NftLending::extend(RuntimeOrigin::signed(alice()), loan),
			Error::<Test>::LoanOverdue
		);
	});
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 10_000 * UNIT);
		nft(PUNKS, 0, &alice());
		set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
		let loan = borrow(&alice(), pool, PUNKS, 0, 100 * UNIT, None);
		assert_noop!(
			NftLending::extend(RuntimeOrigin::signed(alice()), loan),
			Error::<Test>::NotFixedLoan
		);
	});
}
