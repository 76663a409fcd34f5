#!/usr/bin/env bats
# kubectl lo deploy end to end: the real binary against the test API server
# (a fresh one per test), checked with real kubectl where the cluster's state
# matters.

bats_require_minimum_version 1.5.0

load deploy_helpers

@test "CRDs and their instances in one file: CRDs first, Established by watch, then the instances" {
  crd_and_widgets | artifact lok8s.dev app
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"to $URL, context \"lo-test\""* ]]
  [[ "$output" == *"CustomResourceDefinition/widgets.example.com created"* ]]
  [[ "$output" == *"ok: CustomResourceDefinition/gadgets.example.com: established"* ]]
  [[ "$output" == *"Widget/demo/w1 created"* ]]
  [[ "$output" == *"Gadget/g1 created"* ]]
  [[ "$output" == *"5 objects (5 created, 0 configured, 0 unchanged)"* ]]
  # The server saw the CRDs before any instance, and waited by WATCH.
  [ "$(stat_of '.byVerb.WATCH')" -ge 1 ]
  run k get widget w1 -n demo -o 'jsonpath={.spec.size}'
  [ "$output" = "3" ]
  run k get gadget g1 -o 'jsonpath={.spec.color}'
  [ "$output" = "red" ]
}

@test "a second deploy reports unchanged objects, a changed one as configured" {
  { crd_and_widgets; echo '---'; printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: demo}\ndata: {a: one}\n'; } | artifact lok8s.dev app
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml"
  [ "$status" -eq 0 ]
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml"
  [ "$status" -eq 0 ]
  [[ "$output" == *"6 objects (0 created, 0 configured, 6 unchanged)"* ]]
  [[ "$output" != *"ConfigMap/demo/cfg"* ]]
  sed -i 's/a: one/a: two/' "$P/clusters/lok8s.dev/artifacts/app/artifacts.yaml"
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml"
  [ "$status" -eq 0 ]
  [[ "$output" == *"ConfigMap/demo/cfg configured"* ]]
  [[ "$output" == *"(0 created, 1 configured, 5 unchanged)"* ]]
  [ "$(k get cm cfg -n demo -o 'jsonpath={.data.a}')" = "two" ]
}

@test "workloads are awaited: Deployment, StatefulSet, DaemonSet and Job become healthy" {
  {
    printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n---\n'
    deployment web apps; echo '---'
    cat <<'EOF'
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: apps}
spec:
  replicas: 2
  serviceName: db
  selector: {matchLabels: {app: db}}
  template: {metadata: {labels: {app: db}}, spec: {containers: [{name: db, image: postgres}]}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: apps}
spec:
  selector: {matchLabels: {app: agent}}
  template: {metadata: {labels: {app: agent}}, spec: {containers: [{name: a, image: busybox}]}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: apps}
spec:
  template: {spec: {restartPolicy: Never, containers: [{name: m, image: busybox}]}}
EOF
  } | artifact lok8s.dev app
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-token.yaml"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"waiting on 4 workloads"* ]]
  [[ "$output" == *"ok: Deployment/apps/web: 2 replicas available"* ]]
  [[ "$output" == *"ok: StatefulSet/apps/db"* ]]
  [[ "$output" == *"ok: DaemonSet/apps/agent"* ]]
  [[ "$output" == *"ok: Job/apps/migrate: complete"* ]]
  [[ "$output" == *"4 workloads ready"* ]]
}

@test "a Deployment whose rollout fails is an error naming it and its condition (exit 1)" {
  { printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n---\n'; deployment good apps; echo '---'; deployment broken apps fail; } |
    artifact lok8s.dev app
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"Deployment/apps/broken: failed: progress deadline exceeded: ReplicaSet \"broken-"*"has timed out progressing."* ]]
  [[ "$output" == *"target app: 1 of 2 workloads failed"* ]]
}

