// Which kustomize lo runs, and how.
//
//   1. $LOK8S_KUSTOMIZE: a path or a program name on PATH. A program named
//      "kubectl" is run as "kubectl kustomize", anything else as
//      "<program> build".
//   2. kustomize on PATH: "kustomize build".
//   3. kubectl ($KUBECTL_PATH, else on PATH): "kubectl kustomize".
// Always with --enable-alpha-plugins (exec and KRM-function plugins, like
// upstream lo); with --enable-helm --helm-command <path> only when a helm
// binary is on PATH, so helmCharts work where helm exists and fail with
// kustomize's own message where it does not.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lo/exec.hpp"

namespace lo::build {

struct Kustomize {
  std::vector<std::string> argv;  // program, subcommand and flags; the folder comes last
  std::string display;            // e.g. "kubectl kustomize", for messages
  std::string identity;           // what the build cache keys on
  // --timeout: a run that takes longer is killed with its whole process
  // group (plugins, helm) and fails. 0: no limit.
  std::chrono::milliseconds timeout{0};
};

// Path, size and mtime of a program (symlinks resolved): enough for a cache
// to notice an upgrade.
std::string program_identity(const std::filesystem::path& program);

// Throws lo::Error when no kustomize can be found or LOK8S_KUSTOMIZE names
// something that cannot run.
Kustomize find_kustomize();

using EnvOverrides = std::map<std::string, std::optional<std::string>>;

// Environment for kustomize children when `parallel` of them run at once.
// kustomize is a Go program that lives for a fraction of a second: unless
// the user set them, lo turns the garbage collector off up to a memory limit
// (GOGC=off, GOMEMLIMIT = a share of RAM) and gives each child its share of
// the cores (GOMAXPROCS). That cuts a build's CPU time by about a fifth and
// keeps parallel children from fighting over the cores.
EnvOverrides go_tuning(unsigned parallel);

ExecResult run_kustomize(const Kustomize& k, const std::filesystem::path& dir, const EnvOverrides& env);

// kustomize's own words for a failed run (its stderr, trimmed), or what
// ended it when it said nothing. A run that hit the timeout says so first:
// "kustomize did not finish within 10m".
std::string kustomize_error(const Kustomize& k, const ExecResult& r);

}  // namespace lo::build
