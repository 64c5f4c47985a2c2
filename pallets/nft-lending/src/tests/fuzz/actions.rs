//! What the fuzzer's actors do, and how often. An action carries all its randomness, so a list of
//! actions replays the same way every time; which loan an action touches is picked among the
//! loans open at that moment.

use super::Rng;

/// A per-mille: `per_mille / 1000` of something (above 1000: more than it).
pub type PerMille = u16;

/// Ways a collection's price moves, as its feeders report it. The honest floor stays between a
/// tenth and three times where it started, so a long campaign keeps lending.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PriceMove {
	/// The honest floor moves by `(per_mille - 1000) / 10` percent, within the guard: the oracle
	/// follows at once.
	Drift(PerMille),
	/// The honest floor falls by a `per_mille` part at once: the oracle's spot is clamped and
	/// flagged for a few blocks, then the TWAP follows.
	Crash(PerMille),
	/// The honest floor goes back to where it started (a crash recovered, a bubble burst).
	Recover,
	/// One of two feeders lies high: the upper middle value (the health factor's) is `times`
	/// the honest floor.
	LiarHigh(u8),
	/// One of two feeders lies low: the lower middle value (borrowing's) is the honest floor
	/// divided by `times`.
	LiarLow(u8),
	/// The liar stops.
	Honest,
	/// The feeders go quiet for `n` blocks: the price goes stale, then warms up again.
	Stale(u16),
	/// The feeders come back at once (and the price warms up again).
	Fresh,
}

/// What governance does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Govern {
	/// New risk numbers for a listed collection (`ltv` and threshold in percent, `max_loans`).
	UpdateCollection { pool: u8, collection: u8, ltv: u8, threshold: u8, max_loans: u8 },
	/// A new curve, reserve factor and maximum utilization (percent) for a pool.
	SetPoolParams { pool: u8, kink: u8, slope2: u8, reserve: u8, max_utilization: u8 },
	/// Pause or unpause.
	Pause { pool: u8, paused: bool },
	/// Remove a collection from a pool (open loans run on) or list it again.
	Listing { pool: u8, collection: u8, listed: bool },
	/// New liquidation settings: auction length and redeem period (blocks), discount (percent).
	Liquidation { auction: u16, redeem: u16, discount: u8 },
	/// Take part of a pool's reserve (`per_mille` of it).
	WithdrawReserve { pool: u8, per_mille: PerMille },
}

/// One step of the campaign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
	/// A lender deposits `amount` NFTL.
	Deposit { lender: u8, pool: u8, amount: u32 },
	/// A lender withdraws a part of its shares.
	Withdraw { lender: u8, pool: u8, per_mille: PerMille },
	/// The owner of an NFT pledges it for a part of what it could borrow (above 1000: more than
	/// it may), with a term on a fixed pool. The NFT is the first free one of the collection
	/// from `item` on, or `item` itself when `exact` (pledged, or held by a pool, maybe).
	Borrow { collection: u8, item: u8, exact: bool, pool: u8, per_mille: PerMille, term: u8 },
	/// The borrower of a variable loan borrows a part more of what its NFT could borrow.
	BorrowMore { loan: u32, per_mille: PerMille },
	/// Anyone repays a part of a loan's debt (above 1000: all of it).
	Repay { loan: u32, payer: u8, per_mille: PerMille },
	/// The borrower of a fixed loan extends it.
	Extend { loan: u32 },
	/// A bidder bids the minimum plus a part of the debt (0: exactly the minimum; below it
	/// sometimes).
	Bid { loan: u32, bidder: u8, per_mille: PerMille, below_minimum: bool },
	/// The borrower redeems.
	Redeem { loan: u32 },
	/// Anyone settles an auction.
	Settle { loan: u32 },
	/// Anyone buys a defaulted NFT at its price (or offers a part less).
	BuyDefaulted { loan: u32, buyer: u8, short: bool },
	/// By the owner of a free NFT (the first from `item` on): deposit `amount` NFTL, borrow all
	/// it may on the NFT, withdraw everything deposited; in one batch (`wait` 0), or the
	/// deposit `wait` blocks before a batch of the other two.
	DepositBorrowWithdraw { pool: u8, amount: u32, collection: u8, item: u8, wait: u8 },
	/// In one batch, by the borrower of a fixed loan: deposit `amount` NFTL, extend the loan,
	/// withdraw everything deposited.
	DepositExtendWithdraw { amount: u32, loan: u32 },
	/// In one batch: deposit `amount` NFTL, buy a defaulted NFT, withdraw everything.
	DepositBuyWithdraw { lender: u8, amount: u32, loan: u32 },
	/// In one batch: deposit and withdraw at once.
	DepositWithdraw { lender: u8, pool: u8, amount: u32 },
	/// A collection's price moves.
	Price { collection: u8, how: PriceMove },
	/// The collection's freezer freezes or thaws an item (pledged or not).
	Freeze { collection: u8, item: u8, frozen: bool },
	/// Governance.
	Govern(Govern),
	/// `n` blocks pass, the sweep running in each.
	Blocks { n: u32 },
}

/// The collections and items of the world (see `world`).
pub const COLLECTIONS: u8 = 3;
pub const ITEMS: u8 = 12;
pub const LENDERS: u8 = 4;
pub const POOLS: u8 = 2;

