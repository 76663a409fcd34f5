#include "lo/readiness.hpp"

#include <optional>

namespace lo {
namespace {

using Json = nlohmann::ordered_json;

const Json& field(const Json& obj, const char* key) {
  static const Json null;
  if (!obj.is_object()) return null;
  auto it = obj.find(key);
  return it == obj.end() ? null : *it;
}

std::optional<int64_t> number(const Json& obj, const char* key) {
  const Json& v = field(obj, key);
  if (v.is_number_integer() || v.is_number_unsigned()) return v.get<int64_t>();
  return std::nullopt;
}

int64_t count(const Json& obj, const char* key) { return number(obj, key).value_or(0); }

std::string text(const Json& obj, const char* key) {
  const Json& v = field(obj, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

struct Condition {
  std::string status, reason, message;
  bool present = false;
};

Condition condition(const Json& obj, const std::string& type) {
  const Json& conds = field(field(obj, "status"), "conditions");
  Condition c;
  if (!conds.is_array()) return c;
  for (const auto& x : conds) {
    if (text(x, "type") != type) continue;
    c.present = true;
    c.status = text(x, "status");
    c.reason = text(x, "reason");
    c.message = text(x, "message");
  }
  return c;
}

// The message of the most recently changed condition (ties: the later one).
std::string newest_message(const Json& obj) {
  const Json& conds = field(field(obj, "status"), "conditions");
  std::string best_time, best;
  if (!conds.is_array()) return best;
  for (const auto& x : conds) {
    std::string t = text(x, "lastUpdateTime");
    if (t.empty()) t = text(x, "lastTransitionTime");
    std::string m = text(x, "message");
    if (m.empty()) continue;
    if (t >= best_time) {
      best_time = t;
      best = m;
    }
  }
  return best;
}

std::string with_detail(std::string head, const std::string& detail) {
  if (!detail.empty() && detail != head) head += ": " + detail;
  return head;
}

// nullopt when the controller has caught up with the spec.
std::optional<HealthStatus> generation_pending(const Json& obj) {
  auto gen = number(field(obj, "metadata"), "generation");
  auto seen = number(field(obj, "status"), "observedGeneration");
  if (gen && (!seen || *seen < *gen))
    return HealthStatus{Health::InProgress, "waiting for the controller to observe generation " + std::to_string(*gen)};
  return std::nullopt;
}

HealthStatus crd_health(const Json& obj) {
  Condition names = condition(obj, "NamesAccepted");
  Condition est = condition(obj, "Established");
  if (names.present && names.status == "False")
    return {Health::Failed, with_detail("names not accepted", names.message)};
  if (est.present && est.status == "False" && !est.reason.empty() && est.reason != "Installing")
    return {Health::Failed, with_detail("not established (" + est.reason + ")", est.message)};
  if (est.status == "True" && names.status == "True") return {Health::Ready, "established"};
  if (est.status != "True") return {Health::InProgress, with_detail("not established yet", est.message)};
  return {Health::InProgress, "names not accepted yet"};
}

HealthStatus deployment_health(const Json& obj) {
  Condition progressing = condition(obj, "Progressing");
  if (progressing.status == "False" && progressing.reason == "ProgressDeadlineExceeded") {
    // A rolling update that stalls leaves the old ReplicaSet serving: say so,
    // the user's next question is whether the app is down.
    const Json& st = field(obj, "status");
    int64_t want = number(field(obj, "spec"), "replicas").value_or(1);
    int64_t available = count(st, "availableReplicas"), updated = count(st, "updatedReplicas");
    std::string head = "progress deadline exceeded";
    if (updated < want && available > 0)
      head += " (" + std::to_string(available) + " replica" + (available == 1 ? "" : "s") +
              " of the previous version still available)";
    return {Health::Failed, with_detail(head, progressing.message)};
  }
  if (auto p = generation_pending(obj)) return *p;
  const Json& st = field(obj, "status");
  int64_t want = number(field(obj, "spec"), "replicas").value_or(1);
  int64_t updated = count(st, "updatedReplicas"), total = count(st, "replicas"), available = count(st, "availableReplicas");
  std::string newest = newest_message(obj);
  Condition failure = condition(obj, "ReplicaFailure");
  if (failure.status == "True") newest = failure.message;
  if (updated < want)
    return {Health::InProgress, with_detail(std::to_string(updated) + " of " + std::to_string(want) + " replicas updated", newest)};
  if (total > updated)
    return {Health::InProgress,
            with_detail(std::to_string(total - updated) + " old replicas pending termination", newest)};
  if (available < updated)
    return {Health::InProgress,
            with_detail(std::to_string(available) + " of " + std::to_string(updated) + " updated replicas available", newest)};
  Condition avail = condition(obj, "Available");
  if (avail.status != "True")
    return {Health::InProgress, with_detail("not available", avail.message.empty() ? newest : avail.message)};
  return {Health::Ready, std::to_string(available) + " replicas available"};
}

HealthStatus statefulset_health(const Json& obj) {
  if (auto p = generation_pending(obj)) return *p;
  const Json& spec = field(obj, "spec");
  const Json& st = field(obj, "status");
  int64_t want = number(spec, "replicas").value_or(1);
  const Json& strategy = field(spec, "updateStrategy");
  std::string type = text(strategy, "type");
  if (type == "OnDelete") {
    int64_t ready = count(st, "readyReplicas");
    if (ready < want) return {Health::InProgress, std::to_string(ready) + " of " + std::to_string(want) + " replicas ready"};
    return {Health::Ready, "OnDelete strategy: " + std::to_string(ready) + " replicas ready"};
  }
  int64_t partition = number(field(strategy, "rollingUpdate"), "partition").value_or(0);
  int64_t ready = count(st, "readyReplicas"), updated = count(st, "updatedReplicas");
  std::string newest = newest_message(obj);
  if (ready < want)
    return {Health::InProgress, with_detail(std::to_string(ready) + " of " + std::to_string(want) + " replicas ready", newest)};
  if (partition > 0) {
    int64_t need = std::max<int64_t>(0, want - partition);
    if (updated < need)
      return {Health::InProgress, std::to_string(updated) + " of " + std::to_string(need) + " partitioned replicas updated"};
    return {Health::Ready, std::to_string(updated) + " partitioned replicas updated"};
  }
  if (updated < want)
    return {Health::InProgress, with_detail(std::to_string(updated) + " of " + std::to_string(want) + " replicas updated", newest)};
  std::string cur = text(st, "currentRevision"), upd = text(st, "updateRevision");
  if (!upd.empty() && cur != upd) return {Health::InProgress, "waiting for revision " + upd + " to become current"};
  return {Health::Ready, std::to_string(ready) + " replicas ready"};
}

HealthStatus daemonset_health(const Json& obj) {
  if (auto p = generation_pending(obj)) return *p;
  const Json& st = field(obj, "status");
  if (!st.is_object() || !number(st, "desiredNumberScheduled"))
    return {Health::InProgress, "waiting for the controller to schedule pods"};
  int64_t desired = count(st, "desiredNumberScheduled");
  int64_t updated = count(st, "updatedNumberScheduled"), available = count(st, "numberAvailable");
  std::string newest = newest_message(obj);
  if (updated < desired)
    return {Health::InProgress, with_detail(std::to_string(updated) + " of " + std::to_string(desired) + " pods updated", newest)};
  if (available < desired)
    return {Health::InProgress, with_detail(std::to_string(available) + " of " + std::to_string(desired) + " pods available", newest)};
  return {Health::Ready, std::to_string(available) + " pods available"};
}

HealthStatus job_health(const Json& obj) {
  Condition failed = condition(obj, "Failed");
  if (failed.status == "True")
    return {Health::Failed, with_detail("failed" + (failed.reason.empty() ? "" : " (" + failed.reason + ")"), failed.message)};
  Condition complete = condition(obj, "Complete");
  if (complete.status == "True") return {Health::Ready, "complete"};
  if (field(field(obj, "spec"), "suspend") == Json(true)) return {Health::Ready, "suspended"};
  const Json& st = field(obj, "status");
  int64_t want = number(field(obj, "spec"), "completions").value_or(1);
  return {Health::InProgress, with_detail(std::to_string(count(st, "succeeded")) + " of " + std::to_string(want) +
                                              " completions, " + std::to_string(count(st, "active")) + " active",
                                          newest_message(obj))};
}

}  // namespace

bool has_health_rule(const std::string& group, const std::string& kind) {
  if (group == "apiextensions.k8s.io") return kind == "CustomResourceDefinition";
  if (group == "apps") return kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet";
  if (group == "batch") return kind == "Job";
  return false;
}

HealthStatus judge_health(const std::string& group, const std::string& kind, const Json& object) {
  if (!field(field(object, "metadata"), "deletionTimestamp").is_null())
    return {Health::InProgress, "being deleted"};
  if (!has_health_rule(group, kind)) return {Health::Ready, "applied"};
  if (kind == "CustomResourceDefinition") return crd_health(object);
  if (kind == "Deployment") return deployment_health(object);
  if (kind == "StatefulSet") return statefulset_health(object);
  if (kind == "DaemonSet") return daemonset_health(object);
  return job_health(object);
}

HealthStatus judge_health(const Json& object) {
  std::string api = text(object, "apiVersion");
  auto slash = api.find('/');
  return judge_health(slash == std::string::npos ? "" : api.substr(0, slash), text(object, "kind"), object);
}

}  // namespace lo