@test "a Deployment that never becomes available times out with its last condition (exit 1)" {
  { printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n---\n'; deployment stuck apps stuck; } | artifact lok8s.dev app
  start=$SECONDS
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml" --timeout 2s
  echo "$output"
  [ "$status" -eq 1 ]
  [ $((SECONDS - start)) -lt 10 ]
  [[ "$output" == *"Deployment/apps/stuck: not ready: 0 of 2 updated replicas available: ReplicaSet \"stuck-"*"is progressing."* ]]
  [[ "$output" == *"1 of 1 workloads not ready after 2.0s"* ]]
  [[ "$output" == *"--timeout"* ]]
}

@test "a failed Job fails the deploy with its reason" {
  cat <<'EOF' | artifact lok8s.dev app
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, annotations: {lo.test/behavior: fail}}
spec:
  template: {spec: {restartPolicy: Never, containers: [{name: m, image: busybox}]}}
EOF
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml"
  [ "$status" -eq 1 ]
  [[ "$output" == *"Job/default/migrate: failed: failed (BackoffLimitExceeded): Job has reached the specified backoff limit"* ]]
}

@test "--wait=false skips the health wait" {
  { printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n---\n'; deployment stuck apps stuck; } | artifact lok8s.dev app
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml" --wait=false
  [ "$status" -eq 0 ]
  [[ "$output" != *"waiting on"* ]]
}

@test "--wait=false with --filter: only the selected objects, no wait; the last spelling of --wait wins" {
  {
    printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: apps, labels: {lok8s.dev/type: system}}\n---\n'
    deployment stuck apps stuck | sed 's/^  namespace: apps$/  namespace: apps\n  labels: {lok8s.dev\/type: system}/'
    echo '---'
    deployment other apps stuck
  } | artifact lok8s.dev app
  # --wait=false before the target, the filter after it: nothing is awaited,
  # and only the labelled objects are applied.
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml" --wait=false lok8s.dev app --filter type=system --timeout 1s
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" != *"waiting on"* ]]
  [[ "$output" == *"Deployment/apps/stuck created"* ]]
  [[ "$output" != *"Deployment/apps/other"* ]]
  run k get deploy -n apps -o name
  [ "$output" = "deployment.apps/stuck" ]
  # --wait after --wait=false turns the wait back on: the stuck Deployment times out.
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml" --filter=type=system --wait=false --timeout 1s --wait
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"waiting on 1 workloads"* ]]
  [[ "$output" == *"Deployment/apps/stuck: not ready"* ]]
  # After "--" a --wait=false is a word, not a flag (kubectl's manners).
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml" --filter type=system -- --wait=false
  [ "$status" -eq 2 ]
  [[ "$output" == *"invalid target name '--wait=false'"* ]]
}

@test "--filter selects objects by lok8s.dev/KEY=VALUE across the selected targets" {
  cat <<'EOF' | artifact lok8s.dev a
apiVersion: v1
kind: ConfigMap
metadata: {name: sys-a, labels: {lok8s.dev/type: system}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: app-a, labels: {lok8s.dev/type: app}}
EOF
  cat <<'EOF' | artifact lok8s.dev b
apiVersion: v1
kind: ConfigMap
metadata: {name: sys-b, labels: {lok8s.dev/type: system, lok8s.dev/tier: core}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: plain-b}
EOF
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml" --filter type=system
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"ConfigMap/default/sys-a created"* ]]
  [[ "$output" == *"ConfigMap/default/sys-b created"* ]]
  run k get cm -o name
  [[ "$output" == *"configmap/sys-a"* && "$output" == *"configmap/sys-b"* ]]
  [[ "$output" != *"app-a"* && "$output" != *"plain-b"* ]]
  # Filters AND together and stay within the named targets.
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml" lok8s.dev a --filter type=system --filter tier=core
  [ "$status" -eq 0 ]
  [[ "$output" == *"[a] nothing to deploy (2 objects, none matches --filter)"* ]]
}

@test "a malformed --filter is a usage error (exit 2) before anything is applied" {
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n' | artifact lok8s.dev a
  for f in type 'type=' '=system' 'a b=c' 'key=v;rm -rf /' 'lok8s.dev/type=x'; do
    run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml" --filter "$f"
    echo "$f -> $status $output"
    [ "$status" -eq 2 ]
    [[ "$output" == *"invalid --filter"* ]]
  done
  [ "$(stat_of '.requests')" -eq 0 ]
}

