//! The fuzzer's world: two pools (variable and fixed), three collections of twelve NFTs first held
//! by four borrowers, four lenders, bidders, a collection freezer, governance, and a price source
//! that moves like the oracle (a spot clamped to 20% a block towards what the feeders say,
//! flagged while it catches up, a TWAP behind it, stale when the feeders stop, warming up when
//! they come back, and a liar that can hold one of the two middle values). Every action runs
//! with the checks of SPEC section 10 around it.

use super::{actions::*, Report};
use crate::{
	math::Rate,
	mock::*,
	pallet::*,
	tests::{balance, collection_params, fixed_params, variable_params},
	types::*,
};
use frame_support::storage::{with_transaction, TransactionOutcome};
use sp_core::U256;
use sp_runtime::{DispatchError, DispatchResult, FixedPointNumber, Perbill};
use std::cell::RefCell;

const HOUR_BLOCKS: u64 = 600;

/// The price source of one collection.
#[derive(Clone, Copy, Debug)]
struct Feed {
	/// Where the honest floor started; it stays between a tenth and three times this.
	base: Balance,
	/// What honest feeders report.
	honest: Balance,
	/// The liar's middle value, if one holds it: `(upper?, times)`.
	liar: Option<(bool, u8)>,
	/// The guarded spot and TWAP of each middle value.
	lower: (Balance, Balance),
	upper: (Balance, Balance),
	/// The feeders are quiet before this block.
	stale_until: u64,
	warm_from: u64,
}

impl Feed {
	fn stale(&self) -> bool {
		System::block_number() < self.stale_until
	}
}

thread_local! {
	static FEEDS: RefCell<Vec<Feed>> = const { RefCell::new(Vec::new()) };
}

fn lender(n: u8) -> AccountId {
	account(1 + n % LENDERS)
}

/// The holder of item `item` of every collection.
fn holder(item: u8) -> AccountId {
	account(5 + item % 4)
}

fn anyone(n: u8) -> AccountId {
	account(1 + n % 8)
}

/// Pools 0 (variable: collections 0 and 1) and 1 (fixed: collections 1 and 2), funded by four
/// lenders; every NFT minted; every price set.
pub fn setup() {
	for collection in 0..COLLECTIONS as u32 {
		ensure_collection(collection);
		for item in 0..ITEMS {
			mint(collection, item as u32, &holder(item));
		}
	}
	let params = CollectionParams { max_loans: 20, ..collection_params() };
	let pools =
		[(variable_params(), [0u32, 1]), (fixed_params(&[DAY, 7 * DAY, 30 * DAY]), [1u32, 2])];
	for (pool_params, collections) in pools {
		let pool = NextPoolId::<Test>::get();
		NftLending::create_pool(RuntimeOrigin::root(), pool_params).unwrap();
		for collection in collections {
			NftLending::add_collection(RuntimeOrigin::root(), pool, collection, params).unwrap();
		}
		for n in 0..LENDERS {
			NftLending::deposit(RuntimeOrigin::signed(lender(n)), pool, 100_000 * UNIT).unwrap();
		}
	}
	let floors = [1_000 * UNIT, 800 * UNIT, 300 * UNIT];
	FEEDS.with(|feeds| {
		*feeds.borrow_mut() = floors
			.iter()
			.map(|f| Feed {
				base: *f,
				honest: *f,
				liar: None,
				lower: (*f, *f),
				upper: (*f, *f),
				stale_until: 0,
				warm_from: 0,
			})
			.collect()
	});
	for collection in 0..COLLECTIONS {
		publish(collection);
	}
	NftLending::do_try_state().expect("the world starts sound");
}

/// What the feeders say for one middle value.
fn reported(feed: &Feed, upper: bool) -> Balance {
	match feed.liar {
		Some((true, times)) if upper => feed.honest.saturating_mul(times as Balance),
		Some((false, times)) if !upper => (feed.honest / times as Balance).max(1),
		_ => feed.honest,
	}
}

