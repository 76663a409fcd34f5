#!/usr/bin/env bats
# lo on a real Docker engine: lo-registry, lo-kind and kubectl lo against the
# daemon that answers `docker info` (.ci/test starts one when none does),
# with a local stand-in for the registry:2 image (tests/engine/registry-image;
# nothing can be pulled here), the real kind CLI (.ci/tools) and, only where
# kind would need the kindest/node image, tests/fakes/engine/kind.
#
# The network rule (tests/README.md): nothing is sent from the host to a
# bridge or container address. Requests to the registries go from inside a
# container's network namespace (nsenter -n, as root), or to a port published
# on 127.0.0.1. Subnets are picked where no Docker network is.
#
# Everything this suite creates is named with $PFX (LO_E2E_PREFIX, default
# loe2e) and removed after each test.

bats_require_minimum_version 1.5.0
load lib/tools

setup_file() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  : "${LO_SRC:?LO_SRC must point at the source tree}"
  if ! docker info >/dev/null 2>&1; then
    echo "no Docker daemon answers 'docker info': .ci/test starts one (tests/README.md)" >&2
    return 1
  fi
  export PFX="${LO_E2E_PREFIX:-loe2e}"
  export LOK8S_REGISTRY_IMAGE="${LO_E2E_REGISTRY_IMAGE:-$PFX-registry:debian}"
  if ! docker image inspect "$LOK8S_REGISTRY_IMAGE" >/dev/null 2>&1; then
    "$LO_SRC/tests/engine/registry-image" "$LOK8S_REGISTRY_IMAGE" >/dev/null
    export E2E_IMAGE_BUILT=1
  fi
  S="$(free_slot)"
  export S
}

teardown_file() {
  [ -z "${E2E_IMAGE_BUILT:-}" ] || docker image rm "$LOK8S_REGISTRY_IMAGE" >/dev/null 2>&1 || true
}

setup() {
  T="$(mktemp -d)"
  P="$T/project"
  mkdir -p "$P/clusters"
  export CAROOT="$T/ca" NO_COLOR=1 KUBECONFIG="$T/kubeconfig" LO_FAKE_STATE="$T/fake"
  export PATH="$LO_BIN:$PATH"
  unset DOMAIN_NAME PATH_CLUSTERS DOCKER_HOST
  printf 'nameserver 127.0.0.11\n' > "$T/resolv.conf"
  cd "$P"
}

teardown() {
  cd /
  [ -z "${API_PID:-}" ] || { kill "$API_PID" 2>/dev/null; wait "$API_PID" 2>/dev/null || true; }
  remove_docker_objects
  rm -rf "$T"
}

# Every container, volume and network whose name holds $PFX.
remove_docker_objects() {
  local ids
  ids="$(docker ps -aq --filter "name=$PFX")"
  [ -z "$ids" ] || docker rm --force --volumes $ids >/dev/null 2>&1 || true
  ids="$(docker volume ls -q --filter "name=$PFX")"
  [ -z "$ids" ] || docker volume rm $ids >/dev/null 2>&1 || true
  ids="$(docker network ls -q --filter "name=$PFX")"
  [ -z "$ids" ] || docker network rm $ids >/dev/null 2>&1 || true
}

# A slot S in 150..199 such that 10.125.S.0/24 .. 10.130.S.0/24 meet no Docker network.
free_slot() {
  docker network inspect $(docker network ls -q) --format '{{range .IPAM.Config}}{{.Subnet}} {{end}}' |
    python3 -c 'import ipaddress, sys
used = [ipaddress.ip_network(s, strict=False) for s in sys.stdin.read().split() if ":" not in s]
for s in range(150, 200):
    mine = [ipaddress.ip_network(f"10.{b}.{s}.0/24") for b in range(125, 131)]
    if not any(m.overlaps(u) for m in mine for u in used):
        print(s)
        break
else:
    sys.exit("no free 10.125-130.S.0/24 subnets for S in 150..199")'
}

