#include "lo/addons.hpp"

#include <cstdlib>

#include "lo/exec.hpp"

namespace lo {
namespace fs = std::filesystem;

std::vector<fs::path> addon_search_path(const Workspace& ws) {
  std::vector<fs::path> out;
  if (const char* env = std::getenv("LOK8S_ADDONS"); env && *env) {
    std::string s = env;
    size_t start = 0;
    while (start <= s.size()) {
      size_t end = s.find(':', start);
      if (end == std::string::npos) end = s.size();
      if (end > start) out.emplace_back(s.substr(start, end - start));
      start = end + 1;
    }
  }
  out.push_back(ws.root / ".lok8s" / "addons");
  fs::path exe = self_exe_dir();
  out.push_back(exe / "addons");  // a krew install: addons/ beside the binaries
  out.push_back((exe / ".." / "share" / "lo" / "addons").lexically_normal());
  // A binary in <build>/bin of a source checkout: the checkout's addons/.
  out.push_back((exe / ".." / ".." / "addons").lexically_normal());
  return out;
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
    for (const auto& base : addon_search_path(ws)) {
      r.searched.push_back(base / entry);
      if (fs::is_directory(base / entry, ec)) {
        r.dir = base / entry;
        r.found = true;
        return r;
      }
    }
    r.dir = r.searched.front();
    return r;
  }
  r.found = fs::is_directory(r.dir, ec);
  return r;
}

}  // namespace lo
