#!/usr/bin/env bats
# The built-in hetzner infrastructure provider against the fake Hetzner Cloud
# API (tests/fake-hcloud-api/server.py): HTTPS with a test CA, state kept like
# the API's, actions that finish after a delay, faults on request. A KubeOne
# project (tests/fixtures/hetzner/project) with the recording kubeone fake:
# full provision / status / destroy cycles, re-runs and interrupted runs,
# 429/500/slow actions, the token in no output at any -v, the inventory and
# the KubeOne manifest made from it against golden files.
#
# The real API is not reachable here: what is proven is lo against the fake.

load ../fake-hcloud-api/fake_hcloud
load lib/tools
bats_require_minimum_version 1.5.0

TOKEN="hcloud-secret-token-4f9a2c7e1b8d"

setup() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}" "${LO_SRC:?LO_SRC must point at the source tree}"
  : "${LO_FIXTURES:?LO_FIXTURES must point at tests/fixtures}"
  T="$(mktemp -d)"
  LO="$LO_BIN/kubectl-lo" P="$T/project"
  cp -r "$LO_FIXTURES/hetzner/project" "$P"
  D="$P/clusters/h1.example.com"
  export NO_COLOR=1 HOME="$T/home" HCLOUD_TOKEN="$TOKEN"
  mkdir -p "$HOME/.ssh"
  cp "$LO_FIXTURES/hetzner/id_ed25519.pub" "$HOME/.ssh/id_ed25519.pub"
  export PATH="$LO_SRC/tests/fakes/bin:$PATH"
  export KUBEONE_FAKE_LOG="$T/kubeone.log" KUBEONE_FAKE_STATE="$T/kubeone-state"
  unset LO_STEP_LOG KUBEONE_FAKE_FAIL AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
  hcloud_fake_start "$T/hcloud" "$TOKEN" --action-delay 0.2
  export HCLOUD_ENDPOINT="$HCLOUD_FAKE_URL" HCLOUD_CA_CERT="$HCLOUD_FAKE_CA"
}

teardown() {
  hcloud_fake_stop
  rm -rf "$T"
}

provision() { "$LO" provision --root "$P" --skip-bootstrap "$@" h1.example.com; }

# "<METHOD> <path without query>" of every request that changed something.
changes() { sed -n 's/^\(POST\|DELETE\|PUT\) \([^? ]*\).*/\1 \2/p' "$HCLOUD_FAKE_LOG"; }

created() { hcloud_fake_state | jq -c '.created'; }

# The domain's status word.
status_is() {
  run "$LO" status --root "$P" h1.example.com
  [ "$output" = "$1" ]
}

# A run that stops with MESSAGE in its errors.
provision_fails() {
  local message="$1"
  shift
  run --separate-stderr provision "$@"
  echo "$output$stderr"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"$message"* ]]
}

# A run that leaves everything made once and the golden inventory.
provision_completes() {
  run --separate-stderr provision "$@"
  echo "$output$stderr"
  [ "$status" -eq 0 ]
  [ "$(created)" = "$ALL_ONCE" ]
  diff -u "$LO_FIXTURES/hetzner/golden/h1.inventory.json" "$D/.provider/inventory.json"
}

ALL_ONCE='{"ssh_keys":1,"networks":1,"placement_groups":1,"firewalls":1,"load_balancers":1,"servers":5,"volumes":1,"floating_ips":1}'

