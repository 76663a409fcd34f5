// Parsing of the production kinds' fields (Capi, KubeOne, Kkp): management
// cluster, credentials, control plane, worker pools and the provider blocks.
// Provider-specific blocks are kept whole (JSON) after a check of their keys.
#include <algorithm>

#include "spec_reader.hpp"

namespace lo::detail {
namespace {

using R = SpecReader;

bool pool_name(const std::string& n) {
  return !n.empty() && std::isalnum(static_cast<unsigned char>(n[0])) &&
         std::all_of(n.begin(), n.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; });
}

void read_workers(R& r, const YAML::Node& spec) {
  Spec& s = r.spec();
  auto w = R::child(spec, "workers");
  if (!r.map(w, "spec.workers")) return;
  std::vector<std::string> keys = {"replicas", "type"};
  if (s.kind == SpecKind::KubeOne) keys = {"replicas", "type", "image", "ami"};
  if (s.kind == SpecKind::Kkp) keys = {"replicas", "flavor", "type", "operatingSystem", "autoscaler"};
  if (s.kind == SpecKind::Custom) keys = {"replicas", "type", "image", "ami", "flavor", "operatingSystem", "autoscaler"};
  std::vector<WorkerPool> pools;
  for (const auto& kv : w) {
    if (!kv.first.IsScalar()) continue;
    WorkerPool p;
    p.name = kv.first.Scalar();
    std::string path = "spec.workers." + p.name;
    if (!pool_name(p.name)) {
      r.error(kv.first, path, "'" + p.name + "' is not a valid worker pool name", "letters, digits and '-'");
      continue;
    }
    if (!r.map(kv.second, path)) {
      if (kv.second.IsNull()) pools.push_back(std::move(p));
      continue;
    }
    r.known_keys(kv.second, path, keys);
    p.replicas = r.integer(R::child(kv.second, "replicas"), path + ".replicas", 0, 1000);
    p.type = r.str(R::child(kv.second, "type"), path + ".type");
    p.image = r.str(R::child(kv.second, "image"), path + ".image");
    p.ami = r.str(R::child(kv.second, "ami"), path + ".ami");
    p.flavor = r.str(R::child(kv.second, "flavor"), path + ".flavor");
    p.operatingSystem = r.str(R::child(kv.second, "operatingSystem"), path + ".operatingSystem");
    auto as = R::child(kv.second, "autoscaler");
    if (r.map(as, path + ".autoscaler")) {
      r.known_keys(as, path + ".autoscaler", {"min", "max"});
      p.autoscalerMin = r.integer(R::child(as, "min"), path + ".autoscaler.min", 0, 1000);
      p.autoscalerMax = r.integer(R::child(as, "max"), path + ".autoscaler.max", 0, 1000);
      if (p.autoscalerMin && p.autoscalerMax && *p.autoscalerMin > *p.autoscalerMax)
        r.error(as, path + ".autoscaler", "min is greater than max");
    }
    if (s.kind == SpecKind::Kkp && !p.flavor && !p.type)
      r.error(kv.second, path + ".flavor", "is required", "the machine flavor (or type) of the pool");
    if (p.type && s.kind == SpecKind::KubeOne &&
        !std::all_of(p.type->begin(), p.type->end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'; }))
      r.error(R::child(kv.second, "type"), path + ".type", "'" + *p.type + "' is not a valid machine type");
    pools.push_back(std::move(p));
  }
  s.workers = std::move(pools);
}

// A provider block kept whole, after checking its keys.
std::optional<Json> block(R& r, const YAML::Node& spec, const char* key, std::initializer_list<const char*> keys) {
  auto n = R::child(spec, key);
  std::string path = std::string("spec.") + key;
  if (!r.map(n, path)) return std::nullopt;
  r.known_keys(n, path, keys);
  return r.opaque(n, path);
}

}  // namespace

void read_production(SpecReader& r, const YAML::Node& spec) {
  Spec& s = r.spec();
  bool capi = s.kind == SpecKind::Capi, kubeone = s.kind == SpecKind::KubeOne, kkp = s.kind == SpecKind::Kkp;
  auto mc = R::child(spec, "managementCluster");
  if (r.map(mc, "spec.managementCluster")) {
    r.known_keys(mc, "spec.managementCluster", {"domain", "local"});
    s.managementClusterDomain = r.str(R::child(mc, "domain"), "spec.managementCluster.domain");
    if (s.managementClusterDomain && !is_dns_subdomain(*s.managementClusterDomain))
      r.error(R::child(mc, "domain"), "spec.managementCluster.domain", "'" + *s.managementClusterDomain + "' is not a valid domain name");
    s.managementClusterLocal = r.boolean(R::child(mc, "local"), "spec.managementCluster.local");
  }
  // Without spec.managementCluster a Capi cluster is in SaaS mode: the
  // management cluster comes from --kubeconfig/--context (the driver asks).
  // A managementCluster block without its domain is a mistake, not SaaS mode.
  if (capi && mc.IsDefined() && !mc.IsNull() && mc.IsMap() && !s.managementClusterDomain)
    r.error(mc, "spec.managementCluster.domain", "is required when spec.managementCluster is set",
            "name the management cluster's domain, or remove spec.managementCluster for SaaS mode "
            "(the management cluster then comes from --kubeconfig/--context)");
  auto cred = R::child(spec, "credentials");
  if (r.map(cred, "spec.credentials")) {
    r.known_keys(cred, "spec.credentials", {"secretName"});
    s.credentialsSecretName = r.str(R::child(cred, "secretName"), "spec.credentials.secretName");
    if (s.credentialsSecretName && !is_dns_subdomain(*s.credentialsSecretName))
      r.error(R::child(cred, "secretName"), "spec.credentials.secretName", "'" + *s.credentialsSecretName + "' is not a valid Secret name");
  }
  auto cp = R::child(spec, "controlPlane");
  if (r.map(cp, "spec.controlPlane")) {
    r.known_keys(cp, "spec.controlPlane", {"replicas", "type"});
    s.controlPlaneReplicas = r.integer(R::child(cp, "replicas"), "spec.controlPlane.replicas", 1, 99);
    s.controlPlaneType = r.str(R::child(cp, "type"), "spec.controlPlane.type");
  }
  read_workers(r, spec);
  if (capi || s.kind == SpecKind::Custom) {
    s.hcloud = block(r, spec, "hcloud", {"region", "sshKeyName"});
    s.hrobot = block(r, spec, "hrobot", {"sshKeyName", "hosts"});
    s.etcd = block(r, spec, "etcd", {"encryptionSecretName"});
  }
  if (capi || kubeone) s.aws = block(r, spec, "aws", {"region"});
  if (kubeone) {
    s.ssh = block(r, spec, "ssh", {"user", "port", "privateKeyFile", "publicKeyFile"});
    s.addons = block(r, spec, "addons", {"enabled", "path"});
    s.datacenter = r.str(R::child(spec, "datacenter"), "spec.datacenter");
    auto net = R::child(spec, "network");
    if (r.map(net, "spec.network")) {
      r.known_keys(net, "spec.network", {"podSubnet", "serviceSubnet", "cni"});
      s.network.podSubnet = r.str(R::child(net, "podSubnet"), "spec.network.podSubnet");
      s.network.serviceSubnet = r.str(R::child(net, "serviceSubnet"), "spec.network.serviceSubnet");
      s.network.cni = r.str(R::child(net, "cni"), "spec.network.cni");
    }
    auto reg = R::child(spec, "registries");
    if (r.map(reg, "spec.registries")) s.registries.kubeoneRegistries = r.opaque(reg, "spec.registries");
  }
  if (kkp) {
    auto k = R::child(spec, "kkp");
    if (r.map(k, "spec.kkp")) {
      r.known_keys(k, "spec.kkp", {"apiUrl", "projectId", "datacenter", "preset", "caCert"});
      s.kkp.apiUrl = r.https_url(R::child(k, "apiUrl"), "spec.kkp.apiUrl");
      s.kkp.projectId = r.str(R::child(k, "projectId"), "spec.kkp.projectId");
      s.kkp.datacenter = r.str(R::child(k, "datacenter"), "spec.kkp.datacenter");
      s.kkp.preset = r.str(R::child(k, "preset"), "spec.kkp.preset");
      s.kkp.caCert = r.str(R::child(k, "caCert"), "spec.kkp.caCert");
      for (const char* req : {"apiUrl", "projectId", "datacenter"})
        if (!R::child(k, req).IsDefined()) r.error(k, std::string("spec.kkp.") + req, "is required");
    } else {
      r.error(spec, "spec.kkp", "is required for kind Kkp", "add spec.kkp with apiUrl, projectId and datacenter");
    }
  }
}

}  // namespace lo::detail
