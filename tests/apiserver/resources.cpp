#include "resources.hpp"

#include <mutex>
#include <regex>
#include <set>
#include <tuple>

namespace lotest {
namespace {

struct Builtin {
  const char* group;
  const char* version;
  const char* plural;
  const char* singular;
  const char* kind;
  bool namespaced;
  std::vector<std::string> shortNames;
  bool hasStatus;
  bool tracksGeneration;
  bool inAll;  // in the "all" category
};

// The built-in types. Workloads, CRDs and ingresses have a status
// subresource and count generations; the rest are plain storage.
const std::vector<Builtin>& builtins() {
  static const std::vector<Builtin> table = {
      {"", "v1", "namespaces", "namespace", "Namespace", false, {"ns"}, true, false, false},
      {"", "v1", "configmaps", "configmap", "ConfigMap", true, {"cm"}, false, false, false},
      {"", "v1", "secrets", "secret", "Secret", true, {}, false, false, false},
      {"", "v1", "services", "service", "Service", true, {"svc"}, true, false, true},
      {"", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, {"sa"}, false, false, false},
      {"", "v1", "pods", "pod", "Pod", true, {"po"}, true, false, true},
      {"", "v1", "events", "event", "Event", true, {"ev"}, false, false, false},
      {"", "v1", "endpoints", "endpoints", "Endpoints", true, {"ep"}, false, false, false},
      {"", "v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true, {"pvc"}, true, false, false},
      {"", "v1", "persistentvolumes", "persistentvolume", "PersistentVolume", false, {"pv"}, true, false, false},
      {"", "v1", "nodes", "node", "Node", false, {"no"}, true, false, false},
      {"", "v1", "limitranges", "limitrange", "LimitRange", true, {"limits"}, false, false, false},
      {"", "v1", "resourcequotas", "resourcequota", "ResourceQuota", true, {"quota"}, true, false, false},
      {"apps", "v1", "deployments", "deployment", "Deployment", true, {"deploy"}, true, true, true},
      {"apps", "v1", "statefulsets", "statefulset", "StatefulSet", true, {"sts"}, true, true, true},
      {"apps", "v1", "daemonsets", "daemonset", "DaemonSet", true, {"ds"}, true, true, true},
      {"apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, {"rs"}, true, true, true},
      {"batch", "v1", "jobs", "job", "Job", true, {}, true, true, true},
      {"batch", "v1", "cronjobs", "cronjob", "CronJob", true, {"cj"}, true, true, true},
      {"autoscaling", "v2", "horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler", true, {"hpa"}, true, false, true},
      {"policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", true, {"pdb"}, true, true, false},
      {"apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", false, {"crd", "crds"}, true, true, false},
      {"rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true, {}, false, false, false},
      {"rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", true, {}, false, false, false},
      {"rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", false, {}, false, false, false},
      {"rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false, {}, false, false, false},
      {"networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", true, {"ing"}, true, true, false},
      {"networking.k8s.io", "v1", "ingressclasses", "ingressclass", "IngressClass", false, {}, false, false, false},
      {"networking.k8s.io", "v1", "networkpolicies", "networkpolicy", "NetworkPolicy", true, {"netpol"}, false, true, false},
      {"coordination.k8s.io", "v1", "leases", "lease", "Lease", true, {}, false, false, false},
      {"discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", true, {}, false, false, false},
      {"storage.k8s.io", "v1", "storageclasses", "storageclass", "StorageClass", false, {"sc"}, false, false, false},
      {"scheduling.k8s.io", "v1", "priorityclasses", "priorityclass", "PriorityClass", false, {"pc"}, false, false, false},
      {"admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "validatingwebhookconfiguration", "ValidatingWebhookConfiguration", false, {}, false, true, false},
      {"admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "mutatingwebhookconfiguration", "MutatingWebhookConfiguration", false, {}, false, true, false},
      {"apiregistration.k8s.io", "v1", "apiservices", "apiservice", "APIService", false, {}, true, false, false},
  };
  return table;
}

std::string key(const std::string& group, const std::string& version, const std::string& plural) {
  return group + "/" + version + "/" + plural;
}

// (stability, major, minor): GA = 2, beta = 1, alpha = 0; -1 for others.
std::tuple<int, int, int> versionRank(const std::string& v) {
  static const std::regex re(R"(v([0-9]+)(?:(alpha|beta)([0-9]+))?)");
  std::smatch m;
  if (!std::regex_match(v, m, re)) return {-1, 0, 0};
  int stability = !m[2].matched ? 2 : (m[2] == "beta" ? 1 : 0);
  int minor = m[3].matched ? std::stoi(m[3]) : 0;
  return {stability, std::stoi(m[1]), minor};
}

}  // namespace

bool versionPrecedes(const std::string& a, const std::string& b) {
  auto ra = versionRank(a), rb = versionRank(b);
  if (ra != rb) return ra > rb;
  return a < b;
}

Registry::Registry() {
  for (const auto& b : builtins()) {
    auto t = std::make_shared<ResourceType>();
    t->group = b.group;
    t->version = b.version;
    t->plural = b.plural;
    t->singular = b.singular;
    t->kind = b.kind;
    t->namespaced = b.namespaced;
    t->shortNames = b.shortNames;
    if (b.inAll) t->categories = {"all"};
    t->hasStatus = b.hasStatus;
    t->tracksGeneration = b.tracksGeneration;
    static const std::set<std::string> returnObject = {"pods", "services", "serviceaccounts", "namespaces",
                                                       "storageclasses", "customresourcedefinitions"};
    t->returnsDeletedObject = returnObject.count(t->plural) > 0;
    types_[key(t->group, t->version, t->plural)] = t;
  }
}

TypePtr Registry::find(const std::string& group, const std::string& version,
                       const std::string& plural) const {
  std::shared_lock lock(mu_);
  auto it = types_.find(key(group, version, plural));
  return it == types_.end() ? nullptr : it->second;
}

TypePtr Registry::findAnyVersion(const std::string& group, const std::string& plural) const {
  std::shared_lock lock(mu_);
  for (const auto& [k, t] : types_)
    if (t->group == group && t->plural == plural) return t;
  return nullptr;
}

std::vector<TypePtr> Registry::all() const {
  std::shared_lock lock(mu_);
  std::vector<TypePtr> out;
  out.reserve(types_.size());
  for (const auto& [k, t] : types_) out.push_back(t);
  return out;
}

void Registry::setCustom(const std::string& crdName, const std::vector<ResourceType>& types) {
  std::unique_lock lock(mu_);
  for (auto it = types_.begin(); it != types_.end();) {
    if (it->second->custom && it->second->crdName == crdName)
      it = types_.erase(it);
    else
      ++it;
  }
  for (const auto& t : types) {
    auto copy = std::make_shared<ResourceType>(t);
    copy->custom = true;
    copy->crdName = crdName;
    types_[key(t.group, t.version, t.plural)] = copy;
  }
  ++revision_;
}

uint64_t Registry::revision() const {
  std::shared_lock lock(mu_);
  return revision_;
}

}  // namespace lotest
