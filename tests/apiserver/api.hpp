// The Kubernetes REST API surface, independent of the HTTP library: path
// parsing, discovery, OpenAPI, version and health endpoints, and the
// resource verbs (get, list, watch, create, update, patch, delete,
// deletecollection) on top of Objects.
#pragma once

#include "discovery.hpp"
#include "faults.hpp"
#include "objects.hpp"
#include "watch.hpp"

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lotest {

struct ApiRequest {
  std::string method;
  std::string path;
  std::multimap<std::string, std::string> query;
  std::string contentType;  // without parameters
  std::string userAgent;
  std::string body;

  std::string param(const std::string& key) const;
  bool flag(const std::string& key) const;  // "true" or "1"
};

struct ApiResponse {
  int status = 200;
  std::string contentType = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::shared_ptr<WatchStream> watch;  // set for WATCH: the body is streamed
};

// The parts of an API path; `kind` says which endpoint it names.
struct ApiPath {
  enum class Kind { Other, CoreVersions, GroupList, Group, ResourceList, Resource };
  Kind kind = Kind::Other;
  std::string group, version, ns, resource, name, subresource;
};
ApiPath parseApiPath(const std::string& path);

// The verb counted in statistics and matched by fault rules: GET, LIST,
// WATCH, POST, PUT, PATCH or DELETE.
std::string verbOf(const ApiRequest& req);

class Api {
 public:
  Api(Objects& objects, OpenApi& openapi, std::string serverAddress);
  // Answers the request; throws ApiError for error answers. `fault` may ask
  // to drop a watch stream after some events.
  void handle(const ApiRequest& req, ApiResponse& res, const FaultAction& fault);

 private:
  bool handleNonResource(const ApiRequest& req, ApiResponse& res);
  void handleResource(const ApiRequest& req, const ApiPath& p, ApiResponse& res,
                      const FaultAction& fault);
  void list(const ApiRequest& req, const Target& t, ApiResponse& res);
  void watch(const ApiRequest& req, const Target& t, ApiResponse& res, const FaultAction& fault);
  void deleteCollection(const ApiRequest& req, const Target& t, const DeleteOptions& del,
                        const WriteOptions& o, ApiResponse& res);
  WriteOptions writeOptions(const ApiRequest& req) const;
  DeleteOptions deleteOptions(const ApiRequest& req, WriteOptions& o) const;

  Objects& objects_;
  OpenApi& openapi_;
  std::string serverAddress_;
};

}  // namespace lotest
