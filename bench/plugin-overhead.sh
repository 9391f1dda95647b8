#!/usr/bin/env bash
# Throughput with an allow-all plugin on every message hook (authorize
# publish, on_publish, authorize delivery) as a ratio of the same broker
# without plugins, measured in one run: a fresh broker each time, the two
# set-ups alternating REPEATS times; prints medians and the ratio for each
# scenario given (default: pairs at QoS 0 and fan-out 1 -> 50 at QoS 0).
#   bench/plugin-overhead.sh [COUNT] [REPEATS]
# Uses build/release (cmake --preset release; build starling starling-bench
# bench_allow_all).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-20000}
repeats=${2:-3}
broker=${STARLING_BIN:-build/release/broker/starling}
bench=${STARLING_BENCH_BIN:-build/release/bench/starling-bench}
plugin=${STARLING_ALLOW_ALL_PLUGIN:-build/release/plugins/libbench_allow_all.so}
for f in "$broker" "$bench" "$plugin"; do [ -e "$f" ] || { echo "missing $f (build the release preset)" >&2; exit 1; }; done
plugin=$(realpath "$plugin")
pin_broker=(); pin_tool=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then pin_broker=(taskset -c 1); pin_tool=(taskset -c 0); fi
work=$(mktemp -d)
trap 'pkill -P $$ 2>/dev/null || true; rm -rf "$work"' EXIT

run_once() {  # with|without scenario args... -> msgs/s
  local setup=$1; shift
  local dir="$work/$setup-$RANDOM"
  mkdir -p "$dir"
  printf '[storage]\ndurability = "memory"\n' > "$dir/starling.toml"
  if [ "$setup" = with ]; then printf '[[plugins]]\npath = "%s"\n' "$plugin" >> "$dir/starling.toml"; fi
  "${pin_broker[@]}" "$broker" --config "$dir/starling.toml" --listen 127.0.0.1:0 --threads 1 \
    2> "$dir/broker.log" &
  local pid=$! port=""
  for _ in $(seq 100); do
    port=$(grep -oE 'listening on tcp://127\.0\.0\.1:[0-9]+' "$dir/broker.log" | grep -oE '[0-9]+$' || true)
    [ -n "$port" ] && break; sleep 0.1
  done
  [ -n "$port" ] || { cat "$dir/broker.log" >&2; exit 1; }
  "${pin_tool[@]}" "$bench" "$@" --port "$port" --json 2> "$dir/bench.txt" > "$dir/bench.json"
  kill -TERM "$pid"; wait "$pid" || true
  grep -oE '"throughput":[0-9.]+' "$dir/bench.json" | cut -d: -f2
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

measure() {  # label, scenario args...
  local label=$1; shift
  local -a with=() without=()
  for _ in $(seq "$repeats"); do
    without+=("$(run_once without "$@")")
    with+=("$(run_once with "$@")")
  done
  local a b
  a=$(median "${without[@]}"); b=$(median "${with[@]}")
  echo "$label, median of $repeats:"
  echo "  no plugins:      $a msg/s   (runs: ${without[*]})"
  echo "  allow-all plugin: $b msg/s   (runs: ${with[*]})"
  awk -v a="$a" -v b="$b" 'BEGIN {printf "  with / without = %.2f\n", b / a}'
}

measure "pairs QoS 0, 10 pairs x $count" pairs --qos 0 --clients 10 --count "$count"
measure "pairs QoS 1, 10 pairs x $count" pairs --qos 1 --clients 10 --count "$count"
measure "fan-out QoS 0, 1 -> 50 x $((count / 10))" fanout --qos 0 --clients 50 --count "$((count / 10))"
