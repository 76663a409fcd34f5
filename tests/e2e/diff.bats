#!/usr/bin/env bats
# kubectl lo diff end to end: a server-side dry run of every object against
# the live one, unified diffs, Secret values masked, kubectl diff's exit
# codes, -o json; nothing persisted.

bats_require_minimum_version 1.5.0

load deploy_helpers

# app IMAGE PASSWORD: target "app" with a Deployment and a Secret.
app() {
  cat <<EOF | artifact lok8s.dev app
apiVersion: v1
kind: Namespace
metadata: {name: demo}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: demo}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: $1
        ports: [{containerPort: 8080}]
        env: [{name: MODE, value: production}]
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: demo}
stringData: {password: $2}
EOF
}

diff_cmd() { "$LO_BIN/kubectl-lo" diff --kubeconfig "$S/kubeconfig-cert.yaml" "$@"; }

# The lines of the diff of one object (between its "diff -u -N" line and the next).
object_diff() { awk -v n="$1" '/^diff -u -N /{on = index($0, "live/" n " ") > 0} on' <<<"$output"; }

@test "a changed Deployment image shows only that line; nothing is persisted" {
  app nginx:1.0 first-password
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml"
  [ "$status" -eq 0 ]
  app nginx:1.1 first-password
  control DELETE /lo-test/requests
  run --separate-stderr diff_cmd
  echo "$output"
  echo "$stderr"
  [ "$status" -eq 1 ]
  d="$(object_diff apps.v1.Deployment.demo.web)"
  echo "$d"
  [ "$(grep -c '^-' <<<"$d")" -eq 2 ]  # "--- live/..." and the old image
  [ "$(grep -c '^+' <<<"$d")" -eq 2 ]  # "+++ merged/..." and the new image
  grep -qx -- '-        image: nginx:1.0' <<<"$d" || grep -qx -- '-      - image: nginx:1.0' <<<"$d" || grep -q -- '^-.*image: nginx:1.0$' <<<"$d"
  grep -q -- '^+.*image: nginx:1.1$' <<<"$d"
  for hidden in managedFields resourceVersion generation creationTimestamp 'status:' uid; do
    [[ "$output" != *"$hidden"* ]]
  done
  [[ "$stderr" == *"[app] to change: Deployment/demo/web"* ]]
  [[ "$stderr" == *"diff of lok8s.dev [app]: 0 to create, 1 to change, 0 to delete, 2 unchanged"* ]]
  # Only dry runs reached the server.
  [ "$(control GET /lo-test/requests | jq '[.[] | select(.method != "GET" and .dryRun == false)] | length')" -eq 0 ]
  [ "$(k get deployment web -n demo -o jsonpath='{.spec.template.spec.containers[0].image}')" = "nginx:1.0" ]
}

@test "a Secret's value never appears, neither plain nor base64" {
  app nginx first-password-1234
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml"
  [ "$status" -eq 0 ]
  # A value someone else wrote into the Secret: kubectl's client-side apply
  # also keeps it, in plain text, in its last-applied annotation.
  printf 'apiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: demo}\nstringData: {legacy: kubectl-written-5678}\n' | k apply -f -
  [[ "$(k get secret creds -n demo -o json)" == *"kubectl-written-5678"* ]]
  app nginx second-password-9876
  secrets=(first-password-1234 second-password-9876 kubectl-written-5678)
  for s in "${secrets[@]}"; do secrets+=("$(printf '%s' "$s" | base64)"); done
  for out in text json; do
    if [ "$out" = json ]; then run diff_cmd -o json; else run diff_cmd; fi
    echo "$output"
    [ "$status" -eq 1 ]
    for s in "${secrets[@]}"; do
      [[ "$output" != *"$s"* ]] || { echo "leaked: $s"; return 1; }
    done
  done
  run diff_cmd
  [[ "$output" == *'-  password: "*** (before)"'* ]]
  [[ "$output" == *'+  password: "*** (after)"'* ]]
  # A new Secret, and one that would be pruned, are masked as well.
  printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: demo}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: fresh, namespace: demo}\nstringData: {k: brand-new-secret-42}\n' |
    artifact lok8s.dev app
  run diff_cmd -v=10
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"--- live/v1.Secret.demo.creds"*"+++ /dev/null"* ]]
  [[ "$output" == *"--- /dev/null"*"+++ merged/v1.Secret.demo.fresh"* ]]
  for s in "${secrets[@]}" brand-new-secret-42 "$(printf brand-new-secret-42 | base64)"; do
    [[ "$output" != *"$s"* ]] || { echo "leaked: $s"; return 1; }
  done
}

