#!/usr/bin/env bats
# How lo reaches users: a build folder outside the source tree, an install
# prefix, the reproducible release archive (release/archive.sh), the krew
# manifest (krew/manifest.sh) checked by krew's own validator, and the archive
# installed by the real krew and run with only krew's bin folder and kubectl
# on PATH. Each runs `kubectl lo lint` on a copy of the shipped lok8s.dev domain.

bats_require_minimum_version 1.5.0
load lib/tools

setup() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  : "${LO_SRC:?LO_SRC must point at the source tree}"
  BUILD=$(cd "$LO_BIN/.." && pwd)
  VERSION=$(sed -n 's/^project(lo VERSION \([0-9.]*\).*/\1/p' "$LO_SRC/CMakeLists.txt")
  T="$(mktemp -d)"
  unset DOMAIN_NAME PATH_CLUSTERS LOK8S_HOME KUBECONFIG
  export NO_COLOR=1 HOME="$T/home"
  mkdir -p "$HOME"
  # a project that is a copy of the shipped domain, away from the checkout
  P="$T/project"
  mkdir -p "$P" && cp -r "$LO_SRC/clusters" "$P/"
  rm -rf "$P"/clusters/*/artifacts "$P/clusters/.active"
  # kubectl alone in a folder: "only kubectl on PATH"
  mkdir -p "$T/kubectl-only" && ln -s "$(command -v kubectl)" "$T/kubectl-only/kubectl"
}

teardown() {
  [ -z "${HTTP_PID:-}" ] || kill "$HTTP_PID" 2>/dev/null || true
  chmod -R u+w "$T" 2>/dev/null || true
  rm -rf "$T"
}

# lints_shipped_domain BIN_DIR [PATH]: kubectl lo lint on the copy, through kubectl.
lints_shipped_domain() {
  run env PATH="${2:-$1:$T/kubectl-only}" kubectl lo lint --root "$P"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"lok8s.dev (Lo)"*"ok"*"0 errors, 0 warnings"* ]]
}

# only_krew CMD...: CMD with krew's bin folder and kubectl alone on PATH.
only_krew() { PATH="$T/krew/bin:$T/kubectl-only" "$@"; }

# archive OUT: the release archive of this build into OUT; sets ARCHIVE.
archive() {
  run "$LO_SRC/release/archive.sh" "$BUILD" "$1"
  echo "$output"
  [ "$status" -eq 0 ]
  ARCHIVE="$1/lo-$VERSION-linux-amd64.tar.gz"
  [ "$output" = "$ARCHIVE" ]
}

@test "a build folder outside the source tree stages share/lo beside bin/; its binaries find it and lint the shipped domain" {
  # A real configure outside the checkout (`cmake -S lo -B /elsewhere`) and its
  # real staging rule (target lo-data). The binaries are this build's: the code
  # is the same wherever it is compiled, since nothing about the source tree is
  # compiled in (checked below), and compiling it all again would take a second
  # full build per test run.
  oot="$T/elsewhere"
  cmake -S "$LO_SRC" -B "$oot" -G Ninja -DLO_TESTS=OFF >/dev/null
  cmake --build "$oot" --target lo-data >/dev/null
  case "$oot/" in "$LO_SRC"/*) false ;; esac
  [ -L "$oot/share/lo/addons" ] && [ "$(readlink "$oot/share/lo/addons")" = "$LO_SRC/addons" ]
  [ -f "$oot/share/lo/tilt/lo/Tiltfile" ]
  mkdir -p "$oot/bin"
  for b in kubectl-lo kubectl-lo-build; do
    cp "$LO_BIN/$b" "$oot/bin/"
    # no path into the checkout's data is compiled in
    ! grep -qF -e "$LO_SRC/addons" -e "$LO_SRC/tilt" -e "$LO_SRC/clusters" "$oot/bin/$b"
  done
  run "$oot/bin/kubectl-lo" version -o json
  [[ "$output" == *"\"dir\": \"$oot/share/lo\""*"\"from\": \"build tree (linked to the source tree)\""*"\"found\": true"* ]]
  lints_shipped_domain "$oot/bin"
  run env PATH="$oot/bin:$T/kubectl-only" kubectl lo build --root "$P" lok8s.dev
  [ "$status" -eq 0 ]
  [ -f "$P/clusters/lok8s.dev/artifacts/kustomization.yaml" ]
  # the same binaries without the staged data: the error names where lo looked
  rm -rf "$oot/share"
  run env PATH="$oot/bin:$T/kubectl-only" kubectl lo lint --root "$P"
  [ "$status" -eq 1 ]
  [[ "$output" == *"$oot/share/lo/addons/cilium"* ]]
}

@test "an install prefix (cmake --install --prefix) lints the shipped domain with the prefix's bin alone on PATH" {
  cmake --install "$BUILD" --prefix "$T/prefix" >/dev/null
  for b in kubectl-lo kubectl-lo-build kubectl-lo-deploy lo-kind lo-registry; do [ -x "$T/prefix/bin/$b" ]; done
  [ -f "$T/prefix/share/lo/addons/cilium/chart.yaml" ] && [ -f "$T/prefix/share/lo/tilt/lo/Tiltfile" ]
  lints_shipped_domain "$T/prefix/bin"
  # moved elsewhere, it still works: nothing of the prefix is compiled in
  mv "$T/prefix" "$T/moved"
  lints_shipped_domain "$T/moved/bin"
  run env PATH="$T/moved/bin:$T/kubectl-only" kubectl lo version -o json
  [[ "$output" == *"\"dir\": \"$T/moved/share/lo\""*"\"from\": \"install prefix\""* ]]
}

@test "the release archive: bin/, share/lo/, LICENSE, README.md; sorted, owned by 0, fixed mtimes, the same bytes twice, with its sha256" {
  archive "$T/one"
  first=$ARCHIVE
  touch "$LO_BIN/kubectl-lo-build"   # a newer mtime on a binary must not change the archive
  sleep 1
  archive "$T/two"
  cmp "$first" "$ARCHIVE"
  cmp "$first.sha256" "$ARCHIVE.sha256"
  (cd "$T/two" && sha256sum -c "lo-$VERSION-linux-amd64.tar.gz.sha256")
  # gzip stores no name and no time (bytes 4-7 of the header are the mtime)
  [ "$(od -An -tx1 -j3 -N5 "$first" | tr -d ' \n')" = "0000000000" ]
  # the entries: sorted by name, every one 0/0 with one mtime
  tar -tzf "$first" > "$T/names"
  LC_ALL=C sort -c "$T/names"
  [ "$(tar --numeric-owner -tvzf "$first" | awk '{print $2}' | sort -u)" = "0/0" ]
  [ "$(tar --full-time -tvzf "$first" | awk '{print $4" "$5}' | sort -u | wc -l)" -eq 1 ]
  for f in bin/kubectl-lo bin/kubectl-lo-build bin/kubectl-lo-deploy bin/lo-kind bin/lo-registry \
           share/lo/addons/cilium/chart.yaml share/lo/tilt/lo/Tiltfile LICENSE README.md; do
    grep -qx "lo-$VERSION/$f" "$T/names"
  done
  ! grep -v "^lo-$VERSION/" "$T/names"
  # unpacked anywhere, it is an install prefix that lints the shipped domain
  mkdir "$T/unpacked" && tar -C "$T/unpacked" -xzf "$first"
  lints_shipped_domain "$T/unpacked/lo-$VERSION/bin"
}

@test "the release archive in a clean folder: every library its binaries need is found, and README lists the shared ones" {
  archive "$T/dist"
  mkdir "$T/clean" && tar -C "$T/clean" -xzf "$ARCHIVE"
  for b in "$T/clean/lo-$VERSION"/bin/*; do
    run ldd "$b"
    [ "$status" -eq 0 ]
    [[ "$output" != *"not found"* ]]
    # everything a binary needs comes from the system, never from the build or source tree
    [[ "$output" != *"$BUILD"* && "$output" != *"$LO_SRC"* ]]
  done
  # README's list of what stays dynamic in a release build names every library
  # a LO_PORTABLE build needs (this build's own list when it is one)
  if grep -q '^LO_PORTABLE:BOOL=ON' "$BUILD/CMakeCache.txt"; then
    for lib in $(objdump -p "$T/clean/lo-$VERSION"/bin/* | awk '/NEEDED/ {print $2}' | sort -u); do
      grep -q "\`$lib\`" "$LO_SRC/README.md" || { echo "README does not list $lib"; false; }
    done
  fi
}

@test "krew/manifest.sh: four platforms from the archives' checksums; krew's validator installs each" {
  go_tool validate-krew-manifest
  validator=$GO_TOOL
  require_tool krew
  archive "$T/dist"
  # Only linux/amd64 can be built here: the same bytes stand in for the other
  # three platforms, so the validator has an archive to install for each.
  for p in linux-arm64 darwin-amd64 darwin-arm64; do
    cp "$ARCHIVE" "$T/dist/lo-$VERSION-$p.tar.gz"
    (cd "$T/dist" && sha256sum "lo-$VERSION-$p.tar.gz" > "lo-$VERSION-$p.tar.gz.sha256")
  done
  # served on 127.0.0.1, where the validator's krew downloads each platform's uri
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  python3 -m http.server --bind 127.0.0.1 --directory "$T/dist" "$port" >/dev/null 2>&1 &
  HTTP_PID=$!
  run "$LO_SRC/krew/manifest.sh" "$T/dist" "http://127.0.0.1:$port"
  [ "$status" -eq 0 ]
  [ "$output" = "$T/dist/lo.yaml" ]
  sha=$(cut -d' ' -f1 "$ARCHIVE.sha256")
  python3 - "$T/dist/lo.yaml" "$VERSION" "$port" "$sha" <<'PY'
import sys, yaml
m = yaml.safe_load(open(sys.argv[1]))
version, port, sha = sys.argv[2], sys.argv[3], sys.argv[4]
s = m["spec"]
assert m["apiVersion"] == "krew.googlecontainertools.github.com/v1alpha2" and m["kind"] == "Plugin", m
assert m["metadata"]["name"] == "lo" and s["version"] == "v" + version, m
assert "Docker" in s["caveats"] and "kind" in s["caveats"], s["caveats"]
got = [(p["selector"]["matchLabels"]["os"], p["selector"]["matchLabels"]["arch"]) for p in s["platforms"]]
assert got == [("linux", "amd64"), ("linux", "arm64"), ("darwin", "amd64"), ("darwin", "arm64")], got
for p in s["platforms"]:
    os_, arch = p["selector"]["matchLabels"]["os"], p["selector"]["matchLabels"]["arch"]
    assert p["uri"] == f"http://127.0.0.1:{port}/lo-{version}-{os_}-{arch}.tar.gz", p
    assert p["sha256"] == sha and p["bin"] == "kubectl-lo", p
    assert {"from": "lo-*/bin/*", "to": "."} in p["files"] and {"from": "lo-*/share", "to": "."} in p["files"], p
