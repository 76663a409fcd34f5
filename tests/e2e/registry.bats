#!/usr/bin/env bats
# lo-registry up|down|clean|status against the behavioural docker fake
# (tests/fakes): order of operations, idempotency, teardown semantics,
# failures halfway, dry runs, and the certificates checked with openssl.

setup() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  : "${LO_SRC:?LO_SRC must point at the source tree}"
  T="$(mktemp -d)"
  P="$T/project"
  mkdir -p "$P/clusters"
  export LO_FAKE_STATE="$T/fake" CAROOT="$T/ca" HOME="$T/home" NO_COLOR=1
  export PATH="$LO_SRC/tests/fakes/bin:$LO_BIN:$PATH"
  unset DOMAIN_NAME PATH_CLUSTERS LO_FAKE_FAIL LO_FAKE_NO_DAEMON XDG_DATA_HOME
  lo_spec lok8s.dev local
  cd "$P"
}

teardown() {
  cd /
  rm -rf "$T"
}

# lo_spec DOMAIN NAME [extra spec lines]
lo_spec() {
  mkdir -p "$P/clusters/$1"
  printf 'apiVersion: cluster.lok8s.dev/v1beta1\nkind: Lo\nmetadata:\n  name: %s\nspec:\n  cluster:\n    domain: %s\n%s' \
    "$2" "$1" "${3:-}" > "$P/clusters/$1/cluster.lok8s.yaml"
}

# Every docker/kind call so far, one per line: "<exit> <tool> <argv...>".
calls() {
  [ -f "$LO_FAKE_STATE/calls.jsonl" ] || return 0
  python3 -c 'import json,sys
for e in map(json.loads, open(sys.argv[1])): print(e["exit"], e["tool"], " ".join(e["argv"]))' "$LO_FAKE_STATE/calls.jsonl"
}

# Only the calls that change something.
changes() {
  calls | grep -E ' docker (network (create|rm|connect|disconnect)|volume (create|rm)|run|rm|create|start|stop|restart) ' || true
}

# q PYTHON-EXPR: evaluates an expression over the fake's state (s).
q() {
  python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$LO_FAKE_STATE/state.json" "$1"
}

running() {
  q "sorted(n for n, c in s['containers'].items() if c['State']['Running'])"
}

@test "up: networks, then certificates, then configs, then containers" {
  run lo-registry up
  [ "$status" -eq 0 ]
  mapfile -t ch < <(changes)
  [[ "${ch[0]}" == "0 docker network create --driver bridge --subnet 10.125.125.0/24 --ip-range 10.125.125.192/26 "*" local" ]]
  [[ "${ch[0]}" == *"-o com.docker.network.bridge.name=local"* ]]
  [[ "${ch[1]}" == "0 docker network create --driver bridge --subnet 10.125.200.0/24 --ip-range 10.125.200.192/26 "*"--label lok8s.registry=shared lok8s-registries" ]]
  [[ "${ch[2]}" == "0 docker volume create --label lok8s.dev/registry=build local-registry-build" ]]
  [[ "${ch[3]}" == "0 docker run --detach --restart=always --name local-registry-build --network local --ip 10.125.125.101 "* ]]
  [ "${#ch[@]}" -eq 14 ]
  # The certificate and the configs were written after the networks and before the first container.
  python3 - "$LO_FAKE_STATE/calls.jsonl" "$P" <<'EOF'
import json, os, sys
calls = [json.loads(l) for l in open(sys.argv[1])]
t = lambda pred: min(c["time"] for c in calls if pred(c["argv"]))
net = t(lambda a: a[:2] == ["network", "create"])
first_run = t(lambda a: a[:1] == ["run"])
for f in [".secrets/tls/registries/tls.crt", "clusters/lok8s.dev/.registry/build.yml", "clusters/lok8s.dev/.registry/io-ghcr.yml"]:
    m = os.stat(os.path.join(sys.argv[2], f)).st_mtime
    assert net <= m <= first_run, (f, net, m, first_run)
EOF
  [ "$(running)" = "['local-registry-build', 'local-registry-cache', 'lok8s-registry-io-docker', 'lok8s-registry-io-ghcr', 'lok8s-registry-io-k8s', 'lok8s-registry-io-quay']" ]
  [ "$(q "s['containers']['lok8s-registry-io-quay']['NetworkSettings']['Networks']['lok8s-registries']['IPAddress']")" = 10.125.200.3 ]
  [ "$(q "s['containers']['local-registry-cache']['Config']['Labels']['lok8s.dev/domain']")" = lok8s.dev ]
  [ "$(q "'lok8s.dev/domain' in s['containers']['lok8s-registry-io-k8s']['Config']['Labels']")" = False ]
  [ "$(q "s['containers']['lok8s-registry-io-k8s']['HostConfig']['RestartPolicy']['Name']")" = always ]
  grep -q '^  addr: :443$' clusters/lok8s.dev/.registry/build.yml
  grep -q 'remoteurl: "https://quay.io"' clusters/lok8s.dev/.registry/io-quay.yml
  run grep -c remoteurl clusters/lok8s.dev/.registry/cache.yml
  [ "$status" -eq 1 ]  # 1: no line (2 would be a missing file)
  # Every container carries the health check lo waits on: GET /v2/ inside the container.
  [ "$(q "s['containers']['lok8s-registry-io-k8s']['Config']['Healthcheck']['Test']")" = \
    "['CMD-SHELL', 'wget -q -O /dev/null --no-check-certificate https://localhost:443/v2/ || exit 1']" ]
}

