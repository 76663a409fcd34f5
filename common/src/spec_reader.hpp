// Internal to the spec parser: typed reads from a YAML tree that record every
// problem (file, field path, line) instead of stopping at the first one.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "lo/error.hpp"
#include "lo/spec.hpp"

namespace lo::detail {

class SpecReader {
 public:
  SpecReader(Spec& spec, Diagnostics& diags) : spec_(spec), diags_(diags) {}

  Location loc(const YAML::Node& n, const std::string& path) const;
  void error(const YAML::Node& n, const std::string& path, std::string what, std::string hint = {});
  void warn(const YAML::Node& n, const std::string& path, std::string what, std::string hint = {});

  // True when `n` is a mapping; null counts as absent (false, no error);
  // anything else is an error.
  bool map(const YAML::Node& n, const std::string& path);
  // Warns about keys of a mapping that are not in `known`, suggesting the
  // closest known key.
  void known_keys(const YAML::Node& n, const std::string& path, std::initializer_list<const char*> known);
  void known_keys(const YAML::Node& n, const std::string& path, const std::vector<std::string>& known);

  std::optional<std::string> str(const YAML::Node& n, const std::string& path);
  std::optional<bool> boolean(const YAML::Node& n, const std::string& path);
  std::optional<int64_t> integer(const YAML::Node& n, const std::string& path, int64_t min, int64_t max);
  std::optional<Json> opaque(const YAML::Node& n, const std::string& path);
  std::optional<std::vector<std::string>> str_list(const YAML::Node& n, const std::string& path);
  // A string from a fixed set.
  std::optional<std::string> one_of(const YAML::Node& n, const std::string& path,
                                    std::initializer_list<const char*> allowed);
  // A string that must start with https://.
  std::optional<std::string> https_url(const YAML::Node& n, const std::string& path);

  // Child lookup that never inserts (yaml-cpp's operator[] on a non-const
  // node would).
  static YAML::Node child(const YAML::Node& n, const char* key);

  void remember_line(const YAML::Node& n, const std::string& path);

  Spec& spec() { return spec_; }

 private:
  Spec& spec_;
  Diagnostics& diags_;
};

// Sections of a spec, one function each (spec_*.cpp).
void read_common(SpecReader& r, const YAML::Node& spec);
void read_bootstrap(SpecReader& r, const YAML::Node& spec);  // spec_bootstrap.cpp
void read_lo(SpecReader& r, const YAML::Node& spec);
void read_production(SpecReader& r, const YAML::Node& spec);
void read_deploy(SpecReader& r, const YAML::Node& spec);

// The spec keys each kind accepts.
std::vector<std::string> spec_keys_for(SpecKind kind);

// Shared validators.
bool is_dns_label(const std::string& s);      // RFC 1123 label, <= 63
bool is_dns_subdomain(const std::string& s);  // RFC 1123 subdomain, <= 253

}  // namespace lo::detail
