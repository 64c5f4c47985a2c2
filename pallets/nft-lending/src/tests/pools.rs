//! Pool creation, settings and pausing by governance.

use super::*;
use crate::Error;
use frame_support::{assert_noop, assert_ok};
use sp_arithmetic::traits::Zero;
use sp_runtime::DispatchError;

#[test]
fn governance_creates_a_variable_and_a_fixed_pool() {
	new_test_ext().execute_with(|| {
		assert_ok!(NftLending::create_pool(RuntimeOrigin::root(), variable_params()));
		assert_ok!(NftLending::create_pool(RuntimeOrigin::root(), fixed_params(&[7 * DAY])));
		assert_eq!(NextPoolId::<Test>::get(), 2);
		let pool = Pools::<Test>::get(1).unwrap();
		assert!(pool.params.rate_model.is_fixed());
		assert_eq!(pool.status, PoolStatus::Active);
		assert_eq!(pool.ledger.borrow_index, crate::math::Rate::from_u32(1));
		assert!(matches!(last_event(), crate::Event::PoolCreated { pool: 1, .. }));
		check();
	});
}

#[test]
fn only_governance_creates_pools() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			NftLending::create_pool(RuntimeOrigin::signed(alice()), variable_params()),
			DispatchError::BadOrigin
		);
		assert_noop!(
			NftLending::create_pool(RuntimeOrigin::signed(emergency()), variable_params()),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn pool_params_are_bounds_checked() {
	new_test_ext().execute_with(|| {
		let mut bad_curve = variable_params();
		bad_curve.rate_model = RateModel::Variable {
			curve: RateCurve { optimal_utilization: Perbill::zero(), ..Default::default() },
		};
		assert_noop!(
			NftLending::create_pool(RuntimeOrigin::root(), bad_curve),
			Error::<Test>::InvalidRateCurve
		);
		let mut kink_at_top = variable_params();
		kink_at_top.rate_model = RateModel::Variable {
			curve: RateCurve { optimal_utilization: Perbill::one(), ..Default::default() },
		};
		assert_noop!(
			NftLending::create_pool(RuntimeOrigin::root(), kink_at_top),
			Error::<Test>::InvalidRateCurve
		);
		assert_noop!(
			NftLending::create_pool(RuntimeOrigin::root(), fixed_params(&[])),
			Error::<Test>::InvalidTerms
		);
		assert_noop!(
			NftLending::create_pool(RuntimeOrigin::root(), fixed_params(&[DAY, DAY])),
			Error::<Test>::InvalidTerms
		);
		assert_noop!(
			NftLending::create_pool(RuntimeOrigin::root(), fixed_params(&[0])),
			Error::<Test>::InvalidTerms
		);
		let mut no_utilization = variable_params();
		no_utilization.max_utilization = Perbill::zero();
		assert_noop!(
			NftLending::create_pool(RuntimeOrigin::root(), no_utilization),
			Error::<Test>::InvalidPoolParams
		);
	});
}

#[test]
fn lenders_can_always_leave_and_always_earn_something() {
	new_test_ext().execute_with(|| {
		// A pool that lends out everything, or keeps all interest as reserve, is refused.
		let mut full = variable_params();
		full.max_utilization = Perbill::one();
		assert_noop!(
			NftLending::create_pool(RuntimeOrigin::root(), full.clone()),
			Error::<Test>::InvalidPoolParams
		);
		let mut greedy = variable_params();
		greedy.reserve_factor = Perbill::one();
		assert_noop!(
			NftLending::create_pool(RuntimeOrigin::root(), greedy.clone()),
			Error::<Test>::InvalidPoolParams
		);
		let pool = variable_pool(&[PUNKS], 1_000 * UNIT);
		assert_noop!(
			NftLending::set_pool_params(RuntimeOrigin::root(), pool, full),
			Error::<Test>::InvalidPoolParams
		);
		assert_noop!(
			NftLending::set_pool_params(RuntimeOrigin::root(), pool, greedy),
			Error::<Test>::InvalidPoolParams
		);
	});
}

#[test]
fn a_fixed_pool_needs_a_curve_that_charges_something() {
	new_test_ext().execute_with(|| {
		let zero = RateCurve {
			base: Perbill::zero(),
			slope1: Perbill::zero(),
			slope2: Perbill::zero(),
			..RateCurve::default()
		};
		let mut params = fixed_params(&[DAY]);
		params.rate_model =
			RateModel::Fixed { curve: zero, terms: BoundedVec::truncate_from(vec![DAY]) };
		assert_noop!(
			NftLending::create_pool(RuntimeOrigin::root(), params),
			Error::<Test>::ZeroRateCurve
		);
		// A variable pool may lend at 0%: its loans follow the index.
		let mut variable = variable_params();
		variable.rate_model = RateModel::Variable { curve: zero };
		assert_ok!(NftLending::create_pool(RuntimeOrigin::root(), variable));
	});
}

#[test]
fn zero_percent_fixed_loans_keep_their_place_in_the_books() {
	new_test_ext().execute_with(|| {
		// Free below the kink: a loan that leaves utilization under 70% locks 0%.
		let curve =
			RateCurve { base: Perbill::zero(), slope1: Perbill::zero(), ..RateCurve::default() };
		let params = PoolParams {
			rate_model: RateModel::Fixed { curve, terms: BoundedVec::truncate_from(vec![7 * DAY]) },
			..fixed_params(&[7 * DAY])
		};
		let pool = pool_with(params, &[KITTIES]);
		assert_ok!(NftLending::deposit(RuntimeOrigin::signed(eve()), pool, 1_000 * UNIT));
		set_price(KITTIES, 2_000 * UNIT, 2_000 * UNIT);
		nft(KITTIES, 0, &alice());
		nft(KITTIES, 1, &bob());
		let zero = borrow(&alice(), pool, KITTIES, 0, 100 * UNIT, Some(7 * DAY));
		let charged = borrow(&bob(), pool, KITTIES, 1, 650 * UNIT, Some(7 * DAY));
		assert!(NftLending::loan_info(zero).unwrap().apr.unwrap().is_zero());
		assert!(!NftLending::loan_info(charged).unwrap().apr.unwrap().is_zero());
		let value = info(pool).pool_value;
		run_to_block(DAY);
		// The last loan that charges anything leaves: the 0% loan's principal stays on the books.
		assert_ok!(NftLending::repay(RuntimeOrigin::signed(bob()), charged, 1_000 * UNIT));
		assert_eq!(ledger(pool).fixed_debt, 100 * UNIT);
		assert!(info(pool).pool_value >= value, "no loss without a BadDebt");
		check();
		assert_ok!(NftLending::repay(RuntimeOrigin::signed(alice()), zero, 100 * UNIT));
		assert_eq!(ledger(pool).fixed_debt, 0);
		check();
	});
}

#[test]
fn the_reserve_keeps_back_provisioned_losses_but_not_losses_it_already_covered() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 100_000 * UNIT);
		Pools::<Test>::mutate(pool, |p| p.as_mut().unwrap().ledger.reserve = 1_000 * UNIT);
		set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
		nft(PUNKS, 0, &alice());
		let loan = borrow(&alice(), pool, PUNKS, 0, 400 * UNIT, None);
		// A crash: the auction is provisioned for its likely shortfall, 400 - 90% of 300 = 130.
		set_price(PUNKS, 300 * UNIT, 300 * UNIT);
		run_to_block(2);
		let provision = ledger(pool).provisions;
		assert!(provision > 129 * UNIT && provision < 131 * UNIT);
		let free = ledger(pool).reserve - provision;
		assert_noop!(
			NftLending::withdraw_reserve(RuntimeOrigin::root(), pool, free + 1, dave()),
			Error::<Test>::InsufficientReserve
		);
		assert_ok!(NftLending::withdraw_reserve(RuntimeOrigin::root(), pool, free / 2, dave()));
		// No bid: the loss is booked (the reserve pays first) and the provision released.
		run_to_block(Auctions::<Test>::get(loan).unwrap().ends_at);
		assert!(matches!(Loans::<Test>::get(loan).unwrap().state, LoanState::Defaulted { .. }));
		assert_eq!(ledger(pool).provisions, 0);
		// What the reserve has left is free to take, bad debt or not.
		let left = ledger(pool).reserve;
		assert!(ledger(pool).bad_debt > 0 && left > 0);
		assert_ok!(NftLending::withdraw_reserve(RuntimeOrigin::root(), pool, left, dave()));
		check();
	});
}

