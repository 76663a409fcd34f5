#include "lo/delete_order.hpp"

#include <set>

namespace lo {

bool builtin_group(const std::string& group) {
  static const std::set<std::string> groups = {
      "", "apps", "batch", "autoscaling", "policy", "extensions",
      "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io",
      "apiserverinternal.k8s.io", "authentication.k8s.io", "authorization.k8s.io",
      "certificates.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io",
      "flowcontrol.apiserver.k8s.io", "internal.apiserver.k8s.io", "networking.k8s.io", "node.k8s.io",
      "rbac.authorization.k8s.io", "resource.k8s.io", "scheduling.k8s.io", "storage.k8s.io",
      "storagemigration.k8s.io"};
  return groups.count(group) > 0;
}

DeleteWave delete_wave(const std::string& group, const std::string& kind, bool namespaced) {
  if ((group == "admissionregistration.k8s.io" && kind.find("WebhookConfiguration") != std::string::npos) ||
      (group == "apiregistration.k8s.io" && kind == "APIService"))
    return DeleteWave::Webhooks;
  if (!builtin_group(group)) return DeleteWave::CustomResources;
  if (group == "apiextensions.k8s.io" && kind == "CustomResourceDefinition") return DeleteWave::Definitions;
  static const std::set<std::string> workloads = {
      "/Pod", "/ReplicationController", "/Service", "apps/Deployment", "apps/StatefulSet", "apps/DaemonSet",
      "apps/ReplicaSet", "batch/Job", "batch/CronJob", "autoscaling/HorizontalPodAutoscaler",
      "policy/PodDisruptionBudget", "networking.k8s.io/Ingress", "extensions/Ingress"};
  if (workloads.count(group + "/" + kind)) return DeleteWave::Workloads;
  if (group.empty() && kind == "Namespace") return DeleteWave::Namespaces;
  return namespaced ? DeleteWave::NamespacedConfig : DeleteWave::ClusterConfig;
}

const char* wave_name(DeleteWave wave) {
  switch (wave) {
    case DeleteWave::Webhooks: return "webhook configurations";
    case DeleteWave::CustomResources: return "custom resources";
    case DeleteWave::Definitions: return "CRDs";
    case DeleteWave::Workloads: return "workloads";
    case DeleteWave::NamespacedConfig: return "namespaced objects";
    case DeleteWave::ClusterConfig: return "cluster-scoped objects";
    case DeleteWave::Namespaces: return "namespaces";
  }
  return "objects";
}

}  // namespace lo