@test "a Deploy domain deploys its own artifacts to its clusterRef's cluster, in spec.namespace" {
  mkdir -p "$P/clusters/api.lok8s.dev" "$P/.kubeconfig"
  printf 'apiVersion: cluster.lok8s.dev/v1beta1\nkind: Deploy\nmetadata: {name: api}\nspec:\n  clusterRef: {domain: lok8s.dev}\n  namespace: api-ns\n' \
    > "$P/clusters/api.lok8s.dev/deploy.lok8s.yaml"
  # The cluster domain's kubeconfig (metadata.name "local"); KUBECONFIG points nowhere.
  cp "$S/kubeconfig-token.yaml" "$P/.kubeconfig/local.yaml"
  cat <<'EOF' | artifact api.lok8s.dev svc
apiVersion: v1
kind: Namespace
metadata: {name: api-ns}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: api-config}
data: {k: v}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: elsewhere, namespace: default}
EOF
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: not-this-one}\n' | artifact lok8s.dev svc
  run "$DEPLOY" api.lok8s.dev
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"deploying api.lok8s.dev (deploy domain of cluster lok8s.dev) [svc] to $URL, context \"lo-test\" from .kubeconfig/local.yaml; default namespace api-ns"* ]]
  [ "$(k get cm api-config -n api-ns -o 'jsonpath={.data.k}')" = "v" ]
  k get cm elsewhere -n default
  run k get cm not-this-one -n default
  [ "$status" -ne 0 ]
  # --domain works the same, and the flag's position does not matter (upstream B-1).
  run "$DEPLOY" svc --domain api.lok8s.dev
  [ "$status" -eq 0 ]
  [[ "$output" == *"3 objects (0 created, 0 configured, 3 unchanged)"* ]]
}

@test "a Deploy domain whose clusterRef names no domain is an error" {
  mkdir -p "$P/clusters/api.lok8s.dev"
  printf 'apiVersion: cluster.lok8s.dev/v1beta1\nkind: Deploy\nmetadata: {name: api}\nspec:\n  clusterRef: {domain: nowhere.lok8s.dev}\n' \
    > "$P/clusters/api.lok8s.dev/deploy.lok8s.yaml"
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n' | artifact api.lok8s.dev svc
  run "$DEPLOY" api.lok8s.dev --kubeconfig "$S/kubeconfig-cert.yaml"
  [ "$status" -eq 1 ]
  [[ "$output" == *"nowhere.lok8s.dev"* ]]
}

@test "the domain's own kubeconfig is used; -n sets the namespace of objects that name none" {
  mkdir -p "$P/.kubeconfig"
  cp "$S/kubeconfig-cert.yaml" "$P/.kubeconfig/local.yaml"
  printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n' |
    artifact lok8s.dev app
  run "$DEPLOY" -n team
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"from .kubeconfig/local.yaml; default namespace team"* ]]
  k get cm c -n team
}

@test "KUBECONFIG is the fallback when the domain has no kubeconfig" {
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n' | artifact lok8s.dev app
  KUBECONFIG="$T/missing.yaml:$S/kubeconfig-token.yaml" run "$DEPLOY"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"kubeconfig-token.yaml; default namespace default"* ]]
  run "$DEPLOY"
  [ "$status" -eq 1 ]
  [[ "$output" == *"no kubeconfig"* ]]
}

@test "unknown targets and missing artifacts are errors that say what to do" {
  mkdir -p "$P/clusters/lok8s.dev/targets/web" "$P/clusters/lok8s.dev/targets/db"
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n' | artifact lok8s.dev web
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml" lok8s.dev nope
  [ "$status" -eq 1 ]
  [[ "$output" == *"unknown target 'nope' in domain lok8s.dev"* ]]
  [[ "$output" == *"known targets: db, web"* ]]
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml"
  [ "$status" -eq 1 ]
  [[ "$output" == *"no artifacts for target db"* ]]
  [[ "$output" == *"run kubectl lo build lok8s.dev"* ]]
  [ "$(stat_of '.requests')" -eq 0 ]
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml" web
  [ "$status" -eq 0 ]
}

@test "a split target deploys the files its kustomization.yaml lists" {
  d="$P/clusters/lok8s.dev/artifacts/split"
  mkdir -p "$d"
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\n' > "$d/ConfigMap.one.yaml"
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: two}\n' > "$d/ConfigMap.two.yaml"
  printf 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ConfigMap.one.yaml\n  - ConfigMap.two.yaml\n' > "$d/kustomization.yaml"
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml" split
  echo "$output"
  [ "$status" -eq 0 ]
  k get cm one two
}

