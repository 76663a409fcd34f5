#!/usr/bin/env bats
# kubectl lo bootstrap end to end: the real binaries against the test API
# server (a fresh one per test), real kustomize (kubectl's), real helm for
# chart addons, and provision on the Lo driver's docker/kind fakes. Ordering
# is checked on the server: resourceVersion is one global counter, so an
# object written later has a larger one.

bats_require_minimum_version 1.5.0
load lib/tools
load lib/plan_parity

setup() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  : "${LO_SRC:?LO_SRC must point at the source tree}"
  LO="$LO_BIN/kubectl-lo"
  APISERVER="$LO_BIN/../tests/lo-test-apiserver"
  T="$(mktemp -d)"
  S="$T/srv"
  P="$T/project"
  mkdir -p "$S" "$P/clusters" "$P/.kubeconfig"
  unset DOMAIN_NAME PATH_CLUSTERS LOK8S_HOME
  export NO_COLOR=1 HOME="$T/home" KUBECONFIG="$T/no-such-kubeconfig"
  # Nothing may leave the machine: helm's downloads go to a closed local port.
  export HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 NO_PROXY=127.0.0.1,localhost
  export https_proxy=$HTTPS_PROXY http_proxy=$HTTP_PROXY no_proxy=$NO_PROXY
  export HELM_CACHE_HOME="$T/helm/cache" HELM_CONFIG_HOME="$T/helm/config" HELM_DATA_HOME="$T/helm/data"
  start_server --workload-delay-ms 100
  lo_spec lok8s.dev local
  cp "$S/kubeconfig-cert.yaml" "$P/.kubeconfig/local.yaml"
}

teardown() {
  [ -f "$P/clusters/lok8s.dev/.tilt/state.json" ] && kubectl-lo tilt down --root "$P" lok8s.dev >/dev/null 2>&1
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$T"
}

start_server() {
  "$APISERVER" --dir "$S" "$@" >"$T/server.log" 2>&1 3>&- &
  SERVER_PID=$!
  for _ in $(seq 200); do [ -s "$S/url" ] && break; sleep 0.05; done
  [ -s "$S/url" ] || { cat "$T/server.log"; return 1; }
}

k() { kubectl --kubeconfig "$S/kubeconfig-cert.yaml" "$@"; }

# lo_spec DOMAIN NAME [EXTRA]: a Lo cluster spec; EXTRA is appended under spec:.
lo_spec() {
  mkdir -p "$P/clusters/$1"
  printf 'apiVersion: cluster.lok8s.dev/v1beta1\nkind: Lo\nmetadata:\n  name: %s\nspec:\n  cluster:\n    domain: %s\n%s' \
    "$2" "$1" "${3:-}" > "$P/clusters/$1/cluster.lok8s.yaml"
}

# bootstrap_list YAML: sets spec.bootstrap of lok8s.dev (YAML under "bootstrap:").
bootstrap_list() { lo_spec lok8s.dev local "  bootstrap:
$1
"; }

# addon NAME FILE < yaml: a file of a project addon (a kustomization listing
# every *.yaml of the addon is written too).
addon() {
  local d="$P/.lok8s/addons/$1"
  mkdir -p "$d"
  cat > "$d/$2"
  (cd "$d" && { echo "resources:"; for f in *.yaml; do [ "$f" = kustomization.yaml ] || echo "  - $f"; done; } > kustomization.yaml)
}

# rv KIND NAME [NS]: the object's resourceVersion as a number.
rv() { k get "$1" "$2" -n "${3:-default}" -o jsonpath='{.metadata.resourceVersion}'; }

configmap() { printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n  namespace: default\ndata:\n  stage: "%s"\n' "$1" "$1"; }

daemonset() { # NAME DELAY_MS
  printf 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: %s\n  namespace: default\n  annotations:\n    lo.test/ready-delay-ms: "%s"\nspec:\n  selector:\n    matchLabels: {app: %s}\n  template:\n    metadata:\n      labels: {app: %s}\n    spec:\n      containers:\n        - {name: c, image: busybox}\n' \
    "$1" "$2" "$1" "$1"
}

deployment() { # NAME DELAY_MS [BEHAVIOR]
  printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\n  namespace: default\n  annotations:\n    lo.test/ready-delay-ms: "%s"\n    lo.test/behavior: %s\nspec:\n  selector:\n    matchLabels: {app: %s}\n  template:\n    metadata:\n      labels: {app: %s}\n    spec:\n      containers:\n        - {name: c, image: busybox}\n' \
    "$1" "$2" "${3:-ready}" "$1" "$1"
}

@test "stages apply in order; the second waits for the first's DaemonSet" {
  daemonset cni 1500 | addon cni ds.yaml
  configmap after-cni | addon after cm.yaml
  bootstrap_list '    - cni
    - after'
  run "$LO" bootstrap --root "$P"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"[cni] stage 1/2: applying 1 objects"* ]]
  [[ "$output" == *"bootstrapped lok8s.dev: 2 stages applied and healthy"* ]]
  # the DaemonSet's last write is the controller marking it ready; the
  # second stage's ConfigMap came after it
  [ "$(k get ds cni -o jsonpath='{.status.numberReady}')" = 1 ]
  [ "$(rv configmap after-cni)" -gt "$(rv ds cni)" ]
  # the objects carry the field manager lo
  k get configmap after-cni -o jsonpath='{.metadata.managedFields[*].manager}' | grep -qw lo
}