#[test]
fn pool_count_is_bounded() {
	new_test_ext().execute_with(|| {
		for _ in 0..64 {
			assert_ok!(NftLending::create_pool(RuntimeOrigin::root(), variable_params()));
		}
		assert_noop!(
			NftLending::create_pool(RuntimeOrigin::root(), variable_params()),
			Error::<Test>::TooManyPools
		);
	});
}

#[test]
fn set_pool_params_changes_the_curve_but_not_the_model_with_open_loans() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 1_000 * UNIT);
		let mut steeper = variable_params();
		steeper.rate_model = RateModel::Variable {
			curve: RateCurve { base: Perbill::from_percent(5), ..Default::default() },
		};
		assert_ok!(NftLending::set_pool_params(RuntimeOrigin::root(), pool, steeper.clone()));
		assert_eq!(Pools::<Test>::get(pool).unwrap().params, steeper);

		nft(PUNKS, 0, &alice());
		set_price(PUNKS, 100 * UNIT, 100 * UNIT);
		borrow(&alice(), pool, PUNKS, 0, 10 * UNIT, None);
		assert_noop!(
			NftLending::set_pool_params(RuntimeOrigin::root(), pool, fixed_params(&[DAY])),
			Error::<Test>::RateModelChangeWithOpenLoans
		);
		assert_noop!(
			NftLending::set_pool_params(RuntimeOrigin::signed(alice()), pool, variable_params()),
			DispatchError::BadOrigin
		);
		assert_noop!(
			NftLending::set_pool_params(RuntimeOrigin::root(), 42, variable_params()),
			Error::<Test>::PoolNotFound
		);
		check();
	});
}

