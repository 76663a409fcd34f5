#!/usr/bin/env bats
# lo's log (lo/log.hpp, spdlog) seen from outside: --log-format=json lines
# from the parallel workers of a build, -v levels, the text format of errors.

bats_require_minimum_version 1.5.0

setup() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  : "${LO_FIXTURES:?LO_FIXTURES must point at tests/fixtures}"
  command -v kubectl >/dev/null || skip "kubectl is needed for kubectl kustomize"
  T="$(mktemp -d)"
  P="$T/project"
  cp -r "$LO_FIXTURES/build/project" "$P"
  cd "$P"
  unset DOMAIN_NAME PATH_CLUSTERS LOK8S_KUSTOMIZE KUBECONFIG
  export NO_COLOR=1 LC_ALL=C HOME="$T/home"
}

teardown() {
  cd /
  rm -rf "$T"
}

# Checks that every line of FILE is one JSON object with time, level, binary
# and message, and prints "level target" per line.
json_lines() {
  python3 - "$1" <<'PY'
import json, re, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", o["time"]), o
    assert o["binary"] == "kubectl-lo-build", o
    assert o["level"] in ("trace", "debug", "info", "warn", "error"), o
    assert isinstance(o["message"], str) and "\033" not in o["message"], o
    print(o["level"], o.get("target", "-"), o.get("domain", "-"))
PY
}

@test "--log-format=json: every line of a parallel build is one JSON object with its target" {
  run --separate-stderr "$LO_BIN/kubectl-lo-build" -j 2 --force --log-format=json -v=2
  [ "$status" -eq 0 ]
  printf '%s\n' "$stderr" > "$T/log"
  run json_lines "$T/log"
  echo "$output"
  [ "$status" -eq 0 ]
  for t in collide networking platform web; do
    [[ "$output" == *"info $t lok8s.dev"* ]]
  done
  # The summary names the domain.
  grep -q '"message":"lok8s.dev: 4 built, 0 unchanged (4 targets)' "$T/log"
}

@test "--log-format=json carries an error's file, field and hint; text keeps lo's error format" {
  printf 'apiVersion: cluster.lok8s.dev/v1beta1\nkind: Lo\nmetadata:\n  name: local\nspec:\n  nodes: 3\n' \
    > clusters/lok8s.dev/cluster.lok8s.yaml
  run --separate-stderr "$LO_BIN/kubectl-lo-build" --log-format=json
  [ "$status" -eq 1 ]
  python3 - "$stderr" <<'PY'
import json, sys
errors = [json.loads(l) for l in sys.argv[1].splitlines()]
e = [o for o in errors if o["level"] == "error"][0]
assert e["file"] == "clusters/lok8s.dev/cluster.lok8s.yaml", e
assert e["field"] == "spec.nodes" and e["line"] == 6, e
assert e["binary"] == "kubectl-lo-build"
PY
  run "$LO_BIN/kubectl-lo-build"
  [ "$status" -eq 1 ]
  [[ "$output" == "kubectl lo build: error: clusters/lok8s.dev/cluster.lok8s.yaml:6:"*": spec.nodes: "* ]]
}

@test "-v levels: 0 results, 1 details, 2 debug" {
  run --separate-stderr "$LO_BIN/kubectl-lo-build" web
  [ "$status" -eq 0 ]
  [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 2 ]   # the target, the summary
  run --separate-stderr "$LO_BIN/kubectl-lo-build" web --force -v=1 --log-format=json
  [[ "$stderr" == *'"level":"info"'* ]]
  [[ "$stderr" != *'"level":"debug"'* ]]
  # -v=2: the kustomize command of each target.
  run --separate-stderr "$LO_BIN/kubectl-lo-build" web --force -v=2 --log-format=json
  [[ "$stderr" == *'"level":"debug","binary":"kubectl-lo-build","message":"running '*'/targets/web","target":"web"}'* ]]
}

@test "the binaries carry Boost.ProgramOptions and spdlog, linked in, and need no libspdlog or libfmt" {
  command -v nm >/dev/null || skip "nm (binutils) is needed"
  for b in kubectl-lo kubectl-lo-build kubectl-lo-deploy lo-kind lo-registry; do
    run -0 nm -C "$LO_BIN/$b"
    [[ "$output" == *"boost::program_options::"* ]] || { echo "$b: no Boost.ProgramOptions symbols"; false; }
    [[ "$output" == *"spdlog::"* ]] || { echo "$b: no spdlog symbols"; false; }
    run -0 ldd "$LO_BIN/$b"
    [[ "$output" != *libspdlog* && "$output" != *libfmt* && "$output" != *libboost* ]] || { echo "$b: $output"; false; }
  done
}
