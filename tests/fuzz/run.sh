#!/usr/bin/env bash
# Builds the splitter's libFuzzer target (split_fuzz.cpp) with clang into
# build-fuzz/ and runs it on the corpus in tests/fuzz/corpus/split/.
#
# usage: tests/fuzz/run.sh [SECONDS]      run for SECONDS (default 60)
#        FUZZ_RUNS=N tests/fuzz/run.sh    run N inputs instead
#        FUZZ_MERGE=1 tests/fuzz/run.sh   afterwards, add the inputs that
#                                         reached new code to the corpus
# New inputs go to a scratch folder; the committed corpus is only read
# (unless FUZZ_MERGE=1). A mismatch or crash stops the run, prints the input
# and leaves it in build-fuzz/crash-* (turn it into a test in
# tests/split_test.cpp). Exit status: libFuzzer's (0 when nothing was found).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs="${1:-60}"
cxx="${FUZZ_CXX:-$(command -v clang++-14 || command -v clang++ || true)}"
[ -n "$cxx" ] || { echo "run.sh: clang++ is needed (Debian package clang-14)" >&2; exit 2; }
# Quiet when the build works; its whole output when it does not (ninja
# prints compile and link errors on stdout).
buildlog="$(mktemp)"
if ! { cmake -S tests/fuzz -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
       cmake --build build-fuzz -j 2; } >"$buildlog" 2>&1; then
  cat "$buildlog" >&2
  echo "run.sh: building the fuzz target failed (output above)" >&2
  rm -f "$buildlog"
  exit 1
fi
rm -f "$buildlog"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
budget=(-max_total_time="$secs")
[ -z "${FUZZ_RUNS:-}" ] || budget=(-runs="$FUZZ_RUNS")
build-fuzz/split_fuzz "${budget[@]}" -timeout=20 -rss_limit_mb=2048 -max_len=4096 \
  -dict=tests/fuzz/yaml.dict -artifact_prefix="$PWD/build-fuzz/" -print_final_stats=1 \
  "$scratch" tests/fuzz/corpus/split
if [ -n "${FUZZ_MERGE:-}" ]; then
  build-fuzz/split_fuzz -merge=1 tests/fuzz/corpus/split "$scratch"
fi
