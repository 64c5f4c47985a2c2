//! The replay itself: the runtime's `local_testnet` genesis, a loan book, then one block after
//! another as on chain (every pallet's `on_initialize`, the sweep among them, the timestamp
//! inherent, the feeders' transactions, the agents' transactions, every pallet's `on_finalize`).
//! Calls go through the runtime's dispatch with signed origins: the rules that run are the
//! runtime's own. Not modelled: transaction fees and block weight limits (the sweep's own budget
//! is the pallet's and does apply).

use crate::{
	agents::Agents,
	params::Params,
	report::{self, Hour, Stats, Summary},
	series::PriceSeries,
};
use frame_support::storage::{storage_prefix, unhashed};
use frame_support::traits::{
	tokens::nonfungibles_v2::Mutate, OnFinalize, OnInitialize, SortedMembers, TryState,
	TryStateSelect,
};
use nft_lending_runtime::{
	configs::CollectionId, genesis_config_presets as presets, AccountId, AllPalletsWithSystem,
	Balance, BlockNumber, BuildStorage, FeederMembership, FloorPriceOracle, NftLending, Runtime,
	RuntimeEvent, RuntimeOrigin, System, Timestamp, HOURS, SLOT_DURATION, UNIT,
};
use pallet_nft_lending::{
	CollectionParams, LiquidationConfig, LiquidationSettings, LoanId, PoolId, PoolParams, Pools,
	RateModel,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sp_runtime::{BoundedVec, Perbill};
use sp_state_machine::BasicExternalities;
use std::time::Instant;

/// The variable-rate pool of the preset (the blue-chip pool).
pub const VARIABLE_POOL: PoolId = 0;
/// The fixed-rate pool of the preset (the shared pool).
pub const FIXED_POOL: PoolId = 1;
/// Loans per borrower account.
const LOANS_PER_BORROWER: u32 = 10;
/// Items of the replayed collection start here (the preset's demo items are below).
const FIRST_ITEM: u32 = 1_000;
/// Lenders per pool: one large, nine funds, ninety small.
const LENDERS_PER_POOL: u32 = 100;
/// Bidder and buyer accounts.
const BIDDERS: u32 = 5;
/// Agents act every this many blocks (bidders and buyers; borrowers and lenders every hour).
const AUCTION_TICK: BlockNumber = 100;
/// Blocks run between two compactions of the state (dropping the keys removed since the last).
const COMPACT_EVERY: BlockNumber = 600;
/// A loan whose health factor was below this at the last hourly look is watched every block.
const WATCH_HEALTH: f64 = 1.2;

/// What to replay.
#[derive(Clone, Debug)]
pub struct Config {
	/// The price history.
	pub prices: PriceSeries,
	/// The collection whose floor follows the history (a demo collection of the preset).
	pub collection: CollectionId,
	/// Loans in the book, split between the two pools.
	pub loans: u32,
	/// Risk numbers and agents.
	pub params: Params,
	/// Seeds every random choice.
	pub seed: u64,
	/// The feeders report every this many blocks (1: every block, as on chain).
	pub feed_every: BlockNumber,
	/// Hours between two checks of every invariant (`try_state`).
	pub check_every_hours: u32,
}

/// What a replay produced.
pub struct Outcome {
	pub summary: Summary,
	pub timeline: Vec<Hour>,
}

/// A well-known account of the replay: `kind` (1 lender, 2 borrower, 3 bidder), and an index.
pub fn account(kind: u8, index: u32) -> AccountId {
	let mut raw = [0u8; 32];
	raw[0] = 0xC7;
	raw[1] = kind;
	raw[2..6].copy_from_slice(&index.to_le_bytes());
	AccountId::from(raw)
}

pub fn lender(pool: PoolId, index: u32) -> AccountId {
	account(1, pool * LENDERS_PER_POOL + index)
}

pub fn borrower(loan_index: u32) -> AccountId {
	account(2, loan_index / LOANS_PER_BORROWER)
}

pub fn bidder(index: u32) -> AccountId {
	account(3, index % BIDDERS)
}

fn percent(value: f64) -> Perbill {
	Perbill::from_parts((value * 10_000_000.0).round().clamp(0.0, 1e9) as u32)
}

fn hours(value: f64) -> BlockNumber {
	(value * HOURS as f64).round() as BlockNumber
}

fn root() -> RuntimeOrigin {
	RuntimeOrigin::root()
}

/// A call's result as the replay's error: which call failed and the runtime's error.
fn ok<T, E: core::fmt::Debug>(what: &str, result: Result<T, E>) -> Result<(), String> {
	result.map(|_| ()).map_err(|e| format!("{what}: {e:?}"))
}

/// Runs a replay from genesis to the end of the price history.
pub fn run(config: &Config) -> Result<Outcome, String> {
	let storage = presets::genesis_config(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)?
		.build_storage()
		.map_err(|e| format!("the local_testnet genesis: {e}"))?;
	// The state as a flat sorted map of keys to values (no trie: a replay needs no state
	// root, and a trie lookup per read cost two thirds of the time). Storage transactions,
	// prefix iteration and every other host function work as on chain.
	let mut ext = BasicExternalities::new(storage);
	let mut replay = ext.execute_with(|| Replay::set_up(config))?;
	let started = Instant::now();
	let last = replay.last_block();
	while replay.block < last {
		let until = (replay.block + COMPACT_EVERY).min(last);
		ext.execute_with(|| replay.run_until(until))?;
		// A removed key stays in the map as a tombstone, and iterating past tombstones (the
		// sweep's schedule is taken from its front) costs as much as live keys: drop them.
		ext = BasicExternalities::new(ext.into_storages());
	}
	let elapsed = started.elapsed().as_secs_f64();
	let summary = ext.execute_with(|| replay.finish(elapsed));
	Ok(Outcome { summary, timeline: replay.timeline })
}

/// The state of a replay between blocks.
pub struct Replay {
	config: Config,
	rng: ChaCha8Rng,
	/// The block being simulated.
	pub block: BlockNumber,
	/// The block the price history starts at.
	start: BlockNumber,
	/// The collection's floor at genesis (the history's first row).
	genesis_floor: Balance,
	/// The book's loans.
	loans: Vec<LoanId>,
	agents: Agents,
	stats: Stats,
	timeline: Vec<Hour>,
}

impl Replay {
	/// Block 1: risk numbers, lenders and their deposits; then a window of blocks so the
	/// deposits count; then the loan book.
	fn set_up(config: &Config) -> Result<Self, String> {
		let collection = config.collection;
		let genesis_floor = FloorPriceOracle::quote(&collection)
			.map(|q| q.spot)
			.ok_or_else(|| format!("collection {collection} has no price in the preset"))?;
		let mut replay = Self {
			config: config.clone(),
			rng: ChaCha8Rng::seed_from_u64(config.seed),
			block: 0,
			// Until the book is lent, the feeders report the history's first price.
			start: BlockNumber::MAX,
			genesis_floor,
			loans: Vec::new(),
			agents: Agents::new(&config.params.agents, config.seed),
			stats: Stats::default(),
			timeline: Vec::new(),
		};
		replay.next_block()?;
		replay.apply_params()?;
		let per_pool = [config.loans - config.loans / 2, config.loans / 2];
		let ltv = replay.listing_ltv(VARIABLE_POOL);
		for (pool, loans) in [(VARIABLE_POOL, per_pool[0]), (FIXED_POOL, per_pool[1])] {
			// About 65% utilized once the book is lent: the average loan takes two thirds of
			// what it could.
			let lent = ltv.mul_floor(genesis_floor) / 3 * 2 * loans as Balance;
			replay.fund_lenders(pool, lent / 65 * 100)?;
		}
		replay.mint_book()?;
		// The deposits weigh fully in the utilization averages after one window.
		let window = <Runtime as pallet_nft_lending::Config>::UtilizationWindow::get();
		while replay.block <= 1 + window {
			replay.next_block()?;
			replay.feed()?;
		}
		replay.lend(per_pool)?;
		replay.next_block()?;
		replay.feed()?;
		replay.start = replay.block;
		replay.stats.start(&replay.loans);
		replay.record_hour();
		Ok(replay)
	}

	/// The last block of the history.
	fn last_block(&self) -> BlockNumber {
		let blocks = self.config.prices.duration() * 1_000.0 / SLOT_DURATION as f64;
		self.start + blocks.ceil() as BlockNumber
	}

	/// The market floor now: the history's price at this block's time (its first price before
	/// the history starts).
	pub fn floor(&self) -> Balance {
		let Some(elapsed) = self.block.checked_sub(self.start) else {
			return self.genesis_floor;
		};
		let seconds = elapsed as f64 * SLOT_DURATION as f64 / 1_000.0;
		(self.genesis_floor as f64 * self.config.prices.factor_at(seconds)) as Balance
	}

	fn listing_ltv(&self, pool: PoolId) -> Perbill {
		Pools::<Runtime>::get(pool)
			.and_then(|p| p.listing(&self.config.collection).map(|l| l.params.ltv))
			.unwrap_or_default()
	}

	/// The parameter file's numbers, set as governance would.
	fn apply_params(&mut self) -> Result<(), String> {
		let params = &self.config.params;
		let collection = self.config.collection;
		let per_pool = self.config.loans.div_ceil(2) + 16;
		for pool_id in [VARIABLE_POOL, FIXED_POOL] {
			let pool = Pools::<Runtime>::get(pool_id).ok_or("the preset has two pools")?;
			let p = &params.pools;
			let mut curve = *pool.params.rate_model.curve();
			let set = |target: &mut Perbill, value: Option<f64>| {
				if let Some(value) = value {
					*target = percent(value);
				}
			};
			set(&mut curve.base, p.base_rate);
			set(&mut curve.slope1, p.slope1);
			set(&mut curve.slope2, p.slope2);
			set(&mut curve.optimal_utilization, p.optimal_utilization);
			let mut new = PoolParams {
				rate_model: match pool.params.rate_model.clone() {
					RateModel::Variable { .. } => RateModel::Variable { curve },
					RateModel::Fixed { terms, .. } => RateModel::Fixed { curve, terms },
				},
				..pool.params.clone()
			};
			set(&mut new.reserve_factor, p.reserve_factor);
			set(&mut new.max_utilization, p.max_utilization);
			ok("set_pool_params", NftLending::set_pool_params(root(), pool_id, new))?;

			// The collection's listing: the blue-chip numbers of the preset, as many loans as
			// the book needs, no debt ceiling in the way.
			let base = Pools::<Runtime>::get(VARIABLE_POOL)
				.and_then(|p| p.listing(&0).map(|l| l.params))
				.ok_or("the preset lists collection 0")?;
			let c = &params.collection;
			let mut listing = CollectionParams {
				max_loans: per_pool,
				debt_ceiling: 1_000_000_000 * UNIT,
				..base
			};
			set(&mut listing.ltv, c.ltv);
			set(&mut listing.liquidation_threshold, c.liquidation_threshold);
			set(&mut listing.liquidation_penalty, c.liquidation_penalty);
			let listed = pool.listing(&collection).is_some();
			let result = if listed {
				NftLending::update_collection(root(), pool_id, collection, listing)
			} else {
				NftLending::add_collection(root(), pool_id, collection, listing)
			};
			ok("listing the collection", result)?;
		}
		let l = &params.liquidation;
		let mut config: LiquidationConfig<BlockNumber> = LiquidationSettings::<Runtime>::get();
		let set_hours = |target: &mut BlockNumber, value: Option<f64>| {
			if let Some(value) = value {
				*target = hours(value);
			}
		};
		set_hours(&mut config.grace_period, l.grace_hours);
		set_hours(&mut config.auction_duration, l.auction_hours);
		set_hours(&mut config.extension_window, l.extension_hours);
		set_hours(&mut config.max_extension, l.max_extension_hours);
		set_hours(&mut config.redeem_period, l.redeem_hours);
		set_hours(&mut config.default_sale_duration, l.default_sale_hours);
		set_hours(&mut config.delivery_timeout, l.delivery_timeout_hours);
		let set = |target: &mut Perbill, value: Option<f64>| {
			if let Some(value) = value {
				*target = percent(value);
			}
		};
		set(&mut config.redeem_fine, l.redeem_fine);
		set(&mut config.first_bid_discount, l.first_bid_discount);
		set(&mut config.bid_increment, l.bid_increment);
		set(&mut config.default_sale_floor, l.default_sale_floor);
		ok("set_liquidation_config", NftLending::set_liquidation_config(root(), config))
	}

	/// Lenders of three sizes put `total` into `pool`: one 30%, nine funds 40% between them,
	/// ninety small ones 30%.
	fn fund_lenders(&mut self, pool: PoolId, total: Balance) -> Result<(), String> {
		for index in 0..LENDERS_PER_POOL {
			let amount = match index {
				0 => total / 100 * 30,
				1..=9 => total / 100 * 40 / 9,
				_ => total / 100 * 30 / 90,
			};
			let who = lender(pool, index);
			set_balance(&who, amount + 10 * UNIT)?;
			ok("deposit", NftLending::deposit(RuntimeOrigin::signed(who.clone()), pool, amount))?;
			self.agents.add_lender(pool, who);
		}
		for index in 0..BIDDERS {
			set_balance(&bidder(index), 1_000_000_000 * UNIT)?;
		}
		Ok(())
	}

	/// The book's NFTs, ten per borrower.
	fn mint_book(&mut self) -> Result<(), String> {
		let collection = self.config.collection;
		for index in 0..self.config.loans {
			let who = borrower(index);
			if index % LOANS_PER_BORROWER == 0 {
				// Enough to rescue a few loans.
				set_balance(&who, 2 * self.genesis_floor)?;
			}
			<nft_lending_runtime::Nfts as Mutate<AccountId, pallet_nfts::ItemConfig>>::mint_into(
				&collection,
				&(FIRST_ITEM + index),
				&who,
				&pallet_nfts::ItemConfig::default(),
				true,
			)
			.map_err(|e| format!("minting item {}: {e:?}", FIRST_ITEM + index))?;
		}
		Ok(())
	}

	/// The loan book: each loan takes between 35% and 100% of what its NFT may borrow, so health
	/// factors spread from the threshold's ratio to the ltv up; fixed loans have terms of 7, 30
	/// and 90 days (20%, 40%, 40%).
	fn lend(&mut self, per_pool: [u32; 2]) -> Result<(), String> {
		let collection = self.config.collection;
		let value = self.genesis_floor;
		for index in 0..self.config.loans {
			let pool = if index < per_pool[0] { VARIABLE_POOL } else { FIXED_POOL };
			let most = self.listing_ltv(pool).mul_floor(value);
			let share: f64 = self.rng.gen_range(0.35..=1.0);
			let amount = (most as f64 * share) as Balance;
			let term = match Pools::<Runtime>::get(pool).map(|p| p.params.rate_model) {
				Some(RateModel::Fixed { terms, .. }) => {
					let pick = self.rng.gen_range(0..10u32);
					let at = match pick {
						0..=1 => 0,
						2..=5 => 1,
						_ => 2,
					};
					terms.get(at.min(terms.len() - 1)).copied()
				}
				_ => None,
			};
			let loan =
				LoanId::new(pool, Pools::<Runtime>::get(pool).map(|p| p.loans_opened).unwrap_or(0));
			ok(
				&format!("borrow #{index} ({amount} on pool {pool})"),
				NftLending::borrow(
					RuntimeOrigin::signed(borrower(index)),
					pool,
					collection,
					FIRST_ITEM + index,
					amount,
					term,
				),
			)?;
			self.loans.push(loan);
		}
		Ok(())
	}

	/// The next block, as the executive runs it: the previous block's `on_finalize`, every
	/// pallet's `on_initialize` (the sweep), the timestamp inherent.
	fn next_block(&mut self) -> Result<(), String> {
		if self.block > 0 {
			AllPalletsWithSystem::on_finalize(self.block);
		}
		self.block += 1;
		reset_events();
		System::set_block_number(self.block);
		pallet_aura::CurrentSlot::<Runtime>::put(sp_consensus_aura::Slot::from(self.block as u64));
		AllPalletsWithSystem::on_initialize(self.block);
		ok(
			"the timestamp inherent",
			Timestamp::set(RuntimeOrigin::none(), self.block as u64 * SLOT_DURATION),
		)
	}

	/// Every feeder reports the market floor, as their off-chain workers would.
	fn feed(&mut self) -> Result<(), String> {
		let price = self.floor().max(1);
		for feeder in <FeederMembership as SortedMembers<AccountId>>::sorted_members() {
			let prices = BoundedVec::truncate_from(vec![(self.config.collection, price)]);
			ok(
				"a feed",
				FloorPriceOracle::submit_floor_prices(
					RuntimeOrigin::signed(feeder),
					prices,
					self.block,
				),
			)?;
		}
		Ok(())
	}

	/// Blocks up to `until`: feeds, agents, what happened, and each hour a timeline row (and
	/// the invariants when due).
	fn run_until(&mut self, until: BlockNumber) -> Result<(), String> {
		while self.block < until {
			self.next_block()?;
			if (self.block - self.start).is_multiple_of(self.config.feed_every) {
				self.feed()?;
			}
			let elapsed = self.block - self.start;
			let floor = self.floor();
			if elapsed.is_multiple_of(AUCTION_TICK) {
				self.agents.bid_and_buy(&mut self.stats, floor);
			}
			if elapsed.is_multiple_of(HOURS) {
				let book = report::active_book(&self.loans);
				self.agents.act_hourly(&mut self.stats, &book, self.block);
				self.stats.watch(&book, WATCH_HEALTH);
			}
			self.stats.look(self.block);
			self.read_events();
			if elapsed.is_multiple_of(HOURS) {
				self.record_hour();
				let hour = elapsed / HOURS;
				if hour.is_multiple_of(self.config.check_every_hours) {
					AllPalletsWithSystem::try_state(self.block, TryStateSelect::All).map_err(
						|e| format!("an invariant broke at block {}: {e:?}", self.block),
					)?;
					self.stats.invariant_checks += 1;
				}
			}
		}
		Ok(())
	}

	fn read_events(&mut self) {
		for record in System::read_events_no_consensus() {
			if let RuntimeEvent::NftLending(event) = record.event {
				self.stats.note(self.block, &event, &mut self.agents);
			}
		}
	}

	fn record_hour(&mut self) {
		let quote = FloorPriceOracle::quote(&self.config.collection);
		let hour = Hour::now(
			(self.block - self.start) / HOURS,
			self.floor(),
			quote.map(|q| q.health_twap).unwrap_or_default(),
			&self.loans,
		);
		self.stats.hour(&hour);
		self.timeline.push(hour);
	}

	fn finish(&mut self, elapsed: f64) -> Summary {
		let blocks = self.block - self.start;
		self.stats.summary(&self.config, blocks, elapsed, &self.agents)
	}
}

/// `System::reset_events`, as the executive calls it at each block's start. Its clearing of
/// `EventTopics` walks every key of a flat state even when there is no topic (nothing in the
/// runtime deposits events with topics): that walk runs only when a topic exists.
fn reset_events() {
	let topics = storage_prefix(b"System", b"EventTopics");
	if sp_io::storage::next_key(&topics).is_some_and(|key| key.starts_with(&topics)) {
		System::reset_events();
	} else {
		unhashed::kill(&storage_prefix(b"System", b"Events"));
		unhashed::kill(&storage_prefix(b"System", b"EventCount"));
	}
}

fn set_balance(who: &AccountId, amount: Balance) -> Result<(), String> {
	ok(
		"set a balance",
		nft_lending_runtime::Balances::force_set_balance(root(), who.clone().into(), amount),
	)
}

use frame_support::traits::Get as _;
