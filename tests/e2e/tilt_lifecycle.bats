#!/usr/bin/env bats
# kubectl lo tilt up|down|status|ci (and kubectl lo up's Tilt) against the
# recording tilt of tests/fakes/bin: the environment Tilt gets, its working
# folder, one Tilt per domain, a second up reloading instead of starting,
# down stopping it, the port and pid recorded.

bats_require_minimum_version 1.5.0

setup() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  : "${LO_SRC:?LO_SRC must point at the source tree}"
  LO="$LO_BIN/kubectl-lo"
  T="$(mktemp -d)"
  P="$T/project"
  export LO_FAKE_STATE="$T/fake" NO_COLOR=1 KUBECONFIG="$T/user-kubeconfig"
  export PATH="$LO_SRC/tests/fakes/bin:$LO_BIN:$PATH"
  unset DOMAIN_NAME PATH_CLUSTERS TILT_PORT LO_FAKE_TILT_UP_FAIL
  for d in lok8s.dev 2.lok8s.dev; do
    mkdir -p "$P/clusters/$d"
    printf 'apiVersion: cluster.lok8s.dev/v1beta1\nkind: Lo\nmetadata:\n  name: %s\nspec:\n  cluster:\n    domain: %s\n' \
      "local${d%%.*}" "$d" > "$P/clusters/$d/cluster.lok8s.yaml"
  done
  sed -i 's/name: locallok8s/name: local/' "$P/clusters/lok8s.dev/cluster.lok8s.yaml"
  mkdir -p "$P/clusters/api.example.com"
  printf 'apiVersion: cluster.lok8s.dev/v1beta1\nkind: Deploy\nmetadata:\n  name: api\nspec:\n  clusterRef:\n    domain: lok8s.dev\n' \
    > "$P/clusters/api.example.com/deploy.lok8s.yaml"
  mkdir -p "$P/.kubeconfig" && touch "$P/.kubeconfig/local.yaml"
  printf "load('%s/tilt/lo/Tiltfile', 'lok8s')\nlok8s()\n" "$LO_SRC" > "$P/Tiltfile"
  cd "$P"
}

teardown() {
  for d in lok8s.dev 2.lok8s.dev api.example.com; do "$LO" tilt down "$d" >/dev/null 2>&1 || true; done
  rm -rf "$T"
}

state() { jq -r "$2" "$P/clusters/$1/.tilt/state.json"; }
up_lines() { if [ -f "$LO_FAKE_STATE/tilt.log" ]; then grep -c '^up ' "$LO_FAKE_STATE/tilt.log" || true; else echo 0; fi; }

@test "tilt up: tilt up in the background, in the project root, with DOMAIN_NAME, KUBECONFIG and TILT_PORT; pid and port recorded" {
  TILT_PORT=14242 run "$LO" tilt up
  [ "$status" -eq 0 ]
  [[ "$output" == "Tilt is up for lok8s.dev: http://localhost:14242/ (pid "*")"* ]]
  [[ "$output" == *"logs: clusters/lok8s.dev/.tilt/tilt.log  (or: tilt logs -f --port 14242)"* ]]
  grep -qx "up --port=14242 --file=$P/Tiltfile --stream | KUBECONFIG=$P/.kubeconfig/local.yaml | DOMAIN_NAME=lok8s.dev | TILT_PORT=14242 | cwd=$P" "$LO_FAKE_STATE/tilt.log"
  [ "$(state lok8s.dev .port)" = 14242 ]
  pid=$(state lok8s.dev .pid)
  kill -0 "$pid"
  [ "$(cat "$LO_FAKE_STATE/tilt-up.14242")" = "$pid" ]
  # Tilt's own output goes to the log
  grep -q "Tilt started on http://localhost:14242/" "$P/clusters/lok8s.dev/.tilt/tilt.log"
  # it runs in a session of its own: the terminal's Ctrl-C does not reach it
  [ "$(ps -o sid= -p "$pid" | tr -d ' ')" = "$pid" ]
}

@test "a second up attaches: nothing new starts, the running Tilt reloads its Tiltfile" {
  TILT_PORT=14243 "$LO" tilt up >/dev/null
  pid=$(state lok8s.dev .pid)
  run "$LO" tilt up
  [ "$status" -eq 0 ]
  [ "$output" = "Tilt is already running for lok8s.dev: http://localhost:14243/ (pid $pid); reloading its Tiltfile" ]
  [ "$(up_lines)" = 1 ]
  grep -q "^trigger (Tiltfile) --port 14243 " "$LO_FAKE_STATE/tilt.log"
  [ "$(state lok8s.dev .pid)" = "$pid" ]
  # two ups at once still make one Tilt
  "$LO" tilt down >/dev/null
  : > "$LO_FAKE_STATE/tilt.log"
  TILT_PORT=14244 "$LO" tilt up > "$T/a" 2>&1 &
  TILT_PORT=14244 "$LO" tilt up > "$T/b" 2>&1 &
  wait
  [ "$(up_lines)" = 1 ]
  cat "$T/a" "$T/b" | grep -q "already running"
}

