// lo-kind: what a Lo domain's kind cluster looks like (config, certs.d tree)
// and its lifecycle (create, delete, status, kubeconfig).
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "lo/cli.hpp"
#include "lo/defaults.hpp"
#include "lo/spec.hpp"
#include "lo/workspace.hpp"

namespace lo::kind {

// A Lo domain loaded and defaulted, with the paths lo-kind works with.
struct Target {
  Workspace ws;
  std::string domain;
  EffectiveSpec eff;
  std::filesystem::path certs_d() const { return ws.domain_dir(domain) / ".containerd" / "certs.d"; }
  std::filesystem::path oidc_config() const { return ws.domain_dir(domain) / ".oidc" / "auth-config.yaml"; }
  std::filesystem::path kubeconfig() const { return ws.kubeconfig_dir() / (*eff.spec.name + ".yaml"); }
  const std::string& cluster() const { return *eff.spec.name; }
  const std::string& network() const { return *eff.spec.network.name; }
};

// Loads DOMAIN (must be kind Lo) and validates it fully before anything runs.
Target load_target(const Workspace& ws, const std::string& domain);

bool oidc_enabled(const Spec& s);

// The kind cluster config (kind.x-k8s.io/v1alpha4) as YAML text.
std::string render_config(const Target& t);

// The containerd certs.d tree: relative path -> file content. Includes
// .ca/rootCA.pem in TLS mode when `ca_pem` is not empty.
std::vector<std::pair<std::string, std::string>> render_certs_d(const EffectiveSpec& eff, const std::string& ca_pem);

// The OIDC AuthenticationConfiguration the API server reads (empty when OIDC is off).
std::string render_oidc_config(const Spec& s);

// Path of the dev CA's root certificate (CAROOT, else mkcert's default).
std::filesystem::path ca_root_pem();

}  // namespace lo::kind
namespace lo {
class Runner;
}
namespace lo::kind {
// Writes the certs.d tree into `dir` (kept in place; stale entries removed).
void write_certs_d(lo::Runner& run, const Target& t, const std::filesystem::path& dir);

// The cluster-side objects (pure, for tests) and their application.
nlohmann::ordered_json local_registry_hosting(const EffectiveSpec& eff);
nlohmann::ordered_json registries_config_map(const EffectiveSpec& eff);
nlohmann::ordered_json coredns_custom_data(const Target& t);
void apply_cluster_objects(lo::Runner& run, const Target& t);

// The commands (lo/cli.hpp), listed by main.cpp.
extern const lo::cli::Command config_command;
extern const lo::cli::Command certs_d_command;
extern const lo::cli::Command create_command;
extern const lo::cli::Command delete_command;
extern const lo::cli::Command status_command;
extern const lo::cli::Command kubeconfig_command;

}  // namespace lo::kind
