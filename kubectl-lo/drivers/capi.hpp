// The Capi driver (kind: Capi): Cluster API resources applied to the
// management cluster, the Cluster waited for until Provisioned, the workload
// kubeconfig taken from the <name>-kubeconfig Secret (what `clusterctl get
// kubeconfig` reads; no clusterctl needed).
#pragma once

#include <memory>

#include "driver.hpp"

namespace lo::driver {

std::unique_ptr<Driver> capi_driver();

}  // namespace lo::driver
