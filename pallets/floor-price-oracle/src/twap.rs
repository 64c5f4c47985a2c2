//! Time-weighted average price: pure math over plain numbers, no storage.
//!
//! The accumulator keeps `cumulative`, the sum of `price * blocks` since its first observation,
//! and a small ring of checkpoints: the exact cumulative at the first block of each checkpoint
//! bucket (`spacing` blocks, `window / 12` rounded up) in which the price changed. The average
//! over `[start, now)` is `(cumulative(now) - cumulative(start)) / (now - start)`.
//!
//! The cumulative is known exactly
//! - at and after the last update (the price has been constant since),
//! - at each checkpoint,
//! - between the end of a checkpoint's bucket and the next checkpoint: no update happened there,
//!   so the price was the one stored with the next checkpoint.
//!
//! Inside a bucket that saw updates it is not known. The average therefore starts at the first
//! block at or after `now - window` where the cumulative is known: the TWAP covers between
//! `window - spacing` and `window` blocks, every one of them inside the window, so it always lies
//! between the lowest and the highest price of the window. With less history it averages over what
//! exists. The price set in the current block has no weight yet: it counts from the next block.
//!
//! `cumulative` is a `U256`: `u128` prices times 64-bit block spans cannot overflow it, and the
//! arithmetic wraps rather than panics anyway.

use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use scale_info::TypeInfo;
use sp_core::U256;
use sp_runtime::{traits::AtLeast32BitUnsigned, SaturatedConversion};

/// Checkpoint buckets per window: the TWAP window is exact to `1/CHECKPOINTS_PER_WINDOW`.
pub const CHECKPOINTS_PER_WINDOW: u32 = 12;

/// Ring capacity. At most `CHECKPOINTS_PER_WINDOW + 2` buckets touch `[now - window - spacing,
/// now]`, so the checkpoints the average needs are never evicted.
pub type MaxCheckpoints = ConstU32<16>;

/// The exact cumulative price at one block.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub struct Checkpoint<BlockNumber> {
	/// The block: the first block of its bucket, or the first observation.
	pub block: BlockNumber,
	/// Sum of `price * blocks` from the first observation up to (not including) `block`.
	pub cumulative: U256,
	/// The price in force at `block` (and since the last update before it).
	pub price: u128,
}

/// Cumulative-price accumulator of one collection.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct TwapAccumulator<BlockNumber> {
	/// Bucket length in blocks, fixed when the accumulator starts.
	pub spacing: BlockNumber,
	/// Sum of `price * blocks` from the first observation up to `last_block`.
	pub cumulative: U256,
	/// The block of the last update.
	pub last_block: BlockNumber,
	/// The price set by the last update, in force since `last_block`.
	pub last_price: u128,
	/// Oldest first; one per bucket that saw an update.
	pub checkpoints: BoundedVec<Checkpoint<BlockNumber>, MaxCheckpoints>,
}

/// The TWAP accumulators of a collection's two guarded series (see [`crate::PriceState`]).
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct TwapHistories<BlockNumber> {
	/// The lower middle value's series (borrowing).
	pub lower: TwapAccumulator<BlockNumber>,
	/// The upper middle value's series (health factor).
	pub upper: TwapAccumulator<BlockNumber>,
}

/// Bucket length for a window: `ceil(window / CHECKPOINTS_PER_WINDOW)`, at least one block.
pub fn checkpoint_spacing<B: AtLeast32BitUnsigned + Copy>(window: B) -> B {
	let per_window = B::from(CHECKPOINTS_PER_WINDOW);
	let spacing = window / per_window;
	let spacing = if (window % per_window).is_zero() { spacing } else { spacing + B::one() };
	spacing.max(B::one())
}

fn to_u256<B: AtLeast32BitUnsigned + Copy>(blocks: B) -> U256 {
	U256::from(blocks.saturated_into::<u128>())
}

/// `price * blocks`; cannot overflow for `u128` prices and block numbers up to 128 bits.
fn weighted<B: AtLeast32BitUnsigned + Copy>(price: u128, blocks: B) -> U256 {
	U256::from(price).saturating_mul(to_u256(blocks))
}

impl<B: AtLeast32BitUnsigned + Copy> TwapAccumulator<B> {
	/// Starts a history at `block` with `price`, with buckets sized for `window`.
	pub fn new(block: B, price: u128, window: B) -> Self {
		let first = Checkpoint { block, cumulative: U256::zero(), price };
		let mut checkpoints = BoundedVec::new();
		// Capacity is 16: the first push cannot fail.
		let _ = checkpoints.try_push(first);
		Self {
			spacing: checkpoint_spacing(window),
			cumulative: U256::zero(),
			last_block: block,
			last_price: price,
			checkpoints,
		}
	}

