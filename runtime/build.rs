#[cfg(feature = "std")]
fn main() {
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}

/// The wasm builder is off when this crate itself is compiled for wasm.
#[cfg(not(feature = "std"))]
fn main() {}
