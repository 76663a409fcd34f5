#!/usr/bin/env bash
# Startup time of the kubectl-lo binary itself (not through kubectl) on the
# shipped default domain: `kubectl-lo version` and `kubectl-lo spec`.
# Prints the median of many runs (hyperfine) in milliseconds.
#   bench/startup.sh [BIN_DIR]     (default: build/bin)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-build/bin}"
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
hyperfine -N --warmup 50 --runs 500 --export-json "$out" \
  "$bin/kubectl-lo version" "$bin/kubectl-lo spec --root $PWD lok8s.dev" >/dev/null 2>&1
python3 - "$out" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f'{r["command"]:<60} median {r["median"]*1000:6.2f} ms   min {r["min"]*1000:6.2f} ms   ({len(r["times"])} runs)')
PY
