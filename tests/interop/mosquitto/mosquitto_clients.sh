#!/usr/bin/env bash
# Interop with Debian's mosquitto-clients (mosquitto_pub, mosquitto_sub,
# mosquitto_rr) against the real starling executable. One scenario per run,
# each on its own broker:
#
#   mosquitto_clients.sh STARLING SCENARIO [VERSION]
#
#   qos VERSION            QoS 0/1/2 round trips, binary payload intact
#   retained VERSION       -r kept for a later subscriber; -n -r clears it
#   will VERSION           a subscriber killed with SIGKILL; its will arrives
#   count VERSION          -C stops after exactly N messages, in order
#   cross-version          v5 publisher -> v3.1.1 subscriber and back
#   user-properties        -D user-property and friends reach a v5 -F '%P'
#   request-response       mosquitto_rr and a responder, over v5 response topic
#
# VERSION is mqttv311 or mqttv5.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/broker.sh
source "$here/../lib/broker.sh"

[ $# -ge 2 ] || { echo "usage: $0 STARLING SCENARIO [VERSION]" >&2; exit 2; }
starling="$1"
scenario="$2"
version="${3:-mqttv5}"
for tool in mosquitto_pub mosquitto_sub mosquitto_rr; do
  command -v "$tool" >/dev/null || fail "$tool not found (Debian package mosquitto-clients)"
done

# Every client is bounded in time: -W for subscribers and mosquitto_rr,
# timeout(1) for clients run in the foreground.
pub() { timeout 10 mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" "$@"; }
sub() { timeout 15 mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -W 10 "$@"; }

# Starts a subscriber in the background with -d, waits for its SUBACK, and
# sets SUB_PID. Output lines from -F 'MSG|...' are the messages; -d lines are
# the client's debug log.
SUB_PID=""
start_sub() {
  local out="$1"
  shift
  # Line-buffered, or the SUBACK line would sit in stdio's buffer until exit.
  # No timeout(1) here: SUB_PID must be mosquitto_sub itself (stdbuf execs
  # it), so that SIGKILL reaches the client; -W bounds it instead.
  stdbuf -oL -eL mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -W 10 -d "$@" \
    >"$out" 2>&1 &
  SUB_PID=$!
  CLEANUP_PIDS+=("$SUB_PID")
  local i
  for ((i = 0; i < 100; i++)); do
    grep -q "received SUBACK" "$out" && return 0
    kill -0 "$SUB_PID" 2>/dev/null || fail "mosquitto_sub exited before subscribing: $(cat "$out")"
    sleep 0.05
  done
  fail "mosquitto_sub got no SUBACK within 5 s: $(cat "$out")"
}

# Waits for the background subscriber; fails if it does not exit 0.
wait_sub() {
  local what="$1" out="$2" status=0
  wait "$SUB_PID" || status=$?
  [ "$status" -eq 0 ] || fail "$what: mosquitto_sub exited with $status: $(cat "$out")"
}

messages() { grep '^MSG|' "$1" | cut -d'|' -f2- || true; }

hex_of() { od -An -v -tx1 "$1" | tr -d ' \n'; }

scenario_qos() {
  local payload="$WORK_DIR/payload.bin" qos out got
  head -c 4096 /dev/urandom >"$payload"
  # Every byte value once more, NUL included (printf -v: no fork per byte).
  local all="" escape i
  for ((i = 0; i < 256; i++)); do
    printf -v escape '\\x%02x' "$i"
    all+="$escape"
  done
  printf "$all" >>"$payload"
  local want
  want="$(hex_of "$payload")"
  for qos in 0 1 2; do
    out="$WORK_DIR/qos$qos.out"
    start_sub "$out" -V "$version" -q "$qos" -t "interop/qos/$qos" -C 1 -F 'MSG|%q|%x'
    pub -V "$version" -q "$qos" -t "interop/qos/$qos" -f "$payload" ||
      fail "QoS $qos: mosquitto_pub failed"
    wait_sub "QoS $qos" "$out"
    got="$(messages "$out")"
    [ "$got" = "$qos|$want" ] ||
      fail "QoS $qos ($version): received '${got:0:80}...' (qos|hex), want qos $qos and the same $(wc -c <"$payload") bytes"
    echo "ok: QoS $qos round trip, $(wc -c <"$payload") bytes intact ($version)"
  done
}

scenario_retained() {
  local out got
  pub -V "$version" -q 1 -r -t interop/retained -m "kept value" || fail "retained publish failed"
  out="$WORK_DIR/later.out"
  sub -V "$version" -t interop/retained -C 1 -F 'MSG|%r|%p' >"$out" 2>&1 ||
    fail "a later subscriber got no retained message: $(cat "$out")"
  got="$(messages "$out")"
  [ "$got" = "1|kept value" ] || fail "later subscriber got '$got', want retained '1|kept value'"
  echo "ok: a later subscriber receives the retained message with the retain flag ($version)"

  pub -V "$version" -r -n -t interop/retained || fail "clearing publish (-n -r) failed"
  # After clearing, the first message a new subscriber sees must be a live
  # marker published after it subscribed, not the old retained one.
  out="$WORK_DIR/cleared.out"
  start_sub "$out" -V "$version" -t interop/retained -C 1 -F 'MSG|%r|%p'
  pub -V "$version" -t interop/retained -m marker || fail "marker publish failed"
  wait_sub "after clearing" "$out"
  got="$(messages "$out")"
  [ "$got" = "0|marker" ] || fail "after -n -r the subscriber got '$got' first, want the live '0|marker'"
  echo "ok: -n -r clears the retained message ($version)"
}

scenario_will() {
  local watcher="$WORK_DIR/watcher.out" victim="$WORK_DIR/victim.out" got
  start_sub "$watcher" -V "$version" -q 1 -t interop/will/+ -C 1 -F 'MSG|%t|%q|%p'
  local watcher_pid="$SUB_PID"
  start_sub "$victim" -V "$version" -i interop-will-victim -t interop/nothing \
    --will-topic interop/will/victim --will-payload "victim vanished" --will-qos 1
  kill -KILL "$SUB_PID"
  wait "$SUB_PID" 2>/dev/null || true
  SUB_PID="$watcher_pid"
  wait_sub "will" "$watcher"
  got="$(messages "$watcher")"
  [ "$got" = "interop/will/victim|1|victim vanished" ] ||
    fail "watcher got '$got', want the will 'interop/will/victim|1|victim vanished'"
  echo "ok: SIGKILLed client's will delivered at QoS 1 ($version)"

  # A clean disconnect sends no will: the watcher sees only the marker. (-E
  # exits after the SUBACK with DISCONNECT 0x00; -W would not do here, as a
  # v5 mosquitto_sub that times out disconnects with 0x04, "with will".)
  start_sub "$watcher" -V "$version" -q 1 -t interop/will/+ -C 1 -F 'MSG|%t|%p'
  watcher_pid="$SUB_PID"
  timeout 10 mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -V "$version" -t interop/nothing \
    --will-topic interop/will/polite --will-payload "should not arrive" -E >/dev/null 2>&1 ||
    fail "mosquitto_sub -E (clean disconnect) failed"
  pub -V "$version" -t interop/will/marker -m marker || fail "marker publish failed"
  SUB_PID="$watcher_pid"
  wait_sub "no will" "$watcher"
  got="$(messages "$watcher")"
  [ "$got" = "interop/will/marker|marker" ] ||
    fail "after a clean disconnect the watcher got '$got', want only the marker"
  echo "ok: a clean disconnect sends no will ($version)"
}

scenario_count() {
  local out="$WORK_DIR/count.out" got want
  start_sub "$out" -V "$version" -q 1 -t interop/count -C 5 -F 'MSG|%p'
  printf 'm1\nm2\nm3\nm4\nm5\nm6\nm7\nm8\n' | pub -V "$version" -q 1 -t interop/count -l ||
    fail "mosquitto_pub -l failed"
  wait_sub "-C 5" "$out"
  got="$(messages "$out" | tr '\n' ' ')"
  want="m1 m2 m3 m4 m5 "
  [ "$got" = "$want" ] || fail "-C 5 received '$got', want '$want' in order"
  echo "ok: -C 5 exits after exactly 5 messages, in publish order ($version)"
}

scenario_cross_version() {
  local out="$WORK_DIR/cross.out" got
  start_sub "$out" -V mqttv311 -q 2 -t interop/cross -C 1 -F 'MSG|%q|%p'
  pub -V mqttv5 -q 2 -t interop/cross -m "from five" -D publish user-property k v ||
    fail "v5 publish failed"
  wait_sub "v5 -> v3.1.1" "$out"
  got="$(messages "$out")"
  [ "$got" = "2|from five" ] || fail "v3.1.1 subscriber got '$got', want '2|from five'"
  echo "ok: v5 publisher -> v3.1.1 subscriber"

  start_sub "$out" -V mqttv5 -q 1 -t interop/cross -C 1 -F 'MSG|%q|%P|%p'
  pub -V mqttv311 -q 1 -t interop/cross -m "from three" || fail "v3.1.1 publish failed"
  wait_sub "v3.1.1 -> v5" "$out"
  got="$(messages "$out")"
  [ "$got" = "1||from three" ] || fail "v5 subscriber got '$got', want '1||from three'"
  echo "ok: v3.1.1 publisher -> v5 subscriber"
}

scenario_user_properties() {
  local out="$WORK_DIR/props.out" got
  start_sub "$out" -V mqttv5 -q 1 -t interop/props -C 1 -F 'MSG|%P|%C|%R|%E|%F|%p'
  pub -V mqttv5 -q 1 -t interop/props -m "with properties" \
    -D publish user-property colour blue -D publish user-property colour green \
    -D publish user-property "key two" "value two" \
    -D publish content-type text/plain -D publish response-topic interop/reply \
    -D publish message-expiry-interval 300 -D publish payload-format-indicator 1 ||
    fail "publish with properties failed"
  wait_sub "user properties" "$out"
  got="$(messages "$out")"
  IFS='|' read -r user content response expiry format payload <<<"$got"
  [ "$user" = "colour:blue colour:green key two:value two" ] ||
    [ "$user" = "colour:blue,colour:green,key two:value two" ] ||
    fail "user properties arrived as '$user', want colour:blue colour:green 'key two:value two' in order"
  [ "$content" = "text/plain" ] || fail "content type arrived as '$content'"
  [ "$response" = "interop/reply" ] || fail "response topic arrived as '$response'"
  [[ "$expiry" =~ ^[0-9]+$ ]] && [ "$expiry" -le 300 ] && [ "$expiry" -ge 290 ] ||
    fail "message expiry arrived as '$expiry', want 290..300"
  [ "$format" = "1" ] || fail "payload format indicator arrived as '$format'"
  [ "$payload" = "with properties" ] || fail "payload arrived as '$payload'"
  echo "ok: user properties (repeated key, order kept), content type, response topic, expiry, format"
}

scenario_request_response() {
  local requests="$WORK_DIR/requests.out" answer="$WORK_DIR/answer.out"
  # The responder: one request, answered on its response topic with its
  # correlation data echoed.
  start_sub "$requests" -V mqttv5 -q 1 -t interop/rr/request -C 1 -F 'MSG|%R|%D|%p'
  local responder_pid="$SUB_PID"
  mosquitto_rr -h 127.0.0.1 -p "$BROKER_PORT" -V mqttv5 -q 1 -W 10 \
    -t interop/rr/request -e interop/rr/response/1 -m "what time is it" \
    -D publish correlation-data req-42 >"$answer" 2>&1 &
  local rr_pid=$!
  CLEANUP_PIDS+=("$rr_pid")
  SUB_PID="$responder_pid"
  wait_sub "responder" "$requests"
  local got response correlation question
  got="$(messages "$requests")"
  IFS='|' read -r response correlation question <<<"$got"
  [ "$response" = "interop/rr/response/1" ] ||
    fail "the request's response topic arrived as '$response', want interop/rr/response/1"
  [ "$correlation" = "req-42" ] || fail "the request's correlation data arrived as '$correlation'"
  [ "$question" = "what time is it" ] || fail "the request payload arrived as '$question'"
  pub -V mqttv5 -q 1 -t "$response" -D publish correlation-data "$correlation" \
    -m "answer to: $question" || fail "the responder's publish failed"
  local status=0
  wait "$rr_pid" || status=$?
  [ "$status" -eq 0 ] || fail "mosquitto_rr exited with $status: $(cat "$answer")"
  [ "$(cat "$answer")" = "answer to: what time is it" ] ||
    fail "mosquitto_rr printed '$(cat "$answer")', want 'answer to: what time is it'"
  echo "ok: mosquitto_rr request answered through its response topic, correlation data kept"
}

case "$version" in
  mqttv311 | mqttv5) ;;
  *) fail "VERSION must be mqttv311 or mqttv5, not '$version'" ;;
esac

start_broker "$starling"
case "$scenario" in
  qos) scenario_qos ;;
  retained) scenario_retained ;;
  will) scenario_will ;;
  count) scenario_count ;;
  cross-version) scenario_cross_version ;;
  user-properties) scenario_user_properties ;;
  request-response) scenario_request_response ;;
  *) fail "unknown scenario '$scenario'" ;;
esac
stop_broker
