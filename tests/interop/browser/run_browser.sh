#!/usr/bin/env bash
# A real browser against Starling: headless Chromium loads page.html, whose
# MQTT.js connects over ws://127.0.0.1, subscribes, publishes and reports the
# message that came back by fetching /result?outcome=... from the local page
# server, whose request log this script reads. Loopback only.
#
#   run_browser.sh STARLING
#
# Exits 77 (ctest SKIP_RETURN_CODE) when Chromium is not installed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ $# -eq 1 ] || { echo "usage: $0 STARLING" >&2; exit 2; }
chromium="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] || { echo "SKIP: no Chromium at $chromium (Debian package chromium)"; exit 77; }
bundle="$here/../node/node_modules/mqtt/dist/mqtt.min.js"
if [ ! -f "$bundle" ]; then
  timeout 90 npm ci --prefix "$here/../node" --no-audit --no-fund ||
    { echo "FAIL: npm ci for MQTT.js failed" >&2; exit 1; }
fi

# shellcheck source=../lib/broker.sh
source "$here/../lib/broker.sh"
export STARLING_CONFIG="$WORK_DIR/starling.toml"
cat >"$STARLING_CONFIG" <<TOML
[[listeners]]
type = "tcp"
bind = "127.0.0.1:0"

[[listeners]]
type = "ws"
bind = "127.0.0.1:0"
path = "/mqtt"
TOML
start_broker "$1"
ws_port="$(grep -m1 -o 'listening on ws://127\.0\.0\.1:[0-9]*' "$BROKER_LOG" | sed 's/.*://')"
[ -n "$ws_port" ] || fail "starling did not report its ws listener"

site="$WORK_DIR/site"
mkdir -p "$site"
cp "$here/page.html" "$bundle" "$site/"
server_log="$WORK_DIR/http.log"
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$site" >"$server_log" 2>&1 &
CLEANUP_PIDS+=($!)
disown "$!"  # no "Killed" notice when the EXIT trap ends it
http_port=""
for ((i = 0; i < 50; i++)); do
  http_port="$(grep -m1 -o 'port [0-9]*' "$server_log" | sed 's/port //' || true)"
  [ -n "$http_port" ] && break
  sleep 0.1
done
[ -n "$http_port" ] || fail "the page server did not start"

profile="$WORK_DIR/chromium-profile"
setsid "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$profile" \
  "http://127.0.0.1:$http_port/page.html?port=$ws_port" >"$WORK_DIR/chromium.log" 2>&1 &
CLEANUP_PIDS+=($!)
disown "$!"  # no "Killed" notice when the EXIT trap ends it

outcome=""
for ((i = 0; i < 300; i++)); do
  outcome="$(grep -m1 -o 'GET /result?outcome=[^ ]*' "$server_log" | sed 's/.*outcome=//' || true)"
  [ -n "$outcome" ] && break
  sleep 0.1
done
outcome="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.unquote_plus(sys.argv[1]))' "$outcome")"
[ -n "$outcome" ] || { tail -n 20 "$WORK_DIR/chromium.log" >&2; fail "the page reported nothing within 30 s"; }
echo "page reported: $outcome"
[ "$outcome" = "received: hello from the browser" ] || fail "expected the message back, got '$outcome'"
stop_broker
