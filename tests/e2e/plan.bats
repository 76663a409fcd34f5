#!/usr/bin/env bats
# --dry-run parity: for each driver command, the plan (--dry-run) and then
# the real run, on the same starting state, with LO_STEP_LOG collecting the
# steps of every lo process of the command. The plan's steps must be the
# run's steps, in order, warnings included; and what --dry-run prints must be
# that plan. The behavioural docker and kind fakes keep state between the
# two, and a fresh test API server (holding kind's CoreDNS) stands in for a
# new cluster's API server. The check itself is lib/plan_parity.bash;
# kubectl lo bootstrap's parity tests are in bootstrap.bats.

load lib/fake_changes
load lib/kind_project
load lib/plan_parity

setup() {
  lo_project
  printf '  coredns:\n    hosts:\n      - name: app.lok8s.dev\n        target: gateway\n' >> "$P/clusters/lok8s.dev/cluster.lok8s.yaml"
  lo_kind_apiserver
  export LO_FAKE_STATE="$T/world" CAROOT="$T/caroot" NO_COLOR=1
  export LO_FAKE_KUBECONFIG="$T/api/kubeconfig-cert.yaml"
  # docker and kind fakes, no tilt: `up` stops after provisioning
  mkdir -p "$T/bin"
  for tool in docker kind; do
    printf '#!/bin/sh\nexec "%s" "$@"\n' "$LO_SRC/tests/fakes/bin/$tool" > "$T/bin/$tool"
    chmod +x "$T/bin/$tool"
  done
  export PATH="$T/bin:$LO_BIN:$PATH"
  unset DOMAIN_NAME PATH_CLUSTERS LO_FAKE_FAIL LO_STEP_LOG LO_PLAN_STATE
}

teardown() {
  lo_stop_apiserver
}

@test "provision: the plan of a new cluster is its run (CA made by lo-registry, copied by lo-kind; CoreDNS)" {
  run parity provision 40 kubectl-lo provision --root "$P" lok8s.dev
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  # The steps the issue names are in both: the CA made, then copied into certs.d; no CA warning.
  grep -q "^create: development CA $CAROOT/rootCA.pem" "$T/provision.plan"
  grep -q "^write: $P/clusters/lok8s.dev/.containerd/certs.d/.ca/rootCA.pem (0644)$" "$T/provision.plan"
  ! grep -q "warning:" "$T/provision.plan"
  grep -q "^apply: deployment kube-system/coredns (mounts coredns-custom" "$T/provision.plan"
  grep -q "^write: $P/.kubeconfig/local.yaml (0600)$" "$T/provision.plan"
  # the project network is planned once, though lo-registry and lo-kind both ensure it
  [ "$(grep -c "^run: docker network create .* local$" "$T/provision.plan")" -eq 1 ]
}

@test "provision again: an empty plan and a run that does nothing; a changed spec: the plan is the run" {
  kubectl-lo provision --root "$P" lok8s.dev > /dev/null 2>&1
  reset_calls
  run parity again 0 kubectl-lo provision --root "$P" lok8s.dev
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ ! -s "$T/again.run" ]
  # a new host, the default mirrors trimmed to one: registry and CoreDNS steps on an existing cluster
  sed -i 's/target: gateway/target: 10.1.2.3/' "$P/clusters/lok8s.dev/cluster.lok8s.yaml"
  printf '  registries:\n    mirrors:\n      - name: io-docker\n        url: https://registry-1.docker.io\n' >> "$P/clusters/lok8s.dev/cluster.lok8s.yaml"
  reset_calls
  run parity changed 3 kubectl-lo provision --root "$P" lok8s.dev
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  grep -q "^apply: configmap kube-system/coredns-custom$" "$T/changed.plan"
  grep -q "^apply: deployment kube-system/coredns (restarts CoreDNS" "$T/changed.plan"
  grep -q "^remove: $P/clusters/lok8s.dev/.containerd/certs.d/quay.io$" "$T/changed.plan"
}

@test "destroy: the plan is the run" {
  kubectl-lo provision --root "$P" lok8s.dev > /dev/null 2>&1
  reset_calls
  run parity destroy 3 kubectl-lo destroy --root "$P" lok8s.dev
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  grep -q "^run: kind delete cluster --name local$" "$T/destroy.plan"
  grep -q "^run: docker rm --force local-registry-build$" "$T/destroy.plan"
  # and once destroyed, both are empty
  reset_calls
  run parity destroyed 0 kubectl-lo destroy --root "$P" lok8s.dev
  [ "$status" -eq 0 ] || { echo "$output"; false; }
}

