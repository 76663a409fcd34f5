// Request bodies to JSON. Apply patches (application/apply-patch+yaml) may be
// YAML or JSON; plain YAML scalars are resolved the way the real server's
// YAML library (go-yaml v2, YAML 1.1) does: yes/no/on/off are booleans,
// ~ and null are null, numbers are numbers, quoted scalars are strings.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace lotest {

// Parses JSON, or YAML when the text is not JSON. Throws ApiError 400 on
// malformed input. An empty document yields null.
nlohmann::json parseBody(const std::string& text);

}  // namespace lotest
