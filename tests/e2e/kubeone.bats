#!/usr/bin/env bats
# The KubeOne driver: kubeone.yaml from a spec and an inventory JSON against a
# golden file, strictly decoded into KubeOne's own v1beta2 types
# (tests/tools/kubeone-check), and the commands lo runs, proven by the
# recording fakes tests/fakes/bin/kubeone (argv, working directory, env) and
# tests/fakes/bin/lo-provider-test (an infrastructure provider executable).
# k1's machines were made elsewhere: the project's stand-in for the built-in
# hetzner (.lok8s/providers/hetzner/) hands on the inventory that is there.

load lib/tools
bats_require_minimum_version 1.5.0

setup() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  : "${LO_FIXTURES:?LO_FIXTURES must point at tests/fixtures}"
  : "${LO_SRC:?LO_SRC must point at the source tree}"
  LO="$LO_BIN/kubectl-lo"
  T="$(mktemp -d)"
  P="$T/project"
  cp -r "$LO_FIXTURES/kubeone/project" "$P"
  export NO_COLOR=1 HOME="$T/home"
  export KUBEONE_FAKE_LOG="$T/kubeone.log" KUBEONE_FAKE_STATE="$T/kubeone-state"
  export PATH="$LO_SRC/tests/fakes/bin:$PATH"
  export HCLOUD_TOKEN="hc-token-for-kubeone"
  # One record for both fakes, so the order of their calls shows.
  export LO_PROVIDER_FAKE_LOG="$KUBEONE_FAKE_LOG" LO_PROVIDER_FAKE_CLOUD="$T/cloud" TEST_CLOUD_TOKEN=test-token
  unset DOMAIN_NAME KUBEONE_FAKE_FAIL LO_PROVIDER_FAKE_FAIL AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
  W="$P/clusters/k1.example.com/.kubeone"
  mkdir -p "$W"
  T1="$P/clusters/t1.example.com"
}

teardown() { rm -rf "$T"; }

@test "kubeone render matches the golden kubeone.yaml" {
  run --separate-stderr "$LO" kubeone render --root "$P" k1.example.com
  [ "$status" -eq 0 ] || { echo "$stderr"; false; }
  diff -u "$LO_FIXTURES/kubeone/golden/k1.example.com.kubeone.yaml" <(printf '%s\n' "$output")
}

@test "the manifest decodes strictly into KubeOne's v1beta2 KubeOneCluster" {
  go_tool kubeone-check
  "$LO" kubeone render --root "$P" k1.example.com > "$T/kubeone.yaml"
  run "$GO_TOOL" "$T/kubeone.yaml"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *'ok KubeOneCluster/k1: 3 control-plane hosts, 1 static workers, 2 dynamic worker pools'* ]]
  sed 's/^  podSubnet:/  podSubnets:/' "$T/kubeone.yaml" > "$T/bad.yaml"
  run "$GO_TOOL" "$T/bad.yaml"
  [ "$status" -eq 1 ]
  [[ "$output" == *'unknown field "podSubnets"'* ]]
}

@test "provision runs kubeone apply in .kubeone/ with the credentials, copies the kubeconfig 0600; status and destroy" {
  run "$LO" status --root "$P" k1.example.com
  [ "$output" = NotFound ]
  run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap k1.example.com
  echo "$output$stderr"
  [ "$status" -eq 0 ]
  [[ "$output" == *'INFO[0001] Cluster provisioned'* ]]   # kubeone's output streams through
  grep -qx 'argv: apply --manifest kubeone.yaml --auto-approve' "$KUBEONE_FAKE_LOG"
  grep -qx "cwd: $W" "$KUBEONE_FAKE_LOG"
  grep -qx 'env HCLOUD_TOKEN: set' "$KUBEONE_FAKE_LOG"
  diff -u "$LO_FIXTURES/kubeone/golden/k1.example.com.kubeone.yaml" "$W/kubeone.yaml"
  [ "$(stat -c %a "$P/.kubeconfig/k1.yaml")" = 600 ]
  grep -q 'fake kubeconfig of k1' "$P/.kubeconfig/k1.yaml"

  run "$LO" status --root "$P" k1.example.com
  [ "$output" = Ready ]
  grep -qx 'argv: status --manifest kubeone.yaml' "$KUBEONE_FAKE_LOG"

  run "$LO" destroy --root "$P" k1.example.com
  [ "$status" -eq 0 ]
  grep -qx 'argv: reset --manifest kubeone.yaml --auto-approve' "$KUBEONE_FAKE_LOG"
  [ ! -e "$P/.kubeconfig/k1.yaml" ]
  run "$LO" status --root "$P" k1.example.com
  [ "$output" = NotReady ]
}

