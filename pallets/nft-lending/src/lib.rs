//! # NFT lending: peer-to-pool loans on pledged NFTs
//!
//! Lenders pool the native token and earn interest; borrowers pledge one NFT per loan and borrow
//! from a pool at once; loans end by repayment, by running out of time (fixed-rate pools) or by
//! falling below a health factor of 1, and then an English auction sells the NFT.
//!
//! The protocol is specified in `SPEC.md` (sections 2 to 6, 9 and 10); the pool math with a worked
//! example is in `docs/pool-math.md` and the liquidation state machine in `docs/liquidation.md`.
//!
//! ## Where things are
//! - [`types`]: pools, collections, loans, auctions, settings.
//! - [`math`]: rate curve, interest, shares, valuation, auction numbers (pure functions).
//! - `pools.rs`: pool creation, accrual, lender deposits and withdrawals, the reserve.
//! - `collections.rs`: listing collections and their risk numbers.
//! - `loans.rs`: borrowing, repaying, extending, pledging the NFT, closing a loan.
//! - `valuation.rs`: the one place that values a loan (debt now, health factor).
//! - `sweep.rs`: the per-block `on_initialize` sweep (the schedule of loan checks and auction
//!   ends, health checks after price changes).
//! - `auctions.rs`: starting auctions, bids, redeem, settlement, defaulted NFT sales.
//! - `views.rs`: figures for the runtime API and view functions.
//! - `invariants.rs`: SPEC section 10 checked by `try_state`.
//!
//! ## Invariants (checked by `try_state`, and by the tests after every step)
//! 1. The sum of lenders' shares equals the pool's total shares.
//! 2. The sum of loans' scaled debt equals the pool's scaled debt (and per collection), the sum of
//!    fixed loans' rate weights and booked principal equals the pool's, auctions' debt and
//!    provisions and defaulted claims add up to the pool's `auction_debt`, `provisions` and
//!    `bad_debt`.
//! 3. The pool account's balance is at least its tracked cash (plus the existential deposit).
//! 4. `cash + debt = pool_value + reserve + bad_debt + uncovered provisions + locked gains`,
//!    exactly in integers.
//! 5. The borrow index never falls; share price falls only with a `BadDebt` or
//!    `LossProvisioned` event.
//! 6. Rounding never favours a user: shares and withdrawals round down, debt rounds up.
//! 7. Each open loan has exactly one pledged NFT that cannot move (a transfer of it, tried and
//!    rolled back, fails), and each pledge names exactly one open loan on that NFT.
//! 8. Every active loan has exactly one scheduled check, never after it becomes overdue, every
//!    running auction exactly one settlement entry, and nothing else is scheduled; `NextWake` is
//!    at or before the first entry (SPEC's "every open fixed loan is in exactly one due bucket",
//!    for the schedule that replaces the buckets: see `docs/liquidation.md`).
//! 9. All storage stays within its bounds (bounded types).
//! 10. The sweep's weight stays within its budget in every state.
//! 11. Total issuance is unchanged by every lending call.
//!
//! `docs/reliability.md` says where each is checked.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod math;
pub mod traits;
pub mod types;
pub mod views;
pub mod weights;

mod auctions;
mod collections;
#[cfg(any(feature = "try-runtime", feature = "std"))]
mod invariants;
mod loans;
mod pools;
mod sweep;
mod valuation;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use pallet::*;
pub use traits::{CollectionRoleProvider, FloorPriceProvider};
pub use types::*;
pub use weights::WeightInfo;

use frame_support::traits::fungible;

