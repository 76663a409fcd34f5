#!/usr/bin/env bash
# Benchmarks of `kubectl lo build` against what users would run instead,
# measured side by side in one run (runs alternate, medians reported):
#
#   (a) 20 targets, cold: kubectl-lo-build vs a serial shell loop of
#       `kubectl kustomize` writing the same files (goal: <= 0.5x)
#   (b) the same 20 targets with nothing changed (goal: <= 0.05x the loop)
#   (c) --split-file of a generated 5,000-document (~1.5 MB) YAML vs
#       kubernetes-split-yaml on the same file (goal: >= 10x faster), with
#       the peak memory (max RSS) of each; on the work disk and, when
#       /dev/shm exists, on tmpfs (the disk of a CI runner varies a lot),
#       beside the floor: bench/file_floor.cpp creating as many files of the
#       same mean size and doing nothing else
#
# Usage: bench/build_bench.sh [BIN_DIR] [RUNS]
#   BIN_DIR  folder holding kubectl-lo-build (default: build/bin)
#   RUNS     runs per measurement (default: 7)
# Environment: BENCH_DIR (work folder, default: a new temp folder),
#   BENCH_SETTLE (seconds to let the disk settle before (c), default 65).
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
bin="$(realpath "${1:-$here/build/bin}")"
runs="${2:-7}"
lo="$bin/kubectl-lo-build"
[ -x "$lo" ] || { echo "no kubectl-lo-build in $bin (build first, or pass BIN_DIR)" >&2; exit 2; }
command -v kubectl >/dev/null || { echo "kubectl is needed (kubectl kustomize)" >&2; exit 2; }
command -v kubernetes-split-yaml >/dev/null || { echo "kubernetes-split-yaml is needed (Debian package)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed (Debian package time) for peak memory" >&2; exit 2; }

work="${BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
export NO_COLOR=1
unset LOK8S_KUSTOMIZE DOMAIN_NAME PATH_CLUSTERS

now_ns() { date +%s%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
secs() { awk -v ns="$1" 'BEGIN { printf "%.3f", ns / 1e9 }'; }

# ---------------------------------------------------------------- project
project="$work/project"
c="$project/clusters"
mkdir -p "$c/lok8s.dev/targets" "$c/.targets/base"
cat > "$c/lok8s.dev/cluster.lok8s.yaml" <<'EOF'
apiVersion: cluster.lok8s.dev/v1beta1
kind: Lo
metadata:
  name: local
spec:
  cluster:
    domain: lok8s.dev
EOF
cat > "$c/.targets/base/kustomization.yaml" <<'EOF'
resources: [deployment.yaml, service.yaml, serviceaccount.yaml]
EOF
cat > "$c/.targets/base/deployment.yaml" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: 1
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      serviceAccountName: app
      containers:
        - name: app
          image: nginx:1.27
          env:
            - {name: POOL, value: "${LOK8S_SPEC_LOADBALANCER_POOL}"}
            - {name: DOMAIN, value: "${LOK8S_SPEC_CLUSTER_DOMAIN}"}
          resources: {requests: {cpu: 10m, memory: 16Mi}}
EOF
cat > "$c/.targets/base/service.yaml" <<'EOF'
apiVersion: v1
kind: Service
metadata: {name: app}
spec:
  selector: {app: app}
  ports: [{port: 80, targetPort: 8080}]
EOF
cat > "$c/.targets/base/serviceaccount.yaml" <<'EOF'
apiVersion: v1
kind: ServiceAccount
metadata: {name: app}
EOF
for i in $(seq -w 1 20); do
  t="$c/lok8s.dev/targets/app$i"
  mkdir -p "$t"
  cat > "$t/kustomization.yaml" <<EOF
namespace: app$i
namePrefix: app$i-
resources:
  - ../../../.targets/base
  - namespace.yaml
  - ingress.yaml
  - role.yaml
patches:
  - path: replicas.yaml
configMapGenerator:
  - name: settings
    files: [settings.properties]
EOF
  printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: app%s}\n' "$i" > "$t/namespace.yaml"
  printf 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: app}\nspec:\n  rules:\n    - host: app%s.${LOK8S_SPEC_CLUSTER_DOMAIN}\n      http:\n        paths: [{path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}]\n' "$i" > "$t/ingress.yaml"
  printf 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: app}\nrules: [{apiGroups: [""], resources: [configmaps], verbs: [get, list, watch]}]\n' > "$t/role.yaml"
  printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec: {replicas: 2}\n' > "$t/replicas.yaml"
  printf 'target=app%s\nlevel=info\n' "$i" > "$t/settings.properties"
