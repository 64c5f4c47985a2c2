//! The per-block sweep (SPEC section 6), run from `on_initialize` within
//! `Config::SweepWeightBudget`, in the style of pallet-scheduler's `service_agendas`:
//!
//! 1. the `Schedule`, first key first, up to the current block: auctions that end (settled) and
//!    loans whose check is due. A check liquidates an overdue fixed loan or an unhealthy loan and
//!    files a healthy one again at its next check: no later than the first block at which
//!    interest alone, at the most its pool can charge, could make it unhealthy, nor than
//!    `MaxRecheckInterval` blocks ahead;
//! 2. the loans of collections whose price fell (`PendingHealthChecks`, cursor
//!    `HealthCheckCursor`): unhealthy ones go to auction, the others are filed earlier when the
//!    new price brings their next check forward. While such checks wait, the schedule may use
//!    only `1 - PriceCheckShare` of the budget: a schedule crowded by any amount of other work
//!    (a storm of loans opened together, all due together) cannot hold back the liquidations a
//!    price fall calls for. What they leave unused goes back to the schedule.
//!
//! A block with nothing due reads `NextWake` and the health-check queue and stops: its cost does
//! not depend on the number of loans (the benchmark `sweep_idle` measures it at 10 and 100,000).
//!
//! Every unit of work is priced by its benchmarked weight and checked against a `WeightMeter`
//! before it runs; what does not fit stays scheduled (or behind the cursor) for the next block,
//! with a `SweepIncomplete` event. Each unit runs in its own storage layer: a failure rolls back
//! that unit only, is reported with `SweepStepFailed`, is retried next block, and never panics.
//! Nothing iterates without a bound: every step takes one key.

#[allow(unused_imports)]
use crate::traits::FloorPriceProvider as _;
use crate::{
	blocks,
	math::{rates, valuation},
	pallet::*,
	types::*,
	valuation::LoanValue,
	weights::WeightInfo,
};
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
use sp_runtime::{
	traits::{One, Saturating},
	SaturatedConversion,
};

/// What one block's sweep did.
#[derive(Default, Clone, Copy, PartialEq, Eq, Debug)]
pub struct SweepStats {
	/// Auctions started.
	pub liquidated: u32,
	/// Auctions settled (or defaulted).
	pub settled: u32,
	/// Loans checked (liquidated ones included).
	pub checked: u32,
	/// Steps of price-fall walks (each charged `sweep_price_step`).
	pub walked: u32,
	/// Schedule entries taken (each charged `sweep_next`).
	pub taken: u32,
	/// Loan checks charged `sweep_check`.
	pub charged_checks: u32,
	/// Loan checks charged `sweep_liquidate`.
	pub charged_liquidations: u32,
	/// Settlements charged `sweep_settle`.
	pub charged_settlements: u32,
	/// Settlements charged `sweep_default`.
	pub charged_defaults: u32,
}

impl SweepStats {
	/// The weight these units are charged at (without the sweep's base).
	pub fn charged<W: WeightInfo>(&self) -> Weight {
		let times = |w: Weight, n: u32| w.saturating_mul(n as u64);
		times(W::sweep_next(), self.taken)
			.saturating_add(times(W::sweep_price_step(), self.walked))
			.saturating_add(times(W::sweep_check(), self.charged_checks))
			.saturating_add(times(W::sweep_liquidate(), self.charged_liquidations))
			.saturating_add(times(W::sweep_settle(), self.charged_settlements))
			.saturating_add(times(W::sweep_default(), self.charged_defaults))
	}
}

/// What one step of a price-fall walk found.
pub(crate) enum WalkStep<T: Config> {
	/// No collection waits for a walk.
	Done,
	/// The collection being walked has no loans left: the cursor is cleared.
	EndOfCollection,
	/// The next pledged NFT of the collection, and its loan.
	Loan { collection: T::CollectionId, item: T::ItemId, loan: LoanId },
}

