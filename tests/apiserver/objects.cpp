#include "objects.hpp"

#include "admission.hpp"
#include "defaults.hpp"
#include "patch.hpp"
#include "yaml_json.hpp"

#include <algorithm>

namespace lotest {

struct Objects::Draft {
  std::shared_ptr<json> obj;
  int code = 200;
  bool noop = false;       // nothing changed: answer with the live object
  bool deleteNow = false;  // delete instead of storing `obj`
  std::vector<std::string> warnings;
};

namespace {

Shape shapeOf(const ResourceType& type) {
  if (type.custom) return Shape::schemaRoot(type.schema.is_null() ? nullptr : &type.schema);
  return Shape::builtinRoot();
}

std::string metaString(const json& obj, const char* field) {
  auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->is_object()) return "";
  auto it = meta->find(field);
  return it != meta->end() && it->is_string() ? it->get<std::string>() : "";
}

// Everything but metadata (and status, when it is a subresource).
bool specChanged(const json& a, const json& b, bool hasStatus) {
  json x = a, y = b;
  for (json* o : {&x, &y}) {
    o->erase("metadata");
    if (hasStatus) o->erase("status");
  }
  return x != y;
}

// Equal except for managedFields timestamps and the resourceVersion: such
// a write changes nothing and is not stored (no new resourceVersion).
bool sameIgnoringTimes(const json& a, const json& b) {
  auto strip = [](json o) {
    json& meta = o["metadata"];
    meta.erase("resourceVersion");
    if (meta.contains("managedFields"))
      for (auto& e : meta["managedFields"]) e.erase("time");
    return o;
  };
  return strip(a) == strip(b);
}

bool hasFinalizers(const json& obj) {
  auto meta = obj.find("metadata");
  return meta != obj.end() && meta->contains("finalizers") && (*meta)["finalizers"].is_array() &&
         !(*meta)["finalizers"].empty();
}

void checkTypeMeta(const json& body, const ResourceType& type) {
  std::string apiVersion = body.value("apiVersion", "");
  std::string kind = body.value("kind", "");
  if (!apiVersion.empty() && apiVersion != type.groupVersion())
    throw badRequest("the API version in the data (" + apiVersion +
                     ") does not match the expected API version (" + type.groupVersion() + ")");
  if (!kind.empty() && kind != type.kind)
    throw badRequest("the kind in the data (" + kind + ") does not match the expected kind (" +
                     type.kind + ")");
}

void setIdentity(const Target& t, const ObjPtr& live, json& next) {
  const ResourceType& type = *t.type;
  if (!next.contains("metadata") || !next["metadata"].is_object()) next["metadata"] = json::object();
  json& meta = next["metadata"];
  std::string name = metaString(next, "name");
  if (!name.empty() && name != t.name)
    throw badRequest("the name of the object (" + name + ") does not match the name on the URL (" +
                     t.name + ")");
  meta["name"] = t.name;
  if (type.namespaced) {
    std::string ns = metaString(next, "namespace");
    if (!ns.empty() && ns != t.ns)
      throw badRequest("the namespace of the provided object does not match the namespace sent "
                       "on the request");
    meta["namespace"] = t.ns;
  } else {
    meta.erase("namespace");
  }
  meta.erase("selfLink");
  if (live) {
    const json& lm = (*live)["metadata"];
    std::string rv = metaString(next, "resourceVersion");
    if (!rv.empty() && rv != lm.value("resourceVersion", "")) throw staleObject(type.gr(), t.name);
    for (const char* f : {"uid", "creationTimestamp", "deletionTimestamp",
                          "deletionGracePeriodSeconds", "generation"}) {
      if (lm.contains(f))
        meta[f] = lm[f];
      else
        meta.erase(f);
    }
  } else {
    for (const char* f : {"resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds",
                          "generation"})
      meta.erase(f);
    meta["uid"] = newUid();
    meta["creationTimestamp"] = nowRfc3339();
  }
}

void checkCustomSchema(const ResourceType& type, const WriteOptions& o, json& next,
                       std::vector<std::string>& warnings) {
  if (!type.custom || !type.schema.is_object()) return;
  SchemaReport report;
  checkAgainstSchema(next, type.schema, report);
  if (!report.unknown.empty() && o.validation != FieldValidation::Ignore) {
    std::string list;
    for (const auto& u : report.unknown) {
      std::string one = "unknown field \"" + u + "\"";
      list += (list.empty() ? "" : ", ") + one;
      if (o.validation == FieldValidation::Warn) warnings.push_back(one);
    }
    if (o.validation == FieldValidation::Strict)
      throw badRequest(type.kind + " in version \"" + type.version + "\" cannot be handled as a " +
                       type.kind + ": strict decoding error: " + list);
  }
  if (!report.invalid.empty())
    throw invalid(type.kind, type.group, metaString(next, "name"), report.invalid);
}

void removeNulls(json& v) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end();) {
      if (it->is_null()) {
        it = v.erase(it);
      } else {
        removeNulls(*it);
        ++it;
      }
    }
  } else if (v.is_array()) {
    for (auto& item : v) removeNulls(item);
  }
}

}  // namespace

