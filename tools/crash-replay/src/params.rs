//! The risk parameters a replay runs under (`--params FILE`, TOML), and the agents' behaviour.
//!
//! Every risk number is optional: what a file leaves out stays as the runtime's `local_testnet`
//! preset sets it (our production numbers), so `params/ours.toml` is nearly empty and a file only
//! names what it changes. Percentages are written as percent (`ltv = 40`), periods in hours.
//! Governance would set the same numbers with `update_collection`, `set_pool_params` and
//! `set_liquidation_config`; the replay sets them as root at its start.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// A parameter file.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Params {
	/// A name for the reports.
	pub name: Option<String>,
	/// The replayed collection's listing, in both pools.
	#[serde(default)]
	pub collection: CollectionRisk,
	/// Both pools' rate curve and limits.
	#[serde(default)]
	pub pools: PoolRisk,
	/// The liquidation settings.
	#[serde(default)]
	pub liquidation: Liquidation,
	/// What the simulated people do.
	#[serde(default)]
	pub agents: Agents,
}

/// `CollectionParams` (percent).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CollectionRisk {
	pub ltv: Option<f64>,
	pub liquidation_threshold: Option<f64>,
	pub liquidation_penalty: Option<f64>,
}

/// `PoolParams` and the `RateCurve` (percent).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PoolRisk {
	pub base_rate: Option<f64>,
	pub slope1: Option<f64>,
	pub slope2: Option<f64>,
	pub optimal_utilization: Option<f64>,
	pub reserve_factor: Option<f64>,
	pub max_utilization: Option<f64>,
}

/// `LiquidationConfig` (hours and percent).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Liquidation {
	pub grace_hours: Option<f64>,
	pub auction_hours: Option<f64>,
	pub extension_hours: Option<f64>,
	pub max_extension_hours: Option<f64>,
	pub redeem_hours: Option<f64>,
	pub redeem_fine: Option<f64>,
	pub first_bid_discount: Option<f64>,
	pub bid_increment: Option<f64>,
	pub default_sale_hours: Option<f64>,
	pub default_sale_floor: Option<f64>,
	pub delivery_timeout_hours: Option<f64>,
}

/// The agents (see `agents.rs`). Shares are between 0 and 1, percentages in percent.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Agents {
	/// Share of auctions that draw no bid at all, whatever the price (August 2022: most early
	/// BendDAO auctions had none).
	pub no_bid_share: f64,
	/// Bidders bid when an auction's minimum is at least this far below the market floor.
	pub bid_discount: f64,
	/// Buyers take a defaulted NFT when its price is at least this far below the market floor.
	pub buy_discount: f64,
	/// Borrowers whose health factor falls below this...
	pub rescue_health: f64,
	/// ...rescue their loan with this probability (repaying enough to reach `rescue_to`).
	pub rescue_share: f64,
	/// The health factor a rescue repays up to.
	pub rescue_to: f64,
	/// Share of fixed loans repaid at their due date (the others go overdue).
	pub repay_at_due_share: f64,
	/// Lenders withdraw everything once utilization passes their threshold, drawn between
	/// these two (percent)...
	pub run_utilization: [f64; 2],
	/// ...or once their share price has fallen by their threshold, drawn between these two
	/// (percent).
	pub run_loss: [f64; 2],
	/// Share of lenders who never run.
	pub steady_lender_share: f64,
}

impl Default for Agents {
	fn default() -> Self {
		Self {
			no_bid_share: 0.6,
			bid_discount: 10.0,
			buy_discount: 20.0,
			rescue_health: 1.1,
			rescue_share: 0.3,
			rescue_to: 1.5,
			repay_at_due_share: 0.8,
			run_utilization: [85.0, 98.0],
			run_loss: [0.5, 3.0],
			steady_lender_share: 0.3,
		}
	}
}

impl Params {
	/// Reads a TOML parameter file.
	pub fn load(path: &Path) -> Result<Self, String> {
		let text = std::fs::read_to_string(path)
			.map_err(|e| format!("cannot read the parameter file {}: {e}", path.display()))?;
		let params: Self = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
		params.agents.check().map_err(|e| format!("{}: {e}", path.display()))?;
		Ok(params)
	}
}

impl Agents {
	fn check(&self) -> Result<(), String> {
		let shares = [
			("no_bid_share", self.no_bid_share),
			("rescue_share", self.rescue_share),
			("repay_at_due_share", self.repay_at_due_share),
			("steady_lender_share", self.steady_lender_share),
		];
		for (name, share) in shares {
			if !(0.0..=1.0).contains(&share) {
				return Err(format!("agents.{name} must be between 0 and 1, not {share}"));
			}
		}
		for (name, [low, high]) in
			[("run_utilization", self.run_utilization), ("run_loss", self.run_loss)]
		{
			if !(0.0 <= low && low <= high) {
				return Err(format!("agents.{name} must be [low, high] with 0 <= low <= high"));
			}
		}
		Ok(())
	}
}