@test "an inventory from Terraform is passed as --tfjson" {
  echo '{}' > "$W/output.json"
  run "$LO" provision --root "$P" --skip-bootstrap k1.example.com
  [ "$status" -eq 0 ]
  grep -qx 'argv: apply --manifest kubeone.yaml --auto-approve --tfjson output.json' "$KUBEONE_FAKE_LOG"
}

@test "a failing kubeone apply surfaces its output and exit code; no kubeconfig is written" {
  export KUBEONE_FAKE_FAIL=3
  run "$LO" provision --root "$P" --skip-bootstrap k1.example.com
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *'ssh: handshake failed'* ]]
  [[ "$output" == *'kubeone apply failed (kubeone apply --manifest kubeone.yaml --auto-approve, exit 3)'* ]]
  [ ! -e "$P/.kubeconfig/k1.yaml" ]
}

@test "--dry-run prints the plan and runs nothing; a missing inventory or provider is named" {
  run "$LO" provision --root "$P" --dry-run --skip-bootstrap k1.example.com
  [ "$status" -eq 0 ]
  [[ "$output" == *'run: kubeone apply --manifest kubeone.yaml --auto-approve'* ]]
  [ ! -e "$KUBEONE_FAKE_LOG" ]
  rm "$P/clusters/k1.example.com/.provider/inventory.json"
  run "$LO" kubeone render --root "$P" k1.example.com
  [ "$status" -eq 1 ]
  [[ "$output" == *'clusters/k1.example.com/.provider/inventory.json (or Terraform'* ]]
  # A provider lo has neither built in nor as an executable.
  sed -i 's/name: hetzner/name: nosuch/' "$P/clusters/k1.example.com/cluster.lok8s.yaml"
  run "$LO" provision --root "$P" --skip-bootstrap k1.example.com
  [ "$status" -eq 1 ]
  [[ "$output" == *"no infrastructure provider 'nosuch'"*'no executable lo-provider-nosuch is on PATH or at .lok8s/providers/nosuch/lo-provider-nosuch'* ]]
}

@test "a provider: provision makes the machines and writes the inventory, kubeone.yaml is rendered from it; a re-run makes nothing twice" {
  run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap t1.example.com
  echo "$output$stderr"
  [ "$status" -eq 0 ]
  # validate, provision, output, then kubeone, each from the project root
  # with the provider's state folder and its config.
  [ "$(sed -n 's/^argv: //p' "$KUBEONE_FAKE_LOG")" = "validate t1.example.com $T1/cluster.lok8s.yaml
provision t1.example.com $T1/cluster.lok8s.yaml
output t1.example.com $T1/cluster.lok8s.yaml
apply --manifest kubeone.yaml --auto-approve" ]
  grep -qx "cwd: $P" "$KUBEONE_FAKE_LOG"
  grep -qx "provider dir: $T1/.provider" "$KUBEONE_FAKE_LOG"
  grep -qx 'config: {"workers":2}' "$KUBEONE_FAKE_LOG"
  [[ "$output" == *'created server t1-worker-2'* ]]
  [ "$(jq -r '[.nodes[].name] | join(" ")' "$T1/.provider/inventory.json")" = "t1-cp-1 t1-worker-1 t1-worker-2" ]
  # The manifest is the render of that inventory, and strictly valid.
  diff -u "$T1/.kubeone/kubeone.yaml" <("$LO" kubeone render --root "$P" t1.example.com)
  grep -q 'hostname: t1-cp-1' "$T1/.kubeone/kubeone.yaml"
  grep -q "sshPrivateKeyFile: $T1/.provider/id_ed25519" "$T1/.kubeone/kubeone.yaml"
  go_tool kubeone-check
  run "$GO_TOOL" "$T1/.kubeone/kubeone.yaml"
  [[ "$output" == *'ok KubeOneCluster/t1: 1 control-plane hosts, 2 static workers, 0 dynamic worker pools'* ]]
  run "$LO" status --root "$P" t1.example.com
  [ "$output" = Ready ]

  run "$LO" provision --root "$P" --skip-bootstrap t1.example.com
  [ "$status" -eq 0 ]
  [[ "$output" == *'server t1-cp-1 exists'* ]]
  [[ "$output" != *'created server'* ]]
  [ "$(find "$T/cloud" -type f | wc -l)" -eq 3 ]
}

@test "a provider: destroy runs kubeone reset, then the provider's destroy; a failing destroy surfaces its output and exit code" {
  "$LO" provision --root "$P" --skip-bootstrap t1.example.com >/dev/null 2>&1
  : > "$KUBEONE_FAKE_LOG"
  export LO_PROVIDER_FAKE_FAIL=destroy:5
  run "$LO" destroy --root "$P" t1.example.com
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *'lo-provider-test: destroy: the cloud API answered 503 Service Unavailable'* ]]
  [[ "$output" == *'provider lo-provider-test destroy failed (exit 5)'* ]]
  [ "$(find "$T/cloud" -type f | wc -l)" -eq 3 ]
  [ -e "$T1/.provider/inventory.json" ]

  unset LO_PROVIDER_FAKE_FAIL
  : > "$KUBEONE_FAKE_LOG"
  run "$LO" destroy --root "$P" t1.example.com
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(sed -n 's/^argv: //p' "$KUBEONE_FAKE_LOG")" = "reset --manifest kubeone.yaml --auto-approve
destroy t1.example.com $T1/cluster.lok8s.yaml" ]
  [ -z "$(find "$T/cloud" -type f)" ]
  [ ! -e "$T1/.provider/inventory.json" ]
  [ ! -e "$P/.kubeconfig/t1.yaml" ]
  run "$LO" status --root "$P" t1.example.com
  [ "$output" = NotFound ]
}

