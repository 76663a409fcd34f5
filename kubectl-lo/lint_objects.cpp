#include "lint_objects.hpp"

#include <yaml-cpp/yaml.h>

#include "lo/fs.hpp"
#include "lo/yaml_load.hpp"

namespace lo::cmd {
namespace {

constexpr size_t kMaxResourceBytes = 64 << 20;
constexpr const char* kNameLabel = "lok8s.dev/name";
constexpr const char* kTypeLabel = "lok8s.dev/type";

int line_of(const YAML::Node& n) { return n.Mark().is_null() ? 0 : n.Mark().line + 1; }

// The line of `key` in `map` (the key's own line), else of the map.
int key_line(const YAML::Node& map, const std::string& key) {
  for (const auto& kv : map)
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return line_of(kv.first);
  return line_of(map);
}

std::string scalar(const YAML::Node& n) { return n && n.IsScalar() ? n.Scalar() : std::string(); }

void add_keys(const YAML::Node& map, std::set<std::string>& keys) {
  if (!map || !map.IsMap()) return;
  for (const auto& kv : map)
    if (kv.first.IsScalar()) keys.insert(kv.first.Scalar());
}

// "Deployment hello/web" (namespace when written).
std::string object_name(const YAML::Node& doc) {
  std::string kind = scalar(doc["kind"]);
  std::string name, ns;
  if (auto m = doc["metadata"]; m && m.IsMap()) {
    name = scalar(m["name"]);
    ns = scalar(m["namespace"]);
  }
  return (kind.empty() ? "object" : kind) + " " + (ns.empty() ? "" : ns + "/") + (name.empty() ? "(no name)" : name);
}

void check_object(const YAML::Node& doc, const std::string& shown, const std::set<std::string>& inherited,
                  std::vector<Problem>& out) {
  std::string what = object_name(doc);
  std::set<std::string> labels = inherited;
  YAML::Node metadata = doc["metadata"];
  if (metadata && metadata.IsMap()) add_keys(metadata["labels"], labels);
  if (!labels.count(kNameLabel) && !labels.count(kTypeLabel)) {
    int line = metadata && metadata.IsMap() ? key_line(metadata, metadata["labels"] ? "labels" : "name") : line_of(doc);
    out.push_back(Problem{Severity::Warning, Location{shown, "metadata.labels", line},
                          what + " has neither " + kNameLabel + " nor " + kTypeLabel +
                              ": the Tilt extension cannot route it to a service or a system type (a leftover there)",
                          std::string("label it ") + kNameLabel + ": <service> or " + kTypeLabel +
                              ": <type>, on the object or with the kustomization's labels: pairs"});
  }
  if (scalar(doc["kind"]) != "Secret") return;
  for (const char* field : {"data", "stringData"}) {
    YAML::Node values = doc[field];
    if (!values || !values.IsMap() || values.size() == 0) continue;
    out.push_back(Problem{Severity::Warning, Location{shown, field, key_line(doc, field)},
                          what + " holds " + field + " in plain text in the target's sources" +
                              (std::string(field) == "data" ? " (base64 is no encryption)" : ""),
                          "keep credentials out of git: a secretGenerator reading a file that .gitignore lists, or "
                          "an encrypted Secret (SOPS, Sealed Secrets, External Secrets)"});
  }
}

}  // namespace

std::set<std::string> kustomization_label_keys(const std::filesystem::path& kustomization_file) {
  std::set<std::string> keys;
  try {
    YAML::Node root = YAML::Load(read_file(kustomization_file, kMaxResourceBytes));
    if (!root.IsMap()) return keys;
    add_keys(root["commonLabels"], keys);
    if (auto labels = root["labels"]; labels && labels.IsSequence())
      for (const auto& entry : labels)
        if (entry.IsMap()) add_keys(entry["pairs"], keys);
  } catch (const std::exception&) {
    // read_kustomization, which runs first, reports the file.
  }
  return keys;
}

void lint_resource_file(const std::filesystem::path& file, const std::string& shown, const std::set<std::string>& labels,
                        std::vector<Problem>& out) {
  std::vector<YAML::Node> docs;
  try {
    docs = load_all(read_file(file, kMaxResourceBytes));
  } catch (const YAML::Exception& e) {
    out.push_back(Problem{Severity::Error, Location{shown, {}, e.mark.is_null() ? 0 : e.mark.line + 1},
                          "is not valid YAML: " + e.msg, "kustomize cannot build the target until it is fixed"});
    return;
  } catch (const Error& e) {
    for (const auto& p : e.problems()) out.push_back(p);
    return;
  }
  for (const auto& doc : docs) {
    if (!doc.IsMap()) continue;
    // A List (kind: List, v1 ...List) carries its objects under items.
    if (std::string kind = scalar(doc["kind"]); kind.size() >= 4 && kind.compare(kind.size() - 4, 4, "List") == 0 &&
                                                doc["items"] && doc["items"].IsSequence()) {
      for (const auto& item : doc["items"])
        if (item.IsMap()) check_object(item, shown, labels, out);
      continue;
    }
    check_object(doc, shown, labels, out);
  }
}

}  // namespace lo::cmd
