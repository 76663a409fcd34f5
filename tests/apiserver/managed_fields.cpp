#include "managed_fields.hpp"

#include "api_error.hpp"

#include <algorithm>
#include <map>

namespace lotest {

bool ManagerEntry::sameIdentity(const ManagerEntry& o) const {
  if (manager != o.manager || operation != o.operation || subresource != o.subresource)
    return false;
  return operation == "Apply" || apiVersion == o.apiVersion;
}

std::string ManagerEntry::describe() const {
  std::string out = json(manager).dump();
  if (!subresource.empty()) out += " with subresource " + json(subresource).dump();
  if (operation == "Update") {
    out += " using " + apiVersion;
    if (!time.empty()) out += " at " + time;
  }
  return out;
}

Managers decodeManagedFields(const json& obj) {
  Managers out;
  auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->is_object()) return out;
  auto list = meta->find("managedFields");
  if (list == meta->end() || !list->is_array()) return out;
  for (const auto& e : *list) {
    if (!e.is_object() || e.value("manager", "").empty()) continue;
    ManagerEntry m;
    m.manager = e.value("manager", "");
    m.operation = e.value("operation", "Update");
    m.apiVersion = e.value("apiVersion", "");
    m.time = e.value("time", "");
    m.subresource = e.value("subresource", "");
    if (e.contains("fieldsV1")) m.fields = FieldSet::fromJson(e["fieldsV1"]);
    m.fields.member = false;
    out.push_back(std::move(m));
  }
  return out;
}

void encodeManagedFields(json& obj, Managers managers) {
  for (auto& m : managers) m.fields.prune(obj);
  managers.erase(std::remove_if(managers.begin(), managers.end(),
                                [](const ManagerEntry& m) { return m.fields.empty(); }),
                 managers.end());
  std::stable_sort(managers.begin(), managers.end(), [](const ManagerEntry& p, const ManagerEntry& q) {
    if (p.operation != q.operation) return p.operation < q.operation;
    if (p.time != q.time) return p.time < q.time;
    if (p.manager != q.manager) return p.manager < q.manager;
    if (p.apiVersion != q.apiVersion) return p.apiVersion < q.apiVersion;
    return p.subresource < q.subresource;
  });
  json& meta = obj["metadata"];
  if (managers.empty()) {
    meta.erase("managedFields");
    return;
  }
  json list = json::array();
  for (const auto& m : managers) {
    json e = {{"manager", m.manager},
              {"operation", m.operation},
              {"apiVersion", m.apiVersion},
              {"time", m.time},
              {"fieldsType", "FieldsV1"},
              {"fieldsV1", m.fields.toJson()}};
    if (!m.subresource.empty()) e["subresource"] = m.subresource;
    list.push_back(std::move(e));
  }
  meta["managedFields"] = std::move(list);
}

namespace {

// Merges `applied` into `live`: maps field by field, keyed lists item by
// item, sets by value; anything else is replaced.
json mergeApplied(const json& live, const json& applied, const Shape& shape) {
  if (live.is_object() && applied.is_object() && !shape.atomicMap()) {
    json out = live;
    for (const auto& [k, v] : applied.items()) {
      auto it = live.find(k);
      out[k] = it == live.end() ? v : mergeApplied(*it, v, shape.child(k));
    }
    return out;
  }
  if (live.is_array() && applied.is_array()) {
    std::vector<std::string> keys, liveKeys;
    auto type = shape.listType(applied, &keys);
    auto liveType = live.empty() ? type : shape.listType(live, &liveKeys);
    if (type == liveType && type == Shape::ListType::Map) {
      json out = live;
      std::map<std::string, size_t> index;
      for (size_t i = 0; i < out.size(); ++i) index[keyElement(out[i], keys)] = i;
      for (const auto& item : applied) {
        auto it = index.find(keyElement(item, keys));
        if (it == index.end())
          out.push_back(item);
        else
          out[it->second] = mergeApplied(out[it->second], item, shape.item());
      }
      return out;
    }
    if (type == liveType && type == Shape::ListType::Set) {
      json out = live;
      for (const auto& item : applied)
        if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
      return out;
    }
  }
  return applied;
}

// The part of the applied configuration that is merged into the object.
json mergeablePart(const json& applied, Scope scope, bool hasStatus) {
  if (scope == Scope::Status) {
    json out = json::object();
    if (applied.contains("status")) out["status"] = applied["status"];
    return out;
  }
  json out = applied;
  if (hasStatus) out.erase("status");
  return out;
}

// Key fields of a list item stay as long as the item does.
bool isItemKey(const Path& p) {
  if (p.size() < 2 || p.back().rfind("f:", 0) != 0 || p[p.size() - 2].rfind("k:", 0) != 0)
    return false;
  json key = json::parse(p[p.size() - 2].substr(2), nullptr, false);
  return key.is_object() && key.contains(p.back().substr(2));
}

struct Conflict {
  size_t manager;
  Path path;
};

ApiError applyConflict(const std::vector<Conflict>& conflicts, const Managers& managers) {
  json causes = json::array();
  for (const auto& c : conflicts)
    causes.push_back({{"type", "FieldManagerConflict"},
                      {"message", "conflict with " + managers[c.manager].describe()},
                      {"field", pathString(c.path)}});
  std::string message;
  if (conflicts.size() == 1) {
    message = "Apply failed with 1 conflict: conflict with " +
              managers[conflicts[0].manager].describe() + ": " + pathString(conflicts[0].path);
  } else {
    std::map<std::string, std::vector<std::string>> byManager;
    for (const auto& c : conflicts)
      byManager[managers[c.manager].describe()].push_back(pathString(c.path));
    std::string lines;
    for (const auto& [who, paths] : byManager) {
      lines += (lines.empty() ? "" : "\n") + std::string("conflicts with ") + who + ":";
      for (const auto& p : paths) lines += "\n- " + p;
    }
    message = "Apply failed with " + std::to_string(conflicts.size()) + " conflicts: " + lines;
  }
  return ApiError(409, "Conflict", message, json{{"causes", causes}});
}

}  // namespace

