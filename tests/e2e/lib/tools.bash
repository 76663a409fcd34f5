# Helpers for suites that run real tools. Load with `load lib/tools`.

# go_tool NAME: sets GO_TOOL to the path of a Go tool `.ci/tools` builds
# (kind, the containerd checkers, ...) in LO_TOOLS_BIN (tests/CMakeLists.txt
# passes it; default ${LO_TOOLS:-~/.cache/lo-tools}/bin, where .ci/tools puts
# them). A missing tool fails the test: build it with `bash .ci/tools NAME`.
# Only on a machine without Go, and only with LO_TOOLS_OPTIONAL=1, does the
# test skip instead.
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
