#!/usr/bin/env bash
# Startup time of the kubectl-lo binary itself (not through kubectl) on the
# shipped default domain: `kubectl-lo version` and `kubectl-lo spec`.
# Prints the median and min-max of many runs (hyperfine).
#   bench/startup.sh [BIN_DIR]     (default: build/bin)
# BENCH_RESULTS: append the samples there and print nothing (bench/run_all.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bin="${1:-build/bin}"
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
hyperfine -N --warmup 50 --runs 500 --export-json "$out" \
  "$bin/kubectl-lo version" "$bin/kubectl-lo spec --root $PWD lok8s.dev" >/dev/null 2>&1
standalone=""
if [ -z "${BENCH_RESULTS:-}" ]; then
  standalone=1
  export BENCH_RESULTS="$out.results"
  trap 'rm -f "$out" "$out.results"' EXIT
fi
python3 - "$out" >> "$BENCH_RESULTS" <<'PY'
import json, sys
rows = ["startup.version", "startup.spec"]
for row, r in zip(rows, json.load(open(sys.argv[1]))["results"]):
    for t in r["times"]:
        print(f"{row} lo {t:.6f}")
PY
if [ -n "$standalone" ]; then
  bench_table
fi
