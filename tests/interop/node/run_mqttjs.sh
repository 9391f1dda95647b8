#!/usr/bin/env bash
# Runs the MQTT.js checks against a freshly started starling:
#   run_mqttjs.sh STARLING
# Installs the pinned MQTT.js (package-lock.json) with `npm ci` first when
# node_modules is missing or older than the lock file.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ $# -eq 1 ] || { echo "usage: $0 STARLING" >&2; exit 2; }
command -v node >/dev/null || { echo "FAIL: node not found (Debian packages nodejs, npm)" >&2; exit 1; }

installed="$here/node_modules/.package-lock.json"
if [ ! -f "$installed" ] || [ "$here/package-lock.json" -nt "$installed" ]; then
  echo "installing MQTT.js: npm ci --prefix $here"
  timeout 90 npm ci --prefix "$here" --no-audit --no-fund ||
    { echo "FAIL: npm ci in $here failed (is the npm registry reachable?)" >&2; exit 1; }
fi
exec bash "$here/../run_with_broker.sh" "$1" node --test "$here/mqttjs_interop.test.mjs"
