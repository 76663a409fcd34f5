// A spec back to its schema, in the field order of the docs, with only the
// fields that are set. After defaulting that is the "full form" users can
// paste back as their spec; parse_spec(spec_to_json(s)) gives s again.
#include "lo/spec.hpp"

namespace lo {
namespace {

// Sets obj[key] when the optional holds a value.
template <typename T>
void put(Json& obj, const char* key, const std::optional<T>& v) {
  if (v) obj[key] = *v;
}

void put_obj(Json& obj, const char* key, Json child) {
  if (!child.empty()) obj[key] = std::move(child);
}

Json registries_json(const RegistriesSpec& r) {
  Json out = Json::object();
  put(out, "tls", r.tls);
  Json shared = Json::object();
  put(shared, "enabled", r.sharedEnabled);
  Json net = Json::object();
  put(net, "name", r.sharedNetworkName);
  put(net, "cidr", r.sharedNetworkCidr);
  put_obj(shared, "network", std::move(net));
  put_obj(out, "shared", std::move(shared));
  if (r.mirrors) {
    Json list = Json::array();
    for (const auto& m : *r.mirrors) {
      Json item = Json::object();
      put(item, "name", m.name);
      put(item, "url", m.url);
      list.push_back(std::move(item));
    }
    out["mirrors"] = std::move(list);
  }
  put(out, "prefix", r.prefix);
  return out;
}

Json nodes_json(const NodesSpec& n) {
  Json out = Json::object();
  put(out, "controlPlane", n.controlPlane);
  put(out, "workers", n.workers);
  put(out, "hostPorts", n.hostPorts);
  put(out, "maxConcurrentDownloads", n.maxConcurrentDownloads);
  put(out, "dockerSocket", n.dockerSocket);
  if (n.extraMounts) {
    Json list = Json::array();
    for (const auto& m : *n.extraMounts) {
      Json item = Json::object();
      put(item, "hostPath", m.hostPath);
      put(item, "containerPath", m.containerPath);
      put(item, "readOnly", m.readOnly);
      list.push_back(std::move(item));
    }
    out["extraMounts"] = std::move(list);
  }
  return out;
}

Json coredns_json(const CorednsSpec& c) {
  Json out = Json::object();
  if (c.hosts) {
    Json list = Json::array();
    for (const auto& h : *c.hosts) {
      Json item = Json::object();
      put(item, "name", h.name);
      put(item, "target", h.target);
      list.push_back(std::move(item));
    }
    out["hosts"] = std::move(list);
  }
  put(out, "servers", c.servers);
  put(out, "overrides", c.overrides);
  put(out, "import", c.import);
  return out;
}

Json remote_json(const RemoteSpec& r) {
  Json out = Json::object();
  put(out, "mode", r.mode);
  put(out, "expose", r.expose);
  Json sync = Json::object();
  put(sync, "path", r.syncPath);
  put(sync, "dest", r.syncDest);
  put(sync, "exclude", r.syncExclude);
  put_obj(out, "sync", std::move(sync));
  put(out, "tilt", r.tilt);
  return out;
}

Json workers_json(const std::vector<WorkerPool>& pools) {
  Json out = Json::object();
  for (const auto& p : pools) {
    Json w = Json::object();
    put(w, "replicas", p.replicas);
    put(w, "type", p.type);
    put(w, "flavor", p.flavor);
    put(w, "image", p.image);
    put(w, "ami", p.ami);
    put(w, "operatingSystem", p.operatingSystem);
    Json as = Json::object();
    put(as, "min", p.autoscalerMin);
    put(as, "max", p.autoscalerMax);
    put_obj(w, "autoscaler", std::move(as));
    out[p.name] = w.empty() ? Json(nullptr) : std::move(w);
  }
  return out;
}

Json common_json(const Spec& s) {
  Json spec = Json::object();
  Json k8s = Json::object();
  put(k8s, "version", s.kubernetesVersion);
  put_obj(spec, "kubernetes", std::move(k8s));
  Json cluster = Json::object();
  put(cluster, "domain", s.domain);
  put(cluster, "namespace", s.clusterNamespace);
  put_obj(spec, "cluster", std::move(cluster));
  if (s.provider.short_form && s.provider.name) {
    spec["provider"] = *s.provider.name;
  } else {
    Json p = Json::object();
    put(p, "name", s.provider.name);
    put(p, "config", s.provider.config);
    put(p, "configRef", s.provider.configRef);
    Json cred = Json::object();
    put(cred, "envVars", s.provider.credentialEnvVars);
    put(cred, "secretRef", s.provider.credentialSecretRef);
    put_obj(p, "credentials", std::move(cred));
    put_obj(spec, "provider", std::move(p));
  }
  return spec;
}

void tail_json(const Spec& s, Json& spec) {
  if (s.bootstrap) {
    Json list = Json::array();
    for (const auto& e : *s.bootstrap) {
      Json keys = Json::object();
      if (e.keyed) {
        if (e.values) keys["values"] = *e.values;
        if (!e.env.empty()) {
          Json env = Json::object();
          for (const auto& [k, v] : e.env) env[k] = v;
          keys["env"] = std::move(env);
        }
        if (e.wait) keys["wait"] = *e.wait;
        if (e.alias) keys["name"] = *e.alias;
        if (e.dependsOn) keys["dependsOn"] = *e.dependsOn;
      }
      if (!keys.empty()) list.push_back(Json{{e.name, std::move(keys)}});
      else if (e.values && !e.keyed) list.push_back(Json{{e.name, *e.values}});
      else list.push_back(e.name);
    }
    spec["bootstrap"] = std::move(list);
  }
  Json kubehz = Json::object();
  put(kubehz, "hosting", s.kubehz.hosting);
  put(kubehz, "access", s.kubehz.access);
  put(kubehz, "apiUrl", s.kubehz.apiUrl);
  put_obj(spec, "kubehz", std::move(kubehz));
  Json gitops = Json::object();
  put(gitops, "provider", s.gitops.provider);
  put(gitops, "repo", s.gitops.repo);
  put(gitops, "branch", s.gitops.branch);
  put(gitops, "path", s.gitops.path);
  put(gitops, "secretRef", s.gitops.secretRef);
  put_obj(spec, "gitops", std::move(gitops));
  Json oidc = Json::object();
  put(oidc, "enabled", s.oidc.enabled);
  put(oidc, "issuer", s.oidc.issuer);
  put(oidc, "issuerUrl", s.oidc.issuerUrl);
  put(oidc, "clientID", s.oidc.clientID);
  put(oidc, "usernameClaim", s.oidc.usernameClaim);
  put(oidc, "usernamePrefix", s.oidc.usernamePrefix);
  put(oidc, "groupsClaim", s.oidc.groupsClaim);
  put(oidc, "groupsPrefix", s.oidc.groupsPrefix);
  put(oidc, "caBundle", s.oidc.caBundle);
  put_obj(spec, "oidc", std::move(oidc));
  Json dns = Json::object();
  put(dns, "domainFilter", s.dnsDomainFilter);
  put_obj(spec, "dns", std::move(dns));
  put(spec, "runner", s.runner);
}

}  // namespace

Json spec_to_json(const Spec& s) {
  Json out = Json::object();
  out["apiVersion"] = s.apiVersion.value_or(kSpecApiVersion);
  out["kind"] = s.kindText.empty() ? std::string(to_string(s.kind)) : s.kindText;
  Json md = Json::object();
  put(md, "name", s.name);
  if (!s.labels.empty()) md["labels"] = s.labels;
  if (!s.annotations.empty()) md["annotations"] = s.annotations;
  out["metadata"] = std::move(md);

  if (s.kind == SpecKind::Deploy) {
    Json spec = Json::object();
    if (s.hasClusterRef) {
      Json ref = Json::object();
      put(ref, "domain", s.clusterRefDomain);
      spec["clusterRef"] = std::move(ref);
    }
    put(spec, "domain", s.deployDomain);
    put(spec, "namespace", s.deployNamespace);
    out["spec"] = std::move(spec);
    return out;
  }

  Json spec = common_json(s);
  put(spec, "runtime", s.runtime);
  Json net = Json::object();
  put(net, "name", s.network.name);
  put(net, "cidr", s.network.cidr);
  put(net, "podSubnet", s.network.podSubnet);
  put(net, "serviceSubnet", s.network.serviceSubnet);
  put(net, "cni", s.network.cni);
  put_obj(spec, "network", std::move(net));
  if (s.registries.kubeoneRegistries) spec["registries"] = *s.registries.kubeoneRegistries;
  else put_obj(spec, "registries", registries_json(s.registries));
  put_obj(spec, "nodes", nodes_json(s.nodes));
  if (s.loadBalancerPool) spec["loadBalancer"] = Json{{"pool", *s.loadBalancerPool}};
  put_obj(spec, "coredns", coredns_json(s.coredns));
  put_obj(spec, "remote", remote_json(s.remote));
  put(spec, "expose", s.expose);

  Json mc = Json::object();
  put(mc, "domain", s.managementClusterDomain);
  put(mc, "local", s.managementClusterLocal);
  put_obj(spec, "managementCluster", std::move(mc));
  if (s.credentialsSecretName) spec["credentials"] = Json{{"secretName", *s.credentialsSecretName}};
  Json cp = Json::object();
  put(cp, "replicas", s.controlPlaneReplicas);
  put(cp, "type", s.controlPlaneType);
  put_obj(spec, "controlPlane", std::move(cp));
  if (s.workers) spec["workers"] = workers_json(*s.workers);
  put(spec, "hcloud", s.hcloud);
  put(spec, "hrobot", s.hrobot);
  put(spec, "aws", s.aws);
  put(spec, "etcd", s.etcd);
  put(spec, "ssh", s.ssh);
  put(spec, "addons", s.addons);
  put(spec, "datacenter", s.datacenter);
  Json kkp = Json::object();
  put(kkp, "apiUrl", s.kkp.apiUrl);
  put(kkp, "projectId", s.kkp.projectId);
  put(kkp, "datacenter", s.kkp.datacenter);
  put(kkp, "preset", s.kkp.preset);
  put(kkp, "caCert", s.kkp.caCert);
  put_obj(spec, "kkp", std::move(kkp));
  tail_json(s, spec);
  out["spec"] = std::move(spec);
  return out;
}

}  // namespace lo
