#!/usr/bin/env bats
# The Kkp driver against the fake KKP API (tests/fake-kkp-api/server.py): HTTPS
# with a test CA, state kept like KKP's, health that turns up after a delay,
# faults on request. Full provision / status / destroy cycles, re-runs and
# interrupted runs, 429/500/slow answers, and the token in no output at any -v.

load ../fake-kkp-api/fake_kkp
bats_require_minimum_version 1.5.0

TOKEN="kkp-sa-token-7f3c9a1e5b2d"
HTOKEN="hcloud-token-0d8e6a4c2b9f"

setup() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}" "${LO_SRC:?LO_SRC must point at the source tree}"
  T="$(mktemp -d)"
  LO="$LO_BIN/kubectl-lo" P="$T/project"
  D="$P/clusters/kkp.example.com"
  mkdir -p "$D"
  export NO_COLOR=1 HOME="$T/home" KKP_TOKEN="$TOKEN" HCLOUD_TOKEN="$HTOKEN"
  unset KKP_API_URL KKP_CA_CERT AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY LO_STEP_LOG
  kkp_fake_start "$T/kkp" "$TOKEN" --health-delay 2 --mc-delay 1 --delete-delay 2
  write_spec
}

teardown() {
  kkp_fake_stop
  rm -rf "$T"
}

write_spec() {
  cp "$KKP_FAKE_CA" "$D/kkp-ca.pem"
  cat > "$D/cluster.lok8s.yaml" <<EOF
apiVersion: cluster.lok8s.dev/v1beta1
kind: Kkp
metadata:
  name: c1
spec:
  kubernetes:
    version: v1.31.4
  cluster:
    domain: kkp.example.com
  provider: hetzner
  kkp:
    apiUrl: $KKP_FAKE_URL
    projectId: p1
    datacenter: hetzner-fsn1
    caCert: kkp-ca.pem
  workers:
    general:
      replicas: 2
      flavor: cx22
    burst:
      replicas: 1
      flavor: cpx31
      operatingSystem: flatcar
      autoscaler:
        min: 1
        max: 4
EOF
}

restart_fast() {
  kkp_fake_stop
  kkp_fake_start "$T/kkp-fast" "$TOKEN" --health-delay 0 --mc-delay 0 --delete-delay 0
  write_spec
}

created() { kkp_fake_state | jq -r ".created.$1"; }

@test "provision, status, destroy: one cluster, its machine deployments, a 0600 kubeconfig; then nothing left" {
  run "$LO" status --root "$P" kkp.example.com
  [ "$status" -eq 0 ] && [ "$output" = NotFound ]
  run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap kkp.example.com
  echo "$output$stderr"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"KKP cluster c1 created (id "* ]]
  [[ "$stderr" == *"KKP cluster c1: waiting for apiserver (provisioning), etcd (provisioning), controller (provisioning), scheduler (provisioning)"* ]]
  [[ "$stderr" == *"KKP cluster c1: control plane up"* ]]
  id="$(cat "$D/.kkp/cluster_id")"
  [ -n "$id" ]
  # what KKP was sent: one cluster, two machine deployments with their shape
  state="$(kkp_fake_state)"
  [ "$(jq -r '.created.clusters' <<<"$state")" = 1 ]
  [ "$(jq -r '.created.machinedeployments' <<<"$state")" = 2 ]
  [ "$(jq -r '.clusters[0].id' <<<"$state")" = "$id" ]
  [ "$(jq -c '.clusters[0].spec' <<<"$state")" = '{"version":"1.31.4","cloud":{"dc":"hetzner-fsn1","hetzner":{}}}' ]
  [ "$(jq -c ".machinedeployments[\"$id\"]" <<<"$state")" = '["burst","general"]' ]
  # the kubeconfig KKP gave, private
  [ "$(stat -c %a "$P/.kubeconfig/c1.yaml")" = 600 ]
  grep -q 'server: https://c1.kkp.test:6443' "$P/.kubeconfig/c1.yaml"
  run "$LO" kubeconfig --root "$P" kkp.example.com
  [ "$output" = "$P/.kubeconfig/c1.yaml" ]
  run "$LO" status --root "$P" kkp.example.com
  [ "$status" -eq 0 ] && [ "$output" = Running ]

  run --separate-stderr "$LO" destroy --root "$P" kkp.example.com
  echo "$output$stderr"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"KKP is deleting cluster c1"* ]]
  [ ! -e "$D/.kkp" ] && [ ! -e "$P/.kubeconfig/c1.yaml" ]
  [ "$(kkp_fake_state | jq '.clusters | length')" = 0 ]
  grep -q "^DELETE /api/v2/projects/p1/clusters/$id 200$" "$KKP_FAKE_LOG"
  grep -q "^GET /api/v2/projects/p1/clusters/$id 404$" "$KKP_FAKE_LOG"   # it waited until KKP forgot it
  run "$LO" status --root "$P" kkp.example.com
  [ "$output" = NotFound ]
  run "$LO" destroy --root "$P" kkp.example.com   # again: nothing to do, no failure
  [ "$status" -eq 0 ]
  [[ "$output" == *"KKP has no cluster c1 in project p1: nothing to delete"* ]]
}

