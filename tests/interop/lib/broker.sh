# Sourced by the interop scripts: starts the real starling executable on a
# free loopback port and stops it, checking that it exits 0 on SIGTERM.
#
#   source lib/broker.sh
#   start_broker /path/to/starling     # sets BROKER_PORT, BROKER_PID, BROKER_LOG
#                                      # (with STARLING_CONFIG=FILE: its listeners,
#                                      # the first a tcp one on 127.0.0.1)
#   ... clients against 127.0.0.1:$BROKER_PORT ...
#   stop_broker                        # fails if the broker did not exit 0
#
# Also makes WORK_DIR, a scratch directory removed on exit, and installs an
# EXIT trap that kills the broker and anything listed in CLEANUP_PIDS.

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/starling-interop.XXXXXX")"
BROKER_PID=""
BROKER_PORT=""
BROKER_LOG="$WORK_DIR/broker.log"
CLEANUP_PIDS=()

fail() {
  echo "FAIL: $*" >&2
  if [ -s "$BROKER_LOG" ]; then
    echo "--- broker log (last 30 lines) ---" >&2
    tail -n 30 "$BROKER_LOG" >&2
  fi
  exit 1
}

_interop_cleanup() {
  local pid i
  # A pid started with setsid leads its own process group (Chromium and its
  # helper processes): the whole group goes.
  for pid in "${CLEANUP_PIDS[@]}"; do
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  done
  if [ -n "$BROKER_PID" ]; then kill -KILL "$BROKER_PID" 2>/dev/null || true; fi
  for pid in "${CLEANUP_PIDS[@]}"; do
    for ((i = 0; i < 50; i++)); do
      kill -0 -- "-$pid" 2>/dev/null || kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  done
  rm -rf "$WORK_DIR" 2>/dev/null || { sleep 1; rm -rf "$WORK_DIR" || true; }
}
trap _interop_cleanup EXIT

start_broker() {
  local starling="$1"
  [ -x "$starling" ] || fail "no starling executable at '$starling'"
  local listeners=(--listen 127.0.0.1:0)
  [ -z "${STARLING_CONFIG:-}" ] || listeners=(--config "$STARLING_CONFIG")
  "$starling" "${listeners[@]}" --data-dir "$WORK_DIR/data" --log-level info \
    2>"$BROKER_LOG" &
  BROKER_PID=$!
  local i line
  for ((i = 0; i < 100; i++)); do
    line="$(grep -m1 -o 'listening on tcp://127\.0\.0\.1:[0-9]*' "$BROKER_LOG" || true)"
    if [ -n "$line" ]; then
      BROKER_PORT="${line##*:}"
      echo "starling (pid $BROKER_PID) listening on 127.0.0.1:$BROKER_PORT"
      return 0
    fi
    kill -0 "$BROKER_PID" 2>/dev/null || fail "starling exited before listening"
    sleep 0.1
  done
  fail "starling did not print 'listening on tcp://127.0.0.1:PORT' within 10 s"
}

stop_broker() {
  [ -n "$BROKER_PID" ] || return 0
  kill -TERM "$BROKER_PID" 2>/dev/null || fail "starling (pid $BROKER_PID) was already gone"
  local i
  for ((i = 0; i < 100; i++)); do
    kill -0 "$BROKER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$BROKER_PID" 2>/dev/null; then
    fail "starling did not exit within 10 s of SIGTERM"
  fi
  local status=0
  wait "$BROKER_PID" || status=$?
  BROKER_PID=""
  [ "$status" -eq 0 ] || fail "starling exited with status $status after SIGTERM (expected 0)"
  echo "starling stopped cleanly"
}
