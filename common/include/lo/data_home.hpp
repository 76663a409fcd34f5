// Where lo's own data lives (addons/, the Tilt extension in tilt/; driver
// templates later): one rule for every binary, never a path compiled in.
//
//   1. $LOK8S_HOME, when set and not empty (used as it is: a folder that
//      does not exist is reported, not skipped)
//   2. <dir of the binary>/share/lo    the krew layout: the archive holds
//                                      share/lo/ beside the binaries, and krew
//                                      links only kubectl-lo into its bin/
//   3. <dir of the binary>/../share/lo an install prefix (<prefix>/bin and
//                                      <prefix>/share/lo), and any build
//                                      folder: the build stages share/lo/
//                                      beside bin/ (its entries are symlinks
//                                      into the source tree)
// The binary's dir is /proc/self/exe with symlinks resolved, so a krew or
// /usr/local/bin symlink leads to the real install.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lo {

struct DataHome {
  std::filesystem::path dir;  // the chosen folder (the first candidate when none exists)
  bool found = false;         // dir exists
  // How it was found: "LOK8S_HOME", "krew (share/lo beside the binary)",
  // "install prefix", "build tree (linked to the source tree)", or "none".
  std::string from;
  std::vector<std::filesystem::path> searched;  // every candidate, for errors
};

// Looked up once per process.
const DataHome& data_home();

// `sub` of the data home (e.g. "addons"); the path even when it is absent.
std::filesystem::path data_path(const std::string& sub);

// The Tilt extension's Tiltfile (<data home>/tilt/lo/Tiltfile), what a
// project's Tiltfile loads; the path even when it is absent.
std::filesystem::path tilt_extension();

}  // namespace lo
