//! Benchmarks of every call (worst case) and of each unit of the sweep.

use super::*;
use crate::{
	pallet::*,
	sweep::{CheckKind, SweepStats},
	traits::BenchmarkHelper as _,
	types::*,
};
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, EnsureOrigin, Get},
	weights::{Weight, WeightMeter},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_arithmetic::Perbill;
use sp_runtime::traits::{One, Saturating};

const SEED: u32 = 0;

/// A generous unit: the minimum loan.
fn unit<T: Config>() -> Balance {
	T::MinLoanAmount::get().max(1_000_000)
}

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, SEED);
	T::Currency::set_balance(&who, unit::<T>() * 1_000_000_000);
	who
}

fn collection<T: Config>() -> T::CollectionId {
	T::BenchmarkHelper::collection(0)
}

fn collection_params<T: Config>() -> CollectionParams {
	CollectionParams {
		ltv: Perbill::from_percent(40),
		liquidation_threshold: Perbill::from_percent(70),
		debt_ceiling: unit::<T>() * 1_000_000_000,
		max_loans: T::MaxLoansPerCollection::get(),
		liquidation_penalty: Perbill::from_percent(5),
	}
}

fn terms<T: Config>() -> Terms<BlockNumberFor<T>> {
	let terms: Vec<BlockNumberFor<T>> =
		(1..=MAX_TERMS).map(|i| BlockNumberFor::<T>::from(i * 1_000)).collect();
	BoundedVec::truncate_from(terms)
}

fn params<T: Config>(fixed: bool) -> PoolParamsOf<T> {
	let curve = RateCurve::default();
	PoolParams {
		rate_model: if fixed {
			RateModel::Fixed { curve, terms: terms::<T>() }
		} else {
			RateModel::Variable { curve }
		},
		reserve_factor: Perbill::from_percent(20),
		max_utilization: Perbill::from_percent(90),
	}
}

/// List `MaxCollectionsPerPool - 1` collections other than the benchmark one in pool `id`.
fn other_listings<T: Config>(id: PoolId) {
	for i in 1..T::MaxCollectionsPerPool::get() {
		Pallet::<T>::do_add_collection(
			id,
			T::BenchmarkHelper::collection(i),
			collection_params::<T>(),
		)
		.unwrap();
	}
}

/// A pool lending against the benchmark collection, with plenty of liquidity and a price.
/// Worst case for every call that reads the pool record: it lists as many collections as a
/// pool may, the benchmark collection last (a pool's listings are searched in order).
fn pool<T: Config>(fixed: bool) -> PoolId {
	pool_on::<T>(fixed, collection::<T>())
}

/// A pool like [`pool`] whose last listing is `lent` (priced).
fn pool_on<T: Config>(fixed: bool, lent: T::CollectionId) -> PoolId {
	let id = Pallet::<T>::do_create_pool(params::<T>(fixed)).unwrap();
	other_listings::<T>(id);
	Pallet::<T>::do_add_collection(id, lent, collection_params::<T>()).unwrap();
	let lender = funded::<T>("lender", id);
	Pallet::<T>::do_deposit(&lender, id, unit::<T>() * 100_000_000).unwrap();
	T::BenchmarkHelper::set_price(&lent, unit::<T>() * 1_000);
	id
}

/// A loan of 100 units on a fresh NFT (fixed pools: the longest term).
fn loan<T: Config>(pool: PoolId, index: u32) -> (T::AccountId, LoanId) {
	loan_on::<T>(pool, collection::<T>(), index)
}

/// A loan of 100 units on item `index` of `lent` (fixed pools: the longest term).
fn loan_on<T: Config>(pool: PoolId, lent: T::CollectionId, index: u32) -> (T::AccountId, LoanId) {
	let borrower = funded::<T>("borrower", index);
	let item = T::BenchmarkHelper::mint_nft(&lent, index, &borrower);
	let term = Pools::<T>::get(pool)
		.unwrap()
		.params
		.rate_model
		.is_fixed()
		.then(|| *terms::<T>().last().unwrap());
	let id = Pallet::<T>::do_borrow(&borrower, pool, lent, item, unit::<T>() * 100, term).unwrap();
	(borrower, id)
}

fn advance<T: Config>(blocks: u32) {
	let now = frame_system::Pallet::<T>::block_number();
	frame_system::Pallet::<T>::set_block_number(now.saturating_add(blocks.into()));
}

