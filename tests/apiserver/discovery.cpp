#include "discovery.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>
#include <sstream>

namespace lotest {
namespace {

const std::vector<std::string> kVerbs = {"create", "delete", "deletecollection", "get",
                                         "list",   "patch",  "update",           "watch"};

// group -> versions, most preferred first (core group excluded).
std::map<std::string, std::vector<std::string>> groupVersions(const Registry& registry) {
  std::map<std::string, std::set<std::string>> found;
  for (const auto& t : registry.all())
    if (!t->group.empty()) found[t->group].insert(t->version);
  std::map<std::string, std::vector<std::string>> out;
  for (auto& [g, vs] : found) {
    std::vector<std::string> sorted(vs.begin(), vs.end());
    std::sort(sorted.begin(), sorted.end(), versionPrecedes);
    out[g] = sorted;
  }
  return out;
}

json groupEntry(const std::string& name, const std::vector<std::string>& versions) {
  json vs = json::array();
  for (const auto& v : versions) vs.push_back({{"groupVersion", name + "/" + v}, {"version", v}});
  return {{"name", name},
          {"versions", vs},
          {"preferredVersion", {{"groupVersion", name + "/" + versions.front()}, {"version", versions.front()}}}};
}

std::string camel(const std::string& s) {
  std::string out;
  bool up = true;
  for (char c : s) {
    if (c == '.' || c == '-') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return out;
}

// The schema name the real server uses: io.k8s.api.apps.v1.Deployment for
// built-ins, the reversed group for custom resources (com.example.v1.Widget).
std::string schemaName(const ResourceType& t) {
  if (!t.custom) {
    std::string g = t.group.empty() ? "core" : t.group.substr(0, t.group.find('.'));
    return "io.k8s.api." + g + "." + t.version + "." + t.kind;
  }
  std::vector<std::string> parts;
  std::stringstream ss(t.group);
  for (std::string p; std::getline(ss, p, '.');) parts.push_back(p);
  std::reverse(parts.begin(), parts.end());
  std::string out;
  for (const auto& p : parts) out += p + ".";
  return out + t.version + "." + t.kind;
}

json param(const std::string& name, const std::string& in, bool required = false) {
  return {{"name", name}, {"in", in}, {"required", required || in == "path"},
          {"schema", {{"type", name == "force" ? "boolean" : "string"}}},
          {"uniqueItems", true}};
}

json operation(const ResourceType& t, const std::string& action, const std::string& verbName,
               bool namespaced, bool item, const std::string& suffix) {
  json params = json::array();
  if (item) params.push_back(param("name", "path"));
  if (namespaced) params.push_back(param("namespace", "path"));
  params.push_back(param("pretty", "query"));
  if (action == "patch" || action == "put" || action == "post") {
    params.push_back(param("dryRun", "query"));
    params.push_back(param("fieldManager", "query"));
    params.push_back(param("fieldValidation", "query"));
  }
  if (action == "patch") params.push_back(param("force", "query"));
  json schemaRef = {{"$ref", "#/components/schemas/" + schemaName(t)}};
  json op = {{"operationId", verbName + camel(t.group.empty() ? "core" : t.group) +
                                 camel(t.version) + (namespaced ? "Namespaced" : "") + t.kind + suffix},
             {"x-kubernetes-action", action},
             {"x-kubernetes-group-version-kind",
              {{"group", t.group}, {"version", t.version}, {"kind", t.kind}}},
             {"parameters", params},
             {"responses", {{"200", {{"description", "OK"},
                                     {"content", {{"application/json", {{"schema", schemaRef}}}}}}}}}};
  if (action == "patch") {
    json content = json::object();
    for (const char* ct : {"application/apply-patch+yaml", "application/json-patch+json",
                           "application/merge-patch+json", "application/strategic-merge-patch+json"})
      content[ct] = {{"schema", {{"type", "object"}}}};
    op["requestBody"] = {{"content", content}, {"required", true}};
  } else if (action == "put" || action == "post") {
    op["requestBody"] = {{"content", {{"application/json", {{"schema", schemaRef}}}}}, {"required", true}};
  }
  return op;
}

// Built-in kinds get no x-kubernetes-group-version-kind here: kubectl's
// client-side apply then computes strategic merge patches from its compiled-in
// types instead of from this (field-less) schema.
json componentSchema(const ResourceType& t) {
  json s = t.custom && t.schema.is_object() ? t.schema : json{{"type", "object"}};
  if (t.custom)
    s["x-kubernetes-group-version-kind"] =
        json::array({{{"group", t.group}, {"version", t.version}, {"kind", t.kind}}});
  if (!s.contains("properties")) s["properties"] = json::object();
  s["properties"]["apiVersion"] = {{"type", "string"}};
  s["properties"]["kind"] = {{"type", "string"}};
  s["properties"]["metadata"] = {{"type", "object"}};
  return s;
}

void addPaths(json& paths, const ResourceType& t, const std::string& prefix) {
  std::string base = t.namespaced ? prefix + "/namespaces/{namespace}/" + t.plural : prefix + "/" + t.plural;
  bool ns = t.namespaced;
  paths[base] = {{"get", operation(t, "list", "list", ns, false, "")},
                 {"post", operation(t, "post", "create", ns, false, "")},
                 {"delete", operation(t, "deletecollection", "deleteCollection", ns, false, "")}};
  paths[base + "/{name}"] = {{"get", operation(t, "get", "read", ns, true, "")},
                             {"put", operation(t, "put", "replace", ns, true, "")},
                             {"patch", operation(t, "patch", "patch", ns, true, "")},
                             {"delete", operation(t, "delete", "delete", ns, true, "")}};
  if (t.hasStatus)
    paths[base + "/{name}/status"] = {{"get", operation(t, "get", "read", ns, true, "Status")},
                                      {"put", operation(t, "put", "replace", ns, true, "Status")},
                                      {"patch", operation(t, "patch", "patch", ns, true, "Status")}};
  if (ns) paths[prefix + "/" + t.plural] = {{"get", operation(t, "list", "list", false, false, "ForAllNamespaces")}};
}

std::string hashOf(const std::string& text) {
  std::ostringstream out;
  out << std::hex << std::uppercase << std::hash<std::string>{}(text);
  return out.str();
}

}  // namespace

json apiVersions(const std::string& serverAddress) {
  return {{"kind", "APIVersions"},
          {"versions", {"v1"}},
          {"serverAddressByClientCIDRs", {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", serverAddress}}}}};
}

json apiGroupList(const Registry& registry) {
  json groups = json::array();
  for (const auto& [g, versions] : groupVersions(registry)) groups.push_back(groupEntry(g, versions));
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

json apiGroup(const Registry& registry, const std::string& group) {
  auto all = groupVersions(registry);
  auto it = all.find(group);
  if (it == all.end()) return nullptr;
  json g = groupEntry(group, it->second);
  g["kind"] = "APIGroup";
  g["apiVersion"] = "v1";
  return g;
}

json apiResourceList(const Registry& registry, const std::string& group, const std::string& version) {
  json resources = json::array();
  for (const auto& t : registry.all()) {
    if (t->group != group || t->version != version) continue;
    json r = {{"name", t->plural},     {"singularName", t->singular}, {"namespaced", t->namespaced},
              {"kind", t->kind},       {"verbs", kVerbs}};
    if (!t->shortNames.empty()) r["shortNames"] = t->shortNames;
    if (!t->categories.empty()) r["categories"] = t->categories;
    r["storageVersionHash"] = hashOf(t->storeKey()).substr(0, 12);
    resources.push_back(r);
    if (t->hasStatus)
      resources.push_back({{"name", t->plural + "/status"}, {"singularName", ""},
                           {"namespaced", t->namespaced}, {"kind", t->kind},
                           {"verbs", {"get", "patch", "update"}}});
  }
  if (resources.empty()) return nullptr;
  std::string gv = group.empty() ? version : group + "/" + version;
  return {{"kind", "APIResourceList"}, {"apiVersion", "v1"}, {"groupVersion", gv}, {"resources", resources}};
}

void OpenApi::refresh() {
  uint64_t revision = registry_.revision();
  if (revision == revision_) return;
  std::map<std::string, json> docs;
  for (const auto& t : registry_.all()) {
    std::string gv = t->group.empty() ? "api/" + t->version : "apis/" + t->group + "/" + t->version;
    json& doc = docs[gv];
    if (doc.is_null())
      doc = {{"openapi", "3.0.0"},
             {"info", {{"title", "Kubernetes"}, {"version", "v1.32.0"}}},
             {"paths", json::object()},
             {"components", {{"schemas", json::object()}}}};
    addPaths(doc["paths"], *t, "/" + gv);
    doc["components"]["schemas"][schemaName(*t)] = componentSchema(*t);
  }
  docs_.clear();
  json paths = json::object();
  for (auto& [gv, doc] : docs) {
    std::string text = doc.dump();
    paths[gv] = {{"serverRelativeURL", "/openapi/v3/" + gv + "?hash=" + hashOf(text)}};
    docs_[gv] = std::move(text);
  }
  root_ = json{{"paths", paths}}.dump();
  revision_ = revision;
}

std::string OpenApi::root() {
  std::lock_guard lock(mu_);
  refresh();
  return root_;
}

std::optional<std::string> OpenApi::document(const std::string& gv) {
  std::lock_guard lock(mu_);
  refresh();
  auto it = docs_.find(gv);
  if (it == docs_.end()) return std::nullopt;
  return it->second;
}

}  // namespace lotest
