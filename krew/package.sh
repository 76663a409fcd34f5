#!/usr/bin/env bash
# Builds a release archive for krew and renders krew/lo.yaml for it.
#   krew/package.sh [OUT_DIR] [BASE_URI]
# The archive holds the five binaries, the kubectl_complete-* helpers,
# share/lo/addons/, share/lo/tilt/ and LICENSE under lo-<version>/: krew
# installs the files into one folder and links only kubectl-lo into its bin/,
# and lo finds its data in share/lo/ beside its resolved path
# (common/include/lo/data_home.hpp).
# Test locally with: kubectl krew install --manifest=OUT/lo.yaml --archive=OUT/lo-*.tar.gz
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-dist}"
base="${2:-https://github.com/kernpilot/lok8s/releases/download}"
version=$(sed -n 's/^project(lo VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DLO_TESTS=OFF >/dev/null
cmake --build build-release >/dev/null
stage="$out/lo-$version"
rm -rf "$stage"
mkdir -p "$stage"
for b in kubectl-lo kubectl-lo-build kubectl-lo-deploy lo-kind lo-registry \
  kubectl_complete-lo kubectl_complete-lo-build kubectl_complete-lo-deploy; do
  install -m 0755 "build-release/bin/$b" "$stage/$b"
done
mkdir -p "$stage/share/lo"
cp -rL addons "$stage/share/lo/addons"
cp -rL tilt "$stage/share/lo/tilt"
cp LICENSE "$stage/LICENSE"
archive="lo-$version-linux-amd64.tar.gz"
tar -C "$out" --owner=0 --group=0 --sort=name -czf "$out/$archive" "lo-$version"
sha=$(sha256sum "$out/$archive" | cut -d' ' -f1)
sed -e "s|@VERSION@|$version|" -e "s|@URI@|$base/v$version/$archive|" -e "s|@SHA256@|$sha|" krew/lo.yaml.in > "$out/lo.yaml"
echo "$out/$archive"
echo "$out/lo.yaml"
