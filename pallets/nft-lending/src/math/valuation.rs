//! Valuation of a pledged NFT, borrowing power and the health factor (SPEC section 4).
//!
//! ```text
//! health_factor = valuation * liquidation_threshold / debt_now      liquidatable below 1
//! ```

use super::Rate;
use sp_arithmetic::{traits::Bounded, Perbill};

/// The value a new borrow is measured against: the lower of spot and TWAP.
pub fn borrow_valuation(spot: u128, twap: u128) -> u128 {
	spot.min(twap)
}

/// The most that may be owed on an NFT worth `valuation` under loan-to-value `ltv`, rounded down.
pub fn max_debt(valuation: u128, ltv: Perbill) -> u128 {
	ltv.mul_floor(valuation)
}

/// `valuation * threshold / debt`; `None` stands for "infinite" (no debt).
pub fn health_factor(valuation: u128, threshold: Perbill, debt: u128) -> Option<Rate> {
	if debt == 0 {
		return None;
	}
	// valuation * threshold / debt in one rounding: inner units are 10^-18, a Perbill part 10^-9.
	let threshold_inner = threshold.deconstruct() as u128 * 1_000_000_000;
	Some(
		super::mul_div(valuation, threshold_inner, debt, sp_arithmetic::per_things::Rounding::Down)
			.map(Rate::from_inner)
			.unwrap_or_else(Rate::max_value),
	)
}

/// Whether the health factor is below one, decided exactly in integers:
/// `valuation * threshold < debt`.
///
/// Since `debt` is a whole number, `real < debt` holds exactly when `floor(real) < debt`, so a loan
/// at health factor exactly 1 is healthy and one unit more of debt makes it liquidatable.
pub fn is_liquidatable(valuation: u128, threshold: Perbill, debt: u128) -> bool {
	threshold.mul_floor(valuation) < debt
}

/// Blocks for which a healthy loan surely stays healthy on interest alone: no fewer blocks than
/// it takes `debt` growing at `apr` (compounded every block, or simple) to pass
/// `valuation * threshold`. `None` when interest can never do it (`apr` is zero); `Some(0)` when
/// the loan is at or below health factor 1 already.
///
/// With `cap = threshold * valuation` (rounded down, as [`is_liquidatable`] does), debt growing
/// at `apr` a year stays at most `debt * e^(apr * t / blocks_per_year)`, and `ln(cap / debt) >=
/// 1 - debt / cap`, so `t = blocks_per_year * (cap - debt') / (apr * cap)` blocks are safe,
/// where `debt'` is `debt` plus one part per billion and one unit (the margin for the index's
/// and the interest's rounding). Rounded down.
pub fn blocks_while_healthy(
	valuation: u128,
	threshold: Perbill,
	debt: u128,
	apr: Rate,
	blocks_per_year: u64,
) -> Option<u64> {
	use sp_arithmetic::{per_things::Rounding, traits::Zero, FixedPointNumber};
	if apr.is_zero() {
		return None;
	}
	let cap = threshold.mul_floor(valuation);
	let margin = debt / 1_000_000_000 + 1;
	let headroom = match cap.checked_sub(debt.saturating_add(margin)) {
		Some(headroom) if !headroom.is_zero() => headroom,
		_ => return Some(0),
	};
	// headroom / cap / apr years, in blocks. Beyond u64 blocks: practically never.
	let years_inner = super::mul_div(headroom, Rate::DIV, cap, Rounding::Down)?;
	let blocks =
		super::mul_div(years_inner, blocks_per_year as u128, apr.into_inner(), Rounding::Down)
			.unwrap_or(u128::MAX);
	Some(u64::try_from(blocks).unwrap_or(u64::MAX))
}

/// Whether a loan owing `debt` on an NFT worth `valuation` keeps a health factor of at least
/// `1 + margin` at `threshold`: `valuation * threshold >= debt * (1 + margin)`, decided in
/// integers, rounding against the borrower.
pub fn keeps_margin(valuation: u128, threshold: Perbill, debt: u128, margin: Perbill) -> bool {
	threshold.mul_floor(valuation) >= debt.saturating_add(margin.mul_ceil(debt))
}
