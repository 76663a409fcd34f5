#!/usr/bin/env bash
# The release of lo for this machine's platform, in one command:
#   krew/package.sh [OUT_DIR] [BASE_URI]
# builds a Release with LO_PORTABLE=ON (C++ runtime and yaml-cpp linked in) in
# build-release/, writes OUT_DIR/lo-<version>-<os>-<arch>.tar.gz and .sha256
# (release/archive.sh: reproducible), and OUT_DIR/lo.yaml for the archives in
# OUT_DIR (krew/manifest.sh). A release builds each platform's archive on that
# platform into one OUT_DIR, then runs krew/manifest.sh OUT_DIR for all four.
# Test locally with: kubectl krew install --manifest=OUT/lo.yaml --archive=OUT/lo-*.tar.gz
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-dist}"
version=$(sed -n 's/^project(lo VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
base="${2:-https://github.com/kernpilot/lok8s/releases/download/v$version}"
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DLO_TESTS=OFF -DLO_PORTABLE=ON >/dev/null
cmake --build build-release >/dev/null
archive=$(release/archive.sh build-release "$out")
os_arch=${archive%.tar.gz}
os_arch=${os_arch##*/lo-"$version"-}
echo "$archive"
krew/manifest.sh "$out" "$base" "${os_arch/-//}"
