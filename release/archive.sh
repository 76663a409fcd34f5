#!/usr/bin/env bash
# The release archive of lo for one platform, from a built build folder:
#   release/archive.sh BUILD_DIR OUT_DIR
# writes OUT_DIR/lo-<version>-<os>-<arch>.tar.gz and its .sha256 (sha256sum -c
# format) and prints the archive's path. The archive holds lo-<version>/ with
# bin/ (the binaries, stripped, as `cmake --install` lays them out), share/lo/
# (addons, the Tilt extension), LICENSE and README.md: unpacked anywhere it is
# an install prefix, and krew/lo.yaml's `files` take bin/* and share/ from it.
#
# Reproducible: the same build gives the same bytes. Entries are sorted by
# name, owned by 0:0, with modes a+rX,u+w,go-w and the mtime SOURCE_DATE_EPOCH
# (default: the time of the source's last commit), gzip stores no name or time.
# <os>/<arch> are krew's names for this machine (uname); LO_OS/LO_ARCH override.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: release/archive.sh BUILD_DIR OUT_DIR" >&2
  exit 2
fi
src=$(cd "$(dirname "$0")/.." && pwd)
build=$1
out=$2
if [ ! -f "$build/CMakeCache.txt" ] || [ ! -x "$build/bin/kubectl-lo" ]; then
  echo "release/archive.sh: $build is not a built lo build folder (no CMakeCache.txt or bin/kubectl-lo); build it first: cmake --build $build" >&2
  exit 1
fi
version=$(sed -n 's/^project(lo VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
os=${LO_OS:-$(uname -s | tr '[:upper:]' '[:lower:]')}
case "${LO_ARCH:-$(uname -m)}" in
  x86_64|amd64) arch=amd64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) echo "release/archive.sh: unsupported machine $(uname -m) (krew platforms: amd64, arm64)" >&2; exit 1 ;;
esac
case "$os" in linux|darwin) ;; *) echo "release/archive.sh: unsupported OS $os (linux, darwin)" >&2; exit 1 ;; esac
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$src" log -1 --format=%ct 2>/dev/null || echo 0)}

mkdir -p "$out"
out=$(cd "$out" && pwd)
name="lo-$version-$os-$arch"
stage=$(mktemp -d "$out/.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
root="$stage/lo-$version"
cmake --install "$build" --prefix "$root" --strip >/dev/null
install -m 0644 "$src/LICENSE" "$src/README.md" "$root/"

# Written beside, then renamed: a failed run leaves no half archive.
tar -C "$stage" --sort=name --format=gnu --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
    --mode='a+rX,u+w,go-w' -cf - "lo-$version" | gzip -9 -n > "$stage/$name.tar.gz"
(cd "$stage" && sha256sum "$name.tar.gz") > "$stage/$name.tar.gz.sha256"
mv -f "$stage/$name.tar.gz" "$out/$name.tar.gz"
mv -f "$stage/$name.tar.gz.sha256" "$out/$name.tar.gz.sha256"
echo "$out/$name.tar.gz"
