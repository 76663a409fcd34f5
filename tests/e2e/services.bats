#!/usr/bin/env bats
# kubectl lo services: goldens of the merged, defaulted configuration
# (tests/fixtures/services/<case>/expected.*), and the errors for malformed
# services.yaml and lok8s.yaml files, each naming file, line and key;
# kubectl lo lint reports the same problems.

bats_require_minimum_version 1.5.0

setup() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  LO="$LO_BIN/kubectl-lo"
  T="$(mktemp -d)"
  P="$T/p"
  mkdir -p "$P/clusters/lok8s.dev" "$P/api"
  printf 'apiVersion: cluster.lok8s.dev/v1beta1\nkind: Lo\nmetadata:\n  name: local\nspec:\n  cluster:\n    domain: lok8s.dev\n' \
    > "$P/clusters/lok8s.dev/cluster.lok8s.yaml"
  export NO_COLOR=1
  unset DOMAIN_NAME PATH_CLUSTERS LOK8S_SERVICE_CONFIG SVC_REGISTRY SVC_BRANCH SVC_TAG
  cd "$P"
}

teardown() { rm -rf "$T"; }

golden() { cp -r "$LO_FIXTURES/services/$1/." "$P/"; }

@test "golden: base, legacy default and profile merged, the environment substituted, every default filled" {
  golden full
  export SVC_REGISTRY=https://registry.example.com SVC_BRANCH=team SVC_TAG=1.2 LOK8S_SERVICE_CONFIG=local
  run --separate-stderr "$LO" services -o yaml
  [ "$status" -eq 0 ]
  diff -u "$P/expected.yaml" <(printf '%s\n' "$output")
  [ -z "$stderr" ]
  run --separate-stderr "$LO" services
  diff -u "$P/expected.txt" <(printf '%s\n' "$output")
  # -o json is the same document
  run --separate-stderr "$LO" services -o json
  [ "$(printf '%s' "$output" | jq -c .services.docs.path)" = '"./documentation"' ]
  # the effective document reads back as the same configuration
  "$LO" services -o yaml > "$T/again.yaml"
  rm "$P"/services.*.yaml && mv "$T/again.yaml" "$P/services.yaml"
  run --separate-stderr "$LO" services -o yaml
  diff -u "$P/expected.yaml" <(printf '%s\n' "$output")
}

@test "golden: without the profile and the environment, docs is disabled and worker has no registry" {
  golden full
  run --separate-stderr "$LO" services
  [ "$status" -eq 0 ]
  [[ "$output" == *"worker   none: build false and no registry.endpoint   lok8s.local/worker"* ]]
  [[ "$output" == *"docs     disabled"* ]]
  [[ "$output" == *"mailer   registry"*"mail.example.com/mailer:stable"* ]]
  [[ "$output" == *"From services.yaml, services.default.yaml."* ]]
}

@test "golden: the legacy services.base.yaml when there is no services.yaml, services.default.yaml over it" {
  golden legacy
  run --separate-stderr "$LO" services -o yaml
  [ "$status" -eq 0 ]
  diff -u "$P/expected.yaml" <(printf '%s\n' "$output")
}

@test "no services files: an empty configuration, not an error" {
  run --separate-stderr "$LO" services
  [ "$status" -eq 0 ]
  [ "$output" = "No services: services.yaml does not exist." ]
  run --separate-stderr "$LO" services -o json
  [ "$(printf '%s' "$output" | jq -c .services)" = '{}' ]
}

