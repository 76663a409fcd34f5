# The real Go tools the suites run (kind, helm, krew, tilt, the containerd
# checkers, ...), built by .ci/tools into a per-machine cache whose bin folder
# reaches the suites as LO_TOOLS_BIN (tests/CMakeLists.txt; default
# ${LO_TOOLS:-~/.cache/lo-tools}/bin). Load with `load lib/tools`.
#
# A missing tool fails the test: build it with `bash .ci/tools NAME`. Only on a
# machine without Go, and only with LO_TOOLS_OPTIONAL=1, does the test skip.

# go_tool NAME: sets GO_TOOL to the tool's path.
go_tool() {
  local dir="${LO_TOOLS_BIN:-${LO_TOOLS:-$HOME/.cache/lo-tools}/bin}"
  GO_TOOL="$dir/$1"
  [ -x "$GO_TOOL" ] && return 0
  if ! command -v go >/dev/null 2>&1 && [ "${LO_TOOLS_OPTIONAL:-}" = 1 ]; then
    skip "$1 is not built and this machine has no Go to build it (LO_TOOLS_OPTIONAL=1)"
  fi
  echo "$1 is not built in $dir: run 'bash .ci/tools $1' (it needs Go; see tests/README.md)" >&2
  return 1
}

# require_tool NAME: as go_tool, and puts the tools' folder first on PATH.
require_tool() {
  go_tool "$1" || return 1
  local dir=${GO_TOOL%/*}
  case ":$PATH:" in *":$dir:"*) ;; *) export PATH="$dir:$PATH" ;; esac
}
