#include "drivers/kubeone.hpp"

#include <cstdlib>
#include <iostream>

#include "lo/error.hpp"
#include "lo/exec.hpp"
#include "lo/fs.hpp"
#include "lo/log.hpp"
#include "lo/runner.hpp"
#include "lo/yaml_json.hpp"

namespace lo::driver {
namespace fs = std::filesystem;

namespace {

fs::path work_dir(const Workspace& ws, const LoadedDomain& d) { return ws.domain_dir(d.ref.name) / ".kubeone"; }

std::string provider_of(const Spec& s) {
  if (s.provider.name) return *s.provider.name;
  if (s.hcloud) return "hetzner";
  if (s.aws) return "aws";
  throw Error(Location{s.file, "spec.provider.name", s.line_of("spec.provider.name")}, "is required for a KubeOne cluster",
              "set spec.provider.name (hetzner, aws), or spec.aws");
}

std::string str_at(const Json& j, const char* key, const std::string& where, const std::string& file) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string() || j[key].get<std::string>().empty())
    throw Error(Location{file, where + "." + key}, "is required in the inventory");
  return j[key].get<std::string>();
}

Json host(const Json& node, const Json& access, size_t i, const std::string& file) {
  std::string where = "nodes[" + std::to_string(i) + "]";
  Json h = {{"publicAddress", str_at(node, "public_ip", where, file)},
            {"privateAddress", node.value("private_ip", node["public_ip"].get<std::string>())},
            {"sshPort", node.value("ssh_port", access.value("port", 22))},
            {"sshUsername", node.value("ssh_user", access.value("user", std::string("root")))},
            {"sshPrivateKeyFile", access.value("privateKey", std::string())},
            {"hostname", str_at(node, "name", where, file)}};
  return h;
}

}  // namespace

Json kubeone_manifest(const Workspace& ws, const LoadedDomain& d) {
  const Spec& s = d.spec;
  if (!s.name) throw Error(Location{s.file, "metadata.name"}, "is required");
  if (!s.kubernetesVersion) throw Error(Location{s.file, "spec.kubernetes.version"}, "is required for a KubeOne cluster");
  std::string provider = provider_of(s);
  std::string cni = s.network.cni.value_or("canal");
  Json m = {{"apiVersion", "kubeone.k8c.io/v1beta2"},
            {"kind", "KubeOneCluster"},
            {"name", *s.name},
            {"versions", {{"kubernetes", *s.kubernetesVersion}}},
            {"cloudProvider", {{provider, Json::object()}, {"external", true}}},
            {"clusterNetwork",
             {{"podSubnet", s.network.podSubnet.value_or("10.244.0.0/16")},
              {"serviceSubnet", s.network.serviceSubnet.value_or("10.96.0.0/12")},
              {"cni", {{cni, Json::object()}}}}}};
  fs::path dir = work_dir(ws, d);
  std::error_code ec;
  if (!fs::exists(dir / "output.json", ec)) {
    fs::path inv_file = dir / "inventory.json";
    std::string shown = ws.show(inv_file);
    if (!fs::exists(inv_file, ec))
      throw Error("no inventory for " + d.ref.name + ": " + shown + " (or Terraform's output.json) is missing",
                  "provision the machines with the provider first; its inventory JSON goes there");
    Json inv = Json::parse(read_file(inv_file, 16 << 20), nullptr, false);
    if (!inv.is_object()) throw Error(Location{shown, {}}, "is not a JSON object");
    Json access = inv.contains("access") && inv["access"].is_array() && !inv["access"].empty() ? inv["access"][0] : Json();
    str_at(access, "privateKey", "access[0]", shown);
    const Json& api = inv.contains("api") ? inv["api"] : Json();
    Json endpoint = {{"host", str_at(api, "endpoint", "api", shown)}, {"port", 6443}};
    Json alt = Json::array();
    if (api.contains("privateEndpoint") && api["privateEndpoint"].is_string() && !api["privateEndpoint"].get<std::string>().empty())
      alt.push_back(api["privateEndpoint"]);
    Json cp = Json::array(), workers = Json::array();
    const Json nodes = inv.value("nodes", Json::array());
    for (size_t i = 0; i < nodes.size(); ++i) {
      Json h = host(nodes[i], access, i, shown);
      if (nodes[i].value("role", "worker") == "control-plane") {
        cp.push_back(h);
        alt.push_back(h["privateAddress"]);
      } else {
        workers.push_back(h);
      }
    }
    if (cp.empty()) throw Error(Location{shown, "nodes"}, "has no node with role control-plane");
    if (!alt.empty()) endpoint["alternativeNames"] = alt;
    m["apiEndpoint"] = endpoint;
    m["controlPlane"] = {{"hosts", cp}};
    if (!workers.empty()) m["staticWorkers"] = {{"hosts", workers}};
    if (provider == "hetzner" && inv.contains("network") && inv["network"].is_object() && inv["network"].contains("id"))
      m["cloudProvider"]["hetzner"]["networkID"] = (inv["network"]["id"].is_string() ? inv["network"]["id"].get<std::string>() : inv["network"]["id"].dump());
  }
  if (s.workers && !s.workers->empty()) {
    Json dyn = Json::array();
    for (const auto& p : *s.workers) {
      Json cps;
      if (provider == "hetzner") {
        cps = {{"serverType", p.type.value_or("cx22")}, {"location", s.datacenter.value_or("fsn1")},
               {"image", p.image.value_or("ubuntu-22.04")}, {"networks", Json::array({*s.name})}};
      } else if (provider == "aws") {
        std::string region = s.aws && s.aws->contains("region") ? (*s.aws)["region"].get<std::string>() : "eu-central-1";
        cps = {{"instanceType", p.type.value_or("t3.medium")}, {"region", region}};
        if (p.ami) cps["ami"] = *p.ami;
      } else {
        throw Error(Location{s.file, "spec.workers." + p.name}, "dynamic workers are not known for provider " + provider,
                    "lo generates machine-controller specs for hetzner and aws");
      }
      dyn.push_back({{"name", p.name}, {"replicas", p.replicas.value_or(1)},
                     {"providerSpec", {{"cloudProviderSpec", cps}, {"operatingSystem", "ubuntu"}}}});
    }
    m["dynamicWorkers"] = dyn;
  }
  const OidcSpec& o = s.oidc;
  if (o.issuer && o.clientID) {
    Json cfg = {{"issuerUrl", *o.issuer}, {"clientId", *o.clientID}};
    if (o.usernameClaim) cfg["usernameClaim"] = *o.usernameClaim;
    if (o.usernamePrefix) cfg["usernamePrefix"] = *o.usernamePrefix;
    if (o.groupsClaim) cfg["groupsClaim"] = *o.groupsClaim;
    if (o.groupsPrefix) cfg["groupsPrefix"] = *o.groupsPrefix;
    m["features"] = {{"openidConnect", {{"enable", true}, {"config", cfg}}}};
  }
  return m;
}