@test "every auth kind works: client cert (data and file), token, token file, exec plugin, insecure" {
  for kc in cert certfile token tokenfile exec insecure; do
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: via-%s}\ndata: {auth: %s}\n' "$kc" "$kc" | artifact lok8s.dev app
    run "$DEPLOY" --kubeconfig "$S/kubeconfig-$kc.yaml"
    echo "$kc: $output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"ConfigMap/default/via-$kc created"* ]]
    # The object is on the server, as lo sent it, applied by field manager lo.
    [ "$(k get cm "via-$kc" -o 'jsonpath={.data.auth} {.metadata.managedFields[0].manager} {.metadata.managedFields[0].operation}')" = \
      "$kc lo Apply" ]
  done
  [ "$(k get cm -o name | grep -c '^configmap/via-')" -eq 6 ]
}

@test "a changed Deployment whose new rollout stalls fails, and the old ReplicaSet keeps serving" {
  { printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n---\n'; deployment web apps; } | artifact lok8s.dev app
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml"
  [ "$status" -eq 0 ]
  [[ "$output" == *"ok: Deployment/apps/web: 2 replicas available"* ]]
  old_rs="$(k get deploy web -n apps -o 'jsonpath={.status.conditions[?(@.type=="Progressing")].message}')"
  # A new image whose pods never become ready: the rollout passes its deadline.
  { printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n---\n'; deployment web apps fail | sed 's/image: nginx/image: nginx:broken/'; } |
    artifact lok8s.dev app
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"Deployment/apps/web configured"* ]]
  [[ "$output" == *"Deployment/apps/web: failed: progress deadline exceeded (2 replicas of the previous version still available): ReplicaSet \"web-"*"has timed out progressing."* ]]
  [[ "$output" == *"target app: 1 of 1 workloads failed"* ]]
  [[ "$output" != *"workloads ready"* ]]
  # Not judged on the old ReplicaSet's status: the new generation was observed and failed,
  # while the old pods still serve.
  [ "$(k get deploy web -n apps -o 'jsonpath={.metadata.generation} {.status.observedGeneration}')" = "2 2" ]
  [ "$(k get deploy web -n apps -o 'jsonpath={.status.availableReplicas} {.status.updatedReplicas} {.status.conditions[?(@.type=="Available")].status}')" = "2 1 True" ]
  new_rs="$(k get deploy web -n apps -o 'jsonpath={.status.conditions[?(@.type=="Progressing")].message}')"
  [ "$old_rs" != "$new_rs" ]
  [ "$(k get deploy web -n apps -o 'jsonpath={.spec.template.spec.containers[0].image}')" = nginx:broken ]
}

@test "a broken Deployment elsewhere in the cluster does not block a target's deploy" {
  { printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n---\n'; deployment broken other fail; echo '---'; deployment stuck other stuck; } |
    k apply --server-side --field-manager=someone-else -f - >/dev/null
  k wait -n other deploy/broken --for=condition=Progressing=False --timeout=10s
  { printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n---\n'; deployment web apps; } | artifact lok8s.dev app
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml" --timeout 20s
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"waiting on 1 workloads: Deployment/apps/web"* ]]
  [[ "$output" == *"1 workloads ready"* ]]
  [[ "$output" != *"other/broken"* ]]
  [[ "$output" != *"other/stuck"* ]]
}

@test "objects without a namespace go to the context's namespace when it is not default" {
  cp "$S/kubeconfig-token.yaml" "$T/team.yaml"
  kubectl --kubeconfig "$T/team.yaml" config set-context --current --namespace=team >/dev/null
  { printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n---\n'
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: b}\n---\n'
    deployment web "" | sed '/^  namespace: $/d'
    printf -- '---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: team-reader, namespace: ignored}\nrules: []\n'
  } | artifact lok8s.dev app
  run "$DEPLOY" --kubeconfig "$T/team.yaml"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"; default namespace team"* ]]
  [[ "$output" == *"ConfigMap/team/settings created"* ]]
  [[ "$output" == *"ok: Deployment/team/web: 2 replicas available"* ]]
  [[ "$output" == *"ClusterRole/team-reader created"* ]]
  [ "$(k get cm settings -n team -o 'jsonpath={.data.a}')" = b ]
  k get deploy web -n team >/dev/null
  run k get cm settings -n default
  [ "$status" -ne 0 ]
  run k get deploy web -n default
  [ "$status" -ne 0 ]
}

