//! The simulated people, each with simple, seeded behaviour (`[agents]` in the parameter file):
//!
//! - **Bidders** look at every auction every 100 blocks (10 minutes). An auction drawn as one
//!   that gets no bid (`no_bid_share` of them, drawn when it starts) never gets one; on the
//!   others, a bidder bids the minimum whenever it is at least `bid_discount` below the market
//!   floor and the bidder does not lead already. Five bidders take turns, so bids can climb.
//! - **Buyers** take a defaulted NFT at its falling price once that is `buy_discount` below the
//!   market floor (checked with the bidders).
//! - **Borrowers** look at their loans every hour. A loan whose health factor is below
//!   `rescue_health` is rescued with probability `rescue_share` (drawn once per loan): its
//!   borrower repays down to the debt that gives a health factor of `rescue_to`. A fixed loan
//!   within a day of its due block is repaid in full with probability `repay_at_due_share`
//!   (drawn once); the others go overdue and into auction.
//! - **Lenders** look every hour. Each has a utilization and a share-price loss at which it
//!   runs (drawn between `run_utilization` and `run_loss`), unless it is one of the
//!   `steady_lender_share` who never run. A lender that runs asks for everything; what the
//!   pool's cash cannot pay is asked for again every hour. A request paid in full at once counts
//!   as "paid at once".

use crate::{
	params,
	report::{Book, Stats},
};
use nft_lending_runtime::{AccountId, Balance, BlockNumber, NftLending, RuntimeOrigin, DAYS};
use pallet_nft_lending::{views::LoanStatus, LoanId, PoolId, Shares};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sp_runtime::{FixedPointNumber, FixedU128};
use std::collections::{BTreeMap, BTreeSet};

/// A lender and its thresholds.
struct Lender {
	pool: PoolId,
	who: AccountId,
	/// Runs above this utilization (a fraction), or when the share price fell by `run_loss`.
	run_utilization: f64,
	run_loss: f64,
	steady: bool,
	/// The share price it first saw.
	start_price: Option<f64>,
	/// Asked to withdraw and not fully paid yet.
	waiting: bool,
	done: bool,
}

/// Everyone but the feeders.
pub struct Agents {
	params: params::Agents,
	rng: ChaCha8Rng,
	lenders: Vec<Lender>,
	/// Running auctions: whether each one draws bids at all.
	auctions: BTreeMap<LoanId, bool>,
	/// Defaulted NFTs for sale.
	defaulted: BTreeSet<LoanId>,
	/// Loans whose borrower has decided whether to rescue, and fixed loans whose borrower has
	/// decided whether to repay at due.
	rescue_decided: BTreeSet<LoanId>,
	due_decided: BTreeSet<LoanId>,
	/// The bidder whose turn it is.
	turn: u32,
}

fn to_f64(rate: FixedU128) -> f64 {
	rate.into_inner() as f64 / FixedU128::DIV as f64
}

impl Agents {
	pub fn new(params: &params::Agents, seed: u64) -> Self {
		Self {
			params: params.clone(),
			rng: ChaCha8Rng::seed_from_u64(seed ^ 0xA6E7_5EED),
			lenders: Vec::new(),
			auctions: BTreeMap::new(),
			defaulted: BTreeSet::new(),
			rescue_decided: BTreeSet::new(),
			due_decided: BTreeSet::new(),
			turn: 0,
		}
	}

	pub fn add_lender(&mut self, pool: PoolId, who: AccountId) {
		let [u0, u1] = self.params.run_utilization;
		let [l0, l1] = self.params.run_loss;
		let run_utilization = self.rng.gen_range(u0..=u1) / 100.0;
		let run_loss = self.rng.gen_range(l0..=l1) / 100.0;
		let steady = self.rng.gen_bool(self.params.steady_lender_share);
		self.lenders.push(Lender {
			pool,
			who,
			run_utilization,
			run_loss,
			steady,
			start_price: None,
			waiting: false,
			done: false,
		});
	}

	/// An auction started: draw whether it gets bids at all.
	pub fn auction_started(&mut self, loan: LoanId) {
		let draws = !self.rng.gen_bool(self.params.no_bid_share);
		self.auctions.insert(loan, draws);
	}

	pub fn auction_ended(&mut self, loan: LoanId) {
		self.auctions.remove(&loan);
	}

	pub fn defaulted(&mut self, loan: LoanId) {
		self.auctions.remove(&loan);
		self.defaulted.insert(loan);
	}

	pub fn sold(&mut self, loan: LoanId) {
		self.defaulted.remove(&loan);
	}

