//! Liquidation auctions (SPEC section 6): start, bid, redeem, settle, and the sale of defaulted
//! NFTs.
//!
//! When an auction starts, the loan's debt is frozen into the pool's `auction_debt` (no interest
//! during the auction; the penalty compensates lenders). See `docs/liquidation.md` for the state
//! machine.

#[allow(unused_imports)]
use crate::traits::FloorPriceProvider as _;
use crate::{blocks, math::auction, pallet::*, types::*};
#[allow(unused_imports)]
use frame_support::traits::Get as _;
use frame_support::{
	ensure,
	pallet_prelude::*,
	storage::with_storage_layer,
	traits::{
		fungible::{Mutate, MutateHold},
		tokens::{nonfungibles_v2::Transfer, Fortitude, Precision, Preservation, Restriction},
	},
};
#[allow(unused_imports)]
use sp_runtime::traits::{One as _, Saturating as _, Zero as _};
use sp_runtime::SaturatedConversion;

impl<T: Config> Pallet<T> {
	/// Liquidate an active loan: freeze its debt into an auction of its NFT.
	///
	/// Returns `false` (and changes nothing) when the loan is no longer active or, for
	/// `Unhealthy`, is healthy after all.
	pub(crate) fn start_auction(
		loan_id: LoanId,
		reason: LiquidationReason,
	) -> Result<bool, DispatchError> {
		let Some(mut loan) = Loans::<T>::get(loan_id) else { return Ok(false) };
		if loan.state != LoanState::Active {
			return Ok(false);
		}
		let mut pool = Self::accrued_pool(loan_id.pool)?;
		let value = Self::value_loan(&loan, &pool.ledger);
		if reason == LiquidationReason::Unhealthy && !value.liquidatable {
			return Ok(false);
		}
		Self::take_off_books(&loan, &mut pool, value.debt);
		Self::unschedule(loan.next_check, SweepTask::CheckLoan, loan_id);
		pool.ledger.auction_debt =
			pool.ledger.auction_debt.checked_add(value.debt).ok_or(Error::<T>::Overflow)?;

		let config = LiquidationSettings::<T>::get();
		let now = frame_system::Pallet::<T>::block_number();
		let ends_at = now.saturating_add(config.auction_duration);
		Self::schedule(ends_at, SweepTask::SettleAuction, loan_id);
		let penalty = loan.liquidation_penalty.mul_ceil(value.debt);
		let redeem_until = now.saturating_add(config.redeem_period);
		Auctions::<T>::insert(
			loan_id,
			Auction {
				debt: value.debt,
				penalty,
				valuation: value.valuation,
				reason,
				started_at: now,
				ends_at,
				max_ends_at: ends_at.saturating_add(config.max_extension),
				settle_at: ends_at,
				redeem_until,
				redeem_fine: config.redeem_fine.mul_ceil(value.debt),
				first_bidder: None,
				best_bid: None,
			},
		);
		loan.state = LoanState::InAuction;
		Loans::<T>::insert(loan_id, &loan);
		Pools::<T>::insert(loan_id.pool, pool);

		Self::deposit_event(match reason {
			LiquidationReason::Overdue => Event::LoanOverdue { loan: loan_id, debt: value.debt },
			LiquidationReason::Unhealthy => {
				Event::LoanUnhealthy { loan: loan_id, debt: value.debt, valuation: value.valuation }
			}
		});
		Self::deposit_event(Event::AuctionStarted {
			loan: loan_id,
			debt: value.debt,
			penalty,
			min_bid: auction::min_first_bid(value.debt, value.valuation, config.first_bid_discount),
			ends_at,
			redeemable_until: redeem_until,
		});
		Ok(true)
	}

	pub(crate) fn do_bid(
		bidder: &T::AccountId,
		loan_id: LoanId,
		amount: Balance,
	) -> DispatchResult {
		let mut running = Auctions::<T>::get(loan_id).ok_or(Error::<T>::AuctionNotFound)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now < running.ends_at, Error::<T>::AuctionEnded);
		let config = LiquidationSettings::<T>::get();
		let min_bid = match &running.best_bid {
			None => {
				auction::min_first_bid(running.debt, running.valuation, config.first_bid_discount)
			}
			Some((_, best)) => auction::min_next_bid(*best, running.debt, config.bid_increment),
		};
		ensure!(amount >= min_bid, Error::<T>::BidTooLow);

		let reason = HoldReason::AuctionBid.into();
		T::Currency::hold(&reason, bidder, amount)?;
		if let Some((previous, previous_amount)) = running.best_bid.take() {
			T::Currency::release(&reason, &previous, previous_amount, Precision::Exact)?;
		}
		running.first_bidder.get_or_insert_with(|| bidder.clone());
		running.best_bid = Some((bidder.clone(), amount));

