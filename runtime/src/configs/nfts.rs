//! pallet-nfts (the collections borrowers pledge from) and the genesis-only demo collections.

use frame_support::{
	parameter_types,
	traits::{AsEnsureOriginWithArg, ConstU32},
};
use frame_system::{EnsureRoot, EnsureSigned};
use pallet_nfts::PalletFeatures;
use sp_runtime::traits::Verify;

use super::monetary::deposit;
use crate::{AccountId, Balance, Balances, BlockNumber, Runtime, RuntimeEvent, Signature, DAYS};

/// Identifier of an NFT collection.
pub type CollectionId = u32;
/// Identifier of an item inside its collection.
pub type ItemId = u32;

parameter_types! {
	pub const CollectionDeposit: Balance = 10 * deposit(1, 0);
	pub const ItemDeposit: Balance = deposit(1, 0) / 10;
	pub const MetadataDepositBase: Balance = deposit(1, 0);
	pub const AttributeDepositBase: Balance = deposit(1, 0);
	pub const DepositPerByte: Balance = deposit(0, 1);
	pub const MaxDeadlineDuration: BlockNumber = 365 * DAYS;
	pub Features: PalletFeatures = PalletFeatures::all_enabled();
}

impl pallet_nfts::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type CollectionId = CollectionId;
	type ItemId = ItemId;
	type Currency = Balances;
	/// Anyone may create a collection (paying the deposit).
	type CreateOrigin = AsEnsureOriginWithArg<EnsureSigned<AccountId>>;
	type ForceOrigin = EnsureRoot<AccountId>;
	/// A pledged NFT cannot be transferred or burnt by anyone: the lending pallet's pledge
	/// index is pallet-nfts' lock (`Nfts.ItemLocked`).
	type Locker = crate::NftLending;
	type CollectionDeposit = CollectionDeposit;
	type ItemDeposit = ItemDeposit;
	type MetadataDepositBase = MetadataDepositBase;
	type AttributeDepositBase = AttributeDepositBase;
	type DepositPerByte = DepositPerByte;
	type StringLimit = ConstU32<256>;
	type KeyLimit = ConstU32<64>;
	type ValueLimit = ConstU32<256>;
	type ApprovalsLimit = ConstU32<20>;
	type ItemAttributesApprovalsLimit = ConstU32<20>;
	type MaxTips = ConstU32<10>;
	type MaxDeadlineDuration = MaxDeadlineDuration;
	type MaxAttributesPerCall = ConstU32<10>;
	type Features = Features;
	type OffchainSignature = Signature;
	type OffchainPublic = <Signature as Verify>::Signer;
	type WeightInfo = pallet_nfts::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type Helper = ();
	type BlockNumberProvider = crate::System;
}

impl crate::demo_nfts::Config for Runtime {}
