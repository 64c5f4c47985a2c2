//! `crash-replay`: see `docs/crash-replay.md` (`./scripts/crash-replay.sh` builds and runs it).

use clap::Parser;
use crash_replay::{params::Params, replay, series::PriceSeries, write_outputs};
use std::path::PathBuf;

/// Replays a floor-price history through the lending runtime and reports what lenders and
/// borrowers would have lived through.
#[derive(Parser)]
#[command(name = "crash-replay")]
struct Cli {
	/// The price history: CSV, a header row, then time (ISO 8601 or unix seconds) and price.
	#[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/series/crash-50.csv"))]
	prices: PathBuf,
	/// The collection whose floor follows the history (a demo collection: 0, 1 or 2).
	#[arg(long, default_value_t = 0)]
	collection: u32,
	/// Loans in the book (split between the variable and the fixed pool).
	#[arg(long, default_value_t = 10_000)]
	loans: u32,
	/// Risk numbers and agents (TOML); unset numbers stay the runtime's.
	#[arg(long)]
	params: Option<PathBuf>,
	/// Where summary.json, timeline.csv and timeline.png go.
	#[arg(long, default_value = "crash-replay-out")]
	out: PathBuf,
	/// Seeds the loan book and the agents.
	#[arg(long, default_value_t = 2022)]
	seed: u64,
	/// The feeders report every this many blocks (1: every block, as on chain). Larger is
	/// faster (the stepped mode): the price then moves in steps, and the sweep walks the
	/// collection's loans once per step. Below the oracle's MaxPriceAge (600).
	#[arg(long, default_value_t = 1)]
	feed_every: u32,
	/// Hours between two checks of every invariant.
	#[arg(long, default_value_t = 1)]
	check_every: u32,
}

fn main() {
	let cli = Cli::parse();
	if let Err(e) = run(cli) {
		eprintln!("crash-replay: {e}");
		std::process::exit(1);
	}
}

fn run(cli: Cli) -> Result<(), String> {
	let prices = PriceSeries::load(&cli.prices)?;
	let params = match &cli.params {
		Some(path) => Params::load(path)?,
		None => Params::default(),
	};
	if cli.loans == 0 || cli.feed_every == 0 || cli.check_every == 0 {
		return Err("--loans, --feed-every and --check-every must be at least 1".into());
	}
	// A price older than the oracle's MaxPriceAge is stale: loans could not be valued.
	let max_age = nft_lending_runtime::configs::MaxPriceAge::get();
	if cli.feed_every >= max_age {
		return Err(format!(
			"--feed-every must be below the oracle's MaxPriceAge ({max_age} blocks): older prices are stale"
		));
	}
	let config = replay::Config {
		prices,
		collection: cli.collection,
		loans: cli.loans,
		params,
		seed: cli.seed,
		feed_every: cli.feed_every,
		check_every_hours: cli.check_every,
	};
	let outcome = replay::run(&config)?;
	let title = format!(
		"{} on {} ({} loans, seed {})",
		outcome.summary.params,
		cli.prices.display(),
		cli.loans,
		cli.seed
	);
	write_outputs(&outcome, &cli.out, &title)?;
	print!("{}", outcome.summary.table());
	println!("written: {}/summary.json, timeline.csv, timeline.png", cli.out.display());
	Ok(())
}
