// Defaulting of a Lo cluster spec: a pure function from the spec as written
// to the effective spec (every field filled) plus what derives from it (slot,
// registry plan). `kubectl lo spec` prints EffectiveSpec::spec.
//
// The rules (see README "Decisions" for where lo differs from upstream):
//   slot        lok8s.dev -> 125; N.lok8s.dev with N in 1..199 written in plain
//               decimal (no sign, no leading zero) -> N; anything else: none.
//               200 is the shared registry network and never a slot.
//   network     name = metadata.name, cidr = 10.125.<slot>.0/24 on slot
//               domains; required otherwise.
//   nodes       controlPlane 1, workers 0, hostPorts true only on slot 125,
//               maxConcurrentDownloads 3, extraMounts [].
//   pool        10.125.<slot>.125-10.125.<slot>.150 on slot domains.
//   runtime     kind; bootstrap [cilium]; kubernetes.version kDefaultK8sVersion.
//   registries  tls true (port 443); shared.enabled true on lok8s-registries
//               10.125.200.0/24; build .101 lok8s.local and cache .102
//               lok8s.cache on the project network; mirrors io-docker,
//               io-quay, io-k8s, io-ghcr at shared .2+ (or project .103+).
// Validation that upstream only printed is an error here, before any action.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lo/net.hpp"
#include "lo/spec.hpp"

namespace lo {

// Kubernetes version used when a Lo spec names none: the node image of the
// kind release this lo is tested with (kindest/node:v1.32.2, kind v0.27).
inline constexpr const char* kDefaultK8sVersion = "v1.32.2";
inline constexpr const char* kSharedRegistryNetwork = "lok8s-registries";
inline constexpr const char* kSharedRegistryCidr = "10.125.200.0/24";
inline constexpr const char* kPodSubnet = "10.244.0.0/16";
inline constexpr const char* kServiceSubnet = "10.96.0.0/12";
inline constexpr const char* kRegistryImage = "registry:2.8.3";

// Slot of a spec domain, 0 when it has none.
int slot_from_domain(const std::string& domain);

enum class RegistryRole { Build, Cache, Mirror };
const char* to_string(RegistryRole r);

// One registry container of the plan (what `lo-registry plan` prints).
struct Registry {
  std::string name;      // build, cache, io-docker, ...
  RegistryRole role = RegistryRole::Mirror;
  Ipv4 ip;
  std::string hostname;  // what containerd and image refs use
  std::string upstream;  // mirror URL, empty for build/cache
  std::string container; // docker container (and volume) name
  std::string network;   // docker network it sits on
  int port = 443;        // 443 with TLS, else 80
  bool shared = false;   // lives on the shared registry network
};

struct EffectiveSpec {
  Spec spec;  // the full form: every Lo field filled in
  int slot = 0;
  Cidr network;        // project network
  Cidr shared_network; // shared registry network
  std::optional<IpRange> pool;  // load-balancer pool, when there is one
  std::vector<Registry> registries;
};

// Fills defaults and validates a Lo spec. Throws lo::Error with every problem
// (field paths and lines from `spec`). Non-Lo kinds are returned with the
// few defaults that apply to every kind (cluster.namespace) and no plan.
EffectiveSpec effective_spec(const Spec& spec);

}  // namespace lo
