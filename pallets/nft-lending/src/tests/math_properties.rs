//! Property tests of the pure math: rate curve, index growth, shares, health factor, auctions.

use crate::{
	math::{auction, interest, rates, shares, valuation, Rate},
	types::RateCurve,
};
use proptest::prelude::*;
use sp_arithmetic::{per_things::Rounding, FixedPointNumber, Perbill};
use sp_runtime::traits::{One as _, Saturating as _, Zero as _};

const BLOCKS_PER_YEAR: u64 = 5_259_600;

fn perbill() -> impl Strategy<Value = Perbill> {
	(0u32..=1_000_000_000).prop_map(Perbill::from_parts)
}

fn curve() -> impl Strategy<Value = RateCurve> {
	(perbill(), perbill(), perbill(), 10_000_000u32..=990_000_000).prop_map(
		|(base, slope1, slope2, kink)| RateCurve {
			base,
			slope1,
			slope2,
			optimal_utilization: Perbill::from_parts(kink),
		},
	)
}

proptest! {
	#[test]
	fn rate_curve_is_monotone(curve in curve(), a in perbill(), b in perbill()) {
		let (low, high) = if a <= b { (a, b) } else { (b, a) };
		prop_assert!(rates::borrow_rate(&curve, low) <= rates::borrow_rate(&curve, high));
	}

	#[test]
	fn rate_curve_is_bounded(curve in curve(), u in perbill()) {
		let rate = rates::borrow_rate(&curve, u);
		prop_assert!(rate >= Rate::from_perbill(curve.base));
		prop_assert!(rate <= rates::max_rate(&curve));
	}

	#[test]
	fn rate_curve_is_continuous_at_the_kink(curve in curve()) {
		let kink = curve.optimal_utilization;
		let at = rates::borrow_rate(&curve, kink);
		let just_above = rates::borrow_rate(&curve, Perbill::from_parts(kink.deconstruct() + 1));
		let expected = Rate::from_perbill(curve.base).saturating_add(Rate::from_perbill(curve.slope1));
		prop_assert_eq!(at, expected);
		// One part per billion above the kink moves the rate by at most slope2 / (1 - U*) per
		// billionth, i.e. less than 1e-6 for any kink below 99%.
		prop_assert!(just_above - at <= Rate::from_rational(1, 1_000_000));
	}

	#[test]
	fn supply_rate_never_exceeds_borrow_rate(curve in curve(), u in perbill(), reserve in perbill()) {
		let borrow = rates::borrow_rate(&curve, u);
		prop_assert!(rates::supply_rate(borrow, u, reserve) <= borrow);
	}

	#[test]
	fn index_never_falls_and_grows_with_time(
		apr in 0u128..=3_000_000_000_000_000_000u128,
		a in 0u64..BLOCKS_PER_YEAR,
		b in 0u64..BLOCKS_PER_YEAR,
	) {
		let apr = Rate::from_inner(apr);
		let (short, long) = if a <= b { (a, b) } else { (b, a) };
		let one = Rate::one();
		let i_short = interest::grow_index(one, apr, short, BLOCKS_PER_YEAR);
		let i_long = interest::grow_index(one, apr, long, BLOCKS_PER_YEAR);
		prop_assert!(i_short >= one);
		prop_assert!(i_long >= i_short);
	}

	#[test]
	fn a_year_of_index_growth_is_close_to_continuous_compounding(apr_percent in 1u64..=100) {
		// (1 + r/n)^n for n = blocks a year is e^r within 1e-6 relative.
		let apr = Rate::saturating_from_rational(apr_percent, 100);
		let index = interest::grow_index(Rate::one(), apr, BLOCKS_PER_YEAR, BLOCKS_PER_YEAR);
		let expected = (apr_percent as f64 / 100.0).exp();
		let got = index.into_inner() as f64 / 1e18;
		prop_assert!((got - expected).abs() / expected < 1e-6, "got {got}, expected {expected}");
	}

	#[test]
	fn borrowed_amount_is_never_undercounted(amount in 1u128..=1u128 << 100, index in 1_000_000_000_000_000_000u128..=10_000_000_000_000_000_000u128) {
		let index = Rate::from_inner(index);
		let scaled = interest::scaled_from_amount(amount, index, Rounding::Up).unwrap();
		prop_assert!(interest::debt_from_scaled(scaled, index).unwrap() >= amount);
	}

	#[test]
	fn a_repayment_never_erases_more_than_it_pays(paid in 1u128..=1u128 << 100, index in 1_000_000_000_000_000_000u128..=10_000_000_000_000_000_000u128) {
		let index = Rate::from_inner(index);
		let erased = interest::scaled_from_amount(paid, index, Rounding::Down).unwrap();
		// The debt the erased scaled amount stood for, rounded down, is at most what was paid.
		let worth = crate::math::mul_div(erased, index.into_inner(), Rate::DIV, Rounding::Down).unwrap();
		prop_assert!(worth <= paid);
	}

	#[test]
	fn fixed_interest_accrued_in_steps_equals_one_step(
		weight in 0u128..=1u128 << 90,
		steps in proptest::collection::vec(1u64..5_000, 1..20),
	) {
		let total: u64 = steps.iter().sum();
		let (once, rest_once) = interest::accrue_fixed_interest(weight, 0, total, BLOCKS_PER_YEAR);
		let mut remainder = 0;
		let mut accrued = 0;
		for step in steps {
			let (earned, rest) = interest::accrue_fixed_interest(weight, remainder, step, BLOCKS_PER_YEAR);
			accrued += earned;
			remainder = rest;
		}
		prop_assert_eq!(accrued, once);
		prop_assert_eq!(remainder, rest_once);
	}

	#[test]
	fn pool_fixed_interest_never_exceeds_loans_own_interest(
		loans in proptest::collection::vec((UNIT..=1_000_000 * UNIT, 1u128..=3_000_000_000u128), 1..10),
		blocks in 1u64..BLOCKS_PER_YEAR,
	) {
		let mut weight = 0u128;
		let mut own = 0u128;
		for (principal, parts) in loans {
			let apr = Rate::from_inner(parts * 1_000_000_000);
			weight += interest::rate_weight(principal, apr).unwrap();
			own += interest::simple_interest(principal, apr, blocks, BLOCKS_PER_YEAR).unwrap();
		}
		let (pool, _) = interest::accrue_fixed_interest(weight, 0, blocks, BLOCKS_PER_YEAR);
		prop_assert!(pool <= own);
	}

	#[test]
	fn deposit_then_withdraw_never_gains(
		amount in 1u128..=1u128 << 100,
		total_shares in 1u128..=1u128 << 100,
		pool_value in 1u128..=1u128 << 100,
	) {
		let minted = shares::shares_for_deposit(amount, total_shares, pool_value).unwrap();
		let back = shares::amount_for_shares(minted, total_shares + minted, pool_value + amount).unwrap();
		prop_assert!(back <= amount);
	}

	#[test]
	fn a_deposit_worth_a_share_mints_one(
		total_shares in 1u128..=1u128 << 100,
		pool_value in 1u128..=1u128 << 100,
	) {
		// The smallest deposit that is worth at least one share mints at least one share.
		let one_share = pool_value.div_ceil(total_shares);
		prop_assert!(shares::shares_for_deposit(one_share, total_shares, pool_value).unwrap() >= 1);
	}

	#[test]
	fn withdrawing_everything_pays_at_most_the_pool(total_shares in 1u128..=1u128 << 100, pool_value in 0u128..=1u128 << 100) {
		prop_assert!(shares::amount_for_shares(total_shares, total_shares, pool_value).unwrap() <= pool_value);
	}

	#[test]
	fn health_factor_boundary_is_exact(valuation in 1u128..=1u128 << 100, threshold in 1u32..1_000_000_000) {
		let threshold = Perbill::from_parts(threshold);
		let limit = threshold.mul_floor(valuation);
		prop_assume!(limit > 0);
		// At the limit the loan is healthy; one unit more and it is liquidatable.
		prop_assert!(!valuation::is_liquidatable(valuation, threshold, limit));
		prop_assert!(valuation::is_liquidatable(valuation, threshold, limit + 1));
		prop_assert!(!valuation::is_liquidatable(valuation, threshold, limit - 1));
		prop_assert!(valuation::health_factor(valuation, threshold, limit + 1).unwrap() < Rate::one());
	}

	#[test]
	fn a_variable_loan_stays_healthy_for_its_safe_blocks(
		valuation in 1_000u128..=1u128 << 90,
		threshold in 10_000_000u32..1_000_000_000,
		debt_share in 1u32..1_000_000_000,
		apr_bp in 1u64..=100_000,
		index_milli in 1_000u128..=5_000,
		split in 0u64..=1_000,
	) {
		let threshold = Perbill::from_parts(threshold);
		let debt = Perbill::from_parts(debt_share).mul_floor(threshold.mul_floor(valuation)).max(1);
		let apr = Rate::saturating_from_rational(apr_bp, 10_000);
		let index = Rate::saturating_from_rational(index_milli, 1_000);
		let scaled = interest::scaled_from_amount(debt, index, Rounding::Up).unwrap();
		let now = interest::debt_from_scaled(scaled, index).unwrap();
		let Some(safe) = valuation::blocks_while_healthy(valuation, threshold, now, apr, BLOCKS_PER_YEAR) else {
			return Err(TestCaseError::fail("a positive rate always has a horizon"));
		};
		// Cap the walk where the index would need more than a million years.
		let safe = safe.min(BLOCKS_PER_YEAR * 1_000);
		// Accrued in one step and in two (the pool accrues whenever it is touched).
		let first = safe * split / 1_000;
		let one_step = interest::grow_index(index, apr, safe, BLOCKS_PER_YEAR);
		let two_steps = interest::grow_index(
			interest::grow_index(index, apr, first, BLOCKS_PER_YEAR), apr, safe - first, BLOCKS_PER_YEAR);
		for grown in [one_step, two_steps] {
			let later = interest::debt_from_scaled(scaled, grown).unwrap_or(u128::MAX);
			prop_assert!(!valuation::is_liquidatable(valuation, threshold, later),
				"liquidatable within {} safe blocks: debt {} -> {}", safe, now, later);
		}
	}

	#[test]
	fn a_fixed_loan_stays_healthy_for_its_safe_blocks(
		valuation in 1_000u128..=1u128 << 90,
		threshold in 10_000_000u32..1_000_000_000,
		principal_share in 1u32..1_000_000_000,
		apr_bp in 1u64..=100_000,
		elapsed in 0u64..=BLOCKS_PER_YEAR,
	) {
		let threshold = Perbill::from_parts(threshold);
		let principal = Perbill::from_parts(principal_share).mul_floor(threshold.mul_floor(valuation)).max(1);
		let apr = interest::quantise_apr(Rate::saturating_from_rational(apr_bp, 10_000));
		let debt_at = |blocks: u64| principal + interest::simple_interest(principal, apr, blocks, BLOCKS_PER_YEAR).unwrap();
		let now = debt_at(elapsed);
		prop_assume!(!valuation::is_liquidatable(valuation, threshold, now));
		let safe = valuation::blocks_while_healthy(valuation, threshold, now, apr, BLOCKS_PER_YEAR).unwrap();
		let safe = safe.min(BLOCKS_PER_YEAR * 1_000_000);
		prop_assert!(!valuation::is_liquidatable(valuation, threshold, debt_at(elapsed + safe)));
	}

	#[test]
	fn the_safe_blocks_are_not_far_from_the_real_crossing(
		valuation in 1u128 << 40..=1u128 << 90,
		hf_bp in 10_100u128..=20_000,
		apr_bp in 100u64..=50_000,
	) {
		// Health factor between 1.01 and 2: the real crossing comes within twice the safe blocks.
		let threshold = Perbill::from_percent(80);
		let debt = threshold.mul_floor(valuation) * 10_000 / hf_bp;
		let apr = Rate::saturating_from_rational(apr_bp, 10_000);
		let safe = valuation::blocks_while_healthy(valuation, threshold, debt, apr, BLOCKS_PER_YEAR).unwrap();
		prop_assert!(safe > 0);
		let grown = interest::grow_index(Rate::one(), apr, 2 * safe + 2, BLOCKS_PER_YEAR);
		let later = interest::debt_from_scaled(debt, grown).unwrap();
		prop_assert!(valuation::is_liquidatable(valuation, threshold, later));
	}

	#[test]
	fn no_rate_never_crosses_and_no_headroom_is_now(valuation in 1u128..=1u128 << 90, threshold in perbill(), debt in 0u128..=1u128 << 90) {
		prop_assert_eq!(valuation::blocks_while_healthy(valuation, threshold, debt, Rate::zero(), BLOCKS_PER_YEAR), None);
		let cap = threshold.mul_floor(valuation);
		prop_assert_eq!(
			valuation::blocks_while_healthy(valuation, threshold, cap.max(debt), Rate::one(), BLOCKS_PER_YEAR),
			Some(0)
		);
	}

	#[test]
	fn settlement_shares_out_exactly_the_bid(bid in 0u128..=1u128 << 100, debt in 0u128..=1u128 << 100, penalty in 0u128..=1u128 << 90) {
		let split = auction::settle(bid, debt, penalty);
		prop_assert_eq!(split.to_pool + split.to_reserve + split.to_borrower, bid);
		prop_assert_eq!(split.to_pool + split.shortfall, debt);
		prop_assert!(split.shortfall == 0 || (split.to_reserve == 0 && split.to_borrower == 0));
	}

	#[test]
	fn first_bid_minimum_is_at_most_the_debt(debt in 1u128..=1u128 << 100, valuation in 0u128..=1u128 << 100, discount in perbill()) {
		let min = auction::min_first_bid(debt, valuation, discount);
		prop_assert!(min >= 1 && min <= debt);
	}

	#[test]
	fn defaulted_price_falls_to_its_floor(start in 1u128..=1u128 << 100, floor in perbill(), duration in 1u64..100_000, a in 0u64..200_000, b in 0u64..200_000) {
		let (early, late) = if a <= b { (a, b) } else { (b, a) };
		let p_early = auction::defaulted_price(start, floor, early, duration);
		let p_late = auction::defaulted_price(start, floor, late, duration);
		prop_assert!(p_late <= p_early);
		prop_assert!(p_early <= start.max(1));
		prop_assert!(p_late >= floor.mul_ceil(start).max(1));
		prop_assert_eq!(auction::defaulted_price(start, floor, 0, duration), start.max(1));
	}

	#[test]
	fn anti_snipe_never_passes_the_cap(end in 100u64..1_000, now in 0u64..1_000, window in 1u64..100, extra in 0u64..500) {
		let max_end = end + extra;
		let new_end = auction::end_after_bid(end, now, window, max_end);
		prop_assert!(new_end >= end && new_end <= max_end);
	}
}

