# The start of a suite's setup (load lib/scratch_project): checks LO_BIN and
# LO_SRC, sets LO (kubectl-lo), T (a fresh scratch folder; the suite's
# teardown removes it) and P=$T/project (made empty: the suite fills it).
scratch_project() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  : "${LO_SRC:?LO_SRC must point at the source tree}"
  LO="$LO_BIN/kubectl-lo"
  T="$(mktemp -d)"
  P="$T/project"
  mkdir -p "$P"
}
