// LOK8S_SPEC_* variables (reference: upstream-tilt-bootstrap-drivers §2.8).
// Differences from upstream, on purpose: the values come from the effective
// spec (so a slot domain's derived pool and network are there without a
// provision run first), and the Kubernetes version is the defaulted one.
#include "lo/spec_env.hpp"

namespace lo {

EnvList spec_variables(const EffectiveSpec& eff) {
  const Spec& s = eff.spec;
  EnvList v;
  auto add = [&](const char* key, const std::string& value) { v.emplace_back(std::string("LOK8S_SPEC_") + key, value); };
  add("CLUSTER_NAME", s.name.value_or(""));
  add("CLUSTER_DOMAIN", s.domain.value_or(""));
  add("CLUSTER_NAMESPACE", s.clusterNamespace.value_or("default"));
  add("KUBERNETES_VERSION", s.kubernetesVersion.value_or(""));
  add("DNS_DOMAINFILTER", s.dnsDomainFilter.value_or(""));
  add("OIDC_ISSUER", s.oidc.issuer.value_or(""));
  add("OIDC_CLIENTID", s.oidc.clientID.value_or(""));
  add("OIDC_USERNAMECLAIM", s.oidc.usernameClaim.value_or("sub"));
  add("OIDC_USERNAMEPREFIX", s.oidc.usernamePrefix.value_or("oidc:"));
  add("OIDC_GROUPSCLAIM", s.oidc.groupsClaim.value_or("groups"));
  add("OIDC_GROUPSPREFIX", s.oidc.groupsPrefix.value_or("oidc:"));
  add("OIDC_CABUNDLE", s.oidc.caBundle.value_or(""));
  if (s.kind != SpecKind::Lo) return v;
  add("NETWORK_NAME", s.network.name.value_or(""));
  add("NETWORK_SUBNET", s.network.cidr.value_or(""));
  add("NETWORK_BASE_IP", eff.network.network().str());
  add("REGISTRY_PREFIX", s.registries.prefix.value_or("lok8s.local"));
  for (const auto& r : eff.registries) {
    if (r.role == RegistryRole::Build) {
      add("REGISTRY_BUILD_HOST", r.hostname);
      add("REGISTRY_BUILD_IP", r.ip.str());
    } else if (r.role == RegistryRole::Cache) {
      add("REGISTRY_CACHE_HOST", r.hostname);
      add("REGISTRY_CACHE_IP", r.ip.str());
    }
  }
  add("LOADBALANCER_POOL", eff.pool ? eff.pool->str() : "");
  add("LOADBALANCER_POOL_START", eff.pool ? eff.pool->first.str() : "");
  add("LOADBALANCER_POOL_END", eff.pool ? eff.pool->last.str() : "");
  add("KIND_PODSUBNET", kPodSubnet);
  add("KIND_SERVICESUBNET", kServiceSubnet);
  return v;
}

EnvList domain_spec_variables(const LoadedDomain& d, const std::optional<LoadedDomain>& cluster) {
  if (d.spec.kind == SpecKind::Deploy && cluster) {
    EnvList v = spec_variables(effective_spec(cluster->spec));
    v.emplace_back("LOK8S_SPEC_DEPLOY_NAMESPACE", d.spec.deployNamespace.value_or(""));
    return v;
  }
  return spec_variables(effective_spec(d.spec));
}

}  // namespace lo
