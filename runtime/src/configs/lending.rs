//! The protocol and its prices: pallet-nft-lending, the floor-price oracle (feeder membership,
//! pallet-oracle's median, the guarded spot and TWAP), and the glue between them.
//!
//! The two pallets do not know each other: the lending pallet reads prices through
//! [`OraclePrices`], and the oracle tells the lending pallet about price changes through
//! [`CheckLoansHealth`] and asks it which collections to track through [`ListedInSomePool`].

use frame_support::{
	parameter_types,
	traits::{ConstU128, ConstU32, Contains},
	weights::Weight,
	PalletId,
};
use sp_runtime::Perbill;

use super::{
	nfts::{CollectionId, ItemId},
	system::RuntimeBlockWeights,
};
use crate::{
	governance::{LendingAdminOrigin, LendingEmergencyOrigin},
	Balance, Balances, BlockNumber, FeederMembership, FloorPriceOracle, NftLending, Nfts, Oracle,
	Runtime, RuntimeEvent, RuntimeHoldReason, BLOCKS_PER_YEAR, DAYS, HOURS, MILLI_UNIT, UNIT,
};

parameter_types! {
	pub const LendingPalletId: PalletId = PalletId(*b"nftlendg");
	/// The sweep may use 10% of a block.
	pub SweepWeightBudget: Weight = RuntimeBlockWeights::get().max_block * 10 / 100;
}

impl pallet_nft_lending::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type CollectionId = CollectionId;
	type ItemId = ItemId;
	type Nfts = Nfts;
	type Prices = OraclePrices;
	type AdminOrigin = LendingAdminOrigin;
	type EmergencyOrigin = LendingEmergencyOrigin;
	type PalletId = LendingPalletId;
	type BlocksPerYear = ConstU32<BLOCKS_PER_YEAR>;
	/// Shares locked at a pool's first deposit: 0.001 NFTL.
	type MinimumLiquidity = ConstU128<MILLI_UNIT>;
	/// Smallest loan: 1 NFTL.
	type MinLoanAmount = ConstU128<UNIT>;
	type MaxPools = ConstU32<64>;
	type MaxCollectionsPerPool = ConstU32<16>;
	type MaxLoansPerCollection = ConstU32<10_000>;
	type MaxPendingHealthChecks = ConstU32<64>;
	/// Every active loan is looked at least once a day, however healthy.
	type MaxRecheckInterval = ConstU32<DAYS>;
	type SweepWeightBudget = SweepWeightBudget;
	type WeightInfo = pallet_nft_lending::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = benchmark_helpers::LendingBenchmarks;
}

/// The lending pallet's prices: the oracle's guarded spot, TWAP and freshness.
pub struct OraclePrices;
impl pallet_nft_lending::FloorPriceProvider<CollectionId> for OraclePrices {
	fn floor_price(collection: &CollectionId) -> Option<pallet_nft_lending::FloorPrice> {
		FloorPriceOracle::quote(collection).map(|quote| pallet_nft_lending::FloorPrice {
			spot: quote.spot,
			twap: quote.twap,
			fresh: quote.fresh,
		})
	}
}

/// When a collection's price changes, the sweep checks the health of its loans.
pub struct CheckLoansHealth;
impl pallet_floor_price_oracle::OnFloorPriceUpdated<CollectionId> for CheckLoansHealth {
	fn on_floor_price_updated(collection: &CollectionId) {
		NftLending::note_price_change(*collection);
	}
}

/// The oracle prices the collections some pool lists, and only those.
pub struct ListedInSomePool;
impl Contains<CollectionId> for ListedInSomePool {
	fn contains(collection: &CollectionId) -> bool {
		NftLending::is_listed_anywhere(collection)
	}
}

parameter_types! {
	pub const MaxFeeders: u32 = 16;
	pub const MaxFeedsPerSubmission: u32 = 32;
	pub const MaxFloorPrice: Balance = 1_000_000_000 * UNIT;
	pub const AbsurdFactor: u32 = 10;
	pub const MaxDeviation: Perbill = Perbill::from_percent(20);
	pub const MaxPriceAge: BlockNumber = HOURS;
	pub const HttpTimeoutMillis: u64 = 2_000;
	pub const MaxSourceAgeMillis: u64 = 10 * 60 * 1_000;
	pub const OraclePalletId: PalletId = PalletId(*b"py/oracl");
}

/// The oracle's TWAP window: 6 hours, or 20 blocks (2 minutes) on a chain whose preset chose
/// fast timings (the dev chain), so that a demo crash reaches loans' health factors in minutes.
/// Fixed per chain at genesis.
pub struct TwapWindow;
impl frame_support::traits::Get<BlockNumber> for TwapWindow {
	fn get() -> BlockNumber {
		match crate::governance::origins::Timings::<Runtime>::get() {
			crate::governance::origins::TrackTimings::Production => 6 * HOURS,
			crate::governance::origins::TrackTimings::Fast => 20,
		}
	}
}

/// The feeder set, managed by governance.
impl pallet_membership::Config<pallet_membership::Instance1> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AddOrigin = LendingAdminOrigin;
	type RemoveOrigin = LendingAdminOrigin;
	type SwapOrigin = LendingAdminOrigin;
	type ResetOrigin = LendingAdminOrigin;
	type PrimeOrigin = LendingAdminOrigin;
	type MembershipInitialized = ();
	/// A removed feeder's raw values are dropped.
	type MembershipChanged = Oracle;
	type MaxMembers = MaxFeeders;
	type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}