/// One block of the oracle: each spot moves at most 20% towards what the feeders say, the TWAP
/// a fifth of the way towards the spot.
fn step_feed(feed: &mut Feed) {
	if feed.stale() {
		return;
	}
	let step = |(spot, twap): (Balance, Balance), target: Balance| {
		let bound = spot / 5;
		let spot = target.clamp(spot.saturating_sub(bound).max(1), spot.saturating_add(bound));
		(spot, twap - twap / 5 + spot / 5)
	};
	feed.lower = step(feed.lower, reported(feed, false));
	feed.upper = step(feed.upper, reported(feed, true));
}

/// The price of `collection` as the lending pallet reads it now.
fn quote(collection: u8) -> FloorPrice {
	FEEDS.with(|feeds| {
		let feed = feeds.borrow()[collection as usize];
		let now = System::block_number();
		let lower_target = reported(&feed, false);
		FloorPrice {
			spot: feed.lower.0,
			twap: feed.lower.1,
			health: feed.upper.1,
			fresh: !feed.stale(),
			warm: now >= feed.warm_from,
			flagged: feed.lower.0 != lower_target,
		}
	})
}

/// Hand the price to the lending pallet if it changed.
fn publish(collection: u8) {
	let price = quote(collection);
	let known = <MockPrices as crate::FloorPriceProvider<u32>>::floor_price(&(collection as u32));
	if known != Some(price) {
		set_floor_price(collection as u32, price);
	}
}

/// A short name of the action, for the report.
fn kind(action: &Action) -> &'static str {
	match action {
		Action::Deposit { .. } => "deposit",
		Action::Withdraw { .. } => "withdraw",
		Action::Borrow { .. } => "borrow",
		Action::BorrowMore { .. } => "borrow_more",
		Action::Repay { .. } => "repay",
		Action::Extend { .. } => "extend",
		Action::Bid { .. } => "bid",
		Action::Redeem { .. } => "redeem",
		Action::Settle { .. } => "settle",
		Action::BuyDefaulted { .. } => "buy_defaulted",
		Action::DepositBorrowWithdraw { .. } => "batch_deposit_borrow_withdraw",
		Action::DepositBuyWithdraw { .. } => "batch_deposit_buy_withdraw",
		Action::DepositWithdraw { .. } => "batch_deposit_withdraw",
		Action::DepositExtendWithdraw { .. } => "batch_deposit_extend_withdraw",
		Action::Price { .. } => "price",
		Action::Freeze { .. } => "freeze",
		Action::Govern(_) => "govern",
		Action::Blocks { .. } => "blocks",
	}
}

/// Runs one action with every check around it.
pub fn run(action: &Action, report: &mut Report) {
	let (failed_before, succeeded_before) = (report.failed_calls, report.succeeded_calls);
	run_checked(action, report);
	let entry = report.outcomes.entry(kind(action)).or_default();
	if report.failed_calls > failed_before {
		entry.1 += 1;
	} else if report.succeeded_calls > succeeded_before {
		entry.0 += 1;
	}
}

