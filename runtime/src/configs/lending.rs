//! The protocol and its prices: pallet-nft-lending, the floor-price oracle (feeder membership,
//! pallet-oracle's median, the guarded spot and TWAP), and the glue between them.
//!
//! The two pallets do not know each other: the lending pallet reads prices through
//! [`OraclePrices`], and the oracle tells the lending pallet about price falls through
//! [`CheckLoansHealth`] and asks it which collections to track through [`NeedsPrice`].
//!
//! The windows of both (TWAP, price warm-up, utilization average, gain unlocking) follow the
//! chain's timings ([`ChainWindows`]): realistic on `--chain local`, a few blocks on `--dev`.

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
	AccountId, Balance, Balances, BlockNumber, FeederMembership, FloorPriceOracle, NftLending,
	Nfts, Oracle, Runtime, RuntimeEvent, RuntimeHoldReason, BLOCKS_PER_YEAR, DAYS, HOURS,
	MILLI_UNIT, UNIT,
};

parameter_types! {
	pub const LendingPalletId: PalletId = PalletId(*b"nftlendg");
	/// The sweep may use 10% of a block.
	pub SweepWeightBudget: Weight = RuntimeBlockWeights::get().max_block * 10 / 100;
	/// Half of the sweep's budget is kept for the health checks a price fall calls for.
	pub const PriceCheckShare: Perbill = Perbill::from_percent(50);
	/// A loan borrows at least 10% of what its NFT could borrow.
	pub const MinLoanShare: Perbill = Perbill::from_percent(10);
	/// `borrow_more` keeps a health factor of at least 1.1.
	pub const MinHealthMargin: Perbill = Perbill::from_percent(10);
}

/// The chain's windows, in blocks, by its track timings (set at genesis): production, and the
/// `--dev` chain's, short enough that a demo crash reaches loans' health factors in minutes.
///
/// | window | production | dev |
/// |---|---:|---:|
/// | oracle TWAP | 6 h | 20 blocks |
/// | oracle price warm-up (one TWAP window) | 6 h | 20 blocks |
/// | lending utilization average | 1 h | 10 blocks |
/// | lending gain unlocking | 24 h | 20 blocks |
pub struct ChainWindows;
impl ChainWindows {
	fn pick(production: BlockNumber, fast: BlockNumber) -> BlockNumber {
		match crate::governance::origins::Timings::<Runtime>::get() {
			crate::governance::origins::TrackTimings::Production => production,
			crate::governance::origins::TrackTimings::Fast => fast,
		}
	}
}

/// The oracle's TWAP window.
pub struct TwapWindow;
impl frame_support::traits::Get<BlockNumber> for TwapWindow {
	fn get() -> BlockNumber {
		ChainWindows::pick(6 * HOURS, 20)
	}
}

/// Borrowing against a newly priced collection opens after one TWAP window of medians.
pub type PriceWarmup = TwapWindow;

/// The lending pallet's utilization average.
pub struct UtilizationWindow;
impl frame_support::traits::Get<u32> for UtilizationWindow {
	fn get() -> u32 {
		ChainWindows::pick(HOURS, 10)
	}
}

/// The lending pallet's gain unlocking.
pub struct GainUnlockPeriod;
impl frame_support::traits::Get<u32> for GainUnlockPeriod {
	fn get() -> u32 {
		ChainWindows::pick(DAYS, 20)
	}
}

impl pallet_nft_lending::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type CollectionId = CollectionId;
	type ItemId = ItemId;
	type Nfts = Nfts;
	type Prices = OraclePrices;
	type CollectionRoles = NftsRoles;
	type AdminOrigin = LendingAdminOrigin;
	type EmergencyOrigin = LendingEmergencyOrigin;
	type PalletId = LendingPalletId;
	type BlocksPerYear = ConstU32<BLOCKS_PER_YEAR>;
	/// Shares locked at a pool's first deposit: 0.001 NFTL.
	type MinimumLiquidity = ConstU128<MILLI_UNIT>;
	/// Smallest loan: 1 NFTL (and at least `MinLoanShare` of what the NFT could borrow).
	type MinLoanAmount = ConstU128<UNIT>;
	type MinLoanShare = MinLoanShare;
	type MinHealthMargin = MinHealthMargin;
	type UtilizationWindow = UtilizationWindow;
	type GainUnlockPeriod = GainUnlockPeriod;
	type MaxPools = ConstU32<64>;
	type MaxCollectionsPerPool = ConstU32<16>;
	type MaxLoansPerCollection = ConstU32<10_000>;
	type MaxPendingHealthChecks = ConstU32<64>;
	/// Every active loan is looked at least once a day, however healthy.
	type MaxRecheckInterval = ConstU32<DAYS>;
	type SweepWeightBudget = SweepWeightBudget;
	type PriceCheckShare = PriceCheckShare;
	type WeightInfo = pallet_nft_lending::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = benchmark_helpers::LendingBenchmarks;
}

