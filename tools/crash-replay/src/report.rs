//! What a replay measures, from the runtime's events and views: the summary (`summary.json`, the
//! table on stdout) and the hourly timeline (`timeline.csv`).

use crate::{
	agents::Agents,
	replay::{Config, FIXED_POOL, VARIABLE_POOL},
};
use nft_lending_runtime::{Balance, BlockNumber, NftLending, Runtime, UNIT};
use pallet_nft_lending::{
	views::{LoanInfoOf, LoanStatus},
	Event, LoanId, LoanState, Loans, PoolId,
};
use serde::{Deserialize, Serialize};
use sp_runtime::FixedPointNumber;
use std::collections::BTreeMap;

fn nftl(planck: Balance) -> f64 {
	planck as f64 / UNIT as f64
}

fn pool_index(pool: PoolId) -> usize {
	if pool == VARIABLE_POOL {
		0
	} else {
		1
	}
}

/// One row of `timeline.csv`: the state at the end of a simulated hour.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Hour {
	pub hour: u32,
	/// The market floor (the history's price) and the oracle's health TWAP, in NFTL.
	pub price: f64,
	pub twap: f64,
	/// Per pool (variable, fixed): utilization (%), share price, cash (NFTL).
	pub utilization_variable: f64,
	pub utilization_fixed: f64,
	pub share_price_variable: f64,
	pub share_price_fixed: f64,
	pub cash_variable: f64,
	pub cash_fixed: f64,
	/// The book's loans: running, in auction, defaulted with the NFT still for sale.
	pub loans_active: u32,
	pub loans_in_auction: u32,
	pub loans_defaulted: u32,
}

impl Hour {
	pub fn now(hour: u32, floor: Balance, twap: Balance, _loans: &[LoanId]) -> Self {
		let pool = |id| NftLending::pool_info(id).expect("both pools exist");
		let (variable, fixed) = (pool(VARIABLE_POOL), pool(FIXED_POOL));
		let (mut active, mut in_auction, mut defaulted) = (0, 0, 0);
		for loan in Loans::<Runtime>::iter_values() {
			match loan.state {
				LoanState::Active => active += 1,
				LoanState::InAuction => in_auction += 1,
				LoanState::Defaulted { .. } => defaulted += 1,
			}
		}
		let percent = |p: sp_runtime::Perbill| p.deconstruct() as f64 / 1e7;
		let price = |r: pallet_nft_lending::math::Rate| r.into_inner() as f64 / 1e18;
		Self {
			hour,
			price: nftl(floor),
			twap: nftl(twap),
			utilization_variable: percent(variable.utilization),
			utilization_fixed: percent(fixed.utilization),
			share_price_variable: price(variable.share_price),
			share_price_fixed: price(fixed.share_price),
			cash_variable: nftl(variable.cash),
			cash_fixed: nftl(fixed.cash),
			loans_active: active,
			loans_in_auction: in_auction,
			loans_defaulted: defaulted,
		}
	}
}

/// Figures for one pool.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct PoolFigures {
	pub share_price_start: f64,
	pub share_price_min: f64,
	pub share_price_end: f64,
	/// Highest utilization of an hour's end (%).
	pub max_utilization: f64,
	/// The pool's cash at the start and the end, and the change the events account for
	/// (deposits, withdrawals, borrows, repayments, extensions, redemptions, auction proceeds,
	/// defaulted sales), in planck: `cash_end - cash_start` must equal `cash_flows`.
	pub cash_start: Balance,
	pub cash_end: Balance,
	pub cash_flows: i128,
}

/// Blocks from a loan's health factor first falling below 1 to its auction.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Delay {
	pub loans: u32,
	pub mean: f64,
	pub p50: u32,
	pub p95: u32,
	pub max: u32,
}

/// `summary.json`. Amounts in NFTL, and the loss figures also in planck (exact).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Summary {
	pub params: String,
	pub seed: u64,
	pub loans: u32,
	pub blocks: u32,
	pub hours: u32,
	/// The feeders reported every this many blocks: 1 as on chain; more is the stepped mode,
	/// where the price moves in steps and the sweep walks once per step.
	pub feed_every_blocks: u32,
	/// Loans whose auction started: by health factor, or overdue fixed loans.
	pub loans_liquidated: u32,
	pub liquidated_overdue: u32,
	pub auctions_with_bids: u32,
	pub auctions_without_bids: u32,
	pub redeemed: u32,
	pub defaulted_nfts_sold: u32,
	pub bids: u32,
	pub rescued_by_borrowers: u32,
	pub repaid_at_due: u32,
	pub blocks_unhealthy_to_auction: Delay,
	/// Debt of the auctioned loans, and what their auctions and defaulted sales brought in.
	pub auctioned_debt: f64,
	pub proceeds: f64,
	/// `proceeds / auctioned_debt`.
	pub recovery_rate: f64,
	pub bad_debt_booked: f64,
	pub reserve_used: f64,
	pub lenders_loss: f64,
	pub bad_debt_booked_planck: Balance,
	pub reserve_used_planck: Balance,
	pub lenders_loss_planck: Balance,
	pub variable_pool: PoolFigures,
	pub fixed_pool: PoolFigures,
	pub withdrawal_requests: u32,
	pub withdrawals_paid_at_once: u32,
	/// `withdrawals_paid_at_once / withdrawal_requests` (1 when nobody asked).
	pub paid_at_once_share: f64,
	pub lenders_still_waiting: u32,
	pub invariant_checks: u32,
	/// Timing: the only part that differs between two runs of the same replay.
	pub performance: Performance,
}

