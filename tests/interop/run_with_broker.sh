#!/usr/bin/env bash
# Runs a client program against a freshly started starling, then stops the
# broker and checks it exits 0.
#
#   run_with_broker.sh STARLING COMMAND [ARG...]
#
# Every argument equal to @PORT@ is replaced by the broker's port; the port is
# also in the environment as STARLING_PORT. Exits non-zero when the command
# does, or when the broker does not start or stop cleanly.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/broker.sh
source "$here/lib/broker.sh"

[ $# -ge 2 ] || { echo "usage: $0 STARLING COMMAND [ARG...]" >&2; exit 2; }
starling="$1"
shift

start_broker "$starling"
export STARLING_PORT="$BROKER_PORT"
args=()
for arg in "$@"; do
  if [ "$arg" = "@PORT@" ]; then args+=("$BROKER_PORT"); else args+=("$arg"); fi
done
status=0
"${args[@]}" || status=$?
[ "$status" -eq 0 ] || fail "'$*' exited with status $status"
stop_broker
