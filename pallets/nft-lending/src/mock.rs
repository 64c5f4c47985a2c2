//! Mock runtime: the real pallet-balances and pallet-nfts, and a price feed the tests set.

use crate::{self as pallet_nft_lending, types::FloorPrice};
use frame_support::{
	derive_impl, parameter_types,
	traits::{AsEnsureOriginWithArg, ConstU128, ConstU32, ConstU64},
	weights::Weight,
	PalletId,
};
use frame_system::EnsureRoot;
use pallet_nfts::PalletFeatures;
use sp_runtime::{
	traits::{IdentityLookup, Verify},
	AccountId32, BuildStorage, MultiSignature, Perbill,
};
use std::{cell::RefCell, collections::BTreeMap};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = AccountId32;
pub use crate::types::Balance;

/// One token: 10^12 units, as in the runtime.
pub const UNIT: Balance = 1_000_000_000_000;
/// 6-second blocks.
pub const BLOCKS_PER_YEAR: u32 = 5_259_600;
pub const HOUR: u64 = 600;
pub const DAY: u64 = 24 * HOUR;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Nfts: pallet_nfts,
		NftLending: pallet_nft_lending,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
	type BlockWeights = BlockWeights;
}

parameter_types! {
	pub BlockWeights: frame_system::limits::BlockWeights =
		frame_system::limits::BlockWeights::simple_max(Weight::from_parts(2_000_000_000_000, u64::MAX));
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
	type ExistentialDeposit = ConstU128<1_000_000_000>;
	type RuntimeHoldReason = RuntimeHoldReason;
}

parameter_types! {
	pub storage Features: PalletFeatures = PalletFeatures::all_enabled();
}

impl pallet_nfts::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type CollectionId = u32;
	type ItemId = u32;
	type Currency = Balances;
	type CreateOrigin = AsEnsureOriginWithArg<frame_system::EnsureSigned<AccountId>>;
	type ForceOrigin = EnsureRoot<AccountId>;
	/// Pledged NFTs cannot move: the lending pallet is pallet-nfts' locker, as in the runtime.
	type Locker = NftLending;
	type CollectionDeposit = ConstU128<2>;
	type ItemDeposit = ConstU128<1>;
	type MetadataDepositBase = ConstU128<1>;
	type AttributeDepositBase = ConstU128<1>;
	type DepositPerByte = ConstU128<1>;
	type StringLimit = ConstU32<50>;
	type KeyLimit = ConstU32<50>;
	type ValueLimit = ConstU32<50>;
	type ApprovalsLimit = ConstU32<10>;
	type ItemAttributesApprovalsLimit = ConstU32<2>;
	type MaxTips = ConstU32<10>;
	type MaxDeadlineDuration = ConstU64<10000>;
	type MaxAttributesPerCall = ConstU32<2>;
	type Features = Features;
	type OffchainSignature = MultiSignature;
	type OffchainPublic = <MultiSignature as Verify>::Signer;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type Helper = ();
	type BlockNumberProvider = frame_system::Pallet<Test>;
}

thread_local! {
	static PRICES: RefCell<BTreeMap<u32, FloorPrice>> = const { RefCell::new(BTreeMap::new()) };
}

/// The tests' oracle: prices they set.
pub struct MockPrices;
impl crate::FloorPriceProvider<u32> for MockPrices {
	fn floor_price(collection: &u32) -> Option<FloorPrice> {
		PRICES.with(|p| p.borrow().get(collection).copied())
	}
}

/// Set a collection's price as the oracle would (fresh, warm, unflagged, both middle values
/// alike), and tell the lending pallet (it only acts on falls).
pub fn set_price(collection: u32, spot: Balance, twap: Balance) {
	set_floor_price(collection, FloorPrice::settled(spot, twap));
}

/// Set every figure of a collection's price, and tell the lending pallet.
pub fn set_floor_price(collection: u32, price: FloorPrice) {
	PRICES.with(|p| p.borrow_mut().insert(collection, price));
	NftLending::note_price_fall(collection);
}

