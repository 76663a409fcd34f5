// The cluster a domain's commands talk to, and the kubeconfig that reaches
// it. `kubectl lo deploy` applies to it; `kubectl lo build` reads its API
// server for ${LOK8S_USER_API_HOST} and ${LOK8S_USER_API_PORT}. Both use
// this one rule, so a build and a deploy of a domain always mean the same
// cluster:
//
//   1. --kubeconfig FILE (with --context when given)
//   2. --context NAME alone: that context of $KUBECONFIG / ~/.kube/config
//   3. <root>/.kubeconfig/<metadata.name>.yaml of the cluster domain, when
//      it exists. The cluster domain is the domain itself, or for a Deploy
//      domain the one its spec.clusterRef.domain names.
//   4. $KUBECONFIG / ~/.kube/config
//
// The domain named on the command line is always the one built or deployed
// (upstream B-1 sent it to the active domain's cluster).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lo/kubeconfig.hpp"
#include "lo/spec.hpp"
#include "lo/workspace.hpp"

namespace lo {

// The cluster domain of a Deploy domain (its spec.clusterRef.domain), or
// nullopt for a cluster domain. Throws lo::Error naming the spec field when
// the reference is missing or names another Deploy domain.
std::optional<LoadedDomain> load_cluster_ref(const Workspace& ws, const LoadedDomain& domain);

struct KubeconfigChoice {
  KubeconfigRequest request;  // for load_kubeconfig / load_context_server
  // How it was chosen, for the user: "--kubeconfig FILE", "--context NAME",
  // ".kubeconfig/<name>.yaml"; empty for $KUBECONFIG / ~/.kube/config.
  std::string source;
  // Why the domain's own file was not used (rule 3 passed over), for -v:
  // "no .kubeconfig/local.yaml for domain d; using $KUBECONFIG or ~/.kube/config".
  std::string passed_over;

  // `source`, completed with the files read ("--context c (a.yaml:b.yaml)",
  // or the files alone for rule 4).
  std::string describe(const Workspace& ws, const std::vector<std::filesystem::path>& files) const;
};

// Applies the rule above; reads nothing but the existence of the domain's
// own kubeconfig file. `cluster_domain` is the domain, or its clusterRef's.
KubeconfigChoice choose_kubeconfig(const Workspace& ws, const LoadedDomain& cluster_domain,
                                   const std::optional<std::string>& kubeconfig_flag,
                                   const std::optional<std::string>& context_flag);

}  // namespace lo