@test "webhook configurations and APIServices are applied after the services and workloads they point at" {
  cat <<'EOF' | artifact lok8s.dev hooks
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: policy}
webhooks:
- name: policy.example.com
  clientConfig: {service: {name: policy-webhook, namespace: hooks, path: /validate}}
  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps]}]
  sideEffects: None
  admissionReviewVersions: [v1]
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.metrics.example.com}
spec:
  group: metrics.example.com
  version: v1beta1
  service: {name: metrics-api, namespace: hooks}
  groupPriorityMinimum: 100
  versionPriority: 100
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: defaults}
webhooks:
- name: defaults.example.com
  clientConfig: {service: {name: policy-webhook, namespace: hooks, path: /mutate}}
  sideEffects: None
  admissionReviewVersions: [v1]
---
apiVersion: v1
kind: Service
metadata: {name: policy-webhook, namespace: hooks}
spec: {selector: {app: policy}, ports: [{port: 443, targetPort: 8443}]}
---
apiVersion: v1
kind: Service
metadata: {name: metrics-api, namespace: hooks}
spec: {selector: {app: metrics}, ports: [{port: 443, targetPort: 6443}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: hooks}
EOF
  { echo '---'; deployment policy hooks; } >> "$P/clusters/lok8s.dev/artifacts/hooks/artifacts.yaml"
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml"
  echo "$output"
  [ "$status" -eq 0 ]
  # The order lo reports: namespaces, then the objects, then the webhooks and APIServices.
  ns_line="$(grep -n 'applying 1 namespaces' <<< "$output" | cut -d: -f1)"
  objects_line="$(grep -n 'applying 3 objects' <<< "$output" | cut -d: -f1)"
  hooks_line="$(grep -n 'applying 3 webhook configurations' <<< "$output" | cut -d: -f1)"
  [ -n "$ns_line" ]
  [ -n "$objects_line" ]
  [ -n "$hooks_line" ]
  [ "$ns_line" -lt "$objects_line" ]
  [ "$objects_line" -lt "$hooks_line" ]
  # The order the server saw: every webhook configuration and APIService was created
  # after both Services and the Deployment (resourceVersion is one global counter,
  # and creation is the first version of these objects).
  python3 - "$S/kubeconfig-cert.yaml" <<'EOF'
import json, subprocess, sys
def get(*args):
    return json.loads(subprocess.check_output(["kubectl", "--kubeconfig", sys.argv[1], "get", *args, "-o", "json"]))
first_rv = lambda o: int(o["metadata"]["resourceVersion"])
served = [get("service", "policy-webhook", "-n", "hooks"), get("service", "metrics-api", "-n", "hooks")]
late = [get("validatingwebhookconfiguration", "policy"), get("mutatingwebhookconfiguration", "defaults"),
        get("apiservice", "v1beta1.metrics.example.com")]
assert max(map(first_rv, served)) < min(map(first_rv, late)), ([first_rv(o) for o in served], [first_rv(o) for o in late])
EOF
}

@test "rejected credentials and an untrusted server are errors naming the kubeconfig" {
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n' | artifact lok8s.dev app
  sed "s/token: .*/token: \"wrong-token\"/" "$S/kubeconfig-token.yaml" > "$T/bad-token.yaml"
  run "$DEPLOY" --kubeconfig "$T/bad-token.yaml"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"401"* && "$output" == *"user \"lo-test\""* && "$output" == *"bad-token.yaml"* ]]
  grep -v certificate-authority-data "$S/kubeconfig-token.yaml" > "$T/no-ca.yaml"
  run "$DEPLOY" --kubeconfig "$T/no-ca.yaml"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"TLS certificate is not trusted"* ]]
}

