#include "fieldset.hpp"

#include <set>

namespace lotest {
namespace {

const std::set<std::string> kContainerLists = {"containers", "initContainers",
                                               "ephemeralContainers"};
const std::set<std::string> kSelectorFields = {"selector", "labelSelector", "namespaceSelector",
                                               "objectSelector"};

// Built-in lists that merge by key, by the name of the field holding them.
bool builtinListKeys(const std::string& field, const std::string& parent,
                     std::vector<std::string>* keys) {
  static const std::map<std::string, std::vector<std::string>> byName = {
      {"containers", {"name"}},
      {"initContainers", {"name"}},
      {"ephemeralContainers", {"name"}},
      {"volumes", {"name"}},
      {"env", {"name"}},
      {"imagePullSecrets", {"name"}},
      {"volumeMounts", {"mountPath"}},
      {"volumeDevices", {"devicePath"}},
      {"conditions", {"type"}},
      {"ownerReferences", {"uid"}},
      {"hostAliases", {"ip"}},
      {"resourceClaims", {"name"}},
      {"topologySpreadConstraints", {"topologyKey", "whenUnsatisfiable"}},
  };
  if (field == "ports") {
    *keys = kContainerLists.count(parent) ? std::vector<std::string>{"containerPort", "protocol"}
                                          : std::vector<std::string>{"port", "protocol"};
    return true;
  }
  auto it = byName.find(field);
  if (it == byName.end()) return false;
  *keys = it->second;
  return true;
}

// The value of key field `k` of a list item; ports default their protocol.
const json* keyValue(const json& item, const std::string& k) {
  static const json tcp = "TCP";
  auto it = item.find(k);
  if (it != item.end()) return &*it;
  return k == "protocol" ? &tcp : nullptr;
}

bool itemMatchesKey(const json& item, const json& key) {
  if (!item.is_object()) return false;
  for (const auto& [k, v] : key.items()) {
    const json* mine = keyValue(item, k);
    if (!mine || *mine != v) return false;
  }
  return true;
}

// One step down a path; null when the element does not exist in `v`.
const json* step(const json& v, const std::string& elem) {
  if (elem.size() < 2 || elem[1] != ':') return nullptr;
  const std::string rest = elem.substr(2);
  switch (elem[0]) {
    case 'f': {
      if (!v.is_object()) return nullptr;
      auto it = v.find(rest);
      return it == v.end() ? nullptr : &*it;
    }
    case 'k': {
      if (!v.is_array()) return nullptr;
      json key = json::parse(rest, nullptr, false);
      for (const auto& item : v)
        if (itemMatchesKey(item, key)) return &item;
      return nullptr;
    }
    case 'v': {
      if (!v.is_array()) return nullptr;
      json val = json::parse(rest, nullptr, false);
      for (const auto& item : v)
        if (item == val) return &item;
      return nullptr;
    }
    case 'i': {
      if (!v.is_array() || rest.empty() || rest.size() > 9 ||
          rest.find_first_not_of("0123456789") != std::string::npos)
        return nullptr;
      size_t i = std::stoul(rest);
      return i < v.size() ? &v[i] : nullptr;
    }
  }
  return nullptr;
}

}  // namespace

Shape Shape::child(const std::string& field) const {
  // Object metadata is the same everywhere, custom resources included.
  if (builtin_ || (field_.empty() && parent_.empty() && field == "metadata"))
    return Shape(nullptr, true, field, field_);
  const json* next = nullptr;
  if (schema_ && schema_->is_object()) {
    auto props = schema_->find("properties");
    if (props != schema_->end() && props->contains(field)) {
      next = &(*props)[field];
    } else {
      auto extra = schema_->find("additionalProperties");
      if (extra != schema_->end() && extra->is_object()) next = &*extra;
    }
  }
  return Shape(next, false, field, field_);
}

Shape Shape::item() const {
  if (builtin_) return Shape(nullptr, true, field_, parent_);
  const json* next = nullptr;
  if (schema_ && schema_->is_object() && schema_->contains("items")) next = &(*schema_)["items"];
  return Shape(next, false, field_, parent_);
}

Shape::ListType Shape::declaredListType(std::vector<std::string>* keys) const {
  if (builtin_) {
    if (field_ == "finalizers" && parent_ == "metadata") return ListType::Set;
    return builtinListKeys(field_, parent_, keys) ? ListType::Map : ListType::Atomic;
  }
  if (!schema_ || !schema_->is_object()) return ListType::Atomic;
  std::string type = schema_->value("x-kubernetes-list-type", "atomic");
  if (type == "set") return ListType::Set;
  if (type == "map") {
    for (const auto& k : schema_->value("x-kubernetes-list-map-keys", json::array()))
      keys->push_back(k.get<std::string>());
    return keys->empty() ? ListType::Atomic : ListType::Map;
  }
  return ListType::Atomic;
}

Shape::ListType Shape::listType(const json& list, std::vector<std::string>* keys) const {
  keys->clear();
  ListType t = declaredListType(keys);
  std::set<std::string> seen;
  for (const auto& item : list) {
    std::string id;
    if (t == ListType::Map) {
      if (!item.is_object()) return ListType::Atomic;
      for (const auto& k : *keys)
        if (!keyValue(item, k)) return ListType::Atomic;
      id = keyElement(item, *keys);
    } else if (t == ListType::Set) {
      if (item.is_object() || item.is_array()) return ListType::Atomic;
      id = item.dump();
    } else {
      return t;
    }
    if (!seen.insert(id).second) return ListType::Atomic;
  }
  return t;
}

bool Shape::atomicMap() const {
  if (builtin_) return kSelectorFields.count(field_) > 0;
  return schema_ && schema_->is_object() &&
         schema_->value("x-kubernetes-map-type", "") == "atomic";
}

std::string keyElement(const json& item, const std::vector<std::string>& keys) {
  json key = json::object();
  for (const auto& k : keys)
    if (const json* v = keyValue(item, k)) key[k] = *v;
  return "k:" + key.dump();
}

void FieldSet::insert(const Path& p) {
  FieldSet* node = this;
  for (const auto& e : p) node = &node->children[e];
  node->member = true;
}

bool FieldSet::has(const Path& p) const {
  const FieldSet* node = this;
  for (const auto& e : p) {
    auto it = node->children.find(e);
    if (it == node->children.end()) return false;
    node = &it->second;
  }
  return node->member;
}

bool FieldSet::hasAtOrBelow(const Path& p) const {
  const FieldSet* node = this;
  for (const auto& e : p) {
    auto it = node->children.find(e);
    if (it == node->children.end()) return false;
    node = &it->second;
  }
  return !node->empty();
}

namespace {
void removeAt(FieldSet& node, const Path& p, size_t i) {
  if (i == p.size()) {
    node.member = false;
    return;
  }
  auto it = node.children.find(p[i]);
  if (it == node.children.end()) return;
  removeAt(it->second, p, i + 1);
  if (it->second.empty()) node.children.erase(it);
}

void walkMembers(const FieldSet& node, Path& prefix,
                 const std::function<void(const Path&, const FieldSet&)>& fn) {
  if (node.member) fn(prefix, node);
  for (const auto& [e, child] : node.children) {
    prefix.push_back(e);
    walkMembers(child, prefix, fn);
    prefix.pop_back();
  }
}

void pruneNode(FieldSet& node, const json& value) {
  for (auto it = node.children.begin(); it != node.children.end();) {
    const json* next = step(value, it->first);
    if (next) pruneNode(it->second, *next);
    if (!next || it->second.empty())
      it = node.children.erase(it);
    else
      ++it;
  }
}
}  // namespace

void FieldSet::remove(const Path& p) { removeAt(*this, p, 0); }

void FieldSet::unite(const FieldSet& other) {
  member = member || other.member;
  for (const auto& [e, child] : other.children) children[e].unite(child);
}

FieldSet FieldSet::minus(const FieldSet& other) const {
  FieldSet out;
  out.member = member && !other.member;
  static const FieldSet none;
  for (const auto& [e, child] : children) {
    auto it = other.children.find(e);
    FieldSet sub = child.minus(it == other.children.end() ? none : it->second);
    if (!sub.empty()) out.children[e] = std::move(sub);
  }
  return out;
}

void FieldSet::forEachMember(const std::function<void(const Path&, const FieldSet&)>& fn) const {
  Path prefix;
  walkMembers(*this, prefix, fn);
}

void FieldSet::prune(const json& obj) { pruneNode(*this, obj); }

json FieldSet::toJson() const {
  json out = json::object();
  if (member && !children.empty()) out["."] = json::object();
  for (const auto& [e, child] : children) out[e] = child.toJson();
  return out;
}

FieldSet FieldSet::fromJson(const json& j) {
  FieldSet node;
  if (!j.is_object()) return node;
  if (j.empty()) node.member = true;
  for (const auto& [k, v] : j.items()) {
    if (k == ".")
      node.member = true;
    else
      node.children[k] = fromJson(v);
  }
  return node;
}

namespace {
void collectItem(const json& item, const Shape& itemShape, FieldSet& node) {
  node.member = true;
  if (!item.is_object()) return;
  for (const auto& [k, v] : item.items())
    collectFields(v, itemShape.child(k), node.children["f:" + k]);
}
}  // namespace

void collectFields(const json& value, const Shape& shape, FieldSet& node) {
  if (value.is_object() && !value.empty() && !shape.atomicMap()) {
    for (const auto& [k, v] : value.items()) collectFields(v, shape.child(k), node.children["f:" + k]);
    return;
  }
  if (value.is_array() && !value.empty()) {
    std::vector<std::string> keys;
    auto type = shape.listType(value, &keys);
    if (type == Shape::ListType::Map) {
      Shape itemShape = shape.item();
      for (const auto& item : value) collectItem(item, itemShape, node.children[keyElement(item, keys)]);
      return;
    }
    if (type == Shape::ListType::Set) {
      for (const auto& item : value) node.children["v:" + item.dump()].member = true;
      return;
    }
  }
  node.member = true;
}

namespace {
void collectChangedChild(const json* old, const std::string& elem, const json& value,
                         const Shape& shape, FieldSet& node) {
  FieldSet& child = node.children[elem];
  collectChanged(old, value, shape, child);
  if (child.empty()) node.children.erase(elem);
}

const json* findField(const json& obj, const std::string& k) {
  auto it = obj.find(k);
  return it == obj.end() ? nullptr : &*it;
}
}  // namespace

void collectChanged(const json* old, const json& value, const Shape& shape, FieldSet& node) {
  if (!old) {
    collectFields(value, shape, node);
    return;
  }
  if (value.is_object() && old->is_object() && !value.empty() && !shape.atomicMap()) {
    for (const auto& [k, v] : value.items())
      collectChangedChild(findField(*old, k), "f:" + k, v, shape.child(k), node);
    return;
  }
  if (value.is_array() && old->is_array() && !value.empty()) {
    std::vector<std::string> keys, oldKeys;
    auto type = shape.listType(value, &keys);
    auto oldType = old->empty() ? type : shape.listType(*old, &oldKeys);
    if (type == oldType && type == Shape::ListType::Map) {
      Shape itemShape = shape.item();
      for (const auto& item : value) {
        std::string elem = keyElement(item, keys);
        const json* before = step(*old, elem);
        FieldSet& child = node.children[elem];
        if (!before) {
          collectItem(item, itemShape, child);
        } else {
          for (const auto& [k, v] : item.items())
            collectChangedChild(findField(*before, k), "f:" + k, v, itemShape.child(k), child);
        }
        if (child.empty()) node.children.erase(elem);
      }
      return;
    }
    if (type == oldType && type == Shape::ListType::Set) {
      for (const auto& item : value)
        if (!step(*old, "v:" + item.dump())) node.children["v:" + item.dump()].member = true;
      return;
    }
  }
  if (*old != value) node.member = true;
}

json trackedPart(const json& obj, Scope scope, bool hasStatus) {
  json out = json::object();
  if (scope == Scope::Status) {
    if (obj.contains("status")) out["status"] = obj["status"];
    return out;
  }
  for (const auto& [k, v] : obj.items()) {
    if (k == "apiVersion" || k == "kind" || (k == "status" && hasStatus)) continue;
    if (k == "metadata") {
      json meta = json::object();
      for (const char* f : {"labels", "annotations", "finalizers", "ownerReferences"})
        if (v.contains(f)) meta[f] = v[f];
      if (!meta.empty()) out["metadata"] = meta;
      continue;
    }
    out[k] = v;
  }
  return out;
}

const json* lookup(const json& root, const Path& p) {
  const json* v = &root;
  for (const auto& e : p) {
    v = step(*v, e);
    if (!v) return nullptr;
  }
  return v;
}

void erasePath(json& root, const Path& p) {
  if (p.empty()) return;
  Path parentPath(p.begin(), p.end() - 1);
  json* parent = const_cast<json*>(lookup(root, parentPath));
  const json* target = parent ? step(*parent, p.back()) : nullptr;
  if (!target) return;
  if (parent->is_object()) {
    parent->erase(p.back().substr(2));
    return;
  }
  for (auto it = parent->begin(); it != parent->end(); ++it) {
    if (&*it == target) {
      parent->erase(it);
      return;
    }
  }
}

std::string pathString(const Path& p) {
  std::string out;
  for (const auto& e : p) {
    if (e.size() < 2) continue;
    const std::string rest = e.substr(2);
    switch (e[0]) {
      case 'f':
        out += "." + rest;
        break;
      case 'k': {
        json key = json::parse(rest, nullptr, false);
        std::string inner;
        for (const auto& [k, v] : key.items()) inner += (inner.empty() ? "" : ",") + k + "=" + v.dump();
        out += "[" + inner + "]";
        break;
      }
      case 'v':
        out += "[=" + rest + "]";
        break;
      default:
        out += "[" + rest + "]";
    }
  }
  return out;
}

}  // namespace lotest
