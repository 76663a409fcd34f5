#include "api.hpp"

#include "yaml_json.hpp"

#include <sstream>

namespace lotest {

std::string ApiRequest::param(const std::string& key) const {
  auto it = query.find(key);
  return it == query.end() ? "" : it->second;
}

bool ApiRequest::flag(const std::string& key) const {
  std::string v = param(key);
  return v == "true" || v == "1";
}

namespace {

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::stringstream ss(path);
  for (std::string s; std::getline(ss, s, '/');)
    if (!s.empty()) out.push_back(s);
  return out;
}

std::string hexEncode(const std::string& s) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string hexDecode(const std::string& s) {
  if (s.size() % 2 || s.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw badRequest("invalid continue token");
  std::string out;
  for (size_t i = 0; i < s.size(); i += 2) out += static_cast<char>(std::stoi(s.substr(i, 2), nullptr, 16));
  return out;
}

// A stored object in the version the request asked for.
std::string objectText(const json& obj, const std::string& gv) {
  if (obj.value("apiVersion", "") == gv) return obj.dump();
  json copy = obj;
  copy["apiVersion"] = gv;
  return copy.dump();
}

int intParam(const ApiRequest& req, const std::string& key, int fallback) {
  std::string v = req.param(key);
  if (v.empty()) return fallback;
  try {
    return std::stoi(v);
  } catch (const std::exception&) {
    throw badRequest(key + ": invalid value \"" + v + "\"");
  }
}

json versionInfo() {
  return {{"major", "1"},
          {"minor", "32"},
          {"gitVersion", "v1.32.0-lo-test"},
          {"gitCommit", "0000000000000000000000000000000000000000"},
          {"gitTreeState", "clean"},
          {"buildDate", "2025-01-01T00:00:00Z"},
          {"goVersion", "go1.23.0"},
          {"compiler", "gc"},
          {"platform", "linux/amd64"}};
}

// {"kind":"Status","status":"Success","details":{name, group, kind: the
// plural, uid}}: upstream's answer to a delete that removed the object.
json deletedStatus(const json& obj, const ResourceType& type) {
  const json& meta = obj["metadata"];
  return {{"kind", "Status"},
          {"apiVersion", "v1"},
          {"metadata", json::object()},
          {"status", "Success"},
          {"details",
           {{"name", meta.value("name", "")},
            {"group", type.group},
            {"kind", type.plural},
            {"uid", meta.value("uid", "")}}}};
}

}  // namespace

ApiPath parseApiPath(const std::string& path) {
  ApiPath p;
  auto seg = segments(path);
  std::vector<std::string> rest;
  if (!seg.empty() && seg[0] == "api") {
    if (seg.size() == 1) {
      p.kind = ApiPath::Kind::CoreVersions;
      return p;
    }
    p.version = seg[1];
    if (seg.size() == 2) {
      p.kind = ApiPath::Kind::ResourceList;
      return p;
    }
    rest.assign(seg.begin() + 2, seg.end());
  } else if (!seg.empty() && seg[0] == "apis") {
    if (seg.size() == 1) {
      p.kind = ApiPath::Kind::GroupList;
      return p;
    }
    p.group = seg[1];
    if (seg.size() == 2) {
      p.kind = ApiPath::Kind::Group;
      return p;
    }
    p.version = seg[2];
    if (seg.size() == 3) {
      p.kind = ApiPath::Kind::ResourceList;
      return p;
    }
    rest.assign(seg.begin() + 3, seg.end());
  } else {
    return p;
  }
  bool namespaceSub = rest.size() == 3 && (rest[2] == "status" || rest[2] == "finalize");
  if (rest[0] == "namespaces" && rest.size() >= 3 && !namespaceSub) {
    p.ns = rest[1];
    rest.erase(rest.begin(), rest.begin() + 2);
  }
  if (rest.size() > 3) return p;  // Kind::Other: not found
  p.resource = rest[0];
  if (rest.size() > 1) p.name = rest[1];
  if (rest.size() > 2) p.subresource = rest[2];
  p.kind = ApiPath::Kind::Resource;
  return p;
}

std::string verbOf(const ApiRequest& req) {
  if (req.method != "GET") return req.method;
  ApiPath p = parseApiPath(req.path);
  if (p.kind != ApiPath::Kind::Resource || !p.name.empty()) return "GET";
  return req.flag("watch") ? "WATCH" : "LIST";
}

Api::Api(Objects& objects, OpenApi& openapi, std::string serverAddress)
    : objects_(objects), openapi_(openapi), serverAddress_(std::move(serverAddress)) {}

bool Api::handleNonResource(const ApiRequest& req, ApiResponse& res) {
  const std::string& path = req.path;
  auto text = [&](const std::string& body) {
    res.contentType = "text/plain; charset=utf-8";
    res.body = body;
  };
  if (path == "/healthz" || path == "/readyz" || path == "/livez" || path.rfind("/healthz/", 0) == 0 ||
      path.rfind("/readyz/", 0) == 0 || path.rfind("/livez/", 0) == 0) {
    text("ok");
  } else if (path == "/version" || path == "/version/") {
    res.body = versionInfo().dump();
  } else if (path == "/openapi/v3" || path == "/openapi/v3/") {
    res.body = openapi_.root();
  } else if (path.rfind("/openapi/v3/", 0) == 0) {
    auto doc = openapi_.document(path.substr(12));
    if (!doc) throw resourceNotFound();
    res.body = *doc;
  } else if (path.rfind("/openapi/", 0) == 0) {
    throw resourceNotFound();  // OpenAPI v2 is protobuf upstream; kubectl uses v3
  } else {
    return false;
  }
  if (req.method != "GET" && req.method != "HEAD") throw methodNotAllowed("method not allowed");
  return true;
}

void Api::handle(const ApiRequest& req, ApiResponse& res, const FaultAction& fault) {
  if (handleNonResource(req, res)) return;
  ApiPath p = parseApiPath(req.path);
  Registry& registry = objects_.registry();
  json doc;
  switch (p.kind) {
    case ApiPath::Kind::Other:
      throw resourceNotFound();
    case ApiPath::Kind::CoreVersions:
      doc = apiVersions(serverAddress_);
      break;
    case ApiPath::Kind::GroupList:
      doc = apiGroupList(registry);
      break;
    case ApiPath::Kind::Group:
      doc = apiGroup(registry, p.group);
      break;
    case ApiPath::Kind::ResourceList:
      doc = apiResourceList(registry, p.group, p.version);
      break;
    case ApiPath::Kind::Resource:
      handleResource(req, p, res, fault);
      return;
  }
  if (doc.is_null()) throw resourceNotFound();
  if (req.method != "GET") throw methodNotAllowed("method not allowed");
  res.body = doc.dump();
}

WriteOptions Api::writeOptions(const ApiRequest& req) const {
  WriteOptions o;
  o.fieldManager = req.param("fieldManager");
  if (o.fieldManager.empty()) {
    o.fieldManager = req.userAgent.substr(0, req.userAgent.find('/'));
    if (o.fieldManager.size() > 128) o.fieldManager.resize(128);
  }
  std::string dryRun = req.param("dryRun");
  if (!dryRun.empty() && dryRun != "All")
    throw badRequest("dryRun: Unsupported value: \"" + dryRun + "\": supported values: \"All\"");
  o.dryRun = dryRun == "All";
  o.force = req.flag("force");
  o.validation = parseFieldValidation(req.param("fieldValidation"));
  return o;
}

// DeleteOptions come from the body when there is one, else from the query
// (upstream's rule), and are validated like upstream's ValidateDeleteOptions.
DeleteOptions Api::deleteOptions(const ApiRequest& req, WriteOptions& o) const {
  DeleteOptions del;
  json body = req.body.empty() ? json(nullptr) : parseBody(req.body);
  json orphan = nullptr, policy = nullptr;
  if (body.is_object()) {
    if (body.contains("dryRun") && body["dryRun"].is_array()) {
      for (const auto& v : body["dryRun"])
        if (v != "All")
          throw invalid("DeleteOptions", "meta.k8s.io", "",
                        {{"FieldValueNotSupported", "dryRun",
                          "Unsupported value: " + v.dump() + ": supported values: \"All\""}});
      o.dryRun = o.dryRun || !body["dryRun"].empty();
    }
    del.preconditions = body.value("preconditions", json(nullptr));
    orphan = body.value("orphanDependents", json(nullptr));
    policy = body.value("propagationPolicy", json(nullptr));
  } else if (!body.is_null()) {
    throw badRequest("the body of a DELETE must be a DeleteOptions object");
  } else {
    if (!req.param("propagationPolicy").empty()) policy = req.param("propagationPolicy");
    if (!req.param("orphanDependents").empty()) orphan = req.flag("orphanDependents");
  }
  if (!orphan.is_null()) del.orphanDependents = orphan.is_boolean() && orphan.get<bool>() ? 1 : 0;
  if (!policy.is_null()) {
    del.propagation = policy.is_string() ? policy.get<std::string>() : policy.dump();
    if (del.orphanDependents >= 0)
      throw invalid("DeleteOptions", "meta.k8s.io", "",
                    {{"FieldValueInvalid", "propagationPolicy",
                      "Invalid value: \"" + del.propagation +
                          "\": orphanDependents and deletionPropagation cannot be both set"}});
    if (del.propagation != "Foreground" && del.propagation != "Background" && del.propagation != "Orphan")
      throw invalid("DeleteOptions", "meta.k8s.io", "",
                    {{"FieldValueNotSupported", "propagationPolicy",
                      "Unsupported value: \"" + del.propagation +
                          "\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\""}});
  }
  return del;
}

void Api::handleResource(const ApiRequest& req, const ApiPath& p, ApiResponse& res,
                         const FaultAction& fault) {
  TypePtr type = objects_.registry().find(p.group, p.version, p.resource);
  if (!type) throw resourceNotFound();
  if (!type->namespaced && !p.ns.empty()) throw resourceNotFound();
  if (type->namespaced && p.ns.empty() && !p.name.empty()) throw resourceNotFound();
  if (!p.subresource.empty() && !(p.subresource == "status" && type->hasStatus)) throw resourceNotFound();
  Target t{type, p.ns, p.name, p.subresource};
  const std::string gv = type->groupVersion();

  auto answer = [&](const WriteResult& r) {
    res.status = r.code;
    res.body = objectText(*r.object, gv);
    for (const auto& w : r.warnings) res.headers.emplace_back("Warning", "299 - " + json(w).dump());
  };

  const std::string& m = req.method;
  if (m == "GET") {
    if (!p.name.empty()) {
      res.body = objectText(*objects_.get(t), gv);
    } else if (req.flag("watch")) {
      watch(req, t, res, fault);
    } else {
      list(req, t, res);
    }
    return;
  }
  if (m == "POST") {
    if (!p.name.empty()) throw methodNotAllowed("POST is not supported on a named object");
    if (type->namespaced && p.ns.empty()) throw resourceNotFound();
    answer(objects_.create(t, parseBody(req.body), writeOptions(req)));
    return;
  }
  if (p.name.empty() && m != "DELETE") throw methodNotAllowed(m + " needs an object name");
  if (m == "PUT") {
    answer(objects_.update(t, parseBody(req.body), writeOptions(req)));
  } else if (m == "PATCH") {
    static const std::vector<std::string> types = {
        "application/apply-patch+yaml", "application/merge-patch+json",
        "application/strategic-merge-patch+json", "application/json-patch+json"};
    if (std::find(types.begin(), types.end(), req.contentType) == types.end())
      throw unsupportedMediaType("the body of the request was in an unknown format - accepted media types "
                                 "include: application/json-patch+json, application/merge-patch+json, "
                                 "application/apply-patch+yaml, application/strategic-merge-patch+json");
    WriteOptions o = writeOptions(req);
    if (req.contentType == "application/apply-patch+yaml" && req.param("fieldManager").empty())
      throw badRequest("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is "
                       "required for apply patch");
    answer(objects_.patch(t, req.contentType, req.body, o));
  } else if (m == "DELETE") {
    WriteOptions o = writeOptions(req);
    DeleteOptions del = deleteOptions(req, o);
    if (p.name.empty()) {
      deleteCollection(req, t, del, o, res);
      return;
    }
    WriteResult r = objects_.remove(t, del, o);
    if (r.deleted && !type->returnsDeletedObject) {
      // Most types answer an immediate delete with a Status, not the object.
      res.body = deletedStatus(*r.object, *type).dump();
      return;
    }
    answer(r);
  } else {
    throw methodNotAllowed(m + " is not supported");
  }
}

void Api::list(const ApiRequest& req, const Target& t, ApiResponse& res) {
  Selector labels = Selector::labels(req.param("labelSelector"));
  Selector fields = Selector::fields(req.param("fieldSelector"));
  int limit = intParam(req, "limit", 0);
  std::string after = req.param("continue").empty() ? "" : hexDecode(req.param("continue"));
  auto match = [&](const json& o) { return labels.matches(o) && fields.matches(o); };
  Store::ListPage page = objects_.store().list(t.type->storeKey(), t.ns, match,
                                               limit > 0 ? static_cast<size_t>(limit) : 0, after);
  const std::string gv = t.type->groupVersion();
  json meta = {{"resourceVersion", std::to_string(page.rv)}};
  if (!page.continueAfter.empty()) meta["continue"] = hexEncode(page.continueAfter);
  std::string body = "{\"apiVersion\":" + json(gv).dump() + ",\"kind\":" + json(t.type->listKind()).dump() +
                     ",\"metadata\":" + meta.dump() + ",\"items\":[";
  for (size_t i = 0; i < page.items.size(); ++i) {
    if (i) body += ',';
    body += objectText(*page.items[i], gv);
  }
  body += "]}";
  res.body = std::move(body);
}

void Api::watch(const ApiRequest& req, const Target& t, ApiResponse& res, const FaultAction& fault) {
  WatchParams params;
  params.type = t.type;
  params.ns = t.ns;
  params.labels = Selector::labels(req.param("labelSelector"));
  params.fields = Selector::fields(req.param("fieldSelector"));
  params.resourceVersion = req.param("resourceVersion");
  if (!params.resourceVersion.empty()) parseResourceVersion(params.resourceVersion);  // 400 early
  params.bookmarks = req.flag("allowWatchBookmarks");
  params.sendInitialEvents = req.flag("sendInitialEvents");
  if (params.sendInitialEvents && !params.bookmarks)
    throw invalid("ListOptions", "meta.k8s.io", "",
                  {{"FieldValueForbidden", "allowWatchBookmarks",
                    "Forbidden: allowWatchBookmarks required when sendInitialEvents is set"}});
  params.timeoutSeconds = intParam(req, "timeoutSeconds", 1800);
  params.dropAfterEvents = fault.dropWatchAfterEvents;
  res.contentType = "application/json";
  res.watch = std::make_shared<WatchStream>(objects_.store(), std::move(params));
}

void Api::deleteCollection(const ApiRequest& req, const Target& t, const DeleteOptions& del,
                           const WriteOptions& o, ApiResponse& res) {
  Selector labels = Selector::labels(req.param("labelSelector"));
  Selector fields = Selector::fields(req.param("fieldSelector"));
  auto match = [&](const json& obj) { return labels.matches(obj) && fields.matches(obj); };
  Store::ListPage page = objects_.store().list(t.type->storeKey(), t.ns, match, 0, "");
  const std::string gv = t.type->groupVersion();
  json items = json::array();
  for (const auto& obj : page.items) {
    Target one = t;
    one.ns = (*obj)["metadata"].value("namespace", "");
    one.name = (*obj)["metadata"].value("name", "");
    try {
      items.push_back(json::parse(objectText(*objects_.remove(one, del, o).object, gv)));
    } catch (const ApiError& e) {
      if (e.code() != 404) throw;  // deleted meanwhile
    }
  }
  res.body = json{{"apiVersion", gv}, {"kind", t.type->listKind()},
                  {"metadata", {{"resourceVersion", std::to_string(objects_.store().currentRV())}}},
                  {"items", items}}.dump();
}

}  // namespace lotest
