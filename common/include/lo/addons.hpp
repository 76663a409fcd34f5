// Where spec.bootstrap entries live.
//   ./x or ../x -> clusters/<domain>/x
//   /x          -> <project root>/x (project-relative, as upstream does;
//                  never the machine's filesystem root)
//   name        -> the first of: $LOK8S_ADDONS (':'-separated folders),
//                  <root>/.lok8s/addons, the addons/ shipped with lo
//                  (addons/ beside the binary in a krew install,
//                  <prefix>/share/lo/addons for a system install,
//                  or the source tree's addons/ for a build-tree binary)
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "lo/workspace.hpp"

namespace lo {

std::vector<std::filesystem::path> addon_search_path(const Workspace& ws);

struct ResolvedEntry {
  std::filesystem::path dir;  // where the entry points (may not exist)
  bool found = false;         // exists and is a folder
  std::vector<std::filesystem::path> searched;  // for an error message
};

ResolvedEntry resolve_bootstrap_entry(const Workspace& ws, const std::string& domain, const std::string& entry);

}  // namespace lo
