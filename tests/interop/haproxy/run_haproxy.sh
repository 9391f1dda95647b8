#!/usr/bin/env bash
# HAProxy in front of a Starling tcp listener with proxy_protocol = true,
# sending PROXY v2 headers (send-proxy-v2): mosquitto clients publish and
# subscribe through it. Without the header read, the broker would take the
# header for a malformed packet and drop every connection. Loopback only.
#
#   run_haproxy.sh STARLING
#
# Exits 77 (ctest SKIP_RETURN_CODE) when HAProxy is not installed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ $# -eq 1 ] || { echo "usage: $0 STARLING" >&2; exit 2; }
haproxy="${HAPROXY:-/usr/sbin/haproxy}"
[ -x "$haproxy" ] || { echo "SKIP: no HAProxy at $haproxy (Debian package haproxy)"; exit 77; }

# shellcheck source=../lib/broker.sh
source "$here/../lib/broker.sh"
export STARLING_CONFIG="$WORK_DIR/starling.toml"
cat >"$STARLING_CONFIG" <<TOML
[[listeners]]
type = "tcp"
bind = "127.0.0.1:0"

[[listeners]]
type = "tcp"
bind = "127.0.0.1:0"
proxy_protocol = true
TOML
start_broker "$1"
proxied_port="$(grep -o 'listening on tcp://127\.0\.0\.1:[0-9]*' "$BROKER_LOG" | sed -n 2p | sed 's/.*://')"
[ -n "$proxied_port" ] || fail "starling did not report its proxy_protocol listener"

front_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat >"$WORK_DIR/haproxy.cfg" <<CFG
defaults
  mode tcp
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend mqtt
  bind 127.0.0.1:$front_port
  default_backend starling
backend starling
  server starling 127.0.0.1:$proxied_port send-proxy-v2
CFG
"$haproxy" -db -f "$WORK_DIR/haproxy.cfg" >"$WORK_DIR/haproxy.log" 2>&1 &
CLEANUP_PIDS+=($!)
disown "$!"  # no "Killed" notice when the EXIT trap ends it
for ((i = 0; i < 50; i++)); do
  (exec 3<>"/dev/tcp/127.0.0.1/$front_port") 2>/dev/null && break
  sleep 0.1
done

received="$WORK_DIR/received"
timeout 10 mosquitto_sub -h 127.0.0.1 -p "$front_port" -t proxied/t -C 1 -W 10 >"$received" &
sub=$!
for ((i = 0; i < 50; i++)); do
  grep -q "' connected (" "$BROKER_LOG" && break  # the subscriber is connected
  sleep 0.1
done
timeout 10 mosquitto_pub -h 127.0.0.1 -p "$front_port" -t proxied/t -m "through haproxy" -q 1 ||
  { cat "$WORK_DIR/haproxy.log" >&2; fail "mosquitto_pub through HAProxy failed"; }
wait "$sub" || fail "mosquitto_sub through HAProxy got nothing"
[ "$(cat "$received")" = "through haproxy" ] || fail "expected 'through haproxy', got '$(cat "$received")'"
! grep -q "handshake failed" "$BROKER_LOG" || fail "a connection's PROXY header was refused"
echo "PROXY v2 through HAProxy: message round-tripped"
stop_broker
