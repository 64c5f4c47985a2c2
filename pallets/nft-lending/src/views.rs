//! Figures for wallets and dashboards: the runtime API `NftLendingApi` and the pallet's view
//! functions both answer with these.

#[allow(unused_imports)]
use crate::traits::FloorPriceProvider as _;
use crate::{
	math::{interest, rates, shares, valuation, Rate},
	pallet::*,
	types::*,
};
use alloc::vec::Vec;
use codec::{Decode, Encode};
#[allow(unused_imports)]
use frame_support::traits::Get as _;
use frame_support::traits::Get;
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use sp_arithmetic::{traits::Zero, Perbill};
#[allow(unused_imports)]
use sp_runtime::traits::{One as _, Saturating as _, Zero as _};

/// A pool's figures now (interest accrued to the current block).
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct PoolInfo {
	/// Active or paused.
	pub status: PoolStatus,
	/// Whether loans have terms and locked APRs.
	pub fixed_rate: bool,
	/// Idle tokens available for borrows and withdrawals.
	pub cash: Balance,
	/// What running loans and auctions owe.
	pub debt: Balance,
	/// The protocol's part of the pool.
	pub reserve: Balance,
	/// Claims of defaulted loans whose NFT is still for sale (already a loss).
	pub bad_debt: Balance,
	/// Losses provisioned for loans in auction (their debt less the first-bid minimum); the
	/// reserve bears them first, lenders' value only what the reserve cannot cover.
	pub provisions: Balance,
	/// Gains that reached the pool in one step and are still unlocking into lenders' value.
	pub locked_gain: Balance,
	/// The block by which `locked_gain` has all unlocked.
	pub gain_unlocks_at: u64,
	/// What all lenders' shares are worth: `cash + debt - max(reserve, provisions) -
	/// locked_gain`.
	pub pool_value: Balance,
	/// All shares.
	pub total_shares: Balance,
	/// Value of one share (1.0 at the start).
	pub share_price: Rate,
	/// `debt / (debt + cash)`.
	pub utilization: Perbill,
	/// Utilization averaged over `UtilizationWindow`: a borrow is measured at the higher of this
	/// (with the borrow) and the utilization right after it.
	pub averaged_utilization: Perbill,
	/// Variable pools: what borrowers pay now. Fixed pools: the APR a new loan would lock at
	/// today's utilization.
	pub borrow_apr: Rate,
	/// What lenders earn a year at today's rates.
	pub supply_apr: Rate,
	/// New borrows stop above this utilization.
	pub max_utilization: Perbill,
	/// Collections listed (or removed with loans still open).
	pub collections: u32,
}

/// Where a loan is in its life, with the numbers that matter there.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub enum LoanStatus<AccountId, BlockNumber> {
	/// Running.
	Active,
	/// Being auctioned.
	InAuction {
		/// Bids are taken until this block.
		ends_at: BlockNumber,
		/// The borrower may redeem until this block.
		redeem_until: BlockNumber,
		/// The leading bid.
		best_bid: Option<(AccountId, Balance)>,
		/// The least the next bid must be.
		min_bid: Balance,
	},
	/// Auction ended without a sale; the NFT is for sale at a falling price.
	Defaulted {
		/// Price now (`buy_defaulted`).
		price: Balance,
	},
}

/// A loan's figures now.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct LoanInfo<AccountId, CollectionId, ItemId, BlockNumber> {
	/// The lending pool.
	pub pool: PoolId,
	/// The borrower.
	pub borrower: AccountId,
	/// The pledged NFT's collection.
	pub collection: CollectionId,
	/// The pledged NFT.
	pub item: ItemId,
	/// What it owes now (in auction: the frozen debt; defaulted: the claim).
	pub debt: Balance,
	/// The NFT's health valuation (TWAP).
	pub valuation: Balance,
	/// `valuation * liquidation_threshold / debt`; `None` when nothing is owed.
	pub health_factor: Option<Rate>,
	/// The loan's liquidation threshold (fixed at origination).
	pub liquidation_threshold: Perbill,
	/// Fixed loans: the locked APR.
	pub apr: Option<Rate>,
	/// Fixed loans: the last block of the term.
	pub due: Option<BlockNumber>,
	/// Fixed loans: the block from which the loan is overdue and gets liquidated.
	pub overdue_at: Option<BlockNumber>,
	/// Where it is in its life.
	pub status: LoanStatus<AccountId, BlockNumber>,
}

/// Loan figures as this runtime's types fill them.
pub type LoanInfoOf<T> = LoanInfo<
	<T as frame_system::Config>::AccountId,
	<T as Config>::CollectionId,
	<T as Config>::ItemId,
	BlockNumberFor<T>,
>;

/// A lender's stake in one pool.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct DepositPosition {
	/// The pool.
	pub pool: PoolId,
	/// Shares held.
	pub shares: Balance,
	/// What they would pay out now (before liquidity limits).
	pub value: Balance,
}

