#!/usr/bin/env bash
# Deploy benchmark: 1,000 objects (10 CRDs with 30 instances each, 300
# ConfigMaps, 200 Services, 189 Deployments, 1 Namespace) deployed to the
# test API server, side by side in one run:
#
#   deploy        kubectl lo deploy (CRDs, Established, the rest, workloads
#                 healthy), against
#                 kubectl apply --server-side -f crds.yaml
#                 kubectl wait --for=condition=Established -f crds.yaml
#                 kubectl apply --server-side -f rest.yaml
#                 kubectl wait --for=condition=Available -n bench deployment --all
#   deploy.again  the same lo deploy once more: nothing changes, but lo lists
#                 the set's members to find what the target no longer holds
#   diff.prune    100 ConfigMaps and 20 Deployments removed from the target:
#                 kubectl lo diff (exit 1, 120 deletions) against
#                 KUBECTL_APPLYSET=true kubectl apply --server-side --prune
#                 --applyset=bench -n bench --dry-run=server (kubectl diff
#                 cannot show an ApplySet's prune)
#   prune         then deploy --prune deletes the 120, against
#                 KUBECTL_APPLYSET=true kubectl apply --server-side --prune
#                 --applyset=bench -n bench (kubectl's own ApplySet of the
#                 same objects, made before, untimed)
#
# Each run gets a fresh server per tool (same CRD and workload delays), so
# every run creates all 1,000 objects; the tools take turns within a run, so
# a busy machine slows them alike. Wall time: median and min-max of RUNS
# runs; requests are what the server counted (/lo-test/stats).
#
# LO_BASELINE names another kubectl-lo-deploy (an older build, e.g. main's)
# measured in the same run for before/after figures of deploy and
# deploy.again: the floor of deploy.again is a deploy that lists nothing.
#
# usage: bench/deploy_bench.sh [BUILD_DIR]     (default: ./build)
#        RUNS=5 bench/deploy_bench.sh build-release
#        LO_BASELINE=/tmp/main/build/bin/kubectl-lo-deploy bench/deploy_bench.sh build
# BENCH_RESULTS: append the samples there and print nothing (bench/run_all.sh).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
build="$(cd "${1:-$here/../build}" && pwd)"
runs="${RUNS:-3}"
deploy="$build/bin/kubectl-lo-deploy"
lo="$build/bin/kubectl-lo"
apiserver="$build/tests/lo-test-apiserver"
kubectl="${KUBECTL:-kubectl}"
for f in "$deploy" "$lo" "$apiserver"; do
  [ -x "$f" ] || { echo "deploy_bench.sh: $f is not built (build with LO_TESTS=ON)" >&2; exit 2; }
done
baseline="${LO_BASELINE:-}"
if [ -n "$baseline" ]; then
  [ -x "$baseline" ] || { echo "deploy_bench.sh: LO_BASELINE=$baseline is not an executable" >&2; exit 2; }
  baseline="$(cd "$(dirname "$baseline")" && pwd)/$(basename "$baseline")"
fi
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
# The same target without config-201..300 and app-170..189.
CONFIGMAPS=200 TOTAL=880 "$here/gen_deploy_fixture.sh" "$work/smaller" >/dev/null
fixture="$work/fixture"
smaller="$work/smaller"
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

k() { "$kubectl" --kubeconfig "$srv/kubeconfig-cert.yaml" "$@"; }

# timed ROW TOOL CMD...: runs CMD (its output to $work/out), records the
# wall time and the server's requests; EXPECT (default 0) is CMD's status.
timed() {
  local row="$1" tool="$2" before t0 t1 rc=0
  shift 2
  before="$(requests)"
  t0=$(bench_now)
  "$@" >"$work/out" 2>&1 || rc=$?
  t1=$(bench_now)
  if [ "$rc" -ne "${EXPECT:-0}" ]; then
    echo "deploy_bench.sh: $row $tool: exit $rc, expected ${EXPECT:-0}:" >&2
    tail -20 "$work/out" >&2
    exit 1
  fi
  bench_record "$row" "$tool" "$t0" "$t1"
  echo "$row.requests $tool $(($(requests) - before))" >> "$BENCH_RESULTS"
  echo "  $row $tool: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')s" >&2
}

# The 120 objects are gone, the other 880 are there.
check_pruned() {
  local n
  n="$(k get cm,deploy -n bench -o name | wc -l)"
  [ "$n" -eq 369 ] || { echo "deploy_bench.sh: $1: $n ConfigMaps and Deployments left in bench, not 369" >&2; exit 1; }
}

lo_deploy() { (cd "$1" && "$2" --kubeconfig "$srv/kubeconfig-cert.yaml" lok8s.dev bench "${@:3}"); }
lo_diff() { (cd "$smaller/project" && "$lo" diff --kubeconfig "$srv/kubeconfig-cert.yaml" lok8s.dev bench); }

run_lo() {
  timed deploy lo lo_deploy "$fixture/project" "$deploy"
  timed deploy.again lo lo_deploy "$fixture/project" "$deploy"
  EXPECT=1 timed diff.prune lo lo_diff
  grep -q '0 to create, 0 to change, 120 to delete.*, 880 unchanged' "$work/out" ||
    { echo "deploy_bench.sh: unexpected lo diff:" >&2; tail -5 "$work/out" >&2; exit 1; }
  timed prune lo lo_deploy "$smaller/project" "$deploy" --prune
  check_pruned lo
}

run_baseline() {
  timed deploy baseline lo_deploy "$fixture/project" "$baseline"
  timed deploy.again baseline lo_deploy "$fixture/project" "$baseline"
}

kubectl_deploy() {
  k apply --server-side -f "$fixture/kubectl/crds.yaml" &&
    k wait --for=condition=Established --timeout=300s -f "$fixture/kubectl/crds.yaml" &&
    k apply --server-side -f "$fixture/kubectl/rest.yaml" &&
    k wait --for=condition=Available --timeout=600s -n bench deployment --all
}
kubectl_set() { KUBECTL_APPLYSET=true k apply --server-side --prune --applyset=bench -n bench -f "$1" "${@:2}"; }
# What kubectl shows before an ApplySet prune: kubectl diff knows no
# --applyset (its --prune is the old one, which skips objects applied
# server-side, and without the set's label every object differs), so the
# counterpart is a server-side dry run of the pruning apply.
kubectl_diff() { kubectl_set "$smaller/kubectl/rest.yaml" --dry-run=server; }

run_kubectl() {
  timed deploy kubectl kubectl_deploy
  # kubectl's ApplySet of the same objects (untimed): what its prune needs.
  kubectl_set "$fixture/kubectl/rest.yaml" >/dev/null
  timed diff.prune kubectl kubectl_diff
  [ "$(grep -c ' pruned (server dry run)' "$work/out")" -eq 120 ] ||
    { echo "deploy_bench.sh: kubectl's dry run does not prune 120 objects:" >&2; tail -5 "$work/out" >&2; exit 1; }
  timed prune kubectl kubectl_set "$smaller/kubectl/rest.yaml"
  check_pruned kubectl
}

tools=(lo ${baseline:+baseline} kubectl)
for i in $(seq 1 "$runs"); do
  for tool in "${tools[@]}"; do
    start_server "$tool-$i"
    "run_$tool"
    stop_server
  done
done

if [ -n "$standalone" ]; then
  printf '\ndeploy of 1,000 objects to lo-test-apiserver, %s runs each: median (min-max); %s cores; load %s\n\n' \
    "$runs" "$(nproc)" "$(bench_load)"
  bench_table
fi
