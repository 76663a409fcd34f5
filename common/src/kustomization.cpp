#include "lo/kustomization.hpp"

#include <yaml-cpp/yaml.h>

#include "lo/error.hpp"
#include "lo/fs.hpp"

namespace lo {
namespace fs = std::filesystem;

std::optional<fs::path> find_kustomization_file(const fs::path& dir) {
  std::error_code ec;
  for (const char* name : {"kustomization.yaml", "kustomization.yml", "Kustomization"})
    if (fs::is_regular_file(dir / name, ec)) return dir / name;
  return std::nullopt;
}

bool is_remote_reference(const std::string& v) {
  if (v.find("://") != std::string::npos) return true;
  for (const char* p : {"git@", "git::", "github.com/", "gitlab.com/", "bitbucket.org/"})
    if (v.rfind(p, 0) == 0) return true;
  return false;
}

namespace {

// yaml-cpp: a missing key of a const node is an "invalid" node whose type
// queries throw; this lookup returns a plain undefined node instead.
YAML::Node get(const YAML::Node& n, const char* key) {
  if (!n.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& kv : n)
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
  return YAML::Node(YAML::NodeType::Undefined);
}

class Reader {
 public:
  Reader(Kustomization& k, const fs::path& dir) : k_(k), dir_(dir) {}

  void path(const std::string& field, const YAML::Node& n, bool kustomization_dir = false) {
    if (!n.IsScalar() || n.Scalar().empty()) return;
    const std::string& v = n.Scalar();
    if (is_remote_reference(v)) {
      k_.remote.push_back(v);
      return;
    }
    k_.local.push_back(KustomizationRef{field, v, (dir_ / v).lexically_normal(), kustomization_dir, n.Mark().line + 1});
  }

  void list(const YAML::Node& root, const char* key, bool kustomization_dir = false) {
    auto n = get(root, key);
    if (!n.IsSequence()) return;
    size_t i = 0;
    for (const auto& item : n) path(std::string(key) + "[" + std::to_string(i++) + "]", item, kustomization_dir);
  }

  // Entries that are objects with a `path` field (patches, replacements, ...).
  void object_paths(const YAML::Node& root, const char* key) {
    auto n = get(root, key);
    if (!n.IsSequence()) return;
    size_t i = 0;
    for (const auto& item : n) {
      std::string field = std::string(key) + "[" + std::to_string(i++) + "]";
      if (auto p = get(item, "path"); p.IsDefined()) path(field + ".path", p);
    }
  }

  void generators(const YAML::Node& root, const char* key) {
    auto n = get(root, key);
    if (!n.IsSequence()) return;
    size_t i = 0;
    for (const auto& gen : n) {
      std::string field = std::string(key) + "[" + std::to_string(i++) + "]";
      if (!gen.IsMap()) continue;
      for (const char* list_key : {"files", "envs"}) {
        auto files = get(gen, list_key);
        if (!files.IsSequence()) continue;
        size_t j = 0;
        for (const auto& f : files) {
          if (!f.IsScalar()) continue;
          std::string v = f.Scalar();
          // files may be "key=path"
          if (auto eq = v.find('='); eq != std::string::npos && std::string(list_key) == "files") v = v.substr(eq + 1);
          std::string sub = field + "." + list_key + "[" + std::to_string(j++) + "]";
          if (!is_remote_reference(v))
            k_.local.push_back(KustomizationRef{sub, f.Scalar(), (dir_ / v).lexically_normal(), false, f.Mark().line + 1});
        }
      }
      if (auto e = get(gen, "env"); e.IsDefined()) path(field + ".env", e);
    }
  }

  void plugins(const YAML::Node& root, const char* key) {
    auto n = get(root, key);
    if (!n.IsSequence()) return;
    size_t i = 0;
    for (const auto& item : n) {
      std::string field = std::string(key) + "[" + std::to_string(i++) + "]";
      // A plugin config is a file path, or inline YAML (a multi-line string or a mapping).
      if (item.IsScalar() && item.Scalar().find('\n') == std::string::npos) {
        size_t before = k_.local.size();
        path(field, item);
        if (k_.local.size() > before) k_.plugin_configs.push_back(k_.local.back());
      } else {
        k_.inline_plugins = true;
      }
    }
  }

 private:
  Kustomization& k_;
  fs::path dir_;
};

}  // namespace

Kustomization read_kustomization(const fs::path& dir, const std::string& shown_dir) {
  auto file = find_kustomization_file(dir);
  if (!file)
    throw Error(Location{shown_dir}, "has no kustomization.yaml",
                "every target (and every folder it lists under resources) needs a kustomization.yaml");
  Kustomization k;
  k.file = *file;
  std::string shown = shown_dir + "/" + file->filename().string();
  YAML::Node root;
  try {
    root = YAML::Load(read_file(*file, 16 << 20));
  } catch (const YAML::Exception& e) {
    throw Error(Location{shown, "", e.mark.line + 1, e.mark.column + 1}, "invalid YAML: " + e.msg);
  }
  if (root.IsNull()) return k;
  if (!root.IsMap()) throw Error(Location{shown}, "must be a mapping");
  Reader r(k, dir);
  r.list(root, "resources", true);
  r.list(root, "bases", true);
  r.list(root, "components", true);
  r.list(root, "crds");
  r.list(root, "configurations");
  r.object_paths(root, "patches");
  r.object_paths(root, "patchesJson6902");
  r.object_paths(root, "replacements");
  // patchesStrategicMerge entries are file paths or inline patches
  if (auto psm = get(root, "patchesStrategicMerge"); psm.IsSequence()) {
    size_t i = 0;
    for (const auto& item : psm) {
      std::string field = "patchesStrategicMerge[" + std::to_string(i++) + "]";
      if (item.IsScalar() && item.Scalar().find('\n') == std::string::npos && item.Scalar().find(": ") == std::string::npos)
        r.path(field, item);
    }
  }
  r.generators(root, "configMapGenerator");
  r.generators(root, "secretGenerator");
  r.plugins(root, "generators");
  r.plugins(root, "transformers");
  r.plugins(root, "validators");
  if (auto oa = get(root, "openapi"); get(oa, "path").IsDefined()) r.path("openapi.path", get(oa, "path"));
  if (auto hc = get(root, "helmCharts"); hc.IsSequence()) {
    for (const auto& chart : hc) {
      if (!chart.IsMap()) continue;
      std::string repo = get(chart, "repo").IsScalar() ? get(chart, "repo").Scalar() : "";
      std::string name = get(chart, "name").IsScalar() ? get(chart, "name").Scalar() : "";
      k.remote.push_back("helm:" + repo + "/" + name);
      if (get(chart, "valuesFile").IsDefined()) r.path("helmCharts.valuesFile", get(chart, "valuesFile"));
      if (auto extra = get(chart, "additionalValuesFiles"); extra.IsSequence())
        for (const auto& f : extra) r.path("helmCharts.additionalValuesFiles", f);
    }
  }
  if (auto hg = get(root, "helmGlobals"); get(hg, "chartHome").IsDefined()) r.path("helmGlobals.chartHome", get(hg, "chartHome"));
  return k;
}

}  // namespace lo