/// Everything an account has in the protocol.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct Positions<AccountId, CollectionId, ItemId, BlockNumber> {
	/// Deposits, one per pool.
	pub deposits: Vec<DepositPosition>,
	/// Loans as borrower on NFTs the account still owns (active or in auction).
	pub loans: Vec<(LoanId, LoanInfo<AccountId, CollectionId, ItemId, BlockNumber>)>,
}

/// Positions as this runtime's types fill them.
pub type PositionsOf<T> = Positions<
	<T as frame_system::Config>::AccountId,
	<T as Config>::CollectionId,
	<T as Config>::ItemId,
	BlockNumberFor<T>,
>;

/// A collection as a pool lists it, with who can lock transfers of its items.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct ListingInfo<AccountId> {
	/// The risk numbers new loans get.
	pub params: CollectionParams,
	/// Listed, or removed with loans still open.
	pub status: ListingStatus,
	/// Open loans on the collection in the pool.
	pub open_loans: u32,
	/// What the collection owes the pool now (variable debt with interest, fixed principal):
	/// what its debt ceiling is measured against.
	pub debt: Balance,
	/// The holders of the collection's owner, admin and freezer roles.
	pub roles: CollectionRoles<AccountId>,
}

/// Listing figures as this runtime's types fill them.
pub type ListingInfoOf<T> = ListingInfo<<T as frame_system::Config>::AccountId>;

/// Why nothing can be borrowed on an NFT now.
#[derive(Encode, Decode, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub enum BorrowLimitError {
	/// No such pool.
	PoolNotFound,
	/// The pool is paused.
	PoolPaused,
	/// The collection is not listed in the pool.
	CollectionNotListed,
	/// The NFT already backs a loan.
	NftAlreadyPledged,
	/// The collection has no price.
	NoPrice,
	/// The collection's price is stale.
	StalePrice,
	/// The collection's price is still warming up.
	PriceWarmingUp,
	/// The collection's price is flagged (still catching up with a large move).
	PriceFlagged,
	/// The collection has its maximum number of loans.
	MaxLoansReached,
	/// What could be lent is below the minimum loan size.
	BelowMinimumLoan,
}

impl<T: Config> Pallet<T> {
	/// A pool's figures now.
	pub fn pool_info(pool_id: PoolId) -> Option<PoolInfo> {
		let pool = Self::pool_now(pool_id)?;
		let ledger = &pool.ledger;
		let utilization = ledger.utilization();
		let borrow_apr = rates::borrow_rate(pool.params.rate_model.curve(), utilization);
		let earning_apr = if pool.params.rate_model.is_fixed() {
			Self::average_fixed_apr(ledger)
		} else {
			borrow_apr
		};
		Some(PoolInfo {
			status: pool.status,
			fixed_rate: pool.params.rate_model.is_fixed(),
			cash: ledger.cash,
			debt: ledger.live_debt(),
			reserve: ledger.reserve,
			bad_debt: ledger.bad_debt,
			provisions: ledger.provisions,
			locked_gain: ledger.locked_gain,
			gain_unlocks_at: crate::blocks(ledger.gain_unlocks_at),
			pool_value: ledger.pool_value(),
			total_shares: ledger.total_shares,
			share_price: shares::share_price(ledger.total_shares, ledger.pool_value()),
			utilization,
			averaged_utilization: rates::averaged_utilization_with(
				ledger.average_debt,
				ledger.average_cash,
				0,
			),
			borrow_apr: if pool.params.rate_model.is_fixed() {
				interest::quantise_apr(borrow_apr)
			} else {
				borrow_apr
			},
			supply_apr: rates::supply_rate(earning_apr, utilization, pool.params.reserve_factor),
			max_utilization: pool.params.max_utilization,
			collections: pool.collections.len() as u32,
		})
	}

	/// A loan's figures now.
	pub fn loan_info(loan_id: LoanId) -> Option<LoanInfoOf<T>> {
		let loan = Loans::<T>::get(loan_id)?;
		let (apr, due, overdue_at) = match &loan.debt {
			LoanDebt::Variable { .. } => (None, None, None),
			LoanDebt::Fixed { apr, due, overdue_at, .. } => {
				(Some(*apr), Some(*due), Some(*overdue_at))
			}
		};
		let valuation = Self::health_valuation(&loan.collection);
		let (debt, status) = match &loan.state {
			LoanState::Active => {
				let pool = Self::pool_now(loan_id.pool)?;
				(Self::active_debt(&loan, &pool.ledger), LoanStatus::Active)
			}
			LoanState::InAuction => {
				let running = Auctions::<T>::get(loan_id)?;
				let min_bid = Self::min_bid(&running);
				(
					running.debt,
					LoanStatus::InAuction {
						ends_at: running.ends_at,
						redeem_until: running.redeem_until,
						best_bid: running.best_bid,
						min_bid,
					},
				)
			}
			LoanState::Defaulted { claim, .. } => {
				(*claim, LoanStatus::Defaulted { price: Self::defaulted_price(&loan.state) })
			}
		};
		Some(LoanInfo {
			pool: loan_id.pool,
			borrower: loan.borrower,
			collection: loan.collection,
			item: loan.item,
			debt,
			valuation,
			health_factor: valuation::health_factor(valuation, loan.liquidation_threshold, debt),
			liquidation_threshold: loan.liquidation_threshold,
			apr,
			due,
			overdue_at,
			status,
		})
	}

