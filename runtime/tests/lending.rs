//! The lending protocol on the demo genesis, natively: borrow and repay in both demo pools, a
//! price feed reaching the lending pallet, a crash liquidating a loan.

mod common;

use common::{new_test_ext, run_to_block};
use frame_support::{assert_noop, assert_ok, BoundedVec};
use nft_lending_runtime::{Balances, FloorPriceOracle, NftLending, Nfts, RuntimeOrigin, UNIT};
use pallet_nft_lending::{views::LoanStatus, LoanId, LoanState, Loans, PendingHealthChecks};
use sp_genesis_builder::DEV_RUNTIME_PRESET;
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie};

const PUNKS: u32 = 0;
const KITTIES: u32 = 1;
const BLUE_CHIP_POOL: u32 = 0;
const SHARED_POOL: u32 = 1;

#[test]
fn borrow_and_repay_against_the_demo_genesis() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		// The pool's first loan.
		let loan = LoanId::new(BLUE_CHIP_POOL, 0);
		let alice = Alice.to_account_id();
		// Alice owns Punk #0; the punk is priced 5,000 NFTL at genesis: 40% ltv allows 2,000.
		assert_eq!(NftLending::max_borrow_amount(BLUE_CHIP_POOL, PUNKS, 0), Ok(2_000 * UNIT));
		let before = Balances::free_balance(&alice);
		assert_ok!(NftLending::borrow(
			RuntimeOrigin::signed(alice.clone()),
			BLUE_CHIP_POOL,
			PUNKS,
			0,
			1_000 * UNIT,
			None
		));
		assert_eq!(Balances::free_balance(&alice) - before, 1_000 * UNIT);
		// The punk stays in Alice's wallet but cannot move.
		assert_eq!(
			pallet_nfts::Pallet::<nft_lending_runtime::Runtime>::owner(PUNKS, 0),
			Some(alice.clone())
		);
		assert!(Nfts::transfer(
			RuntimeOrigin::signed(alice.clone()),
			PUNKS,
			0,
			Bob.to_account_id().into()
		)
		.is_err());

		run_to_block(100);
		let info = NftLending::loan_info(loan).unwrap();
		assert!(info.debt > 1_000 * UNIT, "interest accrued");
		assert_eq!(info.status, LoanStatus::Active);
		assert_ok!(NftLending::repay(RuntimeOrigin::signed(alice.clone()), loan, 2_000 * UNIT));
		assert!(Loans::<nft_lending_runtime::Runtime>::get(loan).is_none());
		assert_ok!(Nfts::transfer(
			RuntimeOrigin::signed(alice),
			PUNKS,
			0,
			Bob.to_account_id().into()
		));
	});
}

#[test]
fn a_fixed_term_loan_in_the_shared_pool_runs_overdue_into_an_auction() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		// The pool's first loan.
		let loan = LoanId::new(SHARED_POOL, 0);
		let bob = Bob.to_account_id();
		// Bob owns Kitty #1 (800 NFTL, ltv 30%); the dev pool offers 20-, 100- and 600-block terms.
		assert_noop!(
			NftLending::borrow(
				RuntimeOrigin::signed(bob.clone()),
				SHARED_POOL,
				KITTIES,
				1,
				100 * UNIT,
				Some(7)
			),
			pallet_nft_lending::Error::<nft_lending_runtime::Runtime>::TermNotOffered
		);
		assert_ok!(NftLending::borrow(
			RuntimeOrigin::signed(bob),
			SHARED_POOL,
			KITTIES,
			1,
			200 * UNIT,
			Some(20)
		));
		let due = NftLending::loan_info(loan).unwrap().due.unwrap();
		// Dev grace period: 5 blocks; overdue from due + 6.
		run_to_block(due + 5);
		assert_eq!(
			Loans::<nft_lending_runtime::Runtime>::get(loan).unwrap().state,
			LoanState::Active
		);
		run_to_block(due + 6);
		assert_eq!(
			Loans::<nft_lending_runtime::Runtime>::get(loan).unwrap().state,
			LoanState::InAuction
		);
	});
}

#[test]
fn a_feeders_price_reaches_the_lending_pallet_and_a_crash_liquidates() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		// The pool's first loan.
		let loan = LoanId::new(BLUE_CHIP_POOL, 0);
		let feeder = nft_lending_runtime::genesis_config_presets::dev_feeder();
		let charlie = Charlie.to_account_id();
		// Charlie owns Punk #2 and borrows near the limit.
		assert_ok!(NftLending::borrow(
			RuntimeOrigin::signed(charlie),
			BLUE_CHIP_POOL,
			PUNKS,
			2,
			2_000 * UNIT,
			None
		));
		// The dev chain's feeder (`//Alice//feeder`) reports a falling floor block after block; the guard
		// lets the spot fall 20% per block at most, the TWAP follows more slowly.
		let mut price = 5_000 * UNIT;
		for n in 2..=40u32 {
			run_to_block(n);
			price = price * 9 / 10;
			let prices = BoundedVec::truncate_from(vec![(PUNKS, price.max(1_000 * UNIT))]);
			assert_ok!(FloorPriceOracle::submit_floor_prices(
				RuntimeOrigin::signed(feeder.clone()),
				prices,
				n
			));
			if n == 2 {
				assert!(PendingHealthChecks::<nft_lending_runtime::Runtime>::get().contains(&PUNKS));
			}
		}
		let quote = FloorPriceOracle::quote(&PUNKS).unwrap();
		assert_eq!(quote.spot, 1_000 * UNIT);
		assert!(quote.twap < 5_000 * UNIT);
		// A non-feeder cannot report.
		assert!(FloorPriceOracle::submit_floor_prices(
			RuntimeOrigin::signed(Bob.to_account_id()),
			BoundedVec::truncate_from(vec![(PUNKS, 1_000 * UNIT)]),
			41
		)
		.is_err());
		// The TWAP fell below the liquidation line (2,000 / 70% = 2,857) on the way: the sweep
		// auctioned the loan, and with nobody bidding in the dev chain's 20-block auction the
		// loan defaulted and the punk went to the pool for `buy_defaulted`.
		let state = Loans::<nft_lending_runtime::Runtime>::get(loan).unwrap().state;
		assert!(matches!(state, LoanState::Defaulted { held_by_pool: true, .. }), "{state:?}");
		let pool_account = NftLending::pool_account(BLUE_CHIP_POOL);
		assert_eq!(
			pallet_nfts::Pallet::<nft_lending_runtime::Runtime>::owner(PUNKS, 2),
			Some(pool_account)
		);
	});
}
