// Values layering (seeds, addons): values.yaml, then values.<kind>.yaml
// (lo, capi, kubeone, kkp), then values.<provider>.yaml, then the entry's
// inline values; later wins. Maps merge key by key; lists and scalars
// replace; an explicit null removes the key, so the chart's own default
// applies again (upstream's yq merge kept a null there); an empty or
// comment-only file adds nothing.
#include <yaml-cpp/yaml.h>

#include "bootstrap.hpp"
#include "lo/fs.hpp"
#include "lo/yaml_json.hpp"

namespace lo::bootstrap {
namespace fs = std::filesystem;

void merge_values(Json& base, const Json& overlay) {
  if (!overlay.is_object()) return;
  if (!base.is_object()) base = Json::object();
  for (auto it = overlay.begin(); it != overlay.end(); ++it) {
    const Json& v = it.value();
    if (v.is_null()) {
      base.erase(it.key());
    } else if (v.is_object() && base.contains(it.key()) && base[it.key()].is_object()) {
      merge_values(base[it.key()], v);
    } else if (v.is_object()) {
      Json fresh = Json::object();
      merge_values(fresh, v);  // nulls inside a new map remove nothing but are not kept either
      base[it.key()] = std::move(fresh);
    } else {
      base[it.key()] = v;
    }
  }
}

Json read_values_file(const fs::path& path, const std::string& shown) {
  constexpr size_t kMaxValuesBytes = 4 << 20;
  std::string text = read_file(path, kMaxValuesBytes);
  std::vector<Json> docs = parse_yaml_documents(text, shown);
  if (docs.empty()) return Json::object();
  if (docs.size() > 1)
    throw Error(Location{shown}, "has " + std::to_string(docs.size()) + " YAML documents; a values file is one mapping",
                "remove the '---' separators");
  if (docs[0].is_null()) return Json::object();
  if (!docs[0].is_object()) {
    int line = 0;
    try {
      line = YAML::Load(text).Mark().line + 1;
    } catch (const YAML::Exception&) {
    }
    throw Error(Location{shown, "", line}, "must be a mapping of Helm values (key: value lines), got " +
                                               std::string(docs[0].is_array() ? "a list" : "a single value"));
  }
  return docs[0];
}

std::vector<std::string> value_layer_names(const std::string& kind, const std::string& provider) {
  std::vector<std::string> names{"values.yaml"};
  if (!kind.empty()) names.push_back("values." + kind + ".yaml");
  if (!provider.empty() && provider != kind) names.push_back("values." + provider + ".yaml");
  return names;
}

Json merged_values(const Plan& plan, const Stage& stage) {
  Json merged = Json::object();
  for (const auto& f : stage.value_files) merge_values(merged, read_values_file(f, plan.ws.show(f)));
  if (stage.entry.values) merge_values(merged, *stage.entry.values);
  return merged;
}

}  // namespace lo::bootstrap
