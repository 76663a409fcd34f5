#!/usr/bin/env bats
# The Capi driver end to end against the test API server as the management
# cluster: its controller plays Cluster API (a Cluster becomes Provisioned and
# gets its <name>-kubeconfig Secret, pointing back at the same server, which
# then plays the workload cluster). Checked with real kubectl.

bats_require_minimum_version 1.5.0

setup() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  : "${LO_FIXTURES:?LO_FIXTURES must point at tests/fixtures}"
  : "${LO_SRC:?LO_SRC must point at the source tree}"
  LO="$LO_BIN/kubectl-lo"
  APISERVER="$LO_BIN/../tests/lo-test-apiserver"
  [ -x "$APISERVER" ] || { echo "$APISERVER is not built (LO_TESTS=ON builds it)" >&2; return 1; }
  T="$(mktemp -d)"
  S="$T/srv"
  P="$T/project"
  mkdir -p "$S"
  cp -r "$LO_FIXTURES/capi/project" "$P"
  unset DOMAIN_NAME PATH_CLUSTERS HROBOT_USER HROBOT_PASSWORD
  export NO_COLOR=1 KUBECONFIG="$T/no-such-kubeconfig" HOME="$T/home"
  export HCLOUD_TOKEN="hc-secret-token-0123456789"
  "$APISERVER" --dir "$S" --crd-delay-ms 100 --workload-delay-ms 300 >"$T/server.log" 2>&1 3>&- &
  SERVER_PID=$!
  for _ in $(seq 200); do [ -s "$S/url" ] && break; sleep 0.05; done
  [ -s "$S/url" ] || { cat "$T/server.log"; return 1; }
  URL="$(cat "$S/url")"
  # The management cluster mgmt.example.com (kind Lo, metadata.name mgmt).
  mkdir -p "$P/.kubeconfig"
  cp "$S/kubeconfig-cert.yaml" "$P/.kubeconfig/mgmt.yaml"
  k apply -f "$LO_FIXTURES/capi/capi-crds.yaml" >/dev/null
  k wait --for condition=Established crd --all --timeout 20s >/dev/null
}

teardown() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$T"
}

k() { kubectl --kubeconfig "$S/kubeconfig-cert.yaml" "$@"; }

control() {
  curl -sS --fail --cacert "$S/ca.crt" -H "Authorization: Bearer $(cat "$S/token")" \
    -X "$1" ${3:+-H 'Content-Type: application/json' --data "$3"} "$URL$2"
}

@test "provision, status, kubeconfig, bootstrap on the workload cluster, destroy of a hetzner cluster, end to end" {
  # A bootstrap entry of the domain: a ConfigMap, applied on the workload cluster.
  mkdir -p "$P/clusters/prod.example.com/hello"
  printf 'resources:\n- cm.yaml\n' > "$P/clusters/prod.example.com/hello/kustomization.yaml"
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hello-from-bootstrap\n  namespace: default\ndata:\n  a: b\n' \
    > "$P/clusters/prod.example.com/hello/cm.yaml"
  printf '  bootstrap:\n    - ./hello\n' >> "$P/clusters/prod.example.com/cluster.lok8s.yaml"
  run "$LO" status --root "$P" prod.example.com
  [ "$status" -eq 0 ]
  [ "$output" = NotFound ]

  run --separate-stderr "$LO" provision --root "$P" prod.example.com
  echo "$stderr"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *'Cluster clusters/prod: Provisioned'* ]]
  # The credential Secret is on the management cluster; its value never printed.
  [[ "$stderr$output" != *"$HCLOUD_TOKEN"* ]]
  [ "$(k get secret prod-credentials -n clusters -o jsonpath='{.data.hcloud-token}' | base64 -d)" = "$HCLOUD_TOKEN" ]
  # Every rendered object was applied, with lo's labels.
  [ "$(k get machinedeployments -n clusters -l lok8s.dev/domain=prod.example.com -o name | sort | tr '\n' ' ')" = \
    "machinedeployment.cluster.x-k8s.io/prod-general machinedeployment.cluster.x-k8s.io/prod-gpu-large " ]
  [ "$(k get hetznercluster prod -n clusters -o jsonpath='{.spec.hcloudPlacementGroups[1].name}')" = workers ]
  # The workload kubeconfig, from the prod-kubeconfig Secret, 0600.
  [ "$(stat -c %a "$P/.kubeconfig/prod.yaml")" = 600 ]
  kubectl --kubeconfig "$P/.kubeconfig/prod.yaml" get --raw /readyz
  kubectl --kubeconfig "$P/.kubeconfig/prod.yaml" get configmap hello-from-bootstrap -n default
  # Bootstrap is the framework's step after the driver (kubectl-lo's provision flow).
  [[ "$stderr" == *'provisioning prod.example.com (Capi) with driver Capi (built in)'* ]]

  run "$LO" status --root "$P" prod.example.com
  [ "$output" = Provisioned ]
  run "$LO" kubeconfig --root "$P" prod.example.com
  [ "$output" = "$P/.kubeconfig/prod.yaml" ]

  run --separate-stderr "$LO" destroy --root "$P" prod.example.com
  echo "$stderr"
  [ "$status" -eq 0 ]
  run k get cluster prod -n clusters
  [ "$status" -ne 0 ]
  [ ! -e "$P/.kubeconfig/prod.yaml" ]
  run "$LO" status --root "$P" prod.example.com
  [ "$output" = NotFound ]
}