/// Balance type of the pallet's currency (always `u128`).
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use crate::math::Rate;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, Mutate, MutateHold},
			tokens::nonfungibles_v2,
		},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use sp_arithmetic::Perbill;

	/// Loan record as stored.
	pub type LoanOf<T> = Loan<
		<T as frame_system::Config>::AccountId,
		<T as Config>::CollectionId,
		<T as Config>::ItemId,
		BlockNumberFor<T>,
	>;
	/// Pool record as stored.
	pub type PoolOf<T> =
		Pool<BlockNumberFor<T>, <T as Config>::CollectionId, <T as Config>::MaxCollectionsPerPool>;
	/// Pool settings as governance passes them.
	pub type PoolParamsOf<T> = PoolParams<BlockNumberFor<T>>;
	/// Auction record as stored.
	pub type AuctionOf<T> = Auction<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;
	/// Liquidation settings as stored.
	pub type LiquidationConfigOf<T> = LiquidationConfig<BlockNumberFor<T>>;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The native token: deposits, loans, repayments, and bids (held while they lead).
		type Currency: Inspect<Self::AccountId, Balance = Balance>
			+ Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reasons, so bids can be held under [`HoldReason::AuctionBid`].
		type RuntimeHoldReason: From<HoldReason>;

		/// Identifies an NFT collection.
		type CollectionId: Member
			+ Parameter
			+ MaxEncodedLen
			+ Copy
			+ Ord
			+ MaybeSerializeDeserialize;

		/// Identifies an NFT within its collection.
		type ItemId: Member + Parameter + MaxEncodedLen + Copy;

		/// The NFTs that are pledged (pallet-nfts in the runtime). Pledging uses
		/// `disable_transfer`, so the borrower keeps the NFT in their wallet but nobody can move
		/// or burn it while the loan is open. An account's loans are found through the NFTs it
		/// owns (`InspectEnumerable::owned`), so the pallet keeps no index of its own for that.
		type Nfts: nonfungibles_v2::Inspect<
				Self::AccountId,
				CollectionId = Self::CollectionId,
				ItemId = Self::ItemId,
			> + nonfungibles_v2::Transfer<Self::AccountId>
			+ nonfungibles_v2::InspectEnumerable<Self::AccountId>;

		/// Collection floor prices (the oracle).
		type Prices: FloorPriceProvider<Self::CollectionId>;

		/// Who holds each collection's owner, admin and freezer roles (reported at listing).
		type CollectionRoles: CollectionRoleProvider<Self::AccountId, Self::CollectionId>;

		/// Governance: creates pools, lists collections, sets risk numbers, takes the reserve.
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Emergency governance: may pause pools (and nothing else). Unpausing needs
		/// `AdminOrigin`.
		type EmergencyOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Pools' accounts are sub-accounts of this id (`PalletId` + pool id).
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Blocks in a year: converts yearly rates into per-block growth.
		#[pallet::constant]
		type BlocksPerYear: Get<u32>;

		/// Shares minted at a pool's first deposit that nobody can ever withdraw (defence
		/// against the share-inflation attack).
		#[pallet::constant]
		type MinimumLiquidity: Get<Balance>;

		/// Smallest amount a loan can be opened with, and the least a partial repayment may
		/// leave owing, so dust loans cannot fill storage.
		#[pallet::constant]
		type MinLoanAmount: Get<Balance>;

		/// A new loan borrows at least this share of what its NFT could borrow (valuation times
		/// ltv), so that filling a collection's `max_loans` costs real money (default 10%).
		#[pallet::constant]
		type MinLoanShare: Get<Perbill>;

		/// `borrow_more` keeps the loan's health factor at or above `1 + MinHealthMargin` (at
		/// its own liquidation threshold, on the borrowing valuation), so it never opens a
		/// position that is liquidatable at once (default 10%).
		#[pallet::constant]
		type MinHealthMargin: Get<Perbill>;

		/// Blocks over which the utilization that prices borrows is averaged: a borrow is
		/// measured at the higher of the utilization after it and the averaged one with it, so
		/// liquidity that comes and goes within this window moves neither the borrow stop nor a
		/// locked rate.
		#[pallet::constant]
		type UtilizationWindow: Get<u32>;

		/// Blocks over which a gain that reaches a pool in one step (a defaulted NFT sold, a
		/// provision released) unlocks into lenders' value.
		#[pallet::constant]
		type GainUnlockPeriod: Get<u32>;

		/// Most pools that can exist.
		#[pallet::constant]
		type MaxPools: Get<u32>;

		/// Most collections a pool can list.
		#[pallet::constant]
		type MaxCollectionsPerPool: Get<u32>;

		/// Upper bound for a collection's `max_loans`.
		#[pallet::constant]
		type MaxLoansPerCollection: Get<u32>;

		/// Collections whose price changed and that wait for a health check.
		#[pallet::constant]
		type MaxPendingHealthChecks: Get<u32>;

		/// Longest time, in blocks, between two checks of an active loan, however far it is
		/// from being unhealthy: the safety net behind the interest-driven schedule.
		#[pallet::constant]
		type MaxRecheckInterval: Get<u32>;

		/// Weight the per-block sweep may use (at most 10% of the block; checked by
		/// `integrity_test`).
		#[pallet::constant]
		type SweepWeightBudget: Get<Weight>;

		/// Share of the sweep's budget kept for the health checks that follow a price fall:
		/// scheduled work may not use it while such checks wait (default half).
		#[pallet::constant]
		type PriceCheckShare: Get<Perbill>;

		/// Weights of calls and of the sweep's steps, from the benchmarks.
		type WeightInfo: WeightInfo;

		/// Creates NFTs and prices in benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::traits::BenchmarkHelper<
			Self::AccountId,
			Self::CollectionId,
			Self::ItemId,
		>;
	}

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A bid that currently leads an auction.
		#[codec(index = 0)]
		AuctionBid,
	}

	/// Defaults of the liquidation settings, derived from the block time.
	pub struct DefaultLiquidationConfig<T>(PhantomData<T>);
	impl<T: Config> Get<LiquidationConfigOf<T>> for DefaultLiquidationConfig<T> {
		fn get() -> LiquidationConfigOf<T> {
			// 8766 hours in a year of 365.25 days.
			let hour = (T::BlocksPerYear::get() / 8766).max(1);
			let hours = |h: u32| BlockNumberFor::<T>::from(hour.saturating_mul(h));
			LiquidationConfig {
				grace_period: hours(24),
				auction_duration: hours(24),
				extension_window: hours(1),
				max_extension: hours(6),
				redeem_period: hours(4),
				redeem_fine: Perbill::from_percent(5),
				first_bid_discount: Perbill::from_percent(10),
				bid_increment: Perbill::from_percent(1),
				default_sale_duration: hours(72),
				default_sale_floor: Perbill::from_percent(20),
				delivery_timeout: hours(24),
			}
		}
	}

	/// Id the next pool gets.
	#[pallet::storage]
	pub type NextPoolId<T> = StorageValue<_, PoolId, ValueQuery>;

	/// The pools, each with the collections it lends against (`Pool::collections`).
	#[pallet::storage]
	pub type Pools<T: Config> = StorageMap<_, Twox64Concat, PoolId, PoolOf<T>>;

	/// How many pools have an entry for a collection: listed, or removed with loans still open.
	/// The oracle prices exactly these, so a collection keeps its price until its last loan
	/// ends.
	#[pallet::storage]
	pub type PricedCollections<T: Config> =
		StorageMap<_, Blake2_128Concat, T::CollectionId, u32, ValueQuery>;

	/// Lenders' shares in each pool.
	#[pallet::storage]
	pub type Shares<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		PoolId,
		Blake2_128Concat,
		T::AccountId,
		Balance,
		ValueQuery,
	>;

	/// Open loans: active, in auction, or defaulted awaiting the sale of their NFT.
	#[pallet::storage]
	pub type Loans<T: Config> = StorageMap<_, Twox64Concat, LoanId, LoanOf<T>>;

	/// The pledge: the open loan (active, in auction or defaulted) each pledged NFT backs, by
	/// collection. An NFT with an entry here cannot be transferred or burnt by anyone: the
	/// runtime makes this pallet pallet-nfts' `Locker`, which pallet-nfts asks before every
	/// transfer and burn (`Nfts.ItemLocked`). The sweep walks a collection's loans here when its
	/// price falls. The call that closes a loan removes its entry.
	#[pallet::storage]
	pub type LoanOfNft<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::CollectionId, Blake2_128Concat, T::ItemId, LoanId>;

	/// Auctions of liquidated loans.
	#[pallet::storage]
	pub type Auctions<T: Config> = StorageMap<_, Twox64Concat, LoanId, AuctionOf<T>>;

	/// The sweep's work, in order: each active loan's next check and each auction's end.
	/// Keys sort by block (identity hasher over a big-endian block), so the next piece of work
	/// is the first key. Every active loan and every running auction has exactly one entry, and
	/// nothing else: the call that repays or redeems a loan removes its entry.
	#[pallet::storage]
	pub type Schedule<T: Config> = StorageMap<_, Identity, ScheduleKey, ()>;

	/// A block at or before the first entry of `Schedule` (`None`: nothing scheduled). The
	/// sweep looks at `Schedule` only once this block has come, so a block with nothing due
	/// reads this one value whatever the number of loans.
	///
	/// Whitelisted in benchmarks, like the sweep's other per-block values: every block reads it,
	/// so it stays in the node's cache (as frame-system's per-block values do).
	#[pallet::storage]
	#[pallet::whitelist_storage]
	pub type NextWake<T: Config> = StorageValue<_, BlockNumberFor<T>, OptionQuery>;

	/// Collections whose price changed, waiting for the sweep to check their loans' health.
	/// Read every block (whitelisted in benchmarks, see `NextWake`).
	#[pallet::storage]
	#[pallet::whitelist_storage]
	pub type PendingHealthChecks<T: Config> =
		StorageValue<_, BoundedVec<T::CollectionId, T::MaxPendingHealthChecks>, ValueQuery>;

	/// The health check in progress: the collection and the last item whose loan was checked.
	/// Read every block (whitelisted in benchmarks, see `NextWake`).
	#[pallet::storage]
	#[pallet::whitelist_storage]
	pub type HealthCheckCursor<T: Config> =
		StorageValue<_, (T::CollectionId, Option<T::ItemId>), OptionQuery>;

	/// Liquidation settings (grace period, auction timing, fines, discounts).
	#[pallet::storage]
	pub type LiquidationSettings<T: Config> =
		StorageValue<_, LiquidationConfigOf<T>, ValueQuery, DefaultLiquidationConfig<T>>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Governance created a pool.
		PoolCreated { pool: PoolId, account: T::AccountId, params: PoolParamsOf<T> },
		/// Governance changed a pool's settings (they apply to new loans).
		PoolParamsSet { pool: PoolId, params: PoolParamsOf<T> },
		/// The pool stopped taking deposits and borrows.
		PoolPaused { pool: PoolId },
		/// The pool takes deposits and borrows again.
		PoolUnpaused { pool: PoolId },
		/// A collection was listed in a pool. `roles` are the accounts that can lock transfers
		/// of its items (pledged ones included): its owner, admins and freezers.
		CollectionAdded {
			pool: PoolId,
			collection: T::CollectionId,
			params: CollectionParams,
			roles: CollectionRoles<T::AccountId>,
		},
		/// A collection's risk numbers changed (new loans only; open loans keep theirs).
		CollectionUpdated { pool: PoolId, collection: T::CollectionId, params: CollectionParams },
		/// A collection takes no new loans in the pool; its open loans run on.
		CollectionRemoved { pool: PoolId, collection: T::CollectionId },
		/// Governance took part of a pool's reserve.
		ReserveWithdrawn { pool: PoolId, amount: Balance, beneficiary: T::AccountId },
		/// Governance changed the liquidation settings.
		LiquidationConfigSet { config: LiquidationConfigOf<T> },
		/// A lender put money in a pool and received shares. At a pool's first deposit
		/// `locked_shares` are minted to nobody and `seed` stays in the pool account for good.
		Deposited {
			pool: PoolId,
			lender: T::AccountId,
			amount: Balance,
			shares: Balance,
			locked_shares: Balance,
			seed: Balance,
		},
		/// A lender burnt shares and was paid out.
		Withdrawn { pool: PoolId, lender: T::AccountId, shares: Balance, amount: Balance },
		/// A loan was opened and its NFT pledged. `apr` and `due` are set for fixed-rate loans.
		Borrowed {
			loan: LoanId,
			borrower: T::AccountId,
			collection: T::CollectionId,
			item: T::ItemId,
			amount: Balance,
			apr: Option<Rate>,
			due: Option<BlockNumberFor<T>>,
		},
		/// A variable loan borrowed more against the same NFT.
		BorrowedMore { loan: LoanId, amount: Balance, debt: Balance },
		/// Debt was repaid (by anyone). `remaining` is what the loan still owes.
		Repaid { loan: LoanId, payer: T::AccountId, amount: Balance, remaining: Balance },
		/// A fixed loan paid its interest and started a new term at today's rate.
		Extended { loan: LoanId, interest_paid: Balance, apr: Rate, due: BlockNumberFor<T> },
		/// A loan ended; its NFT is no longer pledged.
		LoanClosed { loan: LoanId, reason: CloseReason },
		/// A fixed loan passed its due block and grace period.
		LoanOverdue { loan: LoanId, debt: Balance },
		/// A loan's health factor fell below 1.
		LoanUnhealthy { loan: LoanId, debt: Balance, valuation: Balance },
		/// An auction of a liquidated loan's NFT started.
		AuctionStarted {
			loan: LoanId,
			debt: Balance,
			penalty: Balance,
			min_bid: Balance,
			ends_at: BlockNumberFor<T>,
			redeemable_until: BlockNumberFor<T>,
		},
		/// A bid now leads the auction (the previous one, if any, was released).
		BidPlaced {
			loan: LoanId,
			bidder: T::AccountId,
			amount: Balance,
			ends_at: BlockNumberFor<T>,
		},
		/// The borrower repaid the debt and the fine: the auction is cancelled. The fine went to
		/// the leading bidder at the time (`fine_to`), or to the reserve when nobody had bid.
		Redeemed { loan: LoanId, debt: Balance, fine: Balance, fine_to: Option<T::AccountId> },
		/// A loan entering auction is likely to fall short of its debt by `provision` (its debt
		/// less the first-bid minimum): lenders' value counts the loss from now (the reserve
		/// bears it first), not from settlement. Released, or turned into `BadDebt`, when the
		/// auction ends.
		LossProvisioned { loan: LoanId, provision: Balance },
		/// A gain reached the pool in one step (`amount`, after refilling the reserve by
		/// `to_reserve`): it unlocks into lenders' value linearly until block `unlocks_at`.
		GainLocked {
			pool: PoolId,
			amount: Balance,
			to_reserve: Balance,
			unlocks_at: BlockNumberFor<T>,
		},
		/// An auction ended with a winner.
		AuctionSettled {
			loan: LoanId,
			winner: T::AccountId,
			price: Balance,
			to_pool: Balance,
			penalty: Balance,
			surplus: Balance,
			shortfall: Balance,
		},
		/// An auction ended without a bid (or its NFT could not be delivered): the loss is
		/// booked and the NFT is for sale with `buy_defaulted`.
		LoanDefaulted { loan: LoanId, claim: Balance, held_by_pool: bool },
		/// Lenders and/or the reserve lost money on a loan.
		BadDebt { loan: LoanId, loss: Balance, covered_by_reserve: Balance, written_off: Balance },
		/// A defaulted loan's NFT was sold; the price went to the pool.
		DefaultedSold { loan: LoanId, buyer: T::AccountId, price: Balance },
		/// The winner could not receive the NFT (its collection refuses transfers): the winning
		/// bid stays held and anyone may retry `settle` until block `deliver_by`; after that the
		/// bid is released and the loan defaults, its NFT never to be sold below the debt.
		CollateralUndeliverable {
			loan: LoanId,
			winner: T::AccountId,
			deliver_by: BlockNumberFor<T>,
		},
		/// The NFT of a won auction could not be delivered by its deadline: the winner's bid was
		/// released.
		DeliveryTimedOut { loan: LoanId, winner: T::AccountId },
		/// An auction surplus could not be paid to the borrower (account cannot receive it) and
		/// went to the pool's reserve.
		SurplusToReserve { loan: LoanId, amount: Balance },
		/// A collection's health check could not be queued (queue full); its loans' scheduled
		/// checks (at most `MaxRecheckInterval` apart) still cover them.
		HealthCheckQueueFull { collection: T::CollectionId },
		/// The sweep used its weight budget with work left; it carries on next block.
		SweepIncomplete { liquidated: u32, settled: u32, checked: u32 },
		/// A sweep step failed and was skipped (nothing changed for that loan).
		SweepStepFailed { loan: LoanId, error: DispatchError },
	}

	/// Why a loan was closed.
	#[derive(
		Encode,
		Decode,
		DecodeWithMemTracking,
		Clone,
		Copy,
		PartialEq,
		Eq,
		Debug,
		TypeInfo,
		MaxEncodedLen,
	)]
	pub enum CloseReason {
		/// Fully repaid; the NFT is unlocked.
		Repaid,
		/// The borrower redeemed during the auction.
		Redeemed,
		/// The auction winner received the NFT.
		Liquidated,
		/// A defaulted NFT was sold with `buy_defaulted`.
		DefaultedSold,
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No pool with this id.
		PoolNotFound,
		/// The pool is paused: no deposits or borrows.
		PoolPaused,
		/// Already at the most pools there can be.
		TooManyPools,
		/// A curve's kink must lie between 1% and 99%.
		InvalidRateCurve,
		/// A fixed-rate pool needs a curve with a rate above zero somewhere (a loan locked at 0%
		/// would never accrue).
		ZeroRateCurve,
		/// A fixed-rate pool needs at least one term, each longer than zero, with no repeats.
		InvalidTerms,
		/// Reserve factor and maximum utilization must each be below 100%, and maximum
		/// utilization above 0.
		InvalidPoolParams,
		/// A pool with open loans (active, in auction or defaulted) cannot switch between
		/// variable and fixed rates.
		RateModelChangeWithOpenLoans,
		/// `ltv` must be above 0 and below `liquidation_threshold`, which must be below 100%.
		InvalidLtv,
		/// The liquidation penalty is above the allowed maximum (25%).
		PenaltyTooHigh,
		/// `max_loans` must be between 1 and `MaxLoansPerCollection`; the debt ceiling above 0.
		InvalidCollectionLimits,
		/// Liquidation settings out of bounds (see `docs/governance.md`).
		InvalidLiquidationConfig,
		/// The collection is already listed in this pool.
		CollectionAlreadyListed,
		/// The collection is not listed in this pool (or was removed).
		CollectionNotListed,
		/// The pool already lists as many collections as it may.
		TooManyCollections,
		/// The reserve has less than that, or taking it would leave less than the losses
		/// provisioned for loans in auction (which the reserve bears first).
		InsufficientReserve,
		/// The first deposit must exceed the existential deposit plus the locked minimum shares.
		FirstDepositTooSmall,
		/// The deposit is too small to mint a single share.
		DepositTooSmall,
		/// The pool has lost all its value; it takes no new deposits.
		PoolInsolvent,
		/// You do not have that many shares in this pool.
		InsufficientShares,
		/// Those shares are worth nothing at the current share price.
		WithdrawTooSmall,
		/// The pool's idle cash cannot cover this now (its money is lent out); try a smaller
		/// amount or wait for repayments.
		InsufficientLiquidity,
		/// You do not own this NFT.
		NotNftOwner,
		/// This NFT already backs a loan.
		NftAlreadyPledged,
		/// The NFT cannot be pledged: it (or its collection) does not allow transfers.
		NftNotTransferable,
		/// The collection has no price from the oracle.
		NoPrice,
		/// The collection's price is stale: no new borrowing until the feeders report again.
		StalePrice,
		/// The collection's price is still warming up (a new collection, or one whose price had
		/// gone stale): borrowing opens once the feeders have priced it for the oracle's
		/// `PriceWarmup`.
		PriceWarmingUp,
		/// The collection's price is flagged: it moved further than the oracle's deviation guard
		/// allows in a block and is still catching up with the feeders. No new borrowing until it
		/// has.
		PriceFlagged,
		/// The loan is smaller than the minimum loan size: at least `MinLoanAmount`, and at
		/// least `MinLoanShare` of what the NFT could borrow.
		LoanTooSmall,
		/// A partial repayment may not leave less than `MinLoanAmount` owing: repay it all.
		RepayLeavesDust,
		/// After borrowing more the loan's health factor would be below `1 + MinHealthMargin`
		/// (at the loan's own liquidation threshold).
		BelowHealthMargin,
		/// The amount is above what the NFT's valuation allows at this loan-to-value.
		ExceedsLtv,
		/// The collection's debt ceiling in this pool would be exceeded.
		DebtCeilingReached,
		/// The collection already has its maximum number of open loans in this pool.
		MaxLoansReached,
		/// The pool's utilization would go above its maximum.
		UtilizationTooHigh,
		/// This pool lends at fixed rates: choose one of its terms.
		TermRequired,
		/// The pool does not offer this term.
		TermNotOffered,
		/// Variable-rate loans have no term.
		TermNotApplicable,
		/// No open loan with this id.
		LoanNotFound,
		/// Only the borrower may do this.
		NotBorrower,
		/// The loan is not active (it is in auction or defaulted).
		LoanNotActive,
		/// Only variable-rate loans can borrow more.
		NotVariableLoan,
		/// Only fixed-rate loans can be extended.
		NotFixedLoan,
		/// The loan is past its due block and grace period.
		LoanOverdue,
		/// The loan's health factor is below 1.
		LoanUnhealthy,
		/// Nothing to repay or pay.
		ZeroAmount,
		/// No auction for this loan.
		AuctionNotFound,
		/// The auction has ended: no more bids.
		AuctionEnded,
		/// The auction has not ended yet.
		AuctionNotEnded,
		/// The bid is below the minimum (first bid: min(debt, valuation less the discount);
		/// then the best bid plus the increment).
		BidTooLow,
		/// The redeem period of this auction is over.
		RedeemPeriodOver,
		/// The auction has a winner whose NFT is waiting to be delivered: it cannot be redeemed.
		AwaitingDelivery,
		/// The loan is not defaulted: its NFT is not for sale.
		NotDefaulted,
		/// The NFT's current price is above your maximum.
		PriceAboveMax,
		/// The NFT cannot be moved now (its collection refuses transfers).
		NftNotDeliverable,
		/// An amount does not fit the arithmetic (far beyond any real balance).
		Overflow,
		/// The pool has given out every loan number (2^32 loans): it opens no more loans.
		NoLoanNumberLeft,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::sweep(now)
		}

		fn integrity_test() {
			Self::check_sweep_fits_block();
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Liquidation settings; the block-time based defaults when `None`.
		pub liquidation: Option<LiquidationConfigOf<T>>,
		/// Pools to create (ids 0, 1, ... in this order).
		pub pools: alloc::vec::Vec<GenesisPool<T>>,
		/// First deposits: `(pool, lender, amount)`.
		pub deposits: alloc::vec::Vec<(PoolId, T::AccountId, Balance)>,
	}

	/// A pool created at genesis.
	#[derive(
		frame_support::CloneNoBound,
		frame_support::DebugNoBound,
		serde::Serialize,
		serde::Deserialize,
	)]
	#[serde(bound = "")]
	#[serde(rename_all = "camelCase")]
	pub struct GenesisPool<T: Config> {
		/// Variable (no terms) or fixed (with these terms, in blocks).
		pub fixed_terms: Option<alloc::vec::Vec<BlockNumberFor<T>>>,
		/// The rate curve.
		pub curve: RateCurve,
		/// Reserve factor.
		pub reserve_factor: Perbill,
		/// Maximum utilization.
		pub max_utilization: Perbill,
		/// Collections with their risk numbers.
		pub collections: alloc::vec::Vec<(T::CollectionId, CollectionParams)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(config) = self.liquidation {
				Self::ensure_valid_liquidation_config(&config)
					.expect("genesis liquidation settings are valid");
				LiquidationSettings::<T>::put(config);
			}
			for pool in &self.pools {
				let rate_model = match &pool.fixed_terms {
					None => RateModel::Variable { curve: pool.curve },
					Some(terms) => RateModel::Fixed {
						curve: pool.curve,
						terms: terms.clone().try_into().expect("genesis terms fit MaxTerms"),
					},
				};
				let params = PoolParams {
					rate_model,
					reserve_factor: pool.reserve_factor,
					max_utilization: pool.max_utilization,
				};
				let id = Pallet::<T>::do_create_pool(params).expect("genesis pool is valid");
				for (collection, collection_params) in &pool.collections {
					Pallet::<T>::do_add_collection(id, *collection, *collection_params)
						.expect("genesis collection is valid");
				}
			}
			for (pool, lender, amount) in &self.deposits {
				Pallet::<T>::do_deposit(lender, *pool, *amount).expect("genesis deposit works");
			}
		}
	}

	impl<T: Config> GenesisConfig<T> {
		fn ensure_valid_liquidation_config(
			config: &LiquidationConfigOf<T>,
		) -> Result<(), DispatchError> {
			Pallet::<T>::ensure_valid_liquidation_config(config)
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Create a pool (governance).
		///
		/// A pool with one collection is a blue-chip pool; with several, a shared pool. Its
		/// account is the pallet's sub-account for the new pool id.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::create_pool())]
		pub fn create_pool(origin: OriginFor<T>, params: PoolParamsOf<T>) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_create_pool(params).map(|_| ())
		}

		/// Change a pool's rate model, reserve factor and maximum utilization (governance).
		///
		/// Interest so far is accrued at the old rate first. Open fixed loans keep their APR and
		/// term; a pool with open loans cannot switch between variable and fixed.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_pool_params())]
		pub fn set_pool_params(
			origin: OriginFor<T>,
			pool: PoolId,
			params: PoolParamsOf<T>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_pool_params(pool, params)
		}

		/// Pause or unpause a pool.
		///
		/// Pausing stops deposits and borrows; repay, bid, redeem, settle and withdraw still
		/// work. `AdminOrigin` or `EmergencyOrigin` may pause; only `AdminOrigin` may unpause.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_paused())]
		pub fn set_paused(origin: OriginFor<T>, pool: PoolId, paused: bool) -> DispatchResult {
			if paused {
				T::AdminOrigin::try_origin(origin)
					.map(|_| ())
					.or_else(|origin| T::EmergencyOrigin::ensure_origin(origin).map(|_| ()))?;
			} else {
				T::AdminOrigin::ensure_origin(origin)?;
			}
			Self::do_set_paused(pool, paused)
		}

		/// List a collection in a pool with its risk numbers (governance).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::add_collection())]
		pub fn add_collection(
			origin: OriginFor<T>,
			pool: PoolId,
			collection: T::CollectionId,
			params: CollectionParams,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_add_collection(pool, collection, params)
		}

		/// Change a listed collection's risk numbers (governance). Open loans keep the
		/// threshold and penalty they started with.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::update_collection())]
		pub fn update_collection(
			origin: OriginFor<T>,
			pool: PoolId,
			collection: T::CollectionId,
			params: CollectionParams,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_update_collection(pool, collection, params)
		}

		/// Stop new loans on a collection in a pool (governance). Open loans run on until they
		/// are repaid or liquidated.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::remove_collection())]
		pub fn remove_collection(
			origin: OriginFor<T>,
			pool: PoolId,
			collection: T::CollectionId,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_remove_collection(pool, collection)
		}

		/// Pay part of a pool's reserve to `beneficiary` (governance). The reserve never goes
		/// below the losses provisioned for the pool's loans in auction (it bears them first),
		/// and the pool must have the idle cash.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::withdraw_reserve())]
		pub fn withdraw_reserve(
			origin: OriginFor<T>,
			pool: PoolId,
			amount: Balance,
			beneficiary: T::AccountId,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_withdraw_reserve(pool, amount, beneficiary)
		}

		/// Change the liquidation settings (governance). Open loans keep their grace period;
		/// running auctions keep all their numbers (timing, first-bid discount, increment,
		/// fine), and a defaulted NFT's sale keeps the curve it started with.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::set_liquidation_config())]
		pub fn set_liquidation_config(
			origin: OriginFor<T>,
			config: LiquidationConfigOf<T>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::ensure_valid_liquidation_config(&config)?;
			LiquidationSettings::<T>::put(config);
			Self::deposit_event(Event::LiquidationConfigSet { config });
			Ok(())
		}

		/// Put `amount` into a pool and receive shares (`amount * total_shares / pool_value`,
		/// rounded down).
		///
		/// A pool's first deposit keeps the existential deposit in the pool account and locks
		/// `MinimumLiquidity` shares for good (so nobody can inflate the share price).
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::deposit())]
		pub fn deposit(origin: OriginFor<T>, pool: PoolId, amount: Balance) -> DispatchResult {
			let lender = ensure_signed(origin)?;
			Self::do_deposit(&lender, pool, amount).map(|_| ())
		}

		/// Burn `shares` and receive `shares * pool_value / total_shares`, rounded down.
		///
		/// Fails with `InsufficientLiquidity` when the pool's idle cash cannot cover it now.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::withdraw())]
		pub fn withdraw(origin: OriginFor<T>, pool: PoolId, shares: Balance) -> DispatchResult {
			let lender = ensure_signed(origin)?;
			Self::do_withdraw(&lender, pool, shares)
		}

		/// Pledge an NFT you own and borrow `amount` from a pool.
		///
		/// The collection must be listed in the pool, its price fresh, warmed up and not flagged;
		/// `amount` at most the valuation (lower of spot and TWAP, on the lower middle value)
		/// times the collection's ltv and at least `MinLoanShare` of that (and `MinLoanAmount`),
		/// within its debt ceiling and loan count, and the pool's maximum utilization (measured
		/// at the higher of the utilization after the borrow and the one averaged over
		/// `UtilizationWindow` with it). Fixed-rate pools need a `term` from the pool's list (the
		/// APR, at that same utilization, is locked for it); variable-rate pools take none. The
		/// NFT stays in your wallet but cannot move until the loan ends.
		#[pallet::call_index(20)]
		#[pallet::weight(T::WeightInfo::borrow())]
		pub fn borrow(
			origin: OriginFor<T>,
			pool: PoolId,
			collection: T::CollectionId,
			item: T::ItemId,
			amount: Balance,
			term: Option<BlockNumberFor<T>>,
		) -> DispatchResult {
			let borrower = ensure_signed(origin)?;
			Self::do_borrow(&borrower, pool, collection, item, amount, term).map(|_| ())
		}

		/// Borrow more on a variable-rate loan, within the collection's current ltv and keeping
		/// the loan's health factor at or above `1 + MinHealthMargin`.
		#[pallet::call_index(21)]
		#[pallet::weight(T::WeightInfo::borrow_more())]
		pub fn borrow_more(origin: OriginFor<T>, loan: LoanId, amount: Balance) -> DispatchResult {
			let borrower = ensure_signed(origin)?;
			Self::do_borrow_more(&borrower, loan, amount)
		}

		/// Repay up to `amount` of a loan's debt (anyone may repay any loan). The payment is
		/// capped at the debt; paying it all closes the loan and unlocks the NFT at once. A
		/// partial payment must leave at least `MinLoanAmount` owing.
		#[pallet::call_index(22)]
		#[pallet::weight(T::WeightInfo::repay())]
		pub fn repay(origin: OriginFor<T>, loan: LoanId, amount: Balance) -> DispatchResult {
			let payer = ensure_signed(origin)?;
			Self::do_repay(&payer, loan, amount)
		}

		/// Pay a fixed loan's interest so far and start a new term of the same length at
		/// today's rate: the curve at the pool's utilization with this loan still in it (the
		/// higher of now and the average over `UtilizationWindow`). Only while the loan is
		/// healthy and not overdue; also while the pool is paused or the collection removed.
		#[pallet::call_index(23)]
		#[pallet::weight(T::WeightInfo::extend())]
		pub fn extend(origin: OriginFor<T>, loan: LoanId) -> DispatchResult {
			let borrower = ensure_signed(origin)?;
			Self::do_extend(&borrower, loan)
		}

		/// Bid on a liquidated loan's NFT. The bid is held from your balance while it leads and
		/// released at once when outbid. A bid near the end extends the auction.
		#[pallet::call_index(30)]
		#[pallet::weight(T::WeightInfo::bid())]
		pub fn bid(origin: OriginFor<T>, loan: LoanId, amount: Balance) -> DispatchResult {
			let bidder = ensure_signed(origin)?;
			Self::do_bid(&bidder, loan, amount)
		}

		/// As the borrower, during the redeem period: repay the whole debt plus the fine to
		/// cancel the auction and get the NFT back. The fine goes to the leading bidder at that
		/// moment (or the reserve when nobody bid).
		#[pallet::call_index(31)]
		#[pallet::weight(T::WeightInfo::redeem())]
		pub fn redeem(origin: OriginFor<T>, loan: LoanId) -> DispatchResult {
			let borrower = ensure_signed(origin)?;
			Self::do_redeem(&borrower, loan)
		}

		/// Settle an auction that has ended (anyone; the sweep also does it). The winner gets
		/// the NFT, the pool its debt, the reserve the penalty, the borrower any surplus; with
		/// no bid the loss is booked and the NFT goes up for sale with `buy_defaulted`. When the
		/// NFT cannot be delivered (its collection refuses transfers) the winning bid stays held
		/// and `settle` may be retried until the delivery deadline.
		#[pallet::call_index(32)]
		#[pallet::weight(T::WeightInfo::settle())]
		pub fn settle(origin: OriginFor<T>, loan: LoanId) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_settle(loan)
		}

		/// Buy a defaulted loan's NFT at its current (falling) price, if that is at most
		/// `max_price`. The money goes back to the pool: first to the reserve, for what it paid
		/// towards the loss, then to lenders, unlocking over `GainUnlockPeriod`. An NFT that could
		/// not be delivered when its auction ended never sells below the loan's debt.
		#[pallet::call_index(33)]
		#[pallet::weight(T::WeightInfo::buy_defaulted())]
		pub fn buy_defaulted(
			origin: OriginFor<T>,
			loan: LoanId,
			max_price: Balance,
		) -> DispatchResult {
			let buyer = ensure_signed(origin)?;
			Self::do_buy_defaulted(&buyer, loan, max_price)
		}
	}

	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// A pool's figures: cash, debt, utilization, APRs, share price.
		pub fn pool(pool: PoolId) -> Option<views::PoolInfo> {
			Self::pool_info(pool)
		}

		/// A loan's figures: debt now, health factor, due block, state.
		pub fn loan(loan: LoanId) -> Option<views::LoanInfoOf<T>> {
			Self::loan_info(loan)
		}

		/// The most `borrow` would lend on this NFT from this pool now.
		pub fn max_borrow(
			pool: PoolId,
			collection: T::CollectionId,
			item: T::ItemId,
		) -> Result<Balance, views::BorrowLimitError> {
			Self::max_borrow_amount(pool, collection, item)
		}

		/// An account's deposits and loans.
		pub fn positions(account: T::AccountId) -> views::PositionsOf<T> {
			Self::account_positions(&account)
		}

		/// A collection as a pool lists it: its risk numbers, status and usage, and who holds
		/// its owner, admin and freezer roles (they can lock transfers of pledged items).
		pub fn listing(
			pool: PoolId,
			collection: T::CollectionId,
		) -> Option<views::ListingInfoOf<T>> {
			Self::listing_info(pool, collection)
		}
	}
}

