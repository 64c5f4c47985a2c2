#!/usr/bin/env bash
# Regenerates chain-specs/dev.json and chain-specs/local-testnet.json from the node's built-in
# chains (the runtime's `development` and `local_testnet` presets). Run it after changing a
# preset; runtime/tests/chain_specs.rs fails until the committed specs match the presets again.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$REPO_ROOT/scripts/setup.sh"
cd "$REPO_ROOT"

log "Building nft-lending-node"
cargo build --release -p nft-lending-node

mkdir -p chain-specs
"$NODE_BIN" build-spec --chain dev >chain-specs/dev.json
"$NODE_BIN" build-spec --chain local >chain-specs/local-testnet.json
log "Wrote chain-specs/dev.json and chain-specs/local-testnet.json"
