#!/usr/bin/env bats
# The Tilt extension (tilt/lo/Tiltfile) evaluated by the real Tilt: `tilt
# alpha tiltfile-result` over the shop fixture (tests/fixtures/tilt/shop),
# with the real kubectl-lo binaries building the objects (no canned YAML).
# Tilt needs no cluster for this (no kubeconfig: no context to refuse).
# Assertions read tilt_summary.py's digest of Tilt's JSON: resources, their
# objects and images, image builds with their live update steps, port
# forwards, links, labels, resource deps, custom deploys.

bats_require_minimum_version 1.5.0
load lib/tools

setup() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  : "${LO_SRC:?LO_SRC must point at the source tree}"
  require_tool tilt
  T="$(mktemp -d)"
  P="$T/shop"
  cp -r "$LO_FIXTURES/tilt/shop" "$P"
  export HOME="$T/home" TILT_DISABLE_ANALYTICS=1 KUBECONFIG="$T/no-kubeconfig" NO_COLOR=1 SHOP_NPM_TOKEN=t0k
  export PATH="$LO_BIN:$PATH"
  unset DOMAIN_NAME PATH_CLUSTERS LOK8S_SERVICE_CONFIG TILT_PORT
  SUMMARY="$LO_SRC/tests/e2e/lib/tilt_summary.py"
}

teardown() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$T"
}

# tiltfile [CALL]: the project's Tiltfile, loading the extension from the tree.
tiltfile() {
  printf "load('%s/tilt/lo/Tiltfile', 'lok8s')\n%s\n" "$LO_SRC" "${1:-lok8s()}" > "$P/Tiltfile"
}

# lines LINE...: the project's Tiltfile, as written.
lines() { printf '%s\n' "$@" > "$P/Tiltfile"; }

# services < yaml: the project's services.yaml.
services() { cat > "$P/services.yaml"; }

# evaluate: runs Tilt on the project; $status is Tilt's exit code, its
# stderr (the Tiltfile's log) is in $T/tilt.err, the digest in $T/s.json.
evaluate() {
  run bash -c 'cd "$1" && tilt alpha tiltfile-result -v > "$2/result.json" 2> "$2/tilt.err"' _ "$P" "$T"
  if [ "$status" -eq 0 ]; then python3 "$SUMMARY" "$T/result.json" "$P" > "$T/s.json"; fi
}

# evaluate_ok: evaluate, which must succeed (Tilt's log shown when not).
evaluate_ok() {
  evaluate
  [ "$status" -eq 0 ] || { cat "$T/tilt.err"; return 1; }
}

q() { jq -c "$1" "$T/s.json"; }
log_has() { grep -qF -- "$1" "$T/tilt.err" || { echo "not in Tilt's log: $1"; cat "$T/tilt.err"; return 1; }; }

all_services() {
  services <<'EOF'
apiVersion: services.lok8s.dev/v1beta1
kind: Services
registry:
  endpoint: https://registry.example.com
  branch: team
  tag: "1.2"
services:
  api: {}
  web: {enabled: false}
  core: {}
  worker: {build: false}
  db: {image: "postgres:16.3"}
EOF
}

@test "no services.yaml: every object is applied, system workloads grouped by category, nothing built" {
  tiltfile
  evaluate_ok
  [ "$(q '.builds | length')" = 0 ]
  [ "$(q '.resources["ingress-controller"].labels')" = '["networking"]' ]
  [ "$(q '.resources["dns-sync:deployment:ingress"].labels')" = '["system"]' ]
  # without services every app is a leftover, applied as written (upstream returned before the leftovers: B2)
  [ "$(q '.resources.api.objects')" = '["Deployment//api","Service//api"]' ]
  [ "$(q '.resources.api.images')" = '{"Deployment/api/api":"lok8s.local/api"}' ]
  [ "$(q '.resources.web.images')" = '{"Deployment/web/web":"lok8s.local/web:dev"}' ]
  [ "$(q '.resources.uncategorized.objects')" = '["ConfigMap//shop-settings","Namespace//ingress"]' ]
  log_has "no services defined"
  log_has "16 object(s) without a lok8s.dev/type or lok8s.dev/name label that matches: applied"
  # Tilt watches the domain's spec and targets, and the services files to come
  [ "$(q '[.config_files[] | select(. == "clusters/lok8s.dev/targets" or . == "clusters/lok8s.dev/cluster.lok8s.yaml" or . == "services.yaml")] | length')" = 3 ]
}

