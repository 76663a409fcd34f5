// The spec model: cluster.lok8s.yaml (kinds Lo, Capi, KubeOne, Kkp, or any
// other kind served by an external driver) and deploy.lok8s.yaml (kind
// Deploy), parsed once into typed structs. Nothing downstream reads YAML by
// path again.
//
// Every field is optional in the struct: "absent" and "set" must stay apart
// so that defaulting (defaults.hpp) fills exactly what the user left out and
// `kubectl lo spec` can print the full form in the same schema as the input.
// Opaque sub-trees (provider.config, inline bootstrap values, runner, the
// KubeOne registries map) are kept as JSON values.
//
// parse_spec() checks types, enums, patterns and ranges of every field and
// reports every problem of the file in one go (lo::Error with one Problem per
// mistake, each naming file, field path and line). Unknown fields are
// warnings naming the field, so a typo never passes silently.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lo/error.hpp"
#include "lo/workspace.hpp"

namespace lo {

using Json = nlohmann::ordered_json;

inline constexpr const char* kSpecApiVersion = "cluster.lok8s.dev/v1beta1";

enum class SpecKind { Lo, Capi, KubeOne, Kkp, Deploy, Custom };
const char* to_string(SpecKind k);

struct OidcSpec {
  std::optional<std::string> issuer, clientID, usernameClaim, usernamePrefix, groupsClaim,
      groupsPrefix, caBundle;
  // Capi's shape (CRD only): enabled + issuerUrl.
  std::optional<bool> enabled;
  std::optional<std::string> issuerUrl;
};

struct ProviderSpec {
  std::optional<std::string> name;
  std::optional<Json> config;  // opaque, provider-specific
  std::optional<std::string> configRef;
  std::optional<std::vector<std::string>> credentialEnvVars;  // credentials.envVars
  std::optional<std::string> credentialSecretRef;             // credentials.secretRef
  bool short_form = false;  // Kkp allows `provider: hetzner`
};

// One entry of spec.bootstrap, in one of three forms:
//   - cilium                                   a scalar
//   - cilium: {hubble: {enabled: true}}        a one-key map of Helm values
//   - cilium: {values: {...}, env: {...}, wait: false, name: cni, dependsOn: [x]}
// The third form is chosen when the map has any of the reserved keys; then
// every key must be one of them.
struct BootstrapEntry {
  std::string name;             // addon name or ./path, ../path, /path
  std::optional<Json> values;   // inline Helm values (the map form, or values:)
  std::vector<std::pair<std::string, std::string>> env;  // env: LOK8S_USER_* variables
  std::optional<bool> wait;     // wait: false skips the readiness wait
  std::optional<std::string> alias;                     // name: what the entry goes by
  std::optional<std::vector<std::string>> dependsOn;    // dependsOn: entry names
  bool keyed = false;           // written with the reserved keys (printed back that way)
  int line = 0;                 // where it was written (for lint)
  // The name dependsOn and `kubectl lo bootstrap ENTRY` use: name:, else a
  // bare name, else the path's last folder.
  std::string id() const;
};

struct KubehzSpec {
  std::optional<std::string> hosting, access, apiUrl;
};

struct GitopsSpec {
  std::optional<std::string> provider, repo, branch, path, secretRef;
};

// --- Lo ---------------------------------------------------------------------

struct NetworkSpec {
  std::optional<std::string> name, cidr;
  // KubeOne: pod/service subnets and CNI.
  std::optional<std::string> podSubnet, serviceSubnet, cni;
};

struct MirrorSpec {
  std::optional<std::string> name, url;
  int line = 0;
};

struct RegistriesSpec {
  std::optional<bool> tls;
  std::optional<bool> sharedEnabled;          // shared.enabled
  std::optional<std::string> sharedNetworkName;  // shared.network.name
  std::optional<std::string> sharedNetworkCidr;  // shared.network.cidr
  std::optional<std::vector<MirrorSpec>> mirrors;
  std::optional<std::string> prefix;
  // KubeOne uses a different shape: spec.registries.<host>.auth.secretRef.
  std::optional<Json> kubeoneRegistries;
  // Older shape of the driver-contract docs, normalized by defaulting:
  // baseIP, buildIP, cacheIP must agree with what lo derives.
  std::optional<std::string> legacyBaseIP, legacyBuildIP, legacyCacheIP;
};

struct ExtraMount {
  std::optional<std::string> hostPath, containerPath;
  std::optional<bool> readOnly;
};

struct NodesSpec {
  std::optional<int64_t> controlPlane, workers, maxConcurrentDownloads;
  std::optional<bool> hostPorts;
  // Mount the host's /var/run/docker.sock into the first control-plane
  // node. Off unless asked: it hands the host's Docker (root on the
  // developer's machine) to any pod with a hostPath volume.
  std::optional<bool> dockerSocket;
  std::optional<std::vector<ExtraMount>> extraMounts;
};

struct CorednsHost {
  std::optional<std::string> name, target;
};

struct CorednsSpec {
  std::optional<std::vector<CorednsHost>> hosts;
  std::optional<std::string> servers, overrides, import;
};

struct RemoteSpec {
  std::optional<std::string> mode;  // docker | ci
  std::optional<bool> expose, tilt;
  std::optional<std::string> syncPath, syncDest;
  std::optional<std::vector<std::string>> syncExclude;
};

// --- production kinds ---------------------------------------------------------

struct WorkerPool {
  std::string name;
  std::optional<int64_t> replicas;
  std::optional<std::string> type, image, ami, flavor, operatingSystem;
  std::optional<int64_t> autoscalerMin, autoscalerMax;
};

struct KkpSpec {
  std::optional<std::string> apiUrl, projectId, datacenter, preset, caCert;
};

struct Spec {
  // where it came from
  std::string file;  // as shown to the user
  // envelope
  std::optional<std::string> apiVersion;
  std::string kindText;  // as written
  SpecKind kind = SpecKind::Lo;
  std::optional<std::string> name;  // metadata.name
  std::map<std::string, std::string> labels, annotations;

