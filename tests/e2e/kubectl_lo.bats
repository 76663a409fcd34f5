#!/usr/bin/env bats
# kubectl-lo's workspace commands through the real binaries (and real kubectl
# for plugin discovery): use, spec, lint, version, dispatch, lo-registry plan.

setup() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  : "${LO_SRC:?LO_SRC must point at the source tree}"
  LO="$LO_BIN/kubectl-lo"
  T="$(mktemp -d)"
  P="$T/project"
  mkdir -p "$P/clusters"
  unset DOMAIN_NAME PATH_CLUSTERS
  export NO_COLOR=1
}

teardown() {
  rm -rf "$T"
}

# spec FILE-IN-PROJECT DOMAIN NAME [extra spec lines]
lo_spec() {
  local domain="$1" name="$2" extra="${3:-}"
  mkdir -p "$P/clusters/$domain"
  printf 'apiVersion: cluster.lok8s.dev/v1beta1\nkind: Lo\nmetadata:\n  name: %s\nspec:\n  cluster:\n    domain: %s\n%s' \
    "$name" "$domain" "$extra" > "$P/clusters/$domain/cluster.lok8s.yaml"
}

@test "no command prints usage and exits 2; --help exits 0" {
  run "$LO"
  [ "$status" -eq 2 ]
  [[ "$output" == *"Usage:"* ]]
  run "$LO" --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"use"*"spec"*"lint"*"build"*"deploy"* ]]
}

@test "unknown command and unknown flag are usage errors (exit 2)" {
  run "$LO" bild
  [ "$status" -eq 2 ]
  [[ "$output" == *'unknown command "bild"'* ]]
  run "$LO" spec --bogus
  [ "$status" -eq 2 ]
  [[ "$output" == *"unknown flag: --bogus"* ]]
}

@test "every command has --help" {
  for c in use spec lint version; do
    run "$LO" "$c" --help
    [ "$status" -eq 0 ]
    [[ "$output" == *"Usage:"* ]]
  done
}

@test "version" {
  run "$LO" version
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^lo\ version\ v[0-9]+\.[0-9]+\.[0-9]+$ ]]
  run "$LO" version -o json
  python3 -c 'import json,sys; assert json.loads(sys.argv[1])["version"]' "$output"
}

@test "bare use lists domains with their kinds and changes nothing" {
  lo_spec lok8s.dev local
  mkdir -p "$P/clusters/api.example.com"
  printf 'apiVersion: cluster.lok8s.dev/v1beta1\nkind: Deploy\nmetadata:\n  name: api\nspec:\n  clusterRef:\n    domain: lok8s.dev\n' \
    > "$P/clusters/api.example.com/deploy.lok8s.yaml"
  run "$LO" use --root "$P"
  [ "$status" -eq 0 ]
  [[ "$output" == *"No active domain set; commands use lok8s.dev (the default)"* ]]
  [[ "$output" == *"*         lok8s.dev"*"Lo"* ]]
  [[ "$output" == *"api.example.com"*"Deploy -> lok8s.dev"* ]]
  [ ! -e "$P/clusters/.active" ]
}

@test "use DOMAIN writes one line to clusters/.active; unknown and unsafe names fail" {
  lo_spec lok8s.dev local
  lo_spec 42.lok8s.dev c42
  run "$LO" use --root "$P" 42.lok8s.dev
  [ "$status" -eq 0 ]
  [[ "$output" == 'Switched to domain "42.lok8s.dev".' ]]
  [ "$(cat "$P/clusters/.active")" = "42.lok8s.dev" ]
  [ "$(wc -l < "$P/clusters/.active")" -eq 1 ]
  run "$LO" use --root "$P"
  [[ "$output" == *"Active domain: 42.lok8s.dev"* ]]
  run "$LO" use --root "$P" nope.example.com
  [ "$status" -eq 1 ]
  [[ "$output" == *"domain 'nope.example.com' not found"*"known domains: 42.lok8s.dev, lok8s.dev"* ]]
  [ "$(cat "$P/clusters/.active")" = "42.lok8s.dev" ]
  for bad in ../etc /etc a/b ..; do
    run "$LO" use --root "$P" "$bad"
    [ "$status" -eq 2 ]
    [[ "$output" == *"invalid domain name"* ]]
  done
  # a bare folder without a spec is not a domain
  mkdir -p "$P/clusters/empty.example.com"
  run "$LO" use --root "$P" empty.example.com
  [ "$status" -eq 1 ]
  [[ "$output" == *"clusters/empty.example.com/cluster.lok8s.yaml: domain 'empty.example.com' has no spec: neither clusters/empty.example.com/cluster.lok8s.yaml nor deploy.lok8s.yaml exists"* ]]
}