	/// Bidders and buyers, with the market floor at `floor`.
	pub fn bid_and_buy(&mut self, stats: &mut Stats, floor: Balance) {
		let bid_below = floor as f64 * (1.0 - self.params.bid_discount / 100.0);
		let auctions: Vec<LoanId> =
			self.auctions.iter().filter(|(_, draws)| **draws).map(|(id, _)| *id).collect();
		for loan in auctions {
			let Some(info) = NftLending::loan_info(loan) else { continue };
			let LoanStatus::InAuction { min_bid, best_bid, .. } = info.status else { continue };
			if min_bid as f64 > bid_below {
				continue;
			}
			let leader = best_bid.map(|(who, _)| who);
			let mut bidder = crate::replay::bidder(self.turn);
			if Some(&bidder) == leader.as_ref() {
				self.turn += 1;
				bidder = crate::replay::bidder(self.turn);
			}
			self.turn += 1;
			if NftLending::bid(RuntimeOrigin::signed(bidder), loan, min_bid).is_ok() {
				stats.bids += 1;
			}
		}
		let buy_below = floor as f64 * (1.0 - self.params.buy_discount / 100.0);
		let defaulted: Vec<LoanId> = self.defaulted.iter().copied().collect();
		for loan in defaulted {
			let Some(info) = NftLending::loan_info(loan) else { continue };
			let LoanStatus::Defaulted { price } = info.status else { continue };
			if price as f64 <= buy_below {
				let buyer = crate::replay::bidder(self.turn);
				self.turn += 1;
				let _ = NftLending::buy_defaulted(RuntimeOrigin::signed(buyer), loan, price);
			}
		}
	}

	/// Borrowers (on the active loans of `book`, as read at the hour's start) and lenders,
	/// every hour.
	pub fn act_hourly(&mut self, stats: &mut Stats, book: &Book, now: BlockNumber) {
		for (loan, info) in book {
			let origin = || RuntimeOrigin::signed(info.borrower.clone());
			if let Some(due) = info.due {
				if due.saturating_sub(now) <= DAYS && self.due_decided.insert(*loan) {
					if self.rng.gen_bool(self.params.repay_at_due_share)
						&& NftLending::repay(origin(), *loan, info.debt).is_ok()
					{
						stats.repaid_at_due += 1;
					}
					continue;
				}
			}
			let health = info.health_factor.map(to_f64).unwrap_or(f64::INFINITY);
			if health < self.params.rescue_health && self.rescue_decided.insert(*loan) {
				if !self.rng.gen_bool(self.params.rescue_share) {
					continue;
				}
				// Repay down to the debt at which the health factor is `rescue_to`.
				let target = info.liquidation_threshold.mul_floor(info.valuation) as f64
					/ self.params.rescue_to;
				let pay = info.debt.saturating_sub(target as Balance);
				let rescued = NftLending::repay(origin(), *loan, pay).is_ok()
					|| NftLending::repay(origin(), *loan, info.debt).is_ok();
				if rescued {
					stats.rescued += 1;
				}
			}
		}
		for lender in &mut self.lenders {
			if lender.done || lender.steady {
				continue;
			}
			let Some(pool) = NftLending::pool_info(lender.pool) else { continue };
			let price = to_f64(pool.share_price);
			let start = *lender.start_price.get_or_insert(price);
			let utilization = pool.utilization.deconstruct() as f64 / 1e9;
			let runs =
				utilization > lender.run_utilization || price < start * (1.0 - lender.run_loss);
			if !(lender.waiting || runs) {
				continue;
			}
			let shares = Shares::<nft_lending_runtime::Runtime>::get(lender.pool, &lender.who);
			if shares == 0 {
				lender.done = true;
				continue;
			}
			let first = !lender.waiting;
			if first {
				stats.withdrawal_requests += 1;
			}
			let worth = pool.share_price.saturating_mul_int(shares);
			let origin = RuntimeOrigin::signed(lender.who.clone());
			if worth < pool.cash
				&& NftLending::withdraw(origin.clone(), lender.pool, shares).is_ok()
			{
				if first {
					stats.paid_at_once += 1;
				}
				lender.done = true;
				lender.waiting = false;
				continue;
			}
			// What the cash pays now; the rest is asked for again next hour.
			lender.waiting = true;
			let part = (shares as f64 * pool.cash as f64 / worth.max(1) as f64 * 0.99) as Balance;
			if part > 0 {
				let _ = NftLending::withdraw(origin, lender.pool, part.min(shares));
			}
		}
	}

	/// Lenders still waiting for their money at the end.
	pub fn lenders_waiting(&self) -> usize {
		self.lenders.iter().filter(|l| l.waiting).count()
	}
}