@test "provision makes each labelled thing once; the inventory and kubeone.yaml match the golden files; status" {
  status_is NotFound
  provision_completes
  # Everything carries the cluster's label; servers their role.
  [ "$(hcloud_fake_state | jq '[del(.created)[][] | .labels["lok8s.dev/cluster"]] | unique')" = '[
  "h1"
]' ]
  [ "$(hcloud_fake_state | jq -r '[.servers[] | .name + "=" + .labels["lok8s.dev/role"]] | join(" ")')" = \
    "h1-cp-1=control-plane h1-cp-2=control-plane h1-cp-3=control-plane h1-worker-1=worker h1-bastion=bastion" ]
  # What it asked for: the control plane spread, behind the firewall, with cloud-init.
  [ "$(hcloud_fake_state | jq -r '[.servers[] | select(.placement_group != null) | .name] | join(" ")')" = "h1-cp-1 h1-cp-2 h1-cp-3" ]
  [ "$(hcloud_fake_state | jq -r '.firewalls[0].rules[0].source_ips | join(",")')" = "192.0.2.0/24" ]
  [ "$(hcloud_fake_state | jq -r '.servers[0].user_data_bytes')" -gt 0 ]
  [ "$(hcloud_fake_state | jq -c '.load_balancers[0] | [.targets[0].label_selector.selector, .services[0].listen_port]')" = \
    '["lok8s.dev/cluster=h1,lok8s.dev/role=control-plane",6443]' ]
  [ "$(hcloud_fake_state | jq -c '[.volumes[0].server, .floating_ips[0].server]')" = '[4,4]' ]
  diff -u "$LO_FIXTURES/hetzner/golden/h1.inventory.json" "$D/.provider/inventory.json"
  # kubeone.yaml is the render of that inventory (the key's home filled in).
  diff -u "$D/.kubeone/kubeone.yaml" <("$LO" kubeone render --root "$P" h1.example.com)
  diff -u "$LO_FIXTURES/hetzner/golden/h1.kubeone.yaml" <(HOME=/home/ops "$LO" kubeone render --root "$P" h1.example.com)
  go_tool kubeone-check
  run "$GO_TOOL" "$D/.kubeone/kubeone.yaml"
  [[ "$output" == *'ok KubeOneCluster/h1: 3 control-plane hosts, 1 static workers, 1 dynamic worker pools'* ]]
  grep -qx 'argv: apply --manifest kubeone.yaml --auto-approve' "$KUBEONE_FAKE_LOG"
  status_is Ready
}

@test "a re-run creates nothing twice and changes nothing" {
  provision >/dev/null 2>&1
  before=$(changes | wc -l)
  provision_completes
  [[ "$stderr" == *'server h1-cp-2 exists (id 2)'* ]]
  [[ "$stderr" == *'load balancer h1-api exists (id 1)'* ]]
  [ "$(changes | wc -l)" -eq "$before" ]
}

@test "a run interrupted halfway is completed by the next" {
  # The third server is refused (a POST is never sent twice: the run stops).
  hcloud_fake_fault '{"method": "POST", "path": "/v1/servers", "after": 2, "status": 500}'
  provision_fails 'Hetzner Cloud API: POST /servers: HTTP 500 Internal Server Error: injected failure'
  [ "$(hcloud_fake_state | jq -r '[.servers[].name] | join(" ")')" = "h1-cp-1 h1-cp-2" ]
  [ ! -e "$D/.provider/inventory.json" ]
  [ ! -e "$KUBEONE_FAKE_LOG" ]
  status_is Creating
  provision_completes
  [ "$(grep -c '^POST /v1/servers 201' "$HCLOUD_FAKE_LOG")" -eq 5 ]
}

@test "a failed action stops the run; the next one starts the server and goes on; status says Error meanwhile" {
  hcloud_fake_fault '{"method": "POST", "path": "/v1/servers", "after": 1, "action_error": true}'
  provision_fails '(create_server, server h1-cp-2) failed: injected action failure'
  status_is Error
  provision_completes
  grep -q '^POST /v1/servers/2/actions/poweron 201' "$HCLOUD_FAKE_LOG"
}

@test "429 waits Retry-After or RateLimit-Reset, 5xx on reads are retried, slow actions are waited for" {
  hcloud_fake_fault '{"method": "GET", "path": "/v1/networks", "status": 429, "retry_after": 1}'
  hcloud_fake_fault '{"method": "POST", "path": "/v1/firewalls", "status": 429, "ratelimit_reset": 1}'
  hcloud_fake_fault '{"method": "GET", "path": "/v1/servers", "status": 503, "times": 2}'
  hcloud_fake_fault '{"method": "POST", "path": "/v1/load_balancers", "action_delay": 2}'
  start=$(date +%s)
  provision_completes -v=1
  [ $(($(date +%s) - start)) -ge 2 ]
  [[ "$stderr" == *'retrying GET /networks?label_selector='*'after 429 Too Many Requests'* ]]
  [[ "$stderr" == *'retrying POST /firewalls in '*' ms after 429 Too Many Requests'* ]]
  [[ "$stderr" == *'after 503 Service Unavailable'* ]]
  [ "$(grep -c '^POST /v1/firewalls 429' "$HCLOUD_FAKE_LOG")" -eq 1 ]
  [ "$(grep -c '^POST /v1/firewalls 201' "$HCLOUD_FAKE_LOG")" -eq 1 ]
}

@test "a slow action outlasting --timeout: status says Creating; the next run waits for it" {
  hcloud_fake_fault '{"method": "POST", "path": "/v1/load_balancers", "action_delay": 4}'
  provision_fails '(create_load_balancer, load balancer h1-api) is still running at the end of --timeout' --timeout=1s
  status_is Creating
  provision_completes
}