@test "services.yaml errors: every one, with file, line, column and key; exit 1" {
  cat > services.yaml <<'EOF'
apiVersion: v1
kind: Services
registri: {}
registry:
  endpoint: https://r.example.com
  parallel: -1
  prefix: Not/A/Prefix
defaults:
  build: yes
  dockerfile: prod
services:
  API: {}
  api:
    enabled: "false"
    namespace: Bad_NS
    watch: package.json
    image: postgres:16
    registry: {endpoint: x}
    colour: red
  web:
EOF
  run --separate-stderr "$LO" services
  [ "$status" -eq 1 ]
  [ -z "$output" ]
  expected='kubectl lo services: warning: services.yaml:1:13: apiVersion: '"'"'v1'"'"' is not a services.lok8s.dev version
  hint: write apiVersion: services.lok8s.dev/v1beta1
kubectl lo: error: services.yaml:3:1: registri: unknown key
  hint: did you mean '"'"'registry'"'"'? allowed at the top: apiVersion, kind, metadata, registry, defaults, services
kubectl lo: error: services.yaml:7:11: registry.prefix: '"'"'Not/A/Prefix'"'"' is not an image repository prefix
  hint: lower-case host and path such as lok8s.local or registry.example.com:5000/team
kubectl lo: error: services.yaml:6:13: registry.parallel: must be from 0 to 1024, got -1
kubectl lo: error: services.yaml:9:10: defaults.build: must be true or false, got the string '"'"'yes'"'"'
kubectl lo: error: services.yaml:10:15: defaults.dockerfile: must be one of service, production, got '"'"'prod'"'"'
kubectl lo: error: services.yaml:12:3: services.API: '"'"'API'"'"' is not a valid service name
  hint: use lower-case letters, digits, '"'"'.'"'"', '"'"'_'"'"' and '"'"'-'"'"' (at most 63, starting and ending with a letter or digit): the name becomes the image <prefix>/<name> and the label value lok8s.dev/name=<name>
kubectl lo: error: services.yaml:19:5: services.api.colour: unknown key
  hint: allowed here: enabled, build, path, namespace, dockerfile, watch, registry, image
kubectl lo: error: services.yaml:14:14: services.api.enabled: must be true or false, got the string '"'"'false'"'"'
kubectl lo: error: services.yaml:15:16: services.api.namespace: '"'"'Bad_NS'"'"' is not a namespace name
  hint: lower-case letters, digits and '"'"'-'"'"', at most 63
kubectl lo: error: services.yaml:16:12: services.api.watch: must be a list, got the string '"'"'package.json'"'"'
kubectl lo: error: services.yaml:17:12: services.api.image: image and registry are mutually exclusive
  hint: image pins a finished reference; registry says where lo finds an image it does not build
kubectl lo: error: services.yaml:20:3: services.web: must be a mapping, got nothing
  hint: write '"'"'web: {}'"'"' for a service with every default'
  diff -u <(printf '%s\n' "$expected") <(printf '%s\n' "$stderr")
}

@test "services.yaml: a syntax error, two documents, a profile's own error names the profile, a conflict across files names the later file" {
  printf 'services:\n  api: {build: true\n' > services.yaml
  run --separate-stderr "$LO" services
  [ "$status" -eq 1 ]
  [[ "$stderr" == "kubectl lo: error: services.yaml:3:1: is not valid YAML: "* ]]
  printf 'services: {}\n---\nservices: {}\n' > services.yaml
  run --separate-stderr "$LO" services
  [[ "$stderr" == *"services.yaml:3:1: has 2 YAML documents; it must have one"* ]]
  printf 'services:\n  api:\n    image: postgres:16\n' > services.yaml
  printf 'services:\n  api:\n    build: maybe\n' > services.local.yaml
  LOK8S_SERVICE_CONFIG=local run --separate-stderr "$LO" services
  [ "$status" -eq 1 ]
  [ "$stderr" = "kubectl lo: error: services.local.yaml:3:12: services.api.build: must be true or false, got the string 'maybe'" ]
  printf 'services:\n  api:\n    registry: {endpoint: r.example.com}\n' > services.local.yaml
  LOK8S_SERVICE_CONFIG=local run --separate-stderr "$LO" services
  [ "$status" -eq 1 ]
  [[ "$stderr" == "kubectl lo: error: services.local.yaml:3: services.api.registry: image (services.yaml:3) and registry (services.local.yaml:3) are mutually exclusive"* ]]
  LOK8S_SERVICE_CONFIG='../x' run --separate-stderr "$LO" services
  [ "$status" -eq 2 ]
  [[ "$stderr" == *"LOK8S_SERVICE_CONFIG='../x' is not a profile name"* ]]
}

