#!/usr/bin/env bash
# Installs everything Starling needs to build, run and test on Debian 12.
# Idempotent: packages already present are skipped, so a second run is quick.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost1.81-dev libssl-dev librocksdb-dev libtoml11-dev
  pybind11-dev python3-dev
  libgtest-dev libgmock-dev
  clang libclang-rt-14-dev llvm-14   # libFuzzer, and llvm-symbolizer for its reports
  libpaho-mqtt-dev libpaho-mqttpp-dev
  mosquitto mosquitto-clients python3-paho-mqtt
  chromium   # the browser WebSocket test (tests/interop/browser)
  haproxy    # PROXY protocol in front of a listener (tests/interop/haproxy)
)
# Node.js runs the MQTT.js interop tests; a machine may already have a newer
# one from elsewhere, which is kept.
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian's mosquitto package starts a system broker on 1883; Starling wants that port.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet mosquitto 2>/dev/null; then
  systemctl stop mosquitto || true
  systemctl disable mosquitto >/dev/null 2>&1 || true
fi
# MQTT.js for the interop tests, pinned by its lock file.
here="$(cd "$(dirname "$0")/.." && pwd)"
node_dir="$here/tests/interop/node"
if [ -f "$node_dir/package-lock.json" ] && [ ! -d "$node_dir/node_modules" ]; then
  echo "setup: npm ci in tests/interop/node"
  npm ci --prefix "$node_dir" --no-audit --no-fund >/dev/null
fi
echo "setup: all dependencies present"
