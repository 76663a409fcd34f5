// KubeClient object verbs: server-side apply, GET, DELETE, paged LIST.
#include "kube_client_impl.hpp"
#include "lo/json_decode.hpp"
#include "lo/log.hpp"

namespace lo {

std::vector<FieldConflict> conflicts_of(const ApiError& e) {
  std::vector<FieldConflict> out;
  if (e.status() != 409 || !e.details().is_object()) return out;
  auto causes = e.details().find("causes");
  if (causes == e.details().end() || !causes->is_array()) return out;
  for (const auto& c : *causes) {
    if (!c.is_object() || c.value("type", "") != "FieldManagerConflict") continue;
    FieldConflict fc;
    fc.field = c.value("field", "");
    fc.detail = c.value("message", "");
    // The server writes: conflict with "<manager>"[ using <apiVersion>]
    auto q1 = fc.detail.find('"');
    auto q2 = q1 == std::string::npos ? q1 : fc.detail.find('"', q1 + 1);
    if (q2 != std::string::npos) fc.manager = fc.detail.substr(q1 + 1, q2 - q1 - 1);
    out.push_back(std::move(fc));
  }
  return out;
}

ApplyResult KubeClient::apply(const ResourceInfo& r, const Json& object, const ApplyOptions& options) {
  const Json& meta = object.contains("metadata") ? object["metadata"] : Json::object();
  std::string name = meta.is_object() ? meta.value("name", "") : "";
  std::string ns = meta.is_object() ? meta.value("namespace", "") : "";
  if (name.empty()) throw Error("cannot apply an object without metadata.name");
  if (r.namespaced && ns.empty()) throw Error("internal: namespaced object " + name + " has no namespace");
  std::string path = object_path(r, r.namespaced ? ns : "", name) + "?fieldManager=" + url_escape(options.field_manager) +
                     "&fieldValidation=Strict";
  if (options.force) path += "&force=true";
  if (options.dry_run) path += "&dryRun=All";
  // JSON is YAML, so the apply-patch+yaml content type takes it as it is.
  Response resp = request("PATCH", path, object.dump(), "application/apply-patch+yaml");
  if (resp.status != 200 && resp.status != 201) {
    ApiError e = impl_->answer_error("PATCH", path, resp.status, resp.body);
    auto conflicts = conflicts_of(e);
    if (conflicts.empty()) throw e;
    std::string msg = "conflicts with other field managers:";
    for (const auto& c : conflicts)
      msg += "\n    " + (c.field.empty() ? std::string("(field not named)") : c.field) + " is owned by \"" +
             (c.manager.empty() ? c.detail : c.manager) + "\"";
    throw ApiError(e.status(), e.reason(), msg, e.details(), "PATCH " + path + ": " + msg,
                   "another tool or controller manages these fields: remove them from the manifest, or "
                   "re-run with --force-conflicts to take them over");
  }
  ApplyResult out;
  out.created = resp.status == 201;
  out.object = resp.json();
  if (!out.object.is_object())
    throw ApiError(resp.status, "", "the answer is not a JSON object", Json(), "PATCH " + path + ": the answer is not JSON");
  return out;
}

std::optional<Json> KubeClient::get_object(const ResourceInfo& r, const std::string& ns, const std::string& name) {
  std::string path = object_path(r, r.namespaced ? ns : "", name);
  Response resp = request("GET", path);
  if (resp.status == 404) return std::nullopt;
  if (resp.status != 200) throw impl_->answer_error("GET", path, resp.status, resp.body);
  Json j = resp.json();
  if (!j.is_object()) throw Error("GET " + path + ": the answer is not a JSON object");
  return j;
}

DeleteResult KubeClient::remove(const ResourceInfo& r, const std::string& ns, const std::string& name,
                                const DeleteOptions& options) {
  std::string path = object_path(r, r.namespaced ? ns : "", name);
  Json body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}, {"propagationPolicy", options.propagation}};
  if (options.dry_run) body["dryRun"] = Json::array({"All"});
  if (!options.uid.empty()) body["preconditions"] = {{"uid", options.uid}};
  Response resp = request("DELETE", path, body.dump(), "application/json");
  DeleteResult out;
  if (resp.status == 404) {
    out.state = DeleteResult::State::Absent;
    return out;
  }
  if (resp.status == 409 && !options.uid.empty()) {
    out.state = DeleteResult::State::Replaced;
    return out;
  }
  if (resp.status != 200 && resp.status != 202) throw impl_->answer_error("DELETE", path, resp.status, resp.body);
  Json j = resp.json();
  // A Status means gone; the object itself is gone unless it carries a
  // deletionTimestamp (finalizers still to run).
  if (j.is_object() && j.value("kind", "") != "Status") {
    const Json& meta = j.contains("metadata") ? j["metadata"] : Json::object();
    if (!options.dry_run && meta.is_object() && meta.contains("deletionTimestamp"))
      out.state = DeleteResult::State::Pending;
    out.object = std::move(j);
  }
  return out;
}

ListResult KubeClient::list(const std::string& collection_path, const ListOptions& options) {
  ListResult out;
  std::string cont;
  bool restarted = false;
  for (;;) {
    std::string path = collection_path + "?limit=500";
    if (!options.label_selector.empty()) path += "&labelSelector=" + url_escape(options.label_selector);
    if (!options.field_selector.empty()) path += "&fieldSelector=" + url_escape(options.field_selector);
    if (!cont.empty()) path += "&continue=" + url_escape(cont);
    Response resp = request("GET", path);
    if (resp.status == 410 && !cont.empty() && !restarted) {
      // The continue token expired: start over once, from a fresh snapshot.
      restarted = true;
      cont.clear();
      out = ListResult{};
      continue;
    }
    if (resp.status != 200) throw impl_->answer_error("GET", path, resp.status, resp.body);
    Json j = decode_json(resp.body, {!options.managed_fields}).value_or(Json());
    if (!j.is_object()) throw Error("GET " + path + ": the answer is not a JSON list");
    const Json& meta = j.contains("metadata") && j["metadata"].is_object() ? j["metadata"] : Json::object();
    out.resource_version = meta.value("resourceVersion", out.resource_version);
    if (j.contains("items") && j["items"].is_array())
      for (auto& item : j["items"]) out.items.push_back(std::move(item));
    cont = meta.value("continue", "");
    if (cont.empty()) break;
  }
  return out;
}

}  // namespace lo