@test "domain precedence: argument > .active > DOMAIN_NAME > lok8s.dev" {
  lo_spec lok8s.dev local
  lo_spec 2.lok8s.dev c2
  lo_spec 3.lok8s.dev c3
  domain_of() { "$LO" spec --root "$P" "$@" -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["spec"]["cluster"]["domain"])'; }
  [ "$(domain_of)" = "lok8s.dev" ]
  [ "$(DOMAIN_NAME=2.lok8s.dev domain_of)" = "2.lok8s.dev" ]
  echo 3.lok8s.dev > "$P/clusters/.active"
  [ "$(DOMAIN_NAME=2.lok8s.dev domain_of)" = "3.lok8s.dev" ]
  [ "$(DOMAIN_NAME=2.lok8s.dev domain_of --domain 2.lok8s.dev)" = "2.lok8s.dev" ]
  [ "$(domain_of lok8s.dev)" = "lok8s.dev" ]
  run "$LO" spec --root "$P" --domain 2.lok8s.dev 3.lok8s.dev
  [ "$status" -eq 2 ]
  echo '../../etc' > "$P/clusters/.active"
  run "$LO" spec --root "$P"
  [ "$status" -eq 1 ]
  [[ "$output" == *"clusters/.active: holds an invalid domain name"* ]]
}

@test "the project root is found from a subfolder, by --root, and PATH_CLUSTERS overrides clusters/" {
  lo_spec lok8s.dev local
  mkdir -p "$P/clusters/lok8s.dev/targets/app/deep"
  cd "$P/clusters/lok8s.dev/targets/app/deep"
  run "$LO" spec
  [ "$status" -eq 0 ]
  [[ "$output" == *"domain: lok8s.dev"* ]]
  cd "$T"
  run "$LO" spec
  [ "$status" -eq 1 ]
  [[ "$output" == *"no lo project here"* ]]
  mkdir -p "$T/other/42.lok8s.dev"
  printf 'apiVersion: cluster.lok8s.dev/v1beta1\nkind: Lo\nmetadata:\n  name: x\nspec:\n  cluster:\n    domain: 42.lok8s.dev\n' \
    > "$T/other/42.lok8s.dev/cluster.lok8s.yaml"
  run env PATH_CLUSTERS="$T/other" "$LO" spec --root "$P" 42.lok8s.dev
  [ "$status" -eq 0 ]
  [[ "$output" == *"cidr: 10.125.42.0/24"* ]]
}

@test "spec prints the full form, which pasted back gives the same spec" {
  lo_spec 42.lok8s.dev c42 $'  nodes:\n    workers: 2\n'
  run "$LO" spec --root "$P" 42.lok8s.dev
  [ "$status" -eq 0 ]
  [[ "$output" == *"name: c42"* ]]
  [[ "$output" == *"workers: 2"* ]]
  [[ "$output" == *"pool: 10.125.42.125-10.125.42.150"* ]]
  printf '%s\n' "$output" > "$P/clusters/42.lok8s.dev/cluster.lok8s.yaml"
  run "$LO" spec --root "$P" 42.lok8s.dev
  [ "$status" -eq 0 ]
  first="$output"
  run "$LO" spec --root "$P" 42.lok8s.dev -o json
  python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["spec"]["registries"]["tls"] is True; assert d["spec"]["nodes"]["workers"] == 2' "$output"
  [ "$first" = "$("$LO" spec --root "$P" 42.lok8s.dev)" ]
}

@test "spec reports all errors of a file and warns about unknown fields" {
  lo_spec 42.lok8s.dev c42 $'  nodez: {}\n  runtime: k3d\n  nodes:\n    workers: -1\n'
  run "$LO" spec --root "$P" 42.lok8s.dev
  [ "$status" -eq 1 ]
  [[ "$output" == *"clusters/42.lok8s.dev/cluster.lok8s.yaml:9:12: spec.runtime: 'k3d' is not allowed"* ]]
  [[ "$output" == *"spec.nodes.workers: must be from 0 to 99, got -1"* ]]
  lo_spec 42.lok8s.dev c42 $'  nodez: {}\n'
  run "$LO" spec --root "$P" 42.lok8s.dev
  [ "$status" -eq 0 ]
  [[ "$output" == *"warning: clusters/42.lok8s.dev/cluster.lok8s.yaml:8:3: spec.nodez: unknown field, ignored"*"did you mean 'nodes'?"* ]]
}

@test "lint passes on the shipped default domain" {
  run "$LO" lint --root "$LO_SRC"
  [ "$status" -eq 0 ]
  [[ "$output" == *"lok8s.dev (Lo)"*"ok"*"0 errors, 0 warnings"* ]]
}

