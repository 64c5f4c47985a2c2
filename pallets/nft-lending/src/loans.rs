//! Loans: borrow against a pledged NFT, borrow more, repay, extend, and the one path that closes a
//! loan (SPEC section 5).
//!
//! The NFT is pledged with pallet-nfts' `disable_transfer`: the borrower still owns it and sees it
//! in their wallet, but nobody (owner, collection owner, admin or freezer) can transfer or burn it
//! until the loan closes.

#[allow(unused_imports)]
use crate::traits::FloorPriceProvider as _;
use crate::{
	math::{interest, rates, valuation, Rate},
	pallet::*,
	types::*,
};
#[allow(unused_imports)]
use frame_support::traits::Get as _;
use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{
		fungible::Mutate,
		tokens::{nonfungibles_v2, Preservation},
	},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_arithmetic::{per_things::Rounding, traits::Zero};
#[allow(unused_imports)]
use sp_runtime::traits::{One as _, Saturating as _, Zero as _};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_borrow(
		borrower: &T::AccountId,
		pool_id: PoolId,
		collection: T::CollectionId,
		item: T::ItemId,
		amount: Balance,
		term: Option<BlockNumberFor<T>>,
	) -> Result<LoanId, DispatchError> {
		let mut pool = Self::accrued_pool(pool_id)?;
		ensure!(pool.status == PoolStatus::Active, Error::<T>::PoolPaused);
		let mut listing = Self::listed_collection(&pool, &collection)?;
		ensure!(amount >= T::MinLoanAmount::get(), Error::<T>::LoanTooSmall);
		Self::ensure_can_pledge(borrower, &collection, &item)?;

		let (value, health_valuation) = Self::borrow_valuation(&collection)?;
		ensure!(amount <= valuation::max_debt(value, listing.params.ltv), Error::<T>::ExceedsLtv);
		ensure!(listing.open_loans < listing.params.max_loans, Error::<T>::MaxLoansReached);
		Self::ensure_within_ceiling(&pool, &listing, amount)?;
		let utilization_after = Self::ensure_can_lend(&pool, amount)?;

		let loan_id = LoanId::new(pool_id, pool.loans_opened);
		pool.loans_opened = pool.loans_opened.checked_add(1).ok_or(Error::<T>::NoLoanNumberLeft)?;
		let now = frame_system::Pallet::<T>::block_number();
		let (debt, apr, due) = match (&pool.params.rate_model, term) {
			(RateModel::Variable { .. }, Some(_)) => Err(Error::<T>::TermNotApplicable)?,
			(RateModel::Fixed { .. }, None) => Err(Error::<T>::TermRequired)?,
			(RateModel::Variable { .. }, None) => {
				let scaled_debt =
					interest::scaled_from_amount(amount, pool.ledger.borrow_index, Rounding::Up)
						.ok_or(Error::<T>::Overflow)?;
				pool.ledger.scaled_debt =
					pool.ledger.scaled_debt.checked_add(scaled_debt).ok_or(Error::<T>::Overflow)?;
				listing.scaled_debt = listing.scaled_debt.saturating_add(scaled_debt);
				(LoanDebt::Variable { scaled_debt }, None, None)
			}
			(RateModel::Fixed { curve, terms }, Some(term)) => {
				ensure!(terms.contains(&term), Error::<T>::TermNotOffered);
				let apr = interest::quantise_apr(rates::borrow_rate(curve, utilization_after));
				let due = now.saturating_add(term);
				let grace = LiquidationSettings::<T>::get().grace_period;
				let overdue_at = due.saturating_add(grace).saturating_add(1u32.into());
				Self::book_fixed(&mut pool.ledger, amount, apr, 0)?;
				listing.fixed_principal = listing.fixed_principal.saturating_add(amount);
				let debt = LoanDebt::Fixed {
					principal: amount,
					unpaid_interest: 0,
					apr,
					interest_since: now,
					term,
					due,
					overdue_at,
				};
				(debt, Some(apr), Some(due))
			}
		};

		Self::pledge(&collection, &item)?;
		LoanOfNft::<T>::insert(collection, item, loan_id);
		listing.open_loans += 1;
		Self::put_listing(&mut pool, &collection, listing.clone());
		let mut loan = Loan {
			borrower: borrower.clone(),
			collection,
			item,
			liquidation_threshold: listing.params.liquidation_threshold,
			liquidation_penalty: listing.params.liquidation_penalty,
			debt,
			state: LoanState::Active,
			opened_at: now,
			next_check: now,
		};
		let loan_value = Self::value_loan_at(&loan, &pool.ledger, health_valuation);
		loan.next_check = Self::next_check_at(&loan, &loan_value, &pool, now);
		Self::schedule(loan.next_check, SweepTask::CheckLoan, loan_id);
		Loans::<T>::insert(loan_id, loan);

		pool.ledger.cash -= amount;
		Self::pay_from_pool(pool_id, borrower, amount)?;
		Pools::<T>::insert(pool_id, pool);
		Self::deposit_event(Event::Borrowed {
			loan: loan_id,
			borrower: borrower.clone(),
			collection,
			item,
			amount,
			apr,
			due,
		});
		Ok(loan_id)
	}

	pub(crate) fn do_borrow_more(
		borrower: &T::AccountId,
		loan_id: LoanId,
		amount: Balance,
	) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let mut loan = Self::active_loan_of(borrower, loan_id)?;
		let LoanDebt::Variable { scaled_debt } = loan.debt else {
			return Err(Error::<T>::NotVariableLoan.into());
		};
		let mut pool = Self::accrued_pool(loan_id.pool)?;
		ensure!(pool.status == PoolStatus::Active, Error::<T>::PoolPaused);
		let mut listing = Self::listed_collection(&pool, &loan.collection)?;
		let (value, health_valuation) = Self::borrow_valuation(&loan.collection)?;
		let debt_after = Self::active_debt(&loan, &pool.ledger).saturating_add(amount);
		ensure!(
			debt_after <= valuation::max_debt(value, listing.params.ltv),
			Error::<T>::ExceedsLtv
		);
		Self::ensure_within_ceiling(&pool, &listing, amount)?;
		Self::ensure_can_lend(&pool, amount)?;

		let added = interest::scaled_from_amount(amount, pool.ledger.borrow_index, Rounding::Up)
			.ok_or(Error::<T>::Overflow)?;
		pool.ledger.scaled_debt =
			pool.ledger.scaled_debt.checked_add(added).ok_or(Error::<T>::Overflow)?;
		listing.scaled_debt = listing.scaled_debt.saturating_add(added);
		loan.debt = LoanDebt::Variable { scaled_debt: scaled_debt + added };
		pool.ledger.cash -= amount;
		Self::pay_from_pool(loan_id.pool, borrower, amount)?;
		let debt = Self::active_debt(&loan, &pool.ledger);
		// More debt brings the day interest could make it unhealthy forward.
		let now = frame_system::Pallet::<T>::block_number();
		let loan_value = Self::value_loan_at(&loan, &pool.ledger, health_valuation);
		let next = Self::next_check_at(&loan, &loan_value, &pool, now);
		if next < loan.next_check {
			Self::reschedule_check(loan_id, &mut loan, next);
		}
		Self::put_listing(&mut pool, &loan.collection, listing);
		Pools::<T>::insert(loan_id.pool, pool);
		Loans::<T>::insert(loan_id, loan);
		Self::deposit_event(Event::BorrowedMore { loan: loan_id, amount, debt });
		Ok(())
	}

	pub(crate) fn do_repay(
		payer: &T::AccountId,
		loan_id: LoanId,
		amount: Balance,
	) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let mut loan = Loans::<T>::get(loan_id).ok_or(Error::<T>::LoanNotFound)?;
		ensure!(loan.state == LoanState::Active, Error::<T>::LoanNotActive);
		let mut pool = Self::accrued_pool(loan_id.pool)?;
		let debt = Self::active_debt(&loan, &pool.ledger);
		let paid = amount.min(debt);

		T::Currency::transfer(
			payer,
			&Self::pool_account(loan_id.pool),
			paid,
			Preservation::Preserve,
		)?;
		pool.ledger.cash = pool.ledger.cash.checked_add(paid).ok_or(Error::<T>::Overflow)?;

		let remaining = if paid == debt {
			Self::take_off_books(&loan, &mut pool, debt);
			Self::close_loan(loan_id, &loan, &mut pool, CloseReason::Repaid, true)?;
			Pools::<T>::insert(loan_id.pool, pool);
			0
		} else {
			let mut listing =
				pool.listing(&loan.collection).cloned().ok_or(Error::<T>::CollectionNotListed)?;
			match &mut loan.debt {
				LoanDebt::Variable { scaled_debt } => {
					// Round down: a payment never erases more debt than it pays.
					let repaid_scaled = interest::scaled_from_amount(
						paid,
						pool.ledger.borrow_index,
						Rounding::Down,
					)
					.ok_or(Error::<T>::Overflow)?
					.min(*scaled_debt);
					ensure!(!repaid_scaled.is_zero(), Error::<T>::ZeroAmount);
					*scaled_debt -= repaid_scaled;
					pool.ledger.scaled_debt = pool.ledger.scaled_debt.saturating_sub(repaid_scaled);
					listing.scaled_debt = listing.scaled_debt.saturating_sub(repaid_scaled);
				}
				LoanDebt::Fixed { principal, unpaid_interest, apr, interest_since, .. } => {
					// Interest first, then principal; simple interest restarts on what is left.
					Self::unbook_fixed(&mut pool.ledger, *principal, *apr, debt);
					let interest_owed = debt - *principal;
					let (new_principal, new_unpaid) = if paid <= interest_owed {
						(*principal, interest_owed - paid)
					} else {
						(*principal - (paid - interest_owed), 0)
					};
					listing.fixed_principal =
						listing.fixed_principal.saturating_sub(*principal - new_principal);
					*principal = new_principal;
					*unpaid_interest = new_unpaid;
					*interest_since = frame_system::Pallet::<T>::block_number();
					Self::book_fixed(&mut pool.ledger, new_principal, *apr, new_unpaid)?;
				}
			}
			let remaining = Self::active_debt(&loan, &pool.ledger);
			Self::put_listing(&mut pool, &loan.collection, listing);
			Pools::<T>::insert(loan_id.pool, pool);
			Loans::<T>::insert(loan_id, loan);
			remaining
		};
		Self::deposit_event(Event::Repaid {
			loan: loan_id,
			payer: payer.clone(),
			amount: paid,
			remaining,
		});
		Ok(())
	}

	pub(crate) fn do_extend(borrower: &T::AccountId, loan_id: LoanId) -> DispatchResult {
		let mut loan = Self::active_loan_of(borrower, loan_id)?;
		let LoanDebt::Fixed { principal, apr: old_apr, term, overdue_at, .. } = loan.debt else {
			return Err(Error::<T>::NotFixedLoan.into());
		};
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now < overdue_at, Error::<T>::LoanOverdue);
		let mut pool = Self::accrued_pool(loan_id.pool)?;
		ensure!(pool.status == PoolStatus::Active, Error::<T>::PoolPaused);
		Self::listed_collection(&pool, &loan.collection)?;
		let value = Self::value_loan(&loan, &pool.ledger);
		ensure!(!value.liquidatable, Error::<T>::LoanUnhealthy);

		let interest_paid = value.debt - principal;
		T::Currency::transfer(
			borrower,
			&Self::pool_account(loan_id.pool),
			interest_paid,
			Preservation::Preserve,
		)?;
		pool.ledger.cash =
			pool.ledger.cash.checked_add(interest_paid).ok_or(Error::<T>::Overflow)?;
		Self::unbook_fixed(&mut pool.ledger, principal, old_apr, value.debt);

		let RateModel::Fixed { curve, .. } = &pool.params.rate_model else {
			return Err(Error::<T>::NotFixedLoan.into());
		};
		let apr = interest::quantise_apr(rates::borrow_rate(curve, pool.ledger.utilization()));
		Self::book_fixed(&mut pool.ledger, principal, apr, 0)?;
		let due = now.saturating_add(term);
		let new_overdue_at = due
			.saturating_add(LiquidationSettings::<T>::get().grace_period)
			.saturating_add(1u32.into());
		loan.debt = LoanDebt::Fixed {
			principal,
			unpaid_interest: 0,
			apr,
			interest_since: now,
			term,
			due,
			overdue_at: new_overdue_at,
		};
		// A new term at a new rate: its next check moves with it.
		let next = Self::next_check_at(&loan, &Self::value_loan(&loan, &pool.ledger), &pool, now);
		Self::reschedule_check(loan_id, &mut loan, next);
		Pools::<T>::insert(loan_id.pool, pool);
		Loans::<T>::insert(loan_id, loan);
		Self::deposit_event(Event::Extended { loan: loan_id, interest_paid, apr, due });
		Ok(())
	}

	/// An active loan of `borrower`.
	fn active_loan_of(
		borrower: &T::AccountId,
		loan_id: LoanId,
	) -> Result<LoanOf<T>, DispatchError> {
		let loan = Loans::<T>::get(loan_id).ok_or(Error::<T>::LoanNotFound)?;
		ensure!(&loan.borrower == borrower, Error::<T>::NotBorrower);
		ensure!(loan.state == LoanState::Active, Error::<T>::LoanNotActive);
		Ok(loan)
	}

	/// A collection that takes new loans in the pool (a copy, to change and put back).
	fn listed_collection(
		pool: &PoolOf<T>,
		collection: &T::CollectionId,
	) -> Result<PoolCollection, DispatchError> {
		pool.listing(collection)
			.filter(|entry| entry.status == ListingStatus::Listed)
			.cloned()
			.ok_or_else(|| Error::<T>::CollectionNotListed.into())
	}

	/// Put back a listing taken with `listed_collection` (the caller writes the pool).
	fn put_listing(pool: &mut PoolOf<T>, collection: &T::CollectionId, listing: PoolCollection) {
		if let Some(entry) = pool.listing_mut(collection) {
			*entry = listing;
		}
	}

	/// The collection's debt in the pool plus `amount` stays within its ceiling.
	fn ensure_within_ceiling(
		pool: &PoolOf<T>,
		listing: &PoolCollection,
		amount: Balance,
	) -> DispatchResult {
		let current = interest::debt_from_scaled(listing.scaled_debt, pool.ledger.borrow_index)
			.unwrap_or(Balance::MAX)
			.saturating_add(listing.fixed_principal);
		ensure!(
			current.saturating_add(amount) <= listing.params.debt_ceiling,
			Error::<T>::DebtCeilingReached
		);
		Ok(())
	}

	/// The borrower owns the NFT, it backs no loan, and it can move (so it can be sold).
	pub(crate) fn ensure_can_pledge(
		borrower: &T::AccountId,
		collection: &T::CollectionId,
		item: &T::ItemId,
	) -> DispatchResult {
		use nonfungibles_v2::Inspect;
		ensure!(
			T::Nfts::owner(collection, item).as_ref() == Some(borrower),
			Error::<T>::NotNftOwner
		);
		if !T::Nfts::can_transfer(collection, item) {
			// A pledged NFT cannot move either: say which it is (only when it fails, so a borrow
			// does not pay for the lookup).
			return Err(if Self::loan_of_nft(collection, item).is_some() {
				Error::<T>::NftAlreadyPledged
			} else {
				Error::<T>::NftNotTransferable
			}
			.into());
		}
		Ok(())
	}

	/// The open loan (active, in auction or defaulted) that `item` of `collection` backs. The
	/// index may still name a closed loan (see [`Pallet::close_loan`]); that is not returned.
	pub(crate) fn loan_of_nft(
		collection: &T::CollectionId,
		item: &T::ItemId,
	) -> Option<(LoanId, LoanOf<T>)> {
		let loan_id = LoanOfNft::<T>::get(collection, item)?;
		Loans::<T>::get(loan_id).map(|loan| (loan_id, loan))
	}

	/// Lock the NFT in place.
	fn pledge(collection: &T::CollectionId, item: &T::ItemId) -> DispatchResult {
		use nonfungibles_v2::Transfer;
		T::Nfts::disable_transfer(collection, item)
			.map_err(|_| Error::<T>::NftNotTransferable.into())
	}

	/// Add a fixed loan's principal (and carried interest) to the pool's fixed books.
	pub(crate) fn book_fixed(
		ledger: &mut PoolLedger<BlockNumberFor<T>>,
		principal: Balance,
		apr: Rate,
		unpaid_interest: Balance,
	) -> DispatchResult {
		let weight = interest::rate_weight(principal, apr).ok_or(Error::<T>::Overflow)?;
		ledger.fixed_rate_weight =
			ledger.fixed_rate_weight.checked_add(weight).ok_or(Error::<T>::Overflow)?;
		ledger.fixed_debt = ledger
			.fixed_debt
			.checked_add(principal.saturating_add(unpaid_interest))
			.ok_or(Error::<T>::Overflow)?;
		Ok(())
	}

	/// Take a fixed loan owing `debt` off the pool's fixed books. The pool's aggregate accrues
	/// rounded down and the loan's own interest rounds up, so the aggregate never goes below zero
	/// by more than rounding: it saturates there.
	pub(crate) fn unbook_fixed(
		ledger: &mut PoolLedger<BlockNumberFor<T>>,
		principal: Balance,
		apr: Rate,
		debt: Balance,
	) {
		let weight = interest::rate_weight(principal, apr).unwrap_or(Balance::MAX);
		ledger.fixed_rate_weight = ledger.fixed_rate_weight.saturating_sub(weight);
		ledger.fixed_debt = ledger.fixed_debt.saturating_sub(debt);
		if ledger.fixed_rate_weight.is_zero() {
			ledger.fixed_debt = 0;
			ledger.fixed_interest_remainder = 0;
		}
	}

	/// Take an active loan owing `debt` off the pool's and its collection's running books (it is
	/// repaid, or its debt moves into an auction). The caller writes the pool.
	///
	/// Its scheduled check stays: a repaid loan's entry is dropped by the sweep when it comes
	/// (see [`Pallet::close_loan`]); `start_auction` replaces it at once.
	pub(crate) fn take_off_books(loan: &LoanOf<T>, pool: &mut PoolOf<T>, debt: Balance) {
		let ledger = &mut pool.ledger;
		match &loan.debt {
			LoanDebt::Variable { scaled_debt } => {
				ledger.scaled_debt = ledger.scaled_debt.saturating_sub(*scaled_debt);
			}
			LoanDebt::Fixed { principal, apr, .. } => {
				Self::unbook_fixed(ledger, *principal, *apr, debt);
			}
		}
		if let Some(listing) = pool.listing_mut(&loan.collection) {
			match &loan.debt {
				LoanDebt::Variable { scaled_debt } => {
					listing.scaled_debt = listing.scaled_debt.saturating_sub(*scaled_debt);
				}
				LoanDebt::Fixed { principal, .. } => {
					listing.fixed_principal = listing.fixed_principal.saturating_sub(*principal);
				}
			}
		}
	}

	/// The one path that closes a loan: remove it and, when asked, unlock its NFT. The caller has
	/// settled its money, and writes the pool after.
	///
	/// Its NFT index entry and any schedule entry are left behind: both name a loan id that is
	/// never used again, so they change nothing, and the sweep drops them when it meets them (the
	/// schedule entry when it comes due, the index entry on the collection's next price-change
	/// pass; borrowing the NFT again overwrites it). The borrower's call does not pay for the two
	/// removals; the sweep does them in its budget. [`Pallet::loan_of_nft`] reads the index
	/// without its stale entries.
	pub(crate) fn close_loan(
		loan_id: LoanId,
		loan: &LoanOf<T>,
		pool: &mut PoolOf<T>,
		reason: CloseReason,
		unlock_nft: bool,
	) -> DispatchResult {
		if unlock_nft {
			use nonfungibles_v2::Transfer;
			T::Nfts::enable_transfer(&loan.collection, &loan.item)?;
		}
		Self::release_listing(pool, &loan.collection);
		Loans::<T>::remove(loan_id);
		Self::deposit_event(Event::LoanClosed { loan: loan_id, reason });
		Ok(())
	}
}
