#!/usr/bin/env bats
# spec.coredns really reaches CoreDNS. kubectl lo provision (Lo driver, with
# the docker and kind fakes) against a test API server that holds kind's
# CoreDNS as kubeadm creates it (tests/fixtures/coredns/kubeadm-coredns.yaml):
# the Corefile imports the custom files, the Deployment mounts
# coredns-custom, coredns-external sits at the last pool address, re-runs
# change nothing, and the real CoreDNS (v1.12.0, built by .ci/tools) loads
# what lo leaves in the cluster and answers the names of spec.coredns.hosts.
#
# The real-CoreDNS tests run it in private network and mount namespaces
# (lib/coredns_sandbox.sh): root is needed, and no query leaves the machine.

load lib/tools

setup() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  : "${LO_SRC:?LO_SRC must point at the source tree}"
  T="$(mktemp -d)"
  P="$T/project"
  mkdir -p "$P/clusters"
  cp -r "$LO_SRC/clusters/lok8s.dev" "$P/clusters/"
  printf '  bootstrap: []\n' >> "$P/clusters/lok8s.dev/cluster.lok8s.yaml"  # bootstrap.bats tests bootstrap
  cp "$P/clusters/lok8s.dev/cluster.lok8s.yaml" "$T/spec.orig"  # the spec without spec.coredns
  # A fresh API server per test: a new kind cluster's state.
  "$LO_BIN/../tests/lo-test-apiserver" --dir "$T/api" > "$T/api.log" 2>&1 &
  API_PID=$!
  for _ in $(seq 300); do [ -f "$T/api/url" ] && break; sleep 0.1; done
  [ -f "$T/api/url" ]
  export LO_FAKE_STATE="$T/world" CAROOT="$T/caroot" NO_COLOR=1
  export LO_FAKE_KUBECONFIG="$T/api/kubeconfig-cert.yaml"
  export PATH="$LO_SRC/tests/fakes/bin:$LO_BIN:$PATH"
  unset DOMAIN_NAME PATH_CLUSTERS LO_FAKE_FAIL LO_STEP_LOG
  K="kubectl --kubeconfig $T/api/kubeconfig-cert.yaml"
  $K create --field-manager=kubeadm -f "$LO_SRC/tests/fixtures/coredns/kubeadm-coredns.yaml" > /dev/null
  SPEC="$P/clusters/lok8s.dev/cluster.lok8s.yaml"
}

teardown() {
  kill "$API_PID" 2>/dev/null || true
  wait "$API_PID" 2>/dev/null || true
  rm -rf "$T"
}

with_hosts() {
  printf '  coredns:\n    hosts:\n      - name: app.lok8s.dev\n        target: gateway\n      - name: db.example.test\n        target: 10.1.2.3\n' >> "$SPEC"
}

# The resourceVersion of every object lo touches (absent ones as "-").
versions() {
  local o
  for o in "configmap coredns" "configmap coredns-custom" "deployment coredns" "service coredns-external" \
           "configmap lok8s-registries"; do
    printf '%s=%s\n' "$o" "$($K get -n kube-system $o -o jsonpath='{.metadata.resourceVersion}' 2>/dev/null || echo -)"
  done
}

# The Corefile and the custom files as CoreDNS's pod sees them: CONF/Corefile
# and CONF/custom/<key> for each key of coredns-custom.
export_conf() {
  mkdir -p "$1/custom"
  $K get configmap -n kube-system coredns -o jsonpath='{.data.Corefile}' > "$1/Corefile"
  if $K get configmap -n kube-system coredns-custom > /dev/null 2>&1; then
    $K get configmap -n kube-system coredns-custom -o json | python3 -c '
import json, os, sys
for k, v in json.load(sys.stdin)["data"].items():
    open(os.path.join(sys.argv[1], k), "w").write(v)' "$1/custom"
  fi
}

sandbox() {
  [ "$(id -u)" = 0 ] || { echo "the real-CoreDNS tests need root (private network and mount namespaces)" >&2; return 1; }
  require_tool coredns
  local conf=$1
  shift
  mkdir -p "$T/sandbox"
  unshare --net --mount --fork -- "$LO_SRC/tests/e2e/lib/coredns_sandbox.sh" "$GO_TOOL" "$LO_BIN/../tests/lo-test-apiserver" \
    "$LO_SRC/tests/fixtures/coredns/kubeadm-coredns.yaml" "$conf" "$T/sandbox" "$@"
}

