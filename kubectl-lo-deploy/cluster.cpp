// Which cluster a deploy goes to: the kubeconfig rule of
// lo/domain_cluster.hpp (shared with `kubectl lo build`), then -n and the
// default namespace.
#include "deploy.hpp"
#include "lo/domain_cluster.hpp"
#include "lo/log.hpp"

namespace lo::deploy {

ClusterChoice choose_cluster(const Plan& plan, const DeployOptions& o) {
  const LoadedDomain& cluster_domain = plan.cluster ? *plan.cluster : plan.domain;
  KubeconfigChoice kc = choose_kubeconfig(plan.ws, cluster_domain, o.kubeconfig, o.context);
  if (!kc.passed_over.empty()) log::debug(1, kc.passed_over);
  kc.request.namespace_ = o.namespace_;
  ClusterChoice choice;
  choice.config = load_kubeconfig(kc.request);
  choice.source = kc.describe(plan.ws, choice.config.files);
  // The namespace of objects that name none: -n, else the Deploy domain's
  // spec.namespace, else the context's, else "default".
  if (o.namespace_ && !o.namespace_->empty()) {
    choice.default_namespace = *o.namespace_;
  } else if (plan.domain.spec.kind == SpecKind::Deploy && plan.domain.spec.deployNamespace &&
             !plan.domain.spec.deployNamespace->empty()) {
    choice.default_namespace = *plan.domain.spec.deployNamespace;
  } else {
    choice.default_namespace = choice.config.namespace_;
  }
  return choice;
}

}  // namespace lo::deploy