@test "with wait: false the next stage does not wait" {
  daemonset cni 2000 | addon cni ds.yaml
  configmap after-cni | addon after cm.yaml
  bootstrap_list '    - cni: {wait: false}
    - after'
  run "$LO" bootstrap --root "$P"
  [ "$status" -eq 0 ]
  [[ "$output" == *"[cni] stage done: 1 objects (1 created, 0 configured, 0 unchanged), 1 workloads not waited for"* ]]
  for _ in $(seq 100); do [ "$(k get ds cni -o jsonpath='{.status.numberReady}')" = 1 ] && break; sleep 0.1; done
  [ "$(rv configmap after-cni)" -lt "$(rv ds cni)" ]
}

@test "a webhook that fails for a few seconds is retried until its service is up" {
  addon hook backend.yaml <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hook-backend
  namespace: default
  annotations: {lo.test/ready-delay-ms: "2500"}
spec:
  selector: {matchLabels: {app: hook}}
  template:
    metadata: {labels: {app: hook}}
    spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: Service
metadata: {name: hook-svc, namespace: default}
spec:
  selector: {app: hook}
  ports: [{port: 443}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: pools.example.com}
webhooks:
  - name: pools.example.com
    admissionReviewVersions: [v1]
    sideEffects: None
    clientConfig:
      service: {name: hook-svc, namespace: default, path: /validate}
    rules:
      - operations: [CREATE, UPDATE]
        apiGroups: [""]
        apiVersions: [v1]
        resources: [configmaps]
    objectSelector:
      matchLabels: {hooked: "true"}
EOF
  addon pool cm.yaml <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata: {name: pool, namespace: default, labels: {hooked: "true"}}
data: {addresses: 10.0.0.1-10.0.0.9}
EOF
  bootstrap_list '    - hook: {wait: false}
    - pool'
  run "$LO" bootstrap --root "$P" -v=1
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"retrying PATCH /api/v1/namespaces/default/configmaps/pool"*"after 500"* ]]
  [ "$(k get configmap pool -o jsonpath='{.data.addresses}')" = "10.0.0.1-10.0.0.9" ]
  [ "$(rv configmap pool)" -gt "$(rv deploy hook-backend)" ]

  # bounded: a webhook that never comes up fails the stage, named
  k delete configmap pool >/dev/null
  k annotate deploy hook-backend lo.test/behavior=stuck --overwrite >/dev/null
  k patch deploy hook-backend --type merge -p '{"spec":{"replicas":2}}' >/dev/null
  k patch deploy hook-backend --subresource status --type merge -p '{"status":{"availableReplicas":0,"readyReplicas":0}}' >/dev/null
  run "$LO" bootstrap --root "$P" pool --timeout 3s
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *'failed calling webhook "pools.example.com"'*'no endpoints available for service "hook-svc"'* ]]
  [[ "$output" == *'stage pool: admission webhook "pools.example.com" still could not be called after'* ]]
  run k get configmap pool
  [ "$status" -ne 0 ]
}

@test "a failing stage stops the run, names the stage, its objects, the reason and the stages not applied" {
  configmap first | addon first cm.yaml
  deployment broken 100 fail | addon broken deploy.yaml
  configmap last | addon last cm.yaml
  bootstrap_list '    - first
    - broken
    - last'
  run "$LO" bootstrap --root "$P"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"Deployment/default/broken: failed: "*"has timed out progressing"* ]]
  [[ "$output" == *"stage broken: 1 of 1 workloads failed"* ]]
  [[ "$output" == *"bootstrap of lok8s.dev failed at stage broken; not applied: last (after broken failed); applied: first"* ]]
  [[ "$output" == *"kubectl lo bootstrap lok8s.dev broken last"* ]]
  k get configmap first >/dev/null
  run k get configmap last
  [ "$status" -ne 0 ]
}

@test "dependsOn: independent entries run at once; a failure skips only its dependents" {
  { configmap a-cm; echo ---; daemonset a-ds 1500; } | addon a all.yaml
  { configmap b-cm; echo ---; deployment b-deploy 1500; } | addon b all.yaml
  configmap c-cm | addon c cm.yaml
  configmap d-cm | addon d cm.yaml
  bootstrap_list '    - a: {dependsOn: []}
    - b: {dependsOn: []}
    - c: {dependsOn: [a]}
    - d: {dependsOn: [b]}'
  run "$LO" bootstrap --root "$P"
  echo "$output"
  [ "$status" -eq 0 ]
  # a and b both started before either was ready
  [ "$(rv configmap b-cm)" -lt "$(rv ds a-ds)" ]
  [ "$(rv configmap a-cm)" -lt "$(rv deploy b-deploy)" ]
  # dependents after their parents were healthy
  [ "$(rv configmap c-cm)" -gt "$(rv ds a-ds)" ]
  [ "$(rv configmap d-cm)" -gt "$(rv deploy b-deploy)" ]

  # --parallel 1: one at a time, in list order
  k delete configmap a-cm b-cm c-cm d-cm >/dev/null
  k delete ds a-ds >/dev/null && k delete deploy b-deploy >/dev/null
  run "$LO" bootstrap --root "$P" --parallel 1
  [ "$status" -eq 0 ]
  [ "$(rv configmap b-cm)" -gt "$(rv ds a-ds)" ]

  # a fails: c is skipped, b and d still apply
  k delete configmap a-cm b-cm c-cm d-cm >/dev/null
  { configmap a-cm; echo ---; deployment a-broken 100 fail; } | addon a all.yaml
  rm "$P/.lok8s/addons/a/all.yaml.orig" 2>/dev/null || true
  run "$LO" bootstrap --root "$P"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"failed at stage a; not applied: c (after a failed); applied: b, d"* ]]
  k get configmap d-cm >/dev/null
  run k get configmap c-cm
  [ "$status" -ne 0 ]
}