@test "a second up changes nothing" {
  lo-registry up
  before="$(changes | wc -l)"
  crt="$(sha256sum .secrets/tls/registries/tls.crt clusters/lok8s.dev/.tls/wildcard-tls.yaml)"
  ids="$(q "sorted(c['Id'] for c in s['containers'].values())")"
  run lo-registry up
  [ "$status" -eq 0 ]
  [ "$(changes | wc -l)" -eq "$before" ]
  [ "$crt" = "$(sha256sum .secrets/tls/registries/tls.crt clusters/lok8s.dev/.tls/wildcard-tls.yaml)" ]
  [ "$ids" = "$(q "sorted(c['Id'] for c in s['containers'].values())")" ]
  [[ "$output" == *"registry io-ghcr (lok8s-registry-io-ghcr): running, up to date"* ]]
}

@test "a new mirror re-mints the registry certificate; plain mode recreates every container without TLS" {
  lo-registry up
  lo_spec lok8s.dev local '  registries:
    mirrors:
      - {name: io-docker, url: https://registry-1.docker.io}
      - {name: io-quay, url: https://quay.io}
      - {name: io-k8s, url: https://registry.k8s.io}
      - {name: io-ghcr, url: https://ghcr.io}
      - {name: io-gcr, url: https://gcr.io}
'
  old="$(sha256sum < .secrets/tls/registries/tls.crt)"
  run lo-registry up
  [ "$status" -eq 0 ]
  [ "$old" != "$(sha256sum < .secrets/tls/registries/tls.crt)" ]
  run openssl x509 -noout -ext subjectAltName -in .secrets/tls/registries/tls.crt
  [[ "$output" == *"DNS:gcr.io, IP Address:10.125.200.6"* ]]
  [[ "$output" == *"DNS:lok8s.local, IP Address:10.125.125.101"* ]]
  [ "$(q "s['containers']['lok8s-registry-io-gcr']['State']['Running']")" = True ]

  lo_spec lok8s.dev local '  registries:
    tls: false
'
  n="$(changes | grep -c ' docker run ')"
  run lo-registry up
  [ "$status" -eq 0 ]
  [ "$(changes | grep -c ' docker run ')" -eq $((n + 6)) ]
  grep -q '^  addr: :80$' clusters/lok8s.dev/.registry/build.yml
  # Plain mode: no TLS block in any config, no certificate mounted, health asked over http.
  for r in build cache io-docker io-quay io-k8s io-ghcr; do
    run grep -c -e 'tls:' -e ':443' -e certificate "clusters/lok8s.dev/.registry/$r.yml"
    [ "$status" -eq 1 ]
  done
  [ "$(q "[m['Destination'] for m in s['containers']['local-registry-build']['Mounts']]")" = "['/var/lib/registry', '/etc/docker/registry/config.yml']" ]
  [ "$(q "s['containers']['lok8s-registry-io-k8s']['Config']['Healthcheck']['Test'][1]")" = \
    "wget -q -O /dev/null http://localhost:80/v2/ || exit 1" ]
  run lo-registry status -o json
  [ "$(jq -r '[.[].address] | join(" ")' <<< "$output")" = \
    "http://10.125.125.101 http://10.125.125.102 http://10.125.200.2 http://10.125.200.3 http://10.125.200.4 http://10.125.200.5" ]
}

@test "down keeps shared mirrors and every volume; down --shared stops the mirrors too" {
  lo-registry up
  run lo-registry down
  [ "$status" -eq 0 ]
  [[ "$output" == *"shared mirrors kept"* ]]
  [ "$(running)" = "['lok8s-registry-io-docker', 'lok8s-registry-io-ghcr', 'lok8s-registry-io-k8s', 'lok8s-registry-io-quay']" ]
  [ "$(q "len(s['volumes'])")" -eq 6 ]
  run lo-registry down --shared
  [ "$status" -eq 0 ]
  [ "$(running)" = "[]" ]
  [ "$(q "len(s['volumes'])")" -eq 6 ]
  [ "$(q "sorted(s['networks'])")" = "['bridge', 'host', 'local', 'lok8s-registries', 'none']" ]
}

@test "clean removes project volumes; clean --shared removes mirrors, their volumes and the shared network" {
  lo-registry up
  run lo-registry clean
  [ "$status" -eq 0 ]
  [ "$(q "sorted(s['volumes'])")" = "['lok8s-registry-io-docker', 'lok8s-registry-io-ghcr', 'lok8s-registry-io-k8s', 'lok8s-registry-io-quay']" ]
  [ "$(q "len([c for c in s['containers'] if c.startswith('lok8s-registry-')])")" -eq 4 ]
  run lo-registry clean --shared
  [ "$status" -eq 0 ]
  [ "$(q "s['containers']")" = "{}" ]
  [ "$(q "s['volumes']")" = "{}" ]
  [ "$(q "sorted(s['networks'])")" = "['bridge', 'host', 'local', 'none']" ]
}

@test "clean --shared keeps the shared network while another container is attached" {
  lo-registry up
  docker run -d --name other-project-node --network lok8s-registries alpine:3 >/dev/null
  run lo-registry clean --shared
  [ "$status" -eq 0 ]
  [[ "$output" == *"shared registry network lok8s-registries kept: still attached: other-project-node"* ]]
  [ "$(q "'lok8s-registries' in s['networks']")" = True ]
}

@test "containers joined to the shared network get addresses clear of the mirrors (Q31)" {
  lo-registry up
  docker run -d --name node --network local alpine:3 >/dev/null
  docker network connect lok8s-registries node
  [ "$(q "s['containers']['node']['NetworkSettings']['Networks']['lok8s-registries']['IPAddress']")" = 10.125.200.193 ]
  [ "$(q "s['containers']['node']['NetworkSettings']['Networks']['local']['IPAddress']")" = 10.125.125.193 ]
}

@test "a docker failure halfway: clear error, what was done, exit 1; the next up finishes" {
  run env LO_FAKE_FAIL=docker:run:io-quay lo-registry up
  [ "$status" -eq 1 ]
  [[ "$output" == *"lo-registry: error: start registry io-quay at https://10.125.200.3 (lok8s-registry-io-quay) failed"* ]]
  [[ "$output" == *"injected by LO_FAKE_FAIL"* ]]
  [[ "$output" == *"before this step:"*"done: start registry io-docker"* ]]
  [[ "$output" != *"start registry io-k8s"* ]]
  [ "$(q "s['containers']['lok8s-registry-io-quay']['State']['Status']")" = created ]
  [ "$(q "'lok8s-registry-io-k8s' in s['containers']")" = False ]
  run lo-registry up
  [ "$status" -eq 0 ]
  [[ "$output" == *"remove container lok8s-registry-io-quay (it never started)"* ]]
  [ "$(q "len([c for c in s['containers'].values() if c['State']['Running']])")" -eq 6 ]
}

@test "--dry-run prints the exact plan and changes nothing" {
  run lo-registry up --dry-run
  [ "$status" -eq 0 ]
  [[ "$output" == *"run: docker network create --driver bridge --subnet 10.125.125.0/24"* ]]
  [[ "$output" == *"create: development CA $CAROOT/rootCA.pem"* ]]
  [[ "$output" == *"mint: registry certificate .secrets/tls/registries/tls.crt"* ]]
  [[ "$output" == *"write: $P/clusters/lok8s.dev/.registry/io-k8s.yml (0644"* ]]
  [[ "$output" == *"run: docker run --detach --restart=always --name lok8s-registry-io-ghcr"* ]]
  [ -z "$(changes)" ]
  [ ! -e "$CAROOT" ]
  [ ! -e .secrets ]
  [ ! -e clusters/lok8s.dev/.registry ]
  [ "$(q "sorted(s['networks'])")" = "['bridge', 'host', 'none']" ]
  lo-registry up
  run lo-registry clean --shared --dry-run
  [ "$status" -eq 0 ]
  [[ "$output" == *"run: docker network rm lok8s-registries"* ]]
  [ "$(q "len(s['containers'])")" -eq 6 ]
}

@test "no Docker daemon: a clear error before anything changes" {
  run env LO_FAKE_NO_DAEMON=1 lo-registry up
  [ "$status" -eq 1 ]
  [[ "$output" == *"cannot talk to the Docker daemon: Cannot connect to the Docker daemon"* ]]
  [[ "$output" == *"hint: start Docker"* ]]
  [ ! -e "$CAROOT" ]
  [ ! -e .secrets ]
  run env LO_FAKE_NO_DAEMON=1 lo-registry status
  [ "$status" -eq 1 ]
}

@test "an invalid spec fails before any docker call" {
  lo_spec lok8s.dev local '  loadBalancer:
    pool: 10.9.9.1-10.9.9.5
'
  run lo-registry up
  [ "$status" -eq 1 ]
  [[ "$output" == *"spec.loadBalancer.pool"* ]]
  [ -z "$(calls)" ]
}

@test "a network of the same name with another subnet is an error naming the spec field" {
  docker network create --subnet 10.9.0.0/24 local >/dev/null
  run lo-registry up
  [ "$status" -eq 1 ]
  [[ "$output" == *"clusters/lok8s.dev/cluster.lok8s.yaml"*"spec.network.cidr: docker network 'local' already exists with subnet 10.9.0.0/24"* ]]
  [[ "$output" == *"hint: set spec.network.cidr to 10.9.0.0/24"* ]]
  docker network rm local >/dev/null
  docker network create --subnet 10.125.201.0/24 lok8s-registries >/dev/null
  run lo-registry up
  [ "$status" -eq 1 ]
  [[ "$output" == *"spec.registries.shared.network.cidr"*"hint: other projects may use it: set spec.registries.shared.network.cidr to 10.125.201.0/24"* ]]
  [ "$(q "s['containers']")" = "{}" ]
}

@test "status: one line per registry with Docker's state word, health, restarts and address; -o json" {
  lo-registry up
  lo-registry down
  docker stop lok8s-registry-io-k8s >/dev/null
  run lo-registry status
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^NAME\ +ROLE\ +CONTAINER\ +STATE\ +HEALTH\ +RESTARTS\ +ADDRESS ]]
  [[ "${lines[1]}" =~ ^build\ +build\ +local-registry-build\ +missing\ +-\ +-\ +https://10.125.125.101 ]]
  [[ "${lines[3]}" =~ ^io-docker\ \(shared\)\ +mirror\ +lok8s-registry-io-docker\ +running\ +healthy\ +0\ +https://10.125.200.2 ]]
  [[ "${lines[5]}" =~ ^io-k8s\ \(shared\)\ +mirror\ +lok8s-registry-io-k8s\ +exited\  ]]
  run lo-registry status -o json
  [ "$status" -eq 0 ]
  python3 -c 'import json,sys
l = json.loads(sys.argv[1])
assert [r["state"] for r in l] == ["missing", "missing", "running", "running", "exited", "running"], l
assert [r["restarts"] for r in l] == [0, 0, 0, 0, 0, 0], l
assert l[0]["address"] == "https://10.125.125.101" and l[2]["shared"] is True and l[2]["health"] == "healthy"' "$output"
}

@test "a registry that does not answer: up exits 1 naming it, its state and the log line that says why" {
  run env LO_FAKE_CRASH=io-quay lo-registry up
  [ "$status" -eq 1 ]
  [[ "$output" == *"lo-registry: error: registry io-quay (lok8s-registry-io-quay) does not answer: restarting (health: unhealthy), restarted 1 time while lo waited; last lines of its log:"* ]]
  [[ "$output" == *"    panic: injected by LO_FAKE_CRASH (io-quay): the program stopped at start"* ]]
  [[ "$output" == *"hint: a pull-through mirror stops at start when its upstream https://quay.io cannot be reached"* ]]
  [[ "$output" == *"lo-registry: error: 1 of 6 registries do not answer"* ]]
  [[ "$output" == *"registry io-docker (lok8s-registry-io-docker): answering"* ]]
  [[ "$output" != *"goroutine"* ]]
  [[ "$output" != *"are up"* ]]
  run lo-registry status -o json
  [ "$(jq -r '.[] | select(.name == "io-quay") | "\(.state) \(.health) \(.restarts)"' <<< "$output")" = "restarting unhealthy 1" ]
  # Docker keeps restarting it: a second up does not recreate it, restarts it
  # at once (its upstream may be back), sees it fail again, and says so.
  n="$(changes | wc -l)"
  run env LO_FAKE_CRASH=io-quay lo-registry up
  [ "$status" -eq 1 ]
  [ "$(changes | tail -n +$((n + 1)))" = "0 docker restart lok8s-registry-io-quay" ]
  [[ "$output" == *"done: restart registry io-quay (lok8s-registry-io-quay): Docker keeps restarting it (1 restarts); configuration up to date"* ]]
  [[ "$output" == *"registry io-quay (lok8s-registry-io-quay) does not answer: restarting (health: unhealthy), restarted 1 time while lo waited;"* ]]
  n="$(changes | wc -l)"
  # A fixed upstream is another configuration: only that mirror is recreated, and up succeeds.
  lo_spec lok8s.dev local '  registries:
    mirrors:
      - {name: io-docker, url: https://registry-1.docker.io}
      - {name: io-quay, url: https://quay.example.com}
      - {name: io-k8s, url: https://registry.k8s.io}
      - {name: io-ghcr, url: https://ghcr.io}
'
  run lo-registry up
  [ "$status" -eq 0 ]
  [ "$(changes | tail -n +$((n + 1)) | cut -d' ' -f2-5)" = "docker rm --force lok8s-registry-io-quay
docker run --detach --restart=always" ]
  [[ "$output" == *"registries of lok8s.dev are up and answering (6)"* ]]
}

@test "a stopped container or one not started by lo is recreated; the rest is left alone" {
  lo-registry up
  docker stop local-registry-build >/dev/null
  n="$(changes | wc -l)"
  run lo-registry up
  [ "$status" -eq 0 ]
  [ "$(changes | tail -n +$((n + 1)) | cut -d' ' -f2-4)" = "docker rm --force
docker run --detach" ]
  [[ "$output" == *"remove container local-registry-build (it is exited)"* ]]
}

@test "the certificates verify with openssl and carry the expected SANs; keys are 0600" {
  lo-registry up
  run openssl verify -CAfile "$CAROOT/rootCA.pem" .secrets/tls/registries/tls.crt
  [ "$status" -eq 0 ]
  run openssl x509 -noout -ext subjectAltName -in .secrets/tls/registries/tls.crt
  [[ "$output" == *"DNS:lok8s.local, IP Address:10.125.125.101, DNS:local-registry-build, DNS:lok8s.cache, IP Address:10.125.125.102, DNS:local-registry-cache, DNS:docker.io, IP Address:10.125.200.2, DNS:lok8s-registry-io-docker, DNS:quay.io, IP Address:10.125.200.3, DNS:lok8s-registry-io-quay, DNS:registry.k8s.io, IP Address:10.125.200.4, DNS:lok8s-registry-io-k8s, DNS:ghcr.io, IP Address:10.125.200.5, DNS:lok8s-registry-io-ghcr"* ]]
  [ "$(stat -c %a .secrets/tls/registries/tls.key)" = 600 ]
  [ "$(stat -c %a "$CAROOT/rootCA-key.pem")" = 600 ]
  [ "$(stat -c %a "$CAROOT/rootCA.pem")" = 644 ]
  [ "$(stat -c %a clusters/lok8s.dev/.tls/wildcard-tls.yaml)" = 600 ]
  [ "$(cat .secrets/tls/registries/.sans | wc -l)" -eq 18 ]
  python3 - clusters/lok8s.dev/.tls/wildcard-tls.yaml "$T/wild.crt" <<'EOF'
import base64, sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
assert d["kind"] == "Secret" and d["type"] == "kubernetes.io/tls" and "namespace" not in d["metadata"]
assert set(d["data"]) == {"tls.crt", "tls.key", "ca.crt"}
open(sys.argv[2], "wb").write(base64.b64decode(d["data"]["tls.crt"]))
EOF
  run openssl verify -CAfile "$CAROOT/rootCA.pem" "$T/wild.crt"
  [ "$status" -eq 0 ]
  run openssl x509 -noout -ext subjectAltName -in "$T/wild.crt"
  [[ "$output" == *"DNS:lok8s.dev, DNS:*.lok8s.dev"* ]]
  # No key material in what lo printed.
  run lo-registry up --dry-run
  [[ "$output" != *"PRIVATE KEY"* ]]
}

@test "an existing mkcert-style CA is reused, never replaced" {
  mkdir -p "$CAROOT"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/O=mkcert development CA/CN=mkcert test" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign" \
    -keyout "$CAROOT/rootCA-key.pem" -out "$CAROOT/rootCA.pem" 2>/dev/null
  chmod 400 "$CAROOT/rootCA-key.pem"
  ca="$(sha256sum "$CAROOT/rootCA.pem" "$CAROOT/rootCA-key.pem")"
  run lo-registry up
  [ "$status" -eq 0 ]
  [[ "$output" == *"development CA $CAROOT/rootCA.pem: reused"* ]]
  [ "$ca" = "$(sha256sum "$CAROOT/rootCA.pem" "$CAROOT/rootCA-key.pem")" ]
  run openssl verify -CAfile "$CAROOT/rootCA.pem" .secrets/tls/registries/tls.crt
  [ "$status" -eq 0 ]
}

@test "usage: unknown command and flag exit 2; every command has --help" {
  run lo-registry bogus
  [ "$status" -eq 2 ]
  run lo-registry up --bogus
  [ "$status" -eq 2 ]
  for c in up down status clean; do
    run lo-registry "$c" --help
    [ "$status" -eq 0 ]
    [[ "$output" == *"Usage:"*"--dry-run"* ]]
  done
  [ -z "$(calls)" ]
}

@test "a remote daemon (DOCKER_HOST=ssh://...) gets configs and certificates copied in, not bind-mounted (Q29)" {
  export DOCKER_HOST=ssh://dev@build-box
  run lo-registry up
  [ "$status" -eq 0 ]
  [ -z "$(changes | grep -e '--mount')" ]
  changes | grep -q "^0 docker create --restart=always --name local-registry-build --network local --ip 10.125.125.101 "
  calls | grep -q "^0 docker cp $P/clusters/lok8s.dev/.registry/build.yml local-registry-build:/etc/docker/registry/config.yml$"
  calls | grep -q "^0 docker cp $P/.secrets/tls/registries/. lok8s-registry-io-quay:/etc/registry/certs$"
  [ "$(q "sorted(s['containers']['local-registry-build']['_files'])")" = "['/etc/docker/registry/config.yml', '/etc/registry/certs/.sans', '/etc/registry/certs/tls.crt', '/etc/registry/certs/tls.key']" ]
  [ "$(q "[m['Type'] for m in s['containers']['local-registry-build']['Mounts']]")" = "['volume']" ]
  [ "$(running | tr -dc ',' | wc -c)" -eq 5 ]
  python3 -c 'import json,sys
for e in map(json.loads, open(sys.argv[1])): assert e["env"].get("DOCKER_HOST") == "ssh://dev@build-box", e' "$LO_FAKE_STATE/calls.jsonl"
  n="$(changes | wc -l)"
  run lo-registry up
  [ "$status" -eq 0 ]
  [ "$(changes | wc -l)" -eq "$n" ]
}
