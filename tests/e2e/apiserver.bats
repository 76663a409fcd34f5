#!/usr/bin/env bats
# The test API server (tests/apiserver) behaves like a real one for real
# kubectl: discovery, server-side apply with field ownership and conflicts,
# CRDs served once Established, workload status for wait/rollout, every auth
# kind, fault injection and request statistics.

setup_file() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  SERVER_BIN="${LO_TEST_APISERVER:-$LO_BIN/../tests/lo-test-apiserver}"
  [ -x "$SERVER_BIN" ] || { echo "no test API server at $SERVER_BIN" >&2; return 1; }
  for tool in kubectl curl python3; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; return 1; }
  done
  SERVER_DIR="$(mktemp -d)"
  export SERVER_DIR
  # No inherited descriptors: bats waits for every holder of its pipes.
  "$SERVER_BIN" --dir "$SERVER_DIR" --crd-delay-ms 300 --workload-delay-ms 100 \
    </dev/null >"$SERVER_DIR/server.log" 2>&1 3>&- &
  echo "$!" >"$SERVER_DIR/pid"
  for _ in $(seq 100); do
    [ -s "$SERVER_DIR/url" ] && break
    sleep 0.1
  done
  [ -s "$SERVER_DIR/url" ] || { cat "$SERVER_DIR/server.log" >&2; return 1; }
}