@test "up and down: the driver's plan is the run" {
  run parity up 40 kubectl-lo up --root "$P" lok8s.dev
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  reset_calls
  run parity down 3 kubectl-lo down --root "$P" lok8s.dev
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  grep -q "^run: kind delete cluster --name local$" "$T/down.plan"
}

@test "registry up, down and clean: the plan is the run" {
  run parity rup 15 kubectl-lo registry up --root "$P" lok8s.dev
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  reset_calls
  run parity rdown 2 kubectl-lo registry down --root "$P" lok8s.dev
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  lo-registry up --root "$P" lok8s.dev > /dev/null 2>&1
  reset_calls
  run parity rclean 6 lo-registry clean --root "$P" lok8s.dev --shared
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  grep -q "^run: docker network rm lok8s-registries$" "$T/rclean.plan"
}

@test "kind create and delete on their own: the plan is the run, the missing-CA warning in both" {
  # no lo-registry up before: no CA, so lo-kind warns, in the plan as in the run
  run parity kcreate 10 lo-kind create --root "$P" lok8s.dev
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  grep -q "^warning: registry TLS is on but the dev CA is missing at $CAROOT/rootCA.pem" "$T/kcreate.plan"
  ! grep -q "certs.d/.ca/" "$T/kcreate.plan"
  reset_calls
  run parity kdelete 1 kubectl-lo kind delete --root "$P" lok8s.dev
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$(cat "$T/kdelete.plan")" = "run: kind delete cluster --name local" ]
}

@test "a dry run of a cluster that exists reads it: a stale kubeconfig file and a changed Corefile" {
  kubectl-lo provision --root "$P" lok8s.dev > /dev/null 2>&1
  rm "$P/.kubeconfig/local.yaml"
  kubectl --kubeconfig "$T/api/kubeconfig-cert.yaml" patch configmap -n kube-system coredns --type merge \
    -p '{"data":{"Corefile":".:53 {\n    errors\n    forward . /etc/resolv.conf\n}\n"}}' > /dev/null
  reset_calls
  run parity stale 3 kubectl-lo provision --root "$P" lok8s.dev
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$(cat "$T/stale.plan")" = "write: $P/.kubeconfig/local.yaml (0600)
apply: configmap kube-system/coredns (Corefile imports custom/*.override and custom/*.server)
apply: deployment kube-system/coredns (restarts CoreDNS: its configuration changed)" ]
}

@test "provision and up with a bootstrap: the plan lists the stages' render, apply and wait steps, as the run does" {
  sed -i 's/^  bootstrap: \[\]$/  bootstrap:\n    - local-path-provisioner/' "$P/clusters/lok8s.dev/cluster.lok8s.yaml"
  run parity boot 40 kubectl-lo provision --root "$P" lok8s.dev
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  # the bootstrap part, after the driver's steps: rendered, applied, waited for
  grep -E '^(render|apply|wait): bootstrap stage' "$T/boot.plan" > "$T/boot.steps"
  [ "$(wc -l < "$T/boot.steps")" -eq 3 ]
  grep -qE '^render: bootstrap stage local-path-provisioner to clusters/lok8s.dev/artifacts/.bootstrap/local-path-provisioner/local-path-provisioner.yaml \(kustomize build /.*/addons/local-path-provisioner; not rendered before\)$' "$T/boot.steps"
  [ "$(sed -n 2,3p "$T/boot.steps")" = "apply: bootstrap stage local-path-provisioner (1/1): 9 objects
wait: bootstrap stage local-path-provisioner (1/1) until healthy: Deployment local-path-storage/local-path-provisioner" ]
  [ "$(tail -n 1 "$T/boot.plan")" = "wait: bootstrap stage local-path-provisioner (1/1) until healthy: Deployment local-path-storage/local-path-provisioner" ]
  # the cluster exists and the stage is cached: the plan of up applies the stage again, renders nothing
  reset_calls
  run parity up 1 kubectl-lo up --root "$P" lok8s.dev
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  ! grep -q '^render:' "$T/up.plan"
  grep -qx 'apply: bootstrap stage local-path-provisioner (1/1): 9 objects' "$T/up.plan"
}
