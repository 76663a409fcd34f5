// How `kubectl lo diff` shows the change of one Kubernetes object: both
// sides rendered as YAML with sorted keys, without what the server rewrites
// on every write (metadata.managedFields, resourceVersion, generation, uid,
// creationTimestamp, deletionTimestamp) and without status, then a unified
// diff (lo/unified_diff.hpp).
//
// Secrets never show a value, not even base64: like `kubectl diff`, every
// key of data and stringData reads "***", and a key whose value changes
// reads "*** (before)" / "*** (after)", so the diff still says which keys
// change. The kubectl.kubernetes.io/last-applied-configuration annotation of
// a Secret holds its values too and is masked the same way.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "lo/unified_diff.hpp"

namespace lo {

using Json = nlohmann::ordered_json;

// The object as compared: without the fields above, keys sorted.
Json diffable(const Json& object);

// Masks the values of a Secret on both sides (either may be null: created
// or deleted). Objects that are not core/v1 Secrets are left alone.
void mask_secret_values(Json& before, Json& after);

// kubectl diff's file name of an object: "apps.v1.Deployment.demo.web",
// "v1.Namespace.demo".
std::string diff_name(const Json& object);

// The unified diff from `before` to `after` (null = absent), labelled
// live/<name> and merged/<name> (/dev/null for an absent side), with Secret
// values masked; "" when they are the same.
std::string object_diff(const Json& before, const Json& after, DiffCounts* counts = nullptr);

}  // namespace lo
