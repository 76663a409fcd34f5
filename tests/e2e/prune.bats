#!/usr/bin/env bats
# Pruning with ApplySets (KEP-3659): kubectl lo deploy --prune, --delete and
# the notice, against the test API server; the order of deletions read from
# the server's request log; real kubectl treating lo's set as an ApplySet.

bats_require_minimum_version 1.5.0

load deploy_helpers

# app_target [WITHOUT...]: target "app" of lok8s.dev, deployed with -n demo
# (its objects name no namespace), minus the named objects.
app_target() {
  {
    printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: demo}\n'
    for o in keep old-cm; do
      [[ " $* " == *" $o "* ]] || printf -- '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s}\ndata: {k: v}\n' "$o"
    done
    for d in web old-web; do
      [[ " $* " == *" $d "* ]] || { echo '---'; deployment "$d" demo | sed '/namespace: demo/d'; }
    done
  } | artifact lok8s.dev app
}

# deletes: "path" of every DELETE the server saw, in arrival order.
deletes() { control GET /lo-test/requests | jq -r '[.[] | select(.method == "DELETE")] | sort_by(.seq) | .[].path'; }

# seq_of PATH-SUFFIX: arrival number of the DELETE whose path ends so.
seq_of() {
  control GET /lo-test/requests |
    jq -r --arg p "$1" '[.[] | select(.method == "DELETE" and (.path | endswith($p)))] | .[0].seq // "none"'
}

# before SEQ1 SEQ2: request SEQ1 arrived before SEQ2 (both seen).
before() {
  [[ "$1" =~ ^[0-9]+$ && "$2" =~ ^[0-9]+$ ]] || { echo "not both seen: $1 $2"; return 1; }
  [ "$1" -lt "$2" ] || { echo "request $1 is not before request $2"; return 1; }
}

kubectl_version() { kubectl version --client -o json | jq -r .clientVersion.gitVersion; }

@test "deploy, remove a ConfigMap and a Deployment: diff lists them (exit 1), --prune deletes exactly those two" {
  app_target
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: theirs, namespace: demo}\ndata: {k: v}\n' | artifact lok8s.dev other
  lo_deploy -n demo
  [ "$status" -eq 0 ]
  # Not members: an unlabelled object of the same name in another namespace,
  # and a member of another target's set.
  k create namespace elsewhere --dry-run=client -o yaml | k apply -f -
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: old-cm, namespace: elsewhere}\n' | k apply -f -
  printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: old-web, namespace: elsewhere}\nspec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i}]}}}\n' | k apply -f -
  app_target old-cm old-web

  run "$LO_BIN/kubectl-lo" diff --kubeconfig "$S/kubeconfig-cert.yaml" -n demo app
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"--- live/v1.ConfigMap.demo.old-cm"*"+++ /dev/null"* ]]
  [[ "$output" == *"--- live/apps.v1.Deployment.demo.old-web"*"+++ /dev/null"* ]]
  [[ "$output" == *"[app] to delete (no longer in the target; deploy --prune deletes them): Deployment/demo/old-web, ConfigMap/demo/old-cm"* ]]
  [[ "$output" == *"0 to create, 0 to change, 2 to delete (with --prune), 3 unchanged"* ]]
  [[ "$output" != *"theirs"* && "$output" != *"elsewhere"* ]]

  control DELETE /lo-test/requests
  lo_deploy -n demo app --prune
  [ "$status" -eq 0 ]
  [[ "$output" == *"Deployment/demo/old-web deleted (pruned: not in target app)"* ]]
  [[ "$output" == *"ConfigMap/demo/old-cm deleted (pruned: not in target app)"* ]]
  [[ "$output" == *"(0 created, 0 configured, 3 unchanged, 2 deleted)"* ]]
  run deletes
  [ "$output" = "$(printf '/apis/apps/v1/namespaces/demo/deployments/old-web\n/api/v1/namespaces/demo/configmaps/old-cm')" ]
  [ "$(control GET /lo-test/requests | jq '[.[] | select(.method == "DELETE" and .propagationPolicy == "Background")] | length')" -eq 2 ]
  k get cm old-cm -n elsewhere
  k get deployment old-web -n elsewhere
  k get cm theirs -n demo
  k get cm keep -n demo
  k get deployment web -n demo
  run k get cm old-cm -n demo
  [ "$status" -ne 0 ]

  # A second deploy --prune changes nothing, and diff agrees (exit 0).
  control DELETE /lo-test/requests
  lo_deploy -n demo app --prune
  [ "$status" -eq 0 ]
  [[ "$output" == *"(0 created, 0 configured, 3 unchanged)"* ]]
  [ -z "$(deletes)" ]
  run "$LO_BIN/kubectl-lo" diff --kubeconfig "$S/kubeconfig-cert.yaml" -n demo app
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"0 to create, 0 to change, 0 to delete, 3 unchanged"* ]]
}

