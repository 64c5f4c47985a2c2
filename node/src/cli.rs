//! Command line: Substrate's standard `run` flags, the demo price feed flags, subcommands.

use std::net::SocketAddr;

use sc_cli::RunCmd;

/// The node's command line.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	#[clap(flatten)]
	pub run: RunCmd,

	#[clap(flatten)]
	pub price_feed: PriceFeedParams,
}

/// Where the oracle's off-chain worker gets collection floor prices from.
///
/// On the `dev` chain, without any of these flags, the node serves demo prices itself on
/// 127.0.0.1:8089 and points the off-chain worker there.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PriceFeedParams {
	/// URL of a floor price feed (`GET` returns `{"timestamp", "prices": [{"collection",
	/// "floor"}]}`). Written at startup into the off-chain persistent storage key
	/// `floor-price-oracle::source-url`, where the oracle's off-chain worker reads it.
	#[arg(long, value_name = "URL")]
	pub price_feed_url: Option<String>,

	/// Start the embedded demo price server on this loopback address (e.g. 127.0.0.1:8089).
	/// Unless `--price-feed-url` says otherwise, the off-chain worker reads from it.
	#[arg(long, value_name = "ADDR")]
	pub demo_price_feed: Option<SocketAddr>,

	/// On the `dev` chain, do not start the demo price server nor set a price feed URL.
	#[arg(long, conflicts_with = "demo_price_feed")]
	pub no_demo_price_feed: bool,
}

/// Subcommands besides running the node.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management cli utilities
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification (`scripts/generate-chain-specs.sh` writes `chain-specs/`).
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Benchmarks (`benchmark pallet` writes weight files; see `scripts/benchmark.sh`).
	/// Only in a node built with `--features runtime-benchmarks`.
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),

	/// Db meta columns information.
	ChainInfo(sc_cli::ChainInfoCmd),
}
