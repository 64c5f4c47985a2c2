//! SPEC section 11, pool economics (A5-A12): each attack as an attacker would run it with
//! ordinary calls (a `utility.batch_all` is [`batch_all`]), the figure it gets printed (run with
//! `--nocapture`), and the guarantee asserted. `docs/reliability.md` lists what each attack got
//! on the code before the fixes.

use super::*;
use crate::{Error, Event};
use frame_support::traits::Get;
use frame_support::{
	assert_ok,
	storage::{with_transaction, TransactionOutcome},
};
use sp_runtime::{DispatchError, DispatchResult};

/// Runs `calls` as `utility.batch_all` would: all or nothing.
fn batch_all(calls: impl FnOnce() -> DispatchResult) -> DispatchResult {
	with_transaction(|| match calls() {
		Ok(()) => TransactionOutcome::Commit(Ok(())),
		Err(e) => TransactionOutcome::Rollback(Err(e)),
	})
}

/// What `f` would do, undone.
fn dry_run<R>(f: impl FnOnce() -> R) -> R {
	with_transaction(|| TransactionOutcome::Rollback(Ok::<_, DispatchError>(f()))).unwrap()
}

fn apr_of(loan: LoanId) -> f64 {
	let info = NftLending::loan_info(loan).expect("loan");
	info.apr.map(|a| a.into_inner() as f64 / 1e16).unwrap_or(0.0)
}

fn units(x: Balance) -> f64 {
	x as f64 / UNIT as f64
}

/// Debt 8,500 and cash 1,500 in a fixed pool, for the last two hours. Bob holds a kitty that
/// could borrow 1,200.
fn pool_at_85_percent() -> PoolId {
	let pool = fixed_pool(&[PUNKS, KITTIES], 10_000 * UNIT);
	nft(PUNKS, 0, &alice());
	nft(KITTIES, 1, &bob());
	set_price(PUNKS, 30_000 * UNIT, 30_000 * UNIT);
	set_price(KITTIES, 3_000 * UNIT, 3_000 * UNIT);
	borrow(&alice(), pool, PUNKS, 0, 8_500 * UNIT, Some(90 * DAY));
	run_to_block(2 * HOUR);
	pool
}

fn attack_batch(pool: PoolId, amount: Balance) -> DispatchResult {
	batch_all(|| {
		NftLending::deposit(RuntimeOrigin::signed(bob()), pool, 90_000 * UNIT)?;
		NftLending::borrow(RuntimeOrigin::signed(bob()), pool, KITTIES, 1, amount, Some(90 * DAY))?;
		let shares = Shares::<Test>::get(pool, bob());
		NftLending::withdraw(RuntimeOrigin::signed(bob()), pool, shares)
	})
}

#[test]
fn attack_a5_deposit_fixed_borrow_withdraw_in_one_batch() {
	new_test_ext().execute_with(|| {
		let pool = pool_at_85_percent();
		// Honestly, a 1,000 borrow is refused: 95% utilization.
		let honest = dry_run(|| {
			NftLending::borrow(
				RuntimeOrigin::signed(bob()),
				pool,
				KITTIES,
				1,
				1_000 * UNIT,
				Some(90 * DAY),
			)
		});
		assert_eq!(honest, Err(Error::<Test>::UtilizationTooHigh.into()));
		let result = attack_batch(pool, 1_000 * UNIT);
		let loan = LoanId::new(pool, 1);
		println!(
			"A5 batch borrow of 1,000: {:?}; APR {:.2}%; pool utilization after {:?}, cash {}",
			result,
			if result.is_ok() { apr_of(loan) } else { 0.0 },
			info(pool).utilization,
			units(info(pool).cash)
		);
		assert_eq!(result, Err(Error::<Test>::UtilizationTooHigh.into()));
		check();
	});
}

