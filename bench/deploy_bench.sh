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
# so every run creates all 1,000 objects. Wall time is the median of RUNS
# runs; requests are what the server counted (/lo-test/stats). The tools
# take turns within each run, so a busy machine slows them alike; the load
# average is printed before and after.
#
# LO_BASELINE names another kubectl-lo-deploy (an older build) measured in
# the same run, against the same test API server, for before/after figures.
#
# usage: bench/deploy_bench.sh [BUILD_DIR]     (default: ./build)
#        RUNS=5 bench/deploy_bench.sh build-release
#        LO_BASELINE=/tmp/main/build/bin/kubectl-lo-deploy bench/deploy_bench.sh build
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:-$here/../build}" && pwd)"
runs="${RUNS:-3}"
deploy="$build/bin/kubectl-lo-deploy"
apiserver="$build/tests/lo-test-apiserver"
kubectl="${KUBECTL:-kubectl}"
for f in "$deploy" "$apiserver"; do
  [ -x "$f" ] || { echo "deploy_bench.sh: $f is not built (build with LO_TESTS=ON)" >&2; exit 2; }
done
baseline="${LO_BASELINE:-}"
if [ -n "$baseline" ]; then
  [ -x "$baseline" ] || { echo "deploy_bench.sh: LO_BASELINE=$baseline is not an executable" >&2; exit 2; }
  baseline="$(cd "$(dirname "$baseline")" && pwd)/$(basename "$baseline")"
fi
command -v "$kubectl" >/dev/null || { echo "deploy_bench.sh: kubectl not found" >&2; exit 2; }

work="$(mktemp -d)"
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

deploy_with() {
  (cd "$fixture/project" && "$1" --kubeconfig "$srv/kubeconfig-cert.yaml" lok8s.dev bench >/dev/null 2>"$work/lo.err") ||
    { cat "$work/lo.err" >&2; return 1; }
}
run_lo() { deploy_with "$deploy"; }
run_baseline() { deploy_with "$baseline"; }

run_kubectl() {
  local k=("$kubectl" --kubeconfig "$srv/kubeconfig-cert.yaml")
  {
    "${k[@]}" apply --server-side -f "$fixture/kubectl/crds.yaml" &&
      "${k[@]}" wait --for=condition=Established --timeout=300s -f "$fixture/kubectl/crds.yaml" &&
      "${k[@]}" apply --server-side -f "$fixture/kubectl/rest.yaml" &&
      "${k[@]}" wait --for=condition=Available --timeout=600s -n bench deployment --all
  } >/dev/null 2>"$work/kubectl.err" || { cat "$work/kubectl.err" >&2; return 1; }
}

tools=(lo ${baseline:+baseline} kubectl)
load_before="$(uptime)"
declare -A times reqs
for i in $(seq 1 "$runs"); do
  for tool in "${tools[@]}"; do
    start_server "$tool-$i"
    t0=$EPOCHREALTIME
    "run_$tool"
    t1=$EPOCHREALTIME
    times[$tool]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') "
    reqs[$tool]+="$(requests) "
    echo "  $tool run $i: $(echo "${times[$tool]}" | awk '{ print $NF }')s" >&2
    if [ "$tool" != kubectl ]; then
      # The same deploy again: nothing changes, but lo lists the set's
      # members to find what the target no longer contains.
      before="$(requests)"
      t0=$EPOCHREALTIME
      "run_$tool"
      t1=$EPOCHREALTIME
      times[$tool-again]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') "
      reqs[$tool-again]+="$(( $(requests) - before )) "
      echo "  $tool run $i again: $(echo "${times[$tool-again]}" | awk '{ print $NF }')s" >&2
    fi
    stop_server
  done
done

median() { tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
minmax() { tr ' ' '\n' | sed '/^$/d' | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%s-%s", lo, hi }'; }

lo_med="$(echo "${times[lo]}" | median)"
k_med="$(echo "${times[kubectl]}" | median)"
row() { printf '%-48s %10s %16s %14s\n' "$1" "$(echo "${times[$2]}" | median)" "$(echo "${times[$2]}" | minmax)" "$(echo "${reqs[$2]}" | median)"; }
echo
echo "deploy of 1,000 objects to lo-test-apiserver, median of $runs runs ($(nproc) cores)"
echo "load before: $load_before"
echo "load after:  $(uptime)"
printf '%-48s %10s %16s %14s\n' "tool" "wall (s)" "range (s)" "HTTP requests"
row "kubectl lo deploy" lo
[ -n "$baseline" ] && row "kubectl lo deploy (LO_BASELINE)" baseline
row "kubectl lo deploy again, nothing changed" lo-again
[ -n "$baseline" ] && row "the same (LO_BASELINE)" baseline-again
row "kubectl apply --server-side + kubectl wait" kubectl
awk -v a="$k_med" -v b="$lo_med" 'BEGIN { printf "speed-up: %.1fx (goal: 20x)\n", a / b }'
if [ -n "$baseline" ]; then
  awk -v a="$(echo "${times[baseline]}" | median)" -v b="$lo_med" 'BEGIN { printf "this build vs LO_BASELINE: %+.0f%% wall time\n", (b / a - 1) * 100 }'
fi
