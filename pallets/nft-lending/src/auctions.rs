//! Liquidation auctions (SPEC section 6): start, bid, redeem, settle, delivery of the NFT, and
//! the sale of defaulted NFTs.
//!
//! When an auction starts, the loan's debt is frozen into the pool's `auction_debt` (no interest
//! during the auction; the penalty compensates lenders), its likely shortfall is provisioned
//! (lenders' value counts it from now, the reserve bearing it first), and the bidding rules of
//! the moment are fixed for it. See `docs/liquidation.md` for the state machine.

#[allow(unused_imports)]
use crate::traits::FloorPriceProvider as _;
use crate::{blocks, math::auction, pallet::*, types::*};
#[allow(unused_imports)]
use frame_support::traits::Get as _;
use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{
		fungible::{Mutate, MutateHold},
		tokens::{Fortitude, Precision, Preservation, Restriction},
	},
};
use frame_system::pallet_prelude::BlockNumberFor;
#[allow(unused_imports)]
use sp_runtime::traits::{One as _, Saturating as _, Zero as _};
use sp_runtime::SaturatedConversion;

impl<T: Config> Pallet<T> {
	/// Liquidate an active loan: freeze its debt into an auction of its NFT and provision its
	/// likely shortfall.
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
		let terms = AuctionTerms {
			first_bid_discount: config.first_bid_discount,
			bid_increment: config.bid_increment,
			extension_window: config.extension_window,
		};
		let min_bid = auction::min_first_bid(value.debt, value.valuation, terms.first_bid_discount);
		// What the auction can be expected to recover at most is its first-bid minimum: the
		// rest of the debt counts as lost from now on.
		let provision = value.debt.saturating_sub(min_bid);
		pool.ledger.provisions =
			pool.ledger.provisions.checked_add(provision).ok_or(Error::<T>::Overflow)?;

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
				terms,
				provision,
				best_bid: None,
				deliver_by: None,
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
			min_bid,
			ends_at,
			redeemable_until: redeem_until,
		});
		if !provision.is_zero() {
			Self::deposit_event(Event::LossProvisioned { loan: loan_id, provision });
		}
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
		ensure!(amount >= Self::min_bid(&running), Error::<T>::BidTooLow);

		let reason = HoldReason::AuctionBid.into();
		T::Currency::hold(&reason, bidder, amount)?;
		if let Some((previous, previous_amount)) = running.best_bid.take() {
			T::Currency::release(&reason, &previous, previous_amount, Precision::Exact)?;
		}
		running.best_bid = Some((bidder.clone(), amount));

		let extended = auction::end_after_bid(
			blocks(running.ends_at),
			blocks(now),
			blocks(running.terms.extension_window),
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
		ensure!(running.deliver_by.is_none(), Error::<T>::AwaitingDelivery);
		let mut pool = Self::accrued_pool(loan_id.pool)?;
		let value_before = pool.ledger.pool_value();
		let pool_account = Self::pool_account(loan_id.pool);

		T::Currency::transfer(borrower, &pool_account, running.debt, Preservation::Preserve)?;
		pool.ledger.cash =
			pool.ledger.cash.checked_add(running.debt).ok_or(Error::<T>::Overflow)?;
		Self::end_auction_books(&mut pool.ledger, &running);
		// The fine goes to whoever leads the auction now: a borrower who bid first from another
		// account and was outbid cannot pay it to itself.
		let fine_to = running.best_bid.as_ref().map(|(bidder, _)| bidder.clone());
		match &fine_to {
			Some(leader) => {
				T::Currency::transfer(
					borrower,
					leader,
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
		Self::unschedule(running.settle_at, SweepTask::SettleAuction, loan_id);
		Auctions::<T>::remove(loan_id);
		// The provision is released: a gain for lenders, which unlocks over time.
		Self::lock_gains_since(loan_id.pool, &mut pool.ledger, value_before, 0);
		Self::close_loan(loan_id, &loan, &mut pool, CloseReason::Redeemed)?;
		Pools::<T>::insert(loan_id.pool, pool);
		Self::deposit_event(Event::Redeemed {
			loan: loan_id,
			debt: running.debt,
			fine: running.redeem_fine,
			fine_to,
		});
		Ok(())
	}

	/// Settle an ended auction (anyone may): also a retry of the delivery of a won NFT.
	pub(crate) fn do_settle(loan_id: LoanId) -> DispatchResult {
		let running = Auctions::<T>::get(loan_id).ok_or(Error::<T>::AuctionNotFound)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now >= running.ends_at, Error::<T>::AuctionNotEnded);
		Self::unschedule(running.settle_at, SweepTask::SettleAuction, loan_id);
		Self::settle_auction(loan_id, running)
	}

	/// An auction's money leaves the pool's auction books: its frozen debt and its provision.
	fn end_auction_books(ledger: &mut PoolLedger<BlockNumberFor<T>>, running: &AuctionOf<T>) {
		ledger.auction_debt = ledger.auction_debt.saturating_sub(running.debt);
		ledger.provisions = ledger.provisions.saturating_sub(running.provision);
	}

	/// Settle an ended auction (already out of the schedule): winner gets the NFT; the pool
	/// its debt, the reserve the penalty, the borrower the surplus; a shortfall is covered by the
	/// reserve, then written off. No bid: the loan defaults. A winner whose NFT cannot be
	/// delivered keeps its bid held while anyone retries, until the delivery deadline; then the
	/// bid is released and the loan defaults.
	pub(crate) fn settle_auction(loan_id: LoanId, mut running: AuctionOf<T>) -> DispatchResult {
		let loan = Loans::<T>::get(loan_id).ok_or(Error::<T>::LoanNotFound)?;
		let now = frame_system::Pallet::<T>::block_number();
		let Some((winner, price)) = running.best_bid.clone() else {
			return Self::default_loan(loan_id, loan, &running);
		};
		let reason = HoldReason::AuctionBid.into();
		if Self::deliver_nft(&loan, &winner).is_err() {
			match running.deliver_by {
				Some(deadline) if now >= deadline => {
					T::Currency::release(&reason, &winner, price, Precision::Exact)?;
					Self::deposit_event(Event::DeliveryTimedOut { loan: loan_id, winner });
					running.best_bid = None;
					return Self::default_loan(loan_id, loan, &running);
				}
				_ => {
					// Wait for the NFT: the bid stays held, the sweep comes back at the deadline.
					let deadline = running.deliver_by.unwrap_or_else(|| {
						now.saturating_add(LiquidationSettings::<T>::get().delivery_timeout)
					});
					running.deliver_by = Some(deadline);
					running.settle_at = deadline;
					Self::schedule(deadline, SweepTask::SettleAuction, loan_id);
					Auctions::<T>::insert(loan_id, running);
					Self::deposit_event(Event::CollateralUndeliverable {
						loan: loan_id,
						winner,
						deliver_by: deadline,
					});
					return Ok(());
				}
			}
		}
		let mut pool = Self::accrued_pool(loan_id.pool)?;
		let value_before = pool.ledger.pool_value();
		Auctions::<T>::remove(loan_id);
		Self::end_auction_books(&mut pool.ledger, &running);
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
		// A sale above the provisioned recovery is a gain for lenders: it unlocks over time.
		Self::lock_gains_since(loan_id.pool, &mut pool.ledger, value_before, 0);
		Self::close_loan(loan_id, &loan, &mut pool, CloseReason::Liquidated)?;
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

	/// No sale: book the whole claim as a loss (reserve first) and put the NFT up for sale. An
	/// NFT that cannot reach the pool's account stays pledged at the borrower and is never sold
	/// below the claim.
	fn default_loan(
		loan_id: LoanId,
		mut loan: LoanOf<T>,
		running: &AuctionOf<T>,
	) -> DispatchResult {
		let mut pool = Self::accrued_pool(loan_id.pool)?;
		Auctions::<T>::remove(loan_id);
		Self::end_auction_books(&mut pool.ledger, running);
		let claim = running.debt;
		let reserve_paid = Self::book_loss(&mut pool.ledger, loan_id, claim);
		pool.ledger.bad_debt =
			pool.ledger.bad_debt.checked_add(claim).ok_or(Error::<T>::Overflow)?;
		let pool_account = Self::pool_account(loan_id.pool);
		let held_by_pool = Self::deliver_nft(&loan, &pool_account).is_ok();
		if held_by_pool {
			// Still the loan's until it is sold: nobody may move it from the pool's account.
			LoanOfNft::<T>::insert(loan.collection, loan.item, loan_id);
		}
		let config = LiquidationSettings::<T>::get();
		loan.state = LoanState::Defaulted {
			since: frame_system::Pallet::<T>::block_number(),
			start_price: running.valuation,
			sale_duration: config.default_sale_duration,
			sale_floor: config.default_sale_floor,
			min_price: if held_by_pool { 0 } else { claim },
			claim,
			reserve_paid,
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
		let LoanState::Defaulted { claim, reserve_paid, .. } = loan.state else {
			return Err(Error::<T>::NotDefaulted.into());
		};
		let price = Self::defaulted_price(&loan.state);
		ensure!(price <= max_price, Error::<T>::PriceAboveMax);
		let mut pool = Self::accrued_pool(loan_id.pool)?;
		let value_before = pool.ledger.pool_value();

		T::Currency::transfer(
			buyer,
			&Self::pool_account(loan_id.pool),
			price,
			Preservation::Preserve,
		)?;
		Self::deliver_nft(&loan, buyer).map_err(|_| Error::<T>::NftNotDeliverable)?;

		pool.ledger.cash = pool.ledger.cash.checked_add(price).ok_or(Error::<T>::Overflow)?;
		pool.ledger.bad_debt = pool.ledger.bad_debt.saturating_sub(claim);
		// The recovery refills the reserve by what it paid towards this loss; the rest is
		// lenders', unlocking over time.
		let to_reserve = price.min(reserve_paid);
		pool.ledger.reserve = pool.ledger.reserve.saturating_add(to_reserve);
		Self::lock_gains_since(loan_id.pool, &mut pool.ledger, value_before, to_reserve);
		Self::close_loan(loan_id, &loan, &mut pool, CloseReason::DefaultedSold)?;
		Pools::<T>::insert(loan_id.pool, pool);
		Self::deposit_event(Event::DefaultedSold { loan: loan_id, buyer: buyer.clone(), price });
		Ok(())
	}

	/// Current price of a defaulted NFT (`state` is `Defaulted`; zero otherwise): its sale's
	/// falling curve, never below its minimum.
	pub(crate) fn defaulted_price(state: &LoanState<BlockNumberFor<T>>) -> Balance {
		let LoanState::Defaulted {
			since, start_price, sale_duration, sale_floor, min_price, ..
		} = state
		else {
			return 0;
		};
		let now = frame_system::Pallet::<T>::block_number();
		auction::defaulted_price(
			*start_price,
			*sale_floor,
			blocks(now.saturating_sub(*since)),
			blocks(*sale_duration),
		)
		.max(*min_price)
	}

	/// The least a bid must be now: the first bid at least `min(debt, valuation less the
	/// discount)`, each next one the best bid plus the increment (the auction's own terms).
	pub(crate) fn min_bid(running: &AuctionOf<T>) -> Balance {
		match &running.best_bid {
			None => auction::min_first_bid(
				running.debt,
				running.valuation,
				running.terms.first_bid_discount,
			),
			Some((_, best)) => {
				auction::min_next_bid(*best, running.debt, running.terms.bid_increment)
			}
		}
	}
}
