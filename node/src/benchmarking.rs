//! `benchmark` subcommands (node built with `--features runtime-benchmarks`).
//!
//! `benchmark pallet` runs the runtime's benchmarks and writes weight files
//! (`scripts/benchmark.sh`); `benchmark machine` rates this machine against the reference
//! hardware. The block, overhead, extrinsic and storage benchmarks are not wired in.

use frame_benchmarking_cli::{BenchmarkCmd, SUBSTRATE_REFERENCE_HARDWARE};
use nft_lending_runtime::opaque::Block;
use sc_cli::SubstrateCli;

use crate::cli::Cli;

/// Runs a `benchmark` subcommand.
pub fn run(cli: &Cli, cmd: &BenchmarkCmd) -> sc_cli::Result<()> {
	let runner = cli.create_runner(cmd)?;
	runner.sync_run(|config| match cmd {
		BenchmarkCmd::Pallet(cmd) => {
			cmd.run_with_spec::<sp_runtime::traits::HashingFor<Block>, ()>(Some(config.chain_spec))
		}
		BenchmarkCmd::Machine(cmd) => cmd.run(&config, SUBSTRATE_REFERENCE_HARDWARE.clone()),
		BenchmarkCmd::Block(_)
		| BenchmarkCmd::Overhead(_)
		| BenchmarkCmd::Extrinsic(_)
		| BenchmarkCmd::Storage(_) => {
			Err("this node supports `benchmark pallet` and `benchmark machine` only".into())
		}
	})
}
