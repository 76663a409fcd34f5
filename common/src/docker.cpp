#include "lo/docker.hpp"

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "lo/exec.hpp"

namespace lo::docker {

namespace {

std::string first_line(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::vector<Ipv4> registry_ips_on(const EffectiveSpec& eff, const std::string& network) {
  std::vector<Ipv4> out;
  for (const auto& r : eff.registries)
    if (r.network == network) out.push_back(r.ip);
  return out;
}

}  // namespace

std::optional<Cidr> dynamic_range(const Cidr& subnet, const std::vector<Ipv4>& reserved, const std::optional<IpRange>& pool) {
  // A quarter of anything smaller than a /26 is too small to be useful.
  if (subnet.prefix > 26) return std::nullopt;
  int prefix = subnet.prefix + 2;
  uint64_t size = uint64_t{1} << (32 - prefix);
  for (int q = 3; q >= 0; --q) {
    Cidr block{Ipv4{static_cast<uint32_t>(subnet.network().value + q * size)}, prefix};
    bool clash = false;
    for (const auto& ip : reserved) clash = clash || block.contains(ip);
    if (pool && !(pool->last < block.network() || block.broadcast() < pool->first)) clash = true;
    if (!clash) return block;
  }
  return std::nullopt;
}

NetworkPlan project_network(const EffectiveSpec& eff, const std::string& domain) {
  NetworkPlan p;
  p.name = eff.spec.network.name.value_or("");
  p.subnet = eff.network;
  p.ip_range = dynamic_range(eff.network, registry_ips_on(eff, p.name), eff.pool);
  // The bridge options of upstream's project network (reference §5.3): a
  // bridge named like the network, masquerade, inter-container traffic.
  p.options = {"com.docker.network.bridge.name=" + p.name, "com.docker.network.bridge.enable_ip_masquerade=true",
               "com.docker.network.bridge.enable_icc=true", "com.docker.network.bridge.host_binding_ipv4=0.0.0.0"};
  p.labels = {"lok8s.dev/network=project", "lok8s.dev/domain=" + domain};
  p.field = Location{eff.spec.file, "spec.network.cidr", eff.spec.line_of("spec.network.cidr")};
  return p;
}

NetworkPlan shared_network(const EffectiveSpec& eff) {
  NetworkPlan p;
  p.name = eff.spec.registries.sharedNetworkName.value_or(kSharedRegistryNetwork);
  p.subnet = eff.shared_network;
  p.ip_range = dynamic_range(eff.shared_network, registry_ips_on(eff, p.name), std::nullopt);
  p.options = {"com.docker.network.bridge.enable_ip_masquerade=true", "com.docker.network.bridge.enable_icc=true"};
  p.labels = {"lok8s.registry=shared"};
  p.field = Location{eff.spec.file, "spec.registries.shared.network.cidr", eff.spec.line_of("spec.registries.shared.network.cidr")};
  p.shared = true;
  return p;
}

std::vector<std::string> create_network_argv(const NetworkPlan& plan) {
  std::vector<std::string> argv = {"docker", "network", "create", "--driver", "bridge", "--subnet", plan.subnet.str()};
  if (plan.ip_range) {
    argv.push_back("--ip-range");
    argv.push_back(plan.ip_range->str());
  }
  for (const auto& o : plan.options) {
    argv.push_back("-o");
    argv.push_back(o);
  }
  for (const auto& l : plan.labels) {
    argv.push_back("--label");
    argv.push_back(l);
  }
  argv.push_back(plan.name);
  return argv;
}

bool remote_daemon() {
  const char* host = std::getenv("DOCKER_HOST");
  if (!host || !*host) return false;
  std::string h = host;
  return h.rfind("unix://", 0) != 0 && h.rfind("npipe://", 0) != 0;
}

bool not_found(const ExecResult& r) {
  if (r.ok()) return false;
  const std::string& e = r.err;
  return e.find("No such") != std::string::npos || e.find("not found") != std::string::npos ||
         e.find("no such") != std::string::npos;
}

Docker::Docker(Runner& runner) : runner_(runner) {
  if (!find_program("docker")) {
    if (runner_.dry_run()) {
      runner_.note("docker is not installed: the plan below assumes nothing exists yet");
      offline_ = true;
      return;
    }
    throw Error("docker is not installed (not found on PATH)",
                "Lo clusters run on Docker: install Docker Engine (or Docker Desktop) and retry");
  }
  ExecResult r = runner_.query({"docker", "info", "--format", "{{.ServerVersion}}"});
  if (r.ok() && !first_line(r.out).empty()) return;
  std::string why = first_line(r.err.empty() ? r.out : r.err);
  if (runner_.dry_run()) {
    runner_.note("the Docker daemon does not answer (" + why + "): the plan below assumes nothing exists yet");
    offline_ = true;
    return;
  }
  throw Error("cannot talk to the Docker daemon: " + why,
              "start Docker (or point DOCKER_HOST / the docker context at a running daemon) and retry");
}

ExecResult Docker::query(const std::vector<std::string>& args) {
  if (offline_) {
    ExecResult r;
    r.exit_code = 1;
    r.err = "not found (dry run without a Docker daemon)";
    return r;
  }
  std::vector<std::string> argv = {"docker"};
  argv.insert(argv.end(), args.begin(), args.end());
  return runner_.query(argv);
}

std::optional<std::string> Docker::query_or_absent(const std::vector<std::string>& args, const std::string& what) {
  ExecResult r = query(args);
  if (r.ok()) return r.out;
  if (not_found(r)) return std::nullopt;
  std::vector<std::string> argv = {"docker"};
  argv.insert(argv.end(), args.begin(), args.end());
  throw Error("cannot " + what + " (" + argv_to_display(argv) + "): " + first_line(r.err.empty() ? r.out : r.err));
}

std::optional<NetworkState> Docker::network(const std::string& name) {
  auto out = query_or_absent({"network", "inspect", "--format", "{{json .}}", name}, "inspect docker network '" + name + "'");
  if (!out) return std::nullopt;
  NetworkState st;
  try {
    auto j = nlohmann::json::parse(*out);
    if (j.is_array() && !j.empty()) j = j[0];
    if (j.contains("IPAM") && j["IPAM"].contains("Config") && j["IPAM"]["Config"].is_array())
      for (const auto& c : j["IPAM"]["Config"]) {
        if (c.contains("Subnet") && c["Subnet"].is_string()) st.subnets.push_back(c["Subnet"]);
        if (c.contains("IPRange") && c["IPRange"].is_string() && !c["IPRange"].get<std::string>().empty())
          st.ip_ranges.push_back(c["IPRange"]);
      }
    if (j.contains("Labels") && j["Labels"].is_object())
      for (const auto& [k, v] : j["Labels"].items())
        if (v.is_string()) st.labels[k] = v;
    if (j.contains("Containers") && j["Containers"].is_object())
      for (const auto& [id, c] : j["Containers"].items())
        st.containers.push_back(c.contains("Name") && c["Name"].is_string() ? c["Name"].get<std::string>() : id);
  } catch (const nlohmann::json::exception& e) {
    throw Error("cannot read `docker network inspect " + name + "` output: " + e.what());
  }
  return st;
}

bool Docker::ensure_network(const NetworkPlan& plan) {
  auto st = network(plan.name);
  if (!st && runner_.dry_run() && runner_.planned("network", plan.name)) return false;  // an earlier step of this plan makes it
  if (!st) {
    if (runner_.dry_run()) runner_.will_exist("network", plan.name);
    runner_.change("create docker network " + plan.name + " (" + plan.subnet.str() + ")", create_network_argv(plan));
    return true;
  }
  std::string want = plan.subnet.str();
  bool match = false;
  std::string have;
  for (const auto& s : st->subnets) {
    auto c = parse_cidr(s);
    // IPv6 subnets (kind adds one to networks it creates) do not count.
    if (!c) continue;
    have += (have.empty() ? "" : ", ") + s;
    if (c->network() == plan.subnet.network() && c->prefix == plan.subnet.prefix) match = true;
  }
  if (!match) {
    std::string what = "docker network '" + plan.name + "' already exists with subnet " + (have.empty() ? "(none)" : have) +
                       ", but " + plan.field.field + " is " + want;
    std::string hint = plan.shared
                           ? "other projects may use it: set spec.registries.shared.network.cidr to " +
                                 (have.empty() ? std::string("its subnet") : have) +
                                 " (or spec.registries.shared.network.name to another network), or remove it with "
                                 "`kubectl lo registry clean --shared` when nothing uses it"
                           : "set spec.network.cidr to " + (have.empty() ? std::string("its subnet") : have) +
                                 ", or remove the network (docker network rm " + plan.name + ") when nothing uses it";
    throw Error(std::vector<Problem>{Problem{Severity::Error, plan.field, what, hint}});
  }
  std::string note = "docker network " + plan.name + " (" + want + ") exists: reused";
  if (plan.shared && st->ip_ranges.empty() && plan.ip_range)
    note += "; it has no --ip-range, so containers joined without an address may take mirror addresses "
            "(recreate it with `kubectl lo registry clean --shared` to fix)";
  runner_.note(note);
  return false;
}

}  // namespace lo::docker