/// Raw feeds and their median. Feeds enter only through `FloorPriceOracle::submit_floor_prices`
/// (its own `feed_values` is filtered out by the runtime's `BaseCallFilter`).
impl pallet_oracle::Config for Runtime {
	type OnNewData = FloorPriceOracle;
	type CombineData = pallet_oracle::DefaultCombineData<
		Runtime,
		pallet_floor_price_oracle::CurrentMinimumFeeders<Runtime>,
		MaxPriceAge,
	>;
	type Time = pallet_floor_price_oracle::BlockClock<Runtime>;
	type OracleKey = CollectionId;
	type OracleValue = Balance;
	type PalletId = OraclePalletId;
	type Members = FeederMembership;
	type WeightInfo = pallet_oracle::weights::SubstrateWeight<Runtime>;
	type MaxHasDispatchedSize = MaxFeeders;
	type MaxFeedValues = MaxFeedsPerSubmission;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

impl pallet_floor_price_oracle::Config for Runtime {
	type CollectionId = CollectionId;
	type Feeds = Oracle;
	type Feeders = FeederMembership;
	type Collections = ListedInSomePool;
	type AdminOrigin = LendingAdminOrigin;
	type OnPriceUpdated = CheckLoansHealth;
	type AuthorityId = pallet_floor_price_oracle::crypto::FeederAuthId;
	type MaxFeedsPerSubmission = MaxFeedsPerSubmission;
	type MaxFeeders = MaxFeeders;
	type MaxFloorPrice = MaxFloorPrice;
	type AbsurdFactor = AbsurdFactor;
	type MaxDeviation = MaxDeviation;
	type TwapWindow = TwapWindow;
	type MaxPriceAge = MaxPriceAge;
	type HttpTimeoutMillis = HttpTimeoutMillis;
	type MaxSourceAgeMillis = MaxSourceAgeMillis;
	type WeightInfo = pallet_floor_price_oracle::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = benchmark_helpers::OracleBenchmarks;
}

/// Benchmark setups that use the real pallets: NFTs minted in pallet-nfts, prices written as
/// the oracle keeps them.
#[cfg(feature = "runtime-benchmarks")]
pub mod benchmark_helpers {
	use super::*;
	use crate::{AccountId, System};
	use frame_support::traits::tokens::nonfungibles_v2::{Create, Inspect, Mutate};

	/// Benchmark collections get ids from here on, clear of the genesis collections.
	const FIRST_BENCHMARK_COLLECTION: CollectionId = 1_000;

	pub struct LendingBenchmarks;
	impl pallet_nft_lending::traits::BenchmarkHelper<AccountId, CollectionId, ItemId>
		for LendingBenchmarks
	{
		fn collection(index: u32) -> CollectionId {
			FIRST_BENCHMARK_COLLECTION + index
		}

		fn mint_nft(collection: &CollectionId, index: u32, owner: &AccountId) -> ItemId {
			use frame_support::traits::fungible::Mutate as _;
			let creator: AccountId = frame_benchmarking::account("collection-owner", 0, 0);
			Balances::set_balance(&creator, 1_000_000 * UNIT);
			if <Nfts as Inspect<AccountId>>::collection_owner(collection).is_none() {
				// pallet-nfts numbers collections itself: make the next one ours.
				pallet_nfts::NextCollectionId::<Runtime>::put(*collection);
				<Nfts as Create<AccountId, pallet_nfts::CollectionConfigFor<Runtime>>>::create_collection(
					&creator,
					&creator,
					&pallet_nfts::CollectionConfig {
						settings: Default::default(),
						max_supply: None,
						mint_settings: Default::default(),
					},
				)
				.expect("benchmark collection");
			}
			<Nfts as Mutate<AccountId, pallet_nfts::ItemConfig>>::mint_into(
				collection,
				&index,
				owner,
				&pallet_nfts::ItemConfig::default(),
				true,
			)
			.expect("benchmark item");
			index
		}

		fn set_price(collection: &CollectionId, price: u128) {
			pallet_floor_price_oracle::FloorPrices::<Runtime>::insert(
				collection,
				pallet_floor_price_oracle::PriceState::initial(price, System::block_number()),
			);
			NftLending::note_price_change(*collection);
		}

		fn lock_collection(collection: &CollectionId) {
			use pallet_nfts::{CollectionSetting, CollectionSettings};
			pallet_nfts::CollectionConfigOf::<Runtime>::mutate(collection, |config| {
				if let Some(config) = config {
					config.settings = CollectionSettings::from_disabled(
						CollectionSetting::TransferableItems.into(),
					);
				}
			});
		}
	}

	pub struct OracleBenchmarks;
	impl pallet_floor_price_oracle::BenchmarkHelper<CollectionId> for OracleBenchmarks {
		fn collection(index: u32) -> CollectionId {
			FIRST_BENCHMARK_COLLECTION + index
		}

		fn track(collection: &CollectionId) {
			pallet_nft_lending::ListedCollections::<Runtime>::insert(collection, 1);
		}
	}
}
