# The helpers of the deploy suites (deploy.bats, prune.bats, diff.bats): a
# fresh test API server per test, a project with one Lo domain, artifacts,
# real kubectl against the server and its /lo-test/ controls.

setup() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  DEPLOY="$LO_BIN/kubectl-lo-deploy"
  APISERVER="$LO_BIN/../tests/lo-test-apiserver"
  [ -x "$APISERVER" ] || { echo "$APISERVER is not built (LO_TESTS=ON builds it)" >&2; return 1; }
  T="$(mktemp -d)"
  S="$T/srv"
  P="$T/project"
  mkdir -p "$S" "$P/clusters"
  unset DOMAIN_NAME PATH_CLUSTERS
  export NO_COLOR=1
  export KUBECONFIG="$T/no-such-kubeconfig"
  export HOME="$T/home"
  start_server --crd-delay-ms 300 --workload-delay-ms 200
  lo_spec lok8s.dev local
  cd "$P"
}

# start_server ARGS...: a fresh test API server (the previous one stops).
start_server() {
  if [ -n "${SERVER_PID:-}" ]; then
    kill "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null || true
    rm -rf "$S" && mkdir -p "$S"
  fi
  "$APISERVER" --dir "$S" "$@" >"$T/server.log" 2>&1 3>&- &
  SERVER_PID=$!
  for _ in $(seq 200); do [ -s "$S/url" ] && break; sleep 0.05; done
  [ -s "$S/url" ] || { cat "$T/server.log"; return 1; }
  URL="$(cat "$S/url")"
}

teardown() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$T"
}

# lo_spec DOMAIN NAME: a minimal Lo cluster spec.
lo_spec() {
  mkdir -p "$P/clusters/$1"
  printf 'apiVersion: cluster.lok8s.dev/v1beta1\nkind: Lo\nmetadata:\n  name: %s\nspec:\n  cluster:\n    domain: %s\n' \
    "$2" "$1" > "$P/clusters/$1/cluster.lok8s.yaml"
}

# artifact DOMAIN TARGET < yaml: the built artifacts of a target.
artifact() {
  mkdir -p "$P/clusters/$1/artifacts/$2"
  cat > "$P/clusters/$1/artifacts/$2/artifacts.yaml"
}

k() { kubectl --kubeconfig "$S/kubeconfig-cert.yaml" "$@"; }

# control METHOD PATH [JSON]: the test server's /lo-test endpoints.
control() {
  curl -sS --fail --cacert "$S/ca.crt" -H "Authorization: Bearer $(cat "$S/token")" \
    -X "$1" ${3:+-H 'Content-Type: application/json' --data "$3"} "$URL$2"
}

stat_of() { control GET /lo-test/stats | jq -r "$1"; }

deployment() {  # deployment NAME NAMESPACE [BEHAVIOR]
  cat <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: $1
  namespace: $2
  annotations: {lo.test/behavior: "${3:-ready}"}
spec:
  replicas: 2
  selector: {matchLabels: {app: $1}}
  template:
    metadata: {labels: {app: $1}}
    spec: {containers: [{name: app, image: nginx}]}
EOF
}


# crd PLURAL KIND SCOPE: a CRD of group example.com, version v1, any fields.
crd() {
  cat <<EOF
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: $1.example.com}
spec:
  group: example.com
  scope: $3
  names: {plural: $1, singular: ${1%s}, kind: $2, listKind: $2List}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
EOF
}

# Two CRDs, an instance of each listed before its CRD, and a Namespace.
crd_and_widgets() {
  printf 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: demo}\nspec: {size: 3}\n---\n'
  crd widgets Widget Namespaced
  printf -- '---\napiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g1}\nspec: {color: red}\n---\n'
  crd gadgets Gadget Cluster
  printf -- '---\napiVersion: v1\nkind: Namespace\nmetadata: {name: demo}\n'
}

# lo_deploy ARGS...: kubectl-lo-deploy against the test server (run: sets
# $status and $output, and shows the output when a test fails).
lo_deploy() {
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml" "$@"
  echo "$output"
}
