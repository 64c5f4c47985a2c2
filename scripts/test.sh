#!/usr/bin/env bash
# Command 2: install what is missing, then run every test of the project:
#   1. build the node (release);
#   2. the node's unit tests;
#   3. the pallets' tests (unit, property, benchmark tests) and the runtime's native tests
#      (genesis presets, blocks, governance, try_state), in one build with the features
#      `try-runtime` and `runtime-benchmarks` (each would recompile FRAME on its own);
#   4. end-to-end tests: the built node on `--dev`, driven by @polkadot/api (e2e/tests);
#   5. zombienet network tests (zombienet/*.zndsl);
#   6. restart resilience: a local network, one validator stopped and started again.
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

# N distinct TCP ports nobody listens on (held open together until all are chosen).
free_ports() {
	node -e '
		const net = require("net");
		const servers = Array.from({ length: Number(process.argv[1]) }, () => net.createServer());
		Promise.all(servers.map((s) => new Promise((ok) => s.listen(0, "127.0.0.1", ok)))).then(() => {
			console.log(servers.map((s) => s.address().port).join(" "));
			servers.forEach((s) => s.close());
		});' "$1"
}

# Starts the built node on `--dev` on loopback, runs e2e/tests/*.test.mjs against it, stops it.
e2e_tests() {
	local rpc_port p2p_port feed_port node_log="$LOG_DIR/node.log" node_pid
	read -r rpc_port p2p_port feed_port < <(free_ports 3)
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
stage "Node unit tests" cargo test --release -p nft-lending-node
stage "Pallet and runtime tests (try-runtime, runtime-benchmarks)" "${PALLET_TESTS[@]}" --no-fail-fast
if [ -x "$NODE_BIN" ]; then
	# The node-level tests mostly wait for blocks: the --dev e2e run (about 7 min) goes on in the
	# background while the local networks (zombienet, then the restart) run in the foreground.
	e2e_name="End-to-end tests (node --dev, @polkadot/api)"
	e2e_log="$LOG_DIR/$(echo "$e2e_name" | tr -c 'a-zA-Z0-9\n' '-').log"
	e2e_start=$SECONDS
	log "$e2e_name: in the background (log $e2e_log)"
	e2e_tests >"$e2e_log" 2>&1 &
	e2e_pid=$!
	stage "Zombienet tests (2 validators, 1 full node)" zombienet_tests
	stage "Restart resilience (a validator stopped and restarted)" \
		env NODE_BIN="$NODE_BIN" node e2e/scripts/restart-resilience.mjs
	e2e_status=0
	wait "$e2e_pid" || e2e_status=$?
	log "$e2e_name"
	cat "$e2e_log"
	e2e_result=PASS
	if [ "$e2e_status" -ne 0 ]; then
		e2e_result=FAIL
		FAILED=1
	fi
	RESULTS+=("$(printf '%-4s %6ss  %s' "$e2e_result" "$((SECONDS - e2e_start))" "$e2e_name")")
else
	skip "End-to-end tests (node --dev, @polkadot/api)" "no node binary"
	skip "Zombienet tests" "no node binary"
	skip "Restart resilience" "no node binary"
fi

# Test counts from the runners' own summary lines (cargo: "test result: ...", node: "# pass",
# zombienet: "Result: passed/total", the restart script: "[restart] passed").
passed=0
failed=0
while read -r p f; do
	passed=$((passed + p))
	failed=$((failed + f))
done < <(cat "$LOG_DIR"/*.log | sed -nE \
	-e 's/^test result: [a-zA-Z]+\. ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/p' \
	-e 's/^# pass ([0-9]+)$/\1 0/p' -e 's/^# fail ([0-9]+)$/0 \1/p' \
	-e 's/.*Result: ([0-9]+)\/([0-9]+).*/zombienet \1 \2/p' -e 's/^\[restart\] passed in .*/1 0/p' |
	awk '$1 == "zombienet" { print $2, $3 - $2; next } { print }')

echo
log "Summary (logs in $LOG_DIR)"
printf '  %s\n' "${RESULTS[@]}"
echo "tests: $passed passed, $failed failed"
exit "$FAILED"
