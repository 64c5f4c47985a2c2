//! Collections a pool lends against, and their risk numbers (SPEC section 4).
//!
//! Changes apply to new loans only: an open loan keeps the liquidation threshold and penalty it
//! started with (they are stored in the loan).

#[allow(unused_imports)]
use crate::traits::FloorPriceProvider as _;
use crate::{pallet::*, traits::CollectionRoleProvider as _, types::*};
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
		match pool.listing_mut(&collection) {
			Some(existing) => {
				// A removed collection (with loans still open) can be listed again; it kept its
				// entry, so it is priced already.
				ensure!(
					existing.status == ListingStatus::Removed,
					Error::<T>::CollectionAlreadyListed
				);
				existing.params = params;
				existing.status = ListingStatus::Listed;
			}
			None => {
				let listing = PoolCollection {
					params,
					status: ListingStatus::Listed,
					open_loans: 0,
					scaled_debt: 0,
					fixed_principal: 0,
				};
				pool.collections
					.try_push((collection, listing))
					.map_err(|_| Error::<T>::TooManyCollections)?;
				PricedCollections::<T>::mutate(collection, |n| *n = n.saturating_add(1));
			}
		}
		Pools::<T>::insert(pool_id, pool);
		let roles = T::CollectionRoles::roles(&collection);
		Self::deposit_event(Event::CollectionAdded { pool: pool_id, collection, params, roles });
		Ok(())
	}

	pub(crate) fn do_update_collection(
		pool_id: PoolId,
		collection: T::CollectionId,
		params: CollectionParams,
	) -> DispatchResult {
		Self::ensure_valid_collection_params(&params)?;
		let mut pool = Pools::<T>::get(pool_id).ok_or(Error::<T>::PoolNotFound)?;
		let entry = pool
			.listing_mut(&collection)
			.filter(|entry| entry.status == ListingStatus::Listed)
			.ok_or(Error::<T>::CollectionNotListed)?;
		entry.params = params;
		Pools::<T>::insert(pool_id, pool);
		Self::deposit_event(Event::CollectionUpdated { pool: pool_id, collection, params });
		Ok(())
	}

	pub(crate) fn do_remove_collection(
		pool_id: PoolId,
		collection: T::CollectionId,
	) -> DispatchResult {
		let mut pool = Pools::<T>::get(pool_id).ok_or(Error::<T>::PoolNotFound)?;
		let entry = pool
			.listing_mut(&collection)
			.filter(|entry| entry.status == ListingStatus::Listed)
			.ok_or(Error::<T>::CollectionNotListed)?;
		if entry.open_loans == 0 {
			Self::forget_listing(&mut pool, &collection);
		} else {
			// Open loans run on: the collection keeps its entry, and its price.
			entry.status = ListingStatus::Removed;
		}
		Pools::<T>::insert(pool_id, pool);
		Self::deposit_event(Event::CollectionRemoved { pool: pool_id, collection });
		Ok(())
	}

	/// Drop `collection`'s entry from the pool (in memory; the caller writes the pool): one
	/// pool fewer for the oracle to price it for.
	fn forget_listing(pool: &mut PoolOf<T>, collection: &T::CollectionId) {
		pool.forget_listing(collection);
		PricedCollections::<T>::mutate_exists(*collection, |n| {
			*n = n.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0);
		});
	}

	/// A loan on `collection` closed: one open loan fewer, and a removed collection with none
	/// left is forgotten. Changes the pool in memory; the caller writes it.
	pub(crate) fn release_listing(pool: &mut PoolOf<T>, collection: &T::CollectionId) {
		let Some(listing) = pool.listing_mut(collection) else { return };
		listing.open_loans = listing.open_loans.saturating_sub(1);
		if listing.status == ListingStatus::Removed && listing.open_loans == 0 {
			Self::forget_listing(pool, collection);
		}
	}
}
