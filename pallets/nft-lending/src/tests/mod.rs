//! Tests, split by capability like the code. They read as stories; `run_to_block` and `check`
//! verify every invariant after each step.

mod attacks;
mod auctions;
mod borrowing;
mod collections;
mod crash;
mod fuzz;
mod interest;
mod lender_shares;
mod math_properties;
mod pledge;
mod pools;
mod sweep;
mod views;

use crate::{mock::*, pallet::*, types::*};
use frame_support::{assert_ok, traits::fungible::Inspect, BoundedVec};
use sp_arithmetic::Perbill;

/// The blue-chip collection of the tests.
pub const PUNKS: u32 = 0;
/// An emerging collection.
pub const KITTIES: u32 = 1;

/// ltv 40%, threshold 70%, penalty 5%, ceiling 10M, 1000 loans.
pub fn collection_params() -> CollectionParams {
	CollectionParams {
		ltv: Perbill::from_percent(40),
		liquidation_threshold: Perbill::from_percent(70),
		debt_ceiling: 10_000_000 * UNIT,
		max_loans: 1_000,
		liquidation_penalty: Perbill::from_percent(5),
	}
}

pub fn variable_params() -> PoolParamsOf<Test> {
	PoolParams {
		rate_model: RateModel::Variable { curve: RateCurve::default() },
		reserve_factor: Perbill::from_percent(20),
		max_utilization: Perbill::from_percent(90),
	}
}

pub fn fixed_params(terms: &[u64]) -> PoolParamsOf<Test> {
	PoolParams {
		rate_model: RateModel::Fixed {
			curve: RateCurve::default(),
			terms: BoundedVec::truncate_from(terms.to_vec()),
		},
		reserve_factor: Perbill::from_percent(20),
		max_utilization: Perbill::from_percent(90),
	}
}

/// A pool with these params lending against `collections` (default risk numbers).
pub fn pool_with(params: PoolParamsOf<Test>, collections: &[u32]) -> PoolId {
	let pool = NextPoolId::<Test>::get();
	assert_ok!(NftLending::create_pool(RuntimeOrigin::root(), params));
	for collection in collections {
		ensure_collection(*collection);
		assert_ok!(NftLending::add_collection(
			RuntimeOrigin::root(),
			pool,
			*collection,
			collection_params()
		));
	}
	pool
}

/// A variable-rate pool with `liquidity` from eve.
pub fn variable_pool(collections: &[u32], liquidity: Balance) -> PoolId {
	let pool = pool_with(variable_params(), collections);
	if liquidity > 0 {
		assert_ok!(NftLending::deposit(RuntimeOrigin::signed(eve()), pool, liquidity));
	}
	pool
}

/// A fixed-rate pool (terms 7, 30, 90 days) with `liquidity` from eve.
pub fn fixed_pool(collections: &[u32], liquidity: Balance) -> PoolId {
	let pool = pool_with(fixed_params(&[7 * DAY, 30 * DAY, 90 * DAY]), collections);
	if liquidity > 0 {
		assert_ok!(NftLending::deposit(RuntimeOrigin::signed(eve()), pool, liquidity));
	}
	pool
}

/// Mint `item` of `collection` to `owner` (creating the collection if needed).
pub fn nft(collection: u32, item: u32, owner: &AccountId) {
	ensure_collection(collection);
	mint(collection, item, owner);
}

/// Borrow and return the new loan's id.
pub fn borrow(
	who: &AccountId,
	pool: PoolId,
	collection: u32,
	item: u32,
	amount: Balance,
	term: Option<u64>,
) -> LoanId {
	let id = LoanId::new(pool, Pools::<Test>::get(pool).expect("pool exists").loans_opened);
	assert_ok!(NftLending::borrow(
		RuntimeOrigin::signed(who.clone()),
		pool,
		collection,
		item,
		amount,
		term
	));
	id
}

/// Let a window of `UtilizationWindow` blocks pass, so that money deposited now counts in full
/// in the utilization that borrows are measured at.
pub fn let_liquidity_settle() {
	use frame_support::traits::Get;
	let window: u32 = <Test as crate::Config>::UtilizationWindow::get();
	run_to_block(System::block_number() + window as u64);
}

/// Every invariant holds.
pub fn check() {
	NftLending::do_try_state().expect("invariants hold");
}

pub fn balance(who: &AccountId) -> Balance {
	Balances::balance(who)
}

pub fn issuance() -> Balance {
	Balances::total_issuance()
}

pub fn ledger(pool: PoolId) -> PoolLedger<u64> {
	Pools::<Test>::get(pool).expect("pool exists").ledger
}

/// The pool's figures with interest accrued to now.
pub fn info(pool: PoolId) -> crate::views::PoolInfo {
	NftLending::pool_info(pool).expect("pool exists")
}

pub fn debt_of(loan: LoanId) -> Balance {
	NftLending::loan_info(loan).expect("loan exists").debt
}

pub fn last_event() -> crate::Event<Test> {
	lending_events().pop().expect("an event")
}
