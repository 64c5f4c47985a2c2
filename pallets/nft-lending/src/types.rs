//! The protocol's data: pools, collections, loans, auctions and the liquidation settings.

use crate::math::Rate;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::*, traits::ConstU32, BoundedVec, DefaultNoBound};
use scale_info::TypeInfo;
use sp_arithmetic::Perbill;

/// Identifies a pool. Pools are numbered from 0 in order of creation.
pub type PoolId = u32;
/// Identifies a loan: the pool it borrows from and its number in that pool.
///
/// A pool numbers its loans 0, 1, 2, ... in the order they are opened, and never reuses a
/// number; so "loan 3 of pool 1" names one loan for good. The number comes from the pool's own
/// record (`Pool::loans_opened`), which every borrow writes anyway: opening a loan needs no
/// global counter (see `docs/loans.md`).
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct LoanId {
	/// The pool the loan borrows from.
	pub pool: PoolId,
	/// Its number among the pool's loans, from 0 in order of opening.
	pub index: u32,
}

impl LoanId {
	/// Loan `index` of pool `pool`.
	pub const fn new(pool: PoolId, index: u32) -> Self {
		Self { pool, index }
	}
}

/// `pool/index`, as logs print it.
impl core::fmt::Display for LoanId {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		write!(f, "{}/{}", self.pool, self.index)
	}
}
/// Amounts of the native token, in its smallest unit.
pub type Balance = u128;

/// The borrow-rate curve of a pool: a kinked line in utilization.
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
	serde::Serialize,
	serde::Deserialize,
)]
pub struct RateCurve {
	/// APR at zero utilization.
	pub base: Perbill,
	/// APR added between 0% utilization and the kink.
	pub slope1: Perbill,
	/// APR added between the kink and 100% utilization (steep, so lenders can leave).
	pub slope2: Perbill,
	/// The kink `U*`, strictly between 0% and 100%.
	pub optimal_utilization: Perbill,
}

impl Default for RateCurve {
	/// SPEC defaults: base 2%, slope1 8%, slope2 100%, kink 70%.
	fn default() -> Self {
		Self {
			base: Perbill::from_percent(2),
			slope1: Perbill::from_percent(8),
			slope2: Perbill::from_percent(100),
			optimal_utilization: Perbill::from_percent(70),
		}
	}
}

impl RateCurve {
	/// The kink lies between 1% and 99% (the curve divides by `U*` and by `1 - U*`).
	pub fn is_valid(&self) -> bool {
		self.optimal_utilization >= Perbill::from_percent(1)
			&& self.optimal_utilization <= Perbill::from_percent(99)
	}
}

/// Most loan terms a fixed-rate pool can offer.
pub const MAX_TERMS: u32 = 8;

/// Loan terms on offer, in blocks.
pub type Terms<BlockNumber> = BoundedVec<BlockNumber, ConstU32<MAX_TERMS>>;

/// How a pool charges interest: the dual rate (SPEC section 2).
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub enum RateModel<BlockNumber> {
	/// No due date; debt follows the pool's borrow index. Liquidation by health factor only.
	Variable {
		/// The borrow-rate curve.
		curve: RateCurve,
	},
	/// The borrower picks a term; the APR at origination is locked for the loan's term.
	Fixed {
		/// The curve that prices each new loan (at utilization after the borrow).
		curve: RateCurve,
		/// Loan terms on offer, in blocks (at most `MAX_TERMS`).
		terms: Terms<BlockNumber>,
	},
}

impl<BlockNumber> RateModel<BlockNumber> {
	/// The curve of either model.
	pub fn curve(&self) -> &RateCurve {
		match self {
			Self::Variable { curve } | Self::Fixed { curve, .. } => curve,
		}
	}

	/// Whether loans of this pool have terms.
	pub fn is_fixed(&self) -> bool {
		matches!(self, Self::Fixed { .. })
	}
}

/// Whether a pool takes new business.
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
	Default,
)]
pub enum PoolStatus {
	/// Open for deposits and borrows.
	#[default]
	Active,
	/// No new deposits or borrows; repay, bid, redeem, settle and withdraw still work.
	Paused,
}