@test "tls-server-name is the name the server certificate is checked against" {
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n' | artifact lok8s.dev app
  # The server's certificate names 127.0.0.1 and localhost only.
  sed 's/^\(    server: .*\)$/\1\n    tls-server-name: localhost/' "$S/kubeconfig-token.yaml" > "$T/sni-ok.yaml"
  run "$DEPLOY" --kubeconfig "$T/sni-ok.yaml"
  echo "$output"
  [ "$status" -eq 0 ]
  sed 's/^\(    server: .*\)$/\1\n    tls-server-name: other.example/' "$S/kubeconfig-token.yaml" > "$T/sni-bad.yaml"
  run "$DEPLOY" --kubeconfig "$T/sni-bad.yaml"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"TLS certificate is not trusted"* && "$output" == *"tls-server-name"* ]]
}

@test "429 with Retry-After, 500s, 503, dropped watches and 410 Gone are recovered from" {
  start_server --workload-delay-ms 1500
  { printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n---\n'
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c1, namespace: apps}\n---\n'
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c2, namespace: apps}\n---\n'
    deployment web1 apps; echo '---'; deployment web2 apps; } | artifact lok8s.dev app
  # The first watch of deployments is refused with 410 Gone (re-list), the
  # next two are cut after one event each (resume from the last version).
  control POST /lo-test/faults '[
    {"method": "PATCH", "pathRegex": "/configmaps/", "status": 429, "retryAfter": 1, "times": 2},
    {"method": "GET", "pathRegex": "^/api/v1$", "status": 500, "times": 2},
    {"method": "PATCH", "pathRegex": "/namespaces/apps$", "status": 503, "times": 1},
    {"method": "WATCH", "pathRegex": "deployments", "status": 410, "times": 1},
    {"method": "WATCH", "pathRegex": "deployments", "dropWatchAfterEvents": 1, "times": 2}
  ]' >/dev/null
  start=$SECONDS
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml" -v=2
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"retrying PATCH"*"429 Too Many Requests"* ]]
  [[ "$output" == *"retrying GET /api/v1"*"500 Internal Server Error"* ]]
  [[ "$output" == *"retrying PATCH /api/v1/namespaces/apps?"*"503 Service Unavailable"* ]]
  [[ "$output" == *"is gone; listing again"* ]]
  [[ "$output" == *"ok: Deployment/apps/web1"* && "$output" == *"ok: Deployment/apps/web2"* ]]
  # Retry-After: 1 was honoured (at least one second spent waiting).
  [ $((SECONDS - start)) -ge 1 ]
  control GET /lo-test/faults
  [ "$(control GET /lo-test/faults | jq length)" -eq 0 ]
  [ "$(stat_of '.byVerb.WATCH')" -ge 3 ]
  [ "$(k get cm c2 -n apps -o name)" = "configmap/c2" ]
}

@test "retries are bounded: a server that keeps failing is an error" {
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n' | artifact lok8s.dev app
  control POST /lo-test/faults '[{"method": "PATCH", "pathRegex": "/configmaps/", "status": 500, "retryAfter": 0, "times": -1}]' >/dev/null
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"ConfigMap/default/c"* && "$output" == *"nothing after this phase was applied"* ]]
  # One try and 8 retries (the target's ApplySet parent, a Secret, is the other PATCH).
  [ "$(control GET /lo-test/requests | jq '[.[] | select(.method == "PATCH" and (.path | contains("/configmaps/")))] | length')" -eq 9 ]
}

@test "fields another manager owns are a conflict naming field and manager; --force-conflicts takes them" {
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared, namespace: default}\ndata: {owner: them, other: x}\n' |
    k apply --server-side --field-manager=helm -f -
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared, namespace: default}\ndata: {owner: lo, other: x, mine: y}\n' |
    artifact lok8s.dev app
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"ConfigMap/default/shared: conflicts with other field managers:"* ]]
  [[ "$output" == *".data.owner is owned by \"helm\""* ]]
  [[ "$output" == *"--force-conflicts"* ]]
  [ "$(k get cm shared -o 'jsonpath={.data.owner}')" = "them" ]
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml" --force-conflicts
  [ "$status" -eq 0 ]
  [ "$(k get cm shared -o 'jsonpath={.data.owner}')" = "lo" ]
}

