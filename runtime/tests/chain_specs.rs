//! The committed chain specs (`chain-specs/*.json`) carry the genesis of the runtime's presets.
//! The runtime code blob in them is not compared.

mod common;

use std::path::PathBuf;

use common::preset_patch;
use serde_json::Value;
use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};

const REGENERATE: &str = "rerun ./scripts/generate-chain-specs.sh and commit chain-specs/";

fn committed_patch(file: &str) -> Value {
	let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../chain-specs").join(file);
	let text = std::fs::read_to_string(&path)
		.unwrap_or_else(|e| panic!("cannot read {}: {e}; {REGENERATE}", path.display()));
	let spec: Value = serde_json::from_str(&text)
		.unwrap_or_else(|e| panic!("{} is not JSON: {e}; {REGENERATE}", path.display()));
	spec["genesis"]["runtimeGenesis"]["patch"].clone()
}

fn assert_matches_preset(file: &str, preset: &str) {
	let committed = committed_patch(file);
	assert!(
		committed == preset_patch(preset),
		"chain-specs/{file} no longer matches the runtime's `{preset}` preset: {REGENERATE}"
	);
}

#[test]
fn dev_chain_spec_matches_the_development_preset() {
	assert_matches_preset("dev.json", DEV_RUNTIME_PRESET);
}

#[test]
fn local_testnet_chain_spec_matches_the_local_testnet_preset() {
	assert_matches_preset("local-testnet.json", LOCAL_TESTNET_RUNTIME_PRESET);
}
