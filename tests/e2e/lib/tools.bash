# The real Go tools the suites run (kind, helm, krew, tilt, ...), built by
# .ci/tools into a per-machine cache whose bin folder reaches the suites as
# LO_TOOLS_BIN. Usage in a suite: `load lib/tools` then `require_tool helm`
# in setup_file or a test. The tool's folder is put first on PATH.
#
# A missing tool fails the test where Go is installed (CI builds every tool);
# it skips, with a line saying so, only on a machine without Go or when
# LO_TOOLS_OPTIONAL=1.
require_tool() {
  local name=$1
  local dir=${LO_TOOLS_BIN:-${LO_TOOLS:-$HOME/.cache/lo-tools}/bin}
  if [ -x "$dir/$name" ]; then
    case ":$PATH:" in *":$dir:"*) ;; *) export PATH="$dir:$PATH" ;; esac
    return 0
  fi
  if [ "${LO_TOOLS_OPTIONAL:-0}" = 1 ] || ! command -v go >/dev/null 2>&1; then
    skip "$name is not installed and this machine has no Go (run: bash .ci/tools $name)"
  fi
  echo "$name is missing from $dir although Go is installed: run 'bash .ci/tools $name'" >&2
  return 1
}