# A chart addon with a local chart: helm renders it with the layered values,
# the addon's kustomization post-processes it.
demo_chart_addon() {
  local d="$P/.lok8s/addons/demo"
  mkdir -p "$d/chart/templates"
  printf 'chart: ./chart\nrelease: demo\nnamespace: demo-ns\n' > "$d/chart.yaml"
  printf 'apiVersion: v2\nname: demo\nversion: 0.1.0\n' > "$d/chart/Chart.yaml"
  printf 'color: grey\nsize: small\nremoved: chart-default\nport: 80\n' > "$d/chart/values.yaml"
  cat > "$d/chart/templates/all.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-values
  namespace: {{ .Release.Namespace }}
data:
  color: {{ .Values.color | quote }}
  size: {{ .Values.size | quote }}
  removed: {{ .Values.removed | quote }}
  nested: {{ printf "a=%v b=%v" .Values.nested.a .Values.nested.b | quote }}
  list: {{ join "," .Values.list | quote }}
  domain: {{ .Values.domain | quote }}
  greeting: {{ .Values.greeting | quote }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Release.Namespace }}
spec:
  selector: {matchLabels: {app: demo}}
  template:
    metadata: {labels: {app: demo}}
    spec:
      containers:
        - name: demo
          image: busybox
          env:
            - name: PORT
              value: {{ .Values.port | quote }}
EOF
  cat > "$d/values.yaml" <<'EOF'
# base
color: blue
removed: layered
nested: {a: 1, b: 2}
list: [x, y]
domain: ${LOK8S_SPEC_CLUSTER_DOMAIN}
greeting: ${LOK8S_USER_GREETING}
port: ${LOK8S_USER_PORT}
EOF
  printf 'nested: {b: 3}\nlist: [z]\n' > "$d/values.lo.yaml"
  printf '# only comments\n' > "$d/values.kubeone.yaml"
  printf 'color: red\nremoved: null\n' > "$d/values.hetzner.yaml"
  printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo-ns\n' > "$d/namespace.yaml"
  printf 'resources:\n  - namespace.yaml\nlabels:\n  - includeSelectors: false\n    pairs:\n      lok8s.dev/name: demo\n' > "$d/kustomization.yaml"
  lo_spec lok8s.dev local '  provider:
    name: hetzner
  bootstrap:
    - demo:
        values: {size: large}
        env: {LOK8S_USER_GREETING: hi, LOK8S_USER_PORT: "8080"}
'
}

@test "chart addons: helm renders a local chart with layered values, then the kustomization; cached" {
  require_tool helm
  demo_chart_addon
  # the merged values: base < lo < hetzner (provider) < inline; null removed
  # the key, the comment-only values.kubeone.yaml is not a layer of a Lo spec
  run "$LO" bootstrap --root "$P" --values demo
  [ "$status" -eq 0 ]
  python3 - "$output" <<'EOF'
import sys, yaml
v = yaml.safe_load(sys.argv[1])
assert v == {"color": "red", "nested": {"a": 1, "b": 3}, "list": ["z"],
             "domain": "${LOK8S_SPEC_CLUSTER_DOMAIN}", "greeting": "${LOK8S_USER_GREETING}",
             "port": "${LOK8S_USER_PORT}", "size": "large"}, v
EOF

  # --dry-run: the plan and the rendered stage, nothing applied
  run "$LO" bootstrap --root "$P" --dry-run
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"#   1. demo: project addon .lok8s/addons/demo; chart local chart ./chart, release demo in demo-ns; values values.yaml < values.lo.yaml < values.hetzner.yaml < inline; then its kustomization; env LOK8S_USER_GREETING, LOK8S_USER_PORT; wait until healthy"* ]]
  [[ "$output" == *"# stage 1/1: demo (3 objects, rendered now)"* ]]
  [[ "$output" == *"lok8s.dev/name: demo"* ]]
  [[ "$output" == *"value: \"8080\""* ]]
  run k get namespace demo-ns
  [ "$status" -ne 0 ]

  # the dry run kept nothing: the run renders (its plan's render step)
  run "$LO" bootstrap --root "$P" -v=1
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"[demo] rendered (not rendered before)"* ]]
  k get configmap -n demo-ns demo-values -o json > "$T/cm.json"
  python3 - "$T/cm.json" <<'EOF'
import json, sys
cm = json.load(open(sys.argv[1]))
assert cm["data"] == {"color": "red", "size": "large", "removed": "chart-default", "nested": "a=1 b=3",
                      "list": "z", "domain": "lok8s.dev", "greeting": "hi"}, cm["data"]
assert cm["metadata"]["labels"]["lok8s.dev/name"] == "demo", cm["metadata"]
EOF
  k get deploy -n demo-ns demo -o json > "$T/deploy.json"
  python3 - "$T/deploy.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
env = d["spec"]["template"]["spec"]["containers"][0]["env"]
assert env == [{"name": "PORT", "value": "8080"}], env
EOF
  # cached: nothing changed, nothing rendered; an edited values file renders again
  run "$LO" bootstrap --root "$P" -v=1
  [[ "$output" == *"[demo] rendered output is current (cache)"* ]]
  printf 'nested: {b: 4}\nlist: [z]\n' > "$P/.lok8s/addons/demo/values.lo.yaml"
  run "$LO" bootstrap --root "$P" -v=1
  [[ "$output" == *"[demo] rendered (its chart, merged values, "* ]]
  [ "$(k get configmap -n demo-ns demo-values -o jsonpath='{.data.nested}')" = "a=1 b=4" ]
  # a changed variable renders again too
  sed -i 's/LOK8S_USER_GREETING: hi/LOK8S_USER_GREETING: hello/' "$P/clusters/lok8s.dev/cluster.lok8s.yaml"
  run "$LO" bootstrap --root "$P" -v=1
  [ "$status" -eq 0 ]
  [[ "$output" == *"[demo] rendered ("* ]]
  [ "$(k get configmap -n demo-ns demo-values -o jsonpath='{.data.greeting}')" = "hello" ]
  # an edited kustomization (not a values file) is an input as well
  printf '  - includeSelectors: false\n    pairs:\n      extra: "yes"\n' >> "$P/.lok8s/addons/demo/kustomization.yaml"
  run "$LO" bootstrap --root "$P" -v=1
  [[ "$output" == *"[demo] rendered ("*"kustomization.yaml changed)"* ]]
  [ "$(k get configmap -n demo-ns demo-values -o jsonpath='{.metadata.labels.extra}')" = "yes" ]
}