ObjPtr Objects::get(const Target& t) const {
  ObjPtr obj = store_.get(t.type->storeKey(), t.ns, t.name);
  if (!obj) throw notFound(t.type->gr(), t.name);
  return obj;
}

Objects::Draft Objects::finish(const Target& t, const WriteOptions& o, const ObjPtr& live,
                               json next, const std::string& operation, Managers* applied) {
  const ResourceType& type = *t.type;
  if (!next.is_object()) throw badRequest("the body of the request must be a JSON object");
  checkTypeMeta(next, type);
  next["apiVersion"] = type.groupVersion();
  next["kind"] = type.kind;
  setIdentity(t, live, next);

  if (t.subresource == "status") {
    json merged = *live;
    if (next.contains("status"))
      merged["status"] = next["status"];
    else
      merged.erase("status");
    next = std::move(merged);
  } else if (type.hasStatus) {
    if (live && live->contains("status"))
      next["status"] = (*live)["status"];
    else
      next.erase("status");
  }
  applyDefaults(type, next, live.get());

  Draft d;
  checkCustomSchema(type, o, next, d.warnings);
  if (type.plural == "customresourcedefinitions" && !type.custom) validateCrd(next);

  if (type.tracksGeneration) {
    long long generation = 1;
    if (live) {
      generation = (*live)["metadata"].value("generation", 1LL);
      if (specChanged(*live, next, type.hasStatus)) ++generation;
    }
    next["metadata"]["generation"] = generation;
  }

  const std::string now = nowRfc3339();
  Managers managers;
  if (applied) {
    managers = *applied;
  } else {
    managers = live ? decodeManagedFields(*live) : Managers{};
    const json& sent = next["metadata"].value("managedFields", json::array());
    bool changedByClient = sent.is_array() && !sent.empty() &&
                           (!live || sent != (*live)["metadata"].value("managedFields", json::array()));
    if (t.subresource.empty() && changedByClient) managers = decodeManagedFields(next);
    ManagerEntry who{o.fieldManager, operation, type.groupVersion(), now, t.subresource, {}};
    Scope scope = t.subresource == "status" ? Scope::Status : Scope::Main;
    trackUpdate(live.get(), next, shapeOf(type), scope, type.hasStatus, who, managers);
  }
  encodeManagedFields(next, managers);

  if (live && (*live)["metadata"].contains("deletionTimestamp") && !hasFinalizers(next))
    d.deleteNow = true;
  if (live && !d.deleteNow && sameIgnoringTimes(*live, next)) d.noop = true;
  d.code = live ? 200 : 201;
  d.obj = std::make_shared<json>(std::move(next));
  return d;
}

