//! Lender shares: deposits, withdrawals, the first deposit, the inflation attack, bank runs.

use super::*;
use crate::Error;
use frame_support::{assert_noop, assert_ok, traits::fungible::Mutate};

const ED: Balance = 1_000_000_000;
const LOCKED: Balance = 1_000_000;

#[test]
fn first_deposit_seeds_the_account_and_locks_minimum_shares() {
	new_test_ext().execute_with(|| {
		let pool = pool_with(variable_params(), &[PUNKS]);
		let before = balance(&eve());
		assert_ok!(NftLending::deposit(RuntimeOrigin::signed(eve()), pool, 1_000 * UNIT));
		assert_eq!(before - balance(&eve()), 1_000 * UNIT);
		let l = ledger(pool);
		assert_eq!(l.cash, 1_000 * UNIT - ED);
		assert_eq!(l.total_shares, 1_000 * UNIT - ED);
		assert_eq!(Shares::<Test>::get(pool, eve()), 1_000 * UNIT - ED - LOCKED);
		assert_eq!(balance(&NftLending::pool_account(pool)), 1_000 * UNIT);
		assert_eq!(
			last_event(),
			crate::Event::Deposited {
				pool,
				lender: eve(),
				amount: 1_000 * UNIT,
				shares: 1_000 * UNIT - ED - LOCKED,
				locked_shares: LOCKED,
				seed: ED,
			}
		);
		check();
	});
}

#[test]
fn deposits_and_withdrawals_follow_the_share_price() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 1_000 * UNIT);
		assert_ok!(NftLending::deposit(RuntimeOrigin::signed(bob()), pool, 500 * UNIT));
		// Share price is 1: bob gets 500 UNIT of shares.
		assert_eq!(Shares::<Test>::get(pool, bob()), 500 * UNIT);
		let before = balance(&bob());
		assert_ok!(NftLending::withdraw(RuntimeOrigin::signed(bob()), pool, 200 * UNIT));
		assert_eq!(balance(&bob()) - before, 200 * UNIT);
		assert_eq!(Shares::<Test>::get(pool, bob()), 300 * UNIT);
		assert!(
			matches!(last_event(), crate::Event::Withdrawn { amount, .. } if amount == 200 * UNIT)
		);
		check();
	});
}

#[test]
fn deposit_then_withdraw_returns_no_more_than_was_put_in() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 1_000 * UNIT);
		// Make the share price awkward: interest accrues on a loan.
		nft(PUNKS, 0, &alice());
		set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
		borrow(&alice(), pool, PUNKS, 0, 300 * UNIT, None);
		run_to_block(10_001);
		let before = balance(&bob());
		assert_ok!(NftLending::deposit(RuntimeOrigin::signed(bob()), pool, 333 * UNIT + 7));
		let shares = Shares::<Test>::get(pool, bob());
		assert_ok!(NftLending::withdraw(RuntimeOrigin::signed(bob()), pool, shares));
		assert!(balance(&bob()) <= before);
		check();
	});
}

#[test]
fn deposit_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		let pool = pool_with(variable_params(), &[PUNKS]);
		assert_noop!(
			NftLending::deposit(RuntimeOrigin::signed(eve()), pool, ED + LOCKED),
			Error::<Test>::FirstDepositTooSmall
		);
		assert_noop!(
			NftLending::deposit(RuntimeOrigin::signed(eve()), pool, ED - 1),
			Error::<Test>::FirstDepositTooSmall
		);
		assert_noop!(
			NftLending::deposit(RuntimeOrigin::signed(eve()), 7, UNIT),
			Error::<Test>::PoolNotFound
		);
		assert_ok!(NftLending::deposit(RuntimeOrigin::signed(eve()), pool, 1_000 * UNIT));
		// More than the account has.
		assert!(
			NftLending::deposit(RuntimeOrigin::signed(bob()), pool, 100_000_000 * UNIT).is_err()
		);
		assert_noop!(
			NftLending::deposit(RuntimeOrigin::signed(bob()), pool, 0),
			Error::<Test>::DepositTooSmall
		);
	});
}

