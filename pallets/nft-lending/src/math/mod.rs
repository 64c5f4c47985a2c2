//! Pure protocol math: plain numbers in, plain numbers out, no storage.
//!
//! Storage code calls these functions, never the other way round, and every function here has
//! property tests (`tests/math_properties.rs`). Rounding always goes against the user who
//! triggers the operation: shares and withdrawals round down, debt rounds up.
//!
//! Conventions:
//! - amounts and shares are `u128` in the native token's smallest unit;
//! - yearly rates (APRs) are [`Rate`] = `FixedU128` (1.0 = 100% a year) and can exceed 100%;
//! - fractions of a whole (utilization, ltv, thresholds, factors) are `Perbill`;
//! - time is a number of blocks.

pub mod auction;
pub mod gains;
pub mod interest;
pub mod rates;
pub mod shares;
pub mod valuation;

use sp_arithmetic::{helpers_128bit::multiply_by_rational_with_rounding, per_things::Rounding};

/// A yearly rate: `FixedU128` where `1.0` is 100% a year.
pub type Rate = sp_arithmetic::FixedU128;

/// `a * b / c` with the given rounding, `None` when `c` is zero or the result overflows `u128`.
pub fn mul_div(a: u128, b: u128, c: u128, rounding: Rounding) -> Option<u128> {
	if c == 0 {
		return None;
	}
	multiply_by_rational_with_rounding(a, b, c, rounding)
}
