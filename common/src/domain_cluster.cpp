#include "lo/domain_cluster.hpp"

#include "lo/error.hpp"

namespace lo {
namespace fs = std::filesystem;

std::optional<LoadedDomain> load_cluster_ref(const Workspace& ws, const LoadedDomain& domain) {
  const Spec& s = domain.spec;
  if (s.kind != SpecKind::Deploy) return std::nullopt;
  if (!s.clusterRefDomain || s.clusterRefDomain->empty())
    throw Error(Location{s.file, "spec.clusterRef.domain", s.line_of("spec.clusterRef")}, "is missing",
                "a Deploy domain names the cluster domain it deploys to");
  LoadedDomain cluster = load_domain(ws, *s.clusterRefDomain);
  if (cluster.spec.kind == SpecKind::Deploy)
    throw Error(Location{s.file, "spec.clusterRef.domain", s.line_of("spec.clusterRef.domain")},
                "'" + *s.clusterRefDomain + "' is a deploy domain, not a cluster",
                "point clusterRef at a domain with a cluster.lok8s.yaml");
  return cluster;
}

KubeconfigChoice choose_kubeconfig(const Workspace& ws, const LoadedDomain& cluster_domain,
                                   const std::optional<std::string>& kubeconfig_flag,
                                   const std::optional<std::string>& context_flag) {
  KubeconfigChoice choice;
  choice.request.context = context_flag;
  if (kubeconfig_flag) {
    choice.request.path = fs::path(*kubeconfig_flag);
    choice.source = "--kubeconfig " + *kubeconfig_flag;
  } else if (context_flag) {
    choice.source = "--context " + *context_flag;
  } else if (cluster_domain.spec.name && !cluster_domain.spec.name->empty()) {
    fs::path own = ws.kubeconfig_dir() / (*cluster_domain.spec.name + ".yaml");
    std::error_code ec;
    if (fs::is_regular_file(own, ec)) {
      choice.request.path = own;
      choice.source = ws.show(own);
    } else {
      choice.passed_over =
          "no " + ws.show(own) + " for domain " + cluster_domain.ref.name + "; using $KUBECONFIG or ~/.kube/config";
    }
  }
  return choice;
}

std::string KubeconfigChoice::describe(const Workspace& ws, const std::vector<fs::path>& files) const {
  if (request.path) return source;
  std::string shown;
  for (const auto& f : files) shown += (shown.empty() ? "" : ":") + ws.show(f);
  return source.empty() ? shown : source + " (" + shown + ")";
}

}  // namespace lo
