// Lo defaulting: spec in, effective spec out (see defaults.hpp for the rules).
//
// Upstream quirks decided on purpose (README "Decisions" lists them too):
//  - slots are 1..199 in plain decimal; upstream read "042" as octal and
//    refused slot 1 (reference §2.1, Q2);
//  - a missing spec.kubernetes.version gets kDefaultK8sVersion instead of
//    rendering kindest/node:null (Q1);
//  - everything upstream only printed (pool outside the subnet, IP overflow,
//    bad maxConcurrentDownloads, reserved mirror names) is an error here,
//    raised before any action (Q3); so are registry addresses inside the
//    load-balancer pool (Q19) and container names that would clash with the
//    shared mirrors (reference §2.6 pitfall);
//  - a CIDR with host bits set is an error instead of silently using the
//    unmasked address as the base;
//  - `target: gateway` in spec.coredns.hosts uses the effective pool, also
//    when the pool was derived from the slot (Q6).
#include "lo/defaults.hpp"

#include <map>
#include <set>

namespace lo {

int slot_from_domain(const std::string& domain) {
  if (domain == kDefaultDomain) return 125;
  const std::string suffix = std::string(".") + kDefaultDomain;
  if (domain.size() <= suffix.size() || domain.compare(domain.size() - suffix.size(), suffix.size(), suffix) != 0) return 0;
  std::string n = domain.substr(0, domain.size() - suffix.size());
  if (n.empty() || n.size() > 3 || n[0] == '0') return 0;
  for (char c : n)
    if (c < '0' || c > '9') return 0;
  int v = std::stoi(n);
  return v >= 1 && v <= 199 ? v : 0;
}

const char* to_string(RegistryRole r) {
  switch (r) {
    case RegistryRole::Build: return "build";
    case RegistryRole::Cache: return "cache";
    case RegistryRole::Mirror: return "mirror";
  }
  return "?";
}

namespace {

struct DefaultMirror {
  const char* name;
  const char* url;
  const char* hostname;
};
constexpr DefaultMirror kDefaultMirrors[] = {
    {"io-docker", "https://registry-1.docker.io", "docker.io"},
    {"io-quay", "https://quay.io", "quay.io"},
    {"io-k8s", "https://registry.k8s.io", "registry.k8s.io"},
    {"io-ghcr", "https://ghcr.io", "ghcr.io"},
};

// What containerd and image references call a mirror: the well-known names
// map to their registries, anything else to the host[:port] of its URL.
std::string mirror_hostname(const std::string& name, const std::string& url) {
  for (const auto& m : kDefaultMirrors)
    if (name == m.name) return m.hostname;
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = url.find('/', start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

class Defaulter {
 public:
  explicit Defaulter(const Spec& in) { e_.spec = in; }

  EffectiveSpec run() {
    Spec& s = e_.spec;
    if (!s.clusterNamespace) s.clusterNamespace = "default";
    if (s.kind != SpecKind::Lo) return e_;
    e_.slot = slot_from_domain(s.domain.value_or(""));
    if (!s.runtime) s.runtime = "kind";
    if (!s.kubernetesVersion) s.kubernetesVersion = kDefaultK8sVersion;
    if (!s.bootstrap) {
      BootstrapEntry cilium;
      cilium.name = "cilium";
      s.bootstrap = std::vector<BootstrapEntry>{cilium};
    }
    network();
    nodes();
    pool();
    registries();
    coredns();
    diags_.throw_if_errors();
    auto warnings = diags_.warnings();
    e_.spec.warnings.insert(e_.spec.warnings.end(), warnings.begin(), warnings.end());
    return e_;
  }

 private:
  Location at(const std::string& field) const { return Location{e_.spec.file, field, e_.spec.line_of(field)}; }
  std::string slot_hint() const {
    return "only lok8s.dev and N.lok8s.dev (N from 1 to 199) get a derived network; set it explicitly, "
           "e.g. spec.network: {name: " + e_.spec.name.value_or("mycluster") + ", cidr: 10.125.50.0/24}";
  }

  void network() {
    Spec& s = e_.spec;
    int slot = e_.slot;
    if (!s.network.name && slot) s.network.name = s.name;
    if (!s.network.cidr && slot) s.network.cidr = "10.125." + std::to_string(slot) + ".0/24";
    if (!s.network.name)
      diags_.error(at("spec.network.name"), "is required: '" + s.domain.value_or("") + "' is not a lok8s.dev slot domain", slot_hint());
    if (!s.network.cidr) {
      diags_.error(at("spec.network.cidr"), "is required: '" + s.domain.value_or("") + "' is not a lok8s.dev slot domain", slot_hint());
      return;
    }
    auto cidr = parse_cidr(*s.network.cidr);
    if (!cidr) return;  // reported by the parser
    if (cidr->address != cidr->network())
      diags_.error(at("spec.network.cidr"), "'" + *s.network.cidr + "' has host bits set",
                   "did you mean " + cidr->network().str() + "/" + std::to_string(cidr->prefix) + "?");
    e_.network = *cidr;
    network_ok_ = true;
  }

  void nodes() {
    NodesSpec& n = e_.spec.nodes;
    if (!n.controlPlane) n.controlPlane = 1;
    if (!n.workers) n.workers = 0;
    if (!n.hostPorts) n.hostPorts = e_.slot == 125;
    if (!n.maxConcurrentDownloads) n.maxConcurrentDownloads = 3;
    if (!n.dockerSocket) n.dockerSocket = false;
    if (!n.extraMounts) n.extraMounts = std::vector<ExtraMount>{};
    for (auto& m : *n.extraMounts)
      if (!m.readOnly) m.readOnly = false;
  }

  void pool() {
    Spec& s = e_.spec;
    if (!s.loadBalancerPool && e_.slot) {
      std::string base = "10.125." + std::to_string(e_.slot) + ".";
      s.loadBalancerPool = base + "125-" + base + "150";
    }
    if (!s.loadBalancerPool) return;
    auto range = parse_ip_range(*s.loadBalancerPool);
    if (!range || range->last < range->first) return;  // reported by the parser
    e_.pool = *range;
    if (!network_ok_) return;
    const Cidr& net = e_.network;
    bool derived = !e_.spec.lines.count("spec.loadBalancer.pool");
    std::string hint = derived ? "the pool was derived from the slot; set spec.loadBalancer.pool inside " + net.str()
                               : "pick addresses inside " + net.str();
    if (!net.contains(range->first))
      diags_.error(at("spec.loadBalancer.pool"), "pool start " + range->first.str() + " is outside the network " + net.str(), hint);
    if (!net.contains(range->last))
      diags_.error(at("spec.loadBalancer.pool"), "pool end " + range->last.str() + " is outside the network " + net.str(), hint);
    if (net.contains(range->first) && (range->first == net.network() || range->last == net.broadcast()))
      diags_.error(at("spec.loadBalancer.pool"), "pool includes the network or broadcast address of " + net.str());
  }

  // Older registry fields must agree with what lo derives; lo has no knob for
  // moving the build or cache registry.
  void legacy(const std::optional<std::string>& value, const char* field, Ipv4 expected, const std::string& why) {
    if (!value) return;
    std::string path = std::string("spec.registries.") + field;
    if (*value == expected.str())
      diags_.warning(at(path), "is the older shape and matches what lo derives (" + expected.str() + "); it can go",
                     "remove spec.registries." + std::string(field));
    else
      diags_.error(at(path), "'" + *value + "' cannot be honoured: " + why + " (" + expected.str() + ")",
                   "remove spec.registries." + std::string(field) + ", or change spec.network.cidr / spec.registries.shared.network.cidr");
  }

  void registries() {
    Spec& s = e_.spec;
    RegistriesSpec& r = s.registries;
    if (!r.tls) r.tls = true;
    if (!r.sharedEnabled) r.sharedEnabled = true;
    if (!r.sharedNetworkName) r.sharedNetworkName = kSharedRegistryNetwork;
    if (!r.sharedNetworkCidr) r.sharedNetworkCidr = kSharedRegistryCidr;
    if (!r.prefix) r.prefix = "lok8s.local";
    if (!r.mirrors || r.mirrors->empty()) {
      std::vector<MirrorSpec> defs;
      for (const auto& m : kDefaultMirrors) defs.push_back(MirrorSpec{m.name, m.url, 0});
      r.mirrors = std::move(defs);
    }
    auto shared_cidr = parse_cidr(*r.sharedNetworkCidr);
    if (!shared_cidr || !network_ok_) return;
    if (shared_cidr->address != shared_cidr->network())
      diags_.error(at("spec.registries.shared.network.cidr"), "'" + *r.sharedNetworkCidr + "' has host bits set",
                   "did you mean " + shared_cidr->network().str() + "/" + std::to_string(shared_cidr->prefix) + "?");
    e_.shared_network = *shared_cidr;
    bool shared = *r.sharedEnabled;
    const Cidr& net = e_.network;
    const std::string& net_name = *s.network.name;
    if (shared && (net.contains(shared_cidr->network()) || shared_cidr->contains(net.network())))
      diags_.error(at("spec.network.cidr"), net.str() + " overlaps the shared registry network " + shared_cidr->str(),
                   "Docker cannot create two networks over the same addresses; pick another spec.network.cidr");
    if (!shared && net_name == "lok8s")
      diags_.error(at("spec.network.name"), "'lok8s' would give this project's registries the names of the shared mirrors (lok8s-registry-*)",
                   "rename the network, or use shared mirrors");
    if (shared && net_name == *r.sharedNetworkName)
      diags_.error(at("spec.network.name"), "'" + net_name + "' is also the shared registry network's name", "rename one of them");

    legacy(r.legacyBaseIP, "baseIP", shared ? shared_cidr->network() : net.network(),
           shared ? "shared mirrors are numbered from the shared network" : "mirrors are numbered from the project network");
    if (auto ip = ip_add(net.network(), 101)) legacy(r.legacyBuildIP, "buildIP", *ip, "the build registry is always .101 of the project network");
    if (auto ip = ip_add(net.network(), 102)) legacy(r.legacyCacheIP, "cacheIP", *ip, "the cache registry is always .102 of the project network");

    int port = *r.tls ? 443 : 80;
    auto add = [&](std::string name, RegistryRole role, const Cidr& on, uint64_t offset, std::string hostname,
                   std::string upstream, bool on_shared, const std::string& field) {
      auto ip = ip_add(on.network(), offset);
      std::string net_for = on_shared ? *r.sharedNetworkName : net_name;
      if (!ip || !on.contains(*ip) || *ip == on.broadcast()) {
        diags_.error(at(field), "registry '" + name + "' would need address " + on.network().str() + " + " + std::to_string(offset) +
                                    ", which is outside the network " + on.str(),
                     on_shared ? "use a larger spec.registries.shared.network.cidr or fewer mirrors"
                               : "use a larger spec.network.cidr (a /24 holds the build and cache registries at .101 and .102)");
        return;
      }
      Registry reg;
      reg.name = std::move(name);
      reg.role = role;
      reg.ip = *ip;
      reg.hostname = std::move(hostname);
      reg.upstream = std::move(upstream);
      reg.container = (on_shared ? std::string("lok8s") : net_name) + "-registry-" + reg.name;
      reg.network = net_for;
      reg.port = port;
      reg.shared = on_shared;
      e_.registries.push_back(std::move(reg));
    };
    add("build", RegistryRole::Build, net, 101, "lok8s.local", "", false, "spec.network.cidr");
    add("cache", RegistryRole::Cache, net, 102, "lok8s.cache", "", false, "spec.network.cidr");
    std::map<std::string, std::string> hostnames = {{"lok8s.local", "build"}, {"lok8s.cache", "cache"}};
    for (size_t i = 0; i < r.mirrors->size(); ++i) {
      const MirrorSpec& m = (*r.mirrors)[i];
      std::string field = "spec.registries.mirrors[" + std::to_string(i) + "]";
      std::string host = mirror_hostname(*m.name, *m.url);
      if (auto [it, fresh] = hostnames.emplace(host, *m.name); !fresh) {
        diags_.error(at(field + ".url"), "mirror '" + *m.name + "' serves " + host + ", like '" + it->second + "'",
                     "containerd can use one mirror per registry host; drop one of them");
        continue;
      }
      if (shared) add(*m.name, RegistryRole::Mirror, *shared_cidr, 2 + i, host, *m.url, true, field);
      else add(*m.name, RegistryRole::Mirror, net, 103 + i, host, *m.url, false, field);
    }
    if (e_.pool) {
      for (const auto& reg : e_.registries) {
        if (reg.shared || !e_.pool->contains(reg.ip)) continue;
        diags_.error(at("spec.loadBalancer.pool"), "pool " + e_.pool->str() + " contains " + reg.ip.str() + ", the address of registry '" + reg.name + "'",
                     "move the pool off the registry addresses (.101 build, .102 cache, .103 and up for non-shared mirrors)");
      }
    }
  }

  void coredns() {
    if (!e_.spec.coredns.hosts) return;
    for (size_t i = 0; i < e_.spec.coredns.hosts->size(); ++i) {
      const auto& h = (*e_.spec.coredns.hosts)[i];
      if (h.target && *h.target == "gateway" && !e_.pool)
        diags_.error(at("spec.coredns.hosts[" + std::to_string(i) + "].target"),
                     "'gateway' means the first load-balancer address, but this cluster has no spec.loadBalancer.pool",
                     "set spec.loadBalancer.pool or give an IPv4 address");
    }
  }

  EffectiveSpec e_;
  Diagnostics diags_;
  bool network_ok_ = false;
};

}  // namespace

EffectiveSpec effective_spec(const Spec& spec) { return Defaulter(spec).run(); }

}  // namespace lo
