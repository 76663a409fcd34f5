#!/usr/bin/env bats
# kubehz: `kubectl lo kubehz fingerprint`, the MD5 fingerprint of the
# cluster's SSH public key, checked against the real ssh-keygen -E md5 -lf for
# each key type; and the registration `kubectl lo provision` makes when
# spec.kubehz.access is registered or managed (and `destroy` undoes), against
# the fake kubehz API (tests/fake-kubehz-api/server.py), on KubeOne domains
# whose kubeone (and infrastructure provider) are the recording fakes of
# tests/fakes/bin.

load ../fake-kubehz-api/fake_kubehz
load lib/plan_parity
bats_require_minimum_version 1.5.0

KHTOKEN="kubehz-api-token-5e1d7c3b9a"

setup() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  command -v ssh-keygen >/dev/null || skip "ssh-keygen is not installed (openssh-client)"
  LO="$LO_BIN/kubectl-lo"
  T="$(mktemp -d)"
  export NO_COLOR=1 HOME="$T/home"
  mkdir -p "$HOME"
  unset KUBEHZ_TOKEN KUBEHZ_CA_CERT LO_STEP_LOG LO_PLAN_STATE
}

teardown() {
  kubehz_fake_stop
  rm -rf "$T"
}

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

# A KubeOne project (tests/fixtures/kubeone) whose k1.example.com opts into
# kubehz; its provider inventory names a fresh key. Sets P, D, FP (the key's
# fingerprint by ssh-keygen) and starts the fake kubehz API.
registered_project() {
  : "${LO_FIXTURES:?LO_FIXTURES must point at tests/fixtures}" "${LO_SRC:?LO_SRC must point at the source tree}"
  P="$T/project"
  cp -r "$LO_FIXTURES/kubeone/project" "$P"
  D="$P/clusters/k1.example.com"
  export PATH="$LO_SRC/tests/fakes/bin:$PATH" HCLOUD_TOKEN=hc-token-of-k1
  export KUBEONE_FAKE_LOG="$T/kubeone.log" KUBEONE_FAKE_STATE="$T/kubeone-state"
  export LO_PROVIDER_FAKE_LOG="$T/kubeone.log" LO_PROVIDER_FAKE_CLOUD="$T/cloud" TEST_CLOUD_TOKEN=test-token
  unset KUBEONE_FAKE_FAIL LO_PROVIDER_FAKE_FAIL
  mkdir -p "$T/keys"
  ssh-keygen -q -t ed25519 -N '' -C k1 -f "$T/keys/k1"
  FP="$(keygen_md5 "$T/keys/k1.pub")"
  jq --arg k "$T/keys/k1.pub" '.access[0].publicKey = $k' "$D/.provider/inventory.json" > "$T/inv" && mv "$T/inv" "$D/.provider/inventory.json"
  cp "$D/.provider/inventory.json" "$T/k1.inventory.json"  # destroy removes it; the machines made elsewhere stay
  kubehz_fake_start "$T/kubehz" "$KHTOKEN"
  export KUBEHZ_CA_CERT="$KUBEHZ_FAKE_CA"
  kubehz_spec "$D/cluster.lok8s.yaml" registered
}

# kubehz_spec FILE ACCESS: spec.kubehz of FILE pointed at the fake.
kubehz_spec() {
  sed -i '/^  kubehz:/,/^    apiUrl:/d' "$1"
  printf '  kubehz:\n    access: %s\n    apiUrl: %s\n' "$2" "$KUBEHZ_FAKE_URL" >> "$1"
}

registration() { kubehz_fake_state | jq -c ".clusters[\"$1\"]"; }

@test "provision registers the cluster as pending with its key's fingerprint, after the driver, and prints it for the Claim page" {
  registered_project
  run --separate-stderr env LO_STEP_LOG="$T/steps" "$LO" provision --root "$P" --skip-bootstrap k1.example.com
  echo "$output$stderr"
  [ "$status" -eq 0 ]
  [ "$(registration k1.example.com)" = "{\"fingerprint\":\"$FP\",\"state\":\"pending\"}" ]
  [[ "$stderr" == *"kubehz: k1.example.com is registered (pending)"* ]]
  [[ "$stderr" == *"kubehz: to claim it, open the dashboard's Claim page with this SSH key fingerprint (and your Hetzner Cloud token): $FP"* ]]
  # no credentials: ownership is proven on the dashboard, not by the provision
  [ "$(cat "$KUBEHZ_FAKE_LOG")" = "POST /api/clusters/register 201 auth=no" ]
  # after the driver made the cluster (the seeds' order: provision, post_provision, kubehz, bootstrap)
  [ "$(tail -1 "$T/steps")" = "register: k1.example.com with kubehz $KUBEHZ_FAKE_URL as pending (SSH key fingerprint $FP)" ]
  grep -q '^run: kubeone apply' "$T/steps"
  # the fingerprint the fingerprint command reproduces
  run "$LO" kubehz fingerprint --root "$P" k1.example.com
  [ "$output" = "$FP" ]
  # a re-run registers the same cluster again, nothing new; a claimed one stays claimed
  kubehz_fake_claim k1.example.com
  run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap k1.example.com
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"kubehz: k1.example.com is registered (claimed)"* ]]
  [ "$(kubehz_fake_state | jq '.clusters | length')" = 1 ]
  [ "$(tail -1 "$KUBEHZ_FAKE_LOG")" = "POST /api/clusters/register 200 auth=no" ]
}