/// A pool's settings that governance chooses (`create_pool`, `set_pool_params`).
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct PoolParams<BlockNumber> {
	/// Variable or fixed rate, with its curve (and terms).
	pub rate_model: RateModel<BlockNumber>,
	/// Share of interest kept as the pool's reserve (default 20%).
	pub reserve_factor: Perbill,
	/// New borrows stop above this utilization (default 90%), so lenders can always leave.
	pub max_utilization: Perbill,
}

/// The money of a pool, in integers. See `docs/pool-math.md`.
///
/// ```text
/// live debt  = variable debt + fixed debt + auction debt
/// debt       = live debt + bad_debt
/// pool_value = cash + live debt - max(reserve, provisions) - locked_gain
///                                                      (what lenders' shares are worth)
/// ```
///
/// Provisions (the likely shortfalls of loans in auction) are borne by the reserve first: they
/// lower lenders' value only by what the reserve cannot cover. Gains that arrived in one step
/// unlock into lenders' value over `GainUnlockPeriod`.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	Default,
)]
pub struct PoolLedger<BlockNumber> {
	/// Idle tokens the pool owns (its account holds them, plus the existential deposit).
	pub cash: Balance,
	/// Part of the pool's value that belongs to the protocol, not to lenders.
	pub reserve: Balance,
	/// Claims of defaulted loans (auction ended without a bid) whose NFT is being sold with
	/// `buy_defaulted`. Already booked as a loss; a sale brings money back to lenders.
	pub bad_debt: Balance,
	/// Shares of all lenders (plus the never-withdrawable minimum minted at the first deposit).
	pub total_shares: Balance,
	/// Variable loans: the borrow index (starts at 1, never falls).
	pub borrow_index: Rate,
	/// Variable loans: sum of their scaled debt.
	pub scaled_debt: Balance,
	/// Fixed loans: principal plus interest accrued so far, all loans together.
	pub fixed_debt: Balance,
	/// Fixed loans: sum of `principal * apr_parts_per_billion`.
	pub fixed_rate_weight: Balance,
	/// Fixed loans: fraction of a unit of interest carried between accruals.
	pub fixed_interest_remainder: Balance,
	/// Debt of loans in auction, frozen when their auction started.
	pub auction_debt: Balance,
	/// Fixed loans: how many are active (their books are emptied only when none is left).
	pub fixed_loans: u32,
	/// Fixed loans: what they were booked with, principal plus interest carried from before
	/// their last repayment; `fixed_debt` never goes below it.
	pub fixed_booked: Balance,
	/// Loans in auction: what they are likely to fall short of their debt, each `debt -
	/// first-bid minimum`, counted from the block the auction starts until it is settled.
	pub provisions: Balance,
	/// Gains that reached the pool in one step and are still unlocking into lenders' value.
	pub locked_gain: Balance,
	/// The block by which `locked_gain` has all unlocked.
	pub gain_unlocks_at: BlockNumber,
	/// Live debt averaged over `UtilizationWindow` (see `math::rates::move_average`).
	pub average_debt: Balance,
	/// Cash averaged over `UtilizationWindow`.
	pub average_cash: Balance,
	/// What lenders deposited in block `last_accrual`: not lent, and not counted in a borrow's
	/// or an extension's utilization, before the next block (SPEC A5: a deposit withdrawn in the
	/// same batch moves neither the borrow stop nor a locked rate).
	pub fresh_deposits: Balance,
	/// Block up to which interest has been accrued (and the averages and unlocking moved).
	pub last_accrual: BlockNumber,
}

/// A lending pool.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxCollections))]
#[codec(mel_bound(BlockNumber: MaxEncodedLen, CollectionId: MaxEncodedLen))]
pub struct Pool<
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
	CollectionId: Clone + PartialEq + Eq + core::fmt::Debug,
	MaxCollections: Get<u32>,
