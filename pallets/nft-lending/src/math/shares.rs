//! Lender shares (SPEC section 3).
//!
//! `shares = amount * total_shares / pool_value` and `amount = shares * pool_value /
//! total_shares`, both rounded down, so depositing and withdrawing at once never returns more
//! than was put in.

use super::{mul_div, Rate};
use sp_arithmetic::{
	per_things::Rounding,
	traits::{Bounded, One},
	FixedPointNumber,
};

/// Shares minted for depositing `amount`, rounded down.
///
/// The first deposit (no shares yet) mints one share per unit. `None` when the pool has shares
/// but no value left (every share is worthless: new money would be shared with old losses).
pub fn shares_for_deposit(amount: u128, total_shares: u128, pool_value: u128) -> Option<u128> {
	if total_shares == 0 {
		return Some(amount);
	}
	mul_div(amount, total_shares, pool_value, Rounding::Down)
}

/// Amount paid out for burning `shares`, rounded down.
pub fn amount_for_shares(shares: u128, total_shares: u128, pool_value: u128) -> Option<u128> {
	mul_div(shares, pool_value, total_shares, Rounding::Down)
}

/// Value of one share, `pool_value / total_shares` (1.0 before the first deposit).
pub fn share_price(total_shares: u128, pool_value: u128) -> Rate {
	if total_shares == 0 {
		return Rate::one();
	}
	Rate::checked_from_rational(pool_value, total_shares).unwrap_or_else(Rate::max_value)
}
