#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds Starling (optimised) and its
# bundled plugins, and runs the broker on 127.0.0.1:1883 with its embedded
# defaults. Extra arguments go to
# the broker, e.g. scripts/run-broker.sh --config examples/starling.toml
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target starling starling_auth_file starling_acl_file \
  starling_topic_rewrite starling_python starling-passwd
exec build/release/broker/starling "$@"
