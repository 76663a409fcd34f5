#include "lo/data_home.hpp"

#include <cstdlib>

#include "lo/exec.hpp"

namespace lo {
namespace fs = std::filesystem;
namespace {

DataHome find_data_home() {
  DataHome h;
  std::error_code ec;
  if (const char* env = std::getenv("LOK8S_HOME"); env && *env) {
    h.dir = fs::path(env);
    h.searched.push_back(h.dir);
    h.found = fs::is_directory(h.dir, ec);
    h.from = "LOK8S_HOME";
    return h;
  }
  fs::path exe = self_exe_dir();
  fs::path krew = exe / "share" / "lo";
  fs::path prefix = (exe / ".." / "share" / "lo").lexically_normal();
  h.searched = {krew, prefix};
  if (fs::is_directory(krew, ec)) {
    h.dir = krew;
    h.found = true;
    h.from = "krew (share/lo beside the binary)";
    return h;
  }
  if (fs::is_directory(prefix, ec)) {
    h.dir = prefix;
    h.found = true;
    h.from = fs::is_symlink(prefix / "addons", ec) ? "build tree (linked to the source tree)" : "install prefix";
    return h;
  }
  h.dir = prefix;
  h.from = "none";
  return h;
}

}  // namespace

const DataHome& data_home() {
  static const DataHome home = find_data_home();
  return home;
}

fs::path data_path(const std::string& sub) { return data_home().dir / sub; }

fs::path tilt_extension() { return data_path("tilt") / "lo" / "Tiltfile"; }

}  // namespace lo