impl Action {
	/// A random action, weighted towards what moves money.
	pub fn random(rng: &mut Rng) -> Self {
		let pick = |rng: &mut Rng, n: u8| rng.below(n as u64) as u8;
		let loan = |rng: &mut Rng| rng.next() as u32;
		// A part of something: mostly a fair part, a fifth of the time close to all of it, and
		// sometimes too little or more than there is.
		let per_mille = |rng: &mut Rng| match rng.below(20) {
			0..=1 => 1_000 + rng.below(500) as u16,
			2 => rng.below(50) as u16,
			3..=6 => 900 + rng.below(101) as u16,
			_ => rng.below(1_001) as u16,
		};
		match rng.below(100) {
			0..=9 => Action::Deposit {
				lender: pick(rng, LENDERS),
				pool: pick(rng, POOLS),
				amount: 1 + rng.below(50_000) as u32,
			},
			10..=14 => Action::Withdraw {
				lender: pick(rng, LENDERS),
				pool: pick(rng, POOLS),
				per_mille: per_mille(rng),
			},
			15..=33 => {
				let collection = pick(rng, COLLECTIONS);
				// Mostly a pool that lists the collection (0: pool 0, 2: pool 1, 1: both).
				let pool = match (collection, rng.chance(90)) {
					(0, true) => 0,
					(2, true) => 1,
					_ => pick(rng, POOLS),
				};
				Action::Borrow {
					collection,
					item: pick(rng, ITEMS),
					exact: rng.chance(10),
					pool,
					per_mille: per_mille(rng),
					term: pick(rng, 3),
				}
			}
			34..=35 => Action::BorrowMore { loan: loan(rng), per_mille: per_mille(rng) },
			36..=45 => Action::Repay {
				loan: loan(rng),
				payer: pick(rng, 8),
				// Repaid in full (above 1000) four times in ten; a tenth of the time a sliver,
				// less than the interest a fixed loan owes.
				per_mille: match rng.below(10) {
					0..=3 => 1_001,
					4 => rng.below(5) as u16,
					_ => per_mille(rng),
				},
			},
			46 => Action::Extend { loan: loan(rng) },
			47 => Action::DepositExtendWithdraw {
				amount: 1 + rng.below(500_000) as u32,
				loan: loan(rng),
			},
			48..=53 => Action::Bid {
				loan: loan(rng),
				bidder: pick(rng, 8),
				per_mille: if rng.chance(50) { 0 } else { per_mille(rng) },
				below_minimum: rng.chance(10),
			},
			54..=55 => Action::Redeem { loan: loan(rng) },
			56..=57 => Action::Settle { loan: loan(rng) },
			58..=60 => {
				Action::BuyDefaulted { loan: loan(rng), buyer: pick(rng, 8), short: rng.chance(20) }
			}
			61..=62 => Action::DepositBorrowWithdraw {
				pool: pick(rng, POOLS),
				amount: 1 + rng.below(500_000) as u32,
				collection: pick(rng, COLLECTIONS),
				item: pick(rng, ITEMS),
				wait: if rng.chance(60) { 0 } else { 1 + pick(rng, 5) },
			},
			63 => Action::DepositBuyWithdraw {
				lender: pick(rng, LENDERS),
				amount: 1 + rng.below(100_000) as u32,
				loan: loan(rng),
			},
			64 => Action::DepositWithdraw {
				lender: pick(rng, LENDERS),
				pool: pick(rng, POOLS),
				amount: 1 + rng.below(100_000) as u32,
			},
			65..=76 => {
				Action::Price { collection: pick(rng, COLLECTIONS), how: PriceMove::random(rng) }
			}
			77..=78 => Action::Freeze {
				collection: pick(rng, COLLECTIONS),
				item: pick(rng, ITEMS),
				frozen: rng.chance(15),
			},
			79..=81 => Action::Govern(Govern::random(rng)),
			_ => Action::Blocks {
				n: match rng.below(200) {
					0..=119 => 1,
					120..=189 => 2 + rng.below(50) as u32,
					190..=198 => 100 + rng.below(1_500) as u32,
					_ => 2_000 + rng.below(15_000) as u32,
				},
			},
		}
	}
}

impl PriceMove {
	fn random(rng: &mut Rng) -> Self {
		match rng.below(100) {
			0..=49 => PriceMove::Drift(850 + rng.below(301) as u16),
			50..=59 => PriceMove::Crash(200 + rng.below(700) as u16),
			60..=69 => PriceMove::Recover,
			70..=75 => PriceMove::LiarHigh(2 + rng.below(9) as u8),
			76..=81 => PriceMove::LiarLow(2 + rng.below(9) as u8),
			82..=91 => PriceMove::Honest,
			92..=96 => PriceMove::Stale(1 + rng.below(2_000) as u16),
			_ => PriceMove::Fresh,
		}
	}
}

impl Govern {
	fn random(rng: &mut Rng) -> Self {
		let pool = rng.below(POOLS as u64) as u8;
		match rng.below(6) {
			0 => {
				let ltv = 10 + rng.below(60) as u8;
				Govern::UpdateCollection {
					pool,
					collection: rng.below(COLLECTIONS as u64) as u8,
					ltv,
					// Sometimes below the ltv: an invalid proposal.
					threshold: ltv.saturating_add(rng.below(35) as u8).saturating_sub(3),
					max_loans: rng.below(30) as u8,
				}
			}
			1 => Govern::SetPoolParams {
				pool,
				kink: rng.below(101) as u8,
				slope2: rng.below(101) as u8,
				reserve: rng.below(101) as u8,
				max_utilization: 30 + rng.below(71) as u8,
			},
			2 => Govern::Pause { pool, paused: rng.chance(5) },
			3 => Govern::Listing {
				pool,
				collection: rng.below(COLLECTIONS as u64) as u8,
				listed: rng.chance(90),
			},
			4 => Govern::Liquidation {
				auction: rng.below(2_000) as u16,
				redeem: rng.below(500) as u16,
				discount: rng.below(60) as u8,
			},
			_ => Govern::WithdrawReserve { pool, per_mille: rng.below(1_200) as u16 },
		}
	}
}
