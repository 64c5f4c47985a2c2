//! Crash replay: the NFT lending runtime, natively, through a floor-price history, with a loan
//! book and agents, reporting what lenders and borrowers would have lived through
//! (`docs/crash-replay.md`).
//!
//! The runtime's own pallets and hooks run: genesis from its `local_testnet` preset, blocks with
//! `on_initialize` (the sweep) and `on_finalize`, the feeders' transactions through the oracle
//! (median, guards, TWAP), every call through the runtime's dispatch. Nothing of the lending
//! rules is written again here.

pub mod agents;
pub mod chart;
pub mod params;
pub mod replay;
pub mod report;
pub mod series;

use std::path::Path;

/// Writes `summary.json`, `timeline.csv` and `timeline.png` into `dir`.
pub fn write_outputs(outcome: &replay::Outcome, dir: &Path, title: &str) -> Result<(), String> {
	std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
	let write = |name: &str, text: String| {
		std::fs::write(dir.join(name), text)
			.map_err(|e| format!("writing {}: {e}", dir.join(name).display()))
	};
	let summary = serde_json::to_string_pretty(&outcome.summary).map_err(|e| e.to_string())?;
	write("summary.json", summary + "\n")?;
	write("timeline.csv", report::timeline_csv(&outcome.timeline))?;
	chart::draw(&outcome.timeline, title, &dir.join("timeline.png"))
}
