//! FRAME runtime of the peer-to-pool NFT lending appchain.
//!
//! The runtime is split by concern:
//! - this file: the types every other crate sees (accounts, balances, blocks, time, money) and the
//!   `#[frame_support::runtime]` declaration that lists the pallets with their indices;
//! - [`configs`]: one file per concern with the `Config` of each pallet;
//! - [`apis`]: the runtime APIs the node and Polkadot.js call;
//! - [`genesis_config_presets`]: the named genesis presets (`development`, `local_testnet`);
//! - [`demo_nfts`]: a genesis-only pallet that mints the demo NFT collections.

#![cfg_attr(not(feature = "std"), no_std)]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod demo_nfts;
pub mod genesis_config_presets;
pub mod governance;
pub mod weights;

use alloc::vec::Vec;
use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::RuntimeVersion;

pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;

/// Types the node uses without knowing the runtime's extrinsic format, so that it keeps syncing
/// across runtime upgrades.
pub mod opaque {
	use super::*;
	use sp_runtime::traits::Hash as HashT;

	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block identifier type.
	pub type BlockId = generic::BlockId<Block>;
	/// Opaque block hash type.
	pub type Hash = <BlakeTwo256 as HashT>::Output;
}

impl_opaque_keys! {
	/// The keys a node holds. Aura authors blocks, GRANDPA finalizes them, and the floor-price
	/// feeder key signs the off-chain worker's price feeds (`--dev`/`--alice` insert all three).
	pub struct SessionKeys {
		pub aura: Aura,
		pub grandpa: Grandpa,
		pub floor_price_feeder: FloorPriceOracle,
	}
}

/// The runtime's version: bump `spec_version` on every change of runtime logic.
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("nft-lending"),
	impl_name: alloc::borrow::Cow::Borrowed("nft-lending"),
	authoring_version: 1,
	spec_version: 101,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

mod time {
	use super::BlockNumber;

	/// Target block time. Aura's slot duration is derived from it; it cannot change once the chain
	/// runs (block production would stop).
	pub const MILLI_SECS_PER_BLOCK: u64 = 6000;
	/// Aura slot duration.
	pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

	// The lending protocol counts time in blocks, never in wall-clock time.
	/// Blocks per minute.
	pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
	/// Blocks per hour.
	pub const HOURS: BlockNumber = MINUTES * 60;
	/// Blocks per day.
	pub const DAYS: BlockNumber = HOURS * 24;
	/// Blocks per year of 365.25 days: the denominator of every annual rate.
	pub const BLOCKS_PER_YEAR: BlockNumber = DAYS * 365 + DAYS / 4;
}
pub use time::*;

mod money {
	use super::Balance;

	/// Ticker of the native token.
	pub const TOKEN_SYMBOL: &str = "NFTL";
	/// Decimals of the native token.
	pub const TOKEN_DECIMALS: u8 = 12;
	/// One NFTL in the smallest unit.
	pub const UNIT: Balance = 1_000_000_000_000;
	/// 0.001 NFTL.
	pub const MILLI_UNIT: Balance = UNIT / 1_000;
	/// 0.000001 NFTL.
	pub const MICRO_UNIT: Balance = UNIT / 1_000_000;
	/// An account holding less than this is removed.
	pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;
	/// Generic Substrate address format.
	pub const SS58_PREFIX: u16 = 42;
}
pub use money::*;

/// Signature of a transaction: sr25519, ed25519 or ecdsa.
pub type Signature = MultiSignature;

/// An account on the chain: the public key of the signature scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;

/// Balance of an account.
pub type Balance = u128;

/// Number of transactions an account has sent.
pub type Nonce = u32;

/// A hash of some data used by the chain.
pub type Hash = sp_core::H256;

/// An index to a block.
pub type BlockNumber = u32;

/// The address format for describing accounts.
pub type Address = MultiAddress<AccountId, ()>;

/// Block header type as expected by this runtime.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;

/// Block type as expected by this runtime.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// A block with its justifications.
pub type SignedBlock = generic::SignedBlock<Block>;

/// BlockId type as expected by this runtime.
pub type BlockId = generic::BlockId<Block>;

/// The checks and payments every signed transaction goes through, in this order.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_floor_price_oracle::CheckFeed<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Migrations to run on the next runtime upgrade, besides the pallets' own.
#[allow(unused_parens)]
type Migrations = ();

/// Executive: dispatches blocks and transactions to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	// Chain basics: 0-9.
	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;

	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	#[runtime::pallet_index(6)]
	pub type Utility = pallet_utility;

	/// Development and local chains only: a production preset sets no sudo key.
	#[runtime::pallet_index(7)]
	pub type Sudo = pallet_sudo;

	// NFTs: 10-19.
	#[runtime::pallet_index(10)]
	pub type Nfts = pallet_nfts;

	/// Genesis-only: mints the demo collections of the dev and local presets.
	#[runtime::pallet_index(11)]
	pub type DemoNfts = demo_nfts;

	// Governance (OpenGov): `governance/`.
	#[runtime::pallet_index(20)]
	pub type Preimage = pallet_preimage;

	#[runtime::pallet_index(21)]
	pub type Scheduler = pallet_scheduler;

	#[runtime::pallet_index(22)]
	pub type ConvictionVoting = pallet_conviction_voting;

	#[runtime::pallet_index(23)]
	pub type Referenda = pallet_referenda;

	#[runtime::pallet_index(24)]
	pub type Origins = governance::origins::pallet_lending_origins;

	// Floor prices: feeders (membership), their raw feeds and median (pallet-oracle), and the
	// guarded spot and TWAP the lending pallet reads.
	#[runtime::pallet_index(30)]
	pub type FeederMembership = pallet_membership<Instance1>;

	#[runtime::pallet_index(31)]
	pub type Oracle = pallet_oracle;

	#[runtime::pallet_index(32)]
	pub type FloorPriceOracle = pallet_floor_price_oracle;

	// The protocol.
	#[runtime::pallet_index(40)]
	pub type NftLending = pallet_nft_lending;

	// Add a pallet here, its `Config` in a file of `configs/`, its genesis in
	// `genesis_config_presets.rs`, and its benchmarks in `benchmarks.rs`.
}
