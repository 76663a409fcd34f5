// kubectl lo provision | destroy | status --remote for a Lo domain (seeds:
// driver contract, "Provision steps (remote)"): the infrastructure provider
// of spec.provider makes the VM, its inventory (.provider/inventory.json)
// names the address (nodes[0].public_ip, ssh_user, ssh_port) and the key
// (access[].privateKey), and spec.remote.mode says what runs where:
//
//   docker (default): lo-registry and lo-kind run here against the VM's
//     Docker daemon (DOCKER_HOST=ssh://user@host); the kubeconfig's server
//     goes through an ssh tunnel to 127.0.0.1; bootstrap runs here.
//   ci: the project is rsynced to spec.remote.sync.dest on the VM (minus
//     spec.remote.sync.exclude), `kubectl-lo provision` runs there over ssh
//     (cluster and bootstrap on the VM), then the expose proxy, the
//     kubeconfig (fetched, tunnelled) and exit 100: nothing runs locally.
//
// Both modes: the expose proxy (spec.remote.expose, default true) is an
// nginx container on the VM passing ports 80 and 443 through to the first
// load-balancer address. destroy --remote stops the tunnel and has the
// provider remove the VM. Every step goes through one Runner, so --dry-run
// prints the run's step list.
#pragma once

#include <memory>

#include "driver.hpp"

namespace lo::driver {

std::unique_ptr<Driver> remote_lo_driver();

// The spec's part of --remote (spec.provider.name, spec.remote.sync.*):
// every error with file, line and field, before any driver runs.
void check_remote_spec(const Context& c);

}  // namespace lo::driver
