#!/usr/bin/env bats
# The Lo driver end to end: kubectl lo provision / destroy / status with the
# behavioural docker and kind fakes first on PATH (this machine has neither),
# and the test API server standing in for the kind cluster's API server (the
# fake kind hands out its kubeconfig), so the ConfigMaps lo applies are real.

load lib/tools
load lib/fake_changes

setup_file() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  : "${LO_SRC:?LO_SRC must point at the source tree}"
  export APISERVER_DIR="$(mktemp -d)"
  "$LO_BIN/../tests/lo-test-apiserver" --dir "$APISERVER_DIR" > "$APISERVER_DIR/server.log" 2>&1 &
  echo $! > "$APISERVER_DIR/pid"
  for _ in $(seq 300); do [ -f "$APISERVER_DIR/url" ] && break; sleep 0.1; done
  [ -f "$APISERVER_DIR/url" ]
  # What kubeadm puts in every kind cluster: CoreDNS (lo wires spec.coredns into it).
  kubectl --kubeconfig "$APISERVER_DIR/kubeconfig-cert.yaml" create --field-manager=kubeadm \
    -f "$LO_SRC/tests/fixtures/coredns/kubeadm-coredns.yaml" > /dev/null
}

teardown_file() {
  kill "$(cat "$APISERVER_DIR/pid")" 2>/dev/null || true
  rm -rf "$APISERVER_DIR"
}

setup() {
  : "${LO_SRC:?LO_SRC must point at the source tree}"
  T="$(mktemp -d)"
  P="$T/project"
  mkdir -p "$P/clusters"
  cp -r "$LO_SRC/clusters/lok8s.dev" "$P/clusters/"
  printf '  bootstrap: []\n' >> "$P/clusters/lok8s.dev/cluster.lok8s.yaml"  # bootstrap.bats tests bootstrap
  export LO_FAKE_STATE="$T/world" CAROOT="$T/caroot" NO_COLOR=1
  export LO_FAKE_KUBECONFIG="$APISERVER_DIR/kubeconfig-cert.yaml"
  export PATH="$LO_SRC/tests/fakes/bin:$LO_BIN:$PATH"
  unset DOMAIN_NAME PATH_CLUSTERS LO_FAKE_FAIL
  K="kubectl --kubeconfig $APISERVER_DIR/kubeconfig-cert.yaml"
}

teardown() {
  rm -rf "$T"
}

@test "provision: networks, registries, certs.d, kind cluster, nodes, kubeconfig, ConfigMaps in order" {
  run kubectl-lo provision --root "$P" lok8s.dev
  [ "$status" -eq 0 ]
  changes > "$T/changes"
  # order: project network, shared network, registry containers, kind cluster, node attachment
  net=$(grep -n '^docker network create .* local$' "$T/changes" | cut -d: -f1)
  shared=$(grep -n '^docker network create .*lok8s-registries$' "$T/changes" | cut -d: -f1)
  build=$(grep -n '^docker run .*local-registry-build' "$T/changes" | cut -d: -f1)
  mirror=$(grep -n '^docker run .*lok8s-registry-io-ghcr' "$T/changes" | cut -d: -f1)
  create=$(grep -n '^kind create cluster --name local --config -' "$T/changes" | cut -d: -f1)
  connect=$(grep -n '^docker network connect lok8s-registries local-control-plane' "$T/changes" | cut -d: -f1)
  # One assertion per line: a failing `[ ] && [ ]` in the middle of a test does not fail it under bats.
  [ -n "$net" ]
  [ -n "$shared" ]
  [ -n "$build" ]
  [ -n "$mirror" ]
  [ -n "$create" ]
  [ -n "$connect" ]
  [ "$net" -lt "$build" ]
  [ "$shared" -lt "$mirror" ]
  [ "$build" -lt "$create" ]
  [ "$mirror" -lt "$create" ]
  [ "$create" -lt "$connect" ]
  # kind ran on the project network, with the rendered config
  python3 - "$LO_FAKE_STATE/calls.jsonl" <<'EOF'
import json, sys
calls = [json.loads(l) for l in open(sys.argv[1])]
create = [c for c in calls if c["tool"] == "kind" and c["argv"][:2] == ["create", "cluster"]][0]
assert create["env"]["KIND_EXPERIMENTAL_DOCKER_NETWORK"] == "local", create
assert "kindest/node:v1.32.2" in create["stdin_text"], create["stdin_text"]
assert "/clusters/lok8s.dev/.containerd/certs.d" in create["stdin_text"]
EOF
  # the certs.d tree was there for the nodes to mount, TLS mode with the CA copied in
  grep -q 'server = "https://10.125.125.101"' "$P/clusters/lok8s.dev/.containerd/certs.d/lok8s.local/hosts.toml"
  cmp "$CAROOT/rootCA.pem" "$P/clusters/lok8s.dev/.containerd/certs.d/.ca/rootCA.pem"
  # kubeconfig 0600
  [ "$(stat -c %a "$P/.kubeconfig/local.yaml")" = 600 ]
  # the ConfigMaps are on the cluster
  run $K get configmap -n kube-public local-registry-hosting -o jsonpath='{.data.localRegistryHosting\.v1}'
  [[ "$output" == *'host: 10.125.125.101'* ]]
  [[ "$output" == *'hostFromClusterNetwork: lok8s.local'* ]]
  [[ "$output" == *'hostFromContainerRuntime: lok8s.local'* ]]
  run $K get configmap -n kube-system lok8s-registries -o jsonpath='{.data.build\.port} {.data.io-docker\.ip} {.data.io-docker\.shared}'
  [ "$output" = "443 10.125.200.2 true" ]
  run kubectl-lo status --root "$P" lok8s.dev
  [ "$output" = "Running" ]
  run kubectl-lo kubeconfig --root "$P" lok8s.dev
  [ "$output" = "$P/.kubeconfig/local.yaml" ]
}

