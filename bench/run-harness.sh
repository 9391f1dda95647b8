#!/usr/bin/env bash
# Side-by-side benchmark: Starling (1 and 2 worker threads), Mosquitto and
# nats-server (MQTT), the same starling-bench matrix against each, interleaved
# (repeat -> scenario -> broker), each broker started fresh for every run.
# The broker is pinned to CPU 1 and the load generator to CPU 0.
#
# Installs nothing. Needs: taskset, python3, the Starling release build and
# mosquitto. nats-server and gnuplot are optional: missing ones are reported
# and their part skipped.
#
# Usage: bench/run-harness.sh [--quick] [--repeats N] [--out DIR]
#   --quick        1 repeat, smaller counts, shorter timed runs
#   --repeats N    repeats per cell (default 3)
#   --out DIR      where RESULTS.md and the chart go (default: bench/)
# Environment:
#   STARLING_BIN        default build/release/broker/starling
#   STARLING_BENCH_BIN  default: next to STARLING_BIN's build, bench/starling-bench
#   MOSQUITTO_BIN       default /usr/sbin/mosquitto (or mosquitto on PATH)
#   NATS_BIN            default nats-server on PATH
#   BENCH_PORT          first of the ports used (default 21883)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
command_line="bench/run-harness.sh $*"
for var in STARLING_BIN STARLING_BENCH_BIN MOSQUITTO_BIN NATS_BIN BENCH_PORT; do
  [[ -n ${!var:-} ]] && command_line="$var=${!var} $command_line"
done

quick=0
repeats=3
out_dir=$here
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) quick=1; repeats=1 ;;
    --repeats) repeats=${2:?--repeats needs a value}; shift ;;
    --out) out_dir=${2:?--out needs a value}; shift ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-harness: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

starling=${STARLING_BIN:-$repo/build/release/broker/starling}
bench=${STARLING_BENCH_BIN:-$(dirname "$(dirname "$starling")")/bench/starling-bench}
mosquitto=${MOSQUITTO_BIN:-$(command -v mosquitto || echo /usr/sbin/mosquitto)}
nats=${NATS_BIN:-$(command -v nats-server || true)}
port=${BENCH_PORT:-21883}

die() { echo "run-harness: $*" >&2; exit 1; }
[[ -x $starling ]] || die "no Starling binary at $starling; build it: cmake --preset release && cmake --build --preset release --target starling starling-bench (or set STARLING_BIN)"
[[ -x $bench ]] || die "no starling-bench at $bench; build the starling-bench target (or set STARLING_BENCH_BIN)"
[[ -x $mosquitto ]] || die "no mosquitto at $mosquitto (apt-get install mosquitto, or set MOSQUITTO_BIN)"
command -v taskset >/dev/null || die "taskset is missing (util-linux)"
command -v python3 >/dev/null || die "python3 is missing (used to summarise the results)"
if [[ -z $nats || ! -x $nats ]]; then
  echo "run-harness: nats-server not found (apt-get install nats-server); skipping NATS" >&2
  nats=
fi
gnuplot_bin=$(command -v gnuplot || true)
[[ -n $gnuplot_bin ]] || echo "run-harness: gnuplot not found (apt-get install gnuplot-nox); no chart" >&2
[[ $(nproc) -ge 2 ]] || echo "run-harness: fewer than 2 CPUs: broker and load generator will share one" >&2

# 19,000 idle connections need as many descriptors in the broker and the tool.
ulimit -n "$(ulimit -Hn)" 2>/dev/null
fd_limit=$(ulimit -n)
idle_connections=19000
if [[ $fd_limit != unlimited && $fd_limit -lt $((idle_connections + 200)) ]]; then
  idle_connections=$((fd_limit - 200))
  echo "run-harness: open-file limit $fd_limit: idle connections reduced to $idle_connections" >&2
fi

work=$(mktemp -d /tmp/starling-harness.XXXXXX)
results=$work/results.jsonl
: >"$results"
broker_pid=
cleanup() {
  stop_broker
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- brokers -----------------------------------------------------------------

brokers=(starling-t1 starling-t2 mosquitto)
[[ -n $nats ]] && brokers+=(nats)

# Mosquitto, with limits raised to Starling's defaults so neither is held
# back by a smaller window or queue (Mosquitto's own defaults: 20 in flight,
# 1000 queued). Nagle off, as Starling does, so latency compares like for like.
cat >"$work/mosquitto.conf" <<EOF
listener $port 127.0.0.1
allow_anonymous true
max_inflight_messages 256
max_queued_messages 100000
max_queued_bytes 67108864
max_connections -1
set_tcp_nodelay true
persistence false
log_dest stderr
log_type error
log_type warning
user root
EOF

# nats-server: MQTT needs JetStream (and a server name); state goes to a
# fresh directory per run.
write_nats_conf() {
  cat >"$work/nats.conf" <<EOF
server_name: starling_harness
listen: 127.0.0.1:$((port + 1))
max_connections: 100000
jetstream {
  store_dir: "$work/nats-js"
}
mqtt {
  listen: 127.0.0.1:$port
}
EOF
}

start_broker() {
  local kind=$1
  rm -rf "$work/data" "$work/nats-js"
  case $kind in
    starling-t1|starling-t2)
      taskset -c 1 "$starling" --listen "127.0.0.1:$port" --threads "${kind#starling-t}" \
        --data-dir "$work/data" --log-level warn 2>>"$work/$kind.log" &
      ;;
    mosquitto)
      taskset -c 1 "$mosquitto" -c "$work/mosquitto.conf" 2>>"$work/$kind.log" &
      ;;
    nats)
      write_nats_conf
      taskset -c 1 "$nats" -c "$work/nats.conf" 2>>"$work/$kind.log" &
      ;;
  esac
  broker_pid=$!
  for _ in $(seq 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      sleep 0.3
      return 0
    fi
    kill -0 "$broker_pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "run-harness: $kind did not start; its log:" >&2
  tail -20 "$work/$kind.log" >&2
  stop_broker
  return 1
}

