#!/usr/bin/env bash
# Benchmarks of `kubectl lo build` against what users would run instead,
# measured side by side in one run (runs alternate; bench/lib.sh prints the
# median and min-max of each):
#
#   build.cold       20 targets, cold: kubectl-lo-build vs a serial shell
#                    loop of `kubectl kustomize` writing the same files
#   build.unchanged  the same 20 targets with nothing changed
#   split.FS.new     --split-file of a generated 5,000-document (~1.5 MB) YAML
#                    into a new folder vs kubernetes-split-yaml on the same
#                    file, with the peak memory (max RSS) of each, beside the
#                    floor: bench/file_floor.cpp creating as many files of the
#                    same mean size and doing nothing else
#   split.FS.same    --split-file into the folder an earlier split of the same
#                    file wrote
#   split.FS.changed --split-file into the folder an earlier split wrote of a
#                    file in which every document differs (same sizes), beside
#                    its floor: creating the 5,000 files and removing 5,000
#                    old ones (file_floor with OLD_DIR)
# FS is tmpfs (/dev/shm, when writable) and disk (the work folder's disk).
#
# Usage: bench/build_bench.sh [BIN_DIR] [RUNS]
#   BIN_DIR  folder holding kubectl-lo-build (default: build/bin)
#   RUNS     runs per measurement (default: 7)
# Environment: BENCH_DIR (work folder, default: a new temp folder),
#   BENCH_SETTLE (seconds to let the disk settle before the splits, default
#   65), BENCH_RESULTS (append the samples there and print nothing; what
#   bench/run_all.sh does).
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
. "$here/bench/lib.sh"
bin="$(realpath "${1:-$here/build/bin}")"
runs="${2:-7}"
lo="$bin/kubectl-lo-build"
[ -x "$lo" ] || { echo "no kubectl-lo-build in $bin (build first, or pass BIN_DIR)" >&2; exit 2; }
command -v kubectl >/dev/null || { echo "kubectl is needed (kubectl kustomize)" >&2; exit 2; }
command -v kubernetes-split-yaml >/dev/null || { echo "kubernetes-split-yaml is needed (Debian package)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed (Debian package time) for peak memory" >&2; exit 2; }
command -v g++ >/dev/null || { echo "g++ is needed to build bench/file_floor.cpp" >&2; exit 2; }

work="${BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$work"
tmpfs=""
trap 'rm -rf "$work" ${tmpfs:+"$tmpfs"}' EXIT
export NO_COLOR=1
unset LOK8S_KUSTOMIZE DOMAIN_NAME PATH_CLUSTERS
standalone=""
if [ -z "${BENCH_RESULTS:-}" ]; then
  standalone=1
  export BENCH_RESULTS="$work/results"
fi
: >> "$BENCH_RESULTS"

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

# ---------------------------------------------------------------- splits
# The splits run first and after a pause: this kind of VM disk is ext4
# without a journal, where the kernel skips inodes freed in the last 60 s
# (300 s while their inode table is unwritten) one by one on every file it
# creates. Files deleted shortly before (an earlier benchmark's clean-up,
# test suites) thus add the same large cost to each of the 5,000 creations
# of every tool and the figure measures the disk's history, not the tools.
# For the same reason every tool writes into a new folder and nothing is
# deleted until the end, and the runs into an existing folder (which
# delete the files of the earlier split) come after all the others.
# BENCH_SETTLE=0 skips the pause.
sync
sleep "${BENCH_SETTLE:-65}"
gen() { # FILLER
  awk -v fill="$1" 'BEGIN {
    split("v1 ConfigMap 1|apps/v1 Deployment 1|v1 Service 1|rbac.authorization.k8s.io/v1 ClusterRole 0", k, "|")
    for (i = 0; i < 5000; i++) {
      split(k[i % 4 + 1], f, " ")
      if (i) print "---"
      printf "apiVersion: %s\nkind: %s\nmetadata:\n  name: obj-%d\n", f[1], f[2], i
      if (f[3] == 1) printf "  namespace: ns-%d\n", i % 17
      printf "  labels:\n    app: demo\n    tier: backend\ndata:\n"
      for (j = 0; j < 4; j++) printf "  key%d: value-%d-%d-%s\n", j, i, j, fill
    }
  }'
}
big="$work/big.yaml"
gen xxxxxxxxxxxxxxxxxxxx > "$big"
gen yyyyyyyyyyyyyyyyyyyy > "$work/changed.yaml"  # every document differs, sizes do not
export BENCH_INPUT_BYTES="$(stat -c %s "$big")"
echo "split.input bytes $BENCH_INPUT_BYTES" >> "$BENCH_RESULTS"
mean=$((BENCH_INPUT_BYTES / 5000))
floor="$work/file_floor"
g++ -O2 -std=c++20 -pthread "$here/bench/file_floor.cpp" -o "$floor"

