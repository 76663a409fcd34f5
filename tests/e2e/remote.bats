#!/usr/bin/env bats
# kubectl lo provision | destroy | status --remote for a Lo domain: the VM
# comes from the infrastructure provider lo-provider-test (a fake keeping its
# "cloud" in a folder), ssh and rsync are the recording fakes of
# tests/fakes/bin (no machine is reached: the fake ssh plays a VM whose file
# system is $T/vm and runs the real kubectl-lo there), docker and kind the
# behavioural fakes, and a test API server stands in for the cluster's API.
# The plans of both modes are goldens (tests/fixtures/remote/*.plan) and,
# with lib/plan_parity, the step lists of their runs.

load lib/fake_changes
load lib/kind_project
load lib/plan_parity
bats_require_minimum_version 1.5.0

setup() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  : "${LO_FIXTURES:?LO_FIXTURES must point at tests/fixtures}"
  : "${LO_SRC:?LO_SRC must point at the source tree}"
  T="$(mktemp -d /tmp/lo-remote.XXXXXX)"  # one length: the plans hold byte counts of files naming it
  P="$T/project"
  cp -r "$LO_FIXTURES/remote/project" "$P"
  D="$P/clusters/60.lok8s.dev"
  # what the sync must leave out (spec.remote.sync.exclude)
  mkdir -p "$P/.git" "$P/.secrets" "$P/node_modules/m" "$P/src"
  echo secret > "$P/.secrets/token"
  echo code > "$P/src/main.go"
  echo noise > "$P/src/build.log"
  echo 60.lok8s.dev > "$P/clusters/.active"
  lo_kind_apiserver
  export LO_FAKE_STATE="$T/world" CAROOT="$T/caroot" NO_COLOR=1 HOME="$T/home"
  export LO_FAKE_KUBECONFIG="$T/api/kubeconfig-cert.yaml"
  export LO_SSH_FAKE_LOG="$T/ssh.log" LO_SSH_FAKE_VM="$T/vm"
  export LO_PROVIDER_FAKE_LOG="$T/provider.log" LO_PROVIDER_FAKE_CLOUD="$T/cloud" TEST_CLOUD_TOKEN=test-token
  export PATH="$LO_SRC/tests/fakes/bin:$LO_BIN:$PATH"
  unset DOMAIN_NAME PATH_CLUSTERS LO_FAKE_FAIL LO_STEP_LOG LO_PLAN_STATE DOCKER_HOST
  unset LO_SSH_FAKE_FAIL LO_RSYNC_FAKE_FAIL LO_PROVIDER_FAKE_FAIL
  API_PORT=$(sed -n 's|^ *server: "\{0,1\}https://127.0.0.1:\([0-9]*\).*|\1|p' "$LO_FAKE_KUBECONFIG" | head -1)
  [ -n "$API_PORT" ]
  # the ssh options of every call to the VM
  SSH="-o BatchMode=yes -o ConnectTimeout=5 -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=$D/.remote/known_hosts -p 22 -i $D/.provider/id_ed25519"
}

teardown() { lo_stop_apiserver; }

docker_mode() { sed -i 's/^    mode: ci$/    mode: docker/' "$D/cluster.lok8s.yaml"; }

# golden NAME FILE: FILE with this test's folders as @P@, @T@, @SRC@ and the
# API server's port as @PORT@ equals tests/fixtures/remote/NAME
# (LO_UPDATE_GOLDEN=1 writes it instead: review the diff before committing).
golden() {
  if [ -n "${LO_UPDATE_GOLDEN:-}" ]; then
    sed -e "s|$P|@P@|g" -e "s|$T|@T@|g" -e "s|$LO_SRC|@SRC@|g" -e "s|$API_PORT|@PORT@|g" "$2" > "$LO_FIXTURES/remote/$1"
  fi
  diff -u "$LO_FIXTURES/remote/$1" <(sed -e "s|$P|@P@|g" -e "s|$T|@T@|g" -e "s|$LO_SRC|@SRC@|g" -e "s|$API_PORT|@PORT@|g" "$2")
}