@test "chart addons without helm: an error that says so and how to install it, nothing applied" {
  demo_chart_addon
  mkdir -p "$T/nohelm"
  ln -s "$(command -v kubectl)" "$T/nohelm/kubectl"
  run env PATH="$T/nohelm:/usr/bin:/bin" "$LO" bootstrap --root "$P"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"spec.bootstrap[0]: stage demo is a Helm chart (chart.yaml) and rendering it needs helm, which is not on PATH"* ]]
  [[ "$output" == *"go install helm.sh/helm/v3/cmd/helm@v3.22.0"* ]]
  run k get namespace demo-ns
  [ "$status" -ne 0 ]
}

@test "an unknown entry is an error listing where lo looked, before anything is applied" {
  configmap first | addon first cm.yaml
  bootstrap_list '    - first
    - nosuch'
  run "$LO" bootstrap --root "$P"
  [ "$status" -eq 1 ]
  [[ "$output" == *"spec.bootstrap[1]: entry 'nosuch' not found (looked in .lok8s/addons/nosuch, $(cd "$LO_BIN/.." && pwd)/share/lo/addons/nosuch)"* ]]
  run k get configmap first
  [ "$status" -ne 0 ]
}

# The Lo driver's docker/kind fakes, with this test's API server as the
# cluster the fake kind hands out.
lo_fakes() {
  export LO_FAKE_STATE="$T/world" CAROOT="$T/caroot" LO_FAKE_KUBECONFIG="$S/kubeconfig-cert.yaml"
  export PATH="$LO_SRC/tests/fakes/bin:$LO_BIN:$PATH"
  unset LO_FAKE_FAIL
  rm -rf "$P/clusters/lok8s.dev" "$P/.kubeconfig"
  cp -r "$LO_SRC/clusters/lok8s.dev" "$P/clusters/"
}

@test "provision on the Lo fakes ends with the spec's bootstrap applied (local-path-provisioner)" {
  lo_fakes
  printf '  bootstrap:\n    - local-path-provisioner\n' >> "$P/clusters/lok8s.dev/cluster.lok8s.yaml"
  run kubectl-lo provision --root "$P" lok8s.dev
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"[local-path-provisioner] stage done: 9 objects"*"1 workloads ready"* ]]
  [ "$(k get deploy -n local-path-storage local-path-provisioner -o jsonpath='{.status.availableReplicas}')" = 1 ]
  [ "$(k get storageclass local-path -o jsonpath='{.provisioner} {.metadata.labels.lok8s\.dev/name}')" = "rancher.io/local-path local-path-provisioner" ]
  # after the cluster: kind's ConfigMaps first, then the addon
  [ "$(rv deploy local-path-provisioner local-path-storage)" -gt "$(rv configmap lok8s-registries kube-system)" ]
  run kubectl-lo status --root "$P" lok8s.dev
  [ "$output" = "Running" ]
  # up runs the same bootstrap; --skip-bootstrap skips it
  run kubectl-lo provision --root "$P" lok8s.dev --skip-bootstrap
  [ "$status" -eq 0 ]
  [[ "$output" == *"bootstrap skipped (--skip-bootstrap): run 'kubectl lo bootstrap lok8s.dev'"* ]]
  [[ "$output" != *"[local-path-provisioner]"* ]]
  # --dry-run prints the bootstrap plan after the driver's
  run kubectl-lo provision --root "$P" lok8s.dev --dry-run
  [ "$status" -eq 0 ]
  [[ "$output" == *"1. local-path-provisioner: lo's addon local-path-provisioner; kustomize; wait until healthy"* ]]
}

@test "up runs the same bootstrap after the driver, before Tilt starts" {
  lo_fakes
  printf '  bootstrap:\n    - local-path-provisioner\n' >> "$P/clusters/lok8s.dev/cluster.lok8s.yaml"
  printf "load('%s/tilt/lo/Tiltfile', 'lok8s')\nlok8s()\n" "$LO_SRC" > "$P/Tiltfile"
  run env TILT_PORT=14361 kubectl-lo up --root "$P" lok8s.dev
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"[local-path-provisioner] stage done: 9 objects"*"Tilt is up for lok8s.dev"* ]]
  [ "$(k get deploy -n local-path-storage local-path-provisioner -o jsonpath='{.status.availableReplicas}')" = 1 ]
  grep -q "^up --port=14361 --file=$P/Tiltfile --stream | KUBECONFIG=$P/.kubeconfig/local.yaml | DOMAIN_NAME=lok8s.dev" "$LO_FAKE_STATE/tilt.log"
  # --skip-bootstrap: Tilt starts on a cluster lo did not bootstrap
  kubectl-lo tilt down --root "$P" lok8s.dev >/dev/null
  k delete namespace local-path-storage >/dev/null
  run env TILT_PORT=14361 kubectl-lo up --root "$P" lok8s.dev --skip-bootstrap
  [ "$status" -eq 0 ]
  [[ "$output" == *"bootstrap skipped (--skip-bootstrap)"*"Tilt is up for lok8s.dev"* ]]
  run k get namespace local-path-storage
  [ "$status" -ne 0 ]
}

