//! Governance by referenda, natively on the dev genesis (fast tracks): a `lending_admin`
//! referendum changes a collection's risk numbers; a signed account, the `LendingEmergency`
//! origin and a rejected referendum cannot; a `lending_emergency` referendum pauses a pool and
//! nothing else.

mod common;

use common::{new_test_ext, run_to_block};
use frame_support::{
	assert_noop, assert_ok,
	traits::{schedule::DispatchTime, StorePreimage},
};
use nft_lending_runtime::{
	governance::{origins::Origin as LendingOrigin, tracks},
	ConvictionVoting, NftLending, OriginCaller, Preimage, Referenda, Runtime, RuntimeCall,
	RuntimeOrigin, System, UNIT,
};
use pallet_conviction_voting::{AccountVote, Conviction, Vote};
use pallet_nft_lending::{CollectionParams, PoolStatus, Pools};
use pallet_referenda::{ReferendumInfo, ReferendumInfoFor};
use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie, Dave};
use sp_runtime::{DispatchError, Perbill};

const PUNKS: u32 = 0;

fn signed(who: Sr25519Keyring) -> RuntimeOrigin {
	RuntimeOrigin::signed(who.to_account_id())
}

fn new_params() -> CollectionParams {
	CollectionParams {
		ltv: Perbill::from_percent(35),
		liquidation_threshold: Perbill::from_percent(65),
		debt_ceiling: 50_000 * UNIT,
		max_loans: 40,
		liquidation_penalty: Perbill::from_percent(6),
	}
}

fn update_punks() -> RuntimeCall {
	RuntimeCall::NftLending(pallet_nft_lending::Call::update_collection {
		pool: 0,
		collection: PUNKS,
		params: new_params(),
	})
}

/// Submits `call` as a referendum dispatched with `origin`, with its decision deposit.
fn submit(origin: OriginCaller, call: RuntimeCall) -> u32 {
	let index = pallet_referenda::ReferendumCount::<Runtime>::get();
	let proposal = <Preimage as StorePreimage>::bound(call).expect("the call can be noted");
	assert_ok!(Referenda::submit(
		signed(Alice),
		Box::new(origin),
		proposal,
		DispatchTime::After(1)
	));
	assert_ok!(Referenda::place_decision_deposit(signed(Alice), index));
	index
}

fn vote(index: u32, who: Sr25519Keyring, aye: bool) {
	assert_ok!(ConvictionVoting::vote(
		signed(who),
		index,
		AccountVote::Standard {
			vote: Vote { aye, conviction: Conviction::Locked1x },
			balance: 500_000 * UNIT,
		}
	));
}

/// Runs blocks until the referendum is over, then a few more for the enactment.
fn run_until_over(index: u32) -> pallet_referenda::ReferendumInfoOf<Runtime, ()> {
	let start = System::block_number();
	loop {
		let now = System::block_number();
		if !matches!(ReferendumInfoFor::<Runtime>::get(index), Some(ReferendumInfo::Ongoing(_))) {
			run_to_block(now + 3);
			return ReferendumInfoFor::<Runtime>::get(index).unwrap();
		}
		assert!(now < start + 100, "a dev-chain referendum ends within 100 blocks");
		run_to_block(now + 1);
	}
}

#[test]
fn a_lending_admin_referendum_changes_a_collections_risk_numbers() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let index = submit(LendingOrigin::LendingAdmin.into(), update_punks());
		assert_eq!(
			ReferendumInfoFor::<Runtime>::get(index).map(
				|i| matches!(i, ReferendumInfo::Ongoing(s) if s.track == tracks::LENDING_ADMIN)
			),
			Some(true)
		);
		for who in [Alice, Bob, Charlie] {
			vote(index, who, true);
		}
		let info = run_until_over(index);
		assert!(matches!(info, ReferendumInfo::Approved(..)), "{info:?}");
		assert_eq!(Pools::<Runtime>::get(0).unwrap().listing(&PUNKS).unwrap().params, new_params());
		// A dev-chain referendum passes in minutes (6-second blocks).
		assert!(System::block_number() < 60);
	});
}

