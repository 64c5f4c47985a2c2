//! Test runtime: the real `pallet-oracle` and a `pallet-membership` feeder set, accounts that are
//! sr25519 public keys, and signed transactions that are really signed.

use crate as pallet_floor_price_oracle;
use crate::{combine::MiddleValues, BlockClock, CurrentMinimumFeeders, FloorFeed};
use codec::Encode;
use frame_support::{derive_impl, parameter_types, traits::Contains, PalletId};
use frame_system::{
	offchain::{AppCrypto, CreateSignedTransaction, CreateTransactionBase, SigningTypes},
	EnsureRoot,
};
use sp_core::{sr25519, Pair};
use sp_runtime::{
	traits::{IdentityLookup, Verify},
	BuildStorage, Perbill,
};

pub type AccountId = sr25519::Public;
pub type Signature = sr25519::Signature;
pub type BlockNumber = u64;
pub type CollectionId = u32;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		FeederMembership: pallet_membership::<Instance1>,
		Oracle: pallet_oracle,
		FloorPriceOracle: pallet_floor_price_oracle,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
}

impl pallet_membership::Config<pallet_membership::Instance1> for Test {
	type RuntimeEvent = RuntimeEvent;
	type AddOrigin = EnsureRoot<AccountId>;
	type RemoveOrigin = EnsureRoot<AccountId>;
	type SwapOrigin = EnsureRoot<AccountId>;
	type ResetOrigin = EnsureRoot<AccountId>;
	type PrimeOrigin = EnsureRoot<AccountId>;
	type MembershipInitialized = ();
	type MembershipChanged = Oracle;
	type MaxMembers = MaxFeeders;
	type WeightInfo = ();
}

parameter_types! {
	pub const OraclePalletId: PalletId = PalletId(*b"py/oracl");
	pub const MaxFeeders: u32 = 10;
	pub const MaxFeedsPerSubmission: u32 = 8;
	pub const MaxFloorPrice: u128 = 1_000_000_000_000_000_000_000_000_000_000; // 10^30
	pub const AbsurdFactor: u32 = 10;
	pub const MaxDeviation: Perbill = Perbill::from_percent(20);
	pub const TwapWindow: BlockNumber = 3600;
	pub const MaxPriceAge: BlockNumber = 600;
	pub static PriceWarmup: BlockNumber = 0;
	pub const HttpTimeoutMillis: u64 = 2_000;
	pub const MaxSourceAgeMillis: u64 = 600_000;
	/// Collections the "lending pallet" lists.
	pub static TrackedCollections: Vec<CollectionId> = vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
	/// Collections whose health price fell, in order (the lending pallet would queue them).
	pub static MarkedForHealthCheck: Vec<CollectionId> = vec![];
}

impl pallet_oracle::Config for Test {
	type OnNewData = FloorPriceOracle;
	type CombineData = MiddleValues<Test, CurrentMinimumFeeders<Test>, MaxPriceAge>;
	type Time = BlockClock<Test>;
	type OracleKey = CollectionId;
	type OracleValue = FloorFeed;
	type PalletId = OraclePalletId;
	type Members = FeederMembership;
	type WeightInfo = ();
	type MaxHasDispatchedSize = MaxFeeders;
	type MaxFeedValues = MaxFeedsPerSubmission;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

pub struct Tracked;
impl Contains<CollectionId> for Tracked {
	fn contains(collection: &CollectionId) -> bool {
		TrackedCollections::get().contains(collection)
	}
}

pub struct MarkForHealthCheck;
impl crate::OnPriceFall<CollectionId> for MarkForHealthCheck {
	fn on_price_fall(collection: &CollectionId) {
		MarkedForHealthCheck::mutate(|marked| marked.push(*collection));
	}
}

impl pallet_floor_price_oracle::Config for Test {
	type CollectionId = CollectionId;
	type Feeds = Oracle;
	type Feeders = FeederMembership;
	type Collections = Tracked;
	type AdminOrigin = EnsureRoot<AccountId>;
	type OnPriceFall = MarkForHealthCheck;
	type AuthorityId = crate::crypto::FeederAuthId;
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
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchmarkCollections;
}

/// Benchmarks list their collections in the mock's tracked set.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchmarkCollections;

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<CollectionId> for BenchmarkCollections {
	fn collection(index: u32) -> CollectionId {
		100 + index
	}

	fn track(collection: &CollectionId) {
		TrackedCollections::mutate(|tracked| {
			if !tracked.contains(collection) {
				tracked.push(*collection);
			}
		});
	}
}

/// What the off-chain worker puts in the pool. The "extension" is just the nonce, as
/// `CheckNonce` would carry it.
pub type Extrinsic =
	sp_runtime::generic::UncheckedExtrinsic<AccountId, RuntimeCall, Signature, u32>;

impl SigningTypes for Test {
	type Public = <Signature as Verify>::Signer;
	type Signature = Signature;
}

impl<LocalCall> CreateTransactionBase<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = Extrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<LocalCall> CreateSignedTransaction<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	fn create_signed_transaction<C: AppCrypto<Self::Public, Self::Signature>>(
		call: RuntimeCall,
		public: Self::Public,
		account: AccountId,
		nonce: u32,
	) -> Option<Extrinsic> {
		let signature = C::sign(&signed_payload(&call, nonce), public)?;
		Some(Extrinsic::new_signed(call, account, signature, nonce))
	}
}