@test "one Tilt per domain: each its own port and record; down stops one and leaves the other" {
  run "$LO" tilt up lok8s.dev
  [ "$status" -eq 0 ]
  run "$LO" tilt up 2.lok8s.dev
  [ "$status" -eq 0 ]
  p1=$(state lok8s.dev .port) p2=$(state 2.lok8s.dev .port)
  [ "$p1" != "$p2" ]
  # derived ports lie in 10351-10499 and are the same on every run
  [ "$p1" -ge 10351 ] && [ "$p1" -le 10499 ] && [ "$p2" -ge 10351 ] && [ "$p2" -le 10499 ]
  grep -q "DOMAIN_NAME=2.lok8s.dev | TILT_PORT=$p2 " "$LO_FAKE_STATE/tilt.log"
  grep -q "up --port=$p2 .*KUBECONFIG=$T/user-kubeconfig | DOMAIN_NAME=2.lok8s.dev" "$LO_FAKE_STATE/tilt.log"  # no .kubeconfig/local2.yaml: the user's
  pid2=$(state 2.lok8s.dev .pid)
  run "$LO" tilt down lok8s.dev
  [ "$output" = "Stopped Tilt for lok8s.dev." ]
  grep -q "tilt: stopped $p1" "$LO_FAKE_STATE/tilt.log"
  [ ! -e "$P/clusters/lok8s.dev/.tilt/state.json" ]
  kill -0 "$pid2"
  run "$LO" tilt down lok8s.dev
  [ "$output" = "Tilt is not running for lok8s.dev." ]
  "$LO" tilt down 2.lok8s.dev
  "$LO" tilt up lok8s.dev >/dev/null
  [ "$(state lok8s.dev .port)" = "$p1" ]
}

@test "status: running with pid, port, URL and log (text and json); not running after down or when the process died" {
  TILT_PORT=14245 "$LO" tilt up >/dev/null
  pid=$(state lok8s.dev .pid)
  run "$LO" tilt status
  [ "$status" -eq 0 ]
  [[ "$output" == "Tilt is running for lok8s.dev: http://localhost:14245/"*"pid:        $pid"*"port:       14245"*"Tiltfile:   Tiltfile"*"kubeconfig: .kubeconfig/local.yaml"*"log:        clusters/lok8s.dev/.tilt/tilt.log"* ]]
  run "$LO" tilt status -o json
  [ "$(jq -c '[.running, .pid, .port, .url, .domain]' <<< "$output")" = "[true,$pid,14245,\"http://localhost:14245/\",\"lok8s.dev\"]" ]
  kill -9 "$pid"
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  run "$LO" tilt status -o json
  [ "$(jq -c .running <<< "$output")" = false ]
  [ ! -e "$P/clusters/lok8s.dev/.tilt/state.json" ]
  run "$LO" tilt status
  [ "$output" = "Tilt is not running for lok8s.dev (start it: kubectl lo tilt up lok8s.dev)." ]
}

@test "a recorded pid that now belongs to another process is never signalled" {
  sleep 60 &
  other=$!
  mkdir -p "$P/clusters/lok8s.dev/.tilt"
  printf '{"pid": %d, "startTicks": 1, "port": 14246, "domain": "lok8s.dev"}\n' "$other" > "$P/clusters/lok8s.dev/.tilt/state.json"
  run "$LO" tilt down
  [ "$output" = "Tilt is not running for lok8s.dev." ]
  kill -0 "$other"
  kill "$other"
}

@test "ports: --port and TILT_PORT win; a taken port is an error; Tilt failing at once is reported with its output" {
  run "$LO" tilt up --port 14247
  [ "$status" -eq 0 ]
  [ "$(state lok8s.dev .port)" = 14247 ]
  # something else listens on 14260
  python3 -c 'import socket,time; s=socket.socket(); s.bind(("127.0.0.1", 14260)); s.listen(); time.sleep(30)' 3>&- &
  listener=$!
  for _ in $(seq 50); do ss -ltn 2>/dev/null | grep -q ':14260 ' && break; sleep 0.1; done
  run "$LO" tilt up 2.lok8s.dev --port 14260
  kill "$listener"
  [ "$status" -eq 1 ]
  [[ "$output" == *"port 14260 is in use, so Tilt cannot listen on it"* ]]
  run "$LO" tilt up 2.lok8s.dev --port 0
  [ "$status" -eq 2 ]
  LO_FAKE_TILT_UP_FAIL=1 run "$LO" tilt up 2.lok8s.dev --port 14248
  [ "$status" -eq 1 ]
  [[ "$output" == *"tilt up exited at once (exit 1); its output:"*"bind: address already in use"* ]]
  [ ! -e "$P/clusters/2.lok8s.dev/.tilt/state.json" ]
}