@test "the parent and the members carry the KEP-3659 labels and annotations, with kubectl's ID" {
  app_target
  lo_deploy -n demo
  [ "$status" -eq 0 ]
  parent="$(k get secret lo.lok8s.dev.app -n demo -o json)"
  # base64url(sha256("<name>.<namespace>.<kind>.<group>")), unpadded, computed here independently.
  want="applyset-$(printf '%s' 'lo.lok8s.dev.app.demo.Secret.' | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '=')-v1"
  [ "$(echo "$parent" | jq -r '.metadata.labels["applyset.kubernetes.io/id"]')" = "$want" ]
  [ "$(echo "$parent" | jq -r '.metadata.annotations["applyset.kubernetes.io/tooling"]')" = "lo/v$("$LO_BIN/kubectl-lo" version -o json | jq -r .version)" ]
  [ "$(echo "$parent" | jq -r '.metadata.annotations["applyset.kubernetes.io/contains-group-kinds"]')" = "ConfigMap,Deployment.apps,Namespace" ]
  [ "$(echo "$parent" | jq -r '.metadata.annotations["applyset.kubernetes.io/additional-namespaces"]')" = "" ]
  for o in namespace/demo cm/keep cm/old-cm deployment/web deployment/old-web; do
    [ "$(k get "$o" -n demo -o jsonpath='{.metadata.labels.applyset\.kubernetes\.io/part-of}')" = "$want" ]
  done
  # A target with no object in the default namespace is cluster-wide: its
  # parent is a cluster-scoped ApplySet whose CRD is marked as a parent type.
  printf 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\nrules: []\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: sys, namespace: kube-system}\n' |
    artifact lok8s.dev sys
  lo_deploy sys
  [ "$status" -eq 0 ]
  [ "$(k get crd applysets.lok8s.dev -o jsonpath='{.metadata.labels.applyset\.kubernetes\.io/is-parent-type}')" = "true" ]
  cluster_parent="$(k get applysets.lok8s.dev lo.lok8s.dev.sys -o json)"
  want="applyset-$(printf '%s' 'lo.lok8s.dev.sys..ApplySet.lok8s.dev' | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '=')-v1"
  [ "$(echo "$cluster_parent" | jq -r '.metadata.labels["applyset.kubernetes.io/id"]')" = "$want" ]
  [ "$(echo "$cluster_parent" | jq -r '.metadata.annotations["applyset.kubernetes.io/additional-namespaces"]')" = "kube-system" ]
  [ "$(echo "$cluster_parent" | jq -r '.metadata.annotations["applyset.kubernetes.io/contains-group-kinds"]')" = "ClusterRole.rbac.authorization.k8s.io,ConfigMap" ]
  [ "$(k get cm sys -n kube-system -o jsonpath='{.metadata.labels.applyset\.kubernetes\.io/part-of}')" = "$want" ]
}