#[test]
fn attack_a5_a_batch_cannot_lower_a_locked_rate() {
	new_test_ext().execute_with(|| {
		let pool = pool_at_85_percent();
		let honest_apr = dry_run(|| {
			let loan = borrow(&bob(), pool, KITTIES, 1, 400 * UNIT, Some(90 * DAY));
			apr_of(loan)
		});
		assert_ok!(attack_batch(pool, 400 * UNIT));
		let attacked = apr_of(LoanId::new(pool, 1));
		println!("A5 batch borrow of 400: honest APR {honest_apr:.2}%, batch APR {attacked:.2}%");
		assert!(attacked >= honest_apr - 0.01, "{attacked} < {honest_apr}");
		check();
	});
}

#[test]
fn attack_a6_extend_in_a_nearly_empty_pool() {
	new_test_ext().execute_with(|| {
		let pool = fixed_pool(&[PUNKS], 10_000 * UNIT);
		nft(PUNKS, 0, &alice());
		set_price(PUNKS, 30_000 * UNIT, 30_000 * UNIT);
		let loan = borrow(&alice(), pool, PUNKS, 0, 8_999 * UNIT, Some(7 * DAY));
		let borrowed_at = apr_of(loan);
		run_to_block(3 * DAY);
		set_price(PUNKS, 30_000 * UNIT, 30_000 * UNIT);
		assert_ok!(NftLending::extend(RuntimeOrigin::signed(alice()), loan));
		let extended = apr_of(loan);
		println!("A6 a new 8,999 borrow locks {borrowed_at:.2}%; extend locked {extended:.2}%");
		assert!(extended >= borrowed_at - 0.5, "{extended} < {borrowed_at}");
		check();
	});
}

/// A fixed pool that sat at 50% for two hours (debt 5,000 of 10,000), then a lender took 3,500
/// out: 76.9% now, the window's average still about 50%. Bob holds a kitty that could borrow
/// 1,200; Alice's punk loan runs 7 days. Returns (pool, Alice's loan).
fn pool_just_drained() -> (PoolId, LoanId) {
	let pool = fixed_pool(&[PUNKS, KITTIES], 10_000 * UNIT);
	nft(PUNKS, 0, &alice());
	nft(KITTIES, 1, &bob());
	set_price(PUNKS, 30_000 * UNIT, 30_000 * UNIT);
	set_price(KITTIES, 3_000 * UNIT, 3_000 * UNIT);
	let loan = borrow(&alice(), pool, PUNKS, 0, 5_000 * UNIT, Some(7 * DAY));
	run_to_block(2 * HOUR);
	let shares = Shares::<Test>::get(pool, eve());
	assert_ok!(NftLending::withdraw(RuntimeOrigin::signed(eve()), pool, shares * 35 / 100));
	(pool, loan)
}

#[test]
fn attack_a5_a_batch_right_after_a_withdrawal_cannot_borrow_past_the_stop() {
	new_test_ext().execute_with(|| {
		let (pool, _) = pool_just_drained();
		// Honestly, a 1,000 borrow is refused: 92% utilization.
		let honest = dry_run(|| {
			NftLending::borrow(
				RuntimeOrigin::signed(bob()),
				pool,
				KITTIES,
				1,
				1_000 * UNIT,
				Some(90 * DAY),
			)
		});
		assert_eq!(honest, Err(Error::<Test>::UtilizationTooHigh.into()));
		let result = attack_batch(pool, 1_000 * UNIT);
		println!(
			"A5 batch borrow of 1,000 right after a withdrawal: {:?}; pool utilization after {:?}",
			result,
			info(pool).utilization
		);
		assert_eq!(result, Err(Error::<Test>::UtilizationTooHigh.into()));
		check();
	});
}

#[test]
fn attack_a5_a_batch_right_after_a_withdrawal_locks_the_rate_a_borrow_alone_gets() {
	new_test_ext().execute_with(|| {
		let (pool, _) = pool_just_drained();
		let honest_apr = dry_run(|| {
			let loan = borrow(&bob(), pool, KITTIES, 1, 400 * UNIT, Some(90 * DAY));
			apr_of(loan)
		});
		let result = attack_batch(pool, 400 * UNIT);
		let attacked = if result.is_ok() { apr_of(LoanId::new(pool, 1)) } else { 0.0 };
		println!(
			"A5 batch borrow of 400 right after a withdrawal: {result:?}; honest APR \
			 {honest_apr:.2}%, batch APR {attacked:.2}%"
		);
		assert_ok!(result);
		assert_eq!(attacked, honest_apr);
		check();
	});
}