@test "provision with the default [cilium] and no chart repository: stops at bootstrap, names cilium and the repository, the cluster stays" {
  require_tool helm
  lo_fakes
  run kubectl-lo provision --root "$P" lok8s.dev
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"stage cilium: helm could not reach the chart repository https://helm.cilium.io for chart cilium 1.19.2"* ]]
  [[ "$output" == *"Set spec.bootstrap explicitly without cilium (bootstrap: [] for none)"* ]]
  [[ "$output" == *"provision of lok8s.dev: the cluster is up and stays, but its bootstrap did not finish"* ]]
  [[ "$output" == *"'kubectl lo provision --skip-bootstrap' provisions without it"* ]]
  [[ "$output" == *"run 'kubectl lo bootstrap lok8s.dev'"* ]]
  run kubectl-lo status --root "$P" lok8s.dev
  [ "$output" = "Running" ]
  k get configmap -n kube-system lok8s-registries >/dev/null
  run kubectl-lo provision --root "$P" lok8s.dev --skip-bootstrap
  [ "$status" -eq 0 ]
}

@test "the shipped addons' merged values for Lo and KubeOne specs" {
  run "$LO" bootstrap --root "$P" --values cilium
  [ "$status" -eq 0 ]
  python3 - "$output" <<'EOF'
import sys, yaml
v = yaml.safe_load(sys.argv[1])
assert v["routingMode"] == "tunnel" and v["tunnelProtocol"] == "vxlan", v
assert v["ipam"] == {"mode": "cluster-pool", "operator": {"clusterPoolIPv4PodCIDRList": ["10.244.0.0/16"], "clusterPoolIPv4MaskSize": 24}}, v
assert v["operator"] == {"replicas": 1} and v["endpointRoutes"] == {"enabled": True}, v
EOF
  run "$LO" bootstrap --root "$P" --values metrics-server
  [[ "$output" == *"--kubelet-insecure-tls"* ]]
  run "$LO" bootstrap --root "$P" --values metallb
  [ "$output" = $'controller:\n  enabled: true\nspeaker:\n  enabled: true' ]
  mkdir -p "$P/clusters/cluster.example.com"
  cat > "$P/clusters/cluster.example.com/cluster.lok8s.yaml" <<'EOF'
apiVersion: cluster.lok8s.dev/v1beta1
kind: KubeOne
metadata:
  name: prod
spec:
  kubernetes:
    version: v1.32.5
  cluster:
    domain: cluster.example.com
  bootstrap: [cilium, ccm, metrics-server]
EOF
  run "$LO" bootstrap --root "$P" cluster.example.com --values cilium
  [ "$status" -eq 0 ]
  python3 - "$output" <<'EOF'
import sys, yaml
v = yaml.safe_load(sys.argv[1])
assert v["routingMode"] == "native" and v["autoDirectNodeRoutes"] is True, v
assert v["ipam"] == {"mode": "kubernetes"} and v["kubeProxyReplacement"] is True, v
assert v["k8sServiceHost"] == "${LOK8S_USER_API_HOST}" and v["k8sServicePort"] == "${LOK8S_USER_API_PORT}", v
assert v["hubble"]["relay"]["enabled"] is True, v
EOF
  # on Hetzner the provider's fact (tunnel) wins; null removed native routing's keys
  sed -i 's/^  bootstrap:/  provider:\n    name: hetzner\n  bootstrap:/' "$P/clusters/cluster.example.com/cluster.lok8s.yaml"
  run "$LO" bootstrap --root "$P" cluster.example.com --values cilium
  python3 - "$output" <<'EOF'
import sys, yaml
v = yaml.safe_load(sys.argv[1])
assert v["routingMode"] == "tunnel" and "autoDirectNodeRoutes" not in v and "ipv4NativeRoutingCIDR" not in v, v
assert v["k8sServiceHost"] == "${LOK8S_USER_API_HOST}", v
EOF
  run "$LO" bootstrap --root "$P" cluster.example.com --values ccm
  [ "$output" = $'networking:\n  enabled: false\nmonitoring:\n  enabled: false' ]
}

@test "every shipped addon: a README line, the lok8s.dev labels, the issue's chart versions" {
  run "$LO" addons -o json --root "$P"
  [ "$status" -eq 0 ]
  python3 - "$output" "$LO_SRC/addons/README.md" <<'EOF'
import json, sys
addons = {a["name"]: a for a in json.loads(sys.argv[1])}
readme = open(sys.argv[2]).read()
shipped = ["cilium", "metallb", "ccm", "cert-manager", "metrics-server", "local-path-provisioner"]
assert sorted(addons) == sorted(shipped), sorted(addons)
for name in shipped:
    a = addons[name]
    assert a["from"] == "lo" and "problem" not in a, a
    assert "\n| `%s` |" % name in readme, name
    labels = dict(l.split("=", 1) for l in a["labels"])
    assert set(labels) == {"lok8s.dev/name", "lok8s.dev/type", "lok8s.dev/category"}, (name, labels)
    assert labels["lok8s.dev/type"] == "system", (name, labels)
    assert a["kustomization"], name
versions = {n: (addons[n]["chart"] or {}).get("version") for n in shipped}
assert versions["cilium"] == "1.19.2" and versions["metallb"] == "0.15.3", versions
assert addons["local-path-provisioner"]["chart"] is None, addons["local-path-provisioner"]
assert all(versions[n] for n in shipped if n != "local-path-provisioner"), versions
assert addons["cilium"]["values"] == ["values.yaml", "values.hetzner.yaml", "values.kubeone.yaml", "values.lo.yaml"], addons["cilium"]
assert [s["name"] for s in addons["ccm"]["secrets"]] == ["hcloud"], addons["ccm"]
EOF
}