@test "destroy removes everything labelled, in dependency order, and the local state; a second destroy finds nothing" {
  provision >/dev/null 2>&1
  : > "$HCLOUD_FAKE_LOG"
  run --separate-stderr "$LO" destroy --root "$P" h1.example.com
  echo "$output$stderr"
  [ "$status" -eq 0 ]
  diff -u - <(changes) <<'ORDER'
POST /v1/floating_ips/1/actions/unassign
DELETE /v1/floating_ips/1
POST /v1/volumes/1/actions/detach
DELETE /v1/volumes/1
DELETE /v1/load_balancers/1
DELETE /v1/servers/5
DELETE /v1/servers/1
DELETE /v1/servers/2
DELETE /v1/servers/3
DELETE /v1/servers/4
DELETE /v1/firewalls/1
DELETE /v1/placement_groups/1
DELETE /v1/networks/1
DELETE /v1/ssh_keys/1
ORDER
  # The fake refuses what is still in use, so no DELETE was refused.
  ! grep -q ' 422$' "$HCLOUD_FAKE_LOG"
  [ "$(hcloud_fake_state | jq '[del(.created)[][]] | length')" -eq 0 ]
  [ ! -e "$D/.provider" ]
  [ ! -e "$P/.kubeconfig/h1.yaml" ]
  grep -qx 'argv: reset --manifest kubeone.yaml --auto-approve' "$KUBEONE_FAKE_LOG"
  status_is NotFound
  : > "$HCLOUD_FAKE_LOG"
  run "$LO" destroy --root "$P" h1.example.com
  [ "$status" -eq 0 ]
  [ -z "$(changes)" ]
}

@test "the token is in no output at -v=10, not even where the API echoes it" {
  run provision -v=10
  [ "$status" -eq 0 ]
  all="$output"
  [[ "$output" == *'GET https://127.0.0.1:'*'/v1/servers?label_selector='* ]]   # -v=6 request lines are there
  run "$LO" status --root "$P" -v=10 h1.example.com
  all+="$output"
  hcloud_fake_fault '{"method": "GET", "path": "/v1/firewalls", "status": 403, "echo_token": true}'
  run "$LO" destroy --root "$P" -v=10 h1.example.com
  [ "$status" -eq 1 ]
  [[ "$output" == *'HTTP 403 Forbidden: token <redacted> is not allowed here'* ]]
  all+="$output"
  run "$LO" destroy --root "$P" -v=10 --log-format=json h1.example.com
  [ "$status" -eq 0 ]
  all+="$output"
  [[ "$all" != *"$TOKEN"* ]]
  [[ "$all" != *"${TOKEN:10:12}"* ]]
}

@test "--dry-run shows what would be made or removed and sends only reads" {
  run --separate-stderr provision --dry-run
  echo "$output$stderr"
  [ "$status" -eq 0 ]
  [ -z "$(changes)" ]
  [ "$(grep -c '^GET ' "$HCLOUD_FAKE_LOG")" -gt 0 ]
  diff -u - <(printf '%s\n' "$output") <<PLAN
create: ssh key h1
create: network h1
create: placement group h1-control-plane
create: firewall h1
create: load balancer h1-api
add_target: load balancer h1-api targets the control plane
add_service: load balancer h1-api serves 6443
create: server h1-cp-1
create: server h1-cp-2
create: server h1-cp-3
create: server h1-worker-1
create: server h1-bastion
create: volume h1-data
attach: volume h1-data to server h1-worker-1
create: floating IP h1-ingress
assign: floating IP h1-ingress to server h1-worker-1
write: $D/.provider/inventory.json (0644)  # inventory of provider hetzner
write: $D/.kubeone/kubeone.yaml (0644)  # KubeOne manifest (from the inventory above)
run: kubeone apply --manifest kubeone.yaml --auto-approve
copy: clusters/h1.example.com/.kubeone/h1-kubeconfig to .kubeconfig/h1.yaml (0600)
PLAN
  provision >/dev/null 2>&1
  : > "$HCLOUD_FAKE_LOG"
  run --separate-stderr provision --dry-run
  [ "$status" -eq 0 ]
  [[ "$output" != *'create:'* ]]
  run --separate-stderr "$LO" destroy --root "$P" --dry-run h1.example.com
  [ "$status" -eq 0 ]
  [[ "$output" == *'delete: server h1-cp-1 (id 1)'*'delete: network h1 (id 1)'* ]]
  [ -z "$(changes)" ]
  [ -e "$D/.provider/inventory.json" ]
}

