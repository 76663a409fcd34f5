#include "kubectl-lo-build/cache.hpp"

#include <sys/stat.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "kubectl-lo-build/folder.hpp"
#include "kubectl-lo-build/hash.hpp"
#include "lo/error.hpp"
#include "lo/fs.hpp"

namespace lo::build {
namespace fs = std::filesystem;
namespace {

using nlohmann::json;
constexpr int64_t kRacyWindowNs = 2'000'000'000;

int64_t ns_of(const struct timespec& ts) { return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec; }

int64_t now_ns() {
  struct timespec ts {};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return ns_of(ts);
}

bool same_stat(const FileState& a, const FileState& b) {
  return a.exists == b.exists && a.size == b.size && a.mtime_ns == b.mtime_ns && a.ctime_ns == b.ctime_ns &&
         a.ino == b.ino;
}

json to_json(const FileState& f, bool with_hash) {
  json j = {{"path", f.path}, {"exists", f.exists}};
  if (f.exists) {
    j["size"] = f.size;
    j["mtime"] = f.mtime_ns;
    j["ctime"] = f.ctime_ns;
    j["ino"] = f.ino;
    if (f.racy) j["racy"] = true;
  }
  if (with_hash) j["sha256"] = f.sha;
  return j;
}

FileState from_json(const json& j) {
  FileState f;
  f.path = j.at("path").get<std::string>();
  f.exists = j.at("exists").get<bool>();
  if (f.exists) {
    f.size = j.at("size").get<uint64_t>();
    f.mtime_ns = j.at("mtime").get<int64_t>();
    f.ctime_ns = j.at("ctime").get<int64_t>();
    f.ino = j.at("ino").get<uint64_t>();
    f.racy = j.value("racy", false);
  }
  f.sha = j.value("sha256", "");
  return f;
}

// Hashes `path` now and records whether its stat is too fresh to trust later.
FileState hashed(const fs::path& path) {
  FileState f = stat_file(path);
  if (!f.exists) {
    f.sha = "absent";
    return f;
  }
  auto sha = sha256_file(path);
  f.sha = sha ? *sha : "unreadable";
  int64_t now = now_ns();
  f.racy = now - f.mtime_ns < kRacyWindowNs || now - f.ctime_ns < kRacyWindowNs;
  return f;
}

}  // namespace

FileState stat_file(const fs::path& path) {
  FileState f;
  f.path = path.string();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || S_ISDIR(st.st_mode)) return f;
  f.exists = true;
  f.size = static_cast<uint64_t>(st.st_size);
  f.mtime_ns = ns_of(st.st_mtim);
  f.ctime_ns = ns_of(st.st_ctim);
  f.ino = static_cast<uint64_t>(st.st_ino);
  return f;
}

std::optional<Stamp> load_stamp(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  try {
    json j = json::parse(read_file(file, 256u << 20));
    if (j.value("version", 0) != kStampVersion) return std::nullopt;
    Stamp s;
    s.key = j.at("key").get<std::string>();
    s.resources = j.at("resources").get<size_t>();
    s.output_sha = j.value("outputSha256", "");
    for (const auto& f : j.at("inputs")) s.inputs.push_back(from_json(f));
    for (const auto& f : j.at("outputs")) s.outputs.push_back(from_json(f));
    for (const auto& [k, v] : j.at("variables").items())
      s.vars[k] = v.is_null() ? std::nullopt : std::optional<std::string>(v.get<std::string>());
    return s;
  } catch (const std::exception&) {
    return std::nullopt;  // a damaged stamp only means a rebuild
  }
}

void save_stamp(const fs::path& file, const Stamp& s) {
  json j = {{"version", kStampVersion}, {"key", s.key}, {"resources", s.resources}};
  if (!s.output_sha.empty()) j["outputSha256"] = s.output_sha;
  json vars = json::object();
  for (const auto& [k, v] : s.vars) vars[k] = v ? json(*v) : json(nullptr);
  j["variables"] = vars;
  j["inputs"] = json::array();
  for (const auto& f : s.inputs) j["inputs"].push_back(to_json(f, true));
  j["outputs"] = json::array();
  for (const auto& f : s.outputs) j["outputs"].push_back(to_json(f, false));
  replace_file_if_changed(file, j.dump(1) + "\n");
}

std::vector<FileState> snapshot_inputs(const std::vector<fs::path>& paths, const Stamp* previous) {
  std::map<std::string, const FileState*> known;
  if (previous)
    for (const auto& f : previous->inputs) known[f.path] = &f;
  std::vector<FileState> out;
  out.reserve(paths.size());
  for (const auto& p : paths) {
    FileState now = stat_file(p);
    auto it = known.find(now.path);
    if (it != known.end() && !it->second->racy && same_stat(now, *it->second)) {
      now.sha = it->second->sha;
      if (!now.exists) now.sha = "absent";
      out.push_back(std::move(now));
    } else {
      out.push_back(hashed(p));
    }
  }
  return out;
}

Check check_stamp(const Stamp& stamp, const std::string& key, const std::vector<fs::path>& inputs,
                  const VarMap& vars, const fs::path& out_dir) {
  Check c;
  if (stamp.key != key) {
    c.reason = "lo, kustomize or the build mode changed";
    return c;
  }
  if (stamp.inputs.size() != inputs.size()) {
    c.reason = "the set of input files changed";
    return c;
  }
  for (size_t i = 0; i < inputs.size(); ++i)
    if (stamp.inputs[i].path != inputs[i].string()) {
      c.reason = "the set of input files changed";
      return c;
    }
  for (const auto& [name, value] : stamp.vars) {
    auto it = vars.find(name);
    std::optional<std::string> now = it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    if (now != value) {
      c.reason = "variable " + name + " changed";
      return c;
    }
  }
  for (const auto& out : stamp.outputs) {
    FileState now = stat_file(out_dir / out.path);
    if (!same_stat(now, out)) {
      c.reason = "artifact " + out.path + " was changed or removed";
      return c;
    }
  }
  c.inputs = snapshot_inputs(inputs, &stamp);
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (c.inputs[i].sha != stamp.inputs[i].sha) {
      c.reason = inputs[i].string() + " changed";
      c.inputs.clear();
      return c;
    }
    if (!same_stat(c.inputs[i], stamp.inputs[i]) || c.inputs[i].racy != stamp.inputs[i].racy) c.stats_moved = true;
  }
  c.up_to_date = true;
  return c;
}

std::map<std::string, std::optional<std::string>> referenced_values(const std::set<std::string>& names,
                                                                    const VarMap& vars) {
  std::map<std::string, std::optional<std::string>> out;
  for (const auto& n : names) {
    auto it = vars.find(n);
    out[n] = it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  return out;
}

}  // namespace lo::build
