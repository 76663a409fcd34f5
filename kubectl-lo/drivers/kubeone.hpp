// The KubeOne driver (kind: KubeOne): kubeone.yaml (KubeOneCluster,
// kubeone.k8c.io/v1beta2) generated from the spec and the provider's
// inventory JSON into clusters/<domain>/.kubeone/, then the kubeone CLI.
//
// Inventory: clusters/<domain>/.kubeone/inventory.json in the provider
// output form ({api, access, nodes, network}); or, from Terraform,
// clusters/<domain>/.kubeone/output.json, handed to kubeone as --tfjson
// (kubeone then reads the hosts from it).
#pragma once

#include <memory>

#include "driver.hpp"
#include "lo/spec.hpp"

namespace lo::driver {

// The manifest for a domain; throws lo::Error naming the missing spec field
// or inventory key.
Json kubeone_manifest(const Workspace& ws, const LoadedDomain& d);

std::unique_ptr<Driver> kubeone_driver();

}  // namespace lo::driver
