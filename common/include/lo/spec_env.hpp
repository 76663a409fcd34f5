// The LOK8S_SPEC_* variables a domain's targets may use as ${LOK8S_SPEC_*}
// (substituted by `kubectl lo build`, exported to drivers and bootstrap).
// A Deploy domain gets the variables of the cluster its clusterRef names.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "lo/defaults.hpp"
#include "lo/workspace.hpp"

namespace lo {

using EnvList = std::vector<std::pair<std::string, std::string>>;

// The variables of one effective spec, in a stable order.
EnvList spec_variables(const EffectiveSpec& eff);

// Loads the domain (following a Deploy domain's clusterRef), defaults it and
// returns its variables.
EnvList domain_spec_variables(const Workspace& ws, const std::string& domain);

}  // namespace lo