PY
  for i in 1 2 3 4 5 6 7 8 9 10; do curl -fsS -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.3; done
  # the validator runs `kubectl krew install` for each platform: krew as a kubectl plugin
  mkdir -p "$T/krew-plugin" && ln -s "$GO_TOOL" "$T/krew-plugin/kubectl-krew"
  run env KREW_ROOT="$T/validator-krew" PATH="$T/krew-plugin:$PATH" "$validator" -manifest "$T/dist/lo.yaml"
  echo "$output"
  [ "$status" -eq 0 ]
  # each platform was installed by krew (KREW_OS/KREW_ARCH set to it), LICENSE extracted
  for i in 0 1 2 3; do [[ "$output" == *"installed  spec.platforms[$i]"* ]]; done
  [[ "$output" == *"all 4 spec.platforms installed fine"* ]]
}

@test "krew/manifest.sh: a missing archive, a checksum that does not match, an unknown platform" {
  archive "$T/dist"
  run "$LO_SRC/krew/manifest.sh" "$T/dist"
  [ "$status" -eq 1 ]
  [[ "$output" == *"no release archive for linux/arm64 ($T/dist/lo-$VERSION-linux-arm64.tar.gz.sha256)"* ]]
  [[ "$output" == *"darwin/arm64"* && "$output" != *"for linux/amd64"* ]]
  [ ! -e "$T/dist/lo.yaml" ]
  run "$LO_SRC/krew/manifest.sh" "$T/dist" https://example.invalid/v1 linux/amd64
  [ "$status" -eq 0 ]
  grep -q "uri: https://example.invalid/v1/lo-$VERSION-linux-amd64.tar.gz" "$T/dist/lo.yaml"
  printf 'x' >> "$ARCHIVE"
  run "$LO_SRC/krew/manifest.sh" "$T/dist" https://example.invalid/v1 linux/amd64
  [ "$status" -eq 1 ]
  [[ "$output" == *"lo-$VERSION-linux-amd64.tar.gz does not match lo-$VERSION-linux-amd64.tar.gz.sha256"* ]]
  run "$LO_SRC/krew/manifest.sh" "$T/dist" https://example.invalid/v1 windows/amd64
  [ "$status" -eq 2 ]
  [[ "$output" == *"unknown platform 'windows/amd64'"* ]]
}

