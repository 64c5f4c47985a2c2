//! SPEC section 11, prices (A1-A4, A13, A14), on the real runtime: the `local_testnet` preset
//! (Alice and Bob feed prices, both needed), feeds dispatched as the feeders' signed calls,
//! blocks run with every pallet's hooks. Each test prints the figure its attack reached (run
//! with `--nocapture`); `docs/reliability.md` lists the figures on the code before the fixes.

mod common;

use common::{new_test_ext, run_to_block, signed_with_tip};
use frame_support::{assert_ok, dispatch::GetDispatchInfo, traits::Get, BoundedVec};
use nft_lending_runtime::{
	Executive, FloorPriceOracle, NftLending, Nfts, Runtime, RuntimeCall, RuntimeOrigin, System,
	UncheckedExtrinsic, UNIT,
};
use pallet_nft_lending::{CollectionParams, LoanId, LoanState, Loans};
use sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET;
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie, Eve};
use sp_runtime::Perbill;

const PUNKS: u32 = 0;
const BLUE_CHIP_POOL: u32 = 0;
/// Punks' genesis floor.
const HONEST: u128 = 5_000 * UNIT;
/// ltv of the blue-chip pool.
const LTV: Perbill = Perbill::from_percent(40);

fn feed(feeder: Sr25519Keyring, collection: u32, price: u128) -> sp_runtime::DispatchResult {
	let prices: BoundedVec<_, _> = vec![(collection, price)].try_into().unwrap();
	FloorPriceOracle::submit_floor_prices(
		RuntimeOrigin::signed(feeder.to_account_id()),
		prices,
		System::block_number(),
	)
	.map(|_| ())
	.map_err(|e| e.error)
}

fn max_borrow(collection: u32, item: u32) -> u128 {
	NftLending::max_borrow_amount(BLUE_CHIP_POOL, collection, item).unwrap_or(0)
}

fn units(x: u128) -> f64 {
	x as f64 / UNIT as f64
}

/// `ltv x price x (1 + guard)`: the most anyone may borrow on an item honestly priced `price`.
fn bound(price: u128) -> u128 {
	LTV.mul_floor(price) * 12 / 10
}

#[test]
fn attack_a1_one_of_two_feeders_reports_ten_times_for_a_thousand_blocks() {
	new_test_ext(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let mut highest = 0;
		for block in 1..=1_000 {
			run_to_block(block);
			assert_ok!(feed(Alice, PUNKS, HONEST));
			let _ = feed(Bob, PUNKS, HONEST * 10);
			highest = highest.max(max_borrow(PUNKS, 0));
		}
		println!(
			"A1 (2 feeders): max_borrow reached {} NFTL; bound {} NFTL",
			units(highest),
			units(bound(HONEST))
		);
		assert!(highest <= bound(HONEST));
	});
}

#[test]
fn attack_a1_with_three_feeders_minimum_two_and_one_offline() {
	new_test_ext(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		assert_ok!(nft_lending_runtime::FeederMembership::add_member(
			RuntimeOrigin::root(),
			Charlie.to_account_id().into()
		));
		assert_ok!(FloorPriceOracle::set_minimum_feeders(RuntimeOrigin::root(), 2));
		let mut highest = 0;
		for block in 2..=1_000 {
			run_to_block(block);
			assert_ok!(feed(Alice, PUNKS, HONEST));
			let _ = feed(Bob, PUNKS, HONEST * 10);
			highest = highest.max(max_borrow(PUNKS, 0));
		}
		println!(
			"A1 (3 feeders, one offline): max_borrow reached {} NFTL; bound {} NFTL",
			units(highest),
			units(bound(HONEST))
		);
		assert!(highest <= bound(HONEST));
	});
}

/// Alice borrows 1,000 on Punk #0 (health factor 3.5 at the honest price).
fn healthy_loan() -> LoanId {
	assert_ok!(NftLending::borrow(
		RuntimeOrigin::signed(Alice.to_account_id()),
		BLUE_CHIP_POOL,
		PUNKS,
		0,
		1_000 * UNIT,
		None
	));
	LoanId::new(BLUE_CHIP_POOL, 0)
}

fn in_auction(loan: LoanId) -> bool {
	Loans::<Runtime>::get(loan).is_some_and(|l| l.state != LoanState::Active)
}

