// kind's CoreDNS, made to read spec.coredns (reference §6.4). kubeadm gives
// a kind cluster the ConfigMap kube-system/coredns (one Corefile with a
// `.:53` server block) and the Deployment kube-system/coredns that mounts
// it at /etc/coredns. lo adds, each step only when it is missing:
//  1. kube-system/coredns-custom: one server block per spec.coredns.hosts
//     entry, spec.coredns.servers and .overrides, the files of
//     spec.coredns.import; removed when spec.coredns is empty (Q30);
//  2. the Corefile: `import custom/*.override` inside `.:53` (plugins for
//     the cluster's own server) and `import custom/*.server` at the top
//     level (more server blocks), added to the Corefile the cluster has,
//     so whatever else kubeadm or the user put there stays;
//  3. the Deployment: a volume of coredns-custom (optional, so CoreDNS also
//     starts without it) mounted read-only at /etc/coredns/custom, and the
//     annotation lok8s.dev/coredns-config on its pod template: a hash of the
//     Corefile and the custom files. A new hash rolls CoreDNS out again, so
//     CoreDNS restarts exactly when its configuration changed. Applied with
//     server-side apply, which merges volumes and mounts by key: a re-run
//     never adds a second volume (upstream's JSON patch did, failed on the
//     duplicate name and swallowed the error);
//  4. kube-system/coredns-external: a LoadBalancer Service for the cluster's
//     DNS, pinned to the last address of the load-balancer pool (the first
//     is the gateway's), so the host can ask the cluster's names.
#include "kind.hpp"
#include "lo/corefile.hpp"
#include "lo/runner.hpp"