@test "two services, one disabled: the enabled one built with its live update, ports, links, labels and deps; the disabled one not applied" {
  services <<'EOF'
services:
  api: {}
  web: {enabled: false}
EOF
  tiltfile
  evaluate_ok
  [ "$(q '.builds | keys')" = '["lok8s.local/api"]' ]
  [ "$(q '.builds["lok8s.local/api"] | [.context, .dockerfile, .target, .args]')" = '["api","FROM node:20 AS dev\nWORKDIR /app\n","dev",["SHOP_NPM_TOKEN=t0k"]]' ]
  [ "$(q '.builds["lok8s.local/api"] | [.stop, .syncs, .runs, .run_triggers]')" = '[["api/package.json"],["api/src:/app/src"],["npm install"],[["package-lock.json"]]]' ]
  [ "$(q '.builds["lok8s.local/api"].ignores[] | select(.base == "api") | .patterns')" = '["node_modules"]' ]
  [ "$(q '.resources.api | [.builds, .ports, .links, .labels, .objects]')" = '[["lok8s.local/api"],["8080:80"],["http://localhost:8080/healthz","http://localhost:8080/docs"],["shop"],["Deployment//api","Service//api"]]' ]
  # api depends on db: no service here, but its objects are applied as leftovers, so the resource exists
  [ "$(q '.resources.api.deps')" = '["db"]' ]
  # web: no image, no objects anywhere
  [ "$(q '[.resources[] | .objects[]? | select(test("//web$"))] | length')" = 0 ]
  log_has "[ web ] disabled: 2 object(s) not applied"
  # the services without an entry stay leftovers and are applied
  [ "$(q '.resources.worker.images')" = '{"Deployment/worker/worker":"lok8s.local/worker"}' ]
}

@test "components: one image per component from the service's folder, the service's labels on each" {
  services <<'EOF'
services:
  core: {}
EOF
  tiltfile
  evaluate_ok
  [ "$(q '.builds | keys')" = '["lok8s.local/core-api","lok8s.local/core-operator"]' ]
  [ "$(q '.builds["lok8s.local/core-api"] | [.context, .dockerfile, .syncs]')" = '["core","FROM golang:1.23\n",["core/api:/srv/api"]]' ]
  [ "$(q '.builds["lok8s.local/core-operator"] | [.context, .dockerfile]')" = '["core","FROM golang:1.23 AS op\n"]' ]
  [ "$(q '.builds["lok8s.local/core-operator"].ignores[] | select(.base == "core") | .patterns')" = '["**","!operator/"]' ]
  [ "$(q '.resources["core-api"] | [.builds, .labels, .ports]')" = '[["lok8s.local/core-api"],["core"],["18080:8080"]]' ]
  [ "$(q '.resources["core-operator"] | [.builds, .labels, .ports]')" = '[["lok8s.local/core-operator"],["core"],[]]' ]
  # no image named after the service itself
  [ "$(q '.builds["lok8s.local/core"]')" = null ]
}

@test "build: false: nothing built, pods run <endpoint>/<branch>/<service>:<tag>; without an endpoint a warning" {
  all_services
  tiltfile
  evaluate_ok
  [ "$(q '.builds["lok8s.local/worker"]')" = null ]
  [ "$(q '.resources.worker | [.images, .ports]')" = '[{"Deployment/worker/worker":"registry.example.com/team/worker:1.2"},["19000:9000"]]' ]
  log_has "[ worker ] build: false: runs images from https://registry.example.com"
  services <<'EOF'
services:
  worker: {build: false}
EOF
  evaluate
  [ "$status" -eq 0 ]
  [ "$(q '.resources.worker.images')" = '{"Deployment/worker/worker":"lok8s.local/worker"}' ]
  log_has "[ worker ] build: false and no registry.endpoint: nothing provides lok8s.local/worker"
}

@test "an image-pinned service runs the pinned reference, is not built, keeps its port forward and labels" {
  all_services
  tiltfile
  evaluate_ok
  [ "$(q '.builds["lok8s.local/db"]')" = null ]
  [ "$(q '.resources.db | [.images, .ports, .labels]')" = '[{"Deployment/db/db":"postgres:16.3"},["15432:5432"],["data"]]' ]
  log_has "[ db ] pinned to postgres:16.3, not built"
  # api's dependency on db now resolves
  [ "$(q '.resources.api.deps')" = '["db"]' ]
  # a digest pin with a registry port is taken whole (upstream split it at the last ':')
  sed -i 's|image: "postgres:16.3"|image: "registry.example.com:5000/db@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"|' "$P/services.yaml"
  evaluate
  [ "$status" -eq 0 ]
  [ "$(q '.resources.db.images[]')" = '"registry.example.com:5000/db@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"' ]
}

@test "system types: each listed type applied first, its workloads labelled by lok8s.dev/category, else by the type" {
  tiltfile "lok8s(system_types=['system', 'observability'])"
  evaluate_ok
  [ "$(q '.resources["ingress-controller"].labels')" = '["networking"]' ]
  [ "$(q '.resources["node-exporter"].labels')" = '["observability"]' ]
  # two workloads named dns-sync: Tilt names them by kind and namespace, and each gets its own label
  # (upstream warned and left both unlabelled)
  [ "$(q '.resources["dns-sync:deployment:ingress"].labels')" = '["system"]' ]
  [ "$(q '.resources["dns-sync:deployment:monitoring"].labels')" = '["observability"]' ]
  log_has "[ system ] 3 object(s)"
  log_has "[ observability ] 2 object(s)"
  # with only the default type, observability objects are leftovers: applied, unlabelled
  tiltfile
  evaluate
  [ "$(q '.resources["node-exporter"].labels')" = '[]' ]
}

@test "unlabeled leftovers, default: applied with one line saying how many" {
  all_services
  tiltfile
  evaluate_ok
  [ "$(q '.resources["legacy-migrate"].objects')" = '["Job//legacy-migrate"]' ]
  [ "$(q '.resources["node-exporter"].objects')" = '["DaemonSet/monitoring/node-exporter"]' ]
  [ "$(q '.resources.uncategorized.objects')" = '["ConfigMap//shop-settings","Namespace//ingress"]' ]
  log_has "4 object(s) without a lok8s.dev/type or lok8s.dev/name label that matches: applied"
}

@test "unlabeled leftovers, apply_unlabeled=False: not applied, one warning each" {
  all_services
  tiltfile "lok8s(apply_unlabeled=False)"
  evaluate_ok
  [ "$(q '.resources["legacy-migrate"]')" = null ]
  [ "$(q '.resources.uncategorized.objects')" = '["Namespace//ingress"]' ]
  log_has "[ unlabeled ] ConfigMap shop-settings: no lok8s.dev/{type,name} label that matches"
  log_has "[ unlabeled ] Job legacy-migrate: no lok8s.dev/{type,name} label that matches"
  log_has "[ unlabeled ] DaemonSet monitoring/node-exporter: no lok8s.dev/{type,name} label that matches"
  log_has "[ unlabeled ] Deployment monitoring/dns-sync: no lok8s.dev/{type,name} label that matches"
  log_has "dropped 4 object(s) (apply_unlabeled=False)"
}

@test "unlabeled leftovers, strict_unlabeled=True fails naming them (alone: the documented CI call works); with apply_unlabeled=True it is refused" {
  all_services
  tiltfile "lok8s(strict_unlabeled=True, system_types=['system', 'observability'])"
  evaluate
  [ "$status" -eq 5 ]
  log_has "[ unlabeled ] Job legacy-migrate"
  log_has "lok8s(): 2 object(s) match no system type and no service (strict_unlabeled=True)"
  # once every object is labelled, the strict call passes
  rm "$P/clusters/lok8s.dev/targets/apps/legacy.yaml"
  sed -i '/legacy.yaml/d' "$P/clusters/lok8s.dev/targets/apps/kustomization.yaml"
  evaluate_ok
  tiltfile "lok8s(strict_unlabeled=True, apply_unlabeled=True)"
  evaluate
  [ "$status" -eq 5 ]
  log_has "lok8s(): strict_unlabeled and apply_unlabeled are mutually exclusive: pick one"
}

@test "deploy='lo': one k8s_custom_deploy per target, applied by kubectl lo deploy -o yaml with the built and pinned images" {
  all_services
  tiltfile "lok8s(deploy='lo')"
  evaluate_ok
  [ "$(q '[.resources[] | select(.kind == "custom")] | length')" = 2 ]
  [ "$(q '.resources.apps.apply[:4]')" = '["sh","-c","exec \"$@\" \"--image=lok8s.local/api=$TILT_IMAGE_0\" \"--image=lok8s.local/core-api=$TILT_IMAGE_1\" \"--image=lok8s.local/core-operator=$TILT_IMAGE_2\"","sh"]' ]
  [ "$(q '.resources.apps.apply[4:]')" = '["kubectl-lo","deploy","lok8s.dev","apps","-o","yaml","--wait=false","--image=lok8s.local/db=postgres:16.3","--image=lok8s.local/worker=registry.example.com/team/worker:1.2"]' ]
  [ "$(q '.resources.apps.image_deps')" = '["lok8s.local_api","lok8s.local_core-api","lok8s.local_core-operator"]' ]
  [ "$(q '.resources.apps.delete')" = '["kubectl","delete","--ignore-not-found","--wait=false","-f","clusters/lok8s.dev/artifacts/apps/artifacts.yaml"]' ]
  [ "$(q '.resources.apps.apply_dir')" = '"."' ]
  [ "$(q '.resources.platform.apply')" = '["kubectl-lo","deploy","lok8s.dev","platform","-o","yaml","--wait=false"]' ]
  # service settings land on the target that holds the service
  [ "$(q '.resources.apps.ports')" = '["8080:80","18080:8080","15432:5432","19000:9000"]' ]
  [ "$(q '.resources.apps.labels')" = '["core","data","shop"]' ]
  [ "$(q '.builds | keys')" = '["lok8s.local/api","lok8s.local/core-api","lok8s.local/core-operator"]' ]
  # lo built the artifacts the deploys read
  [ -f "$P/clusters/lok8s.dev/artifacts/apps/artifacts.yaml" ]
  log_has "[ web ] disabled, but deploy='lo' applies target apps whole: its 2 object(s) are applied"
}

@test "deploy='lo': the apply command, run as Tilt runs it, applies the target through the API and prints the objects" {
  APISERVER="$LO_BIN/../tests/lo-test-apiserver"
  [ -x "$APISERVER" ] || skip "lo-test-apiserver is not built"
  all_services
  tiltfile "lok8s(deploy='lo')"
  evaluate_ok
  mkdir -p "$T/srv"
  "$APISERVER" --dir "$T/srv" --workload-delay-ms 50 > "$T/server.log" 2>&1 3>&- &
  SERVER_PID=$!
  for _ in $(seq 200); do [ -s "$T/srv/url" ] && break; sleep 0.05; done
  mkdir -p "$P/.kubeconfig" && cp "$T/srv/kubeconfig-cert.yaml" "$P/.kubeconfig/local.yaml"
  jq -r '.resources.apps.apply[]' "$T/s.json" > "$T/apply.argv"
  mapfile -t argv < "$T/apply.argv"
  # Tilt's environment for a custom deploy: the cluster references of the images it built
  run env TILT_IMAGE_0=lok8s.local/lok8s.local_api:tilt-0a1b2c TILT_IMAGE_1=lok8s.local/lok8s.local_core-api:tilt-3d4e5f \
    TILT_IMAGE_2=lok8s.local/lok8s.local_core-operator:tilt-6a7b8c \
    bash -c 'cd "$1" && out=$2 && shift 2 && "$@" > "$out"' _ "$P" "$T/applied.yaml" "${argv[@]}"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  # stdout: the applied objects as a YAML stream, as Tilt's custom deploy expects
  python3 - "$T/applied.yaml" <<'EOF'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
images = {d["metadata"]["name"]: d["spec"]["template"]["spec"]["containers"][0]["image"] for d in docs if d["kind"] == "Deployment"}
assert images["api"] == "lok8s.local/lok8s.local_api:tilt-0a1b2c", images
assert images["core-operator"] == "lok8s.local/lok8s.local_core-operator:tilt-6a7b8c", images
assert images["worker"] == "registry.example.com/team/worker:1.2", images
assert images["db"] == "postgres:16.3", images
assert all(d["metadata"].get("uid") for d in docs), "objects as the server returned them"
EOF
  run kubectl --kubeconfig "$T/srv/kubeconfig-cert.yaml" get deployment api -o jsonpath='{.spec.template.spec.containers[0].image}'
  [ "$output" = "lok8s.local/lok8s.local_api:tilt-0a1b2c" ]
  # --image on its own: a name no container runs is a warning, a malformed flag a usage error
  cd "$P"
  run --separate-stderr kubectl-lo deploy lok8s.dev apps --wait=false --image lok8s.local/nothing=x:1
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"warning: --image lok8s.local/nothing=x:1: no container runs lok8s.local/nothing in apps"* ]]
  run kubectl-lo deploy lok8s.dev apps --image lok8s.local/api
  [ "$status" -eq 2 ]
  [[ "$output" == *"invalid --image 'lok8s.local/api': no '='"* ]]
  run kubectl-lo deploy lok8s.dev apps --image lok8s.local/api:1=x
  [ "$status" -eq 2 ]
}

