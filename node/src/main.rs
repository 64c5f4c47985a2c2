//! nft-lending-node: the solochain node (Aura + GRANDPA) of the NFT lending appchain.
#![warn(missing_docs)]
// Substrate's node APIs (sc-cli, sc-service) return their own large error types.
#![allow(clippy::result_large_err)]

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod chain_spec;
mod cli;
mod command;
mod price_feed;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
