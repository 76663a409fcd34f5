#include "defaults.hpp"

#include "certs.hpp"
#include "kubeconfigs.hpp"

#include <atomic>
#include <cctype>
#include <ctime>

namespace lotest {

std::string nowRfc3339() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string newUid() {
  std::string h = randomHex(16);
  h[12] = '4';
  h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

std::string randomSuffix() {
  static const std::string alphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::string bytes = randomHex(5), out;
  for (size_t i = 0; i < 5; ++i)
    out += alphabet[std::stoi(bytes.substr(2 * i, 2), nullptr, 16) % alphabet.size()];
  return out;
}

namespace {

void setIfMissing(json& obj, const std::string& key, const json& value) {
  if (!obj.contains(key) || obj[key].is_null()) obj[key] = value;
}

void defaultPorts(json& ports) {
  if (!ports.is_array()) return;
  for (auto& p : ports)
    if (p.is_object()) setIfMissing(p, "protocol", "TCP");
}

std::string imageTag(const std::string& image) {
  if (image.find('@') != std::string::npos) return "digest";
  auto slash = image.rfind('/');
  auto colon = image.rfind(':');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) return "";
  return image.substr(colon + 1);
}

void defaultPodSpec(json& spec) {
  if (!spec.is_object()) return;
  setIfMissing(spec, "restartPolicy", "Always");
  setIfMissing(spec, "dnsPolicy", "ClusterFirst");
  setIfMissing(spec, "schedulerName", "default-scheduler");
  setIfMissing(spec, "terminationGracePeriodSeconds", 30);
  setIfMissing(spec, "securityContext", json::object());
  for (const char* list : {"containers", "initContainers"}) {
    if (!spec.contains(list) || !spec[list].is_array()) continue;
    for (auto& c : spec[list]) {
      if (!c.is_object()) continue;
      std::string tag = imageTag(c.value("image", ""));
      setIfMissing(c, "imagePullPolicy", tag.empty() || tag == "latest" ? "Always" : "IfNotPresent");
      setIfMissing(c, "terminationMessagePath", "/dev/termination-log");
      setIfMissing(c, "terminationMessagePolicy", "File");
      setIfMissing(c, "resources", json::object());
      if (c.contains("ports")) defaultPorts(c["ports"]);
    }
  }
}

void defaultTemplate(json& spec) {
  if (spec.contains("template") && spec["template"].is_object() &&
      spec["template"].contains("spec"))
    defaultPodSpec(spec["template"]["spec"]);
}

void defaultDeployment(json& spec) {
  setIfMissing(spec, "replicas", 1);
  setIfMissing(spec, "revisionHistoryLimit", 10);
  setIfMissing(spec, "progressDeadlineSeconds", 600);
  setIfMissing(spec, "strategy", json::object());
  json& strategy = spec["strategy"];
  setIfMissing(strategy, "type", "RollingUpdate");
  if (strategy["type"] == "RollingUpdate") {
    setIfMissing(strategy, "rollingUpdate", json::object());
    setIfMissing(strategy["rollingUpdate"], "maxSurge", "25%");
    setIfMissing(strategy["rollingUpdate"], "maxUnavailable", "25%");
  }
}

void defaultStatefulSet(json& spec) {
  setIfMissing(spec, "replicas", 1);
  setIfMissing(spec, "revisionHistoryLimit", 10);
  setIfMissing(spec, "podManagementPolicy", "OrderedReady");
  setIfMissing(spec, "updateStrategy", json::object());
  json& strategy = spec["updateStrategy"];
  setIfMissing(strategy, "type", "RollingUpdate");
  if (strategy["type"] == "RollingUpdate") {
    setIfMissing(strategy, "rollingUpdate", json::object());
    setIfMissing(strategy["rollingUpdate"], "partition", 0);
  }
  setIfMissing(spec, "persistentVolumeClaimRetentionPolicy",
               {{"whenDeleted", "Retain"}, {"whenScaled", "Retain"}});
}

void defaultDaemonSet(json& spec) {
  setIfMissing(spec, "revisionHistoryLimit", 10);
  setIfMissing(spec, "updateStrategy", json::object());
  json& strategy = spec["updateStrategy"];
  setIfMissing(strategy, "type", "RollingUpdate");
  if (strategy["type"] == "RollingUpdate") {
    setIfMissing(strategy, "rollingUpdate", json::object());
    setIfMissing(strategy["rollingUpdate"], "maxSurge", 0);
    setIfMissing(strategy["rollingUpdate"], "maxUnavailable", 1);
  }
}

void defaultJob(json& spec) {
  if (!spec.contains("completions") && !spec.contains("parallelism")) spec["completions"] = 1;
  setIfMissing(spec, "parallelism", 1);
  setIfMissing(spec, "backoffLimit", 6);
  setIfMissing(spec, "completionMode", "NonIndexed");
  setIfMissing(spec, "suspend", false);
  setIfMissing(spec, "podReplacementPolicy", "TerminatingOrFailed");
}

std::string allocateClusterIP() {
  static std::atomic<unsigned> next{10};
  unsigned n = next++;
  return "10.96." + std::to_string((n / 250) % 250) + "." + std::to_string(n % 250 + 1);
}

void defaultService(json& spec, const json* live) {
  setIfMissing(spec, "type", "ClusterIP");
  setIfMissing(spec, "sessionAffinity", "None");
  if (spec["type"] == "ExternalName") return;
  if (spec.contains("ports") && spec["ports"].is_array()) {
    static std::atomic<int> nodePort{30000};
    bool needsNodePort = spec["type"] == "NodePort" || spec["type"] == "LoadBalancer";
    for (auto& p : spec["ports"]) {
      if (!p.is_object()) continue;
      setIfMissing(p, "protocol", "TCP");
      if (p.contains("port")) setIfMissing(p, "targetPort", p["port"]);
      if (needsNodePort) setIfMissing(p, "nodePort", nodePort++);
    }
  }
  const json* old = live && live->contains("spec") ? &(*live)["spec"] : nullptr;
  if (!spec.contains("clusterIP")) {
    spec["clusterIP"] = old && old->contains("clusterIP") ? (*old)["clusterIP"] : json(allocateClusterIP());
  }
  if (!spec.contains("clusterIPs")) spec["clusterIPs"] = json::array({spec["clusterIP"]});
  setIfMissing(spec, "ipFamilies", json::array({"IPv4"}));
  setIfMissing(spec, "ipFamilyPolicy", "SingleStack");
  setIfMissing(spec, "internalTrafficPolicy", "Cluster");
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void defaultCrd(json& spec) {
  setIfMissing(spec, "conversion", {{"strategy", "None"}});
  if (spec.contains("names") && spec["names"].is_object()) {
    json& names = spec["names"];
    std::string kind = names.value("kind", "");
    setIfMissing(names, "singular", lower(kind));
    setIfMissing(names, "listKind", kind + "List");
  }
}

}  // namespace

void applyDefaults(const ResourceType& type, json& obj, const json* live) {
  if (type.custom) return;
  const std::string& r = type.plural;
  if (r == "namespaces") {
    obj["metadata"]["labels"]["kubernetes.io/metadata.name"] = obj["metadata"]["name"];
    setIfMissing(obj, "status", json::object());
    setIfMissing(obj["status"], "phase", "Active");
    return;
  }
  if (r == "secrets") {
    setIfMissing(obj, "type", "Opaque");
    // stringData is write-only: the server folds it into data, base64-encoded.
    if (obj.contains("stringData") && obj["stringData"].is_object()) {
      for (const auto& [k, v] : obj["stringData"].items())
        if (v.is_string()) obj["data"][k] = base64(v.get<std::string>());
      obj.erase("stringData");
    }
    return;
  }
  if (!obj.contains("spec") || !obj["spec"].is_object()) {
    if (r == "deployments" || r == "statefulsets" || r == "daemonsets" || r == "jobs" ||
        r == "services" || r == "replicasets" || r == "customresourcedefinitions")
      obj["spec"] = json::object();
    else
      return;
  }
  json& spec = obj["spec"];
  if (r == "pods") defaultPodSpec(spec);
  if (r == "deployments" || r == "statefulsets" || r == "daemonsets" || r == "replicasets" ||
      r == "jobs")
    defaultTemplate(spec);
  if (r == "deployments") defaultDeployment(spec);
  if (r == "statefulsets") defaultStatefulSet(spec);
  if (r == "daemonsets") defaultDaemonSet(spec);
  if (r == "replicasets") setIfMissing(spec, "replicas", 1);
  if (r == "jobs") defaultJob(spec);
  if (r == "services") defaultService(spec, live);
  if (r == "customresourcedefinitions") defaultCrd(spec);
}

void validateCrd(const json& crd) {
  const std::string name = crd["metadata"].value("name", "");
  const json spec = crd.value("spec", json::object());
  std::vector<FieldCause> causes;
  std::string group = spec.value("group", "");
  json names = spec.value("names", json::object());
  std::string plural = names.value("plural", "");
  if (group.empty()) causes.push_back({"FieldValueRequired", "spec.group", "Required value"});
  if (plural.empty()) causes.push_back({"FieldValueRequired", "spec.names.plural", "Required value"});
  if (names.value("kind", "").empty())
    causes.push_back({"FieldValueRequired", "spec.names.kind", "Required value"});
  if (!group.empty() && !plural.empty() && name != plural + "." + group)
    causes.push_back({"FieldValueInvalid", "metadata.name",
                      "Invalid value: \"" + name + "\": must be spec.names.plural+\".\"+spec.group"});
  std::string scope = spec.value("scope", "");
  if (scope != "Namespaced" && scope != "Cluster")
    causes.push_back({"FieldValueNotSupported", "spec.scope",
                      "Unsupported value: \"" + scope + "\": supported values: \"Cluster\", \"Namespaced\""});
  int storage = 0;
  json versions = spec.value("versions", json::array());
  for (const auto& v : versions)
    if (v.is_object() && v.value("storage", false)) ++storage;
  if (versions.empty())
    causes.push_back({"FieldValueRequired", "spec.versions", "Required value: must have exactly one version marked as storage version"});
  else if (storage != 1)
    causes.push_back({"FieldValueInvalid", "spec.versions",
                      "Invalid value: " + std::to_string(storage) + ": must have exactly one version marked as storage version"});
  if (!causes.empty()) throw invalid("CustomResourceDefinition", "apiextensions.k8s.io", name, causes);
}

std::vector<ResourceType> typesForCrd(const json& crd) {
  std::vector<ResourceType> out;
  const json& spec = crd["spec"];
  const json& names = spec["names"];
  for (const auto& v : spec.value("versions", json::array())) {
    if (!v.is_object() || !v.value("served", false)) continue;
    ResourceType t;
    t.group = spec.value("group", "");
    t.version = v.value("name", "");
    t.plural = names.value("plural", "");
    t.kind = names.value("kind", "");
    t.singular = names.value("singular", lower(t.kind));
    t.namespaced = spec.value("scope", "Namespaced") == "Namespaced";
    for (const auto& s : names.value("shortNames", json::array())) t.shortNames.push_back(s);
    for (const auto& c : names.value("categories", json::array())) t.categories.push_back(c);
    t.hasStatus = v.contains("subresources") && v["subresources"].contains("status");
    t.tracksGeneration = true;
    if (v.contains("schema") && v["schema"].contains("openAPIV3Schema"))
      t.schema = v["schema"]["openAPIV3Schema"];
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace lotest