@test "the extension loads by relative path (a vendored copy) and as an extension repo (file://)" {
  all_services
  mkdir -p "$P/.lok8s" && cp -r "$LO_SRC/tilt" "$P/.lok8s/tilt"
  lines "load('./.lok8s/tilt/lo/Tiltfile', 'lok8s')" "lok8s()"
  evaluate_ok
  [ "$(q '.builds | keys')" = '["lok8s.local/api","lok8s.local/core-api","lok8s.local/core-operator"]' ]
  # ext://lo with the repo registered and the extension pointing into it
  lines "v1alpha1.extension_repo(name='lo', url='file://$LO_SRC/tilt')" \
    "v1alpha1.extension(name='lo', repo_name='lo', repo_path='lo')" "load('ext://lo', 'lok8s')" "lok8s()"
  evaluate_ok
  [ "$(q '.builds | keys')" = '["lok8s.local/api","lok8s.local/core-api","lok8s.local/core-operator"]' ]
  [ "$(q '[.config_files[] | select(. == "'"$LO_SRC"'/tilt/lo/Tiltfile")] | length')" = 1 ]
  # or with load_host: ext://lo/lo
  lines "v1alpha1.extension_repo(name='lo-repo', url='file://$LO_SRC/tilt', load_host='lo')" "load('ext://lo/lo', 'lok8s')" "lok8s()"
  evaluate_ok
  [ "$(q '.resources.api.builds')" = '["lok8s.local/api"]' ]
}

