#!/usr/bin/env bash
# Every benchmark of README's "Speed" table in one run, each side by side
# with what a user would run instead and with the floor where there is one
# (bench/build_bench.sh, bench/deploy_bench.sh, bench/startup.sh), then the
# table README quotes: median and min-max of the runs, the ratios, the goals,
# the machine and its load average while it ran.
#
# usage: bench/run_all.sh [BUILD_DIR] [RUNS]     (default: build, 7)
# Environment: DEPLOY_RUNS (default 3: kubectl takes most of a minute a run),
#   BENCH_WAIT_LOAD (e.g. 0.5: first wait, up to 30 minutes, until the 1-minute
#   load average is below it; the machine may be shared), BENCH_SETTLE (see
#   build_bench.sh). Needs what those scripts need: kubectl,
#   kubernetes-split-yaml, hyperfine, GNU time, g++, and a build with
#   LO_TESTS=ON (the test API server).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
build="$(realpath "${1:-$here/../build}")"
runs="${2:-7}"
for f in "$build/bin/kubectl-lo" "$build/bin/kubectl-lo-build" "$build/bin/kubectl-lo-deploy" "$build/tests/lo-test-apiserver"; do
  [ -x "$f" ] || { echo "run_all.sh: $f is not built (cmake -DLO_TESTS=ON, then build)" >&2; exit 2; }
done

if [ -n "${BENCH_WAIT_LOAD:-}" ]; then
  for _ in $(seq 360); do
    awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v m="$BENCH_WAIT_LOAD" 'BEGIN { exit !(l < m) }' && break
    sleep 5
  done
fi

export BENCH_RESULTS
BENCH_RESULTS="$(mktemp)"
trap 'rm -f "$BENCH_RESULTS"' EXIT
started="$(date -u '+%Y-%m-%d %H:%M UTC')"
loads=("start: $(bench_load)")
echo "== builds and splits ($runs runs each)" >&2
"$here/build_bench.sh" "$build/bin" "$runs"
loads+=("after builds and splits: $(bench_load)")
echo "== deploy (${DEPLOY_RUNS:-3} runs each)" >&2
RUNS="${DEPLOY_RUNS:-3}" "$here/deploy_bench.sh" "$build"
loads+=("after deploy: $(bench_load)")
echo "== start-up" >&2
"$here/startup.sh" "$build/bin"
loads+=("end: $(bench_load)")

cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
mem="$(awk '/^MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)"
os="$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
disk_fs="$(df -T "${TMPDIR:-/tmp}" | awk 'NR == 2 { print $2 }')"
ksy="$(dpkg-query -W -f '${Version}' kubernetes-split-yaml 2>/dev/null || echo "?")"
kctl="$(kubectl version --client 2>/dev/null | tr '\n' ' ')"
echo
echo "lo benchmarks, $started, bench/run_all.sh $runs (deploy: ${DEPLOY_RUNS:-3} runs)"
echo "machine: $(nproc) cores ($cpu), $mem, $os, Linux $(uname -r); disk: $disk_fs, tmpfs: /dev/shm"
echo "tools: $("$build/bin/kubectl-lo" version 2>/dev/null | head -1); $kctl; kubernetes-split-yaml $ksy"
echo "deploy server: lo-test-apiserver (tests/apiserver, TLS, server-side apply, watch; CRDs Established after 200 ms, workloads Available after 100 ms), a fresh one per run"
echo "load average (1, 5, 15 min): $(IFS=';'; echo "${loads[*]}" | sed 's/;/; /g')"
echo "median (min-max) of the runs"
echo
bench_table
