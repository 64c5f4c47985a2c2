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