fn run_checked(action: &Action, report: &mut Report) {
	System::reset_events();
	let before = Snapshot::take();
	match *action {
		Action::Deposit { lender: n, pool, amount } => deposit(report, lender(n), pool, amount),
		Action::Withdraw { lender: n, pool, per_mille } => {
			let who = lender(n);
			let shares = part(Shares::<Test>::get(pool as PoolId, &who), per_mille);
			withdraw(report, who, pool as PoolId, shares);
		}
		Action::Borrow { collection, item, exact, pool, per_mille, term } => {
			let item = if exact { item } else { free_item(collection, item) };
			borrow(report, collection, item, pool as PoolId, per_mille, term);
		}
		Action::BorrowMore { loan, per_mille } => {
			// Mostly a variable loan (a fixed one refuses: `NotVariableLoan`).
			let variable = loan % 10 != 0;
			let wanted = |l: &LoanOf<Test>| {
				l.state == LoanState::Active
					&& (!variable || matches!(l.debt, LoanDebt::Variable { .. }))
			};
			if let Some((id, open)) = pick(loan / 10, wanted) {
				let most = NftLending::max_borrow_amount(id.pool, open.collection, open.item)
					.unwrap_or(100 * UNIT);
				let amount = part(most, per_mille).max(1);
				let result = call(report, || {
					NftLending::borrow_more(
						RuntimeOrigin::signed(open.borrower.clone()),
						id,
						amount,
					)
				});
				if result.is_ok() {
					let debt = NftLending::loan_info(id).expect("the loan").debt;
					within_honest_ltv(id.pool, open.collection as u8, debt);
				}
			}
		}
		Action::Repay { loan, payer, per_mille } => {
			if let Some((id, _)) = pick(loan, |l| l.state == LoanState::Active) {
				repay(report, id, anyone(payer), per_mille);
			}
		}
		Action::Extend { loan } => {
			if let Some((id, open)) = pick(loan, |l| matches!(l.debt, LoanDebt::Fixed { .. })) {
				let _ = call(report, || {
					NftLending::extend(RuntimeOrigin::signed(open.borrower.clone()), id)
				});
			}
		}
		Action::Bid { loan, bidder, per_mille, below_minimum } => {
			if let Some((id, _)) = pick(loan, |l| l.state == LoanState::InAuction) {
				let running = Auctions::<Test>::get(id).expect("an auction");
				let minimum = NftLending::min_bid(&running);
				let amount = if below_minimum {
					minimum.saturating_sub(1)
				} else {
					minimum.saturating_add(part(running.debt, per_mille))
				};
				let _ = call(report, || {
					NftLending::bid(RuntimeOrigin::signed(anyone(bidder)), id, amount)
				});
			}
		}
		Action::Redeem { loan } => {
			if let Some((id, open)) = pick(loan, |l| l.state == LoanState::InAuction) {
				let _ = call(report, || {
					NftLending::redeem(RuntimeOrigin::signed(open.borrower.clone()), id)
				});
			}
		}
		Action::Settle { loan } => {
			if let Some((id, _)) = pick(loan, |l| l.state == LoanState::InAuction) {
				let _ = call(report, || NftLending::settle(RuntimeOrigin::signed(account(1)), id));
			}
		}
		Action::BuyDefaulted { loan, buyer, short } => {
			if let Some((id, open)) = pick(loan, |l| matches!(l.state, LoanState::Defaulted { .. }))
			{
				let price = NftLending::defaulted_price(&open.state);
				let max = if short { price.saturating_sub(1) } else { price };
				let _ = call(report, || {
					NftLending::buy_defaulted(RuntimeOrigin::signed(anyone(buyer)), id, max)
				});
			}
		}
		Action::DepositBorrowWithdraw { pool, amount, collection, item, wait: 0 } => {
			// The attacker holds the NFT and brings the liquidity.
			let item = free_item(collection, item);
			// Nothing happens, so there is nothing to check.
			let Some(who) = signing_owner(collection, item) else { return };
			let pool = pool as PoolId;
			let deposit = amount as Balance * UNIT;
			let (collection, item) = (collection as u32, item as u32);
			let term = fixed_term(pool, 2);
			// All the NFT may borrow once the deposit is in.
			let borrowed = simulate(|| {
				NftLending::deposit(RuntimeOrigin::signed(who.clone()), pool, deposit)
					.ok()
					.and_then(|_| NftLending::max_borrow_amount(pool, collection, item).ok())
			})
			.unwrap_or(UNIT);
			let id = next_loan(pool);
			let before = NftLending::pool_now(pool);
			// The same borrow without the deposit.
			let without = simulate(|| {
				NftLending::borrow(
					RuntimeOrigin::signed(who.clone()),
					pool,
					collection,
					item,
					borrowed,
					term,
				)
				.map(|_| fixed_apr(id))
			});
			let with = batch(report, || {
				let before = Shares::<Test>::get(pool, &who);
				NftLending::deposit(RuntimeOrigin::signed(who.clone()), pool, deposit)?;
				NftLending::borrow(
					RuntimeOrigin::signed(who.clone()),
					pool,
					collection,
					item,
					borrowed,
					term,
				)?;
				let mine = Shares::<Test>::get(pool, &who) - before;
				NftLending::withdraw(RuntimeOrigin::signed(who.clone()), pool, mine)
			})
			.map(|_| fixed_apr(id));
			if with.is_ok() {
				within_window(&before.expect("the pool lent"), id, borrowed);
			}
			same_without_the_deposit("a borrow", without, with);
		}
		Action::DepositBorrowWithdraw { pool, amount, collection, item, wait } => {
			// The deposit stays `wait` blocks before the borrow and the withdrawal.
			let item = free_item(collection, item);
			// Nothing happens, so there is nothing to check.
			let Some(who) = signing_owner(collection, item) else { return };
			let pool = pool as PoolId;
			let (collection, item) = (collection as u32, item as u32);
			let before = Shares::<Test>::get(pool, &who);
			let deposit = amount as Balance * UNIT;
			if call(report, || {
				NftLending::deposit(RuntimeOrigin::signed(who.clone()), pool, deposit)
			})
			.is_ok()
			{
				for _ in 0..wait {
					next_block(report);
				}
				let borrowed =
					NftLending::max_borrow_amount(pool, collection, item).unwrap_or(UNIT);
				let id = next_loan(pool);
				let pool_before = NftLending::pool_now(pool);
				let term = fixed_term(pool, 2);
				let result = batch(report, || {
					NftLending::borrow(
						RuntimeOrigin::signed(who.clone()),
						pool,
						collection,
						item,
						borrowed,
						term,
					)?;
					let mine = Shares::<Test>::get(pool, &who).saturating_sub(before);
					NftLending::withdraw(RuntimeOrigin::signed(who.clone()), pool, mine)
				});
				if result.is_ok() {
					within_window(&pool_before.expect("the pool lent"), id, borrowed);
				}
			}
		}
		Action::DepositExtendWithdraw { amount, loan } => {
			let fixed = |l: &LoanOf<Test>| {
				l.state == LoanState::Active && matches!(l.debt, LoanDebt::Fixed { .. })
			};
			if let Some((id, open)) = pick(loan, fixed) {
				// The borrower brings the liquidity.
				let who = open.borrower.clone();
				let deposit = amount as Balance * UNIT;
				let without = simulate(|| {
					NftLending::extend(RuntimeOrigin::signed(who.clone()), id)
						.map(|_| fixed_apr(id))
				});
				let with = batch(report, || {
					let before = Shares::<Test>::get(id.pool, &who);
					NftLending::deposit(RuntimeOrigin::signed(who.clone()), id.pool, deposit)?;
					NftLending::extend(RuntimeOrigin::signed(who.clone()), id)?;
					let mine = Shares::<Test>::get(id.pool, &who) - before;
					NftLending::withdraw(RuntimeOrigin::signed(who.clone()), id.pool, mine)
				})
				.map(|_| fixed_apr(id));
				same_without_the_deposit("an extension", without, with);
			}
		}
		Action::DepositBuyWithdraw { lender: n, amount, loan } => {
			if let Some((id, open)) = pick(loan, |l| matches!(l.state, LoanState::Defaulted { .. }))
			{
				let who = lender(n);
				let price = NftLending::defaulted_price(&open.state);
				let balance_before = balance(&who);
				let result = batch(report, || {
					let before = Shares::<Test>::get(id.pool, &who);
					NftLending::deposit(
						RuntimeOrigin::signed(who.clone()),
						id.pool,
						amount as Balance * UNIT,
					)?;
					NftLending::buy_defaulted(RuntimeOrigin::signed(who.clone()), id, price)?;
					let mine = Shares::<Test>::get(id.pool, &who) - before;
					NftLending::withdraw(RuntimeOrigin::signed(who.clone()), id.pool, mine)
				});
				if result.is_ok() {
					// SPEC A7: the depositor gains nothing from the sale it made in between.
					let gained = (balance(&who) + price).saturating_sub(balance_before);
					assert!(gained <= 2, "a deposit around a defaulted sale took {gained} of it");
				}
			}
		}
		Action::DepositWithdraw { lender: n, pool, amount } => {
			let who = lender(n);
			let pool = pool as PoolId;
			let balance_before = balance(&who);
			let result = batch(report, || {
				let before = Shares::<Test>::get(pool, &who);
				NftLending::deposit(
					RuntimeOrigin::signed(who.clone()),
					pool,
					amount as Balance * UNIT,
				)?;
				let mine = Shares::<Test>::get(pool, &who) - before;
				NftLending::withdraw(RuntimeOrigin::signed(who.clone()), pool, mine)
			});
			if result.is_ok() {
				// Invariant 6: deposit-then-withdraw never returns more.
				assert!(balance(&who) <= balance_before, "a deposit and withdrawal paid out more");
			}
		}
		Action::Price { collection, how } => {
			FEEDS.with(|feeds| {
				let feed = &mut feeds.borrow_mut()[collection as usize];
				match how {
					PriceMove::Drift(per_mille) => {
						feed.honest = (feed.honest * per_mille as Balance / 1_000)
							.clamp(feed.base / 10, feed.base * 3);
					}
					PriceMove::Crash(per_mille) => {
						feed.honest = (feed.honest * (1_000 - per_mille as Balance) / 1_000)
							.max(feed.base / 10);
					}
					PriceMove::Recover => feed.honest = feed.base,
					PriceMove::LiarHigh(times) => feed.liar = Some((true, times)),
					PriceMove::LiarLow(times) => feed.liar = Some((false, times)),
					PriceMove::Honest => feed.liar = None,
					PriceMove::Stale(blocks) => {
						let now = System::block_number();
						feed.stale_until = now + blocks as u64;
						feed.warm_from = feed.stale_until + 20;
					}
					PriceMove::Fresh => {
						if feed.stale() {
							let now = System::block_number();
							feed.stale_until = now;
							feed.warm_from = now + 20;
						}
					}
				}
				step_feed(feed);
			});
			publish(collection);
		}
		Action::Freeze { collection, item, frozen } => {
			// The collection's freezer may lock any item, pledged ones included.
			let origin = RuntimeOrigin::signed(collection_owner());
			let _ = if frozen {
				pallet_nfts::Pallet::<Test>::lock_item_transfer(
					origin,
					collection as u32,
					item as u32,
				)
			} else {
				pallet_nfts::Pallet::<Test>::unlock_item_transfer(
					origin,
					collection as u32,
					item as u32,
				)
			};
		}
		Action::Govern(how) => govern(report, how),
		Action::Blocks { n } => {
			for _ in 0..n {
				next_block(report);
			}
		}
	}
	// 5 and 11 for the whole action, and everything storage shows.
	before.check_after(&format!("{action:?}"), 0);
	NftLending::do_try_state().unwrap_or_else(|e| panic!("after {action:?}: {e:?}"));
	report.invariant_checks += 1;
}