WriteResult Objects::write(const Target& t, const WriteOptions& o,
                           const std::function<Draft(const ObjPtr& live)>& compute, bool creating, bool deleting) {
  const std::string key = t.type->storeKey();
  for (int attempt = 0; attempt < 1000; ++attempt) {
    ObjPtr live = store_.get(key, t.ns, t.name);
    Draft d = compute(live);
    if (t.subresource.empty()) {
      const json& seen = d.obj ? *d.obj : *live;
      admit(store_, *t.type, t.ns, seen, deleting ? "DELETE" : live ? "UPDATE" : "CREATE");
    }
    if (d.noop) return {live, 200, d.warnings};
    if (o.dryRun) return {d.deleteNow ? live : ObjPtr(d.obj), d.code, d.warnings, d.deleteNow};
    Store::Change change{key, t.ns, t.name, live, d.deleteNow ? nullptr : d.obj,
                         creating && !live && t.type->namespaced};
    ObjPtr stored;
    switch (store_.commit(change, &stored)) {
      case Store::Outcome::Ok:
        return {stored, d.code, d.warnings, d.deleteNow};
      case Store::Outcome::NoNamespace:
        throw notFound({"", "namespaces"}, t.ns);
      case Store::Outcome::Stale:
        break;  // someone else wrote first: recompute from the new state
    }
  }
  throw ApiError(500, "InternalError", "too many concurrent writers on " + t.name);
}

WriteResult Objects::create(const Target& target, json body, const WriteOptions& o) {
  if (!target.subresource.empty()) throw methodNotAllowed("create is not supported on " + target.subresource);
  if (!body.is_object()) throw badRequest("the body of the request must be a JSON object");
  checkTypeMeta(body, *target.type);
  Target t = target;
  if (!body.contains("metadata") || !body["metadata"].is_object()) body["metadata"] = json::object();
  t.name = metaString(body, "name");
  if (t.name.empty() && !metaString(body, "generateName").empty())
    t.name = metaString(body, "generateName") + randomSuffix();
  if (t.name.empty())
    throw invalid(t.type->kind, t.type->group, "",
                  {{"FieldValueRequired", "metadata.name", "Required value: name or generateName is required"}});
  validateName(t.type->kind, t.type->group, t.type->plural, t.name);
  body["metadata"]["name"] = t.name;
  if (t.type->namespaced && !store_.namespaceExists(t.ns)) throw notFound({"", "namespaces"}, t.ns);
  return write(t, o, [&](const ObjPtr& live) {
    if (live) throw alreadyExists(t.type->gr(), t.name);
    return finish(t, o, nullptr, body, "Update", nullptr);
  }, true);
}

WriteResult Objects::update(const Target& t, json body, const WriteOptions& o) {
  return write(t, o, [&](const ObjPtr& live) {
    if (!live) throw notFound(t.type->gr(), t.name);
    return finish(t, o, live, body, "Update", nullptr);
  }, false);
}

WriteResult Objects::patch(const Target& t, const std::string& contentType,
                           const std::string& body, const WriteOptions& o) {
  const ResourceType& type = *t.type;
  if (contentType == "application/apply-patch+yaml") {
    json applied = parseBody(body);
    if (!applied.is_object()) throw badRequest("the apply configuration must be an object");
    if (applied.value("apiVersion", "").empty()) throw badRequest("apiVersion must be set");
    if (applied.value("kind", "").empty()) throw badRequest("kind must be set");
    checkTypeMeta(applied, type);
    if (applied.contains("metadata") && applied["metadata"].is_object() &&
        applied["metadata"].contains("managedFields") && !applied["metadata"]["managedFields"].is_null())
      throw badRequest("metadata.managedFields must be nil");
    removeNulls(applied);
    if (t.subresource.empty() && type.namespaced && !store_.namespaceExists(t.ns))
      throw notFound({"", "namespaces"}, t.ns);
    return write(t, o, [&](const ObjPtr& live) {
      if (!live && !t.subresource.empty()) throw notFound(type.gr(), t.name);
      if (!live) validateName(type.kind, type.group, type.plural, t.name);
      std::string rv = metaString(applied, "resourceVersion");
      if (!rv.empty() && (!live || rv != metaString(*live, "resourceVersion")))
        throw staleObject(type.gr(), t.name);
      Managers managers = live ? decodeManagedFields(*live) : Managers{};
      ApplyRequest req;
      req.live = live.get();
      req.applied = applied;
      req.shape = shapeOf(type);
      req.scope = t.subresource == "status" ? Scope::Status : Scope::Main;
      req.hasStatus = type.hasStatus;
      req.manager = o.fieldManager;
      req.apiVersion = type.groupVersion();
      req.now = nowRfc3339();
      req.force = o.force;
      json next = serverSideApply(req, managers);
      return finish(t, o, live, std::move(next), "Apply", &managers);
    }, true);
  }

  if (o.force) throw ApiError(422, "Invalid", "force: Forbidden: may not be specified for non-apply patch");
  json p = json::parse(body, nullptr, false);
  if (p.is_discarded()) throw badRequest("the patch is not valid JSON");
  if (contentType == "application/strategic-merge-patch+json" && type.custom)
    throw unsupportedMediaType("the body of the request was in an unknown format - accepted media "
                               "types include: application/json-patch+json, "
                               "application/merge-patch+json, application/apply-patch+yaml");
  return write(t, o, [&](const ObjPtr& live) {
    if (!live) throw notFound(type.gr(), t.name);
    json next;
    if (contentType == "application/json-patch+json")
      next = applyJsonPatch(*live, p);
    else if (contentType == "application/strategic-merge-patch+json")
      next = applyStrategicMergePatch(*live, p, shapeOf(type));
    else
      next = applyMergePatch(*live, p);
    return finish(t, o, live, std::move(next), "Update", nullptr);
  }, false);
}

