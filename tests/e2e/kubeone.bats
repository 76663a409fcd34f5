#!/usr/bin/env bats
# The KubeOne driver: kubeone.yaml from a spec and an inventory JSON against a
# golden file, strictly decoded into KubeOne's own v1beta2 types
# (tests/tools/kubeone-check), and the commands lo runs, proven by the
# recording fake tests/fakes/bin/kubeone (argv, working directory, env).

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
  unset DOMAIN_NAME KUBEONE_FAKE_FAIL AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
  W="$P/clusters/k1.example.com/.kubeone"
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

@test "--dry-run prints the plan and runs nothing; a missing inventory is named" {
  run "$LO" provision --root "$P" --dry-run --skip-bootstrap k1.example.com
  [ "$status" -eq 0 ]
  [[ "$output" == *'run: kubeone apply --manifest kubeone.yaml --auto-approve'* ]]
  [ ! -e "$KUBEONE_FAKE_LOG" ]
  rm "$W/inventory.json"
  run "$LO" kubeone render --root "$P" k1.example.com
  [ "$status" -eq 1 ]
  [[ "$output" == *'clusters/k1.example.com/.kubeone/inventory.json (or Terraform'* ]]
}
