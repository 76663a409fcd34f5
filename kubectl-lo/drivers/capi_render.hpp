// Cluster API resources of a Capi domain, rendered from data files: the core
// templates (drivers/capi/core/) and one provider folder
// (drivers/capi/providers/<name>/ with its provider.yaml descriptor). A
// project adds a provider by dropping a folder into
// <root>/.lok8s/drivers/capi/providers/<name>/; no rebuild, no code.
//
// Templates are substituted with the names the core and the descriptor
// declare, and nothing else: every other $TEXT (cloud-init's shell
// variables) stays as written. See drivers/capi/providers/README.md.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "lo/spec.hpp"
#include "lo/workspace.hpp"

namespace lo::capi {

struct Provider {
  std::string name;
  std::filesystem::path dir;  // the folder holding provider.yaml
  Json descriptor;            // provider.yaml as JSON
};

// The credential Secret the provider needs, from the environment and the
// spec. Its values are never printed.
struct CredentialSecret {
  std::string name, ns;
  std::map<std::string, std::string> data;  // key -> value
};

struct Rendered {
  Provider provider;
  std::vector<Json> objects;  // in apply order
  std::string cluster_name, ns;
};

// Where the shipped templates live: <lo's data home>/drivers/capi
// (lo/data_home.hpp; a build tree links it to kubectl-lo/drivers/).
std::filesystem::path data_dir();

// The provider of the spec: spec.provider.name, else the one whose
// selectedBy field is present. Project providers shadow shipped ones.
Provider find_provider(const Workspace& ws, const Spec& spec);

Rendered render(const Workspace& ws, const LoadedDomain& d);

// Multi-document YAML of the objects ("---" between them).
std::string to_yaml(const std::vector<Json>& objects);

// The Secret's values from `env` (a getenv). Throws lo::Error naming every
// missing variable before anything is sent anywhere.
CredentialSecret credential_secret(const Rendered& r, const LoadedDomain& d,
                                   const std::function<const char*(const char*)>& env);

// The Secret as a Kubernetes object (data base64-encoded).
Json secret_object(const CredentialSecret& s);

}  // namespace lo::capi
