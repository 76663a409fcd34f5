#include "admission.hpp"

#include "api_error.hpp"

#include <algorithm>

namespace lotest {
namespace {

bool listHas(const json& list, const std::string& value) {
  if (!list.is_array()) return false;
  for (const auto& v : list)
    if (v.is_string() && (v.get<std::string>() == value || v.get<std::string>() == "*")) return true;
  return false;
}

bool resourceMatches(const json& resources, const std::string& plural) {
  if (!resources.is_array()) return false;
  for (const auto& v : resources) {
    if (!v.is_string()) continue;
    std::string r = v.get<std::string>();
    if (r == plural || r == "*" || r == "*/*") return true;
  }
  return false;
}

const json& labelsOf(const json& obj) {
  static const json none = json::object();
  auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->is_object()) return none;
  auto labels = meta->find("labels");
  return labels != meta->end() && labels->is_object() ? *labels : none;
}

// A metav1.LabelSelector against a label map; an absent or empty selector
// matches everything.
bool selectorMatches(const json& sel, const json& labels) {
  if (!sel.is_object()) return true;
  if (sel.contains("matchLabels") && sel["matchLabels"].is_object())
    for (auto& [k, v] : sel["matchLabels"].items())
      if (!labels.contains(k) || labels[k] != v) return false;
  if (sel.contains("matchExpressions") && sel["matchExpressions"].is_array()) {
    for (const auto& e : sel["matchExpressions"]) {
      std::string key = e.value("key", ""), op = e.value("operator", "");
      bool has = labels.contains(key);
      bool in = has && e.contains("values") && e["values"].is_array() &&
                std::find(e["values"].begin(), e["values"].end(), labels[key]) != e["values"].end();
      if ((op == "In" && !in) || (op == "NotIn" && in) || (op == "Exists" && !has) || (op == "DoesNotExist" && has))
        return false;
    }
  }
  return true;
}

bool ruleMatches(const json& rule, const ResourceType& type, const std::string& operation) {
  if (!listHas(rule.value("operations", json::array()), operation)) return false;
  if (!listHas(rule.value("apiGroups", json::array()), type.group)) return false;
  if (!listHas(rule.value("apiVersions", json::array()), type.version)) return false;
  if (!resourceMatches(rule.value("resources", json::array()), type.plural)) return false;
  std::string scope = rule.value("scope", "*");
  if (scope == "Cluster" && type.namespaced) return false;
  if (scope == "Namespaced" && !type.namespaced) return false;
  return true;
}

// Whether a ready workload backs the service's selector.
bool hasEndpoints(const Store& store, const std::string& ns, const json& service) {
  const json spec = service.value("spec", json::object());
  const json selector = spec.value("selector", json::object());
  if (!selector.is_object() || selector.empty()) return false;
  struct Kind {
    const char* key;
    const char* readyField;
  };
  for (const Kind& k : {Kind{"apps/deployments", "availableReplicas"}, Kind{"apps/statefulsets", "readyReplicas"},
                        Kind{"apps/daemonsets", "numberReady"}}) {
    auto page = store.list(k.key, ns, [](const json&) { return true; }, 0, "");
    for (const auto& w : page.items) {
      json tmpl = (*w).value("spec", json::object()).value("template", json::object());
      json labels = tmpl.value("metadata", json::object()).value("labels", json::object());
      bool carries = true;
      for (auto& [key, value] : selector.items()) carries &= labels.contains(key) && labels[key] == value;
      if (!carries) continue;
      json status = (*w).value("status", json::object());
      if (status.value(k.readyField, 0) > 0) return true;
    }
  }
  return false;
}

void callWebhook(const Store& store, const json& webhook) {
  const json client = webhook.value("clientConfig", json::object());
  if (!client.contains("service") || !client["service"].is_object()) return;  // a URL: taken as reachable
  const json& svc = client["service"];
  std::string ns = svc.value("namespace", ""), name = svc.value("name", ""), path = svc.value("path", "");
  int port = svc.value("port", 443);
  int timeout = webhook.value("timeoutSeconds", 10);
  std::string why;
  ObjPtr service = store.get("/services", ns, name);
  if (!service) why = "service \"" + name + "\" not found";
  else if (!hasEndpoints(store, ns, *service)) why = "no endpoints available for service \"" + name + "\"";
  else return;
  if (webhook.value("failurePolicy", "Fail") == "Ignore") return;
  std::string message = "Internal error occurred: failed calling webhook \"" + webhook.value("name", "") +
                        "\": failed to call webhook: Post \"https://" + name + "." + ns + ".svc:" + std::to_string(port) +
                        path + "?timeout=" + std::to_string(timeout) + "s\": " + why;
  throw ApiError(500, "InternalError", message, json{{"causes", json::array({json{{"message", message}}})}});
}

}  // namespace

void admit(const Store& store, const ResourceType& type, const std::string& ns, const json& object,
           const std::string& operation) {
  if (type.group == "admissionregistration.k8s.io") return;
  json nsLabels = json::object();
  bool haveNs = false;
  for (const char* key : {"admissionregistration.k8s.io/mutatingwebhookconfigurations",
                          "admissionregistration.k8s.io/validatingwebhookconfigurations"}) {
    auto page = store.list(key, "", [](const json&) { return true; }, 0, "");
    for (const auto& config : page.items) {
      const json webhooks = (*config).value("webhooks", json::array());
      if (!webhooks.is_array()) continue;
      for (const auto& w : webhooks) {
        bool matched = false;
        for (const auto& rule : w.value("rules", json::array())) matched |= ruleMatches(rule, type, operation);
        if (!matched || !selectorMatches(w.value("objectSelector", json()), labelsOf(object))) continue;
        if (type.namespaced) {
          if (!haveNs) {
            ObjPtr nsObj = store.get("/namespaces", "", ns);
            if (nsObj) nsLabels = labelsOf(*nsObj);
            haveNs = true;
          }
          if (!selectorMatches(w.value("namespaceSelector", json()), nsLabels)) continue;
        } else if (type.group.empty() && type.plural == "namespaces" &&
                   !selectorMatches(w.value("namespaceSelector", json()), labelsOf(object))) {
          continue;
        }
        callWebhook(store, w);
      }
    }
  }
}

}  // namespace lotest