@test "ci mode: --dry-run prints the golden plan and changes nothing" {
  run --separate-stderr kubectl-lo provision --remote --root "$P" --dry-run 60.lok8s.dev
  [ "$status" -eq 0 ] || { echo "$output$stderr"; false; }
  printf '%s\n' "$output" > "$T/out"
  golden ci.plan "$T/out"
  [ ! -e "$T/ssh.log" ]
  [ -z "$(changes)" ]
  [ ! -e "$T/cloud" ]
  # the provider was asked (validate, status), nothing made
  [ "$(sed -n 's/^argv: \([a-z]*\) .*/\1/p' "$T/provider.log" | tr '\n' ' ')" = "validate status " ]
}

@test "ci mode: the plan is the run; the exact rsync and ssh commands; exit 100: bootstrap ran on the VM, not here" {
  run parity ci 8 kubectl-lo provision --remote --root "$P" 60.lok8s.dev
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [[ "$(cat "$T/ci.run.out")" == *'driver handled the whole lifecycle (exit 100); skipping post-provision, kubehz and bootstrap'* ]]
  diff -u - "$T/ssh.log" <<LOG
ssh: $SSH -- root@192.0.2.1 true
ssh: $SSH -- root@192.0.2.1 kubectl-lo version
ssh: $SSH -- root@192.0.2.1 mkdir -p /workspace
rsync: -az --delete --exclude=.git --exclude=node_modules --exclude=.secrets --exclude=.kubeconfig --exclude=clusters/.active --exclude=*.log --exclude=.provider --exclude=.remote -e ssh $SSH $P/ root@192.0.2.1:/workspace/
ssh: $SSH -- root@192.0.2.1 kubectl-lo provision 60.lok8s.dev --root /workspace
ssh: $SSH -- root@192.0.2.1 cat /workspace/.kubeconfig/remote.yaml
ssh: $SSH -S $D/.remote/tunnel.sock -O check -- root@192.0.2.1
ssh: $SSH -S $D/.remote/tunnel.sock -M -f -N -o ExitOnForwardFailure=yes -o ServerAliveInterval=15 -L 127.0.0.1:$API_PORT:127.0.0.1:$API_PORT -- root@192.0.2.1
LOG
  # the VM got the project without the excluded files and lo's state
  [ -f "$T/vm/workspace/src/main.go" ] && [ -f "$T/vm/workspace/clusters/60.lok8s.dev/cluster.lok8s.yaml" ]
  for gone in .git .secrets node_modules src/build.log clusters/.active clusters/60.lok8s.dev/.provider clusters/60.lok8s.dev/.remote; do
    [ ! -e "$T/vm/workspace/$gone" ] || { echo "synced: $gone"; false; }
  done
  # the cluster and its bootstrap were made on the VM: its kubeconfig, the marker ConfigMap
  [ -f "$T/vm/workspace/.kubeconfig/remote.yaml" ]
  kubectl --kubeconfig "$LO_FAKE_KUBECONFIG" get configmap marker -n default > /dev/null
  # and nothing of bootstrap ran here: no step of this machine touched the cluster
  ! grep -q 'marker\|^apply: ' "$T/ci.run"
  # the kubeconfig here goes through the tunnel (0600), which runs
  [ "$(stat -c %a "$P/.kubeconfig/remote.yaml")" = 600 ]
  grep -qx "    server: https://127.0.0.1:$API_PORT" "$P/.kubeconfig/remote.yaml"
  [ "$(cat "$D/.remote/tunnel.sock")" = "127.0.0.1:$API_PORT:127.0.0.1:$API_PORT" ]
  # the expose proxy on the VM's daemon, its config copied in
  grep -q "\"DOCKER_HOST\": \"ssh://root@192.0.2.1:22\"" "$LO_FAKE_STATE/calls.jsonl"
  grep -q 'proxy_pass 10.125.60.125:443;' "$D/.remote/expose-nginx.conf"
  grep -qx "run: DOCKER_HOST=ssh://root@192.0.2.1:22 docker start remote-proxy" "$T/ci.run"
}

