#!/usr/bin/env bash
# Deploy benchmark: 1,000 objects (10 CRDs with 30 instances each, 300
# ConfigMaps, 200 Services, 189 Deployments, 1 Namespace) deployed to the
# test API server, side by side in one run:
#
#   lo        kubectl lo deploy (CRDs, Established, the rest, workloads healthy)
#   kubectl   kubectl apply --server-side -f crds.yaml
#             kubectl wait --for=condition=Established -f crds.yaml
#             kubectl apply --server-side -f rest.yaml
#             kubectl wait --for=condition=Available -n bench deployment --all
#
# Each run gets a fresh server (same CRD and workload delays for both tools),
# so every run creates all 1,000 objects. Wall time: median and min-max of
# RUNS runs; requests are what the server counted (/lo-test/stats).
#
# usage: bench/deploy_bench.sh [BUILD_DIR]     (default: ./build)
#        RUNS=5 bench/deploy_bench.sh build-release
# BENCH_RESULTS: append the samples there and print nothing (bench/run_all.sh).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
build="$(cd "${1:-$here/../build}" && pwd)"
runs="${RUNS:-3}"
deploy="$build/bin/kubectl-lo-deploy"
apiserver="$build/tests/lo-test-apiserver"
kubectl="${KUBECTL:-kubectl}"
for f in "$deploy" "$apiserver"; do
  [ -x "$f" ] || { echo "deploy_bench.sh: $f is not built (build with LO_TESTS=ON)" >&2; exit 2; }
done
command -v "$kubectl" >/dev/null || { echo "deploy_bench.sh: kubectl not found" >&2; exit 2; }

work="$(mktemp -d)"
standalone=""
if [ -z "${BENCH_RESULTS:-}" ]; then
  standalone=1
  export BENCH_RESULTS="$work/results"
fi
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$here/gen_deploy_fixture.sh" "$work/fixture" >/dev/null
fixture="$work/fixture"
export HOME="$work/home"  # kubectl's discovery cache starts cold, like the fresh server
export NO_COLOR=1
unset KUBECONFIG

srv=""
start_server() {
  srv="$work/srv-$1"
  mkdir -p "$srv"
  "$apiserver" --dir "$srv" --crd-delay-ms 200 --workload-delay-ms 100 >"$srv.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 200); do [ -s "$srv/url" ] && return 0; sleep 0.05; done
  echo "deploy_bench.sh: the test API server did not start:" >&2
  cat "$srv.log" >&2
  exit 1
}

stop_server() {
  kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

requests() {
  curl -sS --fail --cacert "$srv/ca.crt" -H "Authorization: Bearer $(cat "$srv/token")" "$(cat "$srv/url")/lo-test/stats" |
    sed -n 's/.*"requests":\([0-9]*\).*/\1/p'
}

run_lo() {
  (cd "$fixture/project" && "$deploy" --kubeconfig "$srv/kubeconfig-cert.yaml" lok8s.dev bench >/dev/null 2>"$work/lo.err") ||
    { cat "$work/lo.err" >&2; return 1; }
}

run_kubectl() {
  local k=("$kubectl" --kubeconfig "$srv/kubeconfig-cert.yaml")
  {
    "${k[@]}" apply --server-side -f "$fixture/kubectl/crds.yaml" &&
      "${k[@]}" wait --for=condition=Established --timeout=300s -f "$fixture/kubectl/crds.yaml" &&
      "${k[@]}" apply --server-side -f "$fixture/kubectl/rest.yaml" &&
      "${k[@]}" wait --for=condition=Available --timeout=600s -n bench deployment --all
  } >/dev/null 2>"$work/kubectl.err" || { cat "$work/kubectl.err" >&2; return 1; }
}

for tool in lo kubectl; do
  for i in $(seq 1 "$runs"); do
    start_server "$tool-$i"
    t0=$(bench_now)
    "run_$tool"
    t1=$(bench_now)
    bench_record deploy "$tool" "$t0" "$t1"
    echo "deploy.requests $tool $(requests)" >> "$BENCH_RESULTS"
    stop_server
    echo "  $tool run $i: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')s" >&2
  done
done

if [ -n "$standalone" ]; then
  printf '\ndeploy of 1,000 objects to lo-test-apiserver, %s runs each: median (min-max); %s cores; load %s\n\n' \
    "$runs" "$(nproc)" "$(bench_load)"
  bench_table
fi
