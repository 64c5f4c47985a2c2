//! SPEC section 10, checked in code. `try_state` runs this; the tests call it after every step,
//! and the fuzzer after every action.
//!
//! Each invariant that storage can show is checked by computing both sides independently: the
//! pools' books against sums over loans, auctions, claims and shares, and the pledges against
//! pallet-nfts. The invariants that need the state before a step (5, 6, 10 and 11: the index and
//! the share price never falling without a loss event, rounding, the sweep's weight, total
//! issuance) are checked by the test harness around every call and every block (`mock::Snapshot`,
//! `mock::sweep_and_check`, and the fuzzer's `tests/fuzz/world.rs`). `docs/reliability.md` lists
//! where each one is checked.
//!
//! It iterates whole maps, so it is for try-runtime and tests only, never for a block.

#[allow(unused_imports)]
use crate::traits::FloorPriceProvider as _;
use crate::{blocks, math::interest, pallet::*, types::*};
use alloc::{
	collections::btree_map::{self, BTreeMap},
	vec::Vec,
};
#[allow(unused_imports)]
use frame_support::traits::Get as _;
use frame_support::{
	ensure,
	traits::{fungible::Inspect, tokens::nonfungibles_v2},
};
#[allow(unused_imports)]
use sp_runtime::traits::{One as _, Saturating as _, Zero as _};
use sp_runtime::{traits::One, TryRuntimeError};

/// What a pool's loans add up to, counted loan by loan.
#[derive(Default)]
struct LoanTotals {
	/// The highest `LoanId::index` among the pool's open loans.
	highest_index: Option<u32>,
	scaled_debt: Balance,
	/// Active variable loans' debt, each rounded up on its own.
	variable_debt: Balance,
	fixed_rate_weight: Balance,
	fixed_booked: Balance,
	/// Active fixed loans' debt now, each rounded up on its own.
	fixed_debt_now: Balance,
	fixed_loans: u32,
	active_loans: u32,
	auction_debt: Balance,
	provisions: Balance,
	bad_debt: Balance,
	/// Per collection: variable loans' scaled debt, fixed loans' principal, open loans.
	collections: BTreeMap<Vec<u8>, (Balance, Balance, u32)>,
}

