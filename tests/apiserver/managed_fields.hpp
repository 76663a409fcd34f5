// Field ownership: metadata.managedFields, server-side apply with conflicts,
// and the Update entries that other writes record.
#pragma once

#include "fieldset.hpp"

#include <string>
#include <vector>

namespace lotest {

struct ManagerEntry {
  std::string manager;
  std::string operation;  // Apply or Update
  std::string apiVersion;
  std::string time;
  std::string subresource;  // "" or "status"
  FieldSet fields;

  // Appliers are one manager whatever version they apply; updaters are one
  // per API version, as in the real server.
  bool sameIdentity(const ManagerEntry& o) const;
  // How conflict messages name the manager: "kubectl", or for updaters
  // "kubectl-edit" using apps/v1 at 2024-01-01T00:00:00Z.
  std::string describe() const;
};
using Managers = std::vector<ManagerEntry>;

// Reads metadata.managedFields; entries without a manager are dropped (so a
// client sending [{}] resets ownership, as documented upstream).
Managers decodeManagedFields(const json& obj);
// Prunes every entry to the fields `obj` still has, drops empty entries,
// sorts them like the real server and stores them in obj.metadata.
void encodeManagedFields(json& obj, Managers managers);

struct ApplyRequest {
  const json* live = nullptr;  // null when the apply creates the object
  json applied;                // the configuration sent by the applier
  Shape shape = Shape::builtinRoot();
  Scope scope = Scope::Main;
  bool hasStatus = false;
  std::string manager;
  std::string apiVersion;
  std::string now;
  bool force = false;
};

// Merges the applied configuration into the live object and updates the
// owners: fields set by others with a different value conflict (409 with
// FieldManagerConflict causes) unless forced; fields this manager applied
// before and now omits are removed unless someone else owns them.
json serverSideApply(const ApplyRequest& req, Managers& managers);

// Records an Update by `manager`: it takes the fields whose value it changed
// (others lose them).
void trackUpdate(const json* live, const json& next, const Shape& shape, Scope scope,
                 bool hasStatus, const ManagerEntry& who, Managers& managers);

}  // namespace lotest