@test "lok8s.yaml errors: shape, build keywords, live update steps, ports, links, hooks; all of a file in one run" {
  printf 'services:\n  api: {}\n  worker: {build: false}\n' > services.yaml
  cat > api/lok8s.yaml <<'EOF'
build:
  contxt: .
  build_args: [NPM-TOKEN]
  pull: sometimes
  live_update:
    sync:
      - {local_path: src}
    run: {cmd: [npm, install], trigger: 7}
    restart_container: {}
    reload: {}
components:
  - name: api
ports:
  - {from: "8080", to: 80}
  - {from: 8080, to: 70000}
  - {to: 80}
links:
  - {name: docs}
tilt:
  labels: [a]
  hooks:
    - {name: seed, cmd: ./seed.sh, do: restart}
    - {name: seed, do: restart}
EOF
  mkdir -p worker && printf 'ports:\n  - {from: 9000, to: 9000}\n' > worker/lok8s.yaml
  run --separate-stderr "$LO" services
  [ "$status" -eq 1 ]
  for line in \
    "kubectl lo: error: api/lok8s.yaml:2:3: build: 'components' and a top-level 'build' are mutually exclusive" \
    "kubectl lo: error: api/lok8s.yaml:2:3: build.contxt: unknown key" \
    "kubectl lo: error: api/lok8s.yaml:4:9: build.pull: must be true or false, got the string 'sometimes'" \
    "kubectl lo: error: api/lok8s.yaml:3:16: build.build_args[0]: 'NPM-TOKEN' is not an environment variable name" \
    "kubectl lo: error: api/lok8s.yaml:10:5: build.live_update.reload: unknown key" \
    "kubectl lo: error: api/lok8s.yaml:7:9: build.live_update.sync[0].remote_path: is required" \
    "kubectl lo: error: api/lok8s.yaml:8:41: build.live_update.run.trigger: must be a string or a list of strings, got the number 7" \
    "kubectl lo: error: api/lok8s.yaml:9:24: build.live_update.restart_container: Tilt refuses restart_container for Kubernetes resources (deprecated there since Tilt 0.17)" \
    "kubectl lo: error: api/lok8s.yaml:12:5: components[0].build: is required" \
    "kubectl lo: error: api/lok8s.yaml:14:12: ports[0].from: must be a whole number, got the string '8080'" \
    "kubectl lo: error: api/lok8s.yaml:15:22: ports[1].to: must be from 1 to 65535, got 70000" \
    "kubectl lo: error: api/lok8s.yaml:16:5: ports[2].from: is required" \
    "kubectl lo: error: api/lok8s.yaml:18:5: links[0].url: is required" \
    "kubectl lo: error: api/lok8s.yaml:22:25: tilt.hooks[0].cmd: cmd is mutually exclusive with do/targets" \
    "kubectl lo: error: api/lok8s.yaml:23:14: tilt.hooks[1].name: hook 'seed' is defined twice" \
    "kubectl lo: error: api/lok8s.yaml:23:7: tilt.hooks[1].targets: do: restart needs targets (label: value pairs to act on)"; do
    [[ "$stderr" == *"$line"* ]] || { echo "missing: $line"; echo "$stderr"; false; }
  done
  [ "$(grep -c 'error:' <<< "$stderr")" = 16 ]
  # worker is not built: its lok8s.yaml needs no build block
  [[ "$stderr" != *"worker/lok8s.yaml"* ]]
  # lint reports the same problems and fails
  run "$LO" lint
  [ "$status" -eq 1 ]
  [[ "$output" == *"services (services.yaml and lok8s.yaml files)"* ]]
  [[ "$output" == *"error: api/lok8s.yaml:2:3: build.contxt: unknown key"* ]]
  [[ "$output" == *"1 domain and the services checked: 16 errors"* ]]
}

@test "a built service without lok8s.yaml is a warning; lint counts it" {
  printf 'services:\n  api: {}\n  web: {}\n' > services.yaml
  printf 'build: {context: .}\n' > api/lok8s.yaml
  run --separate-stderr "$LO" services
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"warning: services.yaml: services.web: is built by Tilt, but web/lok8s.yaml does not exist, so nothing builds its image"* ]]
  run "$LO" lint
  [ "$status" -eq 0 ]
  [[ "$output" == *"1 domain and the services checked: 0 errors, 1 warning"* ]]
}

@test "services --help and usage errors" {
  run "$LO" services --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"Usage:"*"kubectl lo services [-o yaml|json]"* ]]
  run "$LO" services extra
  [ "$status" -eq 2 ]
  run "$LO" services -o xml
  [ "$status" -eq 2 ]
}