impl<T: Config> Pallet<T> {
	/// Check every invariant of SPEC section 10 that storage can show.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut totals: BTreeMap<PoolId, LoanTotals> = BTreeMap::new();
		// Each pool as it stands now (interest accrued), as the loans' debts are measured:
		// accrued once per pool, not once per loan (the state does not change during the check).
		let mut pools_now: BTreeMap<PoolId, PoolOf<T>> = BTreeMap::new();
		for (loan_id, loan) in Loans::<T>::iter() {
			let pool_totals = totals.entry(loan_id.pool).or_default();
			pool_totals.highest_index = pool_totals.highest_index.max(Some(loan_id.index));
			let pool = match pools_now.entry(loan_id.pool) {
				btree_map::Entry::Occupied(entry) => entry.into_mut(),
				btree_map::Entry::Vacant(entry) => {
					entry.insert(Self::pool_now(loan_id.pool).ok_or("loan of a missing pool")?)
				}
			};
			Self::check_loan(loan_id, &loan, pool, pool_totals)?;
		}
		// 7. Each open loan is in the index (checked above), and the index holds nothing else:
		// the call that closes a loan releases its pledge, so no NFT stays locked for nothing.
		for (collection, item, loan_id) in LoanOfNft::<T>::iter() {
			let loan = Loans::<T>::get(loan_id).ok_or("a pledge names no open loan")?;
			ensure!(
				loan.collection == collection && loan.item == item,
				"an NFT index entry names another NFT's loan"
			);
		}
		// Every auction belongs to a loan in auction (the other way round: `check_loan`).
		for (loan_id, _) in Auctions::<T>::iter() {
			ensure!(
				Loans::<T>::get(loan_id).is_some_and(|l| l.state == LoanState::InAuction),
				"an auction without its loan"
			);
		}
		// 9. Bounds that bounded types do not carry by themselves.
		ensure!(NextPoolId::<T>::get() <= T::MaxPools::get(), "more pools than MaxPools");
		for (pool_id, pool) in Pools::<T>::iter() {
			ensure!(pool_id < NextPoolId::<T>::get(), "a pool beyond the pool count");
			Self::check_pool(pool_id, &pool, totals.remove(&pool_id).unwrap_or_default())?;
		}
		ensure!(totals.is_empty(), "a loan belongs to a pool that does not exist");
		Self::check_collections()?;
		Self::check_schedule()?;
		Ok(())
	}

	fn check_loan(
		loan_id: LoanId,
		loan: &LoanOf<T>,
		pool: &PoolOf<T>,
		totals: &mut LoanTotals,
	) -> Result<(), TryRuntimeError> {
		use codec::Encode;
		use nonfungibles_v2::Inspect as _;
		// 7. One pledged NFT per open loan, and it cannot move.
		ensure!(
			LoanOfNft::<T>::get(loan.collection, loan.item) == Some(loan_id),
			"a loan's NFT does not point back to it"
		);
		ensure!(Self::nft_cannot_move(loan), "a pledged NFT can move");
		// The borrower keeps the pledged NFT (that is how `positions` finds the loan), unless it
		// went to the pool's account after an auction without a sale: then the pool holds it.
		let owner = T::Nfts::owner(&loan.collection, &loan.item);
		match loan.state {
			LoanState::Defaulted { held_by_pool: true, .. } => ensure!(
				owner == Some(Self::pool_account(loan_id.pool)),
				"a defaulted NFT said to be held by the pool is not in its account"
			),
			_ => ensure!(
				owner.as_ref() == Some(&loan.borrower),
				"a pledged NFT left its borrower's wallet"
			),
		}
		ensure!(
			Auctions::<T>::contains_key(loan_id) == (loan.state == LoanState::InAuction),
			"a loan in auction has exactly one auction"
		);
		if loan.state == LoanState::Active {
			totals.active_loans += 1;
			// 8. Scheduled for its next check, no later than it becomes overdue.
			ensure!(
				Schedule::<T>::contains_key(ScheduleKey::new(
					blocks(loan.next_check),
					SweepTask::CheckLoan,
					loan_id
				)),
				"an active loan has no scheduled check"
			);
			if let LoanDebt::Fixed { overdue_at, .. } = &loan.debt {
				ensure!(
					loan.next_check <= *overdue_at,
					"a fixed loan's check comes after it is overdue"
				);
			}
		}
		let by_collection = totals.collections.entry(loan.collection.encode()).or_default();
		by_collection.2 += 1;
		match (&loan.state, &loan.debt) {
			(LoanState::Active, LoanDebt::Variable { scaled_debt }) => {
				totals.scaled_debt += scaled_debt;
				totals.variable_debt +=
					interest::debt_from_scaled(*scaled_debt, pool.ledger.borrow_index)
						.ok_or("a loan's debt overflows")?;
				by_collection.0 += scaled_debt;
			}
			(LoanState::Active, LoanDebt::Fixed { principal, unpaid_interest, apr, .. }) => {
				totals.fixed_loans += 1;
				totals.fixed_rate_weight +=
					interest::rate_weight(*principal, *apr).unwrap_or_default();
				totals.fixed_booked += principal + unpaid_interest;
				totals.fixed_debt_now += Self::active_debt(loan, &pool.ledger);
				by_collection.1 += principal;
			}
			(LoanState::InAuction, _) => {
				let running = Auctions::<T>::get(loan_id).ok_or("auction missing")?;
				ensure!(
					Schedule::<T>::contains_key(ScheduleKey::new(
						blocks(running.settle_at),
						SweepTask::SettleAuction,
						loan_id
					)) && running.settle_at >= running.ends_at,
					"an auction is not scheduled for settlement at or after its end"
				);
				ensure!(running.provision <= running.debt, "a provision above the debt");
				totals.auction_debt += running.debt;
				totals.provisions += running.provision;
				if let Some((bidder, amount)) = &running.best_bid {
					let held = <T::Currency as frame_support::traits::fungible::InspectHold<_>>::balance_on_hold(
						&HoldReason::AuctionBid.into(),
						bidder,
					);
					ensure!(held >= *amount, "a leading bid is not held");
				}
			}
			(LoanState::Defaulted { claim, reserve_paid, .. }, _) => {
				ensure!(reserve_paid <= claim, "the reserve paid more than the claim");
				totals.bad_debt += claim;
			}
		}
		Ok(())
	}

	fn check_pool(
		pool_id: PoolId,
		pool: &PoolOf<T>,
		totals: LoanTotals,
	) -> Result<(), TryRuntimeError> {
		use codec::Encode;
		let ledger = &pool.ledger;
		// Loan numbers come from the pool's count, so none is given out twice.
		ensure!(
			totals.highest_index.is_none_or(|index| index < pool.loans_opened),
			"a loan's number is beyond the pool's count of opened loans"
		);
		// 1. Shares add up.
		let shares: Balance = Shares::<T>::iter_prefix_values(pool_id).sum();
		let locked = if ledger.total_shares > 0 { T::MinimumLiquidity::get() } else { 0 };
		ensure!(shares + locked == ledger.total_shares, "lenders' shares do not add up");
		// 2. Loans add up to the pool's books, and to each collection's.
		ensure!(totals.scaled_debt == ledger.scaled_debt, "scaled debt does not add up");
		ensure!(
			totals.fixed_rate_weight == ledger.fixed_rate_weight,
			"fixed weights do not add up"
		);
		ensure!(totals.fixed_loans == ledger.fixed_loans, "fixed loans are miscounted");
		ensure!(totals.fixed_booked == ledger.fixed_booked, "fixed principal does not add up");
		ensure!(totals.auction_debt == ledger.auction_debt, "auction debt does not add up");
		ensure!(totals.provisions == ledger.provisions, "provisions do not add up");
		ensure!(totals.bad_debt == ledger.bad_debt, "defaulted claims do not add up to bad debt");
		let mut collections = totals.collections;
		for (collection, listing) in &pool.collections {
			let (scaled, principal, open) =
				collections.remove(&collection.encode()).unwrap_or_default();
			ensure!(listing.scaled_debt == scaled, "a collection's scaled debt does not add up");
			ensure!(
				listing.fixed_principal == principal,
				"a collection's fixed principal does not add up"
			);
			ensure!(listing.open_loans == open, "a collection's open-loan count is wrong");
		}
		ensure!(collections.is_empty(), "a loan's collection is not in its pool");
		// The aggregates against the loans' own debts: the variable index rounds once for the
		// pool and once per loan (at most one unit each), fixed interest accrues rounded down in
		// aggregate and rounded up per loan, and never below what the loans were booked with.
		let accrued = Self::accrued_pool(pool_id).map_err(|_| "pool vanished")?;
		let aggregate = accrued.ledger.variable_debt();
		ensure!(
			aggregate <= totals.variable_debt
				&& totals.variable_debt <= aggregate + Balance::from(totals.active_loans),
			"variable debt is outside its loans' bounds"
		);
		ensure!(
			accrued.ledger.fixed_debt <= totals.fixed_debt_now
				&& ledger.fixed_debt >= totals.fixed_booked,
			"fixed debt is outside its loans' bounds"
		);
		// 3. The account holds at least the tracked cash plus its existential deposit.
		if ledger.total_shares > 0 {
			let balance = T::Currency::balance(&Self::pool_account(pool_id));
			ensure!(
				balance >= ledger.cash.saturating_add(T::Currency::minimum_balance()),
				"pool account holds less than its cash"
			);
		}
		// 4. The pool's assets, summed from the loans, auctions and claims (checked above against
		// the books), equal lenders' value plus the reserve, the claims in default, the
		// provisions the reserve cannot cover and the gains still locked, exactly.
		let assets = ledger
			.cash
			.checked_add(ledger.variable_debt())
			.and_then(|a| a.checked_add(ledger.fixed_debt))
			.and_then(|a| a.checked_add(totals.auction_debt))
			.and_then(|a| a.checked_add(totals.bad_debt))
			.ok_or("the pool's assets overflow")?;
		let claims = ledger.reserve.max(ledger.provisions).saturating_add(ledger.locked_gain);
		ensure!(
			claims <= ledger.cash.saturating_add(ledger.live_debt()),
			"reserve, provisions and locked gains exceed the pool's assets"
		);
		ensure!(
			assets
				== ledger.pool_value()
					+ ledger.reserve
					+ totals.bad_debt
					+ ledger.uncovered_provisions()
					+ ledger.locked_gain,
			"cash + debt != pool_value + reserve + bad_debt + uncovered provisions + locked gain"
		);
		ensure!(
			ledger.locked_gain.is_zero() || ledger.gain_unlocks_at > ledger.last_accrual,
			"a locked gain that should have unlocked"
		);
		// 5 (the part storage shows). The borrow index starts at one.
		ensure!(ledger.borrow_index >= crate::math::Rate::one(), "borrow index below one");
		Ok(())
	}

	/// Whether `loan`'s NFT is stuck where it is: a transfer to anyone, tried in a storage
	/// layer that is always rolled back, fails.
	fn nft_cannot_move(loan: &LoanOf<T>) -> bool {
		use frame_support::storage::{with_transaction, TransactionOutcome};
		use nonfungibles_v2::Transfer as _;
		let somebody = Self::pool_account(u32::MAX);
		let moved = with_transaction(|| {
			let moved = T::Nfts::transfer(&loan.collection, &loan.item, &somebody).is_ok();
			TransactionOutcome::Rollback(Ok::<_, sp_runtime::DispatchError>(moved))
		});
		!moved.unwrap_or(true)
	}

	fn check_collections() -> Result<(), TryRuntimeError> {
		let mut priced: BTreeMap<T::CollectionId, u32> = BTreeMap::new();
		for (_, pool) in Pools::<T>::iter() {
			for (collection, entry) in pool.collections {
				ensure!(
					entry.status == ListingStatus::Listed || entry.open_loans > 0,
					"a removed collection with no open loan keeps its entry"
				);
				*priced.entry(collection).or_default() += 1;
			}
		}
		for (collection, count) in PricedCollections::<T>::iter() {
			ensure!(
				priced.remove(&collection) == Some(count),
				"priced-collection counts are wrong"
			);
		}
		ensure!(priced.is_empty(), "a pool's collection is not priced");
		Ok(())
	}

	/// Invariant 8: every entry of the schedule is an active loan's check or a running auction's
	/// end (so with the checks above, each has exactly one, and closed loans none). `NextWake` is
	/// at or before the first entry.
	fn check_schedule() -> Result<(), TryRuntimeError> {
		let mut first = None;
		let mut entries = 0usize;
		for key in Schedule::<T>::iter_keys() {
			first = first.or(Some(key.at()));
			let loan = Loans::<T>::get(key.loan).ok_or("a schedule entry names no open loan")?;
			entries += 1;
			let expected = match key.task {
				SweepTask::CheckLoan => loan.state == LoanState::Active,
				SweepTask::SettleAuction => loan.state == LoanState::InAuction,
			};
			ensure!(expected, "a schedule entry does not match its loan's state");
		}
		let scheduled_loans = Loans::<T>::iter_values()
			.filter(|loan| matches!(loan.state, LoanState::Active | LoanState::InAuction))
			.count();
		ensure!(entries == scheduled_loans, "a loan has more than one schedule entry");
		if let Some(first) = first {
			let wake = NextWake::<T>::get().ok_or("work is scheduled but the sweep never wakes")?;
			ensure!(blocks(wake) <= first, "the sweep wakes after the first scheduled entry");
		}
		ensure!(
			PendingHealthChecks::<T>::get().len() as u32 <= T::MaxPendingHealthChecks::get(),
			"the health-check queue is over its bound"
		);
		Ok(())
	}
}