#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Performance {
	pub seconds: f64,
	pub blocks_per_second: f64,
}

/// Counters the replay keeps as blocks pass.
#[derive(Default)]
pub struct Stats {
	pub invariant_checks: u32,
	pub bids: u32,
	pub rescued: u32,
	pub repaid_at_due: u32,
	pub withdrawal_requests: u32,
	pub paid_at_once: u32,
	liquidated: u32,
	overdue: BTreeMap<LoanId, ()>,
	liquidated_overdue: u32,
	settled: u32,
	defaulted: u32,
	redeemed: u32,
	sold: u32,
	auctioned_debt: Balance,
	proceeds: Balance,
	bad_debt: Balance,
	reserve_used: Balance,
	lenders_loss: Balance,
	/// The block each loan's health factor was first seen below 1.
	first_unhealthy: BTreeMap<LoanId, BlockNumber>,
	/// Loans looked at every block (close to unhealthy at the last hourly look).
	watched: Vec<LoanId>,
	delays: Vec<BlockNumber>,
	pools: [PoolFigures; 2],
}

/// The book's active loans and their figures, read once an hour for the borrowers and the
/// watch list (one `loan_info` per loan: each accrues its pool and reads the oracle).
pub type Book = Vec<(LoanId, LoanInfoOf<Runtime>)>;

/// The active loans among `loans`, with their figures now.
pub fn active_book(loans: &[LoanId]) -> Book {
	loans
		.iter()
		.filter_map(|id| {
			NftLending::loan_info(*id)
				.filter(|info| info.status == LoanStatus::Active)
				.map(|info| (*id, info))
		})
		.collect()
}

impl Stats {
	/// The state the replay starts from.
	pub fn start(&mut self, _loans: &[LoanId]) {
		for pool in [VARIABLE_POOL, FIXED_POOL] {
			let info = NftLending::pool_info(pool).expect("both pools exist");
			let figures = &mut self.pools[pool_index(pool)];
			figures.cash_start = info.cash;
			let price = info.share_price.into_inner() as f64 / 1e18;
			figures.share_price_start = price;
			figures.share_price_min = price;
		}
	}

	/// Hourly: the loans of `book` to look at every block until the next hour (those below
	/// `below` and not seen unhealthy yet).
	pub fn watch(&mut self, book: &Book, below: f64) {
		let below = pallet_nft_lending::math::Rate::saturating_from_rational(
			(below * 1000.0) as u128,
			1000,
		);
		self.watched = book
			.iter()
			.filter(|(id, info)| {
				!self.first_unhealthy.contains_key(id)
					&& info.health_factor.is_some_and(|h| h < below)
			})
			.map(|(id, _)| *id)
			.collect();
	}

	/// Every block: did a watched loan's health factor fall below 1?
	pub fn look(&mut self, now: BlockNumber) {
		let one = <pallet_nft_lending::math::Rate as sp_runtime::traits::One>::one();
		let first_unhealthy = &mut self.first_unhealthy;
		self.watched.retain(|id| {
			let unhealthy = NftLending::loan_info(*id)
				.is_some_and(|info| info.health_factor.is_some_and(|h| h < one));
			if unhealthy {
				first_unhealthy.insert(*id, now);
			}
			!unhealthy
		});
	}

