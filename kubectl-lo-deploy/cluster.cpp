// Which cluster a deploy goes to. The domain named on the command line is
// always the one deployed (upstream B-1 sent it to the active domain's
// cluster); its kubeconfig is chosen here:
//
//   1. --kubeconfig FILE (with --context when given)
//   2. --context NAME alone: that context of $KUBECONFIG / ~/.kube/config
//   3. <root>/.kubeconfig/<metadata.name>.yaml of the cluster domain (a
//      Deploy domain's spec.clusterRef.domain), when it exists
//   4. $KUBECONFIG / ~/.kube/config
#include "deploy.hpp"
#include "lo/log.hpp"

namespace lo::deploy {
namespace fs = std::filesystem;

ClusterChoice choose_cluster(const Plan& plan, const DeployOptions& o) {
  KubeconfigRequest req;
  req.context = o.context;
  req.namespace_ = o.namespace_;
  ClusterChoice choice;
  const LoadedDomain& cluster_domain = plan.cluster ? *plan.cluster : plan.domain;
  if (o.kubeconfig) {
    req.path = fs::path(*o.kubeconfig);
    choice.source = "--kubeconfig " + *o.kubeconfig;
  } else if (o.context) {
    choice.source = "--context " + *o.context;
  } else if (cluster_domain.spec.name && !cluster_domain.spec.name->empty()) {
    fs::path own = plan.ws.kubeconfig_dir() / (*cluster_domain.spec.name + ".yaml");
    std::error_code ec;
    if (fs::is_regular_file(own, ec)) {
      req.path = own;
      choice.source = plan.ws.show(own);
    } else {
      log::debug(1, "no " + plan.ws.show(own) + " for domain " + cluster_domain.ref.name +
                        "; using $KUBECONFIG or ~/.kube/config");
    }
  }
  choice.config = load_kubeconfig(req);
  if (choice.source.empty() || choice.source.rfind("--context", 0) == 0) {
    std::string files;
    for (const auto& f : choice.config.files) files += (files.empty() ? "" : ":") + plan.ws.show(f);
    choice.source = choice.source.empty() ? files : choice.source + " (" + files + ")";
  }
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