@test "a second provision changes nothing" {
  kubectl-lo provision --root "$P" lok8s.dev >/dev/null 2>&1
  first=$(wc -l < "$LO_FAKE_STATE/calls.jsonl")
  run kubectl-lo provision --root "$P" lok8s.dev
  [ "$status" -eq 0 ]
  [[ "$output" != *"done:"* ]]
  tail -n +"$((first + 1))" "$LO_FAKE_STATE/calls.jsonl" > "$T/second.jsonl"
  mv "$T/second.jsonl" "$LO_FAKE_STATE/calls.jsonl"
  [ -z "$(changes)" ]
}

@test "--dry-run prints the exact plan and changes nothing" {
  run kubectl-lo provision --root "$P" lok8s.dev --dry-run
  [ "$status" -eq 0 ]
  [[ "$output" == *"run: docker network create --driver bridge --subnet 10.125.125.0/24"* ]]
  [ "$(grep -c 'network create .* local$' <<< "$output")" -eq 1 ]
  [[ "$output" == *"run: KIND_EXPERIMENTAL_DOCKER_NETWORK=local kind create cluster --name local --config -"* ]]
  [[ "$output" == *"write: $P/clusters/lok8s.dev/.containerd/certs.d/lok8s.local/hosts.toml"* ]]
  [[ "$output" == *"apply: configmap kube-system/lok8s-registries"* ]]
  [ -z "$(changes)" ]
  [ ! -e "$P/clusters/lok8s.dev/.containerd" ]
  [ ! -e "$P/.kubeconfig" ]
}

@test "destroy deletes the cluster and project registries, keeps the shared mirrors" {
  kubectl-lo provision --root "$P" lok8s.dev >/dev/null 2>&1
  run kubectl-lo destroy --root "$P" lok8s.dev
  [ "$status" -eq 0 ]
  run kubectl-lo status --root "$P" lok8s.dev
  [ "$output" = "NotFound" ]
  run docker ps --format '{{.Names}}'
  [[ "$output" == *"lok8s-registry-io-docker"* ]]
  [[ "$output" != *"local-registry-build"* ]]
  [[ "$output" != *"local-control-plane"* ]]
}

