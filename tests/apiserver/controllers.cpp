#include "controllers.hpp"

#include "defaults.hpp"
#include "kubeconfigs.hpp"

#include <algorithm>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

namespace lotest {
namespace {

const std::string kCrds = "apiextensions.k8s.io/customresourcedefinitions";
const std::string kDeployments = "apps/deployments";
const std::string kStatefulSets = "apps/statefulsets";
const std::string kDaemonSets = "apps/daemonsets";
const std::string kJobs = "batch/jobs";
const std::string kCapiClusters = "cluster.x-k8s.io/clusters";
const std::set<std::string> kWatched = {kCrds, kDeployments, kStatefulSets, kDaemonSets, kJobs, kCapiClusters};
const std::string kManager = "kube-controller-manager";

std::string annotation(const json& obj, const std::string& key) {
  const json& meta = obj["metadata"];
  if (!meta.contains("annotations") || !meta["annotations"].is_object()) return "";
  return meta["annotations"].value(key, "");
}

std::string behavior(const json& obj) {
  std::string b = annotation(obj, "lo.test/behavior");
  return b.empty() ? "ready" : b;
}

// A stable 10-character hash of the pod template, like a ReplicaSet suffix.
std::string templateHash(const json& obj) {
  static const std::string alphabet = "bcdfghjklmnpqrstvwxz2456789";
  size_t h = std::hash<std::string>{}(obj.value("spec", json::object()).value("template", json::object()).dump());
  std::string out;
  for (int i = 0; i < 10; ++i, h /= alphabet.size()) out += alphabet[h % alphabet.size()];
  return out;
}

// A condition that keeps its transition time while its status holds.
json condition(const json& current, const std::string& type, const std::string& status,
               const std::string& reason, const std::string& message, bool withUpdateTime) {
  std::string now = nowRfc3339();
  json c = {{"type", type}, {"status", status}, {"reason", reason}, {"message", message},
            {"lastTransitionTime", now}};
  if (withUpdateTime) c["lastUpdateTime"] = now;
  for (const auto& old : current.value("conditions", json::array())) {
    if (old.value("type", "") != type || old.value("status", "") != status) continue;
    c["lastTransitionTime"] = old.value("lastTransitionTime", now);
    if (withUpdateTime && old.value("reason", "") == reason && old.value("message", "") == message)
      c["lastUpdateTime"] = old.value("lastUpdateTime", now);
  }
  return c;
}

long long specInt(const json& obj, const char* field, long long fallback) {
  const json& spec = obj.value("spec", json::object());
  return spec.contains(field) && spec[field].is_number_integer() ? spec[field].get<long long>() : fallback;
}

json deploymentStatus(const json& obj, const json& current) {
  long long replicas = specInt(obj, "replicas", 1);
  std::string rs = obj["metadata"].value("name", "") + "-" + templateHash(obj);
  std::string b = behavior(obj);
  json s = {{"observedGeneration", obj["metadata"].value("generation", 1)},
            {"replicas", replicas}, {"updatedReplicas", replicas}};
  if (b == "ready") {
    s["readyReplicas"] = replicas;
    s["availableReplicas"] = replicas;
    s["conditions"] = {
        condition(current, "Available", "True", "MinimumReplicasAvailable",
                  "Deployment has minimum availability.", true),
        condition(current, "Progressing", "True", "NewReplicaSetAvailable",
                  "ReplicaSet \"" + rs + "\" has successfully progressed.", true)};
    return s;
  }
  json progressing = b == "fail"
      ? condition(current, "Progressing", "False", "ProgressDeadlineExceeded",
                  "ReplicaSet \"" + rs + "\" has timed out progressing.", true)
      : condition(current, "Progressing", "True", "ReplicaSetUpdated",
                  "ReplicaSet \"" + rs + "\" is progressing.", true);
  // A rollout that stalls after an available one: the old ReplicaSet keeps
  // serving while one surged replica of the new one never becomes available.
  long long serving = 0;
  for (const auto& c : current.value("conditions", json::array()))
    if (c.value("type", "") == "Available" && c.value("status", "") == "True")
      serving = current.value("availableReplicas", 0LL);
  if (serving > 0) {
    s["replicas"] = serving + 1;
    s["updatedReplicas"] = 1;
    s["readyReplicas"] = serving;
    s["availableReplicas"] = serving;
    s["unavailableReplicas"] = 1;
    s["conditions"] = {condition(current, "Available", "True", "MinimumReplicasAvailable",
                                 "Deployment has minimum availability.", true),
                       progressing};
    return s;
  }
  s["unavailableReplicas"] = replicas;
  s["conditions"] = {condition(current, "Available", "False", "MinimumReplicasUnavailable",
                               "Deployment does not have minimum availability.", true),
                     progressing};
  return s;
}

json statefulSetStatus(const json& obj) {
  long long replicas = specInt(obj, "replicas", 1);
  long long ready = behavior(obj) == "ready" ? replicas : 0;
  std::string revision = obj["metadata"].value("name", "") + "-" + templateHash(obj);
  return {{"observedGeneration", obj["metadata"].value("generation", 1)},
          {"replicas", replicas},           {"currentReplicas", replicas},
          {"updatedReplicas", replicas},    {"readyReplicas", ready},
          {"availableReplicas", ready},     {"currentRevision", revision},
          {"updateRevision", revision},     {"collisionCount", 0}};
}

json daemonSetStatus(const json& obj) {
  long long ready = behavior(obj) == "ready" ? 1 : 0;
  json s = {{"observedGeneration", obj["metadata"].value("generation", 1)},
            {"desiredNumberScheduled", 1}, {"currentNumberScheduled", 1},
            {"updatedNumberScheduled", 1}, {"numberMisscheduled", 0},
            {"numberReady", ready},        {"numberAvailable", ready}};
  if (!ready) s["numberUnavailable"] = 1;
  return s;
}

json jobStatus(const json& obj, const json& current) {
  std::string now = nowRfc3339();
  json s = {{"startTime", current.value("startTime", now)}};
  std::string b = behavior(obj);
  if (b == "stuck") {
    s["active"] = specInt(obj, "parallelism", 1);
    s["ready"] = 0;
    return s;
  }
  if (b == "fail") {
    const std::string why = "Job has reached the specified backoff limit";
    s["failed"] = specInt(obj, "backoffLimit", 6) + 1;
    s["conditions"] = {condition(current, "FailureTarget", "True", "BackoffLimitExceeded", why, false),
                       condition(current, "Failed", "True", "BackoffLimitExceeded", why, false)};
    return s;
  }
  const std::string why = "Reached expected number of succeeded pods";
  s["succeeded"] = specInt(obj, "completions", 1);
  s["ready"] = 0;
  s["completionTime"] = current.value("completionTime", now);
  s["uncountedTerminatedPods"] = json::object();
  s["conditions"] = {condition(current, "SuccessCriteriaMet", "True", "CompletionsReached", why, false),
                     condition(current, "Complete", "True", "CompletionsReached", why, false)};
  return s;
}

json crdStatus(const json& crd, const json& current) {
  const json& spec = crd["spec"];
  json names = spec.value("names", json::object());
  std::string kind = names.value("kind", "");
  std::string lower = kind;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!names.contains("singular")) names["singular"] = lower;
  if (!names.contains("listKind")) names["listKind"] = kind + "List";