@test "deletion goes in reverse dependency order, one line per object, Background, asserted from the request log" {
  {
    crd_and_widgets
    cat <<'EOF'
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: demo}
---
apiVersion: v1
kind: Secret
metadata: {name: token, namespace: demo}
stringData: {t: x}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: shop-reader}
rules: []
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: shop-guard}
webhooks: []
---
apiVersion: v1
kind: ConfigMap
metadata: {name: stays, namespace: default}
---
EOF
    deployment api demo
  } | artifact lok8s.dev shop
  lo_deploy shop
  [ "$status" -eq 0 ]
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: stays, namespace: default}\n' | artifact lok8s.dev shop
  control DELETE /lo-test/requests
  lo_deploy shop --prune
  [ "$status" -eq 0 ]
  for o in ValidatingWebhookConfiguration/shop-guard Widget/demo/w1 Gadget/g1 CustomResourceDefinition/widgets.example.com \
           CustomResourceDefinition/gadgets.example.com Deployment/demo/api ConfigMap/demo/settings Secret/demo/token \
           ClusterRole/shop-reader Namespace/demo; do
    [[ "$output" == *"$o deleted (pruned: not in target shop)"* ]]
  done
  [ "$(deletes | wc -l)" -eq 10 ]
  [ "$(control GET /lo-test/requests | jq '[.[] | select(.method == "DELETE" and .propagationPolicy != "Background")] | length')" -eq 0 ]
  webhook=$(seq_of /validatingwebhookconfigurations/shop-guard)
  cr1=$(seq_of /widgets/w1)
  cr2=$(seq_of /gadgets/g1)
  crd1=$(seq_of /customresourcedefinitions/widgets.example.com)
  crd2=$(seq_of /customresourcedefinitions/gadgets.example.com)
  deploy=$(seq_of /deployments/api)
  cm=$(seq_of /configmaps/settings)
  secret=$(seq_of /secrets/token)
  role=$(seq_of /clusterroles/shop-reader)
  ns=$(seq_of /namespaces/demo)
  # Webhooks first; custom resources before their CRDs; workloads before their
  # ConfigMaps and Secrets; everything in a namespace before the namespace.
  # (One comparison a command: bats fails a test only on the last command
  # of an && list.)
  before "$webhook" "$cr1"
  before "$webhook" "$cr2"
  for cr in "$cr1" "$cr2"; do
    before "$cr" "$crd1"
    before "$cr" "$crd2"
  done
  before "$crd1" "$deploy"
  before "$crd2" "$deploy"
  before "$deploy" "$cm"
  before "$deploy" "$secret"
  before "$cm" "$role"
  before "$secret" "$role"
  before "$role" "$ns"
  k get cm stays -n default
}

@test "a wave waits for objects held by finalizers before the next one starts" {
  {
    printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: slow}\n---\n'
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, namespace: slow, finalizers: [example.com/hold]}\n---\n'
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: stays, namespace: default}\n'
  } | artifact lok8s.dev app
  lo_deploy
  [ "$status" -eq 0 ]
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: stays, namespace: default}\n' | artifact lok8s.dev app
  # Something else removes the finalizer a second later.
  ( sleep 1; k patch cm held -n slow --type=merge -p '{"metadata":{"finalizers":null}}' >/dev/null 2>&1 ) 3>&- &
  releaser=$!
  control DELETE /lo-test/requests
  lo_deploy --prune
  wait "$releaser"
  [ "$status" -eq 0 ]
  [[ "$output" == *"ConfigMap/slow/held deleting, finalizers pending"* ]]
  [[ "$output" == *"ConfigMap/slow/held deleted"* && "$output" == *"Namespace/slow deleted"* ]]
  # The Namespace was deleted only after the ConfigMap was gone.
  patch_seq=$(control GET /lo-test/requests | jq '[.[] | select(.method == "PATCH" and (.path | endswith("/configmaps/held")))] | .[-1].seq')
  [ "$(seq_of /namespaces/slow)" -gt "$patch_seq" ]
  # A finalizer nobody removes is an error once --timeout passes, naming it
  # and what was left undeleted.
  printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: slow}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, namespace: slow, finalizers: [example.com/hold]}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: stays, namespace: default}\n' |
    artifact lok8s.dev app
  lo_deploy
  [ "$status" -eq 0 ]
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: stays, namespace: default}\n' | artifact lok8s.dev app
  lo_deploy --prune --timeout 1s
  [ "$status" -eq 1 ]
  [[ "$output" == *"ConfigMap/slow/held is still there after its deletion (finalizers [\"example.com/hold\"])"* ]]
  [[ "$output" == *"not deleted because of it: Namespace/slow"* ]]
  k get namespace slow
}

