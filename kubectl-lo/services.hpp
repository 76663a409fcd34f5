// The services of a project: which apps Tilt builds and runs (services.yaml
// and its overrides) and how each one is built and reached (its lok8s.yaml).
// Reference: upstream-tilt-bootstrap-drivers §1.4 and §1.5.
//
// Files at the project root, merged in this order (later wins), each only
// when it exists:
//   services.yaml         (only when it is missing: the legacy services.base.yaml)
//   services.default.yaml legacy; upstream merged it after the profile, so a
//                         shared default beat the developer's own choice
//   services.<LOK8S_SERVICE_CONFIG>.yaml   the developer's profile
// Merge: mappings key by key, lists and scalars replace, an explicit null
// removes the key (the rule of bootstrap values). Each file is checked on
// its own against the allow-lists, so an error names the file and line it
// is in. After merging, ${NAME} and $NAME in string values are replaced from
// the environment (unset: empty), as upstream's envsubst did, but value by
// value, so a value can never break the YAML around it.
//
// The effective document fills every default: registry.prefix, defaults.*,
// and per service enabled, path, build, dockerfile and (unless pinned by
// image) registry. It reads back as the same configuration.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "lo/error.hpp"
#include "lo/workspace.hpp"
#include "lo/yaml_json.hpp"
#include "yaml_check.hpp"

namespace lo::services {

inline constexpr const char* kDefaultPrefix = "lok8s.local";
inline constexpr const char* kDefaultServiceFile = "lok8s.yaml";
inline constexpr const char* kApiVersion = "services.lok8s.dev/v1beta1";

struct Options {
  std::string service_file = kDefaultServiceFile;  // a service's config file name
  std::string profile;                              // LOK8S_SERVICE_CONFIG
};

// The options from the environment (LOK8S_SERVICE_CONFIG).
Options options_from_env();

struct Services {
  Json doc = Json::object();                // the effective document
  std::vector<std::filesystem::path> files;  // services files read, in merge order
  bool found = false;                        // any services file exists
  // Services whose lok8s.yaml has components: their names (the images).
  std::map<std::string, std::vector<std::string>> components;
};

// Reads, merges and checks the services files and every service's config
// file. Every problem goes to `diags`; `doc` is complete only when there is
// no error.
Services load(const Workspace& ws, const Options& o, Diagnostics& diags);

// The services files that may exist (for watching), in merge order.
std::vector<std::filesystem::path> candidate_files(const Workspace& ws, const Options& o);

// --- internal to the services files ---

// Checks one services file (allow-lists, types, names).
void check_services_file(const YAML::Node& root, YamlCheck& c);
// Checks one service's config file. `builds`: lo builds the service, so a
// build block is required.
void check_service_config(const YAML::Node& root, YamlCheck& c, bool builds);

// Names of services and components: they become image names and label
// values, so lower-case letters, digits, '.', '_' and '-', at most 63.
bool valid_unit_name(const std::string& s);
// An image repository prefix such as lok8s.local or registry:5000/team.
bool valid_image_prefix(const std::string& s);

}  // namespace lo::services