  json stored = current.value("storedVersions", json::array());
  for (const auto& v : spec.value("versions", json::array()))
    if (v.value("storage", false) && std::find(stored.begin(), stored.end(), v["name"]) == stored.end())
      stored.push_back(v["name"]);

  json conditions = {condition(current, "NamesAccepted", "True", "NoConflicts", "no conflicts found", false)};
  if (behavior(crd) == "stuck")
    conditions.push_back(condition(current, "Established", "False", "Installing",
                                   "the CRD is being installed (lo.test/behavior: stuck)", false));
  else
    conditions.push_back(condition(current, "Established", "True", "InitialNamesAccepted",
                                   "the initial names have been accepted", false));
  return {{"acceptedNames", names}, {"conditions", conditions}, {"storedVersions", stored}};
}

bool established(const json& crd) {
  for (const auto& c : crd.value("status", json::object()).value("conditions", json::array()))
    if (c.value("type", "") == "Established" && c.value("status", "") == "True") return true;
  return false;
}

}  // namespace

Controllers::Controllers(Objects& objects, ControllerOptions options)
    : objects_(objects), options_(options) {}

json Controllers::desiredStatus(const std::string& storeKey, const json& obj) const {
  json current = obj.value("status", json::object());
  if (storeKey == kCrds) return crdStatus(obj, current);
  if (storeKey == kDeployments) return deploymentStatus(obj, current);
  if (storeKey == kStatefulSets) return statefulSetStatus(obj);
  if (storeKey == kDaemonSets) return daemonSetStatus(obj);
  if (storeKey == kJobs) return jobStatus(obj, current);
  if (storeKey == kCapiClusters) {
    json s = current;
    std::string b = behavior(obj);
    s["phase"] = b == "stuck" ? "Provisioning" : b == "fail" ? "Failed" : "Provisioned";
    return s;
  }
  return nullptr;
}