@test "without --prune nothing is deleted and a notice names what would be; --prune=false is silent" {
  app_target
  lo_deploy -n demo
  [ "$status" -eq 0 ]
  app_target old-cm
  control DELETE /lo-test/requests
  lo_deploy -n demo
  [ "$status" -eq 0 ]
  [[ "$output" == *"notice: [app] 1 object is no longer in the target and stays in the cluster: ConfigMap/demo/old-cm. --prune deletes them"* ]]
  [[ "$output" == *"1 no longer in the targets (see --prune)"* ]]
  [ -z "$(deletes)" ]
  k get cm old-cm -n demo
  lo_deploy -n demo --prune=false
  [ "$status" -eq 0 ]
  [[ "$output" != *"notice:"* ]]
  # The set still covers it: a later --prune deletes it.
  lo_deploy -n demo --prune
  [ "$status" -eq 0 ]
  [[ "$output" == *"ConfigMap/demo/old-cm deleted"* ]]
}

@test "lok8s.dev/prune: disabled keeps a member; --filter limits pruning to what it selects" {
  app_target
  lo_deploy -n demo
  [ "$status" -eq 0 ]
  k annotate cm old-cm -n demo lok8s.dev/prune=disabled
  app_target old-cm old-web
  run "$LO_BIN/kubectl-lo" diff --kubeconfig "$S/kubeconfig-cert.yaml" -n demo --filter type=none
  echo "$output"
  [ "$status" -eq 0 ]
  lo_deploy -n demo --prune --filter type=none
  [ "$status" -eq 0 ]
  [ -z "$(deletes)" ]
  lo_deploy -n demo --prune
  [ "$status" -eq 0 ]
  [[ "$output" == *"ConfigMap/demo/old-cm is no longer in the target but is kept: lok8s.dev/prune: disabled"* ]]
  [[ "$output" == *"Deployment/demo/old-web deleted"* ]]
  k get cm old-cm -n demo
  # Still a member, still recorded: the parent keeps its kind.
  [[ "$(k get secret lo.lok8s.dev.app -n demo -o jsonpath='{.metadata.annotations.applyset\.kubernetes\.io/contains-group-kinds}')" == *ConfigMap* ]]
}

@test "a member with ownerReferences is kept: its owner decides when it goes" {
  app_target
  lo_deploy -n demo
  [ "$status" -eq 0 ]
  # Something in the cluster (a controller) makes a member depend on another.
  uid="$(k get deployment web -n demo -o jsonpath='{.metadata.uid}')"
  k patch cm old-cm -n demo --type merge \
    -p "{\"metadata\":{\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"web\",\"uid\":\"$uid\"}]}}"
  app_target old-cm old-web
  lo_deploy -n demo --prune
  [ "$status" -eq 0 ]
  [[ "$output" == *"ConfigMap/demo/old-cm is no longer in the target but is kept: owned by Deployment/web (ownerReferences): its owner decides when it goes"* ]]
  [[ "$output" == *"Deployment/demo/old-web deleted"* ]]
  [[ "$output" != *"old-cm deleted"* ]]
  k get cm old-cm -n demo
}

@test "--dry-run=server shows prune candidates and deletes nothing" {
  app_target
  lo_deploy -n demo
  [ "$status" -eq 0 ]
  app_target old-web
  control DELETE /lo-test/requests
  lo_deploy -n demo --dry-run=server
  [ "$status" -eq 0 ]
  [[ "$output" == *"Deployment/demo/old-web is not in the target: --prune would delete it"* ]]
  [ -z "$(deletes)" ]
  lo_deploy -n demo --dry-run=server --prune
  [ "$status" -eq 0 ]
  [[ "$output" == *"Deployment/demo/old-web would be deleted (server dry run)"* ]]
  [[ "$output" == *"1 to delete"* && "$output" == *"nothing was changed"* ]]
  # The server checked the deletion (dryRun) and persisted nothing.
  [ "$(control GET /lo-test/requests | jq '[.[] | select(.method == "DELETE" and .dryRun == false)] | length')" -eq 0 ]
  [ "$(control GET /lo-test/requests | jq '[.[] | select(.method == "DELETE" and .dryRun == true)] | length')" -eq 1 ]
  [ "$(control GET /lo-test/requests | jq '[.[] | select((.method == "PATCH" or .method == "POST" or .method == "PUT") and .dryRun == false)] | length')" -eq 0 ]
  k get deployment old-web -n demo
}