@test "the domain: DOMAIN_NAME (as kubectl lo up sets it), else clusters/.active, else lok8s(domain=...)" {
  tiltfile
  echo staging.example.com > "$P/clusters/.active"
  evaluate_ok
  [ "$(q '.resources["staging-api"].objects')" = '["Deployment//staging-api","Service//staging-api"]' ]
  [ "$(q '.resources["ingress-controller"]')" = null ]
  DOMAIN_NAME=lok8s.dev evaluate
  [ "$(q '.resources.api.objects')" = '["Deployment//api","Service//api"]' ]
  tiltfile "lok8s(domain='lok8s.dev')"
  evaluate
  [ "$(q '.resources.api.objects')" = '["Deployment//api","Service//api"]' ]
  tiltfile
  DOMAIN_NAME=nope.example.com evaluate
  [ "$status" -eq 5 ]
  log_has "lok8s(): domain nope.example.com has no folder"
}

@test "a profile: LOK8S_SERVICE_CONFIG merges services.<profile>.yaml over services.yaml, and Tilt watches it" {
  all_services
  printf 'services:\n  web:\n    enabled: true\n  core:\n    enabled: false\n' > "$P/services.local.yaml"
  tiltfile
  LOK8S_SERVICE_CONFIG=local evaluate
  [ "$status" -eq 0 ] || cat "$T/tilt.err"
  [ "$(q '.builds | keys')" = '["lok8s.local/api","lok8s.local/web"]' ]
  [ "$(q '.resources.web.ports')" = '["3000:80"]' ]
  [ "$(q '[.config_files[] | select(. == "services.local.yaml")] | length')" = 1 ]
}

