//! Loans: borrow against a pledged NFT, borrow more, repay, extend, and the one path that closes a
//! loan (SPEC section 5).
//!
//! The NFT is pledged in place: the borrower still owns it and sees it in their wallet, but its
//! entry in `LoanOfNft` makes pallet-nfts refuse every transfer and burn of it (this pallet is
//! pallet-nfts' `Locker`), whoever asks (holder, collection owner, admin or freezer), until the
//! loan closes. Pledging and releasing cost one write each, in this pallet's own index.

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
		let most = valuation::max_debt(value, listing.params.ltv);
		ensure!(amount <= most, Error::<T>::ExceedsLtv);
		ensure!(amount >= T::MinLoanShare::get().mul_ceil(most), Error::<T>::LoanTooSmall);
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
				pool.ledger.fixed_loans = pool.ledger.fixed_loans.saturating_add(1);
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

		// The pledge: from here pallet-nfts refuses to move or burn the NFT.
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
		// Governance may have raised the ltv above the threshold this loan keeps: never open a
		// position that is liquidatable at once, nor one within the margin of it.
		ensure!(
			valuation::keeps_margin(
				value,
				loan.liquidation_threshold,
				debt_after,
				T::MinHealthMargin::get()
			),
			Error::<T>::BelowHealthMargin
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
			Self::unschedule(loan.next_check, SweepTask::CheckLoan, loan_id);
			Self::close_loan(loan_id, &loan, &mut pool, CloseReason::Repaid)?;
			Pools::<T>::insert(loan_id.pool, pool);
			0
		} else {
			// What is left must be worth keeping open: repay it all instead.
			ensure!(debt - paid >= T::MinLoanAmount::get(), Error::<T>::RepayLeavesDust);
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
					Self::unbook_fixed(&mut pool.ledger, *principal, *unpaid_interest, *apr, debt);
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
		let LoanDebt::Fixed { principal, unpaid_interest, apr: old_apr, term, overdue_at, .. } =
			loan.debt
		else {
			return Err(Error::<T>::NotFixedLoan.into());
		};
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now < overdue_at, Error::<T>::LoanOverdue);
		// Open while the pool is paused or the collection removed: a pause must not push fixed
		// borrowers into overdue.
		let mut pool = Self::accrued_pool(loan_id.pool)?;
		let value = Self::value_loan(&loan, &pool.ledger);
		ensure!(!value.liquidatable, Error::<T>::LoanUnhealthy);
		// Today's rate, with this loan still in the pool: what a new borrow of its size would
		// lock (the higher of now and the window's average).
		let RateModel::Fixed { curve, .. } = &pool.params.rate_model else {
			return Err(Error::<T>::NotFixedLoan.into());
		};
		let apr = interest::quantise_apr(rates::borrow_rate(
			curve,
			pool.ledger.utilization_now_or_averaged(),
		));

		let interest_paid = value.debt - principal;
		T::Currency::transfer(
			borrower,
			&Self::pool_account(loan_id.pool),
			interest_paid,
			Preservation::Preserve,
		)?;
		pool.ledger.cash =
			pool.ledger.cash.checked_add(interest_paid).ok_or(Error::<T>::Overflow)?;
		Self::unbook_fixed(&mut pool.ledger, principal, unpaid_interest, old_apr, value.debt);
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

	/// The borrower owns the NFT, it backs no loan, and its collection lets it move (so it can
	/// be sold if the loan fails).
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
		ensure!(!LoanOfNft::<T>::contains_key(collection, item), Error::<T>::NftAlreadyPledged);
		ensure!(T::Nfts::can_transfer(collection, item), Error::<T>::NftNotTransferable);
		Ok(())
	}

	/// The open loan (active, in auction or defaulted) that `item` of `collection` backs.
	pub(crate) fn loan_of_nft(
		collection: &T::CollectionId,
		item: &T::ItemId,
	) -> Option<(LoanId, LoanOf<T>)> {
		let loan_id = LoanOfNft::<T>::get(collection, item)?;
		Loans::<T>::get(loan_id).map(|loan| (loan_id, loan))
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
		let booked = principal.saturating_add(unpaid_interest);
		ledger.fixed_debt = ledger.fixed_debt.checked_add(booked).ok_or(Error::<T>::Overflow)?;
		ledger.fixed_booked = ledger.fixed_booked.saturating_add(booked);
		Ok(())
	}

	/// Take a fixed loan owing `debt` (booked with `principal` and `unpaid_interest`) off the
	/// pool's fixed books. The pool's aggregate interest accrues rounded down and the loan's own
	/// rounds up, so taking a loan's debt off may take a few units too many: the aggregate never
	/// goes below what the other loans were booked with (their principal and carried interest,
	/// which owes no rounding), so no loan's principal ever leaves the books with another loan.
	pub(crate) fn unbook_fixed(
		ledger: &mut PoolLedger<BlockNumberFor<T>>,
		principal: Balance,
		unpaid_interest: Balance,
		apr: Rate,
		debt: Balance,
	) {
		let weight = interest::rate_weight(principal, apr).unwrap_or(Balance::MAX);
		ledger.fixed_rate_weight = ledger.fixed_rate_weight.saturating_sub(weight);
		ledger.fixed_booked =
			ledger.fixed_booked.saturating_sub(principal.saturating_add(unpaid_interest));
		ledger.fixed_debt = ledger.fixed_debt.saturating_sub(debt).max(ledger.fixed_booked);
		// With no fixed loan left, what remains is rounding between the aggregate and the loans'
		// own interest: clear it. (Not on a zero weight: 0% loans weigh nothing and still owe.)
		if ledger.fixed_loans == 0 {
			ledger.fixed_debt = 0;
			ledger.fixed_booked = 0;
			ledger.fixed_rate_weight = 0;
			ledger.fixed_interest_remainder = 0;
		}
	}

	/// Take an active loan owing `debt` off the pool's and its collection's running books (it is
	/// repaid, or its debt moves into an auction). The caller writes the pool and removes the
	/// loan's scheduled check.
	pub(crate) fn take_off_books(loan: &LoanOf<T>, pool: &mut PoolOf<T>, debt: Balance) {
		let ledger = &mut pool.ledger;
		match &loan.debt {
			LoanDebt::Variable { scaled_debt } => {
				ledger.scaled_debt = ledger.scaled_debt.saturating_sub(*scaled_debt);
			}
			LoanDebt::Fixed { principal, unpaid_interest, apr, .. } => {
				ledger.fixed_loans = ledger.fixed_loans.saturating_sub(1);
				Self::unbook_fixed(ledger, *principal, *unpaid_interest, *apr, debt);
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

	/// The one path that closes a loan: release its pledge (if its NFT was not delivered
	/// already), free its collection's slot, remove it. The caller has settled its money, removed
	/// its schedule entry, and writes the pool after. Nothing is left behind for the sweep: the
	/// closing call pays for the whole cleanup.
	pub(crate) fn close_loan(
		loan_id: LoanId,
		loan: &LoanOf<T>,
		pool: &mut PoolOf<T>,
		reason: CloseReason,
	) -> DispatchResult {
		LoanOfNft::<T>::remove(loan.collection, loan.item);
		Self::release_listing(pool, &loan.collection);
		Loans::<T>::remove(loan_id);
		Self::deposit_event(Event::LoanClosed { loan: loan_id, reason });
		Ok(())
	}

	/// Release the pledge of `loan`'s NFT and move it to `to`, all or nothing: if its collection
	/// refuses the transfer (an owner, admin or freezer locked it), the NFT stays where it was,
	/// pledged.
	pub(crate) fn deliver_nft(loan: &LoanOf<T>, to: &T::AccountId) -> DispatchResult {
		use nonfungibles_v2::Transfer;
		frame_support::storage::with_storage_layer(|| {
			LoanOfNft::<T>::remove(loan.collection, loan.item);
			T::Nfts::transfer(&loan.collection, &loan.item, to)
		})
	}
}