teardown_file() {
  local pid
  pid="$(cat "$SERVER_DIR/pid" 2>/dev/null)" || true
  if [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; then
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$SERVER_DIR"
}

setup() {
  export KUBECONFIG="$SERVER_DIR/kubeconfig-cert.yaml"
  export KUBECACHEDIR="$SERVER_DIR/kube-cache"
  M="$SERVER_DIR/manifests"
  mkdir -p "$M"
}

# ctl METHOD PATH [JSON]: a call to the server's /lo-test/ control endpoints.
ctl() {
  local args=(-sS --cacert "$SERVER_DIR/ca.crt" -H "Authorization: Bearer $(cat "$SERVER_DIR/token")" -X "$1")
  if [ "$1" != GET ]; then args+=(-H 'Content-Type: application/json' --data-binary "${3:-}"); fi
  curl "${args[@]}" "$(cat "$SERVER_DIR/url")$2"
}

# json EXPR: evaluates a Python expression over the JSON on stdin (as `j`).
json() {
  python3 -c 'import json,sys; j=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

write_app() {
  cat >"$M/app.yaml" <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
  namespace: default
  labels: {app: web}
data:
  greeting: hello
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: ${1:-2}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.test.lo
spec:
  group: test.lo
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
              color: {type: string}
EOF
}

write_widget() {
  cat >"$M/widget.yaml" <<EOF
apiVersion: test.lo/v1
kind: Widget
metadata: {name: w1, namespace: default}
spec: {size: 3, ${1:-color}: blue}
EOF
}

@test "kubectl get ns lists the namespaces a cluster starts with" {
  run kubectl get ns -o name
  [ "$status" -eq 0 ]
  [[ "$output" == *"namespace/default"* ]]
  [[ "$output" == *"namespace/kube-system"* ]]
  [[ "$output" == *"namespace/kube-public"* ]]
}

@test "server-side apply creates a ConfigMap, a Deployment and a CRD owned by kubectl" {
  write_app
  run kubectl apply --server-side -f "$M/app.yaml"
  [ "$status" -eq 0 ]
  [[ "$output" == *"configmap/app-config serverside-applied"* ]]
  [[ "$output" == *"deployment.apps/web serverside-applied"* ]]
  [[ "$output" == *"customresourcedefinition.apiextensions.k8s.io/widgets.test.lo serverside-applied"* ]]
  run kubectl get configmap app-config -o jsonpath='{.data.greeting}'
  [ "$output" = hello ]
  run kubectl get deployment web -o yaml --show-managed-fields
  [ "$status" -eq 0 ]
  [[ "$output" == *"manager: kubectl"* ]]
  [[ "$output" == *"operation: Apply"* ]]
  [[ "$output" == *"f:replicas: {}"* ]]
  [[ "$output" == *'k:{"name":"web"}:'* ]]
}

@test "a CRD becomes Established, then its kind is served" {
  write_app
  kubectl apply --server-side -f "$M/app.yaml"
  run kubectl wait --for=condition=Established crd/widgets.test.lo --timeout=10s
  [ "$status" -eq 0 ]
  write_widget
  run kubectl apply --server-side -f "$M/widget.yaml"
  [ "$status" -eq 0 ]
  [[ "$output" == *"widget.test.lo/w1 serverside-applied"* ]]
  run kubectl get wd w1 -o jsonpath='{.spec.size} {.metadata.generation}'
  [ "$output" = "3 1" ]
}

@test "unknown fields of a custom resource are rejected (strict validation)" {
  kubectl wait --for=condition=Established crd/widgets.test.lo --timeout=10s
  write_widget colour
  run kubectl apply --server-side -f "$M/widget.yaml"
  [ "$status" -ne 0 ]
  [[ "$output" == *'unknown field "spec.colour"'* ]]
}

@test "re-applying an unchanged manifest stores nothing (same resourceVersion)" {
  write_app
  kubectl apply --server-side -f "$M/app.yaml"
  before="$(kubectl get configmap app-config -o jsonpath='{.metadata.resourceVersion}')"
  run kubectl apply --server-side -f "$M/app.yaml"
  [ "$status" -eq 0 ]
  [ "$(kubectl get configmap app-config -o jsonpath='{.metadata.resourceVersion}')" = "$before" ]
}

@test "an object in a namespace that does not exist is NotFound" {
  cat >"$M/orphan.yaml" <<EOF
apiVersion: v1
kind: ConfigMap
metadata: {name: orphan, namespace: nowhere}
EOF
  run kubectl apply --server-side -f "$M/orphan.yaml"
  [ "$status" -ne 0 ]
  [[ "$output" == *'namespaces "nowhere" not found'* ]]
}

@test "kubectl wait sees a Deployment become Available" {
  write_app
  kubectl apply --server-side -f "$M/app.yaml"
  run kubectl wait --for=condition=Available deployment/web --timeout=20s
  [ "$status" -eq 0 ]
  [[ "$output" == *"condition met"* ]]
  run kubectl rollout status deployment/web --timeout=20s
  [ "$status" -eq 0 ]
}

@test "another field manager changing an owned field conflicts; --force-conflicts takes it" {
  write_app 2
  kubectl apply --server-side -f "$M/app.yaml"
  write_app 5
  run kubectl apply --server-side --field-manager=other -f "$M/app.yaml"
  [ "$status" -ne 0 ]
  [[ "$output" == *'Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas'* ]]
  run kubectl apply --server-side --field-manager=other --force-conflicts -f "$M/app.yaml"
  [ "$status" -eq 0 ]
  run kubectl get deployment web -o jsonpath='{.spec.replicas}'
  [ "$output" = 5 ]
  run kubectl get deployment web -o json --show-managed-fields
  owner="$(echo "$output" | json '[m["manager"] for m in j["metadata"]["managedFields"] if "f:replicas" in m.get("fieldsV1", {}).get("f:spec", {})]')"
  [ "$owner" = "['other']" ]
}

@test "token, tokenFile, exec plugin, certificate file and insecure kubeconfigs work" {
  for kind in token tokenfile exec certfile insecure; do
    run kubectl --kubeconfig "$SERVER_DIR/kubeconfig-$kind.yaml" get ns default -o name
    echo "$kind: $output"
    [ "$status" -eq 0 ]
    [ "$output" = namespace/default ]
  done
}

@test "a wrong token is Unauthorized (401)" {
  run kubectl --kubeconfig "$SERVER_DIR/kubeconfig-token.yaml" --token=not-the-token get ns
  [ "$status" -ne 0 ]
  [[ "$output" == *"Unauthorized"* ]]
  run curl -sS --cacert "$SERVER_DIR/ca.crt" "$(cat "$SERVER_DIR/url")/api"
  [[ "$output" == *'"code":401'* ]]
  [[ "$output" == *'"kind":"Status"'* ]]
}

@test "a stuck Deployment never becomes Available" {
  cat >"$M/stuck.yaml" <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: stuck
  namespace: default
  annotations: {lo.test/behavior: stuck}
spec:
  selector: {matchLabels: {app: stuck}}
  template:
    metadata: {labels: {app: stuck}}
    spec: {containers: [{name: c, image: busybox:1.36}]}
EOF
  kubectl apply --server-side -f "$M/stuck.yaml"
  run kubectl wait --for=condition=Available deployment/stuck --timeout=2s
  [ "$status" -ne 0 ]
  run kubectl get deployment stuck -o jsonpath='{.status.conditions[?(@.type=="Available")].reason}'
  [ "$output" = MinimumReplicasUnavailable ]
}

@test "a failing Deployment and Job report the reasons kubectl shows" {
  cat >"$M/fail.yaml" <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken
  namespace: default
  annotations: {lo.test/behavior: fail}
spec:
  selector: {matchLabels: {app: broken}}
  template:
    metadata: {labels: {app: broken}}
    spec: {containers: [{name: c, image: busybox:1.36}]}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: badjob
  namespace: default
  annotations: {lo.test/behavior: fail}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox:1.36}]
EOF
  kubectl apply --server-side -f "$M/fail.yaml"
  run kubectl rollout status deployment/broken --timeout=5s
  [ "$status" -ne 0 ]
  [[ "$output" == *'exceeded its progress deadline'* ]]
  run kubectl wait --for=condition=Failed job/badjob --timeout=5s
  [ "$status" -eq 0 ]
  run kubectl get job badjob -o jsonpath='{.status.conditions[?(@.type=="Failed")].reason}'
  [ "$output" = BackoffLimitExceeded ]
}

