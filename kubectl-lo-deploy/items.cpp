#include "items.hpp"

#include <map>

namespace lo::deploy {

bool is_crd(const Item& it) { return it.group == "apiextensions.k8s.io" && it.kind == "CustomResourceDefinition"; }
bool is_namespace(const Item& it) { return it.group.empty() && it.kind == "Namespace"; }
bool is_late(const Item& it) {
  return (it.group == "admissionregistration.k8s.io" &&
          (it.kind == "MutatingWebhookConfiguration" || it.kind == "ValidatingWebhookConfiguration")) ||
         (it.group == "apiregistration.k8s.io" && it.kind == "APIService");
}

std::vector<Item> prepare_items(const std::vector<Manifest>& manifests) {
  std::vector<Item> items;
  items.reserve(manifests.size());
  for (const auto& m : manifests) {
    Item it;
    it.manifest = &m;
    it.object = m.object;
    it.api_version = m.object.value("apiVersion", "");
    it.kind = m.object.value("kind", "");
    auto slash = it.api_version.find('/');
    it.group = slash == std::string::npos ? "" : it.api_version.substr(0, slash);
    it.name = m.object["metadata"].value("name", "");
    it.ns = m.object["metadata"].value("namespace", "");
    items.push_back(std::move(it));
  }
  return items;
}

namespace {

// The resource a CRD among `items` will serve for `it`, if any.
std::optional<ResourceInfo> from_target_crd(const Item& it, const std::vector<Item>& items) {
  for (const auto& crd : items) {
    if (!is_crd(crd)) continue;
    const Json& spec = crd.object.contains("spec") ? crd.object["spec"] : Json();
    if (!spec.is_object() || spec.value("group", "") != it.group) continue;
    const Json& names = spec.contains("names") ? spec["names"] : Json();
    if (!names.is_object() || names.value("kind", "") != it.kind) continue;
    std::string version = it.api_version.substr(it.api_version.find('/') + 1);
    bool has_version = false;
    if (spec.contains("versions") && spec["versions"].is_array())
      for (const auto& v : spec["versions"]) has_version |= v.is_object() && v.value("name", "") == version;
    if (!has_version) continue;
    ResourceInfo ri;
    ri.group = it.group;
    ri.version = version;
    ri.kind = it.kind;
    ri.resource = names.value("plural", "");
    ri.namespaced = spec.value("scope", "Namespaced") == "Namespaced";
    return ri;
  }
  return std::nullopt;
}

}  // namespace

void map_resources(KubeClient& client, const std::string& default_namespace, std::vector<Item>& items,
                   const std::string& target, bool strict) {
  Diagnostics problems;
  std::vector<std::string> versions;
  for (auto& it : items) {
    try {
      check_api_version(it.api_version);
      versions.push_back(it.api_version);
    } catch (const Error& e) {
      if (strict) problems.error(Location{it.manifest->source, "apiVersion"}, e.what(), e.problems().front().hint);
    }
  }
  problems.throw_if_errors();
  client.prefetch_discovery(versions);
  for (auto& it : items) {
    if (std::find(versions.begin(), versions.end(), it.api_version) == versions.end()) continue;
    it.resource = client.find_resource(it.api_version, it.kind);
    if (it.resource) continue;
    it.resource = from_target_crd(it, items);
    it.mapped_by_crd = it.resource.has_value();
    if (it.resource || !strict) continue;
    try {
      client.require_resource(it.api_version, it.kind);  // throws with the explanation
    } catch (const ApiError&) {
      throw;
    } catch (const Error& e) {
      problems.error(Location{it.manifest->source, "kind"}, e.what(), e.problems().front().hint);
    }
  }
  problems.throw_if_errors();

  // Namespaces: objects that name none get the default one; cluster-scoped
  // objects carry none.
  std::map<std::string, const Item*> seen;
  for (auto& it : items) {
    if (!it.resource) continue;
    if (it.resource->namespaced) {
      if (it.ns.empty()) {
        it.ns = default_namespace;
        it.object["metadata"]["namespace"] = it.ns;
      }
    } else if (!it.ns.empty()) {
      it.ns.clear();
      it.object["metadata"].erase("namespace");
    }
    auto [pos, inserted] = seen.emplace(it.identity(), &it);
    if (!inserted && strict)
      problems.error(Location{it.manifest->source}, it.display() + " appears twice in target " + target,
                     "the other one is " + pos->second->manifest->source + "; keep one");
  }
  problems.throw_if_errors();
}

}  // namespace lo::deploy