@test "lint: every domain by default, errors counted, exit 1" {
  lo_spec lok8s.dev local
  lo_spec example.com ex $'  network:\n    name: ex\n    cidr: 10.1.0.0/24\n  bootstrap:\n    - ./targets/missing\n'
  lo_spec app.example.com app $'  network:\n    name: app\n    cidr: 10.2.0.0/24\n  bootstrap: []\n'
  mkdir -p "$P/clusters/lok8s.dev/targets/web"
  printf 'resources:\n  - deploy.yaml\n  - ../../../.targets/shared\n' > "$P/clusters/lok8s.dev/targets/web/kustomization.yaml"
  mkdir -p "$P/clusters/.targets/shared"
  printf 'resources: [svc.yaml]\n' > "$P/clusters/.targets/shared/kustomization.yaml"
  touch "$P/clusters/.targets/shared/svc.yaml"
  mkdir -p "$P/clusters/lok8s.dev/targets/empty"
  mkdir -p "$P/clusters/staging.example.org"
  printf 'apiVersion: cluster.lok8s.dev/v1beta1\nkind: Deploy\nmetadata:\n  name: st\nspec:\n  clusterRef:\n    domain: prod.example.org\n' \
    > "$P/clusters/staging.example.org/deploy.lok8s.yaml"
  run "$LO" lint --root "$P"
  [ "$status" -eq 1 ]
  [[ "$output" == *"cluster 'app.example.com' is a subdomain of cluster 'example.com'"* ]]
  [[ "$output" == *"spec.bootstrap[0]: entry './targets/missing' not found"* ]]
  [[ "$output" == *"targets/web/kustomization.yaml:2: resources[0]: references 'deploy.yaml', which does not exist"* ]]
  [[ "$output" == *"targets/empty: has no kustomization.yaml"* ]]
  [[ "$output" == *"spec.clusterRef.domain: cluster domain 'prod.example.org' not found"* ]]
  [[ "$output" == *"4 domains checked: 5 errors, 0 warnings"* ]]
  # one named domain: only its problems
  run "$LO" lint --root "$P" example.com
  [ "$status" -eq 1 ]
  [[ "$output" == *"1 domain checked: 1 error"* ]]
  touch "$P/clusters/lok8s.dev/targets/web/deploy.yaml"
  mkdir -p "$P/clusters/lok8s.dev/targets/empty" && printf 'resources: []\n' > "$P/clusters/lok8s.dev/targets/empty/kustomization.yaml"
  run "$LO" lint --root "$P" lok8s.dev
  [ "$status" -eq 0 ]
}

@test "lint: files named inside inline builtin plugins must exist" {
  lo_spec lok8s.dev local
  mkdir -p "$P/clusters/lok8s.dev/targets/web"
  printf 'transformers:\n- |-\n  apiVersion: builtin\n  kind: PatchTransformer\n  metadata: {name: p}\n  path: patch.yaml\n' \
    > "$P/clusters/lok8s.dev/targets/web/kustomization.yaml"
  run "$LO" lint --root "$P" lok8s.dev
  [ "$status" -eq 1 ]
  [[ "$output" == *"targets/web/kustomization.yaml:2: transformers[0].path: references 'patch.yaml', which does not exist"* ]]
  touch "$P/clusters/lok8s.dev/targets/web/patch.yaml"
  run "$LO" lint --root "$P" lok8s.dev
  [ "$status" -eq 0 ]
}

@test "lint warns about target objects Tilt cannot route and Secrets in plain text, with file and line" {
  lo_spec lok8s.dev local
  export LOK8S_ADDONS="$LO_SRC/addons"
  t="$P/clusters/lok8s.dev/targets/web"
  mkdir -p "$t/base"
  printf 'resources:\n  - app.yaml\n  - base\n' > "$t/kustomization.yaml"
  cat > "$t/app.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
---
apiVersion: v1
kind: Secret
metadata:
  name: db
  labels:
    lok8s.dev/name: web
stringData:
  password: hunter2
EOF
  # the base's kustomization labels its objects
  printf 'labels:\n  - pairs:\n      lok8s.dev/type: infra\nresources: [svc.yaml]\n' > "$t/base/kustomization.yaml"
  printf 'apiVersion: v1\nkind: Service\nmetadata:\n  name: db\n' > "$t/base/svc.yaml"
  run "$LO" lint --root "$P" lok8s.dev
  [ "$status" -eq 0 ]
  [[ "$output" == *"warning: clusters/lok8s.dev/targets/web/app.yaml:4: metadata.labels: ConfigMap settings has neither lok8s.dev/name nor lok8s.dev/type: the Tilt extension cannot route it"* ]]
  [[ "$output" == *"warning: clusters/lok8s.dev/targets/web/app.yaml:12: stringData: Secret db holds stringData in plain text in the target's sources"* ]]
  [[ "$output" != *"Service db"* ]]
  [[ "$output" != *"Secret db has neither"* ]]
  [[ "$output" == *"1 domain checked: 0 errors, 2 warnings"* ]]
  # labels of the target's own kustomization reach every object below it; the Secret stays a warning
  printf 'commonLabels:\n  lok8s.dev/name: web\nresources:\n  - app.yaml\n  - base\n' > "$t/kustomization.yaml"
  run "$LO" lint --root "$P" lok8s.dev
  [ "$status" -eq 0 ]
  [[ "$output" != *"ConfigMap settings"* ]]
  [[ "$output" == *"app.yaml:12: stringData: Secret db"* ]]
  [[ "$output" == *"0 errors, 1 warning"* ]]
  # a resource file kustomize cannot read is an error with its line
  printf 'apiVersion: v1\nkind: [ConfigMap\n' > "$t/base/svc.yaml"
  run "$LO" lint --root "$P" lok8s.dev
  [ "$status" -eq 1 ]
  [[ "$output" == *"error: clusters/lok8s.dev/targets/web/base/svc.yaml:"*"is not valid YAML"* ]]
}