@test "no Tiltfile, no tilt: clear errors, nothing recorded" {
  rm "$P/Tiltfile"
  run "$LO" tilt up
  [ "$status" -eq 1 ]
  [[ "$output" == *"Tiltfile: the project has no Tiltfile"*"load('$(cd "$LO_BIN/.." && pwd)/share/lo/tilt/lo/Tiltfile', 'lok8s')"*"lok8s()"* ]]
  printf "load('%s/tilt/lo/Tiltfile', 'lok8s')\nlok8s()\n" "$LO_SRC" > "$P/Tiltfile"
  run env PATH="$LO_BIN:/usr/bin:/bin" "$LO" tilt up
  [ "$status" -eq 1 ]
  [[ "$output" == *"tilt is not installed"*"https://docs.tilt.dev/install.html"* ]]
  [ ! -e "$P/clusters/lok8s.dev/.tilt/state.json" ]
}

@test "a deployment domain's Tilt talks to its clusterRef's cluster" {
  run "$LO" tilt up api.example.com --port 14249
  [ "$status" -eq 0 ]
  grep -q "^up --port=14249 .*KUBECONFIG=$P/.kubeconfig/local.yaml | DOMAIN_NAME=api.example.com | TILT_PORT=14249 | cwd=$P" "$LO_FAKE_STATE/tilt.log"
}

@test "tilt ci: foreground, its exit status, --timeout and Tiltfile args passed; refused while tilt up runs" {
  LO_FAKE_TILT_CI_EXIT=7 run "$LO" tilt ci --timeout 90s --port 14250 -- api web
  [ "$status" -eq 7 ]
  grep -q "^ci --port=14250 --file=$P/Tiltfile --timeout 90s -- api web | KUBECONFIG=$P/.kubeconfig/local.yaml | DOMAIN_NAME=lok8s.dev | TILT_PORT=14250 | cwd=$P" "$LO_FAKE_STATE/tilt.log"
  run "$LO" tilt ci
  [ "$status" -eq 0 ]
  [[ "$(grep "^ci" "$LO_FAKE_STATE/tilt.log" | tail -1)" != *"--timeout"* ]]
  "$LO" tilt up --port 14251 >/dev/null
  run "$LO" tilt ci
  [ "$status" -eq 1 ]
  [[ "$output" == *"Tilt is already running for lok8s.dev"* ]]
}

@test "kubectl lo up: provisions, then starts Tilt or attaches to the running one; --dry-run changes nothing" {
  # a driver that only writes the kubeconfig: the Lo driver needs Docker
  sed -i 's/kind: Lo/kind: K3s/' "$P/clusters/2.lok8s.dev/cluster.lok8s.yaml"
  mkdir -p "$P/.lok8s/drivers/k3s"
  cp "$LO_SRC/tests/fixtures/drivers/lo-driver-k3s" "$P/.lok8s/drivers/k3s/lo-driver-k3s"
  export K3S_STATE="$T/k3s"
  run "$LO" up 2.lok8s.dev --dry-run
  [ "$status" -eq 0 ]
  [[ "$output" == *"run: DOMAIN_NAME=2.lok8s.dev"*"tilt up --port="*"--file=$P/Tiltfile --stream"* ]]
  [ "$(up_lines)" = 0 ]
  TILT_PORT=14252 run "$LO" up 2.lok8s.dev
  [ "$status" -eq 0 ]
  [[ "$output" == *"Tilt is up for 2.lok8s.dev: http://localhost:14252/"* ]]
  grep -q "^up --port=14252 --file=$P/Tiltfile --stream | KUBECONFIG=$P/.kubeconfig/local2.yaml | DOMAIN_NAME=2.lok8s.dev" "$LO_FAKE_STATE/tilt.log"
  TILT_PORT=14252 run "$LO" up 2.lok8s.dev
  [ "$status" -eq 0 ]
  [[ "$output" == *"Tilt is already running for 2.lok8s.dev"* ]]
  [ "$(up_lines)" = 1 ]
  run "$LO" down 2.lok8s.dev
  [[ "$output" == *"stopped tilt"* ]]
  [ ! -e "$P/clusters/2.lok8s.dev/.tilt/state.json" ]
}

@test "tilt usage: verbs, help, misplaced flags" {
  run "$LO" tilt --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"kubectl lo tilt up [DOMAIN]"*"kubectl lo tilt down [DOMAIN]"*"kubectl lo tilt status"* ]]
  run "$LO" tilt
  [ "$status" -eq 2 ]
  run "$LO" tilt restart
  [ "$status" -eq 2 ]
  [[ "$output" == *'unknown tilt verb "restart"'* ]]
  run "$LO" tilt down --port 1
  [ "$status" -eq 2 ]
  run "$LO" tilt up nope.example.com
  [ "$status" -eq 1 ]
}