> {
	/// Governance's settings.
	pub params: PoolParams<BlockNumber>,
	/// Active or paused.
	pub status: PoolStatus,
	/// The collections it lends against (listed, or removed with loans still open), with their
	/// risk numbers and usage. They live in the pool's record so that a loan changes its
	/// collection's usage and the pool's ledger in one write.
	pub collections: BoundedVec<(CollectionId, PoolCollection), MaxCollections>,
	/// The money.
	pub ledger: PoolLedger<BlockNumber>,
	/// How many loans the pool has opened: the next loan's `LoanId::index`.
	pub loans_opened: u32,
}

impl<BlockNumber, CollectionId, MaxCollections> Pool<BlockNumber, CollectionId, MaxCollections>
where
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
	CollectionId: Clone + PartialEq + Eq + core::fmt::Debug,
	MaxCollections: Get<u32>,
{
	/// The pool's entry for `collection`, listed or removed.
	pub fn listing(&self, collection: &CollectionId) -> Option<&PoolCollection> {
		self.collections.iter().find(|(c, _)| c == collection).map(|(_, listing)| listing)
	}

	/// The pool's entry for `collection`, to change.
	pub fn listing_mut(&mut self, collection: &CollectionId) -> Option<&mut PoolCollection> {
		self.collections.iter_mut().find(|(c, _)| c == collection).map(|(_, listing)| listing)
	}

	/// Forget `collection`'s entry.
	pub fn forget_listing(&mut self, collection: &CollectionId) {
		self.collections.retain(|(c, _)| c != collection);
	}
}

/// Risk numbers of one collection in one pool (SPEC section 4).
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
	serde::Serialize,
	serde::Deserialize,
)]
pub struct CollectionParams {
	/// Highest borrow at origination as a share of the valuation (default 40%).
	pub ltv: Perbill,
	/// Used in the health factor; must be above `ltv` (default 70%).
	pub liquidation_threshold: Perbill,
	/// Total debt this collection may carry in the pool.
	pub debt_ceiling: Balance,
	/// Open loans this collection may have in the pool.
	pub max_loans: u32,
	/// Share of the debt that goes to the pool's reserve when a loan is liquidated (default 5%).
	pub liquidation_penalty: Perbill,
}

/// Most accounts listed per role in [`CollectionRoles`] (pallet-nfts gives each role to one
/// account at a time; a few more are kept in case a collection's team is larger).
pub const MAX_ROLE_HOLDERS: u32 = 4;

/// Who can act on a collection's items besides their holders: its owner, admins and freezers
/// can lock transfers of any item, pledged ones included. Shown when a collection is listed
/// (event and runtime API) so that governance and lenders see who they are trusting; the
/// auction rules make freezing a pledged item unprofitable (SPEC section 6).
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, DefaultNoBound,
)]
pub struct CollectionRoles<AccountId> {
	/// The collection's owner.
	pub owner: Option<AccountId>,
	/// Accounts with the admin role.
	pub admins: BoundedVec<AccountId, ConstU32<MAX_ROLE_HOLDERS>>,
	/// Accounts with the freezer role.
	pub freezers: BoundedVec<AccountId, ConstU32<MAX_ROLE_HOLDERS>>,
}

/// Whether a collection takes new loans in a pool.
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
pub enum ListingStatus {
	/// Takes new loans.
	Listed,
	/// Removed by governance: no new loans; open loans run on.
	Removed,
}

/// A collection as a pool sees it: governance's numbers and what is lent against it.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct PoolCollection {
	/// The risk numbers for new loans.
	pub params: CollectionParams,
	/// Listed or removed.
	pub status: ListingStatus,
	/// Open loans (active or in auction) on this collection in the pool.
	pub open_loans: u32,
	/// Variable loans: scaled debt on this collection.
	pub scaled_debt: Balance,
	/// Fixed loans: principal on this collection (the ceiling counts principal for fixed loans;
	/// their interest is bounded by the term).
	pub fixed_principal: Balance,
}

