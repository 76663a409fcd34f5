#!/usr/bin/env bats
# `kubectl lo capi render`: the Cluster API resources of Capi domains against
# golden files (tests/fixtures/capi/golden/), every object strictly decoded
# into the upstream Go API types by tests/tools/capi-check, a provider added
# by dropping a folder into the project, and the restricted substitution.

load lib/tools
bats_require_minimum_version 1.5.0

setup() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  : "${LO_FIXTURES:?LO_FIXTURES must point at tests/fixtures}"
  LO="$LO_BIN/kubectl-lo"
  T="$(mktemp -d)"
  P="$T/project"
  cp -r "$LO_FIXTURES/capi/project" "$P"
  export NO_COLOR=1
  unset DOMAIN_NAME
}

teardown() { rm -rf "$T"; }

render() { "$LO" capi render --root "$P" "$@"; }

@test "hetzner: two pools (one hyphenated), HA control plane, placement groups match the golden file" {
  run --separate-stderr render prod.example.com
  [ "$status" -eq 0 ] || { echo "$stderr"; false; }
  diff -u "$LO_FIXTURES/capi/golden/prod.example.com.yaml" <(printf '%s\n' "$output")
}

@test "hrobot: bare-metal workers and one host per spec.hrobot.hosts item match the golden file" {
  run --separate-stderr render robot.example.com
  [ "$status" -eq 0 ] || { echo "$stderr"; false; }
  diff -u "$LO_FIXTURES/capi/golden/robot.example.com.yaml" <(printf '%s\n' "$output")
}

@test "aws matches the golden file" {
  run --separate-stderr render aws.example.com
  [ "$status" -eq 0 ] || { echo "$stderr"; false; }
  diff -u "$LO_FIXTURES/capi/golden/aws.example.com.yaml" <(printf '%s\n' "$output")
}

@test "every rendered object decodes strictly into the upstream API types" {
  go_tool capi-check
  for d in prod robot aws; do
    render "$d.example.com" > "$T/$d.yaml"
    run "$GO_TOOL" "$T/$d.yaml"
    echo "$output"
    [ "$status" -eq 0 ]
  done
  # Cluster, HetznerCluster, KCP + its template, 3 objects for each of the 2 pools
  run "$GO_TOOL" "$T/prod.yaml"
  [ "$(grep -c '^ok ' <<<"$output")" -eq 10 ]
}

@test "the checker refuses an unknown field (so the decode above can fail)" {
  go_tool capi-check
  render aws.example.com | sed 's/^  region: eu-central-1$/  regio: eu-central-1/' > "$T/bad.yaml"
  run "$GO_TOOL" "$T/bad.yaml"
  [ "$status" -eq 1 ]
  [[ "$output" == *'AWSCluster/shop'*'unknown field "regio"'* ]]
  render prod.example.com | sed 's/placementGroupName: workers/placementGroup: workers/' > "$T/bad.yaml"
  run "$GO_TOOL" "$T/bad.yaml"
  [ "$status" -eq 1 ]
  [[ "$output" == *'unknown field "placementGroup"'* ]]
}

@test "a provider dropped into .lok8s/drivers/capi/providers renders without rebuilding lo" {
  run --separate-stderr render drop.example.com
  [ "$status" -eq 0 ] || { echo "$stderr"; false; }
  diff -u "$LO_FIXTURES/capi/golden/drop.example.com.yaml" <(printf '%s\n' "$output")
  # The folder is read at run time: a change shows at once.
  sed -i 's|"${NODE_IMAGE}|"mirror.local/${NODE_IMAGE}|' "$P/.lok8s/drivers/capi/providers/docker-test/pool-template.yaml"
  run render drop.example.com
  [[ "$output" == *'customImage: mirror.local/kindest/node:v1.31.10'* ]]
}

@test "only lo's names are substituted: shell variables of cloud-init survive" {
  run render prod.example.com
  [[ "$output" == *'VER="v1.31.10"; MINOR="${VER%.*}"'* ]]
  [[ "$output" == *'"kubeadm=${VER#v}-*"'* ]]
  [[ "$output" == *'/stable:/$MINOR/deb/'* ]]
  [[ "$output" != *'${CLUSTER_NAME}'* ]]
}

@test "a pool variable in a cluster template is an error naming the template" {
  printf '  labels:\n    pool: "${POOL_NAME}"\n' >> "$P/.lok8s/drivers/capi/providers/docker-test/docker-cluster.yaml"
  sed -i 's/^spec: {}$//' "$P/.lok8s/drivers/capi/providers/docker-test/docker-cluster.yaml"
  run render drop.example.com
  [ "$status" -eq 1 ]
  [[ "$output" == *'docker-cluster.yaml'*'uses ${POOL_NAME}, which has no value here'* ]]
}

@test "provider detection: spec.hcloud picks hetzner, an unknown provider name lists the providers" {
  run render prod.example.com
  [[ "$output" == *'kind: HetznerCluster'* ]]
  sed -i 's/name: docker-test/name: openstack/' "$P/clusters/drop.example.com/cluster.lok8s.yaml"
  run render drop.example.com
  [ "$status" -eq 1 ]
  [[ "$output" == *"spec.provider.name: no Cluster API provider 'openstack'"* ]]
  [[ "$output" == *'providers: aws, docker-test, hetzner'* ]]
}

@test "a missing required spec field is named before anything is rendered" {
  sed -i '/sshKeyName: ops-key/d' "$P/clusters/prod.example.com/cluster.lok8s.yaml"
  run render prod.example.com
  [ "$status" -eq 1 ]
  [[ "$output" == *'spec.provider.config.sshKeyName: is required by Cluster API provider hetzner (for HCLOUD_SSH_KEY_NAME)'* ]]
  [[ "$output" == *'spec.hcloud.sshKeyName'* ]]
}

@test "a value that would break out of its YAML quotes is refused" {
  sed -i 's/region: nbg1/region: "nbg1\\"x"/' "$P/clusters/prod.example.com/cluster.lok8s.yaml"
  run render prod.example.com
  [ "$status" -eq 1 ]
  [[ "$output" == *'contains a quote'* ]]
}

@test "render refuses a domain of another kind, and a missing subcommand is a usage error" {
  run render mgmt.example.com
  [ "$status" -eq 2 ]
  [[ "$output" == *'is of kind Lo, not Capi'* ]]
  run "$LO" capi
  [ "$status" -eq 2 ]
}
