#!/usr/bin/env bats
# kubectl lo doctor against the behavioural fakes (tests/fakes: docker,
# kind, tilt; PATH decides which tools exist) and against the real Docker
# engine of this machine (skipped where no daemon answers). Each check's
# status and fix as a user reads them, in text and -o json, and the exit
# code: 1 when a required check fails.

load lib/scratch_project

setup() {
  scratch_project
  mkdir -p "$P/clusters" "$T/home"
  export LO_FAKE_STATE="$T/fake" CAROOT="$T/ca" HOME="$T/home" NO_COLOR=1 LOK8S_TRUST_STORE_DIR="$T/store"
  export PATH="$LO_SRC/tests/fakes/bin:$LO_BIN:$PATH"
  unset DOMAIN_NAME PATH_CLUSTERS LO_FAKE_FAIL LO_FAKE_NO_DAEMON XDG_DATA_HOME DOCKER_HOST
  # networks no test machine uses, so the host's own routes never clash
  lo_spec lok8s.dev 10.213.77.0/24 10.213.78.0/24 false
  cd "$P"
}

teardown() {
  cd /
  [ -z "${NET:-}" ] || docker network rm "$NET" >/dev/null 2>&1 || true
  [ -z "${LISTENER:-}" ] || { kill "$LISTENER" 2>/dev/null; wait "$LISTENER" 2>/dev/null || true; }
  rm -rf "$T"
}

# lo_spec DOMAIN CIDR SHARED-CIDR HOSTPORTS
lo_spec() {
  mkdir -p "$P/clusters/$1"
  cat > "$P/clusters/$1/cluster.lok8s.yaml" <<EOF
apiVersion: cluster.lok8s.dev/v1beta1
kind: Lo
metadata:
  name: doc
spec:
  cluster:
    domain: $1
  network:
    cidr: $2
  loadBalancer:
    pool: ${2%.0/24}.200-${2%.0/24}.250
  registries:
    shared:
      network:
        cidr: $3
  nodes:
    hostPorts: $4
EOF
}

# status NAME: the status of check NAME in the last -o json output.
status_of() { jq -r --arg n "$1" '.checks[] | select(.name == $n) | .status' <<<"$output"; }
fix_of() { jq -r --arg n "$1" '.checks[] | select(.name == $n) | .fix' <<<"$output"; }
detail_of() { jq -r --arg n "$1" '.checks[] | select(.name == $n) | .detail' <<<"$output"; }

# A CA in mkcert's layout, made with openssl (lo's own code does not make it).
make_ca() {
  mkdir -p "$CAROOT"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=doctor-test-ca \
    -keyout "$CAROOT/rootCA-key.pem" -out "$CAROOT/rootCA.pem" 2>/dev/null
}

@test "a ready project on the fakes: every tool with its version, exit 0" {
  run "$LO" doctor -o json
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$(jq -r .ok <<<"$output")" = true ]
  [ "$(jq -r .domain <<<"$output")" = lok8s.dev ]
  [ "$(status_of docker)" = ok ]
  [ "$(detail_of docker)" = "daemon answers, Docker Engine 27.5.1" ]
  [ "$(status_of kind)" = ok ]
  [ "$(detail_of kind)" = v0.27.0 ]
  [ "$(status_of tilt)" = ok ]
  [ "$(detail_of tilt)" = v0.34.0 ]
  [ "$(status_of kubectl)" = ok ]
  [ "$(detail_of kubectl)" = "$(kubectl version --client -o json | jq -r .clientVersion.gitVersion)" ]
  [ "$(status_of project)" = ok ]
  [ "$(status_of 'spec lok8s.dev')" = ok ]
  [ "$(status_of network)" = ok ]
  [ "$(status_of 'host ports')" = ok ]
  [[ "$(detail_of disk)" == *"GiB free on "* ]]
}