/// What a loan owes and how, by rate model.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub enum LoanDebt<BlockNumber> {
	/// Owes `scaled_debt * borrow_index`.
	Variable {
		/// Debt divided by the pool's borrow index.
		scaled_debt: Balance,
	},
	/// Owes `principal + unpaid_interest + simple interest since interest_since`.
	Fixed {
		/// Principal outstanding.
		principal: Balance,
		/// Interest accrued before `interest_since` and not paid yet (after a partial repay).
		unpaid_interest: Balance,
		/// APR locked for this term.
		apr: Rate,
		/// Block from which simple interest runs.
		interest_since: BlockNumber,
		/// Length of the term, in blocks.
		term: BlockNumber,
		/// Last block of the term.
		due: BlockNumber,
		/// First block at which the loan is overdue (due + grace period + 1); its next check is
		/// never later than this.
		overdue_at: BlockNumber,
	},
}

/// Where a loan is in its life. Closed loans are removed from storage.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub enum LoanState<BlockNumber> {
	/// Running: can be repaid (and extended / borrowed more).
	Active,
	/// Overdue or unhealthy: its NFT is being auctioned (see `Auctions`).
	InAuction,
	/// The auction ended without a sale: the loss is booked and the NFT is for sale with
	/// `buy_defaulted` at a falling price.
	Defaulted {
		/// Block the sale started.
		since: BlockNumber,
		/// Sale price at `since` (the valuation when the auction started).
		start_price: Balance,
		/// The sale's curve, fixed when it started: blocks from `start_price` to its floor.
		sale_duration: BlockNumber,
		/// The sale's curve, fixed when it started: its floor as a share of `start_price`.
		sale_floor: Perbill,
		/// The lowest price it sells for whatever the curve says: the claim when the NFT could
		/// not be delivered (its collection refused the transfer), so whoever controls the
		/// collection gains nothing by freezing it; zero otherwise.
		min_price: Balance,
		/// The unpaid claim (counted in the pool's `bad_debt` until the NFT sells).
		claim: Balance,
		/// What the reserve paid towards the loss when it was booked: a sale refills it first.
		reserve_paid: Balance,
		/// Whether the NFT is held by the pool account (`false`: still pledged at the borrower,
		/// because its collection would not let it move).
		held_by_pool: bool,
	},
}

/// A loan on one pledged NFT, stored under its [`LoanId`] (which names the pool that lent).
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct Loan<AccountId, CollectionId, ItemId, BlockNumber> {
	/// Who borrowed (and owns the pledged NFT).
	pub borrower: AccountId,
	/// Collection of the pledged NFT.
	pub collection: CollectionId,
	/// The pledged NFT.
	pub item: ItemId,
	/// Liquidation threshold at origination (kept for the loan's life).
	pub liquidation_threshold: Perbill,
	/// Liquidation penalty at origination (kept for the loan's life).
	pub liquidation_penalty: Perbill,
	/// What it owes.
	pub debt: LoanDebt<BlockNumber>,
	/// Where it is in its life.
	pub state: LoanState<BlockNumber>,
	/// Block it was opened.
	pub opened_at: BlockNumber,
	/// While active: the block of its next scheduled check (its `Schedule` entry). No later
	/// than the first block at which interest alone could make it unhealthy, nor than its
	/// `overdue_at`, nor than `MaxRecheckInterval` after its last check.
	pub next_check: BlockNumber,
}

/// Why a loan went to auction.
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
pub enum LiquidationReason {
	/// A fixed loan passed its due block and grace period.
	Overdue,
	/// The health factor fell below 1.
	Unhealthy,
}

