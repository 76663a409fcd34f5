#include "applyset.hpp"

#include "lo/log.hpp"
#include "wait.hpp"

namespace lo::deploy {
namespace as = lo::applyset;

namespace {

const ResourceInfo kSecrets{"", "v1", "Secret", "secrets", true};
const ResourceInfo kCrds{"apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false};
const char* kParentCrd = "applysets.lok8s.dev";

std::string label_of(const Json& obj, const char* key) {
  const Json& meta = obj.contains("metadata") ? obj["metadata"] : Json();
  if (!meta.is_object() || !meta.contains("labels") || !meta["labels"].is_object()) return "";
  return meta["labels"].value(key, "");
}

std::optional<std::string> annotation_of(const Json& obj, const char* key) {
  const Json& meta = obj.contains("metadata") ? obj["metadata"] : Json();
  if (!meta.is_object() || !meta.contains("annotations") || !meta["annotations"].is_object()) return std::nullopt;
  auto it = meta["annotations"].find(key);
  if (it == meta["annotations"].end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

Json parent_crd() {
  Json schema = {{"type", "object"},
                 {"description", "The parent of an ApplySet (KEP-3659) whose members lo deploys: "
                                 "its labels and annotations name the set; it has no spec."}};
  return {{"apiVersion", "apiextensions.k8s.io/v1"},
          {"kind", "CustomResourceDefinition"},
          {"metadata", {{"name", kParentCrd}, {"labels", {{as::kParentTypeLabel, "true"}}}}},
          {"spec",
           {{"group", "lok8s.dev"},
            {"scope", "Cluster"},
            {"names", {{"plural", "applysets"}, {"singular", "applyset"}, {"kind", "ApplySet"}, {"listKind", "ApplySetList"}}},
            {"versions", Json::array({{{"name", "v1"}, {"served", true}, {"storage", true},
                                       {"schema", {{"openAPIV3Schema", schema}}}}})}}}};
}

// The CRD of cluster-scoped parents, applied and awaited once per cluster.
ResourceInfo ensure_parent_type(KubeClient& client, Progress& progress, std::chrono::steady_clock::time_point deadline,
                                bool applied) {
  if (auto r = client.find_resource("lok8s.dev/v1", "ApplySet")) return *r;
  if (!applied) TargetSet::apply_parent_type(client, progress);
  std::vector<WaitItem> wait{WaitItem{kCrds, "", kParentCrd, std::string("CustomResourceDefinition/") + kParentCrd}};
  WaitResult r = wait_healthy(client, wait, deadline, progress);
  if (!r.all_ready)
    throw Error("CustomResourceDefinition " + std::string(kParentCrd) + " did not become established: " +
                    wait[0].health.message,
                "check it with kubectl describe crd " + std::string(kParentCrd));
  client.refresh_discovery("lok8s.dev/v1");
  return client.require_resource("lok8s.dev/v1", "ApplySet");
}

}  // namespace

bool TargetSet::needs_parent_type(KubeClient& client) const {
  return parent_.cluster_scoped && !client.find_resource("lok8s.dev/v1", "ApplySet");
}

void TargetSet::apply_parent_type(KubeClient& client, Progress& progress) {
  progress.note("installing CustomResourceDefinition " + std::string(kParentCrd) +
                " (the parent type of cluster-wide ApplySets)");
  client.apply(kCrds, parent_crd(), ApplyOptions{"lo", true, false});
}

void TargetSet::install_parent_type(KubeClient& client, Progress& progress) {
  apply_parent_type(client, progress);
  type_applied_ = true;
  client.refresh_discovery("lok8s.dev/v1");  // read again by write(), which awaits it if need be
}

std::string ParentRef::kubectl_flag() const {
  return cluster_scoped ? "--applyset=applysets.lok8s.dev/" + name : "--applyset=" + name + " -n " + ns;
}

TargetSet TargetSet::open(KubeClient& client, const std::string& domain, const std::string& target,
                          const std::string& default_namespace, const std::vector<const Item*>* items) {
  TargetSet s;
  std::string name = as::parent_name(domain, target);
  std::optional<Json> live = client.get_object(kSecrets, default_namespace, name);
  if (live) {
    s.parent_ = {false, name, default_namespace};
  } else if (auto applysets = client.find_resource("lok8s.dev/v1", "ApplySet")) {
    live = client.get_object(*applysets, "", name);
    if (live) s.parent_ = {true, name, ""};
  }
  if (!live) {
    // A new set: the target's namespace holds it when the target has objects
    // there; otherwise the target is cluster-wide.
    bool in_default = false;
    if (items)
      for (const Item* it : *items) in_default |= it->resource && it->resource->namespaced && it->ns == default_namespace;
    s.parent_ = in_default ? ParentRef{false, name, default_namespace} : ParentRef{true, name, ""};
  }
  s.id_ = as::set_id(s.parent_.name, s.parent_.ns, s.parent_.kind(), s.parent_.group());
  if (!live) return s;

  const std::string what = "the ApplySet parent " + s.parent_.display() + " of target " + target;
  std::string id = label_of(*live, as::kIdLabel);
  if (id.empty())
    throw Error(what + " exists but is not an ApplySet parent (it has no " + std::string(as::kIdLabel) + " label)",
                "lo keeps a target's set in that object; rename or delete it");
  if (id != s.id_)
    throw Error(what + " carries " + as::kIdLabel + "=" + id + ", not the ID of that object (" + s.id_ + ")",
                "an ApplySet ID must match its parent (KEP-3659); fix or delete the parent, then deploy again");
  auto tooling = annotation_of(*live, as::kToolingAnnotation);
  if (!tooling || tooling->empty())
    throw Error(what + " has no " + std::string(as::kToolingAnnotation) + " annotation",
                "lo changes only sets it manages; add the annotation " + std::string(as::kToolingAnnotation) + "=" +
                    as::tooling_value() + " to hand the set to lo");
  if (as::tooling_name(*tooling) != as::kToolName) {
    std::string annotate = "kubectl annotate " + std::string(s.parent_.cluster_scoped ? "applysets.lok8s.dev " : "secret -n " + s.parent_.ns + " ") +
                           s.parent_.name + " " + as::kToolingAnnotation + "=" + as::tooling_value() + " --overwrite";
    throw Error(what + " is managed by \"" + as::tooling_name(*tooling) + "\" (" + as::kToolingAnnotation + ": " +
                    *tooling + "), not by lo",
                "lo does not change another tool's ApplySet: keep deploying it with that tool, or hand it to lo "
                "with: " + annotate);
  }
  s.exists_ = s.existed_ = true;
  s.kinds_ = as::parse_group_kinds(annotation_of(*live, as::kGroupKindsAnnotation).value_or(""));
  s.namespaces_ = as::parse_namespaces(annotation_of(*live, as::kNamespacesAnnotation).value_or(""));
  if (!s.parent_.ns.empty()) s.namespaces_.insert(s.parent_.ns);
  return s;
}

void TargetSet::check_unlabelled(const std::vector<Item>& items) {
  Diagnostics problems;
  for (const auto& it : items)
    if (!label_of(it.object, as::kPartOfLabel).empty())
      problems.error(Location{it.manifest->source, std::string("metadata.labels.") + as::kPartOfLabel},
                     "is set in the manifest",
                     "lo labels the members of a target's ApplySet itself, and an object belongs to one set; "
                     "remove the label");
  problems.throw_if_errors();
}

void TargetSet::label(std::vector<Item>& items) const {
  for (auto& it : items) {
    Json& meta = it.object["metadata"];
    if (!meta.contains("labels") || !meta["labels"].is_object()) meta["labels"] = Json::object();
    meta["labels"][as::kPartOfLabel] = id_;
  }
}

bool TargetSet::write(KubeClient& client, const std::set<as::GroupKind>& kinds, const std::set<std::string>& namespaces,
                      Progress& progress, std::chrono::steady_clock::time_point deadline) {
  ResourceInfo resource = parent_.cluster_scoped ? ensure_parent_type(client, progress, deadline, type_applied_) : kSecrets;
  Json meta = {{"name", parent_.name}};
  if (!parent_.ns.empty()) meta["namespace"] = parent_.ns;
  meta["labels"] = {{as::kIdLabel, id_}};
  // Like kubectl, the namespaces annotation is written even when empty.
  meta["annotations"] = {{as::kToolingAnnotation, as::tooling_value()},
                         {as::kGroupKindsAnnotation, as::format_group_kinds(kinds)},
                         {as::kNamespacesAnnotation, as::format_namespaces(namespaces, parent_.ns)}};
  Json parent = {{"apiVersion", parent_.api_version()}, {"kind", parent_.kind()}, {"metadata", meta}};
  try {
    // The parent is lo's bookkeeping: fields someone else touched are taken back.
    client.apply(resource, parent, ApplyOptions{"lo", true, false});
  } catch (const ApiError& e) {
    if (e.status() == 404 && e.details().is_object() && e.details().value("kind", "") == "namespaces") return false;
    throw;
  }
  log::debug(1, "ApplySet " + parent_.display() + ": " + as::format_group_kinds(kinds));
  exists_ = true;
  kinds_ = kinds;
  namespaces_ = namespaces;
  if (!parent_.ns.empty()) namespaces_.insert(parent_.ns);
  return true;
}

bool TargetSet::remove(KubeClient& client, bool dry_run) {
  std::optional<ResourceInfo> resource = parent_.cluster_scoped ? client.find_resource("lok8s.dev/v1", "ApplySet")
                                                                : std::optional<ResourceInfo>(kSecrets);
  if (!resource) return false;
  DeleteOptions o;
  o.dry_run = dry_run;
  return client.remove(*resource, parent_.ns, parent_.name, o).state != DeleteResult::State::Absent;
}

TargetObjects open_target(KubeClient& client, const std::string& domain, const TargetPlan& t,
                          const std::string& default_namespace) {
  TargetObjects o;
  o.items = prepare_items(t.objects);
  map_resources(client, default_namespace, o.items, t.name);
  o.others = prepare_items(t.excluded);
  map_resources(client, default_namespace, o.others, t.name, false);
  TargetSet::check_unlabelled(o.items);
  for (const auto* list : {&o.items, &o.others})
    for (const auto& it : *list) o.all.push_back(&it);
  o.set = TargetSet::open(client, domain, t.name, default_namespace, &o.all);
  o.set.label(o.items);
  return o;
}

std::set<std::string> TargetObjects::identities(const std::string& default_namespace) const {
  std::set<std::string> out;
  for (const Item* it : all) {
    out.insert(it->identity());
    if (!it->resource && it->ns.empty())  // a kind the server does not know: either scope
      out.insert(Item::identity_of(it->group, it->kind, default_namespace, it->name));
  }
  return out;
}

std::string other_set(const Item& it, const Json* live) {
  std::string theirs = live ? label_of(*live, as::kPartOfLabel) : "";
  if (theirs.empty() || theirs == label_of(it.object, as::kPartOfLabel)) return "";
  return "is a member of another ApplySet (" + std::string(as::kPartOfLabel) + "=" + theirs + ")";
}

void add_scope(const Item& it, std::set<as::GroupKind>& kinds, std::set<std::string>& namespaces) {
  kinds.insert(as::GroupKind{it.group, it.kind});
  bool namespaced = it.resource ? it.resource->namespaced : !it.ns.empty();
  if (namespaced && !it.ns.empty()) namespaces.insert(it.ns);
}

}  // namespace lo::deploy