@test "provision wires kind's CoreDNS: Corefile imports, the Deployment's mount, coredns-external at the last pool address" {
  with_hosts
  run kubectl-lo provision --root "$P" lok8s.dev
  [ "$status" -eq 0 ]
  # kubeadm's Corefile, kept as it was, plus the two imports: one inside .:53, one at the top level.
  $K get configmap -n kube-system coredns -o jsonpath='{.data.Corefile}' > "$T/Corefile"
  python3 - "$LO_SRC/tests/fixtures/coredns/kubeadm-coredns.yaml" "$T/Corefile" <<'EOF'
import sys, yaml
kubeadm = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "ConfigMap"][0]["data"]["Corefile"]
got = open(sys.argv[2]).read()
body, close = kubeadm.rstrip("\n").rsplit("\n", 1)
assert close == "}", close
want = body + "\n    import custom/*.override\n}\nimport custom/*.server\n"
assert got == want, "\n--- got\n" + got + "\n--- want\n" + want
EOF
  # The Deployment: coredns-custom mounted (optional) at /etc/coredns/custom, once.
  $K get deployment -n kube-system coredns -o json > "$T/deploy.json"
  [ "$(jq -c '[.spec.template.spec.volumes[] | select(.name == "custom-config-volume")]' "$T/deploy.json")" = \
    '[{"configMap":{"name":"coredns-custom","optional":true},"name":"custom-config-volume"}]' ]
  [ "$(jq -c '[.spec.template.spec.containers[] | select(.name == "coredns") | .volumeMounts[] | select(.mountPath == "/etc/coredns/custom")]' "$T/deploy.json")" = \
    '[{"mountPath":"/etc/coredns/custom","name":"custom-config-volume","readOnly":true}]' ]
  # kubeadm's own volume and mount stay.
  [ "$(jq -r '.spec.template.spec.volumes[0].name, .spec.template.spec.containers[0].volumeMounts[0].mountPath' "$T/deploy.json" | tr '\n' ' ')" = "config-volume /etc/coredns " ]
  [ -n "$(jq -r '.spec.template.metadata.annotations["lok8s.dev/coredns-config"]' "$T/deploy.json")" ]
  # The custom files: gateway is the first pool address, a fixed IP stays.
  run $K get configmap -n kube-system coredns-custom -o jsonpath='{.data.host-0\.server}'
  [[ "$output" == "app.lok8s.dev:53 {"* ]]
  [[ "$output" == *'answer "{{ .Name }} 30 IN A 10.125.125.125"'* ]]
  run $K get configmap -n kube-system coredns-custom -o jsonpath='{.data.host-1\.server}'
  [[ "$output" == *'answer "{{ .Name }} 30 IN A 10.1.2.3"'* ]]
  # coredns-external: LoadBalancer for kube-dns pods, UDP and TCP 53, at the last pool address.
  $K get service -n kube-system coredns-external -o json > "$T/svc.json"
  [ "$(jq -r .spec.type "$T/svc.json")" = LoadBalancer ]
  [ "$(jq -c .spec.selector "$T/svc.json")" = '{"k8s-app":"kube-dns"}' ]
  [ "$(jq -c '[.spec.ports[] | [.name, .port, .protocol]]' "$T/svc.json")" = '[["dns-udp",53,"UDP"],["dns-tcp",53,"TCP"]]' ]
  [ "$(jq -r '.metadata.annotations["metallb.io/loadBalancerIPs"]' "$T/svc.json")" = 10.125.125.150 ]
}

@test "a second provision changes nothing (resourceVersions); a changed host restarts CoreDNS, never a second volume" {
  with_hosts
  kubectl-lo provision --root "$P" lok8s.dev > /dev/null 2>&1
  # the test API server's controller finishes the rollout before the snapshot
  $K rollout status -n kube-system deployment/coredns --timeout=30s > /dev/null
  versions > "$T/before"
  run kubectl-lo provision --root "$P" lok8s.dev
  [ "$status" -eq 0 ]
  [[ "$output" != *"done:"* ]]
  versions > "$T/after"
  diff "$T/before" "$T/after"
  # a new target: coredns-custom and the pod template change; the Corefile does not
  sed -i 's/target: 10.1.2.3/target: 10.1.2.4/' "$SPEC"
  generation=$($K get deployment -n kube-system coredns -o jsonpath='{.metadata.generation}')
  run kubectl-lo provision --root "$P" lok8s.dev
  [ "$status" -eq 0 ]
  [[ "$output" == *"done: apply configmap kube-system/coredns-custom"* ]]
  [[ "$output" == *"done: apply deployment kube-system/coredns (restarts CoreDNS: its configuration changed)"* ]]
  [[ "$output" != *"configmap kube-system/coredns (Corefile"* ]]
  [ "$($K get deployment -n kube-system coredns -o jsonpath='{.metadata.generation}')" -eq $((generation + 1)) ]
  [ "$($K get configmap -n kube-system coredns -o jsonpath='{.metadata.resourceVersion}')" = "$(sed -n 's/^configmap coredns=//p' "$T/before")" ]
  [ "$($K get deployment -n kube-system coredns -o json | jq '[.spec.template.spec.volumes[] | select(.name == "custom-config-volume")] | length')" -eq 1 ]
  run $K get configmap -n kube-system coredns-custom -o jsonpath='{.data.host-1\.server}'
  [[ "$output" == *"IN A 10.1.2.4"* ]]
}