/// The pledge itself: pallet-nfts asks its `Locker` before every transfer and burn, and the
/// runtime makes this pallet that locker. An NFT backing an open loan cannot move, whoever asks
/// (holder, collection owner, admin or freezer); the pallet removes the pledge before it delivers
/// the NFT to an auction winner or buyer.
impl<T: Config> frame_support::traits::tokens::Locker<T::CollectionId, T::ItemId> for Pallet<T> {
	fn is_locked(collection: T::CollectionId, item: T::ItemId) -> bool {
		LoanOfNft::<T>::contains_key(collection, item)
	}
}

impl<T: Config> Pallet<T> {
	/// The account of pool `pool`.
	pub fn pool_account(pool: PoolId) -> T::AccountId {
		use frame_support::traits::Get;
		use sp_runtime::traits::AccountIdConversion;
		T::PalletId::get().into_sub_account_truncating(pool)
	}

	/// Whether `collection` needs a price: some pool lists it, or has loans on it still open
	/// (the oracle prices exactly these).
	pub fn needs_price(collection: &T::CollectionId) -> bool {
		PricedCollections::<T>::get(collection) > 0
	}
}

/// Block numbers as plain numbers for the math.
pub(crate) fn blocks<B: sp_runtime::traits::UniqueSaturatedInto<u64>>(b: B) -> u64 {
	b.unique_saturated_into()
}