/// The next block: the feeds move, the sweep runs (and is checked).
fn next_block(report: &mut Report) {
	let now = System::block_number() + 1;
	System::set_block_number(now);
	for collection in 0..COLLECTIONS {
		FEEDS.with(|feeds| step_feed(&mut feeds.borrow_mut()[collection as usize]));
		publish(collection);
	}
	let stats = sweep_and_check(now);
	report.liquidated += stats.liquidated as u64;
	report.settled += stats.settled as u64;
	report.blocks += 1;
}

/// `per_mille / 1000` of `amount`.
fn part(amount: Balance, per_mille: PerMille) -> Balance {
	(U256::from(amount) * U256::from(per_mille) / U256::from(1_000u32)).low_u128()
}

/// Who owns an item now (its first holder, a bidder that won it, or a pool).
fn owner(collection: u8, item: u8) -> AccountId {
	pallet_nfts::Pallet::<Test>::owner(collection as u32, item as u32).expect("every item exists")
}

/// Who holds the item, if that account can sign. A pool's account holds the NFTs it is selling
/// but has no key (no call is ever signed by it): a pool depositing into itself would move no
/// money and still add cash. Actions skip such items.
fn signing_owner(collection: u8, item: u8) -> Option<AccountId> {
	let who = owner(collection, item);
	(!(0..POOLS).any(|pool| who == NftLending::pool_account(pool as PoolId))).then_some(who)
}