# split_run ROW TOOL OUT [OLD]: one timed run after `sync`, so that no tool pays
# for writing back the files another just created (on this kind of VM disk
# that writeback, and the discards of deleted files, stall file creation).
split_run() {
  local t0 t1
  sync
  t0=$(bench_now)
  case "$2" in
    lo) /usr/bin/time -f %M -o "$work/rss" "$lo" --split-file "$big" --out "$3" >/dev/null 2>&1 ;;
    floor) /usr/bin/time -f %M -o "$work/rss" "$floor" "$3" 5000 "$mean" ${4:+"$4"} ;;
    ksy) /usr/bin/time -f %M -o "$work/rss" kubernetes-split-yaml --outdir "$3" "$big" >/dev/null 2>&1 ;;
  esac
  t1=$(bench_now)
  bench_record "$1" "$2" "$t0" "$t1" "$(tail -1 "$work/rss")"
}
split_runs() { # BASE FS
  local base="$1" fs="$2" r
  mkdir -p "$base"
  for r in $(seq "$runs"); do
    if [ $((r % 2)) = 1 ]; then
      split_run "split.$fs.new" lo "$base/lo-$r"; split_run "split.$fs.new" ksy "$base/ksy-$r"
    else
      split_run "split.$fs.new" ksy "$base/ksy-$r"; split_run "split.$fs.new" lo "$base/lo-$r"
    fi
    split_run "split.$fs.new" floor "$base/floor-$r"
  done
  [ "$(ls "$base/lo-1" | wc -l)" -eq 5001 ] || { echo "lo wrote $(ls "$base/lo-1" | wc -l) files, expected 5001" >&2; exit 1; }
  [ "$(ls "$base/ksy-1" | wc -l)" -eq 5000 ] || { echo "kubernetes-split-yaml wrote an unexpected number of files" >&2; exit 1; }
  # Into existing folders: each written first (not timed) by a split of the
  # same file, or of the changed one; the floor's old folder by the floor.
  for r in $(seq "$runs"); do
    "$lo" --split-file "$big" --out "$base/same-$r" >/dev/null 2>&1
    "$lo" --split-file "$work/changed.yaml" --out "$base/changed-$r" >/dev/null 2>&1
    "$floor" "$base/floor-old-$r" 5000 "$mean"
  done
  for r in $(seq "$runs"); do
    split_run "split.$fs.same" lo "$base/same-$r"
    split_run "split.$fs.changed" lo "$base/changed-$r"
    split_run "split.$fs.changed" floor "$base/floor-new-$r" "$base/floor-old-$r"
  done
  cmp -s "$base/changed-1/ConfigMap.ns-0.obj-0.yaml" "$base/lo-1/ConfigMap.ns-0.obj-0.yaml" ||
    { echo "the split into an existing folder did not write the new content" >&2; exit 1; }
}
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  tmpfs="$(mktemp -d /dev/shm/lo-bench.XXXXXX)"
  split_runs "$tmpfs" tmpfs
  rm -rf "$tmpfs"
fi
split_runs "$work/split" disk

# ---------------------------------------------------------------- builds
cd "$project"
"$lo" >/dev/null 2>&1 || { echo "kubectl-lo-build failed on the benchmark project" >&2; exit 1; }  # warm caches
serial_loop
for _ in $(seq "$runs"); do
  rm -rf "$c/lok8s.dev/artifacts" "$loop_out"
  t0=$(bench_now); "$lo" >/dev/null 2>&1; t1=$(bench_now)
  bench_record build.cold lo "$t0" "$t1"
  t0=$(bench_now); "$lo" >/dev/null 2>&1; t1=$(bench_now)
  bench_record build.unchanged lo "$t0" "$t1"
  t0=$(bench_now); serial_loop; t1=$(bench_now)
  bench_record build.cold loop "$t0" "$t1"
done
# The cold build must have built, the warm one must have found nothing to do.
"$lo" -o json 2>/dev/null | grep -q '"unchanged": 20' || { echo "warm build did not find 20 unchanged targets" >&2; exit 1; }

if [ -n "$standalone" ]; then
  printf '\nkubectl lo build benchmarks, %s runs each: median (min-max); %s cores; load %s\n\n' "$runs" "$(nproc)" "$(bench_load)"
  bench_table
fi
