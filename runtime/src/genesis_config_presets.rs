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
//! - two lending pools with liquidity (see [`lending_genesis`]), priced collections and the
//!   price feeders (the node's `//Alice//feeder` key on `development`, the authorities on
//!   `local_testnet`);
//! - governance track timings: fast on `development`, production on `local_testnet`.
//!
//! After changing a preset, regenerate `chain-specs/` with `scripts/generate-chain-specs.sh`
//! (a runtime test compares them).

use alloc::{string::String, vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{PresetId, DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use pallet_nft_lending::{CollectionParams, GenesisPool, LiquidationConfig, RateCurve};
use sp_runtime::Perbill;

use crate::{
	configs::CollectionId, demo_nfts, governance::origins::TrackTimings, AccountId, Balance,
	BalancesConfig, FeederMembershipConfig, FloorPriceOracleConfig, OriginsConfig, Runtime,
	RuntimeGenesisConfig, SudoConfig, DAYS, UNIT,
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

/// The dev chain's price feeder key, `//Alice//feeder` (its public key below). A key of its own,
/// not Alice's: the off-chain worker signs a feed every block with its account's nonce and the
/// feed priority, and would otherwise compete with whatever Alice signs in Polkadot.js. The node
/// inserts this key into its keystore on the dev chain (`node/src/service.rs`); on `--chain
/// local` the validators feed with their own keys (zombienet inserts them).
pub const DEV_FEEDER_SEED: &str = "//Alice//feeder";

/// The account of [`DEV_FEEDER_SEED`] (`5DMFe9EEN7iukFRk9jfnbZUYZPBNAK24zSogGcLYywohQFZm`;
/// `runtime/tests/genesis.rs` checks it against the seed).
pub fn dev_feeder() -> AccountId {
	AccountId::from(sp_core::hex2array!(
		"38db278e618a487218e130a0c8e9999b2a7112ff56b6904373598300e0867720"
	))
}

/// What the dev feeder holds: enough for the fees it pays up front (accepted feeds are refunded).
pub const FEEDER_ENDOWMENT: Balance = 1_000 * UNIT;

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

/// What differs between the two presets besides the authorities.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Network {
	/// `--dev`: fast governance, short loan terms and auctions, one feeder.
	Development,
	/// `--chain local`: production periods, two feeders that must agree.
	LocalTestnet,
}

/// Demo floor price of each collection at genesis (the demo price feed serves around these).
pub fn demo_floor_price(collection: CollectionId) -> Balance {
	match collection {
		0 => 5_000 * UNIT,
		1 => 800 * UNIT,
		_ => 300 * UNIT,
	}
}

/// Risk numbers of the blue-chip collection in its pool.
fn blue_chip_params() -> CollectionParams {
	CollectionParams {
		ltv: Perbill::from_percent(40),
		liquidation_threshold: Perbill::from_percent(70),
		debt_ceiling: 100_000 * UNIT,
		max_loans: 100,
		liquidation_penalty: Perbill::from_percent(5),
	}
}

/// Risk numbers of an emerging collection in the shared pool: lower ltv, higher penalty.
fn emerging_params() -> CollectionParams {
	CollectionParams {
		ltv: Perbill::from_percent(30),
		liquidation_threshold: Perbill::from_percent(55),
		debt_ceiling: 20_000 * UNIT,
		max_loans: 50,
		liquidation_penalty: Perbill::from_percent(8),
	}
}

/// Pool 0: the blue-chip pool (variable rate) lends against Polkadot Punks; Ferdie deposits
/// 200,000 NFTL. Pool 1: the shared pool (fixed rate) lends against the emerging collections;
/// Eve deposits 100,000 NFTL. Dev terms are 20, 100 and 600 blocks (2, 10 and 60 minutes);
/// local-testnet terms are 7, 30 and 90 days.
fn lending_genesis(network: Network) -> pallet_nft_lending::GenesisConfig<Runtime> {
	let curve = RateCurve::default();
	let terms = match network {
		Network::Development => vec![20, 100, 600],
		Network::LocalTestnet => vec![7 * DAYS, 30 * DAYS, 90 * DAYS],
	};
	let collections = demo_collections();
	pallet_nft_lending::GenesisConfig {
		liquidation: match network {
			Network::Development => Some(LiquidationConfig {
				grace_period: 5,
				auction_duration: 20,
				extension_window: 3,
				max_extension: 10,
				redeem_period: 8,
				redeem_fine: Perbill::from_percent(5),
				first_bid_discount: Perbill::from_percent(10),
				bid_increment: Perbill::from_percent(1),
				default_sale_duration: 50,
				default_sale_floor: Perbill::from_percent(20),
				delivery_timeout: 10,
			}),
			Network::LocalTestnet => None,
		},
		pools: vec![
			GenesisPool {
				fixed_terms: None,
				curve,
				reserve_factor: Perbill::from_percent(20),
				max_utilization: Perbill::from_percent(90),
				collections: collections
					.iter()
					.filter(|c| c.blue_chip)
					.map(|c| (c.id, blue_chip_params()))
					.collect(),
			},
			GenesisPool {
				fixed_terms: Some(terms),
				curve,
				reserve_factor: Perbill::from_percent(20),
				max_utilization: Perbill::from_percent(90),
				collections: collections
					.iter()
					.filter(|c| !c.blue_chip)
					.map(|c| (c.id, emerging_params()))
					.collect(),
			},
		],
		deposits: vec![
			(0, Sr25519Keyring::Ferdie.to_account_id(), 200_000 * UNIT),
			(1, Sr25519Keyring::Eve.to_account_id(), 100_000 * UNIT),
		],
	}
}

/// The genesis shared by both presets; the authorities and [`Network`] make the difference.
fn genesis(
	authorities: &[(Sr25519Keyring, Ed25519Keyring)],
	root: AccountId,
	network: Network,
) -> Value {
	let keys: Vec<(AuraId, GrandpaId)> = authorities
		.iter()
		.map(|(aura, grandpa)| (aura.public().into(), grandpa.public().into()))
		.collect();
	// The dev chain feeds with a key of its own; a local testnet's authorities each feed with
	// their own key (the same seed as their account).
	let mut feeders: Vec<AccountId> = match network {
		Network::Development => vec![dev_feeder()],
		Network::LocalTestnet => authorities.iter().map(|(k, _)| k.to_account_id()).collect(),
	};
	feeders.sort();
	let mut endowed: Vec<(AccountId, Balance)> =
		dev_accounts().into_iter().map(|a| (a, ENDOWMENT)).collect();
	if network == Network::Development {
		endowed.push((dev_feeder(), FEEDER_ENDOWMENT));
	}

	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig { balances: endowed },
		aura: pallet_aura::GenesisConfig {
			authorities: keys.iter().map(|k| k.0.clone()).collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: keys.iter().map(|k| (k.1.clone(), 1)).collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
		demo_nfts: demo_nfts_genesis(),
		origins: OriginsConfig {
			timings: match network {
				Network::Development => TrackTimings::Fast,
				Network::LocalTestnet => TrackTimings::Production,
			},
		},
		feeder_membership: FeederMembershipConfig {
			members: feeders.clone().try_into().expect("few feeders")
		},
		floor_price_oracle: FloorPriceOracleConfig {
			minimum_feeders: feeders.len() as u32,
			prices: demo_collections()
				.iter()
				.map(|c| (c.id, demo_floor_price(c.id)))
				.collect::<Vec<_>>(),
		},
		nft_lending: lending_genesis(network),
	})
}

/// `development`: Alice authors and finalizes alone; the node's `//Alice//feeder` key feeds
/// prices.
pub fn development_config_genesis() -> Value {
	genesis(
		&[(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		Sr25519Keyring::Alice.to_account_id(),
		Network::Development,
	)
}

/// `local_testnet`: Alice and Bob author, finalize and feed prices.
pub fn local_config_genesis() -> Value {
	genesis(
		&[
			(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
		],
		Sr25519Keyring::Alice.to_account_id(),
		Network::LocalTestnet,
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

/// The full genesis config of preset `name`: its patch applied on the default config, as the node
/// does for a chain spec. For native tools and tests (the runtime tests, the crash replay).
#[cfg(feature = "std")]
pub fn genesis_config(name: &str) -> Result<RuntimeGenesisConfig, String> {
	let patch = get_preset(&PresetId::from(name)).ok_or_else(|| format!("no preset {name}"))?;
	let patch: Value = serde_json::from_slice(&patch).map_err(|e| e.to_string())?;
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default())
		.map_err(|e| format!("the default genesis config: {e}"))?;
	merge_json(&mut config, patch);
	serde_json::from_value(config).map_err(|e| format!("preset {name}: {e}"))
}

/// Applies a JSON patch: objects merge key by key, anything else replaces.
#[cfg(feature = "std")]
fn merge_json(base: &mut Value, patch: Value) {
	match (base, patch) {
		(Value::Object(base), Value::Object(patch)) => {
			for (key, value) in patch {
				merge_json(base.entry(key).or_insert(Value::Null), value);
			}
		}
		(base, patch) => *base = patch,
	}
}