@test "dockerfile: production swaps lok8s.Dockerfile for Dockerfile and drops live update; namespace moves a service's objects" {
  services <<'EOF'
services:
  api:
    dockerfile: production
    namespace: shop
EOF
  tiltfile
  evaluate_ok
  [ "$(q '.builds["lok8s.local/api"] | [.dockerfile, .syncs, .runs, .stop]')" = '["FROM node:20-slim\nWORKDIR /app\n",[],[],[]]' ]
  [ "$(q '.resources.api.objects')" = '["Deployment/shop/api","Service/shop/api"]' ]
}

@test "settings and failures: upsert_timeout reaches Tilt; a missing build_args variable and a malformed lok8s.yaml fail with what to fix" {
  services <<'EOF'
services:
  api: {}
EOF
  tiltfile "lok8s(upsert_timeout=45)"
  evaluate
  [ "$status" -eq 0 ]
  [ "$(q '.resources.api.timeout')" = '"45s"' ]
  unset SHOP_NPM_TOKEN
  evaluate
  [ "$status" -eq 5 ]
  log_has "lok8s(): [ api ] build_args: the environment variable SHOP_NPM_TOKEN is not set"
  export SHOP_NPM_TOKEN=t0k
  sed -i 's/remote_path: \/app\/src/remote_pth: \/app\/src/' "$P/api/lok8s.yaml"
  evaluate
  [ "$status" -eq 5 ]
  log_has "api/lok8s.yaml:11:27: build.live_update.sync[0].remote_pth: unknown key"
  log_has "api/lok8s.yaml:11:9: build.live_update.sync[0].remote_path: is required"
}

