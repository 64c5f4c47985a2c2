#!/usr/bin/env bash
# Command 2: install what is missing, then run every test of the project:
#   1. build the node (release);
#   2. unit tests of the pallets and the node (default features);
#   3. runtime tests, natively (genesis presets, a block, try_state; `--features try-runtime`);
#   4. the pallets' benchmark tests (`--features runtime-benchmarks`);
#   5. end-to-end tests: the built node on `--dev`, driven by @polkadot/api (e2e/tests);
#   6. zombienet network tests (zombienet/*.zndsl), when there are any.
# Prints a summary of the stages and exits non-zero when any failed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
# Sourced: installs what is missing first.
source "$REPO_ROOT/scripts/setup.sh"
cd "$REPO_ROOT"

LOG_DIR="$(mktemp -d -t nft-lending-test.XXXXXX)"
RESULTS=()
FAILED=0

# Runs a stage, tees its output to a log, records PASS/FAIL and its duration.
stage() {
	local name="$1"
	shift
	local start=$SECONDS status=0
	log "$name"
	"$@" 2>&1 | tee "$LOG_DIR/$(echo "$name" | tr -c 'a-zA-Z0-9\n' '-').log" || status=$?
	local result=PASS
	if [ "$status" -ne 0 ]; then
		result=FAIL
		FAILED=1
	fi
	RESULTS+=("$(printf '%-4s %6ss  %s' "$result" "$((SECONDS - start))" "$name")")
	return 0
}

skip() {
	RESULTS+=("$(printf '%-4s %6s   %s (%s)' SKIP - "$1" "$2")")
}

# A TCP port nobody listens on.
free_port() {
	node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# Starts the built node on `--dev` on loopback, runs e2e/tests/*.test.mjs against it, stops it.
e2e_tests() {
	local rpc_port p2p_port feed_port node_log="$LOG_DIR/node.log" node_pid
	rpc_port="$(free_port)"
	p2p_port="$(free_port)"
	feed_port="$(free_port)"
	"$NODE_BIN" --dev --tmp --no-telemetry --no-prometheus --no-mdns \
		--rpc-port "$rpc_port" \
		--listen-addr "/ip4/127.0.0.1/tcp/$p2p_port" \
		--demo-price-feed "127.0.0.1:$feed_port" >"$node_log" 2>&1 &
	node_pid=$!
	# shellcheck disable=SC2064
	trap "kill $node_pid 2>/dev/null || true" EXIT

	local waited=0
	until (exec 3<>"/dev/tcp/127.0.0.1/$rpc_port") 2>/dev/null; do
		if ! kill -0 "$node_pid" 2>/dev/null; then
			echo "The node exited before its RPC came up. Last lines of its log ($node_log):"
			tail -n 30 "$node_log"
			return 1
		fi
		if [ "$waited" -ge 60 ]; then
			echo "The node's RPC did not come up on 127.0.0.1:$rpc_port within 60 s." \
				"Last lines of its log ($node_log):"
			tail -n 30 "$node_log"
			kill "$node_pid" 2>/dev/null || true
			return 1
		fi
		sleep 1
		waited=$((waited + 1))
	done
	echo "Node up (pid $node_pid, RPC ws://127.0.0.1:$rpc_port, log $node_log)"

	local status=0
	(cd e2e && RPC_URL="ws://127.0.0.1:$rpc_port" NODE_BIN="$NODE_BIN" \
		PRICE_FEED_URL="http://127.0.0.1:$feed_port/prices" \
		node --test --test-concurrency=1 tests/*.test.mjs) || status=$?

	kill "$node_pid" 2>/dev/null || true
	wait "$node_pid" 2>/dev/null || true
	trap - EXIT
	if [ "$status" -ne 0 ]; then
		echo "Last lines of the node's log ($node_log):"
		tail -n 30 "$node_log"
	fi
	return "$status"
}

# Runs each zombienet/*.zndsl with the native provider, the built node first on PATH.
zombienet_tests() {
	local test status=0
	for test in zombienet/*.zndsl; do
		echo "zombienet: $test"
		PATH="$(dirname "$NODE_BIN"):$PATH" npx --prefix e2e zombienet -p native test "$test" \
			|| status=1
	done
	return "$status"
}

stage "Build the node" cargo build --release -p nft-lending-node
stage "Unit tests (pallets, node)" \
	cargo test --release --workspace --exclude nft-lending-runtime
stage "Runtime tests (try-runtime)" \
	env SKIP_WASM_BUILD=1 cargo test --release -p nft-lending-runtime --features try-runtime
stage "Pallet benchmark tests (runtime-benchmarks)" \
	env SKIP_WASM_BUILD=1 cargo test --release -p pallet-nft-lending -p pallet-floor-price-oracle \
	--features runtime-benchmarks
if [ -x "$NODE_BIN" ]; then
	stage "End-to-end tests (node --dev, @polkadot/api)" e2e_tests
else
	skip "End-to-end tests (node --dev, @polkadot/api)" "no node binary"
fi
if compgen -G "zombienet/*.zndsl" >/dev/null; then
	stage "Zombienet tests" zombienet_tests
else
	skip "Zombienet tests" "no zombienet/*.zndsl yet"
fi

# Test counts from the runners' own summary lines (cargo: "test result: ...", node: "# pass").
passed=0
failed=0
while read -r p f; do
	passed=$((passed + p))
	failed=$((failed + f))
done < <(cat "$LOG_DIR"/*.log | sed -nE \
	-e 's/^test result: [a-zA-Z]+\. ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/p' \
	-e 's/^# pass ([0-9]+)$/\1 0/p' -e 's/^# fail ([0-9]+)$/0 \1/p')

echo
log "Summary (logs in $LOG_DIR)"
printf '  %s\n' "${RESULTS[@]}"
echo "tests: $passed passed, $failed failed"
exit "$FAILED"