/// What the mock signs: the call and the nonce.
pub fn signed_payload(call: &RuntimeCall, nonce: u32) -> Vec<u8> {
	(call, nonce).encode()
}

/// The sr25519 account of a dev seed such as `"Alice"`; also its `flor` key.
pub fn account(name: &str) -> AccountId {
	sr25519::Pair::from_string(&format!("//{name}"), None).expect("static seed").public()
}

pub fn alice() -> AccountId {
	account("Alice")
}
pub fn bob() -> AccountId {
	account("Bob")
}
pub fn charlie() -> AccountId {
	account("Charlie")
}
pub fn dave() -> AccountId {
	account("Dave")
}
pub fn eve() -> AccountId {
	account("Eve")
}

pub struct ExtBuilder {
	feeders: Vec<AccountId>,
	minimum_feeders: u32,
	prices: Vec<(CollectionId, u128)>,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self { feeders: vec![alice()], minimum_feeders: 1, prices: vec![] }
	}
}

impl ExtBuilder {
	pub fn feeders(mut self, feeders: Vec<AccountId>) -> Self {
		self.feeders = feeders;
		self
	}

	pub fn minimum_feeders(mut self, minimum: u32) -> Self {
		self.minimum_feeders = minimum;
		self
	}

	pub fn genesis_price(mut self, collection: CollectionId, price: u128) -> Self {
		self.prices.push((collection, price));
		self
	}

	pub fn build(self) -> sp_io::TestExternalities {
		let mut feeders = self.feeders;
		feeders.sort();
		let storage = RuntimeGenesisConfig {
			system: Default::default(),
			feeder_membership: pallet_membership::GenesisConfig {
				members: feeders.try_into().expect("at most MaxFeeders"),
				..Default::default()
			},
			floor_price_oracle: pallet_floor_price_oracle::GenesisConfig {
				minimum_feeders: self.minimum_feeders,
				prices: self.prices,
			},
		}
		.build_storage()
		.expect("valid genesis");
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Builds, runs `test`, then checks the pallet's invariants.
	pub fn run<R>(self, test: impl FnOnce() -> R) -> R {
		self.build().execute_with(|| {
			let result = test();
			FloorPriceOracle::do_try_state().expect("invariants hold");
			result
		})
	}
}

/// Test externalities for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub fn new_test_ext() -> sp_io::TestExternalities {
	ExtBuilder::default().build()
}

/// Moves to block `n` (later blocks only), as block production would.
pub fn run_to_block(n: BlockNumber) {
	use frame_support::traits::Hooks;
	while System::block_number() < n {
		Oracle::on_finalize(System::block_number());
		System::set_block_number(System::block_number() + 1);
	}
}

/// Events of this pallet, oldest first.
pub fn oracle_events() -> Vec<crate::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::FloorPriceOracle(event) => Some(event),
			_ => None,
		})
		.collect()
}