@test "rollout status works for a StatefulSet and a DaemonSet; a Job completes" {
  cat >"$M/workloads.yaml" <<EOF
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: default}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: c, image: postgres:16}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: default}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: c, image: busybox:1.36}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: default}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox:1.36}]
EOF
  kubectl apply --server-side -f "$M/workloads.yaml"
  run kubectl rollout status statefulset/db --timeout=10s
  [ "$status" -eq 0 ]
  run kubectl rollout status daemonset/agent --timeout=10s
  [ "$status" -eq 0 ]
  [[ "$output" == *'successfully rolled out'* ]]
  run kubectl wait --for=condition=Complete job/migrate --timeout=10s
  [ "$status" -eq 0 ]
}

@test "an injected 500 reaches the client once, then requests succeed" {
  cat >"$M/faulty.yaml" <<EOF
apiVersion: v1
kind: ConfigMap
metadata: {name: faulty, namespace: default}
data: {k: v}
EOF
  kubectl apply --server-side -f "$M/faulty.yaml"
  run ctl POST /lo-test/faults '[{"method":"GET","pathRegex":"/configmaps/faulty$","status":500}]'
  [ "$status" -eq 0 ]
  run kubectl get configmap faulty -o name
  [ "$status" -ne 0 ]
  [[ "$output" == *"InternalError"* ]]
  run kubectl get configmap faulty -o name
  [ "$status" -eq 0 ]
  [ "$output" = configmap/faulty ]
}

@test "an injected 429 with Retry-After is retried by kubectl" {
  ctl POST /lo-test/faults '[{"method":"GET","pathRegex":"/namespaces/kube-public$","status":429,"retryAfter":1}]'
  start=$SECONDS
  run kubectl get ns kube-public -o name
  [ "$status" -eq 0 ]
  [ "$output" = namespace/kube-public ]
  [ $((SECONDS - start)) -ge 1 ]
}

@test "a dropped watch stream is cut after N events" {
  ctl POST /lo-test/faults '[{"dropWatchAfterEvents":1}]'
  run curl -sS -N --cacert "$SERVER_DIR/ca.crt" -H "Authorization: Bearer $(cat "$SERVER_DIR/token")" \
    "$(cat "$SERVER_DIR/url")/api/v1/namespaces?watch=1&timeoutSeconds=5"
  [ "$status" -ne 0 ]  # curl: transfer closed with outstanding read data
  [ "$(grep -c '"type":"ADDED"' <<<"$output")" -eq 1 ]
}

@test "/lo-test/stats counts API requests by verb" {
  ctl DELETE /lo-test/faults
  ctl POST /lo-test/stats/reset
  kubectl get configmaps -o name >/dev/null
  kubectl get namespace default -o name >/dev/null
  run ctl GET /lo-test/stats
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | json 'j["byVerb"].get("LIST", 0) >= 1 and j["byVerb"].get("GET", 0) >= 1')" = True ]
  [ "$(echo "$output" | json 'j["requests"] == sum(j["byVerb"].values())')" = True ]
}

# api METHOD PATH [JSON]: an API request with the test token; prints the
# answer and, on the last line, the HTTP status.
api() {
  local args=(-sS --cacert "$SERVER_DIR/ca.crt" -H "Authorization: Bearer $(cat "$SERVER_DIR/token")" -X "$1"
              -w '\n%{http_code}')
  [ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
  curl "${args[@]}" "$(cat "$SERVER_DIR/url")$2"
}

# until_true CMD...: retries for up to 5 s (the garbage collector is asynchronous).
until_true() {
  for _ in $(seq 50); do "$@" && return 0; sleep 0.1; done
  "$@"
}

gone() { ! kubectl get "$@" >/dev/null 2>&1; }

# owned NAME OWNER...: a ConfigMap whose ownerReferences name these ConfigMaps.
owned() {
  local name="$1" refs="" o uid
  shift
  for o in "$@"; do
    uid="$(kubectl get cm "$o" -o jsonpath='{.metadata.uid}')"
    refs+="{apiVersion: v1, kind: ConfigMap, name: $o, uid: $uid, blockOwnerDeletion: true},"
  done
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s, namespace: default, ownerReferences: [%s]}\n' "$name" "${refs%,}" |
    kubectl apply -f - >/dev/null
}

