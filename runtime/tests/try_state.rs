//! The `try_state` invariants of every pallet hold on the genesis of every preset.
//! Runs with `--features try-runtime` (the test command does).

#![cfg(feature = "try-runtime")]

mod common;

use common::{new_test_ext, preset_names};
use frame_support::traits::{TryState, TryStateSelect};
use nft_lending_runtime::AllPalletsWithSystem;

#[test]
fn try_state_of_every_pallet_passes_on_every_genesis() {
	for name in preset_names() {
		new_test_ext(&name).execute_with(|| {
			AllPalletsWithSystem::try_state(0, TryStateSelect::All)
				.unwrap_or_else(|e| panic!("try_state fails on the {name} genesis: {e:?}"));
		});
	}
}