/// The first item of `collection` from `from` on (round the collection) that is not pledged, not
/// frozen, and that no pool holds; `from` itself when there is none.
fn free_item(collection: u8, from: u8) -> u8 {
	use frame_support::traits::tokens::nonfungibles_v2::Inspect;
	(0..ITEMS)
		.map(|offset| (from + offset) % ITEMS)
		.find(|item| {
			let (collection, item) = (collection as u32, *item as u32);
			NftLending::loan_of_nft(&collection, &item).is_none()
				&& <Nfts as Inspect<AccountId>>::can_transfer(&collection, &item)
				&& signing_owner(collection as u8, item as u8).is_some()
		})
		.unwrap_or(from)
}

/// An open loan chosen by `n` among those for which `wanted` holds.
fn pick(n: u32, wanted: impl Fn(&LoanOf<Test>) -> bool) -> Option<(LoanId, LoanOf<Test>)> {
	let mut loans: Vec<_> = Loans::<Test>::iter().filter(|(_, l)| wanted(l)).collect();
	if loans.is_empty() {
		return None;
	}
	loans.sort_by_key(|(id, _)| *id);
	Some(loans.swap_remove(n as usize % loans.len()))
}

fn fixed_term(pool: PoolId, term: u8) -> Option<u64> {
	match Pools::<Test>::get(pool)?.params.rate_model {
		RateModel::Fixed { terms, .. } => terms.get(term as usize % terms.len()).copied(),
		RateModel::Variable { .. } => None,
	}
}

