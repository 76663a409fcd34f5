// Kubernetes API errors. Anything in request handling may throw an ApiError;
// the HTTP layer turns it into a `Status` object (kind Status, apiVersion v1,
// status Failure) with the same HTTP code, as the real API server does.
#pragma once

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace lotest {

using json = nlohmann::json;

// A group and a resource, e.g. {"apps", "deployments"}. Error messages name
// resources the way the real server does: "deployments.apps", "configmaps".
struct GroupResource {
  std::string group;
  std::string resource;
  std::string qualified() const { return group.empty() ? resource : resource + "." + group; }
};

class ApiError : public std::runtime_error {
 public:
  ApiError(int code, std::string reason, const std::string& message,
           json details = json::object());

  int code() const { return code_; }
  const std::string& reason() const { return reason_; }
  const json& details() const { return details_; }
  // The Status object sent to the client.
  json status() const;

  // Extra response headers (Retry-After for 429).
  std::vector<std::pair<std::string, std::string>> headers;

 private:
  int code_;
  std::string reason_;
  json details_;
};

// Builds a Status object; `details` is left out when empty.
json statusObject(int code, const std::string& reason, const std::string& message,
                  const json& details = json::object());

// The reason the real server gives for an HTTP code (e.g. 429 TooManyRequests).
std::string reasonForCode(int code);

ApiError notFound(const GroupResource& gr, const std::string& name);
ApiError alreadyExists(const GroupResource& gr, const std::string& name);
ApiError conflict(const GroupResource& gr, const std::string& name, const std::string& why);
ApiError staleObject(const GroupResource& gr, const std::string& name);
ApiError badRequest(const std::string& message);
ApiError unsupportedMediaType(const std::string& message);
ApiError methodNotAllowed(const std::string& message);
ApiError unauthorized();
ApiError resourceNotFound();  // "the server could not find the requested resource"

// One problem with one field, for 422 Invalid.
struct FieldCause {
  std::string reason;  // FieldValueInvalid, FieldValueRequired, ...
  std::string field;   // spec.replicas
  std::string detail;  // Invalid value: "x": must be ...
};

// 422 Invalid: `<Kind>[.<group>] "<name>" is invalid: <field>: <detail>`.
ApiError invalid(const std::string& kind, const std::string& group, const std::string& name,
                 const std::vector<FieldCause>& causes);

}  // namespace lotest
