//! Data types kept in storage and returned to readers.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

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
	/// The guarded spot price: the median of the feeders' fresh values, moved by at most
	/// `MaxDeviation` per block.
	pub spot: u128,
	/// The time-weighted average of `spot` over the last `TwapWindow` blocks, as of `updated_at`.
	pub twap: u128,
	/// The block of the last update (a new median of at least `MinimumFeeders` fresh feeds).
	pub updated_at: BlockNumber,
	/// The last update moved further than `MaxDeviation` allows and was clamped. Cleared by the
	/// next update that stays in bounds.
	pub flagged: bool,
	/// The median the feeders reported at the last update, before clamping.
	pub median: u128,
	/// The spot as it stood at the end of the block before `updated_at`: the reference for the
	/// deviation guard, so that several feeds in one block cannot compound their moves.
	pub reference_spot: u128,
}

impl<BlockNumber> PriceState<BlockNumber> {
	/// A price set by genesis or by the first median: nothing to compare with yet.
	pub fn initial(price: u128, at: BlockNumber) -> Self {
		Self {
			spot: price,
			twap: price,
			updated_at: at,
			flagged: false,
			median: price,
			reference_spot: price,
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
	/// The guarded spot price.
	pub spot: u128,
	/// The time-weighted average price over `TwapWindow`.
	pub twap: u128,
	/// The block of the last update.
	pub updated_at: BlockNumber,
	/// `now - updated_at <= MaxPriceAge`: a stale price must not open new loans.
	pub fresh: bool,
	/// The last update was clamped by the deviation guard.
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