stop_broker() {
  [[ -n $broker_pid ]] || return 0
  kill "$broker_pid" 2>/dev/null
  for _ in $(seq 100); do
    kill -0 "$broker_pid" 2>/dev/null || break
    sleep 0.05
  done
  kill -9 "$broker_pid" 2>/dev/null
  wait "$broker_pid" 2>/dev/null
  broker_pid=
}

# --- the matrix ----------------------------------------------------------------

if [[ $quick == 1 ]]; then
  n_fanout=10000 n_fanin0=2000 n_fanin1=1000 n_pairs1=2000 n_pairs2=1000 latency_s=3
else
  n_fanout=30000 n_fanin0=5000 n_fanin1=3000 n_pairs1=5000 n_pairs2=2000 latency_s=10
fi
sources=127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4

# name | starling-bench arguments (the broker's port and pid are added)
scenarios=(
  "fanout-1to100-q0|fanout --clients 100 --qos 0 --count $n_fanout"
  "fanin-100to1-q0|fanin --clients 100 --qos 0 --count $n_fanin0"
  "fanin-100to1-q1|fanin --clients 100 --qos 1 --count $n_fanin1"
  "pairs-50-q1|pairs --clients 50 --qos 1 --count $n_pairs1"
  "pairs-50-q2|pairs --clients 50 --qos 2 --count $n_pairs2"
  "latency-10x1000-q1|pairs --clients 10 --qos 1 --rate 1000 --duration $latency_s"
  "conn-idle|conn --clients $idle_connections --duration 2 --source-addresses $sources --drain-timeout 20"
)

run_cell() {
  local repeat=$1 name=$2 args=$3 broker=$4
  if [[ $broker == nats && $name == *-q2 ]]; then
    return 0  # nats-server's MQTT has no QoS 2
  fi
  start_broker "$broker" || {
    echo "{\"harness_scenario\":\"$name\",\"broker\":\"$broker\",\"repeat\":$repeat,\"start_failed\":true}" >>"$results"
    return 0
  }
  local line rc
  # shellcheck disable=SC2086  # args is a word list by design
  line=$(taskset -c 0 "$bench" $args --port "$port" --broker-pid "$broker_pid" --label "$broker" \
         --json --drain-timeout "${drain:-10}" 2>>"$work/bench.log")
  rc=$?
  if ! kill -0 "$broker_pid" 2>/dev/null; then
    echo "run-harness: $broker exited during $name" >&2
  fi
  stop_broker
  [[ -n $line ]] || line='{}'
  printf '%s\n' "$line" | python3 -c '
import json, sys
record = json.loads(sys.stdin.read() or "{}")
record.update(harness_scenario=sys.argv[1], broker=sys.argv[2], repeat=int(sys.argv[3]),
              bench_exit=int(sys.argv[4]))
print(json.dumps(record))' "$name" "$broker" "$repeat" "$rc" >>"$results"
  printf '  %-20s %-12s exit %s\n' "$name" "$broker" "$rc"
}

echo "run-harness: ${#brokers[@]} brokers, ${#scenarios[@]} scenarios, $repeats repeat(s); work dir $work"
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
for ((repeat = 1; repeat <= repeats; repeat++)); do
  echo "repeat $repeat/$repeats"
  for entry in "${scenarios[@]}"; do
    name=${entry%%|*}
    args=${entry#*|}
    # Rotate the broker order per scenario so none always runs first.
    for ((b = 0; b < ${#brokers[@]}; b++)); do
      broker=${brokers[$(((b + repeat) % ${#brokers[@]}))]}
      drain=10
      [[ $name == conn-* ]] && drain=20
      run_cell "$repeat" "$name" "$args" "$broker"
    done
  done
done

# --- the report ------------------------------------------------------------------

versions=$work/versions.txt
{
  echo "starling: $("$starling" --version 2>&1 | head -1)"
  echo "mosquitto: $("$mosquitto" -h 2>&1 | head -1)"
  [[ -n $nats ]] && echo "nats-server: $("$nats" --version 2>&1 | head -1)"
  echo "compiler: $(g++ --version 2>/dev/null | head -1)"
  echo "kernel: $(uname -sr)"
} >"$versions"

mkdir -p "$out_dir"
cp "$results" "$out_dir/results.jsonl"
python3 "$here/summarise_results.py" \
  --results "$results" --versions "$versions" --out "$out_dir" \
  --command "$command_line" --started "$started" --repeats "$repeats" --quick "$quick" \
  --idle-connections "$idle_connections" --gnuplot "${gnuplot_bin:-}" \
  --mosquitto-conf "$work/mosquitto.conf" --nats-conf "$( [[ -n $nats ]] && echo "$work/nats.conf")"
echo "run-harness: wrote $out_dir/RESULTS.md"
