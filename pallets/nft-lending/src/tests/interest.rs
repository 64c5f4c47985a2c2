//! Interest stories: a year of a variable loan, a fixed and a variable pool side by side, and
//! the reserve's share.

use super::*;
use crate::math::Rate;
use frame_support::assert_ok;
use sp_arithmetic::FixedPointNumber;
use sp_runtime::traits::One as _;

#[test]
fn a_year_of_lending_pays_lenders_more_than_they_put_in_and_fills_the_reserve() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 1_000 * UNIT);
		let eve_in = 1_000 * UNIT;
		assert_ok!(NftLending::deposit(RuntimeOrigin::signed(bob()), pool, 1_000 * UNIT));
		// Bob's money becomes lendable as the utilization average takes it in.
		let_liquidity_settle();
		nft(PUNKS, 0, &alice());
		set_price(PUNKS, 5_000 * UNIT, 5_000 * UNIT);
		let loan = borrow(&alice(), pool, PUNKS, 0, 1_400 * UNIT, None);
		// Utilization ~70%: the kink, about 10% a year.
		let apr = info(pool).borrow_apr;
		assert!(
			apr > Rate::saturating_from_rational(99, 1000)
				&& apr < Rate::saturating_from_rational(101, 1000)
		);

		let index_before = ledger(pool).borrow_index;
		// A year of blocks (checked every 100 blocks to keep the test quick).
		let year = BLOCKS_PER_YEAR as u64;
		let start = System::block_number();
		let mut block = start;
		while block < start + year {
			block = (block + year / 100).min(start + year);
			System::set_block_number(block);
			// Touch the pool so interest compounds along the way.
			assert_ok!(NftLending::deposit(RuntimeOrigin::signed(charlie()), pool, UNIT));
			assert!(ledger(pool).borrow_index >= index_before, "the index never falls");
			check();
		}
		let debt = debt_of(loan);
		// About 10.5% (continuous compounding of ~10%), a bit less as cash grows.
		assert!(debt > 1_500 * UNIT && debt < 1_560 * UNIT, "debt after a year: {debt}");
		assert_ok!(NftLending::repay(RuntimeOrigin::signed(alice()), loan, 2_000 * UNIT));
		check();

		let reserve = ledger(pool).reserve;
		let interest = debt - 1_400 * UNIT;
		// The reserve holds its 20% of the interest (rounded down per accrual).
		assert!(
			reserve <= interest / 5 && reserve + 200 >= interest / 5,
			"reserve {reserve} of {interest}"
		);

		let before = balance(&eve());
		let shares = Shares::<Test>::get(pool, eve());
		assert_ok!(NftLending::withdraw(RuntimeOrigin::signed(eve()), pool, shares));
		let eve_out = balance(&eve()) - before;
		assert!(eve_out > eve_in, "lenders earn: {eve_out} > {eve_in}");
		check();
	});
}

#[test]
fn a_fixed_and_a_variable_pool_side_by_side() {
	new_test_ext().execute_with(|| {
		let variable = variable_pool(&[PUNKS], 10_000 * UNIT);
		let fixed = fixed_pool(&[PUNKS], 10_000 * UNIT);
		nft(PUNKS, 0, &alice());
		nft(PUNKS, 1, &bob());
		set_price(PUNKS, 10_000 * UNIT, 10_000 * UNIT);
		let v = borrow(&alice(), variable, PUNKS, 0, 4_000 * UNIT, None);
		let f = borrow(&bob(), fixed, PUNKS, 1, 4_000 * UNIT, Some(90 * DAY));
		let fixed_apr = NftLending::loan_info(f).unwrap().apr.unwrap();

		// Utilization of the variable pool rises: its rate follows; the fixed APR stays.
		nft(PUNKS, 2, &charlie());
		borrow(&charlie(), variable, PUNKS, 2, 3_000 * UNIT, None);
		run_to_block(1 + 30 * DAY);
		assert_eq!(NftLending::loan_info(f).unwrap().apr.unwrap(), fixed_apr);
		// Fixed: simple interest at the locked APR.
		let expected_fixed = 4_000 * UNIT
			+ crate::math::interest::simple_interest(
				4_000 * UNIT,
				fixed_apr,
				30 * DAY,
				BLOCKS_PER_YEAR as u64,
			)
			.unwrap();
		assert_eq!(debt_of(f), expected_fixed);
		// Variable: grew faster (utilization ~70% vs ~40%).
		let v_growth = debt_of(v) - 4_000 * UNIT;
		assert!(v_growth > expected_fixed - 4_000 * UNIT);
		// Both pools' lenders gained.
		assert!(info(variable).share_price > Rate::one());
		assert!(info(fixed).share_price > Rate::one());
		check();
	});
}

#[test]
fn fixed_pool_books_stay_within_their_loans_as_loans_come_and_go() {
	new_test_ext().execute_with(|| {
		let pool = fixed_pool(&[KITTIES], 100_000 * UNIT);
		// Loans of 77 to 1,540 on items that could borrow 400 each.
		set_price(KITTIES, 1_000 * UNIT, 1_000 * UNIT);
		let params = CollectionParams { ltv: Perbill::from_percent(60), ..collection_params() };
		assert_ok!(NftLending::update_collection(RuntimeOrigin::root(), pool, KITTIES, params));
		let mut loans = Vec::new();
		for item in 0..20u32 {
			let owner = account(1 + (item % 4) as u8);
			nft(KITTIES, item, &owner);
			loans.push((
				owner.clone(),
				borrow(
					&owner,
					pool,
					KITTIES,
					item,
					(item as u128 % 7 + 1) * 77 * UNIT,
					Some(30 * DAY),
				),
			));
			run_to_block(System::block_number() + 137);
		}
		for (i, (owner, loan)) in loans.iter().enumerate() {
			run_to_block(System::block_number() + 211);
			let amount = if i % 3 == 0 { 10 * UNIT } else { 100_000 * UNIT };
			assert_ok!(NftLending::repay(RuntimeOrigin::signed(owner.clone()), *loan, amount));
			check();
		}
	});
}