@test "the machine deployments KKP receives: replicas, flavor, operating system, autoscaler bounds, kubelet version" {
  restart_fast
  "$LO" provision --root "$P" --skip-bootstrap kkp.example.com 2>/dev/null
  id="$(cat "$D/.kkp/cluster_id")"
  run curl -sS --cacert "$KKP_FAKE_CA" -H "Authorization: Bearer $TOKEN" "$KKP_FAKE_URL/api/v2/projects/p1/clusters/$id/machinedeployments"
  [ "$(jq -c '[.[] | {name, spec}] | sort_by(.name)' <<<"$output")" = \
    '[{"name":"burst","spec":{"replicas":1,"minReplicas":1,"maxReplicas":4,"template":{"cloud":{"hetzner":{"type":"cpx31"}},"operatingSystem":{"flatcar":{}},"versions":{"kubelet":"1.31.4"}}}},{"name":"general","spec":{"replicas":2,"template":{"cloud":{"hetzner":{"type":"cx22"}},"operatingSystem":{"ubuntu":{}},"versions":{"kubelet":"1.31.4"}}}}]' ]
}

@test "a re-run creates nothing twice" {
  "$LO" provision --root "$P" --skip-bootstrap kkp.example.com 2>/dev/null
  : > "$KKP_FAKE_LOG"
  run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap kkp.example.com
  echo "$output$stderr"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"KKP cluster c1 exists (id $(cat "$D/.kkp/cluster_id")); reusing it"* ]]
  [[ "$stderr" == *"KKP machine deployment general exists"* ]]
  ! grep -q '^POST' "$KKP_FAKE_LOG"
  [ "$(created clusters)" = 1 ] && [ "$(created machinedeployments)" = 2 ]
}

@test "a run cut off after KKP created the cluster, before lo saved its id, is finished by the next one" {
  # KKP makes the cluster but answers 5 s late; lo is killed while it waits
  kkp_fake_fault '{"method": "POST", "path": "/clusters", "delay_after": 5, "times": 1}'
  "$LO" provision --root "$P" --skip-bootstrap kkp.example.com 2>/dev/null &
  pid=$!
  for i in $(seq 100); do [ "$(created clusters)" = 1 ] && break; sleep 0.1; done
  kill -KILL "$pid"
  wait "$pid" || true
  [ "$(created clusters)" = 1 ]
  [ ! -e "$D/.kkp/cluster_id" ]   # lo never learnt the id
  run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap kkp.example.com
  echo "$output$stderr"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"found KKP cluster c1 (id "*") in project p1"* ]]
  [ "$(created clusters)" = 1 ] && [ "$(created machinedeployments)" = 2 ]
  [ "$(kkp_fake_state | jq -r '.clusters[0].id')" = "$(cat "$D/.kkp/cluster_id")" ]
}

@test "a run cut off while it waits for the control plane (status Creating) is finished by the next one" {
  kkp_fake_stop
  kkp_fake_start "$T/kkp-slow" "$TOKEN" --health-delay 6 --mc-delay 0 --delete-delay 0
  write_spec
  run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap --timeout 1s kkp.example.com
  echo "$output$stderr"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"timed out after 1s waiting for the control plane of KKP cluster c1 (still waiting for apiserver (provisioning)"* ]]
  [[ "$stderr" == *"rerun to keep waiting (nothing is created twice)"* ]]
  [ -s "$D/.kkp/cluster_id" ]
  run "$LO" status --root "$P" kkp.example.com
  [ "$output" = Creating ]
  run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap kkp.example.com
  echo "$output$stderr"
  [ "$status" -eq 0 ]
  [ "$(created clusters)" = 1 ] && [ "$(created machinedeployments)" = 2 ]
  run "$LO" status --root "$P" kkp.example.com
  [ "$output" = Running ]
}

