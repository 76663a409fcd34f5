#!/usr/bin/env bash
# Startup time of the kubectl-lo binary itself (not through kubectl) on the
# shipped default domain: `kubectl-lo version` and `kubectl-lo spec`, in one
# hyperfine run; with a second build, both builds in that same run, so the
# figures compare under the same load.
#   bench/startup.sh [BIN_DIR] [BASE]
#     BIN_DIR  the build to measure (default: build/bin)
#     BASE     another build to compare with: its bin folder, or a git commit,
#              which is built (binaries only) in ${TMPDIR:-/tmp}/lo-startup-<commit>
# Prints the median and min of many runs of each command, in milliseconds.
set -euo pipefail
cd "$(dirname "$0")/.."
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

commands=("$bin/kubectl-lo version" "$bin/kubectl-lo spec --root $PWD lok8s.dev")
names=("after: kubectl lo version" "after: kubectl lo spec")
if [ -n "$base" ]; then
  commands+=("$base/kubectl-lo version" "$base/kubectl-lo spec --root $PWD lok8s.dev")
  names+=("before: kubectl lo version" "before: kubectl lo spec")
else
  names=("kubectl lo version" "kubectl lo spec")
fi
args=()
for i in "${!commands[@]}"; do args+=(-n "${names[$i]}" "${commands[$i]}"); done

out=$(mktemp)
trap 'rm -f "$out"' EXIT
hyperfine -N --warmup 50 --runs 500 --export-json "$out" "${args[@]}" >/dev/null 2>&1
python3 - "$out" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f'{r["command"]:<28} median {r["median"]*1000:6.2f} ms   min {r["min"]*1000:6.2f} ms   ({len(r["times"])} runs)')
PY
