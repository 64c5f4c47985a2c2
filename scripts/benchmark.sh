#!/usr/bin/env bash
# Runs `benchmark pallet` and writes the weight files: pallets/<name>/src/weights.rs for our
# pallets (template scripts/pallet-weight-template.hbs: the WeightInfo trait, the runtime's
# SubstrateWeight and the `()` impl for mocks), runtime/src/weights/<pallet>.rs for the others
# (frame-benchmarking-cli's default template).
#
#   ./scripts/benchmark.sh                       # pallet_balances, pallet_nft_lending,
#                                                # pallet_floor_price_oracle
#   ./scripts/benchmark.sh pallet_nft_lending    # only these pallets
#   STEPS=2 REPEAT=1 ./scripts/benchmark.sh ...  # a quick run (weights not for production)
#   IDLE_ONLY=1 ./scripts/benchmark.sh           # only the idle-sweep measurements and the report
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

# --disable-proof-recording: a solochain does not limit proof size, so the timed runs do not record
# proofs (frame-benchmarking-cli's advice for solochains; recording inflates the time). The proof
# sizes in the weight files still come from the separate run that tracks storage.
[ "${IDLE_ONLY:-0}" = 1 ] && PALLETS_WEIGHED=() || PALLETS_WEIGHED=("${PALLETS[@]}")
for pallet in "${PALLETS_WEIGHED[@]}"; do
	output="$(weights_file "$pallet")"
	template=()
	[[ "$output" == pallets/* ]] && template=(--template scripts/pallet-weight-template.hbs)
	log "Benchmarking $pallet -> $output"
	# The node's own runtime (built with the benchmarks) on the dev chain's genesis.
	"$NODE_BIN" benchmark pallet --chain dev --genesis-builder spec-genesis \
		--pallet "$pallet" --extrinsic '*' \
		--exclude-extrinsics pallet_nft_lending::sweep_idle,pallet_nft_lending::sweep_idle_floor \
		--steps "$STEPS" --repeat "$REPEAT" --disable-proof-recording \
		"${template[@]}" --output "$output" | tee "$CARGO_TARGET_DIR/benchmark-$pallet.txt"
done

# The idle sweep and its floor at 10 and at 100,000 open loans (for docs/benchmarks.md, not a
# weight file: setting up 100,000 loans at every step would take hours).
if [[ " ${PALLETS[*]} " == *" pallet_nft_lending "* ]]; then
	for bench in sweep_idle sweep_idle_floor; do
		log "Benchmarking pallet_nft_lending::$bench at 10 and 100,000 open loans"
		"$NODE_BIN" benchmark pallet --chain dev --genesis-builder spec-genesis \
			--pallet pallet_nft_lending --extrinsic "$bench" --steps 2 --repeat 25 --disable-proof-recording \
			| tee "$CARGO_TARGET_DIR/benchmark-${bench//_/-}.txt"
	done
fi

log "Weight report"
python3 scripts/benchmark-report.py