@test "exit 0 when nothing would change, new objects shown whole, -o json for machines" {
  app nginx pw
  run --separate-stderr diff_cmd
  echo "$output"
  [ "$status" -eq 1 ]
  # Namespace demo does not exist yet: its objects are shown from the
  # manifest, marked as not checked.
  [[ "$output" == *"--- /dev/null"*"+++ merged/v1.Namespace.demo"* ]]
  [[ "$output" == *"+++ merged/apps.v1.Deployment.demo.web"* ]]
  [[ "$stderr" == *"Deployment/demo/web (not checked: its namespace demo comes with this deploy"* ]]
  [[ "$stderr" == *"3 to create, 0 to change, 0 to delete, 0 unchanged"* ]]
  run "$DEPLOY" --kubeconfig "$S/kubeconfig-cert.yaml"
  [ "$status" -eq 0 ]
  run --separate-stderr diff_cmd
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  [[ "$stderr" == *"0 to create, 0 to change, 0 to delete, 3 unchanged"* ]]
  run --separate-stderr diff_cmd -o json
  [ "$status" -eq 0 ]
  [ "$(jq -r '.summary | "\(.create) \(.change) \(.delete) \(.unchanged)"' <<<"$output")" = "0 0 0 3" ]
  [ "$(jq -r '[.objects[].action] | unique | join(",")' <<<"$output")" = "unchanged" ]
  app nginx:2 pw
  run --separate-stderr diff_cmd -o json
  [ "$status" -eq 1 ]
  [ "$(jq -r '.objects[] | select(.kind == "Deployment") | .action' <<<"$output")" = "change" ]
  [[ "$(jq -r '.objects[] | select(.kind == "Deployment") | .diff' <<<"$output")" == *"+"*"image: nginx:2"* ]]
}

@test "errors exit 2, like kubectl diff; usage errors too" {
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared, namespace: default}\ndata: {owner: them}\n' |
    k apply --server-side --field-manager=helm -f -
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared, namespace: default}\ndata: {owner: lo}\n' |
    artifact lok8s.dev app
  run diff_cmd
  echo "$output"
  [ "$status" -eq 2 ]
  [[ "$output" == *"ConfigMap/default/shared: conflicts with other field managers"*".data.owner is owned by \"helm\""* ]]
  run diff_cmd --force-conflicts
  [ "$status" -eq 1 ]
  [[ "$output" == *'+  owner: lo'* ]]
  [ "$(k get cm shared -o jsonpath='{.data.owner}')" = "them" ]
  run "$LO_BIN/kubectl-lo" diff --kubeconfig "$T/missing.yaml"
  [ "$status" -eq 2 ]
  run diff_cmd -o yaml
  [ "$status" -eq 2 ]
  run diff_cmd --bogus
  [ "$status" -eq 2 ]
  run "$LO_BIN/kubectl-lo" diff --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"kubectl lo diff [DOMAIN] [TARGET...]"* && "$output" == *"Exit status: 0 nothing would change"* ]]
}

@test "kubectl lo diff works as a kubectl plugin" {
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: v}\n' | artifact lok8s.dev app
  PATH="$LO_BIN:$PATH" run kubectl lo diff --kubeconfig "$S/kubeconfig-cert.yaml"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"+++ merged/v1.ConfigMap.default.c"* ]]
}