done
targets=$(cd "$c/lok8s.dev/targets" && ls)
loop_out="$work/loop-artifacts"

# What a user would script without lo: kubectl kustomize per target, serially.
serial_loop() {
  for t in $targets; do
    mkdir -p "$loop_out/$t"
    kubectl kustomize --enable-alpha-plugins "$c/lok8s.dev/targets/$t" > "$loop_out/$t/artifacts.yaml"
    printf 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - artifacts.yaml\n' \
      > "$loop_out/$t/kustomization.yaml"
  done
}

# ---------------------------------------------------------------- (c)
# (c) runs first and after a pause: this kind of VM disk is ext4 without a
# journal, where the kernel skips inodes freed in the last 60 s (300 s while
# their inode table is unwritten) one by one on every file it creates. Files
# deleted shortly before (an earlier benchmark's clean-up, test suites) thus
# add the same large cost to each of the 5,000 creations of both tools and
# the figure measures the disk's history, not the tools. BENCH_SETTLE=0
# skips the pause.
sync
sleep "${BENCH_SETTLE:-65}"
big="$work/big.yaml"
awk 'BEGIN {
  split("v1 ConfigMap 1|apps/v1 Deployment 1|v1 Service 1|rbac.authorization.k8s.io/v1 ClusterRole 0", k, "|")
  for (i = 0; i < 5000; i++) {
    split(k[i % 4 + 1], f, " ")
    if (i) print "---"
    printf "apiVersion: %s\nkind: %s\nmetadata:\n  name: obj-%d\n", f[1], f[2], i
    if (f[3] == 1) printf "  namespace: ns-%d\n", i % 17
    printf "  labels:\n    app: demo\n    tier: backend\ndata:\n"
    for (j = 0; j < 4; j++) printf "  key%d: value-%d-%d-xxxxxxxxxxxxxxxxxxxx\n", j, i, j
  }
}' > "$big"
size_kb=$(( $(stat -c %s "$big") / 1024 ))
# The floor: the same number of files of the same mean size, created and
# nothing else (bench/file_floor.cpp), timed in the same alternation.
floor=""
if command -v g++ >/dev/null; then
  floor="$work/file_floor"
  g++ -O2 -std=c++20 -pthread "$here/bench/file_floor.cpp" -o "$floor"
fi

# split_runs DIR TAG: each tool into a fresh folder, the order alternating
# from run to run. Every timed run starts after `sync`, so neither tool pays
# for writing back the files the other just created (on this kind of VM disk
# that writeback, and the discards of deleted files, stall file creation).
split_run() { # TOOL OUT
  local t0 t1
  sync
  t0=$(now_ns)
  if [ "$1" = lo ]; then
    /usr/bin/time -f %M -o "$work/rss" "$lo" --split-file "$big" --out "$2" 2>/dev/null
  elif [ "$1" = floor ]; then
    /usr/bin/time -f %M -o "$work/rss" "$floor" "$2" 5000 $(( $(stat -c %s "$big") / 5000 ))
  else
    /usr/bin/time -f %M -o "$work/rss" kubernetes-split-yaml --outdir "$2" "$big" >/dev/null 2>&1
  fi
  t1=$(now_ns)
  echo $((t1 - t0)) >> "$work/c-$1-$tag"; cat "$work/rss" >> "$work/m-$1-$tag"
}
split_runs() {
  local base="$1" tag="$2"
  mkdir -p "$base"
  : > "$work/c-lo-$tag"; : > "$work/c-ksy-$tag"; : > "$work/m-lo-$tag"; : > "$work/m-ksy-$tag"
  : > "$work/c-floor-$tag"; : > "$work/m-floor-$tag"
  for r in $(seq "$runs"); do
    if [ $((r % 2)) = 1 ]; then
      split_run lo "$base/lo-$r"; split_run ksy "$base/ksy-$r"
    else
      split_run ksy "$base/ksy-$r"; split_run lo "$base/lo-$r"
    fi
    [ -z "$floor" ] || split_run floor "$base/floor-$r"
  done
  [ "$(ls "$base/lo-1" | wc -l)" -eq 5001 ] || { echo "lo wrote $(ls "$base/lo-1" | wc -l) files, expected 5001" >&2; exit 1; }
  [ "$(ls "$base/ksy-1" | wc -l)" -eq 5000 ] || { echo "kubernetes-split-yaml wrote an unexpected number of files" >&2; exit 1; }
}
split_runs "$work/split" disk
tmpfs=""
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  tmpfs="$(mktemp -d /dev/shm/lo-bench.XXXXXX)"
  trap 'rm -rf "$work" "$tmpfs"' EXIT
  split_runs "$tmpfs" tmpfs
