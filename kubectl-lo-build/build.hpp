// `kubectl lo build`: every target of a domain through kustomize and the
// envsubst pass into clusters/<domain>/artifacts/, in parallel and
// incrementally; and `--split-file`, which splits an existing YAML file.
//
// Layout written (upstream-pipeline §3, with B-2, B-3, B-9, B-10 fixed):
//   artifacts/<target>/artifacts.yaml      the built YAML (plain mode)
//   artifacts/<target>/<Kind>.<ns>.<name>.yaml ...   (--split)
//   artifacts/<target>/kustomization.yaml  lists the files above
//   artifacts/kustomization.yaml           lists every target folder that
//                                          has artifacts, so
//                                          `kubectl kustomize artifacts`
//                                          yields the whole domain
//   artifacts/.cache/<target>.json         build stamps (cache.hpp)
// A failed target keeps its previous artifacts and stamp; the others go on.
// A full build (no target named) removes the artifact folders of targets
// that no longer exist (only folders lo wrote); a partial build leaves them
// alone, and the domain listing never names them.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace lo::build {

struct BuildOptions {
  std::optional<std::string> root;
  std::optional<std::string> domain;     // --domain
  std::vector<std::string> positionals;  // [DOMAIN] [TARGET...]
  std::optional<std::string> kubeconfig;  // --kubeconfig
  std::optional<std::string> context;     // --context
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};  // per kustomize run; 0: none
  bool split = false;
  bool to_stdout = false;
  bool force = false;
  bool json = false;
  unsigned jobs = 0;  // 0: one per core
  int verbosity = 0;
};

// Returns the exit code: 0, 1 when a target failed, 128+signal when interrupted.
int run_build(const BuildOptions& options);

struct SplitFileOptions {
  std::string file;  // "-" for stdin
  std::string out;
  bool json = false;
};

int run_split_file(const SplitFileOptions& options);

}  // namespace lo::build
