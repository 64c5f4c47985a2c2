//! The per-block sweep: overdue and unhealthy loans go to auction at the right block, within the
//! weight budget, none lost and none twice.

use super::*;
use crate::{weights::WeightInfo, Event};
use frame_support::{assert_ok, traits::Hooks};

fn in_auction(loan: LoanId) -> bool {
	Loans::<Test>::get(loan).map(|l| l.state == LoanState::InAuction).unwrap_or(false)
}

#[test]
fn an_overdue_fixed_loan_goes_to_auction_exactly_after_its_grace_period() {
	new_test_ext().execute_with(|| {
		let pool = fixed_pool(&[KITTIES], 10_000 * UNIT);
		nft(KITTIES, 0, &alice());
		set_price(KITTIES, 1_000 * UNIT, 1_000 * UNIT);
		let loan = borrow(&alice(), pool, KITTIES, 0, 100 * UNIT, Some(7 * DAY));
		let due = 1 + 7 * DAY;
		let grace = 24 * HOUR;
		// Keep the price fresh; the loan stays healthy.
		run_to_block(due + grace);
		assert!(!in_auction(loan), "not one block early");
		run_to_block(due + grace + 1);
		assert!(in_auction(loan));
		let events = lending_events();
		assert!(events
			.iter()
			.any(|e| matches!(e, Event::LoanOverdue { loan: l, .. } if *l == loan)));
		assert!(events
			.iter()
			.any(|e| matches!(e, Event::AuctionStarted { loan: l, .. } if *l == loan)));
		// Its check left the schedule; its auction's end took its place.
		let entries: Vec<_> = Schedule::<Test>::iter_keys().collect();
		assert_eq!(
			entries,
			vec![ScheduleKey::new(due + grace + 1 + 24 * HOUR, SweepTask::SettleAuction, loan)]
		);
	});
}

#[test]
fn a_borrower_can_still_repay_in_the_last_block_of_the_grace_period() {
	new_test_ext().execute_with(|| {
		let pool = fixed_pool(&[KITTIES], 10_000 * UNIT);
		nft(KITTIES, 0, &alice());
		set_price(KITTIES, 1_000 * UNIT, 1_000 * UNIT);
		let loan = borrow(&alice(), pool, KITTIES, 0, 100 * UNIT, Some(7 * DAY));
		run_to_block(1 + 7 * DAY + 24 * HOUR);
		assert_ok!(NftLending::repay(RuntimeOrigin::signed(alice()), loan, 1_000 * UNIT));
		run_to_block(2 + 7 * DAY + 24 * HOUR);
		assert!(Loans::<Test>::get(loan).is_none());
	});
}

#[test]
fn a_price_drop_makes_a_variable_loan_unhealthy_and_starts_an_auction() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 10_000 * UNIT);
		nft(PUNKS, 0, &alice());
		set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
		let loan = borrow(&alice(), pool, PUNKS, 0, 400 * UNIT, None);
		run_to_block(5);
		assert!(!in_auction(loan));
		// 70% of 560 = 392 < 400.
		set_price(PUNKS, 560 * UNIT, 560 * UNIT);
		assert_eq!(PendingHealthChecks::<Test>::get().to_vec(), vec![PUNKS]);
		run_to_block(6);
		assert!(in_auction(loan));
		assert!(lending_events()
			.iter()
			.any(|e| matches!(e, Event::LoanUnhealthy { loan: l, .. } if *l == loan)));
	});
}

#[test]
fn a_loan_at_health_factor_one_exactly_is_left_alone() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 10_000 * UNIT);
		nft(PUNKS, 0, &alice());
		nft(PUNKS, 1, &bob());
		set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
		let exact = borrow(&alice(), pool, PUNKS, 0, 350 * UNIT, None);
		let over = borrow(&bob(), pool, PUNKS, 1, 350 * UNIT + 7, None);
		// 70% of 500 is exactly 350: HF = 1 for the first loan. Sweep in the same block, so
		// no interest has accrued.
		set_price(PUNKS, 500 * UNIT, 500 * UNIT);
		NftLending::on_initialize(1);
		assert!(!in_auction(exact));
		assert!(in_auction(over));
		check();
	});
}

