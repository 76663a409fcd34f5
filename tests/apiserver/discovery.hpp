// Discovery documents (/api, /apis, /apis/<g>, /api/v1, /apis/<g>/<v>) and
// the OpenAPI v3 documents kubectl needs before it applies anything.
#pragma once

#include "resources.hpp"

#include <mutex>
#include <optional>
#include <string>

namespace lotest {

json apiVersions(const std::string& serverAddress);
json apiGroupList(const Registry& registry);
// Null when the group is not served.
json apiGroup(const Registry& registry, const std::string& group);
// Null when the group version is not served.
json apiResourceList(const Registry& registry, const std::string& group, const std::string& version);

// OpenAPI v3: the root lists one document per group version
// ("apis/apps/v1" -> "/openapi/v3/apis/apps/v1?hash=..."); each document has
// the paths of its resources with PATCH operations carrying
// x-kubernetes-group-version-kind and the fieldValidation parameter.
// Documents are rebuilt only when the registry changes.
class OpenApi {
 public:
  explicit OpenApi(const Registry& registry) : registry_(registry) {}
  std::string root();
  // `gv` is "api/v1" or "apis/<group>/<version>"; nullopt when unknown.
  std::optional<std::string> document(const std::string& gv);

 private:
  void refresh();  // with mu_ held

  const Registry& registry_;
  std::mutex mu_;
  uint64_t revision_ = 0;
  std::string root_;
  std::map<std::string, std::string> docs_;
};

}  // namespace lotest
