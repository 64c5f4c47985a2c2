//! SPEC section 10, checked in code. `try_state` runs this; the tests call it after every step.
//!
//! It iterates whole maps, so it is for try-runtime and tests only, never for a block.

#[allow(unused_imports)]
use crate::traits::FloorPriceProvider as _;
use crate::{math::interest, pallet::*, types::*};
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
	scaled_debt: Balance,
	fixed_rate_weight: Balance,
	fixed_books_min: Balance,
	fixed_books_max: Balance,
	auction_debt: Balance,
	bad_debt: Balance,
}

impl<T: Config> Pallet<T> {
	/// Check every invariant of SPEC section 10 that storage can show.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut totals: BTreeMap<PoolId, LoanTotals> = BTreeMap::new();
		for (loan_id, loan) in Loans::<T>::iter() {
			Self::check_loan(loan_id, &loan, totals.entry(loan.pool).or_default())?;
		}
		for (pool_id, pool) in Pools::<T>::iter() {
			Self::check_pool(pool_id, &pool, totals.remove(&pool_id).unwrap_or_default())?;
		}
		ensure!(totals.is_empty(), "a loan belongs to a pool that does not exist");
		Self::check_collections()?;
		Self::check_buckets()?;
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
		ensure!(
			held_by_pool || !T::Nfts::can_transfer(&loan.collection, &loan.item),
			"a pledged NFT can move"
		);
		ensure!(
			BorrowerLoans::<T>::get(&loan.borrower).contains(&loan_id),
			"a loan is missing from its borrower's list"
		);
		ensure!(
			CollectionLoans::<T>::contains_key(loan.collection, loan_id)
				== (loan.state == LoanState::Active),
			"the collection index holds exactly the active loans"
		);
		ensure!(
			Auctions::<T>::contains_key(loan_id) == (loan.state == LoanState::InAuction),
			"a loan in auction has exactly one auction"
		);
		match (&loan.state, &loan.debt) {
			(LoanState::Active, LoanDebt::Variable { scaled_debt }) => {
				totals.scaled_debt += scaled_debt;
			}
			(
				LoanState::Active,
				LoanDebt::Fixed { principal, unpaid_interest, apr, due_bucket, .. },
			) => {
				// 8. In exactly the due bucket it names.
				ensure!(
					DueBuckets::<T>::get(due_bucket).iter().filter(|id| **id == loan_id).count()
						== 1,
					"an active fixed loan is not in its due bucket exactly once"
				);
				totals.fixed_rate_weight +=
					interest::rate_weight(*principal, *apr).unwrap_or_default();
				let pool = Pools::<T>::get(loan.pool).ok_or("loan of a missing pool")?;
				totals.fixed_books_min += principal + unpaid_interest;
				totals.fixed_books_max += Self::active_debt(loan, &pool.ledger);
			}
			(LoanState::InAuction, _) => {
				let running = Auctions::<T>::get(loan_id).ok_or("auction missing")?;
				ensure!(
					AuctionEndBuckets::<T>::get(running.end_bucket).contains(&loan_id),
					"an auction is not in its end bucket"
				);
				totals.auction_debt += running.debt;
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
		ensure!(totals.bad_debt == ledger.bad_debt, "defaulted claims do not add up to bad debt");
		// Fixed books are accrued in aggregate (rounded down) and loan by loan (rounded up): the
		// aggregate stays between principal (+ carried interest) and the loans' own debt.
		let accrued = Self::accrued_pool(pool_id).map_err(|_| "pool vanished")?;
		ensure!(
			accrued.ledger.fixed_debt <= totals.fixed_books_max
				&& (ledger.fixed_debt >= totals.fixed_books_min || totals.fixed_rate_weight == 0),
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
		// 4. cash + debt = pool_value + reserve + bad_debt, exactly.
		ensure!(
			ledger.reserve <= ledger.cash.saturating_add(ledger.live_debt()),
			"reserve exceeds the pool's assets"
		);
		ensure!(
			ledger.cash + ledger.debt() == ledger.pool_value() + ledger.reserve + ledger.bad_debt,
			"cash + debt != pool_value + reserve + bad_debt"
		);
		// 5. The borrow index starts at one and never falls.
		ensure!(ledger.borrow_index >= crate::math::Rate::one(), "borrow index below one");
		Ok(())
	}

	fn check_collections() -> Result<(), TryRuntimeError> {
		let mut open: BTreeMap<(PoolId, T::CollectionId), u32> = BTreeMap::new();
		for (_, loan) in Loans::<T>::iter() {
			*open.entry((loan.pool, loan.collection)).or_default() += 1;
		}
		let mut listed: BTreeMap<T::CollectionId, u32> = BTreeMap::new();
		for (pool_id, collection, entry) in PoolCollections::<T>::iter() {
			ensure!(
				open.remove(&(pool_id, collection)).unwrap_or_default() == entry.open_loans,
				"a collection's open-loan count is wrong"
			);
			if entry.status == ListingStatus::Listed {
				*listed.entry(collection).or_default() += 1;
			}
		}
		ensure!(open.is_empty(), "a loan's collection is not in its pool");
		for (collection, count) in ListedCollections::<T>::iter() {
			ensure!(listed.remove(&collection) == Some(count), "listing counts are wrong");
		}
		ensure!(listed.is_empty(), "a listed collection is not counted");
		Ok(())
	}

	fn check_buckets() -> Result<(), TryRuntimeError> {
		for (_, bucket) in DueBuckets::<T>::iter() {
			for loan_id in bucket {
				let loan = Loans::<T>::get(loan_id).ok_or("a due bucket names a closed loan")?;
				ensure!(
					loan.state == LoanState::Active && matches!(loan.debt, LoanDebt::Fixed { .. }),
					"a due bucket names a loan that is not an active fixed loan"
				);
			}
		}
		for (_, bucket) in AuctionEndBuckets::<T>::iter() {
			for loan_id in bucket {
				ensure!(Auctions::<T>::contains_key(loan_id), "an end bucket names no auction");
			}
		}
		Ok(())
	}
}
