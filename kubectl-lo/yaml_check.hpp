// Strict checks of a small YAML file against an allow-list (services.yaml,
// a service's lok8s.yaml): every problem is recorded with the file, the
// field path (services.api.build, components[1].name) and the line, and the
// check goes on, so one run shows every mistake of a file. Unknown keys are
// errors here (upstream's Tiltfile failed on them), unlike the cluster spec,
// where they are warnings.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "lo/error.hpp"
#include "lo/yaml_json.hpp"

namespace lo {

class YamlCheck {
 public:
  YamlCheck(std::string file, Diagnostics& diags) : file_(std::move(file)), diags_(diags) {}

  const std::string& file() const { return file_; }
  Location at(const YAML::Node& n, const std::string& path) const;
  void error(const YAML::Node& n, const std::string& path, std::string what, std::string hint = {});
  void warning(const YAML::Node& n, const std::string& path, std::string what, std::string hint = {});
  void syntax_error(const YAML::Exception& e);

  // The child `key` of a mapping, or an undefined node (never inserts).
  static YAML::Node get(const YAML::Node& n, const std::string& key);
  // True when `n` is defined and not null.
  static bool present(const YAML::Node& n);
  // The scalar as JSON with the YAML 1.2 core schema (quoted stays string).
  static Json scalar(const YAML::Node& n);
  // "a.b" / "a[2]" field paths.
  static std::string field(const std::string& path, const std::string& key);
  static std::string item(const std::string& path, size_t i);

  // Each returns true when the value has the type; otherwise records an
  // error saying what was found. Absent or null values are not checked by
  // these (callers decide what is required).
  bool mapping(const YAML::Node& n, const std::string& path);
  bool sequence(const YAML::Node& n, const std::string& path);
  bool string(const YAML::Node& n, const std::string& path, bool allow_empty = false);
  bool boolean(const YAML::Node& n, const std::string& path);
  bool integer(const YAML::Node& n, const std::string& path, long long min, long long max);
  // A string, or a list of strings.
  bool strings(const YAML::Node& n, const std::string& path);
  // A list of strings.
  bool string_list(const YAML::Node& n, const std::string& path);
  bool one_of(const YAML::Node& n, const std::string& path, const std::vector<std::string>& allowed);

  // Every key of the mapping must be in `allowed` and appear once.
  void only_keys(const YAML::Node& n, const std::string& path, const std::vector<std::string>& allowed);
  // Records "is required" when the key is absent or null; returns presence.
  bool require(const YAML::Node& map, const std::string& path, const std::string& key, const std::string& hint = {});

  // What kind of value `n` is, for messages ("a list", "the number 3").
  static std::string describe(const YAML::Node& n);

 private:
  std::string file_;
  Diagnostics& diags_;
};

// Loads the one YAML document of a file; a syntax error or a second document
// is recorded and yields nullopt. An empty file is an empty mapping.
std::optional<YAML::Node> load_yaml_document(const std::string& text, YamlCheck& check);

}  // namespace lo