	/// An event of the lending pallet in block `now`.
	pub fn note(&mut self, now: BlockNumber, event: &Event<Runtime>, agents: &mut Agents) {
		let flow = |stats: &mut Self, pool: PoolId, amount: i128| {
			stats.pools[pool_index(pool)].cash_flows += amount;
		};
		match event {
			Event::Deposited { pool, amount, seed, .. } => {
				flow(self, *pool, (*amount - *seed) as i128)
			}
			Event::Withdrawn { pool, amount, .. } => flow(self, *pool, -(*amount as i128)),
			Event::Borrowed { loan, amount, .. } => flow(self, loan.pool, -(*amount as i128)),
			Event::BorrowedMore { loan, amount, .. } => flow(self, loan.pool, -(*amount as i128)),
			Event::Repaid { loan, amount, .. } => flow(self, loan.pool, *amount as i128),
			Event::Extended { loan, interest_paid, .. } => {
				flow(self, loan.pool, *interest_paid as i128)
			}
			Event::LoanOverdue { loan, .. } => {
				self.overdue.insert(*loan, ());
			}
			Event::AuctionStarted { loan, debt, .. } => {
				self.liquidated += 1;
				self.auctioned_debt += debt;
				if self.overdue.remove(loan).is_some() {
					self.liquidated_overdue += 1;
				} else {
					let since = self.first_unhealthy.get(loan).copied().unwrap_or(now);
					self.delays.push(now - since);
				}
				agents.auction_started(*loan);
			}
			Event::Redeemed { loan, debt, fine, fine_to } => {
				self.redeemed += 1;
				let paid = debt + if fine_to.is_none() { *fine } else { 0 };
				flow(self, loan.pool, paid as i128);
				agents.auction_ended(*loan);
			}
			Event::AuctionSettled { loan, to_pool, penalty, .. } => {
				self.settled += 1;
				self.proceeds += to_pool + penalty;
				flow(self, loan.pool, (to_pool + penalty) as i128);
				agents.auction_ended(*loan);
			}
			Event::SurplusToReserve { loan, amount } => flow(self, loan.pool, *amount as i128),
			Event::LoanDefaulted { loan, .. } => {
				self.defaulted += 1;
				agents.defaulted(*loan);
			}
			Event::DefaultedSold { loan, price, .. } => {
				self.sold += 1;
				self.proceeds += price;
				flow(self, loan.pool, *price as i128);
				agents.sold(*loan);
			}
			Event::ReserveWithdrawn { pool, amount, .. } => flow(self, *pool, -(*amount as i128)),
			Event::BadDebt { loss, covered_by_reserve, written_off, .. } => {
				self.bad_debt += loss;
				self.reserve_used += covered_by_reserve;
				self.lenders_loss += written_off;
			}
			_ => {}
		}
	}

	/// An hour's end.
	pub fn hour(&mut self, hour: &Hour) {
		let [variable, fixed] = &mut self.pools;
		variable.share_price_min = variable.share_price_min.min(hour.share_price_variable);
		fixed.share_price_min = fixed.share_price_min.min(hour.share_price_fixed);
		variable.max_utilization = variable.max_utilization.max(hour.utilization_variable);
		fixed.max_utilization = fixed.max_utilization.max(hour.utilization_fixed);
		variable.share_price_end = hour.share_price_variable;
		fixed.share_price_end = hour.share_price_fixed;
	}

