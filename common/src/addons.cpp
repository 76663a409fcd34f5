#include "lo/addons.hpp"

#include <map>

#include "lo/data_home.hpp"
#include "lo/fs.hpp"

namespace lo {
namespace fs = std::filesystem;

const char* to_string(AddonSource s) {
  switch (s) {
    case AddonSource::Project: return "project";
    case AddonSource::Lo: return "lo";
    default: return "path";
  }
}

std::vector<fs::path> addon_search_path(const Workspace& ws) {
  return {ws.root / ".lok8s" / "addons", data_path("addons")};
}

bool is_path_entry(const std::string& entry) {
  return entry.rfind("./", 0) == 0 || entry.rfind("../", 0) == 0 || entry.rfind('/', 0) == 0;
}

std::string default_entry_name(const std::string& entry) {
  if (!is_path_entry(entry)) return entry;
  fs::path p = fs::path(entry).lexically_normal();
  while (!p.empty() && p.filename().empty()) p = p.parent_path();
  std::string base = p.filename().string();
  return base.empty() || base == "." || base == ".." ? entry : base;
}

ResolvedEntry resolve_bootstrap_entry(const Workspace& ws, const std::string& domain, const std::string& entry) {
  ResolvedEntry r;
  std::error_code ec;
  if (entry.rfind("./", 0) == 0 || entry.rfind("../", 0) == 0) {
    r.dir = (ws.domain_dir(domain) / entry).lexically_normal();
    r.searched.push_back(r.dir);
  } else if (entry.rfind('/', 0) == 0) {
    r.dir = (ws.root / entry.substr(1)).lexically_normal();
    r.searched.push_back(r.dir);
  } else {
    auto bases = addon_search_path(ws);
    for (size_t i = 0; i < bases.size(); ++i) {
      r.searched.push_back(bases[i] / entry);
      if (fs::is_directory(bases[i] / entry, ec)) {
        r.dir = bases[i] / entry;
        r.found = true;
        r.source = i == 0 ? AddonSource::Project : AddonSource::Lo;
        return r;
      }
    }
    r.dir = r.searched.front();
    r.source = AddonSource::Project;
    return r;
  }
  while (!r.dir.empty() && r.dir.filename().empty()) r.dir = r.dir.parent_path();
  r.found = fs::is_directory(r.dir, ec);
  return r;
}

std::vector<AddonRef> list_addons(const Workspace& ws) {
  std::map<std::string, AddonRef> by_name;
  auto bases = addon_search_path(ws);
  for (size_t i = bases.size(); i-- > 0;) {
    for (const auto& name : visible_subfolders(bases[i])) {
      AddonRef a{name, bases[i] / name, i == 0 ? AddonSource::Project : AddonSource::Lo, false};
      auto it = by_name.find(name);
      if (it != by_name.end()) a.hides_lo = true;
      by_name[name] = a;
    }
  }
  std::vector<AddonRef> out;
  for (auto& [_, a] : by_name) out.push_back(std::move(a));
  return out;
}

}  // namespace lo
