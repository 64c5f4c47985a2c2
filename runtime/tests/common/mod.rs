//! Helpers shared by the runtime tests: genesis from the presets, as the node builds it.

#![allow(dead_code)]

use nft_lending_runtime::{genesis_config_presets, BuildStorage, RuntimeGenesisConfig};
use serde_json::Value;
use sp_genesis_builder::PresetId;

/// The JSON patch of preset `name`, exactly as the runtime's `GenesisBuilder` API returns it.
pub fn preset_patch(name: &str) -> Value {
	let bytes = genesis_config_presets::get_preset(&PresetId::from(name))
		.unwrap_or_else(|| panic!("the runtime has a preset named {name}"));
	serde_json::from_slice(&bytes).expect("presets are JSON")
}

/// The full genesis config of preset `name`, as the node builds it.
pub fn genesis_config(name: &str) -> RuntimeGenesisConfig {
	genesis_config_presets::genesis_config(name).unwrap_or_else(|e| panic!("{e}"))
}

/// State right after genesis of preset `name`, with block 0's events cleared.
pub fn new_test_ext(name: &str) -> sp_io::TestExternalities {
	let storage = genesis_config(name)
		.build_storage()
		.unwrap_or_else(|e| panic!("preset {name} builds into storage: {e}"));
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(nft_lending_runtime::System::reset_events);
	ext
}

/// The names of all presets.
pub fn preset_names() -> Vec<String> {
	genesis_config_presets::preset_names()
}

/// Runs blocks up to `n` as the executive does: every pallet's `on_initialize`, the timestamp
/// inherent (slot `n`), every pallet's `on_finalize`. Leaves block `n` open (initialized, not
/// finalized), so a test can dispatch calls in it.
pub fn run_to_block(n: nft_lending_runtime::BlockNumber) {
	use frame_support::traits::{OnFinalize, OnInitialize};
	use nft_lending_runtime::{
		AllPalletsWithSystem, RuntimeOrigin, System, Timestamp, SLOT_DURATION,
	};
	while System::block_number() < n {
		let current = System::block_number();
		if current > 0 {
			AllPalletsWithSystem::on_finalize(current);
		}
		let next = current + 1;
		System::reset_events();
		System::set_block_number(next);
		pallet_aura::CurrentSlot::<nft_lending_runtime::Runtime>::put(
			sp_consensus_aura::Slot::from(next as u64),
		);
		AllPalletsWithSystem::on_initialize(next);
		Timestamp::set(RuntimeOrigin::none(), next as u64 * SLOT_DURATION)
			.expect("the timestamp inherent applies");
		#[cfg(feature = "try-runtime")]
		{
			use frame_support::traits::{TryState, TryStateSelect};
			AllPalletsWithSystem::try_state(next, TryStateSelect::All)
				.unwrap_or_else(|e| panic!("try_state fails at block {next}: {e:?}"));
		}
	}
}

/// A transaction signed by `signer` with the runtime's transaction extensions, immortal,
/// tipping nothing.
pub fn signed(
	signer: sp_keyring::Sr25519Keyring,
	nonce: u32,
	call: nft_lending_runtime::RuntimeCall,
) -> nft_lending_runtime::UncheckedExtrinsic {
	signed_with_tip(signer, nonce, call, 0)
}

/// A transaction signed by `signer` with the runtime's transaction extensions, immortal, tipping
/// `tip`.
pub fn signed_with_tip(
	signer: sp_keyring::Sr25519Keyring,
	nonce: u32,
	call: nft_lending_runtime::RuntimeCall,
	tip: nft_lending_runtime::Balance,
) -> nft_lending_runtime::UncheckedExtrinsic {
	use codec::Encode;
	use nft_lending_runtime::{Runtime, SignedPayload, System, TxExtension, VERSION};
	let genesis_hash = System::block_hash(0);
	let extension: TxExtension = (
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(sp_runtime::generic::Era::Immortal),
		frame_system::CheckNonce::<Runtime>::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_floor_price_oracle::CheckFeed::<Runtime>::new(),
		pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(tip),
		frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(false),
		frame_system::WeightReclaim::<Runtime>::new(),
	);
	let implicit = (
		(),
		VERSION.spec_version,
		VERSION.transaction_version,
		genesis_hash,
		genesis_hash,
		(),
		(),
		(),
		(),
		None,
		(),
	);
	let payload = SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
	let signature = payload.using_encoded(|bytes| signer.sign(bytes));
	nft_lending_runtime::UncheckedExtrinsic::new_signed(
		call,
		signer.to_account_id().into(),
		signature.into(),
		extension,
	)
}