/// An English auction of a liquidated loan's NFT.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct Auction<AccountId, BlockNumber> {
	/// The loan's debt when the auction started (frozen: no interest during the auction).
	pub debt: Balance,
	/// Liquidation penalty owed on top of the debt (to the reserve).
	pub penalty: Balance,
	/// Valuation (TWAP) when the auction started.
	pub valuation: Balance,
	/// Why the loan was liquidated.
	pub reason: LiquidationReason,
	/// Block the auction started.
	pub started_at: BlockNumber,
	/// Bids are taken while the block number is below this; then the auction can be settled.
	pub ends_at: BlockNumber,
	/// Anti-snipe extensions never push `ends_at` past this.
	pub max_ends_at: BlockNumber,
	/// The block of its `Schedule` entry: `ends_at`, or a later block when a settlement by the
	/// sweep failed and is retried.
	pub settle_at: BlockNumber,
	/// The borrower may redeem while the block number is below this.
	pub redeem_until: BlockNumber,
	/// Fine the borrower pays on top of the debt to redeem (to the leading bidder at that time,
	/// or the reserve when nobody bid).
	pub redeem_fine: Balance,
	/// The bidding rules, fixed when the auction started.
	pub terms: AuctionTerms<BlockNumber>,
	/// The loss provisioned for it: `debt - first-bid minimum` (in the pool's `provisions`).
	pub provision: Balance,
	/// The best bid so far and who holds it (held until the auction is settled).
	pub best_bid: Option<(AccountId, Balance)>,
	/// Set when the winner could not be given the NFT (its collection refuses the transfer):
	/// the winning bid stays held and anyone may retry `settle` until this block; then the bid
	/// is released and the loan defaults.
	pub deliver_by: Option<BlockNumber>,
}

/// An auction's bidding rules, taken from the liquidation settings when it starts: later
/// governance changes apply to later auctions.
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
pub struct AuctionTerms<BlockNumber> {
	/// The first bid may be this far below the valuation.
	pub first_bid_discount: Perbill,
	/// Each bid beats the previous by at least this share of the debt.
	pub bid_increment: Perbill,
	/// A bid this close to the end extends it by this much.
	pub extension_window: BlockNumber,
}

/// Liquidation settings, one set for the whole protocol (governance: `set_liquidation_config`).
///
/// An open loan keeps the grace period it started with (its `overdue_at` is fixed at
/// origination); an auction keeps the durations it started with.
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
	serde::Serialize,
	serde::Deserialize,
)]
pub struct LiquidationConfig<BlockNumber> {
	/// Blocks after the due block before a fixed loan is overdue (default 24 h).
	pub grace_period: BlockNumber,
	/// Length of an auction (default 24 h).
	pub auction_duration: BlockNumber,
	/// A bid this close to the end extends it by this much (default 1 h).
	pub extension_window: BlockNumber,
	/// Extensions never add more than this to the original end (default 6 h).
	pub max_extension: BlockNumber,
	/// The borrower may redeem during this many blocks after the auction starts (default 4 h).
	pub redeem_period: BlockNumber,
	/// Fine for redeeming, as a share of the debt (default 5%).
	pub redeem_fine: Perbill,
	/// The first bid may be this far below the valuation (default 10%).
	pub first_bid_discount: Perbill,
	/// Each bid beats the previous by at least this share of the debt (default 1%).
	pub bid_increment: Perbill,
	/// A defaulted NFT's price falls from its valuation to the floor over this many blocks
	/// (default 3 days).
	pub default_sale_duration: BlockNumber,
	/// The defaulted NFT's lowest price, as a share of its valuation (default 20%).
	pub default_sale_floor: Perbill,
	/// How long a won auction waits for its NFT to be deliverable (its collection's owner,
	/// admin or freezer locked transfers) before the bid is released and the loan defaults
	/// (default 24 h).
	pub delivery_timeout: BlockNumber,
}

/// A price of a collection as the oracle reports it.
///
/// With an even number of fresh feeds the oracle keeps two middle values: borrowing is measured
/// against the lower one (`spot`, `twap`), the health factor against the upper one (`health`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct FloorPrice {
	/// Guarded spot of the lower middle value.
	pub spot: Balance,
	/// TWAP of the lower middle value's spot (a borrow is measured at the lower of the two).
	pub twap: Balance,
	/// TWAP of the upper middle value's spot: the health factor's valuation.
	pub health: Balance,
	/// Whether the price is recent enough to lend against.
	pub fresh: bool,
	/// Whether the collection's price warm-up is over (borrowing may open).
	pub warm: bool,
	/// Whether the lower spot is still being clamped towards the feeders' value (a move beyond
	/// the deviation guard): no new borrowing while it is.
	pub flagged: bool,
}