#[test]
fn attack_a6_deposit_extend_withdraw_right_after_a_withdrawal() {
	new_test_ext().execute_with(|| {
		let (pool, loan) = pool_just_drained();
		let honest_apr = dry_run(|| {
			assert_ok!(NftLending::extend(RuntimeOrigin::signed(alice()), loan));
			apr_of(loan)
		});
		assert_ok!(batch_all(|| {
			NftLending::deposit(RuntimeOrigin::signed(alice()), pool, 90_000 * UNIT)?;
			NftLending::extend(RuntimeOrigin::signed(alice()), loan)?;
			let shares = Shares::<Test>::get(pool, alice());
			NftLending::withdraw(RuntimeOrigin::signed(alice()), pool, shares)
		}));
		let attacked = apr_of(loan);
		println!(
			"A6 extend right after a withdrawal: alone {honest_apr:.2}%, inside a deposit and \
			 withdrawal {attacked:.2}%"
		);
		assert_eq!(attacked, honest_apr);
		check();
	});
}

#[test]
fn attack_a5_repay_borrow_reborrow_in_one_batch() {
	new_test_ext().execute_with(|| {
		// Bob's punk loan of 8,500 holds the pool at 85%; in one batch he repays it, borrows on
		// his kitty at what would be 4% utilization, and borrows on the punk again. The averages
		// still count the repaid loan, so the last borrow finds the pool full.
		let pool = fixed_pool(&[PUNKS, KITTIES], 10_000 * UNIT);
		nft(PUNKS, 0, &bob());
		nft(KITTIES, 1, &bob());
		set_price(PUNKS, 30_000 * UNIT, 30_000 * UNIT);
		set_price(KITTIES, 3_000 * UNIT, 3_000 * UNIT);
		let first = borrow(&bob(), pool, PUNKS, 0, 8_500 * UNIT, Some(7 * DAY));
		run_to_block(2 * HOUR);
		set_price(PUNKS, 30_000 * UNIT, 30_000 * UNIT);
		set_price(KITTIES, 3_000 * UNIT, 3_000 * UNIT);
		let honest_apr = dry_run(|| {
			let loan = borrow(&bob(), pool, KITTIES, 1, 400 * UNIT, Some(90 * DAY));
			apr_of(loan)
		});
		let debt = NftLending::loan_info(first).unwrap().debt;
		let kitty_loan = LoanId::new(pool, 1);
		let result = batch_all(|| {
			NftLending::repay(RuntimeOrigin::signed(bob()), first, debt)?;
			NftLending::borrow(
				RuntimeOrigin::signed(bob()),
				pool,
				KITTIES,
				1,
				400 * UNIT,
				Some(90 * DAY),
			)?;
			NftLending::borrow(
				RuntimeOrigin::signed(bob()),
				pool,
				PUNKS,
				0,
				8_500 * UNIT,
				Some(7 * DAY),
			)
		});
		let attacked = if result.is_ok() { apr_of(kitty_loan) } else { 0.0 };
		println!(
			"A5 repay 8,500, borrow 400, borrow 8,500 again in one batch: {result:?}; honest \
			 APR {honest_apr:.2}%, batch APR {attacked:.2}%"
		);
		assert!(result.is_err() || attacked == honest_apr, "{attacked} < {honest_apr}");
		check();
	});
}

/// A loan of 400 on a punk that crashed to 300 went through an auction with no bid: its NFT is
/// for sale. Returns (pool, loan).
fn defaulted_loan(pool: PoolId) -> LoanId {
	nft(PUNKS, 0, &alice());
	set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
	let loan = borrow(&alice(), pool, PUNKS, 0, 400 * UNIT, None);
	run_to_block(10);
	set_price(PUNKS, 300 * UNIT, 300 * UNIT);
	run_to_block(11);
	let ends = Auctions::<Test>::get(loan).expect("auction").ends_at;
	run_to_block(ends + 1);
	assert!(matches!(Loans::<Test>::get(loan).unwrap().state, LoanState::Defaulted { .. }));
	loan
}