@test "status says Error when a core component is down" {
  restart_fast
  "$LO" provision --root "$P" --skip-bootstrap kkp.example.com 2>/dev/null
  kkp_fake_fault '{"method": "GET", "path": "/health", "body": {"apiserver": "HealthStatusUp", "etcd": "HealthStatusDown", "controller": 1, "scheduler": 1}}'
  run "$LO" status --root "$P" kkp.example.com
  [ "$output" = Error ]
  kkp_fake_fault '{"method": "GET", "path": "/health", "body": {"apiserver": 1, "etcd": 1, "controller": 1, "scheduler": 1}}'
  run "$LO" status --root "$P" kkp.example.com
  [ "$output" = Running ]   # KKP's older numeric health values
}

@test "429 waits for the server's Retry-After; a 500 on a read is retried, slow answers are waited for" {
  restart_fast
  kkp_fake_fault '{"method": "POST", "path": "/clusters", "status": 429, "retry_after": 2, "times": 1}'
  kkp_fake_fault '{"method": "GET", "path": "/health", "status": 500, "times": 2}'
  kkp_fake_fault '{"method": "GET", "path": "/machinedeployments", "delay": 2, "times": 1}'
  run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap -v=1 kkp.example.com
  echo "$output$stderr"
  [ "$status" -eq 0 ]
  [[ "$stderr" =~ retrying\ POST\ /api/v2/projects/p1/clusters\ in\ 2[0-9][0-9][0-9]\ ms\ after\ 429 ]]
  [[ "$stderr" == *"after 500 Internal Server Error"* ]]
  [ "$(grep -c '^POST /api/v2/projects/p1/clusters 429$' "$KKP_FAKE_LOG")" = 1 ]
  [ "$(grep -c '^POST /api/v2/projects/p1/clusters 201$' "$KKP_FAKE_LOG")" = 1 ]
  [ "$(grep -c '/health 500$' "$KKP_FAKE_LOG")" = 2 ]
  [ "$(created clusters)" = 1 ] && [ "$(created machinedeployments)" = 2 ]
}

@test "a 500 on a create names method, path, status and KKP's message, is not sent twice, and the next run finishes" {
  restart_fast
  kkp_fake_fault '{"method": "POST", "path": "/machinedeployments", "status": 500, "times": 1}'
  run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap kkp.example.com
  echo "$output$stderr"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"KKP API: POST /api/v2/projects/p1/clusters/$(cat "$D/.kkp/cluster_id")/machinedeployments: HTTP 500 Internal Server Error: injected failure"* ]]
  [ "$(grep -c 'machinedeployments 500$' "$KKP_FAKE_LOG")" = 1 ]   # a create is never re-sent blindly
  run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap kkp.example.com
  echo "$output$stderr"
  [ "$status" -eq 0 ]
  [ "$(created clusters)" = 1 ] && [ "$(created machinedeployments)" = 2 ]
}

@test "the token never appears in any output, at -v=0 to -v=9, also when KKP echoes it back" {
  restart_fast
  out="$T/all-output"
  for v in 0 1 2 3 4 5 6 7 8 9; do
    "$LO" provision --root "$P" --skip-bootstrap --dry-run -v=$v kkp.example.com >>"$out" 2>&1
    "$LO" provision --root "$P" --skip-bootstrap -v=$v kkp.example.com >>"$out" 2>&1
    "$LO" status --root "$P" -v=$v kkp.example.com >>"$out" 2>&1
    kkp_fake_fault '{"method": "GET", "path": "/clusters", "status": 403, "echo_token": true, "times": 1}'
    "$LO" status --root "$P" -v=$v kkp.example.com >>"$out" 2>&1 && false
    kkp_fake_fault '{"method": "POST", "path": "/machinedeployments", "status": 400, "echo_token": true, "times": 1}'
    "$LO" destroy --root "$P" -v=$v kkp.example.com >>"$out" 2>&1
    "$LO" provision --root "$P" --skip-bootstrap -v=$v kkp.example.com >>"$out" 2>&1 && false
    "$LO" destroy --root "$P" -v=$v kkp.example.com >>"$out" 2>&1
  done
  # the output is real: requests at -v=6, the echoed messages, redacted
  grep -q 'GET https://127.0.0.1:[0-9]*/api/v2/projects/p1/clusters 200 OK' "$out"
  grep -q 'HTTP 403 Forbidden: token <redacted> is not allowed here' "$out"
  grep -q 'HTTP 400 Bad Request: token <redacted> is not allowed here' "$out"
  ! grep -F "$TOKEN" "$out"
  ! grep -F "$HTOKEN" "$out"
}

