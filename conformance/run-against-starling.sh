#!/usr/bin/env bash
# ctest's conformance_starling: starts the real broker on an ephemeral port,
# runs the whole suite against it, stops it.
#   run-against-starling.sh STARLING_BINARY CONFORMANCE_SUITE_BINARY
set -euo pipefail
starling="$1"
suite="$2"
work="$(mktemp -d)"
broker_pid=""
cleanup() {
  if [[ -n "$broker_pid" ]]; then
    kill -TERM "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The broker runs in its own scratch directory so its data stays there.
(cd "$work" && exec "$starling" --listen 127.0.0.1:0) 2>"$work/stderr" &
broker_pid=$!

port=""
for _ in $(seq 1 100); do
  port="$(sed -n 's|.*listening on tcp://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$work/stderr" | head -n1)"
  [[ -n "$port" ]] && break
  if ! kill -0 "$broker_pid" 2>/dev/null; then
    echo "starling exited before listening:" >&2
    cat "$work/stderr" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ -z "$port" ]]; then
  echo "starling did not report its port within 10 s:" >&2
  cat "$work/stderr" >&2
  exit 1
fi

status=0
"$suite" --host 127.0.0.1 --port "$port" --version all || status=$?
exit "$status"
