//! Named genesis presets: `development` (one authority, `--dev`) and `local_testnet` (two
//! authorities, `--chain local`).
//!
//! Both start with demo data so that a newcomer can borrow in the first minute:
//! - the 12 dev accounts (Alice..Ferdie and their `//stash` accounts) hold
//!   [`ENDOWMENT`] each;
//! - three NFT collections, see [`demo_collections`];
//! - Alice holds the sudo key. Sudo exists for development and local chains only: a production
//!   preset sets no sudo key (`sudo: { key: null }`).
//!
//! Lending pools and oracle feeders join the presets with their pallets: extend [`genesis`] (one
//! place for both presets) and use [`demo_collections`] for the collection ids.

use alloc::{string::String, vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{PresetId, DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use crate::{
	configs::CollectionId, demo_nfts, AccountId, Balance, BalancesConfig, RuntimeGenesisConfig,
	SudoConfig, UNIT,
};

/// What every dev account holds at genesis.
pub const ENDOWMENT: Balance = 1_000_000 * UNIT;

/// Items per demo collection (ids `0..ITEMS_PER_COLLECTION`).
pub const ITEMS_PER_COLLECTION: u32 = 10;

/// A demo NFT collection of the presets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoCollection {
	/// Collection id in pallet-nfts.
	pub id: CollectionId,
	/// Name, stored as the collection's metadata.
	pub name: &'static str,
	/// Blue chip (lent against by its own pool) or emerging (shares a pool).
	pub blue_chip: bool,
	/// Who created the collection (and paid its deposits).
	pub owner: Sr25519Keyring,
}

/// The demo collections of both presets. Items `0..10` of each are spread over Alice, Bob,
/// Charlie and Dave (item `i` belongs to [`item_holders`]`[i % 4]`):
///
/// | id | name | kind | owner |
/// |---|---|---|---|
/// | 0 | Polkadot Punks | blue chip | Ferdie |
/// | 1 | Kusama Kitties | emerging | Eve |
/// | 2 | Substrate Sprites | emerging | Eve |
pub fn demo_collections() -> [DemoCollection; 3] {
	[
		DemoCollection {
			id: 0,
			name: "Polkadot Punks",
			blue_chip: true,
			owner: Sr25519Keyring::Ferdie,
		},
		DemoCollection {
			id: 1,
			name: "Kusama Kitties",
			blue_chip: false,
			owner: Sr25519Keyring::Eve,
		},
		DemoCollection {
			id: 2,
			name: "Substrate Sprites",
			blue_chip: false,
			owner: Sr25519Keyring::Eve,
		},
	]
}

/// The dev accounts that hold the demo NFTs, in the order items are dealt out.
pub fn item_holders() -> [Sr25519Keyring; 4] {
	[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Dave]
}

/// The 12 well-known dev accounts: Alice..Ferdie and their stashes.
pub fn dev_accounts() -> Vec<AccountId> {
	Sr25519Keyring::iter()
		.filter(|k| *k != Sr25519Keyring::One && *k != Sr25519Keyring::Two)
		.map(|k| k.to_account_id())
		.collect()
}

/// The genesis config of `demo_nfts`: every demo collection with its items.
fn demo_nfts_genesis() -> demo_nfts::GenesisConfig<crate::Runtime> {
	let holders = item_holders();
	let collections = demo_collections();
	demo_nfts::GenesisConfig {
		collections: collections
			.iter()
			.map(|c| {
				let items = (0..ITEMS_PER_COLLECTION)
					.map(|item| (item, holders[(item as usize) % holders.len()].to_account_id()))
					.collect();
				(c.id, c.owner.to_account_id(), items)
			})
			.collect(),
		names: collections.iter().map(|c| (c.id, String::from(c.name))).collect(),
	}
}

/// The genesis shared by both presets; only the authorities (Aura key, GRANDPA key) differ.
fn genesis(authorities: &[(Sr25519Keyring, Ed25519Keyring)], root: AccountId) -> Value {
	let keys: Vec<(AuraId, GrandpaId)> = authorities
		.iter()
		.map(|(aura, grandpa)| (aura.public().into(), grandpa.public().into()))
		.collect();

	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: dev_accounts().into_iter().map(|a| (a, ENDOWMENT)).collect::<Vec<_>>(),
		},
		aura: pallet_aura::GenesisConfig {
			authorities: keys.iter().map(|k| k.0.clone()).collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: keys.iter().map(|k| (k.1.clone(), 1)).collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
		demo_nfts: demo_nfts_genesis(),
	})
}

/// `development`: Alice authors and finalizes alone.
pub fn development_config_genesis() -> Value {
	genesis(
		&[(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// `local_testnet`: Alice and Bob author and finalize.
pub fn local_config_genesis() -> Value {
	genesis(
		&[
			(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
		],
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The JSON patch of the preset `id`, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		DEV_RUNTIME_PRESET => development_config_genesis(),
		LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization to json is expected to work. qed.")
			.into_bytes(),
	)
}

/// The names of the presets.
pub fn preset_names() -> Vec<PresetId> {
	vec![PresetId::from(DEV_RUNTIME_PRESET), PresetId::from(LOCAL_TESTNET_RUNTIME_PRESET)]
}
