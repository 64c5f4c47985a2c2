//! `CheckFeed`: feeders' feeds jump the queue; nobody else's feed enters it.

use super::*;
use crate::{CheckFeed, FEED_PRIORITY};
use frame_support::{assert_ok, dispatch::DispatchInfo, pallet_prelude::TransactionSource};
use sp_runtime::{
	traits::DispatchTransaction,
	transaction_validity::{InvalidTransaction, TransactionValidityError},
};

fn feed_call(observed_at: BlockNumber) -> RuntimeCall {
	RuntimeCall::FloorPriceOracle(crate::Call::submit_floor_prices {
		prices: vec![(1, 1_000)].try_into().unwrap(),
		observed_at,
	})
}

fn validate(who: AccountId, call: &RuntimeCall) -> Result<u64, TransactionValidityError> {
	CheckFeed::<Test>::new()
		.validate_only(
			RuntimeOrigin::signed(who),
			call,
			&DispatchInfo::default(),
			0,
			TransactionSource::External,
			0,
		)
		.map(|(valid, _, _)| valid.priority)
}

#[test]
fn a_feeders_feed_gets_the_feed_priority() {
	ExtBuilder::default().run(|| {
		assert_eq!(validate(alice(), &feed_call(1)), Ok(FEED_PRIORITY));
	});
}

#[test]
fn a_non_feeders_feed_never_enters_the_pool() {
	ExtBuilder::default().run(|| {
		assert_eq!(
			validate(eve(), &feed_call(1)),
			Err(InvalidTransaction::Custom(crate::extension::FeedRefusal::NotAFeeder as u8).into())
		);
	});
}

#[test]
fn a_second_feed_in_a_block_or_an_old_observation_is_stale() {
	ExtBuilder::default().run(|| {
		run_to_block(5);
		assert_ok!(submit_observed(alice(), &[(1, 1_000)], 4));
		assert_eq!(validate(alice(), &feed_call(5)), Err(InvalidTransaction::Stale.into()));
		run_to_block(6);
		assert_eq!(validate(alice(), &feed_call(4)), Err(InvalidTransaction::Stale.into()));
		assert_eq!(validate(alice(), &feed_call(7)), Err(InvalidTransaction::Future.into()));
		assert_eq!(validate(alice(), &feed_call(6)), Ok(FEED_PRIORITY));
	});
}

#[test]
fn other_transactions_pass_untouched() {
	ExtBuilder::default().run(|| {
		let remark = RuntimeCall::System(frame_system::Call::remark { remark: vec![1] });
		assert_eq!(validate(eve(), &remark), Ok(0));
	});
}
