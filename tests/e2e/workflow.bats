#!/usr/bin/env bats
# The reusable CI workflow (.github/workflows/spinup.yml): valid for the real
# actionlint (v1.7.12, from .ci/tools), declares its input and secret, runs
# README's install and provision commands; and its steps, run here as GitHub's
# runner would run them, install lo from a release archive made by
# release/archive.sh and provision a domain (kind Kkp, against the fake KKP API).

load lib/tools
load ../fake-kkp-api/fake_kkp
load ../fake-kubehz-api/fake_kubehz
bats_require_minimum_version 1.5.0

setup() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  : "${LO_SRC:?LO_SRC must point at the source tree}"
  W="$LO_SRC/.github/workflows/spinup.yml"
  T="$(mktemp -d)"
  export NO_COLOR=1 HOME="$T/home"
  mkdir -p "$HOME"
}

teardown() {
  kkp_fake_stop
  kubehz_fake_stop
  rm -rf "$T"
}

# step NAME: the run script of the step of that name (job provision).
step() {
  python3 -c 'import sys, yaml
w = yaml.safe_load(open(sys.argv[1]))
for s in w["jobs"]["provision"]["steps"]:
    if s.get("name") == sys.argv[2]:
        print(s["run"], end="")' "$W" "$1"
}

# The lines of README's first ```sh block after the line starting with $1.
readme_block() {
  awk -v start="$1" 'index($0, start) == 1 { on = 1; next }
    on && /^```sh/ { inblock = 1; next }
    inblock && /^```/ { exit }
    inblock { print }' "$LO_SRC/README.md"
}

@test "actionlint accepts the workflow, and rejects a broken copy" {
  go_tool actionlint
  run "$GO_TOOL" -no-color "$W"
  echo "$output"
  [ "$status" -eq 0 ]
  # the linter is real: an undeclared input and a bad expression are caught
  sed 's/inputs.domain }}/inputs.domian }}/' "$W" > "$T/broken.yml"
  run "$GO_TOOL" -no-color "$T/broken.yml"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *'property "domian" is not defined'* ]]
}

@test "it is a workflow_call with the input domain and the secret HCLOUD_TOKEN, both required" {
  run python3 -c 'import sys, json, yaml
w = yaml.safe_load(open(sys.argv[1]))
on = w[True] if True in w else w["on"]   # YAML 1.1 reads the key on as true
call = on["workflow_call"]
print(json.dumps({"domain": call["inputs"]["domain"], "secret": call["secrets"]["HCLOUD_TOKEN"]["required"],
                  "events": sorted(on)}, sort_keys=True))' "$W"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(jq -c '.domain | {required, type}' <<<"$output")" = '{"required":true,"type":"string"}' ]
  [ "$(jq -c '.secret' <<<"$output")" = true ]
  [ "$(jq -c '.events' <<<"$output")" = '["workflow_call"]' ]
  # the secret reaches the provision step, and only it
  [ "$(grep -v '^ *#' "$W" | grep -c 'secrets.HCLOUD_TOKEN')" = 1 ]
  step Provision >/dev/null
  python3 -c 'import sys, yaml
w = yaml.safe_load(open(sys.argv[1]))
s = [s for s in w["jobs"]["provision"]["steps"] if s.get("name") == "Provision"][0]
assert s["env"]["HCLOUD_TOKEN"] == "${{ secrets.HCLOUD_TOKEN }}", s["env"]' "$W"
}

@test "its install and provision commands are README's" {
  install="$(step 'Install lo' | sed 's/\${LO_VERSION}/0.1.0/g')"
  readme="$(readme_block '**From a release archive**')"
  [ -n "$readme" ]
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    grep -qxF "$line" <<<"$(sed 's/^ *//' <<<"$install")" || { echo "README's install line is not in the workflow: $line"; false; }
  done <<<"$readme"
  # README's section on CI names the workflow as callers use it, and its command
  ci="$(sed -n '/^### Provisioning from CI/,/^##/p' "$LO_SRC/README.md")"
  [[ "$ci" == *'uses: kernpilot/lok8s/.github/workflows/spinup.yml@main'* ]]
  [[ "$ci" == *'`kubectl lo provision <domain>`'* ]]
  [ "$(step Provision)" = 'kubectl lo provision "$DOMAIN"' ]
}

