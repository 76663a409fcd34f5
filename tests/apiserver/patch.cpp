#include "patch.hpp"

#include "api_error.hpp"

#include <algorithm>

namespace lotest {

json applyMergePatch(const json& target, const json& patch) {
  json out = target;
  out.merge_patch(patch);
  return out;
}

json applyJsonPatch(const json& target, const json& patch) {
  if (!patch.is_array()) throw badRequest("json patch must be an array of operations");
  for (const auto& op : patch)
    if (!op.is_object() || !op.contains("op") || !op.contains("path"))
      throw badRequest("json patch operations need \"op\" and \"path\"");
  try {
    return target.patch(patch);
  } catch (const json::exception& e) {
    throw ApiError(422, "Invalid", std::string("the json patch could not be applied: ") + e.what());
  }
}

namespace {

const std::string kOrderPrefix = "$setElementOrder/";
const std::string kDeletePrefix = "$deleteFromPrimitiveList/";

bool startsWith(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

json withoutDirectives(const json& v) {
  if (!v.is_object()) return v;
  json out = json::object();
  for (const auto& [k, child] : v.items())
    if (k.empty() || k[0] != '$') out[k] = withoutDirectives(child);
  return out;
}

json mergeObject(const json& target, const json& patch, const Shape& shape, bool* deleteMe);

json mergeList(const json& target, const json& patch, const Shape& shape) {
  for (const auto& item : patch)
    if (item.is_object() && item.value("$patch", "") == "replace") {
      json out = json::array();
      for (const auto& i : patch)
        if (!(i.is_object() && i.value("$patch", "") == "replace")) out.push_back(withoutDirectives(i));
      return out;
    }
  std::vector<std::string> keys;
  json probe = json::array();
  for (const auto& i : patch) probe.push_back(withoutDirectives(i));
  if (!target.is_array() || shape.listType(probe, &keys) != Shape::ListType::Map ||
      (!target.empty() && shape.listType(target, &keys) != Shape::ListType::Map))
    return probe;

  json out = target;
  Shape itemShape = shape.item();
  for (const auto& item : patch) {
    std::string key = keyElement(item, keys);
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const json& t) { return keyElement(t, keys) == key; });
    if (item.value("$patch", "") == "delete") {
      if (it != out.end()) out.erase(it);
      continue;
    }
    if (it == out.end()) {
      out.push_back(withoutDirectives(item));
    } else {
      bool drop = false;
      *it = mergeObject(*it, item, itemShape, &drop);
      if (drop) out.erase(it);
    }
  }
  return out;
}

json mergeObject(const json& target, const json& patch, const Shape& shape, bool* deleteMe) {
  if (!patch.is_object()) return patch;
  std::string directive = patch.value("$patch", "");
  if (directive == "delete") {
    *deleteMe = true;
    return nullptr;
  }
  if (directive == "replace" || !target.is_object()) return withoutDirectives(patch);

  json out = target;
  for (const auto& [k, v] : patch.items()) {
    if (startsWith(k, kDeletePrefix)) {
      std::string field = k.substr(kDeletePrefix.size());
      if (out.contains(field) && out[field].is_array() && v.is_array()) {
        json kept = json::array();
        for (const auto& x : out[field])
          if (std::find(v.begin(), v.end(), x) == v.end()) kept.push_back(x);
        out[field] = kept;
      }
      continue;
    }
    if (k.empty() || k[0] == '$') continue;  // $setElementOrder, $retainKeys, $patch
    if (v.is_null()) {
      out.erase(k);
    } else if (v.is_object()) {
      bool drop = false;
      json merged = mergeObject(out.contains(k) ? out[k] : json(nullptr), v, shape.child(k), &drop);
      if (drop)
        out.erase(k);
      else
        out[k] = merged;
    } else if (v.is_array()) {
      out[k] = mergeList(out.contains(k) ? out[k] : json(nullptr), v, shape.child(k));
    } else {
      out[k] = v;
    }
  }
  if (patch.contains("$retainKeys") && patch["$retainKeys"].is_array()) {
    const json& keep = patch["$retainKeys"];
    for (auto it = out.begin(); it != out.end();) {
      if (std::find(keep.begin(), keep.end(), json(it.key())) == keep.end())
        it = out.erase(it);
      else
        ++it;
    }
  }
  return out;
}

}  // namespace

json applyStrategicMergePatch(const json& target, const json& patch, const Shape& shape) {
  if (!patch.is_object()) throw badRequest("a strategic merge patch must be a JSON object");
  bool drop = false;
  json out = mergeObject(target, patch, shape, &drop);
  if (drop) throw badRequest("a strategic merge patch cannot delete the whole object");
  return out;
}

}  // namespace lotest