#[test]
fn attack_a2_one_of_two_feeders_reports_a_tenth() {
	new_test_ext(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let loan = healthy_loan();
		let mut auctioned_at = None;
		for block in 2..=1_000 {
			run_to_block(block);
			assert_ok!(feed(Alice, PUNKS, HONEST));
			let _ = feed(Bob, PUNKS, HONEST / 10);
			if auctioned_at.is_none() && in_auction(loan) {
				auctioned_at = Some(block);
			}
		}
		println!("A2 (both feeding): healthy loan auctioned at {auctioned_at:?}");
		assert_eq!(auctioned_at, None);
	});
}

#[test]
fn attack_a2_the_lying_feeder_alone_while_the_honest_one_is_offline() {
	new_test_ext(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let loan = healthy_loan();
		// Governance lowered the minimum to one feed (a minority of the two feeders).
		let lowered = FloorPriceOracle::set_minimum_feeders(RuntimeOrigin::root(), 1);
		let mut auctioned_at = None;
		for block in 2..=1_000 {
			run_to_block(block);
			let _ = feed(Bob, PUNKS, HONEST / 10);
			if auctioned_at.is_none() && in_auction(loan) {
				auctioned_at = Some(block);
			}
		}
		println!(
			"A2 (honest feeder offline, minimum 1 {lowered:?}): healthy loan auctioned at \
			 {auctioned_at:?}"
		);
		assert_eq!(auctioned_at, None);
	});
}

/// Eve creates collection 3 and mints item 0 to Charlie; governance lists it in the blue-chip
/// pool, with no price yet.
fn newly_listed_collection() -> u32 {
	let eve = Eve.to_account_id();
	let collection = pallet_nfts::NextCollectionId::<Runtime>::get().unwrap_or_default();
	assert_ok!(Nfts::create(
		RuntimeOrigin::signed(eve.clone()),
		eve.clone().into(),
		pallet_nfts::CollectionConfig {
			settings: Default::default(),
			max_supply: None,
			mint_settings: Default::default(),
		}
	));
	assert_ok!(Nfts::mint(
		RuntimeOrigin::signed(eve),
		collection,
		0,
		Charlie.to_account_id().into(),
		None
	));
	assert_ok!(NftLending::add_collection(
		RuntimeOrigin::root(),
		BLUE_CHIP_POOL,
		collection,
		CollectionParams {
			ltv: LTV,
			liquidation_threshold: Perbill::from_percent(70),
			debt_ceiling: 100_000 * UNIT,
			max_loans: 100,
			liquidation_penalty: Perbill::from_percent(5),
		}
	));
	collection
}

#[test]
fn attack_a3_a_feeder_reports_a_hundred_times_for_a_newly_listed_collection() {
	new_test_ext(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let collection = newly_listed_collection();
		let honest = 1_000 * UNIT;
		let (mut highest, mut honest_refused) = (0, 0);
		// Through the warm-up (one TWAP window, 6 h on this chain) and an hour past it.
		let last = 2 + nft_lending_runtime::configs::TwapWindow::get() + 600;
		for block in 2..=last {
			run_to_block(block);
			let _ = feed(Bob, collection, honest * 100);
			if feed(Alice, collection, honest).is_err() {
				honest_refused += 1;
			}
			highest = highest
				.max(NftLending::max_borrow_amount(BLUE_CHIP_POOL, collection, 0).unwrap_or(0));
		}
		let after = NftLending::max_borrow_amount(BLUE_CHIP_POOL, collection, 0);
		println!(
			"A3 max_borrow reached {} NFTL (bound {}); honest feeds refused {honest_refused} times; \
			 after the warm-up: {after:?}",
			units(highest),
			units(bound(honest))
		);
		assert!(highest <= bound(honest));
		assert_eq!(honest_refused, 0);
		// Borrowing opened after the warm-up, on the honest price.
		assert_eq!(after, Ok(LTV.mul_floor(honest)));
	});
}

#[test]
fn attack_a4_an_honest_seventy_percent_crash() {
	new_test_ext(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let crashed = HONEST * 3 / 10;
		let mut worst = 0;
		for block in 1..=40 {
			run_to_block(block);
			let price = if block < 10 { HONEST } else { crashed };
			assert_ok!(feed(Alice, PUNKS, price));
			assert_ok!(feed(Bob, PUNKS, price));
			if block >= 10 {
				worst = worst.max(max_borrow(PUNKS, 0));
			}
		}
		println!(
			"A4 during the crash max_borrow reached {} NFTL; ltv x the new price is {}",
			units(worst),
			units(LTV.mul_floor(crashed))
		);
		assert!(worst <= LTV.mul_floor(crashed));
	});
}