#[test]
fn a_signed_account_and_the_emergency_origin_cannot_change_risk_numbers() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		assert_noop!(
			NftLending::update_collection(signed(Alice), 0, PUNKS, new_params()),
			DispatchError::BadOrigin
		);
		let emergency: RuntimeOrigin = LendingOrigin::LendingEmergency.into();
		assert_noop!(
			NftLending::update_collection(emergency.clone(), 0, PUNKS, new_params()),
			DispatchError::BadOrigin
		);
		assert_noop!(NftLending::set_paused(emergency, 0, false), DispatchError::BadOrigin);
		let admin: RuntimeOrigin = LendingOrigin::LendingAdmin.into();
		assert_ok!(NftLending::update_collection(admin, 0, PUNKS, new_params()));
	});
}

#[test]
fn a_rejected_referendum_changes_nothing() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let before = Pools::<Runtime>::get(0).unwrap().listing(&PUNKS).unwrap().params;
		let index = submit(LendingOrigin::LendingAdmin.into(), update_punks());
		vote(index, Alice, true);
		for who in [Bob, Charlie, Dave] {
			vote(index, who, false);
		}
		let info = run_until_over(index);
		assert!(matches!(info, ReferendumInfo::Rejected(..)), "{info:?}");
		assert_eq!(Pools::<Runtime>::get(0).unwrap().listing(&PUNKS).unwrap().params, before);
	});
}

#[test]
fn an_emergency_referendum_pauses_a_pool_and_nothing_else() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let before = Pools::<Runtime>::get(0).unwrap().listing(&PUNKS).unwrap().params;
		// The emergency track pauses...
		let pause =
			RuntimeCall::NftLending(pallet_nft_lending::Call::set_paused { pool: 0, paused: true });
		let index = submit(LendingOrigin::LendingEmergency.into(), pause);
		for who in [Alice, Bob, Charlie] {
			vote(index, who, true);
		}
		assert!(matches!(run_until_over(index), ReferendumInfo::Approved(..)));
		assert_eq!(Pools::<Runtime>::get(0).unwrap().status, PoolStatus::Paused);

		// ...but a passed emergency referendum cannot change risk numbers or unpause: the
		// enacted call fails with BadOrigin.
		for call in [
			update_punks(),
			RuntimeCall::NftLending(pallet_nft_lending::Call::set_paused {
				pool: 0,
				paused: false,
			}),
		] {
			let index = submit(LendingOrigin::LendingEmergency.into(), call);
			for who in [Alice, Bob, Charlie] {
				vote(index, who, true);
			}
			assert!(matches!(run_until_over(index), ReferendumInfo::Approved(..)));
		}
		assert_eq!(Pools::<Runtime>::get(0).unwrap().status, PoolStatus::Paused);
		assert_eq!(Pools::<Runtime>::get(0).unwrap().listing(&PUNKS).unwrap().params, before);
	});
}

#[test]
fn the_local_testnet_uses_production_track_periods() {
	new_test_ext(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		use pallet_referenda::TracksInfo;
		let admin = tracks::TracksInfo::tracks().find(|t| t.id == tracks::LENDING_ADMIN).unwrap();
		assert_eq!(admin.info.decision_period, 7 * nft_lending_runtime::DAYS);
		let origin: OriginCaller = LendingOrigin::LendingEmergency.into();
		assert_eq!(tracks::TracksInfo::track_for(&origin), Ok(tracks::LENDING_EMERGENCY));
	});
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		use pallet_referenda::TracksInfo;
		let admin = tracks::TracksInfo::tracks().find(|t| t.id == tracks::LENDING_ADMIN).unwrap();
		assert_eq!(admin.info.decision_period, 30);
	});
}
