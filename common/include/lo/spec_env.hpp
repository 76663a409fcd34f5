// The LOK8S_SPEC_* variables a domain's targets may use as ${LOK8S_SPEC_*}
// (substituted by `kubectl lo build`, exported to drivers and bootstrap).
// A Deploy domain gets the variables of the cluster its clusterRef names.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lo/defaults.hpp"
#include "lo/spec.hpp"
#include "lo/workspace.hpp"

namespace lo {

using EnvList = std::vector<std::pair<std::string, std::string>>;

// The variables of one effective spec, in a stable order.
EnvList spec_variables(const EffectiveSpec& eff);

// The variables of a domain: of its effective spec, or for a Deploy domain
// of its cluster's (`cluster`, from load_cluster_ref in
// lo/domain_cluster.hpp) plus LOK8S_SPEC_DEPLOY_NAMESPACE.
EnvList domain_spec_variables(const LoadedDomain& domain, const std::optional<LoadedDomain>& cluster);

}  // namespace lo
