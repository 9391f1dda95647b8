#!/usr/bin/env bash
# Disk use under steady durable load: QoS 1 pairs whose subscribers keep
# persistent sessions (every message is stored, then deleted once
# acknowledged) at a fixed rate for SECONDS, in storage.durability = "sync";
# samples the data directory's size every INTERVAL seconds and prints the
# series, then the peak of each half of the run. The write-ahead log makes
# disk use a sawtooth (it grows until a memtable flush lets RocksDB drop old
# log files); bounded means the second half peaks no higher than the first.
#   bench/soak.sh [SECONDS] [RATE_PER_PAIR] [PAIRS] [INTERVAL]
# Defaults: 300 s, 500 msg/s, 20 pairs (10,000 msg/s), 10 s.
# Uses build/release (cmake --preset release; build starling starling-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
rate=${2:-500}
pairs=${3:-20}
interval=${4:-10}
broker=${STARLING_BIN:-build/release/broker/starling}
bench=${STARLING_BENCH_BIN:-build/release/bench/starling-bench}
for f in "$broker" "$bench"; do [ -x "$f" ] || { echo "missing $f (build the release preset)" >&2; exit 1; }; done
work=$(mktemp -d)
trap 'pkill -P $$ 2>/dev/null || true; rm -rf "$work"' EXIT

"$broker" --listen 127.0.0.1:0 --data-dir "$work/data" 2> "$work/broker.log" &
pid=$!
port=""
for _ in $(seq 100); do
  port=$(grep -oE 'listening on tcp://127\.0\.0\.1:[0-9]+' "$work/broker.log" | grep -oE '[0-9]+$' || true)
  [ -n "$port" ] && break; sleep 0.1
done
[ -n "$port" ] || { cat "$work/broker.log" >&2; exit 1; }

"$bench" durable --port "$port" --version 5 --clients "$pairs" --rate "$rate" \
  --duration "$seconds" > "$work/bench.txt" 2>&1 &
load=$!
samples=()
echo "t(s)  data dir (MiB)  broker RSS (MiB)"
for ((t = interval; t <= seconds; t += interval)); do
  sleep "$interval"
  bytes=$(du -sb "$work/data" | cut -f1)
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  samples+=("$bytes")
  awk -v t="$t" -v b="$bytes" -v r="$rss" 'BEGIN {printf "%4d  %14.1f  %16.1f\n", t, b / 1048576, r / 1024}'
done
wait "$load" || { echo "the load generator failed:" >&2; cat "$work/bench.txt" >&2; exit 1; }
grep -E 'throughput|lost' "$work/bench.txt" | sed 's/^/  /'
kill -TERM "$pid"; wait "$pid" || true
printf '%s\n' "${samples[@]}" | awk '
  { v[NR] = $1 }
  END {
    half = int(NR / 2)
    for (i = 1; i <= NR; i++) {
      if (i <= half && v[i] > first) first = v[i]
      if (i > half && v[i] > second) second = v[i]
    }
    printf "peak disk use: first half %.1f MiB, second half %.1f MiB (%s)\n",
      first / 1048576, second / 1048576, second <= first * 1.1 ? "bounded" : "GROWING"
  }'
