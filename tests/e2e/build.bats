#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# kubectl-lo-build end to end, with the real `kubectl kustomize`, on the
# fixture project tests/fixtures/build/project (copied to a temp folder):
#   lok8s.dev      targets collide, networking, platform, web; platform and
#                  web share clusters/.targets/base, platform also uses the
#                  component .targets/sidecar, a patch and a configMapGenerator
#   api.lok8s.dev  a Deploy domain (clusterRef lok8s.dev) with target api

setup() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  : "${LO_FIXTURES:?LO_FIXTURES must point at tests/fixtures}"
  # kubectl is a test dependency (.ci/deps installs it): missing, the suite fails, never skips.
  command -v kubectl >/dev/null || { echo "kubectl is not on PATH: the build suite needs it for kubectl kustomize (.ci/deps installs it)" >&2; return 1; }
  B="$LO_BIN/kubectl-lo-build"
  T="$(mktemp -d)"
  P="$T/project"
  cp -r "$LO_FIXTURES/build/project" "$P"
  cd "$P"
  unset DOMAIN_NAME PATH_CLUSTERS LOK8S_KUSTOMIZE LOK8S_USER_TOKEN LOK8S_SPEC_LOADBALANCER_POOL
  export NO_COLOR=1 LC_ALL=C
  A="$P/clusters/lok8s.dev/artifacts"
}

