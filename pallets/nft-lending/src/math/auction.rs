//! Auction numbers (SPEC section 6): bid minimums, anti-snipe extension, how the winning bid is
//! shared out, how a loss is covered, and the falling price of a defaulted NFT.

use sp_arithmetic::{traits::Saturating, Perbill};

/// Lowest acceptable first bid: `min(debt, valuation * (1 - discount))`, at least 1.
///
/// The discount makes a collection that crashed still sell: bidders can start below the debt.
pub fn min_first_bid(debt: u128, valuation: u128, discount: Perbill) -> u128 {
	let discounted = Perbill::one().saturating_sub(discount).mul_ceil(valuation);
	debt.min(discounted).max(1)
}

/// Lowest acceptable bid over `best`: `best + increment * debt`, at least one unit more.
pub fn min_next_bid(best: u128, debt: u128, increment: Perbill) -> u128 {
	best.saturating_add(increment.mul_ceil(debt).max(1))
}

/// The auction end after a bid at `now`: a bid within `window` of the end pushes the end out by
/// `window`, never beyond `max_end`.
pub fn end_after_bid(end: u64, now: u64, window: u64, max_end: u64) -> u64 {
	if now.saturating_add(window) >= end {
		end.saturating_add(window).min(max_end).max(end)
	} else {
		end
	}
}

/// How a winning bid is shared out: the pool's claim first, then the penalty, then the borrower.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Settlement {
	/// Paid towards the loan's debt (back to the pool's cash).
	pub to_pool: u128,
	/// Liquidation penalty collected, to the pool's reserve.
	pub to_reserve: u128,
	/// What is left over, to the borrower.
	pub to_borrower: u128,
	/// Debt the bid did not cover.
	pub shortfall: u128,
}

/// Share out a winning `bid` against `debt` and `penalty`.
///
/// `to_pool + to_reserve + to_borrower == bid` always, and `to_pool + shortfall == debt`.
pub fn settle(bid: u128, debt: u128, penalty: u128) -> Settlement {
	let to_pool = bid.min(debt);
	let after_debt = bid - to_pool;
	let to_reserve = after_debt.min(penalty);
	Settlement {
		to_pool,
		to_reserve,
		to_borrower: after_debt - to_reserve,
		shortfall: debt - to_pool,
	}
}

/// A loss is covered by the reserve first; returns `(from_reserve, written_off)`.
pub fn cover_loss(loss: u128, reserve: u128) -> (u128, u128) {
	let from_reserve = loss.min(reserve);
	(from_reserve, loss - from_reserve)
}

/// Price of a defaulted NFT: falls linearly from `start_price` to `floor * start_price` over
/// `duration` blocks, then stays at the floor. Rounded up, at least 1.
pub fn defaulted_price(start_price: u128, floor: Perbill, elapsed: u64, duration: u64) -> u128 {
	let floor_price = floor.mul_ceil(start_price);
	if elapsed >= duration || duration == 0 {
		return floor_price.max(1);
	}
	let fall = start_price.saturating_sub(floor_price);
	let fallen = Perbill::from_rational(elapsed, duration).mul_floor(fall);
	start_price.saturating_sub(fallen).max(floor_price).max(1)
}
