//! Pools: creation and settings, interest accrual, lender deposits and withdrawals, the reserve.
//!
//! The pool's accounting reads its own ledger ([`PoolLedger`]), never the raw account balance, so
//! tokens sent straight to a pool account change nothing.

#[allow(unused_imports)]
use crate::traits::FloorPriceProvider as _;
use crate::{
	blocks,
	math::{self, gains, interest, rates, shares, Rate},
	pallet::*,
	types::*,
};
#[allow(unused_imports)]
use frame_support::traits::Get as _;
use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, Mutate},
		tokens::Preservation,
	},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_arithmetic::{traits::Zero, FixedPointNumber, Perbill};
#[allow(unused_imports)]
use sp_runtime::traits::{One as _, Saturating as _, Zero as _};
use sp_runtime::SaturatedConversion;

impl<T: Config> Pallet<T> {
	/// SPEC section 8's bounds: a valid curve; maximum utilization and reserve factor below
	/// 100% (lenders can always leave, and they always earn something); a fixed pool's curve not
	/// zero everywhere (a 0% fixed loan would never accrue); distinct, non-zero terms.
	pub(crate) fn ensure_valid_pool_params(params: &PoolParamsOf<T>) -> DispatchResult {
		ensure!(params.rate_model.curve().is_valid(), Error::<T>::InvalidRateCurve);
		ensure!(
			!params.max_utilization.is_zero()
				&& params.max_utilization < Perbill::one()
				&& params.reserve_factor < Perbill::one(),
			Error::<T>::InvalidPoolParams
		);
		if let RateModel::Fixed { terms, curve } = &params.rate_model {
			ensure!(!rates::max_rate(curve).is_zero(), Error::<T>::ZeroRateCurve);
			ensure!(!terms.is_empty(), Error::<T>::InvalidTerms);
			let mut seen = alloc::vec::Vec::with_capacity(terms.len());
			for term in terms.iter() {
				ensure!(!term.is_zero() && !seen.contains(term), Error::<T>::InvalidTerms);
				seen.push(*term);
			}
		}
		Ok(())
	}

	pub(crate) fn do_create_pool(params: PoolParamsOf<T>) -> Result<PoolId, DispatchError> {
		Self::ensure_valid_pool_params(&params)?;
		let id = NextPoolId::<T>::get();
		ensure!(id < T::MaxPools::get(), Error::<T>::TooManyPools);
		let now = frame_system::Pallet::<T>::block_number();
		let ledger =
			PoolLedger { borrow_index: Rate::one(), last_accrual: now, ..Default::default() };
		Pools::<T>::insert(
			id,
			Pool {
				params: params.clone(),
				status: PoolStatus::Active,
				collections: Default::default(),
				ledger,
				loans_opened: 0,
			},
		);
		NextPoolId::<T>::put(id + 1);
		Self::deposit_event(Event::PoolCreated {
			pool: id,
			account: Self::pool_account(id),
			params,
		});
		Ok(id)
	}

	pub(crate) fn do_set_pool_params(pool_id: PoolId, params: PoolParamsOf<T>) -> DispatchResult {
		Self::ensure_valid_pool_params(&params)?;
		let mut pool = Self::accrued_pool(pool_id)?;
		let has_loans = pool.collections.iter().any(|(_, listing)| listing.open_loans > 0);
		ensure!(
			!has_loans || pool.params.rate_model.is_fixed() == params.rate_model.is_fixed(),
			Error::<T>::RateModelChangeWithOpenLoans
		);
		// Variable loans' next checks assume the curve's highest rate: a higher one brings them
		// forward, so each collection of the pool gets a health-check pass (which files them
		// again at the new rate).
		let old_max = rates::max_rate(pool.params.rate_model.curve());
		let raised = rates::max_rate(params.rate_model.curve()) > old_max;
		if raised && !pool.ledger.scaled_debt.is_zero() {
			for (collection, _) in &pool.collections {
				Self::queue_health_check(*collection);
			}
		}
		pool.params = params.clone();
		Pools::<T>::insert(pool_id, pool);
		Self::deposit_event(Event::PoolParamsSet { pool: pool_id, params });
		Ok(())
	}