@test "deploy --delete TARGET removes every member and the parent, and is idempotent" {
  app_target
  lo_deploy -n demo
  [ "$status" -eq 0 ]
  # The target's folder may be gone already: the set in the cluster is enough.
  rm -rf "$P/clusters/lok8s.dev/artifacts/app"
  lo_deploy -n demo --delete app --dry-run=server
  [ "$status" -eq 0 ]
  [[ "$output" == *"Secret/demo/lo.lok8s.dev.app would be deleted (server dry run)"* ]]
  k get secret lo.lok8s.dev.app -n demo
  control DELETE /lo-test/requests
  lo_deploy -n demo --delete app
  [ "$status" -eq 0 ]
  for o in Deployment/demo/web Deployment/demo/old-web ConfigMap/demo/keep ConfigMap/demo/old-cm Namespace/demo; do
    [[ "$output" == *"$o deleted"* ]]
  done
  [[ "$output" == *"Secret/demo/lo.lok8s.dev.app deleted (the ApplySet parent of target app)"* ]]
  [[ "$output" == *"deleted lok8s.dev [app]: 5 objects and 1 ApplySet parent"* ]]
  [ "$(seq_of /namespaces/demo)" -gt "$(seq_of /configmaps/keep)" ]
  run k get namespace demo
  [ "$status" -ne 0 ]
  lo_deploy -n demo --delete app
  [ "$status" -eq 0 ]
  [[ "$output" == *"[app] has no ApplySet in the cluster"*"nothing to delete"* ]]
  # --delete names its targets; a whole domain is never deleted by accident.
  lo_deploy --delete
  [ "$status" -eq 2 ]
  [[ "$output" == *"--delete needs the targets to delete"* ]]
}

@test "an object in two targets, or a manifest carrying the part-of label, is an error" {
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\n' | artifact lok8s.dev a
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\n' | artifact lok8s.dev b
  lo_deploy a
  [ "$status" -eq 0 ]
  lo_deploy b
  [ "$status" -eq 1 ]
  [[ "$output" == *"ConfigMap/default/shared: is a member of another ApplySet (applyset.kubernetes.io/part-of=applyset-"* ]]
  run "$LO_BIN/kubectl-lo" diff --kubeconfig "$S/kubeconfig-cert.yaml" b
  echo "$output"
  [ "$status" -eq 2 ]
  [[ "$output" == *"ConfigMap/default/shared: is a member of another ApplySet"* ]]
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {applyset.kubernetes.io/part-of: x}}\n' | artifact lok8s.dev b
  lo_deploy b
  [ "$status" -eq 1 ]
  [[ "$output" == *"artifacts.yaml, document 1: metadata.labels.applyset.kubernetes.io/part-of: is set in the manifest"* ]]
}

@test "real kubectl apply --prune --applyset sees lo's set: refuses lo's tooling, prunes it once handed over" {
  export KUBECTL_APPLYSET=true
  k create namespace demo --dry-run=client -o yaml | k apply -f -
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n---\n' > "$T/set.yaml"
  deployment web demo | sed '/namespace: demo/d' >> "$T/set.yaml"
  artifact lok8s.dev app < "$T/set.yaml"
  lo_deploy -n demo
  [ "$status" -eq 0 ]
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n' > "$T/subset.yaml"

  # kubectl finds the parent lo made and refuses it: another tool's set.
  control DELETE /lo-test/requests
  run k apply --server-side --prune --applyset=lo.lok8s.dev.app -n demo -f "$T/subset.yaml"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *'ApplySet parent object "secrets./lo.lok8s.dev.app" already exists and is managed by tooling "lo" instead of "kubectl"'* ]]
  [ "$(control GET /lo-test/requests | jq '[.[] | select(.method != "GET")] | length')" -eq 0 ]

  # Handed over (the tooling annotation names kubectl), kubectl verifies the
  # ID lo wrote, lists the members by lo's label and kinds, and prunes them.
  k annotate secret lo.lok8s.dev.app -n demo "applyset.kubernetes.io/tooling=kubectl/$(kubectl_version)" --overwrite
  run k apply --server-side --prune --applyset=lo.lok8s.dev.app -n demo -f "$T/subset.yaml"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"configmap/a serverside-applied"* ]]
  [[ "$output" == *"configmap/b pruned"* && "$output" == *"deployment.apps/web pruned"* ]]
  run k get cm b -n demo
  [ "$status" -ne 0 ]
  k get cm a -n demo
  [ "$(k get secret lo.lok8s.dev.app -n demo -o jsonpath='{.metadata.annotations.applyset\.kubernetes\.io/contains-group-kinds}')" = "ConfigMap" ]

  # Now kubectl's: lo refuses it the same way and says how to take it back.
  lo_deploy -n demo
  [ "$status" -eq 1 ]
  [[ "$output" == *"the ApplySet parent Secret/demo/lo.lok8s.dev.app of target app is managed by \"kubectl\""* ]]
  [[ "$output" == *"kubectl annotate secret -n demo lo.lok8s.dev.app applyset.kubernetes.io/tooling=lo/v"*" --overwrite"* ]]
  run "$LO_BIN/kubectl-lo" diff --kubeconfig "$S/kubeconfig-cert.yaml" -n demo
  [ "$status" -eq 2 ]
}

