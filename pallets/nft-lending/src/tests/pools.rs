//! Pool creation, settings and pausing by governance.

use super::*;
use crate::Error;
use frame_support::{assert_noop, assert_ok};
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
fn pool_count_is_bounded() {
	new_test_ext().execute_with(|| {
		for _ in 0..8 {
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