int Controllers::delayFor(const std::string& storeKey, const json& obj) const {
  bool crd = storeKey == kCrds;
  std::string custom = annotation(obj, crd ? "lo.test/established-delay-ms" : "lo.test/ready-delay-ms");
  try {
    if (!custom.empty()) return std::max(0, std::stoi(custom));
  } catch (const std::exception&) {
  }
  return crd ? options_.crdDelayMs : options_.workloadDelayMs;
}

void Controllers::observe(const std::string& storeKey, const ObjPtr& obj, bool deleted) {
  const json& meta = (*obj)["metadata"];
  Key key{storeKey, meta.value("namespace", ""), meta.value("name", "")};
  if (deleted) {
    pending_.erase(key);
    if (storeKey == kCrds) crdDeleted(*obj);
    return;
  }
  if (storeKey == kCrds && established(*obj)) refreshServedTypes(*obj);
  if (desiredStatus(storeKey, *obj) == obj->value("status", json::object())) return;
  if (!pending_.count(key))
    pending_[key] = Clock::now() + std::chrono::milliseconds(delayFor(storeKey, *obj));
}

void Controllers::refreshServedTypes(const json& crd) {
  const std::string name = crd["metadata"].value("name", "");
  const json& spec = crd["spec"];
  auto it = servedSpecs_.find(name);
  if (it != servedSpecs_.end() && it->second == spec) return;
  objects_.registry().setCustom(name, typesForCrd(crd));
  servedSpecs_[name] = spec;
}

void Controllers::crdDeleted(const json& crd) {
  const std::string name = crd["metadata"].value("name", "");
  objects_.registry().setCustom(name, {});
  servedSpecs_.erase(name);
  const json& spec = crd["spec"];
  std::string storeKey = spec.value("group", "") + "/" + spec["names"].value("plural", "");
  Store& store = objects_.store();
  for (const auto& obj : store.list(storeKey, "", nullptr, 0, "").items) {
    const json& meta = (*obj)["metadata"];
    store.commit({storeKey, meta.value("namespace", ""), meta.value("name", ""), obj, nullptr, false},
                 nullptr);
  }
}

