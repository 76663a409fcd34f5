// Defaults the real API server fills in that clients rely on (deployment
// replicas and strategy, rollout update strategies kubectl rollout status
// checks, service cluster IPs, port protocols...), and the CRD-specific
// checks and derived names.
#pragma once

#include "resources.hpp"

#include <string>
#include <vector>

namespace lotest {

// Fills defaults into `obj` (the object about to be stored); `live` is the
// stored object for updates, so allocated values (cluster IPs) are kept.
void applyDefaults(const ResourceType& type, json& obj, const json* live);

// Throws 422 Invalid when a CRD is not acceptable (name not <plural>.<group>,
// no storage version, unknown scope...).
void validateCrd(const json& crd);

// The resource types a CRD serves, one per served version.
std::vector<ResourceType> typesForCrd(const json& crd);

// Current time as RFC 3339 in UTC, second precision.
std::string nowRfc3339();
// A random version-4 UUID.
std::string newUid();
// Five random characters for generateName, from the real server's alphabet.
std::string randomSuffix();

}  // namespace lotest
