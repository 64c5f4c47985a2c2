//! The one place that values a loan: what it owes now and how healthy it is.

#[allow(unused_imports)]
use crate::traits::FloorPriceProvider as _;
use crate::{
	blocks,
	math::{interest, valuation, Rate},
	pallet::*,
	types::*,
};
#[allow(unused_imports)]
use frame_support::traits::Get as _;
use frame_system::pallet_prelude::BlockNumberFor;
#[allow(unused_imports)]
use sp_runtime::traits::{One as _, Saturating as _, Zero as _};

/// A loan measured now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LoanValue {
	/// What the loan owes now (rounded up).
	pub debt: Balance,
	/// The health valuation of its NFT: the collection's TWAP (0 without a price).
	pub valuation: Balance,
	/// `valuation * threshold / debt`; `None` when nothing is owed.
	pub health_factor: Option<Rate>,
	/// Health factor below 1.
	pub liquidatable: bool,
}

impl<T: Config> Pallet<T> {
	/// What an active loan owes now, given its pool's ledger accrued to now. Rounded up.
	pub(crate) fn active_debt(loan: &LoanOf<T>, ledger: &PoolLedger<BlockNumberFor<T>>) -> Balance {
		match &loan.debt {
			LoanDebt::Variable { scaled_debt } => {
				interest::debt_from_scaled(*scaled_debt, ledger.borrow_index)
					.unwrap_or(Balance::MAX)
			}
			LoanDebt::Fixed { principal, unpaid_interest, apr, interest_since, .. } => {
				let now = frame_system::Pallet::<T>::block_number();
				let elapsed = blocks(now.saturating_sub(*interest_since));
				let running = interest::simple_interest(
					*principal,
					*apr,
					elapsed,
					T::BlocksPerYear::get() as u64,
				)
				.unwrap_or(Balance::MAX);
				principal.saturating_add(*unpaid_interest).saturating_add(running)
			}
		}
	}

	/// The valuation the health factor uses: the TWAP of the upper middle value, whether fresh
	/// or not (a stale price stops new borrowing, but open loans keep being watched at the last
	/// known price).
	pub(crate) fn health_valuation(collection: &T::CollectionId) -> Balance {
		T::Prices::floor_price(collection).map(|p| p.health).unwrap_or_default()
	}

	/// Value an active loan against its pool's ledger accrued to now.
	pub(crate) fn value_loan(
		loan: &LoanOf<T>,
		ledger: &PoolLedger<BlockNumberFor<T>>,
	) -> LoanValue {
		Self::value_loan_at(loan, ledger, Self::health_valuation(&loan.collection))
	}

	/// Value an active loan whose NFT's health valuation (the TWAP) the caller has read.
	pub(crate) fn value_loan_at(
		loan: &LoanOf<T>,
		ledger: &PoolLedger<BlockNumberFor<T>>,
		valuation: Balance,
	) -> LoanValue {
		let debt = Self::active_debt(loan, ledger);
		LoanValue {
			debt,
			valuation,
			health_factor: valuation::health_factor(valuation, loan.liquidation_threshold, debt),
			liquidatable: valuation::is_liquidatable(valuation, loan.liquidation_threshold, debt),
		}
	}

	/// The valuation a new borrow is measured against, `min(spot, twap)` of the lower middle
	/// value, and the health valuation (the upper TWAP), from one read of the price. Only a
	/// price that is fresh, warmed up and not flagged lends.
	pub(crate) fn borrow_valuation(
		collection: &T::CollectionId,
	) -> Result<(Balance, Balance), Error<T>> {
		let price = T::Prices::floor_price(collection).ok_or(Error::<T>::NoPrice)?;
		frame_support::ensure!(price.fresh, Error::<T>::StalePrice);
		frame_support::ensure!(price.warm, Error::<T>::PriceWarmingUp);
		frame_support::ensure!(!price.flagged, Error::<T>::PriceFlagged);
		Ok((valuation::borrow_valuation(price.spot, price.twap), price.health))
	}
}