@test "the steps, run as the runner runs them, install lo from the release archive and provision the domain" {
  BUILD=$(cd "$LO_BIN/.." && pwd)
  VERSION=$(sed -n 's/^project(lo VERSION \([0-9.]*\).*/\1/p' "$LO_SRC/CMakeLists.txt")
  "$LO_SRC/release/archive.sh" "$BUILD" "$T/dist" >/dev/null
  # a project with a committed Kkp domain, KKP played by the fake
  export KKP_TOKEN="kkp-token-of-ci"
  kkp_fake_start "$T/kkp" "$KKP_TOKEN" --health-delay 0 --mc-delay 0 --delete-delay 0
  P="$T/checkout"
  mkdir -p "$P/clusters/ci.example.com"
  cp "$KKP_FAKE_CA" "$P/clusters/ci.example.com/ca.pem"
  printf 'apiVersion: cluster.lok8s.dev/v1beta1\nkind: Kkp\nmetadata:\n  name: ci\nspec:\n  kubernetes:\n    version: v1.31.4\n  cluster:\n    domain: ci.example.com\n  bootstrap: []\n  kkp:\n    apiUrl: %s\n    projectId: p1\n    datacenter: hetzner-fsn1\n    caCert: ca.pem\n' "$KKP_FAKE_URL" > "$P/clusters/ci.example.com/cluster.lok8s.yaml"
  # the runner: bash -e, the step's env, GITHUB_PATH and GITHUB_STEP_SUMMARY files; PATH without lo
  mkdir -p "$T/runner" "$T/kubectl-only"
  ln -s "$(command -v kubectl)" "$T/kubectl-only/kubectl"
  base_path="$T/kubectl-only:/usr/bin:/bin"
  export GITHUB_PATH="$T/github_path" GITHUB_STEP_SUMMARY="$T/summary" RUNNER_TEMP="$T/runner"
  : > "$GITHUB_PATH"
  : > "$GITHUB_STEP_SUMMARY"
  run env -C "$P" PATH="$base_path" LO_VERSION="$VERSION" LO_RELEASE_URL="file://$T/dist" bash -e -c "$(step 'Install lo')"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"lo-$VERSION-linux-amd64.tar.gz: OK"* ]]
  [ "$(cat "$GITHUB_PATH")" = "$T/runner/lo-$VERSION/bin" ]
  run env -C "$P" PATH="$(cat "$GITHUB_PATH"):$base_path" DOMAIN=ci.example.com HCLOUD_TOKEN=hc bash -e -c "$(step Provision)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(kkp_fake_state | jq -r '.created.clusters')" = 1 ]
  [ -s "$P/.kubeconfig/ci.yaml" ]
  run env -C "$P" PATH="$(cat "$GITHUB_PATH"):$base_path" DOMAIN=ci.example.com bash -e -c "$(step 'Claim fingerprint')"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"spec.kubehz.access is none: the cluster is not registered, nothing to claim"* ]]
}

@test "a domain registered with kubehz: provision registers it, the claim step writes its fingerprint to the job summary" {
  command -v ssh-keygen >/dev/null || skip "ssh-keygen is not installed (openssh-client)"
  : "${LO_FIXTURES:?LO_FIXTURES must point at tests/fixtures}"
  # a committed KubeOne domain (kubeone is the recording fake) that opts into kubehz (the fake)
  P="$T/checkout"
  cp -r "$LO_FIXTURES/kubeone/project" "$P"
  D="$P/clusters/k1.example.com"
  ssh-keygen -q -t ed25519 -N '' -f "$T/k1"
  jq --arg k "$T/k1.pub" '.access[0].publicKey = $k' "$D/.provider/inventory.json" > "$T/inv" && mv "$T/inv" "$D/.provider/inventory.json"
  kubehz_fake_start "$T/kubehz" kubehz-token
  printf '  bootstrap: []\n  kubehz:\n    access: registered\n    apiUrl: %s\n' "$KUBEHZ_FAKE_URL" >> "$D/cluster.lok8s.yaml"
  mkdir -p "$T/bin"
  ln -s "$(command -v kubectl)" "$T/bin/kubectl"
  for b in "$LO_BIN"/kubectl-lo*; do ln -s "$b" "$T/bin/"; done
  runner_path="$T/bin:$LO_SRC/tests/fakes/bin:/usr/bin:/bin"
  export GITHUB_STEP_SUMMARY="$T/summary" KUBEONE_FAKE_LOG="$T/kubeone.log" KUBEONE_FAKE_STATE="$T/kubeone-state"
  : > "$GITHUB_STEP_SUMMARY"
  run env -C "$P" PATH="$runner_path" DOMAIN=k1.example.com HCLOUD_TOKEN=hc KUBEHZ_CA_CERT="$KUBEHZ_FAKE_CA" bash -e -c "$(step Provision)"
  echo "$output"
  [ "$status" -eq 0 ]
  fp="$(ssh-keygen -E md5 -lf "$T/k1.pub" | awk '{print $2}' | sed 's/^MD5://')"
  [ "$(kubehz_fake_state | jq -r '.clusters["k1.example.com"].fingerprint')" = "$fp" ]
  [[ "$output" == *"fingerprint (and your Hetzner Cloud token): $fp"* ]]
  run env -C "$P" PATH="$runner_path" DOMAIN=k1.example.com bash -e -c "$(step 'Claim fingerprint')"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(cat "$GITHUB_STEP_SUMMARY")" = "### Claim k1.example.com

SSH key fingerprint for the kubehz dashboard's Claim page: \`$fp\`" ]
  # a domain with no key: a warning annotation, the job does not fail
  jq '.access[0].publicKey = "/nonexistent.pub"' "$D/.provider/inventory.json" > "$T/inv" && mv "$T/inv" "$D/.provider/inventory.json"
  : > "$GITHUB_STEP_SUMMARY"
  run env -C "$P" PATH="$runner_path" DOMAIN=k1.example.com bash -e -c "$(step 'Claim fingerprint')"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"::warning::k1.example.com has no SSH key to fingerprint"* ]]
  [ ! -s "$GITHUB_STEP_SUMMARY" ]
}