#[test]
fn interest_alone_eventually_makes_a_loan_unhealthy_at_a_scheduled_check() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 1_000 * UNIT);
		nft(PUNKS, 0, &alice());
		set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
		// 400 of 1000 lent: HF = 700 / 400 = 1.75 and the price never changes, so no health
		// check is queued. Years of interest later the debt passes 700.
		let loan = borrow(&alice(), pool, PUNKS, 0, 400 * UNIT, None);
		assert!(PendingHealthChecks::<Test>::get().is_empty());
		let later = 12 * BLOCKS_PER_YEAR as u64;
		// Jump there without running the blocks in between: the schedule catches up.
		System::set_block_number(later);
		assert!(debt_of(loan) > 700 * UNIT);
		NftLending::on_initialize(later);
		assert!(in_auction(loan));
		check();
	});
}

/// Step a loan through its scheduled checks, asserting before each that it was still healthy
/// the block before (so an auction starts in the first block the loan is unhealthy). Returns
/// the checks' blocks.
fn follow_checks(loan: LoanId, threshold_value: Balance, limit: usize) -> Vec<u64> {
	let mut checks = Vec::new();
	while !in_auction(loan) {
		let at = Loans::<Test>::get(loan).unwrap().next_check;
		let now = System::block_number();
		assert!(at > now && at - now <= 600, "checked within MaxRecheckInterval: {now} -> {at}");
		System::set_block_number(at - 1);
		assert!(
			debt_of(loan) <= threshold_value,
			"unhealthy at {} before its check at {at}",
			at - 1
		);
		System::set_block_number(at);
		NftLending::on_initialize(at);
		check();
		checks.push(at);
		assert!(checks.len() < limit, "the loan keeps being checked");
	}
	checks
}

#[test]
fn a_loan_drifting_towards_its_threshold_is_checked_more_often_and_auctioned_on_time() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 1_000 * UNIT);
		nft(PUNKS, 0, &alice());
		set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
		let loan = borrow(&alice(), pool, PUNKS, 0, 400 * UNIT, None);
		// The price falls so the loan sits just above HF 1: 70% of 572 = 400.4.
		set_price(PUNKS, 572 * UNIT, 572 * UNIT);
		run_to_block(2);
		assert!(!in_auction(loan));
		assert!(lending_events().iter().all(|e| !matches!(e, Event::LoanUnhealthy { .. })));
		let checks = follow_checks(loan, 400_400 * UNIT / 1_000, 10_000);
		// Checks come closer together as the headroom shrinks.
		let gaps: Vec<u64> = checks.windows(2).map(|w| w[1] - w[0]).collect();
		assert!(gaps.first() > gaps.last(), "gaps {:?}..{:?}", gaps.first(), gaps.last());
		assert!(lending_events()
			.iter()
			.any(|e| matches!(e, Event::LoanUnhealthy { loan: l, .. } if *l == loan)));
	});
}

#[test]
fn a_healthy_loan_is_still_looked_at_every_recheck_interval() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 1_000 * UNIT);
		nft(PUNKS, 0, &alice());
		set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
		let loan = borrow(&alice(), pool, PUNKS, 0, 50 * UNIT, None);
		assert_eq!(Loans::<Test>::get(loan).unwrap().next_check, 1 + 600);
		run_to_block(1 + 600);
		assert_eq!(Loans::<Test>::get(loan).unwrap().next_check, 1 + 1_200);
		assert_eq!(NextWake::<Test>::get(), Some(1 + 1_200));
	});
}

