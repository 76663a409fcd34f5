// Background controllers, fed by the store's event history like informers:
// CRDs become NamesAccepted/Established after a delay and their kinds are
// then served; Deployments, StatefulSets, DaemonSets and Jobs get the status
// a healthy (or, on request, stuck or failing) rollout would reach.
//
// Behaviour by annotation on the object:
//   lo.test/behavior: ready (default) | stuck | fail
//   lo.test/established-delay-ms: <ms>   (CRDs; overrides --crd-delay-ms)
//   lo.test/ready-delay-ms: <ms>         (workloads; overrides --workload-delay-ms)
//
// A Cluster API Cluster (cluster.x-k8s.io) plays the part of CAPI's
// controllers: after the workload delay its status.phase becomes
// Provisioned (stuck: Provisioning, fail: Failed) and the Secret
// <name>-kubeconfig appears in its namespace, holding (key `value`) a
// kubeconfig of this very server, so the "workload cluster" is reachable.
#pragma once

#include "objects.hpp"
#include "store_thread.hpp"

#include <chrono>
#include <map>
#include <tuple>

namespace lotest {

struct ControllerOptions {
  int crdDelayMs = 200;
  int workloadDelayMs = 100;
  std::string dir;  // where kubeconfig-cert.yaml is (the workload kubeconfig of a Cluster)
};

class Controllers {
 public:
  Controllers(Objects& objects, ControllerOptions options);
  void start() { thread_.start([this] { run(); }); }
  void stop() { thread_.stop(); }  // shuts the store down

 private:
  using Clock = std::chrono::steady_clock;
  using Key = std::tuple<std::string, std::string, std::string>;  // store key, ns, name

  void run();
  void relist();
  void observe(const std::string& storeKey, const ObjPtr& obj, bool deleted);
  void reconcile(const Key& key);
  void reconcileCrd(const ObjPtr& crd);
  void crdDeleted(const json& crd);
  void refreshServedTypes(const json& crd);
  // The status the object should have; null when not managed.
  json desiredStatus(const std::string& storeKey, const json& obj) const;
  int delayFor(const std::string& storeKey, const json& obj) const;
  void ensureKubeconfigSecret(const json& cluster);

  Objects& objects_;
  ControllerOptions options_;
  uint64_t cursor_ = 0;
  std::map<Key, Clock::time_point> pending_;
  std::map<std::string, json> servedSpecs_;  // CRD name -> spec its types were built from
  StoreThread thread_{objects_.store()};  // last: stopped before the rest goes
};

}  // namespace lotest
