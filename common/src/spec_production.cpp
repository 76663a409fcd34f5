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

bool machine_type(const std::string& t) {
  return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

// An id KKP puts in a URL path (projectId, datacenter): nothing that could
// leave its path segment.
bool url_id(const std::string& t) {
  return !t.empty() && std::isalnum(static_cast<unsigned char>(t[0])) && machine_type(t);
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
    if (s.kind == SpecKind::Kkp)  // the operating systems KKP's machine deployments know
      p.operatingSystem = r.one_of(R::child(kv.second, "operatingSystem"), path + ".operatingSystem",
                                   {"ubuntu", "flatcar", "rhel", "rockylinux", "amzn2", "centos", "sles"});
    else
      p.operatingSystem = r.str(R::child(kv.second, "operatingSystem"), path + ".operatingSystem");
    auto as = R::child(kv.second, "autoscaler");
    if (r.map(as, path + ".autoscaler")) {
      r.known_keys(as, path + ".autoscaler", {"min", "max"});
      p.autoscalerMin = r.integer(R::child(as, "min"), path + ".autoscaler.min", 0, 1000);
      p.autoscalerMax = r.integer(R::child(as, "max"), path + ".autoscaler.max", 0, 1000);
      if (p.autoscalerMin && p.autoscalerMax && *p.autoscalerMin > *p.autoscalerMax)
        r.error(as, path + ".autoscaler", "min is greater than max");
    }
    if (s.kind == SpecKind::Kkp) {
      if (!p.flavor && !p.type)
        r.error(kv.second, path + ".flavor", "is required", "the machine flavor (or type) of the pool, like cx22");
      for (const char* key : {"flavor", "type"}) {
        const auto& v = std::string(key) == "flavor" ? p.flavor : p.type;
        if (v && !machine_type(*v))
          r.error(R::child(kv.second, key), path + "." + key, "'" + *v + "' is not a valid machine flavor",
                  "letters, digits, '.', '_' and '-', like cx22 or t3.medium");
      }
      int64_t n = p.replicas.value_or(1);
      if (p.autoscalerMin && n < *p.autoscalerMin)
        r.error(R::child(kv.second, "replicas").IsDefined() ? R::child(kv.second, "replicas") : kv.second, path + ".replicas",
                std::to_string(n) + " is below autoscaler.min (" + std::to_string(*p.autoscalerMin) + ")",
                "KKP starts the pool with replicas machines: keep it within autoscaler.min and autoscaler.max");
      if (p.autoscalerMax && n > *p.autoscalerMax)
        r.error(R::child(kv.second, "replicas").IsDefined() ? R::child(kv.second, "replicas") : kv.second, path + ".replicas",
                std::to_string(n) + " is above autoscaler.max (" + std::to_string(*p.autoscalerMax) + ")",
                "KKP starts the pool with replicas machines: keep it within autoscaler.min and autoscaler.max");
    }
    if (p.type && s.kind == SpecKind::KubeOne && !machine_type(*p.type))
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
      if (s.kkp.projectId && !url_id(*s.kkp.projectId))
        r.error(R::child(k, "projectId"), "spec.kkp.projectId", "'" + *s.kkp.projectId + "' is not a KKP project id",
                "the id of the project in the KKP dashboard (letters and digits, like k8m9xz4q2v)");
      if (s.kkp.datacenter && !url_id(*s.kkp.datacenter))
        r.error(R::child(k, "datacenter"), "spec.kkp.datacenter", "'" + *s.kkp.datacenter + "' is not a valid datacenter name",
                "a datacenter of the seed, like hetzner-fsn1 (letters, digits, '.', '_' and '-')");
    } else {
      r.error(spec, "spec.kkp", "is required for kind Kkp", "add spec.kkp with apiUrl, projectId and datacenter");
    }
    // The cloud specs lo can send: hetzner and aws credentials, bring-your-own
    // nodes; any provider when a KKP preset holds the credentials.
    std::string provider = s.provider.name.value_or("hetzner");
    bool known = provider == "hetzner" || provider == "aws" || provider == "bringyourown" || provider == "byo";
    auto pnode = R::child(spec, "provider");
    auto pname = pnode.IsScalar() ? pnode : R::child(pnode, "name");
    if (!known && !s.kkp.preset)
      r.error(pname, s.provider.short_form ? "spec.provider" : "spec.provider.name",
              "'" + provider + "' has no credentials lo can send to KKP",
              "use hetzner (HCLOUD_TOKEN), aws (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or bringyourown, or name a KKP preset in spec.kkp.preset");
    if (s.workers && !s.workers->empty() && !(provider == "hetzner" || provider == "aws"))
      r.error(R::child(spec, "workers"), "spec.workers",
              "lo creates machine deployments for hetzner and aws only, not for provider " + provider,
              provider == "bringyourown" || provider == "byo" ? "bring-your-own nodes join the cluster themselves; remove spec.workers"
                                                                : "remove spec.workers and add the machines in KKP");
  }
}

}  // namespace lo::detail