@test "removing spec.coredns removes coredns-custom and restarts CoreDNS once; the Corefile stays valid" {
  with_hosts
  kubectl-lo provision --root "$P" lok8s.dev > /dev/null 2>&1
  cp "$T/spec.orig" "$SPEC"
  run kubectl-lo provision --root "$P" lok8s.dev
  [ "$status" -eq 0 ]
  [[ "$output" == *"done: remove configmap kube-system/coredns-custom (spec.coredns is empty)"* ]]
  [[ "$output" == *"done: apply deployment kube-system/coredns (restarts CoreDNS: its configuration changed)"* ]]
  run $K get configmap -n kube-system coredns-custom
  [ "$status" -ne 0 ]
  [[ "$output" == *"not found"* ]]
  run kubectl-lo provision --root "$P" lok8s.dev
  [[ "$output" != *"done:"* ]]
  # The real CoreDNS starts on that Corefile with no custom file (the volume is optional)
  # and still answers the cluster's names; app.lok8s.dev is no longer the pool's.
  export_conf "$T/conf"
  [ -z "$(ls "$T/conf/custom")" ]
  run sandbox "$T/conf" kube-dns.kube-system.svc.cluster.local app.lok8s.dev
  [ "$status" -eq 0 ]
  [[ "$output" == *"kube-dns.kube-system.svc.cluster.local 10.96.0.10"* ]]
  [[ "$output" != *"10.125.125.125"* ]]
}

@test "the real CoreDNS loads lo's Corefile and custom files and answers spec.coredns.hosts" {
  with_hosts
  run kubectl-lo provision --root "$P" lok8s.dev
  [ "$status" -eq 0 ]
  export_conf "$T/conf"
  [ "$(ls "$T/conf/custom" | tr '\n' ' ')" = "host-0.server host-1.server " ]
  run sandbox "$T/conf" app.lok8s.dev db.example.test kube-dns.kube-system.svc.cluster.local
  [ "$status" -eq 0 ]
  [[ "$output" == *"app.lok8s.dev 10.125.125.125"* ]]
  [[ "$output" == *"db.example.test 10.1.2.3"* ]]
  # the kubernetes plugin of kind's Corefile, through the in-cluster config, against the test API server
  [[ "$output" == *"kube-dns.kube-system.svc.cluster.local 10.96.0.10"* ]]
}

@test "spec.coredns.servers, .overrides and the import folder reach CoreDNS" {
  mkdir -p "$P/clusters/lok8s.dev/coredns"
  printf 'files.example.test:53 {\n    template IN A {\n        answer "{{ .Name }} 30 IN A 10.9.9.9"\n    }\n}\n' > "$P/clusters/lok8s.dev/coredns/files.server"
  cat >> "$SPEC" <<'EOF'
  coredns:
    servers: |
      inline.example.test:53 {
          template IN A {
              answer "{{ .Name }} 30 IN A 10.8.8.8"
          }
      }
    overrides: |
      hosts {
          10.7.7.7 override.example.test
          fallthrough
      }
EOF
  run kubectl-lo provision --root "$P" lok8s.dev
  [ "$status" -eq 0 ]
  export_conf "$T/conf"
  [ "$(ls "$T/conf/custom" | tr '\n' ' ')" = "files.server inline.override inline.server " ]
  run sandbox "$T/conf" files.example.test inline.example.test override.example.test
  [ "$status" -eq 0 ]
  [[ "$output" == *"files.example.test 10.9.9.9"* ]]
  [[ "$output" == *"inline.example.test 10.8.8.8"* ]]
  [[ "$output" == *"override.example.test 10.7.7.7"* ]]
}

@test "a cluster whose Corefile has no .:53 block: a clear error naming the ConfigMap" {
  $K patch configmap -n kube-system coredns --type merge -p '{"data":{"Corefile":"example.test:53 {\n    errors\n}\n"}}' > /dev/null
  run kubectl-lo provision --root "$P" lok8s.dev
  [ "$status" -eq 1 ]
  [[ "$output" == *"the Corefile of configmap kube-system/coredns has no \`.:53\` server block"* ]]
  [[ "$output" == *"hint:"*"kubectl -n kube-system edit configmap coredns"* ]]
}