/// The holders of a collection's roles, read from pallet-nfts (as the runtime does).
pub struct NftsRoles;
impl crate::CollectionRoleProvider<AccountId, u32> for NftsRoles {
	fn roles(collection: &u32) -> crate::CollectionRoles<AccountId> {
		use pallet_nfts::CollectionRole;
		let mut roles = crate::CollectionRoles {
			owner: pallet_nfts::Collection::<Test>::get(collection).map(|c| c.owner),
			..Default::default()
		};
		for (who, held) in pallet_nfts::CollectionRoleOf::<Test>::iter_prefix(collection)
			.take(2 * crate::MAX_ROLE_HOLDERS as usize)
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

/// Make a collection's price stale (the feeders stopped reporting).
pub fn make_price_stale(collection: u32) {
	PRICES.with(|p| {
		if let Some(price) = p.borrow_mut().get_mut(&collection) {
			price.fresh = false;
		}
	});
}

parameter_types! {
	pub const LendingPalletId: PalletId = PalletId(*b"nftlend!");
	pub const MinLoanShare: Perbill = Perbill::from_percent(10);
	pub const MinHealthMargin: Perbill = Perbill::from_percent(10);
	pub const PriceCheckShare: Perbill = Perbill::from_percent(50);
	/// Room for 100 liquidations a block.
	pub SweepBudget: Weight = <() as crate::WeightInfo>::sweep_base()
		.saturating_add(<() as crate::WeightInfo>::sweep_liquidate().saturating_mul(100));
}

impl crate::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type CollectionId = u32;
	type ItemId = u32;
	type Nfts = Nfts;
	type Prices = MockPrices;
	type CollectionRoles = NftsRoles;
	type AdminOrigin = EnsureRoot<AccountId>;
	type EmergencyOrigin = frame_system::EnsureSignedBy<EmergencyCouncil, AccountId>;
	type PalletId = LendingPalletId;
	type BlocksPerYear = ConstU32<BLOCKS_PER_YEAR>;
	type MinimumLiquidity = ConstU128<1_000_000>;
	type MinLoanAmount = ConstU128<{ UNIT / 10 }>;
	type MinLoanShare = MinLoanShare;
	type MinHealthMargin = MinHealthMargin;
	/// An hour.
	type UtilizationWindow = ConstU32<600>;
	/// A day.
	type GainUnlockPeriod = ConstU32<14_400>;
	type MaxPools = ConstU32<64>;
	type MaxCollectionsPerPool = ConstU32<4>;
	type MaxLoansPerCollection = ConstU32<20_000>;
	type MaxPendingHealthChecks = ConstU32<8>;
	type MaxRecheckInterval = ConstU32<600>;
	type SweepWeightBudget = SweepBudget;
	type PriceCheckShare = PriceCheckShare;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = NftsBenchmarkHelper;
}

frame_support::ord_parameter_types! {
	pub const EmergencyCouncil: AccountId = AccountId32::new([0xEE; 32]);
}

/// Benchmarks in the mock: real pallet-nfts items and the test price feed.
#[cfg(feature = "runtime-benchmarks")]
pub struct NftsBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::traits::BenchmarkHelper<AccountId, u32, u32> for NftsBenchmarkHelper {
	fn collection(index: u32) -> u32 {
		index
	}
	fn mint_nft(collection: &u32, index: u32, owner: &AccountId) -> u32 {
		ensure_collection(*collection);
		mint(*collection, index, owner);
		index
	}
	fn set_price(collection: &u32, price: u128) {
		set_price(*collection, price, price);
	}
	fn lock_collection(collection: &u32) {
		lock_collection_transfers(*collection);
	}
}

/// A test account.
pub fn account(n: u8) -> AccountId {
	AccountId32::new([n; 32])
}
pub fn alice() -> AccountId {
	account(1)
}
pub fn bob() -> AccountId {
	account(2)
}
pub fn charlie() -> AccountId {
	account(3)
}
pub fn dave() -> AccountId {
	account(4)
}
pub fn eve() -> AccountId {
	account(5)
}
/// Owns the test collections.
pub fn collection_owner() -> AccountId {
	account(9)
}
pub fn emergency() -> AccountId {
	AccountId32::new([0xEE; 32])
}

/// Create collection `id` (owned by `collection_owner()`, who is also its admin and freezer)
/// if it does not exist.
pub fn ensure_collection(id: u32) {
	use frame_support::traits::tokens::nonfungibles_v2::{Create, Inspect};
	if <Nfts as Inspect<AccountId>>::collection_owner(&id).is_some() {
		return;
	}
	let owner = collection_owner();
	let _ = Balances::force_set_balance(RuntimeOrigin::root(), owner.clone(), 1_000_000 * UNIT);
	loop {
		let created =
			<Nfts as Create<AccountId, pallet_nfts::CollectionConfigFor<Test>>>::create_collection(
				&owner,
				&owner,
				&pallet_nfts::CollectionConfig {
					settings: Default::default(),
					max_supply: None,
					mint_settings: Default::default(),
				},
			)
			.expect("collection created");
		if created >= id {
			break;
		}
	}
}

/// Mint item `item` of `collection` to `owner`.
pub fn mint(collection: u32, item: u32, owner: &AccountId) {
	use frame_support::traits::tokens::nonfungibles_v2::Mutate;
	<Nfts as Mutate<AccountId, pallet_nfts::ItemConfig>>::mint_into(
		&collection,
		&item,
		owner,
		&pallet_nfts::ItemConfig::default(),
		true,
	)
	.expect("item minted");
}

/// The collection owner makes every item of the collection non-transferable.
pub fn lock_collection_transfers(collection: u32) {
	use pallet_nfts::{CollectionSetting, CollectionSettings};
	pallet_nfts::Pallet::<Test>::lock_collection(
		RuntimeOrigin::signed(collection_owner()),
		collection,
		CollectionSettings::from_disabled(CollectionSetting::TransferableItems.into()),
	)
	.expect("collection locked");
}

/// The collection's freezer locks transfers of one item (pledged or not).
pub fn freeze_item(collection: u32, item: u32) {
	pallet_nfts::Pallet::<Test>::lock_item_transfer(
		RuntimeOrigin::signed(collection_owner()),
		collection,
		item,
	)
	.expect("item frozen");
}

/// The collection's freezer lets the item move again.
pub fn thaw_item(collection: u32, item: u32) {
	pallet_nfts::Pallet::<Test>::unlock_item_transfer(
		RuntimeOrigin::signed(collection_owner()),
		collection,
		item,
	)
	.expect("item thawed");
}

/// Externalities with funded accounts 1..=8 and block 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: (1..=8).map(|n| (account(n), 10_000_000 * UNIT)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		PRICES.with(|p| p.borrow_mut().clear());
	});
	ext
}