void Controllers::reconcileCrd(const ObjPtr& crd) {
  json status = crdStatus(*crd, crd->value("status", json::object()));
  if (behavior(*crd) != "stuck") refreshServedTypes(*crd);
  TypePtr type = objects_.registry().find("apiextensions.k8s.io", "v1", "customresourcedefinitions");
  if (!objects_.writeStatus(type, crd, status, "kube-apiextensions-controller"))
    pending_[{kCrds, "", (*crd)["metadata"].value("name", "")}] = Clock::now();
}

void Controllers::reconcile(const Key& key) {
  const auto& [storeKey, ns, name] = key;
  ObjPtr obj = objects_.store().get(storeKey, ns, name);
  if (!obj) return;
  if (storeKey == kCrds) {
    reconcileCrd(obj);
    return;
  }
  json status = desiredStatus(storeKey, *obj);
  auto slash = storeKey.find('/');
  TypePtr type = objects_.registry().findAnyVersion(storeKey.substr(0, slash), storeKey.substr(slash + 1));
  if (!type) return;
  if (!objects_.writeStatus(type, obj, status, kManager)) {
    pending_[key] = Clock::now();
    return;
  }
  if (storeKey == kCapiClusters && status.value("phase", "") == "Provisioned") ensureKubeconfigSecret(*obj);
}

void Controllers::ensureKubeconfigSecret(const json& cluster) {
  const json& meta = cluster["metadata"];
  std::string ns = meta.value("namespace", "default"), name = meta.value("name", "") + "-kubeconfig";
  if (objects_.store().get("/secrets", ns, name)) return;
  std::ifstream in(options_.dir + "/kubeconfig-cert.yaml");
  std::stringstream kubeconfig;
  kubeconfig << in.rdbuf();
  json secret = {{"apiVersion", "v1"}, {"kind", "Secret"},
                 {"metadata", {{"name", name}, {"namespace", ns},
                               {"labels", {{"cluster.x-k8s.io/cluster-name", meta.value("name", "")}}}}},
                 {"type", "cluster.x-k8s.io/secret"},
                 {"data", {{"value", base64(kubeconfig.str())}}}};
  TypePtr type = objects_.registry().find("", "v1", "secrets");
  WriteOptions o;
  o.fieldManager = "capi-controller-manager";
  try {
    objects_.create({type, ns, name, ""}, secret, o);
  } catch (const std::exception&) {
    // Created meanwhile, or the namespace went away: nothing to do.
  }
}

void Controllers::relist() {
  Store& store = objects_.store();
  cursor_ = store.currentRV();
  std::set<std::string> liveCrds;
  for (const auto& storeKey : kWatched)
    for (const auto& obj : store.list(storeKey, "", nullptr, 0, "").items) {
      if (storeKey == kCrds) liveCrds.insert((*obj)["metadata"].value("name", ""));
      observe(storeKey, obj, false);
    }
  for (auto it = servedSpecs_.begin(); it != servedSpecs_.end();) {
    if (liveCrds.count(it->first)) {
      ++it;
      continue;
    }
    objects_.registry().setCustom(it->first, {});
    it = servedSpecs_.erase(it);
  }
}

void Controllers::run() {
  Store& store = objects_.store();
  while (!store.stopping()) {
    std::vector<WatchEvent> events;
    uint64_t upTo = cursor_;
    if (!store.eventsSince(cursor_, "", &events, &upTo)) {
      relist();
    } else {
      for (const auto& ev : events)
        if (kWatched.count(ev.storeKey)) observe(ev.storeKey, ev.object, ev.type == "DELETED");
      cursor_ = upTo;
    }
    auto now = Clock::now();
    auto wake = now + std::chrono::milliseconds(500);
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second <= now) {
        Key key = it->first;
        it = pending_.erase(it);
        reconcile(key);
      } else {
        wake = std::min(wake, it->second);
        ++it;
      }
    }
    if (!pending_.empty()) {
      for (const auto& [k, due] : pending_) wake = std::min(wake, due);
    }
    store.waitForChange(cursor_, wake);
  }
}

}  // namespace lotest
