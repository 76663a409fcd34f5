// The resource types the server serves: a fixed table of built-in types plus
// the kinds of CustomResourceDefinitions once they are Established.
#pragma once

#include "api_error.hpp"

#include <memory>
#include <shared_mutex>
#include <map>
#include <string>
#include <vector>

namespace lotest {

struct ResourceType {
  std::string group;  // "" for the core group
  std::string version;
  std::string plural;
  std::string singular;
  std::string kind;
  bool namespaced = true;
  std::vector<std::string> shortNames;
  std::vector<std::string> categories;
  bool hasStatus = false;         // a status subresource exists
  bool tracksGeneration = false;  // metadata.generation counts spec changes
  bool custom = false;            // served because of a CRD
  std::string crdName;            // the CRD that defines it
  json schema;                    // openAPIV3Schema of this version (custom types)
  // DELETE answers with the object rather than a Status (upstream's
  // ReturnDeletedObject, or a delete that only starts a finalizing phase).
  bool returnsDeletedObject = false;

  GroupResource gr() const { return {group, plural}; }
  std::string groupVersion() const { return group.empty() ? version : group + "/" + version; }
  std::string listKind() const { return kind + "List"; }
  // The key objects are stored under: versions of one resource share it.
  std::string storeKey() const { return group + "/" + plural; }
};

using TypePtr = std::shared_ptr<const ResourceType>;

// Orders Kubernetes versions the way the real server does: GA versions first
// (highest number first), then beta, then alpha, then anything else.
bool versionPrecedes(const std::string& a, const std::string& b);

class Registry {
 public:
  Registry();

  // The type served at /apis/<group>/<version>/<plural>, or null.
  TypePtr find(const std::string& group, const std::string& version,
               const std::string& plural) const;
  // Any served version of a resource (for store keys), or null.
  TypePtr findAnyVersion(const std::string& group, const std::string& plural) const;
  std::vector<TypePtr> all() const;

  // Replaces the types served for a CRD (an empty list stops serving them).
  void setCustom(const std::string& crdName, const std::vector<ResourceType>& types);
  // Counts changes, so discovery and OpenAPI documents can be cached.
  uint64_t revision() const;

 private:
  mutable std::shared_mutex mu_;
  std::map<std::string, TypePtr> types_;  // "<group>/<version>/<plural>"
  uint64_t revision_ = 1;
};

}  // namespace lotest
