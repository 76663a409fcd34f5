#!/usr/bin/env bash
# Renders the krew manifest of lo from krew/lo.yaml.in for built release archives:
#   krew/manifest.sh DIST_DIR [BASE_URI] [OS/ARCH...]
# For each platform (default: linux/amd64 linux/arm64 darwin/amd64 darwin/arm64)
# it reads DIST_DIR/lo-<version>-<os>-<arch>.tar.gz.sha256 (release/archive.sh
# writes it; the archive, when present, must match it) and adds a platform with
# uri BASE_URI/lo-<version>-<os>-<arch>.tar.gz; BASE_URI defaults to the
# GitHub release of v<version>. Writes DIST_DIR/lo.yaml and prints its path.
# Check it with krew's own validator:
#   validate-krew-manifest -manifest DIST_DIR/lo.yaml
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: krew/manifest.sh DIST_DIR [BASE_URI] [OS/ARCH...]" >&2; exit 2; }
dist=$1
version=$(sed -n 's/^project(lo VERSION \([0-9.]*\).*/\1/p' "$here/../CMakeLists.txt")
base=${2:-https://github.com/kernpilot/lok8s/releases/download/v$version}
shift $(( $# >= 2 ? 2 : 1 ))
platforms=("$@")
[ ${#platforms[@]} -gt 0 ] || platforms=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64)

blocks=$(mktemp)
trap 'rm -f "$blocks" "$dist/lo.yaml.tmp"' EXIT
missing=()
for p in "${platforms[@]}"; do
  case "$p" in
    linux/amd64|linux/arm64|darwin/amd64|darwin/arm64) ;;
    *) echo "krew/manifest.sh: unknown platform '$p' (linux/amd64, linux/arm64, darwin/amd64, darwin/arm64)" >&2; exit 2 ;;
  esac
  os=${p%/*} arch=${p#*/}
  archive="lo-$version-$os-$arch.tar.gz"
  if [ ! -f "$dist/$archive.sha256" ]; then
    missing+=("$p ($dist/$archive.sha256)")
    continue
  fi
  read -r sha file < "$dist/$archive.sha256" || true
  if ! [[ "$sha" =~ ^[a-f0-9]{64}$ ]] || [ "$file" != "$archive" ]; then
    echo "krew/manifest.sh: $dist/$archive.sha256: expected '<sha256>  $archive' (as sha256sum writes it)" >&2
    exit 1
  fi
  if [ -f "$dist/$archive" ] && ! (cd "$dist" && sha256sum --quiet -c "$archive.sha256" >/dev/null 2>&1); then
    echo "krew/manifest.sh: $dist/$archive does not match $archive.sha256: build it again with release/archive.sh" >&2
    exit 1
  fi
  sed -e "s|@OS@|$os|" -e "s|@ARCH@|$arch|" -e "s|@URI@|$base/$archive|" -e "s|@SHA256@|$sha|" \
    "$here/platform.yaml.in" >> "$blocks"
done
if [ ${#missing[@]} -gt 0 ]; then
  printf 'krew/manifest.sh: no release archive for %s\n' "${missing[@]}" >&2
  echo "  hint: build each with release/archive.sh on its platform into $dist, or name the platforms to include" >&2
  exit 1
fi
awk -v blocks="$blocks" '$0 == "@PLATFORMS@" { while ((getline line < blocks) > 0) print line; next } { print }' \
  "$here/lo.yaml.in" | sed -e "s|@VERSION@|$version|" > "$dist/lo.yaml.tmp"
mv -f "$dist/lo.yaml.tmp" "$dist/lo.yaml"
echo "$dist/lo.yaml"
