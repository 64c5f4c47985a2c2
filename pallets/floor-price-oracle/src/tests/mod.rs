//! Tests, split by capability.

mod feed_priority;
mod feeds;
mod governance;
mod guards;
mod majority;
mod median;
mod offchain;
mod staleness;
mod twap_props;
mod warmup;

use crate::mock::*;
use frame_support::dispatch::DispatchResultWithPostInfo;

/// `who` submits `prices` observed at the current block.
pub(crate) fn submit(
	who: AccountId,
	prices: &[(CollectionId, u128)],
) -> DispatchResultWithPostInfo {
	submit_observed(who, prices, System::block_number())
}

/// `who` submits `prices` observed at `observed_at`.
pub(crate) fn submit_observed(
	who: AccountId,
	prices: &[(CollectionId, u128)],
	observed_at: BlockNumber,
) -> DispatchResultWithPostInfo {
	FloorPriceOracle::submit_floor_prices(
		RuntimeOrigin::signed(who),
		prices.to_vec().try_into().expect("within MaxFeedsPerSubmission"),
		observed_at,
	)
}

/// The guarded spot of a priced collection.
pub(crate) fn spot(collection: CollectionId) -> u128 {
	FloorPriceOracle::quote(&collection).expect("collection is priced").spot
}

/// The guarded TWAP of a priced collection.
pub(crate) fn twap(collection: CollectionId) -> u128 {
	FloorPriceOracle::quote(&collection).expect("collection is priced").twap
}
