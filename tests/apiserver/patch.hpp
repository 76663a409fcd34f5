// The non-apply patch types: JSON merge patch (RFC 7386), JSON patch
// (RFC 6902) and strategic merge patch.
//
// Strategic merge patch is a merge patch whose lists of containers, ports,
// env, volumes, conditions... merge by key (the same keys server-side apply
// uses), with the $patch (replace/delete), $retainKeys,
// $deleteFromPrimitiveList and $setElementOrder directives; other lists are
// replaced. Custom resources do not accept it (415), like the real server.
#pragma once

#include "fieldset.hpp"

#include <nlohmann/json.hpp>

namespace lotest {

json applyMergePatch(const json& target, const json& patch);
// Throws ApiError 400 for a malformed patch, 422 when an operation fails.
json applyJsonPatch(const json& target, const json& patch);
json applyStrategicMergePatch(const json& target, const json& patch, const Shape& shape);

}  // namespace lotest
