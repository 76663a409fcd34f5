#include "kubectl-lo-build/inputs.hpp"

#include <optional>
#include <set>

#include "lo/kustomization.hpp"

namespace lo::build {
namespace fs = std::filesystem;
namespace {

constexpr size_t kMaxFolders = 10000;

// "host.tld/org/repo": what kustomize tries as a git repository when no
// local path has that name.
bool looks_like_host_path(const std::string& entry) {
  if (entry.empty() || entry[0] == '.' || entry[0] == '/') return false;
  size_t slash = entry.find('/');
  return slash != std::string::npos && entry.substr(0, slash).find('.') != std::string::npos;
}

class Walker {
 public:
  Inputs finish() {
    result_.files.assign(files_.begin(), files_.end());
    return std::move(result_);
  }

  // Walks a folder holding a kustomization. `plugin_base`: set when the
  // folder was named by generators/transformers/validators, so that the
  // files it lists are plugin configs, whose own files are relative to that
  // base.
  void walk_folder(const fs::path& dir_in, const std::optional<fs::path>& plugin_base) {
    fs::path dir = dir_in.lexically_normal();
    std::error_code ec;
    fs::path key = fs::weakly_canonical(dir, ec);
    if (ec) key = dir;
    if (!visited_.insert(key).second) return;
    if (visited_.size() > kMaxFolders) return make_volatile("the kustomization tree is too large to follow");
    Kustomization k = scan_kustomization(dir, dir.string());
    switch (k.failure) {
      case KustomizationFailure::Missing:
        // kustomize fails on it; remember the names so that adding one rebuilds.
        for (const char* n : {"kustomization.yaml", "kustomization.yml", "Kustomization"}) files_.insert(dir / n);
        return;
      case KustomizationFailure::Unreadable:
        files_.insert(k.file);
        return make_volatile("cannot parse " + k.file.string());
      case KustomizationFailure::NotAMapping:
        files_.insert(k.file);
        return make_volatile(k.file.string() + " is not a mapping");
      case KustomizationFailure::None:
        files_.insert(k.file);
        follow(k, dir, plugin_base);
    }
  }

 private:
  Inputs result_;
  std::set<fs::path> files_;
  std::set<fs::path> visited_;

  void make_volatile(std::string why) {
    result_.volatile_build = true;
    result_.reasons.push_back(std::move(why));
  }

  // Everything one kustomization (in `dir`) or plugin config file refers to.
  void follow(const KustomizeRefs& refs, const fs::path& dir, const std::optional<fs::path>& plugin_base) {
    for (const auto& r : refs.local) follow(r, false, dir, plugin_base);
    for (const auto& r : refs.fetched) follow(r, true, dir, plugin_base);
    for (const auto& c : refs.charts) helm_chart(c);
    for (const auto& why : refs.opaque) make_volatile(why);
  }

  void follow(const KustomizationRef& r, bool fetched, const fs::path& dir, const std::optional<fs::path>& plugin_base) {
    std::error_code ec;
    switch (r.kind) {
      case RefKind::Resource: return resource(r, fetched, plugin_base);
      case RefKind::Component: return resource(r, fetched, std::nullopt);
      case RefKind::File:
        // A file a builtin plugin reads; when missing it is still an input.
        if (fetched) return make_volatile("remote file " + r.value);
        if (fs::is_directory(r.path, ec)) return folder_files(r.path);
        files_.insert(r.path);
        return;
      case RefKind::Patch:  // an inline patch unless a file has that name
        if (fs::is_regular_file(r.path, ec)) files_.insert(r.path);
        return;
      case RefKind::PluginConfig: return plugin_entry(r, fetched, dir);
      case RefKind::ChartHome: return;  // followed through the charts
    }
  }

  // kustomize takes every file directly in a folder given to `files`.
  void folder_files(const fs::path& p) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(p, ec))
      if (e.is_regular_file(ec)) files_.insert(e.path().lexically_normal());
  }

  void resource(const KustomizationRef& r, bool fetched, const std::optional<fs::path>& plugin_base) {
    std::error_code ec;
    if (fs::is_regular_file(r.path, ec)) {
      files_.insert(r.path);
      if (plugin_base) plugin_file(r.path, *plugin_base);
    } else if (fs::is_directory(r.path, ec)) {
      walk_folder(r.path, plugin_base);
    } else if (fetched || looks_like_host_path(r.value) || r.value.find("?ref=") != std::string::npos) {
      make_volatile("remote base " + r.value);
    } else {
      files_.insert(r.path);  // missing: kustomize fails now, and we notice when it appears
    }
  }

  // A chart is inflated from its folder; one not there yet is pulled.
  void helm_chart(const HelmChart& c) {
    std::error_code ec;
    if (c.folder.empty() || !fs::is_directory(c.folder, ec))
      return make_volatile("helm chart " + c.id() + " is not in " + c.home.string() + " (kustomize pulls it)");
    for (auto it = fs::recursive_directory_iterator(c.folder, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec))
      if (it->is_regular_file(ec)) files_.insert(it->path().lexically_normal());
  }

  // One file or folder of plugin configs named by the kustomization in `dir`.
  void plugin_entry(const KustomizationRef& r, bool fetched, const fs::path& dir) {
    if (fetched) return make_volatile("remote plugin config " + r.value);
    std::error_code ec;
    if (fs::is_directory(r.path, ec)) return walk_folder(r.path, dir);
    files_.insert(r.path);
    if (fs::is_regular_file(r.path, ec)) plugin_file(r.path, dir);
  }

  void plugin_file(const fs::path& file, const fs::path& base) {
    follow(read_plugin_configs(file, base), base, std::nullopt);
  }
};

}  // namespace

Inputs collect_inputs(const fs::path& dir) {
  Walker w;
  std::error_code ec;
  w.walk_folder(fs::absolute(dir, ec), std::nullopt);
  return w.finish();
}

}  // namespace lo::build