@test "a Cluster stuck in Provisioning times out with a clear error" {
  # The test controller reads lo.test/behavior; a project copy of the
  # hetzner provider (it shadows the shipped one) adds it to the Cluster.
  mkdir -p "$P/.lok8s/drivers/capi/providers"
  cp -r "$LO_SRC/kubectl-lo/drivers/capi/providers/hetzner" "$P/.lok8s/drivers/capi/providers/hetzner"
  printf 'metadata:\n  annotations:\n    lo.test/behavior: stuck\n' > "$P/.lok8s/drivers/capi/providers/hetzner/patches/stuck.yaml"
  printf '  - {kind: Cluster, file: patches/stuck.yaml}\n' >> "$P/.lok8s/drivers/capi/providers/hetzner/provider.yaml"
  run --separate-stderr "$LO" provision --root "$P" --timeout 3s prod.example.com
  echo "$stderr"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *'Cluster clusters/prod: Provisioning'* ]]
  [[ "$stderr" == *'timed out after 3s waiting for Cluster clusters/prod to be Provisioned (last phase: Provisioning)'* ]]
  [ ! -e "$P/.kubeconfig/prod.yaml" ]
  run "$LO" status --root "$P" prod.example.com
  [ "$output" = Provisioning ]
}

@test "an apply the management cluster refuses at first (webhooks not up) is retried" {
  control POST /lo-test/faults \
    '{"method":"PATCH","pathRegex":"/kubeadmcontrolplanes/","status":500,"times":4}' >/dev/null
  run --separate-stderr "$LO" provision --root "$P" prod.example.com
  echo "$stderr"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *'the management cluster refused KubeadmControlPlane prod-control-plane'*'retrying in 1s (attempt 2 of 10)'* ]]
  [ "$(control GET /lo-test/faults | jq length)" -eq 0 ]
  k get kubeadmcontrolplane prod-control-plane -n clusters
}

@test "missing credentials fail before any request reaches the management cluster" {
  unset HCLOUD_TOKEN
  control POST /lo-test/stats/reset >/dev/null
  run "$LO" provision --root "$P" prod.example.com
  [ "$status" -eq 1 ]
  [[ "$output" == *'credentials of Cluster API provider hetzner are incomplete: HCLOUD_TOKEN not set'* ]]
  [ "$(control GET /lo-test/stats | jq .requests)" -eq 0 ]
  # hrobot needs the Robot credentials too, named all at once.
  export HCLOUD_TOKEN=x
  run "$LO" provision --root "$P" robot.example.com
  [[ "$output" == *'HROBOT_USER, HROBOT_PASSWORD, HROBOT_SSH_PUBLIC_KEY, HROBOT_SSH_PRIVATE_KEY not set'* ]]
}