/// How long the pool sits untouched before a call that accrues it, in the benchmarks of the
/// calls users pay for most (deposit, withdraw, borrow, borrow more, repay). Accrual raises the
/// per-block growth to the power of the blocks elapsed by binary exponentiation, whose cost grows
/// with the bit length of the gap: `2^23 - 1` blocks (1.6 years at 6 s) sets all of its 23 bits.
/// Nothing bounds how long a pool can go without a write; each further bit costs about 0.2 µs.
const IDLE_POOL_GAP: u32 = (1 << 23) - 1;

/// Let `IDLE_POOL_GAP` blocks pass, with the benchmark collection's price still fresh.
fn idle_pool<T: Config>() {
	advance::<T>(IDLE_POOL_GAP);
	T::BenchmarkHelper::set_price(&collection::<T>(), unit::<T>() * 1_000);
}

/// A running auction of a fresh loan whose price fell, with one bid (from `bidder`).
fn auction<T: Config>(pool: PoolId, index: u32) -> (T::AccountId, LoanId, Balance) {
	let (borrower, id) = loan::<T>(pool, index);
	T::BenchmarkHelper::set_price(&collection::<T>(), unit::<T>() * 100);
	assert!(Pallet::<T>::start_auction(id, LiquidationReason::Unhealthy).unwrap());
	let debt = Auctions::<T>::get(id).unwrap().debt;
	(borrower, id, debt)
}

/// `l` open loans (one real, the rest its clones written straight to storage: a real borrow per
/// loan would take hours to set up at 100,000), each with its check scheduled over the next day,
/// and an empty price-change queue. Returns the current block, at which nothing is due.
fn idle_loans<T: Config>(l: u32) -> BlockNumberFor<T> {
	let id = pool::<T>(false);
	let (borrower, template_id) = loan::<T>(id, 0);
	let template = Loans::<T>::get(template_id).unwrap();
	let first = template.next_check;
	let spread = T::MaxRecheckInterval::get().max(1) as u64;
	for i in 1..l {
		let loan_id = LoanId::new(id, i);
		let next_check = first.saturating_add(((i as u64 % spread) as u32).into());
		Loans::<T>::insert(
			loan_id,
			Loan { borrower: borrower.clone(), next_check, ..template.clone() },
		);
		Schedule::<T>::insert(
			ScheduleKey::new(crate::blocks(next_check), SweepTask::CheckLoan, loan_id),
			(),
		);
	}
	Pools::<T>::mutate(id, |pool| pool.as_mut().unwrap().loans_opened = l);
	PendingHealthChecks::<T>::kill();
	advance::<T>(1);
	let now = frame_system::Pallet::<T>::block_number();
	assert!(NextWake::<T>::get().unwrap() > now);
	now
}

/// How many units of each kind of sweep work [`worst_sweep_state`] sets up.
pub(crate) const FULL_SWEEP_UNITS: u32 = 4;

