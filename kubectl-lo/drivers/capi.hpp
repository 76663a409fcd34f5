// The Capi driver (kind: Capi): Cluster API resources applied to the
// management cluster, the Cluster waited for until Provisioned, the workload
// kubeconfig taken from the <name>-kubeconfig Secret (what `clusterctl get
// kubeconfig` reads; no clusterctl needed). The management cluster is that
// of spec.managementCluster.domain, or in SaaS mode (no managementCluster)
// the one --kubeconfig / --context name (Context::kubeconfig_flag, context_flag).
#pragma once

#include <memory>

#include "driver.hpp"

namespace lo::driver {

std::unique_ptr<Driver> capi_driver();

}  // namespace lo::driver
