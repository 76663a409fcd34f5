// Where spec.bootstrap entries live (the seeds' table, with upstream's rule
// for /x):
//   ./x or ../x -> clusters/<domain>/x
//   /x          -> <project root>/x: project-relative, as upstream does, so a
//                  spec means the same folder in every checkout (never the
//                  machine's filesystem root; the seeds' table says absolute)
//   name        -> <root>/.lok8s/addons/<name> when that folder exists (a
//                  project may override or add addons), else lo's own
//                  <data home>/addons/<name> (lo/data_home.hpp)
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "lo/workspace.hpp"

namespace lo {

enum class AddonSource { Project, Lo, Path };
const char* to_string(AddonSource s);  // "project", "lo", "path"

// The folders that hold named addons, in lookup order.
std::vector<std::filesystem::path> addon_search_path(const Workspace& ws);

struct ResolvedEntry {
  std::filesystem::path dir;  // where the entry points (may not exist)
  bool found = false;         // exists and is a folder
  AddonSource source = AddonSource::Path;
  std::vector<std::filesystem::path> searched;  // for an error message
};

ResolvedEntry resolve_bootstrap_entry(const Workspace& ws, const std::string& domain, const std::string& entry);

// True for ./x, ../x and /x entries.
bool is_path_entry(const std::string& entry);

// The name an entry goes by when it has no `name:`: a bare name itself, a
// path its last folder name (./targets/networking -> networking).
std::string default_entry_name(const std::string& entry);

// Every named addon there is: the project's and lo's, sorted by name; a
// project addon hides lo's of the same name (`hides_lo` says so).
struct AddonRef {
  std::string name;
  std::filesystem::path dir;
  AddonSource source = AddonSource::Lo;
  bool hides_lo = false;
};
std::vector<AddonRef> list_addons(const Workspace& ws);

}  // namespace lo