	/// The most `borrow` would lend on this NFT from this pool now: the lowest of the ltv limit,
	/// the collection's room under its ceiling, the pool's cash and its utilization room.
	pub fn max_borrow_amount(
		pool_id: PoolId,
		collection: T::CollectionId,
		item: T::ItemId,
	) -> Result<Balance, BorrowLimitError> {
		let pool = Self::pool_now(pool_id).ok_or(BorrowLimitError::PoolNotFound)?;
		if pool.status != PoolStatus::Active {
			return Err(BorrowLimitError::PoolPaused);
		}
		let listing = pool
			.listing(&collection)
			.filter(|entry| entry.status == ListingStatus::Listed)
			.cloned()
			.ok_or(BorrowLimitError::CollectionNotListed)?;
		if Self::loan_of_nft(&collection, &item).is_some() {
			return Err(BorrowLimitError::NftAlreadyPledged);
		}
		if listing.open_loans >= listing.params.max_loans {
			return Err(BorrowLimitError::MaxLoansReached);
		}
		let (value, _) = Self::borrow_valuation(&collection).map_err(|e| match e {
			Error::<T>::StalePrice => BorrowLimitError::StalePrice,
			Error::<T>::PriceWarmingUp => BorrowLimitError::PriceWarmingUp,
			Error::<T>::PriceFlagged => BorrowLimitError::PriceFlagged,
			_ => BorrowLimitError::NoPrice,
		})?;
		let ledger = &pool.ledger;
		let collection_debt = interest::debt_from_scaled(listing.scaled_debt, ledger.borrow_index)
			.unwrap_or(Balance::MAX)
			.saturating_add(listing.fixed_principal);
		// Room under the maximum utilization, right after the borrow (without this block's
		// deposits) and on the window's average with it (a borrow is measured at the higher of
		// the two).
		let room = |debt: Balance, cash: Balance| {
			pool.params.max_utilization.mul_floor(debt.saturating_add(cash)).saturating_sub(debt)
		};
		let most = valuation::max_debt(value, listing.params.ltv);
		let amount = most
			.min(listing.params.debt_ceiling.saturating_sub(collection_debt))
			.min(ledger.lendable_cash())
			.min(room(ledger.live_debt(), ledger.lendable_cash()))
			.min(room(ledger.average_debt, ledger.average_cash));
		let least = T::MinLoanAmount::get().max(T::MinLoanShare::get().mul_ceil(most));
		if amount < least || amount.is_zero() {
			return Err(BorrowLimitError::BelowMinimumLoan);
		}
		Ok(amount)
	}

	/// A collection's listing in a pool, with its role holders.
	pub fn listing_info(pool_id: PoolId, collection: T::CollectionId) -> Option<ListingInfoOf<T>> {
		use crate::traits::CollectionRoleProvider as _;
		let pool = Self::pool_now(pool_id)?;
		let listing = pool.listing(&collection)?;
		let debt = interest::debt_from_scaled(listing.scaled_debt, pool.ledger.borrow_index)
			.unwrap_or(Balance::MAX)
			.saturating_add(listing.fixed_principal);
		Some(ListingInfo {
			params: listing.params,
			status: listing.status,
			open_loans: listing.open_loans,
			debt,
			roles: T::CollectionRoles::roles(&collection),
		})
	}

	/// An account's deposits (every pool is looked at; there are at most `MaxPools`) and loans
	/// (every NFT the account owns is looked at).
	pub fn account_positions(account: &T::AccountId) -> PositionsOf<T> {
		let deposits = (0..NextPoolId::<T>::get())
			.filter_map(|pool_id| {
				let owned = Shares::<T>::get(pool_id, account);
				if owned.is_zero() {
					return None;
				}
				let pool = Self::pool_now(pool_id)?;
				let value = shares::amount_for_shares(
					owned,
					pool.ledger.total_shares,
					pool.ledger.pool_value(),
				)
				.unwrap_or_default();
				Some(DepositPosition { pool: pool_id, shares: owned, value })
			})
			.collect();
		// A pledged NFT stays in its borrower's wallet, so the account's loans are among the NFTs
		// it owns (a loan whose NFT went to the pool after a failed auction is no longer theirs).
		let loans = {
			use frame_support::traits::tokens::nonfungibles_v2::InspectEnumerable as _;
			T::Nfts::owned(account)
				.filter_map(|(collection, item)| LoanOfNft::<T>::get(collection, item))
				.filter_map(|id| Self::loan_info(id).map(|info| (id, info)))
				.filter(|(_, info)| &info.borrower == account)
				.collect()
		};
		Positions { deposits, loans }
	}
}
