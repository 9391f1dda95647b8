#!/usr/bin/env bash
# The examples in examples/plugin_c and examples/plugin_cpp build out of tree
# against an installed broker (find_package(starling)) and load into it.
#   out_of_tree.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 source=$2
work=$(mktemp -d)
broker_pid=""
cleanup() {
  [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null && wait "$broker_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$work/broker.log" ] && cat "$work/broker.log" >&2; exit 1; }

cmake --install "$build" --prefix "$work/prefix" > "$work/install.log" || fail "install"
for example in plugin_c plugin_cpp; do
  cmake -S "$source/examples/$example" -B "$work/$example" -G Ninja \
    -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/$example.log" 2>&1 || { cat "$work/$example.log"; fail "configure $example"; }
  cmake --build "$work/$example" >> "$work/$example.log" 2>&1 || { cat "$work/$example.log"; fail "build $example"; }
done

start_broker() {  # config text
  printf '%s\n' "$1" > "$work/starling.toml"
  "$work/prefix/bin/starling" --config "$work/starling.toml" --listen 127.0.0.1:0 \
    --data-dir "$work/data" > "$work/broker.log" 2>&1 &
  broker_pid=$!
  port=""
  for _ in $(seq 100); do
    port=$(grep -oE 'listening on tcp://127\.0\.0\.1:[0-9]+' "$work/broker.log" | grep -oE '[0-9]+$' || true)
    [ -n "$port" ] && return
    kill -0 "$broker_pid" 2>/dev/null || fail "the broker exited"
    sleep 0.1
  done
  fail "the broker did not start"
}
stop_broker() { kill "$broker_pid"; wait "$broker_pid" 2>/dev/null || true; broker_pid=""; }

# C: loads, logs connects, refuses publishes under its prefix.
start_broker "[[plugins]]
path = \"$work/plugin_c/libquiet_hours.so\"
[plugins.options]
blocked_prefix = \"quiet/\""
grep -q "quiet hours example loaded" "$work/broker.log" || fail "C example not loaded"
mosquitto_pub -p "$port" -i c-probe -t open/x -m hi -q 1
sleep 0.2
grep -q "connected: c-probe" "$work/broker.log" || fail "C example saw no connect"
stop_broker

# C++: greets a connecting client through the host's publish function.
start_broker "[[plugins]]
path = \"$work/plugin_cpp/libgreeter.so\"
[plugins.options]
greeting = \"welcome\""
mosquitto_sub -p "$port" -i watcher -t 'greetings/#' -C 1 -W 10 > "$work/greeting.txt" &
sub=$!
sleep 0.5
mosquitto_pub -p "$port" -i cpp-probe -t open/x -m hi
wait "$sub" || fail "no greeting arrived"
grep -q "welcome, cpp-probe" "$work/greeting.txt" || fail "unexpected greeting: $(cat "$work/greeting.txt")"
stop_broker
echo "examples build out of tree and load: ok"
