// The keys of a YAML mapping against the keys a place allows: keys that are
// not plain names, keys set twice, and unknown keys with the closest known
// one ("did you mean"). The spec reader warns about unknown keys; the
// services checks (kubectl-lo/yaml_check.hpp) reject them; both read them
// here.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace lo {

struct KeyProblem {
  enum Kind { NotScalar, Twice, Unknown } kind;
  YAML::Node node;      // the key
  std::string key;      // empty for NotScalar
  std::string closest;  // Unknown: the known key within two edits, if any
};

// Nothing for a node that is not a mapping.
std::vector<KeyProblem> check_keys(const YAML::Node& map, const std::vector<std::string>& known);

// "did you mean 'x'? <what>: a, b, c" or "<what>: a, b, c".
std::string key_hint(const KeyProblem& p, const std::string& what, const std::vector<std::string>& known);

}  // namespace lo