@test "real kubectl accepts lo's cluster-scoped ApplySet type as a parent" {
  export KUBECTL_APPLYSET=true
  printf 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r1}\nrules: []\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r2}\nrules: []\n' |
    artifact lok8s.dev sys
  lo_deploy sys
  [ "$status" -eq 0 ]
  printf 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r1}\nrules: []\n' > "$T/subset.yaml"
  run k apply --server-side --prune --applyset=applysets.lok8s.dev/lo.lok8s.dev.sys -f "$T/subset.yaml"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *'managed by tooling "lo" instead of "kubectl"'* ]]
  [[ "$output" != *"not permitted as an ApplySet parent"* ]]
  k annotate applysets.lok8s.dev lo.lok8s.dev.sys "applyset.kubernetes.io/tooling=kubectl/$(kubectl_version)" --overwrite
  run k apply --server-side --prune --applyset=applysets.lok8s.dev/lo.lok8s.dev.sys -f "$T/subset.yaml"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"clusterrole.rbac.authorization.k8s.io/r2 pruned"* ]]
  k get clusterrole r1
}

@test "a new cluster-wide set: its type is installed alongside the target's CRDs, the parent written after them, also when they fail" {
  {
    crd gadgets Gadget Cluster
    echo '---'
    crd stucks Stuck Cluster | sed 's/^metadata: {name: stucks.example.com}/metadata: {name: stucks.example.com, annotations: {lo.test\/behavior: stuck}}/'
    printf -- '---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r1}\nrules: []\n'
  } | artifact lok8s.dev sys
  lo_deploy sys --timeout 2s
  [ "$status" -eq 1 ]
  [[ "$output" == *"installing CustomResourceDefinition applysets.lok8s.dev"* ]]
  [[ "$output" == *"CustomResourceDefinition/stucks.example.com: not ready"* ]]
  patch_seq() {
    control GET /lo-test/requests |
      jq -r --arg p "$1" '[.[] | select(.method == "PATCH" and (.path | endswith($p)))] | .[0].seq // "none"'
  }
  type=$(patch_seq /customresourcedefinitions/applysets.lok8s.dev)
  gadgets=$(patch_seq /customresourcedefinitions/gadgets.example.com)
  parent=$(patch_seq /applysets/lo.lok8s.dev.sys)
  echo "type $type gadgets $gadgets parent $parent"
  # The type first, the target's CRDs without waiting for it, the parent
  # once they were awaited (here: gave up on), before the error.
  before "$type" "$gadgets"
  before "$gadgets" "$parent"
  [ "$(k get applysets.lok8s.dev lo.lok8s.dev.sys -o jsonpath='{.metadata.annotations.applyset\.kubernetes\.io/contains-group-kinds}')" = \
    "ClusterRole.rbac.authorization.k8s.io,CustomResourceDefinition.apiextensions.k8s.io" ]
  # So the CRDs that were applied are members: a prune finds them.
  printf 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r1}\nrules: []\n' | artifact lok8s.dev sys
  lo_deploy sys --prune
  [ "$status" -eq 0 ]
  [[ "$output" == *"CustomResourceDefinition/gadgets.example.com deleted (pruned: not in target sys)"* ]]
  [[ "$output" == *"CustomResourceDefinition/stucks.example.com deleted (pruned: not in target sys)"* ]]
  run k get crd gadgets.example.com
  [ "$status" -ne 0 ]
  k get crd applysets.lok8s.dev
  k get clusterrole r1
}