namespace {

class KubeOneDriver : public Driver {
 public:
  std::string name() const override { return "KubeOne (built in)"; }

  int provision(const Context& c) override {
    Json m = kubeone_manifest(c.ws, c.domain);
    if (!c.dry_run && !find_program("kubeone"))
      throw Error("kubeone is not installed", "install it (https://docs.kubermatic.com/kubeone/) and put it on PATH");
    fs::path dir = work_dir(c.ws, c.domain);
    Runner run(c.dry_run, c.dry_run ? std::cout : std::cerr);
    run.write_file("KubeOne manifest", dir / "kubeone.yaml", json_to_yaml(m));
    run.change("kubeone apply", kubeone_argv(c, "apply"), options(dir));
    fs::path from = dir / (*c.domain.spec.name + "-kubeconfig");
    run.step("copy", c.ws.show(from) + " to " + c.ws.show(c.kubeconfig()) + " (0600)", [&] {
      std::error_code ec;
      if (!fs::exists(from, ec))
        throw Error("kubeone apply left no kubeconfig at " + c.ws.show(from), "look at kubeone's output above");
      write_file_atomic(c.kubeconfig(), read_file(from, 1 << 20), fs::perms(0600));
    });
    return 0;
  }
  bool post_provision(const Context&) override { return false; }

  void destroy(const Context& c) override {
    fs::path dir = work_dir(c.ws, c.domain);
    Runner run(c.dry_run, c.dry_run ? std::cout : std::cerr);
    std::error_code ec;
    if (!fs::exists(dir / "kubeone.yaml", ec)) {
      log::note("no " + c.ws.show(dir / "kubeone.yaml") + ": nothing to reset");
      return;
    }
    run.change("kubeone reset", kubeone_argv(c, "reset"), options(dir));
    if (fs::exists(c.kubeconfig(), ec)) run.remove("kubeconfig", c.kubeconfig());
    log::note("the machines stay: lo runs no infrastructure provider yet; remove them with the tool that made them");
  }

  std::string status(const Context& c) override {
    fs::path dir = work_dir(c.ws, c.domain);
    std::error_code ec;
    if (!fs::exists(dir / "kubeone.yaml", ec) || !find_program("kubeone")) return "NotFound";
    auto argv = kubeone_argv(c, "status");
    auto r = run(argv, options(dir, false));
    return r.ok() ? "Ready" : "NotReady";
  }

  std::string kubeconfig(const Context& c) override { return c.kubeconfig().string(); }

 private:
  static std::vector<std::string> kubeone_argv(const Context& c, const std::string& verb) {
    std::vector<std::string> argv{"kubeone", verb, "--manifest", "kubeone.yaml"};
    if (verb != "status") argv.push_back("--auto-approve");
    std::error_code ec;
    if (fs::exists(work_dir(c.ws, c.domain) / "output.json", ec)) {
      argv.push_back("--tfjson");
      argv.push_back("output.json");
    }
    return argv;
  }
  // apply and reset stream kubeone's output; status is read.
  static ExecOptions options(const fs::path& dir, bool stream = true) {
    ExecOptions o;
    o.cwd = dir;
    o.inherit_stdout = stream;
    o.inherit_stderr = stream;
    return o;
  }
};

}  // namespace

std::unique_ptr<Driver> kubeone_driver() { return std::make_unique<KubeOneDriver>(); }

}  // namespace lo::driver
