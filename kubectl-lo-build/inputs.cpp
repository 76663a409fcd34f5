#include "kubectl-lo-build/inputs.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <optional>
#include <set>

#include "lo/error.hpp"
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

std::optional<std::string> scalar(const YAML::Node& n) {
  if (n && n.IsScalar()) return n.Scalar();
  return std::nullopt;
}

// The items of a list field, or nothing when the field is absent or not a list.
std::vector<YAML::Node> items(const YAML::Node& map, const char* key) {
  std::vector<YAML::Node> out;
  if (!map.IsMap()) return out;
  const YAML::Node& n = map[key];
  if (n && n.IsSequence())
    for (const auto& it : n) out.push_back(it);
  return out;
}

class Walker {
 public:
  Inputs finish() {
    result_.files.assign(files_.begin(), files_.end());
    return std::move(result_);
  }

  // Walks a folder holding a kustomization. `plugin_base`: set when the
  // folder was named by generators/transformers/validators, so that what it
  // yields are plugin configs, whose files are relative to that base.
  void walk_folder(const fs::path& dir_in, const std::optional<fs::path>& plugin_base) {
    fs::path dir = dir_in.lexically_normal();
    std::error_code ec;
    fs::path key = fs::weakly_canonical(dir, ec);
    if (ec) key = dir;
    if (!visited_.insert(key).second) return;
    if (visited_.size() > kMaxFolders) return make_volatile("the kustomization tree is too large to follow");
    if (!find_kustomization_file(dir)) {
      // kustomize fails on it; remember the names so that adding one rebuilds.
      for (const char* n : {"kustomization.yaml", "kustomization.yml", "Kustomization"}) files_.insert(dir / n);
      return;
    }
    fs::path kfile = *find_kustomization_file(dir);
    files_.insert(kfile.lexically_normal());
    YAML::Node k;
    try {
      k = YAML::LoadFile(kfile.string());
    } catch (const YAML::Exception&) {
      return make_volatile("cannot parse " + kfile.string());
    }
    if (!k || k.IsNull()) return;
    if (!k.IsMap()) return make_volatile(kfile.string() + " is not a mapping");

    for (const char* field : {"resources", "bases"})
      for (const auto& it : items(k, field))
        if (auto s = scalar(it)) resource(dir, *s, plugin_base);
    for (const auto& it : items(k, "components"))
      if (auto s = scalar(it)) resource(dir, *s, std::nullopt);
    for (const char* field : {"crds", "configurations"})
      for (const auto& it : items(k, field))
        if (auto s = scalar(it)) local_file(dir, *s);
    if (const YAML::Node& oa = k["openapi"]; oa && oa.IsMap())
      if (auto p = scalar(oa["path"])) local_file(dir, *p);
    for (const char* field : {"patches", "patchesJson6902", "replacements"})
      for (const auto& it : items(k, field))
        if (it.IsMap())
          if (auto p = scalar(it["path"])) local_file(dir, *p);
    for (const auto& it : items(k, "patchesStrategicMerge"))
      if (auto s = scalar(it)) maybe_patch_file(dir, *s);
    for (const char* field : {"configMapGenerator", "secretGenerator"})
      for (const auto& it : items(k, field)) generator_sources(dir, it);

    fs::path chart_home = dir / "charts";
    if (const YAML::Node& hg = k["helmGlobals"]; hg && hg.IsMap())
      if (auto h = scalar(hg["chartHome"])) chart_home = dir / *h;
    for (const auto& c : items(k, "helmCharts")) {
      if (!c.IsMap()) continue;
      if (auto v = scalar(c["valuesFile"])) local_file(dir, *v);
      for (const auto& it : items(c, "additionalValuesFiles"))
        if (auto v = scalar(it)) local_file(dir, *v);
      helm_chart(chart_home, scalar(c["repo"]).value_or("") + "/" + scalar(c["name"]).value_or(""));
    }
    for (const auto& c : items(k, "helmChartInflationGenerator")) {
      if (!c.IsMap()) continue;
      if (auto v = scalar(c["values"])) local_file(dir, *v);
      fs::path home = chart_home;
      if (auto h = scalar(c["chartHome"])) home = dir / *h;
      helm_chart(home, scalar(c["chartRepoUrl"]).value_or("") + "/" + scalar(c["chartName"]).value_or(""));
    }

    for (const char* field : {"generators", "transformers", "validators"})
      for (const auto& it : items(k, field))
        if (auto s = scalar(it)) plugin_entry(dir, *s);
  }

 private:
  Inputs result_;
  std::set<fs::path> files_;
  std::set<fs::path> visited_;

  void make_volatile(std::string why) {
    result_.volatile_build = true;
    result_.reasons.push_back(std::move(why));
  }

  // A file a builtin plugin reads; when missing it is still an input.
  void local_file(const fs::path& dir, const std::string& entry) {
    if (is_remote_reference(entry)) return make_volatile("remote file " + entry);
    std::error_code ec;
    fs::path p = (dir / entry).lexically_normal();
    if (fs::is_directory(p, ec)) folder_files(p);
    else files_.insert(p);
  }

  void maybe_patch_file(const fs::path& dir, const std::string& entry) {
    if (entry.find('\n') != std::string::npos) return;  // an inline patch
    std::error_code ec;
    fs::path p = (dir / entry).lexically_normal();
    if (fs::is_regular_file(p, ec)) files_.insert(p);
  }