# lo_spec DOMAIN NAME [spec lines]: a Lo spec, made the active domain.
lo_spec() {
  mkdir -p "$P/clusters/$1"
  printf 'apiVersion: cluster.lok8s.dev/v1beta1\nkind: Lo\nmetadata:\n  name: %s\nspec:\n  cluster:\n    domain: %s\n%s' \
    "$2" "$1" "${3:-}" > "$P/clusters/$1/cluster.lok8s.yaml"
  kubectl-lo use "$1" >/dev/null
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

# in_netns CONTAINER CMD...: CMD inside the container's network namespace.
in_netns() {
  local pid
  pid="$(docker inspect --format '{{.State.Pid}}' "$1")"
  shift
  as_root nsenter -t "$pid" -n -- "$@"
}

# in_netns_dns CONTAINER CMD...: the same, with Docker's DNS (127.0.0.11 in
# that namespace) as the resolver, through a private mount namespace.
in_netns_dns() {
  local pid
  pid="$(docker inspect --format '{{.State.Pid}}' "$1")"
  shift
  as_root nsenter -t "$pid" -n -- unshare -m -- sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$T/resolv.conf" "$@"
}

# inspect OBJECT TEMPLATE
inspect() { docker inspect --format "$2" "$1"; }

# upstream NAME NETWORK IP: a plain registry at IP, published on 127.0.0.1 only.
upstream() {
  docker run --detach --name "$1" --network "$2" --ip "$3" --publish 127.0.0.1::5000 "$LOK8S_REGISTRY_IMAGE" >/dev/null
  for _ in $(seq 50); do in_netns "$1" curl -fsS -o /dev/null "http://$3:5000/v2/" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}

# push_tiny CONTAINER: pushes a one-file image into the upstream registry
# CONTAINER through its port on 127.0.0.1; sets PUSHED_REF, PUSHED_DIGEST.
push_tiny() {
  local port
  port="$(docker port "$1" 5000/tcp | head -n 1 | sed 's/.*://')"
  mkdir -p "$T/img"
  echo "hello from lo's e2e suite ($PFX)" > "$T/img/hello.txt"
  PUSHED_REF="127.0.0.1:$port/$PFX/hello:v1"
  tar -C "$T/img" -c hello.txt | docker import - "$PUSHED_REF" >/dev/null
  PUSHED_DIGEST="$(docker push "$PUSHED_REF" | sed -n 's/.*digest: \(sha256:[0-9a-f]*\).*/\1/p')"
  docker image rm "$PUSHED_REF" >/dev/null
  [ -n "$PUSHED_DIGEST" ]
}

MANIFEST_V2='Accept: application/vnd.docker.distribution.manifest.v2+json'

@test "up on a slot domain: a mirror whose upstream cannot be reached fails up with its log line; then networks, containers, TLS and the pull-through mirror for real" {
  lo_spec "$S.lok8s.dev" "${PFX}s" "  registries:
    shared:
      network: {name: $PFX-sh, cidr: 10.126.$S.0/24}
    mirrors:
      - {name: $PFX-m, url: \"http://10.126.$S.50:5000\"}
"
  # 1. The mirror's upstream is not there: the registry panics at start, Docker restarts it.
  run lo-registry up
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"registry build (${PFX}s-registry-build): answering"* ]]
  [[ "$output" == *"registry cache (${PFX}s-registry-cache): answering"* ]]
  [[ "$output" == *"lo-registry: error: registry $PFX-m (lok8s-registry-$PFX-m) does not answer: "*"restarted "*" while lo waited; last lines of its log:"* ]]
  [[ "$output" == *"    panic: Get \"http://10.126.$S.50:5000/v2/\": dial tcp 10.126.$S.50:5000: "* ]]
  [[ "$output" == *"hint: a pull-through mirror stops at start when its upstream http://10.126.$S.50:5000 cannot be reached"* ]]
  [[ "$output" == *"lo-registry: error: 1 of 3 registries do not answer"* ]]
  [[ "$output" != *"goroutine"* ]]
  [[ "$output" != *"are up"* ]]
  # status: Docker's own state word and the restart count.
  run lo-registry status -o json
  [ "$status" -eq 0 ]
  [ "$(jq -r '.[] | select(.name == "build") | "\(.state) \(.health) \(.restarts)"' <<< "$output")" = "running healthy 0" ]
  mirror="$(jq -r ".[] | select(.name == \"$PFX-m\")" <<< "$output")"
  [ "$(jq -r .restarts <<< "$mirror")" -ge 1 ]
  [ "$(jq -r .health <<< "$mirror")" != healthy ]
  [[ "$(jq -r .state <<< "$mirror")" =~ ^(restarting|running)$ ]]
  run lo-registry status
  re="lok8s-registry-$PFX-m +(restarting|running) +(starting|unhealthy) +[1-9]"
  [[ "$output" =~ $re ]]

  # 2. The upstream appears (another registry on the shared network, with an image pushed
  # into it through its port on 127.0.0.1); up restarts the mirror at once and it answers.
  upstream "$PFX-up" "$PFX-sh" "10.126.$S.50"
  push_tiny "$PFX-up"
  run lo-registry up
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"restart registry $PFX-m (lok8s-registry-$PFX-m): Docker keeps restarting it"* ]]
  [[ "$output" == *"registries of $S.lok8s.dev are up and answering (3)"* ]]

  # 3. What Docker has, read back with docker inspect.
  [ "$(inspect "${PFX}s" '{{json .IPAM.Config}}')" = "[{\"Subnet\":\"10.125.$S.0/24\",\"IPRange\":\"10.125.$S.192/26\"}]" ]
  [ "$(inspect "${PFX}s" '{{index .Options "com.docker.network.bridge.name"}} {{index .Labels "lok8s.dev/domain"}}')" = "${PFX}s $S.lok8s.dev" ]
  [ -e "/sys/class/net/${PFX}s" ]
  [ "$(inspect "$PFX-sh" '{{json .IPAM.Config}} {{index .Labels "lok8s.registry"}}')" = "[{\"Subnet\":\"10.126.$S.0/24\",\"IPRange\":\"10.126.$S.192/26\"}] shared" ]
  b="${PFX}s-registry-build"
  [ "$(inspect "$b" "{{(index .NetworkSettings.Networks \"${PFX}s\").IPAddress}}")" = "10.125.$S.101" ]
  [ "$(inspect "${PFX}s-registry-cache" "{{(index .NetworkSettings.Networks \"${PFX}s\").IPAddress}}")" = "10.125.$S.102" ]
  [ "$(inspect "lok8s-registry-$PFX-m" "{{(index .NetworkSettings.Networks \"$PFX-sh\").IPAddress}}")" = "10.126.$S.2" ]
  [ "$(inspect "$b" '{{index .Config.Labels "lok8s.dev/registry"}} {{index .Config.Labels "lok8s.dev/role"}} {{index .Config.Labels "lok8s.dev/domain"}} {{.HostConfig.RestartPolicy.Name}} {{.Config.Image}}')" = \
    "build build $S.lok8s.dev always $LOK8S_REGISTRY_IMAGE" ]
  [ "$(inspect "lok8s-registry-$PFX-m" '{{json .Config.Labels}}' | jq -r '"\(.["lok8s.dev/shared"]) \(.["lok8s.dev/role"]) \(has("lok8s.dev/domain"))"')" = "true mirror false" ]
  inspect "$b" '{{range .Mounts}}{{.Type}} {{if .Name}}{{.Name}}{{else}}{{.Source}}{{end}} {{.Destination}} {{.RW}}{{"\n"}}{{end}}' > "$T/mounts"
  [ "$(grep -c . "$T/mounts")" -eq 3 ]
  grep -qx "volume $b /var/lib/registry true" "$T/mounts"
  grep -qx "bind $P/clusters/$S.lok8s.dev/.registry/build.yml /etc/docker/registry/config.yml false" "$T/mounts"
  grep -qx "bind $P/.secrets/tls/registries /etc/registry/certs false" "$T/mounts"
  [ "$(inspect "$b" '{{json .Config.Healthcheck.Test}}')" = '["CMD-SHELL","wget -q -O /dev/null --no-check-certificate https://localhost:443/v2/ || exit 1"]' ]
  [ "$(inspect "$b" '{{.State.Health.Status}}')" = healthy ]
  [ "$(docker volume inspect --format '{{index .Labels "lok8s.dev/registry"}}' "$b" "lok8s-registry-$PFX-m" | tr '\n' ' ')" = "build $PFX-m " ]

  # 4. TLS with lo's CA, from inside the build registry's own network namespace:
  # by address, by container name (Docker's DNS), and by registry name.
  run in_netns "$b" curl -sS -o /dev/null -w '%{http_code}' --cacert "$CAROOT/rootCA.pem" "https://10.125.$S.101/v2/"
  [ "$output" = 200 ]
  run in_netns_dns "$b" curl -sS -o /dev/null -w '%{http_code} %{remote_ip}' --cacert "$CAROOT/rootCA.pem" "https://$b/v2/"
  [ "$output" = "200 10.125.$S.101" ]
  run in_netns_dns "$b" curl -sS -o /dev/null -w '%{http_code} %{remote_ip}' --cacert "$CAROOT/rootCA.pem" \
    --connect-to "lok8s.cache:443:${PFX}s-registry-cache:443" https://lok8s.cache/v2/
  [ "$output" = "200 10.125.$S.102" ]
  # ... and a CA that is not lo's is refused, so the checks above can fail.
  run in_netns "$b" curl -sS -o /dev/null --cacert /etc/ssl/certs/ca-certificates.crt "https://10.125.$S.101/v2/"
  [ "$status" -eq 60 ]

  # 5. The pull-through mirror: the image pushed upstream, pulled through the mirror
  # from inside the shared network, the same digest and bytes.
  run in_netns_dns "$PFX-up" curl -sS --fail -D "$T/headers" -o "$T/manifest.json" -H "$MANIFEST_V2" \
    --cacert "$CAROOT/rootCA.pem" "https://lok8s-registry-$PFX-m/v2/$PFX/hello/manifests/v1"
  [ "$status" -eq 0 ]
  grep -qi "^docker-content-digest: $PUSHED_DIGEST" "$T/headers"
  layer="$(jq -r '.layers[0].digest' "$T/manifest.json")"
  in_netns "$PFX-up" curl -sS --fail -L -o "$T/layer" --cacert "$CAROOT/rootCA.pem" "https://10.126.$S.2/v2/$PFX/hello/blobs/$layer"
  [ "sha256:$(sha256sum < "$T/layer" | cut -d' ' -f1)" = "$layer" ]
  [ "$(tar -xzOf "$T/layer" hello.txt)" = "hello from lo's e2e suite ($PFX)" ]
  # The mirror kept it: with the upstream gone, it still serves manifest and layer.
  docker rm --force --volumes "$PFX-up" >/dev/null
  run in_netns "lok8s-registry-$PFX-m" curl -sS --fail -o /dev/null -w '%{http_code}' -H "$MANIFEST_V2" \
    --cacert "$CAROOT/rootCA.pem" "https://10.126.$S.2/v2/$PFX/hello/manifests/$PUSHED_DIGEST"
  [ "$output" = 200 ]
  in_netns "lok8s-registry-$PFX-m" curl -sS --fail -L -o "$T/layer2" --cacert "$CAROOT/rootCA.pem" "https://10.126.$S.2/v2/$PFX/hello/blobs/$layer"
  cmp "$T/layer" "$T/layer2"

  # 6. A second up recreates nothing.
  ids="$(docker ps -q --no-trunc --filter "name=$PFX" | sort)"
  run lo-registry up
  [ "$status" -eq 0 ]
  [[ "$output" != *"done:"* ]]
  [ "$(docker ps -q --no-trunc --filter "name=$PFX" | sort)" = "$ids" ]

  # 7. down keeps the shared mirror and every volume; --shared stops it; clean --shared
  # removes the volumes and the shared network (nothing else attached); the project network stays.
  run lo-registry down
  [ "$status" -eq 0 ]
  [ "$(docker ps -a --format '{{.Names}}' --filter "name=$PFX")" = "lok8s-registry-$PFX-m" ]
  [ "$(docker volume ls -q --filter "name=$PFX" | wc -l)" -eq 3 ]
  run lo-registry down --shared
  [ "$status" -eq 0 ]
  [ -z "$(docker ps -a -q --filter "name=$PFX")" ]
  run lo-registry clean --shared
  [ "$status" -eq 0 ]
  [[ "$output" == *"done: remove shared registry network $PFX-sh"* ]]
  [ -z "$(docker volume ls -q --filter "name=$PFX")" ]
  [ "$(docker network ls --format '{{.Name}}' --filter "name=$PFX")" = "${PFX}s" ]
}

@test "a plain-HTTP domain without shared mirrors: repairs alone what is deleted or stopped, recreates only a changed registry; down and clean" {
  d="plain.$PFX.example"
  spec() {
    lo_spec "$d" "${PFX}p" "  network: {name: ${PFX}p, cidr: 10.127.$S.0/24}
  registries:
    tls: false
    shared: {enabled: false}
    mirrors:
      - {name: $PFX-pm, url: \"$1\"}
"
  }
  spec "http://10.127.$S.60:5000"
  run lo-registry up   # the upstream is not there yet
  [ "$status" -eq 1 ]
  [[ "$output" == *"registry $PFX-pm (${PFX}p-registry-$PFX-pm) does not answer"* ]]
  upstream "$PFX-up2" "${PFX}p" "10.127.$S.60"
  push_tiny "$PFX-up2"
  run lo-registry up
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"registries of $d are up and answering (3)"* ]]
  b="${PFX}p-registry-build" c="${PFX}p-registry-cache" m="${PFX}p-registry-$PFX-pm"
  # Plain HTTP on :80, no certificate mounted, health asked over http.
  [ "$(inspect "$m" "{{(index .NetworkSettings.Networks \"${PFX}p\").IPAddress}} {{len .Mounts}}")" = "10.127.$S.103 2" ]
  [ "$(inspect "$b" '{{index .Config.Healthcheck.Test 1}}')" = "wget -q -O /dev/null http://localhost:80/v2/ || exit 1" ]
  run in_netns "$b" curl -sS -o /dev/null -w '%{http_code}' "http://10.127.$S.101/v2/"
  [ "$output" = 200 ]
  run in_netns "$b" curl -sS -o /dev/null "https://10.127.$S.101/v2/"
  [ "$status" -ne 0 ]
  # Pulled through the mirror, from inside the project network.
  run in_netns "$b" curl -sS --fail -D - -o /dev/null -H "$MANIFEST_V2" "http://10.127.$S.103/v2/$PFX/hello/manifests/v1"
  [ "$status" -eq 0 ]
  [[ "$output" == *"$PUSHED_DIGEST"* ]]

  cid() { docker inspect --format '{{.Id}}' "$1"; }
  # A second up recreates nothing.
  before="$(cid "$b") $(cid "$c") $(cid "$m")"
  run lo-registry up
  [ "$status" -eq 0 ]
  [[ "$output" != *"done:"* ]]
  [ "$(cid "$b") $(cid "$c") $(cid "$m")" = "$before" ]
  # A deleted container and a stopped one are repaired; the third is left alone.
  mirror_id="$(cid "$m")"
  docker rm --force "$c" >/dev/null
  docker stop "$b" >/dev/null
  run lo-registry up
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"done: remove container $b (it is exited)"* ]]
  [[ "$output" == *"done: start registry build at http://10.127.$S.101 ($b)"* ]]
  [[ "$output" == *"done: start registry cache at http://10.127.$S.102 ($c)"* ]]
  [[ "$output" != *"create volume"* ]]
  [ "$(cid "$m")" = "$mirror_id" ]
  [ "$(inspect "$b" '{{.State.Status}} {{.State.Health.Status}}') $(inspect "$c" '{{.State.Status}} {{.State.Health.Status}}')" = "running healthy running healthy" ]
  # A changed configuration (the upstream now named through Docker's DNS) recreates only that registry.
  build_id="$(cid "$b")" cache_id="$(cid "$c")"
  spec "http://$PFX-up2:5000"
  run lo-registry up
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"done: remove container $m (its configuration changed)"* ]]
  [ "$(cid "$b") $(cid "$c")" = "$build_id $cache_id" ]
  [ "$(cid "$m")" != "$mirror_id" ]
  grep -q "remoteurl: \"http://$PFX-up2:5000\"" "$P/clusters/$d/.registry/$PFX-pm.yml"
  run in_netns "$b" curl -sS --fail -o /dev/null -w '%{http_code}' -H "$MANIFEST_V2" "http://10.127.$S.103/v2/$PFX/hello/manifests/v1"
  [ "$output" = 200 ]
  # down: containers go, volumes and the network stay; clean: the volumes go too.
  docker rm --force --volumes "$PFX-up2" >/dev/null
  run lo-registry down
  [ "$status" -eq 0 ]
  [ -z "$(docker ps -aq --filter "name=${PFX}p-registry")" ]
  [ "$(docker volume ls -q --filter "name=${PFX}p-registry" | sort | tr '\n' ' ')" = "$b $c $m " ]
  run lo-registry clean
  [ "$status" -eq 0 ]
  [ -z "$(docker volume ls -q --filter "name=${PFX}p-registry")" ]
  [ "$(docker network ls --format '{{.Name}}' --filter "name=${PFX}p")" = "${PFX}p" ]
}

@test "lo-kind create with the real kind: the spec's network, a config kind accepts (only the node image pull fails); status and delete read kind's real output" {
  go_tool kind
  mkdir -p "$T/bin"
  ln -s "$GO_TOOL" "$T/bin/kind"
  export PATH="$T/bin:$PATH"
  d="kind.$PFX.example"
  lo_spec "$d" "${PFX}k" "  network: {name: ${PFX}k, cidr: 10.128.$S.0/24}
  nodes: {workers: 1, maxConcurrentDownloads: 7}
"
  run lo-kind create "$d"
  echo "$output"
  [ "$status" -eq 1 ]
  # kind read the config lo rendered, validated it, and stopped where it needs kindest/node.
  [[ "$output" == *"create kind cluster ${PFX}k failed (KIND_EXPERIMENTAL_DOCKER_NETWORK=${PFX}k kind create cluster --name ${PFX}k --config -, exit 1)"* ]]
  [[ "$output" == *"Creating cluster \"${PFX}k\" ..."* ]]
  [[ "$output" == *"ERROR: failed to create cluster: failed to pull image \"kindest/node:v1.32.2\""* ]]
  [ "$(grep -c 'ERROR:' <<< "$output")" -eq 1 ]
  [[ "$output" != *"invalid"* ]]
  [[ "$output" != *"unknown field"* ]]
  # The network lo made before kind ran: the spec's subnet and bridge name.
  [ "$(inspect "${PFX}k" '{{json .IPAM.Config}}')" = "[{\"Subnet\":\"10.128.$S.0/24\",\"IPRange\":\"10.128.$S.192/26\"}]" ]
  [ "$(inspect "${PFX}k" '{{index .Options "com.docker.network.bridge.name"}} {{index .Labels "lok8s.dev/network"}}')" = "${PFX}k project" ]
  [ -e "/sys/class/net/${PFX}k" ]
  [ -f "$P/clusters/$d/.containerd/certs.d/lok8s.local/hosts.toml" ]
  # kind left nothing behind, and says so.
  run kind get clusters
  [[ "$output" != *"${PFX}k"* ]]
  run lo-kind status "$d"
  [ "$status" -eq 0 ]
  [ "$output" = NotFound ]
  run lo-kind delete "$d"
  [ "$status" -eq 0 ]
  [[ "$output" == *"kind cluster ${PFX}k does not exist; nothing to delete"* ]]
  # A cluster's nodes as kind finds them (its labels): kind reports it, and deletes it.
  docker run --detach --name "${PFX}k-control-plane" --network "${PFX}k" --label "io.x-k8s.kind.cluster=${PFX}k" \
    --label io.x-k8s.kind.role=control-plane --entrypoint /bin/sleep "$LOK8S_REGISTRY_IMAGE" 600 >/dev/null
  run lo-kind status "$d"
  [ "$output" = Running ]
  run lo-kind delete "$d"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"done: delete kind cluster ${PFX}k"* ]]
  [ -z "$(docker ps -aq --filter "label=io.x-k8s.kind.cluster=${PFX}k")" ]
  run lo-kind status "$d"
  [ "$output" = NotFound ]
}

@test "kubectl lo provision and destroy on the real engine (kind's nodes from the fake, kind's get and delete real)" {
  go_tool kind
  export LO_REAL_KIND="$GO_TOOL" LO_FAKE_NODE_IMAGE="$LOK8S_REGISTRY_IMAGE"
  export PATH="$LO_SRC/tests/fakes/engine:$PATH"
  mkdir -p "$T/api"
  "$LO_BIN/../tests/lo-test-apiserver" --dir "$T/api" > "$T/api.log" 2>&1 3>&- &
  API_PID=$!
  for _ in $(seq 200); do [ -s "$T/api/url" ] && break; sleep 0.05; done
  export LO_FAKE_KUBECONFIG="$T/api/kubeconfig-cert.yaml"
  # The shared registry network and a mirror's upstream are already there (another project's).
  docker network create --subnet "10.130.$S.0/24" --ip-range "10.130.$S.192/26" "$PFX-sh4" >/dev/null
  upstream "$PFX-up4" "$PFX-sh4" "10.130.$S.50"
  d="kube.$PFX.example"
  lo_spec "$d" "${PFX}c" "  network: {name: ${PFX}c, cidr: 10.129.$S.0/24}
  nodes: {workers: 1}
  bootstrap: []
  registries:
    shared: {network: {name: $PFX-sh4, cidr: 10.130.$S.0/24}}
    mirrors:
      - {name: $PFX-cm, url: \"http://10.130.$S.50:5000\"}
"
  # (bootstrap: [] above: bootstrap.bats tests spec.bootstrap; cilium's chart cannot be fetched here)
  run kubectl-lo provision "$d"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"docker network $PFX-sh4 (10.130.$S.0/24) exists: reused"* ]]
  [[ "$output" == *"registries of $d are up and answering (3)"* ]]
  [[ "$output" == *"done: create kind cluster ${PFX}c"* ]]
  # The nodes: real containers on the project network, joined to the shared one, clear of the registries.
  [ "$(docker ps --filter "label=io.x-k8s.kind.cluster=${PFX}c" --format '{{.Names}}' | sort | tr '\n' ' ')" = "${PFX}c-control-plane ${PFX}c-worker " ]
  for n in "${PFX}c-control-plane" "${PFX}c-worker"; do
    [[ "$(inspect "$n" "{{(index .NetworkSettings.Networks \"${PFX}c\").IPAddress}}")" == "10.129.$S."* ]]
    ip="$(inspect "$n" "{{(index .NetworkSettings.Networks \"$PFX-sh4\").IPAddress}}")"
    [ "${ip%.*}" = "10.130.$S" ]
    [ "${ip##*.}" -ge 192 ]
    [ "$(inspect "$n" '{{range .Mounts}}{{if eq .Destination "/etc/containerd/certs.d"}}{{.Source}} {{.RW}}{{end}}{{end}}')" = "$P/clusters/$d/.containerd/certs.d false" ]
  done
  [ "$(stat -c %a "$P/.kubeconfig/${PFX}c.yaml")" = 600 ]
  # The kind config lo handed over, as the node fake received it.
  grep -q "max_concurrent_downloads = 3" "$LO_FAKE_STATE/kind-${PFX}c.yaml"
  # The cluster objects went to the API server of the kubeconfig kind gave.
  run kubectl --kubeconfig "$T/api/kubeconfig-cert.yaml" get configmap -n kube-system lok8s-registries \
    -o "jsonpath={.data.build\.ip} {.data.$PFX-cm\.ip} {.data.$PFX-cm\.shared}"
  [ "$output" = "10.129.$S.101 10.130.$S.2 true" ]
  run kubectl-lo status "$d"
  [ "$output" = Running ]
  # Again: nothing changes.
  run kubectl-lo provision "$d"
  [ "$status" -eq 0 ]
  [[ "$output" != *"done:"* ]]
  # destroy: kind (for real) removes the nodes, lo the project registries; the shared mirror stays.
  run kubectl-lo destroy "$d"
  echo "$output"
  [ "$status" -eq 0 ]
  [ -z "$(docker ps -aq --filter "label=io.x-k8s.kind.cluster=${PFX}c")" ]
  [ -z "$(docker ps -aq --filter "name=${PFX}c-registry")" ]
  [ "$(inspect "lok8s-registry-$PFX-cm" '{{.State.Status}}')" = running ]
  run kubectl-lo status "$d"
  [ "$output" = NotFound ]
}
