// Reading the small YAML files of an addon (chart.yaml, secrets.lok8s.yaml)
// with yaml-cpp: a child that is never inserted, and a node's line.
#pragma once

#include <yaml-cpp/yaml.h>

namespace lo::bootstrap {

// The value under `key` of a mapping; Undefined when there is none (yaml-cpp's
// operator[] on a non-const node would insert it).
inline YAML::Node child(const YAML::Node& n, const char* key) {
  if (!n.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& kv : n)
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
  return YAML::Node(YAML::NodeType::Undefined);
}

// 1-based line of a node, 0 when unknown.
inline int line_of(const YAML::Node& n) { return n.IsDefined() && n.Mark().line >= 0 ? n.Mark().line + 1 : 0; }

}  // namespace lo::bootstrap
