#!/usr/bin/env bats
# kubectl lo kubehz fingerprint: the MD5 fingerprint of the cluster's SSH
# public key, checked against the real ssh-keygen -E md5 -lf for each key type.

bats_require_minimum_version 1.5.0

setup() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  command -v ssh-keygen >/dev/null || skip "ssh-keygen is not installed (openssh-client)"
  LO="$LO_BIN/kubectl-lo"
  T="$(mktemp -d)"
  export NO_COLOR=1 HOME="$T/home"
  mkdir -p "$HOME"
}

teardown() { rm -rf "$T"; }

keygen_md5() { ssh-keygen -E md5 -lf "$1" | awk '{print $2}' | sed 's/^MD5://'; }

@test "equal to ssh-keygen -E md5 -lf for ed25519, rsa and ecdsa keys" {
  for type in ed25519 rsa ecdsa; do
    ssh-keygen -q -t "$type" -N '' -C "lo test $type" -f "$T/$type"
    run "$LO" kubehz fingerprint --key "$T/$type.pub"
    [ "$status" -eq 0 ]
    [[ "$output" =~ ^([0-9a-f]{2}:){15}[0-9a-f]{2}$ ]]
    [ "$output" = "$(keygen_md5 "$T/$type.pub")" ]
  done
}

@test "the cluster's key: the provider inventory's access[0].publicKey, else spec.ssh.publicKeyFile" {
  P="$T/project"
  D="$P/clusters/k1.example.com"
  mkdir -p "$D/.kubeone" "$HOME/.ssh"
  ssh-keygen -q -t ed25519 -N '' -f "$HOME/.ssh/cluster"
  ssh-keygen -q -t ed25519 -N '' -f "$D/spec-key"
  printf 'apiVersion: cluster.lok8s.dev/v1beta1\nkind: KubeOne\nmetadata:\n  name: k1\nspec:\n  cluster:\n    domain: k1.example.com\n  provider:\n    name: hetzner\n  ssh:\n    publicKeyFile: spec-key.pub\n' > "$D/cluster.lok8s.yaml"
  run "$LO" kubehz fingerprint --root "$P" k1.example.com
  [ "$status" -eq 0 ]
  [ "$output" = "$(keygen_md5 "$D/spec-key.pub")" ]
  printf '{"access": [{"id": "default", "type": "ssh", "privateKey": "~/.ssh/cluster", "publicKey": "~/.ssh/cluster.pub"}]}\n' > "$D/.kubeone/inventory.json"
  run "$LO" kubehz fingerprint --root "$P" k1.example.com
  [ "$status" -eq 0 ]
  [ "$output" = "$(keygen_md5 "$HOME/.ssh/cluster.pub")" ]
  # the key itself in the inventory
  jq --arg k "$(cat "$D/spec-key.pub")" '.access[0].publicKey = $k' "$D/.kubeone/inventory.json" > "$T/inv" && mv "$T/inv" "$D/.kubeone/inventory.json"
  run "$LO" kubehz fingerprint --root "$P" k1.example.com
  [ "$output" = "$(keygen_md5 "$D/spec-key.pub")" ]
}

@test "a private key, a non-key and a domain without a key are clear errors" {
  ssh-keygen -q -t ed25519 -N '' -f "$T/k"
  run --separate-stderr "$LO" kubehz fingerprint --key "$T/k"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"$T/k is a private key"* ]]
  [ -z "$output" ]
  echo 'ssh-ed25519 bm90IGEga2V5 x' > "$T/bad.pub"
  run --separate-stderr "$LO" kubehz fingerprint --key "$T/bad.pub"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"is not an OpenSSH public key"* ]]
  P="$T/project"
  mkdir -p "$P/clusters/k2.example.com"
  printf 'apiVersion: cluster.lok8s.dev/v1beta1\nkind: KubeOne\nmetadata:\n  name: k2\nspec:\n  cluster:\n    domain: k2.example.com\n  provider:\n    name: hetzner\n' > "$P/clusters/k2.example.com/cluster.lok8s.yaml"
  run --separate-stderr "$LO" kubehz fingerprint --root "$P" k2.example.com
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"no SSH public key for k2.example.com"* ]]
  run --separate-stderr "$LO" kubehz
  [ "$status" -eq 2 ]
  [[ "$stderr" == *"kubectl lo kubehz needs a verb: fingerprint"* ]]
}