  // common to cluster kinds
  std::optional<std::string> kubernetesVersion;  // spec.kubernetes.version
  std::optional<std::string> domain;             // spec.cluster.domain
  std::optional<std::string> clusterNamespace;   // spec.cluster.namespace
  ProviderSpec provider;
  std::optional<std::vector<BootstrapEntry>> bootstrap;
  KubehzSpec kubehz;
  GitopsSpec gitops;
  OidcSpec oidc;
  std::optional<std::string> dnsDomainFilter;  // spec.dns.domainFilter
  std::optional<Json> runner;

  // Lo
  std::optional<std::string> runtime;
  NetworkSpec network;
  RegistriesSpec registries;
  NodesSpec nodes;
  std::optional<std::string> loadBalancerPool;  // spec.loadBalancer.pool
  CorednsSpec coredns;
  RemoteSpec remote;
  std::optional<Json> expose;  // CRD-only spec.expose{enabled,auth,tls}

  // Capi / KubeOne / Kkp
  std::optional<std::string> managementClusterDomain;
  std::optional<bool> managementClusterLocal;
  std::optional<std::string> credentialsSecretName;  // spec.credentials.secretName
  std::optional<int64_t> controlPlaneReplicas;
  std::optional<std::string> controlPlaneType;
  std::optional<std::vector<WorkerPool>> workers;
  std::optional<Json> hcloud, hrobot, aws, etcd, ssh, addons;
  std::optional<std::string> datacenter;
  KkpSpec kkp;

  // Deploy
  std::optional<std::string> clusterRefDomain;  // spec.clusterRef.domain
  bool hasClusterRef = false;
  std::optional<std::string> deployDomain;      // spec.domain
  std::optional<std::string> deployNamespace;   // spec.namespace

  // Warnings found while parsing (unknown fields, deprecated shapes).
  std::vector<Problem> warnings;
  // 1-based line of a field path, for later checks (defaults, lint).
  std::map<std::string, int> lines;
  int line_of(const std::string& field) const;
};

// Parses YAML text. `file` is used in messages only. Throws lo::Error with
// every problem found; on success, warnings are in Spec::warnings.
Spec parse_spec(const std::string& text, const std::string& file);

// Reads and parses a spec file (size-limited), naming it as `shown`.
Spec load_spec_file(const std::filesystem::path& path, const std::string& shown);

// A domain of the project with its parsed spec. Also checks that the folder
// name equals spec.cluster.domain (cluster specs).
struct LoadedDomain {
  DomainRef ref;
  Spec spec;
};
LoadedDomain load_domain(const Workspace& ws, const std::string& name);

// Serializes a spec back to its schema (field order of the docs). Used for
// `kubectl lo spec` after defaulting; round-trips through parse_spec.
Json spec_to_json(const Spec& spec);

}  // namespace lo