WriteResult Objects::remove(const Target& t, const DeleteOptions& options, const WriteOptions& o) {
  const bool orphan = options.propagation == "Orphan" || options.orphanDependents == 1;
  const bool foreground = options.propagation == "Foreground";
  WriteResult result = write(t, o, [&](const ObjPtr& live) {
    if (!live) throw notFound(t.type->gr(), t.name);
    if (options.preconditions.is_object()) {
      const json& pre = options.preconditions;
      std::string uid = pre.value("uid", ""), rv = pre.value("resourceVersion", "");
      if ((!uid.empty() && uid != metaString(*live, "uid")) ||
          (!rv.empty() && rv != metaString(*live, "resourceVersion")))
        throw conflict(t.type->gr(), t.name, "the precondition on the object does not hold");
    }
    Draft d;
    if ((*live)["metadata"].contains("deletionTimestamp")) {
      d.noop = true;
      return d;
    }
    json next = *live;
    json& meta = next["metadata"];
    if (orphan || foreground) {
      json finalizers = meta.value("finalizers", json::array());
      std::string add = orphan ? kOrphanFinalizer : kForegroundFinalizer;
      if (std::find(finalizers.begin(), finalizers.end(), add) == finalizers.end()) finalizers.push_back(add);
      meta["finalizers"] = finalizers;
    }
    if (!hasFinalizers(next)) {
      d.deleteNow = true;
      return d;
    }
    // Finalizers hold the object until the last one is removed.
    meta["deletionTimestamp"] = nowRfc3339();
    meta["deletionGracePeriodSeconds"] = 0;
    d.obj = std::make_shared<json>(std::move(next));
    // 202 when dependents are not orphaned and the object stays (upstream's
    // rule, kept for old clients that set orphanDependents=false).
    if (options.orphanDependents == 0) d.code = 202;
    return d;
  }, false, true);
  if (!o.dryRun && t.type->plural == "namespaces" && t.type->group.empty() &&
      !store_.namespaceExists(t.name))
    store_.deleteNamespaceContents(t.name);
  return result;
}

bool Objects::writeStatus(const TypePtr& type, const ObjPtr& live, const json& status,
                          const std::string& manager) {
  const json& meta = (*live)["metadata"];
  Target t{type, meta.value("namespace", ""), meta.value("name", ""), "status"};
  WriteOptions o;
  o.fieldManager = manager;
  json next = *live;
  next["status"] = status;
  Draft d = finish(t, o, live, std::move(next), "Update", nullptr);
  if (d.noop) return true;
  Store::Change change{type->storeKey(), t.ns, t.name, live, d.obj, false};
  return store_.commit(change, nullptr) == Store::Outcome::Ok;
}

}  // namespace lotest
