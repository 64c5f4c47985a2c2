#!/usr/bin/env bash
# The lending pallet's stateful fuzzer (pallets/nft-lending/src/tests/fuzz): a seeded campaign of
# honest and hostile actions against the mock runtime, every invariant checked after each action.
#
#   ./scripts/fuzz.sh                      the campaign `.ci/run` runs (fixed seed)
#   ./scripts/fuzz.sh --steps 1000000      a longer one
#   ./scripts/fuzz.sh --seed 0x1234        another seed (decimal or 0x hex)
#   ./scripts/fuzz.sh --random             a seed from the clock (printed, to replay it)
#   ./scripts/fuzz.sh --mutants            plant each known bug (scripts/lib/fuzz-mutants.py) and
#                                          check that a short campaign finds it
#
# A failure prints the seed, the action, and the shortest list of actions that still fails.
# Installs what is missing first; shares its build with ./scripts/test.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$REPO_ROOT/scripts/setup.sh"
cd "$REPO_ROOT"

mutants=0
while [ $# -gt 0 ]; do
	case "$1" in
	--steps) export FUZZ_STEPS="$2"; shift 2 ;;
	--seed) export FUZZ_SEED="$2"; shift 2 ;;
	--random) FUZZ_SEED="$(date +%s%N)"; export FUZZ_SEED; log "seed $FUZZ_SEED"; shift ;;
	--mutants) mutants=1; shift ;;
	-h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument: $1 (see --help)" ;;
	esac
done

FUZZ=("${PALLET_TESTS[@]}" -- tests::fuzz:: --nocapture --test-threads 1)
if [ "$mutants" -eq 1 ]; then
	exec python3 scripts/lib/fuzz-mutants.py -- "${FUZZ[@]}"
fi
exec "${FUZZ[@]}"