#[test]
fn raising_a_pools_top_rate_queues_its_collections_for_a_health_check() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS, KITTIES], 1_000 * UNIT);
		nft(PUNKS, 0, &alice());
		set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
		set_price(KITTIES, 1_000 * UNIT, 1_000 * UNIT);
		borrow(&alice(), pool, PUNKS, 0, 400 * UNIT, None);
		PendingHealthChecks::<Test>::kill();
		let mut params = variable_params();
		assert_ok!(NftLending::set_pool_params(RuntimeOrigin::root(), pool, params.clone()));
		assert!(PendingHealthChecks::<Test>::get().is_empty(), "same curve: nothing to do");
		if let RateModel::Variable { curve } = &mut params.rate_model {
			curve.slope1 = Perbill::from_percent(20);
		}
		assert_ok!(NftLending::set_pool_params(RuntimeOrigin::root(), pool, params));
		let mut queued = PendingHealthChecks::<Test>::get().to_vec();
		queued.sort();
		let mut expected = vec![PUNKS, KITTIES];
		expected.sort();
		assert_eq!(queued, expected);
	});
}

#[test]
fn repaying_a_loan_removes_its_check_and_its_pledge_at_once() {
	new_test_ext().execute_with(|| {
		let pool = fixed_pool(&[KITTIES], 10_000 * UNIT);
		nft(KITTIES, 0, &alice());
		set_price(KITTIES, 1_000 * UNIT, 1_000 * UNIT);
		let loan = borrow(&alice(), pool, KITTIES, 0, 100 * UNIT, Some(7 * DAY));
		assert_eq!(Schedule::<Test>::iter_keys().count(), 1);
		assert_eq!(LoanOfNft::<Test>::get(KITTIES, 0), Some(loan));
		assert_ok!(NftLending::repay(RuntimeOrigin::signed(alice()), loan, 1_000 * UNIT));
		// The closing call cleans up after itself: nothing is left for the sweep.
		assert_eq!(Schedule::<Test>::iter_keys().count(), 0);
		assert_eq!(LoanOfNft::<Test>::get(KITTIES, 0), None);
		check();
		// The sweep wakes at the old `NextWake`, finds nothing and goes back to sleep.
		frame_system::Pallet::<Test>::reset_events();
		run_to_block(<MaxRecheckIntervalOf as frame_support::traits::Get<u32>>::get() as u64 + 2);
		assert_eq!(NextWake::<Test>::get(), None);
		assert!(lending_events().is_empty());
		check();
	});
}

/// The mock's `MaxRecheckInterval`.
type MaxRecheckIntervalOf = <Test as crate::Config>::MaxRecheckInterval;

#[test]
fn a_price_fall_pass_walks_only_open_loans() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 100_000 * UNIT);
		set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
		let loans: Vec<_> = (0..6)
			.map(|item| {
				nft(PUNKS, item, &alice());
				borrow(&alice(), pool, PUNKS, item, 300 * UNIT, None)
			})
			.collect();
		// Every other loan is repaid: its pledge goes with it.
		for loan in loans.iter().step_by(2) {
			assert_ok!(NftLending::repay(RuntimeOrigin::signed(alice()), *loan, 10_000 * UNIT));
		}
		assert_eq!(LoanOfNft::<Test>::iter_prefix(PUNKS).count(), 3);
		// The price falls to 400: 300 owed against 400 * 70% = 280, the open loans are unhealthy.
		set_price(PUNKS, 400 * UNIT, 400 * UNIT);
		run_to_block(frame_system::Pallet::<Test>::block_number() + 1);
		for (i, loan) in loans.iter().enumerate() {
			if i % 2 == 0 {
				assert!(Loans::<Test>::get(loan).is_none());
			} else {
				assert!(in_auction(*loan), "loan {loan} was not liquidated");
			}
		}
		let mut left: Vec<_> = LoanOfNft::<Test>::iter_prefix(PUNKS).map(|(_, l)| l).collect();
		left.sort();
		assert_eq!(left, vec![loans[1], loans[3], loans[5]]);
		check();
	});
}