/// A call made as a transaction would be, without the transactional layer: one that fails
/// must have changed nothing (no storage, no event) by itself.
fn call(report: &mut Report, f: impl FnOnce() -> DispatchResult) -> DispatchResult {
	let root = sp_io::storage::root(sp_runtime::StateVersion::V1);
	let events = System::events().len();
	let result = f();
	if result.is_ok() {
		report.succeeded_calls += 1;
	}
	if let Err(error) = result {
		report.failed_calls += 1;
		let name = match error {
			DispatchError::Module(module) => module.message.unwrap_or("module").to_string(),
			other => format!("{other:?}"),
		};
		*report.errors.entry(name).or_default() += 1;
		assert_eq!(
			sp_io::storage::root(sp_runtime::StateVersion::V1),
			root,
			"a call that failed ({error:?}) changed storage"
		);
		assert_eq!(System::events().len(), events, "a call that failed ({error:?}) left events");
	}
	result
}

/// `utility.batch_all`: all or nothing.
fn batch(report: &mut Report, calls: impl FnOnce() -> DispatchResult) -> DispatchResult {
	call(report, || {
		with_transaction(|| match calls() {
			Ok(()) => TransactionOutcome::Commit(Ok(())),
			Err(e) => TransactionOutcome::Rollback(Err::<(), DispatchError>(e)),
		})
	})
}

fn deposit(report: &mut Report, who: AccountId, pool: u8, amount: u32) {
	let pool = pool as PoolId;
	let amount = amount as Balance * UNIT;
	let shares_before = Shares::<Test>::get(pool, &who);
	if call(report, || NftLending::deposit(RuntimeOrigin::signed(who.clone()), pool, amount))
		.is_ok()
	{
		// 6. The shares minted are worth no more than what was paid.
		let minted = Shares::<Test>::get(pool, &who) - shares_before;
		let figures = NftLending::pool_info(pool).unwrap();
		let worth =
			U256::from(minted) * U256::from(figures.pool_value) / U256::from(figures.total_shares);
		assert!(worth <= U256::from(amount), "a deposit of {amount} minted shares worth {worth}");
	}
}

fn withdraw(report: &mut Report, who: AccountId, pool: PoolId, shares: Balance) {
	let figures = NftLending::pool_info(pool);
	let before = balance(&who);
	if call(report, || NftLending::withdraw(RuntimeOrigin::signed(who.clone()), pool, shares))
		.is_ok()
	{
		// 6. A withdrawal pays no more than the shares are worth.
		let figures = figures.unwrap();
		let worth =
			U256::from(shares) * U256::from(figures.pool_value) / U256::from(figures.total_shares);
		let paid = balance(&who) - before;
		assert!(U256::from(paid) <= worth, "{shares} shares worth {worth} paid {paid}");
	}
}

