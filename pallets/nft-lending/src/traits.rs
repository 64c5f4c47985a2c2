//! What the pallet needs from the rest of the runtime, as traits.

use crate::types::{CollectionRoles, FloorPrice};

/// Floor prices of NFT collections, as the lending pallet reads them.
///
/// The runtime implements it on top of its oracle (`pallet-floor-price-oracle`); tests use a mock.
pub trait FloorPriceProvider<CollectionId> {
	/// The current price of `collection`, if it has ever been priced.
	fn floor_price(collection: &CollectionId) -> Option<FloorPrice>;
}

/// Who holds a collection's owner, admin and freezer roles (pallet-nfts in the runtime).
pub trait CollectionRoleProvider<AccountId, CollectionId> {
	/// The holders of `collection`'s roles (empty for a collection that does not exist).
	fn roles(collection: &CollectionId) -> CollectionRoles<AccountId>;
}

/// Test and benchmark setups: make NFTs and prices exist.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, CollectionId, ItemId> {
	/// A collection id that `mint_nft` mints into, distinct for each `index` and from any
	/// collection the chain's genesis already has.
	fn collection(index: u32) -> CollectionId;
	/// Create the collection (if needed) and mint item `index` of it to `owner`.
	fn mint_nft(collection: &CollectionId, index: u32, owner: &AccountId) -> ItemId;
	/// Make `price` the collection's settled price (fresh and warm spot and TWAP on both middle
	/// values).
	fn set_price(collection: &CollectionId, price: u128);
	/// Make the collection refuse transfers of its items (a locked collection).
	fn lock_collection(collection: &CollectionId);
}