	fn bucket_start(&self, block: B) -> B {
		block / self.spacing * self.spacing
	}

	fn bucket_end(&self, block: B) -> B {
		self.bucket_start(block).saturating_add(self.spacing)
	}

	/// Records that `price` is in force from `block` on.
	///
	/// An update older than the last one is ignored (time never runs backwards); a second update
	/// in the same block replaces the first, which never had any weight.
	pub fn record(&mut self, block: B, price: u128) {
		if block < self.last_block {
			return;
		}
		if self.bucket_start(block) > self.bucket_start(self.last_block) {
			let boundary = self.bucket_start(block);
			let checkpoint = Checkpoint {
				block: boundary,
				cumulative: self
					.cumulative
					.overflowing_add(weighted(self.last_price, boundary - self.last_block))
					.0,
				price: self.last_price,
			};
			if self.checkpoints.is_full() {
				self.checkpoints.remove(0);
			}
			let _ = self.checkpoints.try_push(checkpoint);
		}
		self.cumulative =
			self.cumulative.overflowing_add(weighted(self.last_price, block - self.last_block)).0;
		self.last_block = block;
		self.last_price = price;
	}

	/// The cumulative price at `block`, when it is known exactly.
	pub fn cumulative_at(&self, block: B) -> Option<U256> {
		if block >= self.last_block {
			let since = block - self.last_block;
			return Some(self.cumulative.overflowing_add(weighted(self.last_price, since)).0);
		}
		let next = self.checkpoints.iter().position(|c| c.block >= block)?;
		let checkpoint = self.checkpoints[next];
		if checkpoint.block == block {
			return Some(checkpoint.cumulative);
		}
		// Between the end of the previous checkpoint's bucket and this checkpoint no update
		// happened: the price was `checkpoint.price` throughout.
		let previous = self.checkpoints.get(next.checked_sub(1)?)?;
		if block < self.bucket_end(previous.block) {
			return None;
		}
		let back = weighted(checkpoint.price, checkpoint.block - block);
		Some(checkpoint.cumulative.overflowing_sub(back).0)
	}

	/// The first block at or after `now - window` where the cumulative is known: where the
	/// average starts. Equal to `now` when no time has passed since the first observation.
	pub fn window_start(&self, now: B, window: B) -> B {
		let now = now.max(self.last_block);
		let from = now.saturating_sub(window);
		if self.cumulative_at(from).is_some() {
			return from;
		}
		let candidates = self
			.checkpoints
			.iter()
			.flat_map(|c| [c.block, self.bucket_end(c.block)])
			.chain(core::iter::once(self.last_block));
		candidates
			.filter(|block| *block >= from && *block <= now)
			.filter(|block| self.cumulative_at(*block).is_some())
			.min()
			.unwrap_or(now)
	}

	/// The time-weighted average price over the last `window` blocks before `now`.
	pub fn twap(&self, now: B, window: B) -> u128 {
		let now = now.max(self.last_block);
		let start = self.window_start(now, window);
		let span = now.saturating_sub(start);
		if span.is_zero() {
			return self.last_price;
		}
		let (Some(end_cumulative), Some(start_cumulative)) =
			(self.cumulative_at(now), self.cumulative_at(start))
		else {
			return self.last_price;
		};
		let sum = end_cumulative.overflowing_sub(start_cumulative).0;
		let average = sum / to_u256(span);
		u128::try_from(average).unwrap_or(u128::MAX)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn spacing_is_window_over_twelve_rounded_up() {
		assert_eq!(checkpoint_spacing(3600u32), 300);
		assert_eq!(checkpoint_spacing(25u32), 3);
		assert_eq!(checkpoint_spacing(5u32), 1);
		assert_eq!(checkpoint_spacing(0u32), 1);
	}

	#[test]
	fn step_change_is_averaged_by_time() {
		// 100 for 300 blocks, then 200 for 300 blocks: the 600-block average is 150.
		let mut acc = TwapAccumulator::new(0u32, 100, 600);
		acc.record(300, 200);
		assert_eq!(acc.twap(600, 600), 150);
		// The new price has no weight in the block it is set.
		assert_eq!(acc.twap(300, 600), 100);
	}

	#[test]
	fn short_history_averages_over_what_exists() {
		let mut acc = TwapAccumulator::new(10u32, 1_000, 3600);
		acc.record(20, 3_000);
		// 10 blocks at 1000, 10 blocks at 3000.
		assert_eq!(acc.window_start(30, 3600), 10);
		assert_eq!(acc.twap(30, 3600), 2_000);
	}

	#[test]
	fn old_updates_leave_the_window() {
		let mut acc = TwapAccumulator::new(0u32, 5, 120);
		acc.record(10, 7);
		// Long after the last update the whole window saw 7.
		assert_eq!(acc.twap(10_000, 120), 7);
	}
}
