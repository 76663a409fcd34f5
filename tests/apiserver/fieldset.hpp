// Sets of field paths in the managedFields "FieldsV1" format, and what the
// server knows about the shape of objects (which lists merge by key).
//
// A path element is spelled as in FieldsV1: "f:<field>" for a struct or map
// field, "k:<json of key fields>" for an item of a list merged by key,
// "v:<json value>" for an item of a set, "i:<n>" for a list index.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace lotest {

using json = nlohmann::json;
using Path = std::vector<std::string>;

// Where a value sits, for deciding how its lists and maps merge. Custom
// resources carry their CRD schema node; built-in types use the names of
// the fields around the value (the way their Go types are tagged).
class Shape {
 public:
  enum class ListType { Atomic, Map, Set };

  static Shape builtinRoot() { return Shape(nullptr, true, "", ""); }
  static Shape schemaRoot(const json* schema) { return Shape(schema, false, "", ""); }

  Shape child(const std::string& field) const;
  Shape item() const;

  // How a list at this place merges; a Map list whose items lack their keys
  // (or repeat them) is treated as atomic.
  ListType listType(const json& list, std::vector<std::string>* keys) const;
  // Maps and structs replaced as a whole (label selectors, map-type atomic).
  bool atomicMap() const;

 private:
  Shape(const json* schema, bool builtin, std::string field, std::string parent)
      : schema_(schema), builtin_(builtin), field_(std::move(field)), parent_(std::move(parent)) {}
  ListType declaredListType(std::vector<std::string>* keys) const;

  const json* schema_;
  bool builtin_;
  std::string field_;
  std::string parent_;
};

// The element naming `item` in a list merged by `keys`: k:{"name":"x"}.
std::string keyElement(const json& item, const std::vector<std::string>& keys);

class FieldSet {
 public:
  bool member = false;  // the path of this node itself is in the set
  std::map<std::string, FieldSet> children;

  bool empty() const { return !member && children.empty(); }
  void insert(const Path& p);
  bool has(const Path& p) const;
  bool hasAtOrBelow(const Path& p) const;
  void remove(const Path& p);
  void unite(const FieldSet& other);
  // Members of this set that `other` lacks.
  FieldSet minus(const FieldSet& other) const;
  // Calls fn(path, node) for every member, parents before children.
  void forEachMember(const std::function<void(const Path&, const FieldSet&)>& fn) const;
  // Drops members whose path no longer exists in `obj`.
  void prune(const json& obj);

  json toJson() const;
  static FieldSet fromJson(const json& j);
  bool operator==(const FieldSet& o) const {
    return member == o.member && children == o.children;
  }
};

// The fields of an object a manager sets, as the Apply operation records
// them: every leaf, and every item of a keyed list. Callers pass the
// trackedPart() of an object.
void collectFields(const json& value, const Shape& shape, FieldSet& node);
// The fields whose value differs from `old` (null: everything), for Update.
void collectChanged(const json* old, const json& value, const Shape& shape, FieldSet& node);

// Which top-level parts of an object a field set covers.
enum class Scope { Main, Status };
// The root-level filtering both collectors use: drops apiVersion, kind,
// identity metadata and status (for Main on types with a status subresource)
// or everything but status (for Status).
json trackedPart(const json& obj, Scope scope, bool hasStatus);

// Navigation by path.
const json* lookup(const json& root, const Path& p);
void erasePath(json& root, const Path& p);
// ".spec.containers[name=\"web\"].image", as the real server prints paths.
std::string pathString(const Path& p);

}  // namespace lotest