@test "--dry-run prints the exact plan of the run and changes nothing" {
  restart_fast
  run --separate-stderr env LO_STEP_LOG="$T/plan.steps" "$LO" provision --root "$P" --skip-bootstrap --dry-run kkp.example.com
  echo "$output$stderr"
  [ "$status" -eq 0 ]
  [ "$(printf '%s\n' "$output" | grep -v '^#' | grep -v '^$' | grep -v 'bootstrap')" = "create: KKP cluster c1 in project p1 (datacenter hetzner-fsn1, Kubernetes 1.31.4, hetzner credentials from HCLOUD_TOKEN)
write: $D/.kkp/cluster_id (0644)  # KKP cluster id
wait: KKP cluster c1 control plane healthy (apiserver, etcd, controller, scheduler; timeout 15m)
wait: KKP cluster c1 machine controller healthy (machineController)
wait: KKP cluster c1 operating system manager healthy (operatingSystemManager, when KKP runs it)
create: KKP machine deployment general (2 replicas, hetzner cx22, ubuntu)
create: KKP machine deployment burst (1 replicas, hetzner cpx31, flatcar, autoscaler 1-4)
write: $P/.kubeconfig/c1.yaml (0600)  # kubeconfig" ]
  ! grep -q '^POST\|^DELETE' "$KKP_FAKE_LOG"
  [ ! -e "$D/.kkp" ] && [ ! -e "$P/.kubeconfig" ]
  # the run does what the plan said, step by step
  LO_STEP_LOG="$T/run.steps" "$LO" provision --root "$P" --skip-bootstrap kkp.example.com 2>/dev/null
  diff -u "$T/plan.steps" "$T/run.steps"
  # an existing cluster: nothing to do
  run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap --dry-run kkp.example.com
  [ "$(printf '%s\n' "$output" | grep -v '^#' | grep -v '^$' | grep -v bootstrap)" = "wait: KKP cluster c1 control plane healthy (apiserver, etcd, controller, scheduler; timeout 15m)" ]
  run --separate-stderr "$LO" destroy --root "$P" --dry-run kkp.example.com
  [[ "$output" == *"delete: KKP cluster c1 (id $(cat "$D/.kkp/cluster_id")) and wait until it is gone (timeout 15m)"* ]]
  [[ "$output" == *"remove: $D/.kkp"* ]]
  [ "$(kkp_fake_state | jq '.clusters | length')" = 1 ]
}

@test "only HTTPS with a trusted certificate; KKP_TOKEN and the cloud token are required before anything is sent" {
  KKP_API_URL="http://127.0.0.1:1" run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap kkp.example.com
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"KKP API URL must use HTTPS: http://127.0.0.1:1"* ]]
  sed -i 's#apiUrl: https://#apiUrl: http://#' "$D/cluster.lok8s.yaml"
  run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap kkp.example.com
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"spec.kkp.apiUrl"* ]]
  write_spec
  sed -i '/caCert:/d' "$D/cluster.lok8s.yaml"
  run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap kkp.example.com
  echo "$stderr"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"certificate"* ]]
  KKP_CA_CERT="$KKP_FAKE_CA" run --separate-stderr "$LO" status --root "$P" kkp.example.com
  [ "$status" -eq 0 ] && [ "$output" = NotFound ]
  write_spec
  : > "$KKP_FAKE_LOG"
  sed -i 's#caCert: kkp-ca.pem#caCert: missing.pem#' "$D/cluster.lok8s.yaml"
  run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap kkp.example.com
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"spec.kkp.caCert: points to a missing file: clusters/kkp.example.com/missing.pem"* ]]
  write_spec
  KKP_TOKEN= run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap kkp.example.com
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"KKP_TOKEN is not set"* ]]
  HCLOUD_TOKEN= run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap kkp.example.com
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"HCLOUD_TOKEN is not set"* ]]
  [ ! -s "$KKP_FAKE_LOG" ]   # nothing reached the server
}

