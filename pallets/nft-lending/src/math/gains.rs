//! Gains that unlock over time (SPEC section 3): proceeds that reach a pool in one step (a
//! defaulted NFT sold, a provision released) join lenders' value linearly over
//! `GainUnlockPeriod`, so a deposit made just before such a gain and withdrawn just after earns
//! only its share of what unlocked in between (the pattern of ERC-4626 vaults' profit unlocking,
//! as Yearn v3's `profitMaxUnlockTime`).
//!
//! A pool keeps `locked` (what is still locked) and `remaining` (blocks until it has all
//! unlocked). Pure functions, no storage.

use super::mul_div;
use sp_arithmetic::per_things::Rounding;

/// What unlocks of `locked` after `elapsed` of its `remaining` blocks: a linear share, rounded
/// down (lenders receive a gain no sooner than its time), all of it once `remaining` has passed.
pub fn unlocked(locked: u128, remaining: u64, elapsed: u64) -> u128 {
	if elapsed >= remaining {
		return locked;
	}
	mul_div(locked, elapsed as u128, remaining as u128, Rounding::Down).unwrap_or(0)
}

/// Lock a new `gain` on top of `locked` (unlocking over `remaining` blocks): the sum unlocks over
/// the average of the two periods weighted by amount (the new gain over `period`), rounded up,
/// so adding a gain never speeds up what was already locked by more than its weight. Returns the
/// new `(locked, remaining)`.
pub fn lock_gain(locked: u128, remaining: u64, gain: u128, period: u64) -> (u128, u64) {
	let total = locked.saturating_add(gain);
	if total == 0 {
		return (0, 0);
	}
	let weighted = (locked.saturating_mul(remaining as u128))
		.saturating_add(gain.saturating_mul(period as u128));
	let blocks = weighted.div_ceil(total);
	(total, u64::try_from(blocks).unwrap_or(u64::MAX).min(remaining.max(period)))
}
