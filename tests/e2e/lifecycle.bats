#!/usr/bin/env bats
# The driver contract through the real kubectl-lo: a custom driver executable
# for `kind: K3s` (no recompilation), the exit-100 path, deployment domains,
# `up` with and without Tilt, `down` stopping Tilt.

setup() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  : "${LO_SRC:?LO_SRC must point at the source tree}"
  LO="$LO_BIN/kubectl-lo"
  T="$(mktemp -d)"
  P="$T/project"
  export K3S_STATE="$T/k3s" LO_FAKE_STATE="$T/fake" NO_COLOR=1
  unset DOMAIN_NAME PATH_CLUSTERS
  mkdir -p "$P/clusters/dev.example.com" "$P/.lok8s/drivers/k3s"
  cp "$LO_SRC/tests/fixtures/drivers/lo-driver-k3s" "$P/.lok8s/drivers/k3s/lo-driver-k3s"
  cat > "$P/clusters/dev.example.com/cluster.lok8s.yaml" <<'EOF'
apiVersion: cluster.lok8s.dev/v1beta1
kind: K3s
metadata:
  name: dev
spec:
  kubernetes:
    version: "v1.31.10"
  cluster:
    domain: dev.example.com
  bootstrap: []
EOF
  mkdir -p "$P/clusters/api.example.com"
  printf 'apiVersion: cluster.lok8s.dev/v1beta1\nkind: Deploy\nmetadata:\n  name: api\nspec:\n  clusterRef:\n    domain: dev.example.com\n' \
    > "$P/clusters/api.example.com/deploy.lok8s.yaml"
}

teardown() {
  "$LO" tilt down --root "$P" dev.example.com >/dev/null 2>&1 || true
  rm -rf "$T"
}

@test "a custom driver serves kind K3s: provision, post_provision, status, kubeconfig, destroy" {
  run "$LO" status --root "$P" dev.example.com
  [ "$status" -eq 0 ]
  [ "$output" = "NotFound" ]
  run "$LO" provision --root "$P" dev.example.com
  [ "$status" -eq 0 ]
  [[ "$output" == *"k3s: creating dev"* ]]
  [[ "$output" == *"k3s: post-provision done"* ]]
  [[ "$output" == *"bootstrap of dev.example.com (K3s): nothing to apply (spec.bootstrap is empty)"* ]]
  grep -q "^provision dev.example.com cluster=dev domain=dev.example.com path=$P/clusters/dev.example.com base=$P kubeconfig=$P/.kubeconfig/dev.yaml force=0" "$K3S_STATE/calls.log"
  grep -q "^post_provision dev.example.com" "$K3S_STATE/calls.log"
  [ -f "$P/.kubeconfig/dev.yaml" ]
  run "$LO" status --root "$P" dev.example.com
  [ "$output" = "Running" ]
  run "$LO" kubeconfig --root "$P" dev.example.com
  [ "$output" = "$P/.kubeconfig/dev.yaml" ]
  run "$LO" destroy --root "$P" dev.example.com
  [ "$status" -eq 0 ]
  run "$LO" status --root "$P" dev.example.com
  [ "$output" = "NotFound" ]
}

@test "exit 100 from provision skips post_provision and bootstrap" {
  export K3S_HANDLE_ALL=1
  run "$LO" provision --root "$P" dev.example.com
  [ "$status" -eq 0 ]
  [[ "$output" == *"driver handled the whole lifecycle (exit 100)"* ]]
  [[ "$output" != *"post-provision done"* ]]
  [[ "$output" != *"bootstrap of dev.example.com"* ]]
  run grep -c "^post_provision" "$K3S_STATE/calls.log"
  [ "$output" = 0 ]
}