@test "DELETE answers a Status like upstream and checks DeleteOptions" {
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: del-a, namespace: default}\n' | kubectl apply -f -
  run api DELETE /api/v1/namespaces/default/configmaps/del-a '{"propagationPolicy":"Sideways"}'
  echo "$output"
  [ "${lines[-1]}" = 422 ]
  [[ "$output" == *'DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"Sideways\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"'* ]]
  run api DELETE /api/v1/namespaces/default/configmaps/del-a '{"propagationPolicy":"Orphan","orphanDependents":true}'
  [ "${lines[-1]}" = 422 ]
  [[ "$output" == *"orphanDependents and deletionPropagation cannot be both set"* ]]
  # Without a body the options come from the query.
  run api DELETE '/api/v1/namespaces/default/configmaps/del-a?propagationPolicy=Nope'
  [ "${lines[-1]}" = 422 ]
  run api DELETE '/api/v1/namespaces/default/configmaps/del-a?propagationPolicy=Background'
  echo "$output"
  [ "${lines[-1]}" = 200 ]
  [ "$(head -1 <<<"$output" | json 'j["kind"] + " " + j["status"] + " " + j["details"]["kind"] + " " + j["details"]["name"]')" = "Status Success configmaps del-a" ]
  # Types whose storage returns the deleted object still do.
  printf 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: del-sa, namespace: default}\n' | kubectl apply -f -
  run api DELETE /api/v1/namespaces/default/serviceaccounts/del-sa '{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"}'
  [ "${lines[-1]}" = 200 ]
  [ "$(head -1 <<<"$output" | json 'j["kind"]')" = ServiceAccount ]
}

@test "the garbage collector follows ownerReferences: Background, Orphan and Foreground" {
  for o in gc-owner gc-other gc-owner2 gc-owner3; do
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s, namespace: default}\n' "$o" | kubectl apply -f -
  done
  owned gc-dep1 gc-owner
  owned gc-dep2 gc-owner gc-other
  # Background (kubectl's default): the dependent whose owners are all gone
  # goes; the one with another owner stays and loses the reference.
  kubectl delete cm gc-owner
  until_true gone cm gc-dep1
  kubectl get cm gc-dep2
  until_true [ "$(kubectl get cm gc-dep2 -o jsonpath='{.metadata.ownerReferences[*].name}')" = gc-other ]
  # Orphan: the dependent stays, without the reference.
  owned gc-dep3 gc-owner2
  kubectl delete cm gc-owner2 --cascade=orphan
  until_true gone cm gc-owner2
  kubectl get cm gc-dep3
  [ -z "$(kubectl get cm gc-dep3 -o jsonpath='{.metadata.ownerReferences}')" ]
  # Foreground: the owner waits, with its finalizer, for its blocking
  # dependents, here one held by a finalizer of its own.
  owned gc-dep4 gc-owner3
  kubectl patch cm gc-dep4 --type=merge -p '{"metadata":{"finalizers":["example.com/hold"]}}'
  kubectl delete cm gc-owner3 --cascade=foreground --wait=false
  [ "$(kubectl get cm gc-owner3 -o jsonpath='{.metadata.finalizers}')" = '["foregroundDeletion"]' ]
  until_true [ -n "$(kubectl get cm gc-dep4 -o jsonpath='{.metadata.deletionTimestamp}')" ]
  sleep 0.3
  kubectl get cm gc-owner3
  kubectl patch cm gc-dep4 --type=merge -p '{"metadata":{"finalizers":null}}'
  until_true gone cm gc-dep4
  until_true gone cm gc-owner3
}

@test "/lo-test/requests logs requests in arrival order with DELETE options" {
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: log-a, namespace: default}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: log-b, namespace: default}\n' |
    kubectl apply -f -
  ctl DELETE /lo-test/requests
  kubectl delete cm log-a --dry-run=server
  kubectl delete cm log-a
  kubectl delete cm log-b --cascade=orphan
  run ctl GET /lo-test/requests
  echo "$output"
  deletes="$(echo "$output" | json '[(e["path"].split("/")[-1], e["propagationPolicy"], e["dryRun"], e["status"]) for e in sorted(j, key=lambda e: e["seq"]) if e["method"] == "DELETE"]')"
  [ "$deletes" = "[('log-a', 'Background', True, 200), ('log-a', 'Background', False, 200), ('log-b', 'Orphan', False, 200)]" ]
  [ "$(echo "$output" | json 'all(e["userAgent"].startswith("kubectl") for e in j)')" = True ]
  [ "$(echo "$output" | json 'all(e["verb"] in ("GET", "LIST", "WATCH", "DELETE") for e in j)')" = True ]
  ctl DELETE /lo-test/requests
  [ "$(ctl GET /lo-test/requests | json 'len(j)')" = 0 ]
}