@test "a failure halfway is a clear error that claims only what was done" {
  export LO_FAKE_FAIL=kind:create
  run kubectl-lo provision --root "$P" lok8s.dev
  [ "$status" -eq 1 ]
  [[ "$output" == *"done: start registry build"*"create kind cluster local failed"* ]]
  [[ "$output" == *"injected by LO_FAKE_FAIL"* ]]
  [[ "$output" == *"done by this command before this step:"*"containerd hosts for lok8s.local"* ]]
  [[ "$output" != *"done: create kind cluster"* ]]
  unset LO_FAKE_FAIL
  run kubectl-lo status --root "$P" lok8s.dev
  [ "$output" = "NotFound" ]
  # and a retry finishes the job
  run kubectl-lo provision --root "$P" lok8s.dev
  [ "$status" -eq 0 ]
}

@test "a network of the same name with another subnet is a clear error before the cluster" {
  docker network create --subnet 10.99.0.0/24 local >/dev/null
  run kubectl-lo provision --root "$P" lok8s.dev
  [ "$status" -eq 1 ]
  [[ "$output" == *"spec.network.cidr: docker network 'local' already exists with subnet 10.99.0.0/24"* ]]
  run kind get clusters
  [[ "$output" != *local* ]]
}

@test "no Docker daemon: a clear error, nothing done" {
  LO_FAKE_NO_DAEMON=1 run kubectl-lo provision --root "$P" lok8s.dev
  [ "$status" -eq 1 ]
  [[ "$output" == *"lo-registry: error: cannot talk to the Docker daemon: Cannot connect to the Docker daemon at unix:///var/run/docker.sock"* ]]
  [[ "$output" == *"hint: start Docker (or point DOCKER_HOST / the docker context at a running daemon) and retry"* ]]
  [[ "$output" == *"kubectl lo: error: registries of lok8s.dev failed (lo-registry exit 1)"* ]]
  [[ "$output" != *"done:"* ]]
  # Nothing was made: no CA, certificate, config, certs.d tree, cluster or kubeconfig,
  # and the only docker call was the question whether a daemon answers.
  [ ! -e "$CAROOT" ]
  [ ! -e "$P/.secrets" ]
  [ ! -e "$P/clusters/lok8s.dev/.registry" ]
  [ ! -e "$P/clusters/lok8s.dev/.containerd" ]
  [ ! -e "$P/.kubeconfig" ]
  run python3 -c 'import json,sys
print(" ".join(c["tool"] + ":" + c["argv"][0] for c in map(json.loads, open(sys.argv[1]))))' "$LO_FAKE_STATE/calls.jsonl"
  [ "$output" = "docker:info" ]
}

@test "coredns-custom follows spec.coredns: gateway is the first pool address; removed when empty" {
  printf '  coredns:\n    hosts:\n      - name: app.lok8s.dev\n        target: gateway\n' >> "$P/clusters/lok8s.dev/cluster.lok8s.yaml"
  run kubectl-lo provision --root "$P" lok8s.dev
  [ "$status" -eq 0 ]
  run $K get configmap -n kube-system coredns-custom -o jsonpath='{.data.host-0\.server}'
  [[ "$output" == *"app.lok8s.dev:53 {"* ]]
  [[ "$output" == *"IN A 10.125.125.125"* ]]
  cp "$LO_SRC/clusters/lok8s.dev/cluster.lok8s.yaml" "$P/clusters/lok8s.dev/cluster.lok8s.yaml"
  printf '  bootstrap: []\n' >> "$P/clusters/lok8s.dev/cluster.lok8s.yaml"
  run kubectl-lo provision --root "$P" lok8s.dev
  [ "$status" -eq 0 ]
  run $K get configmap -n kube-system coredns-custom
  [ "$status" -ne 0 ]
  [[ "$output" == *"NotFound"* || "$output" == *"not found"* ]]
}