@test "installed by the real krew: with only krew's bin and kubectl on PATH, kubectl lo version, lint, build, deploy --help, kind config, registry plan" {
  require_tool krew
  archive "$T/dist"
  "$LO_SRC/krew/manifest.sh" "$T/dist" https://example.invalid/lo linux/amd64 >/dev/null
  KREW_ROOT="$T/krew" krew install --manifest="$T/dist/lo.yaml" --archive="$ARCHIVE"
  [ -L "$T/krew/bin/kubectl-lo" ]
  [ "$(ls "$T/krew/bin")" = kubectl-lo ]
  store="$T/krew/store/lo/v$VERSION"
  for b in kubectl-lo-build kubectl-lo-deploy lo-kind lo-registry; do [ -x "$store/$b" ]; done
  [ -f "$store/LICENSE" ] && [ -f "$store/share/lo/addons/cilium/chart.yaml" ]
  cd "$P"
  run only_krew kubectl lo version -o json
  [ "$status" -eq 0 ]
  [[ "$output" == *"\"dir\": \"$store/share/lo\""*"\"from\": \"krew (share/lo beside the binary)\""* ]]
  run only_krew kubectl lo version
  [ "$status" -eq 0 ] && [[ "$output" == *"$VERSION"* ]]
  lints_shipped_domain "$T/krew/bin"
  # kubectl finds no kubectl-lo-build on PATH, runs `kubectl-lo build`, which runs its sibling from the store
  run only_krew kubectl lo build lok8s.dev
  echo "$output"
  [ "$status" -eq 0 ]
  [ -f "$P/clusters/lok8s.dev/artifacts/kustomization.yaml" ]
  run only_krew kubectl lo deploy --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"kubectl lo deploy"* ]]
  run only_krew kubectl lo kind config lok8s.dev
  [ "$status" -eq 0 ]
  [[ "$output" == *"kind: Cluster"*"apiVersion: kind.x-k8s.io/v1alpha4"* || "$output" == *"apiVersion: kind.x-k8s.io/v1alpha4"*"kind: Cluster"* ]]
  run only_krew kubectl lo registry plan lok8s.dev
  [ "$status" -eq 0 ]
  [[ "$output" == *"10.125.125.101"* && "$output" == *"io-docker"* ]]
}

@test "installed by the real krew: kubectl completes 'kubectl lo <TAB>' through kubectl_complete-lo, linked as README says" {
  require_tool krew
  archive "$T/dist"
  "$LO_SRC/krew/manifest.sh" "$T/dist" https://example.invalid/lo linux/amd64 >/dev/null
  KREW_ROOT="$T/krew" krew install --manifest="$T/dist/lo.yaml" --archive="$ARCHIVE" >/dev/null 2>&1
  store="$T/krew/store/lo/v$VERSION"
  [ -x "$store/kubectl_complete-lo" ]
  # krew links only kubectl-lo (krew#812); README's line links the helpers
  ln -s "$store"/kubectl_complete-lo* "$T/krew/bin/"
  cd "$P"
  run only_krew kubectl __complete lo ""
  echo "$output"
  [ "$status" -eq 0 ]
  # each command a line of its own, with its summary after a tab
  for c in build deploy diff lint kind registry capi kubeone version; do grep -q "^$c"$'\t' <<<"$output" || { echo "no $c"; false; }; done
  run only_krew kubectl __complete lo lint ""
  [ "$status" -eq 0 ]
  grep -qx "lok8s.dev" <<<"$output" || grep -q "^lok8s.dev"$'\t' <<<"$output"
}
