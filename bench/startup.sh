#!/usr/bin/env bash
# Startup time of the kubectl-lo binary itself (not through kubectl) on the
# shipped default domain: `kubectl-lo version` and `kubectl-lo spec`, in one
# hyperfine run; with a second build, both builds in that same run, so the
# figures compare under the same load.
#   bench/startup.sh [BIN_DIR] [BASE]
#     BIN_DIR  the build to measure (default: build/bin)
#     BASE     another build to compare with: its bin folder, or a git commit,
#              which is built (binaries only) in ${TMPDIR:-/tmp}/lo-startup-<commit>
# Prints the median and min-max of many runs (hyperfine).
# BENCH_RESULTS: append the samples there and print nothing (bench/run_all.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bin="${1:-build/bin}"
base="${2:-}"
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 1; }

if [ -n "$base" ] && [ ! -d "$base" ]; then
  commit=$(git rev-parse --short "$base")
  dir="${TMPDIR:-/tmp}/lo-startup-$commit"
  if [ ! -x "$dir/build/bin/kubectl-lo" ]; then
    rm -rf "$dir/src" && mkdir -p "$dir/src"
    git archive "$commit" | tar -x -C "$dir/src"
    cmake -S "$dir/src" -B "$dir/build" -G Ninja -DLO_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$dir/build" -j 2 >/dev/null
  fi
  base="$dir/build/bin"
fi

# One hyperfine run: this build's two commands, then the base build's.
args=("$bin/kubectl-lo version" "$bin/kubectl-lo spec --root $PWD lok8s.dev")
tools=(lo lo)
if [ -n "$base" ]; then
  args+=("$base/kubectl-lo version" "$base/kubectl-lo spec --root $PWD lok8s.dev")
  tools+=(before before)
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
hyperfine -N --warmup 50 --runs 500 --export-json "$out" "${args[@]}" >/dev/null 2>&1
standalone=""
if [ -z "${BENCH_RESULTS:-}" ]; then
  standalone=1
  export BENCH_RESULTS="$out.results"
  trap 'rm -f "$out" "$out.results"' EXIT
fi
python3 - "$out" "${tools[@]}" >> "$BENCH_RESULTS" <<'PY'
import json, sys
rows = ["startup.version", "startup.spec"] * 2
for row, tool, r in zip(rows, sys.argv[2:], json.load(open(sys.argv[1]))["results"]):
    for t in r["times"]:
        print(f"{row} {tool} {t:.6f}")
PY
if [ -n "$standalone" ]; then
  bench_table
fi
