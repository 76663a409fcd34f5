// KubeClient discovery: the REST mapper. It reads only the group-version
// documents (/api/v1, /apis/<group>/<version>) of the apiVersions it is asked
// about, caches each, and forgets one on refresh_discovery() (after a CRD
// becomes Established, its group-version is read again).
#include <algorithm>

#include "kube_client_impl.hpp"
#include "lo/log.hpp"
#include "lo/parallel.hpp"

namespace lo {
namespace {

bool dns_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

std::string gv_path(const std::string& api_version) {
  return api_version.find('/') == std::string::npos ? "/api/" + api_version : "/apis/" + api_version;
}

}  // namespace

void check_api_version(const std::string& api_version) {
  auto slash = api_version.find('/');
  std::string group = slash == std::string::npos ? "" : api_version.substr(0, slash);
  std::string version = slash == std::string::npos ? api_version : api_version.substr(slash + 1);
  bool ok = !version.empty() && version.size() <= 63 && group.size() <= 253;
  for (char c : version) ok &= (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  for (char c : group) ok &= dns_char(c);
  if (slash != std::string::npos) ok &= !group.empty() && group.find("..") == std::string::npos && group[0] != '.';
  if (!ok)
    throw Error("invalid apiVersion '" + api_version + "'",
                "an apiVersion is VERSION (core) or GROUP/VERSION, e.g. v1 or apps/v1");
}

std::string ResourceInfo::type_name() const {
  std::string k = kind;
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return std::tolower(c); });
  return group.empty() ? k : k + "." + group;
}

std::string KubeClient::collection_path(const ResourceInfo& r, const std::string& ns) {
  std::string p = r.group.empty() ? "/api/" + r.version : "/apis/" + r.group + "/" + r.version;
  if (r.namespaced && !ns.empty()) p += "/namespaces/" + url_escape(ns);
  return p + "/" + r.resource;
}

std::string KubeClient::object_path(const ResourceInfo& r, const std::string& ns, const std::string& name) {
  return collection_path(r, ns) + "/" + url_escape(name);
}

static std::shared_ptr<const GroupVersionDoc> fetch_gv(KubeClient& client, KubeClient::Impl& I,
                                                      const std::string& api_version) {
  {
    std::lock_guard<std::mutex> lock(I.disc_mu);
    auto it = I.discovery.find(api_version);
    if (it != I.discovery.end()) return it->second;
  }
  check_api_version(api_version);
  std::string path = gv_path(api_version);
  Response r = client.request("GET", path);
  auto doc = std::make_shared<GroupVersionDoc>();
  if (r.status == 404) {
    doc->served = false;
  } else if (r.status < 200 || r.status > 299) {
    throw I.answer_error("GET", path, r.status, r.body);
  } else {
    Json j = r.json();
    if (!j.is_object() || !j.contains("resources") || !j["resources"].is_array())
      throw Error("GET " + path + ": the answer is not an APIResourceList");
    doc->served = true;
    auto slash = api_version.find('/');
    std::string group = slash == std::string::npos ? "" : api_version.substr(0, slash);
    std::string version = slash == std::string::npos ? api_version : api_version.substr(slash + 1);
    for (const auto& res : j["resources"]) {
      if (!res.is_object()) continue;
      std::string name = res.value("name", "");
      if (name.empty() || name.find('/') != std::string::npos) continue;  // subresources
      ResourceInfo ri;
      ri.group = group;
      ri.version = version;
      ri.kind = res.value("kind", "");
      ri.resource = name;
      ri.namespaced = res.value("namespaced", false);
      doc->resources.push_back(std::move(ri));
    }
  }
  log::debug(5, "discovery: " + api_version + (doc->served ? " served with " + std::to_string(doc->resources.size()) + " resources" : " not served"));
  std::lock_guard<std::mutex> lock(I.disc_mu);
  auto [it, inserted] = I.discovery.emplace(api_version, doc);
  return it->second;
}

std::optional<ResourceInfo> KubeClient::find_resource(const std::string& api_version, const std::string& kind) {
  auto doc = fetch_gv(*this, *impl_, api_version);
  if (!doc->served) return std::nullopt;
  for (const auto& r : doc->resources)
    if (r.kind == kind) return r;
  return std::nullopt;
}

ResourceInfo KubeClient::require_resource(const std::string& api_version, const std::string& kind) {
  if (auto r = find_resource(api_version, kind)) return *r;
  auto doc = fetch_gv(*this, *impl_, api_version);
  if (doc->served) {
    std::string kinds;
    for (const auto& r : doc->resources) kinds += (kinds.empty() ? "" : ", ") + r.kind;
    throw Error("the API server has no kind " + kind + " in " + api_version,
                "kinds served in " + api_version + ": " + (kinds.empty() ? "none" : kinds));
  }
  // Is the group served in other versions? One look at /apis tells.
  auto slash = api_version.find('/');
  std::string hint = "apply the CustomResourceDefinition that defines it first (lo applies a target's CRDs "
                     "before the rest), or check the apiVersion";
  if (slash != std::string::npos) {
    std::string group = api_version.substr(0, slash);
    try {
      Json groups = get_json("/apis");
      for (const auto& g : groups.value("groups", Json::array())) {
        if (g.value("name", "") != group) continue;
        std::string versions;
        for (const auto& v : g.value("versions", Json::array())) versions += (versions.empty() ? "" : ", ") + v.value("groupVersion", "");
        hint = "the server serves " + group + " only as " + versions;
      }
    } catch (const Error&) {
      // keep the general hint
    }
  }
  throw Error("the API server does not serve " + api_version + " (kind " + kind + ")", hint);
}

std::optional<ResourceInfo> KubeClient::find_group_kind(const std::string& group, const std::string& kind) {
  if (group.empty()) return find_resource("v1", kind);
  std::optional<Json> groups;
  {
    std::lock_guard<std::mutex> lock(impl_->disc_mu);
    groups = impl_->group_list;
  }
  if (!groups) {
    groups = get_json("/apis");
    std::lock_guard<std::mutex> lock(impl_->disc_mu);
    impl_->group_list = groups;
  }
  for (const auto& g : groups->value("groups", Json::array())) {
    if (!g.is_object() || g.value("name", "") != group) continue;
    std::vector<std::string> versions;
    if (g.contains("preferredVersion") && g["preferredVersion"].is_object())
      versions.push_back(g["preferredVersion"].value("groupVersion", ""));
    for (const auto& v : g.value("versions", Json::array()))
      if (v.is_object()) versions.push_back(v.value("groupVersion", ""));
    for (const auto& gv : versions) {
      if (gv.empty()) continue;
      if (auto r = find_resource(gv, kind)) return r;
    }
  }
  return std::nullopt;
}

void KubeClient::refresh_discovery(const std::string& api_version) {
  std::lock_guard<std::mutex> lock(impl_->disc_mu);
  impl_->discovery.erase(api_version);
  impl_->group_list.reset();
}

void KubeClient::prefetch_discovery(const std::vector<std::string>& api_versions) {
  std::vector<std::string> todo;
  {
    std::lock_guard<std::mutex> lock(impl_->disc_mu);
    for (const auto& v : api_versions)
      if (!impl_->discovery.count(v) && std::find(todo.begin(), todo.end(), v) == todo.end()) todo.push_back(v);
  }
  parallel_for(todo.size(), impl_->options.max_in_flight, [&](size_t i) { fetch_gv(*this, *impl_, todo[i]); });
}

}  // namespace lo