json serverSideApply(const ApplyRequest& req, Managers& managers) {
  ManagerEntry self{req.manager, "Apply", req.apiVersion, req.now,
                    req.scope == Scope::Status ? "status" : "", {}};
  json tracked = trackedPart(req.applied, req.scope, req.hasStatus);
  FieldSet newSet;
  if (!tracked.empty()) collectFields(tracked, req.shape, newSet);
  newSet.member = false;

  auto selfIt = std::find_if(managers.begin(), managers.end(),
                             [&](const ManagerEntry& m) { return m.sameIdentity(self); });
  FieldSet oldSet = selfIt == managers.end() ? FieldSet{} : selfIt->fields;
  auto isSelf = [&](size_t i) { return selfIt != managers.end() && &managers[i] == &*selfIt; };

  std::vector<Conflict> conflicts;
  if (req.live) {
    newSet.forEachMember([&](const Path& p, const FieldSet& node) {
      if (!node.children.empty()) return;  // a list item: its fields are compared instead
      for (size_t i = 0; i < managers.size(); ++i) {
        if (isSelf(i) || !managers[i].fields.has(p)) continue;
        const json* mine = lookup(tracked, p);
        const json* theirs = lookup(*req.live, p);
        if (!mine || !theirs || *mine != *theirs) conflicts.push_back({i, p});
      }
    });
  }
  if (!conflicts.empty()) {
    if (!req.force) throw applyConflict(conflicts, managers);
    for (const auto& c : conflicts) managers[c.manager].fields.remove(c.path);
  }

  json part = mergeablePart(req.applied, req.scope, req.hasStatus);
  json out = req.live ? mergeApplied(*req.live, part, req.shape) : part;

  oldSet.minus(newSet).forEachMember([&](const Path& p, const FieldSet&) {
    if (isItemKey(p)) return;
    for (size_t i = 0; i < managers.size(); ++i)
      if (!isSelf(i) && managers[i].fields.hasAtOrBelow(p)) return;
    erasePath(out, p);
  });

  if (selfIt != managers.end()) {
    selfIt->fields = std::move(newSet);
    selfIt->time = req.now;
    selfIt->apiVersion = req.apiVersion;
  } else {
    self.fields = std::move(newSet);
    managers.push_back(std::move(self));
  }
  return out;
}

void trackUpdate(const json* live, const json& next, const Shape& shape, Scope scope,
                 bool hasStatus, const ManagerEntry& who, Managers& managers) {
  json after = trackedPart(next, scope, hasStatus);
  FieldSet changed;
  if (live) {
    json before = trackedPart(*live, scope, hasStatus);
    collectChanged(&before, after, shape, changed);
  } else if (!after.empty()) {
    collectFields(after, shape, changed);
  }
  changed.member = false;
  if (changed.empty()) return;

  for (auto& m : managers) {
    if (m.sameIdentity(who)) continue;
    changed.forEachMember([&](const Path& p, const FieldSet&) { m.fields.remove(p); });
  }
  auto it = std::find_if(managers.begin(), managers.end(),
                         [&](const ManagerEntry& m) { return m.sameIdentity(who); });
  if (it == managers.end()) {
    managers.push_back(who);
    it = managers.end() - 1;
    it->fields = FieldSet{};
  }
  it->fields.unite(changed);
  it->time = who.time;
}

}  // namespace lotest
