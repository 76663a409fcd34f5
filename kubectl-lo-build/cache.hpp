// The incremental-build cache: one stamp per target, at
// clusters/<domain>/artifacts/.cache/<target>.json, written after a
// successful build. Deleting the folder only costs a rebuild.
//
// A target is unchanged when all of these still hold:
//   key        lo's version, the kustomize command (binary identity, flags,
//              helm) and the output mode (plain or --split)
//   inputs     the same list of input files (see inputs.hpp) with the same
//              content: size+mtime+ctime+inode first, the SHA-256 of the
//              content when those differ (a touched but identical file is
//              still unchanged; the stamp is then refreshed)
//   variables  every LOK8S_SPEC_*/LOK8S_USER_* name the output referenced
//              has the same value (or is still unset)
//   outputs    the files the build wrote are still there, untouched
// Inputs are hashed before kustomize reads them, so an edit made during a
// build leads to a rebuild next time, never to a stale artifact. A file
// modified within two seconds of being hashed is never trusted by its stat
// alone (timestamps are coarse), only by its hash.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kubectl-lo-build/envsubst.hpp"

namespace lo::build {

struct FileState {
  std::string path;   // absolute for inputs, a file name for outputs
  bool exists = false;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  uint64_t ino = 0;
  bool racy = false;  // stat too recent to vouch for the content
  std::string sha;    // inputs only
};

struct Stamp {
  std::string key;
  size_t resources = 0;
  std::vector<FileState> inputs;
  std::map<std::string, std::optional<std::string>> vars;
  std::vector<FileState> outputs;
  std::string output_sha;  // SHA-256 of artifacts.yaml (plain mode)
};

inline constexpr int kStampVersion = 1;

std::optional<Stamp> load_stamp(const std::filesystem::path& file);
void save_stamp(const std::filesystem::path& file, const Stamp& stamp);

// stat() of a file, without hashing.
FileState stat_file(const std::filesystem::path& path);

// The current state of `paths`, hashing only what `previous` cannot vouch for.
std::vector<FileState> snapshot_inputs(const std::vector<std::filesystem::path>& paths, const Stamp* previous);

struct Check {
  bool up_to_date = false;
  std::string reason;             // why not, for -v
  std::vector<FileState> inputs;  // fresh states when up to date
  bool stats_moved = false;       // up to date, but some stat changed: refresh the stamp
};

Check check_stamp(const Stamp& stamp, const std::string& key, const std::vector<std::filesystem::path>& inputs,
                  const VarMap& vars, const std::filesystem::path& out_dir);

// The variables to record: each referenced name with its value, or nullopt.
std::map<std::string, std::optional<std::string>> referenced_values(const std::set<std::string>& names,
                                                                    const VarMap& vars);

}  // namespace lo::build
