//! The shortest action lists the fuzzer found, replayed on every test run: one a real bug in the
//! code (the A6 batch below, fixed by `PoolLedger::fresh_deposits`), the others the bugs
//! `./scripts/fuzz.sh --mutants` plants (each list breaks an invariant with its bug in, and
//! must replay cleanly without it). Pasted from the fuzzer's output.

use super::{
	actions::{Action::*, Govern::*, PriceMove::*},
	replay, Action,
};

fn replays_cleanly(actions: &[Action]) {
	if let Err((at, message)) = replay(actions) {
		panic!("action {at} ({:?}) broke an invariant: {message}", actions[at]);
	}
}

/// Found in the code: an extension inside a deposit and a withdrawal locked 2.0032% where the
/// extension alone locked 2.0078% (the loan opened in the same block, so the window's average
/// did not have it yet, and the deposit lowered the utilization right after).
#[test]
fn an_extension_inside_a_deposit_and_withdrawal_locks_what_it_locks_alone() {
	replays_cleanly(&[
		Borrow { collection: 2, item: 1, exact: false, pool: 1, per_mille: 981, term: 1 },
		DepositExtendWithdraw { amount: 475451, loan: 686737190 },
	]);
}

/// `no-utilization-window`: a borrow measured only right after it.
#[test]
fn a_deposit_around_a_fixed_borrow_locks_the_rate_the_borrow_gets_alone() {
	replays_cleanly(&[DepositBorrowWithdraw {
		pool: 1,
		amount: 195467,
		collection: 2,
		item: 2,
		wait: 0,
	}]);
}

/// `gain-unlocked`: a defaulted sale's gain reaches lenders' value at once.
#[test]
fn a_deposit_around_a_defaulted_sale_takes_none_of_it() {
	replays_cleanly(&[
		Govern(Liquidation { auction: 1764, redeem: 206, discount: 39 }),
		Borrow { collection: 0, item: 10, exact: false, pool: 0, per_mille: 963, term: 0 },
		Price { collection: 0, how: Crash(561) },
		Blocks { n: 1499 },
		Blocks { n: 1224 },
		DepositBuyWithdraw { lender: 3, amount: 31968, loan: 3506693121 },
	]);
}

/// `borrow-rounds-down`: borrowing more rounds the new debt down.
#[test]
fn borrowing_more_never_lowers_the_share_price() {
	replays_cleanly(&[
		Borrow { collection: 1, item: 9, exact: false, pool: 0, per_mille: 613, term: 1 },
		Blocks { n: 37 },
		BorrowMore { loan: 3938443173, per_mille: 388 },
	]);
}

/// `repay-rounds-up`: a repayment erases more debt than it pays.
#[test]
fn a_repayment_erases_no_more_than_it_pays() {
	replays_cleanly(&[
		Borrow { collection: 0, item: 5, exact: false, pool: 0, per_mille: 953, term: 1 },
		Withdraw { lender: 0, pool: 0, per_mille: 857 },
		Blocks { n: 1 },
		Repay { loan: 3755424476, payer: 0, per_mille: 328 },
	]);
}

/// `provisions-ignored`: a loan in auction with a shortfall leaves lenders' value untouched.
#[test]
fn a_crash_into_auction_provisions_the_shortfall() {
	replays_cleanly(&[
		Govern(Liquidation { auction: 958, redeem: 51, discount: 50 }),
		Borrow { collection: 1, item: 4, exact: false, pool: 0, per_mille: 575, term: 1 },
		Price { collection: 1, how: Crash(709) },
		Blocks { n: 33 },
	]);
}

/// `flag-ignored`: a price catching up after a crash still lends.
#[test]
fn no_loan_opens_above_the_ltv_of_the_honest_price_after_a_crash() {
	replays_cleanly(&[
		Price { collection: 1, how: Crash(306) },
		Borrow { collection: 1, item: 1, exact: false, pool: 0, per_mille: 943, term: 1 },
	]);
}

/// `walk-step-free`: the step that ends a collection's price-fall walk goes uncharged.
#[test]
fn every_step_of_a_price_walk_is_charged() {
	replays_cleanly(&[
		Borrow { collection: 0, item: 5, exact: false, pool: 0, per_mille: 953, term: 1 },
		Price { collection: 0, how: Drift(1105) },
		Blocks { n: 37 },
	]);
}
