#!/usr/bin/env bash
# Restart time with many queued messages: a persistent v5 session subscribes
# at QoS 1 and goes offline, MESSAGES QoS 1 messages are queued for it in
# storage.durability = "sync", the broker is killed with SIGKILL and started
# again on the same data directory; prints the time from start to
# "listening" (restore included) and the restored count from the log.
#   bench/restart-time.sh [MESSAGES]      (default 1000000)
# Uses build/release/broker/starling, Debian's mosquitto-clients (for the
# subscriber) and bench/qos1_publish.py (python3) to publish.
set -euo pipefail
cd "$(dirname "$0")/.."
messages=${1:-1000000}
broker=${STARLING_BIN:-build/release/broker/starling}
[ -x "$broker" ] || { echo "missing $broker (build the release preset)" >&2; exit 1; }
work=$(mktemp -d)
trap 'pkill -P $$ 2>/dev/null || true; rm -rf "$work"' EXIT

# The default per-session queue limits (100,000 messages, 64 MiB) would refuse
# most of the messages; lift them for this measurement.
printf '[limits]\nmax_queued_messages = %d\nmax_queued_bytes = %d\n' \
  "$((messages + 1000))" "$((messages * 64 + (64 << 20)))" > "$work/starling.toml"

start_broker() {  # -> sets pid, port; $1 log file
  "$broker" --config "$work/starling.toml" --listen 127.0.0.1:0 --data-dir "$work/data" 2> "$1" &
  pid=$!; port=""
  for _ in $(seq 6000); do
    port=$(grep -oE 'listening on tcp://127\.0\.0\.1:[0-9]+' "$1" | grep -oE '[0-9]+$' || true)
    [ -n "$port" ] && return; sleep 0.01
  done
  cat "$1" >&2; exit 1
}

start_broker "$work/first.log"
mosquitto_sub -V mqttv5 -p "$port" -i restart-sub -c -x 3600 -q 1 -t 'restart/#' -E
t0=$(date +%s.%N)
# Returns once every message is acknowledged, i.e. stored and synced.
python3 bench/qos1_publish.py "$port" restart/x "$messages"
t1=$(date +%s.%N)
kill -KILL "$pid"; wait "$pid" 2>/dev/null || true
du_data=$(du -sh "$work/data" | cut -f1)

t2=$(date +%s.%N)
start_broker "$work/second.log"
t3=$(date +%s.%N)
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
echo "queued $messages QoS 1 messages in $(echo "$t1 - $t0" | bc) s (sync, acknowledged), data dir $du_data"
echo "restart after SIGKILL: $(echo "$t3 - $t2" | bc) s to listening"
grep -E 'restored' "$work/second.log" | sed 's/^[^ ]* [^ ]* */  /'