@test "ci mode again: the plan is the run, nothing is made twice (no new VM, proxy and tunnel stay)" {
  kubectl-lo provision --remote --root "$P" 60.lok8s.dev > /dev/null 2>&1
  reset_calls
  run parity again 4 kubectl-lo provision --remote --root "$P" 60.lok8s.dev
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  golden again.plan "$T/again.plan"
  [ "$(find "$T/cloud" -type f | wc -l)" -eq 1 ]
}

@test "docker mode: the golden plan is the run; lo-registry and lo-kind on DOCKER_HOST=ssh://; the API tunnelled; bootstrap here" {
  docker_mode
  # bootstrap's part of a provision plan is its stage list, not steps: parity without it, then bootstrap
  run --separate-stderr kubectl-lo provision --remote --root "$P" --dry-run --skip-bootstrap 60.lok8s.dev
  [ "$status" -eq 0 ] || { echo "$output$stderr"; false; }
  printf '%s\n' "$output" > "$T/out"
  golden docker.plan "$T/out"
  rm -f "$T/provider.log"
  reset_calls
  run parity docker 30 kubectl-lo provision --remote --root "$P" --skip-bootstrap 60.lok8s.dev
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  ! kubectl --kubeconfig "$LO_FAKE_KUBECONFIG" get configmap marker -n default 2> /dev/null
  # every docker and kind call went to the VM's daemon
  python3 - "$LO_FAKE_STATE/calls.jsonl" <<'PY'
import json, sys
calls = [json.loads(l) for l in open(sys.argv[1])]
vm = "ssh://root@192.0.2.1:22"
planned = "ssh://<ssh_user>@<public_ip>:<ssh_port>"  # the dry run's, before the VM exists
assert sum(c["env"].get("DOCKER_HOST") == vm for c in calls) > 10, calls
bad = [c for c in calls if c["env"].get("DOCKER_HOST") not in (vm, planned)]
assert not bad, bad[0]
PY
  # no rsync, no provision over ssh: the wait, then the tunnel lo-kind made before the cluster's objects
  ! grep -q '^rsync:\|kubectl-lo' "$T/ssh.log"
  grep -q -- "-L 127.0.0.1:$API_PORT:127.0.0.1:$API_PORT -- root@192.0.2.1$" "$T/ssh.log"
  grep -qx "    server: https://127.0.0.1:$API_PORT" "$P/.kubeconfig/remote.yaml"
  # bootstrap runs here, through the tunnelled kubeconfig (the tunnel is up: no new one)
  : > "$T/ssh.log"
  LO_STEP_LOG="$T/bootstrap.run" kubectl-lo provision --remote --root "$P" 60.lok8s.dev
  grep -q '^apply: bootstrap stage marker' "$T/bootstrap.run"
  ! grep -q -- ' -M ' "$T/ssh.log"
  kubectl --kubeconfig "$LO_FAKE_KUBECONFIG" get configmap marker -n default > /dev/null
}

@test "status and destroy --remote: the tunnel stops, the provider removes the VM, the local state goes; the plan is the run" {
  kubectl-lo provision --remote --root "$P" 60.lok8s.dev > /dev/null 2>&1
  run kubectl-lo status --remote --root "$P" 60.lok8s.dev
  [ "$status" -eq 0 ] && [ "$output" = Running ]
  : > "$T/ssh.log"
  reset_calls
  run parity destroy 4 kubectl-lo destroy --remote --root "$P" 60.lok8s.dev
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  golden destroy.plan "$T/destroy.plan"
  grep -qx "ssh: $SSH -S $D/.remote/tunnel.sock -O exit -- root@192.0.2.1" "$T/ssh.log"
  [ -z "$(find "$T/cloud" -type f)" ]
  [ ! -e "$D/.remote" ] && [ ! -e "$D/.provider/inventory.json" ] && [ ! -e "$P/.kubeconfig/remote.yaml" ]
  run kubectl-lo status --remote --root "$P" 60.lok8s.dev
  [ "$output" = NotFound ]
}

