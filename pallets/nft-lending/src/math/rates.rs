//! Utilization and the interest-rate curve (SPEC section 2).
//!
//! ```text
//! U  = D / (D + L)
//! Rb = base + slope1 * U / U*                          if U <= U*
//! Rb = base + slope1 + slope2 * (U - U*) / (1 - U*)    if U >  U*
//! Rs = Rb * U * (1 - reserve_factor)
//! ```

use super::Rate;
use crate::types::RateCurve;
use sp_arithmetic::{per_things::Rounding, traits::Saturating, FixedPointNumber, Perbill};

/// Share of the pool's money that is lent out: `debt / (debt + cash)`, rounded down.
/// An empty pool has utilization zero.
pub fn utilization(debt: u128, cash: u128) -> Perbill {
	let total = debt.saturating_add(cash);
	if total == 0 {
		return Perbill::zero();
	}
	Perbill::from_rational(debt, total)
}

/// Utilization after `borrowed` more leaves the cash: `(debt + borrowed) / (debt + cash)`.
/// `None` when the pool does not have the cash.
pub fn utilization_after_borrow(debt: u128, cash: u128, borrowed: u128) -> Option<Perbill> {
	let cash_after = cash.checked_sub(borrowed)?;
	Some(utilization(debt.saturating_add(borrowed), cash_after))
}

/// What utilization becomes if `borrowed` more is lent out of a pool whose debt and cash are
/// `debt` and `cash` on average: `(debt + borrowed) / (debt + cash)`, at most 100% (a borrow of
/// more than the average cash is at 100%). An empty average counts as 100%.
///
/// Used with the pool's averages over `UtilizationWindow` ([`move_average`]), so liquidity that
/// came in this block (or leaves again within the window) changes neither the borrow stop nor a
/// locked rate.
pub fn averaged_utilization_with(debt: u128, cash: u128, borrowed: u128) -> Perbill {
	let total = debt.saturating_add(cash);
	if total == 0 {
		return Perbill::one();
	}
	Perbill::from_rational(debt.saturating_add(borrowed).min(total), total)
}

/// A running average over `window` blocks, moved towards the value `held` since the last move,
/// `elapsed` blocks ago: by `elapsed / window` of the way, all the way once a whole window has
/// passed. Values set in the current block have no weight until a block has passed. Rounded
/// towards the old average.
pub fn move_average(average: u128, held: u128, elapsed: u64, window: u64) -> u128 {
	if elapsed >= window {
		return held;
	}
	let (elapsed, window) = (elapsed as u128, window as u128);
	if held >= average {
		average.saturating_add(
			super::mul_div(held - average, elapsed, window, Rounding::Down).unwrap_or(0),
		)
	} else {
		average.saturating_sub(
			super::mul_div(average - held, elapsed, window, Rounding::Down).unwrap_or(0),
		)
	}
}

fn rate(p: Perbill) -> Rate {
	Rate::from_perbill(p)
}

/// The borrow APR the curve gives at utilization `u`.
///
/// Piecewise linear, continuous at the kink `U*`, non-decreasing in `u`, and bounded by
/// `base + slope1 + slope2`. A curve passed here must be valid ([`RateCurve::is_valid`]): its kink
/// lies strictly between 0% and 100%.
pub fn borrow_rate(curve: &RateCurve, u: Perbill) -> Rate {
	let kink = curve.optimal_utilization;
	let base = rate(curve.base);
	if u <= kink {
		// slope1 * u / kink
		let part = Rate::checked_from_rational(u.deconstruct(), kink.deconstruct().max(1))
			.unwrap_or_default();
		base.saturating_add(rate(curve.slope1).saturating_mul(part))
	} else {
		let above = u.deconstruct().saturating_sub(kink.deconstruct());
		let room = Perbill::one().deconstruct().saturating_sub(kink.deconstruct()).max(1);
		let part = Rate::checked_from_rational(above, room).unwrap_or_default();
		base.saturating_add(rate(curve.slope1))
			.saturating_add(rate(curve.slope2).saturating_mul(part))
	}
}

/// What lenders earn a year on the pool's money: `Rb * U * (1 - reserve_factor)`.
pub fn supply_rate(borrow_rate: Rate, u: Perbill, reserve_factor: Perbill) -> Rate {
	let kept_by_lenders = Perbill::one().saturating_sub(reserve_factor);
	borrow_rate.saturating_mul(rate(u)).saturating_mul(rate(kept_by_lenders))
}

/// The highest APR the curve can give (at 100% utilization).
pub fn max_rate(curve: &RateCurve) -> Rate {
	rate(curve.base).saturating_add(rate(curve.slope1)).saturating_add(rate(curve.slope2))
}