#[test]
fn attack_a7_deposit_buy_defaulted_withdraw_in_one_batch() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 100_000 * UNIT);
		let loan = defaulted_loan(pool);
		let price = NftLending::defaulted_price(&Loans::<Test>::get(loan).unwrap().state);
		let before = balance(&bob());
		assert_ok!(batch_all(|| {
			NftLending::deposit(RuntimeOrigin::signed(bob()), pool, 900_000 * UNIT)?;
			NftLending::buy_defaulted(RuntimeOrigin::signed(bob()), loan, price)?;
			let shares = Shares::<Test>::get(pool, bob());
			NftLending::withdraw(RuntimeOrigin::signed(bob()), pool, shares)
		}));
		// Bob paid `price` for the NFT; what else he got back is his take of the recovery.
		let gain = (balance(&bob()) + price).saturating_sub(before);
		println!(
			"A7 recovery {} NFTL; the batch depositor took {} NFTL of it ({:.1}%)",
			units(price),
			units(gain),
			gain as f64 * 100.0 / price as f64
		);
		assert!(gain <= UNIT / 1_000, "the depositor took {gain} of the recovery");
		check();
	});
}

#[test]
fn attack_a8_withdraw_as_a_loan_with_a_shortfall_enters_auction() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 0);
		assert_ok!(NftLending::deposit(RuntimeOrigin::signed(eve()), pool, 50_000 * UNIT));
		assert_ok!(NftLending::deposit(RuntimeOrigin::signed(dave()), pool, 50_000 * UNIT));
		nft(PUNKS, 0, &alice());
		set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
		let loan = borrow(&alice(), pool, PUNKS, 0, 400 * UNIT, None);
		run_to_block(100);
		let value_of = |who: &AccountId| {
			let figures = info(pool);
			crate::math::shares::amount_for_shares(
				Shares::<Test>::get(pool, who),
				figures.total_shares,
				figures.pool_value,
			)
			.unwrap()
		};
		let (eve_before, dave_before) = (value_of(&eve()), value_of(&dave()));
		set_price(PUNKS, 300 * UNIT, 300 * UNIT);
		run_to_block(101);
		assert!(Auctions::<Test>::contains_key(loan));
		// Eve sees the auction and leaves at once.
		let shares = Shares::<Test>::get(pool, eve());
		let eve_cash_before = balance(&eve());
		assert_ok!(NftLending::withdraw(RuntimeOrigin::signed(eve()), pool, shares));
		let eve_loss = eve_before.saturating_sub(balance(&eve()) - eve_cash_before);
		// The only bid is the minimum: 90% of 300.
		assert_ok!(NftLending::bid(RuntimeOrigin::signed(bob()), loan, 270 * UNIT));
		let ends = Auctions::<Test>::get(loan).unwrap().ends_at;
		run_to_block(ends + 1);
		let dave_loss = dave_before.saturating_sub(value_of(&dave()));
		let total = eve_loss + dave_loss;
		println!(
			"A8 loss {} NFTL: the lender who withdrew bore {} ({:.1}%), the one who stayed {}",
			units(total),
			units(eve_loss),
			eve_loss as f64 * 100.0 / total.max(1) as f64,
			units(dave_loss)
		);
		assert!(eve_loss * 10 >= total * 4, "eve bore {eve_loss} of {total}");
		check();
	});
}

/// The collection's owner (also its freezer) borrowed 400 on its own punk, which crashed to 500;
/// an honest bidder bid the debt and the owner froze the item before the auction ended.
/// Returns (pool, loan, debt, the auction's end).
fn owner_freezes_its_pledged_punk() -> (PoolId, LoanId, Balance, u64) {
	let pool = variable_pool(&[PUNKS], 100_000 * UNIT);
	let owner = collection_owner();
	nft(PUNKS, 5, &owner);
	set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
	let loan = borrow(&owner, pool, PUNKS, 5, 400 * UNIT, None);
	run_to_block(10);
	set_price(PUNKS, 500 * UNIT, 500 * UNIT);
	run_to_block(11);
	let auction = Auctions::<Test>::get(loan).expect("auction");
	assert_ok!(NftLending::bid(RuntimeOrigin::signed(bob()), loan, auction.debt));
	freeze_item(PUNKS, 5);
	(pool, loan, auction.debt, auction.ends_at)
}

