//! Data types kept in storage and returned to readers.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// A floor price as `pallet-oracle` stores it (its `OracleValue`).
///
/// A feeder's report is one price: `lower == upper`. The combined value
/// ([`crate::combine::MiddleValues`]) holds the two middle values of the fresh reports, equal when
/// their count is odd. With an even count they differ, and each is used where it cannot hurt
/// lenders: the lower one prices borrowing, the upper one the health factor. So a value that only
/// half of the feeders report never lets anyone borrow more and never liquidates a loan.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	Default,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct FloorFeed {
	/// The lower middle value (a single report: the price).
	pub lower: u128,
	/// The upper middle value (a single report: the price).
	pub upper: u128,
}

impl FloorFeed {
	/// One feeder's report of `price`.
	pub const fn single(price: u128) -> Self {
		Self { lower: price, upper: price }
	}
}

/// Which of the two middle values a guarded series follows.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum PriceSide {
	/// The lower middle value: borrowing.
	Lower,
	/// The upper middle value: the health factor.
	Upper,
}

/// One guarded series of a collection: the spot moved towards its middle value by at most
/// `MaxDeviation` per block, and the TWAP of that spot.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub struct GuardedPrice {
	/// The guarded spot price.
	pub spot: u128,
	/// The time-weighted average of `spot` over the last `TwapWindow` blocks, as of the update.
	pub twap: u128,
	/// The middle value the feeders reported at the last update, before clamping.
	pub median: u128,
	/// The spot as it stood at the end of the block before the last update: the reference for
	/// the deviation guard, so that several feeds in one block cannot compound their moves.
	pub reference_spot: u128,
	/// The last update moved further than `MaxDeviation` allows and was clamped: the spot is
	/// still on its way to the feeders' value. Cleared by the next update that stays in bounds.
	pub flagged: bool,
}

impl GuardedPrice {
	/// A series that starts at `price`, with nothing to compare it with.
	pub const fn initial(price: u128) -> Self {
		Self { spot: price, twap: price, median: price, reference_spot: price, flagged: false }
	}
}

/// The guarded floor price of one collection, as the chain keeps it.
///
/// All prices are in the smallest unit of the chain's native token. Blocks, never wall clock.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub struct PriceState<BlockNumber> {
	/// The lower middle value's series: what borrowing is measured against.
	pub lower: GuardedPrice,
	/// The upper middle value's series: what the health factor is measured against.
	pub upper: GuardedPrice,
	/// The block of the last update (a new median of at least the effective minimum of fresh
	/// feeds).
	pub updated_at: BlockNumber,
	/// Borrowing against the collection opens at this block: the end of its price warm-up
	/// (`PriceWarmup` after its first median, or after its first median following a stale
	/// spell). Genesis prices are warm at once.
	pub warm_from: BlockNumber,
}

impl<BlockNumber: Copy> PriceState<BlockNumber> {
	/// A price set with nothing to compare it with, warm from `warm_from`.
	pub fn initial(price: u128, at: BlockNumber, warm_from: BlockNumber) -> Self {
		Self {
			lower: GuardedPrice::initial(price),
			upper: GuardedPrice::initial(price),
			updated_at: at,
			warm_from,
		}
	}

	/// The series of `side`.
	pub fn side(&self, side: PriceSide) -> &GuardedPrice {
		match side {
			PriceSide::Lower => &self.lower,
			PriceSide::Upper => &self.upper,
		}
	}
}

/// What readers (the lending pallet through the runtime, RPC users through the view function)
/// get for a collection.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub struct PriceQuote<BlockNumber> {
	/// The guarded spot of the lower middle value (borrowing).
	pub spot: u128,
	/// The TWAP of the lower middle value (borrowing: the lower of `spot` and `twap`).
	pub twap: u128,
	/// The guarded spot of the upper middle value.
	pub health_spot: u128,
	/// The TWAP of the upper middle value: what the health factor uses.
	pub health_twap: u128,
	/// The block of the last update.
	pub updated_at: BlockNumber,
	/// `now - updated_at <= MaxPriceAge`: a stale price must not open new loans.
	pub fresh: bool,
	/// The price warm-up is over (`now >= warm_from`): borrowing may open.
	pub warm: bool,
	/// The lower middle value is still being clamped towards the feeders' value (a move of
	/// more than `MaxDeviation` in a block): no new borrowing until it has caught up.
	pub flagged: bool,
}

/// What the pallet remembers about each feeder to enforce one feed per block and ordering.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub struct FeederRecord<BlockNumber> {
	/// The block in which the feeder's last submission was accepted.
	pub submitted_in: BlockNumber,
	/// The `observed_at` of that submission; the next one must be strictly newer.
	pub observed_at: BlockNumber,
}