@test "--dry-run prints the exact plan and sends nothing" {
  control POST /lo-test/stats/reset >/dev/null
  run --separate-stderr "$LO" provision --root "$P" --dry-run prod.example.com
  echo "$stderr"
  [ "$status" -eq 0 ]
  [ "$(control GET /lo-test/stats | jq .requests)" -eq 0 ]
  [[ "$output" != *"$HCLOUD_TOKEN"* ]]
  diff -u - <(printf '%s\n' "$output") <<'PLAN'
apply: Namespace clusters on the management cluster (.kubeconfig/mgmt.yaml)
apply: Secret clusters/prod-credentials (keys hcloud-token; values not shown)
apply: Cluster clusters/prod
apply: HetznerCluster clusters/prod
apply: KubeadmControlPlane clusters/prod-control-plane
apply: HCloudMachineTemplate clusters/prod-control-plane
apply: MachineDeployment clusters/prod-general
apply: KubeadmConfigTemplate clusters/prod-general
apply: HCloudMachineTemplate clusters/prod-general
apply: MachineDeployment clusters/prod-gpu-large
apply: KubeadmConfigTemplate clusters/prod-gpu-large
apply: HCloudMachineTemplate clusters/prod-gpu-large
wait: Cluster clusters/prod phase Provisioned (timeout 15m)
write: .kubeconfig/prod.yaml (0600) from Secret clusters/prod-kubeconfig
wait: workload API /readyz (.kubeconfig/prod.yaml)
# bootstrap of prod.example.com (Capi): nothing to apply (spec.bootstrap is empty)
PLAN
}

@test "SaaS mode: without spec.managementCluster the management cluster comes from --kubeconfig / --context" {
  control POST /lo-test/stats/reset >/dev/null
  for verb in provision status destroy; do
    run "$LO" "$verb" --root "$P" saas.example.com
    [ "$status" -eq 2 ]
    [[ "$output" == *'Capi domain saas.example.com has no spec.managementCluster (SaaS mode): name its management cluster with --kubeconfig FILE and/or --context NAME'* ]]
  done
  [ "$(control GET /lo-test/stats | jq .requests)" -eq 0 ]
  # Rendering needs no management cluster.
  run "$LO" capi render --root "$P" saas.example.com
  [ "$status" -eq 0 ]
  [[ "$output" == *'name: saas-general'* ]]
  run --separate-stderr "$LO" provision --root "$P" --dry-run --kubeconfig "$S/kubeconfig-cert.yaml" saas.example.com
  [[ "${lines[0]}" == "apply: Namespace tenants on the management cluster (--kubeconfig $S/kubeconfig-cert.yaml)" ]]

  run --separate-stderr "$LO" provision --root "$P" --kubeconfig "$S/kubeconfig-cert.yaml" saas.example.com
  echo "$stderr"
  [ "$status" -eq 0 ]
  [ "$(k get cluster saas -n tenants -o jsonpath='{.status.phase}')" = Provisioned ]
  [ "$(stat -c %a "$P/.kubeconfig/saas.yaml")" = 600 ]
  # --context alone: that context of $KUBECONFIG.
  run env KUBECONFIG="$S/kubeconfig-cert.yaml" "$LO" status --root "$P" --context lo-test saas.example.com
  [ "$output" = Provisioned ]
  run env KUBECONFIG="$S/kubeconfig-cert.yaml" "$LO" status --root "$P" --context no-such saas.example.com
  [ "$status" -eq 1 ]
  [[ "$output" == *'no-such'* ]]

  run --separate-stderr "$LO" destroy --root "$P" --kubeconfig "$S/kubeconfig-cert.yaml" --context lo-test saas.example.com
  echo "$stderr"
  [ "$status" -eq 0 ]
  run k get cluster saas -n tenants
  [ "$status" -ne 0 ]
  run "$LO" status --root "$P" --kubeconfig "$S/kubeconfig-cert.yaml" saas.example.com
  [ "$output" = NotFound ]

  # Where there is nothing for them to name, the flags are refused, not ignored.
  run "$LO" status --root "$P" --kubeconfig "$S/kubeconfig-cert.yaml" prod.example.com
  [ "$status" -eq 2 ]
  [[ "$output" == *'--kubeconfig names the management cluster of a Capi domain in SaaS mode, but prod.example.com has spec.managementCluster.domain mgmt.example.com'* ]]
  run "$LO" provision --root "$P" --dry-run --context lo-test mgmt.example.com
  [ "$status" -eq 2 ]
  [[ "$output" == *'--context is only for a Capi domain without spec.managementCluster (SaaS mode); mgmt.example.com is of kind Lo'* ]]
}