@test "-o yaml prints every applied object as the server returned it; -o json a v1 List" {
  { crd_and_widgets; echo '---'; deployment web demo; } | artifact lok8s.dev app
  run --separate-stderr "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml" -o yaml
  [ "$status" -eq 0 ]
  echo "$output" > "$T/out.yaml"
  python3 - "$T/out.yaml" <<'EOF'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
names = sorted(f"{d['kind']}/{d['metadata'].get('namespace', '')}/{d['metadata']['name']}" for d in docs)
want = sorted(["CustomResourceDefinition//gadgets.example.com", "CustomResourceDefinition//widgets.example.com",
               "Deployment/demo/web", "Gadget//g1", "Namespace//demo", "Widget/demo/w1"])
assert names == want, names
for d in docs:
    assert d["metadata"]["uid"] and d["metadata"]["resourceVersion"], d
    assert "managedFields" not in d["metadata"]
EOF
  run --separate-stderr "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml" -o json
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r .kind)" = "List" ]
  [ "$(echo "$output" | jq '.items | length')" -eq 6 ]
  [[ "$stderr" == *"deployed lok8s.dev"* ]]
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml" -o wide
  [ "$status" -eq 2 ]
}

@test "--dry-run=server reports what would change and persists nothing" {
  { crd_and_widgets; echo '---'; printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: existing}\ndata: {a: new}\n'; } |
    artifact lok8s.dev app
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: existing, namespace: default}\ndata: {a: old}\n' |
    k apply --server-side --field-manager=lo -f -
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml" --dry-run=server
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"CustomResourceDefinition/widgets.example.com created (server dry run)"* ]]
  [[ "$output" == *"Widget/demo/w1 not checked"* ]]
  [[ "$output" == *"ConfigMap/default/existing configured (server dry run)"* ]]
  [[ "$output" == *"nothing was changed"* ]]
  run k get crd widgets.example.com
  [ "$status" -ne 0 ]
  [ "$(k get cm existing -o 'jsonpath={.data.a}')" = "old" ]
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml" --dry-run=client
  [ "$status" -eq 2 ]
}

@test "no token, key or certificate text appears in any output at -v=0..10" {
  { printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n'; deployment web default; } | artifact lok8s.dev app
  secrets=("$(cat "$S/token")")
  for f in client.key client.crt ca.crt; do
    while IFS= read -r line; do [ -n "$line" ] && secrets+=("$line"); done < <(grep -v -- '-----' "$S/$f")
  done
  for field in client-certificate-data client-key-data certificate-authority-data; do
    secrets+=("$(grep "$field" "$S/kubeconfig-cert.yaml" | awk '{print $2}' | cut -c1-48)")
  done
  sed "s/token: .*/token: \"rejected-token-text-1234\"/" "$S/kubeconfig-token.yaml" > "$T/bad.yaml"
  secrets+=("rejected-token-text-1234" "-----BEGIN")
  [ "${#secrets[@]}" -gt 10 ]
  for v in 0 1 2 3 4 5 6 7 8 9 10; do
    for kc in "$S/kubeconfig-cert.yaml" "$S/kubeconfig-token.yaml" "$S/kubeconfig-exec.yaml" "$T/bad.yaml"; do
      run "$DEPLOY" --kubeconfig "$kc" -v="$v" -o yaml
      for s in "${secrets[@]}"; do
        if [[ "$output" == *"$s"* ]]; then
          echo "secret text leaked at -v=$v with $kc: $s"
          return 1
        fi
      done
    done
  done
  # The check itself can fail: at -v=6 the request lines are there.
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-token.yaml" -v=6
  [[ "$output" == *"PATCH $URL/api/v1/namespaces/default/configmaps/c?fieldManager=lo"* ]]
}

@test "objects of kinds the server does not serve are reported before anything is applied" {
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\napiVersion: nope.example.com/v1\nkind: Thing\nmetadata: {name: t}\n' |
    artifact lok8s.dev app
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"artifacts.yaml, document 2: kind: the API server does not serve nope.example.com/v1 (kind Thing)"* ]]
  [ "$(stat_of '.byVerb.PATCH // 0')" -eq 0 ]
}

@test "usage: --help exits 0, unknown flags and bad values exit 2" {
  run "$DEPLOY" --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"kubectl lo deploy [DOMAIN] [TARGET...]"* ]]
  run "$DEPLOY" --bogus
  [ "$status" -eq 2 ]
  run "$DEPLOY" --timeout soon
  [ "$status" -eq 2 ]
  run "$DEPLOY" --concurrency 0
  [ "$status" -eq 2 ]
}
