#!/usr/bin/env bash
# QoS 1 throughput with storage.durability = "sync" as a ratio of "memory",
# measured in one run: the durable scenario (pairs whose subscribers keep
# persistent sessions, so every message is stored) against a fresh broker in
# each mode, alternating, REPEATS times each; prints the medians and ratio.
#   bench/durable-ratio.sh [PAIRS] [COUNT_PER_PUBLISHER] [REPEATS]
# Uses build/release (cmake --preset release; build starling starling-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-20}
count=${2:-5000}
repeats=${3:-3}
broker=${STARLING_BIN:-build/release/broker/starling}
bench=${STARLING_BENCH_BIN:-build/release/bench/starling-bench}
for f in "$broker" "$bench"; do [ -x "$f" ] || { echo "missing $f (build the release preset)" >&2; exit 1; }; done
pin_broker=(); pin_tool=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then pin_broker=(taskset -c 1); pin_tool=(taskset -c 0); fi
work=$(mktemp -d)
trap 'pkill -P $$ 2>/dev/null || true; rm -rf "$work"' EXIT

run_once() {  # mode -> msgs/s
  local mode=$1 dir="$work/$1-$RANDOM"
  mkdir -p "$dir"
  printf '[storage]\ndurability = "%s"\n' "$mode" > "$dir/starling.toml"
  "${pin_broker[@]}" "$broker" --config "$dir/starling.toml" --data-dir "$dir/data" \
    --listen 127.0.0.1:0 --threads 1 2> "$dir/broker.log" &
  local pid=$! port=""
  for _ in $(seq 100); do
    port=$(grep -oE 'listening on tcp://127\.0\.0\.1:[0-9]+' "$dir/broker.log" | grep -oE '[0-9]+$' || true)
    [ -n "$port" ] && break; sleep 0.1
  done
  [ -n "$port" ] || { cat "$dir/broker.log" >&2; exit 1; }
  "${pin_tool[@]}" "$bench" durable --port "$port" --version 5 --clients "$pairs" --count "$count" \
    --json 2> "$dir/bench.txt" > "$dir/bench.json"
  kill -TERM "$pid"; wait "$pid" || true
  grep -oE '"throughput":[0-9.]+' "$dir/bench.json" | cut -d: -f2
}

declare -a sync_rates memory_rates
for _ in $(seq "$repeats"); do
  memory_rates+=("$(run_once memory)")
  sync_rates+=("$(run_once sync)")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
m=$(median "${memory_rates[@]}"); s=$(median "${sync_rates[@]}")
echo "durable QoS 1, $pairs persistent pairs x $count messages, median of $repeats:"
echo "  memory: $m msg/s   (runs: ${memory_rates[*]})"
echo "  sync:   $s msg/s   (runs: ${sync_rates[*]})"
awk -v s="$s" -v m="$m" 'BEGIN {printf "  sync / memory = %.2f\n", s / m}'