@test "configRef with endpoint and caCert; no load balancer: the API endpoint is the first control plane; pages are followed" {
  hcloud_fake_stop
  hcloud_fake_start "$T/hcloud2" "$TOKEN" --action-delay 0.1 --max-per-page 2
  unset HCLOUD_ENDPOINT HCLOUD_CA_CERT
  cp "$HCLOUD_FAKE_CA" "$D/hcloud-ca.pem"
  cat > "$D/hetzner.yaml" <<EOF
cluster_name: small
endpoint: $HCLOUD_FAKE_URL
caCert: hcloud-ca.pem
sshPublicKeyFile: ~/.ssh/id_ed25519.pub
sshPrivateKeyFile: /etc/lo/keys/small
loadBalancer: false
workers: {count: 2}
EOF
  cat > "$D/cluster.lok8s.yaml" <<'EOF'
apiVersion: cluster.lok8s.dev/v1beta1
kind: KubeOne
metadata:
  name: h1
spec:
  kubernetes:
    version: "v1.31.10"
  cluster:
    domain: h1.example.com
  provider:
    name: hetzner
    configRef: hetzner.yaml
EOF
  run --separate-stderr provision
  echo "$output$stderr"
  [ "$status" -eq 0 ]
  [ "$(hcloud_fake_state | jq -r '[.servers[].name] | join(" ")')" = "small-cp-1 small-worker-1 small-worker-2" ]
  [ "$(jq -c '.api' "$D/.provider/inventory.json")" = '{"endpoint":"203.0.113.11","privateEndpoint":"10.0.1.2","port":6443}' ]
  [ "$(jq -r '.access[0].privateKey' "$D/.provider/inventory.json")" = /etc/lo/keys/small ]
  [ "$(jq -r '[.nodes[].name] | join(" ")' "$D/.provider/inventory.json")" = "small-cp-1 small-worker-1 small-worker-2" ]
  grep -q '^GET /v1/servers?label_selector=lok8s.dev%2Fcluster%3Dsmall&page=2&per_page=50 200' "$HCLOUD_FAKE_LOG"
  run --separate-stderr provision
  [ "$status" -eq 0 ]
  [ "$(hcloud_fake_state | jq -c '.created.servers')" = 3 ]
}

@test "mistakes are named with file and field before anything is sent" {
  export HCLOUD_ENDPOINT=http://127.0.0.1:9/v1
  run provision
  [ "$status" -eq 1 ]
  [[ "$output" == *'Hetzner Cloud API URL must use HTTPS: http://127.0.0.1:9/v1 (HCLOUD_ENDPOINT)'* ]]
  export HCLOUD_ENDPOINT="$HCLOUD_FAKE_URL"
  unset HCLOUD_TOKEN
  run provision
  [ "$status" -eq 1 ]
  [[ "$output" == *'HCLOUD_TOKEN is not set'* ]]
  export HCLOUD_TOKEN="$TOKEN"
  sed -i 's/server: h1-worker-1/server: h1-worker-9/' "$D/cluster.lok8s.yaml"
  run provision
  [ "$status" -eq 1 ]
  [[ "$output" == *'clusters/h1.example.com/cluster.lok8s.yaml'*'spec.provider.config.volumes[0].server: names no server of this cluster: h1-worker-9'* ]]
  sed -i 's/server: h1-worker-9/server: h1-worker-1/; s/^      location: fsn1/      locaton: fsn1/' "$D/cluster.lok8s.yaml"
  run provision
  [ "$status" -eq 1 ]
  [[ "$output" == *'spec.provider.config.locaton: is not a field of the hetzner provider'* ]]
  sed -i 's/locaton/location/' "$D/cluster.lok8s.yaml"
  rm "$HOME/.ssh/id_ed25519.pub"
  run provision
  [ "$status" -eq 1 ]
  [[ "$output" == *'spec.provider.config.sshPublicKeyFile: names a missing file'* ]]
  [ ! -s "$HCLOUD_FAKE_LOG" ]
  # A wrong token: the API's 401, with what to do.
  cp "$LO_FIXTURES/hetzner/id_ed25519.pub" "$HOME/.ssh/"
  export HCLOUD_TOKEN=not-the-token
  run provision
  [ "$status" -eq 1 ]
  [[ "$output" == *'Hetzner Cloud API: GET /ssh_keys?label_selector='*'HTTP 401 Unauthorized: unable to authenticate'* ]]
  [[ "$output" == *'create a new API token'* ]]
}