fi

# ---------------------------------------------------------------- (a) and (b)
cd "$project"
"$lo" >/dev/null || { echo "kubectl-lo-build failed on the benchmark project" >&2; exit 1; }  # warm caches
serial_loop
: > "$work/a-lo"; : > "$work/a-loop"; : > "$work/b-lo"
for _ in $(seq "$runs"); do
  rm -rf "$c/lok8s.dev/artifacts" "$loop_out"
  t0=$(now_ns); "$lo" >/dev/null 2>&1; t1=$(now_ns)
  echo $((t1 - t0)) >> "$work/a-lo"
  t0=$(now_ns); "$lo" >/dev/null 2>&1; t1=$(now_ns)
  echo $((t1 - t0)) >> "$work/b-lo"
  t0=$(now_ns); serial_loop; t1=$(now_ns)
  echo $((t1 - t0)) >> "$work/a-loop"
done
# The cold build must have built, the warm one must have found nothing to do.
"$lo" -o json 2>/dev/null | grep -q '"unchanged": 20' || { echo "warm build did not find 20 unchanged targets" >&2; exit 1; }
a_lo=$(median < "$work/a-lo"); a_loop=$(median < "$work/a-loop"); b_lo=$(median < "$work/b-lo")

# ---------------------------------------------------------------- table
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3fx", a / b }'; }
faster() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx faster", b / a }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'; }
printf '\nlo build benchmarks (%s runs each, medians; %s cores; kubectl %s)\n\n' "$runs" "$(nproc)" \
  "$(kubectl version --client 2>/dev/null | awk '/Kustomize/ { print "kustomize " $3 }')"
printf '%-44s %12s %14s %16s %10s\n' "benchmark" "lo" "baseline" "lo vs baseline" "goal"
printf '%-44s %11ss %13ss %16s %10s\n' "(a) 20 targets, cold (vs serial kubectl kustomize)" \
  "$(secs "$a_lo")" "$(secs "$a_loop")" "$(ratio "$a_lo" "$a_loop")" "<= 0.5x"
printf '%-44s %11ss %13ss %16s %10s\n' "(b) 20 targets, nothing changed" \
  "$(secs "$b_lo")" "$(secs "$a_loop")" "$(ratio "$b_lo" "$a_loop")" "<= 0.05x"
for tag in disk tmpfs; do
  [ -s "$work/c-lo-$tag" ] || continue
  c_lo=$(median < "$work/c-lo-$tag"); c_ksy=$(median < "$work/c-ksy-$tag")
  printf '%-44s %11ss %13ss %16s %10s\n' "(c) --split-file 5000 docs, ${size_kb} KB ($tag)" \
    "$(secs "$c_lo")" "$(secs "$c_ksy")" "$(faster "$c_lo" "$c_ksy")" ">= 10x"
  printf '%-44s %12s %14s\n' "    peak memory (max RSS)" "$(mb "$(median < "$work/m-lo-$tag")")" \
    "$(mb "$(median < "$work/m-ksy-$tag")")"
  if [ -s "$work/c-floor-$tag" ]; then
    c_floor=$(median < "$work/c-floor-$tag")
    printf '%-44s %11ss %13ss %16s\n' "    floor: creating 5000 such files, no more" \
      "$(secs "$c_floor")" "$(secs "$c_ksy")" "$(faster "$c_floor" "$c_ksy")"
  fi
done
echo
