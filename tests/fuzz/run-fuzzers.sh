#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build/fuzz and runs each one for
# a bounded time.
#
#   tests/fuzz/run-fuzzers.sh [SECONDS_EACH] [TARGET...]
#
# SECONDS_EACH defaults to 60; TARGETs default to fuzz_decoder fuzz_session.
# Each target starts from its seed corpus (tests/fuzz/corpus/<target>) and
# grows a working corpus in build/fuzz/corpus/<target> (kept between runs,
# never committed). A crash, leak, timeout or failed property stops the run:
# the input is saved in build/fuzz/artifacts/<target>/ and the script exits
# non-zero. Minimise it with
#   build/fuzz/tests/fuzz/<target> -minimize_crash=1 -runs=10000 <input>
# and add it to tests/fuzz/regressions/<target>/.
#
# Environment: JOBS (build parallelism, default 2), FUZZ_ARGS (extra
# libFuzzer flags), CC/CXX (default clang/clang++).
set -euo pipefail

seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=(fuzz_decoder fuzz_session); fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$root/build/fuzz"
export CC="${CC:-clang}" CXX="${CXX:-clang++}"

# The whole tree gets coverage instrumentation (fuzzer-no-link) and the
# sanitizers, so libFuzzer sees inside the broker's libraries, and undefined
# behaviour aborts instead of printing and going on.
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags"
fi
cmake --build "$build" -j "${JOBS:-2}" --target "${targets[@]}"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

status=0
for target in "${targets[@]}"; do
  corpus="$build/corpus/$target"
  artifacts="$build/artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  echo "== $target: ${seconds}s"
  # shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
  if ! "$build/tests/fuzz/$target" "$corpus" "$root/tests/fuzz/corpus/$target" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
      -artifact_prefix="$artifacts/" -print_final_stats=1 ${FUZZ_ARGS:-}; then
    echo "== $target FAILED: the input is in $artifacts/" >&2
    status=1
  fi
done
exit "$status"
