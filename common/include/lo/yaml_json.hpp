// YAML <-> JSON for Kubernetes objects and specs.
//
// yaml_to_json resolves plain scalars with the YAML 1.2 core schema (null,
// true/false, integers, floats, else string), as the Kubernetes API machinery
// does; quoted scalars always stay strings. Anchors/aliases are expanded with
// a node budget so a "billion laughs" document is an error, not an OOM.
//
// json_to_yaml writes block-style YAML and quotes every string that would
// read back as another type ("true", "1.0", "null", "", "0x1f", ...), so the
// output round-trips.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace lo {

using Json = nlohmann::ordered_json;

// Throws lo::Error (with `file` and the line) on budget overrun or a
// non-string map key that cannot be represented.
Json yaml_to_json(const YAML::Node& node, const std::string& file = {}, size_t node_budget = 1000000);

// Parses every document of a multi-document YAML stream; empty documents
// (only comments, or "---" alone) are skipped. Throws lo::Error naming
// `file` and the line on a syntax error.
std::vector<Json> parse_yaml_documents(const std::string& text, const std::string& file = {});

// Block YAML of one value, ending with a newline.
std::string json_to_yaml(const Json& value);

// True when a plain (unquoted) YAML scalar with this text would not read back
// as the string itself.
bool yaml_needs_quotes(const std::string& s);

}  // namespace lo
