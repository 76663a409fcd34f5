// Rendering of a Lo domain's kind config and containerd certs.d tree, from
// the effective spec. The config is built as a tree and emitted by the YAML
// writer (no text pasting). Differences from upstream, on purpose:
//  - the certs.d path comes from the domain being rendered (Q22);
//  - OIDC wiring follows the spec (Q7), not environment variables set later;
//  - every registry hostname was validated by the spec, so no entry is
//    silently skipped (V21);
//  - spec.nodes.maxConcurrentDownloads lands where containerd reads it
//    (tests/tools/containerd-config checks that with containerd's loader);
//  - the host's Docker socket is mounted only with spec.nodes.dockerSocket.
#include <cstdlib>

#include "kind.hpp"
#include "lo/certs.hpp"
#include "lo/yaml_json.hpp"

namespace lo::kind {
namespace fs = std::filesystem;

bool oidc_enabled(const Spec& s) { return s.oidc.issuer.has_value() && s.oidc.clientID.has_value(); }

fs::path ca_root_pem() { return certs::ca_root() / "rootCA.pem"; }

namespace {

constexpr const char* kCertsDInNode = "/etc/containerd/certs.d";
constexpr const char* kOidcInNode = "/etc/kubernetes/oidc/auth-config.yaml";

// kubeadm v1beta4 (Kubernetes 1.31+) takes extraArgs as a list of
// {name, value}; v1beta3 as a map.
bool kubeadm_v1beta4(const std::string& version) {
  int major = 0, minor = 0;
  if (std::sscanf(version.c_str(), "v%d.%d", &major, &minor) != 2) return true;
  return major > 1 || (major == 1 && minor >= 31);
}

std::string oidc_patch(const std::string& version) {
  bool v4 = kubeadm_v1beta4(version);
  Json patch = {{"kind", "ClusterConfiguration"}};
  patch["apiVersion"] = v4 ? "kubeadm.k8s.io/v1beta4" : "kubeadm.k8s.io/v1beta3";
  Json api = Json::object();
  if (v4) api["extraArgs"] = Json::array({Json{{"name", "authentication-config"}, {"value", kOidcInNode}}});
  else api["extraArgs"] = Json{{"authentication-config", kOidcInNode}};
  api["extraVolumes"] = Json::array({Json{{"name", "oidc-auth-config"},
                                          {"hostPath", kOidcInNode},
                                          {"mountPath", kOidcInNode},
                                          {"readOnly", true},
                                          {"pathType", "File"}}});
  patch["apiServer"] = api;
  return json_to_yaml(patch);
}

Json mount(const std::string& host, const std::string& node, bool read_only) {
  Json m = {{"hostPath", host}, {"containerPath", node}};
  if (read_only) m["readOnly"] = true;
  return m;
}

}  // namespace

std::string render_config(const Target& t) {
  const Spec& s = t.eff.spec;
  std::string image = "kindest/node:" + *s.kubernetesVersion;
  Json certs_mount = mount(t.certs_d().string(), kCertsDInNode, true);

  Json nodes = Json::array();
  for (int64_t i = 0; i < *s.nodes.controlPlane; ++i) {
    Json n = {{"role", "control-plane"}, {"image", image}};
    if (i == 0) {
      Json patches = Json::array();
      patches.push_back(json_to_yaml(Json{{"kind", "InitConfiguration"},
                                          {"nodeRegistration", {{"kubeletExtraArgs", {{"node-labels", "ingress-ready=true"}}}}}}));
      if (oidc_enabled(s)) patches.push_back(oidc_patch(*s.kubernetesVersion));
      n["kubeadmConfigPatches"] = patches;
      if (*s.nodes.hostPorts) {
        Json ports = Json::array();
        for (int p : {80, 443, 8080}) ports.push_back(Json{{"containerPort", p}, {"hostPort", p}, {"protocol", "TCP"}});
        n["extraPortMappings"] = ports;
      }
      Json mounts = Json::array();
      // Upstream mounted the host's Docker socket into every cluster (for an
      // operator lo does not have); only on request now (spec.nodes.dockerSocket).
      if (*s.nodes.dockerSocket) mounts.push_back(mount("/var/run/docker.sock", "/var/run/docker.sock", false));
      mounts.push_back(certs_mount);
      if (oidc_enabled(s)) mounts.push_back(mount(t.oidc_config().string(), kOidcInNode, true));
      for (const auto& m : *s.nodes.extraMounts) {
        fs::path host = *m.hostPath;
        if (host.is_relative()) host = (t.ws.root / host).lexically_normal();  // relative to the project, not the caller's cwd
        mounts.push_back(mount(host.string(), *m.containerPath, m.readOnly.value_or(false)));
      }
      n["extraMounts"] = mounts;
    } else {
      n["extraMounts"] = Json::array({certs_mount});
    }
    nodes.push_back(n);
  }
  for (int64_t i = 0; i < *s.nodes.workers; ++i)
    nodes.push_back(Json{{"role", "worker"}, {"image", image}, {"extraMounts", Json::array({certs_mount})}});

  // Written for the version-2 config kindest/node images ship (also with
  // containerd 2, which migrates it): max_concurrent_downloads is a key of
  // the CRI plugin itself, which containerd 2 moves to io.containerd.cri.v1.images.
  // Upstream (and lo before) put it under ...cri".containerd, where no
  // containerd reads it: the setting never took effect. No `version` line:
  // kind v0.33 skips a patch whose version differs from the node's config,
  // and older kind would copy it over the node's.
  std::string containerd = std::string("[plugins.\"io.containerd.grpc.v1.cri\"]\n") + "  max_concurrent_downloads = " +
                           std::to_string(*s.nodes.maxConcurrentDownloads) + "\n" +
                           "[plugins.\"io.containerd.grpc.v1.cri\".registry]\n" + "  config_path = \"" + kCertsDInNode + "\"\n";
  Json config = {{"kind", "Cluster"},
                 {"apiVersion", "kind.x-k8s.io/v1alpha4"},
                 {"name", t.cluster()},
                 {"networking", {{"disableDefaultCNI", true}, {"podSubnet", kPodSubnet}, {"serviceSubnet", kServiceSubnet}}},
                 {"nodes", nodes},
                 {"containerdConfigPatches", Json::array({containerd})}};
  return "# kind cluster " + t.cluster() + " for " + t.domain + ", rendered by lo-kind from the effective spec\n" +
         json_to_yaml(config);
}

std::vector<std::pair<std::string, std::string>> render_certs_d(const EffectiveSpec& eff) {
  std::vector<std::pair<std::string, std::string>> files;
  bool tls = *eff.spec.registries.tls;
  std::string scheme = tls ? "https" : "http";
  for (const auto& r : eff.registries) {
    std::string url = scheme + "://" + r.ip.str();
    std::string caps = r.role == RegistryRole::Mirror ? "[\"pull\", \"resolve\"]" : "[\"pull\", \"resolve\", \"push\"]";
    std::string trust = tls ? std::string("ca = \"") + kCertsDInNode + "/.ca/rootCA.pem\"" : "skip_verify = true";
    auto body = [&](const std::string& entry) {
      return "# " + r.name + " registry (" + entry + "), written by lo-kind\n" + "server = \"" + url + "\"\n\n[host.\"" + url +
             "\"]\n  capabilities = " + caps + "\n  " + trust + "\n";
    };
    files.emplace_back(r.hostname + "/hosts.toml", body("hostname " + r.hostname));
    files.emplace_back(r.ip.str() + "/hosts.toml", body("address " + r.ip.str()));
  }
  return files;
}

std::string render_oidc_config(const Spec& s) {
  if (!oidc_enabled(s))
    return "# spec.oidc is off: no JWT authenticators (the API server reloads this file)\n" +
           json_to_yaml(Json{{"apiVersion", "apiserver.config.k8s.io/v1"}, {"kind", "AuthenticationConfiguration"}, {"jwt", Json::array()}});
  Json issuer = {{"url", *s.oidc.issuer}, {"audiences", Json::array({*s.oidc.clientID})}};
  if (s.oidc.caBundle) issuer["certificateAuthority"] = *s.oidc.caBundle;
  Json jwt = {{"issuer", issuer},
              {"claimMappings",
               {{"username", {{"claim", s.oidc.usernameClaim.value_or("sub")}, {"prefix", s.oidc.usernamePrefix.value_or("oidc:")}}},
                {"groups", {{"claim", s.oidc.groupsClaim.value_or("groups")}, {"prefix", s.oidc.groupsPrefix.value_or("oidc:")}}}}}};
  Json cfg = {{"apiVersion", "apiserver.config.k8s.io/v1"}, {"kind", "AuthenticationConfiguration"}, {"jwt", Json::array({jwt})}};
  return json_to_yaml(cfg);
}

}  // namespace lo::kind
