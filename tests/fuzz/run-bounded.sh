#!/usr/bin/env bash
# One bounded libFuzzer run, as a ctest test (label fuzz): starts from the
# seed corpus, grows a scratch corpus in WORK_DIR, and on a crash, leak,
# timeout or failed property prints the input as hex (so a CI log is enough
# to reproduce it) and exits non-zero.
#   tests/fuzz/run-bounded.sh FUZZER SEED_CORPUS WORK_DIR SECONDS
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3 seconds=$4
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
if "$fuzzer" "$work/corpus" "$seeds" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=4096 -artifact_prefix="$work/artifacts/" -print_final_stats=1; then
  exit 0
fi
for input in "$work"/artifacts/*; do
  [ -f "$input" ] || continue
  echo "failing input $(basename "$input") ($(stat -c %s "$input") bytes):"
  od -An -tx1 -v "$input"
  echo "reproduce: save these bytes to a file and run $(basename "$fuzzer") FILE;"
  echo "then minimise it into tests/fuzz/regressions/$(basename "$fuzzer")/ (see run-fuzzers.sh)"
done
exit 1