@test "access managed registers too; access none and no kubehz block do not call kubehz" {
  registered_project
  kubehz_spec "$D/cluster.lok8s.yaml" managed
  "$LO" provision --root "$P" --skip-bootstrap k1.example.com 2>/dev/null
  [ "$(registration k1.example.com | jq -r .fingerprint)" = "$FP" ]
  : > "$KUBEHZ_FAKE_LOG"
  kubehz_spec "$D/cluster.lok8s.yaml" none
  run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap k1.example.com
  [ "$status" -eq 0 ]
  [[ "$stderr" != *kubehz* ]]
  KUBEHZ_TOKEN="$KHTOKEN" run "$LO" destroy --root "$P" k1.example.com
  [ "$status" -eq 0 ]
  [ ! -s "$KUBEHZ_FAKE_LOG" ]
}

@test "a kubehz error is a warning: the provision still succeeds (server error, unreachable, no key)" {
  registered_project
  kubehz_fake_fault '{"method": "POST", "path": "/register", "status": 500, "times": 10}'
  run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap k1.example.com
  echo "$output$stderr"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"warning: kubehz: registering k1.example.com failed (the cluster is up; the dashboard does not know it): kubehz API: POST /api/clusters/register: HTTP 500 Internal Server Error: injected failure"* ]]
  [[ "$stderr" == *"run 'kubectl lo provision k1.example.com' again later to register it"* ]]
  [ -s "$P/.kubeconfig/k1.yaml" ]
  [ "$(kubehz_fake_state | jq '.clusters | length')" = 0 ]
  grep -q '^POST /api/clusters/register 500' "$KUBEHZ_FAKE_LOG"
  kubehz_fake_clear
  # a 409 (the domain is known with another key) names kubehz's words
  curl -sS --fail --cacert "$KUBEHZ_FAKE_CA" -d '{"domain": "k1.example.com", "fingerprint": "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff"}' "$KUBEHZ_FAKE_URL/api/clusters/register" >/dev/null
  run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap k1.example.com
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"HTTP 409 Conflict: k1.example.com is registered with another SSH key"* ]]
  # kubehz down
  kubehz_fake_stop
  run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap k1.example.com
  echo "$stderr"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"warning: kubehz: registering k1.example.com failed"*"kubehz API: POST /api/clusters/register: "* ]]
  # no key to fingerprint
  jq '.access[0].publicKey = "/nonexistent/k1.pub"' "$D/.provider/inventory.json" > "$T/inv" && mv "$T/inv" "$D/.provider/inventory.json"
  run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap k1.example.com
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"warning: kubehz: k1.example.com is not registered: clusters/k1.example.com/.provider/inventory.json: access[0].publicKey: no such file: /nonexistent/k1.pub"* ]]
}

@test "destroy deregisters with KUBEHZ_TOKEN before the driver destroys; without the token a warning, and the destroy goes on" {
  registered_project
  "$LO" provision --root "$P" --skip-bootstrap k1.example.com 2>/dev/null
  run --separate-stderr env LO_STEP_LOG="$T/steps" "$LO" destroy --root "$P" k1.example.com
  echo "$output$stderr"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"warning: kubehz: k1.example.com is not deregistered: KUBEHZ_TOKEN is not set"* ]]
  grep -qx 'argv: reset --manifest kubeone.yaml --auto-approve' "$KUBEONE_FAKE_LOG"
  [ "$(registration k1.example.com | jq -r .state)" = pending ]
  cp "$T/k1.inventory.json" "$D/.provider/inventory.json"
  "$LO" provision --root "$P" --skip-bootstrap k1.example.com 2>/dev/null
  : > "$KUBEONE_FAKE_LOG"
  run --separate-stderr env KUBEHZ_TOKEN="$KHTOKEN" LO_STEP_LOG="$T/steps2" "$LO" destroy --root "$P" k1.example.com
  echo "$output$stderr"
  [ "$status" -eq 0 ]
  [ "$(kubehz_fake_state | jq -c .)" = '{"clusters":{},"deregistered":["k1.example.com"]}' ]
  [ "$(tail -1 "$KUBEHZ_FAKE_LOG")" = "DELETE /api/clusters?domain=k1.example.com 200 auth=yes" ]
  [ "$(head -1 "$T/steps2")" = "deregister: k1.example.com from kubehz $KUBEHZ_FAKE_URL" ]
  grep -qx 'argv: reset --manifest kubeone.yaml --auto-approve' "$KUBEONE_FAKE_LOG"
  # again: kubehz no longer knows it (a note), a wrong token is a warning; neither fails the destroy
  run --separate-stderr env KUBEHZ_TOKEN="$KHTOKEN" "$LO" destroy --root "$P" k1.example.com
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"kubehz: k1.example.com was not registered"* ]]
  run --separate-stderr env KUBEHZ_TOKEN=wrong-token "$LO" destroy --root "$P" k1.example.com
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"warning: kubehz: deregistering k1.example.com failed: kubehz API: DELETE /api/clusters?domain=k1.example.com: HTTP 401 Unauthorized: invalid bearer token"* ]]
}

