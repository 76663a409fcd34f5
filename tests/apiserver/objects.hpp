// The API's verbs on objects, independent of HTTP: get, create, update,
// patch (merge, strategic, JSON, apply), delete. Every write goes through one
// pipeline: identity and system metadata, status subresource rules,
// defaults, custom resource schemas, generation, managedFields, then a
// compare-and-swap commit to the store (recomputed if another writer won).
#pragma once

#include "managed_fields.hpp"
#include "resources.hpp"
#include "store.hpp"
#include "validation.hpp"

#include <string>
#include <vector>

namespace lotest {

// What one request asks for, parsed from its path and query.
struct Target {
  TypePtr type;
  std::string ns;
  std::string name;
  std::string subresource;  // "" or "status"
};

struct WriteOptions {
  std::string fieldManager;  // from ?fieldManager=, else the User-Agent prefix
  bool dryRun = false;
  bool force = false;
  FieldValidation validation = FieldValidation::Warn;
};

struct WriteResult {
  ObjPtr object;
  int code = 200;
  std::vector<std::string> warnings;
  bool deleted = false;  // a delete that removed the object at once
};

// What a DELETE asks for besides the object (DeleteOptions).
struct DeleteOptions {
  json preconditions;       // null, or {"uid": ..., "resourceVersion": ...}
  std::string propagation;  // "" (the type's default: Background), Orphan, Background, Foreground
  int orphanDependents = -1;  // the deprecated boolean: -1 unset, 0 false, 1 true
};

// The finalizers the garbage collector acts on (metav1.FinalizerOrphanDependents,
// metav1.FinalizerDeleteDependents).
inline constexpr const char* kOrphanFinalizer = "orphan";
inline constexpr const char* kForegroundFinalizer = "foregroundDeletion";

class Objects {
 public:
  Objects(Registry& registry, Store& store) : registry_(registry), store_(store) {}

  ObjPtr get(const Target& t) const;  // throws 404
  WriteResult create(const Target& t, json body, const WriteOptions& o);
  WriteResult update(const Target& t, json body, const WriteOptions& o);
  // contentType: merge-patch, strategic-merge-patch, json-patch or apply-patch.
  WriteResult patch(const Target& t, const std::string& contentType, const std::string& body,
                    const WriteOptions& o);
  // Deletes at once, or, when the object has finalizers or the propagation
  // adds one (Orphan: "orphan", Foreground: "foregroundDeletion"), sets its
  // deletionTimestamp and leaves it to whoever removes the finalizers.
  WriteResult remove(const Target& t, const DeleteOptions& options, const WriteOptions& o);

  // A controller's status write (Update on the status subresource). Returns
  // false if `live` is no longer current.
  bool writeStatus(const TypePtr& type, const ObjPtr& live, const json& status,
                   const std::string& manager);

  Registry& registry() { return registry_; }
  Store& store() { return store_; }

 private:
  struct Draft;
  WriteResult write(const Target& t, const WriteOptions& o,
                    const std::function<Draft(const ObjPtr& live)>& compute, bool creating,
                    bool deleting = false);
  Draft finish(const Target& t, const WriteOptions& o, const ObjPtr& live, json next,
               const std::string& operation, Managers* applied);

  Registry& registry_;
  Store& store_;
};

}  // namespace lotest
