//! # Floor-price oracle
//!
//! NFT collection floor prices for the lending pallet: off-chain-worker feeders, the median of
//! their fresh values, a TWAP, and guards against bad data.
//!
//! ## How a price gets on chain
//!
//! 1. **Feeders** are a governance-managed set (`Config::Feeders`, a `pallet-membership`
//!    instance in the runtime). Each feeder node holds a key of type [`KEY_TYPE`] (`flor`) in its
//!    keystore; the feeder's account is that key's account.
//! 2. Each block, the feeder node's **off-chain worker** ([`offchain`]) GETs the URL stored in
//!    persistent off-chain local storage under [`SOURCE_URL_KEY`], with a deadline of
//!    `HttpTimeoutMillis`. It expects `{"timestamp": <unix ms>, "prices": [{"collection": 0,
//!    "floor": "12000000000000000"}, ...]}`, `floor` as a JSON string or number of smallest
//!    units. It drops what the chain would reject and sends one **signed**
//!    [`Call::submit_floor_prices`] per local feeder key, observed at the current block. Any
//!    failure (no URL, HTTP error, timeout, bad JSON, no key) is logged and the worker returns:
//!    block production never waits on it.
//! 3. [`Call::submit_floor_prices`] checks everything, all or nothing (see its doc), and stores
//!    each value in `pallet-oracle` through `DataFeeder::feed_value`. Accepted submissions are
//!    free; the [`CheckFeed`] transaction extension puts feeders' feeds ahead of ordinary
//!    traffic and refuses other accounts' feeds before they enter the transaction pool.
//! 4. `pallet-oracle` combines each collection's values with [`combine::MiddleValues`]: the two
//!    **middle values** of the values younger than `MaxPriceAge` blocks (one value when their
//!    count is odd), if at least [`Pallet::effective_minimum_feeders`] of them exist: governance's
//!    [`MinimumFeeders`], and never fewer than a majority of the feeder set. It then calls this
//!    pallet's `OnNewData`.
//! 5. On a new median ([`pricing`]) the pallet moves two guarded **spots**, one towards each
//!    middle value, by at most `MaxDeviation` (clamping and flagging larger moves), updates their
//!    **TWAPs** ([`twap`]) over `TwapWindow`, stores [`FloorPrices`], emits
//!    [`Event::FloorPriceUpdated`] and, when the upper series fell, tells `Config::OnPriceFall`
//!    (the lending pallet queues the collection for its health check).
//!
//! Readers call [`Pallet::quote`] (or the `price_quote` view function): the lower series' spot and
//! TWAP (borrowing: the lower of the two), the upper series' spot and TWAP (the health factor: its
//! TWAP), the block of the last update, and whether the price is fresh, warm and unflagged.
//!
//! ## What a minority of feeders can and cannot do
//!
//! A median needs a majority of the feeder set. With an even number of fresh feeds the two
//! middle values differ; the lower one prices borrowing, the upper one the health factor. So
//! feeders who are not a majority can neither raise what may be borrowed (they can only raise the
//! upper value) nor liquidate a healthy loan (they can only lower the lower value). What one of
//! two feeders *can* do is hold one middle value: report high and delay the liquidation of loans
//! that became unhealthy, or report low and stop new borrowing. Run an odd number of feeders (3 or
//! more) to take that away too. See `docs/oracle.md`.
//!
//! ## Decisions
//!
//! - **Time is blocks.** `pallet-oracle`'s `Time` is [`BlockClock`], so its timestamps and
//!   `ExpiresIn` are block numbers; `ExpiresIn` must equal `MaxPriceAge` and the combiner's
//!   minimum count must be [`CurrentMinimumFeeders`]. The pallet counts the fresh feeds itself
//!   ([`FeedTimestamps`]) and ignores the combined value when there are fewer than the effective
//!   minimum. The price then goes stale instead of being re-stamped.
//! - **Warm-up.** A collection's first median starts its price, but borrowing against it opens
//!   only `PriceWarmup` blocks later (and again `PriceWarmup` after the first median that follows
//!   a stale spell). Governance may give a **reference price** ([`Call::set_reference_price`]);
//!   the first median is then clamped to within `MaxDeviation` of it like any other move, and
//!   during the warm-up feeds more than `AbsurdFactor` away from it are rejected. Genesis prices
//!   are warm at once.
//! - **Deviation guard, per block.** A move is measured against the spot as it stood at the end of
//!   the previous block, so several feeds in one block cannot compound. Larger moves are clamped
//!   to the bound (rounded up, never below one unit) and flagged; the flag clears on the next
//!   update inside the bound. A real crash is followed at `MaxDeviation` per block, and while the
//!   lower series is flagged the lending pallet opens no new loan on the collection.
//! - **Absurd values.** While the price is fresh and warm, a value more than `AbsurdFactor` times
//!   above the upper TWAP or below the lower TWAP is rejected (a band: a single feeder holding one
//!   middle cannot get the other feeders' values rejected). During the warm-up only a reference
//!   price is a reference; an unvetted first median never is. Once the price is stale the check is
//!   off, so the oracle recovers from a genuine move larger than the factor (the clamp still
//!   limits each step, and the warm-up starts again).
//! - **Ordering.** One accepted submission per feeder per block; `observed_at` strictly newer
//!   than the feeder's last accepted one, not in the future and not older than `MaxPriceAge`.
//! - **TWAP** from a cumulative-price accumulator and a ring of 16 checkpoints, one per
//!   `TwapWindow / 12` blocks: a true time-weighted average, exact over a period between
//!   `11/12` and all of the window (see [`twap`]).
//! - **Fees.** Accepted submissions are free (`Pays::No`); rejected ones pay the normal fee, so
//!   feeder accounts need a small balance and spam costs the spammer.
//! - The runtime must not let members call `pallet_oracle::Call::feed_values` directly (filter it
//!   with `BaseCallFilter`): that path skips this pallet's checks. The guard still applies to
//!   whatever median results, and zero or too-high medians are ignored.
//! - **Source freshness.** The off-chain worker skips a snapshot whose `timestamp` is more than
//!   `MaxSourceAgeMillis` older than the node's clock: a frozen source must not keep a price fresh.
//!   A malformed entry (floor not a non-negative integer) rejects the whole snapshot; entries the
//!   chain would refuse (untracked, zero, too high, absurd, duplicate) are dropped one by one. If
//!   more collections remain than `MaxFeedsPerSubmission`, the selection rotates with the block
//!   number so that every collection gets fed.
//!
//! ## Storage bounds
//!
//! [`FloorPrices`] and [`TwapHistory`] hold one entry per collection that was ever tracked and
//! priced, [`ReferencePrices`] one per collection governance gave a reference price,
//! [`FeederSubmissions`] one per account that was ever a feeder. Each entry has a fixed maximum
//! size. No hook iterates over storage.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod combine;
pub mod extension;
pub mod guard;
pub mod offchain;
pub mod pricing;
pub mod submission;
pub mod traits;
pub mod twap;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use extension::{CheckFeed, FEED_PRIORITY};
pub use offchain::SOURCE_URL_KEY;
pub use pallet::*;
#[cfg(feature = "runtime-benchmarks")]
pub use traits::BenchmarkHelper;
pub use traits::{BlockClock, CurrentMinimumFeeders, FeedTimestamps, OnPriceFall};
pub use twap::TwapHistories;
pub use types::{FeederRecord, FloorFeed, GuardedPrice, PriceQuote, PriceSide, PriceState};
pub use weights::WeightInfo;