fn borrow(
	report: &mut Report,
	collection: u8,
	item: u8,
	pool: PoolId,
	per_mille: PerMille,
	term: u8,
) {
	let Some(who) = signing_owner(collection, item) else { return };
	let most =
		NftLending::max_borrow_amount(pool, collection as u32, item as u32).unwrap_or(100 * UNIT);
	let amount = part(most, per_mille).max(1);
	let id = next_loan(pool);
	let term = fixed_term(pool, term);
	let pool_before = NftLending::pool_now(pool);
	if call(report, || {
		NftLending::borrow(
			RuntimeOrigin::signed(who.clone()),
			pool,
			collection as u32,
			item as u32,
			amount,
			term,
		)
	})
	.is_ok()
	{
		// 6. Debt rounds up: the borrower owes at least what it took.
		let debt = NftLending::loan_info(id).expect("the new loan").debt;
		assert!(debt >= amount, "borrowed {amount}, owes {debt}");
		within_honest_ltv(pool, collection, debt);
		within_window(&pool_before.expect("the pool lent"), id, amount);
	}
}

/// SPEC A1-A4: whatever a liar reports, and however the price just moved, a loan never opens
/// (or grows) beyond the ltv of what honest feeders report. The debt may pass it by its
/// rounding only: scaled debt rounds up, and so does the debt read back from it, by at most the
/// borrow index (rounded up) in all.
fn within_honest_ltv(pool: PoolId, collection: u8, debt: Balance) {
	let honest = FEEDS.with(|feeds| feeds.borrow()[collection as usize].honest);
	let record = Pools::<Test>::get(pool).expect("the pool");
	let ltv = record.listing(&(collection as u32)).map(|l| l.params.ltv).expect("listed");
	let most = ltv.mul_floor(honest);
	let rounding = record.ledger.borrow_index.saturating_mul_int(1u128) + 1;
	assert!(
		debt <= most + rounding,
		"a loan of {debt} opened on an honest floor of {honest} (at most {most} + {rounding})"
	);
}

/// SPEC A5 across blocks: liquidity that stayed a few blocks counts in the pool's averages over
/// `UtilizationWindow` only for the part of the window it stayed, and a borrow is never measured
/// below them: the borrow stop holds on the window's utilization with the loan, and a fixed
/// loan's rate is at least the curve's there. `pool` is the pool before the borrow (loan `id` of
/// `borrowed`).
fn within_window(pool: &PoolOf<Test>, id: LoanId, borrowed: Balance) {
	let ledger = &pool.ledger;
	let window = crate::math::rates::averaged_utilization_with(
		ledger.average_debt,
		ledger.average_cash,
		borrowed,
	);
	assert!(
		window <= pool.params.max_utilization,
		"a borrow of {borrowed} passed at a window utilization of {window:?}, above the stop"
	);
	if let (RateModel::Fixed { curve, .. }, Some(apr)) = (&pool.params.rate_model, fixed_apr(id)) {
		let least =
			crate::math::interest::quantise_apr(crate::math::rates::borrow_rate(curve, window));
		assert!(apr >= least, "a loan locked {apr:?} where the window's rate is {least:?}");
	}
}

/// SPEC A5, A6: a deposit made and withdrawn around a borrow (or an extension) in one batch
/// changes neither the borrow stop nor the rate: the batch succeeds only if the call alone would
/// (`without`, run on the state before and rolled back), and locks the same APR (`None` on a
/// variable pool).
fn same_without_the_deposit(
	what: &str,
	without: Result<Option<Rate>, DispatchError>,
	with: Result<Option<Rate>, DispatchError>,
) {
	match (without, with) {
		(Err(refused), Ok(_)) => {
			panic!("{what} the pool refuses ({refused:?}) passed with a deposit around it")
		}
		(Ok(alone), Ok(batched)) => assert_eq!(
			batched, alone,
			"{what} with a deposit around it locked another rate than alone"
		),
		_ => {}
	}
}

/// `f`'s result, its changes rolled back.
fn simulate<R>(f: impl FnOnce() -> R) -> R {
	with_transaction(|| TransactionOutcome::Rollback(Ok::<R, DispatchError>(f())))
		.expect("a rollback returns the result")
}

