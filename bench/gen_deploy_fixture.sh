#!/usr/bin/env bash
# Writes the 1,000-object deploy benchmark fixture into OUT:
#   OUT/project/   a lo project: clusters/lok8s.dev/cluster.lok8s.yaml and the
#                  built target clusters/lok8s.dev/artifacts/bench/artifacts.yaml
#   OUT/kubectl/   the same objects for kubectl: crds.yaml (applied and waited
#                  for first, or the instances have no REST mapping) and rest.yaml
#
# Objects: 1 Namespace, CRDS CustomResourceDefinitions with INSTANCES custom
# resources each, CONFIGMAPS ConfigMaps, SERVICES Services, and Deployments up
# to TOTAL objects. Defaults: 10 CRDs x 30 instances, 300 ConfigMaps, 200
# Services, 189 Deployments = 1,000.
#
# usage: gen_deploy_fixture.sh OUT
set -euo pipefail

out="${1:?usage: gen_deploy_fixture.sh OUT}"
CRDS="${CRDS:-10}"
INSTANCES="${INSTANCES:-30}"
CONFIGMAPS="${CONFIGMAPS:-300}"
SERVICES="${SERVICES:-200}"
TOTAL="${TOTAL:-1000}"
NS=bench
deployments=$((TOTAL - 1 - CRDS - CRDS * INSTANCES - CONFIGMAPS - SERVICES))
if [ "$deployments" -lt 0 ]; then
  echo "gen_deploy_fixture.sh: TOTAL=$TOTAL is too small for the other counts" >&2
  exit 2
fi

mkdir -p "$out/project/clusters/lok8s.dev/artifacts/bench" "$out/kubectl"
cat > "$out/project/clusters/lok8s.dev/cluster.lok8s.yaml" <<SPEC
apiVersion: cluster.lok8s.dev/v1beta1
kind: Lo
metadata:
  name: bench
spec:
  cluster:
    domain: lok8s.dev
SPEC

crds="$out/kubectl/crds.yaml"
rest="$out/kubectl/rest.yaml"
: > "$crds"
: > "$rest"
sep() { [ -s "$1" ] && printf -- '---\n' >> "$1"; return 0; }

sep "$rest"
printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n' "$NS" >> "$rest"

for c in $(seq 1 "$CRDS"); do
  sep "$crds"
  cat >> "$crds" <<CRD
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: things$c.bench.example.com
spec:
  group: bench.example.com
  scope: Namespaced
  names:
    plural: things$c
    singular: thing$c
    kind: Thing$c
    listKind: Thing${c}List
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
              color: {type: string}
CRD
  for i in $(seq 1 "$INSTANCES"); do
    sep "$rest"
    printf 'apiVersion: bench.example.com/v1\nkind: Thing%s\nmetadata:\n  name: thing-%s-%s\n  namespace: %s\nspec:\n  size: %s\n  color: blue\n' \
      "$c" "$c" "$i" "$NS" "$i" >> "$rest"
  done
done

for i in $(seq 1 "$CONFIGMAPS"); do
  sep "$rest"
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-%s\n  namespace: %s\n  labels: {app: bench}\ndata:\n  index: "%s"\n  greeting: hello\n' \
    "$i" "$NS" "$i" >> "$rest"
done

for i in $(seq 1 "$SERVICES"); do
  sep "$rest"
  printf 'apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-%s\n  namespace: %s\nspec:\n  selector: {app: app-%s}\n  ports:\n  - {name: http, port: 80, targetPort: 8080}\n' \
    "$i" "$NS" "$i" >> "$rest"
done

for i in $(seq 1 "$deployments"); do
  sep "$rest"
  cat >> "$rest" <<DEP
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-$i
  namespace: $NS
spec:
  replicas: 1
  selector:
    matchLabels: {app: app-$i}
  template:
    metadata:
      labels: {app: app-$i}
    spec:
      containers:
      - name: app
        image: registry.example.com/app:1.0
        ports:
        - containerPort: 8080
DEP
done

# lo gets everything in one file, instances before their CRDs: ordering is
# lo's job, not the file's.
{ cat "$rest"; printf -- '---\n'; cat "$crds"; } > "$out/project/clusters/lok8s.dev/artifacts/bench/artifacts.yaml"
echo "objects: $((1 + CRDS + CRDS * INSTANCES + CONFIGMAPS + SERVICES + deployments)) ($CRDS CRDs x $INSTANCES instances, $CONFIGMAPS ConfigMaps, $SERVICES Services, $deployments Deployments, 1 Namespace)"
