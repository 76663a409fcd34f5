// The order in which lo deletes objects (prune, deploy --delete): the
// reverse of what depends on what, in waves; a wave starts when the one
// before it is gone.
//
//   1 webhooks   admission webhook configurations and APIServices, so no
//                webhook whose backend goes away blocks the deletions after it
//   2 custom resources, while their CRDs, controllers (whose finalizers
//                must run) and conversion webhooks still exist
//   3 CustomResourceDefinitions
//   4 workloads  Pods and their controllers (Deployment, StatefulSet,
//                DaemonSet, ReplicaSet, Job, CronJob...) and what points at
//                them (Service, Ingress, HorizontalPodAutoscaler,
//                PodDisruptionBudget)
//   5 namespaced configuration: ConfigMaps, Secrets, ServiceAccounts, RBAC,
//                PVCs... (everything else in a namespace)
//   6 cluster-scoped objects other than the above
//   7 Namespaces, after everything in them
#pragma once

#include <string>

namespace lo {

enum class DeleteWave { Webhooks = 1, CustomResources, Definitions, Workloads, NamespacedConfig, ClusterConfig, Namespaces };

DeleteWave delete_wave(const std::string& group, const std::string& kind, bool namespaced);

// "workloads", "custom resources", ... for progress lines.
const char* wave_name(DeleteWave wave);

// True for the API groups Kubernetes itself serves (core, apps, batch,
// rbac.authorization.k8s.io, ...); any other group is a custom resource's.
bool builtin_group(const std::string& group);

}  // namespace lo