@test "an unreachable VM: the error names the host, the port and the step; exit 1" {
  export LO_SSH_FAKE_FAIL=connect
  run kubectl-lo provision --remote --root "$P" --timeout 3s 60.lok8s.dev
  [ "$status" -eq 1 ]
  [[ "$output" == *'wait for SSH on root@192.0.2.1 port 22: not reachable after 3s: ssh: connect to host 192.0.2.1 port 22: Connection refused'* ]]
  ! grep -q '^rsync:' "$T/ssh.log"
}

@test "ci mode failures: the provision on the VM, the sync, a VM without lo: host and step named, exit 1, nothing after" {
  export LO_SSH_FAKE_FAIL="kubectl-lo provision:1"
  run kubectl-lo provision --remote --root "$P" 60.lok8s.dev
  [ "$status" -eq 1 ]
  [[ "$output" == *"provision 60.lok8s.dev on the VM root@192.0.2.1 failed ("*"kubectl-lo provision 60.lok8s.dev --root /workspace, exit 1)"* ]]
  [[ "$output" == *"done: sync the project to root@192.0.2.1:/workspace"* ]]
  ! grep -q ' cat \| -M ' "$T/ssh.log"
  [ ! -e "$P/.kubeconfig/remote.yaml" ]

  export LO_SSH_FAKE_FAIL= LO_RSYNC_FAKE_FAIL=12
  run kubectl-lo provision --remote --root "$P" 60.lok8s.dev
  [ "$status" -eq 1 ]
  [[ "$output" == *"sync the project to root@192.0.2.1:/workspace failed ("*"exit 12): rsync: connection unexpectedly closed"* ]]

  export LO_RSYNC_FAKE_FAIL= LO_SSH_FAKE_FAIL=no-lo
  : > "$T/ssh.log"
  run kubectl-lo provision --remote --root "$P" 60.lok8s.dev
  [ "$status" -eq 1 ]
  [[ "$output" == *'kubectl-lo is not installed on the VM root@192.0.2.1'*'install lo on the VM'* ]]
  ! grep -q 'mkdir' "$T/ssh.log"
}

@test "spec and usage errors come before anything runs: file, line and field; --remote is for Lo domains" {
  sed -i '/^  provider:/,/^      workers: 0/d' "$D/cluster.lok8s.yaml"
  sed -i 's|^    sync:|    sync:\n      dest: workspace|' "$D/cluster.lok8s.yaml"
  run kubectl-lo provision --remote --root "$P" 60.lok8s.dev
  [ "$status" -eq 1 ]
  [[ "$output" == *'clusters/60.lok8s.dev/cluster.lok8s.yaml'*'spec.provider.name'*'is required for --remote'* ]]
  [[ "$output" == *'clusters/60.lok8s.dev/cluster.lok8s.yaml:'*'spec.remote.sync.dest'*"must be an absolute folder on the VM"*"got 'workspace'"* ]]
  [ ! -e "$T/provider.log" ] && [ ! -e "$T/ssh.log" ]

  sed -i 's/^kind: Lo$/kind: KubeOne/' "$D/cluster.lok8s.yaml"
  run kubectl-lo provision --remote --root "$P" 60.lok8s.dev
  [ "$status" -eq 2 ]
  [[ "$output" == *'--remote is for Lo domains; 60.lok8s.dev is of kind KubeOne'* ]]
}