use sp_core::crypto::KeyTypeId;

/// One submission's prices: `(collection, floor price in smallest units)`.
pub type SubmittedPrices<T> = frame_support::BoundedVec<
	(<T as Config>::CollectionId, u128),
	<T as Config>::MaxFeedsPerSubmission,
>;

/// Keystore key type of feeder keys: `flor`.
pub const KEY_TYPE: KeyTypeId = KeyTypeId(*b"flor");

/// Log target of this pallet, on chain and in the off-chain worker.
pub const LOG_TARGET: &str = "runtime::floor-price-oracle";

/// The feeders' application crypto: sr25519 keys of type [`KEY_TYPE`].
pub mod crypto {
	use super::KEY_TYPE;
	use sp_application_crypto::{app_crypto, sr25519};
	use sp_runtime::{MultiSignature, MultiSigner};

	app_crypto!(sr25519, KEY_TYPE);

	/// A feeder's public key (its account is derived from it like any sr25519 account).
	pub type FeederId = Public;

	/// Signs feed transactions with a [`FeederId`] key: `Config::AuthorityId` for
	/// `frame_system::offchain::Signer`.
	pub struct FeederAuthId;

	impl frame_system::offchain::AppCrypto<MultiSigner, MultiSignature> for FeederAuthId {
		type RuntimeAppPublic = Public;
		type GenericPublic = sp_core::sr25519::Public;
		type GenericSignature = sp_core::sr25519::Signature;
	}