# lo's metallb addon with a small local chart in place of the real one (not
# downloadable here): its CRDs, a controller behind a validating webhook for
# pools, a speaker.
metallb_with_local_chart() {
  local d="$P/.lok8s/addons/metallb"
  mkdir -p "$P/.lok8s/addons"
  cp -r "$LO_SRC/addons/metallb" "$d"
  printf 'chart: ./chart\nrelease: metallb\nnamespace: metallb-system\n' > "$d/chart.yaml"
  mkdir -p "$d/chart/templates" "$d/chart/crds"
  printf 'apiVersion: v2\nname: metallb\nversion: 0.15.3\n' > "$d/chart/Chart.yaml"
  for kind in IPAddressPool L2Advertisement; do
    plural=$(echo "$kind" | tr 'A-Z' 'a-z')s
    cat >> "$d/chart/crds/crds.yaml" <<EOF
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: $plural.metallb.io}
spec:
  group: metallb.io
  scope: Namespaced
  names: {plural: $plural, singular: $(echo "$kind" | tr 'A-Z' 'a-z'), kind: $kind, listKind: ${kind}List}
  versions:
    - name: v1beta1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
EOF
  done
  cat > "$d/chart/templates/all.yaml" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: metallb-controller
  namespace: {{ .Release.Namespace }}
  annotations: {lo.test/ready-delay-ms: "1000"}
spec:
  selector: {matchLabels: {component: controller}}
  template:
    metadata: {labels: {component: controller}}
    spec: {containers: [{name: controller, image: quay.io/metallb/controller}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: metallb-speaker
  namespace: {{ .Release.Namespace }}
spec:
  selector: {matchLabels: {component: speaker}}
  template:
    metadata: {labels: {component: speaker}}
    spec: {containers: [{name: speaker, image: quay.io/metallb/speaker}]}
---
apiVersion: v1
kind: Service
metadata: {name: metallb-webhook-service, namespace: {{ .Release.Namespace }}}
spec:
  selector: {component: controller}
  ports: [{port: 443}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: metallb-webhook-configuration}
webhooks:
  - name: ipaddresspoolvalidationwebhook.metallb.io
    admissionReviewVersions: [v1]
    sideEffects: None
    clientConfig:
      service: {name: metallb-webhook-service, namespace: {{ .Release.Namespace }}, path: /validate-metallb-io-v1beta1-ipaddresspool}
    rules:
      - operations: [CREATE, UPDATE]
        apiGroups: [metallb.io]
        apiVersions: [v1beta1]
        resources: [ipaddresspools]
EOF
}

@test "metallb: CRDs first and Established, its pool from the spec's loadBalancer.pool, an L2Advertisement; applied again through its webhook" {
  require_tool helm
  # CRDs that take a second to be Established
  kill "$SERVER_PID" && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$S" && mkdir -p "$S"
  start_server --workload-delay-ms 100 --crd-delay-ms 1000
  cp "$S/kubeconfig-cert.yaml" "$P/.kubeconfig/local.yaml"
  metallb_with_local_chart
  bootstrap_list '    - metallb'
  pool=$("$LO" spec --root "$P" -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["spec"]["loadBalancer"]["pool"])')
  [ -n "$pool" ]
  run "$LO" bootstrap --root "$P"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"CustomResourceDefinition/ipaddresspools.metallb.io: established"* ]]
  [ "$(k get ipaddresspools.metallb.io -n metallb-system lok8s-pool -o jsonpath='{.spec.addresses[0]}')" = "$pool" ]
  [ "$(k get l2advertisements.metallb.io -n metallb-system lok8s-l2 -o jsonpath='{.spec.ipAddressPools[0]} {.metadata.labels.lok8s\.dev/name}')" = "lok8s-pool metallb" ]
  [ "$(k get ipaddresspools.metallb.io -n metallb-system lok8s-pool -o jsonpath='{.metadata.labels.lok8s\.dev/category}')" = networking ]
  # the pool came after its CRD was Established
  [ "$(rv ipaddresspools.metallb.io lok8s-pool metallb-system)" -gt "$(k get crd ipaddresspools.metallb.io -o jsonpath='{.metadata.resourceVersion}')" ]
  [ "$(k get ds -n metallb-system metallb-speaker -o jsonpath='{.status.numberReady}')" = 1 ]
  # applied again: the webhook is there now and the controller answers it
  run "$LO" bootstrap --root "$P" --force
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"unchanged"* ]]
}