		let extended = auction::end_after_bid(
			blocks(running.ends_at),
			blocks(now),
			blocks(config.extension_window),
			blocks(running.max_ends_at),
		);
		if extended != blocks(running.ends_at) {
			running.ends_at = extended.saturated_into();
			Self::unschedule(running.settle_at, SweepTask::SettleAuction, loan_id);
			Self::schedule(running.ends_at, SweepTask::SettleAuction, loan_id);
			running.settle_at = running.ends_at;
		}
		let ends_at = running.ends_at;
		Auctions::<T>::insert(loan_id, running);
		Self::deposit_event(Event::BidPlaced {
			loan: loan_id,
			bidder: bidder.clone(),
			amount,
			ends_at,
		});
		Ok(())
	}

	pub(crate) fn do_redeem(borrower: &T::AccountId, loan_id: LoanId) -> DispatchResult {
		let loan = Loans::<T>::get(loan_id).ok_or(Error::<T>::LoanNotFound)?;
		ensure!(&loan.borrower == borrower, Error::<T>::NotBorrower);
		let running = Auctions::<T>::get(loan_id).ok_or(Error::<T>::AuctionNotFound)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now < running.redeem_until, Error::<T>::RedeemPeriodOver);
		let mut pool = Self::accrued_pool(loan_id.pool)?;
		let pool_account = Self::pool_account(loan_id.pool);

		T::Currency::transfer(borrower, &pool_account, running.debt, Preservation::Preserve)?;
		pool.ledger.cash =
			pool.ledger.cash.checked_add(running.debt).ok_or(Error::<T>::Overflow)?;
		pool.ledger.auction_debt = pool.ledger.auction_debt.saturating_sub(running.debt);
		match &running.first_bidder {
			Some(first) => {
				T::Currency::transfer(
					borrower,
					first,
					running.redeem_fine,
					Preservation::Preserve,
				)?;
			}
			None => {
				T::Currency::transfer(
					borrower,
					&pool_account,
					running.redeem_fine,
					Preservation::Preserve,
				)?;
				pool.ledger.cash = pool.ledger.cash.saturating_add(running.redeem_fine);
				pool.ledger.reserve = pool.ledger.reserve.saturating_add(running.redeem_fine);
			}
		}
		if let Some((bidder, amount)) = &running.best_bid {
			T::Currency::release(
				&HoldReason::AuctionBid.into(),
				bidder,
				*amount,
				Precision::Exact,
			)?;
		}
		// The auction's settlement entry stays for the sweep to drop (see `close_loan`).
		Auctions::<T>::remove(loan_id);
		Self::close_loan(loan_id, &loan, &mut pool, CloseReason::Redeemed, true)?;
		Pools::<T>::insert(loan_id.pool, pool);
		Self::deposit_event(Event::Redeemed {
			loan: loan_id,
			debt: running.debt,
			fine: running.redeem_fine,
			fine_to: running.first_bidder,
		});
		Ok(())
	}

	pub(crate) fn do_settle(loan_id: LoanId) -> DispatchResult {
		let running = Auctions::<T>::get(loan_id).ok_or(Error::<T>::AuctionNotFound)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now >= running.ends_at, Error::<T>::AuctionNotEnded);
		Self::unschedule(running.settle_at, SweepTask::SettleAuction, loan_id);
		Self::settle_auction(loan_id, running)
	}

	/// Settle an ended auction (already out of the schedule): winner gets the NFT; the pool
	/// its debt, the reserve the penalty, the borrower the surplus; a shortfall is covered by the
	/// reserve, then written off. No bid, or an NFT that cannot be delivered: the loan defaults.
	pub(crate) fn settle_auction(loan_id: LoanId, running: AuctionOf<T>) -> DispatchResult {
		let loan = Loans::<T>::get(loan_id).ok_or(Error::<T>::LoanNotFound)?;
		let mut pool = Self::accrued_pool(loan_id.pool)?;
		Auctions::<T>::remove(loan_id);
		pool.ledger.auction_debt = pool.ledger.auction_debt.saturating_sub(running.debt);

		let Some((winner, price)) = running.best_bid.clone() else {
			return Self::default_loan(loan_id, loan, pool, &running);
		};
		let reason = HoldReason::AuctionBid.into();
		if Self::deliver_nft(&loan, &winner).is_err() {
			T::Currency::release(&reason, &winner, price, Precision::Exact)?;
			Self::deposit_event(Event::CollateralUndeliverable { loan: loan_id, winner });
			return Self::default_loan(loan_id, loan, pool, &running);
		}
		T::Currency::transfer_on_hold(
			&reason,
			&winner,
			&Self::pool_account(loan_id.pool),
			price,
			Precision::Exact,
			Restriction::Free,
			Fortitude::Force,
		)?;
		let split = auction::settle(price, running.debt, running.penalty);
		pool.ledger.cash = pool
			.ledger
			.cash
			.checked_add(split.to_pool + split.to_reserve)
			.ok_or(Error::<T>::Overflow)?;
		pool.ledger.reserve = pool.ledger.reserve.saturating_add(split.to_reserve);
		Self::book_loss(&mut pool.ledger, loan_id, split.shortfall);
		if Self::pay_from_pool(loan_id.pool, &loan.borrower, split.to_borrower).is_err() {
			// The borrower's account cannot receive it (e.g. below the existential deposit).
			pool.ledger.cash = pool.ledger.cash.saturating_add(split.to_borrower);
			pool.ledger.reserve = pool.ledger.reserve.saturating_add(split.to_borrower);
			Self::deposit_event(Event::SurplusToReserve {
				loan: loan_id,
				amount: split.to_borrower,
			});
		}
		Self::close_loan(loan_id, &loan, &mut pool, CloseReason::Liquidated, false)?;
		Pools::<T>::insert(loan_id.pool, pool);
		Self::deposit_event(Event::AuctionSettled {
			loan: loan_id,
			winner,
			price,
			to_pool: split.to_pool,
			penalty: split.to_reserve,
			surplus: split.to_borrower,
			shortfall: split.shortfall,
		});
		Ok(())
	}

	/// No sale: book the whole claim as a loss (reserve first) and put the NFT up for sale.
	fn default_loan(
		loan_id: LoanId,
		mut loan: LoanOf<T>,
		mut pool: PoolOf<T>,
		running: &AuctionOf<T>,
	) -> DispatchResult {
		let claim = running.debt;
		Self::book_loss(&mut pool.ledger, loan_id, claim);
		pool.ledger.bad_debt =
			pool.ledger.bad_debt.checked_add(claim).ok_or(Error::<T>::Overflow)?;
		let held_by_pool = Self::deliver_nft(&loan, &Self::pool_account(loan_id.pool)).is_ok();
		loan.state = LoanState::Defaulted {
			since: frame_system::Pallet::<T>::block_number(),
			start_price: running.valuation,
			claim,
			held_by_pool,
		};
		Pools::<T>::insert(loan_id.pool, pool);
		Loans::<T>::insert(loan_id, loan);
		Self::deposit_event(Event::LoanDefaulted { loan: loan_id, claim, held_by_pool });
		Ok(())
	}

	pub(crate) fn do_buy_defaulted(
		buyer: &T::AccountId,
		loan_id: LoanId,
		max_price: Balance,
	) -> DispatchResult {
		let loan = Loans::<T>::get(loan_id).ok_or(Error::<T>::LoanNotFound)?;
		let LoanState::Defaulted { since, start_price, claim, held_by_pool } = loan.state else {
			return Err(Error::<T>::NotDefaulted.into());
		};
		let price = Self::defaulted_price(since, start_price);
		ensure!(price <= max_price, Error::<T>::PriceAboveMax);
		let mut pool = Self::accrued_pool(loan_id.pool)?;

		T::Currency::transfer(
			buyer,
			&Self::pool_account(loan_id.pool),
			price,
			Preservation::Preserve,
		)?;
		let delivered = if held_by_pool {
			T::Nfts::transfer(&loan.collection, &loan.item, buyer)
		} else {
			Self::deliver_nft(&loan, buyer)
		};
		delivered.map_err(|_| Error::<T>::NftNotDeliverable)?;

		pool.ledger.cash = pool.ledger.cash.checked_add(price).ok_or(Error::<T>::Overflow)?;
		pool.ledger.bad_debt = pool.ledger.bad_debt.saturating_sub(claim);
		Self::close_loan(loan_id, &loan, &mut pool, CloseReason::DefaultedSold, false)?;
		Pools::<T>::insert(loan_id.pool, pool);
		Self::deposit_event(Event::DefaultedSold { loan: loan_id, buyer: buyer.clone(), price });
		Ok(())
	}

	/// Current price of a defaulted NFT whose sale started at `since` at `start_price`.
	pub(crate) fn defaulted_price(
		since: frame_system::pallet_prelude::BlockNumberFor<T>,
		start_price: Balance,
	) -> Balance {
		let config = LiquidationSettings::<T>::get();
		let now = frame_system::Pallet::<T>::block_number();
		auction::defaulted_price(
			start_price,
			config.default_sale_floor,
			blocks(now.saturating_sub(since)),
			blocks(config.default_sale_duration),
		)
	}

	/// Unlock a pledged NFT and move it to `to`, all or nothing: if the collection refuses the
	/// transfer, the NFT stays locked where it was.
	fn deliver_nft(loan: &LoanOf<T>, to: &T::AccountId) -> DispatchResult {
		with_storage_layer(|| {
			T::Nfts::enable_transfer(&loan.collection, &loan.item)?;
			T::Nfts::transfer(&loan.collection, &loan.item, to)
		})
	}

	/// The least a bid must be now, for views.
	pub(crate) fn min_bid(running: &AuctionOf<T>) -> Balance {
		let config = LiquidationSettings::<T>::get();
		match &running.best_bid {
			None => {
				auction::min_first_bid(running.debt, running.valuation, config.first_bid_discount)
			}
			Some((_, best)) => auction::min_next_bid(*best, running.debt, config.bid_increment),
		}
	}
}