const UNIT: u128 = 1_000_000_000_000;

#[test]
fn utilization_examples() {
	assert_eq!(rates::utilization(0, 0), Perbill::zero());
	assert_eq!(rates::utilization(70, 30), Perbill::from_percent(70));
	assert_eq!(rates::utilization_after_borrow(0, 100, 101), None);
	let curve = RateCurve::default();
	// At the kink: base + slope1 = 10%; at 100%: 110%.
	assert_eq!(
		rates::borrow_rate(&curve, Perbill::from_percent(70)),
		Rate::saturating_from_rational(10, 100)
	);
	assert_eq!(
		rates::borrow_rate(&curve, Perbill::one()),
		Rate::saturating_from_rational(110, 100)
	);
	assert_eq!(rates::borrow_rate(&curve, Perbill::zero()), Rate::saturating_from_rational(2, 100));
}

#[test]
fn safe_blocks_worked_example() {
	// Health factor 1.1 at 10% a year: the real crossing is ln(1.1) / 0.1 = 0.953 years; the
	// safe bound is 0.1 / 1.1 / 0.1 = 0.909 years (less the rounding margin).
	let valuation = 1_100 * 10u128.pow(12);
	let debt = 10u128.pow(15);
	let apr = Rate::saturating_from_rational(10, 100);
	let safe =
		valuation::blocks_while_healthy(valuation, Perbill::one(), debt, apr, BLOCKS_PER_YEAR)
			.unwrap();
	assert_eq!(safe, 4_781_454);
	assert_eq!(safe * 1_000 / BLOCKS_PER_YEAR, 909);
}