#[test]
fn ten_thousand_open_loans_and_none_due_cost_the_same_sweep_as_ten() {
	fn idle_sweep_weight(open: u32) -> frame_support::weights::Weight {
		let mut weight = Default::default();
		new_test_ext().execute_with(|| {
			let pool = variable_pool(&[PUNKS], 5_000_000 * UNIT);
			let params = CollectionParams { max_loans: 20_000, ..collection_params() };
			assert_ok!(NftLending::update_collection(RuntimeOrigin::root(), pool, PUNKS, params));
			set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
			for item in 0..open {
				let owner = account(1 + (item % 8) as u8);
				nft(PUNKS, item, &owner);
				borrow(&owner, pool, PUNKS, item, 50 * UNIT, None);
			}
			PendingHealthChecks::<Test>::kill();
			System::set_block_number(2);
			weight = NftLending::on_initialize(2);
		});
		weight
	}
	let few = idle_sweep_weight(10);
	let many = idle_sweep_weight(10_000);
	assert_eq!(few, many, "the idle sweep does not grow with the number of loans");
	// Nothing is due at block 2: the sweep reads `NextWake` and the queue, and stops.
	assert_eq!(few, <() as WeightInfo>::sweep_base());
}

#[test]
fn five_hundred_loans_due_in_one_block_are_processed_over_several_blocks_none_lost_none_twice() {
	new_test_ext().execute_with(|| {
		let pool = fixed_pool(&[KITTIES], 5_000_000 * UNIT);
		set_price(KITTIES, 1_000 * UNIT, 1_000 * UNIT);
		let mut loans = Vec::new();
		for item in 0..500u32 {
			let owner = account(1 + (item % 4) as u8);
			nft(KITTIES, item, &owner);
			loans.push(borrow(&owner, pool, KITTIES, item, 50 * UNIT, Some(7 * DAY)));
		}
		let overdue_at = 1 + 7 * DAY + 24 * HOUR + 1;
		// Jump to the block before; the sweep catches up on the checks in between, which file
		// every loan at its overdue block.
		System::set_block_number(overdue_at - 20);
		while NextWake::<Test>::get().unwrap() < overdue_at {
			run_to_block(System::block_number() + 1);
			assert!(System::block_number() < overdue_at, "caught up before the due block");
		}
		let due: Vec<_> = Schedule::<Test>::iter_keys().filter(|k| k.at() == overdue_at).collect();
		assert_eq!(due.len(), 500);
		assert!(loans.iter().all(|l| !in_auction(*l)));
		System::set_block_number(overdue_at - 1);
		let mut blocks = 0;
		while loans.iter().any(|l| !in_auction(*l)) {
			run_to_block(System::block_number() + 1);
			blocks += 1;
			assert!(blocks < 20, "the sweep keeps making progress");
		}
		assert!(blocks > 1, "the budget spreads the work over several blocks");
		let started =
			lending_events().iter().filter(|e| matches!(e, Event::AuctionStarted { .. })).count();
		assert_eq!(started, 500, "each loan is auctioned exactly once");
		assert!(lending_events().iter().any(|e| matches!(e, Event::SweepIncomplete { .. })));
		assert_eq!(Auctions::<Test>::iter().count(), 500);
		check();
	});
}