@test "text report: one line per check, the fix below a warning, a summary line" {
  run "$LO" doctor
  [ "$status" -eq 0 ]
  [[ "$output" == *"ok    docker"*"Docker Engine 27.5.1"* ]]
  [[ "$output" == *"warn  development CA"*"none yet at $CAROOT/rootCA.pem"* ]]
  [[ "$output" == *"fix: 'kubectl lo trust' creates and trusts it"* ]]
  [[ "$output" == *"domain lok8s.dev: ready, "*" warning"* ]]
}

@test "the CA: missing, present but not trusted, trusted by the system bundle" {
  run "$LO" doctor -o json
  [ "$(status_of 'development CA')" = warn ]
  make_ca
  mkdir -p "$T/store/etc/ssl/certs"
  : > "$T/store/etc/ssl/certs/ca-certificates.crt"
  run "$LO" doctor -o json
  [ "$(status_of 'development CA')" = warn ]
  [[ "$(detail_of 'development CA')" == *"is not trusted by the system store (registry TLS is on"* ]]
  [ "$(fix_of 'development CA')" = "kubectl lo trust" ]
  cat "$CAROOT/rootCA.pem" >> "$T/store/etc/ssl/certs/ca-certificates.crt"
  run "$LO" doctor -o json
  [ "$(status_of 'development CA')" = ok ]
  # a key that does not belong to the certificate is a failure: registries cannot be signed
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$CAROOT/rootCA-key.pem" 2>/dev/null
  run "$LO" doctor -o json
  [ "$status" -eq 1 ]
  [ "$(status_of 'development CA')" = fail ]
}

@test "Docker daemon down: docker fails with the fix, exit 1" {
  export LO_FAKE_NO_DAEMON=1
  run "$LO" doctor -o json
  [ "$status" -eq 1 ]
  [ "$(jq -r .ok <<<"$output")" = false ]
  [ "$(status_of docker)" = fail ]
  [[ "$(detail_of docker)" == *"Cannot connect to the Docker daemon"* ]]
  [[ "$(fix_of docker)" == *"systemctl start docker"* ]]
}

@test "missing tools: kind fails for a Lo domain, tilt and helm only warn" {
  mkdir -p "$T/bin"
  printf '#!/bin/sh\nexec "%s" "$@"\n' "$LO_SRC/tests/fakes/bin/docker" > "$T/bin/docker"
  chmod +x "$T/bin/docker"
  for t in kubectl dirname; do ln -s "$(command -v "$t")" "$T/bin/$t"; done
  ln -s /usr/bin/python3 "$T/bin/python3"  # the system's (a pyenv shim needs bash and more)
  PATH="$T/bin:$LO_BIN" run "$LO" doctor -o json
  [ "$status" -eq 1 ]
  [ "$(status_of kind)" = fail ]
  [[ "$(fix_of kind)" == *"https://kind.sigs.k8s.io"* ]]
  [ "$(status_of tilt)" = warn ]
  [ "$(status_of helm)" = warn ]
  [ "$(status_of docker)" = ok ]
}

@test "the domain's network overlapping a Docker network fails and names it" {
  docker network create --subnet 10.213.77.0/25 othernet >/dev/null
  run "$LO" doctor -o json
  [ "$status" -eq 1 ]
  [ "$(status_of network)" = fail ]
  [[ "$(detail_of network)" == *"Docker network othernet (10.213.77.0/25) overlaps 10.213.77.0/24"* ]]
  [[ "$(fix_of network)" == *"spec.network.cidr"* ]]
  # the domain's own network (same name, same subnet) is no clash
  docker network rm othernet >/dev/null
  docker network create --subnet 10.213.77.0/24 "$("$LO" spec -o json | jq -r .spec.network.name)" >/dev/null
  run "$LO" doctor -o json
  [ "$(status_of network)" = ok ] || { echo "$output"; false; }
}

