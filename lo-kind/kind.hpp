// lo-kind: what a Lo domain's kind cluster looks like (config, certs.d tree)
// and its lifecycle (create, delete, status, kubeconfig).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lo/cli.hpp"
#include "lo/defaults.hpp"
#include "lo/kube_client.hpp"
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

// The containerd certs.d tree: relative path -> file content (the dev CA,
// .ca/rootCA.pem in TLS mode, is copied by write_certs_d).
std::vector<std::pair<std::string, std::string>> render_certs_d(const EffectiveSpec& eff);

// The OIDC AuthenticationConfiguration the API server reads. With OIDC off,
// one with no authenticators: the API server reloads the file when it
// changes and keeps its last good configuration when a reload fails, so an
// empty (invalid) file would leave the old issuer in force.
std::string render_oidc_config(const Spec& s);

// Path of the dev CA's root certificate (CAROOT, else mkcert's default).
std::filesystem::path ca_root_pem();

}  // namespace lo::kind
namespace lo {
class Runner;
}  // namespace lo
namespace lo::kind {
// Writes the certs.d tree into `dir` (kept in place; stale entries removed).
void write_certs_d(lo::Runner& run, const Target& t, const std::filesystem::path& dir);

// The objects of the cluster, as lo-kind reads and changes them: the live
// cluster behind a kubeconfig (connected on first use), or, in a dry run of
// a cluster that does not exist yet, the cluster kind would create, which
// holds none of lo's objects and kubeadm's CoreDNS as kubeadm made it.
class ClusterObjects {
 public:
  explicit ClusterObjects(std::filesystem::path kubeconfig);  // live
  ClusterObjects();                                           // planned: a new kind cluster
  ~ClusterObjects();
  ClusterObjects(const ClusterObjects&) = delete;
  ClusterObjects& operator=(const ClusterObjects&) = delete;

  bool planned() const { return planned_; }
  // nullopt when absent (always, for a planned cluster).
  std::optional<Json> get(const std::string& api_version, const std::string& kind, const std::string& ns,
                          const std::string& name);
  // Server-side apply, field manager "lo"; `force` takes fields over from
  // their managers (kubeadm's Corefile).
  void apply(const Json& object, bool force = false);
  void remove(const std::string& api_version, const std::string& kind, const std::string& ns, const std::string& name);

 private:
  ResourceInfo resource(const std::string& api_version, const std::string& kind);
  bool planned_ = false;
  std::filesystem::path kubeconfig_;
  std::unique_ptr<KubeClient> client_;
};

// The cluster-side objects (pure, for tests) and their application.
nlohmann::ordered_json local_registry_hosting(const EffectiveSpec& eff);
nlohmann::ordered_json registries_config_map(const EffectiveSpec& eff);
nlohmann::ordered_json coredns_custom_data(const Target& t);
nlohmann::ordered_json coredns_custom_config_map(const nlohmann::ordered_json& data);
void apply_cluster_objects(lo::Runner& run, const Target& t, ClusterObjects& objects);

// --- coredns.cpp: kind's CoreDNS made to read spec.coredns ---
// kube-system/coredns-external: the cluster's DNS for the host, a
// LoadBalancer Service pinned to the last address of the pool.
nlohmann::ordered_json coredns_external_service(const EffectiveSpec& eff);
// The CoreDNS steps: coredns-custom (applied, or removed when empty), the
// Corefile's imports, the Deployment's mount of coredns-custom and its
// restart when the configuration changed, and coredns-external.
void apply_coredns(lo::Runner& run, const Target& t, ClusterObjects& objects, const nlohmann::ordered_json& custom_data);

// The commands (lo/cli.hpp), listed by main.cpp.
extern const lo::cli::Command config_command;
extern const lo::cli::Command certs_d_command;
extern const lo::cli::Command create_command;
extern const lo::cli::Command delete_command;
extern const lo::cli::Command status_command;
extern const lo::cli::Command kubeconfig_command;

}  // namespace lo::kind
