// The docker side of a Lo domain that more than one binary touches: is the
// daemon there, and the two bridge networks (the project network of
// spec.network and the shared registry network). lo-registry and lo-kind
// both create them, so they must create them the same way: here.
//
// Every docker call goes through lo::Runner (queries always run; changes
// run or, with --dry-run, are printed). A dry run without a reachable
// daemon assumes nothing exists and says so.
//
// Upstream quirks fixed here (reference §5.3, §8):
//  Q20  kind nodes took addresses anywhere in the project network; the
//       network now gets an --ip-range (a quarter of the subnet, clear of
//       the registries and the load-balancer pool) for dynamic addresses.
//  Q31  kind nodes joined to the shared registry network got .2, .3, ...,
//       the very addresses of the mirrors; the shared network also gets an
//       --ip-range, so nodes never take a mirror's address.
//  Q25  the hint for a shared network with another subnet names the real
//       field, spec.registries.shared.network.cidr.
// A network of the right name with another subnet is an error naming the
// spec file and field, never silently removed (upstream ran `network rm`).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lo/defaults.hpp"
#include "lo/error.hpp"
#include "lo/net.hpp"
#include "lo/runner.hpp"

namespace lo::docker {

// What a bridge network must look like.
struct NetworkPlan {
  std::string name;
  Cidr subnet;
  std::optional<Cidr> ip_range;      // where docker hands out dynamic addresses
  std::vector<std::string> options;  // -o key=value
  std::vector<std::string> labels;   // --label key=value
  Location field;                    // where the subnet comes from (file, field, line)
  bool shared = false;
};

// The project network of a Lo domain (spec.network.name / cidr).
NetworkPlan project_network(const EffectiveSpec& eff, const std::string& domain);
// The shared registry network (spec.registries.shared.network).
NetworkPlan shared_network(const EffectiveSpec& eff);
// `docker network create ...` for a plan.
std::vector<std::string> create_network_argv(const NetworkPlan& plan);

// The dynamic-address block of a network: the highest quarter of `subnet`
// that holds none of `reserved` and does not meet `pool`; nullopt when the
// subnet is too small or no quarter is free.
std::optional<Cidr> dynamic_range(const Cidr& subnet, const std::vector<Ipv4>& reserved,
                                  const std::optional<IpRange>& pool);

struct NetworkState {
  std::vector<std::string> subnets;
  std::vector<std::string> ip_ranges;
  std::map<std::string, std::string> labels;
  std::vector<std::string> containers;  // names of attached containers
};

// True when DOCKER_HOST points at a daemon on another machine (ssh://,
// tcp://, ...): local paths cannot be bind-mounted there (upstream Q29), so
// files go into containers with `docker cp` instead.
bool remote_daemon();

// True when a failed docker call failed because the object does not exist.
bool not_found(const ExecResult& r);

class Docker {
 public:
  // Checks that docker is installed and its daemon answers. A real run
  // throws lo::Error when not; a dry run notes it and goes on offline.
  explicit Docker(Runner& runner);

  // `docker <args>` as a read-only query. Offline: an empty failure that
  // not_found() accepts, so everything looks absent.
  ExecResult query(const std::vector<std::string>& args);
  // Like query(), but a failure other than "not found" throws lo::Error
  // with docker's own words; "not found" gives nullopt.
  std::optional<std::string> query_or_absent(const std::vector<std::string>& args, const std::string& what);

  std::optional<NetworkState> network(const std::string& name);

  // Creates the network when absent; reuses it when its subnet matches;
  // throws an error naming the spec field when it has another subnet.
  // Returns true when it was (or, dry run, would be) created.
  bool ensure_network(const NetworkPlan& plan);

 private:
  Runner& runner_;
  bool offline_ = false;
};

}  // namespace lo::docker