# The request log's lines from the first /health answer that reports
# operatingSystemManager up, and of the first machine deployment made.
first_line() { grep -n "$1" "$KKP_FAKE_LOG" | head -1 | cut -d: -f1; }

@test "machine deployments are made only after KKP reports the operating system manager up" {
  kkp_fake_stop
  kkp_fake_start "$T/kkp-osm" "$TOKEN" --health-delay 0 --mc-delay 0 --osm-delay 3 --delete-delay 0
  write_spec
  run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap kkp.example.com
  echo "$output$stderr"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"KKP cluster c1: machine controller up"* ]]
  [[ "$stderr" == *"KKP cluster c1: waiting for operatingSystemManager (provisioning)"* ]]
  [[ "$stderr" == *"KKP cluster c1: operating system manager up"* ]]
  cat "$KKP_FAKE_LOG"
  osm_up=$(first_line '/health 200 operatingSystemManager=HealthStatusUp$')
  md=$(first_line '^POST /api/v2/projects/p1/clusters/[a-z0-9]*/machinedeployments 201$')
  [ -n "$osm_up" ] && [ -n "$md" ]
  [ "$md" -gt "$osm_up" ]
  # and KKP said provisioning before: lo waited, it did not just happen to ask late
  provisioning=$(first_line '/health 200 operatingSystemManager=HealthStatusProvisioning$')
  [ -n "$provisioning" ] && [ "$provisioning" -lt "$osm_up" ]
  [ "$(created machinedeployments)" = 2 ]
}

@test "a cluster without the operating system manager (KKP before 2.26, enableOperatingSystemManager: false) is not waited for" {
  kkp_fake_stop
  kkp_fake_start "$T/kkp-no-osm" "$TOKEN" --health-delay 0 --mc-delay 0 --delete-delay 0 --no-osm
  write_spec
  run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap kkp.example.com
  echo "$output$stderr"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"KKP cluster c1 runs no operating system manager (spec.enableOperatingSystemManager is false"* ]]
  ! grep -q operatingSystemManager= "$KKP_FAKE_LOG"
  [ "$(created machinedeployments)" = 2 ]
}

@test "a KKP preset is named in cluster.credential (KKP's CreateClusterSpec); an unknown one is KKP's 400" {
  kkp_fake_stop
  kkp_fake_start "$T/kkp-preset" "$TOKEN" --health-delay 0 --mc-delay 0 --delete-delay 0 --preset team-hetzner
  write_spec
  sed -i 's/^    caCert: kkp-ca.pem/&\n    preset: team-hetzner/' "$D/cluster.lok8s.yaml"
  run --separate-stderr env -u HCLOUD_TOKEN "$LO" provision --root "$P" --skip-bootstrap --dry-run kkp.example.com
  [ "$status" -eq 0 ]
  [[ "$output" == *"create: KKP cluster c1 in project p1 (datacenter hetzner-fsn1, Kubernetes 1.31.4, hetzner credentials of KKP preset team-hetzner)"* ]]
  run --separate-stderr env -u HCLOUD_TOKEN "$LO" provision --root "$P" --skip-bootstrap kkp.example.com
  echo "$output$stderr"
  [ "$status" -eq 0 ]
  [ "$(kkp_fake_state | jq -c '.clusters[0] | {credential, cloud: .spec.cloud}')" = '{"credential":"team-hetzner","cloud":{"dc":"hetzner-fsn1","hetzner":{}}}' ]
  "$LO" destroy --root "$P" kkp.example.com 2>/dev/null
  sed -i 's/preset: team-hetzner/preset: nobodys-preset/' "$D/cluster.lok8s.yaml"
  run --separate-stderr "$LO" provision --root "$P" --skip-bootstrap kkp.example.com
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"KKP API: POST /api/v2/projects/p1/clusters: HTTP 400 Bad Request: invalid credentials: can not find nobodys-preset preset"* ]]
}