#[test]
fn a_price_drop_over_more_loans_than_a_block_checks_walks_the_collection_over_several_blocks() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS, KITTIES], 5_000_000 * UNIT);
		set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
		set_price(KITTIES, 1_000 * UNIT, 1_000 * UNIT);
		// Even items borrow 400 (unhealthy below 572), odd ones 100 (healthy down to 143).
		let mut loans = Vec::new();
		for item in 0..600u32 {
			let owner = account(1 + (item % 4) as u8);
			nft(PUNKS, item, &owner);
			let amount = if item % 2 == 0 { 400 } else { 100 } * UNIT;
			loans.push((item, borrow(&owner, pool, PUNKS, item, amount, None)));
		}
		nft(KITTIES, 0, &alice());
		let kitty = borrow(&alice(), pool, KITTIES, 0, 400 * UNIT, None);
		run_to_block(2);
		set_price(PUNKS, 500 * UNIT, 500 * UNIT);
		let mut blocks = 0;
		while !PendingHealthChecks::<Test>::get().is_empty() || HealthCheckCursor::<Test>::exists()
		{
			run_to_block(System::block_number() + 1);
			blocks += 1;
			assert!(blocks < 20, "the pass keeps making progress");
			check();
		}
		assert!(blocks > 1, "the pass was spread over several blocks");
		for (item, loan) in &loans {
			assert_eq!(in_auction(*loan), item % 2 == 0, "item {item}");
		}
		let started =
			lending_events().iter().filter(|e| matches!(e, Event::AuctionStarted { .. })).count();
		assert_eq!(started, 300, "each unhealthy loan is auctioned exactly once");
		assert!(!in_auction(kitty), "another collection's loans are not touched");
	});
}

#[test]
fn the_sweep_never_exceeds_its_budget() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 5_000_000 * UNIT);
		set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
		for item in 0..300u32 {
			let owner = account(1 + (item % 4) as u8);
			nft(PUNKS, item, &owner);
			borrow(&owner, pool, PUNKS, item, 400 * UNIT, None);
		}
		set_price(PUNKS, 100 * UNIT, 100 * UNIT);
		for n in 2..10 {
			System::set_block_number(n);
			let used = NftLending::on_initialize(n);
			assert!(used.all_lte(SweepBudget::get()), "block {n}: {used:?}");
		}
		check();
	});
}

#[test]
fn the_budget_fits_in_ten_percent_of_a_block() {
	new_test_ext().execute_with(|| {
		NftLending::integrity_test();
	});
}

/// The weight the sweep charges in its worst state, against what the benchmarks measured for
/// that very sweep (`sweep_full`, from the same weight file): never below it, and at most 10%
/// above. Every step the sweep takes is charged at its unit's benchmarked worst case, so an
/// uncharged step, or a unit benchmarked short of its worst case, shows here.
#[cfg(feature = "runtime-benchmarks")]
#[test]
fn the_sweep_charges_at_least_what_its_worst_state_costs_and_at_most_ten_percent_more() {
	new_test_ext().execute_with(|| {
		let now = crate::benchmarking::worst_sweep_state::<Test>();
		let (charged, stats) = NftLending::sweep_with_stats(now);
		let units = crate::benchmarking::FULL_SWEEP_UNITS;
		assert_eq!((stats.liquidated, stats.settled, stats.checked), (2 * units, 2 * units, 3 * units));
		let measured = <() as WeightInfo>::sweep_full();
		let ratio = charged.ref_time() as f64 / measured.ref_time() as f64;
		println!("worst-state sweep: charged {charged:?}, measured {measured:?}, ratio {ratio:.3}, {stats:?}");
		assert!(ratio >= 1.0, "the sweep charged less than its work costs: {ratio}");
		assert!(ratio <= 1.1, "the sweep charged more than 10% over its work: {ratio}");
		check();
	});
}

#[test]
fn every_step_of_a_price_fall_walk_is_charged_even_the_empty_ones() {
	new_test_ext().execute_with(|| {
		// A collection queued with no loans: one step finds it empty, one finds the queue empty.
		ensure_collection(KITTIES);
		NftLending::queue_health_check(KITTIES);
		let (charged, stats) = NftLending::sweep_with_stats(2);
		assert_eq!(stats.walked, 2);
		let expected = <() as WeightInfo>::sweep_base()
			.saturating_add(<() as WeightInfo>::sweep_price_step().saturating_mul(2));
		assert_eq!(charged, expected);
	});
}