#[test]
fn attack_a14_a_collection_delisted_with_open_loans_keeps_its_price() {
	new_test_ext(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let loan = healthy_loan();
		assert_ok!(NftLending::remove_collection(RuntimeOrigin::root(), BLUE_CHIP_POOL, PUNKS));
		// The collection collapses to a tenth; the feeders report it.
		let (mut refused, mut auctioned_at) = (0, None);
		for block in 2..=2_000 {
			run_to_block(block);
			let price = HONEST / 10;
			for feeder in [Alice, Bob] {
				if feed(feeder, PUNKS, price).is_err() {
					refused += 1;
				}
			}
			if auctioned_at.is_none() && in_auction(loan) {
				auctioned_at = Some(block);
			}
		}
		println!(
			"A14 feeds refused {refused} times; the unhealthy loan auctioned at {auctioned_at:?}"
		);
		assert_eq!(refused, 0);
		assert!(auctioned_at.is_some());
	});
}

fn feed_call(collection: u32, price: u128) -> RuntimeCall {
	RuntimeCall::FloorPriceOracle(pallet_floor_price_oracle::Call::submit_floor_prices {
		prices: vec![(collection, price)].try_into().unwrap(),
		observed_at: System::block_number(),
	})
}

fn priority(
	xt: UncheckedExtrinsic,
) -> Result<u64, sp_runtime::transaction_validity::TransactionValidityError> {
	Executive::validate_transaction(
		sp_runtime::transaction_validity::TransactionSource::External,
		xt,
		System::block_hash(System::block_number().saturating_sub(1)),
	)
	.map(|valid| valid.priority)
}

fn next_nonce(who: Sr25519Keyring) -> u32 {
	System::account_nonce(who.to_account_id())
}

#[test]
fn attack_a13_ordinary_transactions_cannot_crowd_out_the_feeds() {
	new_test_ext(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		run_to_block(2);
		let transfer = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
			dest: Bob.to_account_id().into(),
			value: UNIT,
		});
		// A user who tips 1,000 NFTL to get in first.
		let tipped =
			priority(signed_with_tip(Charlie, next_nonce(Charlie), transfer, 1_000 * UNIT))
				.expect("valid");
		let feed = priority(signed_with_tip(Alice, next_nonce(Alice), feed_call(PUNKS, HONEST), 0))
			.expect("valid");
		let not_a_feeder =
			priority(signed_with_tip(Eve, next_nonce(Eve), feed_call(PUNKS, HONEST), 0));
		let class = feed_call(PUNKS, HONEST).get_dispatch_info().class;
		println!(
			"A13 priority: feed {feed}, tipped transfer {tipped}; a non-feeder's feed: \
			 {not_a_feeder:?}; feed class {class:?}"
		);
		assert!(feed > tipped, "a tipped transfer outranks the feed");
		assert!(not_a_feeder.is_err(), "a non-feeder's feed enters the pool");
	});
}

#[test]
fn attack_a13_a_block_full_of_ordinary_transactions_still_takes_the_feeds() {
	use sp_runtime::transaction_validity::{InvalidTransaction, TransactionValidityError};
	new_test_ext(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		run_to_block(2);
		// Charlie fills the block's normal part with 1 MiB remarks until it refuses more.
		let mut included = 0;
		loop {
			let remark =
				RuntimeCall::System(frame_system::Call::remark { remark: vec![7u8; 1024 * 1024] });
			let xt = signed_with_tip(Charlie, next_nonce(Charlie), remark, 0);
			match Executive::apply_extrinsic(xt) {
				Ok(_) => included += 1,
				Err(TransactionValidityError::Invalid(InvalidTransaction::ExhaustsResources)) => {
					break
				}
				Err(other) => panic!("unexpected {other:?}"),
			}
			assert!(included < 100, "the block never filled");
		}
		// Both feeders' feeds still go in.
		for feeder in [Alice, Bob] {
			let xt = signed_with_tip(feeder, next_nonce(feeder), feed_call(PUNKS, HONEST), 0);
			let applied = Executive::apply_extrinsic(xt);
			println!("A13 after {included} MiB of remarks filled the block, {feeder:?}'s feed: {applied:?}");
			assert!(matches!(applied, Ok(Ok(_))), "{feeder:?}'s feed was refused: {applied:?}");
		}
		assert_eq!(FloorPriceOracle::quote(&PUNKS).unwrap().updated_at, 2);
	});
}