	pub fn summary(
		&mut self,
		config: &Config,
		blocks: BlockNumber,
		seconds: f64,
		agents: &Agents,
	) -> Summary {
		for pool in [VARIABLE_POOL, FIXED_POOL] {
			self.pools[pool_index(pool)].cash_end =
				NftLending::pool_info(pool).expect("both pools exist").cash;
		}
		let mut delays = self.delays.clone();
		delays.sort_unstable();
		let at = |q: f64| {
			delays.get(((delays.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0)
		};
		let delay = Delay {
			loans: delays.len() as u32,
			mean: if delays.is_empty() {
				0.0
			} else {
				delays.iter().map(|d| *d as f64).sum::<f64>() / delays.len() as f64
			},
			p50: at(0.5),
			p95: at(0.95),
			max: delays.last().copied().unwrap_or(0),
		};
		Summary {
			params: config.params.name.clone().unwrap_or_else(|| "ours".into()),
			seed: config.seed,
			loans: config.loans,
			blocks,
			hours: blocks / nft_lending_runtime::HOURS,
			feed_every_blocks: config.feed_every,
			loans_liquidated: self.liquidated,
			liquidated_overdue: self.liquidated_overdue,
			auctions_with_bids: self.settled,
			auctions_without_bids: self.defaulted,
			redeemed: self.redeemed,
			defaulted_nfts_sold: self.sold,
			bids: self.bids,
			rescued_by_borrowers: self.rescued,
			repaid_at_due: self.repaid_at_due,
			blocks_unhealthy_to_auction: delay,
			auctioned_debt: nftl(self.auctioned_debt),
			proceeds: nftl(self.proceeds),
			recovery_rate: if self.auctioned_debt == 0 {
				1.0
			} else {
				self.proceeds as f64 / self.auctioned_debt as f64
			},
			bad_debt_booked: nftl(self.bad_debt),
			reserve_used: nftl(self.reserve_used),
			lenders_loss: nftl(self.lenders_loss),
			bad_debt_booked_planck: self.bad_debt,
			reserve_used_planck: self.reserve_used,
			lenders_loss_planck: self.lenders_loss,
			variable_pool: self.pools[0],
			fixed_pool: self.pools[1],
			withdrawal_requests: self.withdrawal_requests,
			withdrawals_paid_at_once: self.paid_at_once,
			paid_at_once_share: if self.withdrawal_requests == 0 {
				1.0
			} else {
				self.paid_at_once as f64 / self.withdrawal_requests as f64
			},
			lenders_still_waiting: agents.lenders_waiting() as u32,
			invariant_checks: self.invariant_checks,
			performance: Performance {
				seconds,
				blocks_per_second: blocks as f64 / seconds.max(1e-9),
			},
		}
	}
}

impl Summary {
	/// The table printed on stdout.
	pub fn table(&self) -> String {
		let mut rows: Vec<(String, String)> = vec![
			("parameters".into(), self.params.clone()),
			("loans".into(), self.loans.to_string()),
			("simulated".into(), format!("{} blocks ({} h)", self.blocks, self.hours)),
			(
				"prices reported".into(),
				match self.feed_every_blocks {
					1 => "every block".into(),
					n => format!("every {n} blocks (stepped mode)"),
				},
			),
			(
				"loans liquidated".into(),
				format!("{} ({} overdue)", self.loans_liquidated, self.liquidated_overdue),
			),
			(
				"auctions with / without bids".into(),
				format!("{} / {}", self.auctions_with_bids, self.auctions_without_bids),
			),
			("defaulted NFTs sold".into(), self.defaulted_nfts_sold.to_string()),
			("loans rescued by borrowers".into(), self.rescued_by_borrowers.to_string()),
			(
				"blocks unhealthy -> auction".into(),
				format!(
					"mean {:.1}, p50 {}, p95 {}, max {} ({} loans)",
					self.blocks_unhealthy_to_auction.mean,
					self.blocks_unhealthy_to_auction.p50,
					self.blocks_unhealthy_to_auction.p95,
					self.blocks_unhealthy_to_auction.max,
					self.blocks_unhealthy_to_auction.loans
				),
			),
			("recovery rate".into(), format!("{:.1}%", self.recovery_rate * 100.0)),
			("bad debt booked".into(), format!("{:.2} NFTL", self.bad_debt_booked)),
			("reserve used".into(), format!("{:.2} NFTL", self.reserve_used)),
			("lenders' loss".into(), format!("{:.2} NFTL", self.lenders_loss)),
		];
		for (name, pool) in [("variable", &self.variable_pool), ("fixed", &self.fixed_pool)] {
			rows.push((
				format!("{name} pool share price"),
				format!(
					"start {:.6}, min {:.6}, end {:.6}",
					pool.share_price_start, pool.share_price_min, pool.share_price_end
				),
			));
			rows.push((
				format!("{name} pool max utilization"),
				format!("{:.1}%", pool.max_utilization),
			));
		}
		rows.push((
			"withdrawals paid at once".into(),
			format!(
				"{} of {} ({:.1}%), {} lenders still waiting",
				self.withdrawals_paid_at_once,
				self.withdrawal_requests,
				self.paid_at_once_share * 100.0,
				self.lenders_still_waiting
			),
		));
		rows.push(("invariant checks".into(), format!("{} (all passed)", self.invariant_checks)));
		rows.push((
			"speed".into(),
			format!(
				"{:.0} blocks/s ({:.1} s)",
				self.performance.blocks_per_second, self.performance.seconds
			),
		));
		let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
		rows.iter().map(|(k, v)| format!("{k:<width$}  {v}\n")).collect()
	}
}

/// `timeline.csv`.
pub fn timeline_csv(hours: &[Hour]) -> String {
	let mut out = String::from(
		"hour,price,twap,utilization_variable,utilization_fixed,share_price_variable,\
		 share_price_fixed,cash_variable,cash_fixed,loans_active,loans_in_auction,loans_defaulted\n",
	);
	for h in hours {
		out.push_str(&format!(
			"{},{:.3},{:.3},{:.3},{:.3},{:.9},{:.9},{:.3},{:.3},{},{},{}\n",
			h.hour,
			h.price,
			h.twap,
			h.utilization_variable,
			h.utilization_fixed,
			h.share_price_variable,
			h.share_price_fixed,
			h.cash_variable,
			h.cash_fixed,
			h.loans_active,
			h.loans_in_auction,
			h.loans_defaulted
		));
	}
	out
}
