#!/usr/bin/env bash
# Decode time and peak memory of a LIST body of 10,000 Pod-like objects
# (19.5 MB): nlohmann alone vs RapidJSON's SAX reader building the nlohmann
# items (lo/json_decode.hpp, what the Kubernetes client uses) vs RapidJSON's
# in-situ DOM converted item by item; then both ways leaving out
# metadata.managedFields, as deploy asks. Each mode runs in a fresh process
# (so its peak RSS is its own), several rounds, interleaved; the times are
# CPU time of the decoding thread. For counts that no other load on the
# machine can blur: valgrind --tool=callgrind --toggle-collect='*with_*' ...
#   bench/list_decode.sh [BUILD_DIR] [N]   (default: build-bench, 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-build-bench}"
n="${2:-10000}"
if [ ! -x "$dir/bin/list_decode" ]; then
  cmake -S . -B "$dir" -G Ninja -DLO_BENCH=ON -DLO_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$dir" -j 2 --target list_decode >/dev/null
fi
body=$(mktemp)
trap 'rm -f "$body"' EXIT
"$dir/bin/list_decode" gen "$n" "$body"
for round in 1 2 3; do
  for mode in nlohmann rapidjson-sax rapidjson-insitu nlohmann-strip rapidjson-sax-strip; do
    echo "round $round: $("$dir/bin/list_decode" "$mode" "$body" 7)"
  done
done
