# Shared by the scripts (source it): repository paths, the build directory, logging.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export REPO_ROOT

# One build directory outside the clone, reused by every run: warm builds are fast.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/nft-lending/target}"
NODE_BIN="$CARGO_TARGET_DIR/release/nft-lending-node"
export NODE_BIN
# The build directory is outside the clone: tell substrate-wasm-builder where the workspace (and
# its Cargo.lock) is, so that the wasm runtime is built with the locked versions.
export WASM_BUILD_WORKSPACE_HINT="$REPO_ROOT"

# The pallets' and the runtime's tests, in one build with the features `try-runtime` and
# `runtime-benchmarks` (each would recompile FRAME on its own). test.sh and fuzz.sh run the same
# command, so they share compiled crates (crash-replay.sh builds its binary with it too). Append
# `-- <filter>` to choose tests.
PALLET_TESTS=(env SKIP_WASM_BUILD=1 cargo test --release
	-p pallet-nft-lending -p pallet-floor-price-oracle -p pallet-nft-lending-runtime-api
	-p nft-lending-runtime -p crash-replay
	--features nft-lending-runtime/try-runtime,nft-lending-runtime/runtime-benchmarks
	--features pallet-nft-lending/try-runtime,pallet-nft-lending/runtime-benchmarks
	--features pallet-floor-price-oracle/try-runtime,pallet-floor-price-oracle/runtime-benchmarks)

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }
warn() { printf '\033[33mwarning: %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31merror: %s\033[0m\n' "$*" >&2; exit 1; }
