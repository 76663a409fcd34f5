// The Kkp driver (kind: Kkp): a managed cluster of Kubermatic KKP, made over
// its REST API (drivers/kkp_api.hpp).
//
//   provision  the cluster whose id clusters/<domain>/.kkp/cluster_id holds,
//              else the project's cluster named metadata.name, else a new one
//              (POST /api/v2/projects/<p>/clusters; its id saved at once);
//              wait with backoff until apiserver, etcd, controller and
//              scheduler are up; create the machine deployments of
//              spec.workers that do not exist yet (after the machine
//              controller is up); the kubeconfig to .kubeconfig/<name>.yaml
//              (0600). Every step can be re-run: an interrupted run is
//              finished by the next, nothing is created twice.
//   destroy    DELETE the cluster, wait until KKP no longer knows it, remove
//              .kkp/ and the kubeconfig.
//   status     Running (core components up), Creating (some provisioning),
//              Error (one is down), Deleting, NotFound.
//
// Credentials come from the environment only: KKP_TOKEN (the API), and for
// the cloud HCLOUD_TOKEN (hetzner) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
// (aws), unless a KKP preset (spec.kkp.preset) holds them or the nodes are
// brought by the user (bringyourown). KKP_API_URL and KKP_CA_CERT override
// spec.kkp.apiUrl and spec.kkp.caCert.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "driver.hpp"

namespace lo::driver {

// The control plane as /health reports it. A component's value is 1 or
// "HealthStatusUp" (up), 2 or "HealthStatusProvisioning", 0 or
// "HealthStatusDown"; a component not reported counts as provisioning.
struct KkpHealth {
  std::vector<std::string> waiting;  // "etcd (provisioning)", in the order asked
  bool down = false;                 // one of them is down
  bool up() const { return waiting.empty(); }
};
KkpHealth kkp_health(const Json& health, const std::vector<std::string>& components);

// Whether KKP runs operating-system-manager (OSM) for a cluster (GET
// .../clusters/<id>) with this /health. KKP before 2.26 had the switch
// spec.enableOperatingSystemManager (reported as a bool when set); KKP 2.26
// dropped it from its API and always runs OSM. So: that bool when the
// cluster has it, else whether /health reports operatingSystemManager (KKP
// reports it exactly when OSM runs; ClusterHealth in kubermatic/dashboard
// modules/api/pkg/api/v1/types.go).
bool kkp_runs_osm(const Json& cluster, const Json& health);

// The request bodies (env: how the driver reads an environment variable).
using EnvLookup = std::function<const char*(const char*)>;
Json kkp_cluster_body(const Spec& s, const EnvLookup& env);
Json kkp_machine_deployment(const Spec& s, const WorkerPool& pool);

std::unique_ptr<Driver> kkp_driver();

}  // namespace lo::driver
