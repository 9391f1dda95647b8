#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, then builds and runs the whole test
# suite twice: an optimised build, and a build with AddressSanitizer and
# UndefinedBehaviorSanitizer; then fuzzes the packet decoder for 90 seconds
# (clang, libFuzzer). Exits non-zero if anything fails.
#   STARLING_TEST_PRESETS="release"  limits the run to the given presets.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc)
status=0
for preset in ${STARLING_TEST_PRESETS:-release sanitize fuzz}; do
  echo "=== $preset: configure and build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "=== $preset: test"
  ctest --preset "$preset" -j "$jobs" || status=1
done
exit $status