@test "the Capi seed's bootstrap (cilium, ccm, cert-manager) resolves; ccm needs HCLOUD_TOKEN, whose value never shows" {
  mkdir -p "$P/clusters/prod.example.com"
  cat > "$P/clusters/prod.example.com/cluster.lok8s.yaml" <<'EOF'
apiVersion: cluster.lok8s.dev/v1beta1
kind: Capi
metadata:
  name: prod
spec:
  kubernetes:
    version: "v1.31.10"
  cluster:
    domain: prod.example.com
    namespace: default
  managementCluster:
    domain: mgmt.example.com
  bootstrap:
    - cilium
    - ccm
    - cert-manager
EOF
  run "$LO" lint --root "$P" prod.example.com
  echo "$output"
  [ "$status" -eq 0 ]
  cp "$S/kubeconfig-cert.yaml" "$P/.kubeconfig/prod.yaml"
  unset HCLOUD_TOKEN
  run "$LO" bootstrap --root "$P" prod.example.com --dry-run
  [ "$status" -eq 1 ]
  [[ "$output" == *"stage ccm needs HCLOUD_TOKEN (Secret kube-system/hcloud, key token), which is not set"* ]]
  run "$LO" addons ccm
  [[ "$output" == *"secret:   Secret kube-system/hcloud, made at apply time from the environment (values never shown): token <- \$HCLOUD_TOKEN"* ]]
  # with a token and charts copied locally, the Secret is applied and its value never printed
  mkdir -p "$P/.lok8s/addons"
  cp -r "$LO_SRC/addons/ccm" "$P/.lok8s/addons/ccm"
  printf 'chart: ./chart\nrelease: hcloud-cloud-controller-manager\nnamespace: kube-system\n' > "$P/.lok8s/addons/ccm/chart.yaml"
  mkdir -p "$P/.lok8s/addons/ccm/chart/templates"
  printf 'apiVersion: v2\nname: ccm\nversion: 0.0.1\n' > "$P/.lok8s/addons/ccm/chart/Chart.yaml"
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ccm-stub, namespace: kube-system}\ndata: {networking: "{{ .Values.networking.enabled }}"}\n' \
    > "$P/.lok8s/addons/ccm/chart/templates/cm.yaml"
  require_tool helm
  export HCLOUD_TOKEN=s3cr3t-t0ken HCLOUD_CCM_NETWORK=prod-net
  run "$LO" bootstrap --root "$P" prod.example.com ccm --dry-run -v=6
  [ "$status" -eq 0 ]
  [[ "$output" == *"# Secret kube-system/hcloud, made at apply time from the environment (values never shown): token <- \$HCLOUD_TOKEN, robot-user <- \$HROBOT_USER (optional, unset: left out)"* ]]
  [[ "$output" != *"s3cr3t"* && "$output" != *"$(printf s3cr3t-t0ken | base64)"* ]]
  run "$LO" bootstrap --root "$P" prod.example.com ccm -v=6
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Secret/kube-system/hcloud created"* ]]
  [[ "$output" != *"s3cr3t"* && "$output" != *"$(printf s3cr3t-t0ken | base64)"* ]]
  [ "$(k get secret -n kube-system hcloud -o jsonpath='{.data.token}' | base64 -d)" = s3cr3t-t0ken ]
  [ "$(k get secret -n kube-system hcloud -o jsonpath='{.data.network}' | base64 -d)" = prod-net ]
  [ -z "$(k get secret -n kube-system hcloud -o jsonpath='{.data.robot-user}')" ]
  ! grep -rq s3cr3t "$P"
}

@test "lo's data (addons, the Tilt extension): the build tree's share/lo, an install prefix, the krew layout, LOK8S_HOME" {
  # this build folder: share/lo beside bin/, linked into the source tree
  run "$LO" version -o json
  python3 - "$output" "$LO_BIN" "$LO_SRC" <<'EOF'
import json, os, sys
d = json.loads(sys.argv[1])["data"]
assert d["from"] == "build tree (linked to the source tree)" and d["found"], d
assert os.path.realpath(d["dir"]) == os.path.realpath(os.path.join(sys.argv[2], "..", "share", "lo")), d
assert os.path.realpath(os.path.join(d["dir"], "addons")) == os.path.realpath(os.path.join(sys.argv[3], "addons")), d
assert d["tiltExtension"] == os.path.join(d["dir"], "tilt", "lo", "Tiltfile"), d
assert os.path.realpath(d["tiltExtension"]) == os.path.realpath(os.path.join(sys.argv[3], "tilt", "lo", "Tiltfile")), d
EOF
  # an install prefix, by the build's own install rules: <prefix>/bin and <prefix>/share/lo
  cmake --install "$LO_BIN/.." --prefix "$T/prefix" >/dev/null
  [ ! -L "$T/prefix/share/lo/addons" ] && [ -f "$T/prefix/share/lo/addons/cilium/chart.yaml" ]
  [ ! -L "$T/prefix/share/lo/tilt" ] && cmp "$T/prefix/share/lo/tilt/lo/Tiltfile" "$LO_SRC/tilt/lo/Tiltfile"
  run "$T/prefix/bin/kubectl-lo" version -o json
  [[ "$output" == *"\"dir\": \"$T/prefix/share/lo\""*"\"from\": \"install prefix\""*"\"tiltExtension\": \"$T/prefix/share/lo/tilt/lo/Tiltfile\""* ]]
  run "$T/prefix/bin/kubectl-lo" addons
  [[ "$output" == *"cilium"*"lo"*"1.19.2"* ]]
  # krew: the archive's share/lo beside the binaries, found through krew's symlink
  mkdir -p "$T/krew/store/lo/v0.1.0" "$T/krew/bin"
  cp "$LO_BIN"/kubectl-lo "$T/krew/store/lo/v0.1.0/"
  mkdir -p "$T/krew/store/lo/v0.1.0/share/lo" && cp -r "$LO_SRC/addons" "$LO_SRC/tilt" "$T/krew/store/lo/v0.1.0/share/lo/"
  ln -s "$T/krew/store/lo/v0.1.0/kubectl-lo" "$T/krew/bin/kubectl-lo"
  run "$T/krew/bin/kubectl-lo" version -o json
  [[ "$output" == *"\"dir\": \"$T/krew/store/lo/v0.1.0/share/lo\""*"\"from\": \"krew (share/lo beside the binary)\""*"\"tiltExtension\": \"$T/krew/store/lo/v0.1.0/share/lo/tilt/lo/Tiltfile\""* ]]
  # LOK8S_HOME wins, and a missing one is reported, not skipped
  run env LOK8S_HOME="$T/prefix/share/lo" "$T/krew/bin/kubectl-lo" version -o json
  [[ "$output" == *"\"dir\": \"$T/prefix/share/lo\""*"\"from\": \"LOK8S_HOME\""*"\"found\": true"* ]]
  run env LOK8S_HOME="$T/nowhere" "$LO" bootstrap --root "$P" --values cilium
  [ "$status" -eq 1 ]
  [[ "$output" == *"entry 'cilium' not found (looked in .lok8s/addons/cilium, $T/nowhere/addons/cilium)"* ]]
  # no data anywhere: a binary alone says where it looked
  mkdir -p "$T/alone" && cp "$LO_BIN"/kubectl-lo "$T/alone/"
  run "$T/alone/kubectl-lo" version -o json
  [[ "$output" == *"\"from\": \"none\""*"\"found\": false"* ]]
}