	/// For test runtimes whose accounts are plain sr25519 public keys.
	impl frame_system::offchain::AppCrypto<sp_core::sr25519::Public, sp_core::sr25519::Signature>
		for FeederAuthId
	{
		type RuntimeAppPublic = Public;
		type GenericPublic = sp_core::sr25519::Public;
		type GenericSignature = sp_core::sr25519::Signature;
	}
}

/// Lets the runtime list the pallet in `impl_opaque_keys!`, so `--dev` / `--alice` insert the
/// dev feeder key into the keystore and `author_rotateKeys` generates one.
impl<T: Config> sp_runtime::BoundToRuntimeAppPublic for Pallet<T> {
	type Public = crypto::FeederId;
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::{Contains, SortedMembers},
	};
	use frame_system::{
		offchain::{AppCrypto, CreateSignedTransaction},
		pallet_prelude::*,
	};
	use pallet_oracle::{DataFeeder, DataProvider};
	use sp_runtime::{traits::MaybeSerializeDeserialize, Perbill};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config + CreateSignedTransaction<Call<Self>> {
		/// Identifies an NFT collection (the runtime uses pallet-nfts' collection id, `u32`).
		type CollectionId: Parameter
			+ Member
			+ MaxEncodedLen
			+ Copy
			+ Ord
			+ MaybeSerializeDeserialize
			+ TryFrom<u64>;

		/// Where raw feeds are stored and combined: `pallet_oracle::Pallet<Runtime>`.
		type Feeds: DataFeeder<Self::CollectionId, FloorFeed, Self::AccountId>
			+ DataProvider<Self::CollectionId, FloorFeed>
			+ FeedTimestamps<Self::CollectionId, BlockNumberFor<Self>>;

		/// The feeder set, managed by governance (a `pallet-membership` instance).
		type Feeders: SortedMembers<Self::AccountId>;

		/// Collections the chain tracks a price for (the runtime answers: listed in a pool).
		type Collections: Contains<Self::CollectionId>;

		/// May change `MinimumFeeders` and set reference prices.
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Told when a collection's health price (the upper middle value's spot or TWAP) falls.
		type OnPriceFall: OnPriceFall<Self::CollectionId>;

		/// The crypto feeders sign with: [`crypto::FeederAuthId`].
		type AuthorityId: AppCrypto<Self::Public, Self::Signature>;

		/// Most prices in one submission.
		#[pallet::constant]
		type MaxFeedsPerSubmission: Get<u32>;

		/// Most feeders; the upper bound of `MinimumFeeders` (the membership's `MaxMembers`).
		#[pallet::constant]
		type MaxFeeders: Get<u32>;

		/// Highest floor price accepted, in smallest units.
		#[pallet::constant]
		type MaxFloorPrice: Get<u128>;

		/// A value more than this factor above or below the fresh spot is rejected as absurd.
		#[pallet::constant]
		type AbsurdFactor: Get<u32>;

		/// Largest move of the spot per block (recommended: 20%).
		#[pallet::constant]
		type MaxDeviation: Get<Perbill>;

		/// TWAP window in blocks (recommended: 6 h).
		#[pallet::constant]
		type TwapWindow: Get<BlockNumberFor<Self>>;

		/// A price or feed older than this many blocks is stale (recommended: 1 h). Must equal
		/// `pallet-oracle`'s `ExpiresIn`.
		#[pallet::constant]
		type MaxPriceAge: Get<BlockNumberFor<Self>>;

		/// Borrowing against a collection opens this many blocks after its first median (and
		/// after its first median following a stale spell): the TWAP must form before anyone
		/// lends against it (recommended: one `TwapWindow`).
		#[pallet::constant]
		type PriceWarmup: Get<BlockNumberFor<Self>>;

		/// The off-chain worker's whole HTTP exchange must finish within this many milliseconds.
		#[pallet::constant]
		type HttpTimeoutMillis: Get<u64>;

		/// The off-chain worker ignores a source snapshot older than this (by its `timestamp`).
		#[pallet::constant]
		type MaxSourceAgeMillis: Get<u64>;

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;

		/// Sets up collections for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::CollectionId>;
	}

	/// The guarded floor price of each collection: spot, TWAP, last update, deviation flag.
	#[pallet::storage]
	pub type FloorPrices<T: Config> =
		StorageMap<_, Twox64Concat, T::CollectionId, PriceState<BlockNumberFor<T>>, OptionQuery>;

	/// The cumulative-price accumulators and checkpoints behind each collection's two TWAPs.
	#[pallet::storage]
	pub type TwapHistory<T: Config> =
		StorageMap<_, Twox64Concat, T::CollectionId, TwapHistories<BlockNumberFor<T>>, OptionQuery>;

	/// Governance's reference price of a collection (`set_reference_price`): a collection's
	/// first median may differ from it by at most `MaxDeviation` (it is clamped, as any move),
	/// and during the warm-up a feed more than `AbsurdFactor` away from it is rejected.
	#[pallet::storage]
	pub type ReferencePrices<T: Config> =
		StorageMap<_, Twox64Concat, T::CollectionId, u128, OptionQuery>;

	/// Each feeder's last accepted submission: the block it landed in and what it observed.
	#[pallet::storage]
	pub type FeederSubmissions<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, FeederRecord<BlockNumberFor<T>>, OptionQuery>;

	/// How many fresh feeds a median needs. Set by governance with `set_minimum_feeders`; the
	/// median needs at least a majority of the feeder set whatever this says (see
	/// [`Pallet::effective_minimum_feeders`]).
	#[pallet::storage]
	pub type MinimumFeeders<T: Config> = StorageValue<_, u32, ValueQuery>;

	#[pallet::genesis_config]
	pub struct GenesisConfig<T: Config> {
		/// Fresh feeds a median needs, `1..=MaxFeeders`.
		pub minimum_feeders: u32,
		/// Initial guarded prices (spot = TWAP on both series, updated at block 0 and warm at
		/// once: governance chose them), so a dev chain can lend at once.
		pub prices: Vec<(T::CollectionId, u128)>,
	}

	impl<T: Config> Default for GenesisConfig<T> {
		fn default() -> Self {
			Self { minimum_feeders: 1, prices: Vec::new() }
		}
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			assert!(
				(1..=T::MaxFeeders::get()).contains(&self.minimum_feeders),
				"floor-price-oracle genesis: minimum_feeders must be in 1..=MaxFeeders",
			);
			MinimumFeeders::<T>::put(self.minimum_feeders);
			for (collection, price) in &self.prices {
				assert!(
					*price > 0 && *price <= T::MaxFloorPrice::get(),
					"floor-price-oracle genesis: prices must be in 1..=MaxFloorPrice",
				);
				Pallet::<T>::set_initial_price(collection, *price, Zero::zero(), Zero::zero());
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A feeder's submission was accepted and its values stored in the oracle.
		FloorPricesSubmitted {
			/// The feeder account.
			feeder: T::AccountId,
			/// The block at which the feeder observed the prices.
			observed_at: BlockNumberFor<T>,
			/// How many collections it reported.
			count: u32,
		},
		/// A collection's guarded price changed after a new median.
		FloorPriceUpdated {
			/// The collection.
			collection: T::CollectionId,
			/// The new guarded spot of the lower middle value (borrowing).
			spot: u128,
			/// The new TWAP of the lower middle value (borrowing).
			twap: u128,
			/// The new guarded spot of the upper middle value.
			health_spot: u128,
			/// The new TWAP of the upper middle value (the health factor).
			health_twap: u128,
		},
		/// A middle value moved further than `MaxDeviation` allows in one block; its spot was
		/// clamped to the bound and the series flagged (the lower series' flag stops new
		/// borrowing until it has caught up).
		PriceClamped {
			/// The collection.
			collection: T::CollectionId,
			/// Which middle value.
			side: PriceSide,
			/// The middle value the feeders reported.
			median: u128,
			/// The clamped spot price.
			spot: u128,
		},
		/// Governance set (or removed, `None`) a collection's reference price.
		ReferencePriceSet {
			/// The collection.
			collection: T::CollectionId,
			/// The reference price.
			price: Option<u128>,
		},
		/// Governance changed how many fresh feeds a median needs.
		MinimumFeedersSet {
			/// The new minimum.
			minimum: u32,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The signer is not in the feeder set.
		NotAFeeder,
		/// This feeder already had a submission accepted in this block.
		AlreadySubmittedThisBlock,
		/// `observed_at` is not newer than the feeder's last accepted submission.
		OutOfOrder,
		/// `observed_at` is after the current block.
		FutureObservation,
		/// `observed_at` is more than `MaxPriceAge` blocks ago.
		ObservationTooOld,
		/// The submission holds no prices.
		NothingSubmitted,
		/// A collection appears twice in the submission.
		DuplicateCollection,
		/// The chain does not track a price for this collection.
		CollectionNotTracked,
		/// A price is zero.
		ZeroPrice,
		/// A price is above `MaxFloorPrice`.
		PriceTooHigh,
		/// A price is more than `AbsurdFactor` times above or below the current fresh spot.
		AbsurdPrice,
		/// The minimum feeder count must be between 1 and `MaxFeeders`.
		MinimumFeedersOutOfRange,
		/// The minimum feeder count must be more than half of the feeder set, so that no
		/// minority of the feeders can set a price.
		MinimumFeedersNotMajority,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn offchain_worker(now: BlockNumberFor<T>) {
			Self::run_offchain_worker(now);
		}

		fn integrity_test() {
			assert!(T::MaxFeedsPerSubmission::get() > 0, "MaxFeedsPerSubmission must be > 0");
			assert!(T::MaxFeeders::get() > 0, "MaxFeeders must be > 0");
			assert!(T::MaxFloorPrice::get() > 0, "MaxFloorPrice must be > 0");
			assert!(T::AbsurdFactor::get() >= 2, "AbsurdFactor must be at least 2");
			assert!(!T::MaxDeviation::get().is_zero(), "MaxDeviation must be > 0");
			assert!(!T::TwapWindow::get().is_zero(), "TwapWindow must be > 0");
			assert!(!T::MaxPriceAge::get().is_zero(), "MaxPriceAge must be > 0");
			assert!(T::HttpTimeoutMillis::get() > 0, "HttpTimeoutMillis must be > 0");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_now: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Report floor prices as a feeder. Sent by the feeders' off-chain workers; free when
		/// accepted. An operational transaction (ordinary traffic cannot fill the part of the
		/// block it uses), put ahead of the queue by the `CheckFeed` transaction extension.
		///
		/// - `prices`: `(collection, floor price in smallest units)`, each collection once.
		/// - `observed_at`: the block at which the feeder read its source.
		///
		/// All or nothing: the signer must be a feeder with no accepted submission in this block,
		/// `observed_at` newer than its last one, not in the future and not older than
		/// `MaxPriceAge`; every collection tracked; every price non-zero, at most
		/// `MaxFloorPrice` and, while the spot is fresh, within `AbsurdFactor` of it. The values
		/// then go to `pallet-oracle`, whose new medians update the guarded prices.
		#[pallet::call_index(0)]
		#[pallet::weight((
			T::WeightInfo::submit_floor_prices(prices.len() as u32),
			DispatchClass::Operational,
		))]
		pub fn submit_floor_prices(
			origin: OriginFor<T>,
			prices: SubmittedPrices<T>,
			observed_at: BlockNumberFor<T>,
		) -> DispatchResultWithPostInfo {
			let feeder = ensure_signed(origin)?;
			Self::do_submit_floor_prices(feeder, prices, observed_at)?;
			Ok(Pays::No.into())
		}

		/// Set how many fresh feeds (from distinct feeders) a median needs, `1..=MaxFeeders`
		/// and more than half of the current feeder set. Governance only.
		///
		/// Feeders added later raise the requirement by themselves: a median always needs a
		/// majority of the feeder set of the moment, whatever this minimum says.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_minimum_feeders())]
		pub fn set_minimum_feeders(origin: OriginFor<T>, minimum: u32) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			ensure!(
				(1..=T::MaxFeeders::get()).contains(&minimum),
				Error::<T>::MinimumFeedersOutOfRange
			);
			let members = T::Feeders::count() as u32;
			ensure!(minimum.saturating_mul(2) > members, Error::<T>::MinimumFeedersNotMajority);
			MinimumFeeders::<T>::put(minimum);
			Self::deposit_event(Event::MinimumFeedersSet { minimum });
			Ok(())
		}

		/// Set (or with `None` remove) the reference price of `collection`, in smallest units:
		/// governance's own view of its floor, given when it lists the collection (batch it with
		/// the listing). The collection's first median is then clamped to within `MaxDeviation`
		/// of it, and until the price warm-up is over a feed more than `AbsurdFactor` away from
		/// it is rejected. Without a reference, the first median is taken as it comes and only
		/// the warm-up protects borrowers and lenders from it. Governance only.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_reference_price())]
		pub fn set_reference_price(
			origin: OriginFor<T>,
			collection: T::CollectionId,
			price: Option<u128>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			match price {
				Some(price) => {
					ensure!(price > 0, Error::<T>::ZeroPrice);
					ensure!(price <= T::MaxFloorPrice::get(), Error::<T>::PriceTooHigh);
					ReferencePrices::<T>::insert(collection, price);
				}
				None => ReferencePrices::<T>::remove(collection),
			}
			Self::deposit_event(Event::ReferencePriceSet { collection, price });
			Ok(())
		}
	}

	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// The guarded floor price of `collection`: spot, TWAP, block of the last update, whether
		/// it is fresh and whether the last update was clamped. `None` if never priced.
		pub fn price_quote(collection: T::CollectionId) -> Option<PriceQuote<BlockNumberFor<T>>> {
			Self::quote(&collection)
		}
	}
}