	pub(crate) fn do_set_paused(pool_id: PoolId, paused: bool) -> DispatchResult {
		Pools::<T>::try_mutate(pool_id, |pool| {
			let pool = pool.as_mut().ok_or(Error::<T>::PoolNotFound)?;
			pool.status = if paused { PoolStatus::Paused } else { PoolStatus::Active };
			Ok::<_, DispatchError>(())
		})?;
		Self::deposit_event(if paused {
			Event::PoolPaused { pool: pool_id }
		} else {
			Event::PoolUnpaused { pool: pool_id }
		});
		Ok(())
	}

	/// Bring `ledger` to now (the caller writes it): interest accrued, the utilization
	/// averages moved towards what the pool held since the last accrual, and locked gains
	/// unlocked for the blocks that passed.
	pub(crate) fn accrue(
		ledger: &mut PoolLedger<BlockNumberFor<T>>,
		curve: &RateCurve,
		reserve_factor: Perbill,
	) {
		let now = frame_system::Pallet::<T>::block_number();
		if now <= ledger.last_accrual {
			return;
		}
		let elapsed = blocks(now - ledger.last_accrual);
		let per_year = T::BlocksPerYear::get() as u64;
		// Deposits of an earlier block are lendable now.
		ledger.fresh_deposits = 0;

		// What the pool held since the last accrual (this block's changes come after).
		let window = T::UtilizationWindow::get() as u64;
		ledger.average_debt =
			rates::move_average(ledger.average_debt, ledger.live_debt(), elapsed, window);
		ledger.average_cash =
			rates::move_average(ledger.average_cash, ledger.cash, elapsed, window);
		let remaining = blocks(ledger.gain_unlocks_at.saturating_sub(ledger.last_accrual));
		ledger.locked_gain -= gains::unlocked(ledger.locked_gain, remaining, elapsed);
		let apr = rates::borrow_rate(curve, ledger.utilization());

		let variable_before = ledger.variable_debt();
		ledger.borrow_index = interest::grow_index(ledger.borrow_index, apr, elapsed, per_year);
		let variable_interest = ledger.variable_debt().saturating_sub(variable_before);

		let (fixed_interest, remainder) = interest::accrue_fixed_interest(
			ledger.fixed_rate_weight,
			ledger.fixed_interest_remainder,
			elapsed,
			per_year,
		);
		ledger.fixed_debt = ledger.fixed_debt.saturating_add(fixed_interest);
		ledger.fixed_interest_remainder = remainder;

		let earned = variable_interest.saturating_add(fixed_interest);
		ledger.reserve = ledger.reserve.saturating_add(reserve_factor.mul_floor(earned));
		ledger.last_accrual = now;
	}

	/// Read a pool and accrue its interest up to now (the caller writes it back).
	pub(crate) fn accrued_pool(pool_id: PoolId) -> Result<PoolOf<T>, DispatchError> {
		let mut pool = Pools::<T>::get(pool_id).ok_or(Error::<T>::PoolNotFound)?;
		let curve = *pool.params.rate_model.curve();
		Self::accrue(&mut pool.ledger, &curve, pool.params.reserve_factor);
		Ok(pool)
	}

	/// A pool as it would be after accruing now, for read-only views and checks.
	pub(crate) fn pool_now(pool_id: PoolId) -> Option<PoolOf<T>> {
		Self::accrued_pool(pool_id).ok()
	}