/// The id the pool's next loan gets.
fn next_loan(pool: PoolId) -> LoanId {
	LoanId::new(pool, Pools::<Test>::get(pool).map(|p| p.loans_opened).unwrap_or(0))
}

/// A fixed loan's APR (`None` for a variable loan, or no loan).
fn fixed_apr(id: LoanId) -> Option<Rate> {
	match Loans::<Test>::get(id)?.debt {
		LoanDebt::Fixed { apr, .. } => Some(apr),
		LoanDebt::Variable { .. } => None,
	}
}

fn repay(report: &mut Report, id: LoanId, payer: AccountId, per_mille: PerMille) {
	let debt = NftLending::loan_info(id).expect("an open loan").debt;
	let amount = if per_mille > 1_000 { debt * 2 } else { part(debt, per_mille).max(1) };
	let before = balance(&payer);
	let r = call(report, || NftLending::repay(RuntimeOrigin::signed(payer.clone()), id, amount));
	if std::env::var("FUZZ_DEBUG").is_ok() && r.is_err() {
		eprintln!("repay {id:?} debt {debt} amount {amount} pm {per_mille} -> {r:?}");
	}
	if r.is_ok() {
		// 6. A repayment never erases more debt than it pays.
		let paid = before - balance(&payer);
		let left = NftLending::loan_info(id).map(|l| l.debt).unwrap_or(0);
		assert!(debt - left <= paid, "paid {paid}, the debt fell from {debt} to {left}");
	}
}

fn govern(report: &mut Report, how: Govern) {
	let root = RuntimeOrigin::root;
	let _ = match how {
		Govern::UpdateCollection { pool, collection, ltv, threshold, max_loans } => {
			let params = CollectionParams {
				ltv: Perbill::from_percent(ltv as u32),
				liquidation_threshold: Perbill::from_percent(threshold.min(100) as u32),
				max_loans: max_loans as u32,
				..collection_params()
			};
			call(report, || {
				NftLending::update_collection(root(), pool as PoolId, collection as u32, params)
			})
		}
		Govern::SetPoolParams { pool, kink, slope2, reserve, max_utilization } => {
			let Some(current) = Pools::<Test>::get(pool as PoolId) else { return };
			let curve = RateCurve {
				optimal_utilization: Perbill::from_percent(kink as u32),
				slope2: Perbill::from_percent(slope2 as u32),
				..RateCurve::default()
			};
			let rate_model = match current.params.rate_model {
				RateModel::Variable { .. } => RateModel::Variable { curve },
				RateModel::Fixed { terms, .. } => RateModel::Fixed { curve, terms },
			};
			let params = PoolParams {
				rate_model,
				reserve_factor: Perbill::from_percent(reserve as u32),
				max_utilization: Perbill::from_percent(max_utilization as u32),
			};
			call(report, || NftLending::set_pool_params(root(), pool as PoolId, params))
		}
		Govern::Pause { pool, paused } => {
			call(report, || NftLending::set_paused(root(), pool as PoolId, paused))
		}
		Govern::Listing { pool, collection, listed } => {
			let params = CollectionParams { max_loans: 20, ..collection_params() };
			call(report, || {
				if listed {
					NftLending::add_collection(root(), pool as PoolId, collection as u32, params)
				} else {
					NftLending::remove_collection(root(), pool as PoolId, collection as u32)
				}
			})
		}
		Govern::Liquidation { auction, redeem, discount } => {
			let config = LiquidationConfig {
				auction_duration: auction as u64,
				redeem_period: redeem as u64,
				first_bid_discount: Perbill::from_percent(discount as u32),
				extension_window: (auction as u64 / 10).min(HOUR_BLOCKS),
				..LiquidationSettings::<Test>::get()
			};
			call(report, || NftLending::set_liquidation_config(root(), config))
		}
		Govern::WithdrawReserve { pool, per_mille } => {
			let reserve = Pools::<Test>::get(pool as PoolId).map(|p| p.ledger.reserve).unwrap_or(0);
			call(report, || {
				NftLending::withdraw_reserve(
					root(),
					pool as PoolId,
					part(reserve, per_mille),
					account(9),
				)
			})
		}
	};
}