teardown() {
  for f in "${SLOW_PID_FILE:-/nonexistent}" "${SLOW_PID_FILE:-/nonexistent}.child" "$T"/*.pid; do
    if [ -f "$f" ]; then kill -9 "$(cat "$f")" 2>/dev/null || true; fi
  done
  cd /
  rm -rf "$T"
}

# status of each target from `-o json`: "name=status name=status ..."
statuses() {
  "$B" "$@" -o json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join(t["name"] + "=" + t["status"] for t in d["targets"]))'
}

# Kind/namespace/name of every object `kubectl kustomize DIR` yields, sorted.
objects() {
  kubectl kustomize "$1" | python3 -c '
import sys, yaml
docs = [d for d in yaml.safe_load_all(sys.stdin) if d]
print("\n".join(sorted("%s/%s/%s/%s" % (d["apiVersion"], d["kind"], d["metadata"].get("namespace", ""), d["metadata"]["name"]) for d in docs)))'
}

@test "builds every target of the active domain into artifacts/<target>/ and lists them" {
  run "$B"
  [ "$status" -eq 0 ]
  [[ "$output" == *"lok8s.dev: 4 built, 0 unchanged (4 targets)"* ]]
  for t in collide networking platform web; do
    [ -s "$A/$t/artifacts.yaml" ]
    grep -q '^  - artifacts.yaml$' "$A/$t/kustomization.yaml"
  done
  [ "$(grep -c '^  - ' "$A/kustomization.yaml")" -eq 4 ]
  grep -q 'name: platform-config-' "$A/platform/artifacts.yaml"
  grep -q 'image: busybox:1.36' "$A/platform/artifacts.yaml"   # the component
  grep -q 'replicas: 2' "$A/platform/artifacts.yaml"           # the patch
  # The whole domain builds from the artifacts folder.
  run objects "$A"
  [ "$status" -eq 0 ]
  [[ "$output" == *"v1/Namespace//networking"* ]]
  [[ "$output" == *"apps/v1/Deployment/platform/app"* ]]
  [[ "$output" == *"networking.k8s.io/v1/Ingress/web/app"* ]]
  [ "$(echo "$output" | wc -l)" -eq 11 ]
}

@test "envsubst: only LOK8S_SPEC_* and LOK8S_USER_* with a value; other \$ text byte for byte" {
  export LOK8S_SPEC_LOADBALANCER_POOL=from-the-environment   # must not beat the spec
  export LOK8S_USER_TOKEN=s3cret
  run "$B" web
  [ "$status" -eq 0 ]
  f="$A/web/artifacts.yaml"
  grep -q -- '- --domain=lok8s.dev$' "$f"
  grep -q 'value: 10.125.125.125-10.125.125.150$' "$f"
  grep -q 'value: local/x$' "$f"
  grep -q 'value: s3cret$' "$f"
  grep -q -- '- --home=${HOME}$' "$f"
  grep -q -- '- --pod=$(POD_NAME)$' "$f"
  grep -q -- '- --cost=$5$' "$f"
  grep -q 'value: ${LOK8S_SPEC_NOT_A_VARIABLE} $LOK8S_USER_UNSET_TOKEN$' "$f"
  grep -q 'value: ${LOK8S_SPEC_CLUSTER_NAME:-fallback}$' "$f"
  grep -q 'host: web.lok8s.dev$' "$f"
  run ! grep -q 'from-the-environment' "$f"
  # A variable the output uses changed: the target rebuilds.
  export LOK8S_USER_TOKEN=rotated
  run statuses web
  [ "$output" = "web=built" ]
  grep -q 'value: rotated$' "$f"
}

@test "a DOMAIN positional, named targets, --domain, and unknown names" {
  run statuses lok8s.dev web networking
  [ "$status" -eq 0 ]
  [ "$output" = "web=built networking=built" ]
  [ ! -e "$A/platform" ]
  run statuses --domain lok8s.dev platform
  [ "$output" = "platform=built" ]
  run "$B" lok8s.dev nope
  [ "$status" -eq 1 ]
  [[ "$output" == *"unknown target 'nope' in domain lok8s.dev"* ]]
  [[ "$output" == *"known targets: collide, networking, platform, web"* ]]
  run "$B" --domain missing.example
  [ "$status" -eq 1 ]
  [[ "$output" == *"missing.example"* ]]
  # A folder of clusters/ without a spec is that domain, named with its missing file
  # (it used to be taken for a target of the active domain).
  mkdir -p clusters/x.example.com
  run "$B" x.example.com
  [ "$status" -eq 1 ]
  [[ "$output" == *"domain 'x.example.com' has no spec: neither clusters/x.example.com/cluster.lok8s.yaml nor deploy.lok8s.yaml exists"* ]]
  [[ "$output" != *"lok8s.dev"*"not found"* ]]
  rmdir clusters/x.example.com
  # A domain without targets/ is an error; an empty targets/ only a warning.
  mkdir -p clusters/7.lok8s.dev
  printf 'apiVersion: cluster.lok8s.dev/v1beta1\nkind: Lo\nmetadata:\n  name: seven\nspec:\n  cluster:\n    domain: 7.lok8s.dev\n' \
    > clusters/7.lok8s.dev/cluster.lok8s.yaml
  run "$B" 7.lok8s.dev
  [ "$status" -eq 1 ]
  [[ "$output" == *"domain 7.lok8s.dev has no targets folder"* ]]
  mkdir clusters/7.lok8s.dev/targets
  run "$B" 7.lok8s.dev
  [ "$status" -eq 0 ]
  [[ "$output" == *"warning: no targets in clusters/7.lok8s.dev/targets"* ]]
  run "$B" --out x
  [ "$status" -eq 2 ]
  run "$B" -j 0
  [ "$status" -eq 2 ]
}

@test "a Deploy domain builds its own targets with its cluster's variables" {
  run "$B" api.lok8s.dev
  [ "$status" -eq 0 ]
  f="$P/clusters/api.lok8s.dev/artifacts/api/artifacts.yaml"
  grep -q 'namespace: api$' "$f"
  grep -q 'value: 10.125.125.125-10.125.125.150$' "$f"
  [ ! -e "$A" ]
}

@test "a failing target: the others are built, its old artifact stays, kustomize's words in the summary" {
  run "$B"
  [ "$status" -eq 0 ]
  before="$(sha256sum "$A/web/artifacts.yaml")"
  echo "  broken: [" >> clusters/lok8s.dev/targets/web/ingress.yaml
  echo "greeting=changed" > clusters/lok8s.dev/targets/platform/app.properties
  run "$B"
  [ "$status" -eq 1 ]
  [[ "$output" == *"failed     web"* ]]
  [[ "$output" == *"1 built, 2 unchanged, 1 failed"* ]]
  [[ "$output" == *"target web failed:"*"ingress.yaml"* ]]      # kustomize's own message
  [ "$before" = "$(sha256sum "$A/web/artifacts.yaml")" ]
  grep -q 'greeting=changed' "$A/platform/artifacts.yaml"
  grep -q '^  - web$' "$A/kustomization.yaml"                  # the last good one is still listed
  run --separate-stderr "$B" -o json
  [ "$status" -eq 1 ]
  python3 -c '
import json, sys
d = json.loads(sys.argv[1])
w = [t for t in d["targets"] if t["name"] == "web"][0]
assert w["status"] == "failed" and "ingress.yaml" in w["error"], w
assert d["failed"] == 1 and d["domain"] == "lok8s.dev"' "$output"
}

@test "--split: one file per object, builds back to the same objects, collisions kept apart" {
  run "$B"
  [ "$status" -eq 0 ]
  for t in collide networking platform web; do objects "$A/$t" > "$T/plain-$t"; done
  run "$B" --split
  [ "$status" -eq 0 ]
  [ ! -e "$A/web/artifacts.yaml" ]
  [ -f "$A/web/Deployment.web.app.yaml" ]
  [ -f "$A/web/Service.web.app.yaml" ]
  [ -f "$A/networking/Namespace.networking.yaml" ]
  ls "$A/collide" | sort > "$T/collide-files"
  printf '%s\n' Certificate.cert-manager.io.a.web.yaml Certificate.example.com.a.web.yaml \
    Widget.example.com.a.b.2.yaml Widget.example.com.a.b.yaml kustomization.yaml | diff - "$T/collide-files"
  for t in collide networking platform web; do
    objects "$A/$t" | diff "$T/plain-$t" -
  done
  [ "$(objects "$A" | wc -l)" -eq 11 ]
}

@test "stale files of an earlier build are removed" {
  run "$B" --split web
  [ "$status" -eq 0 ]
  [ -f "$A/web/Ingress.web.app.yaml" ]
  sed -i '/ingress.yaml/d' clusters/lok8s.dev/targets/web/kustomization.yaml
  run "$B" --split web
  [ "$status" -eq 0 ]
  [ ! -e "$A/web/Ingress.web.app.yaml" ]
  [ -f "$A/web/Service.web.app.yaml" ]
  run "$B" web
  [ "$(ls "$A/web" | sort | tr '\n' ' ')" = "artifacts.yaml kustomization.yaml " ]
  # A deleted target's artifacts go on the next full build, not on a partial one.
  run "$B"
  rm -rf clusters/lok8s.dev/targets/collide
  run "$B" web
  [ -d "$A/collide" ]
  run ! grep -q collide "$A/kustomization.yaml"
  run "$B"
  [ ! -e "$A/collide" ]
  [ ! -e "$A/.cache/collide.json" ]
}

@test "incremental: unchanged stays, and each kind of input rebuilds exactly who reads it" {
  run statuses
  [ "$output" = "collide=built networking=built platform=built web=built" ]
  run statuses
  [ "$output" = "collide=unchanged networking=unchanged platform=unchanged web=unchanged" ]
  touch clusters/lok8s.dev/targets/web/ingress.yaml clusters/.targets/base/service.yaml
  run statuses
  [ "$output" = "collide=unchanged networking=unchanged platform=unchanged web=unchanged" ]

  echo "# edited" >> clusters/lok8s.dev/targets/networking/namespace.yaml       # a resource file
  run statuses
  [ "$output" = "collide=unchanged networking=built platform=unchanged web=unchanged" ]
  echo "# edited" >> clusters/.targets/base/service.yaml                        # a file of a shared base
  run statuses
  [ "$output" = "collide=unchanged networking=unchanged platform=built web=built" ]
  sed -i 's/replicas: 2/replicas: 3/' clusters/lok8s.dev/targets/platform/replicas.yaml   # a patch
  run statuses
  [ "$output" = "collide=unchanged networking=unchanged platform=built web=unchanged" ]
  grep -q 'replicas: 3' "$A/platform/artifacts.yaml"
  echo "extra=1" >> clusters/lok8s.dev/targets/platform/app.properties          # a generator's file
  run statuses
  [ "$output" = "collide=unchanged networking=unchanged platform=built web=unchanged" ]
  sed -i 's/busybox:1.36/busybox:1.37/' clusters/.targets/sidecar/sidecar.yaml  # a component
  run statuses
  [ "$output" = "collide=unchanged networking=unchanged platform=built web=unchanged" ]
  grep -q 'busybox:1.37' "$A/platform/artifacts.yaml"
  echo "# x" >> clusters/lok8s.dev/targets/collide/kustomization.yaml           # the kustomization itself
  run statuses
  [ "$output" = "collide=built networking=unchanged platform=unchanged web=unchanged" ]

  rm "$A/web/artifacts.yaml"                                                    # an artifact removed
  run statuses
  [ "$output" = "collide=unchanged networking=unchanged platform=unchanged web=built" ]
  rm -rf "$A/.cache"                                                            # the cache is disposable
  run statuses
  [ "$output" = "collide=built networking=built platform=built web=built" ]
  run statuses --force
  [ "$output" = "collide=built networking=built platform=built web=built" ]
  run statuses --split
  [ "$output" = "collide=built networking=built platform=built web=built" ]
  run statuses --split
  [ "$output" = "collide=unchanged networking=unchanged platform=unchanged web=unchanged" ]
}

@test "--stdout prints the YAML of the named targets and writes nothing" {
  run "$B" web networking --stdout
  [ "$status" -eq 0 ]
  [[ "$output" == *"kind: Ingress"* ]]
  [[ "$output" == *"kind: Namespace"* ]]
  [[ "$output" == *"value: 10.125.125.125-10.125.125.150"* ]]
  [ ! -e "$A" ]
  # Served from a current artifact once there is one, byte for byte the same.
  "$B" web >/dev/null 2>&1
  "$B" web --stdout > "$T/out.yaml"
  cmp "$T/out.yaml" "$A/web/artifacts.yaml"
  run "$B" --stdout --split
  [ "$status" -eq 2 ]
}

@test "--split-file splits an existing file; a second split removes what is gone" {
  cat > "$T/all.yaml" <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: demo
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: demo
data:
  key: ${KEEP_ME}
EOF
  run "$B" --split-file "$T/all.yaml" --out "$T/out"
  [ "$status" -eq 0 ]
  [ "$(ls "$T/out" | tr '\n' ' ')" = "ConfigMap.demo.settings.yaml Namespace.demo.yaml kustomization.yaml " ]
  grep -q 'key: ${KEEP_ME}' "$T/out/ConfigMap.demo.settings.yaml"
  [ "$(objects "$T/out" | tr '\n' ' ')" = "v1/ConfigMap/demo/settings v1/Namespace//demo " ]
  head -4 "$T/all.yaml" > "$T/one.yaml"
  echo "mine" > "$T/out/zz-notes.txt"
  ino="$(stat -c %i "$T/out/Namespace.demo.yaml")"
  run "$B" --split-file - --out "$T/out" < "$T/one.yaml"
  [ "$status" -eq 0 ]
  [ "$(ls "$T/out" | tr '\n' ' ')" = "Namespace.demo.yaml kustomization.yaml zz-notes.txt " ]
  [ "$(stat -c %i "$T/out/Namespace.demo.yaml")" = "$ino" ]   # unchanged: the same file
  [ -z "$(find "$T" -maxdepth 1 -name '.*lo-tmp*')" ]          # nothing left beside the folder
  # A folder whose kustomization.yaml lo did not write is left alone.
  mkdir "$T/mine" && echo "resources: [x.yaml]" > "$T/mine/kustomization.yaml"
  run "$B" --split-file "$T/all.yaml" --out "$T/mine"
  [ "$status" -eq 1 ]
  [[ "$output" == *"was not written by lo"* ]]
  [ "$(ls "$T/mine")" = "kustomization.yaml" ]
  printf 'kind: NoName\napiVersion: v1\n' > "$T/bad.yaml"
  run "$B" --split-file "$T/bad.yaml" --out "$T/bad"
  [ "$status" -eq 1 ]
  [[ "$output" == *"bad.yaml:1"*"no metadata.name"* ]]
  [ ! -e "$T/bad" ]
  # A bad document after 2,000 good ones (written while the rest is read):
  # the existing folder stays exactly as it was, a new one does not appear.
  awk 'BEGIN { for (i = 0; i < 2000; i++) printf "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c%d\n---\n", i
               printf "kind: NoName\napiVersion: v1\n" }' > "$T/late.yaml"
  before="$(ls -ai "$T/out")"
  run "$B" --split-file "$T/late.yaml" --out "$T/out"
  [ "$status" -eq 1 ]
  [[ "$output" == *"late.yaml:10001"*"no metadata.name"* ]]
  [ "$(ls -ai "$T/out")" = "$before" ]
  run "$B" --split-file "$T/late.yaml" --out "$T/late"
  [ "$status" -eq 1 ]
  [ ! -e "$T/late" ]
  [ -z "$(find "$T" -maxdepth 1 -name '.*lo-tmp*')" ]
}

# A kustomize that prints half its output, then waits to be killed.
slow_kustomize() {
  SLOW_PID_FILE="$T/slow.pid"
  export SLOW_PID_FILE SLOW_MARK="$T/slow.signalled"
  cat > "$T/slow-kustomize" <<'EOF'
#!/bin/bash
echo $$ > "$SLOW_PID_FILE.tmp" && mv "$SLOW_PID_FILE.tmp" "$SLOW_PID_FILE"
trap 'echo "$$ got a signal" > "$SLOW_MARK"; kill $child 2>/dev/null; exit 130' INT TERM
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: half\n'
sleep 60 & child=$!
echo $child > "$SLOW_PID_FILE.child"
wait $child
printf 'data: {}\n'
EOF
  chmod +x "$T/slow-kustomize"
}

wait_for_file() {
  for _ in $(seq 100); do [ -f "$1" ] && return 0; sleep 0.1; done
  return 1
}

@test "killed with -9 while kustomize writes: the previous artifact is intact, no temp files" {
  run "$B" web
  [ "$status" -eq 0 ]
  before="$(sha256sum "$A/web/artifacts.yaml" "$A/web/kustomization.yaml" "$A/kustomization.yaml")"
  slow_kustomize
  LOK8S_KUSTOMIZE="$T/slow-kustomize" "$B" web --force 3>&- &
  pid=$!
  wait_for_file "$SLOW_PID_FILE"
  kill -9 "$pid"
  wait "$pid" || true
  [ "$before" = "$(sha256sum "$A/web/artifacts.yaml" "$A/web/kustomization.yaml" "$A/kustomization.yaml")" ]
  [ -z "$(find "$P/clusters" -name '*lo-tmp*')" ]
  # The next build goes on from there.
  run statuses web
  [ "$output" = "web=unchanged" ]
}

@test "Ctrl-C (SIGINT) stops kustomize, writes nothing and exits 130" {
  run "$B"
  [ "$status" -eq 0 ]
  before="$(find "$A" -type f -exec sha256sum {} + | sort)"
  slow_kustomize
  LOK8S_KUSTOMIZE="$T/slow-kustomize" "$B" --force --split -j 2 3>&- &
  pid=$!
  wait_for_file "$SLOW_PID_FILE"
  sleep 0.2
  kill -INT "$pid"
  rc=0
  wait "$pid" || rc=$?
  [ "$rc" -eq 130 ]
  wait_for_file "$SLOW_MARK"                     # the child was told to stop
  [ "$before" = "$(find "$A" -type f -exec sha256sum {} + | sort)" ]
  [ -z "$(find "$P/clusters" -name '*lo-tmp*')" ]
}

@test "temp files a killed build left behind are cleaned by the next build" {
  run "$B" web
  touch "$A/web/.artifacts.yaml.lo-tmp-999999999-3"
  mkdir "$A/.web.lo-tmp-999999999-4"
  run "$B" web --force
  [ "$status" -eq 0 ]
  [ -z "$(find "$A" -name '*lo-tmp*')" ]
}

@test "kubectl lo build goes through the front door too" {
  run "$LO_BIN/kubectl-lo" build lok8s.dev networking
  [ "$status" -eq 0 ]
  [ -f "$A/networking/artifacts.yaml" ]
  run "$LO_BIN/kubectl-lo" build --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"--split-file"* ]]
}

# --- ${LOK8S_USER_API_HOST} / ${LOK8S_USER_API_PORT} -------------------------

# A target "endpoint" in domain $1 (default lok8s.dev) whose output names the
# API endpoint, and no kubeconfig anywhere unless a test writes one.
api_setup() {
  local d="$P/clusters/${1:-lok8s.dev}/targets/endpoint"
  mkdir -p "$d"
  printf 'resources: [cm.yaml]\n' > "$d/kustomization.yaml"
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: endpoint\ndata:\n  endpoint: "h=${LOK8S_USER_API_HOST} p=${LOK8S_USER_API_PORT}"\n' \
    > "$d/cm.yaml"
  unset KUBECONFIG LOK8S_USER_API_HOST LOK8S_USER_API_PORT
  export HOME="$T/home"
  mkdir -p "$HOME"
}

# write_kubeconfig FILE SERVER: the current context "mine" points at SERVER;
# the first cluster entry (context "other") at https://first.example:1111.
write_kubeconfig() {
  mkdir -p "$(dirname "$1")"
  cat > "$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: other
  cluster: {server: 'https://first.example:1111'}
- name: mine
  cluster: {server: '$2'}
users:
- name: u
  user: {token: sekrit-token-value}
contexts:
- name: other
  context: {cluster: other, user: u}
- name: mine
  context: {cluster: mine, user: u}
current-context: mine
EOF
}

# "h=<host> p=<port>" as the endpoint target of domain $1 was built.
endpoint() { grep -o 'h=[^ ]* p=[^ "]*' "$P/clusters/${1:-lok8s.dev}/artifacts/endpoint/artifacts.yaml"; }

@test "API host and port come from the domain's .kubeconfig: port, no port, IPv6, a path" {
  api_setup
  run "$B" endpoint -v
  [ "$status" -eq 0 ]
  [[ "$output" == *"LOK8S_USER_API_HOST/PORT not set: no kubeconfig"*".kube/config does not exist"* ]]
  [ "$(endpoint)" = 'h=${LOK8S_USER_API_HOST} p=${LOK8S_USER_API_PORT}' ]
  k="$P/.kubeconfig/local.yaml"            # metadata.name of lok8s.dev is "local"
  write_kubeconfig "$k" https://1.2.3.4:6443
  run "$B" endpoint -v=10
  [ "$status" -eq 0 ]
  [ "$(endpoint)" = "h=1.2.3.4 p=6443" ]   # the current context's cluster, not the first entry
  [[ "$output" == *"LOK8S_USER_API_HOST=1.2.3.4 from .kubeconfig/local.yaml (context mine, cluster mine)"* ]]
  [[ "$output" != *sekrit* ]]
  write_kubeconfig "$k" https://api.example.com
  "$B" endpoint
  [ "$(endpoint)" = "h=api.example.com p=443" ]
  write_kubeconfig "$k" http://10.9.8.7
  "$B" endpoint
  [ "$(endpoint)" = "h=10.9.8.7 p=80" ]
  write_kubeconfig "$k" 'https://[fd00:10:125::1]:6443'
  "$B" endpoint
  [ "$(endpoint)" = "h=fd00:10:125::1 p=6443" ]
  write_kubeconfig "$k" https://rancher.example.com:8443/k8s/clusters/c-m-1/
  "$B" endpoint
  [ "$(endpoint)" = "h=rancher.example.com p=8443" ]
  # A kubeconfig that chooses no context (its cluster was deleted): unset, and -v says why.
  printf 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\ncurrent-context: ""\n' > "$k"
  run "$B" endpoint -v
  [ "$status" -eq 0 ]
  [[ "$output" == *"not set: .kubeconfig/local.yaml sets no current-context"* ]]
  [ "$(endpoint)" = 'h=${LOK8S_USER_API_HOST} p=${LOK8S_USER_API_PORT}' ]
}

@test "API endpoint: a moved server rebuilds its target; targets that do not use it never read the kubeconfig" {
  api_setup
  k="$P/.kubeconfig/local.yaml"
  write_kubeconfig "$k" https://1.2.3.4:6443
  run statuses
  [ "$output" = "collide=built endpoint=built networking=built platform=built web=built" ]
  run statuses
  [ "$output" = "collide=unchanged endpoint=unchanged networking=unchanged platform=unchanged web=unchanged" ]
  write_kubeconfig "$k" https://1.2.3.4:7443
  run statuses
  [ "$output" = "collide=unchanged endpoint=built networking=unchanged platform=unchanged web=unchanged" ]
  [ "$(endpoint)" = "h=1.2.3.4 p=7443" ]
  run "$B"
  [[ "$output" == *"lok8s.dev: 0 built, 5 unchanged"* ]]
  # A broken kubeconfig: only the target that uses it fails, naming the
  # file; its last artifact stays.
  echo "clusters: [unclosed" > "$k"
  run "$B" networking web
  [ "$status" -eq 0 ]
  run "$B"
  [ "$status" -eq 1 ]
  [[ "$output" == *"failed     endpoint"* ]]
  [[ "$output" == *"target endpoint failed:"*"$k"*"not valid YAML"* ]]
  [[ "$output" == *"0 built, 4 unchanged, 1 failed"* ]]
  [ "$(endpoint)" = "h=1.2.3.4 p=7443" ]
  # A server that is no URL names the field.
  write_kubeconfig "$k" 'https://[::1'
  run "$B" endpoint --force
  [ "$status" -eq 1 ]
  [[ "$output" == *"$k"*"clusters[1].cluster.server"* ]]
}

@test "API endpoint: an exported LOK8S_USER_API_HOST/PORT wins over the kubeconfig" {
  api_setup
  write_kubeconfig "$P/.kubeconfig/local.yaml" https://1.2.3.4:6443
  LOK8S_USER_API_HOST=override.example "$B" endpoint
  [ "$(endpoint)" = "h=override.example p=6443" ]
  # Both exported: the kubeconfig is not even read (a broken one does not matter).
  echo "clusters: [unclosed" > "$P/.kubeconfig/local.yaml"
  LOK8S_USER_API_HOST=h.example LOK8S_USER_API_PORT=1234 run "$B" endpoint
  [ "$status" -eq 0 ]
  [ "$(endpoint)" = "h=h.example p=1234" ]
}

@test "API endpoint: a Deploy domain uses its clusterRef's kubeconfig" {
  api_setup api.lok8s.dev
  write_kubeconfig "$P/.kubeconfig/local.yaml" https://10.125.125.1:6443   # lok8s.dev, the clusterRef
  write_kubeconfig "$P/.kubeconfig/api.yaml" https://wrong.example:6443    # the Deploy domain's own name
  export KUBECONFIG="$T/elsewhere.yaml"
  write_kubeconfig "$KUBECONFIG" https://elsewhere.example:6443
  run "$B" api.lok8s.dev endpoint
  [ "$status" -eq 0 ]
  [ "$(endpoint api.lok8s.dev)" = "h=10.125.125.1 p=6443" ]
  # Without the cluster's own file: $KUBECONFIG.
  rm "$P/.kubeconfig/local.yaml"
  run "$B" api.lok8s.dev endpoint -v
  [ "$status" -eq 0 ]
  [[ "$output" == *'no .kubeconfig/local.yaml for domain lok8s.dev; using $KUBECONFIG or ~/.kube/config'* ]]
  [ "$(endpoint api.lok8s.dev)" = "h=elsewhere.example p=6443" ]
}

@test "API endpoint: --kubeconfig and --context choose the cluster" {
  api_setup
  write_kubeconfig "$P/.kubeconfig/local.yaml" https://own.example:6443
  write_kubeconfig "$T/flag.yaml" https://flag.example:6443
  export KUBECONFIG="$T/env.yaml"
  write_kubeconfig "$KUBECONFIG" https://env.example:6443
  "$B" endpoint
  [ "$(endpoint)" = "h=own.example p=6443" ]
  "$B" endpoint --kubeconfig "$T/flag.yaml"
  [ "$(endpoint)" = "h=flag.example p=6443" ]
  "$B" endpoint --kubeconfig "$T/flag.yaml" --context other
  [ "$(endpoint)" = "h=first.example p=1111" ]
  run "$B" endpoint --context mine -v         # --context alone: of $KUBECONFIG, as deploy does
  [ "$status" -eq 0 ]
  [[ "$output" == *"from --context mine ($T/env.yaml)"* ]]
  [ "$(endpoint)" = "h=env.example p=6443" ]
  run "$B" endpoint --context nope
  [ "$status" -eq 1 ]
  [[ "$output" == *'context "nope" not found'* ]]
  run "$B" endpoint --kubeconfig "$T/missing.yaml"
  [ "$status" -eq 1 ]
  [[ "$output" == *"missing.yaml"*"kubeconfig file does not exist"* ]]
  run "$B" --split-file x --out y --context mine
  [ "$status" -eq 2 ]
}

@test "API endpoint: kustomize of a target with plugins has it in its environment" {
  api_setup
  d="$P/clusters/lok8s.dev/targets/plugged"
  mkdir -p "$d"
  printf 'generators: [gen.yaml]\n' > "$d/kustomization.yaml"
  printf 'apiVersion: example.com/v1\nkind: Gen\nmetadata:\n  name: g\n' > "$d/gen.yaml"
  # Stands in for kustomize running the plugin: prints what it was given.
  cat > "$T/env-kustomize" <<'EOF'
#!/bin/bash
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plugged\ndata:\n  saw: "%s:%s"\n' \
  "${LOK8S_USER_API_HOST:-nothing}" "${LOK8S_USER_API_PORT:-nothing}"
EOF
  chmod +x "$T/env-kustomize"
  write_kubeconfig "$P/.kubeconfig/local.yaml" 'https://[fd00::5]:6443'
  LOK8S_KUSTOMIZE="$T/env-kustomize" run "$B" plugged
  [ "$status" -eq 0 ]
  grep -q 'saw: "fd00::5:6443"' "$A/plugged/artifacts.yaml"
  # A broken kubeconfig does not fail a target that does not use the values.
  echo "clusters: [unclosed" > "$P/.kubeconfig/local.yaml"
  LOK8S_KUSTOMIZE="$T/env-kustomize" run "$B" plugged
  [ "$status" -eq 0 ]
  grep -q 'saw: "nothing:nothing"' "$A/plugged/artifacts.yaml"
}

# A kustomize that never finishes, with a child of its own (a plugin).
hang_kustomize() {
  cat > "$T/hang-kustomize" <<EOF
#!/bin/bash
echo \$\$ > "$T/hang.child.pid"
sleep 300 &
echo \$! > "$T/hang.grandchild.pid"
echo "fetching a remote base ..." >&2
wait
EOF
  chmod +x "$T/hang-kustomize"
}

alive() {
  local s
  s="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
  [ -n "$s" ] && [[ "$s" != Z* ]]
}

@test "--timeout kills a hanging kustomize and its children; the target fails, its artifact stays" {
  run "$B" web --timeout 0          # 0: no limit (not "stop at once")
  [ "$status" -eq 0 ]
  before="$(sha256sum "$A/web/artifacts.yaml" "$A/web/kustomization.yaml" "$A/kustomization.yaml")"
  hang_kustomize
  start=$SECONDS
  LOK8S_KUSTOMIZE="$T/hang-kustomize" run "$B" web --force --timeout 1s
  [ "$status" -eq 1 ]
  [ $((SECONDS - start)) -lt 30 ]
  [[ "$output" == *"failed     web"* ]]
  [[ "$output" == *"target web failed:"*"kustomize did not finish within 1s"* ]]
  [[ "$output" == *"fetching a remote base"* ]]            # what it had said
  [ "$before" = "$(sha256sum "$A/web/artifacts.yaml" "$A/web/kustomization.yaml" "$A/kustomization.yaml")" ]
  [ -z "$(find "$P/clusters" -name '*lo-tmp*')" ]
  # The whole process group is gone: kustomize and what it started.
  for _ in $(seq 50); do alive "$(cat "$T/hang.grandchild.pid")" || break; sleep 0.1; done
  run ! alive "$(cat "$T/hang.child.pid")"
  run ! alive "$(cat "$T/hang.grandchild.pid")"
  LOK8S_KUSTOMIZE="$T/hang-kustomize" run --separate-stderr "$B" web --force --timeout 500ms -o json
  [ "$status" -eq 1 ]
  python3 -c '
import json, sys
d = json.loads(sys.argv[1])
w = d["targets"][0]
assert w["status"] == "failed" and "kustomize did not finish within 500ms" in w["error"], w' "$output"
  run "$B" web --timeout soon
  [ "$status" -eq 2 ]
  [[ "$output" == *"invalid --timeout 'soon'"* ]]
}
