#!/usr/bin/env bash
# Runs `benchmark pallet` and writes the weight files (default template of
# frame-benchmarking-cli): pallets/<name>/src/weights.rs for our pallets,
# runtime/src/weights/<pallet>.rs for the others.
#
#   ./scripts/benchmark.sh                       # pallet_balances, pallet_nft_lending,
#                                                # pallet_floor_price_oracle
#   ./scripts/benchmark.sh pallet_nft_lending    # only these pallets
#   STEPS=2 REPEAT=1 ./scripts/benchmark.sh ...  # a quick run (weights not for production)
#
# Builds the node with `--features runtime-benchmarks` (a second, separate build, about 12 min
# after the normal one); run-dev.sh and test.sh build the normal node again.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$REPO_ROOT/scripts/setup.sh"
cd "$REPO_ROOT"

STEPS="${STEPS:-50}"
REPEAT="${REPEAT:-20}"
PALLETS=("$@")
[ ${#PALLETS[@]} -gt 0 ] || PALLETS=(pallet_balances pallet_nft_lending pallet_floor_price_oracle)

# frame-benchmarking-cli builds a wasm test runtime of its own, which substrate-wasm-builder cannot
# find in this workspace's metadata (the node pulls it only with this feature): no hint here.
unset WASM_BUILD_WORKSPACE_HINT
log "Building nft-lending-node with runtime benchmarks"
cargo build --release -p nft-lending-node --features runtime-benchmarks

# Where a pallet's weights go: our pallets keep theirs, the runtime keeps the others'.
weights_file() {
	local crate_dir="pallets/${1#pallet_}"
	crate_dir="${crate_dir//_/-}"
	if [ -d "$crate_dir" ]; then
		echo "$crate_dir/src/weights.rs"
	else
		mkdir -p runtime/src/weights
		echo "runtime/src/weights/$1.rs"
	fi
}

for pallet in "${PALLETS[@]}"; do
	output="$(weights_file "$pallet")"
	log "Benchmarking $pallet -> $output"
	# The node's own runtime (built with the benchmarks) on the dev chain's genesis.
	"$NODE_BIN" benchmark pallet --chain dev --genesis-builder spec-genesis \
		--pallet "$pallet" --extrinsic '*' \
		--steps "$STEPS" --repeat "$REPEAT" \
		--output "$output"
done