@test "a driver without post_provision (exit 64) is fine; a failing driver fails the command" {
  K3S_NO_POST=1 run "$LO" provision --root "$P" dev.example.com
  [ "$status" -eq 0 ]
  # post_provision was asked, its 64 read as "not implemented", and the flow went on to bootstrap
  # (which asks the driver for the cluster's kubeconfig).
  [ "$(cut -d' ' -f1 "$K3S_STATE/calls.log" | tr '\n' ' ')" = "provision post_provision kubeconfig " ]
  [[ "$output" == *"lo-driver-k3s: post_provision is not implemented (exit 64); skipped"* ]]
  [[ "$output" != *"k3s: post-provision done"* ]]
  [[ "$output" == *"bootstrap of dev.example.com (K3s): nothing to apply (spec.bootstrap is empty)"* ]]
  [[ "$output" != *"error"* ]]
  run "$LO" status --root "$P" dev.example.com
  [ "$output" = "Running" ]
  # a driver on PATH that fails: lo fails with its exit code, its stderr passed through
  mkdir -p "$T/bin" && printf '#!/bin/sh\necho boom >&2\nexit 3\n' > "$T/bin/lo-driver-k3s" && chmod +x "$T/bin/lo-driver-k3s"
  rm "$P/.lok8s/drivers/k3s/lo-driver-k3s"
  PATH="$T/bin:$PATH" run "$LO" provision --root "$P" dev.example.com
  [ "$status" -eq 1 ]
  [[ "$output" == *"boom"* ]]
  [[ "$output" == *"lo-driver-k3s provision failed (exit 3)"* ]]
}

@test "a kind with no driver is a clear error naming what to install" {
  rm "$P/.lok8s/drivers/k3s/lo-driver-k3s"
  run "$LO" provision --root "$P" dev.example.com
  [ "$status" -eq 1 ]
  [[ "$output" == *"no driver for kind K3s"*"lo-driver-k3s"* ]]
}

@test "deployment domains: no provision, status follows clusterRef" {
  run "$LO" provision --root "$P" api.example.com
  [ "$status" -eq 1 ]
  [[ "$output" == *"'api.example.com' is a deployment domain"* ]]
  "$LO" provision --root "$P" dev.example.com >/dev/null 2>&1
  run "$LO" status --root "$P" api.example.com
  [ "$status" -eq 0 ]
  [ "$output" = "Running" ]
}

@test "--dry-run runs no driver verb that changes anything" {
  run "$LO" provision --root "$P" dev.example.com --dry-run
  [ "$status" -eq 0 ]
  [[ "$output" == *"run: $P/.lok8s/drivers/k3s/lo-driver-k3s provision dev.example.com $P/clusters/dev.example.com/cluster.lok8s.yaml"* ]]
  [ ! -e "$K3S_STATE/calls.log" ]
}

@test "an invalid spec fails before any driver runs" {
  sed -i 's/domain: dev.example.com/domain: other.example.com/' "$P/clusters/dev.example.com/cluster.lok8s.yaml"
  run "$LO" provision --root "$P" dev.example.com
  [ "$status" -eq 1 ]
  [[ "$output" == *"but the folder is 'dev.example.com'"* ]]
  [ ! -e "$K3S_STATE/calls.log" ]
}

@test "up without tilt says how to install it; with tilt it starts tilt up and down stops it" {
  printf "load('%s/tilt/lo/Tiltfile', 'lok8s')\nlok8s()\n" "$LO_SRC" > "$P/Tiltfile"
  run env PATH="$LO_BIN:/usr/bin:/bin" "$LO" up --root "$P" dev.example.com
  [ "$status" -eq 0 ]
  [[ "$output" == *"Tilt is not installed"*"https://docs.tilt.dev/install.html"* ]]
  # with the recording tilt: up starts it in the background and returns; down stops it and destroys the cluster
  export TILT_PORT=14242
  PATH="$LO_SRC/tests/fakes/bin:$PATH" run "$LO" up --root "$P" dev.example.com
  [ "$status" -eq 0 ]
  [[ "$output" == *"Tilt is up for dev.example.com: http://localhost:14242/"* ]]
  [ -f "$P/clusters/dev.example.com/.tilt/state.json" ]
  grep -q "^up --port=14242 --file=$P/Tiltfile --stream | KUBECONFIG=$P/.kubeconfig/dev.yaml | DOMAIN_NAME=dev.example.com | TILT_PORT=14242 | cwd=$P" "$LO_FAKE_STATE/tilt.log"
  run "$LO" down --root "$P" dev.example.com
  [ "$status" -eq 0 ]
  [[ "$output" == *"stopped tilt"* ]]
  grep -q "tilt: stopped 14242" "$LO_FAKE_STATE/tilt.log"
  [ ! -e "$P/clusters/dev.example.com/.tilt/state.json" ]
  run "$LO" status --root "$P" dev.example.com
  [ "$output" = "NotFound" ]
}

@test "lifecycle commands have --help" {
  for c in provision destroy status kubeconfig up down; do
    run "$LO" "$c" --help
    [ "$status" -eq 0 ]
    [[ "$output" == *"Usage:"*"kubectl lo $c"* ]]
  done
}
