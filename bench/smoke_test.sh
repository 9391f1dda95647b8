#!/usr/bin/env bash
# Smoke test for starling-bench: starts the real broker on a free port and
# runs every scenario briefly with small counts. Checks exit codes only;
# timings on a shared machine prove nothing.
# Usage: smoke_test.sh STARLING_BINARY STARLING_BENCH_BINARY
set -euo pipefail

starling=${1:?usage: smoke_test.sh STARLING STARLING_BENCH}
bench=${2:?usage: smoke_test.sh STARLING STARLING_BENCH}
work=$(mktemp -d)
broker_pid=
cleanup() {
  if [[ -n $broker_pid ]]; then
    kill "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$starling" --listen 127.0.0.1:0 --threads 1 --data-dir "$work/data" 2>"$work/broker.log" &
broker_pid=$!
port=
for _ in $(seq 100); do
  port=$(sed -n 's/.*listening on tcp:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/broker.log" | head -1)
  [[ -n $port ]] && break
  kill -0 "$broker_pid" 2>/dev/null || break
  sleep 0.1
done
if [[ -z $port ]]; then
  echo "smoke_test: starling did not report a listening port" >&2
  cat "$work/broker.log" >&2
  exit 1
fi

failures=0
run() {
  echo "== starling-bench $*"
  if ! timeout 60 "$bench" "$@" --port "$port" --drain-timeout 5; then
    echo "FAILED: starling-bench $*" >&2
    failures=$((failures + 1))
  fi
}

run fanout --clients 10 --duration 1 --qos 0
run fanin --clients 10 --duration 1 --qos 0
# Counts, not a duration, for QoS 1 fan-in: flat out for a second, ten
# publishers can outrun one subscriber by more than its session queue
# (limits.max_queued_messages), and the broker then drops by design.
run fanin --clients 10 --count 5000 --qos 1 --version 5
run pairs --clients 5 --duration 1 --qos 1
run pairs --clients 5 --duration 1 --qos 2
run durable --clients 5 --count 2000
run pairs --clients 5 --duration 1 --rate 500 --threads 2
run conn --clients 200 --duration 1 --broker-pid "$broker_pid"

if ! kill -0 "$broker_pid" 2>/dev/null; then
  echo "smoke_test: starling exited during the test" >&2
  failures=$((failures + 1))
fi
echo "smoke_test: $failures failure(s)"
[[ $failures -eq 0 ]]