#[test]
fn withdraw_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 1_000 * UNIT);
		let shares = Shares::<Test>::get(pool, eve());
		assert_noop!(
			NftLending::withdraw(RuntimeOrigin::signed(eve()), pool, shares + 1),
			Error::<Test>::InsufficientShares
		);
		assert_noop!(
			NftLending::withdraw(RuntimeOrigin::signed(eve()), pool, 0),
			Error::<Test>::InsufficientShares
		);
		assert_noop!(
			NftLending::withdraw(RuntimeOrigin::signed(bob()), pool, 1),
			Error::<Test>::InsufficientShares
		);
		assert_noop!(
			NftLending::withdraw(RuntimeOrigin::signed(eve()), 3, 1),
			Error::<Test>::PoolNotFound
		);
	});
}

#[test]
fn donations_to_the_pool_account_cannot_inflate_the_share_price() {
	new_test_ext().execute_with(|| {
		let pool = pool_with(variable_params(), &[PUNKS]);
		// The attacker makes the smallest first deposit...
		assert_ok!(NftLending::deposit(RuntimeOrigin::signed(dave()), pool, ED + LOCKED + 1));
		assert_eq!(Shares::<Test>::get(pool, dave()), 1);
		// ...and donates a fortune straight to the pool account.
		assert_ok!(<Balances as Mutate<_>>::transfer(
			&dave(),
			&NftLending::pool_account(pool),
			1_000_000 * UNIT,
			frame_support::traits::tokens::Preservation::Preserve
		));
		// The ledger ignores it: the victim's deposit is priced as before.
		assert_ok!(NftLending::deposit(RuntimeOrigin::signed(bob()), pool, 1_000 * UNIT));
		assert_eq!(Shares::<Test>::get(pool, bob()), 1_000 * UNIT);
		// The attacker's one share is worth one unit, not a share of the donation.
		let before = balance(&dave());
		assert_ok!(NftLending::withdraw(RuntimeOrigin::signed(dave()), pool, 1));
		assert_eq!(balance(&dave()) - before, 1);
		// The victim gets everything back.
		let before = balance(&bob());
		assert_ok!(NftLending::withdraw(RuntimeOrigin::signed(bob()), pool, 1_000 * UNIT));
		assert_eq!(balance(&bob()) - before, 1_000 * UNIT);
		check();
	});
}

#[test]
fn bank_run_withdraw_fails_cleanly_and_succeeds_after_a_repayment() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 1_000 * UNIT);
		nft(PUNKS, 0, &alice());
		set_price(PUNKS, 2_000 * UNIT, 2_000 * UNIT);
		let loan = borrow(&alice(), pool, PUNKS, 0, 800 * UNIT, None);
		let shares = Shares::<Test>::get(pool, eve());
		assert_noop!(
			NftLending::withdraw(RuntimeOrigin::signed(eve()), pool, shares),
			Error::<Test>::InsufficientLiquidity
		);
		// What the cash covers can leave.
		let cash = ledger(pool).cash;
		assert_ok!(NftLending::withdraw(RuntimeOrigin::signed(eve()), pool, cash / 2));
		assert_ok!(NftLending::repay(RuntimeOrigin::signed(alice()), loan, 1_000 * UNIT));
		let rest = Shares::<Test>::get(pool, eve());
		assert_ok!(NftLending::withdraw(RuntimeOrigin::signed(eve()), pool, rest));
		assert_eq!(Shares::<Test>::get(pool, eve()), 0);
		check();
	});
}

#[test]
fn lending_calls_never_change_total_issuance() {
	new_test_ext().execute_with(|| {
		let pool = pool_with(variable_params(), &[PUNKS]);
		nft(PUNKS, 0, &alice());
		set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
		let start = issuance();
		assert_ok!(NftLending::deposit(RuntimeOrigin::signed(eve()), pool, 1_000 * UNIT));
		let loan = borrow(&alice(), pool, PUNKS, 0, 300 * UNIT, None);
		run_to_block(1_000);
		assert_ok!(NftLending::repay(RuntimeOrigin::signed(alice()), loan, 1_000 * UNIT));
		let shares = Shares::<Test>::get(pool, eve());
		assert_ok!(NftLending::withdraw(RuntimeOrigin::signed(eve()), pool, shares));
		assert_eq!(issuance(), start);
	});
}