@test "--dry-run lists the register and deregister steps exactly as the run records them, and calls no kubehz" {
  registered_project
  run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap --dry-run k1.example.com
  [ "$status" -eq 0 ]
  [[ "$output" == *"register: k1.example.com with kubehz $KUBEHZ_FAKE_URL as pending (SSH key fingerprint $FP)"* ]]
  [ ! -s "$KUBEHZ_FAKE_LOG" ]
  run parity provision 3 "$LO" provision --root "$P" --skip-bootstrap k1.example.com
  echo "$output"
  [ "$status" -eq 0 ]
  KUBEHZ_TOKEN="$KHTOKEN" run parity destroy 2 "$LO" destroy --root "$P" k1.example.com
  echo "$output"
  [ "$status" -eq 0 ]
  grep -qx "deregister: k1.example.com from kubehz $KUBEHZ_FAKE_URL" "$T/destroy.plan"
  [ "$(kubehz_fake_state | jq -c .deregistered)" = '["k1.example.com"]' ]
  # without the token the plan warns as the run does
  run parity destroy-no-token 1 "$LO" destroy --root "$P" k1.example.com
  [ "$status" -eq 0 ]
  grep -qx 'warning: kubehz: k1.example.com is not deregistered: KUBEHZ_TOKEN is not set' "$T/destroy-no-token.plan"
}

@test "--dry-run of a provider that has not made the machines yet: the key its inventory will name is a placeholder" {
  registered_project
  T1="$P/clusters/t1.example.com"
  kubehz_spec "$T1/cluster.lok8s.yaml" registered
  # the fake provider keeps a key it finds in its folder; its inventory names it
  mkdir -p "$T1/.provider"
  ssh-keygen -q -t rsa -b 2048 -N '' -f "$T1/.provider/id_ed25519"
  # the step logs of plan and run (the provider's own calls are not steps yet, so the
  # printed plan is not compared here): equal, but for the fingerprint
  LO_STEP_LOG="$T/t1.plan" "$LO" provision --root "$P" --skip-bootstrap --dry-run t1.example.com >/dev/null 2>&1
  [ ! -e "$T1/.provider/inventory.json" ] && [ ! -s "$KUBEHZ_FAKE_LOG" ]
  LO_STEP_LOG="$T/t1.run" "$LO" provision --root "$P" --skip-bootstrap t1.example.com >/dev/null 2>&1
  fp="$(keygen_md5 "$T1/.provider/id_ed25519.pub")"
  grep -qx "register: t1.example.com with kubehz $KUBEHZ_FAKE_URL as pending (SSH key fingerprint <fingerprint>)" "$T/t1.plan"
  diff -u <(sed "s/<fingerprint>/$fp/" "$T/t1.plan") "$T/t1.run"
  [ "$(registration t1.example.com | jq -r .fingerprint)" = "$fp" ]
}

@test "no kubehz token in any output at -v=0 to -v=10, also when kubehz echoes it back" {
  registered_project
  export KUBEHZ_TOKEN="$KHTOKEN"
  out="$T/all-output"
  for v in 0 1 2 3 4 5 6 7 8 9 10; do
    cp "$T/k1.inventory.json" "$D/.provider/inventory.json"
    "$LO" provision --root "$P" --skip-bootstrap -v=$v k1.example.com >>"$out" 2>&1
    "$LO" destroy --root "$P" --dry-run -v=$v k1.example.com >>"$out" 2>&1
    kubehz_fake_fault '{"method": "DELETE", "status": 403, "echo_token": true, "times": 1}'
    "$LO" destroy --root "$P" -v=$v k1.example.com >>"$out" 2>&1
    cp "$T/k1.inventory.json" "$D/.provider/inventory.json"
    "$LO" provision --root "$P" --skip-bootstrap -v=$v k1.example.com >>"$out" 2>&1
    "$LO" destroy --root "$P" -v=$v k1.example.com >>"$out" 2>&1
  done
  # the output is real: the requests at -v=6 and more, the echoed message, redacted
  grep -q "DELETE $KUBEHZ_FAKE_URL/api/clusters?domain=k1.example.com 200" "$out"
  grep -q 'HTTP 403 Forbidden: token <redacted> is not allowed here' "$out"
  [ "$(kubehz_fake_state | jq -c .deregistered | jq length)" = 11 ]
  ! grep -F "$KHTOKEN" "$out"
}
