// The KubeOne driver (kind: KubeOne): the infrastructure provider of
// spec.provider.name makes the machines and writes its inventory JSON to
// clusters/<domain>/.provider/inventory.json ({api, access, nodes, network};
// providers/provider.hpp); kubeone.yaml (KubeOneCluster, kubeone.k8c.io/v1beta2)
// is rendered from the data templates of drivers/kubeone/ into
// clusters/<domain>/.kubeone/, then the kubeone CLI runs there. With
// Terraform's clusters/<domain>/.kubeone/output.json instead, kubeone gets it
// as --tfjson and reads the hosts from it.
#pragma once

#include <memory>

#include "driver.hpp"
#include "lo/spec.hpp"

namespace lo::driver {

// The manifest for a domain (kubeone_manifest.cpp); throws lo::Error naming
// the missing spec field, inventory key or template.
Json kubeone_manifest(const Workspace& ws, const LoadedDomain& d);

std::unique_ptr<Driver> kubeone_driver();

}  // namespace lo::driver