	pub(crate) fn do_deposit(
		lender: &T::AccountId,
		pool_id: PoolId,
		amount: Balance,
	) -> Result<Balance, DispatchError> {
		let mut pool = Self::accrued_pool(pool_id)?;
		ensure!(pool.status == PoolStatus::Active, Error::<T>::PoolPaused);

		let first_deposit = pool.ledger.total_shares.is_zero();
		// The pool account's existential deposit, paid once by the first lender, is never cash.
		let seed = if first_deposit { T::Currency::minimum_balance() } else { 0 };
		let locked_shares = if first_deposit { T::MinimumLiquidity::get() } else { 0 };
		let counted = amount.checked_sub(seed).ok_or(Error::<T>::FirstDepositTooSmall)?;
		// The pool's first money has no history to average: its averages start here.
		if first_deposit {
			pool.ledger.average_cash = pool.ledger.cash.saturating_add(counted);
			pool.ledger.average_debt = pool.ledger.live_debt();
		}
		if first_deposit {
			ensure!(counted > locked_shares, Error::<T>::FirstDepositTooSmall);
		}
		let pool_value = pool.ledger.pool_value();
		ensure!(first_deposit || !pool_value.is_zero(), Error::<T>::PoolInsolvent);
		let minted = shares::shares_for_deposit(counted, pool.ledger.total_shares, pool_value)
			.ok_or(Error::<T>::Overflow)?;
		let to_lender = minted - locked_shares;
		ensure!(!to_lender.is_zero(), Error::<T>::DepositTooSmall);

		T::Currency::transfer(
			lender,
			&Self::pool_account(pool_id),
			amount,
			Preservation::Preserve,
		)?;
		pool.ledger.cash = pool.ledger.cash.checked_add(counted).ok_or(Error::<T>::Overflow)?;
		// Lendable from the next block (the pool's first money has nothing to protect).
		if !first_deposit {
			pool.ledger.fresh_deposits = pool.ledger.fresh_deposits.saturating_add(counted);
		}
		pool.ledger.total_shares =
			pool.ledger.total_shares.checked_add(minted).ok_or(Error::<T>::Overflow)?;
		Shares::<T>::mutate(pool_id, lender, |s| *s = s.saturating_add(to_lender));
		Pools::<T>::insert(pool_id, pool);

		Self::deposit_event(Event::Deposited {
			pool: pool_id,
			lender: lender.clone(),
			amount,
			shares: to_lender,
			locked_shares,
			seed,
		});
		Ok(to_lender)
	}

	pub(crate) fn do_withdraw(
		lender: &T::AccountId,
		pool_id: PoolId,
		shares_to_burn: Balance,
	) -> DispatchResult {
		let mut pool = Self::accrued_pool(pool_id)?;
		let owned = Shares::<T>::get(pool_id, lender);
		ensure!(
			!shares_to_burn.is_zero() && shares_to_burn <= owned,
			Error::<T>::InsufficientShares
		);
		let amount = shares::amount_for_shares(
			shares_to_burn,
			pool.ledger.total_shares,
			pool.ledger.pool_value(),
		)
		.ok_or(Error::<T>::Overflow)?;
		ensure!(!amount.is_zero(), Error::<T>::WithdrawTooSmall);
		ensure!(amount <= pool.ledger.cash, Error::<T>::InsufficientLiquidity);

		pool.ledger.cash -= amount;
		pool.ledger.total_shares -= shares_to_burn;
		Self::pay_from_pool(pool_id, lender, amount)?;
		if owned == shares_to_burn {
			Shares::<T>::remove(pool_id, lender);
		} else {
			Shares::<T>::insert(pool_id, lender, owned - shares_to_burn);
		}
		Pools::<T>::insert(pool_id, pool);
		Self::deposit_event(Event::Withdrawn {
			pool: pool_id,
			lender: lender.clone(),
			shares: shares_to_burn,
			amount,
		});
		Ok(())
	}