/// The lending pallet's prices: the oracle's two guarded series (the lower for borrowing, the
/// upper's TWAP for the health factor), freshness, warm-up and flag.
pub struct OraclePrices;
impl pallet_nft_lending::FloorPriceProvider<CollectionId> for OraclePrices {
	fn floor_price(collection: &CollectionId) -> Option<pallet_nft_lending::FloorPrice> {
		FloorPriceOracle::quote(collection).map(|quote| pallet_nft_lending::FloorPrice {
			spot: quote.spot,
			twap: quote.twap,
			health: quote.health_twap,
			fresh: quote.fresh,
			warm: quote.warm,
			flagged: quote.flagged,
		})
	}
}

/// When a collection's health price falls, the sweep checks the health of its loans.
pub struct CheckLoansHealth;
impl pallet_floor_price_oracle::OnPriceFall<CollectionId> for CheckLoansHealth {
	fn on_price_fall(collection: &CollectionId) {
		NftLending::note_price_fall(*collection);
	}
}

/// The oracle prices the collections some pool lists or still has open loans on, and only
/// those.
pub struct NeedsPrice;
impl Contains<CollectionId> for NeedsPrice {
	fn contains(collection: &CollectionId) -> bool {
		NftLending::needs_price(collection)
	}
}

/// Who can lock transfers of a collection's items: its owner, admins and freezers, from
/// pallet-nfts.
pub struct NftsRoles;
impl pallet_nft_lending::CollectionRoleProvider<AccountId, CollectionId> for NftsRoles {
	fn roles(collection: &CollectionId) -> pallet_nft_lending::CollectionRoles<AccountId> {
		use pallet_nfts::CollectionRole;
		let mut roles = pallet_nft_lending::CollectionRoles {
			owner: pallet_nfts::Collection::<Runtime>::get(collection).map(|c| c.owner),
			..Default::default()
		};
		// pallet-nfts keeps one entry per account with roles (a handful): bounded anyway.
		for (who, held) in pallet_nfts::CollectionRoleOf::<Runtime>::iter_prefix(collection)
			.take(2 * pallet_nft_lending::MAX_ROLE_HOLDERS as usize)
		{
			if held.has_role(CollectionRole::Admin) {
				let _ = roles.admins.try_push(who.clone());
			}
			if held.has_role(CollectionRole::Freezer) {
				let _ = roles.freezers.try_push(who);
			}
		}
		roles
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

/// Raw feeds and their two middle values. Feeds enter only through
/// `FloorPriceOracle::submit_floor_prices` (its own `feed_values` is filtered out by the
/// runtime's `BaseCallFilter`).
impl pallet_oracle::Config for Runtime {
	type OnNewData = FloorPriceOracle;
	type CombineData = pallet_floor_price_oracle::combine::MiddleValues<
		Runtime,
		pallet_floor_price_oracle::CurrentMinimumFeeders<Runtime>,
		MaxPriceAge,
	>;
	type Time = pallet_floor_price_oracle::BlockClock<Runtime>;
	type OracleKey = CollectionId;
	type OracleValue = pallet_floor_price_oracle::FloorFeed;
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
	type Collections = NeedsPrice;
	type AdminOrigin = LendingAdminOrigin;
	type OnPriceFall = CheckLoansHealth;
	type AuthorityId = pallet_floor_price_oracle::crypto::FeederAuthId;
	type MaxFeedsPerSubmission = MaxFeedsPerSubmission;
	type MaxFeeders = MaxFeeders;
	type MaxFloorPrice = MaxFloorPrice;
	type AbsurdFactor = AbsurdFactor;
	type MaxDeviation = MaxDeviation;
	type TwapWindow = TwapWindow;
	type MaxPriceAge = MaxPriceAge;
	type PriceWarmup = PriceWarmup;
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
	use crate::System;
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
			let now = System::block_number();
			pallet_floor_price_oracle::FloorPrices::<Runtime>::insert(
				collection,
				pallet_floor_price_oracle::PriceState::initial(price, now, now),
			);
			NftLending::note_price_fall(*collection);
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
			pallet_nft_lending::PricedCollections::<Runtime>::insert(collection, 1);
		}
	}
}