  // kustomize takes every file directly in a folder given to `files`.
  void folder_files(const fs::path& p) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(p, ec))
      if (e.is_regular_file(ec)) files_.insert(e.path().lexically_normal());
  }

  void resource(const fs::path& dir, const std::string& entry, const std::optional<fs::path>& plugin_base) {
    std::error_code ec;
    fs::path p = (dir / entry).lexically_normal();
    if (fs::is_regular_file(p, ec)) {
      files_.insert(p);
      if (plugin_base) plugin_file(p, *plugin_base);
    } else if (fs::is_directory(p, ec)) {
      walk_folder(p, plugin_base);
    } else if (is_remote_reference(entry) || looks_like_host_path(entry) ||
               entry.find("?ref=") != std::string::npos) {
      make_volatile("remote base " + entry);
    } else {
      files_.insert(p);  // missing: kustomize fails now, and we notice when it appears
    }
  }

  // Fields of builtin generator plugins shaped like configMapGenerator items.
  void generator_sources(const fs::path& dir, const YAML::Node& g) {
    for (const auto& it : items(g, "files")) {
      auto s = scalar(it);
      if (!s) continue;
      size_t eq = s->find('=');
      local_file(dir, eq == std::string::npos ? *s : s->substr(eq + 1));
    }
    for (const auto& it : items(g, "envs"))
      if (auto s = scalar(it)) local_file(dir, *s);
    if (auto s = scalar(g["env"])) local_file(dir, *s);
  }

  // A chart "<repo>/<name>" inflated from <chart_home>/<name>.
  void helm_chart(const fs::path& chart_home, const std::string& repo_and_name) {
    size_t slash = repo_and_name.rfind('/');
    std::string name = slash == std::string::npos ? repo_and_name : repo_and_name.substr(slash + 1);
    std::error_code ec;
    fs::path chart = (chart_home / name).lexically_normal();
    if (name.empty() || !fs::is_directory(chart, ec))
      return make_volatile("helm chart " + repo_and_name + " is not in " + chart_home.string() + " (kustomize pulls it)");
    for (auto it = fs::recursive_directory_iterator(chart, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec))
      if (it->is_regular_file(ec)) files_.insert(it->path().lexically_normal());
  }

  // One entry of generators/transformers/validators: inline YAML, a file of
  // plugin configs, or a folder whose kustomization yields plugin configs.
  void plugin_entry(const fs::path& dir, const std::string& entry) {
    bool inline_yaml = entry.find('\n') != std::string::npos || (!entry.empty() && entry[0] == '{');
    if (inline_yaml) return plugin_text(entry, dir, "inline plugin config");
    if (is_remote_reference(entry)) return make_volatile("remote plugin config " + entry);
    std::error_code ec;
    fs::path p = (dir / entry).lexically_normal();
    if (fs::is_directory(p, ec)) return walk_folder(p, dir);
    files_.insert(p);
    if (fs::is_regular_file(p, ec)) plugin_file(p, dir);
  }

  void plugin_file(const fs::path& file, const fs::path& base) {
    std::vector<YAML::Node> docs;
    try {
      docs = YAML::LoadAllFromFile(file.string());
    } catch (const YAML::Exception&) {
      return make_volatile("cannot parse plugin config " + file.string());
    }
    for (const auto& d : docs) plugin_config(d, base);
  }

  void plugin_text(const std::string& text, const fs::path& base, const std::string& what) {
    std::vector<YAML::Node> docs;
    try {
      docs = YAML::LoadAll(text);
    } catch (const YAML::Exception&) {
      return make_volatile("cannot parse " + what);
    }
    for (const auto& d : docs) plugin_config(d, base);
  }

  // A builtin plugin is followed through its file fields; anything else runs
  // code lo cannot see into.
  void plugin_config(const YAML::Node& doc, const fs::path& base) {
    if (!doc || doc.IsNull()) return;
    if (!doc.IsMap()) return make_volatile("a plugin config is not a mapping");
    std::string api = scalar(doc["apiVersion"]).value_or("");
    std::string kind = scalar(doc["kind"]).value_or("");
    if (api != "builtin") return make_volatile("plugin " + api + "/" + kind + " runs outside kustomize");
    static const std::set<std::string> no_files = {
        "AnnotationsTransformer", "HashTransformer",          "IAMPolicyGenerator", "ImageTagTransformer",
        "LabelTransformer",       "NamespaceTransformer",     "PrefixSuffixTransformer", "PrefixTransformer",
        "SuffixTransformer",      "ReplicaCountTransformer",  "SortOrderTransformer", "ValueAddTransformer"};
    if (no_files.count(kind)) return;
    if (kind == "PatchTransformer" || kind == "PatchJson6902Transformer") {
      if (auto p = scalar(doc["path"])) local_file(base, *p);
    } else if (kind == "PatchStrategicMergeTransformer") {
      for (const auto& it : items(doc, "paths"))
        if (auto s = scalar(it)) maybe_patch_file(base, *s);
    } else if (kind == "ConfigMapGenerator" || kind == "SecretGenerator") {
      generator_sources(base, doc);
    } else if (kind == "HelmChartInflationGenerator") {
      if (auto v = scalar(doc["valuesFile"])) local_file(base, *v);
      for (const auto& it : items(doc, "additionalValuesFiles"))
        if (auto v = scalar(it)) local_file(base, *v);
      helm_chart(base / scalar(doc["chartHome"]).value_or("charts"),
                 scalar(doc["repo"]).value_or("") + "/" + scalar(doc["name"]).value_or(""));
    } else if (kind == "ReplacementTransformer") {
      for (const auto& it : items(doc, "replacements"))
        if (it.IsMap())
          if (auto p = scalar(it["path"])) local_file(base, *p);
    } else {
      make_volatile("unknown builtin plugin " + kind);
    }
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
