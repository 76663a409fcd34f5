// The objects lo-kind applies once the cluster answers:
//   kube-public/local-registry-hosting   KEP-1755: where to push images
//   kube-system/lok8s-registries          every registry with its real port
//                                          (upstream wrote "5000" for all, Q4)
// and the CoreDNS wiring of spec.coredns (coredns.cpp). Applied with
// server-side apply, field manager "lo".
#include <fstream>
#include <memory>

#include "kind.hpp"
#include "lo/kube_client.hpp"
#include "lo/log.hpp"
#include "lo/runner.hpp"
#include "lo/yaml_json.hpp"

namespace lo::kind {
namespace fs = std::filesystem;

namespace {

Json config_map(const std::string& ns, const std::string& name, Json data) {
  return Json{{"apiVersion", "v1"},
              {"kind", "ConfigMap"},
              {"metadata", {{"name", name}, {"namespace", ns}, {"labels", {{"app.kubernetes.io/managed-by", "lo"}, {"lok8s.dev/type", "system"}}}}},
              {"data", std::move(data)}};
}

const Registry* find_role(const EffectiveSpec& eff, RegistryRole role) {
  for (const auto& r : eff.registries)
    if (r.role == role) return &r;
  return nullptr;
}

}  // namespace

Json local_registry_hosting(const EffectiveSpec& eff) {
  const Registry* build = find_role(eff, RegistryRole::Build);
  // Tilt pushes to host and writes hostFromContainerRuntime (else host)
  // into pod specs; containerd on the nodes reaches the build registry by
  // its hostname through certs.d, with the dev CA. Upstream set only
  // hostFromClusterNetwork, so pods got the bare IP, which certs.d does not
  // know.
  Json hosting = {{"host", build->ip.str()},
                  {"hostFromContainerRuntime", build->hostname},
                  {"hostFromClusterNetwork", build->hostname},
                  {"help", "https://kind.sigs.k8s.io/docs/user/local-registry/"}};
  return config_map("kube-public", "local-registry-hosting", Json{{"localRegistryHosting.v1", json_to_yaml(hosting)}});
}

Json registries_config_map(const EffectiveSpec& eff) {
  Json data = Json::object();
  for (const auto& r : eff.registries) {
    data[r.name + ".ip"] = r.ip.str();
    data[r.name + ".port"] = std::to_string(r.port);
    data[r.name + ".hostname"] = r.hostname;
    data[r.name + ".role"] = to_string(r.role);
    if (!r.upstream.empty()) data[r.name + ".url"] = r.upstream;
    if (r.role == RegistryRole::Mirror) data[r.name + ".shared"] = r.shared ? "true" : "false";
  }
  return config_map("kube-system", "lok8s-registries", std::move(data));
}

// Data of coredns-custom: one server block per host, the inline servers and
// overrides, and the *.server / *.override files of spec.coredns.import.
Json coredns_custom_data(const Target& t) {
  const Spec& s = t.eff.spec;
  Json data = Json::object();
  if (s.coredns.hosts) {
    for (size_t i = 0; i < s.coredns.hosts->size(); ++i) {
      const auto& h = (*s.coredns.hosts)[i];
      std::string target = *h.target == "gateway" ? t.eff.pool->first.str() : *h.target;
      data["host-" + std::to_string(i) + ".server"] =
          *h.name + ":53 {\n    errors\n    template IN A {\n        match \".*\"\n        answer \"{{ .Name }} 30 IN A " + target +
          "\"\n    }\n    template IN AAAA {\n        match \".*\"\n        rcode NOERROR\n    }\n    forward . /etc/resolv.conf\n    cache 30\n}\n";
    }
  }
  auto trimmed = [](std::string v) {
    while (!v.empty() && v.back() == '\n') v.pop_back();
    return v + "\n";
  };
  if (s.coredns.servers) data["inline.server"] = trimmed(*s.coredns.servers);
  if (s.coredns.overrides) data["inline.override"] = trimmed(*s.coredns.overrides);
  std::string import = s.coredns.import.value_or("./coredns");
  fs::path dir = import.rfind('/', 0) == 0 ? fs::path(import) : (t.ws.domain_dir(t.domain) / import).lexically_normal();
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && (e.path().extension() == ".server" || e.path().extension() == ".override")) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f);
    data[f.filename().string()] = std::string(std::istreambuf_iterator<char>(in), {});
  }
  return data;
}

ClusterObjects::ClusterObjects(fs::path kubeconfig) : kubeconfig_(std::move(kubeconfig)) {}
ClusterObjects::ClusterObjects() : planned_(true) {}
ClusterObjects::~ClusterObjects() = default;

ResourceInfo ClusterObjects::resource(const std::string& api_version, const std::string& kind) {
  if (!client_) {
    KubeconfigRequest req;
    req.path = kubeconfig_;
    client_ = std::make_unique<KubeClient>(load_kubeconfig(req));
  }
  return client_->require_resource(api_version, kind);
}

std::optional<Json> ClusterObjects::get(const std::string& api_version, const std::string& kind, const std::string& ns,
                                        const std::string& name) {
  if (planned_) return std::nullopt;
  ResourceInfo r = resource(api_version, kind);
  return client_->get_object(r, ns, name);
}

void ClusterObjects::apply(const Json& object, bool force) {
  ResourceInfo r = resource(object.value("apiVersion", ""), object.value("kind", ""));
  ApplyOptions o;
  o.force = force;
  client_->apply(r, object, o);
}

void ClusterObjects::remove(const std::string& api_version, const std::string& kind, const std::string& ns,
                            const std::string& name) {
  ResourceInfo r = resource(api_version, kind);
  auto resp = client_->request("DELETE", KubeClient::object_path(r, ns, name));
  if (resp.status >= 300 && resp.status != 404)
    throw Error("the API server answered " + std::to_string(resp.status) + " to deleting " + kind + " " + ns + "/" + name);
}

// Each object is read first (in a dry run too) and applied only when the
// cluster does not already hold exactly its data: a second run, and the
// plan of one, has no step.
void apply_cluster_objects(Runner& run, const Target& t, ClusterObjects& objects) {
  auto apply = [&](const Json& obj) {
    std::string ns = obj["metadata"]["namespace"], name = obj["metadata"]["name"];
    auto current = objects.get("v1", "ConfigMap", ns, name);
    // (compared without key order: the server need not keep ours)
    if (current && nlohmann::json(current->value("data", Json::object())) == nlohmann::json(obj["data"])) return;
    run.step("apply", "configmap " + ns + "/" + name, [&] { objects.apply(obj); });
  };
  apply(local_registry_hosting(t.eff));
  apply(registries_config_map(t.eff));
  apply_coredns(run, t, objects, coredns_custom_data(t));
}

Json coredns_custom_config_map(const Json& data) { return config_map("kube-system", "coredns-custom", data); }

}  // namespace lo::kind
