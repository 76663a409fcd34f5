#include "lo/kustomization.hpp"

#include <yaml-cpp/yaml.h>

#include <set>

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

constexpr size_t kMaxYamlBytes = 16 << 20;

// yaml-cpp: a missing key of a const node is an "invalid" node whose type
// queries throw; this lookup returns a plain undefined node instead.
YAML::Node get(const YAML::Node& n, const char* key) {
  if (!n.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& kv : n)
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
  return YAML::Node(YAML::NodeType::Undefined);
}

std::string text_of(const YAML::Node& n) { return n.IsScalar() ? n.Scalar() : std::string(); }

// "configMapGenerator[0]" + "files" -> "configMapGenerator[0].files"; a
// plugin config file has no prefix.
std::string sub_field(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

std::string item_field(const std::string& list, size_t i) { return list + "[" + std::to_string(i) + "]"; }

// Plugin configs may be written inline: multi-line text or a flow mapping.
bool is_inline_yaml(const std::string& v) {
  return v.find('\n') != std::string::npos || (!v.empty() && v[0] == '{');
}

// A strategic merge patch entry is a file name unless it reads like YAML.
bool names_a_patch_file(const std::string& v) {
  return v.find('\n') == std::string::npos && v.find(": ") == std::string::npos;
}

// Builtin plugins that read no files.
const std::set<std::string>& builtins_without_files() {
  static const std::set<std::string> kinds = {
      "AnnotationsTransformer", "HashTransformer",         "IAMPolicyGenerator",      "ImageTagTransformer",
      "LabelTransformer",       "NamespaceTransformer",    "PrefixSuffixTransformer", "PrefixTransformer",
      "SuffixTransformer",      "ReplicaCountTransformer", "SortOrderTransformer",    "ValueAddTransformer"};
  return kinds;
}

class Reader {
 public:
  // `line`, when set, is the line every reference gets: an inline plugin
  // config's own lines do not point into the kustomization.
  Reader(KustomizeRefs& out, fs::path base, int line = 0) : out_(out), base_(std::move(base)), line_(line) {}

  void kustomization(const YAML::Node& root) {
    list(root, "", "resources", RefKind::Resource);
    list(root, "", "bases", RefKind::Resource);
    list(root, "", "components", RefKind::Component);
    list(root, "", "crds", RefKind::File);
    list(root, "", "configurations", RefKind::File);
    for (const char* key : {"patches", "patchesJson6902", "replacements"}) object_paths(root, "", key);
    patch_files(root, "", "patchesStrategicMerge");
    for (const char* key : {"configMapGenerator", "secretGenerator"}) {
      size_t i = 0;
      for (const auto& gen : sequence(root, key)) generator(gen, item_field(key, i++));
    }
    for (const char* key : {"generators", "transformers", "validators"}) {
      size_t i = 0;
      for (const auto& entry : sequence(root, key)) plugin_entry(entry, item_field(key, i++));
    }
    ref("openapi.path", get(get(root, "openapi"), "path"), RefKind::File);

    YAML::Node chart_home = get(get(root, "helmGlobals"), "chartHome");
    fs::path home = chart_home.IsScalar() ? base_ / chart_home.Scalar() : base_ / "charts";
    size_t i = 0;
    for (const auto& c : sequence(root, "helmCharts")) {
      std::string field = item_field("helmCharts", i++);
      if (!c.IsMap()) continue;
      chart(field, c, text_of(get(c, "repo")), text_of(get(c, "name")), home);
      helm_values(c, "helmCharts");
    }
    i = 0;
    for (const auto& c : sequence(root, "helmChartInflationGenerator")) {
      std::string field = item_field("helmChartInflationGenerator", i++);
      if (!c.IsMap()) continue;
      YAML::Node own_home = get(c, "chartHome");
      chart(field, c, text_of(get(c, "chartRepoUrl")), text_of(get(c, "chartName")),
            own_home.IsScalar() ? base_ / own_home.Scalar() : home);
      ref(field + ".values", get(c, "values"), RefKind::File);
    }
    ref("helmGlobals.chartHome", chart_home, RefKind::ChartHome);
  }

  // One plugin config document: builtin plugins are read through their own
  // file fields; anything else runs code lo cannot see into.
  void plugin_config(const YAML::Node& doc, const std::string& field) {
    if (!doc.IsDefined() || doc.IsNull()) return;
    if (!doc.IsMap()) return opaque("a plugin config is not a mapping");
    std::string api = text_of(get(doc, "apiVersion"));
    std::string kind = text_of(get(doc, "kind"));
    if (api != "builtin") return opaque("plugin " + api + "/" + kind + " runs outside kustomize");
    if (builtins_without_files().count(kind)) return;
    if (kind == "PatchTransformer" || kind == "PatchJson6902Transformer") {
      ref(sub_field(field, "path"), get(doc, "path"), RefKind::File);
    } else if (kind == "PatchStrategicMergeTransformer") {
      patch_files(doc, field, "paths");
    } else if (kind == "ConfigMapGenerator" || kind == "SecretGenerator") {
      generator(doc, field);
    } else if (kind == "HelmChartInflationGenerator") {
      YAML::Node own_home = get(doc, "chartHome");
      chart(field, doc, text_of(get(doc, "repo")), text_of(get(doc, "name")),
            base_ / (own_home.IsScalar() ? own_home.Scalar() : std::string("charts")));
      helm_values(doc, field);
    } else if (kind == "ReplacementTransformer") {
      object_paths(doc, field, "replacements");
    } else {
      opaque("unknown builtin plugin " + kind);
    }
  }

 private:
  KustomizeRefs& out_;
  fs::path base_;
  int line_;

  void opaque(std::string why) { out_.opaque.push_back(std::move(why)); }
  int line_of(const YAML::Node& n) const { return line_ ? line_ : n.Mark().line + 1; }

  static std::vector<YAML::Node> sequence(const YAML::Node& map, const char* key) {
    std::vector<YAML::Node> items;
    if (auto n = get(map, key); n.IsSequence())
      for (const auto& item : n) items.push_back(item);
    return items;
  }

  // A scalar naming a file or folder. `keyed`: the value may be written
  // "key=path" (a generator's files).
  void ref(const std::string& field, const YAML::Node& n, RefKind kind, bool keyed = false) {
    if (!n.IsScalar() || n.Scalar().empty()) return;
    const std::string& value = n.Scalar();
    std::string path = value;
    if (size_t eq = value.find('='); keyed && eq != std::string::npos) path = value.substr(eq + 1);
    KustomizationRef r{field, value, (base_ / path).lexically_normal(), kind, line_of(n)};
    if (is_remote_reference(path)) {
      out_.remote.push_back(path);
      out_.fetched.push_back(std::move(r));
    } else {
      out_.local.push_back(std::move(r));
    }
  }

  void list(const YAML::Node& map, const std::string& prefix, const char* key, RefKind kind, bool keyed = false) {
    std::string field = sub_field(prefix, key);
    size_t i = 0;
    for (const auto& item : sequence(map, key)) ref(item_field(field, i++), item, kind, keyed);
  }

  // Entries that are objects with a `path` field (patches, replacements, ...).
  void object_paths(const YAML::Node& map, const std::string& prefix, const char* key) {
    std::string field = sub_field(prefix, key);
    size_t i = 0;
    for (const auto& item : sequence(map, key)) ref(item_field(field, i++) + ".path", get(item, "path"), RefKind::File);
  }

  void patch_files(const YAML::Node& map, const std::string& prefix, const char* key) {
    std::string field = sub_field(prefix, key);
    size_t i = 0;
    for (const auto& item : sequence(map, key)) {
      std::string item_name = item_field(field, i++);
      if (item.IsScalar() && names_a_patch_file(item.Scalar())) ref(item_name, item, RefKind::Patch);
    }
  }

  // configMapGenerator/secretGenerator entries and the builtin plugins of
  // the same shape.
  void generator(const YAML::Node& gen, const std::string& field) {
    if (!gen.IsMap()) return;
    list(gen, field, "files", RefKind::File, true);
    list(gen, field, "envs", RefKind::File);
    ref(sub_field(field, "env"), get(gen, "env"), RefKind::File);
  }

  void helm_values(const YAML::Node& chart, const std::string& prefix) {
    ref(sub_field(prefix, "valuesFile"), get(chart, "valuesFile"), RefKind::File);
    for (const auto& f : sequence(chart, "additionalValuesFiles"))
      ref(sub_field(prefix, "additionalValuesFiles"), f, RefKind::File);
  }

  void chart(const std::string& field, const YAML::Node& at, const std::string& repo, const std::string& name,
             const fs::path& home) {
    HelmChart c{field, repo, name, home, {}, line_of(at)};
    std::string id = c.id();
    if (std::string last = id.substr(id.rfind('/') + 1); !last.empty()) c.folder = (home / last).lexically_normal();
    out_.remote.push_back("helm:" + id);
    out_.charts.push_back(std::move(c));
  }

  // generators/transformers/validators: a file or folder of plugin configs,
  // or the configs themselves written inline.
  void plugin_entry(const YAML::Node& entry, const std::string& field) {
    if (!entry.IsScalar()) return;
    if (!is_inline_yaml(entry.Scalar())) return ref(field, entry, RefKind::PluginConfig);
    std::vector<YAML::Node> docs;
    try {
      docs = YAML::LoadAll(entry.Scalar());
    } catch (const YAML::Exception&) {
      return opaque("cannot parse inline plugin config");
    }
    Reader in_place(out_, base_, line_of(entry));
    for (const auto& doc : docs) in_place.plugin_config(doc, field);
  }
};

Kustomization failed(Kustomization k, KustomizationFailure why, Problem problem) {
  KustomizeRefs& refs = k;
  refs = KustomizeRefs{};
  k.failure = why;
  k.problem = std::move(problem);
  return k;
}

}  // namespace