@test "hooks: a cmd hook becomes a '» name' local resource; a do hook uses a verb of lok8s(hooks=...); an unknown verb fails" {
  services <<'EOF'
services:
  api: {}
EOF
  cat >> "$P/api/lok8s.yaml" <<'EOF'
  hooks:
    - name: seed
      cmd: ./seed.sh
      deps: [seed.sh]
      resource_deps: [api]
    - name: bounce
      do: restart
      targets: {app: api}
      resource_deps: ['hook:seed']
EOF
  tiltfile "lok8s(hooks={'restart': 'kubectl rollout restart deployment'})"
  evaluate_ok
  [ "$(q '.resources["» seed"] | [.kind, .cmd, .dir, .deps, .watch, .labels]')" = '["local",["sh","-c","./seed.sh"],"api",["api"],["api/seed.sh"],["shop"]]' ]
  [ "$(q '.resources["» seed"].env | map(select(startswith("LOK8S_")))')" = '["LOK8S_HOOK=seed","LOK8S_SERVICE=api"]' ]
  [ "$(q '.resources["» bounce"] | [.cmd, .deps]')" = '[["sh","-c","kubectl rollout restart deployment --selector app=api"],["» seed"]]' ]
  tiltfile
  evaluate
  [ "$status" -eq 5 ]
  log_has "hook bounce: do: restart is not a verb here"
}

@test "tilt/lo/test (the tilt-extensions style test project) evaluates: one built service with its live update and port forward" {
  cp -r "$LO_SRC/tilt" "$T/tilt"
  P="$T/tilt/lo/test"
  evaluate_ok
  [ "$(q '.resources.hello | [.builds, .ports, .labels, .objects]')" = '[["lok8s.local/hello"],["18000:8000"],["test"],["Deployment//hello","Service//hello"]]' ]
  [ "$(q '.builds["lok8s.local/hello"].syncs')" = '["hello/www:/www"]' ]
  bash -n "$T/tilt/lo/test/test.sh"
}