#[test]
fn attack_a9_collection_owner_freezes_its_pledged_item_and_buys_it_back() {
	new_test_ext().execute_with(|| {
		let (pool, loan, debt, ends_at) = owner_freezes_its_pledged_punk();
		let owner = collection_owner();
		let value_before = info(pool).pool_value;
		run_to_block(ends_at + 1);
		// The winner's bid waits for the NFT; the owner keeps it frozen past the deadline.
		let deliver_by = Auctions::<Test>::get(loan).unwrap().deliver_by.unwrap();
		run_to_block(deliver_by + 1);
		assert!(matches!(Loans::<Test>::get(loan).unwrap().state, LoanState::Defaulted { .. }));
		// It thaws the item and waits for the sale price to reach its floor.
		thaw_item(PUNKS, 5);
		run_to_block(deliver_by + 4 * DAY);
		let cheapest =
			NftLending::buy_defaulted(RuntimeOrigin::signed(owner.clone()), loan, debt - 1);
		let owner_before = balance(&owner);
		assert_ok!(NftLending::buy_defaulted(RuntimeOrigin::signed(owner.clone()), loan, debt));
		let paid = owner_before - balance(&owner);
		// Once the recovery has unlocked, what did lenders lose?
		run_to_block(System::block_number() + 2 * DAY);
		let lenders_loss = value_before.saturating_sub(info(pool).pool_value);
		println!(
			"A9 debt {} NFTL: the owner bought its frozen item back for {} NFTL (below the debt: \
			 {:?}); lenders lost {} NFTL",
			units(debt),
			units(paid),
			cheapest,
			units(lenders_loss)
		);
		assert!(cheapest.is_err());
		assert!(paid >= debt, "bought back for {paid} < {debt}");
		// Without the freeze the bid (the debt) would have paid the loan: lenders lose nothing.
		assert_eq!(lenders_loss, 0);
		check();
	});
}

#[test]
fn attack_a9_a_frozen_item_thawed_before_the_deadline_goes_to_the_winner() {
	new_test_ext().execute_with(|| {
		let (pool, loan, debt, ends_at) = owner_freezes_its_pledged_punk();
		run_to_block(ends_at + 1);
		assert!(Auctions::<Test>::get(loan).unwrap().deliver_by.is_some());
		thaw_item(PUNKS, 5);
		let cash_before = ledger(pool).cash;
		assert_ok!(NftLending::settle(RuntimeOrigin::signed(dave()), loan));
		assert_eq!(pallet_nfts::Pallet::<Test>::owner(PUNKS, 5), Some(bob()));
		assert_eq!(ledger(pool).cash - cash_before, debt);
		check();
	});
}

#[test]
fn attack_a10_borrower_bids_first_from_a_second_account_then_redeems() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 10_000 * UNIT);
		nft(PUNKS, 0, &alice());
		set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
		let loan = borrow(&alice(), pool, PUNKS, 0, 400 * UNIT, None);
		run_to_block(10);
		set_price(PUNKS, 500 * UNIT, 500 * UNIT);
		run_to_block(11);
		let debt = Auctions::<Test>::get(loan).unwrap().debt;
		// Charlie is Alice's second account; Bob is an honest bidder.
		assert_ok!(NftLending::bid(RuntimeOrigin::signed(charlie()), loan, debt));
		assert_ok!(NftLending::bid(RuntimeOrigin::signed(bob()), loan, debt * 11 / 10));
		let (bob_before, charlie_before) = (balance(&bob()), balance(&charlie()));
		assert_ok!(NftLending::redeem(RuntimeOrigin::signed(alice()), loan));
		// Bob's bid is released as well: the fine is what he got on top.
		let to_bob = balance(&bob()) - bob_before - debt * 11 / 10;
		let to_charlie = balance(&charlie()) - charlie_before;
		println!(
			"A10 redeem fine: {} NFTL to the honest leading bidder, {} to the borrower's account",
			units(to_bob),
			units(to_charlie)
		);
		assert!(to_bob > 0 && to_charlie == 0);
		check();
	});
}

