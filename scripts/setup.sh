#!/usr/bin/env bash
# Installs what building and testing need, and only what is missing (quiet when all is there):
# - Debian packages: protobuf-compiler, clang, libclang-dev, python3, fonts-dejavu-core (and
#   Node.js if absent);
# - the Rust toolchain's wasm target and standard-library sources (the runtime is built to wasm);
# - the e2e tests' npm packages (e2e/package-lock.json).
#
# Run it alone, or source it (run-dev.sh and test.sh do).
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
	# rust-toolchain.toml names the channel, the wasm target and rust-src. Machines where rustup
	# does not install them on first use (RUSTUP_AUTO_INSTALL=0) get them explicitly here.
	local installed
	installed="$(cd "$REPO_ROOT" && rustup target list --installed 2>/dev/null || true)"
	if ! grep -qx wasm32-unknown-unknown <<<"$installed"; then
		log "Adding the Rust target wasm32-unknown-unknown"
		(cd "$REPO_ROOT" && rustup target add wasm32-unknown-unknown)
	fi
	installed="$(cd "$REPO_ROOT" && rustup component list --installed 2>/dev/null || true)"
	if ! grep -q "^rust-src" <<<"$installed"; then
		log "Adding the Rust component rust-src"
		(cd "$REPO_ROOT" && rustup component add rust-src)
	fi
	(cd "$REPO_ROOT" && cargo --version >/dev/null) || die "no working cargo for $REPO_ROOT"
}

setup_node_js() {
	command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
	local lock="$REPO_ROOT/e2e/package-lock.json" installed="$REPO_ROOT/e2e/node_modules/.package-lock.json"
	if [ ! -f "$installed" ] || [ "$lock" -nt "$installed" ]; then
		log "Installing the e2e tests' npm packages"
		(cd "$REPO_ROOT/e2e" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	fi
}

# python3: the fuzzer's mutants and the benchmark report; fonts-dejavu-core: the crash replay's
# chart.
apt_install protobuf-compiler clang libclang-dev python3 fonts-dejavu-core
setup_rust_toolchain
setup_node_js
