#include "lo/object_diff.hpp"

#include <map>

#include "lo/yaml_json.hpp"

namespace lo {
namespace {

const char* kMask = "***";
const char* kMaskBefore = "*** (before)";
const char* kMaskAfter = "*** (after)";
const char* kLastApplied = "kubectl.kubernetes.io/last-applied-configuration";

Json sorted(const Json& v) {
  if (v.is_object()) {
    std::map<std::string, const Json*> keys;
    for (auto it = v.begin(); it != v.end(); ++it) keys.emplace(it.key(), &it.value());
    Json out = Json::object();
    for (const auto& [k, child] : keys) out[k] = sorted(*child);
    return out;
  }
  if (v.is_array()) {
    Json out = Json::array();
    for (const auto& item : v) out.push_back(sorted(item));
    return out;
  }
  return v;
}

bool is_secret(const Json& o) {
  return o.is_object() && o.value("apiVersion", "") == "v1" && o.value("kind", "") == "Secret";
}

// kubectl's Masker on one map of values: a key on both sides with different
// values gets before/after, every other key "***".
void mask_map(Json* from, Json* to) {
  bool has_from = from && from->is_object(), has_to = to && to->is_object();
  if (has_from) {
    for (auto it = from->begin(); it != from->end(); ++it) {
      if (has_to && to->contains(it.key())) {
        Json& other = (*to)[it.key()];
        if (other != it.value()) {
          other = kMaskAfter;
          it.value() = kMaskBefore;
          continue;
        }
        other = kMask;
      }
      it.value() = kMask;
    }
  }
  if (has_to)
    for (auto it = to->begin(); it != to->end(); ++it)
      if (!has_from || !from->contains(it.key())) it.value() = kMask;
}

Json* child(Json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

// The last-applied annotation as a one-key map, masked like data.
void mask_last_applied(Json& before, Json& after) {
  auto annotations = [](Json& o) -> Json* {
    Json* meta = child(o, "metadata");
    return meta ? child(*meta, "annotations") : nullptr;
  };
  Json* a = annotations(before);
  Json* b = annotations(after);
  Json fa = Json::object(), fb = Json::object();
  bool in_a = a && a->is_object() && a->contains(kLastApplied);
  bool in_b = b && b->is_object() && b->contains(kLastApplied);
  if (!in_a && !in_b) return;
  if (in_a) fa[kLastApplied] = (*a)[kLastApplied];
  if (in_b) fb[kLastApplied] = (*b)[kLastApplied];
  mask_map(&fa, &fb);
  if (in_a) (*a)[kLastApplied] = fa[kLastApplied];
  if (in_b) (*b)[kLastApplied] = fb[kLastApplied];
}

}  // namespace

Json diffable(const Json& object) {
  if (!object.is_object()) return object;
  Json j = object;
  j.erase("status");
  if (Json* meta = child(j, "metadata"); meta && meta->is_object()) {
    for (const char* k : {"managedFields", "resourceVersion", "generation", "uid", "creationTimestamp",
                          "deletionTimestamp"})
      meta->erase(k);
  }
  return sorted(j);
}

void mask_secret_values(Json& before, Json& after) {
  bool b = is_secret(before), a = is_secret(after);
  if (!b && !a) return;
  for (const char* field : {"data", "stringData"}) mask_map(b ? child(before, field) : nullptr, a ? child(after, field) : nullptr);
  mask_last_applied(before, after);
}

std::string diff_name(const Json& object) {
  const Json& meta = object.contains("metadata") ? object["metadata"] : Json::object();
  std::string api = object.value("apiVersion", "");
  for (auto& c : api)
    if (c == '/') c = '.';
  std::string ns = meta.is_object() ? meta.value("namespace", "") : "";
  return api + "." + object.value("kind", "") + (ns.empty() ? "" : "." + ns) + "." +
         (meta.is_object() ? meta.value("name", "") : "");
}

std::string object_diff(const Json& before, const Json& after, DiffCounts* counts) {
  Json b = before.is_null() ? before : diffable(before);
  Json a = after.is_null() ? after : diffable(after);
  mask_secret_values(b, a);
  std::string name = diff_name(a.is_null() ? b : a);
  return unified_diff(b.is_null() ? "" : json_to_yaml(b), a.is_null() ? "" : json_to_yaml(a),
                      b.is_null() ? "/dev/null" : "live/" + name, a.is_null() ? "/dev/null" : "merged/" + name, 3,
                      counts);
}

}  // namespace lo