impl FloorPrice {
	/// A settled price: `spot` and `twap` on both middle values, fresh, warm, unflagged.
	pub fn settled(spot: Balance, twap: Balance) -> Self {
		Self { spot, twap, health: twap, fresh: true, warm: true, flagged: false }
	}
}

impl<BlockNumber> PoolLedger<BlockNumber> {
	/// Variable loans' debt now: `scaled_debt * borrow_index`, rounded up.
	pub fn variable_debt(&self) -> Balance {
		crate::math::interest::debt_from_scaled(self.scaled_debt, self.borrow_index)
			.unwrap_or(Balance::MAX)
	}

	/// What borrowers of running loans and auctions owe: the debt interest accrues on or that
	/// auctions will pay back.
	pub fn live_debt(&self) -> Balance {
		self.variable_debt().saturating_add(self.fixed_debt).saturating_add(self.auction_debt)
	}

	/// `debt` of SPEC section 3: live debt plus claims in default.
	pub fn debt(&self) -> Balance {
		self.live_debt().saturating_add(self.bad_debt)
	}

	/// What lenders' shares are worth: `cash + live debt - max(reserve, provisions) -
	/// locked_gain`.
	pub fn pool_value(&self) -> Balance {
		self.cash
			.saturating_add(self.live_debt())
			.saturating_sub(self.reserve.max(self.provisions))
			.saturating_sub(self.locked_gain)
	}

	/// Provisions the reserve cannot cover: the part lenders bear now.
	pub fn uncovered_provisions(&self) -> Balance {
		self.provisions.saturating_sub(self.reserve)
	}

	/// `debt / (debt + cash)` over live debt.
	pub fn utilization(&self) -> Perbill {
		crate::math::rates::utilization(self.live_debt(), self.cash)
	}

	/// Cash a borrow may take this block: all of it but this block's deposits.
	pub fn lendable_cash(&self) -> Balance {
		self.cash.saturating_sub(self.fresh_deposits)
	}

	/// The utilization a borrow of `amount` is measured at (the borrow stop and a fixed loan's
	/// rate): the higher of the utilization right after it, without this block's deposits, and
	/// the utilization the averages over `UtilizationWindow` would have with it. `None` when the
	/// pool lacks the lendable cash.
	pub fn utilization_for_borrow(&self, amount: Balance) -> Option<Perbill> {
		let after = crate::math::rates::utilization_after_borrow(
			self.live_debt(),
			self.lendable_cash(),
			amount,
		)?;
		let averaged = crate::math::rates::averaged_utilization_with(
			self.average_debt,
			self.average_cash,
			amount,
		);
		Some(after.max(averaged))
	}

	/// The utilization of the pool as it stands, and as it stood on average over
	/// `UtilizationWindow`: the higher of the two (what `extend` prices a new term at, with the
	/// loan still in the pool).
	pub fn utilization_now_or_averaged(&self) -> Perbill {
		let now = crate::math::rates::utilization(self.live_debt(), self.lendable_cash());
		now.max(crate::math::rates::averaged_utilization_with(
			self.average_debt,
			self.average_cash,
			0,
		))
	}
}

/// Work the sweep does at a block, in the order it does it.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum SweepTask {
	/// Settle the loan's auction: it ends at this block.
	SettleAuction,
	/// Check the active loan: overdue (fixed) or unhealthy means auction; otherwise it is
	/// scheduled again.
	CheckLoan,
}

/// A key of the sweep's `Schedule`: stored with the identity hasher, so the trie keeps the
/// entries in order of block (big-endian), then task, and the sweep's next piece of work is
/// always the first key.
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
pub struct ScheduleKey {
	/// The block, big-endian so that byte order is numeric order.
	at: [u8; 8],
	/// What to do.
	pub task: SweepTask,
	/// The loan it concerns.
	pub loan: LoanId,
}

impl ScheduleKey {
	/// The entry for `task` on `loan` at block `at`.
	pub fn new(at: u64, task: SweepTask, loan: LoanId) -> Self {
		Self { at: at.to_be_bytes(), task, loan }
	}

	/// The block the entry is due at.
	pub fn at(&self) -> u64 {
		u64::from_be_bytes(self.at)
	}
}