#[test]
fn attack_a11_dust_loans_on_every_item() {
	new_test_ext().execute_with(|| {
		let pool = pool_with(variable_params(), &[]);
		ensure_collection(KITTIES);
		let params = CollectionParams { max_loans: 50, ..collection_params() };
		assert_ok!(NftLending::add_collection(RuntimeOrigin::root(), pool, KITTIES, params));
		assert_ok!(NftLending::deposit(RuntimeOrigin::signed(eve()), pool, 100_000 * UNIT));
		set_price(KITTIES, 300 * UNIT, 300 * UNIT);
		let dust: Balance = <Test as crate::Config>::MinLoanAmount::get();
		let mut spent = 0;
		let mut opened = 0;
		for item in 0..50 {
			nft(KITTIES, item, &bob());
			if NftLending::borrow(RuntimeOrigin::signed(bob()), pool, KITTIES, item, dust, None)
				.is_ok()
			{
				spent += dust;
				opened += 1;
			}
		}
		nft(KITTIES, 50, &alice());
		let honest = dry_run(|| {
			NftLending::borrow(RuntimeOrigin::signed(alice()), pool, KITTIES, 50, 100 * UNIT, None)
		});
		println!(
			"A11 {opened} dust loans for {} NFTL in all; an honest borrow of 100 then: {honest:?}",
			units(spent)
		);
		assert_eq!(opened, 0, "dust loans were opened");
		check();
	});
}

/// Unhealthy KITTIES loans after a price fall, and a block whose schedule is full of other work:
/// counts, block by block from the fall, the price-driven liquidations.
fn liquidations_per_block_under(storm: impl FnOnce(PoolId)) -> Vec<u32> {
	let pool = variable_pool(&[PUNKS, KITTIES], 5_000_000 * UNIT);
	set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
	set_price(KITTIES, 1_000 * UNIT, 1_000 * UNIT);
	let victims = 300u32;
	for item in 0..victims {
		nft(KITTIES, item, &alice());
		borrow(&alice(), pool, KITTIES, item, 400 * UNIT, None);
	}
	run_to_block(5);
	storm(pool);
	// Every check of the storm comes due at the same block, a recheck interval later.
	let interval: u32 = <Test as crate::Config>::MaxRecheckInterval::get();
	let due = 5 + interval as u64;
	run_to_block(due - 1);
	set_price(KITTIES, 500 * UNIT, 500 * UNIT);
	let mut per_block = Vec::new();
	let mut left = victims;
	while left > 0 && per_block.len() < 40 {
		System::reset_events();
		run_to_block(System::block_number() + 1);
		let liquidated =
			lending_events().iter().filter(|e| matches!(e, Event::LoanUnhealthy { .. })).count()
				as u32;
		left -= liquidated.min(left);
		per_block.push(liquidated);
	}
	per_block
}

#[test]
fn attack_a12_a_borrow_and_repay_storm_cannot_starve_liquidations() {
	new_test_ext().execute_with(|| {
		let per_block = liquidations_per_block_under(|pool| {
			nft(PUNKS, 0, &bob());
			for _ in 0..1_500 {
				let loan = borrow(&bob(), pool, PUNKS, 0, 100 * UNIT, None);
				assert_ok!(NftLending::repay(RuntimeOrigin::signed(bob()), loan, 200 * UNIT));
			}
		});
		println!("A12 (1,500 borrow-and-repay pairs) liquidations per block: {per_block:?}");
		assert!(per_block.iter().all(|n| *n > 0), "blocks without liquidations: {per_block:?}");
		check();
	});
}

#[test]
fn attack_a12_checks_due_at_once_cannot_starve_liquidations() {
	new_test_ext().execute_with(|| {
		let per_block = liquidations_per_block_under(|pool| {
			for item in 0..900 {
				nft(PUNKS, item, &bob());
				borrow(&bob(), pool, PUNKS, item, 50 * UNIT, None);
			}
		});
		println!("A12 (900 healthy loans due at once) liquidations per block: {per_block:?}");
		assert!(per_block.iter().all(|n| *n > 0), "blocks without liquidations: {per_block:?}");
		check();
	});
}
