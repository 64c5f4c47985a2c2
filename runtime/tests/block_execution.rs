//! A block executes on top of the development genesis: the timestamp inherent, a signed balance
//! transfer and a signed NFT transfer of a demo item.

mod common;

use codec::Encode;
use common::{new_test_ext, signed};
use nft_lending_runtime::{
	Balances, Executive, Header, Runtime, RuntimeCall, RuntimeEvent, System, UncheckedExtrinsic,
	SLOT_DURATION, UNIT,
};
use sp_consensus_aura::{Slot, AURA_ENGINE_ID};
use sp_genesis_builder::DEV_RUNTIME_PRESET;
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	generic::{Digest, DigestItem},
	traits::Header as _,
};

#[test]
fn a_block_with_a_transfer_and_an_nft_transfer_executes_on_the_dev_genesis() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		let alice = Sr25519Keyring::Alice;
		let bob = Sr25519Keyring::Bob.to_account_id();
		let bob_before = Balances::free_balance(&bob);

		// Block 1 in some slot, authored by the only authority (Alice).
		let now: u64 = 1_767_225_600_000;
		let slot = Slot::from(now / SLOT_DURATION);
		let digest = Digest { logs: vec![DigestItem::PreRuntime(AURA_ENGINE_ID, slot.encode())] };
		let header =
			Header::new(1, Default::default(), Default::default(), System::block_hash(0), digest);
		Executive::initialize_block(&header);

		let timestamp =
			UncheckedExtrinsic::new_bare(RuntimeCall::Timestamp(pallet_timestamp::Call::set {
				now,
			}));
		let transfer = signed(
			alice,
			0,
			RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
				dest: bob.clone().into(),
				value: 10 * UNIT,
			}),
		);
		// Item 0 of the Polkadot Punks belongs to Alice at genesis.
		let nft_transfer = signed(
			alice,
			1,
			RuntimeCall::Nfts(pallet_nfts::Call::transfer {
				collection: 0,
				item: 0,
				dest: bob.clone().into(),
			}),
		);
		for extrinsic in [timestamp, transfer, nft_transfer] {
			Executive::apply_extrinsic(extrinsic)
				.expect("valid transaction")
				.expect("dispatch succeeds");
		}
		let header = Executive::finalize_block();
		assert_eq!(*header.number(), 1);

		assert_eq!(Balances::free_balance(&bob), bob_before + 10 * UNIT);
		assert_eq!(pallet_nfts::Pallet::<Runtime>::owner(0, 0), Some(bob.clone()));
		assert!(System::events().iter().any(|record| matches!(
			&record.event,
			RuntimeEvent::Balances(pallet_balances::Event::Transfer { to, amount, .. })
				if *to == bob && *amount == 10 * UNIT
		)));
		assert_eq!(pallet_timestamp::Now::<Runtime>::get(), now);
	});
}