@test "lo-kind config and certs-d work standalone; status NotFound before provision" {
  run lo-kind status --root "$P" lok8s.dev
  [ "$status" -eq 0 ]
  [ "$output" = "NotFound" ]
  run lo-kind config --root "$P" lok8s.dev
  [ "$status" -eq 0 ]
  printf '%s\n' "$output" > "$T/kind.yaml"
  python3 - "$T/kind.yaml" "$P" <<'EOF'
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
assert c["kind"] == "Cluster" and c["apiVersion"] == "kind.x-k8s.io/v1alpha4" and c["name"] == "local", c
assert [n["role"] for n in c["nodes"]] == ["control-plane"], c["nodes"]
mounts = {m["containerPath"]: m for m in c["nodes"][0]["extraMounts"]}
assert mounts["/etc/containerd/certs.d"]["hostPath"] == sys.argv[2] + "/clusters/lok8s.dev/.containerd/certs.d", mounts
assert mounts["/etc/containerd/certs.d"]["readOnly"] is True
assert c["networking"]["disableDefaultCNI"] is True
assert 'config_path = "/etc/containerd/certs.d"' in c["containerdConfigPatches"][0]
EOF
  # config wrote nothing; certs-d writes the tree (plain mode here: http and skip_verify, no CA).
  [ ! -e "$P/clusters/lok8s.dev/.containerd" ]
  printf '  registries:\n    tls: false\n' >> "$P/clusters/lok8s.dev/cluster.lok8s.yaml"
  run lo-kind certs-d --root "$P" lok8s.dev --out "$T/certs.d"
  [ "$status" -eq 0 ]
  [ "$(cd "$T/certs.d" && find . -name hosts.toml | sort | tr '\n' ' ')" = "./10.125.125.101/hosts.toml ./10.125.125.102/hosts.toml ./10.125.200.2/hosts.toml ./10.125.200.3/hosts.toml ./10.125.200.4/hosts.toml ./10.125.200.5/hosts.toml ./docker.io/hosts.toml ./ghcr.io/hosts.toml ./lok8s.cache/hosts.toml ./lok8s.local/hosts.toml ./quay.io/hosts.toml ./registry.k8s.io/hosts.toml " ]
  [ ! -e "$T/certs.d/.ca" ]
  [ "$(sed -n 2p "$T/certs.d/docker.io/hosts.toml")" = 'server = "http://10.125.200.2"' ]
  grep -qx '  capabilities = \["pull", "resolve"\]' "$T/certs.d/docker.io/hosts.toml"
  grep -qx '  capabilities = \["pull", "resolve", "push"\]' "$T/certs.d/lok8s.local/hosts.toml"
  grep -qx '  skip_verify = true' "$T/certs.d/10.125.125.101/hosts.toml"
  [ -z "$(changes)" ]
}

@test "the kind config's containerd patch takes effect: containerd's own loaders read config_path and max_concurrent_downloads" {
  go_tool containerd-config
  checker="$GO_TOOL"
  go_tool containerd1-config
  checker1="$GO_TOOL"
  # 7: not containerd's default (3), so a patch containerd ignores cannot pass.
  printf '  nodes:\n    maxConcurrentDownloads: 7\n' >> "$P/clusters/lok8s.dev/cluster.lok8s.yaml"
  lo-kind config --root "$P" lok8s.dev > "$T/kind.yaml"
  # The kindest/node:v1.32.2 config patched as the kind CLI patches it, loaded by containerd 2.0.2.
  run "$checker" -kind-config "$T/kind.yaml"
  [ "$status" -eq 0 ]
  printf '%s\n' "$output" > "$T/containerd2.json"
  [ "$(jq -r .config_path "$T/containerd2.json")" = /etc/containerd/certs.d ]
  [ "$(jq -r .max_concurrent_downloads "$T/containerd2.json")" = 7 ]
  # Nothing lo wrote is among the keys containerd ignores (that one is kind's own).
  [ "$(jq -c .ignored "$T/containerd2.json")" = '["io.containerd.cri.v1.runtime: tolerate_missing_hugepages_controller"]' ]
  # The same file read by containerd 1.7.24 (older node images).
  jq -r .merged "$T/containerd2.json" > "$T/config.toml"
  run "$checker1" "$T/config.toml"
  [ "$status" -eq 0 ]
  [ "$(jq -r .config_path <<< "$output")" = /etc/containerd/certs.d ]
  [ "$(jq -r .max_concurrent_downloads <<< "$output")" = 7 ]
}

