#!/usr/bin/env bash
# Installs what building and testing need, and only what is missing (quiet when all is there):
# - Debian packages: protobuf-compiler, clang, libclang-dev (and Node.js if absent);
# - the Rust toolchain pinned in rust-toolchain.toml (channel, components, wasm target);
# - the e2e tests' npm packages (e2e/package-lock.json).
#
# Where rustup cannot download (machines that reach only package registries), the pinned
# toolchain has no wasm target. The runtime's wasm is then built with Debian's Rust toolchain
# (rustc-web, which ships the standard library's sources): this script installs it, builds
# `core` and `alloc` for the `wasm32v1-none` target once, and links it as the rustup toolchain
# `nft-lending-wasm`; scripts/lib/env.sh tells substrate-wasm-builder to use it.
#
# Run it alone, or source it (run-dev.sh and test.sh do) to also get its exported settings.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=0
apt_install() {
	local missing=() pkg
	for pkg in "$@"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
			|| missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "Installing Debian packages: ${missing[*]}"
	if [ "$APT_UPDATED" -eq 0 ]; then
		as_root apt-get update -qq
		APT_UPDATED=1
	fi
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
}

setup_rust_toolchain() {
	command -v rustup >/dev/null || die "rustup is not installed"
	# Materialise rust-toolchain.toml. Where downloads are impossible, stop rustup from trying
	# again on every cargo call (it would fail them all) and use what is installed.
	if [ "${RUSTUP_AUTO_INSTALL:-1}" != 0 ]; then
		if ! (cd "$REPO_ROOT" && rustup toolchain install >/dev/null 2>&1); then
			warn "rustup cannot install what rust-toolchain.toml lists; using the installed toolchain"
			export RUSTUP_AUTO_INSTALL=0
		fi
	fi
	(cd "$REPO_ROOT" && cargo --version >/dev/null) || die "no working cargo for $REPO_ROOT"
}

# Debian's rustc-web with `core` and `alloc` built for wasm32v1-none, as a rustup toolchain.
setup_wasm_fallback_toolchain() {
	pinned_toolchain_builds_wasm && return 0
	apt_install rustc-web cargo-web rust-web-src rust-web-llvm
	# Debian's rust-lld is a link to a versioned lld package (e.g. lld-22).
	if [ ! -e /usr/bin/rust-lld ]; then
		apt_install "$(basename "$(readlink /usr/bin/rust-lld)")"
	fi
	if ! wasm_fallback_toolchain_linked; then
		rustup toolchain link "$WASM_FALLBACK_TOOLCHAIN" /usr
	fi

	local sysroot_lib=/usr/lib/rustlib/wasm32v1-none/lib
	local version stamp="$sysroot_lib/.built-by-nft-lending"
	version="$(/usr/bin/rustc -vV)"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ]; then
		return 0
	fi
	log "Building core and alloc for wasm32v1-none with $(/usr/bin/rustc --version)"
	local work="$HOME/.cache/nft-lending/wasm-sysroot"
	mkdir -p "$work/src"
	cat >"$work/Cargo.toml" <<-'TOML'
		[package]
		name = "wasm-sysroot"
		version = "0.0.0"
		edition = "2021"

		[lib]
		path = "src/lib.rs"

		[workspace]
	TOML
	echo '#![no_std]' >"$work/src/lib.rs"
	# Bitcode is embedded because the runtime is linked with LTO.
	(cd "$work" && RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Cembed-bitcode=yes" CARGO_TARGET_DIR="$work/target" \
		rustup run "$WASM_FALLBACK_TOOLCHAIN" cargo build --quiet --release \
		--target wasm32v1-none -Zbuild-std=core,alloc)
	as_root mkdir -p "$sysroot_lib"
	as_root rm -f "$sysroot_lib"/*.rlib
	as_root cp "$work"/target/wasm32v1-none/release/deps/lib{core,alloc,compiler_builtins}-*.rlib \
		"$sysroot_lib/"
	printf '%s' "$version" | as_root tee "$stamp" >/dev/null
}

setup_node_js() {
	command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
	local lock="$REPO_ROOT/e2e/package-lock.json" installed="$REPO_ROOT/e2e/node_modules/.package-lock.json"
	if [ ! -f "$installed" ] || [ "$lock" -nt "$installed" ]; then
		log "Installing the e2e tests' npm packages"
		(cd "$REPO_ROOT/e2e" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	fi
}

apt_install protobuf-compiler clang libclang-dev
setup_rust_toolchain
setup_wasm_fallback_toolchain
setup_node_js
use_wasm_toolchain