#[test]
fn emergency_can_pause_but_only_admin_unpauses() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 1_000 * UNIT);
		assert_noop!(
			NftLending::set_paused(RuntimeOrigin::signed(alice()), pool, true),
			DispatchError::BadOrigin
		);
		assert_ok!(NftLending::set_paused(RuntimeOrigin::signed(emergency()), pool, true));
		assert_eq!(Pools::<Test>::get(pool).unwrap().status, PoolStatus::Paused);
		assert_noop!(
			NftLending::set_paused(RuntimeOrigin::signed(emergency()), pool, false),
			DispatchError::BadOrigin
		);
		assert_ok!(NftLending::set_paused(RuntimeOrigin::root(), pool, false));
		assert_eq!(Pools::<Test>::get(pool).unwrap().status, PoolStatus::Active);
		assert_noop!(
			NftLending::set_paused(RuntimeOrigin::root(), 9, true),
			Error::<Test>::PoolNotFound
		);
	});
}

#[test]
fn a_paused_pool_takes_no_deposits_or_borrows_but_lets_money_out_and_in() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 1_000 * UNIT);
		nft(PUNKS, 0, &alice());
		nft(PUNKS, 1, &alice());
		set_price(PUNKS, 100 * UNIT, 100 * UNIT);
		let loan = borrow(&alice(), pool, PUNKS, 0, 10 * UNIT, None);
		assert_ok!(NftLending::set_paused(RuntimeOrigin::root(), pool, true));

		assert_noop!(
			NftLending::deposit(RuntimeOrigin::signed(bob()), pool, 10 * UNIT),
			Error::<Test>::PoolPaused
		);
		assert_noop!(
			NftLending::borrow(RuntimeOrigin::signed(alice()), pool, PUNKS, 1, UNIT, None),
			Error::<Test>::PoolPaused
		);
		assert_noop!(
			NftLending::borrow_more(RuntimeOrigin::signed(alice()), loan, UNIT),
			Error::<Test>::PoolPaused
		);
		assert_ok!(NftLending::repay(RuntimeOrigin::signed(alice()), loan, 100 * UNIT));
		let shares = Shares::<Test>::get(pool, eve());
		assert_ok!(NftLending::withdraw(RuntimeOrigin::signed(eve()), pool, shares / 2));
		check();
	});
}

#[test]
fn liquidation_settings_are_governed_and_bounded() {
	new_test_ext().execute_with(|| {
		let mut config = LiquidationSettings::<Test>::get();
		assert_eq!(config.grace_period, 24 * HOUR);
		assert_eq!(config.auction_duration, 24 * HOUR);
		config.auction_duration = 2 * HOUR;
		config.redeem_period = HOUR;
		assert_noop!(
			NftLending::set_liquidation_config(RuntimeOrigin::signed(alice()), config),
			DispatchError::BadOrigin
		);
		assert_ok!(NftLending::set_liquidation_config(RuntimeOrigin::root(), config));
		assert_eq!(LiquidationSettings::<Test>::get(), config);

		let mut bad = config;
		bad.redeem_period = 3 * HOUR; // longer than the auction
		assert_noop!(
			NftLending::set_liquidation_config(RuntimeOrigin::root(), bad),
			Error::<Test>::InvalidLiquidationConfig
		);
		let mut bad = config;
		bad.bid_increment = Perbill::zero();
		assert_noop!(
			NftLending::set_liquidation_config(RuntimeOrigin::root(), bad),
			Error::<Test>::InvalidLiquidationConfig
		);
	});
}
