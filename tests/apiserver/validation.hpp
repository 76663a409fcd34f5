// Validation the real server does that clients notice: object names, and
// custom resources against their CRD's structural schema (pruning unknown
// fields, applying defaults, checking types, required fields and enums).
#pragma once

#include "api_error.hpp"

#include <string>
#include <vector>

namespace lotest {

// The fieldValidation query parameter; the server default is Warn.
enum class FieldValidation { Ignore, Warn, Strict };
FieldValidation parseFieldValidation(const std::string& param);

struct SchemaReport {
  std::vector<std::string> unknown;  // "spec.foo" for each pruned unknown field
  std::vector<FieldCause> invalid;
};

// Walks a custom resource against its version's openAPIV3Schema: unknown
// fields are removed (and reported), defaults filled in, types checked.
// apiVersion, kind and metadata are not part of the walk.
void checkAgainstSchema(json& obj, const json& schema, SchemaReport& report);

// Throws 422 Invalid when `name` is not a valid object name for `plural`
// (namespaces: DNS-1123 label, services: DNS-1035 label, others: subdomain).
void validateName(const std::string& kind, const std::string& group, const std::string& plural,
                  const std::string& name);

}  // namespace lotest
