// Parsing of the Lo kind's fields: runtime, network, registries (current and
// older shape), nodes, loadBalancer, coredns, remote. Only shapes, types and
// patterns are checked here; what depends on derived values (subnets, slot,
// IP overflow) is checked by defaulting (defaults.cpp).
#include <algorithm>
#include <set>

#include "lo/net.hpp"
#include "spec_reader.hpp"

namespace lo::detail {
namespace {

using R = SpecReader;

bool docker_network_name(const std::string& n) {
  if (n.empty() || !std::isalnum(static_cast<unsigned char>(n[0]))) return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

void read_network(R& r, const YAML::Node& spec) {
  Spec& s = r.spec();
  auto net = R::child(spec, "network");
  if (!r.map(net, "spec.network")) return;
  r.known_keys(net, "spec.network", {"name", "cidr"});
  auto name = R::child(net, "name");
  s.network.name = r.str(name, "spec.network.name");
  if (s.network.name) {
    if (!docker_network_name(*s.network.name))
      r.error(name, "spec.network.name", "'" + *s.network.name + "' is not a valid Docker network name",
              "letters, digits, '_', '.' and '-', starting with a letter or digit");
    else if (s.network.name->size() > 15)
      r.error(name, "spec.network.name", "'" + *s.network.name + "' is longer than 15 characters",
              "it is also the Linux bridge name, which the kernel limits to 15 characters");
  }
  auto cidr = R::child(net, "cidr");
  s.network.cidr = r.str(cidr, "spec.network.cidr");
  if (s.network.cidr && !parse_cidr(*s.network.cidr))
    r.error(cidr, "spec.network.cidr", "'" + *s.network.cidr + "' is not an IPv4 CIDR", "write it like 10.125.50.0/24");
}

void read_mirrors(R& r, const YAML::Node& list) {
  Spec& s = r.spec();
  if (!list.IsDefined() || list.IsNull()) return;
  r.remember_line(list, "spec.registries.mirrors");
  if (!list.IsSequence()) {
    r.error(list, "spec.registries.mirrors", "must be a list of {name, url}");
    return;
  }
  std::vector<MirrorSpec> mirrors;
  std::set<std::string> names;
  size_t i = 0;
  for (const auto& item : list) {
    std::string path = "spec.registries.mirrors[" + std::to_string(i++) + "]";
    if (!r.map(item, path)) {
      if (!item.IsDefined() || item.IsNull()) r.error(item, path, "must be a mapping with name and url");
      continue;
    }
    r.known_keys(item, path, {"name", "url"});
    MirrorSpec m;
    m.line = item.Mark().line + 1;
    auto name = R::child(item, "name");
    m.name = r.str(name, path + ".name");
    m.url = r.str(R::child(item, "url"), path + ".url");
    if (!m.name) {
      r.error(item, path + ".name", "is required", "name the mirror, e.g. io-docker");
      continue;
    }
    const std::string& n = *m.name;
    if (n == "build" || n == "cache") {
      // The older shape listed the framework registries among the mirrors.
      if (m.url) {
        r.error(name, path + ".name", "'" + n + "' is reserved for lo's own " + n + " registry and has no upstream URL",
                "remove this entry (lo always runs the " + n + " registry), or rename the mirror");
      } else {
        r.warn(name, path, "listing '" + n + "' among the mirrors is the older shape; lo always runs the " + n +
                               " registry, the entry is dropped",
               "remove it from spec.registries.mirrors");
      }
      continue;
    }
    bool ok = !n.empty() && n.size() <= 40 && (std::islower(static_cast<unsigned char>(n[0])) || std::isdigit(static_cast<unsigned char>(n[0]))) &&
              std::all_of(n.begin(), n.end(), [](char c) { return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-'; });
    if (!ok) {
      r.error(name, path + ".name", "invalid mirror name '" + n + "'",
              "lower-case letters, digits and '-', starting with a letter or digit, at most 40 characters");
      continue;
    }
    if (!names.insert(n).second) {
      r.error(name, path + ".name", "mirror '" + n + "' is listed twice");
      continue;
    }
    if (!m.url) {
      r.error(item, path + ".url", "is required for mirror '" + n + "'", "the upstream registry, e.g. https://registry-1.docker.io");
      continue;
    }
    const std::string& u = *m.url;
    size_t scheme = u.rfind("https://", 0) == 0 ? 8 : u.rfind("http://", 0) == 0 ? 7 : 0;
    std::string host = scheme ? u.substr(scheme, u.find('/', scheme) == std::string::npos ? std::string::npos : u.find('/', scheme) - scheme) : "";
    bool host_ok = !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '_';
    });
    if (!scheme || !host_ok) {
      r.error(R::child(item, "url"), path + ".url", "'" + u + "' is not an http(s) URL with a host",
              "write it like https://registry-1.docker.io");
      continue;
    }
    mirrors.push_back(std::move(m));
  }
  s.registries.mirrors = std::move(mirrors);
}

void read_registries(R& r, const YAML::Node& spec) {
  Spec& s = r.spec();
  auto reg = R::child(spec, "registries");
  if (!r.map(reg, "spec.registries")) return;
  r.known_keys(reg, "spec.registries",
               {"tls", "shared", "mirrors", "prefix", "network", "baseIP", "buildIP", "cacheIP"});
  s.registries.tls = r.boolean(R::child(reg, "tls"), "spec.registries.tls");
  s.registries.prefix = r.str(R::child(reg, "prefix"), "spec.registries.prefix");

  auto shared = R::child(reg, "shared");
  if (shared.IsScalar()) {
    // Older shape: shared: true|false.
    s.registries.sharedEnabled = r.boolean(shared, "spec.registries.shared");
    if (s.registries.sharedEnabled)
      r.warn(shared, "spec.registries.shared", "a boolean here is the older shape; read as shared.enabled",
             "write shared: {enabled: " + std::string(*s.registries.sharedEnabled ? "true" : "false") + "}");
  } else if (r.map(shared, "spec.registries.shared")) {
    r.known_keys(shared, "spec.registries.shared", {"enabled", "network"});
    s.registries.sharedEnabled = r.boolean(R::child(shared, "enabled"), "spec.registries.shared.enabled");
    auto net = R::child(shared, "network");
    if (r.map(net, "spec.registries.shared.network")) {
      r.known_keys(net, "spec.registries.shared.network", {"name", "cidr"});
      s.registries.sharedNetworkName = r.str(R::child(net, "name"), "spec.registries.shared.network.name");
      s.registries.sharedNetworkCidr = r.str(R::child(net, "cidr"), "spec.registries.shared.network.cidr");
    }
  }
  // Older shape: registries.network {name, subnet} was the shared network.
  auto old_net = R::child(reg, "network");
  if (r.map(old_net, "spec.registries.network")) {
    r.known_keys(old_net, "spec.registries.network", {"name", "subnet"});
    auto name = r.str(R::child(old_net, "name"), "spec.registries.network.name");
    auto subnet = r.str(R::child(old_net, "subnet"), "spec.registries.network.subnet");
    auto set_from_old = [&](std::optional<std::string>& dst, const std::optional<std::string>& v, const char* old_field,
                            const char* new_field) {
      if (!v) return;
      std::string old_path = std::string("spec.registries.network.") + old_field;
      if (dst && *dst != *v) {
        r.error(R::child(old_net, old_field), old_path,
                "disagrees with spec.registries.shared.network." + std::string(new_field) + " ('" + *dst + "')",
                "remove the older field");
        return;
      }
      dst = v;
      r.warn(R::child(old_net, old_field), old_path, "is the older shape; read as spec.registries.shared.network." + std::string(new_field),
             "move it to spec.registries.shared.network." + std::string(new_field));
    };
    set_from_old(s.registries.sharedNetworkName, name, "name", "name");
    set_from_old(s.registries.sharedNetworkCidr, subnet, "subnet", "cidr");
  }
  if (s.registries.sharedNetworkName && !docker_network_name(*s.registries.sharedNetworkName))
    r.error(R::child(reg, "shared"), "spec.registries.shared.network.name",
            "'" + *s.registries.sharedNetworkName + "' is not a valid Docker network name");
  if (s.registries.sharedNetworkCidr && !parse_cidr(*s.registries.sharedNetworkCidr))
    r.error(R::child(reg, "shared"), "spec.registries.shared.network.cidr",
            "'" + *s.registries.sharedNetworkCidr + "' is not an IPv4 CIDR", "write it like 10.125.200.0/24");
  for (const char* f : {"baseIP", "buildIP", "cacheIP"}) {
    auto n = R::child(reg, f);
    std::string path = std::string("spec.registries.") + f;
    auto v = r.str(n, path);
    if (!v) continue;
    if (!parse_ipv4(*v)) {
      r.error(n, path, "'" + *v + "' is not an IPv4 address");
      continue;
    }
    std::string which = f;
    (which == "baseIP" ? s.registries.legacyBaseIP : which == "buildIP" ? s.registries.legacyBuildIP : s.registries.legacyCacheIP) = v;
  }
  read_mirrors(r, R::child(reg, "mirrors"));
}

void read_nodes(R& r, const YAML::Node& spec) {
  Spec& s = r.spec();
  auto nodes = R::child(spec, "nodes");
  if (!r.map(nodes, "spec.nodes")) return;
  r.known_keys(nodes, "spec.nodes",
               {"controlPlane", "workers", "hostPorts", "maxConcurrentDownloads", "dockerSocket", "extraMounts"});
  s.nodes.controlPlane = r.integer(R::child(nodes, "controlPlane"), "spec.nodes.controlPlane", 1, 9);
  s.nodes.workers = r.integer(R::child(nodes, "workers"), "spec.nodes.workers", 0, 99);
  s.nodes.hostPorts = r.boolean(R::child(nodes, "hostPorts"), "spec.nodes.hostPorts");
  s.nodes.dockerSocket = r.boolean(R::child(nodes, "dockerSocket"), "spec.nodes.dockerSocket");
  s.nodes.maxConcurrentDownloads =
      r.integer(R::child(nodes, "maxConcurrentDownloads"), "spec.nodes.maxConcurrentDownloads", 1, 100);
  auto mounts = R::child(nodes, "extraMounts");
  if (!mounts.IsDefined() || mounts.IsNull()) return;
  r.remember_line(mounts, "spec.nodes.extraMounts");
  if (!mounts.IsSequence()) {
    r.error(mounts, "spec.nodes.extraMounts", "must be a list of {hostPath, containerPath, readOnly}");
    return;
  }
  std::vector<ExtraMount> out;
  size_t i = 0;
  for (const auto& m : mounts) {
    std::string path = "spec.nodes.extraMounts[" + std::to_string(i++) + "]";
    if (!r.map(m, path)) {
      if (!m.IsDefined() || m.IsNull()) r.error(m, path, "must be a mapping with hostPath and containerPath");
      continue;
    }
    r.known_keys(m, path, {"hostPath", "containerPath", "readOnly"});
    ExtraMount em;
    em.hostPath = r.str(R::child(m, "hostPath"), path + ".hostPath");
    em.containerPath = r.str(R::child(m, "containerPath"), path + ".containerPath");
    em.readOnly = r.boolean(R::child(m, "readOnly"), path + ".readOnly");
    if (!em.hostPath || em.hostPath->empty()) r.error(m, path + ".hostPath", "is required");
    if (!em.containerPath || em.containerPath->empty()) r.error(m, path + ".containerPath", "is required");
    else if ((*em.containerPath)[0] != '/')
      r.error(R::child(m, "containerPath"), path + ".containerPath", "must be an absolute path inside the node");
    out.push_back(std::move(em));
  }
  s.nodes.extraMounts = std::move(out);
}

void read_coredns(R& r, const YAML::Node& spec) {
  Spec& s = r.spec();
  auto c = R::child(spec, "coredns");
  if (!r.map(c, "spec.coredns")) return;
  r.known_keys(c, "spec.coredns", {"hosts", "servers", "overrides", "import"});
  s.coredns.servers = r.str(R::child(c, "servers"), "spec.coredns.servers");
  s.coredns.overrides = r.str(R::child(c, "overrides"), "spec.coredns.overrides");
  s.coredns.import = r.str(R::child(c, "import"), "spec.coredns.import");
  auto hosts = R::child(c, "hosts");
  if (!hosts.IsDefined() || hosts.IsNull()) return;
  r.remember_line(hosts, "spec.coredns.hosts");
  if (!hosts.IsSequence()) {
    r.error(hosts, "spec.coredns.hosts", "must be a list of {name, target}");
    return;
  }
  std::vector<CorednsHost> out;
  size_t i = 0;
  for (const auto& h : hosts) {
    std::string path = "spec.coredns.hosts[" + std::to_string(i++) + "]";
    if (!r.map(h, path)) continue;
    r.known_keys(h, path, {"name", "target"});
    CorednsHost ch;
    ch.name = r.str(R::child(h, "name"), path + ".name");
    ch.target = r.str(R::child(h, "target"), path + ".target");
    if (!ch.name) r.error(h, path + ".name", "is required", "the DNS zone to answer, e.g. example.com");
    else if (!is_dns_subdomain(*ch.name))
      r.error(R::child(h, "name"), path + ".name", "'" + *ch.name + "' is not a valid DNS name");
    if (!ch.target) r.error(h, path + ".target", "is required", "an IPv4 address, or 'gateway' for the first pool address");
    else if (*ch.target != "gateway" && !parse_ipv4(*ch.target))
      r.error(R::child(h, "target"), path + ".target", "'" + *ch.target + "' is neither an IPv4 address nor 'gateway'");
    out.push_back(std::move(ch));
  }
  s.coredns.hosts = std::move(out);
}

void read_remote(R& r, const YAML::Node& spec) {
  Spec& s = r.spec();
  auto rem = R::child(spec, "remote");
  if (!r.map(rem, "spec.remote")) return;
  r.known_keys(rem, "spec.remote", {"mode", "expose", "sync", "tilt"});
  s.remote.mode = r.one_of(R::child(rem, "mode"), "spec.remote.mode", {"docker", "ci"});
  s.remote.expose = r.boolean(R::child(rem, "expose"), "spec.remote.expose");
  s.remote.tilt = r.boolean(R::child(rem, "tilt"), "spec.remote.tilt");
  auto sync = R::child(rem, "sync");
  if (r.map(sync, "spec.remote.sync")) {
    r.known_keys(sync, "spec.remote.sync", {"path", "dest", "exclude"});
    s.remote.syncPath = r.str(R::child(sync, "path"), "spec.remote.sync.path");
    s.remote.syncDest = r.str(R::child(sync, "dest"), "spec.remote.sync.dest");
    s.remote.syncExclude = r.str_list(R::child(sync, "exclude"), "spec.remote.sync.exclude");
  }
}

}  // namespace

void read_lo(SpecReader& r, const YAML::Node& spec) {
  Spec& s = r.spec();
  s.runtime = r.one_of(R::child(spec, "runtime"), "spec.runtime", {"kind"});
  read_network(r, spec);
  read_registries(r, spec);
  read_nodes(r, spec);
  auto lb = R::child(spec, "loadBalancer");
  if (r.map(lb, "spec.loadBalancer")) {
    r.known_keys(lb, "spec.loadBalancer", {"pool"});
    auto pool = R::child(lb, "pool");
    s.loadBalancerPool = r.str(pool, "spec.loadBalancer.pool");
    if (s.loadBalancerPool) {
      auto range = parse_ip_range(*s.loadBalancerPool);
      if (!range)
        r.error(pool, "spec.loadBalancer.pool", "'" + *s.loadBalancerPool + "' is not an address range",
                "write it as FIRST-LAST, like 10.125.50.125-10.125.50.150");
      else if (range->last < range->first)
        r.error(pool, "spec.loadBalancer.pool", "starts at " + range->first.str() + ", after its end " + range->last.str());
    }
  }
  read_coredns(r, spec);
  read_remote(r, spec);
  auto ex = R::child(spec, "expose");
  if (r.map(ex, "spec.expose")) {
    r.known_keys(ex, "spec.expose", {"enabled", "auth", "tls"});
    s.expose = r.opaque(ex, "spec.expose");
  }
}

}  // namespace lo::detail