@test "lint: a dev cluster must run its production cluster's Kubernetes version" {
  lo_spec example.com dev $'  network:\n    name: dev\n    cidr: 10.1.0.0/24\n  bootstrap: []\n  kubernetes:\n    version: v1.31.4\n'
  mkdir -p "$P/clusters/cluster.example.in.net"
  printf 'apiVersion: cluster.lok8s.dev/v1beta1\nkind: KubeOne\nmetadata:\n  name: prod\nspec:\n  kubernetes:\n    version: v1.32.5\n  cluster:\n    domain: cluster.example.in.net\n  dns:\n    domainFilter: example.com\n' \
    > "$P/clusters/cluster.example.in.net/cluster.lok8s.yaml"
  run "$LO" lint --root "$P"
  [ "$status" -eq 1 ]
  [[ "$output" == *"dev cluster runs Kubernetes v1.31.4 but production cluster 'cluster.example.in.net' (KubeOne) serving example.com runs v1.32.5"* ]]
  sed -i 's/v1.31.4/v1.32.5/' "$P/clusters/example.com/cluster.lok8s.yaml"
  run "$LO" lint --root "$P"
  [ "$status" -eq 0 ]
}

@test "dispatch runs the sibling binary, also through a symlink, else from PATH" {
  run "$LO" registry plan --root "$LO_SRC" -o json
  [ "$status" -eq 0 ]
  python3 - "$output" <<'EOF'
import json, sys
plan = json.loads(sys.argv[1])
assert [r["name"] for r in plan] == ["build", "cache", "io-docker", "io-quay", "io-k8s", "io-ghcr"], plan
for r in plan:
    assert sorted(r) == sorted(["name", "role", "ip", "hostname", "upstream", "container", "network", "port"]), r
assert plan[0] == {"name": "build", "role": "build", "ip": "10.125.125.101", "hostname": "lok8s.local", "upstream": "",
                   "container": "local-registry-build", "network": "local", "port": 443}, plan[0]
assert plan[2]["hostname"] == "docker.io" and plan[2]["upstream"] == "https://registry-1.docker.io"
EOF
  mkdir -p "$T/links"
  ln -s "$LO" "$T/links/kubectl-lo"
  run "$T/links/kubectl-lo" registry plan --root "$LO_SRC"
  [ "$status" -eq 0 ]
  [[ "$output" == *"local-registry-build"* ]]
  cp "$LO" "$T/links/copy-of-kubectl-lo"
  run env PATH="$T/links:$LO_BIN:/usr/bin:/bin" "$T/links/copy-of-kubectl-lo" registry plan --root "$LO_SRC"
  [ "$status" -eq 0 ]
  run env PATH="$T/links:/usr/bin:/bin" "$T/links/copy-of-kubectl-lo" registry plan --root "$LO_SRC"
  [ "$status" -eq 1 ]
  [[ "$output" == *"cannot find lo-registry"* ]]
}

@test "real kubectl lists the plugins and runs them" {
  run env PATH="$LO_BIN:$PATH" kubectl plugin list
  [[ "$output" == *"$LO_BIN/kubectl-lo"* ]]
  [[ "$output" == *"$LO_BIN/kubectl-lo-build"* ]]
  [[ "$output" == *"$LO_BIN/kubectl-lo-deploy"* ]]
  lo_spec lok8s.dev local
  cd "$P"
  run env PATH="$LO_BIN:$PATH" kubectl lo use
  [ "$status" -eq 0 ]
  [[ "$output" == *"lok8s.dev"*"Lo"* ]]
  run env PATH="$LO_BIN:$PATH" kubectl lo build --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"Usage:"* ]]
  [[ "$output" == *"build"* ]]
}