@test "a mapped host port in use fails; the ports are not checked when not mapped" {
  lo_spec lok8s.dev 10.213.77.0/24 10.213.78.0/24 true
  # take 8080 (or find it taken already): either way it is in use
  /usr/bin/python3 -c 'import socket,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", 8080)); s.listen(1)
except OSError:
    pass
time.sleep(60)' >/dev/null 2>&1 3>&- &
  LISTENER=$!
  for _ in $(seq 100); do /usr/bin/python3 -c 'import socket; socket.create_connection(("127.0.0.1", 8080), 0.2)' 2>/dev/null && break; sleep 0.1; done
  run "$LO" doctor -o json
  [ "$status" -eq 1 ] || { echo "$output"; false; }
  [ "$(status_of 'port 8080')" = fail ]
  [[ "$(fix_of 'port 8080')" == *"spec.nodes.hostPorts: false"* ]]
  lo_spec lok8s.dev 10.213.77.0/24 10.213.78.0/24 false
  run "$LO" doctor -o json
  [ -z "$(status_of 'port 8080')" ]
  [ "$(status_of 'host ports')" = ok ]
}

@test "project layout: an invalid spec and a stale .active fail with file and line; outside a project only warns" {
  printf 'apiVersion: cluster.lok8s.dev/v1beta1\nkind: Lo\nmetadata:\n  name: doc\nspec:\n  nodes:\n    hostPorts: yes\n' \
    > clusters/lok8s.dev/cluster.lok8s.yaml
  echo gone.example.com > clusters/.active
  run "$LO" doctor lok8s.dev -o json
  [ "$status" -eq 1 ]
  [ "$(status_of 'active domain')" = fail ]
  [[ "$(detail_of 'active domain')" == *"names 'gone.example.com', which has no spec"* ]]
  [ "$(status_of 'spec lok8s.dev')" = fail ]
  [[ "$(detail_of 'spec lok8s.dev')" == *"clusters/lok8s.dev/cluster.lok8s.yaml:7"*"spec.nodes.hostPorts"* ]]
  [ "$(fix_of 'spec lok8s.dev')" = "kubectl lo lint lok8s.dev" ]
  cd "$T"
  run "$LO" doctor -o json
  [ "$(status_of project)" = warn ]
  [[ "$(fix_of project)" == *"kubectl lo init"* ]]
  [ "$(jq -r .domain <<<"$output")" = null ]
}

@test "a DOMAIN that does not exist fails" {
  run "$LO" doctor nope.example.com -o json
  [ "$status" -eq 1 ]
  [ "$(status_of 'spec nope.example.com')" = fail ]
}

# --- the real Docker engine of this machine ---

real_engine() {
  export PATH="$LO_BIN:${PATH#"$LO_SRC/tests/fakes/bin:"}"
  [ "$(command -v docker)" != "$LO_SRC/tests/fakes/bin/docker" ]
  docker info >/dev/null 2>&1 || skip "no Docker daemon answers 'docker info'"
}

@test "real engine: the daemon's version, and a Docker network overlapping the domain's fails until it goes" {
  real_engine
  NET="iss17doctor-$$"
  for n in $(seq 10 250); do
    docker network create --subnet "10.219.$n.0/24" "$NET" >/dev/null 2>&1 && { SUB="10.219.$n.0/24"; break; }
  done
  [ -n "${SUB:-}" ]
  lo_spec lok8s.dev "$SUB" 10.219.251.0/24 false
  run "$LO" doctor -o json
  [ "$(status_of docker)" = ok ]
  [ "$(detail_of docker)" = "daemon answers, Docker Engine $(docker version --format '{{.Server.Version}}')" ]
  [ "$(status_of network)" = fail ]
  [[ "$(detail_of network)" == *"Docker network $NET ($SUB) overlaps $SUB"* ]]
  # the network's bridge route is Docker's own: named once, as the Docker network
  [[ "$(detail_of network)" != *"host route"* ]]
  [ "$status" -eq 1 ]
  docker network rm "$NET" >/dev/null
  NET=
  run "$LO" doctor -o json
  [ "$(status_of network)" = ok ] || { echo "$output"; false; }
  [[ "$(detail_of disk)" == *"GiB free on /"* ]]
}
