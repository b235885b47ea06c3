#!/usr/bin/env bash
# Bounded fuzzing for CI: builds every libFuzzer target in tests/fuzz with clang
# (ASan + UBSan) and runs each for SECONDS (default 30) from its seed corpus.
# A crash leaves crash-* files and fails the run; turn each into a regression
# test (tests/corpus/) before fixing it.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-30}"
build=build/fuzz
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSESRULES_FUZZ=ON -DSESRULES_TESTS=OFF >/dev/null
targets=$(sed -n 's/^ *sesrules_fuzz_target(\([a-z_]*\).*/\1/p' tests/fuzz/CMakeLists.txt)
cmake --build "$build" --target $targets
status=0
for target in $targets; do
  corpus="$build/corpus/$target"
  mkdir -p "$corpus"
  seeds="tests/fuzz/seeds/$target"
  echo "fuzzing $target for ${seconds}s"
  if ! "$build/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$build/" "$corpus" ${seeds:+$( [ -d "$seeds" ] && echo "$seeds")} \
      2>"$build/$target.log"; then
    echo "fuzz target $target failed:"; tail -50 "$build/$target.log"; status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$build/$target.log" | tail -2
  fi
done
exit $status