/// Move to block `n`, running the sweep in each block and checking every invariant after it:
/// those storage shows (`try_state`), and those that need the state before the block
/// ([`Snapshot`]: the sweep's weight, the index, the share price, total issuance).
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		sweep_and_check(next);
		NftLending::do_try_state().expect("invariants hold after the sweep");
	}
}

/// Run block `now`'s sweep and check invariants 5, 10 and 11 around it.
pub fn sweep_and_check(now: u64) -> crate::sweep::SweepStats {
	use crate::weights::WeightInfo;
	let before = Snapshot::take();
	let events_before = System::events().len();
	let (charged, stats) = NftLending::sweep_with_stats(now);
	// 10. Within the budget, and charged exactly the benchmarked weight of what it did.
	assert!(charged.all_lte(SweepBudget::get()), "the sweep went over its budget: {charged:?}");
	assert_eq!(
		charged,
		<() as WeightInfo>::sweep_base().saturating_add(stats.charged::<()>()),
		"the sweep's weight is not the sum of the units it ran ({stats:?})"
	);
	before.check_after("the sweep", events_before);
	stats
}

/// What the invariants that compare a step with the state before it need: every pool's borrow
/// index, value and shares, and total issuance.
pub struct Snapshot {
	pools: BTreeMap<crate::PoolId, (crate::math::Rate, Balance, Balance)>,
	issuance: Balance,
}

impl Snapshot {
	/// The state now.
	pub fn take() -> Self {
		let pools = crate::Pools::<Test>::iter_keys()
			.filter_map(|id| {
				let pool = NftLending::pool_info(id)?;
				let index = crate::Pools::<Test>::get(id)?.ledger.borrow_index;
				Some((id, (index, pool.pool_value, pool.total_shares)))
			})
			.collect();
		Self {
			pools,
			issuance: <Balances as frame_support::traits::fungible::Inspect<_>>::total_issuance(),
		}
	}

	/// Invariants 5 and 11 after `what`, whose events start at `first_event`: no borrow index
	/// fell; no share price fell unless the step booked a loss on that pool (`BadDebt`) or
	/// provisioned one (`LossProvisioned`); total issuance is unchanged.
	pub fn check_after(&self, what: &str, first_event: usize) {
		let losses: Vec<crate::PoolId> = System::events()[first_event..]
			.iter()
			.filter_map(|record| match &record.event {
				RuntimeEvent::NftLending(
					crate::Event::BadDebt { loan, .. } | crate::Event::LossProvisioned { loan, .. },
				) => Some(loan.pool),
				_ => None,
			})
			.collect();
		for (id, (index, value, shares)) in &self.pools {
			let Some(pool) = NftLending::pool_info(*id) else {
				panic!("{what}: pool {id} vanished")
			};
			let now_index = crate::Pools::<Test>::get(id).unwrap().ledger.borrow_index;
			assert!(now_index >= *index, "{what}: pool {id}'s borrow index fell");
			// price now >= price before, in integers: value' * shares >= value * shares'.
			let fell = *shares > 0
				&& pool.total_shares > 0
				&& sp_core::U256::from(pool.pool_value) * sp_core::U256::from(*shares)
					< sp_core::U256::from(*value) * sp_core::U256::from(pool.total_shares);
			assert!(
				!fell || losses.contains(id),
				"{what}: pool {id}'s share price fell without a loss event \
				 ({value}/{shares} -> {}/{})",
				pool.pool_value,
				pool.total_shares
			);
		}
		let issuance = <Balances as frame_support::traits::fungible::Inspect<_>>::total_issuance();
		assert_eq!(issuance, self.issuance, "{what} changed total issuance");
	}
}

/// Events of this pallet emitted so far.
pub fn lending_events() -> Vec<crate::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::NftLending(e) => Some(e),
			_ => None,
		})
		.collect()
}
