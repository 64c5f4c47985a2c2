#!/usr/bin/env bash
# Command 1: install what is missing, build the node, start the dev chain (single node, a block
# every 6 s, demo data and demo price feed) with RPC on 127.0.0.1:9944. Extra arguments go to
# the node (e.g. ./scripts/run-dev.sh --no-demo-price-feed). Stop it with Ctrl-C; the chain
# starts afresh every time.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"

# Sourced: installs what is missing first.
source "$REPO_ROOT/scripts/setup.sh"

log "Building nft-lending-node (release; the first build takes a while)"
(cd "$REPO_ROOT" && cargo build --release -p nft-lending-node)

cat <<TXT

  The dev chain is starting. Open it in Polkadot.js Apps:
    https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A9944#/explorer
  RPC: ws://127.0.0.1:9944   Demo floor prices: http://127.0.0.1:8089/prices

TXT
exec "$NODE_BIN" --dev --rpc-port 9944 "$@"
