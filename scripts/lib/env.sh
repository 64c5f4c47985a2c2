# Shared by the scripts (source it): repository paths, the build directory, and the toolchain
# that builds the runtime's wasm.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export REPO_ROOT

# One build directory outside the clone, reused by every run: warm builds are fast.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/nft-lending/target}"
NODE_BIN="$CARGO_TARGET_DIR/release/nft-lending-node"
export NODE_BIN
# The build directory is outside the clone: tell substrate-wasm-builder where the workspace (and
# its Cargo.lock) is, so that the wasm runtime is built with the locked versions.
export WASM_BUILD_WORKSPACE_HINT="$REPO_ROOT"

# Name of the rustup toolchain scripts/setup.sh links when the pinned toolchain has no wasm
# target (see there).
WASM_FALLBACK_TOOLCHAIN=nft-lending-wasm

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }
warn() { printf '\033[33mwarning: %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31merror: %s\033[0m\n' "$*" >&2; exit 1; }

# True when the toolchain of rust-toolchain.toml can build the runtime's wasm by itself.
pinned_toolchain_builds_wasm() {
	local sysroot
	sysroot="$(cd "$REPO_ROOT" && rustc --print sysroot 2>/dev/null)" || return 1
	[ -d "$sysroot/lib/rustlib/wasm32v1-none/lib" ] && return 0
	[ -d "$sysroot/lib/rustlib/wasm32-unknown-unknown/lib" ] \
		&& [ -d "$sysroot/lib/rustlib/src/rust/library" ]
}

# True when the fallback toolchain is linked. (No `rustup ... | grep -q`: with pipefail, grep
# closing the pipe early makes the pipeline fail.)
wasm_fallback_toolchain_linked() {
	local toolchains
	toolchains="$(rustup toolchain list 2>/dev/null)" || return 1
	grep -q "^$WASM_FALLBACK_TOOLCHAIN" <<<"$toolchains"
}

# Points substrate-wasm-builder at the fallback toolchain when the pinned one cannot build wasm.
use_wasm_toolchain() {
	if [ -z "${WASM_BUILD_TOOLCHAIN:-}" ] && ! pinned_toolchain_builds_wasm \
		&& wasm_fallback_toolchain_linked; then
		export WASM_BUILD_TOOLCHAIN="$WASM_FALLBACK_TOOLCHAIN"
	fi
}
