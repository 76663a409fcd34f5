#!/usr/bin/env bats
# The Lo driver end to end: kubectl lo provision / destroy / status with the
# behavioural docker and kind fakes first on PATH (this machine has neither),
# and the test API server standing in for the kind cluster's API server (the
# fake kind hands out its kubeconfig), so the ConfigMaps lo applies are real.

setup_file() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  export APISERVER_DIR="$(mktemp -d)"
  "$LO_BIN/../tests/lo-test-apiserver" --dir "$APISERVER_DIR" > "$APISERVER_DIR/server.log" 2>&1 &
  echo $! > "$APISERVER_DIR/pid"
  for _ in $(seq 300); do [ -f "$APISERVER_DIR/url" ] && break; sleep 0.1; done
  [ -f "$APISERVER_DIR/url" ]
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

# The calls that changed the fake world, as "tool subcommand..." lines.
changes() {
  python3 - "$LO_FAKE_STATE/calls.jsonl" <<'EOF'
import json, sys
readonly = {("docker", "inspect"), ("docker", "ps"), ("docker", "info"), ("docker", "version"), ("kind", "get"),
            ("docker", "network", "inspect"), ("docker", "network", "ls"), ("docker", "volume", "ls"),
            ("docker", "volume", "inspect"), ("docker", "images"), ("kind", "version")}
for line in open(sys.argv[1]):
    c = json.loads(line)
    words = [c["tool"]] + [a for a in c["argv"] if not a.startswith("-")][:2]
    if tuple(words[:2]) in readonly or tuple(words[:3]) in readonly:
        continue
    print(" ".join([c["tool"]] + c["argv"]))
EOF
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
  [ -n "$net" ] && [ -n "$shared" ] && [ -n "$build" ] && [ -n "$mirror" ] && [ -n "$create" ] && [ -n "$connect" ]
  [ "$net" -lt "$build" ] && [ "$shared" -lt "$mirror" ] && [ "$mirror" -lt "$create" ] && [ "$create" -lt "$connect" ]
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
  [[ "$output" == *"Docker"* ]]
  [ ! -e "$P/.kubeconfig/local.yaml" ]
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
  [ "$output" = "NotFound" ]
  run lo-kind config --root "$P" lok8s.dev
  [ "$status" -eq 0 ]
  [[ "$output" == *"apiVersion: kind.x-k8s.io/v1alpha4"* ]]
}
