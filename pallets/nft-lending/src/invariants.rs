//! SPEC section 10, checked in code. `try_state` runs this; the tests call it after every step.
//!
//! It iterates whole maps, so it is for try-runtime and tests only, never for a block.

#[allow(unused_imports)]
use crate::traits::FloorPriceProvider as _;
use crate::{blocks, math::interest, pallet::*, types::*};
use alloc::collections::btree_map::BTreeMap;
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
	fixed_rate_weight: Balance,
	fixed_books_min: Balance,
	fixed_booked: Balance,
	fixed_books_max: Balance,
	auction_debt: Balance,
	provisions: Balance,
	fixed_loans: u32,
	bad_debt: Balance,
}

impl<T: Config> Pallet<T> {
	/// Check every invariant of SPEC section 10 that storage can show.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut totals: BTreeMap<PoolId, LoanTotals> = BTreeMap::new();
		for (loan_id, loan) in Loans::<T>::iter() {
			let pool_totals = totals.entry(loan_id.pool).or_default();
			pool_totals.highest_index = pool_totals.highest_index.max(Some(loan_id.index));
			Self::check_loan(loan_id, &loan, pool_totals)?;
		}
		// Each open loan is in the index (checked above), and the index holds nothing else: the
		// call that closes a loan releases its pledge, so no NFT stays locked for nothing.
		for (collection, item, loan_id) in LoanOfNft::<T>::iter() {
			let loan = Loans::<T>::get(loan_id).ok_or("a pledge names no open loan")?;
			ensure!(
				loan.collection == collection && loan.item == item,
				"an NFT index entry names another NFT's loan"
			);
		}
		for (pool_id, pool) in Pools::<T>::iter() {
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
		totals: &mut LoanTotals,
	) -> Result<(), TryRuntimeError> {
		use nonfungibles_v2::Inspect as _;
		// 7. One pledged NFT per open loan, locked unless the pool account holds it.
		ensure!(
			LoanOfNft::<T>::get(loan.collection, loan.item) == Some(loan_id),
			"a loan's NFT does not point back to it"
		);
		let held_by_pool = matches!(loan.state, LoanState::Defaulted { held_by_pool: true, .. });
		ensure!(Self::nft_cannot_move(loan), "a pledged NFT can move");
		// The borrower keeps the pledged NFT (that is how `positions` finds the loan).
		ensure!(
			held_by_pool
				|| T::Nfts::owner(&loan.collection, &loan.item).as_ref() == Some(&loan.borrower),
			"a pledged NFT left its borrower's wallet"
		);
		ensure!(
			Auctions::<T>::contains_key(loan_id) == (loan.state == LoanState::InAuction),
			"a loan in auction has exactly one auction"
		);
		if loan.state == LoanState::Active {
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
		match (&loan.state, &loan.debt) {
			(LoanState::Active, LoanDebt::Variable { scaled_debt }) => {
				totals.scaled_debt += scaled_debt;
			}
			(LoanState::Active, LoanDebt::Fixed { principal, unpaid_interest, apr, .. }) => {
				totals.fixed_loans += 1;
				totals.fixed_rate_weight +=
					interest::rate_weight(*principal, *apr).unwrap_or_default();
				let pool = Pools::<T>::get(loan_id.pool).ok_or("loan of a missing pool")?;
				totals.fixed_books_min += principal + unpaid_interest;
				totals.fixed_booked += principal + unpaid_interest;
				totals.fixed_books_max += Self::active_debt(loan, &pool.ledger);
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
			(LoanState::Defaulted { claim, .. }, _) => totals.bad_debt += claim,
		}
		Ok(())
	}

	fn check_pool(
		pool_id: PoolId,
		pool: &PoolOf<T>,
		totals: LoanTotals,
	) -> Result<(), TryRuntimeError> {
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
		// 2. Loans add up to the pool's books.
		ensure!(totals.scaled_debt == ledger.scaled_debt, "scaled debt does not add up");
		ensure!(
			totals.fixed_rate_weight == ledger.fixed_rate_weight,
			"fixed weights do not add up"
		);
		ensure!(totals.auction_debt == ledger.auction_debt, "auction debt does not add up");
		ensure!(totals.provisions == ledger.provisions, "provisions do not add up");
		ensure!(totals.fixed_loans == ledger.fixed_loans, "fixed loans are miscounted");
		ensure!(totals.fixed_booked == ledger.fixed_booked, "fixed principal does not add up");
		ensure!(totals.bad_debt == ledger.bad_debt, "defaulted claims do not add up to bad debt");
		// Fixed books are accrued in aggregate (rounded down) and loan by loan (rounded up): the
		// aggregate stays between principal (+ carried interest) and the loans' own debt.
		let accrued = Self::accrued_pool(pool_id).map_err(|_| "pool vanished")?;
		ensure!(
			accrued.ledger.fixed_debt <= totals.fixed_books_max
				&& ledger.fixed_debt >= totals.fixed_books_min,
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
		// 4. cash + debt = pool_value + reserve + bad_debt (+ provisions the reserve cannot
		// cover + gains still locked), exactly.
		ensure!(
			ledger.reserve.max(ledger.provisions).saturating_add(ledger.locked_gain)
				<= ledger.cash.saturating_add(ledger.live_debt()),
			"reserve, provisions and locked gains exceed the pool's assets"
		);
		ensure!(
			ledger.cash + ledger.debt()
				== ledger.pool_value()
					+ ledger.reserve
					+ ledger.bad_debt
					+ ledger.uncovered_provisions()
					+ ledger.locked_gain,
			"cash + debt != pool_value + reserve + bad_debt + uncovered provisions + locked gain"
		);
		// 5. The borrow index starts at one and never falls.
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
		let mut open: BTreeMap<(PoolId, T::CollectionId), u32> = BTreeMap::new();
		for (loan_id, loan) in Loans::<T>::iter() {
			*open.entry((loan_id.pool, loan.collection)).or_default() += 1;
		}
		let mut priced: BTreeMap<T::CollectionId, u32> = BTreeMap::new();
		let listings = Pools::<T>::iter().flat_map(|(pool_id, pool)| {
			pool.collections
				.into_iter()
				.map(move |(collection, entry)| (pool_id, collection, entry))
		});
		for (pool_id, collection, entry) in listings {
			ensure!(
				open.remove(&(pool_id, collection)).unwrap_or_default() == entry.open_loans,
				"a collection's open-loan count is wrong"
			);
			ensure!(
				entry.status == ListingStatus::Listed || entry.open_loans > 0,
				"a removed collection with no open loan keeps its entry"
			);
			*priced.entry(collection).or_default() += 1;
		}
		ensure!(open.is_empty(), "a loan's collection is not in its pool");
		for (collection, count) in PricedCollections::<T>::iter() {
			ensure!(
				priced.remove(&collection) == Some(count),
				"priced-collection counts are wrong"
			);
		}
		ensure!(priced.is_empty(), "a pool's collection is not priced");
		Ok(())
	}

	/// Every entry of the schedule is an active loan's check or a running auction's end (so
	/// with the checks above, each has exactly one, and closed loans none). `NextWake` is at or
	/// before the first entry.
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
		Ok(())
	}
}