/// Why a loan is being checked.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum CheckKind {
	/// Its scheduled check came: it is filed again whatever its next check is.
	Scheduled,
	/// Its collection's price changed: it is filed again only if that brings its check forward.
	PriceChange,
}

impl<T: Config> Pallet<T> {
	pub(crate) fn sweep(now: BlockNumberFor<T>) -> Weight {
		Self::sweep_with_stats(now).0
	}

	/// The sweep of block `now`: the weight it used and what it did.
	pub fn sweep_with_stats(now: BlockNumberFor<T>) -> (Weight, SweepStats) {
		let budget = T::SweepWeightBudget::get();
		let mut meter = WeightMeter::with_limit(budget);
		meter.consume(T::WeightInfo::sweep_base());
		let mut stats = SweepStats::default();

		// The price-fall checks' share is kept for them while they wait.
		let price_checks_wait =
			HealthCheckCursor::<T>::exists() || !PendingHealthChecks::<T>::get().is_empty();
		let schedule_cap = if price_checks_wait {
			budget.saturating_sub(T::PriceCheckShare::get() * budget)
		} else {
			budget
		};
		let mut schedule_left = Self::run_schedule(now, &mut meter, schedule_cap, &mut stats);
		let price_checks_left =
			price_checks_wait && Self::check_marked_collections(now, &mut meter, &mut stats);
		if schedule_left && !price_checks_left {
			// The price checks are done: the rest of the budget is the schedule's again.
			schedule_left = Self::run_schedule(now, &mut meter, budget, &mut stats);
		}
		if schedule_left || price_checks_left {
			Self::deposit_event(Event::SweepIncomplete {
				liquidated: stats.liquidated,
				settled: stats.settled,
				checked: stats.checked,
			});
		}
		(meter.consumed(), stats)
	}

	/// A loan check, whatever it finds: filed again (`sweep_check`) or liquidated
	/// (`sweep_liquidate`). Reserved before the loan is read.
	pub(crate) fn check_unit() -> Weight {
		T::WeightInfo::sweep_check().max(T::WeightInfo::sweep_liquidate())
	}

	/// Settling an ended auction, with a winner (`sweep_settle`) or without (`sweep_default`).
	pub(crate) fn settle_unit() -> Weight {
		T::WeightInfo::sweep_settle().max(T::WeightInfo::sweep_default())
	}

