//! Interest: the variable borrow index, scaled debt, and simple interest of fixed loans.
//!
//! Variable loans store *scaled debt*: `debt = scaled_debt * borrow_index`. The index starts at 1
//! and compounds every block at the pool's borrow rate, so one multiplication per pool accrues
//! every variable loan at once (O(1) per pool, whatever the number of loans).
//!
//! Fixed loans owe `principal + principal * apr * blocks / BLOCKS_PER_YEAR`. The pool adds up
//! `principal * apr` of its fixed loans (the *rate weight*) so it can accrue all of them in O(1).
//! To keep that sum exact in integers, a fixed loan's APR is quantised to parts per billion
//! ([`quantise_apr`]).

use super::{mul_div, Rate};
use sp_arithmetic::{
	per_things::Rounding,
	traits::{One, Saturating},
	FixedPointNumber,
};

/// `FixedU128`'s inner unit per `Rate` of 1.0.
const RATE_ONE: u128 = <Rate as FixedPointNumber>::DIV;
/// A fixed loan's APR is kept in parts per billion: `Rate` inner units per APR part.
const INNER_PER_APR_PART: u128 = RATE_ONE / 1_000_000_000;

/// The borrow index after `blocks` blocks at `apr`: `index * (1 + apr / blocks_per_year)^blocks`.
///
/// Never decreases; saturates at the largest `FixedU128` instead of overflowing.
pub fn grow_index(index: Rate, apr: Rate, blocks: u64, blocks_per_year: u64) -> Rate {
	if blocks == 0 || blocks_per_year == 0 {
		return index;
	}
	let per_block = apr / Rate::saturating_from_integer(blocks_per_year);
	let growth = (Rate::one().saturating_add(per_block)).saturating_pow(blocks as usize);
	index.saturating_mul(growth).max(index)
}

/// Scaled debt that stands for `amount` at `index`, rounded as asked.
///
/// Borrowing rounds up (the borrower owes at least what they took); repaying rounds down (a
/// payment never erases more debt than it pays).
pub fn scaled_from_amount(amount: u128, index: Rate, rounding: Rounding) -> Option<u128> {
	mul_div(amount, RATE_ONE, index.into_inner(), rounding)
}

/// Debt that `scaled` stands for at `index`, rounded up.
pub fn debt_from_scaled(scaled: u128, index: Rate) -> Option<u128> {
	mul_div(scaled, index.into_inner(), RATE_ONE, Rounding::Up)
}

/// `apr` rounded up to a whole part per billion, the precision fixed loans lock their APR at.
pub fn quantise_apr(apr: Rate) -> Rate {
	let parts = apr.into_inner().div_ceil(INNER_PER_APR_PART);
	Rate::from_inner(parts.saturating_mul(INNER_PER_APR_PART))
}

/// A quantised APR in parts per billion.
pub fn apr_parts(apr: Rate) -> u128 {
	apr.into_inner() / INNER_PER_APR_PART
}

/// Simple interest of a fixed loan, rounded up:
/// `principal * apr * blocks / (blocks_per_year)` with `apr` quantised to parts per billion.
pub fn simple_interest(
	principal: u128,
	apr: Rate,
	blocks: u64,
	blocks_per_year: u64,
) -> Option<u128> {
	let numerator = apr_parts(apr).checked_mul(blocks as u128)?;
	let denominator = 1_000_000_000u128.checked_mul(blocks_per_year as u128)?;
	mul_div(principal, numerator, denominator, Rounding::Up)
}

/// A fixed loan's share of its pool's rate weight: `principal * apr_parts`.
pub fn rate_weight(principal: u128, apr: Rate) -> Option<u128> {
	principal.checked_mul(apr_parts(apr))
}

/// Interest that a pool's fixed loans, of total rate weight `weight`, earn in `blocks` blocks.
///
/// Returns the whole units earned and the new remainder (the fraction of a unit carried to the
/// next accrual, in units of `1 / (10^9 * blocks_per_year)`), so that accruing in many small
/// steps earns exactly what one big step would. Never more than the sum of the loans' own
/// (rounded-up) interest.
pub fn accrue_fixed_interest(
	weight: u128,
	remainder: u128,
	blocks: u64,
	blocks_per_year: u64,
) -> (u128, u128) {
	let denominator = 1_000_000_000u128.saturating_mul(blocks_per_year as u128).max(1);
	match weight.checked_mul(blocks as u128).and_then(|n| n.checked_add(remainder)) {
		Some(numerator) => (numerator / denominator, numerator % denominator),
		// Beyond u128: lose the sub-unit remainder rather than overflow.
		None => {
			(mul_div(weight, blocks as u128, denominator, Rounding::Down).unwrap_or(u128::MAX), 0)
		}
	}
}
