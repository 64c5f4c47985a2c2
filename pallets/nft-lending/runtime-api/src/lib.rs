//! Runtime API of the NFT lending pallet: what wallets and dashboards ask a node.
//!
//! Polkadot.js: `api.call.nftLendingApi.pool(0)`, `.loan({ pool: 0, index: 3 })`,
//! `.maxBorrow(0, 0, 7)`, `.positions(address)`, `.listing(0, 0)`.

#![cfg_attr(not(feature = "std"), no_std)]

pub use pallet_nft_lending::{
	views::{BorrowLimitError, ListingInfo, LoanInfo, PoolInfo, Positions},
	Balance, LoanId, PoolId,
};

sp_api::decl_runtime_apis! {
	/// Pool and loan figures, borrowing power and positions, with interest accrued to the
	/// block the call runs at.
	pub trait NftLendingApi<AccountId, CollectionId, ItemId, BlockNumber>
	where
		AccountId: codec::Codec,
		CollectionId: codec::Codec,
		ItemId: codec::Codec,
		BlockNumber: codec::Codec,
	{
		/// A pool's cash, debt, utilization, borrow and supply APR, share price.
		fn pool(pool: PoolId) -> Option<PoolInfo>;
		/// A loan's debt now, health factor, due block and state.
		fn loan(loan: LoanId) -> Option<LoanInfo<AccountId, CollectionId, ItemId, BlockNumber>>;
		/// The most `borrow` would lend on this NFT from this pool now, or why nothing.
		fn max_borrow(pool: PoolId, collection: CollectionId, item: ItemId) -> Result<Balance, BorrowLimitError>;
		/// An account's deposits and loans (active or in auction: loans on NFTs it owns; a loan
		/// whose NFT went to the pool after an auction without bids is no longer listed, see
		/// `loan`).
		fn positions(account: AccountId) -> Positions<AccountId, CollectionId, ItemId, BlockNumber>;
		/// A collection's listing in a pool: risk numbers, status, open loans, debt, and who
		/// holds its owner, admin and freezer roles (they can lock transfers of pledged items).
		fn listing(pool: PoolId, collection: CollectionId) -> Option<ListingInfo<AccountId>>;
	}
}
