//! Collections a pool lends against, and their risk numbers (SPEC section 4).
//!
//! Changes apply to new loans only: an open loan keeps the liquidation threshold and penalty it
//! started with (they are stored in the loan).

#[allow(unused_imports)]
use crate::traits::FloorPriceProvider as _;
use crate::{pallet::*, types::*};
#[allow(unused_imports)]
use frame_support::traits::Get as _;
use frame_support::{ensure, pallet_prelude::*};
use sp_arithmetic::{traits::Zero, Perbill};
#[allow(unused_imports)]
use sp_runtime::traits::{One as _, Saturating as _, Zero as _};

/// Highest liquidation penalty governance may set.
pub const MAX_LIQUIDATION_PENALTY: Perbill = Perbill::from_percent(25);

impl<T: Config> Pallet<T> {
	pub(crate) fn ensure_valid_collection_params(params: &CollectionParams) -> DispatchResult {
		ensure!(
			!params.ltv.is_zero()
				&& params.ltv < params.liquidation_threshold
				&& params.liquidation_threshold < Perbill::one(),
			Error::<T>::InvalidLtv
		);
		ensure!(params.liquidation_penalty <= MAX_LIQUIDATION_PENALTY, Error::<T>::PenaltyTooHigh);
		ensure!(
			params.max_loans >= 1
				&& params.max_loans <= T::MaxLoansPerCollection::get()
				&& !params.debt_ceiling.is_zero(),
			Error::<T>::InvalidCollectionLimits
		);
		Ok(())
	}

	pub(crate) fn do_add_collection(
		pool_id: PoolId,
		collection: T::CollectionId,
		params: CollectionParams,
	) -> DispatchResult {
		Self::ensure_valid_collection_params(&params)?;
		let mut pool = Pools::<T>::get(pool_id).ok_or(Error::<T>::PoolNotFound)?;
		match PoolCollections::<T>::get(pool_id, collection) {
			Some(existing) => {
				// A removed collection (with loans still open) can be listed again.
				ensure!(
					existing.status == ListingStatus::Removed,
					Error::<T>::CollectionAlreadyListed
				);
				PoolCollections::<T>::insert(
					pool_id,
					collection,
					PoolCollection { params, status: ListingStatus::Listed, ..existing },
				);
			}
			None => {
				ensure!(
					pool.collections < T::MaxCollectionsPerPool::get(),
					Error::<T>::TooManyCollections
				);
				pool.collections += 1;
				Pools::<T>::insert(pool_id, pool);
				PoolCollections::<T>::insert(
					pool_id,
					collection,
					PoolCollection {
						params,
						status: ListingStatus::Listed,
						open_loans: 0,
						scaled_debt: 0,
						fixed_principal: 0,
					},
				);
			}
		}
		ListedCollections::<T>::mutate(collection, |n| *n = n.saturating_add(1));
		Self::deposit_event(Event::CollectionAdded { pool: pool_id, collection, params });
		Ok(())
	}

	pub(crate) fn do_update_collection(
		pool_id: PoolId,
		collection: T::CollectionId,
		params: CollectionParams,
	) -> DispatchResult {
		Self::ensure_valid_collection_params(&params)?;
		ensure!(Pools::<T>::contains_key(pool_id), Error::<T>::PoolNotFound);
		PoolCollections::<T>::try_mutate(pool_id, collection, |entry| {
			let entry = entry.as_mut().ok_or(Error::<T>::CollectionNotListed)?;
			ensure!(entry.status == ListingStatus::Listed, Error::<T>::CollectionNotListed);
			entry.params = params;
			Ok::<_, DispatchError>(())
		})?;
		Self::deposit_event(Event::CollectionUpdated { pool: pool_id, collection, params });
		Ok(())
	}

	pub(crate) fn do_remove_collection(
		pool_id: PoolId,
		collection: T::CollectionId,
	) -> DispatchResult {
		let mut pool = Pools::<T>::get(pool_id).ok_or(Error::<T>::PoolNotFound)?;
		let entry = PoolCollections::<T>::get(pool_id, collection)
			.filter(|entry| entry.status == ListingStatus::Listed)
			.ok_or(Error::<T>::CollectionNotListed)?;
		if entry.open_loans == 0 {
			PoolCollections::<T>::remove(pool_id, collection);
			pool.collections = pool.collections.saturating_sub(1);
			Pools::<T>::insert(pool_id, pool);
		} else {
			PoolCollections::<T>::insert(
				pool_id,
				collection,
				PoolCollection { status: ListingStatus::Removed, ..entry },
			);
		}
		ListedCollections::<T>::mutate_exists(collection, |n| {
			*n = n.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0);
		});
		Self::deposit_event(Event::CollectionRemoved { pool: pool_id, collection });
		Ok(())
	}

	/// A loan on `collection` closed: one open loan fewer, and a removed collection with none
	/// left is forgotten. One read and one write of the listing.
	pub(crate) fn release_listing(pool_id: PoolId, collection: T::CollectionId) {
		let forgotten = PoolCollections::<T>::mutate_exists(pool_id, collection, |entry| {
			let Some(listing) = entry else { return false };
			listing.open_loans = listing.open_loans.saturating_sub(1);
			let unused = listing.status == ListingStatus::Removed && listing.open_loans == 0;
			if unused {
				*entry = None;
			}
			unused
		});
		if forgotten {
			Pools::<T>::mutate(pool_id, |pool| {
				if let Some(pool) = pool {
					pool.collections = pool.collections.saturating_sub(1);
				}
			});
		}
	}
}