@test "a provider: a failing validate stops before anything is made, also a dry run; --dry-run prints the plan and runs only validate and status" {
  unset TEST_CLOUD_TOKEN
  run "$LO" provision --root "$P" --skip-bootstrap t1.example.com
  [ "$status" -eq 1 ]
  [[ "$output" == *'lo-provider-test: TEST_CLOUD_TOKEN is not set'*'provider lo-provider-test validate failed (exit 1)'* ]]
  [ "$(sed -n 's/^argv: //p' "$KUBEONE_FAKE_LOG")" = "validate t1.example.com $T1/cluster.lok8s.yaml" ]
  [ ! -e "$T/cloud" ]

  # validate changes nothing, so the dry run runs it too, and stops the same way
  rm "$KUBEONE_FAKE_LOG"
  run "$LO" provision --root "$P" --dry-run --skip-bootstrap t1.example.com
  [ "$status" -eq 1 ]
  [[ "$output" == *'provider lo-provider-test validate failed (exit 1)'* ]]
  export TEST_CLOUD_TOKEN=test-token
  rm "$KUBEONE_FAKE_LOG"
  run --separate-stderr "$LO" provision --root "$P" --dry-run --skip-bootstrap t1.example.com
  [ "$status" -eq 0 ]
  # a dry run asks only what changes nothing: validate, and status (to tell whether the inventory would change)
  [ "$(sed -n 's/^argv: \([a-z]*\) .*/\1/p' "$KUBEONE_FAKE_LOG" | tr '\n' ' ')" = "validate status " ]
  [ ! -e "$T/cloud" ]
  diff -u - <(printf '%s\n' "$output") <<PLAN
run: $LO_SRC/tests/fakes/bin/lo-provider-test provision t1.example.com $T1/cluster.lok8s.yaml
write: $T1/.provider/inventory.json (0644)  # inventory of provider lo-provider-test
write: $T1/.kubeone/kubeone.yaml (0644)  # KubeOne manifest (from the inventory above)
run: kubeone apply --manifest kubeone.yaml --auto-approve
copy: clusters/t1.example.com/.kubeone/t1-kubeconfig to .kubeconfig/t1.yaml (0600)
PLAN
}

@test "a provider executable of the project is found first; an output that is no inventory is refused" {
  mkdir -p "$P/.lok8s/providers/test"
  printf '#!/bin/sh\necho "project provider $1" >&2\n[ "$1" != output ] || echo %s\n' "'{\"api\": {}, \"nodes\": []}'" \
    > "$P/.lok8s/providers/test/lo-provider-test"
  chmod +x "$P/.lok8s/providers/test/lo-provider-test"
  run "$LO" provision --root "$P" --skip-bootstrap t1.example.com
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *'project provider provision'* ]]
  [[ "$output" == *'lo-provider-test output'*'api.endpoint: is required (a non-empty string) in the inventory'* ]]
  [ ! -e "$T1/.provider/inventory.json" ]
  [ ! -e "$KUBEONE_FAKE_LOG" ]
}
