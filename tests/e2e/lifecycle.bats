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
  [ -f "$P/.tilt.pid" ] && kill "$(cat "$P/.tilt.pid")" 2>/dev/null || true
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
  ! grep -q "^post_provision" "$K3S_STATE/calls.log"
}

@test "a driver without post_provision (exit 64) is fine; a failing driver fails the command" {
  K3S_NO_POST=1 run "$LO" provision --root "$P" dev.example.com
  [ "$status" -eq 0 ]
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

@test "up without tilt says how to install it; with tilt it runs tilt up and down stops it" {
  run env PATH="$LO_BIN:/usr/bin:/bin" "$LO" up --root "$P" dev.example.com
  [ "$status" -eq 0 ]
  [[ "$output" == *"Tilt is not installed"*"https://docs.tilt.dev/install.html"* ]]
  # with the fake tilt: up stays in the foreground; down stops it and destroys the cluster
  PATH="$LO_SRC/tests/fakes/bin:$PATH" "$LO" up --root "$P" dev.example.com > "$T/up.log" 2>&1 &
  for _ in $(seq 300); do [ -f "$P/.tilt.pid" ] && break; sleep 0.1; done
  [ -f "$P/.tilt.pid" ]
  for _ in $(seq 300); do grep -q '^up' "$LO_FAKE_STATE/tilt.log" 2>/dev/null && break; sleep 0.1; done
  grep -q "^up | KUBECONFIG=$P/.kubeconfig/dev.yaml | cwd=$P" "$LO_FAKE_STATE/tilt.log"
  run "$LO" down --root "$P" dev.example.com
  [ "$status" -eq 0 ]
  [[ "$output" == *"stopped tilt"* ]]
  wait
  grep -q "tilt: stopped" "$LO_FAKE_STATE/tilt.log"
  [ ! -e "$P/.tilt.pid" ]
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
