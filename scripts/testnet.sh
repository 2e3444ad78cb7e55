#!/usr/bin/env bash
# Starts and stops the local multi-ministry network of `make testnet`.
#
#   scripts/testnet.sh start DIR BIN   init DIR once (4 validators, 1 full
#                                      node), start every node in the
#                                      background, wait for each RPC
#   scripts/testnet.sh stop DIR        SIGTERM every node, SIGKILL after
#                                      STOP_TIMEOUT seconds (default 30)
#
# Logs: DIR/nodeK/node.log. Pids: DIR/pids (one "name pid" per line).
# The data stays in DIR until it is removed (make testnet-clean).
set -euo pipefail

usage() {
	echo "usage: $0 start DIR BIN | stop DIR" >&2
	exit 2
}

# nodes prints "name rpc" for each node of DIR/testnet.json, in order.
nodes() {
	local dir=$1
	paste -d' ' \
		<(sed -nE 's/^ *"name": "([^"]+)",?$/\1/p' "$dir/testnet.json") \
		<(sed -nE 's/^ *"rpc": "([^"]+)",?$/\1/p' "$dir/testnet.json")
}

alive() { kill -0 "$1" 2>/dev/null; }

start() {
	local dir=$1 bin=$2
	if [ ! -f "$dir/testnet.json" ]; then
		"$bin" testnet init --validators 4 --full-nodes 1 --dir "$dir"
	fi
	if [ -f "$dir/pids" ]; then
		while read -r name pid; do
			if alive "$pid"; then
				echo "testnet: $name is already running (pid $pid); run make testnet-stop first" >&2
				exit 1
			fi
		done <"$dir/pids"
		rm -f "$dir/pids"
	fi
	local name rpc pid
	while read -r name rpc; do
		# setsid: the node outlives make and its terminal's signals.
		setsid "$bin" start --home "$dir/$name" >>"$dir/$name/node.log" 2>&1 </dev/null &
		pid=$!
		echo "$name $pid" >>"$dir/pids"
	done < <(nodes "$dir")
	local deadline=$((SECONDS + ${START_TIMEOUT:-60}))
	while read -r name rpc; do
		pid=$(awk -v n="$name" '$1 == n {print $2}' "$dir/pids")
		until curl -sf --max-time 2 "$rpc/status" >/dev/null; do
			if ! alive "$pid"; then
				echo "testnet: $name exited; last lines of $dir/$name/node.log:" >&2
				tail -n 20 "$dir/$name/node.log" >&2
				stop "$dir"
				exit 1
			fi
			if [ "$SECONDS" -ge "$deadline" ]; then
				echo "testnet: $name's RPC $rpc did not answer in time; see $dir/$name/node.log" >&2
				stop "$dir"
				exit 1
			fi
			sleep 0.3
		done
	done < <(nodes "$dir")
	echo "testnet: running (logs in $dir/nodeK/node.log, stop with make testnet-stop)"
	while read -r name rpc; do
		height=$(curl -sf --max-time 2 "$rpc/status" | sed -nE 's/.*"latest_block_height": *"([0-9]+)".*/\1/p')
		printf '  %-6s %-24s height %s\n' "$name" "$rpc" "${height:-?}"
	done < <(nodes "$dir")
}

stop() {
	local dir=$1
	if [ ! -f "$dir/pids" ]; then
		echo "testnet: nothing to stop ($dir/pids does not exist)"
		return 0
	fi
	local name pid
	while read -r name pid; do
		if alive "$pid"; then kill -TERM "$pid"; fi
	done <"$dir/pids"
	local deadline=$((SECONDS + ${STOP_TIMEOUT:-30}))
	while read -r name pid; do
		while alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
		if alive "$pid"; then
			echo "testnet: $name (pid $pid) ignored SIGTERM; sending SIGKILL" >&2
			kill -KILL "$pid" 2>/dev/null || true
		fi
		echo "testnet: stopped $name"
	done <"$dir/pids"
	rm -f "$dir/pids"
}

[ $# -ge 2 ] || usage
case $1 in
start)
	[ $# -eq 3 ] || usage
	start "$2" "$3"
	;;
stop)
	[ $# -eq 2 ] || usage
	stop "$2"
	;;
*) usage ;;
esac
