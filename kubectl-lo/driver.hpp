// The driver contract: how a cluster of some kind is created, destroyed,
// asked for its status and its kubeconfig. Built-in drivers are classes
// behind this interface; a kind without one is served by an executable
// `lo-driver-<kind>` (kind lower-cased) found in <root>/.lok8s/drivers/<kind>/
// or on PATH, called as
//
//   lo-driver-<kind> provision|post_provision|destroy|status <domain> <cluster_yaml>
//   lo-driver-<kind> kubeconfig <domain>
//
// with the driver variables in its environment (LOK8S_CLUSTER_NAME,
// KIND_CONFIG, DOMAIN_NAME, LOK8S_CLUSTER_PATH, LOK8S_FORCE, LOK8S_VERBOSE,
// PATH_BASE, PATH_CLUSTERS, KUBECONFIG, and every LOK8S_SPEC_* variable).
// provision exit code 100 means "lifecycle fully handled, skip bootstrap";
// a driver that does not implement post_provision exits 64 for it.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "lo/exec.hpp"
#include "lo/runner.hpp"
#include "lo/spec.hpp"
#include "lo/workspace.hpp"

namespace lo::driver {

inline constexpr int kProvisionHandledAll = 100;
inline constexpr int kVerbNotImplemented = 64;

struct Context {
  Workspace ws;
  LoadedDomain domain;
  bool dry_run = false;
  bool force = false;
  int verbosity = 0;
  std::optional<std::chrono::milliseconds> timeout;  // --timeout of provision/destroy (drivers that wait)
  // --kubeconfig / --context: the management cluster of a Capi domain in
  // SaaS mode (no spec.managementCluster); refused for every other domain.
  std::optional<std::string> kubeconfig_flag, context_flag;
  // --remote: a Lo cluster on a VM the domain's provider makes (remote.hpp).
  bool remote = false;
  std::filesystem::path kubeconfig() const { return ws.kubeconfig_dir() / (domain.spec.name.value_or("cluster") + ".yaml"); }
};

class Driver {
 public:
  virtual ~Driver() = default;
  virtual std::string name() const = 0;
  // 0, or kProvisionHandledAll; throws lo::Error on failure.
  virtual int provision(const Context& c) = 0;
  // Runs after provision returned 0; false when the driver has none.
  virtual bool post_provision(const Context& c) = 0;
  virtual void destroy(const Context& c) = 0;
  // One word: Running, NotFound, Provisioned, ...
  virtual std::string status(const Context& c) = 0;
  // Path of the cluster's kubeconfig (written if needed).
  virtual std::string kubeconfig(const Context& c) = 0;
};

// The variables an external driver (or provider) executable gets, named above.
decltype(ExecOptions::env) environment(const Context& c);

// The driver for the domain's kind. Throws lo::Error when there is none.
std::unique_ptr<Driver> driver_for(const Context& c);

// Runs a sibling binary of kubectl-lo (lo-kind, lo-registry, ...) with `args`,
// output passed through. Returns its exit code.
int run_sibling(const std::string& binary, const std::vector<std::string>& args);

}  // namespace lo::driver