@test "the krew archive (share/lo beside the binaries), installed by the real krew, finds its addons and Tilt extension" {
  require_tool krew
  mkdir -p "$T/krew-home"
  archive=$("$LO_SRC/release/archive.sh" "$LO_BIN/.." "$T/dist")
  "$LO_SRC/krew/manifest.sh" "$T/dist" https://example.invalid/lo linux/amd64 >/dev/null
  KREW_ROOT="$T/krew" HOME="$T/krew-home" krew install --manifest="$T/dist/lo.yaml" --archive="$archive" >/dev/null 2>&1
  [ -L "$T/krew/bin/kubectl-lo" ]
  run "$T/krew/bin/kubectl-lo" version -o json
  [[ "$output" == *"\"dir\": \"$T/krew/store/lo/v0.1.0/share/lo\""*"\"from\": \"krew (share/lo beside the binary)\""* ]]
  run "$T/krew/bin/kubectl-lo" bootstrap --root "$P" --values cilium
  [ "$status" -eq 0 ]
  [[ "$output" == *"routingMode: tunnel"* ]]
  # the Tilt extension a project loads, where krew put it; the hint for a project without a Tiltfile names it
  [ -f "$T/krew/store/lo/v0.1.0/share/lo/tilt/lo/Tiltfile" ]
  run "$T/krew/bin/kubectl-lo" tilt up --root "$P"
  [ "$status" -eq 1 ]
  [[ "$output" == *"load('$T/krew/store/lo/v0.1.0/share/lo/tilt/lo/Tiltfile', 'lok8s')"* ]]
}

# What a bootstrap changes: its objects on the server (names and
# resourceVersions) and its render cache. `snapshot` takes it before a
# parity check (lib/plan_parity.bash), whose `changes` after the dry run
# must name nothing.
bootstrap_state() {
  k get ds,deploy,cm,ns -A -l lok8s.dev/name -o jsonpath='{range .items[*]}{.metadata.name}={.metadata.resourceVersion} {end}'
  find "$P/clusters/lok8s.dev/artifacts" -type f -printf '%p %s %T@\n' 2>/dev/null | sort
}
snapshot() { BEFORE="$(bootstrap_state)"; }
changes() { [ "$(bootstrap_state)" = "$BEFORE" ] || echo "the cluster or the render cache"; }

@test "--dry-run is the run's step list: renders, applies, waits, wait: false, dependsOn; again once bootstrapped" {
  daemonset cni 300 | addon cni ds.yaml
  deployment lb 200 | addon lb deploy.yaml
  configmap app | addon app cm.yaml
  # spec order is not the dependsOn order; lb is not waited for
  bootstrap_list '    - app: {dependsOn: [lb]}
    - lb: {dependsOn: [cni], wait: false}
    - cni: {dependsOn: []}'
  snapshot
  run parity boot 6 "$LO" bootstrap --root "$P"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  a=.lok8s/addons
  [ "$(cat "$T/boot.plan")" = "render: bootstrap stage app to clusters/lok8s.dev/artifacts/.bootstrap/app/app.yaml (kustomize build $a/app; not rendered before)
render: bootstrap stage lb to clusters/lok8s.dev/artifacts/.bootstrap/lb/lb.yaml (kustomize build $a/lb; not rendered before)
render: bootstrap stage cni to clusters/lok8s.dev/artifacts/.bootstrap/cni/cni.yaml (kustomize build $a/cni; not rendered before)
apply: bootstrap stage cni (3/3): 1 object
wait: bootstrap stage cni (3/3) until healthy: DaemonSet default/cni
apply: bootstrap stage lb (2/3): 1 object, after cni; not waited for (wait: false): Deployment default/lb
apply: bootstrap stage app (1/3): 1 object, after lb" ]
  # the run did it: applied, and the cache kept
  [ "$(k get ds cni -o jsonpath='{.status.numberReady}')" = 1 ]
  k get configmap app
  [ -f "$P/clusters/lok8s.dev/artifacts/.bootstrap/cni/cni.yaml" ]
  # an already bootstrapped cluster: nothing to render, the stages applied again
  snapshot
  run parity again 4 "$LO" bootstrap --root "$P"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  ! grep -q '^render:' "$T/again.plan"
  [ "$(grep -c '^apply:' "$T/again.plan")" -eq 3 ]
}

@test "--dry-run of a chart addon is the run's step list (helm template, then its kustomization)" {
  require_tool helm
  demo_chart_addon
  snapshot
  run parity chart 2 "$LO" bootstrap --root "$P"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  grep -qx 'render: bootstrap stage demo to clusters/lok8s.dev/artifacts/.bootstrap/demo/demo.yaml (helm template demo local chart ./chart, then kustomize build; not rendered before)' "$T/chart.plan"
  grep -qx 'wait: bootstrap stage demo (1/1) until healthy: Deployment demo-ns/demo' "$T/chart.plan"
  # an edited values file: the plan renders again, as the run does
  printf 'nested: {b: 4}\nlist: [z]\n' > "$P/.lok8s/addons/demo/values.lo.yaml"
  snapshot
  run parity chart2 2 "$LO" bootstrap --root "$P"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  grep -q '^render: bootstrap stage demo .*merged values' "$T/chart2.plan"
}