Kustomization scan_kustomization(const fs::path& dir, const std::string& shown_dir) {
  Kustomization k;
  auto file = find_kustomization_file(dir);
  if (!file)
    return failed(std::move(k), KustomizationFailure::Missing,
                  Problem{Severity::Error, Location{shown_dir}, "has no kustomization.yaml",
                          "every target (and every folder it lists under resources) needs a kustomization.yaml"});
  k.file = *file;
  std::string shown = shown_dir + "/" + file->filename().string();
  try {
    YAML::Node root = YAML::Load(read_file(*file, kMaxYamlBytes));
    if (root.IsNull()) return k;
    if (!root.IsMap())
      return failed(std::move(k), KustomizationFailure::NotAMapping,
                    Problem{Severity::Error, Location{shown}, "must be a mapping", ""});
    Reader(k, dir).kustomization(root);
  } catch (const YAML::Exception& e) {
    return failed(std::move(k), KustomizationFailure::Unreadable,
                  Problem{Severity::Error, Location{shown, "", e.mark.line + 1, e.mark.column + 1},
                          "invalid YAML: " + e.msg, ""});
  } catch (const Error& e) {
    return failed(std::move(k), KustomizationFailure::Unreadable, e.problems().front());
  }
  return k;
}

Kustomization read_kustomization(const fs::path& dir, const std::string& shown_dir) {
  Kustomization k = scan_kustomization(dir, shown_dir);
  if (k.failure != KustomizationFailure::None) throw Error(k.problem.where, k.problem.what, k.problem.hint);
  return k;
}

KustomizeRefs read_plugin_configs(const fs::path& file, const fs::path& base) {
  KustomizeRefs out;
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(read_file(file, kMaxYamlBytes));
    Reader reader(out, base);
    for (const auto& doc : docs) reader.plugin_config(doc, "");
  } catch (const std::exception&) {  // YAML::Exception, lo::Error (cannot read)
    out.opaque.push_back("cannot parse plugin config " + file.string());
  }
  return out;
}

}  // namespace lo
