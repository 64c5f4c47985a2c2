//! The genesis presets build, and hold the demo data a newcomer needs to borrow at once.

mod common;

use common::{new_test_ext, preset_names};
use nft_lending_runtime::{
	genesis_config_presets::{
		demo_collections, dev_accounts, item_holders, ENDOWMENT, ITEMS_PER_COLLECTION,
	},
	AccountId, Balance, Balances, Grandpa, Runtime, System, UNIT,
};
use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::Sr25519Keyring;

#[test]
fn there_are_development_and_local_testnet_presets() {
	assert_eq!(preset_names(), vec![DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET]);
}

#[test]
fn every_preset_builds_into_storage() {
	for name in preset_names() {
		new_test_ext(&name);
	}
}

#[test]
fn development_has_alice_as_only_authority_and_local_testnet_alice_and_bob() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 1);
		assert_eq!(Grandpa::grandpa_authorities().len(), 1);
	});
	new_test_ext(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 2);
		assert_eq!(Grandpa::grandpa_authorities().len(), 2);
	});
}

#[test]
fn all_twelve_dev_accounts_are_funded_and_alice_holds_sudo() {
	for name in preset_names() {
		new_test_ext(&name).execute_with(|| {
			let accounts = dev_accounts();
			assert_eq!(accounts.len(), 12);
			// The genesis lenders' deposits sit in the pools.
			let lent: Vec<(AccountId, Balance)> = vec![
				(Sr25519Keyring::Ferdie.to_account_id(), 200_000 * UNIT),
				(Sr25519Keyring::Eve.to_account_id(), 100_000 * UNIT),
			];
			for account in accounts {
				// Collection owners have part of it reserved for their NFT deposits.
				let balance = System::account(&account).data;
				let deposited =
					lent.iter().find(|(a, _)| *a == account).map(|(_, d)| *d).unwrap_or_default();
				assert_eq!(balance.free + balance.reserved + deposited, ENDOWMENT, "{name}");
			}
			assert_eq!(
				pallet_sudo::Key::<Runtime>::get(),
				Some(Sr25519Keyring::Alice.to_account_id())
			);
		});
	}
}

#[test]
fn demo_collections_are_minted_and_spread_over_alice_to_dave() {
	for name in preset_names() {
		new_test_ext(&name).execute_with(|| {
			for collection in demo_collections() {
				let details = pallet_nfts::Collection::<Runtime>::get(collection.id)
					.unwrap_or_else(|| panic!("{name}: collection {} exists", collection.id));
				assert_eq!(details.owner, collection.owner.to_account_id());
				assert_eq!(details.items, ITEMS_PER_COLLECTION);
				let metadata = pallet_nfts::CollectionMetadataOf::<Runtime>::get(collection.id)
					.expect("demo collections carry their name");
				assert_eq!(metadata.data.to_vec(), collection.name.as_bytes().to_vec());
				for item in 0..ITEMS_PER_COLLECTION {
					let holder = item_holders()[item as usize % 4].to_account_id();
					assert_eq!(
						pallet_nfts::Pallet::<Runtime>::owner(collection.id, item),
						Some(holder),
						"{name}: owner of item {item} of collection {}",
						collection.id
					);
				}
			}
			// The next collection created by a user gets the next free id.
			assert_eq!(pallet_nfts::NextCollectionId::<Runtime>::get(), Some(3));
		});
	}
}

#[test]
fn item_holders_pay_no_nft_deposits() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		for holder in item_holders() {
			assert_eq!(Balances::free_balance(holder.to_account_id()), ENDOWMENT);
		}
	});
}

#[test]
fn the_dev_chain_feeds_prices_with_a_key_of_its_own_and_a_local_testnet_with_its_authorities() {
	use nft_lending_runtime::genesis_config_presets::{dev_feeder, DEV_FEEDER_SEED};
	use sp_core::{sr25519, Pair};
	let derived = sr25519::Pair::from_string(DEV_FEEDER_SEED, None).expect("valid seed").public();
	assert_eq!(dev_feeder(), derived.into());
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		let feeders = pallet_membership::Members::<Runtime, pallet_membership::Instance1>::get();
		assert_eq!(feeders.to_vec(), vec![dev_feeder()]);
		assert!(nft_lending_runtime::Balances::free_balance(dev_feeder()) > 0);
	});
	new_test_ext(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let mut expected =
			vec![Sr25519Keyring::Alice.to_account_id(), Sr25519Keyring::Bob.to_account_id()];
		expected.sort();
		let feeders = pallet_membership::Members::<Runtime, pallet_membership::Instance1>::get();
		assert_eq!(feeders.to_vec(), expected);
	});
}