namespace lo::kind {

namespace {

constexpr const char* kCustomConfigMap = "coredns-custom";
constexpr const char* kCustomVolume = "custom-config-volume";
constexpr const char* kCustomMountPath = "/etc/coredns/custom";
constexpr const char* kConfigAnnotation = "lok8s.dev/coredns-config";

}  // namespace

Json coredns_external_service(const EffectiveSpec& eff) {
  Json svc = {{"apiVersion", "v1"},
              {"kind", "Service"},
              {"metadata",
               {{"name", "coredns-external"},
                {"namespace", "kube-system"},
                {"labels", {{"k8s-app", "kube-dns"}, {"app.kubernetes.io/managed-by", "lo"}, {"lok8s.dev/type", "system"}}}}},
              {"spec",
               {{"type", "LoadBalancer"},
                {"selector", {{"k8s-app", "kube-dns"}}},
                {"ports", Json::array({Json{{"name", "dns-udp"}, {"port", 53}, {"protocol", "UDP"}, {"targetPort", 53}},
                                       Json{{"name", "dns-tcp"}, {"port", 53}, {"protocol", "TCP"}, {"targetPort", 53}}})}}}};
  if (eff.pool) {
    // MetalLB (metallb.io, its current prefix) and Cilium's LB IPAM read these.
    std::string last = eff.pool->last.str();
    svc["metadata"]["annotations"] = Json{{"metallb.io/loadBalancerIPs", last}, {"lbipam.cilium.io/ips", last}};
  }
  return svc;
}

namespace {

// True when `have` carries every field of `want` with the same value
// (objects compared key by key, everything else by value).
bool holds(const nlohmann::json& have, const nlohmann::json& want) {
  if (!want.is_object()) return have == want;
  if (!have.is_object()) return false;
  for (const auto& [k, v] : want.items())
    if (!have.contains(k) || !holds(have[k], v)) return false;
  return true;
}

const nlohmann::json* find_named(const nlohmann::json& list, const std::string& key, const std::string& value) {
  if (!list.is_array()) return nullptr;
  for (const auto& item : list)
    if (item.is_object() && item.value(key, "") == value) return &item;
  return nullptr;
}

bool service_matches(const Json& have, const Json& want) {
  nlohmann::json h = have, w = want;
  if (!holds(h["metadata"].value("labels", nlohmann::json::object()), w["metadata"]["labels"])) return false;
  if (w["metadata"].contains("annotations") &&
      !holds(h["metadata"].value("annotations", nlohmann::json::object()), w["metadata"]["annotations"]))
    return false;
  const auto& spec = h["spec"];
  if (spec.value("type", "") != w["spec"]["type"] || spec.value("selector", nlohmann::json::object()) != w["spec"]["selector"])
    return false;
  const nlohmann::json ports = spec.value("ports", nlohmann::json::array());
  if (ports.size() != w["spec"]["ports"].size()) return false;
  for (const auto& p : w["spec"]["ports"]) {
    const auto* got = find_named(ports, "name", p["name"]);
    if (!got || got->value("port", 0) != p["port"] || got->value("protocol", "TCP") != p["protocol"] ||
        got->value("targetPort", nlohmann::json()) != p["targetPort"])
      return false;
  }
  return true;
}

}  // namespace

void apply_coredns(Runner& run, const Target& t, ClusterObjects& objects, const Json& custom_data) {
  // 1. coredns-custom
  auto custom = objects.get("v1", "ConfigMap", "kube-system", kCustomConfigMap);
  if (!custom_data.empty()) {
    Json cm = coredns_custom_config_map(custom_data);
    if (!custom || nlohmann::json(custom->value("data", Json::object())) != nlohmann::json(custom_data))
      run.step("apply", std::string("configmap kube-system/") + kCustomConfigMap, [&] { objects.apply(cm); });
  } else if (custom) {
    run.step("remove", std::string("configmap kube-system/") + kCustomConfigMap + " (spec.coredns is empty)",
             [&] { objects.remove("v1", "ConfigMap", "kube-system", kCustomConfigMap); });
  }

  // 2. the Corefile, and 3. the Deployment. A cluster kind is about to
  // create has kubeadm's CoreDNS without either.
  const std::string corefile_step = "configmap kube-system/coredns (Corefile imports custom/*.override and custom/*.server)";
  const std::string mount_step = "deployment kube-system/coredns (mounts coredns-custom at /etc/coredns/custom; restarts CoreDNS)";
  const std::string restart_step = "deployment kube-system/coredns (restarts CoreDNS: its configuration changed)";
  if (objects.planned()) {
    run.step("apply", corefile_step, [] {});
    run.step("apply", mount_step, [] {});
  } else if (auto cm = objects.get("v1", "ConfigMap", "kube-system", "coredns"); !cm) {
    run.warn("lo-kind", "the cluster has no configmap kube-system/coredns, so spec.coredns has no effect",
             "lo wires kind's CoreDNS (kubeadm's coredns ConfigMap and Deployment); restore them or recreate the cluster");
  } else {
    std::string current = (*cm)["data"].value("Corefile", "");
    std::string wanted = corefile_with_imports(current);
    if (wanted != current) {
      Json patch = {{"apiVersion", "v1"},
                    {"kind", "ConfigMap"},
                    {"metadata", {{"name", "coredns"}, {"namespace", "kube-system"}}},
                    {"data", {{"Corefile", wanted}}}};
      // kubeadm wrote the Corefile; lo takes the field over.
      run.step("apply", corefile_step, [&] { objects.apply(patch, true); });
    }
    auto deploy = objects.get("apps/v1", "Deployment", "kube-system", "coredns");
    if (!deploy) {
      run.warn("lo-kind", "the cluster has no deployment kube-system/coredns, so spec.coredns has no effect",
               "lo wires kind's CoreDNS (kubeadm's coredns ConfigMap and Deployment); restore it or recreate the cluster");
    } else {
      nlohmann::json pod = (*deploy)["spec"]["template"];
      const auto* container = find_named(pod["spec"]["containers"], "name", "coredns");
      if (!container)
        throw Error("deployment kube-system/coredns has no container named coredns",
                    "lo mounts coredns-custom into kubeadm's coredns container; restore it or recreate the cluster");
      nlohmann::json volume = {{"name", kCustomVolume}, {"configMap", {{"name", kCustomConfigMap}, {"optional", true}}}};
      nlohmann::json mount = {{"name", kCustomVolume}, {"mountPath", kCustomMountPath}, {"readOnly", true}};
      const nlohmann::json volumes = pod["spec"].value("volumes", nlohmann::json::array());
      const nlohmann::json mounts = container->value("volumeMounts", nlohmann::json::array());
      const auto* have_volume = find_named(volumes, "name", kCustomVolume);
      const auto* have_mount = find_named(mounts, "mountPath", kCustomMountPath);
      bool mounted = have_volume && holds(*have_volume, volume) && have_mount && holds(*have_mount, mount);
      std::vector<std::pair<std::string, std::string>> files;
      for (const auto& [k, v] : custom_data.items()) files.emplace_back(k, v.get<std::string>());
      std::string hash = corefile_config_hash(wanted, files);
      bool current_hash = pod["metadata"].value("annotations", nlohmann::json::object()).value(kConfigAnnotation, "") == hash;
      if (!mounted || !current_hash) {
        Json apply = {{"apiVersion", "apps/v1"},
                      {"kind", "Deployment"},
                      {"metadata", {{"name", "coredns"}, {"namespace", "kube-system"}}},
                      {"spec",
                       {{"template",
                         {{"metadata", {{"annotations", {{kConfigAnnotation, hash}}}}},
                          {"spec",
                           {{"containers", Json::array({Json{{"name", "coredns"}, {"volumeMounts", Json::array({Json(mount)})}}})},
                            {"volumes", Json::array({Json(volume)})}}}}}}}};
        run.step("apply", mounted ? restart_step : mount_step, [&] { objects.apply(apply); });
      }
    }
  }

  // 4. coredns-external
  Json svc = coredns_external_service(t.eff);
  auto have = objects.get("v1", "Service", "kube-system", "coredns-external");
  if (!have || !service_matches(*have, svc))
    run.step("apply",
             "service kube-system/coredns-external (LoadBalancer" + (t.eff.pool ? " at " + t.eff.pool->last.str() : std::string()) + ")",
             [&] { objects.apply(svc); });
}

}  // namespace lo::kind
