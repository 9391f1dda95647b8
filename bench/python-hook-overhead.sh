#!/usr/bin/env bash
# The cost of Python hooks (plugins/python), measured in one run as ratios
# against the same broker without plugins: a fresh broker each time, the
# set-ups alternating REPEATS times; prints medians and ratios.
#   - throughput, pairs at QoS 0 and QoS 1, with a trivial on_message hook
#     (no filter: every message takes the GIL and calls Python);
#   - connect rate (CONNACKs/s) with a trivial on_authenticate hook, plain
#     and `async def` (answered later from the plugin's asyncio thread).
#   bench/python-hook-overhead.sh [COUNT] [CONNECTIONS] [REPEATS]
# Uses build/release (cmake --preset release; build starling starling-bench
# starling_python), or STARLING_BIN, STARLING_BENCH_BIN, STARLING_PYTHON_PLUGIN.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-20000}
connections=${2:-2000}
repeats=${3:-3}
broker=${STARLING_BIN:-build/release/broker/starling}
bench=${STARLING_BENCH_BIN:-build/release/bench/starling-bench}
plugin=${STARLING_PYTHON_PLUGIN:-build/release/plugins/libstarling_python.so}
for f in "$broker" "$bench" "$plugin"; do [ -e "$f" ] || { echo "missing $f (build the release preset)" >&2; exit 1; }; done
plugin=$(realpath "$plugin")
pin_broker=(); pin_tool=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then pin_broker=(taskset -c 1); pin_tool=(taskset -c 0); fi
ulimit -n "$(( connections + 512 ))" 2>/dev/null || true
work=$(mktemp -d)
trap 'pkill -P $$ 2>/dev/null || true; rm -rf "$work"' EXIT

printf 'import starling\n\n@starling.on_message\ndef touch(message):\n    return None\n' \
  > "$work/on_message.py"
printf 'import starling\n\n@starling.on_authenticate\ndef allow(connect):\n    return True\n' \
  > "$work/on_authenticate.py"
printf 'import starling\n\n@starling.on_authenticate\nasync def allow(connect):\n    return True\n' \
  > "$work/on_authenticate_async.py"

run_once() {  # script|none  json-field  scenario args... -> the field's value
  local script=$1 field=$2; shift 2
  local dir="$work/run-$RANDOM$RANDOM"
  mkdir -p "$dir"
  printf '[storage]\ndurability = "memory"\n' > "$dir/starling.toml"
  if [ "$script" != none ]; then
    printf '[[plugins]]\npath = "%s"\npending_timeout_ms = 60000\n[plugins.options]\nscript = "%s"\n' \
      "$plugin" "$work/$script" >> "$dir/starling.toml"
  fi
  "${pin_broker[@]}" "$broker" --config "$dir/starling.toml" --listen 127.0.0.1:0 --threads 1 \
    --data-dir "$dir/data" 2> "$dir/broker.log" &
  local pid=$! port=""
  for _ in $(seq 200); do
    port=$(grep -oE 'listening on tcp://127\.0\.0\.1:[0-9]+' "$dir/broker.log" | grep -oE '[0-9]+$' || true)
    [ -n "$port" ] && break; sleep 0.1
  done
  [ -n "$port" ] || { cat "$dir/broker.log" >&2; exit 1; }
  "${pin_tool[@]}" "$bench" "$@" --port "$port" --json 2> "$dir/bench.txt" > "$dir/bench.json" \
    || { cat "$dir/bench.txt" >&2; exit 1; }
  kill -TERM "$pid"; wait "$pid" || true
  grep -oE "\"$field\":[0-9.]+" "$dir/bench.json" | cut -d: -f2
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

measure() {  # label, unit, json-field, script, scenario args...
  local label=$1 unit=$2 field=$3 script=$4; shift 4
  local -a with=() without=()
  for _ in $(seq "$repeats"); do
    without+=("$(run_once none "$field" "$@")")
    with+=("$(run_once "$script" "$field" "$@")")
  done
  local a b
  a=$(median "${without[@]}"); b=$(median "${with[@]}")
  echo "$label, median of $repeats:"
  echo "  no plugins:  $a $unit   (runs: ${without[*]})"
  echo "  $script: $b $unit   (runs: ${with[*]})"
  awk -v a="$a" -v b="$b" 'BEGIN {printf "  with / without = %.2f\n", b / a}'
}

measure "pairs QoS 0, 10 pairs x $count" msg/s throughput on_message.py \
  pairs --qos 0 --clients 10 --count "$count"
measure "pairs QoS 1, 10 pairs x $count" msg/s throughput on_message.py \
  pairs --qos 1 --clients 10 --count "$count"
measure "connect rate, $connections connections" connects/s connect_rate on_authenticate.py \
  conn --clients "$connections" --duration 1
measure "connect rate, $connections connections" connects/s connect_rate on_authenticate_async.py \
  conn --clients "$connections" --duration 1
