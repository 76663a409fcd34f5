#!/usr/bin/env bats
# kubectl lo init and kubectl lo init service NAME: the files they write
# (goldens in tests/fixtures/init/), what they leave alone, --force, bad
# names; and the scaffold accepted by lo's own services check (every
# commented key uncommented too) and by the real Tilt (tilt alpha
# tiltfile-result, the extension found through kubectl-lo version).

bats_require_minimum_version 1.5.0
load lib/tools
load lib/scratch_project

setup() {
  scratch_project
  G="$LO_SRC/tests/fixtures/init"
  export NO_COLOR=1 HOME="$T/home"
  unset DOMAIN_NAME PATH_CLUSTERS LOK8S_SERVICE_CONFIG
  cd "$P"
}

teardown() {
  cd /
  rm -rf "$T"
}

@test "init: clusters/lok8s.dev with the minimal spec and a .gitignore of lo's runtime folders (goldens)" {
  run "$LO" init
  [ "$status" -eq 0 ]
  diff -u "$G/cluster.lok8s.yaml" "$P/clusters/lok8s.dev/cluster.lok8s.yaml"
  diff -u "$G/gitignore" "$P/.gitignore"
  [[ "$output" == *"clusters/lok8s.dev/cluster.lok8s.yaml: created"* ]]
  # the spec is a valid domain lo uses at once
  run "$LO" spec -o json
  [ "$status" -eq 0 ]
  [ "$(jq -r .spec.cluster.domain <<<"$output")" = lok8s.dev ]
  run "$LO" lint lok8s.dev
  [ "$status" -eq 0 ]
}

@test "init twice changes nothing; an edited spec is kept unless --force" {
  "$LO" init
  run "$LO" init
  [ "$status" -eq 0 ]
  [[ "$output" == *"cluster.lok8s.yaml: unchanged"* ]]
  [[ "$output" == *".gitignore: unchanged"* ]]
  diff -u "$G/gitignore" "$P/.gitignore"
  echo "# mine" >> clusters/lok8s.dev/cluster.lok8s.yaml
  cp clusters/lok8s.dev/cluster.lok8s.yaml "$T/edited"
  run "$LO" init
  [ "$status" -eq 1 ]
  [[ "$output" == *"clusters/lok8s.dev/cluster.lok8s.yaml: exists already"* ]]
  [[ "$output" == *"--force"* ]]
  cmp "$T/edited" clusters/lok8s.dev/cluster.lok8s.yaml
  run "$LO" init --force
  [ "$status" -eq 0 ]
  diff -u "$G/cluster.lok8s.yaml" clusters/lok8s.dev/cluster.lok8s.yaml
}

@test "init keeps a project's own .gitignore and adds only the missing lines" {
  printf 'node_modules/\n.kubeconfig/\n' > .gitignore
  "$LO" init
  [ "$(head -1 .gitignore)" = "node_modules/" ]
  [ "$(grep -c '^\.kubeconfig/$' .gitignore)" -eq 1 ]
  grep -qx 'clusters/\*/artifacts/' .gitignore
  grep -qx '\.secrets/' .gitignore
}

@test "init service: NAME/lok8s.yaml, services.yaml and the Tiltfile (goldens)" {
  "$LO" init
  run "$LO" init service web
  [ "$status" -eq 0 ]
  diff -u "$G/web.lok8s.yaml" web/lok8s.yaml
  diff -u "$G/services.yaml" services.yaml
  diff -u "$G/Tiltfile" Tiltfile
  [[ "$output" == *"web/lok8s.yaml: created"* ]]
  [[ "$output" == *"services.yaml: registered web"* ]]
  [[ "$output" == *"Tiltfile: created"* ]]
}

@test "init service adds to an existing services.yaml without touching its comments or other services" {
  "$LO" init
  cat > services.yaml <<'EOF'
# our services
apiVersion: services.lok8s.dev/v1beta1
kind: Services
registry:
  prefix: lok8s.local
services:
  # the API
  api: {build: false}
EOF
  "$LO" init service web
  diff -u - services.yaml <<'EOF'
# our services
apiVersion: services.lok8s.dev/v1beta1
kind: Services
registry:
  prefix: lok8s.local
services:
  web: {}
  # the API
  api: {build: false}
EOF
  run "$LO" init service web
  [ "$status" -eq 0 ]
  [[ "$output" == *"web/lok8s.yaml: unchanged"* ]]
  [[ "$output" == *"web already registered"* ]]
  [[ "$output" == *"Tiltfile: unchanged"* ]]
  [ "$(grep -c 'web:' services.yaml)" -eq 1 ]
}