/// A sweep's worst state, each unit at its worst and none sharing a pool or a collection with
/// another (so no unit reads what another already read): due now, `FULL_SWEEP_UNITS` each of
/// scheduled checks of healthy loans (filed again under a new key), liquidations of unhealthy
/// loans, settlements with a winner and a surplus, and settlements without a bid; and a price
/// fall on a collection whose `FULL_SWEEP_UNITS` loans it makes unhealthy (walked from the
/// queue, liquidated). Every pool sat untouched for `IDLE_POOL_GAP` blocks. Returns the block to
/// sweep; `benchmarks::sweep_full` measures that sweep, and a test compares the weight it charges
/// with the measurement.
pub(crate) fn worst_sweep_state<T: Config>() -> BlockNumberFor<T> {
	let units = FULL_SWEEP_UNITS;
	let kind = |k: u32, i: u32| T::BenchmarkHelper::collection(100 + k * units + i);
	let mut auctions = Vec::new();
	// Auctions first: their ends come before the checks, whose loans are opened later.
	for i in 0..2 * units {
		let lent = kind(0, i);
		let id = pool_on::<T>(false, lent);
		let (_, loan_id) = loan_on::<T>(id, lent, 1_000 + i);
		T::BenchmarkHelper::set_price(&lent, unit::<T>() * 100);
		assert!(Pallet::<T>::start_auction(loan_id, LiquidationReason::Unhealthy).unwrap());
		if i < units {
			let debt = Auctions::<T>::get(loan_id).unwrap().debt;
			let bidder = funded::<T>("bidder", i);
			Pallet::<T>::do_bid(&bidder, loan_id, debt * 2).unwrap();
		}
		auctions.push(loan_id);
	}
	let ends_at = Auctions::<T>::get(auctions[0]).unwrap().ends_at;
	// Checks and liquidations: loans whose first check falls before the auctions end.
	let mut checked = Vec::new();
	for i in 0..2 * units {
		let lent = kind(2, i);
		let id = pool_on::<T>(false, lent);
		let (_, loan_id) = loan_on::<T>(id, lent, 2_000 + i);
		checked.push((lent, loan_id));
	}
	// Long after: every pool's accrual covers the whole gap.
	let now = ends_at.saturating_add(IDLE_POOL_GAP.into());
	// The price-fall walk: one collection, its loans in pools of their own, their scheduled
	// checks after `now` (the walk, not the schedule, finds them).
	let walked = kind(4, 0);
	for i in 0..units {
		let id = pool_on::<T>(false, walked);
		let (_, loan_id) = loan_on::<T>(id, walked, 3_000 + i);
		let mut loan = Loans::<T>::get(loan_id).unwrap();
		Pallet::<T>::reschedule_check(loan_id, &mut loan, now.saturating_add(One::one()));
		Loans::<T>::insert(loan_id, loan);
	}
	// Half of the checked loans' prices and the walked collection's fall.
	frame_system::Pallet::<T>::set_block_number(now);
	for (i, (lent, _)) in checked.iter().enumerate() {
		let price = if (i as u32) < units { 1_000 } else { 100 };
		T::BenchmarkHelper::set_price(lent, unit::<T>() * price);
	}
	PendingHealthChecks::<T>::kill();
	HealthCheckCursor::<T>::kill();
	T::BenchmarkHelper::set_price(&walked, unit::<T>() * 100);
	assert_eq!(PendingHealthChecks::<T>::get().len(), 1);
	now
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn create_pool() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let before = NextPoolId::<T>::get();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params::<T>(true));
		assert_eq!(NextPoolId::<T>::get(), before + 1);
		Ok(())
	}

	/// Worst case: the curve's top rate goes up in a pool with variable loans and as many
	/// collections as a pool may list, so each is queued for a health check.
	#[benchmark]
	fn set_pool_params() -> Result<(), BenchmarkError> {
		let id = pool::<T>(false);
		loan::<T>(id, 0);
		advance::<T>(100);
		PendingHealthChecks::<T>::kill();
		let mut steeper = params::<T>(false);
		if let RateModel::Variable { curve } = &mut steeper.rate_model {
			curve.slope2 = Perbill::from_percent(200).min(Perbill::one());
			curve.slope1 = Perbill::from_percent(20);
		}
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id, steeper);
		assert!(!PendingHealthChecks::<T>::get().is_empty());
		Ok(())
	}

	#[benchmark]
	fn set_paused() -> Result<(), BenchmarkError> {
		let id = pool::<T>(false);
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id, true);
		assert_eq!(Pools::<T>::get(id).unwrap().status, PoolStatus::Paused);
		Ok(())
	}

	/// Worst case: the pool's last free listing.
	#[benchmark]
	fn add_collection() -> Result<(), BenchmarkError> {
		let id = Pallet::<T>::do_create_pool(params::<T>(false)).unwrap();
		other_listings::<T>(id);
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id, collection::<T>(), collection_params::<T>());
		assert!(Pools::<T>::get(id).unwrap().listing(&collection::<T>()).is_some());
		Ok(())
	}

	#[benchmark]
	fn update_collection() -> Result<(), BenchmarkError> {
		let id = pool::<T>(false);
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id, collection::<T>(), collection_params::<T>());
		Ok(())
	}

	#[benchmark]
	fn remove_collection() -> Result<(), BenchmarkError> {
		let id = pool::<T>(false);
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id, collection::<T>());
		assert!(Pools::<T>::get(id).unwrap().listing(&collection::<T>()).is_none());
		Ok(())
	}

	#[benchmark]
	fn withdraw_reserve() -> Result<(), BenchmarkError> {
		let id = pool::<T>(false);
		Pools::<T>::mutate(id, |p| p.as_mut().unwrap().ledger.reserve = unit::<T>() * 10);
		let beneficiary = funded::<T>("treasury", 0);
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id, unit::<T>(), beneficiary);
		Ok(())
	}

	#[benchmark]
	fn set_liquidation_config() -> Result<(), BenchmarkError> {
		let config = LiquidationSettings::<T>::get();
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, config);
		Ok(())
	}

	#[benchmark]
	fn deposit() {
		let id = pool::<T>(false);
		loan::<T>(id, 0);
		idle_pool::<T>();
		let lender = funded::<T>("lender", 99);
		// The caller's account is read and written for the fee in every transaction.
		whitelist_account!(lender);
		#[extrinsic_call]
		_(RawOrigin::Signed(lender.clone()), id, unit::<T>() * 1_000);
		assert!(Shares::<T>::get(id, &lender) > 0);
	}

	#[benchmark]
	fn withdraw() {
		let id = pool::<T>(false);
		let lender = funded::<T>("lender", 99);
		Pallet::<T>::do_deposit(&lender, id, unit::<T>() * 1_000).unwrap();
		loan::<T>(id, 0);
		idle_pool::<T>();
		let shares = Shares::<T>::get(id, &lender);
		// The caller's account is read and written for the fee in every transaction.
		whitelist_account!(lender);
		#[extrinsic_call]
		_(RawOrigin::Signed(lender.clone()), id, shares);
		assert_eq!(Shares::<T>::get(id, &lender), 0);
	}

	#[benchmark]
	fn borrow() {
		let id = pool::<T>(true);
		let borrower = funded::<T>("borrower", 0);
		let item = T::BenchmarkHelper::mint_nft(&collection::<T>(), 0, &borrower);
		let term = *terms::<T>().last().unwrap();
		idle_pool::<T>();
		let loan_id = LoanId::new(id, Pools::<T>::get(id).unwrap().loans_opened);
		// The caller's account is read and written for the fee in every transaction.
		whitelist_account!(borrower);
		#[extrinsic_call]
		_(RawOrigin::Signed(borrower), id, collection::<T>(), item, unit::<T>() * 100, Some(term));
		assert!(Loans::<T>::get(loan_id).is_some());
	}

	#[benchmark]
	fn borrow_more() {
		let id = pool::<T>(false);
		let (borrower, loan_id) = loan::<T>(id, 0);
		idle_pool::<T>();
		// The caller's account is read and written for the fee in every transaction.
		whitelist_account!(borrower);
		#[extrinsic_call]
		_(RawOrigin::Signed(borrower), loan_id, unit::<T>() * 10);
	}

	#[benchmark]
	fn repay() {
		let id = pool::<T>(true);
		let (borrower, loan_id) = loan::<T>(id, 0);
		idle_pool::<T>();
		// The caller's account is read and written for the fee in every transaction.
		whitelist_account!(borrower);
		#[extrinsic_call]
		_(RawOrigin::Signed(borrower), loan_id, unit::<T>() * 1_000);
		assert!(Loans::<T>::get(loan_id).is_none());
	}

	#[benchmark]
	fn extend() {
		let id = pool::<T>(true);
		let (borrower, loan_id) = loan::<T>(id, 0);
		// The longest a loan can wait before extending: the last block before it is overdue.
		let overdue_at = match Loans::<T>::get(loan_id).unwrap().debt {
			LoanDebt::Fixed { overdue_at, .. } => Some(overdue_at),
			LoanDebt::Variable { .. } => None,
		};
		let last_block = overdue_at.expect("a fixed loan").saturating_sub(One::one());
		frame_system::Pallet::<T>::set_block_number(last_block);
		T::BenchmarkHelper::set_price(&collection::<T>(), unit::<T>() * 1_000);
		// The caller's account is read and written for the fee in every transaction.
		whitelist_account!(borrower);
		#[extrinsic_call]
		_(RawOrigin::Signed(borrower), loan_id);
	}

	#[benchmark]
	fn bid() {
		let id = pool::<T>(false);
		let (_, loan_id, debt) = auction::<T>(id, 0);
		let first = funded::<T>("bidder", 0);
		Pallet::<T>::do_bid(&first, loan_id, debt).unwrap();
		// The next bid lands in the last hour: it releases the first and extends the end.
		let end = Auctions::<T>::get(loan_id).unwrap().ends_at;
		frame_system::Pallet::<T>::set_block_number(end.saturating_sub(One::one()));
		let second = funded::<T>("bidder", 1);
		// The caller's account is read and written for the fee in every transaction.
		whitelist_account!(second);
		#[extrinsic_call]
		_(RawOrigin::Signed(second), loan_id, debt * 2);
	}

	#[benchmark]
	fn redeem() {
		let id = pool::<T>(false);
		let (borrower, loan_id, debt) = auction::<T>(id, 0);
		let first = funded::<T>("bidder", 0);
		Pallet::<T>::do_bid(&first, loan_id, debt).unwrap();
		let second = funded::<T>("bidder", 1);
		Pallet::<T>::do_bid(&second, loan_id, debt * 2).unwrap();
		// The caller's account is read and written for the fee in every transaction.
		whitelist_account!(borrower);
		#[extrinsic_call]
		_(RawOrigin::Signed(borrower), loan_id);
		assert!(Loans::<T>::get(loan_id).is_none());
	}

	#[benchmark]
	fn settle() {
		let id = pool::<T>(false);
		let (_, loan_id, debt) = auction::<T>(id, 0);
		let bidder = funded::<T>("bidder", 0);
		Pallet::<T>::do_bid(&bidder, loan_id, debt * 2).unwrap();
		let end = Auctions::<T>::get(loan_id).unwrap().ends_at;
		frame_system::Pallet::<T>::set_block_number(end);
		// The caller's account is read and written for the fee in every transaction.
		whitelist_account!(bidder);
		#[extrinsic_call]
		_(RawOrigin::Signed(bidder), loan_id);
		assert!(Loans::<T>::get(loan_id).is_none());
	}

	#[benchmark]
	fn buy_defaulted() {
		let id = pool::<T>(false);
		let (_, loan_id, _) = auction::<T>(id, 0);
		let end = Auctions::<T>::get(loan_id).unwrap().ends_at;
		frame_system::Pallet::<T>::set_block_number(end);
		Pallet::<T>::do_settle(loan_id).unwrap();
		let buyer = funded::<T>("buyer", 0);
		// The caller's account is read and written for the fee in every transaction.
		whitelist_account!(buyer);
		#[extrinsic_call]
		_(RawOrigin::Signed(buyer), loan_id, unit::<T>() * 1_000_000);
		assert!(Loans::<T>::get(loan_id).is_none());
	}

	/// The sweep's fixed part: nothing due yet (`NextWake` ahead), an empty health-check queue.
	#[benchmark]
	fn sweep_base() {
		let id = pool::<T>(false);
		loan::<T>(id, 0);
		PendingHealthChecks::<T>::kill();
		advance::<T>(1);
		let now = frame_system::Pallet::<T>::block_number();
		assert!(NextWake::<T>::get().unwrap() > now);
		#[block]
		{
			Pallet::<T>::sweep(now);
		}
	}

	/// Taking the schedule's first entry when it is not due yet (the step that ends every
	/// sweep with work, and the price of looking at each entry).
	#[benchmark]
	fn sweep_next() {
		let id = pool::<T>(false);
		let (_, loan_id) = loan::<T>(id, 0);
		let next_check = Loans::<T>::get(loan_id).unwrap().next_check;
		advance::<T>(1);
		let now = frame_system::Pallet::<T>::block_number();
		NextWake::<T>::put(now);
		let mut meter = WeightMeter::new();
		let mut stats = SweepStats::default();
		#[block]
		{
			Pallet::<T>::run_schedule(now, &mut meter, Weight::MAX, &mut stats);
		}
		assert_eq!(NextWake::<T>::get(), Some(next_check));
	}

	/// A scheduled check of a healthy loan in a pool untouched for `IDLE_POOL_GAP` blocks (the
	/// longest accrual), filed again under a new key (its old entry removed, a new one written).
	#[benchmark]
	fn sweep_check() {
		let id = pool::<T>(false);
		let (_, loan_id) = loan::<T>(id, 0);
		let before = Loans::<T>::get(loan_id).unwrap().next_check;
		idle_pool::<T>();
		PendingHealthChecks::<T>::kill();
		let now = frame_system::Pallet::<T>::block_number();
		let mut meter = WeightMeter::new();
		let mut stats = SweepStats::default();
		#[block]
		{
			Pallet::<T>::check_health(loan_id, now, CheckKind::Scheduled, &mut meter, &mut stats);
		}
		assert_eq!(stats.liquidated, 0);
		let after = Loans::<T>::get(loan_id).unwrap().next_check;
		assert!(after > now && after != before);
	}

	/// A scheduled check of an unhealthy loan in a pool untouched for `IDLE_POOL_GAP` blocks,
	/// starting its auction (with a loss to provision).
	#[benchmark]
	fn sweep_liquidate() {
		let id = pool::<T>(false);
		let (_, loan_id) = loan::<T>(id, 0);
		idle_pool::<T>();
		T::BenchmarkHelper::set_price(&collection::<T>(), unit::<T>() * 100);
		PendingHealthChecks::<T>::kill();
		let now = frame_system::Pallet::<T>::block_number();
		let mut meter = WeightMeter::new();
		let mut stats = SweepStats::default();
		#[block]
		{
			Pallet::<T>::check_health(loan_id, now, CheckKind::Scheduled, &mut meter, &mut stats);
		}
		assert_eq!(stats.liquidated, 1);
		assert!(Auctions::<T>::get(loan_id).unwrap().provision > 0);
	}

	/// Settling an auction with a winner and a surplus for the borrower, its pool untouched since
	/// the auction started `IDLE_POOL_GAP` blocks ago.
	#[benchmark]
	fn sweep_settle() {
		let id = pool::<T>(false);
		let (_, loan_id, debt) = auction::<T>(id, 0);
		let bidder = funded::<T>("bidder", 0);
		Pallet::<T>::do_bid(&bidder, loan_id, debt * 2).unwrap();
		let running = Auctions::<T>::get(loan_id).unwrap();
		let now = running.ends_at.saturating_add(IDLE_POOL_GAP.into());
		frame_system::Pallet::<T>::set_block_number(now);
		let mut meter = WeightMeter::new();
		let mut stats = SweepStats::default();
		#[block]
		{
			Pallet::<T>::settle_scheduled(loan_id, now, &mut meter, &mut stats);
		}
		assert!(Loans::<T>::get(loan_id).is_none());
	}

	/// Settling an auction without a bid: the loss booked, the NFT moved to the pool's account
	/// and still pledged there, the sale's curve fixed (pool untouched for `IDLE_POOL_GAP`).
	#[benchmark]
	fn sweep_default() {
		let id = pool::<T>(false);
		let (_, loan_id, _) = auction::<T>(id, 0);
		let running = Auctions::<T>::get(loan_id).unwrap();
		let now = running.ends_at.saturating_add(IDLE_POOL_GAP.into());
		frame_system::Pallet::<T>::set_block_number(now);
		let mut meter = WeightMeter::new();
		let mut stats = SweepStats::default();
		#[block]
		{
			Pallet::<T>::settle_scheduled(loan_id, now, &mut meter, &mut stats);
		}
		assert!(matches!(
			Loans::<T>::get(loan_id).unwrap().state,
			LoanState::Defaulted { held_by_pool: true, .. }
		));
	}

	/// One step of a price-fall walk: a full queue's first collection taken off it, the cursor
	/// moved to its first pledge (the check that follows is a `sweep_check` or
	/// `sweep_liquidate`).
	#[benchmark]
	fn sweep_price_step() {
		let id = pool::<T>(false);
		loan::<T>(id, 0);
		PendingHealthChecks::<T>::kill();
		HealthCheckCursor::<T>::kill();
		Pallet::<T>::queue_health_check(collection::<T>());
		for i in 1..T::MaxPendingHealthChecks::get() {
			Pallet::<T>::queue_health_check(T::BenchmarkHelper::collection(i));
		}
		#[block]
		{
			let _ = Pallet::<T>::price_walk_step();
		}
		assert!(HealthCheckCursor::<T>::get()
			.is_some_and(|(c, item)| c == collection::<T>() && item.is_some()));
	}

	/// A whole sweep in its worst state ([`worst_sweep_state`]): what it really costs, for the
	/// test that holds the weight the sweep charges against it.
	#[benchmark]
	fn sweep_full() {
		let now = worst_sweep_state::<T>();
		let stats: SweepStats;
		#[block]
		{
			stats = Pallet::<T>::sweep_with_stats(now).1;
		}
		let units = FULL_SWEEP_UNITS;
		assert_eq!(
			(stats.liquidated, stats.settled, stats.checked),
			(2 * units, 2 * units, 3 * units),
			"every unit of the worst state ran in one sweep"
		);
	}

	/// A whole sweep with `l` open loans and nothing due: its weight does not depend on `l`.
	#[benchmark]
	fn sweep_idle(l: Linear<10, 100_000>) {
		let now = idle_loans::<T>(l);
		#[block]
		{
			Pallet::<T>::sweep(now);
		}
	}

	/// The floor under `sweep_idle`: the same state, and the one read every idle sweep starts
	/// with. What this measures growing with `l` is the benchmark's database, not the sweep.
	#[benchmark]
	fn sweep_idle_floor(l: Linear<10, 100_000>) {
		let now = idle_loans::<T>(l);
		#[block]
		{
			assert!(NextWake::<T>::get().is_some_and(|wake| wake > now));
		}
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