	pub(crate) fn do_withdraw_reserve(
		pool_id: PoolId,
		amount: Balance,
		beneficiary: T::AccountId,
	) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let mut pool = Self::accrued_pool(pool_id)?;
		let reserve_after =
			pool.ledger.reserve.checked_sub(amount).ok_or(Error::<T>::InsufficientReserve)?;
		// The reserve bears provisioned losses first: taking it below them would move the loss
		// to lenders. Losses already booked were covered as far as the reserve went.
		ensure!(reserve_after >= pool.ledger.provisions, Error::<T>::InsufficientReserve);
		ensure!(amount <= pool.ledger.cash, Error::<T>::InsufficientLiquidity);
		pool.ledger.reserve = reserve_after;
		pool.ledger.cash -= amount;
		Self::pay_from_pool(pool_id, &beneficiary, amount)?;
		Pools::<T>::insert(pool_id, pool);
		Self::deposit_event(Event::ReserveWithdrawn { pool: pool_id, amount, beneficiary });
		Ok(())
	}

	/// Move `amount` of the pool's tokens to `to`. The pool account keeps its existential
	/// deposit, which is never part of the tracked cash.
	pub(crate) fn pay_from_pool(
		pool_id: PoolId,
		to: &T::AccountId,
		amount: Balance,
	) -> DispatchResult {
		if amount.is_zero() {
			return Ok(());
		}
		T::Currency::transfer(&Self::pool_account(pool_id), to, amount, Preservation::Preserve)
			.map(|_| ())
	}

	/// Book a loss on a loan in its pool's `ledger`: the reserve covers what it can, lenders the
	/// rest. Emits `BadDebt`. Returns what the reserve paid.
	pub(crate) fn book_loss(
		ledger: &mut PoolLedger<BlockNumberFor<T>>,
		loan: LoanId,
		loss: Balance,
	) -> Balance {
		if loss.is_zero() {
			return 0;
		}
		let (covered_by_reserve, written_off) = math::auction::cover_loss(loss, ledger.reserve);
		ledger.reserve -= covered_by_reserve;
		Self::deposit_event(Event::BadDebt { loan, loss, covered_by_reserve, written_off });
		covered_by_reserve
	}

	/// Whatever raised lenders' value in one step since `value_before` (a sale, a released
	/// provision) is locked, to unlock over `GainUnlockPeriod`: lenders' value stays where it
	/// was and rises block by block. `to_reserve` is what the gain first refilled the reserve
	/// with (for the event). The ledger must be accrued to now.
	pub(crate) fn lock_gains_since(
		pool_id: PoolId,
		ledger: &mut PoolLedger<BlockNumberFor<T>>,
		value_before: Balance,
		to_reserve: Balance,
	) {
		let gain = ledger.pool_value().saturating_sub(value_before);
		let period = T::GainUnlockPeriod::get() as u64;
		if gain.is_zero() || period.is_zero() {
			return;
		}
		let now = frame_system::Pallet::<T>::block_number();
		let remaining = blocks(ledger.gain_unlocks_at.saturating_sub(now));
		let (locked, blocks_left) = gains::lock_gain(ledger.locked_gain, remaining, gain, period);
		ledger.locked_gain = locked;
		ledger.gain_unlocks_at = now.saturating_add(blocks_left.saturated_into());
		Self::deposit_event(Event::GainLocked {
			pool: pool_id,
			amount: gain,
			to_reserve,
			unlocks_at: ledger.gain_unlocks_at,
		});
	}

	pub(crate) fn ensure_valid_liquidation_config(
		config: &LiquidationConfigOf<T>,
	) -> DispatchResult {
		let ok = !config.auction_duration.is_zero()
			&& !config.delivery_timeout.is_zero()
			&& !config.redeem_period.is_zero()
			&& config.redeem_period < config.auction_duration
			&& config.extension_window < config.auction_duration
			&& config.redeem_fine <= Perbill::from_percent(20)
			&& config.first_bid_discount <= Perbill::from_percent(50)
			&& !config.bid_increment.is_zero()
			&& config.bid_increment <= Perbill::from_percent(10)
			&& config.default_sale_floor <= Perbill::from_percent(100);
		ensure!(ok, Error::<T>::InvalidLiquidationConfig);
		Ok(())
	}

	/// Average APR of a pool's fixed loans (weighted by principal), for the views.
	pub(crate) fn average_fixed_apr(ledger: &PoolLedger<BlockNumberFor<T>>) -> Rate {
		if ledger.fixed_debt.is_zero() {
			return Rate::zero();
		}
		// weight = sum(principal * apr_parts); average apr = weight / principal-ish (debt).
		Rate::checked_from_rational(ledger.fixed_rate_weight, ledger.fixed_debt)
			.map(|r| r / Rate::saturating_from_integer(1_000_000_000u64))
			.unwrap_or_default()
	}

	/// The utilization a borrow of `amount` is measured at (the higher of right after it and
	/// the `UtilizationWindow` average with it), checked against the pool's maximum and cash.
	/// Returns it: a fixed loan's APR is priced at it.
	pub(crate) fn ensure_can_lend(
		pool: &PoolOf<T>,
		amount: Balance,
	) -> Result<Perbill, DispatchError> {
		ensure!(amount <= pool.ledger.lendable_cash(), Error::<T>::InsufficientLiquidity);
		let utilization =
			pool.ledger.utilization_for_borrow(amount).ok_or(Error::<T>::InsufficientLiquidity)?;
		ensure!(utilization <= pool.params.max_utilization, Error::<T>::UtilizationTooHigh);
		Ok(utilization)
	}
}
