//! The per-block sweep (SPEC section 6), run from `on_initialize` within
//! `Config::SweepWeightBudget`, in the style of pallet-scheduler's `service_agendas`:
//!
//! 1. settle auctions whose end bucket is due (cursor `NextAuctionBucket`);
//! 2. start auctions for fixed loans in due buckets up to now (cursor `NextDueBucket`);
//! 3. walk the loans of collections whose price changed (`PendingHealthChecks`, cursor
//!    `HealthCheckCursor`), starting auctions for unhealthy ones;
//! 4. a slow round-robin over all loans (`RoundRobinCursor`, `RoundRobinBatch` a block) that
//!    catches interest-driven decay.
//!
//! Every unit of work is priced by its benchmarked weight and checked against a `WeightMeter`
//! before it runs; what does not fit stays behind its cursor for the next block (with a
//! `SweepIncomplete` event). Each unit runs in its own storage layer: a failure rolls back that
//! unit only, is reported with `SweepStepFailed`, and never panics. Nothing iterates without a
//! bound: buckets are bounded vectors, and walks take one key at a time from a cursor.

#[allow(unused_imports)]
use crate::traits::FloorPriceProvider as _;
use crate::{pallet::*, types::*, weights::WeightInfo};
use alloc::vec::Vec;
#[allow(unused_imports)]
use frame_support::traits::Get as _;
use frame_support::{
	pallet_prelude::*,
	storage::{with_transaction, TransactionOutcome},
	weights::WeightMeter,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_arithmetic::Perbill;
#[allow(unused_imports)]
use sp_runtime::traits::{One as _, Saturating as _, Zero as _};
use sp_runtime::traits::{One, Saturating, Zero};

/// What one block's sweep did.
#[derive(Default)]
pub(crate) struct SweepStats {
	pub liquidated: u32,
	pub settled: u32,
	pub checked: u32,
}

/// Bucket storage the sweep drains: due buckets or auction-end buckets.
type Bucket<T> = BoundedVec<LoanId, <T as Config>::MaxLoansPerBucket>;

impl<T: Config> Pallet<T> {
	pub(crate) fn sweep(now: BlockNumberFor<T>) -> Weight {
		let mut meter = WeightMeter::with_limit(T::SweepWeightBudget::get());
		meter.consume(T::WeightInfo::sweep_base());
		let mut stats = SweepStats::default();

		let out_of_budget = Self::settle_ended_auctions(now, &mut meter, &mut stats)
			|| Self::liquidate_overdue(now, &mut meter, &mut stats)
			|| Self::check_marked_collections(&mut meter, &mut stats)
			|| Self::round_robin(&mut meter, &mut stats);
		if out_of_budget {
			Self::deposit_event(Event::SweepIncomplete {
				liquidated: stats.liquidated,
				settled: stats.settled,
				checked: stats.checked,
			});
		}
		meter.consumed()
	}

	/// The worst single unit of sweep work.
	pub(crate) fn worst_sweep_unit() -> Weight {
		T::WeightInfo::sweep_bucket()
			.max(T::WeightInfo::sweep_check())
			.max(T::WeightInfo::sweep_liquidate())
			.max(T::WeightInfo::sweep_settle())
	}

	/// The budget is at most 10% of a block and always fits the base plus one unit of work, so
	/// the sweep makes progress every block.
	pub(crate) fn check_sweep_fits_block() {
		let budget = T::SweepWeightBudget::get();
		let block = <T as frame_system::Config>::BlockWeights::get().max_block;
		assert!(
			budget.all_lte(Perbill::from_percent(10) * block),
			"SweepWeightBudget must be at most 10% of the block"
		);
		assert!(
			T::WeightInfo::sweep_base().saturating_add(Self::worst_sweep_unit()).all_lte(budget),
			"SweepWeightBudget must fit the sweep's base weight plus one unit of work"
		);
	}

	/// Run one unit of sweep work in its own storage layer; report a failure and go on.
	fn run_step(loan: LoanId, step: impl FnOnce() -> Result<bool, DispatchError>) -> bool {
		let outcome = with_transaction(|| match step() {
			Ok(done) => TransactionOutcome::Commit(Ok(done)),
			Err(error) => TransactionOutcome::Rollback(Err(error)),
		});
		match outcome {
			Ok(done) => done,
			Err(error) => {
				log::warn!(target: "runtime::nft-lending", "sweep step on loan {loan} failed: {error:?}");
				Self::deposit_event(Event::SweepStepFailed { loan, error });
				false
			}
		}
	}

	/// Drain `Q`'s buckets from its cursor up to `now`, spending `unit` per loan. Returns `true`
	/// when the budget ran out first (the rest stays in storage behind the cursor).
	fn drain_buckets<Q: BucketQueue<T>>(
		now: BlockNumberFor<T>,
		meter: &mut WeightMeter,
		unit: Weight,
		mut process: impl FnMut(LoanId),
	) -> bool {
		// A cursor that never ran (a new chain or a new pallet) starts at the current block.
		let cursor = Q::cursor();
		let mut at = if cursor.is_zero() { now } else { cursor };
		while at <= now {
			if meter.try_consume(T::WeightInfo::sweep_bucket()).is_err() {
				Q::set_cursor(at);
				return true;
			}
			let loans = Q::take(at);
			for (index, loan) in loans.iter().enumerate() {
				if meter.try_consume(unit).is_err() {
					let rest: Vec<LoanId> = loans[index..].to_vec();
					// `rest` is a tail of a bounded vector, so it fits.
					Q::put_back(at, Bucket::<T>::truncate_from(rest));
					Q::set_cursor(at);
					return true;
				}
				process(*loan);
			}
			at = at.saturating_add(One::one());
		}
		Q::set_cursor(at);
		false
	}

	fn settle_ended_auctions(
		now: BlockNumberFor<T>,
		meter: &mut WeightMeter,
		stats: &mut SweepStats,
	) -> bool {
		Self::drain_buckets::<AuctionEndQueue>(now, meter, T::WeightInfo::sweep_settle(), |loan| {
			let settled = Self::run_step(loan, || {
				let Some(running) = Auctions::<T>::get(loan) else { return Ok(false) };
				Self::settle_auction(loan, running).map(|_| true)
			});
			stats.settled += settled as u32;
		})
	}

	pub(crate) fn liquidate_overdue(
		now: BlockNumberFor<T>,
		meter: &mut WeightMeter,
		stats: &mut SweepStats,
	) -> bool {
		Self::drain_buckets::<DueQueue>(now, meter, T::WeightInfo::sweep_liquidate(), |loan| {
			let liquidated =
				Self::run_step(loan, || Self::start_auction(loan, LiquidationReason::Overdue));
			if liquidated {
				stats.liquidated += 1;
			} else {
				// Still active (the step failed): file it again so it is retried, and so it
				// stays in exactly one due bucket.
				Self::refile_overdue(loan, now);
			}
		})
	}

	/// Put an overdue loan whose liquidation failed into the next block's bucket.
	fn refile_overdue(loan_id: LoanId, now: BlockNumberFor<T>) {
		let Some(mut loan) = Loans::<T>::get(loan_id) else { return };
		if loan.state != LoanState::Active {
			return;
		}
		if let LoanDebt::Fixed { due_bucket, .. } = &mut loan.debt {
			if let Ok(bucket) = Self::file_in_due_bucket(now.saturating_add(One::one()), loan_id) {
				*due_bucket = bucket;
				Loans::<T>::insert(loan_id, loan);
			}
		}
	}

	/// Walk the loans of collections whose price changed, a loan at a time from a cursor.
	fn check_marked_collections(meter: &mut WeightMeter, stats: &mut SweepStats) -> bool {
		let unit = T::WeightInfo::sweep_check().max(T::WeightInfo::sweep_liquidate());
		loop {
			if !meter.can_consume(unit) {
				return HealthCheckCursor::<T>::exists()
					|| !PendingHealthChecks::<T>::get().is_empty();
			}
			let (collection, last) = match HealthCheckCursor::<T>::get() {
				Some(cursor) => cursor,
				None => {
					let mut pending = PendingHealthChecks::<T>::get();
					if pending.is_empty() {
						return false;
					}
					let next = pending.remove(0);
					PendingHealthChecks::<T>::put(pending);
					(next, None)
				}
			};
			let next = match last {
				None => CollectionLoans::<T>::iter_key_prefix(collection).next(),
				Some(last) => CollectionLoans::<T>::iter_key_prefix_from(
					collection,
					CollectionLoans::<T>::hashed_key_for(collection, last),
				)
				.next(),
			};
			let Some(loan) = next else {
				HealthCheckCursor::<T>::kill();
				continue;
			};
			HealthCheckCursor::<T>::put((collection, Some(loan)));
			Self::check_health(loan, meter, stats);
		}
	}

	/// Look at a few loans, whatever their collection, so that interest-driven decay is caught
	/// even when prices do not move. Wraps around at the end.
	fn round_robin(meter: &mut WeightMeter, stats: &mut SweepStats) -> bool {
		let unit = T::WeightInfo::sweep_check().max(T::WeightInfo::sweep_liquidate());
		for _ in 0..T::RoundRobinBatch::get() {
			if !meter.can_consume(unit) {
				return true;
			}
			let next = match RoundRobinCursor::<T>::get() {
				None => Loans::<T>::iter_keys().next(),
				Some(last) => Loans::<T>::iter_keys_from(Loans::<T>::hashed_key_for(last)).next(),
			};
			match next {
				Some(loan) => {
					RoundRobinCursor::<T>::put(loan);
					Self::check_health(loan, meter, stats);
				}
				None => {
					RoundRobinCursor::<T>::kill();
					return false;
				}
			}
		}
		false
	}

	/// Check one loan's health and start its auction when it is below 1.
	pub(crate) fn check_health(loan: LoanId, meter: &mut WeightMeter, stats: &mut SweepStats) {
		stats.checked += 1;
		let liquidatable = Loans::<T>::get(loan)
			.filter(|l| l.state == LoanState::Active)
			.and_then(|l| Self::pool_now(l.pool).map(|pool| Self::value_loan(&l, &pool.ledger)))
			.is_some_and(|value| value.liquidatable);
		if !liquidatable {
			meter.consume(T::WeightInfo::sweep_check());
			return;
		}
		meter.consume(T::WeightInfo::sweep_liquidate());
		if Self::run_step(loan, || Self::start_auction(loan, LiquidationReason::Unhealthy)) {
			stats.liquidated += 1;
		}
	}

	/// The oracle's hook: `collection`'s price changed, so check its loans' health soon.
	///
	/// A collection already waiting is not queued twice; one being walked right now is queued
	/// again, so it gets a full pass at the new price. When the queue is full, the round-robin
	/// still reaches every loan.
	pub fn note_price_change(collection: T::CollectionId) {
		if CollectionLoans::<T>::iter_key_prefix(collection).next().is_none() {
			return;
		}
		PendingHealthChecks::<T>::mutate(|pending| {
			if pending.contains(&collection) {
				return;
			}
			if pending.try_push(collection).is_err() {
				Self::deposit_event(Event::HealthCheckQueueFull { collection });
			}
		});
	}

	/// File `loan` in the first due bucket at or after `at` that has room.
	pub(crate) fn file_in_due_bucket(
		at: BlockNumberFor<T>,
		loan: LoanId,
	) -> Result<BlockNumberFor<T>, DispatchError> {
		Self::file_in_bucket(at, Error::<T>::DueBucketsFull, |block| {
			DueBuckets::<T>::try_mutate(block, |bucket| bucket.try_push(loan)).is_ok()
		})
	}

	/// File `loan` in the first auction-end bucket at or after `at` that has room.
	pub(crate) fn file_in_auction_bucket(
		at: BlockNumberFor<T>,
		loan: LoanId,
	) -> Result<BlockNumberFor<T>, DispatchError> {
		Self::file_in_bucket(at, Error::<T>::AuctionBucketsFull, |block| {
			AuctionEndBuckets::<T>::try_mutate(block, |bucket| bucket.try_push(loan)).is_ok()
		})
	}

	/// Try `at`, then up to `BucketSearchLimit - 1` later blocks.
	fn file_in_bucket(
		at: BlockNumberFor<T>,
		full: Error<T>,
		mut try_insert: impl FnMut(BlockNumberFor<T>) -> bool,
	) -> Result<BlockNumberFor<T>, DispatchError> {
		let mut block = at;
		for _ in 0..T::BucketSearchLimit::get().max(1) {
			if try_insert(block) {
				return Ok(block);
			}
			block = block.saturating_add(One::one());
		}
		Err(full.into())
	}

	pub(crate) fn remove_from_due_bucket(bucket: BlockNumberFor<T>, loan: LoanId) {
		DueBuckets::<T>::mutate_exists(bucket, |entries| remove_entry(entries, loan));
	}

	pub(crate) fn remove_from_auction_bucket(bucket: BlockNumberFor<T>, loan: LoanId) {
		AuctionEndBuckets::<T>::mutate_exists(bucket, |entries| remove_entry(entries, loan));
	}
}

fn remove_entry<S: Get<u32>>(entries: &mut Option<BoundedVec<LoanId, S>>, loan: LoanId) {
	if let Some(list) = entries {
		list.retain(|id| *id != loan);
		if list.is_empty() {
			*entries = None;
		}
	}
}

/// Per-block buckets of loans drained by the sweep from a cursor: the due buckets (overdue
/// loans) and the auction-end buckets.
trait BucketQueue<T: Config> {
	fn cursor() -> BlockNumberFor<T>;
	fn set_cursor(at: BlockNumberFor<T>);
	fn take(at: BlockNumberFor<T>) -> Bucket<T>;
	fn put_back(at: BlockNumberFor<T>, rest: Bucket<T>);
}

/// `DueBuckets` behind `NextDueBucket`.
struct DueQueue;
impl<T: Config> BucketQueue<T> for DueQueue {
	fn cursor() -> BlockNumberFor<T> {
		NextDueBucket::<T>::get()
	}
	fn set_cursor(at: BlockNumberFor<T>) {
		NextDueBucket::<T>::put(at)
	}
	fn take(at: BlockNumberFor<T>) -> Bucket<T> {
		DueBuckets::<T>::take(at)
	}
	fn put_back(at: BlockNumberFor<T>, rest: Bucket<T>) {
		DueBuckets::<T>::insert(at, rest)
	}
}

/// `AuctionEndBuckets` behind `NextAuctionBucket`.
struct AuctionEndQueue;
impl<T: Config> BucketQueue<T> for AuctionEndQueue {
	fn cursor() -> BlockNumberFor<T> {
		NextAuctionBucket::<T>::get()
	}
	fn set_cursor(at: BlockNumberFor<T>) {
		NextAuctionBucket::<T>::put(at)
	}
	fn take(at: BlockNumberFor<T>) -> Bucket<T> {
		AuctionEndBuckets::<T>::take(at)
	}
	fn put_back(at: BlockNumberFor<T>, rest: Bucket<T>) {
		AuctionEndBuckets::<T>::insert(at, rest)
	}
}
