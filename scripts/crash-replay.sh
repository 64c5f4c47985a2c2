#!/usr/bin/env bash
# Crash replay (docs/crash-replay.md): the lending runtime, natively, through a floor-price
# history, with a loan book and agents; prints a summary and writes summary.json, timeline.csv
# and timeline.png.
#
#   ./scripts/crash-replay.sh [--prices FILE] [--collection N] [--loans N] [--params FILE]
#                             [--out DIR] [--seed S] [--feed-every N] [--check-every HOURS]
#
# Defaults: the synthetic series tools/crash-replay/series/crash-50.csv (50% in a day, then a
# partial recovery), 10,000 loans, our parameters, ./crash-replay-out. `--help` lists all.
# Installs what is missing first, and builds with the tests' command (one build, shared with
# ./scripts/test.sh). Paths are relative to where you run it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$REPO_ROOT/scripts/setup.sh"

log "Building the crash replay (with the tests' features)"
(cd "$REPO_ROOT" && "${PALLET_TESTS[@]}" --no-run --quiet)
exec "$CARGO_TARGET_DIR/release/crash-replay" "$@"
