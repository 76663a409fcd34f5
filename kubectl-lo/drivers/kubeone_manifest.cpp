// kubeone.yaml from the data templates of drivers/kubeone/ (see the README
// there): lo computes the variables from the spec and the inventory, the
// templates hold the layout. Per host and per pool a template section is
// rendered again with that item's variables, as Capi renders its pools.
#include <map>

#include "drivers/kubeone.hpp"
#include "drivers/template_value.hpp"
#include "lo/data_home.hpp"
#include "lo/error.hpp"
#include "lo/fs.hpp"
#include "lo/substitute.hpp"
#include "lo/yaml_json.hpp"
#include "providers/provider.hpp"

namespace lo::driver {
namespace fs = std::filesystem;

namespace {

using Vars = std::map<std::string, std::string>;

// The KubeOne cloud: spec.provider.name, else what spec.hcloud / spec.aws say.
std::string cloud_of(const Spec& s) {
  if (s.provider.name) return *s.provider.name;
  if (s.hcloud) return "hetzner";
  if (s.aws) return "aws";
  throw Error(Location{s.file, "spec.provider.name", s.line_of("spec.provider.name")}, "is required for a KubeOne cluster",
              "set spec.provider.name (hetzner, aws), or spec.aws");
}

std::string text_at(const Json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return {};
  const Json& v = j[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return v.dump();
  return {};
}

std::string required_at(const Json& j, const char* key, const std::string& where, const std::string& file) {
  std::string v = text_at(j, key);
  if (v.empty()) throw Error(Location{file, where + "." + key}, "is required in the inventory");
  return v;
}

std::string port_at(const Json& j, const char* key, const std::string& fallback, const std::string& where,
                    const std::string& file) {
  if (!j.is_object() || !j.contains(key)) return fallback;
  const Json& v = j[key];
  if (!v.is_number_unsigned() || v.get<unsigned>() == 0 || v.get<unsigned>() > 65535)
    throw Error(Location{file, where + "." + key}, "must be a port number (1-65535)");
  return v.dump();
}

// Map members whose value is the empty string are left out (an unset
// optional variable), at any depth.
void drop_empty(Json& j) {
  if (!j.is_structured()) return;
  std::vector<std::string> unset;
  for (auto& [key, value] : j.items()) {
    if (j.is_object() && value.is_string() && value.get<std::string>().empty()) unset.push_back(key);
    else drop_empty(value);
  }
  for (const auto& key : unset) j.erase(key);
}

class Templates {
 public:
  explicit Templates(const Workspace& ws) : ws_(ws) {}

  // <root>/.lok8s/drivers/kubeone/<rel> when the project has it, else lo's.
  fs::path find(const std::string& rel) const {
    std::error_code ec;
    fs::path own = ws_.root / ".lok8s" / "drivers" / "kubeone" / rel;
    if (fs::is_regular_file(own, ec)) return own;
    return data_path("drivers") / "kubeone" / rel;
  }

  bool exists(const std::string& rel) const {
    std::error_code ec;
    return fs::is_regular_file(find(rel), ec);
  }

  // The file substituted with `vars` (no other name), parsed: one map.
  Json render(const std::string& rel, const Vars& vars) const {
    fs::path file = find(rel);
    std::string shown = ws_.show(file);
    std::error_code ec;
    if (!fs::is_regular_file(file, ec))
      throw Error("KubeOne template " + shown + " is missing (data home from " + data_home().from + ")",
                  "reinstall lo, or point LOK8S_HOME at a folder holding drivers/kubeone/");
    for (const auto& [name, value] : vars)
      if (!safe_template_value(value))
        throw Error("the value of " + name + " ('" + value + "') contains a quote, backslash or control character",
                    "use a plain value in the spec or the inventory");
    std::string text = substitute(read_file(file, 1 << 20), [&](std::string_view n) -> const std::string* {
      auto it = vars.find(std::string(n));
      return it == vars.end() ? nullptr : &it->second;
    });
    auto docs = parse_yaml_documents(text, shown);
    if (docs.size() != 1 || !docs[0].is_object()) throw Error(Location{shown, {}}, "must be one YAML map");
    return docs[0];
  }

  Json section(const std::string& rel, const char* key, const Vars& vars) const {
    Json doc = render(rel, vars);
    if (!doc.contains(key) || !doc[key].is_object())
      throw Error(Location{ws_.show(find(rel)), key}, "is required (a map)");
    return doc[key];
  }

 private:
  const Workspace& ws_;
};

// The variables of the spec, with the cloud file's defaults for unset ones.
Vars spec_vars(const Spec& s, const Json& defaults) {
  Vars v{{"CLUSTER_NAME", *s.name},
         {"K8S_VERSION", *s.kubernetesVersion},
         {"POD_SUBNET", s.network.podSubnet.value_or("10.244.0.0/16")},
         {"SERVICE_SUBNET", s.network.serviceSubnet.value_or("10.96.0.0/12")},
         {"CNI_PLUGIN", s.network.cni.value_or("canal")},
         {"DATACENTER", s.datacenter.value_or("")},
         {"AWS_REGION", s.aws ? text_at(*s.aws, "region") : ""},
         {"NETWORK_ID", ""}};
  const OidcSpec& o = s.oidc;
  for (const auto& [name, value] : std::map<std::string, std::optional<std::string>>{
           {"OIDC_ISSUER", o.issuer}, {"OIDC_CLIENT_ID", o.clientID}, {"OIDC_USERNAME_CLAIM", o.usernameClaim},
           {"OIDC_USERNAME_PREFIX", o.usernamePrefix}, {"OIDC_GROUPS_CLAIM", o.groupsClaim},
           {"OIDC_GROUPS_PREFIX", o.groupsPrefix}})
    v[name] = value.value_or("");
  for (auto it = defaults.begin(); it != defaults.end(); ++it)
    if (v[it.key()].empty()) v[it.key()] = it->is_string() ? it->get<std::string>() : it->dump();
  return v;
}

// apiEndpoint, controlPlane and staticWorkers from the provider's inventory.
void add_inventory(Json& m, Vars& vars, const Templates& t, const Json& inv, const std::string& file) {
  if (!inv.is_object()) throw Error(Location{file, {}}, "is not a JSON object");
  Json access = inv.contains("access") && inv["access"].is_array() && !inv["access"].empty() ? inv["access"][0] : Json();
  std::string key = required_at(access, "privateKey", "access[0]", file);
  // "~/..." as a provider may write it (the hetzner provider keeps the path as
  // configured): KubeOne reads the file as named, so the home is filled in.
  key = user_path(key, {}).string();
  // A jump host: the first of access[0].bastions.
  const Json bastions = access.is_object() ? access.value("bastions", Json::array()) : Json::array();
  const Json bastion = bastions.is_array() && !bastions.empty() && bastions[0].is_object() ? bastions[0] : Json();
  const Json api = inv.value("api", Json::object());
  if (inv.contains("network") && inv["network"].is_object()) vars["NETWORK_ID"] = text_at(inv["network"], "id");
  Vars av = vars;
  av["API_HOST"] = required_at(api, "endpoint", "api", file);
  av["API_PORT"] = port_at(api, "port", "6443", "api", file);
  m.merge_patch({{"apiEndpoint", t.section("inventory.yaml", "apiEndpoint", av)}});
  Json alt = Json::array();
  if (std::string pe = text_at(api, "privateEndpoint"); !pe.empty()) alt.push_back(pe);
  Json cp = Json::array(), workers = Json::array();
  const Json nodes = inv.value("nodes", Json::array());
  if (!nodes.is_array()) throw Error(Location{file, "nodes"}, "must be a list");
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Json& n = nodes[i];
    std::string where = "nodes[" + std::to_string(i) + "]";
    Vars hv = vars;
    hv["HOST_NAME"] = required_at(n, "name", where, file);
    hv["HOST_PUBLIC_ADDRESS"] = required_at(n, "public_ip", where, file);
    std::string priv = text_at(n, "private_ip");
    hv["HOST_PRIVATE_ADDRESS"] = priv.empty() ? hv["HOST_PUBLIC_ADDRESS"] : priv;
    hv["HOST_SSH_PORT"] = port_at(n, "ssh_port", port_at(access, "port", "22", "access[0]", file), where, file);
    std::string user = text_at(n, "ssh_user");
    if (user.empty()) user = text_at(access, "user");
    hv["HOST_SSH_USER"] = user.empty() ? "root" : user;
    hv["HOST_SSH_KEY_FILE"] = key;
    hv["HOST_BASTION"] = bastion.empty() ? "" : text_at(bastion, "host");
    hv["HOST_BASTION_USER"] = bastion.empty() ? "" : text_at(bastion, "user");
    Json host = t.section("inventory.yaml", "host", hv);
    if (text_at(n, "role") == "control-plane") {
      cp.push_back(std::move(host));
      alt.push_back(hv["HOST_PRIVATE_ADDRESS"]);
    } else {
      workers.push_back(std::move(host));
    }
  }
  if (cp.empty()) throw Error(Location{file, "nodes"}, "has no node with role control-plane");
  if (!alt.empty()) m["apiEndpoint"]["alternativeNames"] = alt;
  m["controlPlane"] = {{"hosts", cp}};
  if (!workers.empty()) m["staticWorkers"] = {{"hosts", workers}};
}

}  // namespace

Json kubeone_manifest(const Workspace& ws, const LoadedDomain& d) {
  const Spec& s = d.spec;
  if (!s.name) throw Error(Location{s.file, "metadata.name"}, "is required");
  if (!s.kubernetesVersion) throw Error(Location{s.file, "spec.kubernetes.version"}, "is required for a KubeOne cluster");
  Templates t(ws);
  std::string cloud = cloud_of(s), cloud_file = "clouds/" + cloud + ".yaml";
  if (!t.exists(cloud_file))
    throw Error(Location{s.file, "spec.provider.name", s.line_of("spec.provider.name")},
                "KubeOne has no cloud '" + cloud + "' in lo's templates",
                "lo ships hetzner and aws; add .lok8s/drivers/kubeone/" + cloud_file + " (see share/lo/drivers/kubeone/README.md)");
  Json cloud_doc = t.render(cloud_file, {});
  Json defaults = cloud_doc.value("defaults", Json::object());
  if (!defaults.is_object()) throw Error(Location{ws.show(t.find(cloud_file)), "defaults"}, "must be a map of NAME: value");
  Vars vars = spec_vars(s, defaults);

  Json m = t.render("kubeone.yaml", vars);
  fs::path tfjson = ws.domain_dir(d.ref.name) / ".kubeone" / "output.json";
  std::error_code ec;
  if (!fs::exists(tfjson, ec)) {
    fs::path inv_file = provider::inventory_file(ws, d);
    std::string shown = ws.show(inv_file);
    if (!fs::exists(inv_file, ec))
      throw Error("no inventory for " + d.ref.name + ": " + shown + " (or Terraform's .kubeone/output.json) is missing",
                  "provision the machines with the provider (spec.provider.name) first; its inventory JSON goes there");
    Json inv = Json::parse(read_file(inv_file, 16 << 20), nullptr, false);
    add_inventory(m, vars, t, inv, shown);
  }
  m.merge_patch({{"cloudProvider", t.section(cloud_file, "cloudProvider", vars)}});
  if (s.workers && !s.workers->empty()) {
    if (!cloud_doc.contains("dynamicWorker"))
      throw Error(Location{s.file, "spec.workers", s.line_of("spec.workers")},
                  "dynamic workers are not known for cloud " + cloud, ws.show(t.find(cloud_file)) + " has no dynamicWorker");
    Json dyn = Json::array();
    for (const auto& p : *s.workers) {
      Vars pv = vars;
      pv["POOL_NAME"] = p.name;
      pv["POOL_REPLICAS"] = std::to_string(p.replicas.value_or(1));
      if (p.type) pv["POOL_TYPE"] = *p.type;
      if (p.image) pv["POOL_IMAGE"] = *p.image;
      pv["POOL_AMI"] = p.ami.value_or("");
      dyn.push_back(t.section(cloud_file, "dynamicWorker", pv));
    }
    m["dynamicWorkers"] = dyn;
  }
  if (s.oidc.issuer && s.oidc.clientID) m.merge_patch(t.render("features.yaml", vars));
  drop_empty(m);
  return m;
}

}  // namespace lo::driver