@test "init service turns 'services: {}' into a block, and appends to a Tiltfile that does not call lok8s()" {
  "$LO" init
  printf 'apiVersion: services.lok8s.dev/v1beta1\nkind: Services\nservices: {}\n' > services.yaml
  printf "print('mine')\n" > Tiltfile
  "$LO" init service web
  [ "$(tail -2 services.yaml)" = "$(printf 'services:\n  web: {}')" ]
  [ "$(head -1 Tiltfile)" = "print('mine')" ]
  grep -q "^lok8s()$" Tiltfile
}

@test "init service never overwrites an edited lok8s.yaml without --force" {
  "$LO" init
  "$LO" init service web
  printf 'build:\n  context: src\n' > web/lok8s.yaml
  run "$LO" init service web
  [ "$status" -eq 1 ]
  [[ "$output" == *"web/lok8s.yaml: exists already"* ]]
  [ "$(cat web/lok8s.yaml)" = "$(printf 'build:\n  context: src')" ]
  run "$LO" init service web --force
  [ "$status" -eq 0 ]
  diff -u "$G/web.lok8s.yaml" web/lok8s.yaml
}

@test "init service refuses names that are not folders, YAML keys and image names (exit 2), writing nothing" {
  "$LO" init
  for bad in Web ../x 'a b' -web .hidden clusters "$(printf 'x%.0s' {1..64})"; do
    run "$LO" init service -- "$bad"
    [ "$status" -eq 2 ]
    [[ "$output" == *"is not a service name"* ]]
  done
  [ ! -e services.yaml ]
  [ ! -e Tiltfile ]
  run "$LO" init service
  [ "$status" -eq 2 ]
  run "$LO" init servce web
  [ "$status" -eq 2 ]
  [[ "$output" == *"unknown init kind 'servce'"* ]]
}

@test "init service outside a project says to run init first" {
  run "$LO" init service web
  [ "$status" -eq 1 ]
  [ ! -e web ]
}

@test "the scaffold passes lo's services check, also with every commented key uncommented" {
  "$LO" init
  "$LO" init service web
  run "$LO" services -o json
  [ "$status" -eq 0 ]
  [ "$(jq -r '.services.web.enabled' <<<"$output")" = true ]
  # every line after the header: drop the "# " in front of a key
  awk 'NR>4' web/lok8s.yaml | sed -E 's/^( *)# /\1/' > "$T/full.yaml"
  grep -q '^ports:' "$T/full.yaml"
  grep -q '^  live_update:' "$T/full.yaml"
  cp "$T/full.yaml" web/lok8s.yaml
  run "$LO" services -o json
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  # and the check is real: a wrong key fails it
  printf 'build:\n  context: .\n  dockerfil: x\n' > web/lok8s.yaml
  run "$LO" services
  [ "$status" -ne 0 ]
  [[ "$output" == *"dockerfil"* ]]
}

@test "the real Tilt loads the scaffolded project: the Tiltfile finds the extension, web is built" {
  require_tool tilt
  "$LO" init
  "$LO" init service web
  printf 'FROM scratch\n' > web/Dockerfile
  mkdir -p clusters/lok8s.dev/targets/apps
  cat > clusters/lok8s.dev/targets/apps/kustomization.yaml <<'EOF'
resources: [web.yaml]
EOF
  cat > clusters/lok8s.dev/targets/apps/web.yaml <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {lok8s.dev/name: web}}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: lok8s.local/web}]}
EOF
  export TILT_DISABLE_ANALYTICS=1 KUBECONFIG="$T/no-kubeconfig" PATH="$LO_BIN:$PATH"
  run bash -c 'tilt alpha tiltfile-result -v > "$1/result.json" 2> "$1/tilt.err"' _ "$T"
  [ "$status" -eq 0 ] || { cat "$T/tilt.err"; false; }
  python3 "$LO_SRC/tests/e2e/lib/tilt_summary.py" "$T/result.json" "$P" > "$T/s.json"
  [ "$(jq -r '.builds | keys[]' "$T/s.json")" = "lok8s.local/web" ]
  [ "$(jq -r '.builds["lok8s.local/web"].context' "$T/s.json")" = web ]
  jq -e '.resources.web.objects | index("Deployment/default/web") != null or (map(test("web")) | any)' "$T/s.json" >/dev/null
}