	/// The worst single unit of sweep work: taking a schedule entry and doing it, or one step of
	/// a price-fall walk and the check it leads to.
	pub(crate) fn worst_sweep_unit() -> Weight {
		let scheduled =
			T::WeightInfo::sweep_next().saturating_add(Self::check_unit().max(Self::settle_unit()));
		let walked = T::WeightInfo::sweep_price_step().saturating_add(Self::check_unit());
		scheduled.max(walked)
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
		// While price-fall checks wait, each side of the split still makes progress every block.
		let reserved = T::PriceCheckShare::get() * budget;
		let scheduled =
			T::WeightInfo::sweep_next().saturating_add(Self::check_unit().max(Self::settle_unit()));
		assert!(
			T::WeightInfo::sweep_base()
				.saturating_add(scheduled)
				.all_lte(budget.saturating_sub(reserved)),
			"the schedule's share of the budget must fit the base plus one scheduled unit"
		);
		assert!(
			T::WeightInfo::sweep_price_step().saturating_add(Self::check_unit()).all_lte(reserved),
			"PriceCheckShare of the budget must fit one step of a price-fall walk and its check"
		);
		assert!(T::MaxRecheckInterval::get() > 0, "MaxRecheckInterval must be at least one block");
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

	/// Do the scheduled work due by `now`, first key first, while the meter's consumption stays
	/// within `cap`. Returns `true` when the budget (or the cap) ran out first (the rest stays
	/// scheduled, and `NextWake` stays at or before `now`).
	pub(crate) fn run_schedule(
		now: BlockNumberFor<T>,
		meter: &mut WeightMeter,
		cap: Weight,
		stats: &mut SweepStats,
	) -> bool {
		match NextWake::<T>::get() {
			Some(wake) if wake <= now => {}
			_ => return false,
		}
		let within_cap = |meter: &WeightMeter, more: Weight| {
			meter.consumed().saturating_add(more).all_lte(cap) && meter.can_consume(more)
		};
		loop {
			if !within_cap(meter, T::WeightInfo::sweep_next()) {
				return true;
			}
			meter.consume(T::WeightInfo::sweep_next());
			stats.taken += 1;
			let Some(key) = Schedule::<T>::iter_keys().next() else {
				NextWake::<T>::kill();
				return false;
			};
			if key.at() > blocks(now) {
				NextWake::<T>::put(block_number::<T>(key.at()));
				return false;
			}
			let unit = match key.task {
				SweepTask::SettleAuction => Self::settle_unit(),
				SweepTask::CheckLoan => Self::check_unit(),
			};
			if !within_cap(meter, unit) {
				return true;
			}
			match key.task {
				SweepTask::SettleAuction => Self::settle_scheduled(key.loan, now, meter, stats),
				SweepTask::CheckLoan => {
					Self::check_health(key.loan, now, CheckKind::Scheduled, meter, stats);
				}
			}
		}
	}

	/// Settle an auction whose end came (its entry is the schedule's first).
	pub(crate) fn settle_scheduled(
		loan: LoanId,
		now: BlockNumberFor<T>,
		meter: &mut WeightMeter,
		stats: &mut SweepStats,
	) {
		let Some(running) = Auctions::<T>::get(loan) else {
			// Not expected (an auction's entry leaves with it); drop the stray entry.
			meter.consume(T::WeightInfo::sweep_default());
			stats.charged_defaults += 1;
			Self::remove_stray_entries(loan);
			return;
		};
		if running.best_bid.is_some() {
			meter.consume(T::WeightInfo::sweep_settle());
			stats.charged_settlements += 1;
		} else {
			meter.consume(T::WeightInfo::sweep_default());
			stats.charged_defaults += 1;
		}
		Self::unschedule(running.settle_at, SweepTask::SettleAuction, loan);
		if Self::run_step(loan, || Self::settle_auction(loan, running.clone()).map(|_| true)) {
			stats.settled += 1;
		} else {
			// Retried next block (bids stay closed; anyone may also call `settle`).
			let retry = now.saturating_add(One::one());
			Self::schedule(retry, SweepTask::SettleAuction, loan);
			Auctions::<T>::insert(loan, AuctionOf::<T> { settle_at: retry, ..running });
		}
	}

	/// Check one active loan: start its auction when it is overdue or unhealthy, otherwise file
	/// its next check (`kind` says when). Returns `false` when the loan is not stored (an entry
	/// that should not exist: the call that closes a loan removes its entries).
	pub(crate) fn check_health(
		loan_id: LoanId,
		now: BlockNumberFor<T>,
		kind: CheckKind,
		meter: &mut WeightMeter,
		stats: &mut SweepStats,
	) -> bool {
		stats.checked += 1;
		let stored = Loans::<T>::get(loan_id);
		let open = stored.is_some();
		let loan = stored.filter(|l| l.state == LoanState::Active);
		let pool = loan.as_ref().and_then(|_| Self::pool_now(loan_id.pool));
		let (Some(mut loan), Some(pool)) = (loan, pool) else {
			meter.consume(T::WeightInfo::sweep_check());
			stats.charged_checks += 1;
			if kind == CheckKind::Scheduled {
				Self::remove_stray_entries(loan_id);
			}
			return open;
		};
		let value = Self::value_loan(&loan, &pool.ledger);
		let reason = if Self::is_overdue(&loan, now) {
			Some(LiquidationReason::Overdue)
		} else if value.liquidatable {
			Some(LiquidationReason::Unhealthy)
		} else {
			None
		};
		if let Some(reason) = reason {
			meter.consume(T::WeightInfo::sweep_liquidate());
			stats.charged_liquidations += 1;
			if Self::run_step(loan_id, || Self::start_auction(loan_id, reason)) {
				stats.liquidated += 1;
			} else {
				// Still active (the step failed): check it again next block.
				Self::reschedule_check(loan_id, &mut loan, now.saturating_add(One::one()));
				Loans::<T>::insert(loan_id, loan);
			}
			return true;
		}
		meter.consume(T::WeightInfo::sweep_check());
		stats.charged_checks += 1;
		let next = Self::next_check_at(&loan, &value, &pool, now);
		if kind == CheckKind::Scheduled || next < loan.next_check {
			Self::reschedule_check(loan_id, &mut loan, next);
			Loans::<T>::insert(loan_id, loan);
		}
		true
	}

	/// A fixed loan past its due block and grace period.
	fn is_overdue(loan: &LoanOf<T>, now: BlockNumberFor<T>) -> bool {
		matches!(loan.debt, LoanDebt::Fixed { overdue_at, .. } if now >= overdue_at)
	}

	/// When an active loan, measured now as `value`, must be checked next: before interest alone
	/// (at its fixed APR, or at the most its pool's curve can charge) could make it unhealthy,
	/// at its `overdue_at` at the latest, and never more than `MaxRecheckInterval` ahead.
	pub(crate) fn next_check_at(
		loan: &LoanOf<T>,
		value: &LoanValue,
		pool: &PoolOf<T>,
		now: BlockNumberFor<T>,
	) -> BlockNumberFor<T> {
		let apr = match &loan.debt {
			LoanDebt::Variable { .. } => rates::max_rate(pool.params.rate_model.curve()),
			LoanDebt::Fixed { apr, .. } => *apr,
		};
		let safe = valuation::blocks_while_healthy(
			value.valuation,
			loan.liquidation_threshold,
			value.debt,
			apr,
			T::BlocksPerYear::get() as u64,
		)
		.unwrap_or(u64::MAX);
		let interval = safe.min(T::MaxRecheckInterval::get() as u64).max(1);
		let mut at = blocks(now).saturating_add(interval);
		if let LoanDebt::Fixed { overdue_at, .. } = &loan.debt {
			at = at.min(blocks(*overdue_at));
		}
		block_number::<T>(at.max(blocks(now).saturating_add(1)))
	}

	/// Move an active loan's check to `at` (the caller stores the loan).
	pub(crate) fn reschedule_check(loan_id: LoanId, loan: &mut LoanOf<T>, at: BlockNumberFor<T>) {
		Self::unschedule(loan.next_check, SweepTask::CheckLoan, loan_id);
		Self::schedule(at, SweepTask::CheckLoan, loan_id);
		loan.next_check = at;
	}

	/// Add an entry to the schedule, waking the sweep at `at` if that is earlier.
	pub(crate) fn schedule(at: BlockNumberFor<T>, task: SweepTask, loan: LoanId) {
		Schedule::<T>::insert(ScheduleKey::new(blocks(at), task, loan), ());
		if NextWake::<T>::get().is_none_or(|wake| at < wake) {
			NextWake::<T>::put(at);
		}
	}

	/// Remove an entry from the schedule. `NextWake` may now be early; the sweep moves it on
	/// when it comes.
	pub(crate) fn unschedule(at: BlockNumberFor<T>, task: SweepTask, loan: LoanId) {
		Schedule::<T>::remove(ScheduleKey::new(blocks(at), task, loan));
	}

	/// The first entry (the one being handled) concerns a loan that is gone or not in the state
	/// the entry expects (not expected: closing a loan removes its entry); remove it so the
	/// schedule moves on.
	fn remove_stray_entries(loan: LoanId) {
		if let Some(key) = Schedule::<T>::iter_keys().next().filter(|key| key.loan == loan) {
			Schedule::<T>::remove(key);
		}
	}

	/// Walk the loans of collections whose price fell, a loan at a time from a cursor. Every step
	/// is charged `sweep_price_step` (taking the next collection off the queue, moving the cursor,
	/// reading the next pledge), the empty step that ends a collection included, plus the check it
	/// leads to. Returns `true` when the budget ran out with loans still to walk.
	pub(crate) fn check_marked_collections(
		now: BlockNumberFor<T>,
		meter: &mut WeightMeter,
		stats: &mut SweepStats,
	) -> bool {
		let step = T::WeightInfo::sweep_price_step();
		let unit = step.saturating_add(Self::check_unit());
		loop {
			if !meter.can_consume(unit) {
				return HealthCheckCursor::<T>::exists()
					|| !PendingHealthChecks::<T>::get().is_empty();
			}
			meter.consume(step);
			stats.walked += 1;
			let (collection, item, loan) = match Self::price_walk_step() {
				WalkStep::Done => return false,
				WalkStep::EndOfCollection => continue,
				WalkStep::Loan { collection, item, loan } => (collection, item, loan),
			};
			if !Self::check_health(loan, now, CheckKind::PriceChange, meter, stats) {
				// An entry naming no loan is not expected (closing a loan removes it): drop it
				// so the NFT is not held pledged.
				LoanOfNft::<T>::remove(collection, item);
			}
		}
	}

	/// One step of a price-fall walk (priced by `sweep_price_step`): the next pledge of the
	/// collection being walked, with the cursor moved onto it, taking the next collection off
	/// the queue when none is being walked.
	pub(crate) fn price_walk_step() -> WalkStep<T> {
		let (collection, last) = match HealthCheckCursor::<T>::get() {
			Some(cursor) => cursor,
			None => {
				let mut pending = PendingHealthChecks::<T>::get();
				if pending.is_empty() {
					return WalkStep::Done;
				}
				let next = pending.remove(0);
				PendingHealthChecks::<T>::put(pending);
				(next, None)
			}
		};
		// A collection's pledged NFTs, in key order from the cursor. Loans already in auction or
		// defaulted are among them; `check_health` skips those.
		let next = match last {
			None => LoanOfNft::<T>::iter_prefix(collection).next(),
			Some(last) => LoanOfNft::<T>::iter_prefix_from(
				collection,
				LoanOfNft::<T>::hashed_key_for(collection, last),
			)
			.next(),
		};
		let Some((item, loan)) = next else {
			HealthCheckCursor::<T>::kill();
			return WalkStep::EndOfCollection;
		};
		HealthCheckCursor::<T>::put((collection, Some(item)));
		WalkStep::Loan { collection, item, loan }
	}

	/// The oracle's hook: `collection`'s health price fell, so check its loans' health soon. (A
	/// rise makes no loan less healthy: it queues nothing.)
	pub fn note_price_fall(collection: T::CollectionId) {
		if LoanOfNft::<T>::iter_key_prefix(collection).next().is_none() {
			return;
		}
		Self::queue_health_check(collection);
	}

	/// Queue a pass over `collection`'s loans. A collection already waiting is not queued twice;
	/// one being walked right now is queued again, so it gets a full pass at the new numbers.
	/// When the queue is full, the loans' scheduled checks still come.
	pub(crate) fn queue_health_check(collection: T::CollectionId) {
		PendingHealthChecks::<T>::mutate(|pending| {
			if pending.contains(&collection) {
				return;
			}
			if pending.try_push(collection).is_err() {
				Self::deposit_event(Event::HealthCheckQueueFull { collection });
			}
		});
	}
}

/// A block number from the schedule's `u64`.
fn block_number<T: Config>(at: u64) -> BlockNumberFor<T> {
	at.saturated_into()
}