@test "OIDC: the auth config is rewritten in place (same inode), follows the spec, and has no authenticators once off" {
  spec="$P/clusters/lok8s.dev/cluster.lok8s.yaml"
  cp "$spec" "$T/spec.orig"
  printf '  oidc:\n    issuer: https://id.example.com\n    clientID: kubectl\n' >> "$spec"
  run kubectl-lo provision --root "$P" lok8s.dev
  [ "$status" -eq 0 ]
  f="$P/clusters/lok8s.dev/.oidc/auth-config.yaml"
  ino=$(stat -c %i "$f")
  # the kind config bind-mounts this very file and points the API server at it
  python3 - "$LO_FAKE_STATE/calls.jsonl" "$f" <<'EOF2'
import json, sys, yaml
calls = [json.loads(l) for l in open(sys.argv[1])]
create = [c for c in calls if c["tool"] == "kind" and c["argv"][:2] == ["create", "cluster"]][0]
node = yaml.safe_load(create["stdin_text"])["nodes"][0]
mounts = {m["containerPath"]: m["hostPath"] for m in node["extraMounts"]}
assert mounts["/etc/kubernetes/oidc/auth-config.yaml"] == sys.argv[2], mounts
assert "/var/run/docker.sock" not in mounts, "the Docker socket is opt-in"
assert any("authentication-config" in p for p in node["kubeadmConfigPatches"]), node
EOF2
  # a reader that keeps the file open (as the node's bind mount does) sees every change
  exec 7< "$f"
  python3 - "$f" https://id.example.com kubectl <<'EOF2'
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
assert c["kind"] == "AuthenticationConfiguration" and len(c["jwt"]) == 1, c
assert c["jwt"][0]["issuer"]["url"] == sys.argv[2] and c["jwt"][0]["issuer"]["audiences"] == [sys.argv[3]], c
EOF2
  sed -i 's|issuer: https://id.example.com|issuer: https://login.example.org|' "$spec"
  run kubectl-lo provision --root "$P" lok8s.dev
  [ "$status" -eq 0 ]
  [[ "$output" == *"done: OIDC authentication config ($f, in place)"* ]]
  [ "$(stat -c %i "$f")" = "$ino" ]
  grep -q "url: https://login.example.org" /dev/fd/7
  # OIDC off: the same file, with no authenticators (an API server keeps its last good
  # configuration when a reload fails, so an empty file would keep the old issuer)
  cp "$T/spec.orig" "$spec"
  run kubectl-lo provision --root "$P" lok8s.dev
  [ "$status" -eq 0 ]
  [ "$(stat -c %i "$f")" = "$ino" ]
  python3 -c 'import sys, yaml; c = yaml.safe_load(open(sys.argv[1])); assert c["kind"] == "AuthenticationConfiguration" and c["jwt"] == [], c' /dev/fd/7
  exec 7<&-
  # and nothing to do the next time
  run kubectl-lo provision --root "$P" lok8s.dev
  [[ "$output" != *"done:"* ]]
}

@test "OIDC turned on for a cluster made without it: a warning to recreate it" {
  kubectl-lo provision --root "$P" lok8s.dev > /dev/null 2>&1
  [ ! -e "$P/clusters/lok8s.dev/.oidc" ]
  printf '  oidc:\n    issuer: https://id.example.com\n    clientID: kubectl\n' >> "$P/clusters/lok8s.dev/cluster.lok8s.yaml"
  run kubectl-lo provision --root "$P" lok8s.dev
  [ "$status" -eq 0 ]
  [[ "$output" == *"lo-kind: warning: kind cluster local was created without OIDC, so its API server does not read clusters/lok8s.dev/.oidc/auth-config.yaml"* ]]
  [[ "$output" == *"kubectl lo destroy lok8s.dev"* ]]
}

@test "the host's Docker socket reaches the first node only with spec.nodes.dockerSocket: true" {
  run lo-kind config --root "$P" lok8s.dev
  [[ "$output" != *"docker.sock"* ]]
  printf '  nodes:\n    dockerSocket: true\n' >> "$P/clusters/lok8s.dev/cluster.lok8s.yaml"
  lo-kind config --root "$P" lok8s.dev > "$T/kind.yaml"
  python3 - "$T/kind.yaml" <<'EOF2'
import sys, yaml
nodes = yaml.safe_load(open(sys.argv[1]))["nodes"]
assert {"hostPath": "/var/run/docker.sock", "containerPath": "/var/run/docker.sock"} in nodes[0]["extraMounts"], nodes[0]
EOF2
  run kubectl-lo spec --root "$P" lok8s.dev -o json
  [ "$(jq -r .spec.nodes.dockerSocket <<< "$output")" = true ]
}
